"""The admin's «Încasări»: a chitanță recorded against two invoices from «Încasare nouă»,
the partner's open invoices listed, what was typed wrong refused in Romanian, an
allocation undone and the receipt cancelled by their forms, the chitanță downloaded;
cash desks through the domain's checks; receipts and allocations read-only."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from domain.org.permissions import SYSTEM
from domain.payments.cash_desks import cash_desk_create
from tables.choices import DocStatus, DocType
from tables.payments import Allocation, CashDesk, Receipt
from tests.admin.test_sales_forms import API, post_form
from tests.factories import make_series
from tests.printing.test_invoice_pdf import issue, make_issuer, pdf_text

DAY = date(2026, 11, 2)


async def cash_setup() -> dict[str, int]:
    ids = await make_issuer()
    ids["series"] = await make_series(ids["company"], "CH", doc_type=DocType.receipt)
    ids["desk"] = await cash_desk_create(
        values={"company": ids["company"], "code": "C1", "name": "Casa 1",
                "series": ids["series"]}, by=SYSTEM,
    )  # fmt: skip
    ids["first"] = await issue(ids, DAY)
    ids["second"] = await issue(ids, date(2026, 11, 3))
    return ids


def error_of(response) -> str:
    assert response.status_code >= 400, response.text
    return response.text


async def test_receipt_forms(login, tmp_path):
    ids = await cash_setup()
    cashier = await login("cashier")

    listed = await post_form(cashier, "Facturi neîncasate", {"partner": "RO12345674"})
    assert listed.status_code == 200, listed.text
    assert "FCT-00001 din 02.11.2026, rest 2.569,85 RON; FCT-00002 din 03.11.2026" in (
        listed.json()["custom_form_success"])  # fmt: skip

    body = {"partner": "12345674", "amount": "3.000,00", "day": "2026-11-05",
            "invoices": "FCT-00001; fct-00002 = 400"}  # fmt: skip
    wrong = await post_form(cashier, "Încasare nouă", {**body, "invoices": "FCT-00009"})
    assert "Factura «FCT-00009» nu este o factură neîncasată" in error_of(wrong)
    assert "INVOICE_NOT_OPEN" in wrong.text
    wrong = await post_form(cashier, "Încasare nouă", {**body, "kind": "cec"})
    assert "RECEIPT_KIND_INVALID" in error_of(wrong)
    wrong = await post_form(cashier, "Încasare nouă", {**body, "cash_desk": "C9"})
    assert "Nu există casieria «C9» (casieriile active: C1)" in error_of(wrong)
    assert await Receipt.count() == 0

    recorded = await post_form(cashier, "Încasare nouă", body)
    assert recorded.status_code == 200, recorded.text
    answer = recorded.json()["custom_form_success"]
    assert answer.startswith("Chitanța CH-00001 a fost înregistrată.")
    assert "FCT-00001: 2.569,85, achitată; FCT-00002: 400,00, rămân 2.169,85" in answer
    assert "Avans (419): 30,15 RON" in answer
    receipt = await Receipt.select().first()
    assert (receipt["cash_desk"], receipt["kind"], receipt["day"]) == (
        ids["desk"], "cash", date(2026, 11, 5))  # fmt: skip

    printed = await post_form(cashier, "Tipărire chitanță (PDF)", {"receipt": "ch-00001"})
    assert printed.status_code == 200, printed.text
    assert printed.headers["content-type"] == "application/pdf"
    assert "CH-00001.pdf" in printed.headers["content-disposition"]
    path = tmp_path / "chitanta.pdf"
    path.write_bytes(printed.content)
    text = pdf_text(path)
    assert "trei mii de lei" in text
    assert "Seria CH nr. 00001" in text

    (second,) = await Allocation.select(Allocation.id).where(
        Allocation.invoice == ids["second"])  # fmt: skip
    undone = await post_form(cashier, "Anulează o alocare",
                             {"allocation_id": second["id"], "reason": "Altă factură",
                              "day": "2026-11-06"})  # fmt: skip
    assert undone.status_code == 200, undone.text
    assert "trecut înapoi la avansuri (419)" in undone.json()["custom_form_success"]

    cancelled = await post_form(cashier, "Anulează încasarea",
                                {"receipt": "CH-00001", "reason": "Suma greșită"})  # fmt: skip
    assert cancelled.status_code == 200, cancelled.text
    assert (await Receipt.select(Receipt.status).first())["status"] == DocStatus.cancelled

    viewer = await login("viewer")
    refused = await post_form(viewer, "Încasare nouă", {**body, "invoices": ""})
    assert "nu are dreptul" in error_of(refused)


async def test_cash_desks_and_read_only_receipts_in_the_admin(login):
    ids = await cash_setup()
    accountant = await login("accountant")
    # A second desk on the first one's account: refused with the domain's message.
    taken = await accountant.post(
        f"{API}/tables/casierie/",
        json={"company": ids["company"], "code": "C2", "name": "Casa 2", "currency": "RON",
              "account": "", "active": True, "series": ids["series"], "work_point": None,
              "pos": None},
    )  # fmt: skip
    assert taken.status_code == 422, taken.text
    assert "CASH_DESK_ACCOUNT_TAKEN" in taken.text
    assert await CashDesk.count() == 1

    await post_form(accountant, "Încasare nouă",
                    {"partner": "12345674", "amount": "10", "invoices": "avans"})  # fmt: skip
    (receipt,) = await Receipt.select(Receipt.id, Receipt.amount)
    assert receipt["amount"] == Decimal("10.00")
    frozen = await accountant.patch(f"{API}/tables/incasare/{receipt['id']}/",
                                    json={"amount": "1000"})  # fmt: skip
    assert "ADMIN_READ_ONLY" in frozen.text
    gone = await accountant.delete(f"{API}/tables/incasare/{receipt['id']}/")
    assert "ADMIN_READ_ONLY" in gone.text
    assert await Receipt.count() == 1
