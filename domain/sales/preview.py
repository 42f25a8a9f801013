"""The totals a draft will have once issued, for lines still being typed (the editor).

Same rules as `invoice_issue`: each line's VAT rate is its category's (chosen, or the
article's) on the delivery date, the document discount is one allowance per VAT group,
a foreign currency takes the BNR rate of the issue date unless the draft has its own,
and the figures come from the one totals function.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from domain.catalog.vat import DatedRate, rate_on
from domain.core.clock import today
from domain.core.errors import DomainError, NotFound, ValidationFailed
from domain.core.money import input_decimal, to_decimal
from domain.sales.lines import fx_for_invoice, totals_with_discount
from domain.sales.totals import LineIn, Totals
from tables.catalog import Article, VatCategory, VatRate


@dataclass(frozen=True, slots=True)
class DraftLine:
    quantity: Decimal
    unit_price: Decimal
    discount: Decimal
    article: int | None
    vat_category: str | None  # a category code; None = the article's


@dataclass(frozen=True, slots=True)
class Preview:
    totals: Totals | None  # None while there are no lines
    categories: list[str]  # the category code each line ended up with
    tax_day: date
    currency: str
    fx_rate: Decimal | None
    fx_date: date | None
    fx_message: str | None  # why there is no rate yet (the currency totals still stand)


def at_line(exc: DomainError, index: int, column: str) -> ValidationFailed:
    """The same refusal, pointed at the line's cell (the editor shows it there)."""
    return ValidationFailed(
        exc.code, exc.message_ro, exc.message_en, field=f"lines[{index}].{column}",
        details=exc.details,
    )  # fmt: skip


async def _categories_of_articles(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = await Article.select(Article.id, Article.vat_category.code.as_alias("category")).where(
        Article.id.is_in(sorted(ids))
    )
    return {r["id"]: r["category"] for r in rows}


async def _rates_of_categories(codes: set[str]) -> dict[str, tuple[str, list[DatedRate]]]:
    """{category code: (UNTDID code, dated rates)} for the known codes among `codes`."""
    if not codes:
        return {}
    categories = await VatCategory.select(
        VatCategory.id, VatCategory.code, VatCategory.untdid
    ).where(VatCategory.code.is_in(sorted(codes)))
    out: dict[str, tuple[str, list[DatedRate]]] = {c["code"]: (c["untdid"], []) for c in categories}
    by_id = {c["id"]: c["code"] for c in categories}
    if by_id:
        for r in await VatRate.select(
            VatRate.category, VatRate.rate, VatRate.valid_from, VatRate.valid_to
        ).where(VatRate.category.is_in(list(by_id))):
            out[by_id[r["category"]]][1].append(
                DatedRate(to_decimal(r["rate"]), r["valid_from"], r["valid_to"])
            )
    return out


async def invoice_preview(
    *,
    lines: Sequence[DraftLine],
    issue_date: date | None,
    delivery_date: date | None,
    currency: str,
    fx_rate: Decimal | None,
    discount_percent: Decimal | None,
) -> Preview:
    issue_day = issue_date or today()
    tax_day = delivery_date or issue_day
    articles = await _categories_of_articles({x.article for x in lines if x.article})
    chosen: list[str] = []
    for i, line in enumerate(lines):
        if line.article and line.article not in articles:
            raise ValidationFailed(
                "LINE_ARTICLE_INVALID", f"Linia {i + 1}: articolul nu există.",
                "Unknown article.", field=f"lines[{i}].article",
            )  # fmt: skip
        code = line.vat_category or (articles[line.article] if line.article else None)
        if not code:
            raise ValidationFailed(
                "LINE_VAT_CATEGORY_REQUIRED",
                f"Linia {i + 1}: alegeți categoria de TVA (sau un articol).",
                "A VAT category (or an article) is required.", field=f"lines[{i}].vat_category",
            )  # fmt: skip
        chosen.append(code)
    categories = await _rates_of_categories(set(chosen))
    priced: list[LineIn] = []
    for i, (line, code) in enumerate(zip(lines, chosen, strict=True)):
        if code not in categories:
            raise ValidationFailed(
                "LINE_VAT_CATEGORY_INVALID", f"Linia {i + 1}: categoria de TVA «{code}» nu există.",
                "Unknown VAT category.", field=f"lines[{i}].vat_category",
            )  # fmt: skip
        untdid, rates = categories[code]
        try:
            rate = rate_on(code, tax_day, rates)
        except ValidationFailed as exc:
            raise at_line(exc, i, "vat_category") from None
        priced.append(
            LineIn(
                input_decimal(line.quantity, f"lines[{i}].quantity"),
                input_decimal(line.unit_price, f"lines[{i}].unit_price"),
                untdid,
                rate,
                input_decimal(line.discount, f"lines[{i}].discount"),
            )
        )
    currency = currency.strip().upper() or "RON"
    if fx_rate is not None:
        fx_rate = input_decimal(fx_rate, "fx_rate", limit=Decimal(10) ** 6)
    fx_message = None
    try:
        rate_used, fx_date = await fx_for_invoice(currency, issue_day, fx_rate, None)
    except NotFound as exc:
        rate_used, fx_date, fx_message = None, None, exc.message_ro
    discount = input_decimal(discount_percent or 0, "discount_percent")
    totals = totals_with_discount(priced, discount, rate_used) if priced else None
    return Preview(totals, chosen, tax_day, currency, rate_used, fx_date, fx_message)
