"""Who may call the API: anonymous calls, admin sessions (CSRF on unsafe methods, roles
checked in the domain), bearer tokens (scopes, revoked, expired, unknown), and the public
endpoints (/health, the OpenAPI schema).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import httpx
from piccolo.apps.user.tables import BaseUser

from domain.org.actors import token_create
from domain.org.permissions import SYSTEM
from domain.partners.ops import partner_create
from tables.catalog import Article
from tables.org import ApiToken
from tables.partners import Partner

Login = Callable[[str], Awaitable[httpx.AsyncClient]]

ALFA = {"name": "Alfa Construct SRL", "cui": "12345674"}
ARTICLE = {"code": "CIM-42", "name": "Ciment 40 kg"}
AUTH_REQUIRED_RO = (
    "Autentificați-vă în /admin/ sau trimiteți un token API (Authorization: Bearer ...)."
)
TOKEN_REFUSED_RO = "Token API necunoscut, revocat sau expirat."


def bearer(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


def assert_error(response: httpx.Response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code, body
    return body


# --------------------------------------------------------------------------- anonymous


async def test_calls_without_credentials_get_401_json(anon):
    for method, url in [
        ("GET", "/api/partners/"),
        ("GET", "/api/partners/1"),
        ("POST", "/api/partners/"),
        ("GET", "/api/articles/"),
        ("GET", "/api/vat-rate?category=S-STANDARD&on=2025-08-01"),
        ("GET", "/api/fx-rate?currency=EUR&invoice_date=2024-01-24"),
    ]:
        response = await anon.request(method, url, json=ALFA if method == "POST" else None)
        body = assert_error(response, 401, "AUTH_REQUIRED")
        assert body["message"] == AUTH_REQUIRED_RO, url
        assert body["message_en"].startswith("Sign in at /admin/"), url

    forged = await anon.get("/api/partners/", cookies={"id": "nu-e-o-sesiune"})
    assert assert_error(forged, 401, "AUTH_REQUIRED")["message"] == AUTH_REQUIRED_RO
    assert await Partner.count() == 0


async def test_health_and_openapi_need_no_credentials(anon):
    health = await anon.get("/health")
    assert health.status_code == 200
    assert health.json()["status"] == "ok"

    schema = await anon.get("/schema/openapi.json")
    assert schema.status_code == 200
    document = schema.json()
    assert document["info"]["title"] == "Catastif API"
    for path in (
        "/api/partners",
        "/api/partners/{partner_id}",
        "/api/partners/{partner_id}/roles",
        "/api/partners/from-anaf",
        "/api/articles",
        "/api/articles/{article_id}",
        "/api/vat-rate",
        "/api/fx-rate",
    ):
        assert path in document["paths"], path
    assert set(document["paths"]["/api/partners"]) == {"get", "post"}


# --------------------------------------------------------------------------- sessions


async def test_session_writes_need_the_csrf_header(login):
    client = await login("sales")
    csrf = client.headers.pop("X-CSRFToken")

    assert (await client.get("/api/partners/")).status_code == 200  # safe method: no CSRF
    for header in ({}, {"X-CSRFToken": "altceva"}, {"X-CSRFToken": "é".encode("latin-1")}):
        response = await client.post("/api/partners/", json=ALFA, headers=header)
        body = assert_error(response, 403, "FORBIDDEN")
        assert body["message"].startswith("Lipsește tokenul CSRF"), body
    assert await Partner.count() == 0

    response = await client.post("/api/partners/", json=ALFA, headers={"X-CSRFToken": csrf})
    assert response.status_code == 201, response.text


async def test_viewer_reads_partners_but_may_not_change_them(login):
    partner_id = await partner_create(values=ALFA, by=SYSTEM)
    client = await login("viewer")

    listed = await client.get("/api/partners/")
    assert listed.status_code == 200
    assert [p["id"] for p in listed.json()["items"]] == [partner_id]

    refused = await client.post("/api/partners/", json={"name": "Beta SRL", "cui": "34567892"})
    body = assert_error(refused, 403, "FORBIDDEN")
    assert body["message"].startswith("Rolul «vizualizare» nu are dreptul să")
    assert body["message"].endswith("partenerii.")
    assert body["details"] == {"area": "partners", "action": "write"}

    patch = await client.patch(f"/api/partners/{partner_id}", json={"name": "Altceva"})
    assert_error(patch, 403, "FORBIDDEN")
    role = await client.put(f"/api/partners/{partner_id}/roles", json={"role": "supplier"})
    assert_error(role, 403, "FORBIDDEN")

    after = (await client.get(f"/api/partners/{partner_id}")).json()
    assert after["name"] == "Alfa Construct SRL"
    assert after["roles"] == [{"role": "client", "account": "4111"}]
    assert await Partner.count() == 1


async def test_cashier_may_add_partners_but_not_articles(login):
    client = await login("cashier")
    refused = await client.post("/api/articles/", json=ARTICLE)
    body = assert_error(refused, 403, "FORBIDDEN")
    assert body["message"].startswith("Rolul «casier» nu are dreptul să")
    assert body["message"].endswith("articolele.")
    assert await Article.count() == 0

    assert (await client.get("/api/articles/")).status_code == 200  # reading is allowed
    partner = await client.post("/api/partners/", json=ALFA)
    assert partner.status_code == 201, partner.text


async def test_disabled_user_loses_api_access(login):
    client = await login("sales")
    assert (await client.get("/api/partners/")).status_code == 200
    await BaseUser.update({BaseUser.active: False}).where(BaseUser.username.like("sales-%"))
    assert_error(await client.get("/api/partners/"), 401, "AUTH_REQUIRED")


# --------------------------------------------------------------------------- tokens


async def test_token_scopes_decide_what_a_machine_may_do(anon):
    _, reader = await token_create(name="crm-citire", scopes=["partners:read"], by=SYSTEM)
    writer_id, writer = await token_create(name="crm-scriere", scopes=["partners:write"], by=SYSTEM)

    assert (await anon.get("/api/partners/", headers=bearer(reader))).status_code == 200
    refused = await anon.post("/api/partners/", json=ALFA, headers=bearer(reader))
    body = assert_error(refused, 403, "FORBIDDEN")
    assert body["message"].startswith("Tokenul «crm-citire» nu are dreptul să")
    assert_error(await anon.get("/api/articles/", headers=bearer(reader)), 403, "FORBIDDEN")
    assert await Partner.count() == 0

    # No session, so no CSRF: the bearer token is the credential.
    created = await anon.post("/api/partners/", json=ALFA, headers=bearer(writer))
    assert created.status_code == 201, created.text
    listed = await anon.get("/api/partners/", headers=bearer(writer))  # write implies read
    assert [p["id"] for p in listed.json()["items"]] == [created.json()["id"]]

    used = await ApiToken.select(ApiToken.last_used_at).where(ApiToken.id == writer_id).first()
    assert used["last_used_at"] is not None


async def test_revoked_expired_and_unknown_tokens_get_401(anon):
    revoked_id, revoked = await token_create(name="vechi", scopes=["partners:read"], by=SYSTEM)
    expired_id, expired = await token_create(name="expirat", scopes=["partners:read"], by=SYSTEM)
    for raw in (revoked, expired):  # both work before
        assert (await anon.get("/api/partners/", headers=bearer(raw))).status_code == 200

    now = datetime.now(UTC)
    await ApiToken.update({ApiToken.revoked_at: now}).where(ApiToken.id == revoked_id)
    await ApiToken.update({ApiToken.expires_at: now - timedelta(minutes=1)}).where(
        ApiToken.id == expired_id
    )
    for raw in (revoked, expired, revoked[:-1] + "x", "cst_necunoscut", "fara-prefix"):
        response = await anon.get("/api/partners/", headers=bearer(raw))
        body = assert_error(response, 401, "AUTH_REQUIRED")
        assert body["message"] == TOKEN_REFUSED_RO, raw

    # A token that expires later is still good.
    _, later = await token_create(name="valabil", scopes=["partners:read"], by=SYSTEM)
    await ApiToken.update({ApiToken.expires_at: now + timedelta(days=1)}).where(
        ApiToken.name == "valabil"
    )
    assert (await anon.get("/api/partners/", headers=bearer(later))).status_code == 200
