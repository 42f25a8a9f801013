"""Jobs: read each connected company's SPV inbox (received invoices, buyer messages).

A cron (twice a day, Europe/Bucharest) enqueues one `efactura_receive` per company whose
SPV connection is enabled, and «Preia acum din SPV» one for a company someone names
(domain/efactura/spv_fetch.py); key `efactura:receive:<company>`: the key only keeps two
runs of one company from overlapping; what was received, downloaded and imported is in the
database (domain/efactura/receive.py), so a retried or repeated run does nothing twice.
"""

from __future__ import annotations

import logging
from typing import Any

from saq import Queue

from domain.efactura.receive import spv_receive
from jobs.queue import enqueue
from tables.efactura import AnafConnection

log = logging.getLogger("catastif")

# A run lists up to 60 days of messages and downloads what is new, each call bounded by
# settings.anaf_timeout_s; ANAF being down fails the run, retried with back-off.
RECEIVE_TIMEOUT_S = 1800
RECEIVE_RETRIES = 4
RECEIVE_RETRY_DELAY_S = 300.0
RECEIVE_CRON = "20 7,13 * * *"
DAILY_TIMEOUT_S = 60


def receive_key(company_id: int) -> str:
    return f"efactura:receive:{company_id}"


async def enqueue_efactura_receive(
    queue: Queue, company_id: int, requested_by: str = ""
) -> bool | None:
    """True when queued, False when a run of the company is in flight already, None when
    the queue cannot be reached. `requested_by`: who asked (empty for the cron)."""
    try:
        job = await enqueue(
            queue,
            "efactura_receive",
            key=receive_key(company_id),
            timeout=RECEIVE_TIMEOUT_S,
            retries=RECEIVE_RETRIES,
            retry_delay=RECEIVE_RETRY_DELAY_S,
            company_id=company_id,
            requested_by=requested_by,
        )
    except Exception:  # Redis down: the next cron run enqueues it
        log.exception("could not enqueue the SPV inbox of company %s", company_id)
        return None
    return job is not None


async def efactura_receive(
    ctx: dict[str, Any], *, company_id: int, requested_by: str = ""
) -> dict[str, Any]:
    """One company's inbox: list, record, download, import (see spv_receive)."""
    summary = await spv_receive(company_id, settings=ctx["settings"], requested_by=requested_by)
    return {"company_id": company_id, **summary}


async def efactura_receive_daily(ctx: dict[str, Any]) -> dict[str, Any]:
    """The cron: one receive job per company with an enabled SPV connection."""
    rows = await AnafConnection.select(AnafConnection.company).where(
        AnafConnection.enabled == True  # noqa: E712 -- a SQL comparison
    )
    queue = ctx["job"].queue if ctx.get("job") else ctx["worker"].queue
    enqueued = 0
    for row in rows:
        enqueued += bool(await enqueue_efactura_receive(queue, row["company"]))
    return {"companies": len(rows), "enqueued": enqueued}


FUNCTIONS = [efactura_receive, efactura_receive_daily]
