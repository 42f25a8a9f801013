"""Concurrent sellers of one article: no unit is sold twice, every refusal is the clear
STOCK_INSUFFICIENT, and the balances kept on the moves chain exactly (the locks taken
before the read see what the previous holder committed)."""

from __future__ import annotations

import asyncio
from datetime import date
from decimal import Decimal

from domain.core.errors import Conflict
from domain.core.tx import is_sqlite, write_tx
from domain.inventory.ops import StockLine, stock_out
from domain.inventory.receptions import reception_draft_create, reception_issue
from domain.inventory.warehouses import settings_save, warehouse_create
from domain.ledger.chart import chart_setup
from domain.org.permissions import SYSTEM
from tables.stock import StockMove
from tests.factories import make_article, make_client, make_company

DAY = date(2026, 3, 10)


async def test_concurrent_sales_never_sell_a_unit_twice() -> None:
    sellers, each = (4, 20) if is_sqlite() else (8, 12)
    company = await make_company()
    await chart_setup(company)
    await settings_save(company_id=company, values={"valuation": "fifo"}, by=SYSTEM)
    warehouse = await warehouse_create(
        values={"company": company, "code": "MAG", "name": "Magazin", "is_default": True},
        by=SYSTEM,
    )
    supplier = await make_client(name="Furnizor SRL", cui="18547290", roles=["supplier"])
    article = await make_article("LAP", name="Laptop")
    for price in ("10.00", "12.00"):
        nir = await reception_draft_create(
            values={
                "company": company,
                "warehouse": warehouse,
                "partner": supplier,
                "day": DAY,
                "supplier_doc_number": "F",
                "supplier_doc_date": DAY,
            },
            lines=[{"article": article, "quantity": "25", "unit_price": price}],
            by=SYSTEM,
        )
        await reception_issue(reception_id=nir, by=SYSTEM)

    async def seller(k: int) -> tuple[int, list[str]]:
        sold, refused = 0, []
        for i in range(each):
            try:
                async with write_tx():
                    await stock_out(
                        company_id=company,
                        work_point_id=None,
                        day=DAY,
                        source_type="invoice",
                        source_id=k * 1000 + i,
                        lines=[StockLine(article, Decimal(1), source_line=k * 1000 + i)],
                    )
                sold += 1
            except Conflict as exc:
                refused.append(exc.code)
        return sold, refused

    results = await asyncio.gather(*(seller(k) for k in range(sellers)))
    assert sum(s for s, _ in results) == 50
    codes = [code for _, refused in results for code in refused]
    assert codes == ["STOCK_INSUFFICIENT"] * (sellers * each - 50)
    moves = await StockMove.select().order_by(StockMove.id)
    qty, value = Decimal(0), Decimal("0.00")
    for move in moves:
        qty += Decimal(str(move["quantity"])).quantize(Decimal("0.001"))
        value += Decimal(str(move["value"])).quantize(Decimal("0.01"))
        assert Decimal(str(move["balance_qty"])).quantize(Decimal("0.001")) == qty
        assert Decimal(str(move["balance_value"])).quantize(Decimal("0.01")) == value
    assert (qty, value) == (0, 0)
    # FIFO: the first 25 sold at 10, the next 25 at 12.
    costs = sorted(Decimal(str(m["value"])) for m in moves if m["kind"] == "sale")
    assert costs.count(Decimal("-10")) == 25
    assert costs.count(Decimal("-12")) == 25
