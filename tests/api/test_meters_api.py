"""/api/meters: meters, readings and the utilities invoice over HTTP (the rules are
tested in tests/ops/test_meters.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.factories import make_article, make_client, make_company, make_series


@pytest.fixture
async def world() -> dict[str, int]:
    company = await make_company()
    await make_series(company)
    return {
        "company": company,
        "client": await make_client(),
        "water": await make_article(
            "APA", name="Apă", kind="utility", uom="MTQ", vat_category="S-REDUSA"
        ),
        "power": await make_article("CURENT", name="Energie electrică", kind="utility", uom="KWH"),
        "laptop": await make_article("LAP", name="Laptop"),
    }


async def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


def refused(response, status: int, code: str) -> dict:
    assert (response.status_code, response.json().get("code")) == (status, code), response.text
    return response.json()


async def test_readings_to_an_issued_utilities_invoice_and_back(login, world):
    sales = await login("sales")
    meters = {}
    for name, serial, multiplier in (("water", "AP-001", "1"), ("power", "EL-77", "40")):
        meter = await ok(await sales.post("/api/meters/", json={
            "partner": world["client"], "article": world[name], "serial": serial,
            "location": "Spațiul 2", "multiplier": multiplier}), 201)  # fmt: skip
        assert (meter["article_name"], meter["readings"]) == (
            "Apă" if name == "water" else "Energie electrică", [])  # fmt: skip
        meters[name] = meter["id"]
    refused(await sales.post("/api/meters/", json={
        "partner": world["client"], "article": world["laptop"], "serial": "X"}),
        422, "METER_ARTICLE_NOT_UTILITY")  # fmt: skip
    refused(await sales.post("/api/meters/", json={
        "partner": world["client"], "article": world["water"], "serial": "AP-001"}),
        409, "METER_DUPLICATE")  # fmt: skip

    async def read(name: str, day: str, index: str, **kw) -> dict:
        url = f"/api/meters/{meters[name]}/readings"
        return await sales.post(url, json={"day": day, "index": index, **kw})

    for name, day, index in (
        ("water", "2025-08-31", "123"),
        ("power", "2025-08-31", "1200"),
        ("water", "2025-09-30", "150.5"),
        ("power", "2025-09-30", "1250"),
    ):
        await ok(await read(name, day, index), 201)  # fmt: skip
    lower = refused(await read("water", "2025-10-15", "150"), 422, "READING_INDEX_LOWER")
    assert lower["field"] == "index"
    refused(await read("water", "2025-10-15", "abc"), 400, "REQUEST_INVALID")

    body = {"partner": world["client"], "until": "2025-09-30",
            "prices": [{"article": world["water"], "unit_price": "8.1234"},
                       {"article": world["power"], "unit_price": "1.3456"}],
            "header": {"issue_date": "2025-10-01"}}  # fmt: skip
    draft = await ok(await sales.post("/api/meters/invoice", json=body), 201)
    assert [(x["description"], x["quantity"]) for x in draft["lines"]] == [
        ("Apă: index vechi 123,000 → index nou 150,500 (contor AP-001)", "27.500"),
        ("Energie electrică: index vechi 1.200,000 → index nou 1.250,000 × 40 (contor EL-77)",
         "2000.000"),
    ]  # fmt: skip
    refused(await sales.post("/api/meters/invoice", json=body), 409, "METER_READINGS_IN_DRAFT")
    issued = await ok(await sales.post(f"/api/invoices/{draft['id']}/issue"))
    rates = {g["vat_rate"]: Decimal(g["base"]) for g in issued["vat_breakdown"]}
    assert rates == {"11.00": Decimal("223.39"), "21.00": Decimal("2691.20")}

    water = await ok(await sales.get(f"/api/meters/{meters['water']}"))
    assert [(r["state"], r["invoice_number"]) for r in water["readings"]] == [
        ("billed", issued["full_number"]), ("billed", issued["full_number"])]  # fmt: skip
    assert [r["consumption"] for r in water["readings"]] == ["0.000", "27.500"]
    (first, _) = water["readings"]
    refused(await sales.delete(f"/api/meters/{meters['water']}/readings/{first['id']}"),
            409, "READING_INVOICED")  # fmt: skip

    # The storno frees the readings: the same consumption can be invoiced again.
    await ok(await sales.post(f"/api/invoices/{issued['id']}/storno", json={}), 201)
    water = await ok(await sales.get(f"/api/meters/{meters['water']}"))
    assert [r["state"] for r in water["readings"]] == ["open", "open"]
    # Without a price list and no typed price: refused, and nothing stays reserved.
    unpriced = body | {"prices": []}
    refused(await sales.post("/api/meters/invoice", json=unpriced), 422, "LINE_PRICE_MISSING")
    again = await ok(await sales.post("/api/meters/invoice", json=body), 201)
    assert [x["quantity"] for x in again["lines"]] == ["27.500", "2000.000"]


async def test_reset_list_patch_delete_and_roles(login, world):
    sales = await login("sales")
    meter = await ok(await sales.post("/api/meters/", json={
        "partner": world["client"], "article": world["water"], "serial": "AP-9"}), 201)  # fmt: skip
    url = f"/api/meters/{meter['id']}"
    await ok(await sales.post(f"{url}/readings", json={"day": "2025-08-31", "index": "100"}), 201)
    await ok(await sales.post(f"{url}/readings", json={"day": "2025-09-30", "index": "130"}), 201)
    replaced = await ok(await sales.post(f"{url}/readings", json={
        "day": "2025-10-31", "index": "2", "reset": True, "previous_index": "141",
        "note": "Contor înlocuit"}), 201)  # fmt: skip
    assert (replaced["state"], replaced["consumption"]) == ("open", "11.000")
    wrong = await ok(await sales.post(f"{url}/readings", json={
        "day": "2025-11-10", "index": "3"}), 201)  # fmt: skip
    assert (await sales.delete(f"{url}/readings/{wrong['id']}")).status_code == 204
    refused(await sales.delete(f"/api/meters/999/readings/{replaced['id']}"), 404,
            "READING_NOT_FOUND")  # fmt: skip
    patched = await ok(await sales.patch(url, json={"serial": "AP-10", "multiplier": "2"}))
    assert (patched["serial"], patched["multiplier"], patched["last_index"]) == (
        "AP-10", "2.000", "2.000")  # fmt: skip
    listed = await ok(await sales.get("/api/meters/", params={"partner": world["client"]}))
    assert [m["serial"] for m in listed] == ["AP-10"]
    refused(await sales.patch(url, json={"color": "red"}), 400, "REQUEST_INVALID")
    draft = await ok(await sales.post("/api/meters/invoice", json={
        "partner": world["client"], "until": "2025-10-31",
        "prices": [{"article": world["water"], "unit_price": "5"}]}), 201)  # fmt: skip
    # (130 - 100) + (141 - 130) before the replacement, times the new multiplier 2.
    assert [x["quantity"] for x in draft["lines"]] == ["82.000"]

    viewer = await login("viewer")
    assert (await viewer.get(url)).status_code == 200
    refused(await viewer.post(f"{url}/readings", json={"day": "2025-11-20", "index": "9"}),
            403, "FORBIDDEN")  # fmt: skip
    refused(await viewer.post("/api/meters/invoice", json={
        "partner": world["client"], "until": "2025-11-20"}), 403, "FORBIDDEN")  # fmt: skip
    refused(await sales.get("/api/meters/999"), 404, "METER_NOT_FOUND")


async def test_the_admin_goes_through_the_same_checks(login, world):
    sales = await login("sales")
    admin = "/admin/api/tables"
    # As the admin's form sends it: the defaults of «new» with the fields typed.
    blank = (await sales.get(f"{admin}/contor/new/")).json()
    added = await sales.post(f"{admin}/contor/", json=blank | {
        "company": world["company"], "partner": world["client"], "article": world["water"],
        "serial": " AP-5 ", "location": "", "multiplier": 1, "active": True})  # fmt: skip
    assert added.status_code == 201, added.text
    meter = (await ok(await sales.get("/api/meters/")))[0]
    assert meter["serial"] == "AP-5"  # normalised by meter_prepare
    not_utility = await sales.post(f"{admin}/contor/", json=blank | {
        "company": world["company"], "partner": world["client"], "article": world["laptop"],
        "serial": "X", "location": "", "multiplier": 1, "active": True})  # fmt: skip
    assert (not_utility.status_code, "METER_ARTICLE_NOT_UTILITY" in not_utility.text) == (
        422, True)  # fmt: skip

    empty = (await sales.get(f"{admin}/citire_contor/new/")).json()

    def reading(day: str, index: str) -> dict:
        return empty | {"meter": meter["id"], "day": day, "index": index, "invoice_line": 999}

    for day, index in (("2025-08-31", "10"), ("2025-09-30", "20")):
        response = await sales.post(f"{admin}/citire_contor/", json=reading(day, index))
        assert response.status_code == 201, response.text
    lower = await sales.post(f"{admin}/citire_contor/", json=reading("2025-10-31", "5"))
    assert (lower.status_code, "READING_INDEX_LOWER" in lower.text) == (422, True)
    detail = await ok(await sales.get(f"/api/meters/{meter['id']}"))
    # The typed invoice link was ignored: links come from the invoices only.
    assert [(r["state"], r["created_by"] != "") for r in detail["readings"]] == [
        ("open", True), ("open", True)]  # fmt: skip
    await ok(await sales.post("/api/meters/invoice", json={
        "partner": world["client"], "until": "2025-09-30",
        "prices": [{"article": world["water"], "unit_price": "5"}]}), 201)  # fmt: skip
    first = detail["readings"][0]["id"]  # now on the draft: the admin refuses as a form error
    held = await sales.delete(f"{admin}/citire_contor/{first}/")
    assert (held.status_code, "READING_INVOICED" in held.text) == (422, True)
    edited = await sales.patch(f"{admin}/citire_contor/{first}/", json={"index": "9"})
    assert (edited.status_code, "READING_INVOICED" in edited.text) == (422, True)
    kept = await sales.delete(f"{admin}/contor/{meter['id']}/")
    assert (kept.status_code, "METER_HAS_READINGS" in kept.text) == (422, True)
