"""The invoice API: draft, issue, frozen, cancel, storno, copy, currency, refusals."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.org.fx import rates_import_document
from domain.org.permissions import SYSTEM
from tests.factories import make_article, make_client, make_company, make_series
from tests.shared_data import shared_path


@pytest.fixture
async def ids() -> dict[str, int]:
    company = await make_company()
    await make_series(company)
    return {
        "client": await make_client(),
        "laptop": await make_article("LAP", name="Laptop"),
        "coffee": await make_article("CAF", name="Cafea", vat_category="S-REDUSA"),
    }


def body(ids: dict[str, int], **header: object) -> dict:
    return {
        "partner": ids["client"],
        "header": {"issue_date": "2026-11-02", **header},
        "lines": [
            {"article": ids["laptop"], "quantity": "2", "unit_price": "1000"},
            {"article": ids["coffee"], "quantity": "3", "unit_price": "45.50"},
        ],
    }


async def test_draft_issue_frozen_storno_copy(login, ids):
    sales = await login("sales")
    draft = await sales.post("/api/invoices/", json=body(ids))
    assert draft.status_code == 201, draft.text
    invoice = draft.json()
    assert (invoice["status"], invoice["full_number"]) == ("draft", "")

    issued = await sales.post(f"/api/invoices/{invoice['id']}/issue")
    assert issued.status_code == 200, issued.text
    data = issued.json()
    assert data["full_number"] == "FCT-00001"
    assert Decimal(data["payable"]) == Decimal("2571.52")  # 2000 + 420 + 136.50 + 15.02
    vat = {Decimal(g["vat_rate"]): Decimal(g["vat"]) for g in data["vat_breakdown"]}
    assert vat == {Decimal(21): Decimal("420.00"), Decimal(11): Decimal("15.02")}

    frozen = await sales.patch(f"/api/invoices/{invoice['id']}", json={"header": {"notes": "x"}})
    assert frozen.status_code == 409
    assert frozen.json()["code"] == "INVOICE_FROZEN"
    again = await sales.post(f"/api/invoices/{invoice['id']}/issue")
    assert again.json()["code"] == "INVOICE_FROZEN"

    laptop_line = next(x for x in data["lines"] if x["description"] == "Laptop")
    storno = await sales.post(
        f"/api/invoices/{invoice['id']}/storno", json={"returns": {str(laptop_line["id"]): "1"}}
    )
    assert storno.status_code == 201, storno.text
    credit = storno.json()
    assert (credit["type_code"], credit["corrects"]) == ("381", invoice["id"])
    assert Decimal(credit["payable"]) == Decimal("-1210.00")

    copy = await sales.post(f"/api/invoices/{invoice['id']}/copy")
    assert copy.json()["status"] == "draft"
    listed = await sales.get("/api/invoices/?status=issued")
    assert [x["full_number"] for x in listed.json()["items"]] == ["FCT-00002", "FCT-00001"]


async def test_currency_invoice_states_vat_in_ron(login, ids):
    await rates_import_document(
        shared_path("ro", "bnr", "nbrfxrates2024.xml").read_bytes(), source="test", by=SYSTEM
    )
    sales = await login("sales")
    draft = (await sales.post("/api/invoices/", json=body(
        ids, currency="EUR", issue_date="2024-01-24", delivery_date="2024-01-24"
    ))).json()  # fmt: skip
    issued = (await sales.post(f"/api/invoices/{draft['id']}/issue")).json()
    assert (issued["fx_rate"], issued["fx_date"]) == ("4.9767", "2024-01-23")
    groups = {g["vat_rate"]: g for g in issued["vat_breakdown"]}
    assert Decimal(groups["19.00"]["vat"]) == Decimal("380.00")
    assert Decimal(groups["19.00"]["vat_ron"]) == Decimal("1891.15")  # 380 x 4.9767
    assert Decimal(issued["vat_total_ron"]) == sum(
        Decimal(g["vat_ron"]) for g in issued["vat_breakdown"]
    )


async def test_refusals(login, ids):
    viewer = await login("viewer")
    refused = await viewer.post("/api/invoices/", json=body(ids))
    assert (refused.status_code, refused.json()["code"]) == (403, "FORBIDDEN")

    sales = await login("sales")
    empty = await sales.post("/api/invoices/", json={**body(ids), "lines": []})
    assert (empty.status_code, empty.json()["code"]) == (422, "DOCUMENT_EMPTY")
    zero = await sales.post("/api/invoices/", json={
        **body(ids), "lines": [{"article": ids["laptop"], "quantity": "0", "unit_price": "1"}]
    })  # fmt: skip
    assert zero.json()["code"] == "LINE_QUANTITY_ZERO"
    scrap = [{"description": "Deșeuri feroase", "quantity": "1", "unit_price": "100",
              "vat_category": "AE"}]  # fmt: skip
    person = await make_client(name="Ion Popa", kind="individual", cui=None, vat_payer=False)
    to_person = (await sales.post("/api/invoices/", json={
        **body(ids), "partner": person, "lines": scrap
    })).json()  # fmt: skip
    refused = await sales.post(f"/api/invoices/{to_person['id']}/issue")
    assert (refused.status_code, refused.json()["code"]) == (422, "REGIME_REVERSE_CHARGE_CUSTOMER")
    reverse = (await sales.post("/api/invoices/", json={**body(ids), "lines": scrap})).json()
    issued = await sales.post(f"/api/invoices/{reverse['id']}/issue")
    assert issued.status_code == 200
    assert any("Taxare inversă" in m for m in issued.json()["mentions"])
    assert Decimal(issued.json()["vat_total"]) == 0
    cancel = await sales.post(f"/api/invoices/{to_person['id']}/cancel", json={"reason": "x"})
    assert (cancel.status_code, cancel.json()["code"]) == (409, "INVOICE_NOT_ISSUED")
    missing = await sales.get("/api/invoices/999999")
    assert (missing.status_code, missing.json()["code"]) == (404, "INVOICE_NOT_FOUND")


async def test_series_ranges_for_d394(login, ids):
    sales = await login("sales")
    made = []
    for _ in range(3):
        draft = (await sales.post("/api/invoices/", json=body(ids))).json()
        made.append((await sales.post(f"/api/invoices/{draft['id']}/issue")).json())
    await sales.post(f"/api/invoices/{made[1]['id']}/cancel", json={"reason": "Client greșit"})
    (series,) = (await sales.get("/api/series")).json()
    assert (series["prefix"], series["allocated_from"], series["allocated_to"]) == ("FCT", 1, None)
    assert (series["used_from"], series["used_to"], series["issued"]) == (1, 3, 3)
    assert series["cancelled"] == [2]


async def test_numbers_that_are_not_numbers_are_refused_not_crashed_on(login, ids):
    sales = await login("sales")
    for bad, field in (
        ({"quantity": "NaN", "unit_price": "1"}, "lines[0].quantity"),
        ({"quantity": "1", "unit_price": "Infinity"}, "lines[0].unit_price"),
        ({"quantity": "1e30", "unit_price": "1"}, "lines[0].quantity"),
        ({"quantity": "1", "unit_price": "1", "discount": "NaN"}, "lines[0].discount"),
    ):
        refused = await sales.post(
            "/api/invoices/", json={"partner": ids["client"], "lines": [
                {"article": ids["laptop"], **bad}]},
        )  # fmt: skip
        assert refused.status_code == 422, refused.text
        assert (refused.json()["code"], refused.json()["field"]) == ("NUMBER_INVALID", field)
    rate = await sales.post("/api/invoices/", json={
        **body(ids, currency="EUR", fx_rate="NaN", fx_note="x")})  # fmt: skip
    assert (rate.status_code, rate.json()["code"]) == (422, "NUMBER_INVALID")
    discount = await sales.post(
        "/api/invoices/later-discount", json={"invoices": [1], "percent": "NaN"}
    )
    assert (discount.status_code, discount.json()["code"]) == (422, "NUMBER_INVALID")
    totals = await sales.post("/editor/api/totals", json={"lines": [
        {"article": ids["laptop"], "quantity": "NaN", "unit_price": "1"}]})  # fmt: skip
    assert totals.status_code == 422, totals.text
