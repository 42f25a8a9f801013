"""The admin's JSON API (/admin/api/...), as the piccolo-admin SPA calls it.

Roles are enforced there too (a viewer reads but cannot write, sales cannot see users),
in Romanian; Add and Edit of a partner go through the domain's checks and
normalisation; refusals come back as 422 {"custom_form_error", "code"}, which the SPA
shows in the form; the API token table is filled only by its form, whose token works
as a Bearer token on /api/.
"""

from __future__ import annotations

import re
from typing import Any

import httpx

from domain.org.actors import hash_token
from domain.org.permissions import SYSTEM
from domain.partners.ops import partner_create
from tables.org import ApiToken, Company, WorkPoint
from tables.partners import Partner

API = "/admin/api"


def assert_refused(text: str, role: str, area: str) -> None:
    """A role refusal in Romanian, with its stable code (the wording may change)."""
    assert text.startswith(f"Rolul {role} nu are dreptul să "), text
    assert area in text, text
    assert text.endswith("(cod FORBIDDEN)"), text


async def _new_row(client: httpx.AsyncClient, table: str, **values: Any) -> dict[str, Any]:
    """What the SPA posts on «Add»: every column, pre-filled from /new/, then typed over."""
    response = await client.get(f"{API}/tables/{table}/new/")
    assert response.status_code == 200, response.text
    defaults = {k: v for k, v in response.json().items() if k != "id"}
    return defaults | values


async def _alfa() -> int:
    return await partner_create(
        values={"name": "Alfa SRL", "cui": "12345674", "county": "RO-B", "sector": "1"},
        by=SYSTEM,
    )


async def test_viewer_reads_partners_but_cannot_write(login):
    alfa = await _alfa()
    viewer = await login("viewer")

    rows = await viewer.get(f"{API}/tables/partener/")
    assert rows.status_code == 200, rows.text
    assert [(r["id"], r["name"]) for r in rows.json()["rows"]] == [(alfa, "Alfa SRL")]

    add = await viewer.post(
        f"{API}/tables/partener/",
        json=await _new_row(viewer, "partener", name="Beta SRL", cui="34567892"),
    )
    edit = await viewer.patch(f"{API}/tables/partener/{alfa}/", json={"city": "Cluj"})
    delete = await viewer.delete(f"{API}/tables/partener/{alfa}/")
    for response in (add, edit, delete):
        assert response.status_code == 403, response.text
        assert_refused(response.text, "«vizualizare»", "partenerii")

    assert await Partner.select(Partner.name, Partner.city).output(as_list=False) == [
        {"name": "Alfa SRL", "city": ""}
    ]


async def test_sales_adds_a_partner_normalised(login):
    sales = await login("sales")
    body = await _new_row(
        sales, "partener", name="  Beta SRL ", cui="RO34567892", county="cluj", city="Dej"
    )
    response = await sales.post(f"{API}/tables/partener/", json=body)
    assert response.status_code == 201, response.text
    (created,) = response.json()
    row = await Partner.select().where(Partner.id == created["id"]).first()
    assert (row["name"], row["cui"], row["county"], row["kind"]) == (
        "Beta SRL",
        "34567892",
        "RO-CJ",
        "company",
    )


async def test_invalid_cui_is_refused_in_the_form(login):
    sales = await login("sales")
    body = await _new_row(sales, "partener", name="Gama SRL", cui="12345675")
    response = await sales.post(f"{API}/tables/partener/", json=body)
    assert response.status_code == 422
    assert response.json() == {
        "custom_form_error": "CUI-ul «12345675» nu este valid: cifra de control greșită. "
        "Verificați cifrele. (cod CUI_INVALID)",
        "code": "CUI_INVALID",
    }
    assert await Partner.count() == 0


async def test_duplicate_cui_names_the_existing_partner(login):
    alfa = await _alfa()
    sales = await login("sales")
    body = await _new_row(sales, "partener", name="Alfa Bis SRL", cui="RO12345674")
    response = await sales.post(f"{API}/tables/partener/", json=body)
    assert response.status_code == 422, response.text
    error = response.json()
    assert error["code"] == "PARTNER_DUPLICATE"
    assert error["custom_form_error"].startswith(
        f"Există deja partenerul «Alfa SRL» cu CUI 12345674 (nr. {alfa})."
    )
    assert error["custom_form_error"].endswith("(cod PARTNER_DUPLICATE)")
    assert await Partner.count() == 1


async def test_edit_is_validated_and_normalised(login):
    alfa = await _alfa()
    sales = await login("sales")
    url = f"{API}/tables/partener/{alfa}/"

    bad = await sales.patch(url, json={"county": "Narnia", "sector": ""})
    assert bad.status_code == 422, bad.text
    assert bad.json()["code"] == "COUNTY_INVALID"
    assert "Narnia" in bad.json()["custom_form_error"]

    good = await sales.patch(url, json={"county": "Cluj", "sector": "", "city": "Cluj-Napoca"})
    assert good.status_code == 200, good.text
    row = await Partner.select(Partner.county, Partner.sector, Partner.city).first()
    assert row == {"county": "RO-CJ", "sector": "", "city": "Cluj-Napoca"}

    # A change that would make the record invalid as a whole is refused too.
    individual = await sales.patch(url, json={"kind": "individual"})
    assert individual.status_code == 422
    assert individual.json()["code"] == "PARTNER_CUI_ON_INDIVIDUAL"
    assert (await Partner.select(Partner.kind).first())["kind"] == "company"


async def test_partner_schema_speaks_romanian(login):
    viewer = await login("viewer")
    response = await viewer.get(f"{API}/tables/partener/schema/")
    assert response.status_code == 200
    props = response.json()["properties"]
    assert props["cui"]["title"] == "CUI"
    assert props["vat_payer"]["title"] == "Plătitor de TVA"
    assert props["county"]["title"] == "Județ"
    choices = props["kind"]["extra"]["choices"]
    assert {c["value"]: c["display_name"] for c in choices.values()} == {
        "company": "Firmă",
        "individual": "Persoană fizică",
    }


async def test_token_table_refuses_add(login):
    admin = await login("admin")
    body = await _new_row(
        admin,
        "token_api",
        name="Manual",
        prefix="cst_manual",
        token_hash="0" * 64,
        scopes="partners:read",
    )
    response = await admin.post(f"{API}/tables/token_api/", json=body)
    assert response.status_code == 422, response.text
    assert response.json() == {
        "custom_form_error": "Tokenurile se creează din formularul «Token API nou». "
        "(cod ADMIN_ADD_REFUSED)",
        "code": "ADMIN_ADD_REFUSED",
    }
    assert await ApiToken.count() == 0


async def _token_form_slug(client: httpx.AsyncClient) -> str:
    forms = (await client.get(f"{API}/forms/")).json()
    (slug,) = [f["slug"] for f in forms if f["name"] == "Token API nou"]
    return slug


async def test_token_form_creates_a_working_bearer_token(login, anon):
    await _alfa()
    admin = await login("admin")
    slug = await _token_form_slug(admin)
    response = await admin.post(
        f"{API}/forms/{slug}/", json={"name": "Formular site", "scopes": "partners:read"}
    )
    assert response.status_code == 200, response.text
    message = response.json()["custom_form_success"]
    match = re.search(r"Token nr\. (\d+): (cst_\S+) — copiați-l acum", message)
    assert match, message
    token_id, raw = int(match.group(1)), match.group(2)

    stored = await ApiToken.objects().get(ApiToken.id == token_id)
    assert (stored.name, stored.scopes, stored.prefix) == (
        "Formular site",
        "partners:read",
        raw[:12],
    )
    assert stored.token_hash == hash_token(raw)
    assert raw not in str(await ApiToken.select().output(as_list=False))

    bearer = {"Authorization": f"Bearer {raw}"}
    partners = await anon.get("/api/partners/", headers=bearer)
    assert partners.status_code == 200, partners.text
    assert [p["name"] for p in partners.json()["items"]] == ["Alfa SRL"]
    # The scope is read-only: writing with it is refused.
    write = await anon.post("/api/partners/", headers=bearer, json={"name": "X", "cui": "34567892"})
    assert write.status_code == 403, write.text
    assert write.json()["code"] == "FORBIDDEN"
    assert (
        await anon.get("/api/partners/", headers={"Authorization": "Bearer cst_x"})
    ).status_code == 401

    # The admin's token list never shows the hash.
    listing = await admin.get(f"{API}/tables/token_api/")
    assert listing.status_code == 200
    (row,) = listing.json()["rows"]
    assert row["name"] == "Formular site"
    assert stored.token_hash not in listing.text


async def test_viewer_cannot_use_the_token_form(login):
    viewer = await login("viewer")
    slug = await _token_form_slug(viewer)
    response = await viewer.post(
        f"{API}/forms/{slug}/", json={"name": "Furiș", "scopes": "partners:write"}
    )
    assert response.status_code == 422
    # Forms answer every refusal as a form error (piccolo-admin's ValueError path).
    assert list(response.json()) == ["custom_form_error"]
    assert_refused(response.json()["custom_form_error"], "«vizualizare»", "tokenurile")
    assert await ApiToken.count() == 0


async def test_sales_cannot_read_users(login):
    sales = await login("sales")
    response = await sales.get(f"{API}/tables/piccolo_user/")
    assert response.status_code == 403
    assert_refused(response.text, "«vânzări»", "utilizatorii")
    tokens = await sales.get(f"{API}/tables/token_api/")
    assert tokens.status_code == 403


async def test_database_constraint_is_answered_in_romanian(login):
    """Keys without a save hook (work point code per company) are caught by the database;
    PiccoloCRUD answers those itself with the driver's English text, rewritten here."""
    company = Company(name="Firma SRL", cui="12345674")
    await company.save()
    await WorkPoint(company=company.id, code="SEDIU", name="Sediul").save()
    admin = await login("admin")
    body = await _new_row(
        admin, "punct_de_lucru", company=company.id, code="SEDIU", name="Alt sediu"
    )
    response = await admin.post(f"{API}/tables/punct_de_lucru/", json=body)
    assert response.status_code == 422, response.text
    assert response.json() == {
        "custom_form_error": "Există deja o înregistrare cu aceste date unice "
        "(cod, CUI, IBAN...). (cod DUPLICATE)",
        "code": "DUPLICATE",
    }
    assert await WorkPoint.count() == 1

    missing = await admin.post(
        f"{API}/tables/punct_de_lucru/", json=body | {"code": "P2", "active": None}
    )
    assert missing.status_code == 422, missing.text
    assert missing.json()["code"] == "FIELD_REQUIRED"
    assert "«Activ»" in missing.json()["custom_form_error"]
    assert await WorkPoint.count() == 1
