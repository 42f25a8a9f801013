"""Document lines shared by invoices and the other sales documents: what a typed line
must be, and the VAT rates of its category on a day."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from domain.core.clock import today
from domain.core.errors import Forbidden, ValidationFailed
from domain.core.money import input_decimal, q2, to_decimal
from domain.org.fx import rate_for_invoice
from domain.org.permissions import Actor
from domain.pricing.resolver import PriceAsk, PriceContext, levels_for, resolve_prices
from domain.pricing.rules import reaches
from domain.sales.totals import LineIn, Totals, document_totals, percent_discount
from tables.catalog import Article, VatCategory
from tables.choices import PriceAccess


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
        price = input_decimal(line.get("unit_price") or 0, f"{where}.unit_price")
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
                "price_list": int(line["price_list"]) if line.get("price_list") else None,
                **{k: line[k] for k in links if line.get(k) is not None},
            }
        )
    # The totals function checks what only it can (signs, discounts) on the draft too.
    document_totals([LineIn(x["quantity"], x["unit_price"], "S", Decimal(21), x["discount"])
                     for x in out])  # fmt: skip
    return out


async def priced_lines(
    lines: Sequence[Mapping[str, Any]], context: PriceContext, *, by: Actor
) -> list[dict[str, Any]]:
    """The lines with the price their price list gives where none was typed.

    A line with an article and no unit price asks the resolver (the list chosen on the
    line, else the lists that apply to the partner, work point, user...); the price is the
    one without VAT in the document's currency, and the line remembers its list. A typed
    price stays as typed. A line no list can price is refused with the reasons.
    """
    asks = [
        (i, PriceAsk(int(x["article"]), _quantity(x, i), x.get("price_list") or None))
        for i, x in enumerate(lines)
        if x.get("article") and x.get("unit_price") is None
    ]
    chosen = {int(x["price_list"]) for x in lines if x.get("price_list")}
    if chosen:  # a list named on a typed line must be one the user may use, too
        levels = await levels_for(by, sorted(chosen))
        for list_id, level in levels.items():
            if not reaches(level, PriceAccess.use):
                raise Forbidden(
                    "PRICE_LIST_FORBIDDEN",
                    f"Nu aveți dreptul să folosiți lista de prețuri nr. {list_id}.",
                    f"You may not use price list {list_id}.",
                    details={"price_list": list_id},
                )
    out = [dict(x) for x in lines]
    if not asks:
        return out
    answers = await resolve_prices([a for _, a in asks], context, by=by)
    for (i, _), answer in zip(asks, answers, strict=True):
        if not answer.found or answer.net is None:
            raise ValidationFailed(
                "LINE_PRICE_MISSING",
                f"Linia {i + 1}: nicio listă de prețuri nu are preț pentru acest articol "
                "la această dată; tastați prețul.",
                "No price list prices this article on this day; type the price.",
                field=f"lines[{i}].unit_price",
                details={"why": answer.why},
            )
        out[i]["unit_price"] = answer.net
        out[i]["price_list"] = answer.price_list
    return out


def price_context(header: Mapping[str, Any], partner_id: int) -> PriceContext:
    """Where and when a document's lines are priced: its partner, work point, currency and
    day (delivery date, else issue date, else today — the day the VAT rate comes from too)."""
    return PriceContext(
        day=header.get("delivery_date") or header.get("issue_date") or today(),
        currency=header.get("currency") or "RON",
        partner=partner_id,
        work_point=header.get("work_point") or None,
    )


def _quantity(line: Mapping[str, Any], i: int) -> Decimal:
    return input_decimal(line.get("quantity") or 0, f"lines[{i}].quantity")


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
