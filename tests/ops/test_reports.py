"""The ledger's reports on worked scenarios, account by account: the trial balance with its
four equalities, the customer and supplier files across 4111/419/418/4118 in RON and EUR,
the account statement, the general ledger, the sales journal from real invoices and the
efficiency report per dimension."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.core.errors import Forbidden, NotFound, ValidationFailed
from domain.core.tx import write_tx
from domain.ledger.chart import account_create
from domain.ledger.ops import entry_post, entry_reverse
from domain.ledger.reports import Pair
from domain.ledger.reports_account import account_statement
from domain.ledger.reports_balance import general_ledger, trial_balance
from domain.ledger.reports_efficiency import efficiency
from domain.ledger.reports_partner import partner_file
from domain.ledger.reports_sales import sales_journal
from domain.ledger.rules import Dimensions, PostLine
from domain.org.permissions import SYSTEM, Actor
from domain.sales.invoices import (
    invoice_cancel,
    invoice_draft_create,
    invoice_issue,
    invoice_storno,
)
from tables.choices import EntryKind, Role
from tables.org import Company, CostCentre, ExchangeRate
from tables.sales import Invoice
from tests.factories import make_article, make_client, make_company, make_series

D = Decimal
FEB = (date(2026, 2, 1), date(2026, 2, 28))
ACCOUNTANT = Actor(role=Role.accountant, name="contabil")


def bal(debit: str | int = 0, credit: str | int = 0) -> Pair:
    return Pair(D(debit).quantize(D("0.01")), D(credit).quantize(D("0.01")))


def dr(account: str, amount: str | int, **kw) -> PostLine:
    return PostLine(account, debit=D(amount), **kw)


def cr(account: str, amount: str | int, **kw) -> PostLine:
    return PostLine(account, credit=D(amount), **kw)


async def post(company: int, day: date, *lines: PostLine, reference: str = "") -> int:
    async with write_tx():
        return await entry_post(
            company_id=company, day=day, kind=EntryKind.manual, lines=lines,
            reference=reference, description=reference,
        )  # fmt: skip


async def make_books() -> dict[str, int]:
    """A company with its chart, a client and a supplier."""
    company = await make_company()
    return {
        "company": company,
        "client": await make_client(),
        "supplier": await make_client(
            name="Furnizor Marfă SRL", cui="34567892", roles=["supplier"]
        ),
    }


@pytest.fixture
async def books() -> dict[str, int]:
    return await make_books()


async def goods_sale(b: dict[str, int]) -> None:
    """Goods received in January, sold with their cost in February, partly collected; and
    a December 2025 cash contribution that opens the year."""
    c, client, supplier = b["company"], b["client"], b["supplier"]
    await post(c, date(2025, 12, 20), dr("5311", 300), cr("1012", 300), reference="capital")
    await post(c, date(2026, 1, 10), dr("371", 1000), dr("4426", 210),
               cr("401", 1210, partner=supplier), reference="NIR 1")  # fmt: skip
    await post(c, date(2026, 2, 5), dr("4111", 1210, partner=client), cr("707", 1000),
               cr("4427", 210), reference="FCT-00001")  # fmt: skip
    await post(c, date(2026, 2, 5), dr("607", 600), cr("371", 600), reference="FCT-00001")
    await post(c, date(2026, 2, 20), dr("5121", 1000), cr("4111", 1000, partner=client),
               reference="OP 7")  # fmt: skip
    await post(
        c, date(2026, 3, 2), dr("5121", 210), cr("4111", 210, partner=client), reference="OP 8"
    )  # after the period: not in February's balance


async def test_trial_balance_of_a_goods_sale_account_by_account(books):
    await goods_sale(books)
    tb = await trial_balance(by=ACCOUNTANT, start=FEB[0], end=FEB[1])
    rows = {(r.level, r.code): r for r in tb.rows}
    accounts = {code: r for (level, code), r in rows.items() if level == "account"}
    assert list(accounts) == ["1012", "371", "401", "4111", "4426", "4427", "5121", "5311",
                              "607", "707"]  # fmt: skip

    def check(code, opening, previous, period, totals, closing):
        r = accounts[code]
        assert (r.opening, r.previous, r.period, r.totals, r.closing) == (
            opening, previous, period, totals, closing), code  # fmt: skip
        assert r.cumulated == Pair(r.previous.debit + r.period.debit,
                                   r.previous.credit + r.period.credit)  # fmt: skip

    check("5311", bal(300), bal(), bal(), bal(300), bal(300))  # the year opens with it
    check("1012", bal(0, 300), bal(), bal(), bal(0, 300), bal(0, 300))
    check("371", bal(), bal(1000), bal(0, 600), bal(1000, 600), bal(400))
    check("401", bal(), bal(0, 1210), bal(), bal(0, 1210), bal(0, 1210))
    check("4426", bal(), bal(210), bal(), bal(210), bal(210))
    check("4111", bal(), bal(), bal(1210, 1000), bal(1210, 1000), bal(210))
    check("707", bal(), bal(), bal(0, 1000), bal(0, 1000), bal(0, 1000))
    check("4427", bal(), bal(), bal(0, 210), bal(0, 210), bal(0, 210))
    check("607", bal(), bal(), bal(600), bal(600), bal(600))
    check("5121", bal(), bal(), bal(1000), bal(1000), bal(1000))

    # Grade-I totals: 411 (4111), 442 (4426 + 4427, balances side by side), not for a
    # lone grade-I account (371, 401, 607, 707).
    assert rows[("group", "442")].closing == bal(210, 210)
    assert rows[("group", "442")].name == "Taxa pe valoarea adăugată"
    assert rows[("group", "411")].closing == bal(210)
    assert ("group", "371") not in rows
    assert ("group", "707") not in rows
    classes = {code: r for (level, code), r in rows.items() if level == "class"}
    assert classes["4"].closing == bal(420, 1420)
    assert classes["7"].closing == bal(0, 1000)
    assert classes["7"].name == "Conturi de venituri"
    # The four equalities (five with the previous months), exact to the ban.
    assert tb.balanced
    assert tb.total.opening == bal(300, 300)
    assert tb.total.period == bal(2810, 2810)
    assert tb.total.previous == bal(1210, 1210)
    assert tb.total.totals == bal(4320, 4320)
    assert tb.total.closing == bal(2720, 2720)
    # Each row: total sume = opening + cumulated; closing = the net of the sums.
    for r in accounts.values():
        assert r.totals.debit == r.opening.debit + r.cumulated.debit
        net = r.totals.debit - r.totals.credit
        assert r.closing == (bal(net) if net >= 0 else bal(0, -net))


async def test_trial_balance_analytic_or_folded_and_storno(books):
    company, client = books["company"], books["client"]
    await account_create(values={"code": "4111.01", "name": "Alfa", "company": company},
                         by=SYSTEM)  # fmt: skip
    await post(company, date(2026, 2, 3), dr("4111.01", "0.10", partner=client),
               dr("4111", "0.20", partner=client), cr("704", "0.30"))  # fmt: skip
    entry = await post(company, date(2026, 2, 4), dr("4111.01", "100.05", partner=client),
                       cr("704", "100.05"))  # fmt: skip
    folded = await trial_balance(by=ACCOUNTANT, start=FEB[0], end=FEB[1])
    codes = [r.code for r in folded.rows if r.level == "account"]
    assert codes == ["4111", "704"]
    assert next(r for r in folded.rows if r.code == "4111").closing == bal("100.35")
    detailed = await trial_balance(by=ACCOUNTANT, start=FEB[0], end=FEB[1], detail="analytic")
    by_code = {r.code: r for r in detailed.rows if r.level == "account"}
    assert by_code["4111.01"].closing == bal("100.15")  # 0.10 + 0.05: exact on SQLite too
    assert by_code["4111"].closing == bal("0.20")
    assert by_code["4111.01"].name == "Alfa"
    assert detailed.balanced
    assert folded.balanced
    # A storno brings every account back: the rows of the entry disappear.
    async with write_tx():
        await entry_reverse(entry_id=entry, day=date(2026, 2, 27))
    after = await trial_balance(by=ACCOUNTANT, start=FEB[0], end=FEB[1], detail="analytic")
    by_code = {r.code: r for r in after.rows if r.level == "account"}
    assert by_code["4111.01"].closing == bal("0.10")
    assert by_code["4111.01"].period == bal("0.10", 0)  # +100.05 and -100.05 on the debit
    assert by_code["704"].closing == bal(0, "0.30")


async def client_story(b: dict[str, int]) -> None:
    """An aviz invoiced next month, an advance and its deduction, a EUR invoice partly
    collected, a doubtful amount."""
    c, cl = b["company"], b["client"]
    eur = {"currency": "EUR"}
    await post(c, date(2026, 1, 15), dr("418", 1210, partner=cl), cr("707", 1000),
               cr("4428", 210), reference="AVZ-00001")  # fmt: skip
    await post(c, date(2026, 2, 3), dr("4111", 1210, partner=cl), cr("418", 1210, partner=cl),
               dr("4428", 210), cr("4427", 210), reference="FCT-00002")  # fmt: skip
    await post(c, date(2026, 2, 5), dr("4111", 605, partner=cl), cr("419", 500, partner=cl),
               cr("4427", 105), reference="FCT-00003")  # fmt: skip
    await post(c, date(2026, 2, 10), dr("5121", 605), cr("4111", 605, partner=cl),
               reference="OP 11")  # fmt: skip
    await post(c, date(2026, 2, 12),
               dr("4111", 6050, partner=cl, currency_amount=D(1210), **eur),
               cr("707", 5000, currency_amount=D(-1000), **eur),
               cr("4427", 1050, currency_amount=D(-210), **eur), reference="FCT-00004")  # fmt: skip
    await post(c, date(2026, 2, 20), dr("4111", 2420, partner=cl), cr("707", 2000),
               cr("4427", 420), dr("4111", -605, partner=cl), cr("419", -500, partner=cl),
               cr("4427", -105), reference="FCT-00005")  # fmt: skip
    await post(c, date(2026, 2, 25), dr("4118", 1210, partner=cl),
               cr("4111", 1210, partner=cl), reference="Client incert")  # fmt: skip
    await post(c, date(2026, 2, 26), dr("5124", 2500, currency_amount=D(500), **eur),
               cr("4111", 2500, partner=cl, currency_amount=D(-500), **eur),
               reference="Încasare EUR")  # fmt: skip


async def test_customer_file_across_4111_419_418_4118_in_ron_and_eur(books):
    await client_story(books)
    f = await partner_file(by=ACCOUNTANT, partner_id=books["client"], start=FEB[0],
                           end=FEB[1])  # fmt: skip
    assert f.partner_name == "Alfa Distribuție SRL"
    assert f.partner_code == "12345674"
    summary = {a.code: (a.label, a.opening, a.turnover, a.closing) for a in f.accounts}
    assert summary == {
        "4111": ("Facturi emise", bal(), bal(9680, 4315), bal(5365)),
        "419": ("Avansuri încasate", bal(), bal(0, 0), bal()),
        "418": ("Facturi de întocmit", bal(1210), bal(0, 1210), bal()),
        "4118": ("Clienți incerți", bal(), bal(1210), bal(1210)),
    }
    assert [a.code for a in f.accounts] == ["4111", "419", "418", "4118"]
    assert f.opening == bal(1210)
    assert f.closing == bal(6575)
    assert f.turnover == bal(10890, 5525)
    # The running balance, line by line, starts from the opening balance.
    net = D(1210)
    for line in f.lines:
        net += line.debit - line.credit
        assert line.balance == (bal(net) if net >= 0 else bal(0, -net))
    assert f.lines[-1].balance == bal(6575)
    assert [x.account for x in f.lines[:2]] == ["4111", "418"]  # aviz invoiced
    # In EUR: 1210 invoiced, 500 collected; RON lines have no currency amount.
    assert [(x.currency, x.opening, x.movement, x.closing) for x in f.currencies] == [
        ("EUR", D("0.00"), D("710.00"), D("710.00"))
    ]
    eur = [x for x in f.lines if x.currency == "EUR"]
    assert [(x.currency_amount, x.currency_balance) for x in eur] == [
        (D("1210.00"), D("1210.00")),
        (D("-500.00"), D("710.00")),
    ]
    assert all(x.currency_amount is None for x in f.lines if x.currency == "RON")
    assert not f.truncated
    # January alone: the aviz only.
    jan = await partner_file(by=ACCOUNTANT, partner_id=books["client"],
                             start=date(2026, 1, 1), end=date(2026, 1, 31))  # fmt: skip
    assert [(x.account, x.debit) for x in jan.lines] == [("418", D("1210.00"))]
    assert jan.closing == bal(1210)


async def test_supplier_file_across_401_408_409(books):
    c, s = books["company"], books["supplier"]
    await post(c, date(2026, 1, 10), dr("371", 1000), dr("4426", 210),
               cr("401", 1210, partner=s), reference="NIR 1")  # fmt: skip
    await post(c, date(2026, 2, 1), dr("4091", 300, partner=s), cr("5121", 300), reference="Avans")
    await post(c, date(2026, 2, 8), dr("401", 1210, partner=s), cr("5121", 1210), reference="OP")
    await post(c, date(2026, 2, 9), dr("371", 50), cr("408", 50, partner=s), reference="NIR 2")
    f = await partner_file(by=ACCOUNTANT, partner_id=s, side="supplier", start=FEB[0],
                           end=FEB[1])  # fmt: skip
    assert {a.code: (a.label, a.closing) for a in f.accounts} == {
        "401": ("Facturi primite", bal()),
        "408": ("Facturi nesosite", bal(0, 50)),
        "4091": ("Avansuri acordate", bal(300)),
    }
    assert f.opening == bal(0, 1210)
    assert f.closing == bal(250)
    # The same partner has nothing as a client.
    as_client = await partner_file(by=ACCOUNTANT, partner_id=s, start=FEB[0], end=FEB[1])
    assert as_client.lines == []
    assert as_client.closing == bal()


async def test_account_statement_and_general_ledger(books):
    await goods_sale(books)
    await client_story(books)
    st = await account_statement(by=ACCOUNTANT, account="4111", start=FEB[0], end=FEB[1])
    assert st.name == "Clienți"
    assert st.opening == bal()
    assert st.turnover == bal(1210 + 9680, 1000 + 4315)
    assert st.closing == bal(210 + 5365)
    first = st.lines[0]
    assert (first.day, first.reference, first.debit, first.counter_accounts) == (
        date(2026, 2, 3), "FCT-00002", D("1210.00"), ["418", "4427"])  # fmt: skip
    sale = next(x for x in st.lines if x.reference == "FCT-00001")
    assert sale.counter_accounts == ["4427", "707"]
    assert sale.partner == "Alfa Distribuție SRL"
    collected = next(x for x in st.lines if x.reference == "OP 7")
    assert collected.counter_accounts == ["5121"]
    assert st.lines[-1].balance == st.closing
    # 4428 in February: the aviz's VAT becomes due (opening from January).
    vat = await account_statement(by=ACCOUNTANT, account="4428", start=FEB[0], end=FEB[1])
    assert (vat.opening, vat.turnover, vat.closing) == (bal(0, 210), bal(210), bal())

    gl = await general_ledger(by=ACCOUNTANT, start=date(2026, 1, 1), end=FEB[1])
    accounts = {a.code: a for a in gl.accounts}
    assert accounts["5311"].opening == bal(300)
    assert accounts["5311"].months == []
    r371 = accounts["371"]
    assert [(m.month, m.turnover, m.balance) for m in r371.months] == [
        ("2026-01", bal(1000), bal(1000)),
        ("2026-02", bal(0, 600), bal(400)),
    ]
    assert "2026-03" not in [m.month for a in gl.accounts for m in a.months]
    one = await general_ledger(by=ACCOUNTANT, start=FEB[0], end=FEB[1], account="411")
    assert [a.code for a in one.accounts] == ["4111", "4118"]
    assert one.accounts[0].opening == bal()  # January had no 4111


async def test_efficiency_per_cost_centre(books):
    company = books["company"]
    north = CostCentre(company=company, code="N", name="Nord")
    south = CostCentre(company=company, code="S", name="Sud")
    await north.save()
    await south.save()
    n, s = Dimensions(cost_centre=north.id), Dimensions(cost_centre=south.id)
    cl = books["client"]
    await post(company, date(2026, 2, 2), dr("4111", 1210, partner=cl, dims=n),
               cr("707", 1000, dims=n), cr("4427", 210, dims=n))  # fmt: skip
    await post(company, date(2026, 2, 2), dr("607", 600, dims=n), cr("371", 600, dims=n))
    await post(company, date(2026, 2, 3), dr("709", 50, dims=n), cr("4111", 50, partner=cl))
    await post(company, date(2026, 2, 4), dr("4111", 500, partner=cl, dims=s),
               cr("704", 500, dims=s))  # fmt: skip
    await post(company, date(2026, 2, 4), dr("711", 100, dims=s), cr("345", 100, dims=s))
    await post(company, date(2026, 2, 5), dr("628", 80, dims=s), cr("401", 80,
               partner=books["supplier"]))  # fmt: skip
    await post(company, date(2026, 2, 6), dr("5311", 200), cr("708", 200))  # no centre
    await post(company, date(2026, 3, 6), dr("5311", 999), cr("708", 999))  # not February
    report = await efficiency(by=ACCOUNTANT, start=FEB[0], end=FEB[1])
    rows = {r.name: r for r in report.rows}
    assert [r.name for r in report.rows] == ["Nord", "Sud", "(nealocat)"]
    assert (rows["Nord"].revenue, rows["Nord"].cost_of_sales, rows["Nord"].gross_margin,
            rows["Nord"].margin_percent) == (D("950.00"), D("600.00"), D("350.00"),
                                             D("36.84"))  # fmt: skip
    assert (rows["Sud"].revenue, rows["Sud"].cost_of_sales, rows["Sud"].other_costs,
            rows["Sud"].result) == (D("500.00"), D("100.00"), D("80.00"), D("320.00"))  # fmt: skip
    assert rows["(nealocat)"].revenue == D("200.00")
    assert rows["(nealocat)"].margin_percent == D("100.00")
    assert (report.total.revenue, report.total.gross_margin) == (D("1650.00"), D("950.00"))
    assert report.cost_of_sales_accounts == ["607", "711"]
    by_team = await efficiency(by=ACCOUNTANT, start=FEB[0], end=FEB[1], dimension="team")
    assert [r.name for r in by_team.rows] == ["(nealocat)"]
    assert by_team.total == report.total


async def test_reports_refuse_what_they_cannot_answer(books):
    sales = Actor(role=Role.sales, name="vanzari")
    with pytest.raises(Forbidden):
        await trial_balance(by=sales, start=FEB[0], end=FEB[1])
    viewer = Actor(role=Role.viewer, name="auditor")
    assert (await trial_balance(by=viewer, start=FEB[0], end=FEB[1])).rows == []
    with pytest.raises(ValidationFailed) as err:
        await trial_balance(by=ACCOUNTANT, start=FEB[1], end=FEB[0])
    assert err.value.code == "PERIOD_INVALID"
    with pytest.raises(NotFound) as err:
        await partner_file(by=ACCOUNTANT, partner_id=99999, start=FEB[0], end=FEB[1])
    assert err.value.code == "PARTNER_NOT_FOUND"
    with pytest.raises(NotFound) as err:
        await account_statement(by=ACCOUNTANT, account="4119", start=FEB[0], end=FEB[1])
    assert err.value.code == "ACCOUNT_NOT_FOUND"
    with pytest.raises(NotFound) as err:  # a prefix is not an account
        await general_ledger(by=ACCOUNTANT, account="41", start=FEB[0], end=FEB[1])
    assert err.value.code == "ACCOUNT_NOT_FOUND"
    with pytest.raises(NotFound) as err:
        await trial_balance(
            by=ACCOUNTANT, start=FEB[0], end=FEB[1], company_id=books["company"] + 9
        )
    assert err.value.code == "COMPANY_NOT_FOUND"


# ------------------------------------------------------------------------------ sales journal

OCT = date(2026, 10, 1)


async def issued(company: int, partner: int, lines: list[dict], day: date, **header) -> int:
    draft = await invoice_draft_create(
        company_id=company, partner_id=partner, by=SYSTEM, lines=lines,
        header={"delivery_date": day, **header},
    )  # fmt: skip
    await Invoice.update({Invoice.issue_date: day}).where(Invoice.id == draft)
    await invoice_issue(invoice_id=draft, by=SYSTEM)
    return draft


async def test_sales_journal_in_the_legal_columns(books):
    company, client = books["company"], books["client"]
    await make_series(company)
    hour = await make_article("ORA", name="Consultanță", kind="service", uom="HUR")
    food = await make_article("CAF", name="Catering", kind="service", vat_category="S-REDUSA")
    us = await make_client(name="Acme Inc", country="US", cui=None, county="", city="Boston",
                           foreign_vat_id="US-98-7654321")  # fmt: skip
    de = await make_client(name="Müller GmbH", country="DE", cui=None, county="",
                           city="München", foreign_vat_id="DE136695976")  # fmt: skip
    await ExchangeRate(currency="EUR", day=date(2026, 10, 9), rate=D("5.0000")).save()

    def line(article, price, quantity=1, **kw):
        return {"article": article, "quantity": quantity, "unit_price": price, **kw}

    first = await issued(company, client, [line(hour, "1000"), line(food, "100")], OCT)
    await issued(company, us, [line(hour, "3000", vat_category="G")], date(2026, 10, 5),
                 vat_regime="export")  # fmt: skip
    await issued(company, de, [line(hour, "2000", vat_category="K")], date(2026, 10, 6),
                 vat_regime="intra_eu")  # fmt: skip
    await issued(company, client, [line(hour, "500", vat_category="AE")], date(2026, 10, 7),
                 vat_regime="reverse_charge")  # fmt: skip
    await issued(company, client, [line(hour, "400", vat_category="E")], date(2026, 10, 8))
    cancelled = await issued(company, client, [line(hour, "700")], date(2026, 10, 9))
    await invoice_cancel(invoice_id=cancelled, reason="Greșeală de preț", by=SYSTEM)
    await issued(company, client, [line(hour, "100")], date(2026, 10, 12), currency="EUR")
    await invoice_storno(invoice_id=first, by=SYSTEM, issue_date=date(2026, 10, 20))
    await issued(company, client, [line(hour, "50")], date(2026, 11, 2))  # November
    await Company.update({Company.cash_vat: True}).where(Company.id == company)
    await issued(company, client, [line(hour, "1000")], date(2026, 10, 28))

    journal = await sales_journal(by=ACCOUNTANT, month="2026-10")
    assert (journal.start, journal.end) == (date(2026, 10, 1), date(2026, 10, 31))
    rows = journal.rows
    assert [r.day.day for r in rows] == [1, 5, 6, 7, 8, 9, 12, 20, 28]
    nonzero = [{k: v for k, v in r.amounts.items() if v} for r in rows]
    assert nonzero == [
        {"base_21": D("1000.00"), "vat_21": D("210.00"), "base_11": D("100.00"),
         "vat_11": D("11.00")},
        {"export": D("3000.00")},
        {"intra_eu": D("2000.00")},
        {"reverse_charge": D("500.00")},
        {"exempt": D("400.00")},
        {},  # cancelled: listed, zero amounts
        {"base_21": D("500.00"), "vat_21": D("105.00")},  # 100 EUR at 5.0000
        {"base_21": D("-1000.00"), "vat_21": D("-210.00"), "base_11": D("-100.00"),
         "vat_11": D("-11.00")},  # the storno
        {"cash_base": D("1000.00"), "cash_vat": D("210.00")},
    ]  # fmt: skip
    assert [r.total for r in rows] == [D("1321.00"), D("3000.00"), D("2000.00"), D("500.00"),
                                       D("400.00"), D("0.00"), D("605.00"), D("-1321.00"),
                                       D("1210.00")]  # fmt: skip
    assert rows[5].cancelled
    assert rows[5].status == "cancelled"
    assert rows[7].type_code == "381"
    assert (rows[0].customer, rows[0].customer_code) == ("Alfa Distribuție SRL", "RO12345674")
    assert (rows[1].customer, rows[1].customer_code) == ("Acme Inc", "US-98-7654321")
    assert rows[6].currency == "EUR"
    # Every amount is in exactly one column: the columns add up to the total.
    for r in rows:
        assert sum(r.amounts.values()) == r.total
    assert sum(journal.totals.values()) == journal.total == D("7715.00")
    assert journal.totals["base_21"] == D("500.00")
    assert journal.totals["vat_11"] == D("0.00")
    assert [c.key for c in journal.columns][:4] == ["base_21", "vat_21", "base_19", "vat_19"]
    with pytest.raises(ValidationFailed) as err:
        await sales_journal(by=ACCOUNTANT, month="2026-13")
    assert err.value.code == "MONTH_INVALID"
    with pytest.raises(Forbidden):
        await sales_journal(by=Actor(role=Role.sales, name="v"), month="2026-10")
