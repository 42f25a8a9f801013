"""Exchange rates: storing BNR publications and answering "which rate for this invoice"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import httpx

from domain.core.errors import NotFound, Unavailable
from domain.core.money import to_decimal
from domain.core.tx import write_tx
from domain.org.bnr import BnrRate, parse_bnr_xml
from domain.org.permissions import Action, Actor, Area, require
from tables.org import Currency, ExchangeRate


@dataclass(frozen=True, slots=True)
class InvoiceRate:
    """The rate an invoice in `currency` dated `invoice_day` uses, and where it came from."""

    currency: str
    invoice_day: date
    published_day: date
    rate: Decimal  # as published, RON per `multiplier` units
    multiplier: int

    @property
    def per_unit(self) -> Decimal:
        return self.rate / self.multiplier


async def rates_store(rates: list[BnrRate], *, source: str, by: Actor) -> int:
    """Insert the publications we do not have yet; returns how many were new.

    A publication never changes, so a rate already stored for (currency, day) is kept.
    """
    require(by, Area.fx, Action.write)
    if not rates:
        return 0
    days = sorted({r.day for r in rates})
    added = 0
    async with write_tx():
        known = {
            (row["currency"], row["day"])
            for row in await ExchangeRate.select(ExchangeRate.currency, ExchangeRate.day).where(
                ExchangeRate.day.is_in(days)
            )
        }
        currencies = {row["code"] for row in await Currency.select(Currency.code)}
        new_rows = [
            ExchangeRate(
                currency=r.currency,
                day=r.day,
                rate=r.rate,
                multiplier=r.multiplier,
                source=source,
            )
            for r in rates
            if (r.currency, r.day) not in known
        ]
        missing = sorted({r.currency for r in rates} - currencies)
        if missing:
            await Currency.insert(*(Currency(code=c) for c in missing))
        for start in range(0, len(new_rows), 500):
            await ExchangeRate.insert(*new_rows[start : start + 500])
        added = len(new_rows)
    return added


async def rates_import_document(data: bytes, *, source: str, by: Actor) -> int:
    return await rates_store(parse_bnr_xml(data), source=source, by=by)


async def rates_fetch(url: str, *, timeout: float = 30.0) -> bytes:
    """Download a BNR feed; outside any transaction."""
    try:
        async with httpx.AsyncClient(timeout=timeout, follow_redirects=True) as client:
            response = await client.get(url)
            response.raise_for_status()
            return response.content
    except httpx.HTTPError as exc:
        raise Unavailable(
            "BNR_UNAVAILABLE",
            f"Cursul BNR nu poate fi descărcat de la {url} ({type(exc).__name__}). "
            "Încercați mai târziu sau importați fișierul XML descărcat manual.",
            f"Could not download the BNR feed from {url}: {exc}",
        ) from exc


async def rate_for_invoice(currency: str, invoice_day: date) -> InvoiceRate:
    """The last rate published before the invoice day (Cod fiscal art. 290).

    BNR publishes around 13:00 on banking days; the rate published on D is used for
    operations from D+1, so a Monday invoice uses Friday's rate.
    """
    currency = currency.upper()
    row = (
        await ExchangeRate.select(ExchangeRate.day, ExchangeRate.rate, ExchangeRate.multiplier)
        .where((ExchangeRate.currency == currency) & (ExchangeRate.day < invoice_day))
        .order_by(ExchangeRate.day, ascending=False)
        .first()
    )
    if row is None:
        raise NotFound(
            "FX_RATE_MISSING",
            f"Nu există un curs BNR pentru {currency} publicat înainte de "
            f"{invoice_day:%d.%m.%Y}. Importați cursurile (Valute › Import curs BNR).",
            f"No BNR rate for {currency} published before {invoice_day.isoformat()}.",
            details={"currency": currency, "date": invoice_day.isoformat()},
        )
    return InvoiceRate(
        currency=currency,
        invoice_day=invoice_day,
        published_day=row["day"],
        rate=to_decimal(row["rate"]).quantize(Decimal("0.0001")),
        multiplier=row["multiplier"],
    )
