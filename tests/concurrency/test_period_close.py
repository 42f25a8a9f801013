"""Closing a month while a posting into it is in flight: the close waits for the posting
(PostgreSQL; SQLite's writers are serial anyway), so no entry lands in a closed month."""

from __future__ import annotations

import asyncio
from datetime import date
from decimal import Decimal

import pytest

from domain.core.errors import Conflict
from domain.core.tx import is_sqlite, write_tx
from domain.ledger.manual import period_close
from domain.ledger.ops import entry_post
from domain.ledger.rules import PostLine
from domain.org.permissions import SYSTEM
from tables.choices import EntryKind
from tables.ledger import JournalEntry
from tests.factories import make_company

DAY = date(2026, 3, 10)


def lines() -> list[PostLine]:
    return [PostLine("6022", debit=Decimal(10)), PostLine("5311", credit=Decimal(10))]


async def test_a_close_waits_for_the_posting_in_flight():
    if is_sqlite():
        pytest.skip("SQLite serialises writers with BEGIN IMMEDIATE")
    company = await make_company()
    order: list[str] = []
    posted = asyncio.Event()

    async def posting() -> None:
        async with write_tx():
            await entry_post(company_id=company, day=DAY, kind=EntryKind.manual, lines=lines())
            posted.set()
            await asyncio.sleep(0.5)  # still open: the close must not pass it
            order.append("posting committed")

    async def close() -> None:
        await posted.wait()
        await period_close(company_id=company, month=DAY, by=SYSTEM)
        order.append("month closed")

    await asyncio.gather(posting(), close())
    assert order == ["posting committed", "month closed"]
    assert await JournalEntry.count() == 1
    with pytest.raises(Conflict) as err:
        async with write_tx():
            await entry_post(company_id=company, day=DAY, kind=EntryKind.manual, lines=lines())
    assert err.value.code == "PERIOD_CLOSED"
    assert await JournalEntry.count() == 1
