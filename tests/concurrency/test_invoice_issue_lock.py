"""An issue that waits for the lock of a draft being changed issues the draft as it is
once the change commits: the draft, its company and its customer are read in one
statement, and the customer joined must be the new one (PostgreSQL; SQLite's writers
never overlap)."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest

from domain.core.tx import is_sqlite, write_tx
from domain.org.permissions import SYSTEM
from domain.sales.invoices import invoice_draft_create, invoice_draft_update, invoice_issue
from tables.sales import Invoice
from tests.factories import make_article, make_client, make_company, make_series

DAY = date(2026, 3, 10)


async def waiting_on_a_lock() -> bool:
    rows = await Invoice.raw(
        "SELECT COUNT(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
        "AND datname = current_database()"
    )
    return rows[0]["n"] > 0


async def test_an_issue_queued_behind_a_customer_change_freezes_the_new_customer():
    if is_sqlite():
        pytest.skip("SQLite serialises writers with BEGIN IMMEDIATE")
    company = await make_company()
    await make_series(company)
    first = await make_client()
    second = await make_client(name="Beta Comerț SRL", cui="18547290")
    draft = await invoice_draft_create(
        company_id=company, partner_id=first, by=SYSTEM, header={"issue_date": DAY},
        lines=[{"article": await make_article(), "quantity": 1, "unit_price": 10}],
    )  # fmt: skip
    changed, queued = asyncio.Event(), asyncio.Event()

    async def change() -> None:
        async with write_tx():
            await invoice_draft_update(invoice_id=draft, partner_id=second, by=SYSTEM)
            changed.set()
            await queued.wait()  # commit only once the issue waits for this lock

    async def issue() -> str:
        await changed.wait()
        return (await invoice_issue(invoice_id=draft, by=SYSTEM)).number

    async def watch() -> bool:
        await changed.wait()
        try:
            for _ in range(3000):
                if await waiting_on_a_lock():
                    return True
                await asyncio.sleep(0.01)
            return False
        finally:
            queued.set()

    _, number, waited = await asyncio.gather(change(), issue(), watch())
    assert waited, "the issue never waited for the draft's lock"
    assert number == "FCT-00001"
    row = await (
        Invoice.select(Invoice.partner, Invoice.customer_snapshot)
        .where(Invoice.id == draft)
        .output(load_json=True)
        .first()
    )
    assert row["partner"] == second
    assert row["customer_snapshot"]["name"] == "Beta Comerț SRL"
