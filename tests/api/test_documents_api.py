"""Offers, orders and avize over HTTP: create, issue, convert, invoice several avize."""

from __future__ import annotations

from decimal import Decimal

from tables.choices import DocType
from tests.factories import make_article, make_client, make_company, make_series


async def test_order_to_avize_to_one_invoice_and_a_warranty(login):
    company = await make_company()
    for doc_type in DocType:
        await make_series(company, prefix=doc_type.value[:3].upper(), doc_type=doc_type)
    client = await make_client()
    laptop = await make_article("LAP", name="Laptop", warranty_months=24)
    sales = await login("sales")

    order = (await sales.post("/api/documents/", json={
        "doc_type": "order", "partner": client,
        "header": {"issue_date": "2026-11-02"},
        "lines": [{"article": laptop, "quantity": "5", "unit_price": "3000"}],
    })).json()  # fmt: skip
    issued = await sales.post(f"/api/documents/{order['id']}/issue")
    assert issued.json()["full_number"] == "ORD-00001"
    line = issued.json()["lines"][0]
    assert Decimal(line["left_to_deliver"]) == 5

    notes = []
    for quantity in ("2", "3"):
        note = (await sales.post(f"/api/documents/{order['id']}/convert", json={
            "target": "delivery_note", "take": {str(line["id"]): quantity}
        })).json()  # fmt: skip
        notes.append((await sales.post(f"/api/documents/{note['id']}/issue")).json()["id"])
    too_much = await sales.post(f"/api/documents/{order['id']}/convert", json={
        "target": "delivery_note", "take": {str(line["id"]): "1"}
    })  # fmt: skip
    assert (too_much.status_code, too_much.json()["code"]) == (409, "QUANTITY_EXCEEDS_LEFT")

    draft = (await sales.post("/api/invoices/from-documents", json={"documents": notes})).json()
    invoice = (await sales.post(f"/api/invoices/{draft['id']}/issue")).json()
    assert Decimal(invoice["tax_exclusive"]) == Decimal("15000.00")
    order_now = (await sales.get(f"/api/documents/{order['id']}")).json()
    assert Decimal(order_now["lines"][0]["left_to_invoice"]) == 0

    invoice_line = invoice["lines"][0]["id"]
    warranty = await sales.post(
        f"/api/invoices/{invoice['id']}/warranty",
        json={"serials": {str(invoice_line): "SN1, SN2, SN3, SN4, SN5"}},
    )
    assert warranty.status_code == 201
    assert warranty.json()["lines"][0]["warranty_months"] == 24

    wrong = await sales.post(f"/api/documents/{notes[0]}/convert", json={"target": "order"})
    assert (wrong.status_code, wrong.json()["code"]) == (422, "CONVERSION_INVALID")


async def test_an_aviz_draft_gets_its_delegate_and_vehicle_then_is_frozen(login):
    company = await make_company()
    for doc_type in DocType:
        await make_series(company, prefix=doc_type.value[:3].upper(), doc_type=doc_type)
    client = await make_client()
    sales = await login("sales")
    order = (await sales.post("/api/documents/", json={
        "doc_type": "order", "partner": client,
        "lines": [{"article": await make_article(), "quantity": "2", "unit_price": "10"}],
    })).json()  # fmt: skip
    await sales.post(f"/api/documents/{order['id']}/issue")
    note = (await sales.post(f"/api/documents/{order['id']}/convert",
                             json={"target": "delivery_note"})).json()  # fmt: skip
    changed = await sales.patch(f"/api/documents/{note['id']}", json={
        "header": {"delegate": "Ion Ionescu, CI RX 123456", "vehicle": "B-123-ABC"}
    })  # fmt: skip
    assert changed.status_code == 200, changed.text
    assert (changed.json()["delegate"], changed.json()["vehicle"]) == (
        "Ion Ionescu, CI RX 123456",
        "B-123-ABC",
    )
    assert changed.json()["lines"][0]["source_line"] is not None  # still linked to the order
    issued = (await sales.post(f"/api/documents/{note['id']}/issue")).json()
    assert issued["status"] == "issued"
    frozen = await sales.patch(f"/api/documents/{note['id']}", json={"header": {"vehicle": "x"}})
    assert (frozen.status_code, frozen.json()["code"]) == (409, "DOCUMENT_FROZEN")
