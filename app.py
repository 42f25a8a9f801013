"""The Catastif web application: API, admin, lifespan (database, Redis, worker)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from litestar import Litestar, asgi, get
from litestar.datastructures import State
from litestar.di import Provide
from litestar.middleware.base import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Redirect
from litestar.response.redirect import ASGIRedirectResponse
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig
from litestar.types import Receive, Scope, Send
from saq import Worker

from admin import build_admin
from cli import CatastifCLI
from controllers.auth import ApiAuthMiddleware
from controllers.bank_statements import BankStatementController, BankStatementPagesController
from controllers.cash_book import cash_book_api, cash_book_page
from controllers.catalog import ArticleController, ReferenceController
from controllers.documents import DocumentController, InvoiceFlowController, series_ranges_list
from controllers.editor import DocumentEditorController, EditorController
from controllers.efactura import EfacturaController, SpvOAuthController
from controllers.errors import EXCEPTION_HANDLERS
from controllers.health import health
from controllers.invoices import InvoiceController
from controllers.ledger import (
    AccountController,
    DoubtfulController,
    JournalEntryController,
    PeriodController,
)
from controllers.meters import MeterController
from controllers.partners import PartnerController
from controllers.prices import PriceFileController, PriceResolveController
from controllers.pricing import PriceListController, PricingController
from controllers.printing import document_pdf, invoice_pdf
from controllers.receipt_printing import receipt_pdf
from controllers.receipts import AllocationController, ReceiptController, partner_open_items
from controllers.receivables import ageing_api, ageing_page, reminder_preview_api
from controllers.reports import ReportApiController, ReportPagesController
from controllers.stock import StockController
from controllers.supplier_invoices import SpvMessageController, SupplierInvoiceController
from domain.core.effects import install_dispatcher
from domain.core.tx import engine, is_sqlite
from jobs.dispatch import queue_dispatcher
from jobs.embedded_redis import EmbeddedRedis
from jobs.queue import queue_from_url
from jobs.worker import worker_settings
from settings import Settings
from tables.org import Company

log = logging.getLogger("catastif")
ROOT = Path(__file__).resolve().parent


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or Settings.from_env()
    admin_app = build_admin(settings)

    @asgi("/admin", is_mount=True, copy_scope=True, exclude_from_auth=True)
    async def admin(scope: Scope, receive: Receive, send: Send) -> None:
        # The admin's index.html loads ./assets/...: without the slash they would 404.
        if scope["type"] == "http" and scope.get("raw_path", b"").split(b"?")[0] == b"/admin":
            await ASGIRedirectResponse(path="/admin/", status_code=308)(scope, receive, send)
            return
        await admin_app(scope, receive, send)

    @get("/", exclude_from_auth=True, include_in_schema=False)
    async def home() -> Redirect:
        return Redirect("/admin/")

    @contextlib.asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        async with app_services(app.state, settings):
            yield

    return Litestar(
        route_handlers=[
            home,
            admin,
            health,
            PartnerController,
            ArticleController,
            ReferenceController,
            InvoiceController,
            EfacturaController,
            SpvOAuthController,
            invoice_pdf,
            document_pdf,
            receipt_pdf,
            InvoiceFlowController,
            DocumentController,
            series_ranges_list,
            PriceListController,
            PricingController,
            PriceFileController,
            PriceResolveController,
            JournalEntryController,
            AccountController,
            PeriodController,
            DoubtfulController,
            StockController,
            SupplierInvoiceController,
            SpvMessageController,
            ReceiptController,
            AllocationController,
            partner_open_items,
            MeterController,
            EditorController,
            DocumentEditorController,
            ReportPagesController,
            ReportApiController,
            BankStatementController,
            BankStatementPagesController,
            cash_book_page,
            cash_book_api,
            ageing_page,
            ageing_api,
            reminder_preview_api,
            # The hand-made pages' scripts and styles: public, like the admin's assets.
            create_static_files_router(
                path="/static", directories=[ROOT / "static"], opt={"exclude_from_auth": True}
            ),
        ],
        template_config=TemplateConfig(directory=ROOT / "templates", engine=JinjaTemplateEngine),
        dependencies={"settings": Provide(lambda: settings, use_cache=True, sync_to_thread=False)},
        middleware=[
            DefineMiddleware(ApiAuthMiddleware, exclude=["^/schema", "^/admin", "^/health"])
        ],
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
        openapi_config=OpenAPIConfig(
            title="Catastif API",
            version="0.1.0",
            description="Parteneri, articole și referințe (cote TVA, curs BNR). "
            "Autentificare: sesiunea din /admin/ sau «Authorization: Bearer <token>».",
            path="/schema",
        ),
        lifespan=[lifespan],
        plugins=[CatastifCLI()],
        state=State({"settings": settings}),
        debug=False,
    )


@contextlib.asynccontextmanager
async def app_services(state: State, settings: Settings) -> AsyncIterator[None]:
    db = engine()
    own_pool = False
    if is_sqlite():
        # WAL lets readers run beside the one writer; the setting persists in the file.
        await Company.raw("PRAGMA journal_mode=WAL")
    elif getattr(db, "pool", None) is None:
        await db.start_connection_pool()
        own_pool = True  # close only what we opened (tests run a second app on one pool)
    embedded: EmbeddedRedis | None = None
    redis_url = settings.redis_url
    if redis_url is None:
        embedded = EmbeddedRedis(settings.data_dir)
        redis_url = await asyncio.to_thread(embedded.start)
    queue = queue_from_url(redis_url)
    await queue.connect()
    state.queue = queue
    install_dispatcher(queue_dispatcher(queue))
    worker: Worker | None = None
    worker_task: asyncio.Task[Any] | None = None
    if settings.run_worker_in_process:
        worker = Worker(**worker_settings(queue, settings, grace_s=1, own_process=False))
        worker.SIGNALS = []  # the server owns SIGTERM; a stolen handler leaves it running
        worker_task = asyncio.create_task(worker.start())
    try:
        yield
    finally:
        install_dispatcher(None)
        if worker is not None:
            await worker.stop()
        if worker_task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await worker_task
        await queue.disconnect()
        if embedded is not None:
            await asyncio.to_thread(embedded.stop)
        if own_pool:
            await db.close_connection_pool()
