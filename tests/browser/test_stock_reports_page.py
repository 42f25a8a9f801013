"""The stock reports in Chromium: a salesperson (the stock is theirs, the books are not)
opens «Rapoarte», finds the laptop for the stock card of the shop and reads its moves,
then the value of the stock per warehouse with its chart, drawn on the server, with no
script on the page."""

from __future__ import annotations

import os
import re

import pytest

from domain.org.permissions import SYSTEM
from domain.org.users import user_create
from tests.api.test_stock_reports_api import make_stock

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("CATASTIF_SCREENSHOTS")  # a folder, to look at what the user saw
PASSWORD = "parola-stocuri-1"


async def shot(page, name: str) -> None:
    if SHOTS:
        await page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


async def test_stock_card_and_valuation(live_url, page):
    stock = await make_stock()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    await user_create(username="vanzator", password=PASSWORD, role="sales", by=SYSTEM)
    await page.goto(f"{live_url}/admin/")
    await page.locator("input[name=username]").fill("vanzator")
    await page.locator("input[name=password]").fill(PASSWORD)
    await page.get_by_role("button", name=re.compile("Autentificare|Login", re.I)).click()
    await page.wait_for_url(re.compile(r"/admin/#/$"))
    await page.goto(f"{live_url}/reports/")
    await page.get_by_role("link", name="Fișa de magazie").first.click()
    await page.wait_for_url(re.compile(r"/reports/stock-card"))

    await page.locator("select[name=warehouse]").select_option(label="MAG — Magazin Cluj")
    await page.locator("input[name=q]").fill("lapt")
    await page.locator("input[name=start]").fill("2026-03-01")
    await page.locator("input[name=end]").fill("2026-03-31")
    await page.get_by_role("button", name="Caută").click()
    await page.get_by_role("link", name="Laptop").click()
    await page.locator("#stock-card").wait_for()
    await shot(page, "stock-01-card")
    moves = page.locator('#stock-card tr[data-row="move"]')
    assert await moves.count() == 2
    cells = [c.strip() for c in await moves.nth(1).locator("td").all_inner_texts()]
    assert cells == ["10.03.2026", "Factură", stock["invoice"], "", "3", "2.100,00", "",
                     "6.300,00", "17", "35.700,00"]  # fmt: skip
    assert "format=pdf" in await page.get_by_role("link", name="PDF").get_attribute("href")

    await page.get_by_role("link", name="Valoarea stocului pe gestiuni").first.click()
    await page.wait_for_url(re.compile(r"/reports/stock-valuation"))
    await page.locator("input[name=on]").fill("2026-03-31")
    await page.get_by_role("button", name="Afișează").click()
    await page.locator("figure.chart svg").wait_for()
    await shot(page, "stock-02-valuation")
    assert await page.locator("script").count() == 0
    total = [c.strip() for c in await page.locator("#valuation tfoot td").all_inner_texts()]
    assert total == ["Total", "35.800,25"]
    assert errors == [], errors
