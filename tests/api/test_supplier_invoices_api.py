"""/api/supplier-invoices and /api/spv/messages over HTTP: an XML posted becomes a draft
(201) with its lines and VAT breakdown; the same again is 409 naming the first; bad XML
is 422 with a Romanian message, never a 500; the XML and ANAF's PDF are served; machines
need the ledger scope; sales people do not see supplier invoices."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from domain.core.files import write_atomic
from domain.org.actors import token_create
from domain.org.permissions import SYSTEM
from settings import Settings
from tables.efactura import SpvMessage, SupplierInvoice
from tests.factories import make_company
from tests.ops.test_supplier_import import CEN, romanian_invoice

XML = {"Content-Type": "application/xml"}


def assert_error(response: httpx.Response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["code"] == code, body
    assert body["message"], body
    assert body["message_en"], body
    return body


async def test_import_list_read_and_refuse_twice(login):
    company = await make_company()
    api = await login("accountant")
    xml = romanian_invoice("F-77")
    created = await api.post("/api/supplier-invoices/import", content=xml.encode(), headers=XML)
    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["company"], body["number"], body["status"]) == (company, "F-77", "draft")
    assert (body["partner_name"], body["currency"], body["type_code"]) == (
        "Demo Furnizor SRL",
        "RON",
        "380",
    )
    assert (body["tax_exclusive"], body["vat_total"], body["rounding"], body["payable"]) == (
        "1100.00",
        "221.00",
        "0.00",
        "1321.00",
    )
    assert [(x["position"], x["quantity"], x["unit_price"], x["net"]) for x in body["lines"]] == [
        (1, "10.000", "100.0000", "1000.00"),
        (2, "2.000", "50.0000", "100.00"),
    ]
    assert [(v["vat_code"], v["rate"], v["amount"]) for v in body["vat"]] == [
        ("S", "21.00", "210.00"),
        ("S", "11.00", "11.00"),
    ]
    assert body["has_pdf"] is False
    assert "xml" not in body

    again = await api.post("/api/supplier-invoices/import", content=xml.encode(), headers=XML)
    error = assert_error(again, 409, "SUPPLIER_INVOICE_DUPLICATE")
    assert error["details"] == {"supplier_invoice_id": body["id"]}
    assert "F-77" in error["message"]

    listed = await api.get("/api/supplier-invoices/", params={"limit": 1})
    assert listed.status_code == 200, listed.text
    assert [x["id"] for x in listed.json()["items"]] == [body["id"]]
    assert listed.json()["next"] is None
    one = await api.get(f"/api/supplier-invoices/{body['id']}")
    assert one.json() == body
    raw = await api.get(f"/api/supplier-invoices/{body['id']}/xml")
    assert raw.status_code == 200
    assert raw.headers["content-type"].startswith("application/xml")
    assert raw.text == xml
    assert_error(await api.get(f"/api/supplier-invoices/{body['id']}/pdf"), 404,
                 "SUPPLIER_INVOICE_PDF_MISSING")  # fmt: skip
    assert_error(await api.get("/api/supplier-invoices/999999"), 404, "SUPPLIER_INVOICE_NOT_FOUND")


async def test_credit_note_comes_in_red_and_pages(login):
    await make_company()
    api = await login("admin")
    ids = []
    for number in ("F-1", "F-2", "F-3"):
        answer = await api.post(
            "/api/supplier-invoices/import",
            content=romanian_invoice(number).encode(),
            headers=XML,
        )
        ids.append(answer.json()["id"])
    credit = (CEN / "ubl" / "examples" / "ubl-tc434-creditnote1.xml").read_bytes()
    answer = await api.post("/api/supplier-invoices/import", content=credit, headers=XML)
    assert answer.status_code == 201, answer.text
    assert (answer.json()["type_code"], answer.json()["payable"]) == ("381", "-100.11")
    ids.append(answer.json()["id"])
    first = await api.get("/api/supplier-invoices/", params={"limit": 3})
    assert [x["id"] for x in first.json()["items"]] == ids[::-1][:3]
    rest = await api.get(
        "/api/supplier-invoices/", params={"limit": 3, "before": first.json()["next"]}
    )
    assert [x["id"] for x in rest.json()["items"]] == [ids[0]]
    dated = await api.get("/api/supplier-invoices/", params={"date_from": "2025-01-01"})
    assert len(dated.json()["items"]) == 3


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"", "UBL_EMPTY"),
        (b"nu este xml", "UBL_NOT_XML"),
        (b"<Factura/>", "UBL_NOT_INVOICE"),
        (b'<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>', "UBL_ENTITIES"),
        ("\u00ff".encode("latin-1"), "UBL_NOT_XML"),
    ],
    ids=["empty", "text", "not-ubl", "entities", "bad-bytes"],
)
async def test_bad_xml_is_422_never_500(login, body: bytes, code: str):
    await make_company()
    api = await login("accountant")
    answer = await api.post("/api/supplier-invoices/import", content=body, headers=XML)
    assert_error(answer, 422, code)
    assert await SupplierInvoice.count() == 0


async def test_company_must_be_named_when_there_are_several(login):
    first = await make_company()
    await make_company(name="A doua firmă SRL", cui="12345674")
    api = await login("accountant")
    xml = romanian_invoice().encode()
    assert_error(
        await api.post("/api/supplier-invoices/import", content=xml, headers=XML),
        422,
        "COMPANY_REQUIRED",
    )
    answer = await api.post(
        "/api/supplier-invoices/import", content=xml, headers=XML, params={"company": first}
    )
    assert answer.status_code == 201, answer.text


async def test_roles_and_machine_scopes(app, login):
    await make_company()
    sales = await login("sales")
    assert_error(
        await sales.post(
            "/api/supplier-invoices/import", content=romanian_invoice().encode(), headers=XML
        ),
        403,
        "FORBIDDEN",
    )
    assert_error(await sales.get("/api/supplier-invoices/"), 403, "FORBIDDEN")
    viewer = await login("viewer")
    assert (await viewer.get("/api/supplier-invoices/")).status_code == 200
    assert (await viewer.get("/api/spv/messages")).status_code == 200

    _, reader = await token_create(name="contab-citire", scopes=["ledger:read"], by=SYSTEM)
    _, ledger = await token_create(name="contab-scriere", scopes=["ledger:write"], by=SYSTEM)
    _, writer = await token_create(
        name="import-furnizori", scopes=["ledger:write", "partners:write"], by=SYSTEM
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as machine:
        xml = romanian_invoice().encode()
        refused = await machine.post(
            "/api/supplier-invoices/import",
            content=xml,
            headers=XML | {"Authorization": f"Bearer {reader}"},
        )
        assert_error(refused, 403, "FORBIDDEN")
        # A new supplier is a new partner: the token needs partners:write as well.
        no_partners = await machine.post(
            "/api/supplier-invoices/import",
            content=xml,
            headers=XML | {"Authorization": f"Bearer {ledger}"},
        )
        assert "partenerii" in assert_error(no_partners, 403, "FORBIDDEN")["message"]
        taken = await machine.post(
            "/api/supplier-invoices/import",
            content=xml,
            headers=XML | {"Authorization": f"Bearer {writer}"},
        )
        assert taken.status_code == 201, taken.text


async def test_spv_messages_and_the_anaf_pdf(login, settings: Settings):
    company = await make_company()
    api = await login("accountant")
    message = SpvMessage(
        company=company, message_id="3009", kind="FACTURA PRIMITA", cif="44556670",
        request_id="5009", details="Factura cu id_incarcare=5009 emisa de cif_emitent=18547290",
        created=datetime(2026, 3, 1, 10, 0, tzinfo=UTC), zip_path="efactura/spv/1/3009.zip",
    )  # fmt: skip
    await message.save()
    other = SpvMessage(company=company, message_id="3010", kind="ERORI FACTURA")
    await other.save()
    answer = await api.post(
        "/api/supplier-invoices/import", content=romanian_invoice().encode(), headers=XML
    )
    invoice = answer.json()["id"]
    relative = f"efactura/spv/{company}/3009.pdf"
    write_atomic(settings.data_dir / relative, b"%PDF-1.4 ANAF")
    await SupplierInvoice.update(
        {SupplierInvoice.spv_message: message.id, SupplierInvoice.pdf_path: relative}
    ).where(SupplierInvoice.id == invoice)

    listed = await api.get("/api/spv/messages")
    assert listed.status_code == 200, listed.text
    items = listed.json()["items"]
    assert [(x["message_id"], x["supplier_invoice"], x["has_zip"]) for x in items] == [
        ("3010", None, False),
        ("3009", invoice, True),
    ]
    assert items[1]["created"].startswith("2026-03-01T10:00")
    kinds = await api.get("/api/spv/messages", params={"kind": "ERORI FACTURA"})
    assert [x["message_id"] for x in kinds.json()["items"]] == ["3010"]

    pdf = await api.get(f"/api/supplier-invoices/{invoice}/pdf")
    assert pdf.status_code == 200, pdf.text
    assert pdf.content == b"%PDF-1.4 ANAF"
    assert (await api.get(f"/api/supplier-invoices/{invoice}")).json()["has_pdf"] is True
    # A stored path never leads outside DATA_DIR.
    await SupplierInvoice.update({SupplierInvoice.pdf_path: "../../etc/passwd"}).where(
        SupplierInvoice.id == invoice
    )
    assert_error(await api.get(f"/api/supplier-invoices/{invoice}/pdf"), 404,
                 "SUPPLIER_INVOICE_PDF_MISSING")  # fmt: skip


# ------------------------------------------------------------------ the admin


async def _post_form(client: httpx.AsyncClient, name: str, body: dict) -> httpx.Response:
    forms = (await client.get("/admin/api/forms/")).json()
    (slug,) = [f["slug"] for f in forms if f["name"] == name]
    return await client.post(f"/admin/api/forms/{slug}/", json=body)


async def test_admin_form_imports_and_the_spv_tables_are_read_only(login):
    await make_company()
    admin = await login("accountant")
    done = await _post_form(
        admin, "Importă factură furnizor (XML)", {"xml": romanian_invoice("F-5"), "company": ""}
    )
    assert done.status_code == 200, done.text
    assert "Factura F-5 de la «Demo Furnizor SRL» a fost importată" in done.text
    again = await _post_form(
        admin, "Importă factură furnizor (XML)", {"xml": romanian_invoice("F-5"), "company": ""}
    )
    assert again.status_code != 200
    assert "SUPPLIER_INVOICE_DUPLICATE" in again.text

    rows = await admin.get("/admin/api/tables/factura_furnizor/")
    assert rows.status_code == 200, rows.text
    (row,) = rows.json()["rows"]
    assert row["number"] == "F-5"
    schema = (await admin.get("/admin/api/tables/factura_furnizor/schema/")).json()
    assert schema["properties"]["payable"]["title"] == "De plată"
    refused = await admin.patch(f"/admin/api/tables/factura_furnizor/{row['id']}/",
                                json={"number": "ALTUL"})  # fmt: skip
    assert refused.status_code == 422  # the admin shows refusals as form errors
    assert "ADMIN_READ_ONLY" in refused.text
    lines = await admin.get("/admin/api/tables/linie_factura_furnizor/")
    assert len(lines.json()["rows"]) == 2
    assert (await admin.get("/admin/api/tables/spv_mesaj/")).status_code == 200
    sales = await login("sales")
    assert (await sales.get("/admin/api/tables/factura_furnizor/")).status_code == 403
