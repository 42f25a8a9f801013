"""The ways to invoice through the HTTP API (the domain tests are in
tests/ops/test_ways_to_invoice.py; 1, 12, 13, 15, 18, 25, 26 in test_invoices_api.py,
6, 7, 9 in test_documents_api.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tables.choices import DocType
from tables.org import Company
from tests.factories import make_article, make_client, make_company, make_series

DAY = "2026-11-02"


@pytest.fixture
async def world() -> dict[str, int]:
    company = await make_company()
    for doc_type in DocType:
        await make_series(company, prefix=doc_type.value[:3].upper(), doc_type=doc_type)
    return {
        "company": company,
        "client": await make_client(),
        "laptop": await make_article("LAP", name="Laptop", warranty_months=24),
        "hour": await make_article("ORA", name="Consultanță", kind="service", uom="HUR"),
        "rent": await make_article("CHIRIE", name="Chirie", kind="rent", uom="MON"),
        "water": await make_article(
            "APA", name="Apă", kind="utility", uom="MTQ", vat_category="S-REDUSA"
        ),
    }


async def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


async def issue_new(client, body: dict) -> dict:
    draft = await ok(await client.post("/api/invoices/", json=body), 201)
    return await ok(await client.post(f"/api/invoices/{draft['id']}/issue"))


def invoice(world, lines: list[dict], partner: int | None = None, **header) -> dict:
    return {"partner": partner or world["client"], "lines": lines,
            "header": {"issue_date": DAY, **header}}  # fmt: skip


@pytest.mark.parametrize("source", ["offer", "proforma", "order"])
async def test_ways_2_3_4_whole_document_to_invoice(login, world, source):
    sales = await login("sales")
    doc = await ok(await sales.post("/api/documents/", json={
        "doc_type": source, "partner": world["client"], "header": {"issue_date": DAY},
        "lines": [{"article": world["laptop"], "quantity": "2", "unit_price": "3000"}],
    }), 201)  # fmt: skip
    await ok(await sales.post(f"/api/documents/{doc['id']}/issue"))
    draft = await ok(await sales.post(
        f"/api/documents/{doc['id']}/convert", json={"target": "invoice"}), 201)  # fmt: skip
    issued = await ok(await sales.post(f"/api/invoices/{draft['id']}/issue"))
    assert Decimal(issued["tax_exclusive"]) == Decimal("6000.00")


async def test_ways_5_8_order_in_two_invoices_that_ship_the_goods(login, world):
    sales = await login("sales")
    order = await ok(await sales.post("/api/documents/", json={
        "doc_type": "order", "partner": world["client"], "header": {"issue_date": DAY},
        "lines": [{"article": world["laptop"], "quantity": "5", "unit_price": "3000"}],
    }), 201)  # fmt: skip
    order = await ok(await sales.post(f"/api/documents/{order['id']}/issue"))
    line = order["lines"][0]["id"]
    for quantity in ("2", "3"):
        draft = await ok(await sales.post("/api/invoices/from-documents", json={
            "documents": [order["id"]], "take": {str(line): quantity}}), 201)  # fmt: skip
        await ok(await sales.post(f"/api/invoices/{draft['id']}/issue"))
    after = await ok(await sales.get(f"/api/documents/{order['id']}"))
    assert Decimal(after["lines"][0]["left_to_deliver"]) == 0  # way 8: shipped with invoices
    assert Decimal(after["lines"][0]["left_to_invoice"]) == 0
    nothing = await sales.post("/api/invoices/from-documents", json={"documents": [order["id"]]})
    assert (nothing.status_code, nothing.json()["code"]) == (409, "NOTHING_LEFT")


async def test_ways_10_11_14_advance_deduction_and_later_discount(login, world):
    sales = await login("sales")
    advance = await issue_new(sales, invoice(world, [
        {"description": "Avans 30 %", "quantity": "1", "unit_price": "900",
         "vat_category": "S-STANDARD"}]) | {"type_code": "386"})  # fmt: skip
    assert advance["type_code"] == "386"
    final = await issue_new(sales, invoice(world, [
        {"article": world["laptop"], "quantity": "1", "unit_price": "3000"},
        {"description": "Avans dedus", "quantity": "-1", "unit_price": "900",
         "vat_category": "S-STANDARD", "source_line": advance["lines"][0]["id"]}]))  # fmt: skip
    assert Decimal(final["tax_exclusive"]) == Decimal("2100.00")
    discount = await ok(await sales.post("/api/invoices/later-discount", json={
        "invoices": [final["id"]], "percent": "10", "issue_date": DAY}), 201)  # fmt: skip
    assert Decimal(discount["tax_exclusive"]) == Decimal("-300.00")  # 10 % of the laptop line


async def test_ways_16_17_export_and_intra_community(login, world):
    sales = await login("sales")
    for regime, category, partner in (
        ("export", "G", {"name": "Acme Inc", "country": "US", "cui": None, "county": "",
                         "city": "Boston", "foreign_vat_id": "US-12-3456789"}),
        ("intra_eu", "K", {"name": "Müller GmbH", "country": "DE", "cui": None, "county": "",
                           "city": "München", "foreign_vat_id": "DE136695976"}),
    ):  # fmt: skip
        customer = await make_client(**partner)
        issued = await issue_new(sales, invoice(world, [
            {"article": world["laptop"], "quantity": "1", "unit_price": "3000",
             "vat_category": category}], partner=customer, vat_regime=regime))  # fmt: skip
        assert Decimal(issued["vat_total"]) == 0
        assert any("art. 294" in m for m in issued["mentions"])


async def test_ways_19_to_24(login, world):
    sales = await login("sales")
    await Company.update({Company.cash_vat: True}).where(Company.id == world["company"])
    services = await issue_new(sales, invoice(world, [  # 19 cash-VAT, 20 services, 21 rent
        {"article": world["hour"], "quantity": "3", "unit_price": "250"},
        {"article": world["rent"], "quantity": "1", "unit_price": "4500"},
        # 22 utilities by consumption: index 1234 -> 1249, at water's own rate
        {"article": world["water"], "description": "Apă: index 1234 → 1249",
         "quantity": "15", "unit_price": "8.1234"}]))  # fmt: skip
    assert "TVA la încasare" in services["mentions"]
    rates = {g["vat_rate"]: Decimal(g["base"]) for g in services["vat_breakdown"]}
    assert rates == {"21.00": Decimal("5250.00"), "11.00": Decimal("121.85")}
    await Company.update({Company.cash_vat: False}).where(Company.id == world["company"])
    for cnp in ("1850715420011", None):  # 23 an individual, with or without CNP
        person = await make_client(name=f"Ion Popa {cnp}", kind="individual", cui=None,
                                   cnp=cnp, vat_payer=False)  # fmt: skip
        issued = await issue_new(
            sales,
            invoice(
                world,
                [{"article": world["laptop"], "quantity": "1", "unit_price": "100"}],
                partner=person,
            ),
        )
        assert issued["status"] == "issued"
    draft = await ok(
        await sales.post(
            "/api/invoices/",
            json=invoice(
                world, [{"article": world["laptop"], "quantity": "1", "unit_price": "100"}]
            ),
        ),
        201,
    )
    assert draft["type_code"] == "380"  # 24: self-invoices are made by the operation below
