"""Jobs: month-end FX revaluation of currency receivables (domain/payments/revaluation_ops.py).

On the 1st of each month at 06:30 (Europe/Bucharest) the cron enqueues one
`fx_revaluation` of the month just ended per company owed something in a currency. The
last banking day's rate was published the day before at the latest (BNR, ~13:00) and
imported by the BNR cron. Key `fx_revaluation:<company>:<YYYY-MM>`: it only keeps two runs
from overlapping; the database keeps one revaluation per company and month, so a retried
or repeated run reports the one recorded. A refusal (a missing rate, a closed month)
fails the job after its retries with the Romanian message; «Reevaluare valutară» in the
admin runs the month again once the cause is fixed.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from saq import Queue

from domain.core.clock import today
from domain.org.permissions import SYSTEM
from domain.payments.revaluation_ops import fx_revaluation_run, revaluation_companies
from jobs.queue import enqueue

REVALUATION_CRON = "30 6 1 * *"
# A month's revaluation is a few statements per company; retries wait for a busy database.
REVALUATION_TIMEOUT_S = 300
REVALUATION_RETRIES = 3
REVALUATION_RETRY_DELAY_S = 300.0
MONTHLY_TIMEOUT_S = 300


def revaluation_key(company_id: int, month: date) -> str:
    return f"fx_revaluation:{company_id}:{month:%Y-%m}"


async def enqueue_fx_revaluation(queue: Queue, company_id: int, month: date) -> bool:
    """True when queued, False when the same run is in flight."""
    job = await enqueue(
        queue,
        "fx_revaluation",
        key=revaluation_key(company_id, month),
        timeout=REVALUATION_TIMEOUT_S,
        retries=REVALUATION_RETRIES,
        retry_delay=REVALUATION_RETRY_DELAY_S,
        company_id=company_id,
        month=month.isoformat(),
    )
    return job is not None


async def fx_revaluation(ctx: dict[str, Any], *, company_id: int, month: str) -> dict[str, Any]:
    """Revalue one company's month (`month`: any day of it, ISO)."""
    run = await fx_revaluation_run(
        company_id=company_id, month=date.fromisoformat(month), by=SYSTEM
    )
    return run.summary()


async def fx_revaluation_monthly(ctx: dict[str, Any]) -> dict[str, Any]:
    """The cron: the month just ended, one run per company with currency receivables."""
    month = today().replace(day=1) - timedelta(days=1)
    companies = await revaluation_companies(month)
    queue = ctx["job"].queue if ctx.get("job") else ctx["worker"].queue
    enqueued = 0
    for company_id in companies:
        enqueued += await enqueue_fx_revaluation(queue, company_id, month)
    return {"month": month.isoformat(), "companies": len(companies), "enqueued": enqueued}


FUNCTIONS = [fx_revaluation, fx_revaluation_monthly]
