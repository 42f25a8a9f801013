"""Money arithmetic: Decimal only, one rounding rule (half-up to the cent)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def to_decimal(value: object) -> Decimal:
    """Exact Decimal from what a driver returns.

    SQLite hands Numeric columns back as float; going through `repr` keeps the
    shortest decimal that round-trips (0.1 stays 0.1, not 0.1000000000000000055...).
    """
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(str(value))


def q2(value: object) -> Decimal:
    """Round to 2 decimals, half-up (the Romanian fiscal convention)."""
    return to_decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def to_minor(value: object) -> int:
    """An amount in bani (integer minor units), after rounding to the cent."""
    return int(q2(value) * 100)


def from_minor(value: int) -> Decimal:
    return (Decimal(value) / 100).quantize(CENT)


def sum_money(values: Iterable[object]) -> Decimal:
    """Exact sum of amounts, each rounded to the cent first."""
    return from_minor(sum(to_minor(v) for v in values))
