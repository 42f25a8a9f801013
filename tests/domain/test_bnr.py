"""BNR feed parsing and the invoice-day rule, against the real files in shared/ro/bnr/."""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from datetime import date, timedelta
from decimal import Decimal
from functools import cache

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.core.errors import ValidationFailed
from domain.org.bnr import (
    BnrRate,
    feed_urls,
    parse_bnr_xml,
    per_unit,
    rate_day_for_invoice,
)
from tests.shared_data import shared_path

CURRENCIES = {
    "AED",
    "AUD",
    "BGN",
    "BRL",
    "CAD",
    "CHF",
    "CNY",
    "CZK",
    "DKK",
    "EGP",
    "EUR",
    "GBP",
    "HUF",
    "INR",
    "JPY",
    "KRW",
    "MDL",
    "MXN",
    "NOK",
    "NZD",
    "PLN",
    "RSD",
    "RUB",
    "SEK",
    "THB",
    "TRY",
    "UAH",
    "USD",
    "XAU",
    "XDR",
    "ZAR",
}
PER_100 = {"HUF", "JPY", "KRW"}


@cache
def _rates(name: str) -> tuple[BnrRate, ...]:
    path = shared_path("ro", "bnr", name)
    if not path.exists():
        pytest.skip(f"missing shared file {path}")
    return tuple(parse_bnr_xml(path.read_bytes()))


def _days(name: str) -> list[date]:
    return sorted({r.day for r in _rates(name)})


def _get(name: str, day: date, currency: str) -> BnrRate:
    (found,) = [r for r in _rates(name) if r.day == day and r.currency == currency]
    return found


def _doc(body: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<DataSet xmlns="http://www.bnr.ro/xsd">'
        "<Header><Publisher>National Bank of Romania</Publisher>"
        "<PublishingDate>2024-01-23</PublishingDate><MessageType>DR</MessageType></Header>"
        f"<Body><Subject>Reference rates</Subject><OrigCurrency>RON</OrigCurrency>{body}</Body>"
        "</DataSet>"
    ).encode()


# ---------------------------------------------------------------- real files


def test_yearly_2023_has_248_banking_days():
    days = _days("nbrfxrates2023.xml")
    assert len(days) == 248
    assert days[0] == date(2023, 1, 3)
    assert days[-1] == date(2023, 12, 29)
    assert all(d.weekday() < 5 for d in days)
    # every day carries the full set of 31 currencies
    assert len(_rates("nbrfxrates2023.xml")) == 248 * 31


def test_yearly_2023_currencies_and_multipliers():
    rates = _rates("nbrfxrates2023.xml")
    assert {r.currency for r in rates} == CURRENCIES
    assert {r.currency for r in rates if r.multiplier != 1} == PER_100
    assert {r.multiplier for r in rates if r.currency in PER_100} == {100}


def test_every_rate_is_an_exact_positive_decimal():
    for name in ("nbrfxrates.xml", "nbrfxrates2023.xml", "nbrfxrates2024.xml"):
        for r in _rates(name):
            assert type(r.rate) is Decimal
            assert r.rate > 0
            assert type(r.multiplier) is int


def test_known_values_2024_01_23_daily_and_yearly_agree():
    day = date(2024, 1, 23)
    for name in ("nbrfxrates.xml", "nbrfxrates2024.xml"):
        assert _get(name, day, "EUR") == BnrRate(day, "EUR", Decimal("4.9767"), 1)
        assert _get(name, day, "USD").rate == Decimal("4.5780")
        assert str(_get(name, day, "USD").rate) == "4.5780"  # the published text, zeros kept
        huf = _get(name, day, "HUF")
        assert (huf.rate, huf.multiplier) == (Decimal("1.2936"), 100)
        assert per_unit(huf) == Decimal("0.012936")
    assert _days("nbrfxrates.xml") == [day]
    days_2024 = _days("nbrfxrates2024.xml")
    assert (len(days_2024), days_2024[0], days_2024[-1]) == (15, date(2024, 1, 3), day)


def test_per_unit():
    assert per_unit(BnrRate(date(2024, 1, 23), "EUR", Decimal("4.9767"))) == Decimal("4.9767")
    jpy = BnrRate(date(2024, 1, 23), "JPY", Decimal("3.0949"), 100)
    assert per_unit(jpy) == Decimal("0.030949")


def test_rate_is_frozen():
    r = BnrRate(date(2024, 1, 23), "EUR", Decimal("4.9767"))
    with pytest.raises(FrozenInstanceError):
        r.rate = Decimal(5)  # type: ignore[misc]


# ---------------------------------------------------------------- invoice-day rule


def test_monday_invoice_uses_previous_friday():
    days = _days("nbrfxrates2023.xml")
    assert date(2023, 3, 13).weekday() == 0
    assert rate_day_for_invoice(date(2023, 3, 13), days) == date(2023, 3, 10)
    # and a weekend invoice also uses Friday
    assert rate_day_for_invoice(date(2023, 3, 11), days) == date(2023, 3, 10)
    assert rate_day_for_invoice(date(2023, 3, 12), days) == date(2023, 3, 10)


def test_day_after_holiday_uses_last_publication_before_it():
    days = _days("nbrfxrates2023.xml")
    # 24 Jan 2023 (Tue, Unirea Principatelor): no publication
    assert date(2023, 1, 24) not in days
    assert rate_day_for_invoice(date(2023, 1, 25), days) == date(2023, 1, 23)
    # Orthodox Easter 2023: Good Friday 14 Apr and Easter Monday 17 Apr
    assert date(2023, 4, 14) not in days
    assert date(2023, 4, 17) not in days
    assert rate_day_for_invoice(date(2023, 4, 18), days) == date(2023, 4, 13)
    # 30 Nov (Sf. Andrei) + 1 Dec (Ziua Națională) + weekend
    assert rate_day_for_invoice(date(2023, 12, 4), days) == date(2023, 11, 29)
    # Christmas 25-26 Dec 2023
    assert rate_day_for_invoice(date(2023, 12, 27), days) == date(2023, 12, 22)


def test_invoice_on_a_publication_day_uses_the_previous_publication():
    days = _days("nbrfxrates2023.xml")
    assert date(2023, 6, 14) in days
    assert rate_day_for_invoice(date(2023, 6, 14), days) == date(2023, 6, 13)


def test_no_earlier_publication_gives_none():
    days = _days("nbrfxrates2023.xml")
    assert rate_day_for_invoice(date(2023, 1, 3), days) is None
    assert rate_day_for_invoice(date(2023, 1, 1), days) is None
    assert rate_day_for_invoice(date(2023, 1, 4), days) == date(2023, 1, 3)
    assert rate_day_for_invoice(date(2024, 1, 2), days) == date(2023, 12, 29)
    assert rate_day_for_invoice(date(2024, 1, 1), []) is None


def test_year_boundary_across_files():
    days = _days("nbrfxrates2023.xml") + _days("nbrfxrates2024.xml")
    assert rate_day_for_invoice(date(2024, 1, 3), days) == date(2023, 12, 29)
    assert rate_day_for_invoice(date(2024, 1, 24), days) == date(2024, 1, 23)


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)),
    st.lists(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)), max_size=40),
)
def test_rate_day_is_the_latest_day_strictly_before(invoice_day, published):
    result = rate_day_for_invoice(invoice_day, published)
    earlier = [d for d in published if d < invoice_day]
    if not earlier:
        assert result is None
    else:
        assert result < invoice_day
        assert result in published
        assert result == max(earlier)
        assert all(not (result < d < invoice_day) for d in published)


@given(st.dates(min_value=date(2000, 1, 8), max_value=date(2100, 12, 31)))
def test_rate_day_on_consecutive_days(invoice_day):
    published = [invoice_day - timedelta(days=k) for k in range(7)]
    assert rate_day_for_invoice(invoice_day, published) == invoice_day - timedelta(days=1)


# ---------------------------------------------------------------- parsing edge cases


def test_lone_cube_and_lone_rate():
    rates = parse_bnr_xml(_doc('<Cube date="2024-01-23"><Rate currency="EUR">4.9767</Rate></Cube>'))
    assert rates == [BnrRate(date(2024, 1, 23), "EUR", Decimal("4.9767"), 1)]


def test_str_input_and_no_cube():
    assert parse_bnr_xml(_doc("").decode()) == []
    assert parse_bnr_xml(_doc('<Cube date="2024-01-23"/>')) == []


def _code(data: bytes | str) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as info:
        parse_bnr_xml(data)
    assert info.value.code == "BNR_FEED_INVALID"
    assert info.value.status == 422
    assert info.value.message_ro.startswith("Fișierul BNR nu poate fi citit")
    return info.value


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"   ",
        b"this is not xml",
        b"<DataSet xmlns='http://www.bnr.ro/xsd'><Body><Cube date='2024-01-23'>",
        b"\x00\x01garbage",
        b'<!DOCTYPE x [<!ENTITY a "b">]><DataSet xmlns="http://www.bnr.ro/xsd">&a;</DataSet>',
    ],
)
def test_malformed_xml(data):
    _code(data)


@pytest.mark.parametrize(
    "data",
    [
        b"<html><body>Service unavailable</body></html>",
        b'<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01"/>',
        b'<DataSet xmlns="http://example.com/other"><Body/></DataSet>',
    ],
)
def test_wrong_root(data):
    err = _code(data)
    assert "DataSet" in err.message_ro


def test_missing_body():
    _code(b'<DataSet xmlns="http://www.bnr.ro/xsd"><Header/></DataSet>')
    _code(b'<DataSet xmlns="http://www.bnr.ro/xsd"/>')


@pytest.mark.parametrize(
    "cube",
    [
        '<Cube><Rate currency="EUR">4.9767</Rate></Cube>',
        '<Cube date=""><Rate currency="EUR">4.9767</Rate></Cube>',
        "<Cube/>",
    ],
)
def test_missing_date(cube):
    _code(_doc(cube))


@pytest.mark.parametrize(
    "cube",
    [
        '<Cube date="2024-13-01"><Rate currency="EUR">4.9767</Rate></Cube>',
        '<Cube date="2024-01-23"><Rate currency="EUR">n/a</Rate></Cube>',
        '<Cube date="2024-01-23"><Rate currency="EUR"></Rate></Cube>',
        '<Cube date="2024-01-23"><Rate currency="EUR">NaN</Rate></Cube>',
        '<Cube date="2024-01-23"><Rate currency="EUR">-1</Rate></Cube>',
        '<Cube date="2024-01-23"><Rate currency="EUR">0</Rate></Cube>',
        '<Cube date="2024-01-23"><Rate>4.9767</Rate></Cube>',
        '<Cube date="2024-01-23"><Rate currency="euro">4.9767</Rate></Cube>',
        '<Cube date="2024-01-23"><Rate currency="HUF" multiplier="x">1.2936</Rate></Cube>',
        '<Cube date="2024-01-23"><Rate currency="HUF" multiplier="0">1.2936</Rate></Cube>',
    ],
)
def test_bad_rate(cube):
    _code(_doc(cube))


def test_non_numeric_rate_message_names_the_currency_and_day():
    err = _code(_doc('<Cube date="2024-01-23"><Rate currency="USD">abc</Rate></Cube>'))
    assert "USD" in err.message_ro
    assert "2024-01-23" in err.message_ro
    assert err.details["currency"] == "USD"


# ---------------------------------------------------------------- URLs


def test_feed_urls():
    assert feed_urls(None) == "https://www.bnr.ro/nbrfxrates.xml"
    assert feed_urls() == "https://www.bnr.ro/nbrfxrates.xml"
    assert feed_urls(2023) == "https://www.bnr.ro/files/xml/years/nbrfxrates2023.xml"
