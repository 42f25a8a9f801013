"""/api/partners over HTTP: create (company, individual, EU company), validation errors with
their codes and Romanian messages, duplicates, nothing half-written, PATCH re-validation,
cumulative roles with accounts, keyset paging and search, bad input never answered with a
500, and the ANAF pre-fill endpoints against the local FakeAnaf server.
"""

from __future__ import annotations

import base64
import dataclasses
from collections.abc import AsyncIterator, Iterator
from datetime import date, datetime

import httpx
import pytest
from litestar import Litestar

from controllers.paging import encode_cursor
from domain.core.tx import engine, is_sqlite
from settings import Settings
from tables.partners import Partner, PartnerRole
from tests.conftest import Login, logins
from tests.peers.fake_anaf import FakeAnaf

ALFA = {"name": "Alfa Construct SRL", "cui": "RO12345674", "county": "Cluj", "city": "Cluj-Napoca"}


async def create(client: httpx.AsyncClient, body: dict) -> dict:
    response = await client.post("/api/partners/", json=body)
    assert response.status_code == 201, response.text
    return response.json()


async def all_partners(client: httpx.AsyncClient, **params: str) -> list[dict]:
    items: list[dict] = []
    after = None
    while True:
        query = {"limit": "200", **params, **({"after": after} if after else {})}
        response = await client.get("/api/partners/", params=query)
        assert response.status_code == 200, response.text
        page = response.json()
        items += page["items"]
        after = page["next"]
        if after is None:
            return items


async def stored_counts() -> tuple[int, int]:
    return await Partner.count(), await PartnerRole.count()


def assert_error(response: httpx.Response, status: int, code: str, field: str | None = None):
    assert response.status_code == status, response.text
    body = response.json()
    assert body["code"] == code, body
    if field is not None:
        assert body["field"] == field, body
    assert body["message"]
    assert body["message_en"]
    return body


# --------------------------------------------------------------------------- create


async def test_company_created_with_normalised_cui_and_address(login):
    client = await login("sales")
    body = await create(client, {**ALFA, "name": "  Alfa Construct SRL ", "cui": "ro 1234567 4"})

    assert body["kind"] == "company"
    assert body["name"] == "Alfa Construct SRL"
    assert body["cui"] == "12345674"  # RO prefix and spaces dropped
    assert body["cnp"] is None
    assert body["foreign_vat_id"] is None
    assert (body["country"], body["county"], body["sector"]) == ("RO", "RO-CJ", "")
    assert body["roles"] == [{"role": "client", "account": "4111"}]
    assert body["anaf_checked_at"] is None
    assert body["active"] is True

    fetched = await client.get(f"/api/partners/{body['id']}")
    assert fetched.status_code == 200
    assert fetched.json() == body


async def test_individual_created_with_cnp_in_a_bucharest_sector(login):
    client = await login("sales")
    body = await create(
        client,
        {
            "name": "Ion Popescu",
            "kind": "individual",
            "cnp": "1850715420011",
            "county": "București",
            "sector": "sectorul 3",
            "roles": ["client", "employee"],
        },
    )
    assert body["kind"] == "individual"
    assert body["cnp"] == "1850715420011"
    assert body["cui"] is None
    assert (body["county"], body["sector"]) == ("RO-B", "SECTOR3")
    assert body["roles"] == [
        {"role": "client", "account": "4111"},
        {"role": "employee", "account": "421"},
    ]


async def test_foreign_eu_company_created_with_its_vat_id(login):
    client = await login("accountant")
    body = await create(
        client,
        {
            "name": "Beispiel GmbH",
            "country": "Germania",
            "foreign_vat_id": "de 136 695 976",
            "city": "Berlin",
            "roles": ["supplier"],
        },
    )
    assert body["country"] == "DE"
    assert body["foreign_vat_id"] == "DE136695976"
    assert body["cui"] is None
    assert body["county"] == ""
    assert body["roles"] == [{"role": "supplier", "account": "401"}]

    # A wrong check digit in an EU VAT number is refused like a wrong CUI.
    bad = await client.post(
        "/api/partners/",
        json={"name": "Alt GmbH", "country": "DE", "foreign_vat_id": "DE136695977"},
    )
    body = assert_error(bad, 422, "VAT_ID_INVALID")
    assert "DE136695977" in body["message"]
    assert "cifra de control" in body["message"]


async def test_invalid_cui_refused_with_romanian_message(login):
    client = await login("sales")
    response = await client.post("/api/partners/", json={**ALFA, "cui": "12345675"})
    body = assert_error(response, 422, "CUI_INVALID", field="cui")
    assert body["message"] == (
        "CUI-ul «12345675» nu este valid: cifra de control greșită. Verificați cifrele."
    )
    assert body["details"] == {"reason": "checksum"}

    letters = await client.post("/api/partners/", json={**ALFA, "cui": "RO12A45674"})
    assert assert_error(letters, 422, "CUI_INVALID", field="cui")["details"] == {"reason": "format"}
    missing = await client.post("/api/partners/", json={"name": "Fără CUI SRL"})
    assert_error(missing, 422, "PARTNER_CUI_REQUIRED", field="cui")
    assert await stored_counts() == (0, 0)


async def test_invalid_cnp_refused_without_echoing_the_cnp(login):
    client = await login("sales")
    response = await client.post(
        "/api/partners/",
        json={"name": "Ion Popescu", "kind": "individual", "cnp": "1850715420012"},
    )
    body = assert_error(response, 422, "CNP_INVALID", field="cnp")
    assert "cifra de control" in body["message"]
    assert "1850715420012" not in body["message"] + body["message_en"]  # personal data

    company = await client.post("/api/partners/", json={**ALFA, "cnp": "1850715420011"})
    assert_error(company, 422, "PARTNER_CNP_ON_COMPANY", field="cnp")
    assert await stored_counts() == (0, 0)


BAD_ADDRESSES = [
    ({"county": "Atlantis"}, "COUNTY_INVALID", "county", "Județul «Atlantis» nu există."),
    (
        {"county": "RO-CJ", "sector": "3"},
        "SECTOR_OUTSIDE_BUCHAREST",
        "sector",
        "Sectorul se completează doar pentru adrese din București (RO-B).",
    ),
    ({"county": "B", "sector": "7"}, "SECTOR_INVALID", "sector", "Sectorul «7» nu există."),
    ({"country": "DE", "county": "CJ"}, "COUNTY_NOT_FOR_FOREIGN", "county", "Județul și"),
]


async def test_invalid_address_refused(login):
    client = await login("sales")
    for address, code, field, message in BAD_ADDRESSES:
        body = {**ALFA, **address}
        if "country" in address:
            body = {**body, "cui": None, "foreign_vat_id": "DE136695976"}
        response = await client.post("/api/partners/", json=body)
        error = assert_error(response, 422, code, field=field)
        assert error["message"].startswith(message), error
    assert await stored_counts() == (0, 0)


async def test_duplicate_cui_names_the_existing_partner(login):
    client = await login("sales")
    alfa = await create(client, ALFA)

    response = await client.post(
        "/api/partners/", json={"name": "Alfa Duplicat SRL", "cui": "12345674", "county": "CJ"}
    )
    body = assert_error(response, 409, "PARTNER_DUPLICATE", field="cui")
    assert "«Alfa Construct SRL»" in body["message"]
    assert f"nr. {alfa['id']}" in body["message"]
    assert body["details"] == {"partner_id": alfa["id"], "name": "Alfa Construct SRL"}

    ion = await create(client, {"name": "Ion", "kind": "individual", "cnp": "1850715420011"})
    again = await client.post(
        "/api/partners/", json={"name": "Ion P.", "kind": "individual", "cnp": "1850715420011"}
    )
    assert (
        assert_error(again, 409, "PARTNER_DUPLICATE", field="cnp")["details"]["partner_id"]
        == (ion["id"])
    )
    assert [p["id"] for p in await all_partners(client)] == [alfa["id"], ion["id"]]


async def test_refused_create_writes_nothing(login):
    client = await login("sales")
    alfa = await create(client, ALFA)
    before = await stored_counts()
    assert before == (1, 1)

    refused = [
        ({"name": "Beta SRL", "cui": "34567892", "roles": ["client", "pirat"]}, 422),
        ({"name": "Beta SRL", "cui": "34567892", "county": "Atlantis"}, 422),
        ({"name": "Beta SRL", "cui": "34567892", "email": "nu-e-email"}, 422),
        ({"name": "Beta SRL", "cui": "12345674", "roles": ["supplier"]}, 409),
        ({"name": "   ", "cui": "34567892"}, 422),
    ]
    for body, status in refused:
        response = await client.post("/api/partners/", json=body)
        assert response.status_code == status, (body, response.text)

    assert await stored_counts() == before
    partners = await all_partners(client)
    assert [p["id"] for p in partners] == [alfa["id"]]
    assert partners[0]["roles"] == [{"role": "client", "account": "4111"}]
    # The refused CUI is still free: the transaction left nothing behind.
    await create(client, {"name": "Beta SRL", "cui": "34567892"})


async def test_unknown_field_in_body_is_a_bad_request(login):
    client = await login("sales")
    response = await client.post(
        "/api/partners/", json={**ALFA, "iban": "RO49AAAA1B31007593840000"}
    )
    body = assert_error(response, 400, "REQUEST_INVALID")
    assert body["message"] == "Datele trimise nu au forma așteptată. Vedeți «details»."
    assert "iban" in body["details"]["errors"][0]["message"]

    malformed = await client.post(
        "/api/partners/", content=b"{nu e json", headers={"content-type": "application/json"}
    )
    body = assert_error(malformed, 400, "REQUEST_INVALID")
    assert body["message"] == "Cererea nu este validă."  # Romanian, the detail in English
    assert "JSON" in body["message_en"]
    assert await stored_counts() == (0, 0)


UNSTORABLE = {
    "long name": {**ALFA, "name": "X" * 201},  # longer than the column
    "long city": {**ALFA, "city": "C" * 101},
    "long phone": {**ALFA, "phone": "0" * 41},
    "NUL": {**ALFA, "name": "Alfa\x00SRL"},  # PostgreSQL cannot store NUL
    "kind": {**ALFA, "kind": "robot"},
    "long VAT id": {"name": "Acme Inc", "country": "US", "foreign_vat_id": "1" * 21},
    "int CUI": {**ALFA, "cui": 12345674},  # a number, not a string
}


async def test_input_the_database_cannot_hold_is_a_bad_request(login):
    """Refused by the API shape (400), not left to fail in the database (a 500 on
    PostgreSQL, silently stored on SQLite)."""
    client = await login("sales")
    for case, body in UNSTORABLE.items():
        response = await client.post("/api/partners/", json=body)
        assert response.status_code == 400, (case, response.text)
        assert response.json()["code"] == "REQUEST_INVALID", case
    assert await stored_counts() == (0, 0)
    alfa = await create(client, ALFA)
    for changes in (
        {"name": "X" * 201},
        {"street": "S" * 201},
        {"notes": "a\x00b"},
        {"kind": "robot"},
        {"foreign_vat_id": "1" * 21},
    ):
        response = await client.patch(f"/api/partners/{alfa['id']}", json=changes)
        assert response.status_code == 400, (changes, response.text)
    assert (await client.get(f"/api/partners/{alfa['id']}")).json() == alfa


# --------------------------------------------------------------------------- read, change


async def test_get_unknown_partner_is_404(login):
    client = await login("viewer")
    response = await client.get("/api/partners/4242")
    body = assert_error(response, 404, "PARTNER_NOT_FOUND")
    assert body["message"] == "Partenerul nr. 4242 nu există."

    # Ids past the column's range are refused, not sent to the database.
    for path in ("/api/partners/99999999999", "/api/partners/0"):
        assert_error(await client.get(path), 400, "REQUEST_INVALID")
    # Litestar's own refusals speak Romanian too.
    nowhere = assert_error(await client.get("/api/parteneri/"), 404, "NOT_FOUND")
    assert nowhere["message"] == "Resursa cerută nu există."
    delete = assert_error(await client.delete("/api/partners/1"), 405, "METHOD_NOT_ALLOWED")
    assert delete["message"] == "Metoda HTTP nu este permisă aici."


async def test_patch_changes_only_the_fields_sent(login):
    client = await login("sales")
    alfa = await create(client, {**ALFA, "phone": "0264 000 000", "email": "office@alfa.ro"})

    response = await client.patch(f"/api/partners/{alfa['id']}", json={"phone": " 0722 111 222 "})
    assert response.status_code == 200, response.text
    changed = response.json()
    assert changed["phone"] == "0722 111 222"
    assert {k: v for k, v in changed.items() if k != "phone"} == {
        k: v for k, v in alfa.items() if k != "phone"
    }
    assert (await client.get(f"/api/partners/{alfa['id']}")).json() == changed

    moved = await client.patch(
        f"/api/partners/{alfa['id']}", json={"county": "bucuresti", "sector": "2"}
    )
    assert moved.status_code == 200, moved.text
    assert (moved.json()["county"], moved.json()["sector"]) == ("RO-B", "SECTOR2")


async def test_patch_revalidates_the_whole_record(login):
    client = await login("sales")
    alfa = await create(client, ALFA)
    beta = await create(client, {"name": "Beta SRL", "cui": "34567892"})
    url = f"/api/partners/{alfa['id']}"

    # A sector alone is fine as a field; with the stored county (Cluj) it is not.
    assert_error(
        await client.patch(url, json={"sector": "3"}), 422, "SECTOR_OUTSIDE_BUCHAREST", "sector"
    )
    assert_error(await client.patch(url, json={"cui": "12345675"}), 422, "CUI_INVALID", "cui")
    assert_error(
        await client.patch(url, json={"kind": "individual"}),
        422,
        "PARTNER_CUI_ON_INDIVIDUAL",
        "cui",
    )
    clash = await client.patch(url, json={"cui": "RO34567892"})
    body = assert_error(clash, 409, "PARTNER_DUPLICATE", "cui")
    assert body["details"]["partner_id"] == beta["id"]
    assert_error(await client.patch(url, json={"name": ""}), 422, "PARTNER_NAME_REQUIRED", "name")
    assert_error(await client.patch(url, json={"vat": True}), 400, "REQUEST_INVALID")

    assert (await client.get(url)).json() == alfa  # every refusal left it as it was
    missing = await client.patch("/api/partners/4242", json={"phone": "1"})
    assert_error(missing, 404, "PARTNER_NOT_FOUND")


async def test_roles_are_cumulative_with_default_and_analytic_accounts(login):
    client = await login("accountant")
    alfa = await create(client, ALFA)
    url = f"/api/partners/{alfa['id']}/roles"

    response = await client.put(url, json={"role": "supplier"})
    assert response.status_code == 200, response.text
    assert response.json()["roles"] == [
        {"role": "client", "account": "4111"},
        {"role": "supplier", "account": "401"},
    ]

    response = await client.put(url, json={"role": "client", "account": "4111.01"})
    assert response.status_code == 200, response.text
    assert response.json()["roles"] == [
        {"role": "client", "account": "4111.01"},
        {"role": "supplier", "account": "401"},
    ]
    assert await PartnerRole.count() == 2  # changed in place, not added twice

    body = assert_error(
        await client.put(url, json={"role": "client", "account": "41x1"}),
        422,
        "ACCOUNT_INVALID",
        "account",
    )
    assert "«41x1»" in body["message"]
    assert "4111.01" in body["message"]
    assert_error(
        await client.put(url, json={"role": "acționar"}), 422, "PARTNER_ROLE_INVALID", "roles"
    )
    assert_error(
        await client.put("/api/partners/4242/roles", json={"role": "supplier"}),
        404,
        "PARTNER_NOT_FOUND",
    )
    roles = (await client.get(f"/api/partners/{alfa['id']}")).json()["roles"]
    assert roles == [
        {"role": "client", "account": "4111.01"},
        {"role": "supplier", "account": "401"},
    ]


# --------------------------------------------------------------------------- list


async def test_keyset_paging_returns_every_partner_once_in_name_order(login):
    client = await login("sales")
    # Created in reverse name order (ids do not follow names); pairs share a name, and the
    # 10th and 11th rows ("Firma 05" twice) straddle the first page break, so the id part
    # of the cursor decides where page two starts.
    names = [f"Firma {(i + 1) // 2:02d}" for i in range(25)]
    created = [
        await create(client, {"name": name, "kind": "individual"}) for name in reversed(names)
    ]
    expected = [p["id"] for p in sorted(created, key=lambda p: (p["name"], p["id"]))]

    pages: list[list[dict]] = []
    after = None
    while True:
        params = {"limit": "10", **({"after": after} if after else {})}
        response = await client.get("/api/partners/", params=params)
        assert response.status_code == 200, response.text
        page = response.json()
        pages.append(page["items"])
        after = page["next"]
        if after is None:
            break

    assert [len(p) for p in pages] == [10, 10, 5]
    assert pages[0][-1]["name"] == pages[1][0]["name"] == "Firma 05"
    seen = [p["id"] for page in pages for p in page]
    assert seen == expected
    assert len(set(seen)) == 25


async def test_exactly_full_last_page_has_no_next(login):
    client = await login("sales")
    for i in range(4):
        await create(client, {"name": f"P{i}", "kind": "individual"})
    first = (await client.get("/api/partners/", params={"limit": "2"})).json()
    second = (
        await client.get("/api/partners/", params={"limit": "2", "after": first["next"]})
    ).json()
    assert [p["name"] for p in first["items"] + second["items"]] == ["P0", "P1", "P2", "P3"]
    assert second["next"] is None


async def test_search_by_partial_name_and_by_cui_with_or_without_ro(login):
    client = await login("sales")
    alfa = await create(client, ALFA)
    beta = await create(client, {"name": "Beta Distributie SRL", "cui": "34567892"})
    alfarom = await create(client, {"name": "ALFAROM SA", "cui": "22334451"})
    ion = await create(
        client, {"name": "Ion Popescu", "kind": "individual", "cnp": "1850715420011"}
    )

    async def ids(q: str) -> list[int]:
        return [p["id"] for p in await all_partners(client, q=q)]

    assert sorted(await ids("alfa")) == sorted([alfarom["id"], alfa["id"]])
    assert await ids("CONSTRUCT") == [alfa["id"]]
    assert await ids("distrib") == [beta["id"]]
    assert await ids("34567892") == [beta["id"]]
    assert await ids("RO34567892") == [beta["id"]]
    assert await ids("ro 3456 7892") == [beta["id"]]
    assert await ids("1850715420011") == [ion["id"]]
    assert await ids("nimeni") == []
    assert len(await ids("")) == 4


async def test_bad_cursor_and_limit_are_refused(login):
    client = await login("viewer")
    for after in (
        "nu-e-cursor!!",
        encode_cursor("Firma"),  # one value, two expected
        encode_cursor(7, "Firma"),  # types swapped
        encode_cursor({"name": "x"}, 1),
        encode_cursor("Firma", 1.5),
        encode_cursor("Firma", 2**40),  # past the id column's range
        base64.urlsafe_b64encode(b"[" * 5000).decode(),  # nested too deep for json
    ):
        response = await client.get("/api/partners/", params={"after": after})
        body = assert_error(response, 422, "CURSOR_INVALID", field="after")
        assert body["message"] == "Parametrul «after» nu este un cursor primit de la această listă."

    for limit in ("0", "500", "-1"):
        response = await client.get("/api/partners/", params={"limit": limit})
        body = assert_error(response, 422, "LIMIT_INVALID", field="limit")
        assert body["message"] == "«limit» trebuie să fie între 1 și 200."
    assert_error(
        await client.get("/api/partners/", params={"limit": "zece"}), 400, "REQUEST_INVALID"
    )
    assert (await client.get("/api/partners/", params={"limit": "200"})).status_code == 200


# --------------------------------------------------------------------------- ANAF


@pytest.fixture(scope="module")
def fake_anaf() -> Iterator[FakeAnaf]:
    with FakeAnaf() as fake:
        yield fake


@pytest.fixture(scope="module")
async def anaf_app(app: Litestar, settings: Settings, fake_anaf: FakeAnaf):
    """A second app whose settings point at the fake ANAF (Settings is frozen).

    It shares the session's Redis (REDIS_URL or the embedded server, already running) and
    does not start a second worker.
    """
    from app import app_services, create_app

    anaf_settings = dataclasses.replace(
        settings, anaf_vat_url=fake_anaf.url, run_worker_in_process=False
    )
    application = create_app(anaf_settings)
    async with app_services(application.state, anaf_settings):
        yield application
    if not is_sqlite():
        # app_services closes the PostgreSQL pool on exit; it is the session's pool.
        await engine().start_connection_pool()


@pytest.fixture
async def anaf_login(anaf_app: Litestar, fake_anaf: FakeAnaf) -> AsyncIterator[Login]:
    fake_anaf.mode = "normal"
    async with logins(anaf_app) as login_:
        yield login_
    fake_anaf.mode = "normal"
    fake_anaf.requests.clear()


async def test_anaf_lookup_prefills_without_saving(anaf_login, fake_anaf):
    client = await anaf_login("viewer")  # reading is enough
    fake_anaf.requests.clear()
    response = await client.get("/api/partners/anaf/RO4264242")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["cui"] == "4264242"
    assert body["name"] == "CUMPANA 1993 SRL"
    assert (body["county"], body["sector"]) == ("RO-B", "SECTOR3")
    assert body["reg_com"] == "J40/16655/1993"
    assert body["postal_code"] == "031472"
    assert body["vat_payer"] is True
    assert body["e_invoice_registered"] is True
    assert body["inactive"] is False
    assert body["deregistered"] is False
    assert fake_anaf.requests == [[{"cui": 4264242, "data": date.today().isoformat()}]]
    assert await Partner.count() == 0


async def test_partner_from_anaf_is_created_then_refreshed(anaf_login, fake_anaf):
    client = await anaf_login("sales")
    response = await client.post(
        "/api/partners/from-anaf", json={"cui": "RO4264242", "roles": ["client", "supplier"]}
    )
    assert response.status_code == 201, response.text
    first = response.json()
    assert first["name"] == "CUMPANA 1993 SRL"
    assert first["cui"] == "4264242"
    assert (first["county"], first["sector"]) == ("RO-B", "SECTOR3")
    assert first["reg_com"] == "J40/16655/1993"
    assert first["vat_payer"] is True
    assert first["roles"] == [
        {"role": "client", "account": "4111"},
        {"role": "supplier", "account": "401"},
    ]
    assert first["anaf_checked_at"] is not None

    # Someone edits the partner; asking ANAF again refreshes the same record.
    edited = await client.patch(f"/api/partners/{first['id']}", json={"name": "Cumpăna"})
    assert edited.json()["name"] == "Cumpăna"
    response = await client.post("/api/partners/from-anaf", json={"cui": "4264242"})
    assert response.status_code == 201, response.text
    second = response.json()
    assert second["id"] == first["id"]
    assert second["name"] == "CUMPANA 1993 SRL"
    assert second["roles"] == first["roles"]
    assert datetime.fromisoformat(second["anaf_checked_at"]) >= datetime.fromisoformat(
        first["anaf_checked_at"]
    )
    assert await Partner.count() == 1
    assert len(fake_anaf.requests) == 2


async def test_cui_unknown_to_anaf_is_404(anaf_login, fake_anaf):
    client = await anaf_login("sales")
    lookup = await client.get("/api/partners/anaf/12345674")
    body = assert_error(lookup, 404, "ANAF_CUI_NOT_FOUND", field="cui")
    assert body["message"] == "ANAF nu are niciun contribuabil cu CUI 12345674. Verificați codul."
    create_ = await client.post("/api/partners/from-anaf", json={"cui": "12345674"})
    assert_error(create_, 404, "ANAF_CUI_NOT_FOUND")
    assert await Partner.count() == 0


async def test_anaf_down_is_503_and_saves_nothing(anaf_login, fake_anaf):
    client = await anaf_login("sales")
    fake_anaf.mode = "http500"
    fake_anaf.requests.clear()
    lookup = await client.get("/api/partners/anaf/4264242")
    body = assert_error(lookup, 503, "ANAF_UNAVAILABLE")
    assert body["message"].startswith("Serviciul ANAF nu răspunde acum (HTTP 500)")
    assert body["details"]["http_status"] == 500
    create_ = await client.post("/api/partners/from-anaf", json={"cui": "4264242"})
    assert_error(create_, 503, "ANAF_UNAVAILABLE")
    assert len(fake_anaf.requests) == 2  # it was asked, and failed
    assert await Partner.count() == 0


async def test_invalid_cui_or_missing_right_never_reaches_anaf(anaf_login, fake_anaf):
    sales = await anaf_login("sales")
    viewer = await anaf_login("viewer")
    fake_anaf.requests.clear()

    assert_error(await sales.get("/api/partners/anaf/4264243"), 422, "CUI_INVALID", "cui")
    assert_error(
        await sales.post("/api/partners/from-anaf", json={"cui": "RO4264243"}),
        422,
        "CUI_INVALID",
        "cui",
    )
    # A viewer may look up, but not create: refused before the slow call is made.
    assert_error(
        await viewer.post("/api/partners/from-anaf", json={"cui": "4264242"}), 403, "FORBIDDEN"
    )
    assert fake_anaf.requests == []
    assert await Partner.count() == 0
