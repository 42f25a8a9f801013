"""The document editor in Chromium, keyboard only, for the documents that are not invoices:
an order typed line by line with live totals per VAT rate, issued, then invoiced from its
read-only page; an aviz made from an order, its quantity lowered on the linked line, its
delegate and vehicle typed, issued after a refusal for the missing series."""

from __future__ import annotations

import os
import re
from decimal import Decimal

import msgspec
import pytest
from playwright.async_api import expect

from controllers.editor import TotalsIn, draft_totals
from tables.choices import DocType
from tables.sales import Document, DocumentLine, Invoice, InvoiceLine
from tests.browser.test_editor import amount, settled, shown_groups, sign_in, type_line
from tests.factories import make_article, make_client, make_company, make_series

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("CATASTIF_SCREENSHOTS")  # a folder, to look at what the user saw


@pytest.fixture
def page(page):
    """The shared page, failing the test on any script error of the editor's pages."""
    errors: list[str] = []

    def note(text: str) -> None:
        if "/editor/" in page.url:
            errors.append(text)

    page.on("pageerror", lambda exc: note(str(exc)))
    # Chromium logs every 4xx answer as "Failed to load resource": refusals are expected.
    page.on(
        "console",
        lambda m: (
            note(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource")
            else None
        ),
    )
    yield page
    assert errors == [], errors


async def shot(page, name: str) -> None:
    if SHOTS:
        await page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def focused(locator):
    return locator.evaluate("el => el === document.activeElement")


async def test_order_by_keyboard_issued_then_invoiced_from_its_page(live_url, page):
    company = await make_company()
    await make_series(company)  # invoices: FCT
    await make_series(company, prefix="CMD", doc_type=DocType.order)
    client = await make_client(name="Omega Trade SRL")
    laptop = await make_article("LAP", name="Laptop Dell")
    coffee = await make_article("CAF", name="Cafea boabe", vat_category="S-REDUSA", uom="KGM")
    book = await make_article("CRT", name="Carte tehnică", vat_category="S-REDUSA-5")
    await sign_in(page, live_url, "vanzari-comenzi")

    # From the admin's sidebar entry: the chooser, where «4» is a new order.
    await page.goto(f"{live_url}/editor/documents/")
    await page.get_by_role("link", name=re.compile("Comandă nouă")).wait_for()
    await shot(page, "documents-00-chooser")
    await page.keyboard.press("4")
    await page.wait_for_url(re.compile(r"/editor/documents/order/new$"))
    assert await page.locator("#doc-title").inner_text() == "Comandă nouă"
    assert await page.locator("#valid_until").count() == 0  # an order has no validity
    partner = page.locator("#partner")
    assert await focused(partner)
    await page.keyboard.type("Omega")
    await page.locator("#partner-list [role=option]", has_text="Omega Trade SRL").wait_for()
    await page.keyboard.press("Enter")

    await type_line(page, "Laptop", "2", "1234,56", "10")
    await type_line(page, "Cafea", "2,5", "45,5")
    await type_line(page, "CRT", "3", "80")
    rows = page.locator("#lines tr[data-key]")
    assert await rows.count() == 4
    assert await focused(rows.nth(3).locator("[data-col=article]"))
    # The article fills its unit as the search answers (it may still be on its way).
    await expect(rows.nth(1).locator("[data-col=uom]")).to_have_value("KGM")

    await page.locator("#delivery_date").fill("2025-07-31")
    await settled(page, 3)
    assert [await rows.nth(i).locator("td.c-rate").inner_text() for i in range(3)] == [
        "19%", "9%", "5%",
    ]  # fmt: skip
    await page.locator("#delivery_date").fill("2025-08-01")
    await settled(page, 2)
    server = await draft_totals(
        msgspec.convert(
            {"delivery_date": "2025-08-01", "lines": [
                {"article": laptop, "quantity": "2", "unit_price": "1234.56", "discount": "10"},
                {"article": coffee, "quantity": "2.5", "unit_price": "45.5"},
                {"article": book, "quantity": "3", "unit_price": "80"},
            ]},
            TotalsIn, strict=False,
        )
    )  # fmt: skip
    expected = {g.vat_rate: (g.base, g.vat) for g in server.groups}
    assert expected == {
        Decimal(21): (Decimal("2459.12"), Decimal("516.42")),
        Decimal(11): (Decimal("353.75"), Decimal("38.91")),
    }
    assert await shown_groups(page) == expected
    assert amount(await page.locator("#bar-payable").inner_text()) == Decimal("3368.20")
    assert await page.locator("#row-vat-ron").is_hidden()  # an order states no VAT in lei
    await shot(page, "documents-01-order-lines")

    # Ctrl+Enter saves and issues; the page becomes the read-only order.
    await page.keyboard.press("Control+Enter")
    await page.wait_for_url(re.compile(r"/editor/documents/\d+\?emis=1$"))
    order_id = int(re.search(r"/documents/(\d+)", page.url).group(1))
    assert await page.locator("#document-number").inner_text() == "CMD-00001"
    assert await page.locator("#document-status").inner_text() == "Emisă"
    assert await page.locator("a#pdf-link").get_attribute("href") == (
        f"/api/documents/{order_id}/pdf"
    )
    assert await page.locator("#lines tr[data-key]").count() == 0  # no grid any more
    await shot(page, "documents-02-order-issued")

    order = await Document.select().where(Document.id == order_id).first()
    assert (order["doc_type"], order["status"], order["partner"]) == ("order", "issued", client)
    assert Decimal(str(order["tax_inclusive"])) == Decimal("3368.20")
    assert await DocumentLine.count().where(DocumentLine.document == order_id) == 3

    # «Facturează» has the focus: Enter makes the invoice draft and opens it in the editor.
    invoice_button = page.get_by_role("button", name="Facturează")
    assert await focused(invoice_button)
    await page.keyboard.press("Enter")
    await page.wait_for_url(re.compile(r"/editor/invoices/\d+$"))
    assert await page.locator("#partner").input_value() == "Omega Trade SRL"
    assert "provin din alt document" in await page.locator("#lines-note").inner_text()
    await settled(page, 2)
    assert await shown_groups(page) == expected  # the invoice has the order's lines
    await page.keyboard.press("Control+Enter")
    await page.wait_for_url(re.compile(r"/editor/invoices/\d+\?emisa=1$"))
    assert await page.locator("#invoice-number").inner_text() == "FCT-00001"
    await shot(page, "documents-03-invoiced")

    invoice = await Invoice.select().where(Invoice.partner == client).first()
    assert invoice["status"] == "issued"
    assert Decimal(str(invoice["payable"])) == Decimal("3368.20")
    linked = await InvoiceLine.count().where(
        (InvoiceLine.invoice == invoice["id"]) & InvoiceLine.source_document_line.is_not_null()
    )
    assert linked == 3

    # The order is invoiced (and, invoiced without an aviz, delivered): nothing left to make.
    await page.goto(f"{live_url}/editor/documents/{order_id}")
    await page.locator("#document-number").wait_for()
    assert await page.locator("button[data-convert]").count() == 0


async def test_aviz_from_an_order_partial_with_delegate(live_url, page):
    company = await make_company()
    await make_series(company, prefix="CMD", doc_type=DocType.order)  # no aviz series yet
    await make_client(name="Omega Trade SRL")
    await make_article("LAP", name="Laptop Dell")
    await make_article("CAF", name="Cafea boabe", vat_category="S-REDUSA", uom="KGM")
    await sign_in(page, live_url, "vanzari-avize")

    await page.goto(f"{live_url}/editor/documents/order/new")
    await page.locator("#partner").wait_for()
    await page.keyboard.type("omega")
    await page.locator("#partner-list [role=option]").first.wait_for()
    await page.keyboard.press("Enter")
    await type_line(page, "Laptop", "5", "3000")
    await type_line(page, "Cafea", "10", "50")
    await settled(page, 2)
    await page.keyboard.press("Control+Enter")
    await page.wait_for_url(re.compile(r"/editor/documents/\d+\?emis=1$"))
    order_id = int(re.search(r"/documents/(\d+)", page.url).group(1))

    await page.get_by_role("button", name="Generează aviz").click()
    await page.wait_for_url(re.compile(r"/editor/documents/\d+$"))
    aviz_id = int(page.url.rsplit("/", 1)[1])
    assert aviz_id != order_id
    assert re.match(r"Aviz – ciorna nr\. \d+", await page.locator("#doc-title").inner_text())
    # The client of a saved draft stays; the lines keep their order lines (article fixed).
    assert await page.locator("#partner").get_attribute("readonly") is not None
    rows = page.locator("#lines tr[data-key]")
    assert await rows.nth(0).locator("[data-col=article]").get_attribute("readonly") is not None
    assert await focused(rows.nth(2).locator("[data-col=article]"))  # a new, empty line

    # Only 2 laptops leave now; the delegate and the vehicle, typed from the keyboard.
    await rows.nth(0).locator("[data-col=quantity]").focus()
    await page.keyboard.type("2")
    await page.locator("#delegate").focus()
    await page.keyboard.type("Ion Pop, CI CJ 123456")
    await page.keyboard.press("Enter")
    assert await focused(page.locator("#vehicle"))
    await page.keyboard.type("CJ-01-ABC")
    await settled(page, 2)
    assert await shown_groups(page) == {
        Decimal(21): (Decimal("6000.00"), Decimal("1260.00")),
        Decimal(11): (Decimal("500.00"), Decimal("55.00")),
    }

    # No aviz series: refused in Romanian, the draft saved and still a draft.
    await page.keyboard.press("Control+Enter")
    alert = page.locator("#alert")
    await alert.get_by_text("SERIES_MISSING").wait_for()
    assert (await alert.inner_text()).startswith("Avizul nu a fost emis: Nu există o serie activă")
    await shot(page, "documents-04-aviz-refused")
    await make_series(company, prefix="AVZ", doc_type=DocType.delivery_note)
    await page.get_by_role("button", name=re.compile("Emite avizul")).click()
    await page.wait_for_url(re.compile(rf"/editor/documents/{aviz_id}\?emis=1$"))
    assert await page.locator("#document-number").inner_text() == "AVZ-00001"
    assert "Avizul AVZ-00001 a fost emis." in await page.locator(".notice").inner_text()
    facts = await page.locator(".facts").inner_text()
    assert "Ion Pop, CI CJ 123456" in facts
    assert "CJ-01-ABC" in facts
    await shot(page, "documents-05-aviz-issued")

    aviz = await Document.select().where(Document.id == aviz_id).first()
    assert (aviz["status"], aviz["delegate"], aviz["vehicle"]) == (
        "issued", "Ion Pop, CI CJ 123456", "CJ-01-ABC",
    )  # fmt: skip
    sources = await DocumentLine.select(DocumentLine.source_line, DocumentLine.quantity).where(
        DocumentLine.document == aviz_id
    )
    assert all(x["source_line"] for x in sources)
    assert sorted(Decimal(str(x["quantity"])) for x in sources) == [Decimal(2), Decimal(10)]

    # The order still has 3 laptops to deliver, and offers both the aviz and the invoice.
    await page.goto(f"{live_url}/editor/documents/{order_id}")
    left = page.locator("td[data-left=left_to_deliver]")
    assert [await left.nth(i).inner_text() for i in range(2)] == ["3", "0"]
    assert await page.locator("button[data-convert]").evaluate_all(
        "bs => bs.map(b => b.dataset.convert)"
    ) == ["invoice", "delivery_note"]

    # A document that does not exist: a page that says so, in Romanian.
    missing = await page.goto(f"{live_url}/editor/documents/999999")
    assert missing.status == 404
    assert "Documentul nr. 999999 nu există." in await page.locator(".alert").inner_text()
    await shot(page, "documents-06-not-found")
