"""Property: whatever invoices are issued (goods with stock, services, RON or EUR, normal or
cash-VAT, with document discounts), the books balance; a full storno of any of them brings
every account back to where it was, and the stock too."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.inventory.receptions import reception_draft_create, reception_issue
from domain.inventory.warehouses import warehouse_create
from domain.org.permissions import SYSTEM
from domain.sales.invoices import invoice_draft_create, invoice_issue, invoice_storno
from tables.catalog import Article
from tables.ledger import JournalLine
from tables.org import Company, ExchangeRate
from tables.partners import Partner
from tables.stock import StockMove
from tests.factories import make_article, make_client, make_company, make_series

D = Decimal
DAY = date(2026, 3, 10)

line = st.fixed_dictionaries({
    "article": st.sampled_from(["laptop", "coffee", "repair"]),
    "quantity": st.decimals(min_value=D("0.5"), max_value=D(5), places=1),
    "unit_price": st.decimals(min_value=D(1), max_value=D(9999), places=2),
    "discount": st.sampled_from([D(0), D("0.50")]),
})  # fmt: skip
invoice = st.fixed_dictionaries({
    "lines": st.lists(line, min_size=1, max_size=5),
    "currency": st.sampled_from(["RON", "EUR"]),
    "vat_regime": st.sampled_from(["normal", "cash_vat"]),
    "discount_percent": st.sampled_from([D(0), D(5)]),
})  # fmt: skip


async def balances() -> dict[str, D]:
    out: dict[str, D] = defaultdict(D)
    rows = await JournalLine.select(
        JournalLine.account.code.as_alias("code"), JournalLine.debit, JournalLine.credit
    )
    for r in rows:
        out[r["code"]] += D(str(r["debit"])) - D(str(r["credit"]))
    return {k: v.quantize(D("0.01")) for k, v in out.items() if v.quantize(D("0.01"))}


async def stock() -> dict[int, D]:
    out: dict[int, D] = defaultdict(D)
    for r in await StockMove.select(StockMove.article, StockMove.quantity):
        out[r["article"]] += D(str(r["quantity"]))
    return dict(out)


async def shop() -> dict[str, int]:
    """The company, its stock and its client, made by the first example of the run."""
    row = await Company.select(Company.id).first()
    if row is not None:
        found = {r["code"]: r["id"] for r in await Article.select(Article.id, Article.code)}
        client = await Partner.select(Partner.id).where(Partner.cui == "12345674").first()
        return {"company": row["id"], "client": client["id"], "laptop": found["LAP"],
                "coffee": found["CAF"], "repair": found["SRV"]}  # fmt: skip
    company = await make_company()
    await make_series(company)
    warehouse = await warehouse_create(
        values={"company": company, "code": "DEP", "name": "Depozit", "is_default": True},
        by=SYSTEM,
    )
    supplier = await make_client(name="Furnizor SRL", cui="18547290", roles=["supplier"])
    env = {
        "company": company,
        "client": await make_client(),
        "laptop": await make_article("LAP", name="Laptop"),
        "coffee": await make_article("CAF", name="Cafea", vat_category="S-REDUSA"),
        "repair": await make_article("SRV", name="Reparație", kind="service"),
    }
    nir = await reception_draft_create(
        values={"company": company, "warehouse": warehouse, "partner": supplier, "day": DAY,
                "supplier_doc_number": "F-1", "supplier_doc_date": DAY},
        lines=[{"article": env["laptop"], "quantity": 10000, "unit_price": "1234.56"},
               {"article": env["coffee"], "quantity": 10000, "unit_price": "12.34"}],
        by=SYSTEM,
    )  # fmt: skip
    await reception_issue(reception_id=nir, by=SYSTEM)
    await ExchangeRate(currency="EUR", day=date(2026, 3, 9), rate=D("5.0912")).save()
    return env


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=invoice)
async def test_books_balance_and_a_storno_brings_everything_back(fresh_db, data):
    env = await shop()
    # Cash-VAT is the company's choice; its domestic invoices then all carry it.
    cash_vat = data["vat_regime"] == "cash_vat"
    await Company.update({Company.cash_vat: cash_vat}).where(Company.id == env["company"])
    before, stock_before = await balances(), await stock()
    draft = await invoice_draft_create(
        company_id=env["company"], partner_id=env["client"], by=SYSTEM,
        header={"issue_date": DAY, "currency": data["currency"],
                "vat_regime": data["vat_regime"], "discount_percent": data["discount_percent"]},
        lines=[{**x, "article": env[x["article"]]} for x in data["lines"]],
    )  # fmt: skip
    issued = await invoice_issue(invoice_id=draft, by=SYSTEM)
    after = await balances()
    assert sum(after.values(), D(0)) == 0  # debits equal credits, always
    assert after != before
    await invoice_storno(invoice_id=issued.invoice_id, by=SYSTEM, issue_date=DAY)
    assert await balances() == before
    assert await stock() == stock_before
