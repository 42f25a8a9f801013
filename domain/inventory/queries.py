"""Stock reports: the stock card (fișa de magazie) of an article in a warehouse and the
valuation of the stock at a date, plus the lists the API and the admin show.

Both read the moves by their business date, so a move entered later with an earlier
date is where it belongs; sums are exact on both engines (integer thousandths of a
unit and bani, see domain/core/sums.py).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from domain.core.errors import NotFound
from domain.core.money import from_minor
from domain.inventory.moves import parse_move
from domain.inventory.rules import ZERO, q3, unit_cost
from domain.inventory.warehouses import STOCK_AREA
from domain.org.permissions import Action, Actor, require
from tables.catalog import Article
from tables.stock import StockMove, StockReception, Warehouse

NO_QTY = Decimal("0.000")
QTY_SUM = "SUM(CAST(ROUND(m.quantity * 1000) AS BIGINT))"
VALUE_SUM = "SUM(CAST(ROUND(m.value * 100) AS BIGINT))"

# What document a move comes from, as people know it.
REFERENCE = (
    "CASE m.source_type "
    "WHEN 'invoice' THEN (SELECT f.full_number FROM factura f WHERE f.id = m.source_id) "
    "WHEN 'document' THEN (SELECT d.full_number FROM document_vanzare d "
    "WHERE d.id = m.source_id) "
    "WHEN 'reception' THEN (SELECT CAST(n.number AS VARCHAR(20)) FROM nir n "
    "WHERE n.id = m.source_id) "
    "ELSE CAST(m.source_id AS VARCHAR(20)) END"
)
KIND_RO = {
    "reception": "NIR",
    "sale": "Factură",
    "delivery_note": "Aviz",
    "transfer": "Transfer",
    "adjustment": "Ajustare inventar",
    "return": "Retur",
}


def _qty(value: Any) -> Decimal:
    return q3(Decimal(int(value or 0)) / 1000)


async def _warehouse(warehouse_id: int) -> dict[str, Any]:
    row = await Warehouse.select().where(Warehouse.id == warehouse_id).first()
    if row is None:
        raise NotFound("WAREHOUSE_NOT_FOUND", f"Gestiunea nr. {warehouse_id} nu există.")
    return row


async def stock_card(
    *, warehouse_id: int, article_id: int, date_from: date, date_to: date, by: Actor
) -> dict[str, Any]:
    """Fișa de magazie: the opening stock, every move of the period with the stock and
    its value after it, the closing stock."""
    require(by, STOCK_AREA, Action.read)
    warehouse = await _warehouse(warehouse_id)
    article = (
        await Article.select(
            Article.id, Article.code, Article.name, Article.uom.symbol.as_alias("uom")
        )
        .where(Article.id == article_id)
        .first()
    )
    if article is None:
        raise NotFound("ARTICLE_NOT_FOUND", f"Articolul nr. {article_id} nu există.")
    opening = await StockMove.raw(
        f"SELECT {QTY_SUM} AS qty, {VALUE_SUM} AS value FROM miscare_stoc m "
        "WHERE m.warehouse = {} AND m.article = {} AND m.day < {}",
        warehouse_id, article_id, date_from,
    )  # fmt: skip
    qty, value = _qty(opening[0]["qty"]), from_minor(int(opening[0]["value"] or 0))
    moves = await StockMove.raw(
        "SELECT m.id, m.day, m.kind, m.quantity, m.value, m.unit_cost, m.source_type, "
        f"m.source_id, m.source_line, m.origin, {REFERENCE} AS reference "
        "FROM miscare_stoc m WHERE m.warehouse = {} AND m.article = {} "
        "AND m.day >= {} AND m.day <= {} ORDER BY m.day, m.id",
        warehouse_id, article_id, date_from, date_to,
    )  # fmt: skip
    lines = []
    opening_out = {"quantity": qty, "value": value}
    for raw in moves:
        move = parse_move(raw)
        qty += move["quantity"]
        value += move["value"]
        lines.append({
            "id": move["id"], "day": move["day"], "kind": move["kind"],
            "kind_ro": KIND_RO.get(move["kind"], move["kind"]),
            "reference": move["reference"] or "", "source_type": move["source_type"],
            "source_id": move["source_id"],
            "quantity_in": max(move["quantity"], NO_QTY),
            "quantity_out": max(-move["quantity"], NO_QTY),
            "unit_cost": move["unit_cost"], "value": move["value"],
            "balance_qty": qty, "balance_value": value,
        })  # fmt: skip
    return {
        "warehouse": {"id": warehouse["id"], "code": warehouse["code"], "name": warehouse["name"]},
        "article": article,
        "date_from": date_from,
        "date_to": date_to,
        "opening": opening_out,
        "moves": lines,
        "closing": {"quantity": qty, "value": value},
    }


async def stock_valuation(
    *, company_id: int, on: date, warehouse_id: int | None = None, by: Actor
) -> dict[str, Any]:
    """The stock of every article in each warehouse at the end of `on`: quantity, value
    in RON and average cost; totals per warehouse and for the company."""
    require(by, STOCK_AREA, Action.read)
    where, args = "m.company = {} AND m.day <= {}", [company_id, on]
    if warehouse_id is not None:
        await _warehouse(warehouse_id)
        where += " AND m.warehouse = {}"
        args.append(warehouse_id)
    rows = await StockMove.raw(
        f"SELECT m.warehouse, m.article, {QTY_SUM} AS qty, {VALUE_SUM} AS value "
        f"FROM miscare_stoc m WHERE {where} GROUP BY m.warehouse, m.article",
        *args,
    )
    names = await _names({r["warehouse"] for r in rows}, {r["article"] for r in rows})
    warehouses: dict[int, dict[str, Any]] = {}
    for r in rows:
        qty, value = _qty(r["qty"]), from_minor(int(r["value"] or 0))
        if qty == 0 and value == 0:
            continue
        w = warehouses.setdefault(r["warehouse"], {
            "id": r["warehouse"], **names["w"].get(r["warehouse"], {}), "items": [],
            "value": ZERO,
        })  # fmt: skip
        w["items"].append({
            "article": r["article"], **names["a"].get(r["article"], {}), "quantity": qty,
            "value": value, "unit_cost": unit_cost(value, qty),
        })  # fmt: skip
        w["value"] += value
    out = sorted(warehouses.values(), key=lambda w: w.get("code", ""))
    for w in out:
        w["items"].sort(key=lambda x: x.get("code", ""))
    return {
        "company": company_id,
        "on": on,
        "warehouses": out,
        "value": sum((w["value"] for w in out), ZERO),
    }


async def _names(warehouses: set[int], articles: set[int]) -> dict[str, dict[int, Any]]:
    w = await Warehouse.select(Warehouse.id, Warehouse.code, Warehouse.name).where(
        Warehouse.id.is_in(sorted(warehouses) or [0])
    )
    a = await Article.select(
        Article.id, Article.code, Article.name, Article.uom.symbol.as_alias("uom")
    ).where(Article.id.is_in(sorted(articles) or [0]))
    return {
        "w": {r["id"]: {"code": r["code"], "name": r["name"]} for r in w},
        "a": {r["id"]: {"code": r["code"], "name": r["name"], "uom": r["uom"]} for r in a},
    }


async def warehouse_list(*, company_id: int | None = None, by: Actor) -> list[dict[str, Any]]:
    require(by, STOCK_AREA, Action.read)
    query = Warehouse.select().order_by(Warehouse.code)
    if company_id is not None:
        query = query.where(Warehouse.company == company_id)
    return [r | {"is_default": bool(r["is_default"]), "active": bool(r["active"])}
            for r in await query]  # fmt: skip


async def warehouse_get(warehouse_id: int, *, by: Actor) -> dict[str, Any]:
    require(by, STOCK_AREA, Action.read)
    row = await _warehouse(warehouse_id)
    return row | {"is_default": bool(row["is_default"]), "active": bool(row["active"])}


async def reception_list(
    *, company_id: int | None = None, limit: int = 50, before: int | None = None, by: Actor
) -> list[dict[str, Any]]:
    """The latest receptions first; `before` (an id) pages on."""
    require(by, STOCK_AREA, Action.read)
    query = StockReception.select().order_by(StockReception.id, ascending=False).limit(limit)
    if company_id is not None:
        query = query.where(StockReception.company == company_id)
    if before is not None:
        query = query.where(StockReception.id < before)
    return await query


async def source_moves(source_type: str, source_id: int) -> list[dict[str, Any]]:
    """The moves of one document, in the order they were written (tests, the API)."""
    rows = (
        await StockMove.select()
        .where((StockMove.source_type == source_type) & (StockMove.source_id == source_id))
        .order_by(StockMove.id)
    )
    return [parse_move(r) for r in rows]
