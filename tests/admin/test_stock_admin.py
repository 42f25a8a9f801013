"""«Stocuri» in the admin: warehouses through the domain's checks, a NIR typed and
issued from the forms, a transfer and an inventory, moves read-only."""

from __future__ import annotations

import httpx

from domain.ledger.chart import chart_setup
from tables.stock import StockMove, StockReception
from tests.factories import make_article, make_client, make_company

API = "/admin/api"


async def post_form(client: httpx.AsyncClient, name: str, body: dict) -> httpx.Response:
    forms = (await client.get(f"{API}/forms/")).json()
    (slug,) = [f["slug"] for f in forms if f["name"] == name]
    return await client.post(f"{API}/forms/{slug}/", json=body)


async def test_nir_transfer_and_inventory_from_the_forms(login):
    company = await make_company()
    await chart_setup(company)
    await make_client(name="Furnizor SRL", cui="18547290", roles=["supplier"])
    await make_article("LAP", name="Laptop")
    admin = await login("accountant")
    for code, default in (("MAG", True), ("DEP", False)):
        added = await admin.post(
            f"{API}/tables/gestiune/",
            json={
                "company": company,
                "work_point": None,
                "code": code.lower(),
                "name": code,
                "is_default": default,
                "active": True,
            },
        )
        assert added.status_code == 201, added.text
    twin = await admin.post(
        f"{API}/tables/gestiune/",
        json={
            "company": company,
            "work_point": None,
            "code": "X",
            "name": "X",
            "is_default": True,
            "active": True,
        },
    )
    assert twin.status_code == 422
    assert "WAREHOUSE_DEFAULT_TAKEN" in twin.text

    draft = await post_form(
        admin,
        "NIR nou",
        {
            "warehouse": "mag",
            "supplier": "RO18547290",
            "supplier_doc_number": "F-1",
            "supplier_doc_date": "2026-03-10",
            "day": "2026-03-10",
            "currency": "RON",
            "fx_rate": "",
            "lines": "LAP 5 100,00\n\nlap 5 120 21",
        },
    )
    assert draft.status_code == 200, draft.text
    (nir,) = await StockReception.select(StockReception.id)
    issued = await post_form(admin, "Emite NIR", {"reception_id": nir["id"]})
    assert issued.status_code == 200, issued.text
    assert "NIR-ul nr. 1" in issued.json()["custom_form_success"]
    bad = await post_form(
        admin,
        "NIR nou",
        {
            "warehouse": "MAG",
            "supplier": "18547290",
            "supplier_doc_number": "F-2",
            "supplier_doc_date": "2026-03-10",
            "lines": "NUEXISTA 1 1",
        },
    )
    assert bad.status_code == 422
    assert "NUEXISTA" in bad.text

    moved = await post_form(
        admin,
        "Transfer între gestiuni",
        {"from_warehouse": "MAG", "to_warehouse": "DEP", "day": "2026-03-10", "lines": "LAP 2"},
    )
    assert moved.status_code == 200, moved.text
    counted = await post_form(
        admin, "Ajustare inventar", {"warehouse": "MAG", "day": "2026-03-10", "lines": "LAP 7"}
    )
    assert counted.status_code == 200, counted.text
    assert await StockMove.count() == 5  # 2 in, transfer out and in, 1 short

    (move,) = await StockMove.select(StockMove.id).limit(1)
    edit = await admin.patch(f"{API}/tables/miscare_stoc/{move['id']}/", json={"quantity": 1})
    assert edit.status_code == 422
    assert "ADMIN_READ_ONLY" in edit.text
