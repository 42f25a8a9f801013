"""/api/stock over HTTP with real sessions: warehouses, settings, a NIR from draft to
issue, transfers, adjustments, the stock card and the valuation; refusals in Romanian
with their codes, never a 500; viewers read but do not write."""

from __future__ import annotations

import httpx
import pytest

from domain.ledger.chart import chart_setup
from tables.org import WorkPoint
from tests.factories import make_article, make_client, make_company

DAY = "2026-03-10"


@pytest.fixture
async def world() -> dict[str, int]:
    company = await make_company()
    await chart_setup(company)
    point = WorkPoint(company=company, code="PL1", name="Magazin Centru")
    await point.save()
    return {
        "company": company,
        "point": point.id,
        "supplier": await make_client(name="Furnizor SRL", cui="18547290", roles=["supplier"]),
        "laptop": await make_article("LAP", name="Laptop"),
        "repair": await make_article("SRV", name="Reparație", kind="service"),
    }


def assert_error(response: httpx.Response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["code"] == code, body
    assert body["message"], body
    assert body["message_en"], body
    return body


async def test_nir_to_stock_card(login, world):
    api = await login("accountant")
    shop = await api.post(
        "/api/stock/warehouses",
        json={"code": "mag", "name": "Magazin", "work_point": world["point"], "is_default": True},
    )
    assert shop.status_code == 201, shop.text
    assert shop.json()["code"] == "MAG"
    depot = await api.post("/api/stock/warehouses", json={"code": "DEP", "name": "Depozit"})
    twin = await api.post(
        "/api/stock/warehouses",
        json={"code": "X", "name": "Alt magazin", "work_point": world["point"], "is_default": True},
    )
    assert_error(twin, 409, "WAREHOUSE_DEFAULT_TAKEN")
    listed = await api.get("/api/stock/warehouses")
    assert [w["code"] for w in listed.json()] == ["DEP", "MAG"]

    settings = await api.put("/api/stock/settings", json={"valuation": "fifo"})
    assert settings.json() == {
        "company": world["company"],
        "valuation": "fifo",
        "allow_negative": False,
    }
    bad = await api.put("/api/stock/settings", json={"valuation": "lifo"})
    assert bad.status_code == 400

    draft = await api.post(
        "/api/stock/receptions",
        json={
            "warehouse": shop.json()["id"],
            "partner": world["supplier"],
            "supplier_doc_number": "FF-123",
            "supplier_doc_date": DAY,
            "day": DAY,
            "lines": [{"article": world["laptop"], "quantity": "4", "unit_price": "250.00"}],
        },
    )
    assert draft.status_code == 201, draft.text
    assert draft.json()["status"] == "draft"
    assert draft.json()["number"] is None
    nir = draft.json()["id"]
    issued = await api.post(f"/api/stock/receptions/{nir}/issue")
    assert issued.status_code == 200, issued.text
    body = issued.json()
    assert (body["status"], body["number"], body["total_ron"]) == ("issued", 1, "1210.00")
    assert body["lines"][0]["unit_cost"] == "250.0000"
    assert_error(await api.post(f"/api/stock/receptions/{nir}/issue"), 409, "RECEPTION_ISSUED")
    services = await api.post(
        "/api/stock/receptions",
        json={
            "warehouse": shop.json()["id"],
            "partner": world["supplier"],
            "supplier_doc_number": "FF-124",
            "supplier_doc_date": DAY,
            "lines": [{"article": world["repair"], "quantity": "1", "unit_price": "10"}],
        },
    )
    assert_error(services, 422, "RECEPTION_GOODS_ONLY")

    moved = await api.post(
        "/api/stock/transfers",
        json={
            "from_warehouse": shop.json()["id"],
            "to_warehouse": depot.json()["id"],
            "day": DAY,
            "lines": [{"article": world["laptop"], "quantity": "1"}],
        },
    )
    assert moved.status_code == 201, moved.text
    assert [m["quantity"] for m in moved.json()["moves"]] == ["-1.000", "1.000"]
    too_much = await api.post(
        "/api/stock/transfers",
        json={
            "from_warehouse": shop.json()["id"],
            "to_warehouse": depot.json()["id"],
            "day": DAY,
            "lines": [{"article": world["laptop"], "quantity": "9"}],
        },
    )
    body = assert_error(too_much, 409, "STOCK_INSUFFICIENT")
    assert "«Laptop»: disponibil 3 buc, necesar 9 buc" in body["message"]

    counted = await api.post(
        "/api/stock/adjustments",
        json={
            "warehouse": shop.json()["id"],
            "day": DAY,
            "reason": "Inventar",
            "lines": [{"article": world["laptop"], "counted": "2"}],
        },
    )
    assert counted.status_code == 201, counted.text
    assert counted.json()["moves"][0]["value"] == "-250.00"

    card = await api.get(
        "/api/stock/card",
        params={
            "warehouse": shop.json()["id"],
            "article": world["laptop"],
            "date_from": "2026-03-01",
            "date_to": "2026-03-31",
        },
    )
    assert card.status_code == 200, card.text
    assert [m["kind"] for m in card.json()["moves"]] == ["reception", "transfer", "adjustment"]
    assert card.json()["closing"] == {"quantity": "2.000", "value": "500.00"}
    value = await api.get("/api/stock/valuation", params={"on": DAY})
    assert value.json()["value"] == "750.00"
    assert [w["code"] for w in value.json()["warehouses"]] == ["DEP", "MAG"]


async def test_viewers_read_but_do_not_write(login, world):
    viewer = await login("viewer")
    assert (await viewer.get("/api/stock/warehouses")).status_code == 200
    refused = await viewer.post("/api/stock/warehouses", json={"code": "A", "name": "A"})
    assert_error(refused, 403, "FORBIDDEN")


async def test_bad_input_is_4xx(login, world):
    api = await login("admin")
    assert (await api.get("/api/stock/receptions/999999")).status_code == 404
    assert (await api.get("/api/stock/card", params={"warehouse": 5})).status_code == 400
    missing = await api.get("/api/stock/card", params={"warehouse": 77, "article": 1})
    assert_error(missing, 404, "WAREHOUSE_NOT_FOUND")
    nan = await api.post(
        "/api/stock/adjustments",
        json={"warehouse": 1, "lines": [{"article": world["laptop"], "quantity": "NaN"}]},
    )
    assert nan.status_code in (400, 404, 422), nan.text
    assert (await api.get("/api/stock/receptions")).json() == {"items": [], "next": None}
