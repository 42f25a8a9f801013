"""«Încasare nouă» and the receipt look-ups with what people really type: invoices listed
without amounts beyond what the receipt reaches, a receipt number too long to be an id,
a NUL character (PostgreSQL refuses it): refused in Romanian, never a 500."""

from __future__ import annotations

from decimal import Decimal

from tables.payments import Allocation, Receipt
from tests.admin.test_receipt_forms import cash_setup, error_of
from tests.admin.test_sales_forms import post_form

BODY = {"partner": "12345674", "day": "2026-11-05"}


async def test_untyped_amounts_pay_what_the_receipt_reaches(login):
    await cash_setup()
    cashier = await login("cashier")
    # FCT-00001 owes 2.569,85: 100 pays part of it, and nothing is left for FCT-00002.
    short = await post_form(
        cashier, "Încasare nouă", {**BODY, "amount": "100", "invoices": "FCT-00001; FCT-00002"}
    )
    assert "ALLOCATION_EXCEEDS_RECEIPT" in error_of(short)
    assert await Receipt.count() == 0
    done = await post_form(
        cashier, "Încasare nouă", {**BODY, "amount": "3000", "invoices": "FCT-00001; FCT-00002"}
    )
    assert done.status_code == 200, done.text
    amounts = sorted(Decimal(str(r["amount"])) for r in await Allocation.select(Allocation.amount))
    assert amounts == [
        Decimal("430.15"),
        Decimal("2569.85"),
    ]  # the first in full, the rest to the second


async def test_odd_text_is_refused_not_a_500(login):
    await cash_setup()
    cashier = await login("cashier")
    nul = await post_form(
        cashier, "Încasare nouă", {**BODY, "amount": "10", "payer_name": "a\x00b"}
    )
    assert "TEXT_INVALID" in error_of(nul)
    for text in ("99999999999999999999", "CH-\x00"):
        for form, body in (
            ("Anulează încasarea", {"receipt": text, "reason": "Greșeală"}),
            ("Tipărire chitanță (PDF)", {"receipt": text}),
        ):
            answer = await post_form(cashier, form, body)
            assert "RECEIPT_NOT_FOUND" in error_of(answer), (form, text)
    reason = await post_form(cashier, "Anulează o alocare", {"allocation_id": 1, "reason": "\x00"})
    assert reason.status_code == 422, reason.text
