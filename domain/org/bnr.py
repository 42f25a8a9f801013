"""BNR (Banca Națională a României) reference exchange rates: parsing and the invoice-day rule.

Pure: no database, no network. The job that downloads the feeds and the tables that store
the rates live elsewhere; this module only turns a feed's bytes into `BnrRate` values and
answers "which publication day applies to this invoice".

Feeds (namespace ``http://www.bnr.ro/xsd``), all with the same shape::

    DataSet/Header{Publisher, PublishingDate, MessageType}
    DataSet/Body{Subject, OrigCurrency=RON, Cube@date*{Rate@currency[@multiplier]*}}

* daily: https://www.bnr.ro/nbrfxrates.xml (one Cube),
* last 10 banking days: https://www.bnr.ro/nbrfxrates10days.xml,
* yearly: https://www.bnr.ro/files/xml/years/nbrfxrates{YYYY}.xml (one Cube per banking day).

A Rate is RON for one unit of the currency, or for ``multiplier`` units (HUF, JPY and KRW
are published per 100 units). Weekends and legal holidays have no Cube.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation, localcontext
from typing import Any
from xml.parsers.expat import ExpatError

import xmltodict

from domain.core.errors import ValidationFailed

BNR_NAMESPACE = "http://www.bnr.ro/xsd"

DAILY_URL = "https://www.bnr.ro/nbrfxrates.xml"
TEN_DAYS_URL = "https://www.bnr.ro/nbrfxrates10days.xml"
YEARLY_URL_TEMPLATE = "https://www.bnr.ro/files/xml/years/nbrfxrates{year}.xml"

FEED_INVALID = "BNR_FEED_INVALID"

_CURRENCY_RE = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True, slots=True)
class BnrRate:
    """One published figure: `rate` RON for `multiplier` units of `currency` on `day`."""

    day: date
    currency: str
    rate: Decimal
    multiplier: int = 1


def per_unit(rate: BnrRate) -> Decimal:
    """RON for one unit of the currency (rate / multiplier; e.g. HUF 1.2936 / 100 = 0.012936)."""
    if rate.multiplier == 1:
        return rate.rate
    with localcontext() as ctx:
        ctx.prec = 28
        return rate.rate / Decimal(rate.multiplier)


def feed_urls(year: int | None = None) -> str:
    """The official URL: the daily feed for ``None``, else the yearly file of `year`."""
    if year is None:
        return DAILY_URL
    return YEARLY_URL_TEMPLATE.format(year=f"{int(year):04d}")


def _invalid(reason_ro: str, reason_en: str, **details: Any) -> ValidationFailed:
    return ValidationFailed(
        FEED_INVALID,
        f"Fișierul BNR nu poate fi citit: {reason_ro}",
        f"The BNR file cannot be read: {reason_en}",
        details=details or None,
    )


def _as_list(value: Any) -> list[Any]:
    """force_list already wraps lone elements; this also copes with absent/odd values."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]


def _parse_day(raw: Any) -> date:
    if not isinstance(raw, str) or not raw.strip():
        raise _invalid("un curs nu are data publicării", "a Cube has no date")
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise _invalid(f"data „{raw}” nu este validă", f"invalid date {raw!r}", value=raw) from None


def _parse_rate(day: date, node: Any) -> BnrRate:
    if not isinstance(node, dict):
        raise _invalid(
            f"un curs din {day.isoformat()} nu are moneda",
            f"a Rate on {day.isoformat()} has no currency",
            day=day.isoformat(),
        )
    currency = (node.get("@currency") or "").strip()
    if not _CURRENCY_RE.match(currency):
        raise _invalid(
            f"moneda „{currency}” din {day.isoformat()} nu este validă",
            f"invalid currency {currency!r} on {day.isoformat()}",
            day=day.isoformat(),
            currency=currency,
        )
    text = node.get("#text")
    try:
        value = Decimal(text.strip()) if isinstance(text, str) else None
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or value <= 0:
        raise _invalid(
            f"cursul {currency} din {day.isoformat()} nu este un număr pozitiv („{text}”)",
            f"the {currency} rate on {day.isoformat()} is not a positive number ({text!r})",
            day=day.isoformat(),
            currency=currency,
            value=text,
        )
    raw_mult = node.get("@multiplier")
    multiplier = 1
    if raw_mult is not None:
        raw_mult = raw_mult.strip()
        if not raw_mult.isdigit() or int(raw_mult) <= 0:
            raise _invalid(
                f"multiplicatorul {currency} din {day.isoformat()} nu este valid („{raw_mult}”)",
                f"invalid {currency} multiplier on {day.isoformat()} ({raw_mult!r})",
                day=day.isoformat(),
                currency=currency,
                value=raw_mult,
            )
        multiplier = int(raw_mult)
    return BnrRate(day=day, currency=currency, rate=value, multiplier=multiplier)


def parse_bnr_xml(data: bytes | str) -> list[BnrRate]:
    """Every rate of a BNR feed (daily, 10 days or yearly), in document order.

    `rate` is the published text as a Decimal (never through float). A document whose Body
    holds no Cube yields an empty list; anything malformed raises ValidationFailed with code
    ``BNR_FEED_INVALID``.
    """
    if not data or not data.strip():
        raise _invalid("documentul este gol", "the document is empty")
    try:
        doc = xmltodict.parse(
            data,
            process_namespaces=True,
            # The BNR namespace is dropped from the keys; other namespaces (xsi) are kept whole.
            namespaces={BNR_NAMESPACE: None},
            force_list=("Cube", "Rate"),
            disable_entities=True,
        )
    except (ExpatError, ValueError) as exc:
        raise _invalid(
            f"nu este un document XML valid ({exc})", f"not well-formed XML ({exc})"
        ) from None
    if not isinstance(doc, dict) or list(doc) != ["DataSet"]:
        root = next(iter(doc), "") if isinstance(doc, dict) else ""
        raise _invalid(
            f"elementul rădăcină „{root}” nu este DataSet (http://www.bnr.ro/xsd)",
            f"root element {root!r} is not DataSet (http://www.bnr.ro/xsd)",
            root=root,
        )
    dataset = doc["DataSet"]
    body = dataset.get("Body") if isinstance(dataset, dict) else None
    if body is None or not isinstance(body, (dict, str)):
        raise _invalid("lipsește elementul Body", "the Body element is missing")
    if isinstance(body, str):  # <Body/> or text only: no Cube at all
        return []
    rates: list[BnrRate] = []
    for cube in _as_list(body.get("Cube")):
        day = _parse_day(cube.get("@date") if isinstance(cube, dict) else None)
        for node in _as_list(cube.get("Rate")):
            rates.append(_parse_rate(day, node))
    return rates


# Which publication applies to an invoice.
#
# Cod fiscal (Legea 227/2015) art. 290: the VAT base of an invoice in foreign currency is
# converted to RON at the last exchange rate communicated by BNR (or the ECB rate, if the
# contract says so) on the date the VAT becomes chargeable. BNR publishes its reference rates
# once per banking day at about 13:00 Bucharest time; weekends and legal holidays have no
# publication. The rate published on day D is therefore the one in force for operations dated
# D+1 (the convention of the OCA `currency_rate_update_RO_BNR` module): an invoice dated D
# uses the last rate published strictly BEFORE D, so a Monday invoice uses Friday's rate and
# the day after a holiday uses the last publication before the holiday. (An invoice issued on
# D after 13:00 could legally use D's own rate; we do not rely on the hour of issue.)
def rate_day_for_invoice(invoice_day: date, published_days: Sequence[date]) -> date | None:
    """The last day in `published_days` strictly before `invoice_day`; None if there is none."""
    return max((d for d in published_days if d < invoice_day), default=None)
