"""The invoice editor in Chromium, keyboard only: pick the client by typing, type three lines,
watch the live totals per VAT rate follow the delivery date, issue with Ctrl+Enter; and the
refusals shown next to the cell, line removal, draft save and reload."""

from __future__ import annotations

import os
import re
from decimal import Decimal

import msgspec
import pytest
from playwright.async_api import expect

from controllers.editor import TotalsIn, draft_totals
from domain.org.permissions import SYSTEM
from domain.org.users import user_create
from tables.sales import Invoice, InvoiceLine, InvoiceVat
from tests.factories import make_article, make_client, make_company, make_series

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("CATASTIF_SCREENSHOTS")  # a folder, to look at what the user saw


@pytest.fixture
def page(page):
    """The shared page, failing the test on any script error of the editor."""
    errors: list[str] = []

    def note(text: str) -> None:
        if "/editor/" in page.url:  # the admin's own console noise is not ours
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


def amount(text: str) -> Decimal:
    """ "1.234,56 RON" -> Decimal("1234.56")"""
    number = text.replace("RON", "").replace("−", "-").strip()
    return Decimal(number.replace(".", "").replace(",", "."))


async def sign_in(page, live_url: str, username: str) -> None:
    await user_create(username=username, password="parola-editor-1", role="sales", by=SYSTEM)
    await page.goto(f"{live_url}/admin/")
    await page.locator("input[name=username]").fill(username)
    await page.locator("input[name=password]").fill("parola-editor-1")
    await page.get_by_role("button", name=re.compile("Autentificare|Login", re.I)).click()
    await page.wait_for_url(re.compile(r"/admin/#/$"))


async def type_line(page, search: str, quantity: str, price: str, discount: str = "") -> None:
    """From the article cell: search, Enter, quantity, Tab, price, Tab, discount, Enter."""
    await page.keyboard.type(search)
    await page.keyboard.press("Enter")
    await page.keyboard.type(quantity)
    await page.keyboard.press("Tab")
    await page.keyboard.type(price)
    await page.keyboard.press("Tab")
    await page.keyboard.type(discount)
    await page.keyboard.press("Enter")  # last cell of the last line: a new line


async def shown_groups(page) -> dict[Decimal, tuple[Decimal, Decimal]]:
    out = {}
    for row in await page.locator("#vat-groups tr[data-rate]").all():
        rate = Decimal(await row.get_attribute("data-rate"))
        out[rate] = (
            amount(await row.locator("td.base").inner_text()),
            amount(await row.locator("td.vat").inner_text()),
        )
    return out


async def settled(page, rows: int) -> None:
    """Wait until the totals show `rows` VAT groups and are no longer being recomputed."""
    await page.wait_for_function(
        "n => document.querySelectorAll('#vat-groups tr[data-rate]').length === n"
        " && !document.getElementById('vat-table').classList.contains('stale')",
        arg=rows,
    )


async def test_keyboard_only_invoice_with_live_totals(live_url, page):
    company = await make_company()
    await make_series(company)
    client = await make_client(name="Omega Trade SRL")
    await make_client(name="Beta Construct SRL", cui="34567892")
    laptop = await make_article("LAP", name="Laptop Dell")
    coffee = await make_article("CAF", name="Cafea boabe", vat_category="S-REDUSA", uom="KGM")
    book = await make_article("CRT", name="Carte tehnică", vat_category="S-REDUSA-5")
    await sign_in(page, live_url, "vanzari-editor")

    await page.goto(f"{live_url}/editor/invoices/new")
    partner = page.locator("#partner")
    await partner.wait_for()
    assert await partner.evaluate("el => el === document.activeElement")
    await page.keyboard.type("Omega")
    await page.locator("#partner-list [role=option]", has_text="Omega Trade SRL").wait_for()
    await page.keyboard.press("Enter")
    assert await page.locator("#partner-info").inner_text() == "CUI 12345674 · Cluj-Napoca"

    # The focus is in the first line's article cell: three lines, never touching the mouse.
    await type_line(page, "Laptop", "2", "1234,56", "10")
    await type_line(page, "Cafea", "2,5", "45,5")
    await type_line(page, "CRT", "3", "80")  # an exact code finds the article too
    rows = page.locator("#lines tr[data-key]")
    assert await rows.count() == 4  # and a fresh empty line, focused
    assert (
        await rows.nth(3)
        .locator("[data-col=article]")
        .evaluate("el => el === document.activeElement")
    )
    # The article fills its unit as the search answers (it may still be on its way).
    await expect(rows.nth(1).locator("[data-col=uom]")).to_have_value("KGM")
    assert await rows.nth(0).locator(".code-badge").inner_text() == "LAP"

    # Delivered before 1 August 2025: 19 / 9 / 5 %; from 1 August: 21 / 11 / 11 %.
    await page.locator("#delivery_date").fill("2025-07-31")
    await settled(page, 3)
    assert [await rows.nth(i).locator("td.c-rate").inner_text() for i in range(3)] == [
        "19%", "9%", "5%",
    ]  # fmt: skip
    assert await shown_groups(page) == {
        Decimal(19): (Decimal("2459.12"), Decimal("467.23")),  # 2 x 1234.56 - 10
        Decimal(9): (Decimal("113.75"), Decimal("10.24")),
        Decimal(5): (Decimal("240.00"), Decimal("12.00")),
    }
    await page.locator("#delivery_date").fill("2025-08-01")
    await settled(page, 2)
    await shot(page, "editor-01-lines")

    lines = [
        {"article": laptop, "quantity": "2", "unit_price": "1234.56", "discount": "10"},
        {"article": coffee, "quantity": "2.5", "unit_price": "45.5"},
        {"article": book, "quantity": "3", "unit_price": "80"},
    ]
    server = await draft_totals(
        msgspec.convert({"lines": lines, "delivery_date": "2025-08-01"}, TotalsIn, strict=False)
    )
    expected = {g.vat_rate: (g.base, g.vat) for g in server.groups}
    assert expected == {
        Decimal(21): (Decimal("2459.12"), Decimal("516.42")),
        Decimal(11): (Decimal("353.75"), Decimal("38.91")),
    }
    assert await shown_groups(page) == expected
    assert amount(await page.locator("#total-payable").inner_text()) == server.payable
    assert amount(await page.locator("#bar-payable").inner_text()) == Decimal("3368.20")
    assert [await rows.nth(i).locator("td.c-net").inner_text() for i in range(3)] == [
        "2.459,12", "113,75", "240,00",
    ]  # fmt: skip

    await page.keyboard.press("Control+Enter")
    await page.wait_for_url(re.compile(r"/editor/invoices/\d+\?emisa=1$"))
    number = page.locator("#invoice-number")
    assert re.fullmatch(r"FCT-\d+", await number.inner_text())
    await shot(page, "editor-02-issued")

    invoice = await Invoice.select().where(Invoice.partner == client).first()
    assert (invoice["status"], invoice["full_number"]) == ("issued", await number.inner_text())
    assert str(invoice["delivery_date"]) == "2025-08-01"
    saved = (
        await InvoiceLine.select()
        .where(InvoiceLine.invoice == invoice["id"])
        .order_by(InvoiceLine.position)
    )
    assert [(x["article"], Decimal(str(x["quantity"])), Decimal(str(x["unit_price"])))
            for x in saved] == [
        (laptop, Decimal(2), Decimal("1234.56")),
        (coffee, Decimal("2.5"), Decimal("45.5")),
        (book, Decimal(3), Decimal(80)),
    ]  # fmt: skip
    stored = await InvoiceVat.select().where(InvoiceVat.invoice == invoice["id"])
    assert {
        Decimal(str(g["vat_rate"])): (Decimal(str(g["base"])), Decimal(str(g["vat"])))
        for g in stored
    } == expected
    assert Decimal(str(invoice["payable"])) == Decimal("3368.20")
    assert await page.locator("a#pdf-link").get_attribute("href") == (
        f"/api/invoices/{invoice['id']}/pdf"
    )


async def test_refusals_remove_line_save_reopen_and_issue(live_url, page):
    company = await make_company()  # no numbering series yet
    await make_client(name="Omega Trade SRL")
    await make_article("LOC", name="Apartament Militari", vat_category="S-LOCUINTE")
    await make_article("LAP", name="Laptop Dell")
    await make_article("CAF", name="Cafea boabe", vat_category="S-REDUSA")

    # Without a session the page sends the user to the admin's login.
    await page.goto(f"{live_url}/editor/invoices/new")
    await page.wait_for_url(re.compile(r"/admin/"))
    await sign_in(page, live_url, "vanzari-erori")

    await page.goto(f"{live_url}/editor/invoices/new")
    await page.locator("#partner").wait_for()
    await page.keyboard.type("omega")
    await page.locator("#partner-list [role=option]").first.wait_for()
    await page.keyboard.press("Enter")
    await type_line(page, "Apartament", "1", "250000")
    await type_line(page, "Laptop", "1", "3000")
    await type_line(page, "Cafea", "4", "50")

    # The transitional 9 % for housing ended on 31 July 2026: the line says so.
    await page.locator("#delivery_date").fill("2026-08-03")
    row = page.locator("#lines tr[data-key]").first
    error = page.locator("#lines tr.line-err").first  # right under the line
    await error.get_by_text("nu are o cotă în vigoare la 03.08.2026").wait_for()
    assert (
        (await error.inner_text())
        .strip()
        .startswith("Categorie TVA: Categoria de TVA «S-LOCUINTE»")
    )
    assert "(VAT_RATE_MISSING)" in await error.inner_text()
    assert await row.locator("[data-col=cat]").get_attribute("aria-invalid") == "true"
    await shot(page, "editor-03-refusal")

    # Alt+T reaches the line's VAT category; the standard rate clears the refusal.
    await row.locator("[data-col=article]").focus()
    await page.keyboard.press("Alt+t")
    assert await row.locator("[data-col=cat]").evaluate("el => el === document.activeElement")
    await row.locator("[data-col=cat]").select_option("S-STANDARD")
    await settled(page, 2)
    assert not await error.is_visible()
    assert await row.locator("[data-col=cat]").get_attribute("aria-invalid") is None
    assert await row.locator("td.c-rate").inner_text() == "21%"

    # Ctrl+Delete removes the line the focus is in (the laptop).
    await page.locator("#lines tr[data-key]").nth(1).locator("[data-col=quantity]").focus()
    await page.keyboard.press("Control+Delete")
    assert await page.locator("#lines tr[data-key]").count() == 3
    assert await page.locator("#lines tr[data-key]").nth(1).locator(
        "[data-col=article]"
    ).input_value() == ("Cafea boabe")
    await settled(page, 2)
    assert await shown_groups(page) == {
        Decimal(21): (Decimal("250000.00"), Decimal("52500.00")),
        Decimal(11): (Decimal("200.00"), Decimal("22.00")),
    }

    await page.keyboard.press("Control+s")
    await page.wait_for_url(re.compile(r"/editor/invoices/\d+$"))
    await page.get_by_text(re.compile(r"Ciorna nr\. \d+ a fost salvată")).wait_for()
    draft_id = int(page.url.rsplit("/", 1)[1])
    assert await InvoiceLine.count().where(InvoiceLine.invoice == draft_id) == 2

    await page.reload()
    await settled(page, 2)
    reopened = page.locator("#lines tr[data-key]")
    assert await reopened.count() == 3  # the two saved lines and an empty one
    assert await reopened.nth(0).locator("[data-col=cat]").input_value() == "S-STANDARD"
    assert await reopened.nth(1).locator("[data-col=quantity]").input_value() == "4"
    assert await page.locator("#partner").input_value() == "Omega Trade SRL"
    assert await page.locator("#vat_regime").input_value() == "normal"
    await shot(page, "editor-04-reopened")

    # Without a numbering series the issue is refused in Romanian; the draft stays a draft.
    await page.keyboard.press("Control+Enter")
    alert = page.locator("#alert")
    await alert.get_by_text("SERIES_MISSING").wait_for()
    assert "Factura nu a fost emisă: Nu există o serie activă" in await alert.inner_text()
    await shot(page, "editor-05-issue-refused")
    status = await Invoice.select(Invoice.status).where(Invoice.id == draft_id).first()
    assert status["status"] == "draft"
    await make_series(company)
    await page.get_by_role("button", name=re.compile("Emite factura")).click()
    await page.wait_for_url(re.compile(rf"/editor/invoices/{draft_id}\?emisa=1$"))
    assert await page.locator("#invoice-number").inner_text() == "FCT-00001"
