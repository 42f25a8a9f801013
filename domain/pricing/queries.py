"""Read models of price lists: the lists a user may see (or use), one list's prices on a
day or its whole history, its access rows and assignments."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from domain.catalog.queries import rates_by_category
from domain.catalog.vat import rate_on
from domain.core.errors import ValidationFailed
from domain.core.money import to_decimal
from domain.org.permissions import Action, Actor, Area, require
from domain.pricing.resolver import ListRow, levels_for, load_lists
from domain.pricing.rules import (
    MAX_BASE_DEPTH,
    PRICE_PLACES,
    convert_vat_mode,
    derived_price,
    in_force,
    reaches,
    with_and_without_vat,
)
from tables.choices import PriceAccess
from tables.pricing import PriceItem, PriceList, PriceListAccess, PriceListAssignment

ZERO = Decimal(0)


async def price_lists_for(
    *, by: Actor, need: PriceAccess = PriceAccess.see, on: date | None = None,
    currency: str | None = None,
) -> list[dict[str, Any]]:  # fmt: skip
    """The lists `by` may `need` (see / use / edit), with the level, by name. With `on`,
    only lists active and in force that day (what the editor offers on a line)."""
    require(by, Area.pricing, Action.read)
    query = PriceList.select().order_by(PriceList.name).order_by(PriceList.id)
    if currency:
        query = query.where(PriceList.currency == currency.upper())
    rows = await query
    levels = await levels_for(by, [r["id"] for r in rows])
    out = []
    for r in rows:
        if not reaches(levels[r["id"]], need):
            continue
        if on is not None and not (r["active"] and in_force(r["valid_from"], r["valid_to"], on)):
            continue
        out.append({**r, "access": str(levels[r["id"]])})
    return out


async def price_list_get(list_id: int, *, by: Actor) -> dict[str, Any]:
    from domain.pricing.ops import require_level  # ops imports this module's siblings

    row = await require_level(list_id, PriceAccess.see, by=by)
    level = (await levels_for(by, [list_id]))[list_id]
    access = await PriceListAccess.select().where(PriceListAccess.price_list == list_id)
    assignments = await PriceListAssignment.select().where(
        PriceListAssignment.price_list == list_id
    )
    return {**row, "access": str(level), "access_rows": access, "assignments": assignments}


async def _article_info(article_ids: list[int]) -> dict[int, dict[str, Any]]:
    out: dict[int, dict[str, Any]] = {}
    for start in range(0, len(article_ids), 5000):
        chunk = article_ids[start : start + 5000]
        rows = await PriceList.raw(
            "SELECT a.id, a.code, a.name, a.vat_category, c.code AS category_code "
            "FROM articol a JOIN categorie_tva c ON c.id = a.vat_category "
            f"WHERE a.id IN ({', '.join('{}' for _ in chunk)})",
            *chunk,
        )
        out.update({r["id"]: r for r in rows})
    return out


async def _in_force(list_ids: list[int], day: date) -> dict[int, dict[tuple, dict]]:
    """Per list: (article, tier) -> the item in force on `day` (latest start, then id)."""
    out: dict[int, dict[tuple, dict]] = defaultdict(dict)
    rows = await PriceItem.raw(
        "SELECT id, price_list, article, min_quantity, price, valid_from, valid_to FROM pret "
        f"WHERE price_list IN ({', '.join('{}' for _ in list_ids)}) "
        "AND valid_from <= {} AND (valid_to IS NULL OR valid_to >= {})",
        *list_ids, day, day,
    )  # fmt: skip
    for r in rows:
        r["min_quantity"], r["price"] = to_decimal(r["min_quantity"]), to_decimal(r["price"])
        key = (r["article"], r["min_quantity"])
        best = out[r["price_list"]].get(key)
        if best is None or (r["valid_from"], r["id"]) > (best["valid_from"], best["id"]):
            out[r["price_list"]][key] = r
    return out


async def list_items(list_id: int, *, by: Actor, on: date | None = None) -> list[dict[str, Any]]:
    """The list's prices: those in force on `on` (a derived list's computed from its base,
    its own items winning), or with `on=None` every item it ever had. Each with the price
    without and with VAT at the rate of that day (of its start, for history)."""
    from domain.pricing.ops import require_level

    await require_level(list_id, PriceAccess.see, by=by)
    lists = await load_lists({list_id})
    effective = await _in_force(sorted(lists), on) if on is not None else {}
    if on is None:
        rows = await PriceItem.select().where(PriceItem.price_list == list_id)
        for r in rows:
            r["min_quantity"], r["price"] = to_decimal(r["min_quantity"]), to_decimal(r["price"])
            r["derived"] = False
        article_ids = {r["article"] for r in rows}
    else:
        article_ids = {key[0] for per_list in effective.values() for key in per_list}
    info = await _article_info(sorted(article_ids))
    rates = await rates_by_category({a["vat_category"] for a in info.values()})

    def vat_rate(article: int, day: date) -> Decimal | None:
        a = info[article]
        try:
            return rate_on(a["category_code"], day, rates[a["vat_category"]])
        except ValidationFailed:  # no rate that day (e.g. an ended category): no conversion
            return None

    if on is not None:
        rows = list(_effective(list_id, lists, effective, lambda a: vat_rate(a, on), 0).values())
    mode = lists[list_id].includes_vat
    for r in rows:
        r["article_code"], r["article_name"] = (
            info[r["article"]]["code"],
            info[r["article"]]["name"],
        )
        r["vat_rate"] = vat_rate(r["article"], on or r["valid_from"])
        r["net"], r["gross"] = (
            with_and_without_vat(r["price"], mode, r["vat_rate"])
            if r["vat_rate"] is not None
            else (None, None)
        )
    rows.sort(key=lambda r: (r["article_code"], r["min_quantity"], r["valid_from"], r["id"]))
    return rows


def _effective(
    list_id: int,
    lists: dict[int, ListRow],
    items: dict[int, dict[tuple, dict]],
    vat_rate: Callable[[int], Decimal | None],
    depth: int,
) -> dict[tuple, dict]:
    """(article, tier) -> price row of a list on the day, derived ones included."""
    row = lists[list_id]
    out = {key: {**r, "derived": False} for key, r in items.get(list_id, {}).items()}
    if row.base_list is None or depth >= MAX_BASE_DEPTH:
        return out
    base = lists[row.base_list]
    for key, r in _effective(base.id, lists, items, vat_rate, depth + 1).items():
        if key in out:
            continue
        rate = vat_rate(r["article"])
        if rate is None and base.includes_vat != row.includes_vat:
            continue
        moved = convert_vat_mode(r["price"], base.includes_vat, row.includes_vat, rate or ZERO)
        price = derived_price(moved, row.base_percent, row.rounding).quantize(PRICE_PLACES)
        out[key] = {**r, "price": price, "derived": True}
    return out
