"""The reports in Chromium: an accountant signs in to the admin, follows «Rapoarte» in its
sidebar, opens the trial balance, chooses February and reads the balanced totals; then the
efficiency chart, drawn on the server, with no script on the page."""

from __future__ import annotations

import os
import re
from datetime import date

import pytest

from domain.org.permissions import SYSTEM
from domain.org.users import user_create
from tests.ops.test_reports import goods_sale, make_books

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("CATASTIF_SCREENSHOTS")  # a folder, to look at what the user saw
PASSWORD = "parola-rapoarte-1"


async def shot(page, name: str) -> None:
    if SHOTS:
        await page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


async def test_trial_balance_from_the_admin_sidebar(live_url, page):
    books = await make_books()
    await goods_sale(books)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if "/reports" in page.url
            and m.type == "error" else None)  # fmt: skip
    await user_create(username="contabila", password=PASSWORD, role="accountant", by=SYSTEM)
    await page.goto(f"{live_url}/admin/")
    await page.locator("input[name=username]").fill("contabila")
    await page.locator("input[name=password]").fill(PASSWORD)
    await page.get_by_role("button", name=re.compile("Autentificare|Login", re.I)).click()
    await page.wait_for_url(re.compile(r"/admin/#/$"))

    await page.get_by_role("link", name="Rapoarte").click()
    await page.wait_for_url(re.compile(r"/reports/?$"))
    await shot(page, "reports-00-index")
    await page.get_by_role("link", name="Balanța de verificare").first.click()
    await page.wait_for_url(re.compile(r"/reports/trial-balance"))
    await page.locator("input[name=start]").fill("2026-02-01")
    await page.locator("input[name=end]").fill("2026-02-28")
    await page.get_by_role("button", name="Afișează").click()
    await page.wait_for_url(re.compile(r"start=2026-02-01"))
    await page.locator("#trial-balance").wait_for()
    await shot(page, "reports-01-trial-balance")
    assert "echilibrată" in await page.locator("#balanced").inner_text()
    row = page.locator('#trial-balance tr[data-code="4111"][data-level="account"] td')
    cells = [c.strip() for c in await row.all_inner_texts()]
    assert cells == ["4111", "Clienți", "", "", "1.210,00", "1.000,00", "1.210,00",
                     "1.000,00", "210,00", ""]  # fmt: skip
    total = [c.strip() for c in await page.locator("tfoot tr td").all_inner_texts()]
    assert total == ["Total balanță", "300,00", "300,00", "2.810,00", "2.810,00", "4.320,00",
                     "4.320,00", "2.720,00", "2.720,00"]  # fmt: skip
    pdf = page.get_by_role("link", name="PDF")
    assert "format=pdf" in await pdf.get_attribute("href")

    # The five equalities on demand: the months before the period appear.
    await page.locator("select[name=layout]").select_option("5")
    await page.get_by_role("button", name="Afișează").click()
    await page.get_by_role("columnheader", name="Rulaje precedente").wait_for()

    await page.get_by_role("link", name=re.compile("Eficiență")).first.click()
    await page.wait_for_url(re.compile(r"/reports/efficiency"))
    await page.locator("input[name=start]").fill(date(2026, 2, 1).isoformat())
    await page.get_by_role("button", name="Afișează").click()
    await page.locator("figure.chart svg").wait_for()
    await shot(page, "reports-02-efficiency")
    assert await page.locator("script").count() == 0
    assert "Marjă brută" in await page.locator("figure.chart svg").text_content()
    assert errors == [], errors
