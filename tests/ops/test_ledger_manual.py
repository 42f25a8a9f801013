"""The chart of a company and the accountant's own work, on the real database
(domain/ledger/chart.py, manual.py): the chart and default accounts set up once, analytic
accounts, manual journal entries with every invariant of `entry_post`, closing and
reopening months, and moving a client's debt to doubtful clients (4111 -> 4118)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from domain.core.errors import Conflict, DomainError, Forbidden, NotFound, ValidationFailed
from domain.ledger.chart import (
    DEFAULT_ACCOUNTS,
    account_create,
    account_delete_check,
    account_page,
    account_prepare,
    chart_setup,
    chart_setup_all,
    mapping_prepare,
    official_chart,
)
from domain.ledger.manual import (
    closed_months,
    doubtful_reclassify,
    journal_entry_get,
    manual_entry_create,
    period_close,
    period_reopen,
    receivable_balances,
)
from domain.org.permissions import Actor
from tables.choices import PostingRole, Role
from tables.ledger import Account, AccountMapping, ClosedPeriod, JournalEntry, JournalLine
from tables.org import Company, WorkPoint
from tables.partners import PartnerRole
from tests.factories import make_client, make_company

ADMIN = Actor(role=Role.admin, name="admin", user_id=1)
ACCOUNTANT = Actor(role=Role.accountant, name="contabil", user_id=2)
SALES = Actor(role=Role.sales, name="vanzari", user_id=3)
VIEWER = Actor(role=Role.viewer, name="vizitator", user_id=4)
D = date(2026, 3, 10)


def line(account: str, debit: str = "", credit: str = "", **kw: Any) -> dict[str, Any]:
    return {"account": account, "debit": debit, "credit": credit, **kw}


async def balance(company: int, code: str, partner: int | None = None) -> Decimal:
    """Debit minus credit of an account (and partner), from the stored lines."""
    query = JournalLine.select(JournalLine.debit, JournalLine.credit).where(
        (JournalLine.company == company) & (JournalLine.account.code == code)
    )
    if partner is not None:
        query = query.where(JournalLine.partner == partner)
    rows = await query
    return sum((Decimal(str(r["debit"])) - Decimal(str(r["credit"])) for r in rows), Decimal(0))


async def refused(exc: type[DomainError], code: str, coro: Any) -> DomainError:
    with pytest.raises(exc) as caught:
        await coro
    assert caught.value.code == code, caught.value
    return caught.value


# ------------------------------------------------------------------------------ chart


async def test_every_company_gets_the_chart_and_the_default_accounts_once():
    company = await make_company()  # chart_setup, as the admin, the demo and `init` do
    assert await Account.count().where(Account.company == company) == len(official_chart())
    mappings = await AccountMapping.select(AccountMapping.role, AccountMapping.account).where(
        AccountMapping.company == company
    )
    assert {PostingRole(r["role"]): r["account"] for r in mappings} == DEFAULT_ACCOUNTS
    row = await Account.select().where(
        (Account.company == company) & (Account.code == "4118")
    ).first()  # fmt: skip
    assert (row["name"], row["account_class"], row["kind"], row["third_party"]) == (
        "Clienți incerți sau în litigiu", 4, "A", True,
    )  # fmt: skip
    assert (row["parent"], row["active"]) == ("", True)

    # Again: nothing added. A changed default account is kept, a removed account returns.
    assert await chart_setup(company) == (0, 0)
    await AccountMapping.update({AccountMapping.account: "708"}).where(
        AccountMapping.role == PostingRole.revenue_utility
    )  # fmt: skip
    await Account.delete().where((Account.company == company) & (Account.code == "8039"))
    await AccountMapping.delete().where(AccountMapping.role == PostingRole.payable)
    assert await chart_setup(company) == (1, 1)
    assert await Account.count().where(Account.company == company) == len(official_chart())
    utility = await AccountMapping.select(AccountMapping.account).where(
        AccountMapping.role == PostingRole.revenue_utility
    ).first()  # fmt: skip
    assert utility["account"] == "708"


async def test_init_gives_a_company_without_a_chart_its_chart():
    bare = Company(name="Fără Plan SRL", cui="18594291")
    await bare.save()
    await make_company()
    assert await chart_setup_all() == len(official_chart())  # only the bare one lacked it
    assert await Account.count().where(Account.company == bare.id) == len(official_chart())
    assert await chart_setup_all() == 0


async def test_an_analytic_account_inherits_from_its_synthetic_parent():
    company = await make_company()
    account_id = await account_create(
        values={"company": company, "code": " 4111.01 ", "name": "  Alfa   Distribuție "},
        by=ACCOUNTANT,
    )
    row = await Account.select().where(Account.id == account_id).first()
    assert {k: row[k] for k in ("code", "name", "account_class", "kind", "parent",
                                "third_party", "active")} == {
        "code": "4111.01", "name": "Alfa Distribuție", "account_class": 4, "kind": "A",
        "parent": "4111", "third_party": True, "active": True,
    }  # fmt: skip
    # The only company is the default one.
    bank = await account_create(values={"code": "5124.EUR", "name": "BT EUR"}, by=ACCOUNTANT)
    assert (await Account.select(Account.company).where(Account.id == bank).first()) == {
        "company": company
    }

    def add(code: str, **kw: Any) -> Any:
        return account_prepare({"company": company, "code": code, "name": "X", **kw},
                               by=ACCOUNTANT)  # fmt: skip

    await refused(Conflict, "ACCOUNT_DUPLICATE", add("4111.01"))
    await refused(Conflict, "ACCOUNT_DUPLICATE", add("4111"))
    error = await refused(ValidationFailed, "ACCOUNT_IS_GROUP", add("411.01"))
    assert error.message_ro == (
        "Contul 411 se dezvoltă pe conturi de gradul II (4111, 4118); alegeți unul dintre ele."
    )
    await refused(ValidationFailed, "ACCOUNT_PARENT_MISSING", add("4119.01"))
    await refused(ValidationFailed, "ACCOUNT_NOT_ANALYTIC", add("4119"))
    for bad in ("abc", "41.01", "4111.", "4111.0-1", "4111.01.02", "41111", "4111.ă"):
        await refused(ValidationFailed, "ACCOUNT_INVALID", add(bad))
    await refused(ValidationFailed, "ACCOUNT_NAME_REQUIRED", add("4111.02", name="  "))
    await refused(Forbidden, "FORBIDDEN", account_prepare({"code": "4111.03", "name": "Y"},
                                                          by=VIEWER))  # fmt: skip
    await refused(NotFound, "COMPANY_NOT_FOUND", add("4111.04", company=company + 99))


async def test_accounts_change_only_name_state_and_partner_rule_and_defaults_stay_usable():
    company = await make_company()
    sale = await Account.select(Account.id).where(
        (Account.company == company) & (Account.code == "707")
    ).first()  # fmt: skip
    await refused(Conflict, "ACCOUNT_IN_USE", account_prepare({"active": False}, by=ACCOUNTANT,
                                                              account_id=sale["id"]))  # fmt: skip
    await refused(Conflict, "ACCOUNT_CODE_FIXED", account_prepare(
        {"code": "708"}, by=ACCOUNTANT, account_id=sale["id"]))  # fmt: skip
    changed = await account_prepare(
        {"name": "Venituri din mărfuri", "third_party": True, "kind": "A", "account_class": 9},
        by=ACCOUNTANT, account_id=sale["id"],
    )  # fmt: skip
    assert (changed["name"], changed["third_party"], changed["kind"], changed["account_class"]) \
        == ("Venituri din mărfuri", True, "P", 7)  # fmt: skip

    # The general chart's accounts are never deleted; an analytic one only while unused.
    await refused(Conflict, "ACCOUNT_OFFICIAL", account_delete_check(sale["id"], by=ACCOUNTANT))
    client = await make_client()
    analytic = await account_create(values={"code": "4111.01", "name": "Alfa"}, by=ACCOUNTANT)
    await account_delete_check(analytic, by=ACCOUNTANT)
    await manual_entry_create(
        company_id=company, day=D, description="Sold inițial", by=ACCOUNTANT,
        lines=[line("4111.01", "100", partner=client), line("473", credit="100")],
    )  # fmt: skip
    await refused(Conflict, "ACCOUNT_HAS_ENTRIES", account_delete_check(analytic, by=ACCOUNTANT))

    # Search: by the start of the code or by a word of the name.
    rows, more = await account_page(by=VIEWER, company_id=company, q="4111")
    assert ([r["code"] for r in rows], more) == (["4111", "4111.01"], False)
    rows, _ = await account_page(by=VIEWER, company_id=company, q="incerți")
    assert [r["code"] for r in rows] == ["4118"]
    page, more = await account_page(by=VIEWER, company_id=company, limit=2)
    assert ([r["code"] for r in page], more) == (["101", "1011"], True)
    page, _ = await account_page(by=VIEWER, company_id=company, limit=2, after="1011")
    assert [r["code"] for r in page] == ["1012", "1015"]
    await refused(Forbidden, "FORBIDDEN", account_page(by=SALES, company_id=company))


async def test_default_accounts_must_be_active_postable_accounts_of_the_company():
    company = await make_company()

    def choose(account: str) -> Any:
        return mapping_prepare({"company": company, "role": "revenue_utility",
                                "account": account}, by=ACCOUNTANT)  # fmt: skip

    assert await choose("708") == {"company": company, "role": "revenue_utility",
                                   "account": "708"}  # fmt: skip
    await refused(ValidationFailed, "ACCOUNT_UNKNOWN", choose("7099"))
    await refused(ValidationFailed, "ACCOUNT_IS_GROUP", choose("701"))
    await Account.update({Account.active: False}).where(Account.code == "7588")
    await refused(ValidationFailed, "ACCOUNT_INACTIVE", choose("7588"))
    await refused(ValidationFailed, "ROLE_INVALID", mapping_prepare(
        {"company": company, "role": "nope", "account": "708"}, by=ACCOUNTANT))  # fmt: skip


# ------------------------------------------------------------------------------ entries


async def test_a_balanced_manual_entry_is_posted_with_its_dimensions():
    company = await make_company()
    shareholder = await make_client(name="Ion Asociat", kind="individual", cui=None,
                                    cnp="1850715420011", roles=["other"])  # fmt: skip
    hq = WorkPoint(company=company, code="SEDIU", name="Sediu")
    await hq.save()
    entry_id = await manual_entry_create(
        company_id=company, day=D, description="Împrumut de la asociat", reference="NC 1",
        lines=[
            line("5121", "1000.00", work_point=hq.id, description="Extras BT"),
            line("4551", credit="1000", partner=shareholder),
        ],
        by=ACCOUNTANT,
    )  # fmt: skip
    entry = await journal_entry_get(entry_id, by=VIEWER)
    assert (entry["kind"], entry["day"], entry["reference"], entry["description"],
            entry["created_by"]) == ("manual", D, "NC 1", "Împrumut de la asociat",
                                     "contabil")  # fmt: skip
    assert [(x["account_code"], Decimal(str(x["debit"])), Decimal(str(x["credit"])),
             x["partner"], x["work_point"], x["description"]) for x in entry["lines"]] == [
        ("5121", Decimal(1000), Decimal(0), None, hq.id, "Extras BT"),
        ("4551", Decimal(0), Decimal(1000), shareholder, None, ""),
    ]  # fmt: skip
    assert entry["lines"][0]["account_name"] == "Conturi la bănci în lei"
    await refused(NotFound, "ENTRY_NOT_FOUND", journal_entry_get(entry_id + 1, by=VIEWER))
    await refused(Forbidden, "FORBIDDEN", journal_entry_get(entry_id, by=SALES))


async def test_manual_entries_keep_every_invariant():
    company = await make_company()
    other = await make_company(name="Altă Firmă SRL", cui="18594291")
    foreign_point = WorkPoint(company=other, code="X", name="Altundeva")
    await foreign_point.save()
    client = await make_client()

    def post(*lines: dict[str, Any], by: Actor = ACCOUNTANT, **kw: Any) -> Any:
        values = {"company_id": company, "day": D, "description": "Test"} | kw
        return manual_entry_create(lines=list(lines), by=by, **values)

    error = await refused(ValidationFailed, "ENTRY_UNBALANCED",
                          post(line("6588", "100"), line("5311", credit="99.99")))  # fmt: skip
    assert error.message_ro == "Nota nu este echilibrată: debit 100.00 ≠ credit 99.99."
    error = await refused(ValidationFailed, "ACCOUNT_UNKNOWN",
                          post(line("6589", "10"), line("5311", credit="10")))  # fmt: skip
    assert error.message_ro == "Linia 1: contul 6589 nu există în planul de conturi."
    error = await refused(ValidationFailed, "ACCOUNT_PARTNER_REQUIRED",
                          post(line("4111", "10"), line("707", credit="10")))  # fmt: skip
    assert error.message_ro == "Linia 1: contul 4111 cere partenerul."
    await refused(
        ValidationFailed,
        "ACCOUNT_IS_GROUP",
        post(line("411", "10", partner=client), line("707", credit="10")),
    )
    await refused(
        ValidationFailed, "ACCOUNT_OFF_BALANCE", post(line("8031", "10"), line("8039", credit="10"))
    )
    await refused(
        ValidationFailed,
        "ENTRY_LINE_SIDE",
        post(line("6588", "10", "10"), line("5311", credit="10")),
    )
    await refused(
        ValidationFailed,
        "ENTRY_AMOUNT_PRECISION",
        post(line("6588", "10.001"), line("5311", credit="10.001")),
    )
    await refused(
        ValidationFailed, "NUMBER_INVALID", post(line("6588", "NaN"), line("5311", credit="10"))
    )
    await refused(ValidationFailed, "ENTRY_EMPTY", post())
    await refused(
        ValidationFailed,
        "ENTRY_DESCRIPTION_REQUIRED",
        post(line("6588", "10"), line("5311", credit="10"), description=" "),
    )
    error = await refused(ValidationFailed, "REFERENCE_NOT_FOUND",
                          post(line("6588", "10"), line("5311", credit="10",
                                                        work_point=foreign_point.id)))  # fmt: skip
    assert error.message_ro == (
        f"Punctul de lucru nr. {foreign_point.id} nu există în această firmă."
    )
    await refused(
        ValidationFailed,
        "REFERENCE_NOT_FOUND",
        post(line("4111", "10", partner=client + 50), line("707", credit="10")),
    )
    await Account.update({Account.active: False}).where(Account.code == "6588")
    await refused(
        ValidationFailed, "ACCOUNT_INACTIVE", post(line("6588", "10"), line("5311", credit="10"))
    )
    await refused(
        Forbidden, "FORBIDDEN", post(line("6581", "10"), line("5311", credit="10"), by=VIEWER)
    )
    assert await JournalEntry.count() == 0

    # A storno written by hand (red figures) is an entry like any other.
    await post(line("6581", "-10"), line("5311", credit="-10"))
    assert await balance(company, "5311") == Decimal(10)


async def test_a_closed_month_refuses_postings_until_an_administrator_reopens_it():
    company = await make_company()
    assert await period_close(company_id=company, month=date(2026, 3, 31), by=ACCOUNTANT)
    assert not await period_close(company_id=company, month=D, by=ACCOUNTANT)  # already
    assert await closed_months(company_id=company, by=VIEWER) == [date(2026, 3, 1)]
    assert (await ClosedPeriod.select(ClosedPeriod.closed_by).first()) == {"closed_by": "contabil"}

    entry = {"company_id": company, "description": "Diferență casă", "by": ACCOUNTANT,
             "lines": [line("6588", "5"), line("5311", credit="5")]}  # fmt: skip
    error = await refused(Conflict, "PERIOD_CLOSED", manual_entry_create(day=D, **entry))
    assert error.status == 409
    assert error.message_ro.startswith("Luna 03.2026 este închisă: nu se mai înregistrează")
    await manual_entry_create(day=date(2026, 4, 1), **entry)  # the next month is open

    error = await refused(Forbidden, "PERIOD_REOPEN_ADMIN_ONLY",
                          period_reopen(company_id=company, month=D, by=ACCOUNTANT))  # fmt: skip
    assert error.message_ro == "Doar un administrator poate redeschide o lună închisă."
    await period_reopen(company_id=company, month=D, by=ADMIN)
    await refused(
        Conflict, "PERIOD_NOT_CLOSED", period_reopen(company_id=company, month=D, by=ADMIN)
    )
    await manual_entry_create(day=D, **entry)
    assert await balance(company, "5311") == Decimal(-10)

    await refused(
        ValidationFailed,
        "PERIOD_FUTURE",
        period_close(company_id=company, month=date(2999, 1, 1), by=ACCOUNTANT),
    )
    await refused(Forbidden, "FORBIDDEN", period_close(company_id=company, month=D, by=SALES))


# ------------------------------------------------------------------------------ doubtful


async def _sale(company: int, client: int, code: str, amount: str, day: date = D) -> None:
    """An invoice booked by hand: 4111 = 707 + 4427 (VAT 21 %, within the gross)."""
    gross = Decimal(amount)
    vat = (gross * 21 / 121).quantize(Decimal("0.01"))
    await manual_entry_create(
        company_id=company, day=day, description="Factură", by=ACCOUNTANT,
        lines=[line(code, amount, partner=client), line("707", credit=str(gross - vat)),
               line("4427", credit=str(vat))],
    )  # fmt: skip


async def test_a_client_becomes_doubtful_4111_to_4118():
    company = await make_company()
    alfa = await make_client()
    beta = await make_client(name="Beta SA", cui="34567892")
    await _sale(company, alfa, "4111", "1210.00")
    await _sale(company, beta, "4111", "500.00")
    await manual_entry_create(
        company_id=company, day=date(2026, 3, 20), description="Încasare parțială",
        lines=[line("5121", "210"), line("4111", credit="210", partner=alfa)], by=ACCOUNTANT,
    )  # fmt: skip

    # What Alfa owes on the 15th, before it paid part.
    assert await receivable_balances(
        company_id=company, partner_id=alfa, day=date(2026, 3, 15)
    ) == {"4111": Decimal("1210.00")}
    partial = await doubtful_reclassify(partner_id=alfa, amount=Decimal("400"),
                                        day=date(2026, 3, 31), by=ACCOUNTANT,
                                        company_id=company)  # fmt: skip
    entry = await journal_entry_get(partial, by=VIEWER)
    assert entry["kind"] == "reclass"
    assert entry["description"] == "Trecere la clienți incerți: Alfa Distribuție SRL"
    assert [(x["account_code"], Decimal(str(x["debit"])), Decimal(str(x["credit"])),
             x["partner"]) for x in entry["lines"]] == [
        ("4118", Decimal(400), Decimal(0), alfa),
        ("4111", Decimal(0), Decimal(400), alfa),
    ]  # fmt: skip
    assert await balance(company, "4111", alfa) == Decimal(600)
    assert await balance(company, "4118", alfa) == Decimal(400)

    error = await refused(ValidationFailed, "RECLASS_AMOUNT_INVALID", doubtful_reclassify(
        partner_id=alfa, amount=Decimal("600.01"), day=date(2026, 3, 31), by=ACCOUNTANT,
        company_id=company))  # fmt: skip
    assert error.details == {"balance": "600.00"}
    # The rest: all that is left, whatever it is.
    await doubtful_reclassify(partner_id=alfa, amount=None, day=date(2026, 3, 31),
                              by=ACCOUNTANT, company_id=company)  # fmt: skip
    assert await balance(company, "4111", alfa) == 0
    assert await balance(company, "4118", alfa) == Decimal(1000)
    assert await balance(company, "4111", beta) == Decimal(500)  # another client's debt
    assert await balance(company, "4118") == Decimal(1000)
    error = await refused(Conflict, "NO_RECEIVABLE", doubtful_reclassify(
        partner_id=alfa, amount=None, day=date(2026, 3, 31), by=ACCOUNTANT,
        company_id=company))  # fmt: skip
    assert "Alfa Distribuție SRL" in error.message_ro
    await refused(
        NotFound,
        "PARTNER_NOT_FOUND",
        doubtful_reclassify(
            partner_id=beta + 10, amount=None, day=D, by=ACCOUNTANT, company_id=company
        ),
    )
    await refused(
        Forbidden,
        "FORBIDDEN",
        doubtful_reclassify(partner_id=beta, amount=None, day=D, by=VIEWER, company_id=company),
    )


async def test_a_client_on_its_own_analytic_account_is_moved_from_it_first():
    company = await make_company()
    gama = await make_client(name="Gama SRL", cui="22334451")
    await account_create(values={"code": "4111.07", "name": "Gama"}, by=ACCOUNTANT)
    await PartnerRole.update({PartnerRole.account: "4111.07"}).where(PartnerRole.partner == gama)
    await _sale(company, gama, "4111", "100.00", date(2026, 2, 1))  # before its analytic
    await _sale(company, gama, "4111.07", "300.00")
    assert await receivable_balances(company_id=company, partner_id=gama, day=D) == {
        "4111": Decimal(100), "4111.07": Decimal(300)}  # fmt: skip

    entry_id = await doubtful_reclassify(partner_id=gama, amount=Decimal("350"), day=D,
                                         by=ACCOUNTANT, company_id=company)  # fmt: skip
    entry = await journal_entry_get(entry_id, by=VIEWER)
    assert [(x["account_code"], Decimal(str(x["debit"])), Decimal(str(x["credit"])))
            for x in entry["lines"]] == [
        ("4118", Decimal(350), Decimal(0)),
        ("4111.07", Decimal(0), Decimal(300)),
        ("4111", Decimal(0), Decimal(50)),
    ]  # fmt: skip
    await period_close(company_id=company, month=D, by=ACCOUNTANT)
    error = await refused(Conflict, "PERIOD_CLOSED", doubtful_reclassify(
        partner_id=gama, amount=None, day=D, by=ACCOUNTANT, company_id=company))  # fmt: skip
    assert "03.2026" in error.message_ro
