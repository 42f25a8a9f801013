"""An invoice in instalments, as it leaves: e-Factura keeps BT-9 DueDate (the last
instalment) and states every instalment in BT-20 (PaymentTerms/Note, one note of at most
300 characters), and still passes the official validation; the PDF prints the schedule."""

from __future__ import annotations

from datetime import date

from domain.org.permissions import SYSTEM
from domain.payments.term_ops import payment_term_create
from tests.ops.test_efactura_generate import env, issue, official, official_rules
from tests.printing.test_invoice_pdf import pdf_text, render

__all__ = ["env", "official_rules"]  # the fixtures this module uses


async def term(company: int, instalments: int) -> int:
    share = [{"days": 10 * i, "percent": "5"} for i in range(instalments - 1)]
    return await payment_term_create(
        values={"company": company, "name": f"{instalments} rate",
                "instalments": [*share, {"days": 10 * (instalments - 1)}]},
        by=SYSTEM,
    )  # fmt: skip


async def test_instalments_go_in_the_payment_terms_note(env, settings):
    company, client = env["company"], env["client"]
    invoice = await issue(
        company, client, [{"article": env["hour"], "quantity": "10", "unit_price": "100"}],
        payment_term=await term(company, 3), payment_terms="Transfer bancar",
    )  # fmt: skip
    doc = await official(invoice)
    assert doc["cbc:DueDate"] == "2026-11-22"  # the last instalment
    assert doc["cac:PaymentTerms"]["cbc:Note"] == [
        "Transfer bancar – Plata în 3 rate: 02.11.2026: 60,50 RON; 12.11.2026: 60,50 RON; "
        "22.11.2026: 1089,00 RON."
    ]
    text = pdf_text(await render(settings, invoice))
    assert "Scadențe (rate) 02.11.2026: 60,50 RON; 12.11.2026: 60,50 RON; " in text
    assert "22.11.2026: 1.089,00 RON" in text


async def test_many_instalments_are_counted_past_300_characters(env):
    company, client = env["company"], env["client"]
    invoice = await issue(
        company, client, [{"article": env["hour"], "quantity": "10", "unit_price": "100"}],
        payment_term=await term(company, 16), day=date(2026, 11, 2),
    )  # fmt: skip
    (note,) = (await official(invoice))["cac:PaymentTerms"]["cbc:Note"]
    assert len(note) <= 300
    assert note.startswith("Plata în 16 rate: 02.11.2026: 60,50 RON;")
    assert "rate (lista completă pe factură)." in note


async def test_one_due_date_keeps_the_plain_terms(env):
    invoice = await issue(
        env["company"], env["client"],
        [{"article": env["hour"], "quantity": "1", "unit_price": "100"}],
        due_date=date(2026, 12, 2), payment_terms="30 de zile",
    )  # fmt: skip
    doc = await official(invoice)
    assert doc["cbc:DueDate"] == "2026-12-02"
    assert doc["cac:PaymentTerms"]["cbc:Note"] == ["30 de zile"]
