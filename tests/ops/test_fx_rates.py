"""BNR exchange rates in the database (domain/org/fx.py): importing the real 2023 yearly
file (idempotent, new currencies added), the rate an invoice uses (Monday -> Friday,
after holidays, never the same day's publication, per-100 currencies), and a BNR that
cannot be reached."""

from __future__ import annotations

import socket
from datetime import date
from decimal import Decimal

import pytest

from domain.core.errors import Forbidden, NotFound, Unavailable
from domain.org.bnr import parse_bnr_xml
from domain.org.fx import rate_for_invoice, rates_fetch, rates_import_document, rates_store
from domain.org.permissions import SYSTEM, Actor
from tables.choices import Role
from tables.org import Currency, ExchangeRate
from tests.shared_data import shared_path

YEAR_2023 = shared_path("ro", "bnr", "nbrfxrates2023.xml")
SOURCE = "https://www.bnr.ro/files/xml/years/nbrfxrates2023.xml"
ACCOUNTANT = Actor(role=Role.accountant, name="contabil", user_id=2)


async def test_yearly_file_imported_once():
    data = YEAR_2023.read_bytes()
    reference_currencies = {r["code"] for r in await Currency.select(Currency.code)}

    assert await rates_import_document(data, source=SOURCE, by=ACCOUNTANT) == 7688
    assert await ExchangeRate.count() == 7688  # 248 banking days x 31 currencies
    days = await ExchangeRate.select(ExchangeRate.day).distinct()
    assert len(days) == 248
    currencies = {r["currency"] for r in await ExchangeRate.select(ExchangeRate.currency)}
    assert len(currencies) == 31
    assert await ExchangeRate.count().where(ExchangeRate.source == SOURCE) == 7688

    # The publications BNR makes for currencies we did not know get a Currency row.
    known = {r["code"] for r in await Currency.select(Currency.code)}
    assert currencies <= known
    assert {"XAU", "XDR", "RSD", "KRW"} <= known - reference_currencies
    assert len(known) == len(reference_currencies | currencies)

    # Importing the same publications again adds nothing and changes nothing.
    assert await rates_import_document(data, source="again", by=ACCOUNTANT) == 0
    assert await ExchangeRate.count() == 7688
    assert await ExchangeRate.count().where(ExchangeRate.source == "again") == 0
    assert await Currency.count() == len(known)


async def test_only_fx_writers_import():
    rates = parse_bnr_xml(YEAR_2023.read_bytes())[:31]
    with pytest.raises(Forbidden):
        await rates_store(rates, source=SOURCE, by=Actor(role=Role.sales, name="vanzari"))
    assert await ExchangeRate.count() == 0
    assert await rates_store([], source=SOURCE, by=SYSTEM) == 0


@pytest.fixture
async def rates_2023() -> None:
    """January and December 2023 as BNR published them (enough for the rules below)."""
    rates = [r for r in parse_bnr_xml(YEAR_2023.read_bytes()) if r.day.month in (1, 12)]
    assert await rates_store(rates, source=SOURCE, by=SYSTEM) == len(rates)


@pytest.mark.parametrize(
    ("invoice_day", "published_day", "eur"),
    [
        (date(2023, 1, 16), date(2023, 1, 13), "4.9413"),  # Monday -> Friday
        (date(2023, 1, 14), date(2023, 1, 13), "4.9413"),  # Saturday -> Friday
        (date(2023, 1, 17), date(2023, 1, 16), "4.9405"),  # Tuesday -> Monday, not Tuesday
        (date(2023, 12, 25), date(2023, 12, 22), "4.9695"),  # Christmas
        (date(2023, 12, 27), date(2023, 12, 22), "4.9695"),  # after the holidays
        (date(2023, 12, 28), date(2023, 12, 27), "4.9720"),  # not the 28th's own rate
    ],
)
async def test_invoice_uses_the_last_rate_published_before_its_day(
    rates_2023: None, invoice_day: date, published_day: date, eur: str
):
    found = await rate_for_invoice("EUR", invoice_day)
    assert (found.currency, found.invoice_day) == ("EUR", invoice_day)
    assert found.published_day == published_day
    assert found.rate == Decimal(eur)
    assert found.rate.as_tuple().exponent == -4
    assert (found.multiplier, found.per_unit) == (1, Decimal(eur))


async def test_per_hundred_currencies_keep_their_multiplier(rates_2023: None):
    huf = await rate_for_invoice("huf", date(2023, 12, 27))
    assert (huf.currency, huf.published_day) == ("HUF", date(2023, 12, 22))
    assert (huf.rate, huf.multiplier) == (Decimal("1.2989"), 100)
    assert huf.per_unit == Decimal("0.012989")
    jpy = await rate_for_invoice("JPY", date(2023, 1, 16))
    assert jpy.multiplier == 100
    usd = await rate_for_invoice("USD", date(2023, 1, 16))
    assert (usd.rate, usd.multiplier) == (Decimal("4.5588"), 1)


@pytest.mark.parametrize(
    ("currency", "day"),
    [
        ("EUR", date(2023, 1, 3)),  # the first publication of the year is that day's own
        ("EUR", date(2022, 12, 30)),
        ("XYZ", date(2023, 12, 28)),
    ],
)
async def test_no_rate_published_before_the_day(rates_2023: None, currency: str, day: date):
    with pytest.raises(NotFound) as caught:
        await rate_for_invoice(currency, day)
    error = caught.value
    assert (error.code, error.status) == ("FX_RATE_MISSING", 404)
    assert error.details == {"currency": currency, "date": day.isoformat()}
    assert currency in error.message_ro
    assert f"{day:%d.%m.%Y}" in error.message_ro


async def test_unreachable_bnr_is_unavailable():
    with socket.socket() as sock:  # a port the system just gave out; nothing listens on it
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/nbrfxrates.xml"
    with pytest.raises(Unavailable) as caught:
        await rates_fetch(url, timeout=5)
    error = caught.value
    assert (error.code, error.status) == ("BNR_UNAVAILABLE", 503)
    assert url in error.message_ro
    assert "importați fișierul XML" in error.message_ro
    assert await ExchangeRate.count() == 0
