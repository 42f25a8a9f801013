"""Worked scenarios through the real operations, with the books checked account by account:
a goods sale that ships with the invoice (cost at CMP), an aviz invoiced next month, an
advance and its deduction, a EUR invoice, a cash-VAT invoice, a cancellation and a credit
note with return — every entry balanced, the stock following."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from domain.core.errors import Conflict
from domain.inventory.receptions import reception_draft_create, reception_issue
from domain.inventory.warehouses import warehouse_create
from domain.ledger.manual import period_close
from domain.org.permissions import SYSTEM
from domain.sales.documents import (
    document_cancel,
    document_draft_create,
    document_issue,
    invoice_from_documents,
)
from domain.sales.invoices import (
    invoice_cancel,
    invoice_draft_create,
    invoice_issue,
    invoice_storno,
)
from tables.choices import DocType
from tables.ledger import JournalLine
from tables.org import Company, ExchangeRate, WorkPoint
from tables.stock import StockMove
from tests.factories import make_article, make_client, make_company, make_series

D = Decimal
MARCH, APRIL = date(2026, 3, 10), date(2026, 4, 2)


@pytest.fixture
async def shop() -> dict[str, Any]:
    company = await make_company()
    await make_series(company)
    await make_series(company, prefix="AVZ", doc_type=DocType.delivery_note)
    point = WorkPoint(company=company, code="CJ", name="Magazin Cluj")
    await point.save()
    warehouse = await warehouse_create(
        values={"company": company, "work_point": point.id, "code": "MAG", "name": "Magazin",
                "is_default": True}, by=SYSTEM,
    )  # fmt: skip
    supplier = await make_client(name="Furnizor SRL", cui="18547290", roles=["supplier"])
    env = {"company": company, "point": point.id, "client": await make_client(),
           "laptop": await make_article("LAP", name="Laptop"),
           "repair": await make_article("SRV", name="Reparație", kind="service")}  # fmt: skip
    # 10 laptops at 2000, then 10 at 2200: CMP 2100.
    for price in ("2000", "2200"):
        nir = await reception_draft_create(
            values={"company": company, "warehouse": warehouse, "partner": supplier, "day": MARCH,
                    "supplier_doc_number": f"F-{price}", "supplier_doc_date": MARCH},
            lines=[{"article": env["laptop"], "quantity": 10, "unit_price": price}], by=SYSTEM,
        )  # fmt: skip
        await reception_issue(reception_id=nir, by=SYSTEM)
    return env


async def books(source_type: str | None = None, source_id: int | None = None) -> dict[str, D]:
    """Balance (debit - credit) per account code of every entry (or of one document's)."""
    query = JournalLine.select(
        JournalLine.account.code.as_alias("code"), JournalLine.debit, JournalLine.credit
    )
    if source_type is not None:
        query = query.where(
            (JournalLine.entry.source_type == source_type)
            & (JournalLine.entry.source_id == source_id)
        )
    out: dict[str, D] = defaultdict(D)
    for r in await query:
        out[r["code"]] += D(str(r["debit"])) - D(str(r["credit"]))
    return {k: v.quantize(D("0.01")) for k, v in out.items() if v}


async def sale(shop, lines, day=MARCH, **header) -> int:
    draft = await invoice_draft_create(
        company_id=shop["company"], partner_id=shop["client"], by=SYSTEM, lines=lines,
        header={"issue_date": day, "work_point": shop["point"], **header},
    )  # fmt: skip
    return (await invoice_issue(invoice_id=draft, by=SYSTEM)).invoice_id


async def stock_of(article: int) -> D:
    rows = await StockMove.select(StockMove.quantity).where(StockMove.article == article)
    return sum((D(str(r["quantity"])) for r in rows), D(0))


async def test_goods_sale_ships_with_the_invoice_at_average_cost(shop):
    before = await books()
    assert before == {"371": D(42000), "4426": D(8820), "401": D(-50820)}
    invoice = await sale(shop, [
        {"article": shop["laptop"], "quantity": 2, "unit_price": 3000},
        {"article": shop["repair"], "quantity": 1, "unit_price": 100},
    ])  # fmt: skip
    assert await books("invoice", invoice) == {
        "4111": D(7381), "707": D(-6000), "704": D(-100), "4427": D(-1281),
        "607": D(4200), "371": D(-4200),
    }  # fmt: skip
    assert await stock_of(shop["laptop"]) == 18
    # A credit note returning one laptop brings it back at the cost it left with.
    storno = await invoice_storno(invoice_id=invoice, by=SYSTEM, issue_date=MARCH)
    assert await books("invoice", storno.invoice_id) == {
        "4111": D(-7381), "707": D(6000), "704": D(100), "4427": D(1281),
        "607": D(-4200), "371": D(4200),
    }  # fmt: skip
    assert await stock_of(shop["laptop"]) == 20


async def test_cancelled_invoice_leaves_nothing_behind(shop):
    invoice = await sale(shop, [{"article": shop["laptop"], "quantity": 1, "unit_price": 3000}])
    await invoice_cancel(invoice_id=invoice, reason="Client greșit", by=SYSTEM)
    assert await books("invoice", invoice) == {}
    assert await stock_of(shop["laptop"]) == 20


async def test_aviz_in_march_invoiced_in_april(shop):
    aviz = await document_draft_create(
        doc_type=DocType.delivery_note, company_id=shop["company"], partner_id=shop["client"],
        by=SYSTEM, header={"issue_date": MARCH, "work_point": shop["point"]},
        lines=[{"article": shop["laptop"], "quantity": 3, "unit_price": 3000}],
    )  # fmt: skip
    await document_issue(document_id=aviz, by=SYSTEM)
    assert await books("document", aviz) == {
        "418": D(10890), "707": D(-9000), "4428": D(-1890), "607": D(6300), "371": D(-6300),
    }  # fmt: skip
    assert await stock_of(shop["laptop"]) == 17
    invoice = await invoice_from_documents(document_ids=[aviz], by=SYSTEM)
    await invoice_issue(invoice_id=invoice, by=SYSTEM)
    assert await books("invoice", invoice) == {
        "4111": D(10890), "418": D(-10890), "4428": D(1890), "4427": D(-1890),
    }  # fmt: skip
    assert await stock_of(shop["laptop"]) == 17  # the goods left once, with the aviz
    assert {k: v for k, v in (await books()).items() if k in {"418", "4428"}} == {}


async def test_cancelled_aviz_brings_the_goods_and_the_books_back(shop):
    aviz = await document_draft_create(
        doc_type=DocType.delivery_note, company_id=shop["company"], partner_id=shop["client"],
        by=SYSTEM, header={"issue_date": MARCH, "work_point": shop["point"]},
        lines=[{"article": shop["laptop"], "quantity": 3, "unit_price": 3000}],
    )  # fmt: skip
    await document_issue(document_id=aviz, by=SYSTEM)
    await document_cancel(document_id=aviz, reason="Livrare amânată", by=SYSTEM)
    assert await books("document", aviz) == {}
    assert await stock_of(shop["laptop"]) == 20


async def test_advance_and_final_invoice_leave_419_at_zero(shop):
    advance = await invoice_draft_create(
        company_id=shop["company"], partner_id=shop["client"], by=SYSTEM,
        type_code="386", header={"issue_date": MARCH},
        lines=[{"description": "Avans laptopuri", "quantity": 1, "unit_price": 1000,
                "vat_category": "S-STANDARD"}],
    )  # fmt: skip
    issued = await invoice_issue(invoice_id=advance, by=SYSTEM)
    assert await books("invoice", advance) == {"4111": D(1210), "419": D(-1000), "4427": D(-210)}
    from tables.sales import InvoiceLine

    advance_line = (
        await InvoiceLine.select(InvoiceLine.id)
        .where(InvoiceLine.invoice == issued.invoice_id)
        .first()
    )
    final = await sale(shop, [
        {"article": shop["laptop"], "quantity": 1, "unit_price": 3000},
        {"description": "Avans dedus", "quantity": -1, "unit_price": 1000,
         "vat_category": "S-STANDARD", "source_line": advance_line["id"]},
    ])  # fmt: skip
    assert await books("invoice", final) == {
        "4111": D(2420), "707": D(-3000), "419": D(1000), "4427": D(-420),
        "607": D(2100), "371": D(-2100),
    }  # fmt: skip


async def test_eur_invoice_books_ron_at_its_rate(shop):
    await ExchangeRate(currency="EUR", day=date(2026, 3, 9), rate=D("5.0912")).save()
    invoice = await sale(shop, [{"article": shop["repair"], "quantity": 10, "unit_price": 100}],
                         currency="EUR")  # fmt: skip
    assert await books("invoice", invoice) == {
        "4111": D("6160.35"), "704": D("-5091.20"), "4427": D("-1069.15"),
    }  # fmt: skip
    receivable = await JournalLine.select(JournalLine.currency, JournalLine.currency_amount).where(
        JournalLine.account.code == "4111"
    ).first()  # fmt: skip
    assert (receivable["currency"], D(str(receivable["currency_amount"]))) == ("EUR", D(1210))


async def test_cash_vat_invoice_keeps_vat_in_4428(shop):
    await Company.update({Company.cash_vat: True}).where(Company.id == shop["company"])
    invoice = await sale(shop, [{"article": shop["repair"], "quantity": 1, "unit_price": 100}],
                         vat_regime="cash_vat")  # fmt: skip
    assert await books("invoice", invoice) == {"4111": D(121), "704": D(-100), "4428": D(-21)}


async def test_a_closed_month_refuses_the_issue_and_nothing_is_half_written(shop):
    await period_close(company_id=shop["company"], month=date(2026, 3, 1), by=SYSTEM)
    draft = await invoice_draft_create(
        company_id=shop["company"], partner_id=shop["client"], by=SYSTEM,
        header={"issue_date": MARCH, "work_point": shop["point"]},
        lines=[{"article": shop["laptop"], "quantity": 1, "unit_price": 3000}],
    )  # fmt: skip
    with pytest.raises(Conflict) as err:
        await invoice_issue(invoice_id=draft, by=SYSTEM)
    assert err.value.code == "PERIOD_CLOSED"
    assert await stock_of(shop["laptop"]) == 20
    from tables.sales import Invoice

    row = await Invoice.select(Invoice.status, Invoice.number).where(Invoice.id == draft).first()
    assert row == {"status": "draft", "number": None}
