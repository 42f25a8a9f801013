"""The receipts API: record (oldest first, explicit, all advance), read, list, allocate an
advance, undo an allocation, cancel, a partner's open items; roles; bad input is 4xx with
a code, never 500."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.org.permissions import SYSTEM
from domain.sales.invoices import invoice_draft_create, invoice_issue
from tables.choices import DocType
from tests.factories import make_article, make_client, make_company, make_series

D = Decimal


@pytest.fixture
async def ids() -> dict[str, int]:
    company = await make_company()
    await make_series(company)
    await make_series(company, prefix="CHT", doc_type=DocType.receipt)
    client = await make_client()
    service = await make_article("SRV", name="Reparație", kind="service")
    invoices = []
    for price, due in (("100", date(2026, 3, 20)), ("200", date(2026, 4, 20))):
        draft = await invoice_draft_create(
            company_id=company,
            partner_id=client,
            by=SYSTEM,
            header={"issue_date": date(2026, 3, 10), "due_date": due},
            lines=[{"article": service, "quantity": 1, "unit_price": price}],
        )
        invoices.append((await invoice_issue(invoice_id=draft, by=SYSTEM)).invoice_id)
    return {"company": company, "client": client, "old": invoices[0], "new": invoices[1]}


async def test_record_read_allocate_reverse_cancel(login, ids):
    cashier = await login("cashier")
    done = await cashier.post(
        "/api/receipts/",
        json={
            "kind": "cash",
            "partner": ids["client"],
            "day": "2026-04-01",
            "amount": "100.00",
            "allocations": [],
        },
    )
    assert done.status_code == 201, done.text
    receipt = done.json()
    assert (receipt["full_number"], receipt["allocations"]) == ("CHT-00001", [])
    assert D(receipt["left"]) == D(100)

    items = await cashier.get(f"/api/partners/{ids['client']}/open-items?at=2026-04-01")
    assert items.status_code == 200, items.text
    found = items.json()
    assert [x["invoice_id"] for x in found["invoices"]] == [ids["old"], ids["new"]]
    assert [(x["receipt_id"], D(x["left"])) for x in found["advances"]] == [(receipt["id"], D(100))]

    allocated = await cashier.post(
        f"/api/receipts/{receipt['id']}/allocations",
        json={"invoice": ids["new"], "amount": "60", "day": "2026-04-02"},
    )
    assert allocated.status_code == 201, allocated.text
    (allocation,) = allocated.json()["allocations"]
    assert (allocation["invoice"], D(allocation["amount"])) == (ids["new"], D(60))
    assert allocation["entry"] is not None
    assert D(allocated.json()["left"]) == D(40)

    reversed_ = await cashier.post(
        f"/api/allocations/{allocation['id']}/reverse",
        json={"reason": "Altă factură", "day": "2026-04-02"},
    )
    assert reversed_.status_code == 201, reversed_.text
    assert [D(a["amount"]) for a in reversed_.json()["allocations"]] == [D(60), D(-60)]
    again = await cashier.post(
        f"/api/allocations/{allocation['id']}/reverse", json={"reason": "x", "day": "2026-04-02"}
    )
    assert (again.status_code, again.json()["code"]) == (409, "ALLOCATION_ALREADY_REVERSED")

    bank = await cashier.post(
        "/api/receipts/",
        json={
            "kind": "bank",
            "partner": ids["client"],
            "day": "2026-04-03",
            "amount": "150",
            "bank_reference": "TRF-1",
        },
    )
    assert bank.status_code == 201, bank.text
    paid = bank.json()["allocations"]  # oldest due first: all of the old one, 29 of the new
    assert [(a["invoice"], D(a["amount"])) for a in paid] == [
        (ids["old"], D(121)),
        (ids["new"], D(29)),
    ]

    listed = await cashier.get(f"/api/receipts/?partner={ids['client']}&limit=1")
    assert listed.status_code == 200
    assert [x["id"] for x in listed.json()["items"]] == [bank.json()["id"]]
    rest = await cashier.get(
        f"/api/receipts/?partner={ids['client']}&after={listed.json()['next']}"
    )
    assert [x["id"] for x in rest.json()["items"]] == [receipt["id"]]

    cancelled = await cashier.post(
        f"/api/receipts/{bank.json()['id']}/cancel",
        json={"reason": "Extras greșit", "day": "2026-04-03"},
    )
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled"
    assert len(cancelled.json()["allocations"]) == 4  # two, and their undoing


async def test_roles(login, ids):
    viewer = await login("viewer")
    refused = await viewer.post(
        "/api/receipts/",
        json={"kind": "bank", "partner": ids["client"], "day": "2026-04-01", "amount": "1"},
    )
    assert (refused.status_code, refused.json()["code"]) == (403, "FORBIDDEN")
    assert (await viewer.get("/api/receipts/")).status_code == 200
    accountant = await login("accountant")
    ok = await accountant.post(
        "/api/receipts/",
        json={"kind": "card", "partner": ids["client"], "day": "2026-04-01", "amount": "1"},
    )
    assert ok.status_code == 201, ok.text


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"amount": "0"}, 422, "RECEIPT_AMOUNT_INVALID"),
        ({"amount": "abc"}, 400, "REQUEST_INVALID"),
        ({"amount": "NaN"}, 422, "NUMBER_INVALID"),
        ({"amount": "1e30"}, 422, "NUMBER_INVALID"),
        ({"kind": "cec"}, 400, "REQUEST_INVALID"),
        ({"partner": 2_147_483_648}, 400, "REQUEST_INVALID"),
        ({"partner": 999_999}, 404, "PARTNER_NOT_FOUND"),
        ({"day": "2026-02-30"}, 400, "REQUEST_INVALID"),
        ({"currency": "E\u0000R"}, 400, "REQUEST_INVALID"),
        ({"currency": "XYZ"}, 404, "FX_RATE_MISSING"),
        ({"allocations": [{"invoice": 999_999}]}, 404, "ALLOCATION_INVOICE_NOT_FOUND"),
        ({"allocations": [{"invoice": 1, "amount": "-1"}]}, 422, "ALLOCATION_AMOUNT_INVALID"),
        ({"allocations": [{"invoice": 1, "amount": "Infinity"}]}, 422, "NUMBER_INVALID"),
        ({"allocations": [{"invoice": 1, "amount": "500"}]}, 422, "ALLOCATION_EXCEEDS_OPEN"),
        ({"cash_desk": 7}, 422, "RECEIPT_CASH_DESK_NOT_ALLOWED"),
        ({"bank_account": 0}, 404, "BANK_ACCOUNT_NOT_FOUND"),
        ({"surprise": 1}, 400, "REQUEST_INVALID"),
        ({"work_point": 999}, 422, "REFERENCE_NOT_FOUND"),
        ({"company": 999}, 404, "COMPANY_NOT_FOUND"),
        ({"kind": "cash", "cash_limit_reason": "x" * 301}, 400, "REQUEST_INVALID"),
    ],
)
async def test_bad_input_is_4xx_with_a_code(login, ids, body, status, code):
    cashier = await login("cashier")
    payload = {
        "kind": "bank",
        "partner": ids["client"],
        "day": "2026-04-01",
        "amount": "10",
        **body,
    }
    answer = await cashier.post("/api/receipts/", json=payload)
    assert (answer.status_code, answer.json()["code"]) == (status, code), answer.text
    assert (await cashier.get("/api/receipts/")).json()["items"] == []


async def test_bad_paths_and_ids(login, ids):
    cashier = await login("cashier")
    for path in ("/api/receipts/999", "/api/partners/999/open-items"):
        answer = await cashier.get(path)
        assert answer.status_code == 404, path
    missing = await cashier.post("/api/allocations/999/reverse", json={"reason": "x"})
    assert (missing.status_code, missing.json()["code"]) == (404, "ALLOCATION_NOT_FOUND")
    huge = await cashier.get("/api/receipts/99999999999")
    assert huge.status_code in (400, 404)
    blank = await cashier.post("/api/receipts/999/cancel", json={"reason": " "})
    assert (blank.status_code, blank.json()["code"]) == (422, "CANCEL_REASON_REQUIRED")
    cursor = await cashier.get("/api/receipts/?after=nonsense")
    assert (cursor.status_code, cursor.json()["code"]) == (422, "CURSOR_INVALID")
