"""«Contabilitate» in the admin, through its HTTP API with real sessions: a company added
there gets its chart; the chart takes analytic accounts and keeps the general ones; the
default accounts are checked; entries are read-only; the forms (manual entry typed as
"5121 = 4551; 1000; ...", close and reopen a month, doubtful client) call the domain and
answer in Romanian. The typed-lines grammar is tested on its own first."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import httpx
import pytest

from admin.forms.ledger_forms import TypedLine, _amount, merge_lines, parse_lines
from domain.core.errors import ValidationFailed
from domain.ledger.chart import official_chart
from domain.ledger.manual import manual_entry_create
from domain.org.permissions import SYSTEM
from tables.ledger import Account, AccountMapping, ClosedPeriod, JournalEntry, JournalLine
from tables.org import Company
from tests.admin.test_sales_forms import post_form
from tests.factories import make_client, make_company

API = "/admin/api"
ACCOUNTS = f"{API}/tables/cont_contabil"


async def _new_row(client: httpx.AsyncClient, table: str, **values: Any) -> dict[str, Any]:
    """What the SPA posts on «Add»: the defaults from /new/, typed over."""
    response = await client.get(f"{API}/tables/{table}/new/")
    assert response.status_code == 200, response.text
    return {k: v for k, v in response.json().items() if k != "id"} | values


def form_error(response: httpx.Response) -> str:
    assert response.status_code == 422, response.text
    return response.json()["custom_form_error"]


def form_success(response: httpx.Response) -> str:
    assert response.status_code == 200, response.text
    return response.json()["custom_form_success"]


async def account_id(code: str) -> int:
    row = await Account.select(Account.id).where(Account.code == code).first()
    return row["id"]


# ------------------------------------------------------------------------------ grammar


def test_rows_typed_the_way_accountants_write_notes():
    typed = parse_lines(
        "# vânzare\n"
        "4111 (RO12345674) = 707; 1.000,00; Factura 12\n"
        "\n"
        "4111 (RO12345674) = 4427 ; 210 ; Factura 12\n"
        "5121;4551 (1850715420011);1 500.5;Împrumut; tranșa 1\n"
        "6581\t5311\t-10\n"
    )
    assert typed == [
        TypedLine("debit", "4111", "RO12345674", Decimal("1000.00"), "Factura 12"),
        TypedLine("credit", "707", "", Decimal("1000.00"), "Factura 12"),
        TypedLine("debit", "4111", "RO12345674", Decimal("210"), "Factura 12"),
        TypedLine("credit", "4427", "", Decimal("210"), "Factura 12"),
        TypedLine("debit", "5121", "", Decimal("1500.5"), "Împrumut; tranșa 1"),
        TypedLine("credit", "4551", "1850715420011", Decimal("1500.5"), "Împrumut; tranșa 1"),
        TypedLine("debit", "6581", "", Decimal("-10"), ""),
        TypedLine("credit", "5311", "", Decimal("-10"), ""),
    ]
    merged = merge_lines(typed[:4])
    assert [(x.side, x.account, x.amount) for x in merged] == [
        ("debit", "4111", Decimal("1210.00")),
        ("credit", "707", Decimal("1000.00")),
        ("credit", "4427", Decimal("210")),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Scrieți cel puțin un rând al notei."),
        ("5121 = 4551", "Rândul 1: lipsește suma."),
        ("5121 4551 1000", "Rândul 1: scrieți «cont debitor = cont creditor; sumă; explicație»."),
        ("\nbanca = 4551; 10", "Rândul 2: «banca» nu este un cont"),
        ("5121 = 4551 (RO1; 10", "Rândul 1: «4551 (RO1» nu este un cont"),
        ("5121 = 4551; zece", "Valoarea «zece» nu este un număr valid"),
    ],
)
def test_rows_that_cannot_be_read_say_which_and_why(text: str, message: str):
    with pytest.raises(ValidationFailed) as caught:
        parse_lines(text)
    assert caught.value.message_ro.startswith(message), caught.value.message_ro


@pytest.mark.parametrize(
    ("text", "value"),
    [("1000", "1000"), ("1.000,50", "1000.50"), ("1,000.50", "1000.50"), ("12,5", "12.5"),
     ("1 250,00", "1250.00"), ("-3,10", "-3.10")],
)  # fmt: skip
def test_amounts_in_romanian_or_english_notation(text: str, value: str):
    assert _amount(text, "x") == Decimal(value)


# ------------------------------------------------------------------------------ tables


async def test_a_company_added_in_the_admin_gets_its_chart(login):
    admin = await login("admin")
    body = await _new_row(admin, "firma", name="Firmă Nouă SRL", cui="RO18547290",
                          county="RO-CJ", city="Cluj-Napoca")  # fmt: skip
    response = await admin.post(f"{API}/tables/firma/", json=body)
    assert response.status_code == 201, response.text
    company = await Company.select(Company.id, Company.cui).first()
    assert company["cui"] == "18547290"
    assert await Account.count().where(Account.company == company["id"]) == len(official_chart())
    assert await AccountMapping.count().where(AccountMapping.company == company["id"]) > 0
    # Editing the company does not add anything.
    edit = await admin.patch(f"{API}/tables/firma/{company['id']}/", json={"city": "Dej"})
    assert edit.status_code == 200, edit.text
    assert await Account.count() == len(official_chart())
    # A refused company is not saved, and has no chart.
    bad = await _new_row(admin, "firma", name="", cui="RO12345674")
    assert "COMPANY_NAME_REQUIRED" in form_error(await admin.post(f"{API}/tables/firma/",
                                                                 json=bad))  # fmt: skip
    assert await Company.count() == 1


async def test_the_chart_takes_analytic_accounts_and_keeps_the_general_ones(login):
    company = await make_company()
    accountant = await login("accountant")

    add = await accountant.post(f"{ACCOUNTS}/", json=await _new_row(
        accountant, "cont_contabil", company=company, code="4111.01", name="Alfa",
        account_class=0, kind="P"))  # fmt: skip
    assert add.status_code == 201, add.text
    row = await Account.select().where(Account.code == "4111.01").first()
    assert (row["account_class"], row["kind"], row["parent"], row["third_party"]) == (
        4, "A", "4111", True,
    )  # fmt: skip
    refused = form_error(await accountant.post(f"{ACCOUNTS}/", json=await _new_row(
        accountant, "cont_contabil", company=company, code="9999", name="X")))  # fmt: skip
    assert refused.startswith("Contul 9999 nu este în planul de conturi general")
    assert refused.endswith("(cod ACCOUNT_NOT_ANALYTIC)")

    official = await account_id("707")
    assert "ACCOUNT_OFFICIAL" in form_error(await accountant.delete(f"{ACCOUNTS}/{official}/"))
    assert "ACCOUNT_IN_USE" in form_error(
        await accountant.patch(f"{ACCOUNTS}/{official}/", json={"active": False})
    )
    renamed = await accountant.patch(
        f"{ACCOUNTS}/{official}/", json={"name": "Vânzări de mărfuri", "kind": "A"}
    )
    assert renamed.status_code == 200, renamed.text
    assert await Account.select(Account.name, Account.kind).where(Account.id == official) == [
        {"name": "Vânzări de mărfuri", "kind": "P"}
    ]
    deleted = await accountant.delete(f"{ACCOUNTS}/{row['id']}/")
    assert deleted.status_code in (200, 204), deleted.text
    assert not await Account.exists().where(Account.code == "4111.01")

    schema = (await accountant.get(f"{ACCOUNTS}/schema/")).json()
    assert schema["properties"]["kind"]["title"] == "Funcția"
    kinds = {c["value"]: c["display_name"]
             for c in schema["properties"]["kind"]["extra"]["choices"].values()}  # fmt: skip
    assert kinds == {"A": "Activ", "P": "Pasiv", "B": "Bifuncțional (A/P)"}

    viewer = await login("viewer")
    assert (await viewer.get(f"{ACCOUNTS}/", params={"code": "707"})).status_code == 200
    assert (await viewer.patch(f"{ACCOUNTS}/{official}/", json={"name": "x"})).status_code == 403
    sales = await login("sales")
    assert (await sales.get(f"{ACCOUNTS}/")).status_code == 403


async def test_default_accounts_are_checked_and_entries_read_only(login):
    company = await make_company()
    accountant = await login("accountant")
    mapping = await AccountMapping.select(AccountMapping.id).where(
        AccountMapping.role == "revenue_utility"
    ).first()  # fmt: skip
    url = f"{API}/tables/cont_implicit/{mapping['id']}/"
    assert "ACCOUNT_UNKNOWN" in form_error(await accountant.patch(url, json={"account": "7999"}))
    assert "ACCOUNT_IS_GROUP" in form_error(await accountant.patch(url, json={"account": "701"}))
    assert (await accountant.patch(url, json={"account": "708"})).status_code == 200
    assert (await AccountMapping.select(AccountMapping.account).where(
        AccountMapping.id == mapping["id"]).first())["account"] == "708"  # fmt: skip

    entry = await manual_entry_create(
        company_id=company, day=date(2026, 3, 2), description="Test", by=SYSTEM,
        lines=[{"account": "6588", "debit": "5"}, {"account": "5311", "credit": "5"}],
    )  # fmt: skip
    for table, row_id in (("nota_contabila", entry),
                          ("linie_nota", (await JournalLine.select().first())["id"])):  # fmt: skip
        assert (await accountant.get(f"{API}/tables/{table}/{row_id}/")).status_code == 200
        assert "ADMIN_READ_ONLY" in form_error(
            await accountant.patch(f"{API}/tables/{table}/{row_id}/", json={"description": "x"})
        )
        assert "ADMIN_READ_ONLY" in form_error(
            await accountant.delete(f"{API}/tables/{table}/{row_id}/")
        )
    assert await JournalEntry.count() == 1


# ------------------------------------------------------------------------------ forms


async def test_the_forms_of_the_accountant(login):
    await make_company()
    alfa = await make_client()  # CUI 12345674
    accountant = await login("accountant")
    note = {
        "day": "2026-03-10",
        "description": "Factură emisă înainte de program",
        "reference": "NC 3",
        "lines": "4111 (RO12345674) = 707; 1.000,00; Factura 12\n"
                 "4111 (RO12345674) = 4427; 210; Factura 12",
    }  # fmt: skip
    made = form_success(await post_form(accountant, "Notă contabilă manuală", note))
    (entry,) = await JournalEntry.select(JournalEntry.id, JournalEntry.reference)
    assert made == (f"Nota contabilă nr. {entry['id']} din 10.03.2026: 3 linii, total 1210.00 lei.")
    assert entry["reference"] == "NC 3"
    lines = await JournalLine.select(JournalLine.account.code, JournalLine.debit,
                                     JournalLine.partner).order_by(JournalLine.id)  # fmt: skip
    assert [(x["account.code"], Decimal(str(x["debit"])), x["partner"]) for x in lines] == [
        ("4111", Decimal(1210), alfa),
        ("707", Decimal(0), None),
        ("4427", Decimal(0), None),
    ]

    unbalanced = form_error(await post_form(accountant, "Notă contabilă manuală",
                                            note | {"lines": "5121 = 4551"}))  # fmt: skip
    assert unbalanced == "Rândul 1: lipsește suma. (cod FIELD_REQUIRED)"
    unknown = form_error(
        await post_form(
            accountant, "Notă contabilă manuală", note | {"lines": "4111 (RO34567892) = 707; 5"}
        )
    )
    assert "PARTNER_NOT_FOUND" in unknown

    closed = form_success(await post_form(accountant, "Închide luna", {"month": "2026-03-15"}))
    assert closed == "Luna 03.2026 este închisă: nu se mai înregistrează nimic cu o dată din ea."
    assert form_success(await post_form(accountant, "Închide luna", {"month": "2026-03-01"})) \
        == "Luna 03.2026 era deja închisă."  # fmt: skip
    refused = form_error(await post_form(accountant, "Notă contabilă manuală", note))
    assert refused.startswith("Luna 03.2026 este închisă")
    assert refused.endswith("(cod PERIOD_CLOSED)")
    refused = form_error(await post_form(accountant, "Redeschide luna", {"month": "2026-03-01"}))
    assert refused == (
        "Doar un administrator poate redeschide o lună închisă. (cod PERIOD_REOPEN_ADMIN_ONLY)"
    )
    admin = await login("admin")
    assert form_success(await post_form(admin, "Redeschide luna", {"month": "2026-03-01"})) \
        == "Luna 03.2026 este redeschisă."  # fmt: skip
    assert await ClosedPeriod.count() == 0

    moved = form_success(await post_form(accountant, "Client incert (4118)", {
        "partner": "RO12345674", "amount": "200", "day": "2026-03-31"}))  # fmt: skip
    assert moved.endswith(": 4118 = 4111, 200.00 lei trecuți la clienți incerți.")
    rest = form_success(await post_form(accountant, "Client incert (4118)", {
        "partner": str(alfa), "day": "2026-03-31"}))  # fmt: skip
    assert "1010.00 lei" in rest
    nothing = form_error(
        await post_form(
            accountant, "Client incert (4118)", {"partner": "RO12345674", "day": "2026-03-31"}
        )
    )
    assert "NO_RECEIVABLE" in nothing
    viewer = await login("viewer")
    assert "FORBIDDEN" in form_error(await post_form(viewer, "Închide luna",
                                                     {"month": "2026-02-01"}))  # fmt: skip
