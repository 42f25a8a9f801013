"""The bank statements page as an accountant uses it: sign in, upload the bank's MT940
file, see the proposals, confirm one with its amount changed, ignore a fee."""

from __future__ import annotations

import re

import pytest

from domain.org.permissions import SYSTEM
from domain.org.users import user_create
from tables.payments import Allocation, BankStatementLine, Receipt
from tests.ops.test_bank_statements import DATA
from tests.ops.test_bank_statements import env as env

pytestmark = pytest.mark.browser
PASSWORD = "parola-contabil-1"


async def test_upload_confirm_and_ignore(live_url, page, env):
    await user_create(username="ana", password=PASSWORD, role="accountant", by=SYSTEM)
    await page.goto(f"{live_url}/admin/")
    await page.locator("input[name=username]").fill("ana")
    await page.locator("input[name=password]").fill(PASSWORD)
    await page.get_by_role("button", name=re.compile("Autentificare|Login", re.I)).click()
    await page.wait_for_url(re.compile(r"/admin/#/$"))

    await page.goto(f"{live_url}/bank-statements/?company={env['company']}")
    await page.locator("input[type=file]").set_input_files(str(DATA / "bt_ron_2zile.sta"))
    await page.get_by_role("button", name="Importă").click()
    message = page.locator("#message")
    await message.filter(has_text="6 linii noi").wait_for()
    assert await BankStatementLine.count() == 6

    first = page.locator("tr[data-line]", has_text="Plata fact. FCT 1")
    await first.locator("input.alloc").fill("100,00")  # the accountant pays 100 of it
    await first.get_by_role("button", name="Confirmă").click()
    await message.filter(has_text="a fost înregistrată").wait_for()
    assert await Receipt.count() == 1
    (allocation,) = await Allocation.select(Allocation.amount)
    assert float(allocation["amount"]) == 100.0

    fee = page.locator("tr[data-line]", has_text="Comision încasare OP")
    await fee.get_by_role("button", name="Ignoră").click()
    await (
        page.locator("tr[data-line]", has_text="Comision încasare OP")
        .get_by_role("button", name="Readu")
        .wait_for()
    )
    statuses = {r["status"] for r in await BankStatementLine.select(BankStatementLine.status)}
    assert "ignored" in statuses
    assert "confirmed" in statuses
