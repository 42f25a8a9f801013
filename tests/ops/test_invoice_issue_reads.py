"""What issuing reads, and how much: the frozen parties (read with the draft in one
statement) hold exactly what the tables hold, and a 5-line invoice with its stock and
its entry stays within the budget of statements (ARCHITECTURE.md §7: <= 15)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from domain.core.tx import engine
from domain.inventory.receptions import reception_draft_create, reception_issue
from domain.inventory.warehouses import warehouse_create
from domain.org.permissions import SYSTEM
from domain.sales.invoices import invoice_draft_create, invoice_issue
from tables.ledger import JournalEntry
from tables.org import CompanyBankAccount
from tables.sales import Invoice
from tables.stock import StockMove
from tests.factories import make_article, make_client, make_company, make_series

DAY = date(2026, 3, 10)


async def issue(company: int, client: int, lines: list[dict[str, Any]]) -> int:
    draft = await invoice_draft_create(
        company_id=company, partner_id=client, by=SYSTEM, lines=lines,
        header={"issue_date": DAY},
    )  # fmt: skip
    return (await invoice_issue(invoice_id=draft, by=SYSTEM)).invoice_id


async def snapshots(invoice_id: int) -> dict[str, Any]:
    return await Invoice.select(Invoice.supplier_snapshot, Invoice.customer_snapshot).where(
        Invoice.id == invoice_id
    ).output(load_json=True).first()  # fmt: skip


async def test_the_parties_are_frozen_as_the_tables_hold_them() -> None:
    company = await make_company(capital=Decimal("1000.5"), email="office@catastif.ro")
    await make_series(company)
    await CompanyBankAccount.insert(
        CompanyBankAccount(company=company, iban="RO66BACX0000001234567890", currency="EUR"),
        CompanyBankAccount(company=company, iban="RO49AAAA1B31007593840000",
                           bank_name="Banca Transilvania", is_default=True),
    )  # fmt: skip
    client = await make_client(reg_com="J12/34/2020", postal_code="400117")
    article = await make_article()
    frozen = await snapshots(
        await issue(company, client, [{"article": article, "quantity": 1, "unit_price": 10}])
    )
    assert frozen["supplier_snapshot"] == {
        "name": "Catastif Test SRL", "cui": "44556670", "reg_com": "J40/1/2024",
        "country": "RO", "county": "RO-B", "sector": "SECTOR1", "city": "București",
        "street": "Calea Victoriei 1", "postal_code": "", "email": "office@catastif.ro",
        "phone": "", "vat_payer": True, "cash_vat": False, "vat_code": "RO44556670",
        "capital": "1000.50",
        "bank_accounts": [  # the default one first
            {"iban": "RO49AAAA1B31007593840000", "bank_name": "Banca Transilvania",
             "currency": "RON"},
            {"iban": "RO66BACX0000001234567890", "bank_name": "", "currency": "EUR"},
        ],
    }  # fmt: skip
    assert frozen["customer_snapshot"] == {
        "kind": "company", "name": "Alfa Distribuție SRL", "cui": "12345674", "cnp": None,
        "foreign_vat_id": None, "reg_com": "J12/34/2020", "country": "RO",
        "county": "RO-CJ", "sector": "", "city": "Cluj-Napoca",
        "street": "Str. Memorandumului 10", "postal_code": "400117", "email": "",
        "phone": "", "vat_payer": True, "vat_code": "RO12345674",
    }  # fmt: skip


async def test_a_company_without_bank_accounts_still_issues() -> None:
    company = await make_company()
    await make_series(company)
    client = await make_client()
    article = await make_article()
    invoice_id = await issue(company, client, [{"article": article, "quantity": 1,
                                                "unit_price": 10}])  # fmt: skip
    assert (await snapshots(invoice_id))["supplier_snapshot"]["bank_accounts"] == []


async def test_a_five_line_invoice_with_stock_and_entry_stays_within_budget(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    company = await make_company()
    await make_series(company)
    warehouse = await warehouse_create(
        values={"company": company, "code": "MAG", "name": "Magazin", "is_default": True},
        by=SYSTEM,
    )
    supplier = await make_client(name="Furnizor SRL", cui="18547290", roles=["supplier"])
    client = await make_client()
    goods = [await make_article(f"G{i}", name=f"Marfă {i}") for i in range(4)]
    service = await make_article("SRV", name="Montaj", kind="service")
    nir = await reception_draft_create(
        values={"company": company, "partner": supplier, "day": DAY,
                "supplier_doc_number": "F-1", "supplier_doc_date": DAY, "warehouse": warehouse},
        lines=[{"article": a, "quantity": 10, "unit_price": "12.50"} for a in goods],
        by=SYSTEM,
    )  # fmt: skip
    await reception_issue(reception_id=nir, by=SYSTEM)
    draft = await invoice_draft_create(
        company_id=company, partner_id=client, by=SYSTEM, header={"issue_date": DAY},
        lines=[{"article": a, "quantity": 2, "unit_price": "20"} for a in [*goods, service]],
    )  # fmt: skip
    db = engine()
    sent: list[str] = []
    original = type(db).run_querystring

    async def counted(self: Any, querystring: Any, *args: Any, **kwargs: Any) -> Any:
        sent.append(str(querystring)[:60])
        return await original(self, querystring, *args, **kwargs)

    monkeypatch.setattr(type(db), "run_querystring", counted)
    await invoice_issue(invoice_id=draft, by=SYSTEM)
    monkeypatch.undo()
    # Every statement the issue sends goes through run_querystring (BEGIN/COMMIT do not).
    assert len(sent) <= 15, sent
    moves = StockMove.count().where(
        (StockMove.source_type == "invoice") & (StockMove.source_id == draft)
    )
    assert await moves == 4
    entries = JournalEntry.count().where(
        (JournalEntry.source_type == "invoice") & (JournalEntry.source_id == draft)
    )
    assert await entries == 1
