"""Read models of the catalogue."""

from __future__ import annotations

from datetime import date

from domain.catalog.vat import DatedRate, rate_on
from domain.core.errors import NotFound
from domain.core.money import to_decimal
from tables.catalog import VatCategory, VatRate


async def category_rates(category_code: str) -> list[DatedRate]:
    category = (
        await VatCategory.select(VatCategory.id).where(VatCategory.code == category_code).first()
    )
    if category is None:
        raise NotFound(
            "VAT_CATEGORY_NOT_FOUND",
            f"Categoria de TVA «{category_code}» nu există.",
            f"VAT category «{category_code}» does not exist.",
        )
    rows = await VatRate.select(VatRate.rate, VatRate.valid_from, VatRate.valid_to).where(
        VatRate.category == category["id"]
    )
    return [DatedRate(to_decimal(r["rate"]), r["valid_from"], r["valid_to"]) for r in rows]


async def vat_rate_for(category_code: str, day: date):
    """The percentage of `category_code` in force on `day` (Decimal, e.g. 21.00)."""
    return rate_on(category_code, day, await category_rates(category_code))


async def rates_by_category(category_ids: set[int]) -> dict[int, list[DatedRate]]:
    """The dated rates of several VAT categories, in one query."""
    rates: dict[int, list[DatedRate]] = {i: [] for i in category_ids}
    ids = sorted(category_ids)
    if not ids:
        return rates
    placeholders = ", ".join("{}" for _ in ids)
    for r in await VatRate.raw(  # on every issue: plain SQL, see docs/benchmarks.md
        "SELECT category, rate, valid_from, valid_to FROM cota_tva "
        f"WHERE category IN ({placeholders})",
        *ids,
    ):
        rates[r["category"]].append(
            DatedRate(to_decimal(r["rate"]), r["valid_from"], r["valid_to"])
        )
    return rates
