"""The printed chitanță (OMFP 2634/2015, form 14-4-1) read back with pdftotext: the unit,
series and number, date, the payer with its CUI and address, the amount in figures and
words, what it pays (invoices with dates, the advance), the cashier; the ANULAT copy of a
cancelled one; the job and GET /api/receipts/{id}/pdf; no chitanță for a bank transfer."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from domain.org.permissions import SYSTEM, Actor
from domain.payments.cash_desks import cash_desk_create
from domain.payments.receipts import receipt_cancel, receipt_record
from jobs.receipt_printing import render_receipt
from tables.choices import DocType, ReceiptKind, Role
from tests.factories import make_series
from tests.printing.test_invoice_pdf import issue, make_issuer, pdf_pages, pdf_text

DAY = date(2026, 11, 2)
CASHIER = Actor(role=Role.cashier, name="Elena Dumitru")


async def cash_issuer() -> dict[str, int]:
    ids = await make_issuer()
    series = await make_series(ids["company"], "CH", doc_type=DocType.receipt)
    ids["desk"] = await cash_desk_create(
        values={"company": ids["company"], "code": "C1", "name": "Casa 1", "series": series},
        by=SYSTEM,
    )
    return ids


async def render(settings, receipt_id: int) -> Path:
    result = await render_receipt({"settings": settings}, receipt_id=receipt_id)
    assert "path" in result, result
    return Path(result["path"])


async def test_chitanta_states_what_the_law_asks(settings):
    ids = await cash_issuer()
    first, second = await issue(ids, DAY), await issue(ids, date(2026, 11, 3))
    # Each invoice is 2 x 1000 + 21 % and 3 x 45,50 - 1,50 + 11 %: 2.569,85 lei.
    recorded = await receipt_record(
        company_id=ids["company"], kind=ReceiptKind.cash, partner_id=ids["client"],
        day=date(2026, 11, 5), amount=Decimal("3000.00"), cash_desk_id=ids["desk"],
        payer_name="Ion Ionescu", by=CASHIER,
        allocations=[{"invoice": first, "amount": Decimal("2569.85")},
                     {"invoice": second, "amount": Decimal("400.00")}],
    )  # fmt: skip
    assert recorded.full_number == "CH-00001"
    path = await render(settings, recorded.receipt_id)
    assert pdf_pages(path) == 1  # both copies on one page
    text = pdf_text(path)
    assert text.count("Seria CH nr. 00001") == 2  # the two copies
    for expected in (
        "Catastif Test SRL", "Nr. Reg. Com.: J40/1/2024", "CUI: 44556670",
        "Adresa: Calea Victoriei 1, Sector 1, București",
        "Seria CH nr. 00001", "Data: 05.11.2026",
        "Am primit de la Ion Ionescu, pentru Alfa Distribuție SRL, CUI 12345674, "
        "adresa Str. Memorandumului 10, Cluj-Napoca, jud. Cluj,",
        "suma de 3.000,00 RON, adică trei mii de lei,",
        "reprezentând Contravaloare facturile FCT-00001, FCT-00002", "Casier: Elena Dumitru",
    ):  # fmt: skip
        assert expected in text, (expected, text)
    rows = pdf_text(path, layout=True)  # the table of what it pays, row by row
    for expected in (
        "Factura FCT-00001 02.11.2026 2.569,85 RON",
        "Factura FCT-00002 03.11.2026 400,00 RON",
        "Avans 05.11.2026 30,15 RON",
    ):
        assert rows.count(expected) == 2, (expected, rows)  # fmt: skip
    # Rendered once per status: a second run finds the file.
    again = await render_receipt({"settings": settings}, receipt_id=recorded.receipt_id)
    assert again["rendered"] is False

    await receipt_cancel(receipt_id=recorded.receipt_id, reason="Suma greșită",
                         day=date(2026, 11, 5), by=CASHIER)  # fmt: skip
    cancelled = await render(settings, recorded.receipt_id)
    assert cancelled != path
    assert path.exists()
    text = pdf_text(cancelled)
    assert "ANULAT la" in text
    assert "motiv: Suma greșită" in text
    # Its own allocations only: the cancellation's undoing rows are not «what it paid».
    assert pdf_text(cancelled, layout=True).count("Factura FCT-00001 02.11.2026 2.569,85") == 2


async def test_advance_in_words_with_bani_and_no_chitanta_for_a_transfer(settings):
    ids = await cash_issuer()
    advance = await receipt_record(
        company_id=ids["company"], kind="cash", partner_id=ids["client"], day=DAY,
        amount=Decimal("1250.55"), cash_desk_id=ids["desk"], allocations=[], by=CASHIER,
    )  # fmt: skip
    path = await render(settings, advance.receipt_id)
    text = pdf_text(path)
    assert "Am primit de la Alfa Distribuție SRL, CUI 12345674" in text
    assert "o mie două sute cincizeci de lei și cincizeci și cinci de bani" in text
    assert "reprezentând Avans." in text
    assert "Avans 02.11.2026 1.250,55 RON" in pdf_text(path, layout=True)

    transfer = await receipt_record(
        company_id=ids["company"], kind="bank", partner_id=ids["client"], day=DAY,
        amount=Decimal("10.00"), allocations=[], by=CASHIER,
    )  # fmt: skip
    skipped = await render_receipt({"settings": settings}, receipt_id=transfer.receipt_id)
    assert skipped == {"receipt_id": transfer.receipt_id, "skipped": "RECEIPT_NOT_CASH"}


async def test_pdf_endpoint(app, login, anon, settings):
    ids = await cash_issuer()
    recorded = await receipt_record(
        company_id=ids["company"], kind="cash", partner_id=ids["client"], day=DAY,
        amount=Decimal("100.00"), cash_desk_id=ids["desk"], allocations=[], by=CASHIER,
    )  # fmt: skip
    url = f"/api/receipts/{recorded.receipt_id}/pdf"
    cashier = await login("cashier")
    pending = await cashier.get(url)
    assert (pending.status_code, pending.json()["code"]) == (202, "PDF_RENDERING")
    job = await app.state.queue.job(f"print:receipt:{recorded.receipt_id}")
    assert (job.function, job.kwargs) == ("render_receipt", {"receipt_id": recorded.receipt_id})

    await render(settings, recorded.receipt_id)
    ready = await cashier.get(url)
    assert ready.status_code == 200
    assert ready.headers["content-disposition"] == 'inline; filename="CH-00001.pdf"'
    assert ready.content.startswith(b"%PDF-")

    transfer = await receipt_record(
        company_id=ids["company"], kind="bank", partner_id=ids["client"], day=DAY,
        amount=Decimal("10.00"), allocations=[], by=CASHIER,
    )  # fmt: skip
    refused = await cashier.get(f"/api/receipts/{transfer.receipt_id}/pdf")
    assert (refused.status_code, refused.json()["code"]) == (409, "RECEIPT_NOT_CASH")
    missing = await cashier.get("/api/receipts/999999/pdf")
    assert (missing.status_code, missing.json()["code"]) == (404, "RECEIPT_NOT_FOUND")
    assert (await anon.get(url)).status_code == 401
