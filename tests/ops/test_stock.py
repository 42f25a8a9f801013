"""Stock on a real database: NIR -> stock -> sale through stock_out -> return at the
original cost, by CMP and by FIFO; refusals; transfers; adjustments; currency NIRs;
never twice for the same line; the entries and their accounts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from domain.core.errors import Conflict, ValidationFailed
from domain.core.tx import engine, write_tx
from domain.inventory.ops import (
    AdjustmentLine,
    StockLine,
    TransferLine,
    adjustment,
    stock_out,
    stock_revert,
)
from domain.inventory.queries import source_moves, stock_card, stock_valuation
from domain.inventory.receptions import reception_draft_create, reception_issue
from domain.inventory.warehouses import settings_save, warehouse_create
from domain.ledger.chart import chart_setup
from domain.ledger.ops import entry_post
from domain.ledger.rules import PostLine
from domain.org.permissions import SYSTEM
from tables.choices import EntryKind, PostingRole
from tables.ledger import JournalEntry, JournalLine
from tables.org import ExchangeRate, WorkPoint
from tables.stock import MoveKind, StockMove, StockReception
from tests.factories import make_article, make_client, make_company

D = Decimal
DAY = date(2026, 3, 10)


@pytest.fixture
async def env() -> dict[str, Any]:
    company = await make_company()
    await chart_setup(company)  # idempotent: whatever make_company left missing
    point = WorkPoint(company=company, code="PL1", name="Magazin Centru")
    await point.save()
    main = await warehouse_create(
        values={
            "company": company,
            "work_point": point.id,
            "code": "MAG",
            "name": "Magazin",
            "is_default": True,
        },
        by=SYSTEM,
    )
    depot = await warehouse_create(
        values={"company": company, "code": "DEP", "name": "Depozit"}, by=SYSTEM
    )
    return {
        "company": company,
        "point": point.id,
        "main": main,
        "depot": depot,
        "supplier": await make_client(name="Furnizor SRL", cui="18547290", roles=["supplier"]),
        "laptop": await make_article("LAP", name="Laptop"),
        "mouse": await make_article("MOU", name="Mouse"),
        "cake": await make_article("TORT", name="Tort casa", kind="product"),
        "repair": await make_article("SRV", name="Reparație", kind="service"),
    }


async def receive(
    env: dict[str, Any],
    lines: list[tuple[int, str, str]],
    *,
    warehouse: str = "main",
    currency: str = "RON",
    fx_rate: str | None = None,
    day: date = DAY,
) -> dict[str, Any]:
    nir = await reception_draft_create(
        values={
            "company": env["company"],
            "warehouse": env[warehouse],
            "partner": env["supplier"],
            "day": day,
            "supplier_doc_number": "F-77",
            "supplier_doc_date": day,
            "currency": currency,
            "fx_rate": fx_rate,
        },
        lines=[{"article": a, "quantity": q, "unit_price": p} for a, q, p in lines],
        by=SYSTEM,
    )
    return await reception_issue(reception_id=nir, by=SYSTEM)


async def sell(
    env: dict[str, Any],
    lines: list[StockLine],
    source_id: int = 1,
    post: bool = True,
    source_type: str = "invoice",
) -> list[PostLine]:
    async with write_tx():
        cost = await stock_out(
            company_id=env["company"],
            work_point_id=env["point"],
            day=DAY,
            lines=lines,
            source_type=source_type,
            source_id=source_id,
        )
        if post and cost:
            await entry_post(
                company_id=env["company"],
                day=DAY,
                kind=EntryKind.invoice,
                lines=cost,
                source_type=source_type,
                source_id=source_id,
            )
    return cost


async def stock_of(warehouse: int, article: int) -> tuple[D, D]:
    row = (
        await StockMove.select()
        .where((StockMove.warehouse == warehouse) & (StockMove.article == article))
        .order_by(StockMove.id, ascending=False)
        .first()
    )
    if row is None:
        return D("0.000"), D("0.00")
    return D(str(row["balance_qty"])).quantize(D("0.001")), D(str(row["balance_value"])).quantize(
        D("0.01")
    )


async def entry_of(source_type: str, source_id: int) -> list[tuple[str, D, D, int | None]]:
    entry = (
        await JournalEntry.select(JournalEntry.id)
        .where((JournalEntry.source_type == source_type) & (JournalEntry.source_id == source_id))
        .first()
    )
    rows = (
        await JournalLine.select(
            JournalLine.account.code.as_alias("code"),
            JournalLine.debit,
            JournalLine.credit,
            JournalLine.partner,
        )
        .where(JournalLine.entry == entry["id"])
        .order_by(JournalLine.id)
    )
    return [
        (
            r["code"],
            D(str(r["debit"])).quantize(D("0.01")),
            D(str(r["credit"])).quantize(D("0.01")),
            r["partner"],
        )
        for r in rows
    ]


def totals(lines: list[PostLine], role: PostingRole) -> tuple[D, D]:
    return (
        sum((x.debit for x in lines if x.account == role), D(0)),
        sum((x.credit for x in lines if x.account == role), D(0)),
    )


# ---------------------------------------------------------------------------- receptions


async def test_reception_brings_stock_and_posts_371_4426_401(env):
    issued = await receive(env, [(env["laptop"], "10", "10.00"), (env["mouse"], "4", "25.50")])
    assert issued["number"] == 1
    assert (issued["net_ron"], issued["vat_ron"], issued["total_ron"]) == (
        D("202.00"),
        D("42.42"),
        D("244.42"),
    )
    assert await stock_of(env["main"], env["laptop"]) == (D(10), D("100.00"))
    assert await stock_of(env["main"], env["mouse"]) == (D(4), D("102.00"))
    lines = await entry_of("reception", issued["id"])
    assert lines == [
        ("371", D("100.00"), D(0), None),
        ("371", D("102.00"), D(0), None),
        ("4426", D("42.42"), D(0), None),
        ("401", D(0), D("244.42"), env["supplier"]),
    ]
    second = await receive(env, [(env["laptop"], "1", "12.00")])
    assert second["number"] == 2  # gapless per company
    with pytest.raises(Conflict) as refused:
        await reception_issue(reception_id=issued["id"], by=SYSTEM)
    assert refused.value.code == "RECEPTION_ISSUED"


async def test_reception_takes_goods_only(env):
    for article in ("cake", "repair"):
        with pytest.raises(ValidationFailed) as refused:
            await receive(env, [(env[article], "1", "5.00")])
        assert refused.value.code == "RECEPTION_GOODS_ONLY"


async def test_currency_reception_at_its_rate(env):
    issued = await receive(env, [(env["laptop"], "10", "100.00")], currency="EUR", fx_rate="4.9750")
    assert await stock_of(env["main"], env["laptop"]) == (D(10), D("4975.00"))
    assert (issued["total"], issued["total_ron"]) == (D("1210.00"), D("6019.75"))
    payable = (
        await JournalLine.select(JournalLine.currency, JournalLine.currency_amount)
        .where(JournalLine.credit > 0)
        .first()
    )
    assert payable["currency"] == "EUR"
    assert D(str(payable["currency_amount"])) == D(-1210)
    # Without a typed rate: BNR's, published before the supplier's document.
    await ExchangeRate(currency="EUR", day=date(2026, 3, 9), rate=D("5.0900")).save()
    await receive(env, [(env["mouse"], "2", "10.00")], currency="EUR")
    assert await stock_of(env["main"], env["mouse"]) == (D(2), D("101.80"))
    row = (
        await StockReception.select(StockReception.fx_rate)
        .where(StockReception.number == 2)
        .first()
    )
    assert D(str(row["fx_rate"])) == D("5.09")


# ---------------------------------------------------------------------------- sales


@pytest.mark.parametrize("method", ["cmp", "fifo"])
async def test_sale_then_return_at_the_original_cost(env, method):
    await settings_save(company_id=env["company"], values={"valuation": method}, by=SYSTEM)
    await receive(env, [(env["laptop"], "10", "10.00")])
    await receive(env, [(env["laptop"], "10", "12.00")])
    cost = await sell(
        env,
        [
            StockLine(env["laptop"], D(12), source_line=101),
            StockLine(env["repair"], D(1), source_line=102, article_kind="service"),
        ],
    )
    expected = D("132.00") if method == "cmp" else D("124.00")  # 12 x 11 | 10 x 10 + 2 x 12
    assert totals(cost, PostingRole.cost_goods) == (expected, D(0))
    assert totals(cost, PostingRole.stock_goods) == (D(0), expected)
    assert await stock_of(env["main"], env["laptop"]) == (D(8), D("220.00") - expected)
    # Between the sale and the return the cost changes: the return does not care.
    await receive(env, [(env["laptop"], "5", "20.00")])
    back = await sell(
        env, [StockLine(env["laptop"], D(-3), source_line=201, returns_of=101)], source_id=2
    )
    returned = (expected * 3 / 12).quantize(D("0.01"))
    assert totals(back, PostingRole.cost_goods) == (-returned, D(0))  # storno: negative
    assert totals(back, PostingRole.stock_goods) == (D(0), -returned)
    qty, value = await stock_of(env["main"], env["laptop"])
    assert (qty, value) == (D(16), D("320.00") - expected + returned)
    # The rest of the exit comes back with the cancellation, at exactly what is left.
    async with write_tx():
        rest = await stock_revert(
            company_id=env["company"], source_type="invoice", source_id=1, day=DAY
        )
    assert totals(rest, PostingRole.cost_goods) == (-(expected - returned), D(0))
    assert await stock_of(env["main"], env["laptop"]) == (D(25), D("320.00"))
    with pytest.raises(ValidationFailed) as refused:
        await sell(
            env, [StockLine(env["laptop"], D(-1), source_line=301, returns_of=101)], source_id=3
        )
    assert refused.value.code == "STOCK_RETURN_EXCEEDS"


async def test_fifo_layers_survive_between_documents(env):
    await settings_save(company_id=env["company"], values={"valuation": "fifo"}, by=SYSTEM)
    for price in ("10.00", "11.00", "12.00"):
        await receive(env, [(env["mouse"], "3", price)])
    values = []
    for n in range(1, 5):  # 2 at a time: 20, 10+11, 22, 12+12... from the oldest
        cost = await sell(env, [StockLine(env["mouse"], D(2), source_line=n)], source_id=n)
        values.append(totals(cost, PostingRole.cost_goods)[0])
    assert values == [D("20.00"), D("21.00"), D("22.00"), D("24.00")]
    assert await stock_of(env["main"], env["mouse"]) == (D(1), D("12.00"))


async def test_products_cost_711_345(env):
    await adjustment(
        company_id=env["company"],
        warehouse_id=env["main"],
        day=DAY,
        lines=[AdjustmentLine(env["cake"], quantity=D(5), unit_cost=D("30"))],
        reason="Predare din producție",
        by=SYSTEM,
    )
    cost = await sell(env, [StockLine(env["cake"], D(2), 1, article_kind="product")])
    assert totals(cost, PostingRole.cost_product) == (D("60.00"), D(0))
    assert totals(cost, PostingRole.stock_product) == (D(0), D("60.00"))


async def test_selling_more_than_there_is_is_refused_unless_allowed(env):
    await receive(env, [(env["laptop"], "3", "10.00")])
    with pytest.raises(Conflict) as refused:
        await sell(
            env,
            [
                StockLine(env["laptop"], D(2), 1),
                StockLine(env["laptop"], D(2), 2),
                StockLine(env["mouse"], D(1), 3),
            ],
        )
    error = refused.value
    assert error.code == "STOCK_INSUFFICIENT"
    assert "«Laptop»: disponibil 3 buc, necesar 4 buc" in error.message_ro
    assert "«Mouse»: disponibil 0 buc, necesar 1 buc" in error.message_ro
    assert "gestiunea «Magazin»" in error.message_ro
    assert await StockMove.count().where(StockMove.kind == MoveKind.sale) == 0
    await settings_save(company_id=env["company"], values={"allow_negative": True}, by=SYSTEM)
    cost = await sell(env, [StockLine(env["laptop"], D(5), 1)])
    assert totals(cost, PostingRole.cost_goods) == (D("50.00"), D(0))
    assert await stock_of(env["main"], env["laptop"]) == (D(-2), D("-20.00"))


async def test_never_twice_for_the_same_line(env):
    await receive(env, [(env["laptop"], "10", "10.00")])
    await sell(env, [StockLine(env["laptop"], D(1), source_line=7)])
    with pytest.raises(Conflict) as refused:
        await sell(env, [StockLine(env["laptop"], D(1), source_line=7)], source_id=1, post=False)
    assert refused.value.code == "STOCK_ALREADY_MOVED"
    # An aviz line with the same id is another source: it moves.
    await sell(
        env, [StockLine(env["laptop"], D(1), source_line=7)], source_type="document", post=False
    )
    moves = await source_moves("document", 1)
    assert [m["kind"] for m in moves] == [MoveKind.delivery_note]


async def test_nothing_moves_without_warehouses_or_goods(env):
    assert await sell(env, [StockLine(env["repair"], D(1), 1, article_kind="service")]) == []
    other = await make_company(name="Fără Stoc SRL", cui="18547282")
    async with write_tx():
        cost = await stock_out(
            company_id=other,
            work_point_id=None,
            day=DAY,
            source_id=9,
            lines=[StockLine(env["laptop"], D(1), 1)],
            source_type="invoice",
        )
    assert cost == []
    assert await StockMove.count() == 0


async def test_stock_out_takes_three_statements_for_five_lines(env, monkeypatch):
    articles = [env["laptop"], env["mouse"]] + [
        await make_article(f"A{i}", name=f"Articol {i}") for i in range(3)
    ]
    await receive(env, [(a, "10", "10.00") for a in articles])
    db = engine()
    seen: list[str] = []
    original = type(db).run_querystring

    async def counted(self: Any, querystring: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(str(querystring)[:60])
        return await original(self, querystring, *args, **kwargs)

    async with write_tx():
        monkeypatch.setattr(type(db), "run_querystring", counted)
        await stock_out(
            company_id=env["company"],
            work_point_id=env["point"],
            day=DAY,
            source_id=1,
            source_type="invoice",
            lines=[StockLine(a, D(1), i) for i, a in enumerate(articles)],
        )
        monkeypatch.undo()
    assert 2 <= len(seen) <= 3, seen  # SQLite needs no lock: two


# ---------------------------------------------------------------------------- transfers


async def test_transfer_moves_stock_at_its_cost(env):
    await settings_save(company_id=env["company"], values={"valuation": "fifo"}, by=SYSTEM)
    await receive(env, [(env["laptop"], "2", "10.00")])
    await receive(env, [(env["laptop"], "2", "16.00")])
    doc = await transfer_(env, "3")
    assert await stock_of(env["main"], env["laptop"]) == (D(1), D("16.00"))
    assert await stock_of(env["depot"], env["laptop"]) == (D(3), D("36.00"))
    moves = await source_moves("stock_document", doc)
    assert [(m["warehouse"], m["quantity"]) for m in moves] == [
        (env["main"], D(-3)),
        (env["depot"], D(3)),
    ]
    assert moves[1]["origin"] == moves[0]["id"]
    posted = JournalEntry.count().where(JournalEntry.source_type == "stock_document")
    assert await posted == 0  # both warehouses keep their stock in 371
    with pytest.raises(Conflict):
        await transfer_(env, "5")


async def transfer_(env: dict[str, Any], quantity: str) -> int:
    from domain.inventory.ops import transfer

    return await transfer(
        company_id=env["company"],
        from_warehouse=env["main"],
        to_warehouse=env["depot"],
        day=DAY,
        by=SYSTEM,
        lines=[TransferLine(env["laptop"], D(quantity))],
    )


# ---------------------------------------------------------------------------- adjustments


async def test_adjustment_shortage_and_surplus(env):
    await receive(env, [(env["laptop"], "10", "10.00"), (env["mouse"], "4", "5.00")])
    doc = await adjustment(
        company_id=env["company"],
        warehouse_id=env["main"],
        day=DAY,
        reason="Inventar anual",
        lines=[
            AdjustmentLine(env["laptop"], counted=D(7)),  # 3 missing at CMP 10
            AdjustmentLine(env["mouse"], quantity=D(2)),
        ],  # 2 found, at the CMP 5
        by=SYSTEM,
    )
    assert await stock_of(env["main"], env["laptop"]) == (D(7), D("70.00"))
    assert await stock_of(env["main"], env["mouse"]) == (D(6), D("30.00"))
    assert await entry_of("stock_document", doc) == [
        ("607", D("30.00"), D(0), None),
        ("371", D(0), D("30.00"), None),
        ("371", D("10.00"), D(0), None),
        ("607", D(0), D("10.00"), None),
    ]
    with pytest.raises(Conflict):  # a shortage larger than the stock
        await adjustment(
            company_id=env["company"],
            warehouse_id=env["main"],
            day=DAY,
            lines=[AdjustmentLine(env["mouse"], quantity=D(-7))],
            by=SYSTEM,
        )


# ---------------------------------------------------------------------------- reports


async def test_stock_card_and_valuation(env):
    await receive(env, [(env["laptop"], "10", "10.00")], day=date(2026, 3, 1))
    await receive(env, [(env["laptop"], "10", "13.00")], day=date(2026, 3, 5))
    await sell(env, [StockLine(env["laptop"], D(4), 1)])  # 3/10 at CMP 11.50
    card = await stock_card(
        warehouse_id=env["main"],
        article_id=env["laptop"],
        date_from=date(2026, 3, 2),
        date_to=date(2026, 3, 31),
        by=SYSTEM,
    )
    assert card["opening"] == {"quantity": D(10), "value": D("100.00")}
    assert [
        (m["kind"], m["quantity_in"], m["quantity_out"], m["balance_qty"], m["balance_value"])
        for m in card["moves"]
    ] == [
        ("reception", D(10), D(0), D(20), D("230.00")),
        ("sale", D(0), D(4), D(16), D("184.00")),
    ]
    assert card["moves"][0]["reference"] == "2"
    assert card["closing"] == {"quantity": D(16), "value": D("184.00")}
    early = await stock_valuation(company_id=env["company"], on=date(2026, 3, 4), by=SYSTEM)
    assert early["value"] == D("100.00")
    now = await stock_valuation(company_id=env["company"], on=DAY, by=SYSTEM)
    (main,) = now["warehouses"]
    assert main["code"] == "MAG"
    assert main["items"][0]["unit_cost"] == D("11.5000")
    assert now["value"] == D("184.00")
