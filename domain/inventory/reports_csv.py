"""The stock reports as the report pages show and export them: the stock card's totals and
both reports as CSV files, written by the ledger reports' own writer (`csv`: comma and
decimal point; `excel`: semicolon, decimal comma, BOM). Pure: report in, text out.

The reports are the read models of domain/inventory/queries.py (`stock_card`,
`stock_valuation`), as they come. Quantities keep their three decimals and unit costs
their four (the writer's cells have two), so they are written already formatted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from domain.ledger.reports_csv import write_csv

ZERO = Decimal("0.00")
NO_QTY = Decimal("0.000")


def _fixed(value: Decimal | None, places: int, excel: bool) -> str | None:
    if value is None:
        return None
    text = f"{value:.{places}f}"
    return text.replace(".", ",") if excel else text


def card_totals(card: Mapping[str, Any]) -> dict[str, Decimal]:
    """What came in and went out in the period, in quantity and in value (a move's value
    has its quantity's sign, so the sign tells in from out)."""
    moves = card["moves"]
    return {
        "quantity_in": sum((m["quantity_in"] for m in moves), NO_QTY),
        "quantity_out": sum((m["quantity_out"] for m in moves), NO_QTY),
        "value_in": sum((m["value"] for m in moves if m["value"] > 0), ZERO),
        "value_out": sum((-m["value"] for m in moves if m["value"] < 0), ZERO),
    }


def stock_card_csv(card: Mapping[str, Any], *, excel: bool = False) -> str:
    """The stock card: the opening stock, one row per move with the stock after it, then
    the period's totals and the closing stock."""

    def qty(value: Decimal | None) -> str | None:
        return _fixed(value, 3, excel)

    header = ["data", "operatie", "document", "cantitate_intrata", "cantitate_iesita",
              "cost_unitar", "valoare_intrata", "valoare_iesita", "stoc_cantitate",
              "stoc_valoare"]  # fmt: skip
    opening, closing = card["opening"], card["closing"]
    rows: list[Sequence[Any]] = [
        (card["date_from"], "Stoc inițial", None, None, None, None, None, None,
         qty(opening["quantity"]), opening["value"])
    ]  # fmt: skip
    for m in card["moves"]:
        rows.append((
            m["day"], m["kind_ro"], m["reference"], qty(m["quantity_in"]),
            qty(m["quantity_out"]), _fixed(m["unit_cost"], 4, excel),
            max(m["value"], ZERO), max(-m["value"], ZERO),
            qty(m["balance_qty"]), m["balance_value"],
        ))  # fmt: skip
    totals = card_totals(card)
    rows.append((card["date_to"], "Total și stoc final", None, qty(totals["quantity_in"]),
                 qty(totals["quantity_out"]), None, totals["value_in"], totals["value_out"],
                 qty(closing["quantity"]), closing["value"]))  # fmt: skip
    return write_csv(header, rows, excel)


def stock_valuation_csv(report: Mapping[str, Any], *, excel: bool = False) -> str:
    """The valuation at a date: one row per article in each warehouse, the warehouse's
    total after its articles, the company's total last."""
    header = ["gestiune_cod", "gestiune", "cod_articol", "articol", "um", "cantitate",
              "cost_mediu", "valoare"]  # fmt: skip
    rows: list[Sequence[Any]] = []
    for w in report["warehouses"]:
        rows += [
            (w["code"], w["name"], x["code"], x["name"], x["uom"],
             _fixed(x["quantity"], 3, excel), _fixed(x["unit_cost"], 4, excel), x["value"])
            for x in w["items"]
        ]  # fmt: skip
        rows.append((w["code"], w["name"], None, "Total gestiune", None, None, None, w["value"]))
    rows.append((None, None, None, "Total", None, None, None, report["value"]))
    return write_csv(header, rows, excel)
