"""Jobs: print an invoice, or an offer / proforma / order / aviz / warranty certificate, to
PDF, after the commit that issued or cancelled it.

The file is named by the invoice's status (DATA_DIR/documents/invoices/<id>-<status>.pdf), so
the database decides what is missing: a run finding the file for the current status does
nothing, and a cancelled invoice gets its own copy with the ANULAT stamp. A lost job costs
nothing: `GET /api/invoices/{id}/pdf` (`/api/documents/{id}/pdf`) enqueues it again when the
file is not there.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from saq import Queue

from domain.core.errors import NotFound
from domain.core.files import write_atomic
from domain.org.permissions import SYSTEM
from domain.sales.queries import document_get, invoice_get
from jobs.queue import enqueue
from printing.document_context import document_context_load
from printing.invoice_context import invoice_context_load
from printing.render import (
    document_pdf_path,
    invoice_pdf_path,
    render_document_pdf,
    render_invoice_pdf,
)
from settings import Settings
from tables.choices import DocStatus
from tables.sales import Document, Invoice

log = logging.getLogger("catastif")

RENDER_TIMEOUT_S = 120
RENDER_RETRIES = 3


def render_key(invoice_id: int) -> str:
    return f"print:invoice:{invoice_id}"


async def render_invoice(ctx: dict[str, Any], *, invoice_id: int) -> dict[str, Any]:
    """Render invoice `invoice_id` for its current status, unless that file exists.

    A cancel committed while the issued copy was rendering finds this job still in flight
    (same key, so its own enqueue is dropped): the status is read again at the end and the
    cancelled copy printed too.
    """
    result = await _render_current(ctx["settings"], invoice_id)
    if result.get("status") and await _status(invoice_id) not in (None, result["status"]):
        result = await _render_current(ctx["settings"], invoice_id)
    return result


async def _status(invoice_id: int) -> str | None:
    row = await Invoice.select(Invoice.status).where(Invoice.id == invoice_id).first()
    return row["status"] if row else None


async def _render_current(settings: Settings, invoice_id: int) -> dict[str, Any]:
    try:
        invoice = await invoice_get(invoice_id, by=SYSTEM)
    except NotFound:
        return {"invoice_id": invoice_id, "skipped": "not_found"}
    if invoice["status"] == DocStatus.draft:
        return {"invoice_id": invoice_id, "skipped": "draft"}
    path = invoice_pdf_path(settings, invoice)
    done = {"invoice_id": invoice_id, "status": invoice["status"], "path": str(path)}
    if await asyncio.to_thread(path.exists):
        return done | {"rendered": False}
    context = await invoice_context_load(invoice)
    pdf = await asyncio.to_thread(render_invoice_pdf, context)
    await asyncio.to_thread(write_atomic, path, pdf)
    return done | {"rendered": True, "bytes": len(pdf)}


async def enqueue_invoice_pdf(queue: Queue, invoice_id: int) -> bool:
    """Ask for the PDF of `invoice_id` (after the commit that issued or cancelled it).

    True when the job is queued, or already in flight (same key); False when the queue
    cannot be reached: logged, not raised, so that an after-commit hook never turns a
    committed invoice into an error (the PDF endpoint asks again later).
    """
    try:
        await enqueue(
            queue,
            "render_invoice",
            key=render_key(invoice_id),
            timeout=RENDER_TIMEOUT_S,
            retries=RENDER_RETRIES,
            invoice_id=invoice_id,
        )
    except Exception:  # Redis down or unreachable: logged, asked again by the endpoint
        log.exception("could not enqueue the PDF of invoice %s", invoice_id)
        return False
    return True


# --- offers, proformas, orders, avize, warranty certificates ---------------------------------


def document_render_key(document_id: int) -> str:
    return f"print:document:{document_id}"


async def render_document(ctx: dict[str, Any], *, document_id: int) -> dict[str, Any]:
    """Render sales document `document_id` for its current status, unless that file exists
    (a cancel committed while rendering is printed too, as for invoices)."""
    result = await _render_document_current(ctx["settings"], document_id)
    if result.get("status") and await _document_status(document_id) not in (
        None,
        result["status"],
    ):
        result = await _render_document_current(ctx["settings"], document_id)
    return result


async def _document_status(document_id: int) -> str | None:
    row = await Document.select(Document.status).where(Document.id == document_id).first()
    return row["status"] if row else None


async def _render_document_current(settings: Settings, document_id: int) -> dict[str, Any]:
    try:
        document = await document_get(document_id, by=SYSTEM)
    except NotFound:
        return {"document_id": document_id, "skipped": "not_found"}
    if document["status"] == DocStatus.draft:
        return {"document_id": document_id, "skipped": "draft"}
    path = document_pdf_path(settings, document)
    done = {"document_id": document_id, "status": document["status"], "path": str(path)}
    if await asyncio.to_thread(path.exists):
        return done | {"rendered": False}
    context = await document_context_load(document)
    pdf = await asyncio.to_thread(render_document_pdf, context)
    await asyncio.to_thread(write_atomic, path, pdf)
    return done | {"rendered": True, "bytes": len(pdf)}


async def enqueue_document_pdf(queue: Queue, document_id: int) -> bool:
    """Ask for the PDF of sales document `document_id`; True when queued or in flight,
    False (logged) when the queue cannot be reached."""
    try:
        await enqueue(
            queue,
            "render_document",
            key=document_render_key(document_id),
            timeout=RENDER_TIMEOUT_S,
            retries=RENDER_RETRIES,
            document_id=document_id,
        )
    except Exception:  # Redis down or unreachable: logged, asked again by the endpoint
        log.exception("could not enqueue the PDF of document %s", document_id)
        return False
    return True
