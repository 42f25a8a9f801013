"""The month-end FX revaluation job on a real SAQ worker (the app's queue): it books the
month once (a second run reports it); the monthly cron queues the month just ended for
each company owed something in a currency, with its key, timeout and retries; a missing
rate fails the job with the Romanian message."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from saq import Queue
from saq.job import Status

from domain.core.clock import today
from domain.core.errors import NotFound
from domain.org.banking_days import last_banking_day
from domain.org.permissions import SYSTEM
from domain.sales.invoices import invoice_draft_create, invoice_issue
from jobs.revaluation import (
    REVALUATION_RETRIES,
    REVALUATION_TIMEOUT_S,
    enqueue_fx_revaluation,
    fx_revaluation,
    fx_revaluation_monthly,
    revaluation_key,
)
from tables.org import ExchangeRate
from tables.payments import FxRevaluation
from tests.factories import make_article, make_client, make_company, make_series
from tests.jobs import test_bnr_import_job

D = Decimal
queue = test_bnr_import_job.queue  # the app's queue, with a worker behind it
LAST_MONTH = today().replace(day=1) - timedelta(days=1)  # what the cron revalues today


@pytest.fixture
async def sale() -> dict[str, int]:
    return {"client": await make_client(), "article": await make_article()}


async def company_with_invoice(
    sale: dict[str, int], currency: str, *, cui: str, month_end: date = LAST_MONTH
) -> int:
    company = await make_company(name=f"Firma {cui} SRL", cui=cui)
    await make_series(company)
    draft = await invoice_draft_create(
        company_id=company, partner_id=sale["client"], by=SYSTEM,
        header={"issue_date": month_end.replace(day=10), "currency": currency},
        lines=[{"article": sale["article"], "quantity": 1, "unit_price": "1000"}],
    )  # fmt: skip
    await invoice_issue(invoice_id=draft, by=SYSTEM)
    return company


async def eur_rates(month_end: date, closing: str | None = "5.1000") -> None:
    rows = [ExchangeRate(currency="EUR", day=month_end.replace(day=1), rate=D("5.0000"))]
    if closing is not None:
        rows.append(ExchangeRate(currency="EUR", day=last_banking_day(month_end), rate=D(closing)))
    await ExchangeRate.insert(*rows)


async def finished(queue: Queue, key: str) -> Any:
    job = await queue.job(key)
    assert job is not None
    await job.refresh(until_complete=60)
    assert job.status == Status.COMPLETE, job.error
    return job


async def test_the_job_books_the_month_once_on_the_worker(queue: Queue, sale):
    end = date(2026, 3, 31)
    await eur_rates(end)
    company = await company_with_invoice(sale, "EUR", cui="18547290", month_end=end)
    assert await enqueue_fx_revaluation(queue, company, end)
    job = await finished(queue, revaluation_key(company, end))
    assert job.result == {
        "company": company, "month": "2026-03-31", "revaluation": 1, "created": True,
        "undone": False, "invoices": 1, "gain": "121.00", "loss": "0.00",
    }  # fmt: skip
    assert (job.timeout, job.retries, job.retry_backoff) == (
        REVALUATION_TIMEOUT_S, REVALUATION_RETRIES, True)  # fmt: skip
    # Again (a retry, or the form after the cron): the one recorded, nothing new.
    assert await enqueue_fx_revaluation(queue, company, end)
    again = await finished(queue, revaluation_key(company, end))
    assert (again.result["created"], again.result["revaluation"]) == (False, 1)
    assert await FxRevaluation.count() == 1


async def test_the_monthly_cron_queues_the_month_just_ended(queue: Queue, sale):
    await eur_rates(LAST_MONTH)
    owed = await company_with_invoice(sale, "EUR", cui="18547290")
    await company_with_invoice(sale, "RON", cui="14399840")  # nothing in a currency
    result = await fx_revaluation_monthly({"worker": SimpleNamespace(queue=queue)})
    assert result == {"month": LAST_MONTH.isoformat(), "companies": 1, "enqueued": 1}
    job = await finished(queue, revaluation_key(owed, LAST_MONTH))
    assert job.kwargs == {"company_id": owed, "month": LAST_MONTH.isoformat()}
    assert (job.result["created"], job.result["gain"]) == (True, "121.00")
    # Revalued: the next cron run (a retry of the cron) queues nothing.
    assert await fx_revaluation_monthly({"worker": SimpleNamespace(queue=queue)}) == {
        "month": LAST_MONTH.isoformat(), "companies": 0, "enqueued": 0}  # fmt: skip


async def test_a_missing_rate_fails_the_run_with_the_romanian_message(sale):
    end = date(2026, 3, 31)
    await eur_rates(end, closing=None)
    company = await company_with_invoice(sale, "EUR", cui="18547290", month_end=end)
    with pytest.raises(NotFound) as missing:
        await fx_revaluation({}, company_id=company, month="2026-03-15")
    assert "Lipsește cursul BNR pentru EUR din 31.03.2026" in missing.value.message_ro
    assert await FxRevaluation.count() == 0
