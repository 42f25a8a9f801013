"""/api/articles over HTTP: create with unit and VAT category codes, unknown codes, duplicate
code or barcode, EAN check digit, list/search/keyset paging, PATCH, and input the database
cannot hold answered with 400 rather than a 500.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx

from controllers.paging import encode_cursor
from tables.catalog import Article

Login = Callable[[str], Awaitable[httpx.AsyncClient]]

CEMENT = {
    "code": "CIM-42",
    "name": "Ciment Portland 40 kg",
    "uom": "KGM",
    "vat_category": "S-REDUSA",
    "barcode": "4006381333931",
    "nc_code": "2523290000",
    "warranty_months": 0,
}


async def create(client: httpx.AsyncClient, body: dict) -> dict:
    response = await client.post("/api/articles/", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def assert_error(response: httpx.Response, status: int, code: str, field: str | None = None):
    assert response.status_code == status, response.text
    body = response.json()
    assert body["code"] == code, body
    if field is not None:
        assert body["field"] == field, body
    assert body["message"]
    return body


async def test_article_created_with_unit_and_vat_category_codes(login):
    client = await login("accountant")
    body = await create(client, {**CEMENT, "name": " Ciment Portland 40 kg "})
    assert body == {
        "id": body["id"],
        "code": "CIM-42",
        "name": "Ciment Portland 40 kg",
        "kind": "goods",
        "uom": "KGM",
        "vat_category": "S-REDUSA",
        "barcode": "4006381333931",
        "warranty_months": 0,
        "nc_code": "2523290000",
        "description": "",
        "active": True,
    }
    assert (await client.get(f"/api/articles/{body['id']}")).json() == body

    service = await create(client, {"code": "MANOP", "name": "Manoperă", "kind": "service"})
    assert (service["uom"], service["vat_category"]) == ("H87", "S-STANDARD")  # defaults
    assert service["barcode"] is None


async def test_unknown_unit_or_vat_category_refused(login):
    client = await login("accountant")
    uom = await client.post("/api/articles/", json={**CEMENT, "uom": "SAC"})
    body = assert_error(uom, 422, "UOM_INVALID", field="uom")
    assert body["message"] == "Unitatea de măsură «SAC» nu există."

    vat = await client.post("/api/articles/", json={**CEMENT, "vat_category": "S-LUX"})
    body = assert_error(vat, 422, "VAT_CATEGORY_INVALID", field="vat_category")
    assert body["message"] == "Categoria de TVA «S-LUX» nu există."

    kind = await client.post("/api/articles/", json={**CEMENT, "kind": "magie"})
    assert_error(kind, 422, "ARTICLE_KIND_INVALID", field="kind")
    assert await Article.count() == 0


async def test_duplicate_code_or_barcode_is_a_conflict(login):
    client = await login("accountant")
    cement = await create(client, CEMENT)

    same_code = await client.post("/api/articles/", json={"code": " CIM-42 ", "name": "Alt ciment"})
    body = assert_error(same_code, 409, "ARTICLE_DUPLICATE", field="code")
    assert "«Ciment Portland 40 kg»" in body["message"]
    assert body["details"] == {"article_id": cement["id"]}

    same_barcode = await client.post(
        "/api/articles/", json={"code": "CIM-50", "name": "Ciment 50", "barcode": "4006381333931"}
    )
    assert_error(same_barcode, 409, "ARTICLE_DUPLICATE", field="barcode")
    assert await Article.count() == 1


async def test_barcode_with_a_wrong_check_digit_is_refused(login):
    client = await login("accountant")
    response = await client.post("/api/articles/", json={**CEMENT, "barcode": "4006381333932"})
    body = assert_error(response, 422, "BARCODE_INVALID", field="barcode")
    assert body["message"] == (
        "Codul de bare «4006381333932» are cifra de control greșită (EAN/GTIN)."
    )
    nc = await client.post("/api/articles/", json={**CEMENT, "nc_code": "25232"})
    assert_error(nc, 422, "NC_CODE_INVALID", field="nc_code")
    warranty = await client.post("/api/articles/", json={**CEMENT, "warranty_months": -1})
    assert_error(warranty, 422, "WARRANTY_NEGATIVE", field="warranty_months")
    # An internal (non-EAN) barcode is kept as typed.
    assert (await create(client, {**CEMENT, "barcode": "INT-0001"}))["barcode"] == "INT-0001"


async def test_list_search_and_keyset_paging(login):
    client = await login("accountant")
    names = ["Cărămidă", "Adeziv", "Bolțar", "Adeziv", "Mortar"]
    made = [
        await create(client, {"code": f"A{i}", "name": name, "barcode": f"INT-{i}"})
        for i, name in enumerate(names)
    ]
    expected = [a["id"] for a in sorted(made, key=lambda a: (a["name"], a["id"]))]

    seen: list[int] = []
    sizes: list[int] = []
    after = None
    while True:
        params = {"limit": "2", **({"after": after} if after else {})}
        page = (await client.get("/api/articles/", params=params)).json()
        seen += [a["id"] for a in page["items"]]
        sizes.append(len(page["items"]))
        after = page["next"]
        if after is None:
            break
    assert sizes == [2, 2, 1]
    assert seen == expected

    async def found(q: str) -> list[str]:
        response = await client.get("/api/articles/", params={"q": q})
        assert response.status_code == 200, response.text
        return sorted(a["code"] for a in response.json()["items"])

    assert await found("adeziv") == ["A1", "A3"]  # partial name, any case
    assert await found("MORT") == ["A4"]
    assert await found("A2") == ["A2"]  # exact code
    assert await found("INT-0") == ["A0"]  # exact barcode
    assert await found("nimic") == []

    bad = await client.get("/api/articles/", params={"after": encode_cursor("Adeziv", "1")})
    assert_error(bad, 422, "CURSOR_INVALID", field="after")
    assert_error(await client.get("/api/articles/", params={"limit": "201"}), 422, "LIMIT_INVALID")


async def test_patch_changes_only_what_is_sent_and_revalidates(login):
    client = await login("accountant")
    cement = await create(client, CEMENT)
    brick = await create(client, {"code": "CAR-1", "name": "Cărămidă", "uom": "H87"})
    url = f"/api/articles/{cement['id']}"

    response = await client.patch(
        url, json={"name": "Ciment CEM II 40 kg", "vat_category": "S-STANDARD"}
    )
    assert response.status_code == 200, response.text
    changed = response.json()
    assert changed == {**cement, "name": "Ciment CEM II 40 kg", "vat_category": "S-STANDARD"}

    assert_error(await client.patch(url, json={"uom": "SAC"}), 422, "UOM_INVALID", "uom")
    clash = await client.patch(url, json={"code": "CAR-1"})
    assert assert_error(clash, 409, "ARTICLE_DUPLICATE", "code")["details"] == {
        "article_id": brick["id"]
    }
    assert_error(await client.patch(url, json={"code": ""}), 422, "ARTICLE_CODE_REQUIRED")
    assert_error(await client.patch(url, json={"price": 10}), 400, "REQUEST_INVALID")
    assert (await client.get(url)).json() == changed  # the refusals changed nothing

    cleared = await client.patch(url, json={"barcode": None, "active": False})
    assert cleared.status_code == 200, cleared.text
    assert cleared.json()["barcode"] is None
    assert cleared.json()["active"] is False

    missing = await client.patch("/api/articles/4242", json={"name": "x"})
    assert assert_error(missing, 404, "ARTICLE_NOT_FOUND")["message"] == (
        "Articolul nr. 4242 nu există."
    )
    assert_error(await client.get("/api/articles/4242"), 404, "ARTICLE_NOT_FOUND")


UNSTORABLE = {
    "long code": {**CEMENT, "code": "C" * 41},
    "long name": {**CEMENT, "name": "N" * 201},
    "long barcode": {**CEMENT, "barcode": "1" * 21},
    "huge warranty": {**CEMENT, "warranty_months": 2**31},
    "NUL": {**CEMENT, "description": "cu\x00nul"},
    "int uom": {**CEMENT, "uom": 7},
}


async def test_input_the_database_cannot_hold_is_a_bad_request(login):
    """Refused by the API shape (400), not left to fail in the database (a 500 on
    PostgreSQL, silently stored on SQLite)."""
    client = await login("accountant")
    for case, body in UNSTORABLE.items():
        response = await client.post("/api/articles/", json=body)
        error = assert_error(response, 400, "REQUEST_INVALID")
        assert error["message"] == "Datele trimise nu au forma așteptată. Vedeți «details».", case
    assert await Article.count() == 0
    for path in ("/api/articles/3000000000", "/api/articles/0"):
        assert_error(await client.get(path), 400, "REQUEST_INVALID")
