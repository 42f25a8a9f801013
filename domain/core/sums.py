"""Exact sums of money columns on both engines.

Piccolo stores Numeric as REAL on SQLite, so `SUM(amount)` drifts (0.1 + 0.2 is
0.30000000000000004; a million rows drifted by 0.14 lei in a test). Each stored amount
has at most two decimals, so `ROUND(amount * 100)` is its exact number of bani; the sum
of those integers is exact on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from decimal import Decimal

from piccolo.columns import Numeric
from piccolo.querystring import QueryString

from domain.core.money import from_minor


def minor_units_sum(column: Numeric, alias: str) -> QueryString:
    """A select expression: the column's sum in bani, as an integer."""
    return QueryString("SUM(CAST(ROUND({} * 100) AS BIGINT))", column, alias=alias)


def minor_to_money(value: int | Decimal | None) -> Decimal:
    """The driver's answer (None for no rows) back to lei."""
    return from_minor(int(value or 0))
