"""«Reevaluare valutară» in the admin: the accountant sees what a month would book, runs
it and sees it again; only the administrator undoes it; refusals in Romanian."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from domain.org.permissions import SYSTEM
from domain.sales.invoices import invoice_draft_create, invoice_issue
from tables.org import ExchangeRate
from tables.payments import FxRevaluation
from tests.admin.test_sales_forms import post_form
from tests.factories import make_article, make_client, make_company, make_series

FORM = "Reevaluare valutară"


async def eur_invoice() -> None:
    company = await make_company()
    await make_series(company)
    await ExchangeRate.insert(
        ExchangeRate(currency="EUR", day=date(2026, 3, 9), rate=Decimal("5.0000")),
        ExchangeRate(currency="EUR", day=date(2026, 3, 31), rate=Decimal("4.9500")),
    )
    draft = await invoice_draft_create(
        company_id=company, partner_id=await make_client(), by=SYSTEM,
        header={"issue_date": date(2026, 3, 10), "currency": "EUR"},
        lines=[{"article": await make_article(), "quantity": 1, "unit_price": "1000"}],
    )  # fmt: skip
    await invoice_issue(invoice_id=draft, by=SYSTEM)


def answer(response) -> str:
    assert response.status_code == 200, response.text
    return response.json()["custom_form_success"]


async def test_the_accountant_runs_a_month_the_administrator_undoes_it(login):
    await eur_invoice()
    accountant = await login("accountant")
    month = {"month": "2026-03-05"}
    preview = answer(await post_form(accountant, FORM, {**month, "action": "vezi"}))
    assert "Reevaluarea valutară a lunii 03.2026 (neînregistrată), curs BNR din 31.03.2026" in (
        preview)  # fmt: skip
    # 1210 EUR booked at 6050.00 lei, at 4.9500 = 5989.50: a loss of 60.50.
    assert "FCT-00001: 1.210,00 EUR, în evidență 6.050,00 lei (curs 5,0000), la 4,9500 = " in (
        preview)  # fmt: skip
    assert "5.989,50 lei: pierdere 60,50 lei" in preview
    assert await FxRevaluation.count() == 0

    done = answer(await post_form(accountant, FORM, month))
    assert "(nota nr. " in done
    assert "din 31.03.2026, stornată prin nota nr. " in done
    assert "Total: câștig (7651) 0,00 lei, pierdere (6651) 60,50 lei." in done
    again = answer(await post_form(accountant, FORM, month))
    assert again.startswith("Luna era deja reevaluată.")

    refused = await post_form(accountant, FORM, {**month, "action": "anulează"})
    assert refused.status_code >= 400
    assert "Doar un administrator poate anula o reevaluare valutară" in refused.text
    admin = await login("admin")
    undone = answer(await post_form(admin, FORM, {**month, "action": "anulează"}))
    assert "anulată (stornată) de " in undone
    assert "«reevaluează» o înregistrează din nou" in undone
    # The month is revalued again: a new revaluation beside the undone one.
    rerun = answer(await post_form(accountant, FORM, month))
    assert "(nota nr. " in rerun
    assert "pierdere (6651) 60,50 lei." in rerun
    assert await FxRevaluation.count() == 2

    february = answer(await post_form(accountant, FORM, {"month": "2026-02-10", "action": "vezi"}))
    assert february.endswith("nu există creanțe în valută neîncasate la 28.02.2026.")
    early = await post_form(accountant, FORM, {"month": "2099-01-01"})
    assert "FX_REVALUATION_MONTH_NOT_ENDED" in early.text
