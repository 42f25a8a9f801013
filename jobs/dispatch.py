"""The dispatcher the domain's `enqueue_after_commit` uses: job name -> how to enqueue it
(key, timeout, retries live with each job)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from saq import Queue

from domain.core.effects import Dispatcher
from jobs.efactura import enqueue_efactura_download, enqueue_efactura_poll, enqueue_efactura_send
from jobs.efactura_receive import enqueue_efactura_receive
from jobs.printing import enqueue_document_pdf, enqueue_invoice_pdf
from jobs.receipt_printing import enqueue_receipt_pdf
from jobs.reminders import enqueue_payment_reminders

POLICIES: dict[str, Callable[..., Awaitable[Any]]] = {
    "render_invoice": enqueue_invoice_pdf,
    "render_document": enqueue_document_pdf,
    "render_receipt": enqueue_receipt_pdf,
    "efactura_send": enqueue_efactura_send,
    "efactura_poll": enqueue_efactura_poll,
    "efactura_download": enqueue_efactura_download,
    "efactura_receive": enqueue_efactura_receive,
    "payment_reminders": enqueue_payment_reminders,
}


def queue_dispatcher(queue: Queue) -> Dispatcher:
    async def dispatch(job: str, **kwargs: Any) -> Any:
        return await POLICIES[job](queue, **kwargs)

    return dispatch
