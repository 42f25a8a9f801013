"""The admin's sales forms call the same operations: issue, convert, invoice from avize,
cancel; the invoice tables are read-only there."""

from __future__ import annotations

import httpx

from domain.org.permissions import SYSTEM
from domain.sales.documents import document_draft_create
from tables.choices import DocType
from tables.sales import Document, Invoice
from tests.factories import make_article, make_client, make_company, make_series

API = "/admin/api"


async def post_form(client: httpx.AsyncClient, name: str, body: dict) -> httpx.Response:
    forms = (await client.get(f"{API}/forms/")).json()
    (slug,) = [f["slug"] for f in forms if f["name"] == name]
    return await client.post(f"{API}/forms/{slug}/", json=body)


async def test_order_to_aviz_to_invoice_through_the_admin_forms(login):
    company = await make_company()
    for doc_type in DocType:
        await make_series(company, prefix=doc_type.value[:3].upper(), doc_type=doc_type)
    order = await document_draft_create(
        doc_type=DocType.order, company_id=company, partner_id=await make_client(), by=SYSTEM,
        lines=[{"article": await make_article(), "quantity": 3, "unit_price": "100"}],
    )  # fmt: skip
    sales = await login("sales")

    issued = await post_form(sales, "Emite document", {"document_id": order})
    assert issued.status_code == 200, issued.text
    assert "ORD-00001" in issued.json()["custom_form_success"]
    converted = await post_form(
        sales, "Transformă document", {"document_id": order, "target": "delivery_note"}
    )
    assert converted.status_code == 200, converted.text
    (note,) = [
        r["id"]
        for r in await Document.select(Document.id).where(Document.doc_type == "delivery_note")
    ]
    await post_form(sales, "Emite document", {"document_id": note})
    made = await post_form(sales, "Factură din documente", {"documents": str(note)})
    assert made.status_code == 200, made.text
    (invoice,) = await Invoice.select(Invoice.id)
    done = await post_form(sales, "Emite factura", {"invoice_id": invoice["id"]})
    assert "INV-00001" in done.json()["custom_form_success"]

    again = await post_form(sales, "Transformă document", {"document_id": order,
                                                           "target": "delivery_note"})  # fmt: skip
    assert again.status_code == 422
    assert "NOTHING_LEFT" in again.json()["custom_form_error"]

    edit = await sales.patch(f"{API}/tables/factura/{invoice['id']}/", json={"notes": "x"})
    assert edit.status_code == 422  # the admin shows refusals as form errors
    assert "ADMIN_READ_ONLY" in edit.text

    viewer = await login("viewer")
    refused = await post_form(viewer, "Anulează factura", {"invoice_id": invoice["id"],
                                                            "reason": "test"})  # fmt: skip
    assert refused.status_code == 422
    assert "FORBIDDEN" in refused.json()["custom_form_error"]


async def test_an_admin_creates_a_user_with_a_role_who_can_then_log_in(login, app):
    from piccolo.apps.user.tables import BaseUser

    from domain.org.actors import actor_for_user

    admin = await login("admin")
    made = await post_form(admin, "Utilizator nou", {
        "username": "ioana", "password": "parola-ioanei-1", "email": "ioana@firma.ro",
        "role": "accountant",
    })  # fmt: skip
    assert made.status_code == 200, made.text
    user_id = await BaseUser.login(username="ioana", password="parola-ioanei-1")
    assert user_id is not None
    assert (await actor_for_user(user_id)).role == "accountant"
    sales = await login("sales")
    refused = await post_form(
        sales, "Utilizator nou", {"username": "x", "password": "parola-x-123"}
    )
    assert refused.status_code == 422
    assert "FORBIDDEN" in refused.json()["custom_form_error"]
