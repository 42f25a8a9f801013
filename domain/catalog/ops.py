"""Write operations on articles."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from domain.catalog.rules import normalize_article
from domain.catalog.vat import DatedRate, check_no_overlap
from domain.core.errors import Conflict, NotFound, ValidationFailed
from domain.core.money import to_decimal
from domain.core.tx import is_unique_violation, write_tx
from domain.org.permissions import Action, Actor, Area, require
from tables.catalog import Article, UnitOfMeasure, VatCategory, VatRate

ARTICLE_FIELDS = tuple(
    c._meta.name for c in Article._meta.columns if c._meta.name not in {"id", "created_at"}
)


async def _reference_id(table: Any, value: Any, field: str, label: str) -> int:
    """Accept an id or a code (H87, S-STANDARD) for a unit or a VAT category."""
    if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
        row = await table.select(table.id).where(table.id == int(value)).first()
    else:
        row = await table.select(table.id).where(table.code == str(value or "")).first()
    if row is None:
        raise ValidationFailed(
            f"{field.upper()}_INVALID",
            f"{label} «{value}» nu există.",
            f"Unknown {field} «{value}».",
            field=field,
        )
    return row["id"]


async def article_duplicate(values: Mapping[str, Any], exclude_id: int | None = None) -> None:
    for column, label in (("code", "codul"), ("barcode", "codul de bare")):
        value = values.get(column)
        if not value:
            continue
        query = Article.select(Article.id, Article.name).where(getattr(Article, column) == value)
        if exclude_id is not None:
            query = query.where(Article.id != exclude_id)
        existing = await query.first()
        if existing:
            raise Conflict(
                "ARTICLE_DUPLICATE",
                f"Există deja articolul «{existing['name']}» cu {label} {value} "
                f"(nr. {existing['id']}).",
                f"Article «{existing['name']}» already has {column} {value}.",
                field=column,
                details={"article_id": existing["id"]},
            )


async def article_prepare(
    values: Mapping[str, Any], *, by: Actor, article_id: int | None = None
) -> dict[str, Any]:
    """Validate a whole article (shared by the API and the admin's save hooks)."""
    require(by, Area.catalog, Action.write)
    out = normalize_article(values)
    out["uom"] = await _reference_id(UnitOfMeasure, out.get("uom"), "uom", "Unitatea de măsură")
    out["vat_category"] = await _reference_id(
        VatCategory, out.get("vat_category"), "vat_category", "Categoria de TVA"
    )
    await article_duplicate(out, exclude_id=article_id)
    return out


async def article_create(*, values: Mapping[str, Any], by: Actor) -> int:
    prepared: dict[str, Any] = {}
    try:
        async with write_tx():
            prepared = await article_prepare(values, by=by)
            row = Article(**{k: v for k, v in prepared.items() if k in ARTICLE_FIELDS})
            await row.save()
    except Exception as exc:
        if is_unique_violation(exc):
            await article_duplicate(prepared)
        raise
    return row.id


async def article_update(*, article_id: int, values: Mapping[str, Any], by: Actor) -> None:
    async with write_tx():
        current = (
            await Article.select(*Article._meta.columns).where(Article.id == article_id).first()
        )
        if current is None:
            raise NotFound(
                "ARTICLE_NOT_FOUND",
                f"Articolul nr. {article_id} nu există.",
                f"Article {article_id} not found.",
            )
        merged = {k: current[k] for k in ARTICLE_FIELDS} | dict(values)
        prepared = await article_prepare(merged, by=by, article_id=article_id)
        await Article.update(
            {getattr(Article, k): prepared[k] for k in ARTICLE_FIELDS if k in prepared}
        ).where(Article.id == article_id)


async def vat_rate_prepare(
    values: Mapping[str, Any], *, by: Actor, rate_id: int | None = None
) -> dict[str, Any]:
    """A dated VAT rate: 0-100 %, an interval that is not backwards, no overlap."""
    require(by, Area.catalog, Action.write)
    out = dict(values)
    try:
        rate = to_decimal(out.get("rate") or 0)
        in_range = Decimal(0) <= rate <= Decimal(100)  # NaN raises here too
    except (ArithmeticError, ValueError):
        rate, in_range = out.get("rate"), False
    if not in_range:
        raise ValidationFailed(
            "VAT_RATE_INVALID",
            f"Cota de TVA trebuie să fie între 0 și 100 %, nu {rate}.",
            f"A VAT rate must be between 0 and 100, not {rate}.",
            field="rate",
        )
    start, end = out.get("valid_from"), out.get("valid_to")
    if start is None:
        raise ValidationFailed(
            "VAT_RATE_PERIOD_INVALID",
            "Completați data de la care se aplică cota.",
            "The date the rate applies from is required.",
            field="valid_from",
        )
    if end is not None and start is not None and end < start:
        raise ValidationFailed(
            "VAT_RATE_PERIOD_INVALID",
            "Data de sfârșit a cotei este înaintea datei de început.",
            "The rate ends before it starts.",
            field="valid_to",
        )
    category_id = out.get("category")
    category = (
        await VatCategory.select(VatCategory.code).where(VatCategory.id == category_id).first()
    )
    if category is None:
        raise ValidationFailed(
            "VAT_CATEGORY_INVALID",
            "Alegeți categoria de TVA.",
            "Choose a VAT category.",
            field="category",
        )
    others = VatRate.select(VatRate.rate, VatRate.valid_from, VatRate.valid_to).where(
        VatRate.category == category_id
    )
    if rate_id is not None:
        others = others.where(VatRate.id != rate_id)
    dated = [DatedRate(to_decimal(r["rate"]), r["valid_from"], r["valid_to"]) for r in await others]
    check_no_overlap(category["code"], [*dated, DatedRate(rate, start, end)])
    out["rate"] = rate
    return out
