"""Prices from the price lists in the document editor, in Chromium, keyboard only: a line
priced from the client's own list and named after it, another from the company's base
list, the list of a line changed (Alt+L, ↑/↓) and refused when it has no price, a quantity
tier, a typed price that clears the list, the lists kept through save and reopen; and a
change of client re-pricing, in one call, the lines that came from a list."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal

import pytest
from playwright.async_api import expect

from domain.org.permissions import SYSTEM
from domain.pricing.ops import assignment_add, price_list_create, price_set
from tables.choices import PriceTarget
from tables.sales import InvoiceLine
from tests.browser.test_editor import settled, shot, sign_in
from tests.factories import make_article, make_client, make_company, make_series

pytestmark = pytest.mark.browser


@pytest.fixture
def page(page):
    """The shared page, failing the test on any script error of the editor."""
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


async def new_list(code: str, name: str, prices: dict[int, str], **assigned: object) -> int:
    list_id = await price_list_create(values={"code": code, "name": name}, by=SYSTEM)
    for article, price in prices.items():
        await price_set(
            list_id=list_id, article=article,
            values={"price": Decimal(price), "valid_from": date(2025, 1, 1)}, by=SYSTEM,
        )  # fmt: skip
    if assigned:
        await assignment_add(list_id=list_id, values=assigned, by=SYSTEM)
    return list_id


@pytest.fixture
async def world() -> dict[str, int]:
    company = await make_company()
    await make_series(company)
    omega = await make_client(name="Omega Trade SRL")
    beta = await make_client(name="Beta Construct SRL", cui="34567892")
    laptop = await make_article("LAP", name="Laptop Dell")
    coffee = await make_article("CAF", name="Cafea boabe", vat_category="S-REDUSA")
    base = await new_list(
        "BAZA", "Listă de bază", {laptop: "1000", coffee: "50"}, target=PriceTarget.company
    )
    await price_set(  # from 10 laptops on, cheaper
        list_id=base, article=laptop,
        values={"price": Decimal(950), "min_quantity": Decimal(10),
                "valid_from": date(2025, 1, 1)}, by=SYSTEM,
    )  # fmt: skip
    partner = await new_list(
        "OMEGA", "Prețuri Omega", {laptop: "900"}, target=PriceTarget.partner, partner=omega
    )
    export = await new_list("EXP", "Listă export", {laptop: "800"})  # no coffee, no assignment
    return {"omega": omega, "beta": beta, "laptop": laptop, "coffee": coffee, "base": base,
            "partner": partner, "export": export}  # fmt: skip


def cells(page, row: int):
    line = page.locator("#lines tr[data-key]").nth(row)
    return line.locator("[data-col=unit_price]"), line.locator("[data-col=list]")


async def priced(page, row: int, price: str, list_name: str) -> None:
    """Wait until the line shows this price and this list."""
    price_cell, list_cell = cells(page, row)
    await expect(price_cell).to_have_value(price)
    await expect(list_cell.locator("option:checked")).to_have_text(list_name)


async def pick_client(page, name: str) -> None:
    await page.keyboard.type(name)
    await page.locator("#partner-list [role=option]", has_text=name).wait_for()
    await page.keyboard.press("Enter")


async def add_article(page, search: str) -> None:
    """From a blank line's article cell: search, Enter (the focus goes to the quantity)."""
    await page.keyboard.type(search)
    await page.keyboard.press("Enter")


async def next_line(page) -> None:
    """From the quantity: Enter to the price, the discount, then a new line."""
    for _ in range(3):
        await page.keyboard.press("Enter")


async def test_lines_priced_from_the_clients_list_changed_typed_saved(live_url, page, world):
    await sign_in(page, live_url, "vanzari-preturi")
    await page.goto(f"{live_url}/editor/invoices/new")
    await page.locator("#partner").wait_for()
    head = page.locator("#lines-head th.c-list")
    assert await head.inner_text() == "Listă"
    await pick_client(page, "Omega")

    # The client's own list prices the laptop, and the cell names it, with its reasons.
    await add_article(page, "Laptop")
    await priced(page, 0, "900", "Prețuri Omega")
    _, first_list = cells(page, 0)
    assert "Prețuri Omega" in await first_list.get_attribute("title")
    await next_line(page)
    # The client's list has no coffee: the company's base list prices it.
    await add_article(page, "Cafea")
    await priced(page, 1, "50", "Listă de bază")
    assert "Prețuri Omega" in await cells(page, 1)[1].get_attribute("title")  # passed over
    await next_line(page)
    await add_article(page, "Laptop")
    await priced(page, 2, "900", "Prețuri Omega")
    await settled(page, 2)
    await shot(page, "prices-01-priced")

    # Alt+L reaches the first line's list; ↑ ↑ chooses the base list: its price.
    await cells(page, 0)[0].focus()
    await page.keyboard.press("Alt+l")
    assert await first_list.evaluate("el => el === document.activeElement")
    assert [x.strip() for x in await first_list.locator("option").all_inner_texts()] == [
        "(preț manual)", "Listă de bază", "Listă export", "Prețuri Omega",
    ]  # fmt: skip
    await page.keyboard.press("ArrowUp")
    await page.keyboard.press("ArrowUp")
    await priced(page, 0, "1000", "Listă de bază")
    # Ten laptops: the base list's tier from 10 pieces.
    await page.locator("#lines tr[data-key]").nth(0).locator("[data-col=quantity]").focus()
    await page.keyboard.type("10")
    await priced(page, 0, "950", "Listă de bază")
    assert "de la cantitatea 10" in await first_list.get_attribute("title")

    # A list without a price for the coffee: refused on the line, the price stays.
    coffee_price, coffee_list = cells(page, 1)
    await coffee_price.focus()
    await page.keyboard.press("Alt+l")
    await page.keyboard.press("ArrowDown")  # «Listă export»
    error = page.locator("#lines tr.line-err").nth(1)
    await error.get_by_text("nu are preț pentru acest articol").wait_for()
    assert (
        (await error.inner_text())
        .strip()
        .startswith("Lista de prețuri: Lista «Listă export» (aleasă pe linie): nu are preț")
    )
    await priced(page, 1, "50", "Listă de bază")
    assert await coffee_list.get_attribute("aria-invalid") == "true"
    await shot(page, "prices-02-refused")

    # A price typed by hand is nobody's list.
    await coffee_price.focus()
    await page.keyboard.type("48")
    await priced(page, 1, "48", "(preț manual)")
    assert not await error.is_visible()
    await settled(page, 2)
    await shot(page, "prices-03-changed")

    await page.keyboard.press("Control+s")
    await page.wait_for_url(re.compile(r"/editor/invoices/\d+$"))
    await page.get_by_text(re.compile(r"Ciorna nr\. \d+ a fost salvată")).wait_for()
    draft_id = int(page.url.rsplit("/", 1)[1])
    saved = (
        await InvoiceLine.select(InvoiceLine.unit_price, InvoiceLine.price_list)
        .where(InvoiceLine.invoice == draft_id)
        .order_by(InvoiceLine.position)
    )
    assert [(Decimal(str(x["unit_price"])), x["price_list"]) for x in saved] == [
        (Decimal(950), world["base"]), (Decimal(48), None), (Decimal(900), world["partner"]),
    ]  # fmt: skip

    # Reopened: each line shows the list it was saved with.
    await page.reload()
    await settled(page, 2)
    await priced(page, 0, "950", "Listă de bază")
    await priced(page, 1, "48", "(preț manual)")
    await priced(page, 2, "900", "Prețuri Omega")
    await shot(page, "prices-04-reopened")


async def test_another_client_reprices_list_lines_in_one_call(live_url, page, world):
    resolves: list[dict] = []
    page.on(
        "request",
        lambda r: resolves.append(json.loads(r.post_data)) if r.url.endswith("/resolve") else None,
    )
    await sign_in(page, live_url, "vanzari-client")
    await page.goto(f"{live_url}/editor/invoices/new")
    await page.locator("#partner").wait_for()
    await pick_client(page, "Beta")
    await add_article(page, "Laptop")
    await priced(page, 0, "1000", "Listă de bază")
    await next_line(page)
    await add_article(page, "Cafea")
    await priced(page, 1, "50", "Listă de bază")
    await page.keyboard.press("Enter")
    await page.keyboard.type("45")  # typed: stays whatever the client
    await page.keyboard.press("Enter")
    await page.keyboard.press("Enter")
    await add_article(page, "Laptop")
    await priced(page, 2, "1000", "Listă de bază")
    await settled(page, 2)

    resolves.clear()
    await page.locator("#partner").fill("")
    await pick_client(page, "Omega")
    await priced(page, 0, "900", "Prețuri Omega")
    await priced(page, 1, "45", "(preț manual)")
    await priced(page, 2, "900", "Prețuri Omega")
    assert len(resolves) == 1  # one call, for the lines that came from a list
    assert resolves[0]["partner"] == world["omega"]
    assert [x["article"] for x in resolves[0]["lines"]] == [world["laptop"]] * 2
