"""Cash desks and the cash register book: the desk's checks (account under 5311/5314 and
in the chart, one active desk per account, a chitanță series of the company) and the book
per day (balance carried across days, any entry on the desk's account, two desks kept
apart, a currency desk in its currency)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.core.errors import Conflict, DomainError, Forbidden, ValidationFailed
from domain.ledger.chart import account_create
from domain.ledger.manual import manual_entry_create
from domain.org.permissions import SYSTEM, Actor
from domain.payments.cash_book import cash_book, cash_book_csv
from domain.payments.cash_desks import cash_desk_create, cash_desk_prepare
from tables.choices import DocType, Role
from tests.factories import make_client, make_company, make_series

D = Decimal
CASHIER = Actor(role=Role.cashier, name="Elena Dumitru")


async def _refused(code: str, values: dict, **kw) -> DomainError:
    with pytest.raises(DomainError) as caught:
        await cash_desk_prepare(values, by=SYSTEM, **kw)
    assert caught.value.code == code, caught.value
    # Every refusal names the field and says it in Romanian.
    assert caught.value.field
    assert caught.value.message_ro != caught.value.message_en
    return caught.value


async def _entry(company: int, day: date, lines: list[dict], reference: str = "") -> int:
    return await manual_entry_create(
        company_id=company, day=day, description="Operațiune de casă", lines=lines,
        reference=reference, by=SYSTEM,
    )  # fmt: skip


async def test_cash_desk_checks():
    company = await make_company()
    other = await make_company(name="Alt SRL", cui="12345674")
    receipts = await make_series(company, "CH", doc_type=DocType.receipt)
    invoices = await make_series(company, "FCT")
    foreign_series = await make_series(other, "CHX", doc_type=DocType.receipt)
    await account_create(values={"company": company, "code": "5311.02", "name": "Casa 2"},
                         by=SYSTEM)  # fmt: skip
    base = {"company": company, "code": "c1", "name": " Casa  centrală ", "series": receipts}

    ok = await cash_desk_prepare(base, by=SYSTEM)
    assert (ok["code"], ok["name"], ok["currency"], ok["account"]) == (
        "C1", "Casa centrală", "RON", "")  # fmt: skip

    error = await _refused("FIELD_REQUIRED", {**base, "name": " "})
    assert error.message_ro == "Completați denumirea casieriei."
    error = await _refused("CURRENCY_INVALID", {**base, "currency": "XYZ"})
    assert "«XYZ» nu există" in error.message_ro
    error = await _refused("CASH_DESK_ACCOUNT_INVALID", {**base, "account": "5121"})
    assert "ține banii în contul 5311" in error.message_ro
    error = await _refused("CASH_DESK_ACCOUNT_INVALID",
                           {**base, "currency": "EUR", "account": "5311.02"})  # fmt: skip
    assert "în EUR ține banii în contul 5314" in error.message_ro
    error = await _refused("ACCOUNT_UNKNOWN", {**base, "account": "5311.09"})
    assert "5311.09 nu există în planul de conturi" in error.message_ro
    await _refused("ACCOUNT_INVALID", {**base, "account": "casa"})
    error = await _refused("CASH_DESK_SERIES_NOT_RECEIPT", {**base, "series": invoices})
    assert "FCT nu este o serie de chitanțe" in error.message_ro
    await _refused("SERIES_INVALID", {**base, "series": foreign_series})

    first = await cash_desk_create(values=base, by=SYSTEM)
    await _refused("CASH_DESK_DUPLICATE", {**base, "name": "Alta"})
    # The default 5311 is taken by the first desk, whether named or left empty.
    for account in ("", "5311"):
        error = await _refused(
            "CASH_DESK_ACCOUNT_TAKEN", {**base, "code": "C2", "account": account}
        )
        assert isinstance(error, Conflict)
        assert "5311 este deja al casieriei «Casa centrală»" in error.message_ro
        assert error.details["cash_desk_id"] == first
    # An analytic, an inactive desk, another currency or the desk itself are fine.
    await cash_desk_create(values={**base, "code": "C2", "account": "5311.02"}, by=SYSTEM)
    await cash_desk_prepare({**base, "code": "C3", "active": False}, by=SYSTEM)
    await cash_desk_prepare({**base, "code": "C4", "currency": "EUR"}, by=SYSTEM)
    await cash_desk_prepare(base, by=SYSTEM, cash_desk_id=first)
    # Who: the cashier keeps the desks; a salesperson does not.
    await cash_desk_prepare({**base, "code": "C5", "active": False}, by=CASHIER)
    with pytest.raises(Forbidden):
        await cash_desk_prepare(base, by=Actor(role=Role.sales, name="v"))


async def test_cash_book_across_days_and_two_desks():
    company = await make_company()
    client = await make_client()
    await account_create(values={"company": company, "code": "5311.02", "name": "Casa 2"},
                         by=SYSTEM)  # fmt: skip
    main = await cash_desk_create(values={"company": company, "code": "C1", "name": "Casa 1"},
                                  by=SYSTEM)  # fmt: skip
    shop = await cash_desk_create(
        values={"company": company, "code": "C2", "name": "Casa 2", "account": "5311.02"},
        by=SYSTEM,
    )
    d1, d2, d3 = date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 5)
    cash_in = [{"account": "5311", "debit": "1000.00", "description": "Sold adus"},
               {"account": "1012", "credit": "1000.00"}]  # fmt: skip
    await _entry(company, date(2026, 2, 27), cash_in, "NC 1")
    await _entry(company, d1, [
        {"account": "5311", "debit": "300.50", "description": "Încasat factura FCT-1"},
        {"account": "4111", "credit": "300.50", "partner": client}], "CH-00001")  # fmt: skip
    await _entry(company, d1, [
        {"account": "581", "debit": "800.00"},
        {"account": "5311", "credit": "800.00", "description": "Depus la bancă"},
    ], "DV 7")  # fmt: skip
    # The other desk's money and a storno of the first receipt, two days later.
    await _entry(company, d2, [
        {"account": "5311.02", "debit": "50.00", "description": "Încasare magazin"},
        {"account": "4111", "credit": "50.00", "partner": client}], "CH-00002")  # fmt: skip
    await _entry(company, d3, [
        {"account": "5311", "debit": "-300.50", "description": "Stornare CH-00001"},
        {"account": "4111", "credit": "-300.50", "partner": client}], "CH-00001")  # fmt: skip

    book = await cash_book(by=CASHIER, cash_desk_id=main, start=d1, end=d3)
    assert (book.account, book.opening, book.closing) == ("5311", D("1000.00"), D("200.00"))
    assert [x.day for x in book.days] == [d1, d3]  # no page for a day without money
    first, third = book.days
    assert (first.opening, first.receipts, first.payments, first.closing) == (
        D("1000.00"), D("300.50"), D("800.00"), D("500.50"))  # fmt: skip
    assert [(x.number, x.reference, x.explanation, x.partner, x.receipt, x.payment)
            for x in first.lines] == [
        (1, "CH-00001", "Încasat factura FCT-1", "Alfa Distribuție SRL", D("300.50"), D("0.00")),
        (2, "DV 7", "Depus la bancă", "", D("0.00"), D("800.00")),
    ]  # fmt: skip
    # The next page opens with the previous closing; a storno stays a receipt, negative.
    assert (third.opening, third.receipts, third.closing) == (
        D("500.50"), D("-300.50"), D("200.00"))  # fmt: skip

    shop_book = await cash_book(by=SYSTEM, cash_desk_id=shop, start=d1, end=d3)
    assert shop_book.account == "5311.02"
    assert [(x.day, x.opening, x.closing) for x in shop_book.days] == [
        (d2, D("0.00"), D("50.00"))]  # fmt: skip

    # A period after the last movement: no page, the balance carried.
    later = await cash_book(by=SYSTEM, cash_desk_id=main, start=date(2026, 4, 1),
                            end=date(2026, 4, 1))  # fmt: skip
    assert (later.days, later.opening, later.closing) == ([], D("200.00"), D("200.00"))

    text = cash_book_csv(book, excel=True)
    assert text.startswith("\ufeffdata;nr_crt;nr_act_casa;explicatie")
    assert "2026-03-02;1;CH-00001;Încasat factura FCT-1;Alfa Distribuție SRL;300,50;0,00;" in text
    assert "2026-03-05;;;Total zi / sold final;;-300,50;0,00;200,00" in text

    with pytest.raises(ValidationFailed) as caught:
        await cash_book(by=SYSTEM, cash_desk_id=main, start=d3, end=d1)
    assert caught.value.code == "PERIOD_INVALID"
    ledger_only = Actor(role=Role.viewer, name="t", token_id=1, scopes=frozenset({"ledger:read"}))
    with pytest.raises(Forbidden):
        await cash_book(by=ledger_only, cash_desk_id=main, start=d1, end=d3)


async def test_currency_desk_book_in_its_currency():
    company = await make_company()
    client = await make_client()
    desk = await cash_desk_create(
        values={"company": company, "code": "EUR", "name": "Casa euro", "currency": "EUR"},
        by=SYSTEM,
    )
    day = date(2026, 3, 10)
    await _entry(company, day, [
        {"account": "5314", "debit": "497.67", "currency": "EUR", "currency_amount": "100.00",
         "description": "Încasat 100 EUR"},
        {"account": "4111", "credit": "497.67", "partner": client}], "CHE-1")  # fmt: skip
    await _entry(company, day, [
        {"account": "581", "debit": "248.84"},
        {"account": "5314", "credit": "248.84", "currency": "EUR",
         "currency_amount": "-50.00", "description": "Depus 50 EUR"}], "DV 2")  # fmt: skip
    book = await cash_book(by=SYSTEM, cash_desk_id=desk, start=day, end=day)
    assert book.account == "5314"
    (only,) = book.days
    assert [(x.receipt_currency, x.payment_currency) for x in only.lines] == [
        (D("100.00"), None), (None, D("50.00"))]  # fmt: skip
    assert (only.receipts_currency, only.payments_currency, only.closing_currency) == (
        D("100.00"), D("50.00"), D("50.00"))  # fmt: skip
    assert only.closing == D("248.83")
    assert "incasari_EUR" in cash_book_csv(book)


async def test_demo_has_a_cash_desk_and_receipts():
    from domain.core.clock import today
    from domain.org.demo import demo_load
    from tables.payments import CashDesk, Receipt

    assert await demo_load(password="parola-demo-1")
    receipts = await Receipt.select(Receipt.kind, Receipt.full_number).order_by(Receipt.id)
    year = today().year
    assert [(r["kind"], r["full_number"]) for r in receipts] == [
        ("cash", f"CH-{year}-00001"), ("cash", f"CH-{year}-00002"), ("cash", f"CH-{year}-00003"),
        ("bank", "")]  # fmt: skip
    desk = await CashDesk.select(CashDesk.id).first()
    book = await cash_book(by=CASHIER, cash_desk_id=desk["id"], start=today(), end=today())
    assert book.closing == D("4000.00")
    # The book's document number is the chitanță's full number (the entry's reference).
    assert [x.reference for x in book.days[0].lines] == [
        f"CH-{year}-00001", f"CH-{year}-00002", f"CH-{year}-00003"]  # fmt: skip
