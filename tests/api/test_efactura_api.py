"""e-Factura over HTTP: the SPV OAuth round trip through the fake ANAF, the invoice's
actions and state, ANAF's files (ZIP, PDF), rights."""

from __future__ import annotations

import io
import zipfile
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from domain.efactura.connection import connection_configure, connection_row
from domain.efactura.ops import (
    efactura_download_step,
    efactura_poll_step,
    efactura_send_step,
)
from domain.efactura.secrets import decrypt
from domain.org.permissions import SYSTEM
from tables.efactura import AnafConnection
from tests.efactura_helpers import (
    FAKE,
    connect,
    issued_invoice,
    make_due,
    spv_settings,
    submission,
)

CALLBACK = "http://test/api/efactura/oauth/callback"


@pytest.fixture
def fake(settings):
    assert settings.anaf_api_url == FAKE.url, "settings built before the fake SPV started"
    FAKE.reset()
    yield FAKE
    FAKE.reset()


async def test_oauth_start_and_callback_store_encrypted_tokens(login, fake, settings):
    ids = await issued_invoice()
    await connection_configure(
        company_id=ids["company"], client_id=fake.client_id, client_secret=fake.client_secret,
        redirect_uri=CALLBACK, environment="test", auto_send_hours=24, by=SYSTEM,
        secret=settings.secret,
    )  # fmt: skip
    admin = await login("admin")
    start = await admin.get("/api/efactura/oauth/start", params={"company": ids["company"]})
    assert start.status_code == 302, start.text
    authorize = start.headers["location"]
    assert authorize.startswith(fake.oauth_url + "/authorize?")
    query = parse_qs(urlsplit(authorize).query)
    assert query["token_content_type"] == ["jwt"]
    assert query["redirect_uri"] == [CALLBACK]
    # The user's browser at ANAF (certificate), sent back with a code.
    async with httpx.AsyncClient() as browser:
        granted = await browser.get(authorize)
    assert granted.status_code == 302
    back = urlsplit(granted.headers["location"])
    callback = await admin.get(f"{back.path}?{back.query}")
    assert callback.status_code == 200, callback.text
    assert "Conexiunea SPV este autorizată" in callback.text
    assert fake.calls["token"] == 1
    row = await connection_row(ids["company"])
    assert row["enabled"]
    assert decrypt(row["access_token_enc"], settings.secret) in fake.access_tokens
    dump = repr(await AnafConnection.raw("SELECT * FROM anaf_conexiune"))
    for token in [*fake.access_tokens, *fake.refresh_tokens, fake.client_secret]:
        assert token not in dump
    # The same code again (or a forged state) is refused with a page, not a 500.
    again = await admin.get(f"{back.path}?{back.query}")
    assert again.status_code == 409
    assert "ANAF_SPV_AUTH" in again.text
    forged = await admin.get("/api/efactura/oauth/callback", params={"code": "x", "state": "1.2"})
    assert forged.status_code == 422
    denied = await admin.get("/api/efactura/oauth/callback", params={"error": "access_denied"})
    assert denied.status_code == 400
    # Only an administrator connects the company.
    sales = await login("sales")
    refused = await sales.get("/api/efactura/oauth/start", params={"company": ids["company"]})
    assert refused.status_code == 403


async def test_validate_send_follow_and_download(login, fake, settings):
    spv = spv_settings(settings)
    ids = await issued_invoice()
    invoice = ids["invoice"]
    client = await login("sales")
    empty = await client.get(f"/api/invoices/{invoice}/efactura")
    assert empty.status_code == 200
    assert empty.json()["state"] is None
    assert "Validați" in empty.json()["next_step"]

    validated = await client.post(f"/api/invoices/{invoice}/efactura/validate")
    assert validated.status_code == 200, validated.text
    assert validated.json()["state"] == "validated"

    not_connected = await client.post(f"/api/invoices/{invoice}/efactura/send")
    assert not_connected.status_code == 409
    assert not_connected.json()["code"] == "EFACTURA_NOT_CONNECTED"

    await connect(ids["company"], spv)
    sent = await client.post(f"/api/invoices/{invoice}/efactura/send", json={})
    assert sent.status_code == 200, sent.text
    body = sent.json()
    assert body["state"] == "queued"
    assert body["connection"]["connected"]
    assert (await client.get(f"/api/invoices/{invoice}/efactura/zip")).status_code == 404

    sid = (await submission(invoice))["id"]
    await efactura_send_step(sid, settings=spv)
    refreshed = await client.post(f"/api/invoices/{invoice}/efactura/refresh")
    assert refreshed.status_code == 200
    await make_due(invoice)
    await efactura_poll_step(sid, settings=spv)
    await efactura_download_step(sid, settings=spv)

    view = (await client.get(f"/api/invoices/{invoice}/efactura")).json()
    assert view["state"] == "ok"
    assert view["upload_index"] == fake.uploads[0].index
    assert [e["state_to"] for e in view["events"]][:3] == ["validated", "queued", "uploading"]
    answer = await client.get(f"/api/invoices/{invoice}/efactura/zip")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(answer.content)).namelist()
    assert sorted(names) == sorted([f"{view['upload_index']}.xml",
                                    f"semnatura_{view['upload_index']}.xml"])  # fmt: skip
    pdf = await client.get(f"/api/invoices/{invoice}/efactura/pdf")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    await client.get(f"/api/invoices/{invoice}/efactura/pdf")
    assert fake.calls["transformare"] == 1  # kept after the first time

    # Sent: it can no longer be validated again or cancelled.
    again = await client.post(f"/api/invoices/{invoice}/efactura/validate")
    assert again.status_code == 409
    assert again.json()["code"] == "EFACTURA_IN_PROGRESS"


async def test_nok_shows_anaf_errors_and_the_way_forward(login, fake, settings):
    spv = spv_settings(settings)
    ids = await issued_invoice()
    await connect(ids["company"], spv)
    client = await login("accountant")
    assert (await client.post(f"/api/invoices/{ids['invoice']}/efactura/send")).status_code == 200
    fake.verdict_next("nok", ["[BR-RO-120]-Cumpărătorul nu are identificator"])
    sid = (await submission(ids["invoice"]))["id"]
    await efactura_send_step(sid, settings=spv)
    await make_due(ids["invoice"])
    await efactura_poll_step(sid, settings=spv)
    await efactura_download_step(sid, settings=spv)
    view = (await client.get(f"/api/invoices/{ids['invoice']}/efactura")).json()
    assert view["state"] == "nok"
    assert view["errors"][0]["rule"] == "BR-RO-120"
    assert "stornați" in view["next_step"]
    assert (await client.get(f"/api/invoices/{ids['invoice']}/efactura/zip")).status_code == 200


async def test_rights_and_missing_invoice(login, fake):
    ids = await issued_invoice()
    viewer = await login("viewer")
    assert (await viewer.get(f"/api/invoices/{ids['invoice']}/efactura")).status_code == 200
    refused = await viewer.post(f"/api/invoices/{ids['invoice']}/efactura/validate")
    assert refused.status_code == 403
    missing = await viewer.get("/api/invoices/999999/efactura")
    assert missing.status_code == 404
    no_xml = await viewer.get(f"/api/invoices/{ids['invoice']}/efactura/pdf")
    assert no_xml.status_code == 409


async def test_admin_forms_validate_send_and_configure(login, fake, settings):
    from tests.admin.test_sales_forms import post_form

    ids = await issued_invoice()
    admin = await login("admin")
    validated = await post_form(admin, "e-Factura: validează", {"invoice_id": ids["invoice"]})
    assert validated.status_code == 200, validated.text
    assert "e-Factura: validată." in validated.json()["custom_form_success"]
    refused = await post_form(admin, "e-Factura: trimite acum", {"invoice_id": ids["invoice"]})
    assert refused.status_code == 422
    assert "EFACTURA_NOT_CONNECTED" in refused.text
    configured = await post_form(
        admin,
        "e-Factura: conexiune SPV",
        {"company_id": ids["company"], "client_id": "app", "client_secret": "s3cret",
         "redirect_uri": CALLBACK, "environment": "test", "auto_send_hours": 24},
    )  # fmt: skip
    assert configured.status_code == 200, configured.text
    assert f"/api/efactura/oauth/start?company={ids['company']}" in configured.text
    await AnafConnection.delete().where(AnafConnection.company == ids["company"])
    await connect(ids["company"], spv_settings(settings))  # as if authorised at ANAF
    sent = await post_form(admin, "e-Factura: trimite acum", {"invoice_id": ids["invoice"]})
    assert sent.status_code == 200, sent.text
    assert "în așteptare" in sent.json()["custom_form_success"]
    listed = await admin.get("/admin/api/tables/efactura/", params={"state": "queued"})
    assert listed.status_code == 200
    assert [r["invoice"] for r in listed.json()["rows"]] == [ids["invoice"]]
