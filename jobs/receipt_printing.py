"""Job: print a chitanță to PDF (DATA_DIR/documents/receipts/<id>-<status>.pdf), after the
commit that recorded or cancelled it, or when the PDF is first asked for. As for invoices
(jobs/printing.py) the file's name carries the status, so a run finding it does nothing
and a cancelled chitanță gets its own copy stamped ANULAT."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from saq import Queue

from domain.core.errors import DomainError
from domain.core.files import write_atomic
from jobs.printing import RENDER_RETRIES, RENDER_TIMEOUT_S
from jobs.queue import enqueue
from printing.receipt_context import receipt_context_load, receipt_for_print
from printing.render import receipt_pdf_path, render_receipt_pdf
from settings import Settings
from tables.payments import Receipt

log = logging.getLogger("catastif")


def receipt_render_key(receipt_id: int) -> str:
    return f"print:receipt:{receipt_id}"


async def render_receipt(ctx: dict[str, Any], *, receipt_id: int) -> dict[str, Any]:
    """Render chitanța `receipt_id` for its current status unless that file exists (a
    cancel committed while rendering is printed too)."""
    result = await _render_current(ctx["settings"], receipt_id)
    if result.get("status"):
        row = await Receipt.select(Receipt.status).where(Receipt.id == receipt_id).first()
        if row is not None and row["status"] != result["status"]:
            result = await _render_current(ctx["settings"], receipt_id)
    return result


async def _render_current(settings: Settings, receipt_id: int) -> dict[str, Any]:
    try:
        receipt = await receipt_for_print(receipt_id)
    except DomainError as exc:  # gone, or not a cash receipt: nothing to print
        return {"receipt_id": receipt_id, "skipped": exc.code}
    path = receipt_pdf_path(settings, receipt)
    done = {"receipt_id": receipt_id, "status": receipt["status"], "path": str(path)}
    if await asyncio.to_thread(path.exists):
        return done | {"rendered": False}
    context = await receipt_context_load(receipt)
    pdf = await asyncio.to_thread(render_receipt_pdf, context)
    await asyncio.to_thread(write_atomic, path, pdf)
    return done | {"rendered": True, "bytes": len(pdf)}


async def enqueue_receipt_pdf(queue: Queue, receipt_id: int) -> bool:
    """Ask for the PDF of `receipt_id`; True when queued or in flight, False (logged) when
    the queue cannot be reached (the endpoint asks again later)."""
    try:
        await enqueue(
            queue,
            "render_receipt",
            key=receipt_render_key(receipt_id),
            timeout=RENDER_TIMEOUT_S,
            retries=RENDER_RETRIES,
            receipt_id=receipt_id,
        )
    except Exception:  # Redis down or unreachable: logged, asked again by the endpoint
        log.exception("could not enqueue the PDF of receipt %s", receipt_id)
        return False
    return True
