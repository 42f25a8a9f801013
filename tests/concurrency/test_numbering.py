"""Concurrent issuers on one series: numbers are exactly 1..N, no gap, no duplicate.

PostgreSQL: 8 issuers x 200 invoices; SQLite: 4 x 100 (one writer at a time anyway).
Some issues fail on purpose (a VAT category without a rate on the delivery date): a
failed issue must give its number back.
"""

from __future__ import annotations

import asyncio
from datetime import date

import pytest

from domain.core.errors import ValidationFailed
from domain.core.tx import is_sqlite
from domain.org.permissions import SYSTEM
from domain.sales.invoices import invoice_draft_create, invoice_issue
from tables.sales import Invoice
from tests.factories import make_article, make_client, make_company, make_series


async def test_concurrent_issuers_get_gapless_unique_numbers() -> None:
    issuers, each = (4, 100) if is_sqlite() else (8, 200)
    company = await make_company()
    series = await make_series(company)
    client = await make_client()
    article = await make_article()
    day = date(2026, 11, 2)

    async def issuer(k: int) -> tuple[list[str], int]:
        numbers, refused = [], 0
        for i in range(each):
            failing = i % 25 == 7  # the transitional housing rate ended on 2026-07-31
            line = (
                {"description": "Locuință", "quantity": 1, "unit_price": 10,
                 "vat_category": "S-LOCUINTE"}
                if failing
                else {"article": article, "quantity": 1 + k, "unit_price": "12.34"}
            )  # fmt: skip
            draft = await invoice_draft_create(
                company_id=company, partner_id=client, by=SYSTEM, lines=[line],
                header={"delivery_date": day, "issue_date": day},
            )  # fmt: skip
            if failing:
                with pytest.raises(ValidationFailed, match="nu are o cotă în vigoare"):
                    await invoice_issue(invoice_id=draft, by=SYSTEM)
                refused += 1
            else:
                numbers.append((await invoice_issue(invoice_id=draft, by=SYSTEM)).number)
        return numbers, refused

    results = await asyncio.gather(*(issuer(k) for k in range(issuers)))
    numbers = [n for got, _ in results for n in got]
    refused = sum(r for _, r in results)
    issued = issuers * each - refused
    assert refused == issuers * (each // 25 + (1 if each % 25 > 7 else 0))
    assert sorted(numbers) == [f"FCT-{n:05d}" for n in range(1, issued + 1)]
    stored = await Invoice.select(Invoice.number).where(Invoice.series == series)
    assert sorted(r["number"] for r in stored) == list(range(1, issued + 1))
    assert await Invoice.count().where(Invoice.status == "draft") == refused


pytestmark = pytest.mark.slow
