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
    form = page.locator("form")
    await form.locator("input[name=name]").fill("Delta Comerț SRL")
    await form.locator("input[name=cui]").fill("RO12345675")  # wrong check digit
    await form.locator("input[name=city]").fill("Cluj-Napoca")
    await form.locator("input[name=county]").fill("Cluj")
    await page.get_by_role("button", name=re.compile("Creează|Create", re.I)).click()

    error = page.get_by_text(re.compile("cifra de control", re.I))
    await error.wait_for()
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
