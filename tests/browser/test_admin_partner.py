"""A back-office user adds a partner in the admin: a wrong CUI is refused in Romanian,
the corrected one is saved."""

from __future__ import annotations

import os
import re

import pytest

from domain.org.permissions import SYSTEM
from domain.org.users import user_create
from tables.partners import Partner

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("CATASTIF_SCREENSHOTS")  # a folder, to look at what the user saw


async def shot(page, name: str) -> None:
    if SHOTS:
        await page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


async def test_partner_with_wrong_cui_is_refused_then_saved(live_url, page):
    await user_create(username="maria", password="parola-maria-1", role="sales", by=SYSTEM)

    await page.goto(f"{live_url}/admin/")
    await page.locator("input[name=username]").fill("maria")
    await page.locator("input[name=password]").fill("parola-maria-1")
    await page.get_by_role("button", name=re.compile("Autentificare|Login", re.I)).click()
    await page.wait_for_url(re.compile(r"/admin/#/$"))
    await shot(page, "01-home")

    await page.goto(f"{live_url}/admin/#/partener/add/")
    await page.wait_for_load_state("networkidle")  # the form fills its defaults after load
    form = page.locator("form")
    await form.locator("input[name=name]").fill("Delta Comerț SRL")
    await form.locator("input[name=cui]").fill("RO12345675")  # wrong check digit
    await form.locator("input[name=city]").fill("Cluj-Napoca")
    await form.locator("input[name=county]").fill("Cluj")
    await page.get_by_role("button", name=re.compile("Creează|Create", re.I)).click()

    error = page.get_by_text(re.compile("cifra de control", re.I))
    try:
        await error.wait_for(timeout=10000)
    finally:
        await shot(page, "02-cui-refused")
    await shot(page, "02-cui-refused")
    assert "CUI_INVALID" in await error.inner_text()
    assert await Partner.count() == 0

    await form.locator("input[name=cui]").fill("RO12345674")
    await page.get_by_role("button", name=re.compile("Creează|Create", re.I)).click()
    saved = None
    for _ in range(100):  # the SPA saves asynchronously; wait for the row, 10 s at most
        saved = await Partner.select().where(Partner.cui == "12345674").first()
        if saved:
            break
        await page.wait_for_timeout(100)
    await shot(page, "03-saved")
    assert saved is not None
    assert saved["name"] == "Delta Comerț SRL"
    assert saved["county"] == "RO-CJ"  # normalised by the same rule as the API


async def test_lists_show_partners_and_invoices_with_names(live_url, page):
    """The list pages render (a primary key among the visible columns once broke them)."""
    from datetime import date

    from domain.sales.invoices import invoice_draft_create, invoice_issue
    from tests.factories import make_article, make_client, make_company, make_series

    company = await make_company()
    await make_series(company)
    client = await make_client(name="Omega Trade SRL")
    draft = await invoice_draft_create(
        company_id=company, partner_id=client, by=SYSTEM,
        header={"issue_date": date(2026, 11, 2)},
        lines=[{"article": await make_article(), "quantity": 1, "unit_price": 10}],
    )  # fmt: skip
    await invoice_issue(invoice_id=draft, by=SYSTEM)
    await user_create(username="ana", password="parola-ana-12", role="accountant", by=SYSTEM)

    await page.goto(f"{live_url}/admin/")
    await page.locator("input[name=username]").fill("ana")
    await page.locator("input[name=password]").fill("parola-ana-12")
    await page.get_by_role("button", name=re.compile("Autentificare|Login", re.I)).click()
    await page.wait_for_url(re.compile(r"/admin/#/$"))

    await page.goto(f"{live_url}/admin/#/partener/")
    await page.get_by_role("cell", name="Omega Trade SRL").first.wait_for()
    await page.goto(f"{live_url}/admin/#/factura/")
    row = page.get_by_role("row", name=re.compile("FCT-00001"))
    await row.wait_for()
    await shot(page, "04-invoices")
    assert "Omega Trade SRL" in await row.inner_text()  # the partner by name, not by id
    assert "Emisă" in await row.inner_text()
