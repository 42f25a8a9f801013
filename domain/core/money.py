"""Money arithmetic: Decimal only, one rounding rule (half-up to the cent)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from domain.core.errors import ValidationFailed

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


def q4(value: object) -> Decimal:
    """An FX rate or unit price as stored (four decimals), half-up."""
    return to_decimal(value).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def to_minor(value: object) -> int:
    """An amount in bani (integer minor units), after rounding to the cent."""
    return int(q2(value) * 100)


def from_minor(value: int) -> Decimal:
    return (Decimal(value) / 100).quantize(CENT)


def sum_money(values: Iterable[object]) -> Decimal:
    """Exact sum of amounts, each rounded to the cent first."""
    return from_minor(sum(to_minor(v) for v in values))


def input_decimal(value: object, field: str, *, limit: Decimal = Decimal(10) ** 12) -> Decimal:
    """A number someone typed: finite and within what the columns hold (Numeric(18, x)).

    NaN, infinities and absurd magnitudes would otherwise fail deep in the arithmetic or
    in the database; here they get a clear refusal at the field.
    """
    try:
        number = to_decimal(value)
    except (ArithmeticError, ValueError):
        number = Decimal("NaN")
    if not number.is_finite() or abs(number) >= limit:
        raise ValidationFailed(
            "NUMBER_INVALID",
            f"Valoarea «{value}» nu este un număr valid "
            f"(cel mult {limit:,.0f} în valoare absolută).",
            f"«{value}» is not a valid number (below {limit:,.0f} in absolute value).",
            field=field,
        )
    return number
