"""Jobs: payment reminders by e-mail (domain/payments/reminders.py).

A daily cron (09:00, Europe/Bucharest) enqueues one `payment_reminders` per company with
reminders enabled; «Trimite reamintirea acum» enqueues one for a single client. Key
`reminders:<company>[:<partner>]`: it only keeps two runs from overlapping; what was sent
is in `reamintire_plata`, recorded before each e-mail leaves, so a retried run never
sends a reminder twice.
"""

from __future__ import annotations

import logging
from typing import Any

from saq import Queue

from domain.payments.reminders import reminder_companies, reminders_send
from jobs.queue import enqueue

log = logging.getLogger("catastif")

REMINDERS_CRON = "0 9 * * *"
# One run sends at most one e-mail per client, each bounded by the SMTP timeout (30 s).
REMINDERS_TIMEOUT_S = 1800
REMINDERS_RETRIES = 3
REMINDERS_RETRY_DELAY_S = 600.0
DAILY_TIMEOUT_S = 60


def reminders_key(company_id: int, partner_id: int | None = None) -> str:
    return f"reminders:{company_id}" + (f":{partner_id}" if partner_id else "")


async def enqueue_payment_reminders(
    queue: Queue, company_id: int, partner_id: int | None = None, force: bool = False
) -> bool | None:
    """True when queued, False when the same run is in flight, None when the queue
    cannot be reached (the next cron run sends what is due)."""
    try:
        job = await enqueue(
            queue,
            "payment_reminders",
            key=reminders_key(company_id, partner_id),
            timeout=REMINDERS_TIMEOUT_S,
            retries=REMINDERS_RETRIES,
            retry_delay=REMINDERS_RETRY_DELAY_S,
            company_id=company_id,
            partner_id=partner_id,
            force=force,
        )
    except Exception:  # Redis down
        log.exception("could not enqueue the payment reminders of company %s", company_id)
        return None
    return job is not None


async def payment_reminders(
    ctx: dict[str, Any], *, company_id: int, partner_id: int | None = None, force: bool = False
) -> dict[str, Any]:
    run = await reminders_send(
        company_id=company_id, settings=ctx["settings"], partner_id=partner_id, force=force
    )
    return run.summary()


async def payment_reminders_daily(ctx: dict[str, Any]) -> dict[str, Any]:
    """The cron: one run per company with reminders enabled."""
    companies = await reminder_companies()
    queue = ctx["job"].queue if ctx.get("job") else ctx["worker"].queue
    enqueued = 0
    for company_id in companies:
        enqueued += bool(await enqueue_payment_reminders(queue, company_id))
    return {"companies": len(companies), "enqueued": enqueued}


FUNCTIONS = [payment_reminders, payment_reminders_daily]
