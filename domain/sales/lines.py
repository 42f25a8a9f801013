"""Document lines shared by invoices and the other sales documents: what a typed line
must be, and the VAT rates of its category on a day."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from domain.catalog.vat import DatedRate
from domain.core.errors import ValidationFailed
from domain.core.money import input_decimal, q2, to_decimal
from domain.org.fx import rate_for_invoice
from domain.sales.totals import LineIn, Totals, document_totals, percent_discount
from tables.catalog import Article, VatCategory, VatRate


async def prepare_lines(
    lines: Sequence[Mapping[str, Any]], links: Sequence[str] = ("source_line",)
) -> list[dict[str, Any]]:
    """Validate typed lines; fill description, unit and VAT category from the article.

    `links` are the columns that tie a line to the one it comes from; they pass through.
    """
    if not lines:
        raise ValidationFailed(
            "DOCUMENT_EMPTY",
            "Adăugați cel puțin o linie.",
            "Add at least one line.",
            field="lines",
        )
    article_ids = {int(x["article"]) for x in lines if x.get("article")}
    articles = {
        a["id"]: a
        for a in await Article.select(
            Article.id, Article.name, Article.uom.code.as_alias("uom_code"),
            Article.vat_category, Article.active,
        ).where(Article.id.is_in(list(article_ids) or [0]))
    }  # fmt: skip
    codes = {x["vat_category"] for x in lines if isinstance(x.get("vat_category"), str)}
    categories = {
        c["code"]: c["id"]
        for c in await VatCategory.select(VatCategory.id, VatCategory.code).where(
            VatCategory.code.is_in(list(codes) or [""])
        )
    }
    out = []
    for i, line in enumerate(lines):
        where = f"lines[{i}]"
        article = articles.get(int(line["article"])) if line.get("article") else None
        if line.get("article") and article is None:
            raise ValidationFailed(
                "LINE_ARTICLE_INVALID", f"Linia {i + 1}: articolul nu există.",
                "Unknown article.", field=f"{where}.article",
            )  # fmt: skip
        quantity = input_decimal(line.get("quantity", 0), f"{where}.quantity")
        price = input_decimal(line.get("unit_price", 0), f"{where}.unit_price")
        if quantity == 0:
            raise ValidationFailed(
                "LINE_QUANTITY_ZERO", f"Linia {i + 1}: cantitatea nu poate fi zero.",
                "Quantity cannot be zero.", field=f"{where}.quantity",
            )  # fmt: skip
        category = line.get("vat_category") or (article and article["vat_category"])
        if isinstance(category, str) and not category.isdigit():
            if category not in categories:
                raise ValidationFailed(
                    "LINE_VAT_CATEGORY_INVALID",
                    f"Linia {i + 1}: categoria de TVA «{category}» nu există.",
                    "Unknown VAT category.", field=f"{where}.vat_category",
                )  # fmt: skip
            category = categories[category]
        if not category:
            raise ValidationFailed(
                "LINE_VAT_CATEGORY_REQUIRED",
                f"Linia {i + 1}: alegeți categoria de TVA (sau un articol).",
                "A VAT category (or an article) is required.", field=f"{where}.vat_category",
            )  # fmt: skip
        description = (line.get("description") or (article and article["name"]) or "").strip()
        if not description:
            raise ValidationFailed(
                "LINE_DESCRIPTION_REQUIRED", f"Linia {i + 1}: completați denumirea.",
                "A description is required.", field=f"{where}.description",
            )  # fmt: skip
        out.append(
            {
                "position": i + 1,
                "article": article["id"] if article else None,
                "description": description[:300],
                "quantity": quantity,
                "uom_code": line.get("uom_code") or (article and article["uom_code"]) or "H87",
                "unit_price": price,
                "discount": q2(input_decimal(line.get("discount") or 0, f"{where}.discount")),
                "vat_category": int(category),
                **{k: line[k] for k in links if line.get(k) is not None},
            }
        )
    # The totals function checks what only it can (signs, discounts) on the draft too.
    document_totals([LineIn(x["quantity"], x["unit_price"], "S", Decimal(21), x["discount"])
                     for x in out])  # fmt: skip
    return out


async def rates_by_category(category_ids: set[int]) -> dict[int, list[DatedRate]]:
    rates: dict[int, list[DatedRate]] = {i: [] for i in category_ids}
    ids = sorted(category_ids)
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


async def fx_for_invoice(
    currency: str, issue_day: date, manual_rate: Decimal | None, manual_day: date | None
) -> tuple[Decimal | None, date | None]:
    """The exchange rate a currency invoice uses and its date: the draft's own (chosen with
    a reason), else the BNR rate published last before the invoice date."""
    if currency == "RON":
        return None, None
    if manual_rate is not None:
        return to_decimal(manual_rate), manual_day or issue_day
    quote = await rate_for_invoice(currency, issue_day)
    return quote.per_unit, quote.published_day


def totals_with_discount(
    priced: Sequence[LineIn], discount_percent: Decimal | None, fx_rate: Decimal | None
) -> Totals:
    """The document's totals, its percentage discount split per VAT group."""
    discount = to_decimal(discount_percent or 0)
    adjustments = percent_discount(priced, discount, "Discount") if discount else []
    return document_totals(priced, adjustments, fx_rate=fx_rate)
