"""Jobs: send an invoice to ANAF, poll its status, download the answer; the sweeper.

Each job runs one step of domain/efactura/send_*.py, which re-reads and locks the row first:
a job run twice, late or beside another worker does nothing more than once. Keys are
`efactura:<op>:<invoice>` (they only dedupe work in flight). A step that leads to another
operation enqueues it here, on the job's own queue; a step that must run again later (a
poll «in prelucrare», a recovery check) leaves `next_check_at`, and the sweeper — a cron
every minute — enqueues whatever the database says is due, so a lost job costs a minute.
The sweeper also queues the invoices of companies that send automatically, N hours after
issue (AnafConnection.auto_send_hours).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from saq import Queue

from domain.efactura.send_answer import efactura_download_step, efactura_poll_step
from domain.efactura.send_machine import Step
from domain.efactura.send_sweeper import efactura_auto_queue, efactura_due
from domain.efactura.send_upload import efactura_send_step
from domain.efactura.status import submission_for
from jobs.queue import enqueue

log = logging.getLogger("catastif")

# One call to ANAF lasts at most settings.anaf_timeout_s (60 s); a step makes a few
# (token refresh, list + downloads when recovering).
STEP_TIMEOUT_S = 300
STEP_RETRIES = 3
STEP_RETRY_DELAY_S = 30.0
SWEEP_TIMEOUT_S = 240
OPS = ("send", "poll", "download")
SOON_S = 5


def efactura_key(op: str, invoice_id: int) -> str:
    return f"efactura:{op}:{invoice_id}"


async def enqueue_efactura(
    queue: Queue, op: str, invoice_id: int, at: datetime | None = None
) -> bool:
    """Enqueue one step now. Work for later (`at` ahead) is not enqueued: the sweeper
    enqueues it when `next_check_at` comes (a job scheduled ahead would hold the key, and
    a person's «trimite acum» or «actualizează» could not bring it forward).

    False when the queue cannot be reached: logged, never raised (the sweeper finds the
    work in the database)."""
    if op not in OPS:
        raise ValueError(op)
    if at is not None and at > datetime.now(UTC) + timedelta(seconds=SOON_S):
        return True
    try:
        await enqueue(
            queue,
            f"efactura_{op}",
            key=efactura_key(op, invoice_id),
            timeout=STEP_TIMEOUT_S,
            retries=STEP_RETRIES,
            retry_delay=STEP_RETRY_DELAY_S,
            invoice_id=invoice_id,
        )
    except Exception:  # Redis down: the sweeper enqueues it again from the database
        log.exception("could not enqueue e-Factura %s of invoice %s", op, invoice_id)
        return False
    return True


async def enqueue_efactura_send(queue: Queue, invoice_id: int, at: datetime | None = None) -> bool:
    return await enqueue_efactura(queue, "send", invoice_id, at)


async def enqueue_efactura_poll(queue: Queue, invoice_id: int, at: datetime | None = None) -> bool:
    return await enqueue_efactura(queue, "poll", invoice_id, at)


async def enqueue_efactura_download(
    queue: Queue, invoice_id: int, at: datetime | None = None
) -> bool:
    return await enqueue_efactura(queue, "download", invoice_id, at)


async def _run(ctx: dict[str, Any], op: str, invoice_id: int) -> dict[str, Any]:
    row = await submission_for(invoice_id)
    if row is None:
        return {"invoice_id": invoice_id, "skipped": "no submission"}
    step_fn = {
        "send": efactura_send_step,
        "poll": efactura_poll_step,
        "download": efactura_download_step,
    }[op]
    step: Step = await step_fn(row["id"], settings=ctx["settings"])
    # The next operation when it is due now and is another one (the same key is still
    # ours while this job runs). Later work is left to the sweeper, which finds it by
    # `next_check_at`: a job scheduled ahead would hold the key and keep a person's
    # «actualizează» or the sweeper from bringing it forward.
    if step.next_op and step.next_op != op:
        await enqueue_efactura(ctx["job"].queue, step.next_op, invoice_id, step.next_at)
    return {
        "invoice_id": invoice_id,
        "state": step.state,
        "next": step.next_op,
        "next_at": step.next_at.isoformat() if step.next_at else None,
        "detail": step.detail,
    }


async def efactura_send(ctx: dict[str, Any], *, invoice_id: int) -> dict[str, Any]:
    return await _run(ctx, "send", invoice_id)


async def efactura_poll(ctx: dict[str, Any], *, invoice_id: int) -> dict[str, Any]:
    return await _run(ctx, "poll", invoice_id)


async def efactura_download(ctx: dict[str, Any], *, invoice_id: int) -> dict[str, Any]:
    return await _run(ctx, "download", invoice_id)


async def efactura_sweep(ctx: dict[str, Any]) -> dict[str, Any]:
    """Every minute: queue what is due to be sent automatically, then enqueue every step
    the database says is due (lost jobs, polls, recoveries, downloads)."""
    auto = await efactura_auto_queue()
    due = await efactura_due()
    queue = ctx["job"].queue if ctx.get("job") else ctx["worker"].queue
    sent = 0
    for op, invoice_id in due:
        sent += bool(await enqueue_efactura(queue, op, invoice_id))
    return {"auto_queued": auto, "due": len(due), "enqueued": sent}


FUNCTIONS = [efactura_send, efactura_poll, efactura_download, efactura_sweep]
