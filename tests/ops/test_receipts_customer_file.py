"""The customer file (fișa client) shows invoices, receipts and advances together, with the
running balance: a receipt that pays an invoice and leaves an advance, the advance used
on a later invoice."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from domain.ledger.reports_partner import partner_file
from domain.org.permissions import SYSTEM, Actor, Role
from domain.payments.receipts import allocation_add, receipt_record
from domain.sales.invoices import invoice_draft_create, invoice_issue
from tables.choices import DocType
from tests.factories import make_article, make_client, make_company, make_series

D = Decimal
ACCOUNTANT = Actor(role=Role.accountant, name="contabil")


async def test_the_customer_file_shows_receipts_and_advances_with_the_running_balance():
    company = await make_company()
    await make_series(company)
    await make_series(company, prefix="CHT", doc_type=DocType.receipt)
    client = await make_client()
    service = await make_article("SRV", name="Reparație", kind="service")

    async def invoice(price: str, day: date) -> int:
        draft = await invoice_draft_create(
            company_id=company,
            partner_id=client,
            by=SYSTEM,
            header={"issue_date": day},
            lines=[{"article": service, "quantity": 1, "unit_price": price}],
        )
        return (await invoice_issue(invoice_id=draft, by=SYSTEM)).invoice_id

    await invoice("100", date(2026, 3, 10))  # 121.00
    paid = await receipt_record(
        company_id=company,
        kind="cash",
        partner_id=client,
        day=date(2026, 3, 15),
        amount=D("200.00"),
        by=SYSTEM,
    )
    later = await invoice("200", date(2026, 4, 2))  # 242.00
    await allocation_add(
        receipt_id=paid.receipt_id, invoice_id=later, day=date(2026, 4, 2), by=SYSTEM
    )

    f = await partner_file(
        by=ACCOUNTANT, partner_id=client, start=date(2026, 3, 1), end=date(2026, 4, 30)
    )
    rows = [
        (x.day, x.account, x.debit, x.credit, x.balance.debit - x.balance.credit) for x in f.lines
    ]
    assert rows == [
        (date(2026, 3, 10), "4111", D("121.00"), D(0), D("121.00")),  # the invoice
        (date(2026, 3, 15), "4111", D(0), D("121.00"), D(0)),  # paid by the chitanță
        (date(2026, 3, 15), "419", D(0), D("79.00"), D("-79.00")),  # the rest, an advance
        (date(2026, 4, 2), "4111", D("242.00"), D(0), D("163.00")),  # the next invoice
        (date(2026, 4, 2), "419", D("79.00"), D(0), D("242.00")),  # the advance used...
        (date(2026, 4, 2), "4111", D(0), D("79.00"), D("163.00")),  # ...to pay it
    ]
    receipt_lines = [x for x in f.lines if x.day == date(2026, 3, 15)]
    assert {x.reference for x in receipt_lines} == {"CHT-00001"}
    assert receipt_lines[0].description.startswith("Încasare FCT-")
    labels = {a.code: (a.label, a.closing.debit - a.closing.credit) for a in f.accounts}
    assert labels == {"4111": ("Facturi emise", D("163.00")), "419": ("Avansuri încasate", D(0))}
    assert f.closing.debit == D("163.00")
