"""Concurrent cashiers taking cash from one client on one day: exactly as many receipts as
fit under the Law 70/2015 limit pass, the others are refused with CASH_LIMIT_EXCEEDED, the
chitanțe are numbered without gaps, and the invoice they pay is never paid twice over (the
partner's lock is taken before the day's cash and the open amounts are read)."""

from __future__ import annotations

import asyncio
from datetime import date
from decimal import Decimal

from domain.core.errors import ValidationFailed
from domain.core.tx import is_sqlite
from domain.org.permissions import SYSTEM
from domain.payments.open_items import open_items
from domain.payments.receipts import receipt_record
from domain.sales.invoices import invoice_draft_create, invoice_issue
from tables.choices import DocType
from tables.payments import Allocation, Receipt
from tests.factories import make_article, make_client, make_company, make_series

D = Decimal
DAY = date(2026, 3, 10)


async def test_concurrent_cash_receipts_stay_under_the_limit_and_never_overpay() -> None:
    cashiers, each = (4, 3) if is_sqlite() else (8, 2)
    company = await make_company()
    await make_series(company)
    await make_series(company, prefix="CHT", doc_type=DocType.receipt)
    client = await make_client()
    service = await make_article("SRV", name="Reparație", kind="service")
    draft = await invoice_draft_create(
        company_id=company,
        partner_id=client,
        by=SYSTEM,
        header={"issue_date": DAY},
        lines=[{"article": service, "quantity": 1, "unit_price": "2000"}],  # 2420.00
    )
    invoice = (await invoice_issue(invoice_id=draft, by=SYSTEM)).invoice_id

    async def cashier() -> list[str]:
        refused = []
        for _ in range(each):
            try:
                await receipt_record(
                    company_id=company,
                    kind="cash",
                    partner_id=client,
                    day=DAY,
                    amount=D("1000.00"),
                    by=SYSTEM,
                )
            except ValidationFailed as exc:
                refused.append(exc.code)
        return refused

    results = await asyncio.gather(*(cashier() for _ in range(cashiers)))
    codes = [code for refused in results for code in refused]
    assert codes == ["CASH_LIMIT_EXCEEDED"] * (cashiers * each - 5)
    rows = await Receipt.select(Receipt.number).order_by(Receipt.number)
    assert [r["number"] for r in rows] == [1, 2, 3, 4, 5]  # 5,000 lei: the limit exactly
    (item,) = await open_items(
        company_id=company, at=DAY, invoice_ids=[invoice], include_settled=True
    )
    assert (item.paid, item.open) == (D("2420.00"), D(0))
    paid = [D(str(r["amount"])) for r in await Allocation.select(Allocation.amount)]
    assert sorted(paid) == [D("420.00"), D("1000.00"), D("1000.00")]
