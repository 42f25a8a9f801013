"""The cash register book as a page (/reports/cash-book, with its CSV and PDF) and as JSON
(/api/reports/cash-book): a chitanță recorded and a cash deposit typed as a manual entry
both appear, with the balances, for the cashier."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from domain.ledger.manual import manual_entry_create
from domain.org.permissions import SYSTEM
from domain.payments.cash_desks import cash_desk_create
from domain.payments.receipts import receipt_record
from tables.choices import DocType
from tests.factories import make_series
from tests.printing.test_invoice_pdf import issue, make_issuer, pdf_text

DAY = date(2026, 11, 5)


async def test_cash_book_page_json_csv_pdf(login, tmp_path):
    ids = await make_issuer()
    series = await make_series(ids["company"], "CH", doc_type=DocType.receipt)
    desk = await cash_desk_create(
        values={"company": ids["company"], "code": "C1", "name": "Casa 1", "series": series},
        by=SYSTEM,
    )
    invoice = await issue(ids, date(2026, 11, 2))
    await receipt_record(
        company_id=ids["company"], kind="cash", partner_id=ids["client"], day=DAY,
        amount=Decimal("1000.00"), cash_desk_id=desk, by=SYSTEM,
        allocations=[{"invoice": invoice, "amount": Decimal("1000.00")}],
    )  # fmt: skip
    await manual_entry_create(
        company_id=ids["company"], day=DAY, description="Depunere numerar la bancă",
        reference="DV 1", by=SYSTEM,
        lines=[{"account": "581", "debit": "600"}, {"account": "5311", "credit": "600"}],
    )  # fmt: skip
    cashier = await login("cashier")
    query = {"cash_desk": desk, "start": DAY.isoformat(), "end": DAY.isoformat()}

    answer = await cashier.get("/api/reports/cash-book", params=query)
    assert answer.status_code == 200, answer.text
    book = answer.json()
    assert (book["account"], book["opening"], book["closing"]) == ("5311", "0.00", "400.00")
    (day,) = book["days"]
    assert [(x["reference"], x["receipt"], x["payment"]) for x in day["lines"]] == [
        ("CH-00001", "1000.00", "0.00"), ("DV 1", "0.00", "600.00")]  # fmt: skip

    page = await cashier.get("/reports/cash-book", params=query)
    assert page.status_code == 200
    assert "Registrul de casă: C1 Casa 1" in page.text
    assert "Sold din ziua precedentă" in page.text
    assert "CH-00001" in page.text
    csv = await cashier.get("/reports/cash-book", params={**query, "format": "excel"})
    assert csv.headers["content-disposition"] == (
        'attachment; filename="cash-book-C1-2026-11-05-2026-11-05.csv"')  # fmt: skip
    assert "CH-00001" in csv.text
    assert "400,00" in csv.text
    pdf = await cashier.get("/reports/cash-book", params={**query, "format": "pdf"})
    assert pdf.headers["content-type"] == "application/pdf"
    path = tmp_path / "registru.pdf"
    path.write_bytes(pdf.content)
    text = pdf_text(path, layout=True)
    assert "Registru de casă · ziua 05.11.2026" in text
    assert "Sold final 400,00" in text

    bad = await cashier.get("/reports/cash-book", params={**query, "start": "2026-11-09"})
    assert bad.status_code == 422
    assert "Perioada începe (09.11.2026) după ce se termină" in bad.text
    sales_page = await (await login("sales")).get("/reports/cash-book")
    assert sales_page.status_code == 200  # the form, with the desk chosen (the only one)
    assert "selected>C1 — Casa 1 (RON)" in sales_page.text
