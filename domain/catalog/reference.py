"""Reference data every installation needs: VAT categories and their dated rates,
units of measure (UN/ECE Rec. 20) and currencies. Loaded idempotently by
`litestar catastif init` (and `make run`); an existing row is never overwritten.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from domain.core.tx import write_tx
from tables.catalog import UnitOfMeasure, VatCategory, VatRate
from tables.choices import VatCode
from tables.org import Currency

_END_19 = date(2025, 7, 31)  # Legea 141/2025: 21 % and 11 % from 1 August 2025
_FROM_21 = date(2025, 8, 1)
_SINCE = date(2017, 1, 1)  # 19 % / 9 % / 5 % in force since 2017

# code, name, UNTDID 5305, VATEX code, legal text printed on the invoice,
# [(rate, from, to)]
VAT_CATEGORIES: list[tuple[str, str, VatCode, str, str, list[tuple[str, date, date | None]]]] = [
    ("S-STANDARD", "Cota standard", VatCode.S, "", "",
     [("19", _SINCE, _END_19), ("21", _FROM_21, None)]),
    ("S-REDUSA", "Cota redusă (alimente, medicamente, apă, HoReCa)", VatCode.S, "", "",
     [("9", _SINCE, _END_19), ("11", _FROM_21, None)]),
    ("S-REDUSA-5", "Cota redusă 5 % (cărți, presă, evenimente) – 11 % din 01.08.2025",
     VatCode.S, "", "", [("5", _SINCE, _END_19), ("11", _FROM_21, None)]),
    ("S-LOCUINTE", "Locuințe – cota tranzitorie 9 % (Legea 141/2025, art. III)", VatCode.S,
     "", "", [("5", _SINCE, _END_19), ("9", _FROM_21, date(2026, 7, 31))]),
    ("Z", "Cota zero", VatCode.Z, "", "", [("0", _SINCE, None)]),
    ("E", "Scutit fără drept de deducere", VatCode.E, "",
     "Scutit de TVA conform art. 292 din Codul fiscal", [("0", _SINCE, None)]),
    ("AE", "Taxare inversă", VatCode.AE, "VATEX-EU-AE",
     "Taxare inversă conform art. 331 din Codul fiscal", [("0", _SINCE, None)]),
    ("K", "Livrare intracomunitară scutită", VatCode.K, "VATEX-EU-IC",
     "Scutit cu drept de deducere conform art. 294 alin. (2) lit. a) din Codul fiscal",
     [("0", _SINCE, None)]),
    ("G", "Export scutit", VatCode.G, "VATEX-EU-G",
     "Scutit cu drept de deducere conform art. 294 alin. (1) lit. a) din Codul fiscal",
     [("0", _SINCE, None)]),
    ("O", "În afara sferei TVA / neplătitor de TVA", VatCode.O, "VATEX-EU-O",
     "Operațiune neimpozabilă în România / furnizor neplătitor de TVA",
     [("0", _SINCE, None)]),
]  # fmt: skip

# UN/ECE Recommendation 20 (and 21 for packages, X..) codes e-Factura accepts.
UNITS: list[tuple[str, str, str]] = [
    ("H87", "bucată", "buc"),
    ("C62", "unitate", "u"),
    ("SET", "set", "set"),
    ("PR", "pereche", "per"),
    ("XBX", "cutie", "cut"),
    ("XPK", "pachet", "pac"),
    ("KGM", "kilogram", "kg"),
    ("GRM", "gram", "g"),
    ("TNE", "tonă", "t"),
    ("MTR", "metru", "m"),
    ("MTK", "metru pătrat", "m²"),
    ("MTQ", "metru cub", "m³"),
    ("LTR", "litru", "l"),
    ("KWH", "kilowatt-oră", "kWh"),
    ("HUR", "oră", "oră"),
    ("DAY", "zi", "zi"),
    ("MON", "lună", "lună"),
    ("ANN", "an", "an"),
    ("E48", "serviciu", "serv"),
]

CURRENCIES: list[tuple[str, str]] = [
    ("RON", "leu românesc"),
    ("EUR", "euro"),
    ("USD", "dolar american"),
    ("GBP", "liră sterlină"),
    ("CHF", "franc elvețian"),
    ("HUF", "forint maghiar"),
    ("PLN", "zlot polonez"),
    ("BGN", "leva bulgărească"),
    ("CZK", "coroană cehă"),
    ("SEK", "coroană suedeză"),
    ("DKK", "coroană daneză"),
    ("NOK", "coroană norvegiană"),
    ("MDL", "leu moldovenesc"),
    ("TRY", "liră turcească"),
    ("JPY", "yen japonez"),
    ("CNY", "yuan renminbi"),
    ("CAD", "dolar canadian"),
    ("AUD", "dolar australian"),
]


async def reference_data_load() -> dict[str, int]:
    """Insert what is missing; return how many rows of each kind were added."""
    added = {"vat_categories": 0, "vat_rates": 0, "units": 0, "currencies": 0}
    async with write_tx():
        for code, name, untdid, vatex, text, rates in VAT_CATEGORIES:
            category = await VatCategory.objects().get(VatCategory.code == code)
            if category is None:
                category = VatCategory(
                    code=code, name=name, untdid=untdid, exemption_code=vatex, exemption_text=text
                )
                await category.save()
                added["vat_categories"] += 1
            for rate, start, end in rates:
                if not await VatRate.exists().where(
                    (VatRate.category == category.id) & (VatRate.valid_from == start)
                ):
                    await VatRate(
                        category=category.id, rate=Decimal(rate), valid_from=start, valid_to=end
                    ).save()
                    added["vat_rates"] += 1
        for code, name, symbol in UNITS:
            if not await UnitOfMeasure.exists().where(UnitOfMeasure.code == code):
                await UnitOfMeasure(code=code, name=name, symbol=symbol).save()
                added["units"] += 1
        for code, name in CURRENCIES:
            if not await Currency.exists().where(Currency.code == code):
                await Currency(code=code, name=name).save()
                added["currencies"] += 1
    return added
