"""The back office: piccolo-admin built once, in Romanian, with our guards and hooks."""

from __future__ import annotations

import contextlib
import json
import re
import sqlite3
from datetime import timedelta
from typing import Any

import asyncpg
from piccolo_admin.endpoints import create_admin
from piccolo_admin.translations.data import ENGLISH
from piccolo_api.rate_limiting.middleware import InMemoryLimitProvider
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from admin.forms.anaf_partner import anaf_partner_form
from admin.forms.api_token import api_token_form
from admin.forms.bnr_import import bnr_import_form
from admin.forms.document_actions import document_action_forms
from admin.forms.efactura_forms import efactura_forms
from admin.forms.invoice_actions import invoice_action_forms
from admin.forms.ledger_forms import ledger_forms
from admin.forms.new_user import new_user_form
from admin.forms.price_actions import price_action_forms
from admin.forms.print_action import print_action_form
from admin.forms.receipt_forms import receipt_forms
from admin.forms.reminder_forms import reminder_forms
from admin.forms.revaluation_forms import revaluation_forms
from admin.forms.spv_forms import spv_forms
from admin.forms.stock_forms import stock_forms
from admin.guards import AdminRefusal
from admin.labels import RomanianLabels, label
from admin.tables import TABLE_CONFIGS
from admin.translations import ROMANIAN
from domain.core.errors import Conflict, DomainError, ValidationFailed
from settings import Settings


async def _domain_error(_: Request, exc: Exception) -> Response:
    if isinstance(exc, AdminRefusal):  # raised by a validator (admin/guards.py)
        exc = exc.error
    assert isinstance(exc, DomainError)
    text = f"{exc.message_ro} (cod {exc.code})"
    if isinstance(exc, ValidationFailed | Conflict):
        # A refused record (bad value, duplicate, frozen): the admin's forms show
        # `custom_form_error` of a 422 as it is (see its error parser), any other
        # status as raw JSON. 403/404/503 are shown as their plain text.
        return JSONResponse({"custom_form_error": text, "code": exc.code}, status_code=422)
    return PlainTextResponse(text, status_code=exc.status)


# SQLite: "NOT NULL constraint failed: table.column";
# PostgreSQL: 'null value in column "column" of relation "table" violates ...'.
_NOT_NULL = re.compile(
    r"NOT NULL constraint failed: (?P<t1>\w+)\.(?P<c1>\w+)"
    r'|null value in column "(?P<c2>\w+)"(?: of relation "(?P<t2>\w+)")?'
)


def db_error_form(text: str) -> dict[str, str]:
    """The Romanian form error for a constraint failure reported by the database."""
    if "unique constraint" in text.lower():  # both engines' wording
        code = "DUPLICATE"
        message = "Există deja o înregistrare cu aceste date unice (cod, CUI, IBAN...)."
    elif match := _NOT_NULL.search(text):
        column = match["c1"] or match["c2"]
        code = "FIELD_REQUIRED"
        message = (
            f"Completați câmpul «{label(match['t1'] or match['t2'] or '', column) or column}»."
        )
    else:
        code = "INTEGRITY"
        message = (
            "Înregistrarea face referire la date care nu există sau sunt folosite în altă parte."
        )
    return {"custom_form_error": f"{message} (cod {code})", "code": code}


async def _integrity_error(_: Request, exc: Exception) -> Response:
    return JSONResponse(db_error_form(str(exc)), status_code=422)


class DatabaseErrors:
    """PiccoloCRUD answers a constraint failure itself, before any exception handler,
    as 422 {"db_error": <the driver's English text>}; the admin would show that text.
    This wrapper rewrites those answers into the Romanian form error."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in {"GET", "HEAD", "OPTIONS"}:
            await self.app(scope, receive, send)
            return
        start: Message = {}
        chunks: list[bytes] = []

        async def rewrite(message: Message) -> None:
            if message["type"] == "http.response.start":
                if message["status"] != 422:
                    await send(message)
                else:
                    start.update(message)
                return
            if not start or message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = b"".join(chunks)
            with contextlib.suppress(ValueError):
                answer = json.loads(body)
                if isinstance(answer, dict) and "db_error" in answer:
                    body = json.dumps(db_error_form(str(answer["db_error"]))).encode()
            headers = [
                (k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"
            ]
            headers.append((b"content-length", str(len(body)).encode()))
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, rewrite)


def _inner_apps(app: Any) -> list[Starlette]:
    """The Starlette/FastAPI apps inside the admin, through its mounts and middleware."""
    found: list[Starlette] = []
    seen: set[int] = set()
    stack = [app]
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, Starlette):
            found.append(node)
            stack.extend(getattr(route, "app", None) for route in node.routes)
        stack.append(getattr(node, "app", None))
    return found


def build_admin(settings: Settings) -> ASGIApp:
    app = create_admin(
        tables=TABLE_CONFIGS,
        forms=[
            anaf_partner_form(settings),
            bnr_import_form(),
            api_token_form(),
            new_user_form(),
            *invoice_action_forms(),
            *efactura_forms(settings),
            *document_action_forms(),
            *price_action_forms(),
            *ledger_forms(),
            print_action_form(settings),
            *stock_forms(),
            *spv_forms(),
            *receipt_forms(settings),
            *reminder_forms(),
            *revaluation_forms(),
        ],
        site_name="Catastif",
        # The hand-made pages, reachable from the admin with the same login.
        sidebar_links={
            "Editor facturi": "/editor/invoices/new",
            "Editor documente": "/editor/documents/",  # offers, proformas, orders, avize
            "Rapoarte": "/reports/",  # trial balance, partner files, sales journal ...
            "Extrase bancare": "/bank-statements/",  # import, confirm collections
            "Registrul de casă": "/reports/cash-book",
            "Scadențar clienți": "/reports/ageing",
        },
        default_language_code="ro",
        translations=[ROMANIAN, ENGLISH],
        production=settings.production,
        allowed_hosts=list(settings.allowed_hosts),
        session_expiry=timedelta(hours=8),
        # piccolo-admin's default blocks an address after 20 logins in 5 minutes until a
        # restart; behind a proxy every employee shares one address. Per address: 50
        # attempts in 5 minutes, then 5 minutes' wait (run uvicorn with --proxy-headers).
        rate_limit_provider=InMemoryLimitProvider(timespan=300, limit=50, block_duration=300),
    )
    # Hooks and validators raise DomainError; every inner app must answer it as a form
    # error rather than a 500. IntegrityError covers a unique race the hooks lost.
    for inner in _inner_apps(app):
        inner.add_exception_handler(DomainError, _domain_error)
        inner.add_exception_handler(AdminRefusal, _domain_error)
        inner.add_exception_handler(sqlite3.IntegrityError, _integrity_error)
        inner.add_exception_handler(asyncpg.IntegrityConstraintViolationError, _integrity_error)
    return RomanianLabels(DatabaseErrors(app))
