"""Warehouses (gestiuni) and the company's stock settings: the checks shared by the API
and the admin's save hooks, and the writes of the API."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from domain.core.errors import Conflict, NotFound, ValidationFailed
from domain.core.tx import write_tx
from domain.org.permissions import Action, Actor, Area, require
from tables.catalog import Article
from tables.choices import ArticleKind
from tables.org import Company, WorkPoint
from tables.stock import StockSettings, Valuation, Warehouse

STOCK_AREA = Area.sales
"""Stock is written by whoever writes sales documents (admin, accountant, sales, cashier)
until the role matrix has an area of its own for it."""

WAREHOUSE_FIELDS = ("company", "work_point", "code", "name", "is_default", "active")
KIND_RO = {
    ArticleKind.service: "serviciu",
    ArticleKind.rent: "chirie",
    ArticleKind.utility: "utilitate",
}


async def stock_articles(ids: Sequence[int]) -> dict[int, str]:
    """The kind of each article, refusing unknown ones and those that keep no stock."""
    wanted = sorted(set(ids))
    rows = await Article.select(Article.id, Article.name, Article.kind).where(
        Article.id.is_in(wanted or [0])
    )
    found = {r["id"]: r for r in rows}
    for article in wanted:
        row = found.get(article)
        if row is None:
            raise NotFound(
                "ARTICLE_NOT_FOUND", f"Articolul nr. {article} nu există.", field="article"
            )
        if row["kind"] not in (ArticleKind.goods, ArticleKind.product):
            raise ValidationFailed(
                "ARTICLE_NOT_STOCKED",
                f"«{row['name']}» este {KIND_RO.get(row['kind'], row['kind'])}: nu are stoc.",
                f"«{row['name']}» keeps no stock.",
                field="article",
            )
    return {a: found[a]["kind"] for a in wanted}


async def _company_of(values: Mapping[str, Any]) -> int:
    if values.get("company"):
        return int(values["company"])
    row = await Company.select(Company.id).order_by(Company.id).first()
    if row is None:
        raise ValidationFailed(
            "COMPANY_MISSING",
            "Completați întâi datele firmei (Organizare › Firma).",
            "Set up the company first.",
            field="company",
        )
    return row["id"]


async def warehouse_prepare(
    values: Mapping[str, Any], *, by: Actor, warehouse_id: int | None = None
) -> dict[str, Any]:
    """A whole warehouse, checked: code and name, its work point in the same company,
    a unique code, at most one active default per work point (or for the company)."""
    require(by, STOCK_AREA, Action.write)
    out = {k: values[k] for k in WAREHOUSE_FIELDS if k in values}
    out["company"] = await _company_of(out)
    out["code"] = str(out.get("code") or "").strip().upper()
    out["name"] = str(out.get("name") or "").strip()
    out["work_point"] = out.get("work_point") or None
    out["is_default"] = bool(out.get("is_default", False))
    out["active"] = bool(out.get("active", True))
    for name, label in (("code", "codul"), ("name", "denumirea")):
        if not out[name]:
            raise ValidationFailed("FIELD_REQUIRED", f"Completați {label} gestiunii.", field=name)
    if out["work_point"] is not None:
        point = (
            await WorkPoint.select(WorkPoint.company)
            .where(WorkPoint.id == out["work_point"])
            .first()
        )
        if point is None or point["company"] != out["company"]:
            raise ValidationFailed(
                "WORK_POINT_INVALID",
                "Punctul de lucru nu există sau este al altei firme.",
                "The work point does not exist in this company.",
                field="work_point",
            )
    same = Warehouse.select(Warehouse.id, Warehouse.name).where(
        (Warehouse.company == out["company"]) & (Warehouse.code == out["code"])
    )
    if warehouse_id is not None:
        same = same.where(Warehouse.id != warehouse_id)
    if (twin := await same.first()) is not None:
        raise Conflict(
            "WAREHOUSE_DUPLICATE",
            f"Codul «{out['code']}» este deja al gestiunii «{twin['name']}».",
            f"Code {out['code']} is taken.",
            field="code",
        )
    if out["is_default"] and out["active"]:
        scope = (Warehouse.company == out["company"]) & Warehouse.is_default.eq(True)
        scope &= Warehouse.active.eq(True)
        if out["work_point"] is None:
            scope &= Warehouse.work_point.is_null()
        else:
            scope &= Warehouse.work_point == out["work_point"]
        query = Warehouse.select(Warehouse.id, Warehouse.name).where(scope)
        if warehouse_id is not None:
            query = query.where(Warehouse.id != warehouse_id)
        if (other := await query.first()) is not None:
            where = "acest punct de lucru" if out["work_point"] else "firmă (fără punct de lucru)"
            raise Conflict(
                "WAREHOUSE_DEFAULT_TAKEN",
                f"«{other['name']}» este deja gestiunea implicită pentru {where}. "
                "Debifați-o întâi.",
                "Another warehouse is already the default there.",
                field="is_default",
            )
    return out


async def warehouse_create(*, values: Mapping[str, Any], by: Actor) -> int:
    async with write_tx():
        row = Warehouse(**await warehouse_prepare(values, by=by))
        await row.save()
    return row.id


async def warehouse_update(*, warehouse_id: int, values: Mapping[str, Any], by: Actor) -> None:
    async with write_tx():
        current = await Warehouse.select().where(Warehouse.id == warehouse_id).first()
        if current is None:
            raise NotFound("WAREHOUSE_NOT_FOUND", f"Gestiunea nr. {warehouse_id} nu există.")
        merged = {k: current[k] for k in WAREHOUSE_FIELDS} | dict(values)
        merged["company"] = current["company"]  # a warehouse never changes company
        out = await warehouse_prepare(merged, by=by, warehouse_id=warehouse_id)
        await Warehouse.update({getattr(Warehouse, k): v for k, v in out.items()}).where(
            Warehouse.id == warehouse_id
        )


async def settings_prepare(
    values: Mapping[str, Any], *, by: Actor, settings_id: int | None = None
) -> dict[str, Any]:
    require(by, STOCK_AREA, Action.write)
    out = dict(values)
    out["company"] = await _company_of(out)
    valuation = str(out.get("valuation") or Valuation.cmp)
    if valuation not in {v.value for v in Valuation}:
        raise ValidationFailed(
            "VALUATION_INVALID",
            "Metoda de evaluare a stocului este «cmp» (cost mediu ponderat) sau «fifo».",
            field="valuation",
        )
    out["valuation"] = valuation
    out["allow_negative"] = bool(out.get("allow_negative", False))
    out.pop("next_reception_number", None)  # advanced by issuing receptions only
    twin = StockSettings.select(StockSettings.id).where(StockSettings.company == out["company"])
    if settings_id is not None:
        twin = twin.where(StockSettings.id != settings_id)
    if await twin.first() is not None:
        raise Conflict(
            "STOCK_SETTINGS_EXIST",
            "Firma are deja setările de stoc: modificați rândul existent.",
            field="company",
        )
    return out


async def settings_get(company_id: int) -> dict[str, Any]:
    row = await StockSettings.select().where(StockSettings.company == company_id).first()
    if row is None:
        return {"company": company_id, "valuation": Valuation.cmp.value, "allow_negative": False}
    return {k: row[k] for k in ("company", "valuation", "allow_negative")} | {
        "allow_negative": bool(row["allow_negative"])
    }


async def settings_save(*, company_id: int, values: Mapping[str, Any], by: Actor) -> None:
    """Choose CMP or FIFO and whether stock may go below zero. Changing the method
    values only later exits: FIFO layers are read from the moves, so either works at
    once (the law wants one method kept for the financial year: a decision for people)."""
    async with write_tx():
        await settings_ensure(company_id)
        current = await settings_get(company_id)
        row = (
            await StockSettings.select(StockSettings.id)
            .where(StockSettings.company == company_id)
            .first()
        )
        out = await settings_prepare(current | dict(values), by=by, settings_id=row["id"])
        await StockSettings.update(
            {StockSettings.valuation: out["valuation"],
             StockSettings.allow_negative: out["allow_negative"]}
        ).where(StockSettings.company == company_id)  # fmt: skip


async def settings_ensure(company_id: int) -> None:
    """The settings row, created with the defaults when missing (race-free)."""
    await StockSettings.raw(
        "INSERT INTO setari_stoc (company, valuation, allow_negative, next_reception_number) "
        "VALUES ({}, {}, {}, 1) ON CONFLICT (company) DO NOTHING",
        company_id, Valuation.cmp.value, False,
    )  # fmt: skip
