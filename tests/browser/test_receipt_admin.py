"""Issue 7's browser test: a cashier signs in to the admin, records a chitanță against two
invoices with «Încasare nouă», then prints it with «Tipărire chitanță (PDF)»; the PDF
downloads and says the number, the amount in words and both invoices."""

from __future__ import annotations

import os
import re
from datetime import date

import pytest

from domain.org.permissions import SYSTEM
from domain.org.users import user_create
from domain.payments.cash_desks import cash_desk_create
from tables.choices import DocType
from tables.payments import Receipt
from tests.factories import make_series
from tests.printing.test_invoice_pdf import issue, make_issuer, pdf_text

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("CATASTIF_SCREENSHOTS")  # a folder, to look at what the user saw
PASSWORD = "parola-casier-1"


async def shot(page, name: str) -> None:
    if SHOTS:
        await page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


async def open_form(page, live_url: str, name: str):
    """The form's own page, loaded afresh (the SPA keeps a submitted form's answer)."""
    forms = await (await page.request.get(f"{live_url}/admin/api/forms/")).json()
    (slug,) = [f["slug"] for f in forms if f["name"] == name]
    await page.goto(f"{live_url}/admin/#/forms/{slug}")
    await page.reload()
    await page.wait_for_load_state("networkidle")  # the form fills its defaults after load
    return page.locator("form")


async def test_chitanta_for_two_invoices_recorded_and_printed(live_url, page, tmp_path):
    ids = await make_issuer()
    series = await make_series(ids["company"], "CH", doc_type=DocType.receipt)
    await cash_desk_create(
        values={"company": ids["company"], "code": "C1", "name": "Casa 1", "series": series},
        by=SYSTEM,
    )
    await issue(ids, date(2026, 11, 2))  # FCT-00001, 2.569,85 lei
    await issue(ids, date(2026, 11, 3))  # FCT-00002
    await user_create(username="elena", password=PASSWORD, role="cashier", by=SYSTEM)

    await page.goto(f"{live_url}/admin/")
    await page.locator("input[name=username]").fill("elena")
    await page.locator("input[name=password]").fill(PASSWORD)
    await page.get_by_role("button", name=re.compile("Autentificare|Login", re.I)).click()
    await page.wait_for_url(re.compile(r"/admin/#/$"))

    form = await open_form(page, live_url, "Încasare nouă")
    await form.locator("input[name=partner]").fill("RO12345674")
    await form.locator("input[name=amount]").fill("3.000,00")
    await form.locator("input[name=day]").fill("2026-11-05")
    await form.locator("input[name=invoices]").fill("FCT-00001; FCT-00002 = 430,15")
    await shot(page, "receipt-01-form")
    await form.get_by_role("button").last.click()
    done = page.get_by_text(re.compile("Chitanța CH-00001 a fost înregistrată"))
    try:
        await done.wait_for(timeout=15000)
    finally:
        await shot(page, "receipt-02-recorded")
    assert "FCT-00002: 430,15, rămân 2.139,70" in await done.inner_text()
    assert await Receipt.count() == 1

    form = await open_form(page, live_url, "Tipărire chitanță (PDF)")
    await form.locator("input[name=receipt]").fill("CH-00001")
    async with page.expect_download() as downloading:
        await form.get_by_role("button").last.click()
    download = await downloading.value
    await shot(page, "receipt-03-printed")
    assert download.suggested_filename == "CH-00001.pdf"
    path = tmp_path / "chitanta.pdf"
    await download.save_as(path)
    text = " ".join(pdf_text(path, layout=True).split())
    assert "Seria CH nr. 00001" in text
    assert "trei mii de lei" in text
    assert "Factura FCT-00001 02.11.2026 2.569,85 RON" in text
    assert "Factura FCT-00002 03.11.2026 430,15 RON" in text
