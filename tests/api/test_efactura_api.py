"""e-Factura over HTTP: the SPV OAuth round trip through the fake ANAF, the invoice's
actions and state, ANAF's files (ZIP, PDF), rights."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from urllib.parse import parse_qs, urlsplit

import httpx

from domain.efactura.connection import connection_configure, connection_row
from domain.efactura.secrets import decrypt
from domain.efactura.send_answer import efactura_download_step, efactura_poll_step
from domain.efactura.send_upload import efactura_send_step
from domain.org.permissions import SYSTEM
from tables.efactura import AnafConnection
from tests.efactura_helpers import (
    connect,
    issued_invoice,
    make_due,
    submission,
)

CALLBACK = "http://test/api/efactura/oauth/callback"


async def test_oauth_start_and_callback_store_encrypted_tokens(login, fake_spv, settings):
    ids = await issued_invoice()
    await connection_configure(
        company_id=ids["company"], client_id=fake_spv.client_id,
        client_secret=fake_spv.client_secret, redirect_uri=CALLBACK, environment="test",
        auto_send_hours=24, by=SYSTEM, secret=settings.secret,
    )  # fmt: skip
    admin = await login("admin")
    start = await admin.get("/api/efactura/oauth/start", params={"company": ids["company"]})
    assert start.status_code == 302, start.text
    authorize = start.headers["location"]
    assert authorize.startswith(fake_spv.oauth_url + "/authorize?")
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
    assert fake_spv.calls["token"] == 1
    row = await connection_row(ids["company"])
    assert row["enabled"]
    assert decrypt(row["access_token_enc"], settings.secret) in fake_spv.access_tokens
    dump = repr(await AnafConnection.raw("SELECT * FROM anaf_conexiune"))
    for token in [*fake_spv.access_tokens, *fake_spv.refresh_tokens, fake_spv.client_secret]:
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


async def test_validate_send_follow_and_download(login, fake_spv, settings):
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

    await connect(ids["company"], settings, fake_spv)
    sent = await client.post(f"/api/invoices/{invoice}/efactura/send", json={})
    assert sent.status_code == 200, sent.text
    body = sent.json()
    assert body["state"] == "queued"
    assert body["connection"]["connected"]
    assert (await client.get(f"/api/invoices/{invoice}/efactura/zip")).status_code == 404

    sid = (await submission(invoice))["id"]
    await efactura_send_step(sid, settings=settings)
    refreshed = await client.post(f"/api/invoices/{invoice}/efactura/refresh")
    assert refreshed.status_code == 200
    await make_due(invoice)
    await efactura_poll_step(sid, settings=settings)
    await efactura_download_step(sid, settings=settings)

    view = (await client.get(f"/api/invoices/{invoice}/efactura")).json()
    assert view["state"] == "ok"
    assert view["upload_index"] == fake_spv.uploads[0].index
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
    assert fake_spv.calls["transformare"] == 1  # kept after the first time

    # Sent: it can no longer be validated again or cancelled.
    again = await client.post(f"/api/invoices/{invoice}/efactura/validate")
    assert again.status_code == 409
    assert again.json()["code"] == "EFACTURA_IN_PROGRESS"


async def test_nok_shows_anaf_errors_and_the_way_forward(login, fake_spv, settings):
    ids = await issued_invoice()
    await connect(ids["company"], settings, fake_spv)
    client = await login("accountant")
    assert (await client.post(f"/api/invoices/{ids['invoice']}/efactura/send")).status_code == 200
    fake_spv.verdict_next("nok", ["[BR-RO-120]-Cumpărătorul nu are identificator"])
    sid = (await submission(ids["invoice"]))["id"]
    await efactura_send_step(sid, settings=settings)
    await make_due(ids["invoice"])
    await efactura_poll_step(sid, settings=settings)
    await efactura_download_step(sid, settings=settings)
    view = (await client.get(f"/api/invoices/{ids['invoice']}/efactura")).json()
    assert view["state"] == "nok"
    assert view["errors"][0]["rule"] == "BR-RO-120"
    assert "stornați" in view["next_step"]
    assert (await client.get(f"/api/invoices/{ids['invoice']}/efactura/zip")).status_code == 200


async def test_rights_and_missing_invoice(login, fake_spv):
    ids = await issued_invoice()
    viewer = await login("viewer")
    assert (await viewer.get(f"/api/invoices/{ids['invoice']}/efactura")).status_code == 200
    refused = await viewer.post(f"/api/invoices/{ids['invoice']}/efactura/validate")
    assert refused.status_code == 403
    missing = await viewer.get("/api/invoices/999999/efactura")
    assert missing.status_code == 404
    no_xml = await viewer.get(f"/api/invoices/{ids['invoice']}/efactura/pdf")
    assert no_xml.status_code == 409


async def test_admin_forms_validate_send_and_configure(login, fake_spv, settings):
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
    await connect(ids["company"], settings, fake_spv)  # as if authorised at ANAF
    sent = await post_form(admin, "e-Factura: trimite acum", {"invoice_id": ids["invoice"]})
    assert sent.status_code == 200, sent.text
    assert "în așteptare" in sent.json()["custom_form_success"]
    listed = await admin.get("/admin/api/tables/efactura/", params={"state": "queued"})
    assert listed.status_code == 200
    assert [r["invoice"] for r in listed.json()["rows"]] == [ids["invoice"]]


async def test_admin_forms_download_the_answer_zip_and_anaf_pdf(login, fake_spv, settings):
    from tests.admin.test_sales_forms import post_form

    # Another date than the other tests' invoice: another XML, so no PDF kept from them.
    ids = await issued_invoice(issue_date=date(2026, 11, 3), delivery_date=date(2026, 11, 3))
    await connect(ids["company"], settings, fake_spv)
    invoice = ids["invoice"]
    sales = await login("sales")
    forms = (await sales.get("/admin/api/forms/grouped/")).json()["grouped"]["e-Factura"]
    assert {"e-Factura: arhiva ANAF (ZIP)", "e-Factura: PDF ANAF"} <= {f["name"] for f in forms}
    no_xml = await post_form(sales, "e-Factura: PDF ANAF", {"invoice_id": invoice})
    assert no_xml.status_code == 422
    assert "EFACTURA_NO_XML" in no_xml.text
    await post_form(sales, "e-Factura: trimite acum", {"invoice_id": invoice})
    no_answer = await post_form(sales, "e-Factura: arhiva ANAF (ZIP)", {"invoice_id": invoice})
    assert no_answer.status_code == 422
    assert "EFACTURA_NO_ANSWER" in no_answer.text

    sid = (await submission(invoice))["id"]
    await efactura_send_step(sid, settings=settings)
    await make_due(invoice)
    await efactura_poll_step(sid, settings=settings)
    await efactura_download_step(sid, settings=settings)
    answer = await post_form(sales, "e-Factura: arhiva ANAF (ZIP)", {"invoice_id": invoice})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-disposition"] == f'attachment; filename="efactura-{invoice}.zip"'
    index = fake_spv.uploads[0].index
    assert sorted(zipfile.ZipFile(io.BytesIO(answer.content)).namelist()) == sorted(
        [f"{index}.xml", f"semnatura_{index}.xml"]
    )
    pdf = await post_form(sales, "e-Factura: PDF ANAF", {"invoice_id": invoice})
    assert pdf.status_code == 200, pdf.text
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert fake_spv.calls["transformare"] == 1


async def test_without_the_rules_folder_validate_and_send_say_what_to_run(
    login, fake_spv, settings, tmp_path, monkeypatch
):
    """`make run` on a machine that never ran `litestar catastif efactura-rules`: a clear
    Romanian answer with a stable code, never a 500, nothing recorded, nothing sent."""
    from tests.admin.test_sales_forms import post_form

    monkeypatch.setenv("EFACTURA_RULES_DIR", str(tmp_path / "efactura-rules"))
    ids = await issued_invoice()
    await connect(ids["company"], settings, fake_spv)
    client = await login("sales")
    for action in ("validate", "send"):
        response = await client.post(f"/api/invoices/{ids['invoice']}/efactura/{action}")
        assert response.status_code == 503, response.text
        body = response.json()
        assert body["code"] == "EFACTURA_RULES_MISSING"
        assert "Regulile oficiale e-Factura lipsesc" in body["message"]
        assert "«litestar catastif efactura-rules»" in body["message"]
    form = await post_form(client, "e-Factura: validează", {"invoice_id": ids["invoice"]})
    assert form.status_code == 422
    assert "litestar catastif efactura-rules" in form.text
    assert "EFACTURA_RULES_MISSING" in form.text
    assert (await client.get(f"/api/invoices/{ids['invoice']}/efactura")).json()["state"] is None
    assert fake_spv.upload_count == 0
