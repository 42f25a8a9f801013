"""Money arithmetic (domain/core/money.py): half-up rounding to the cent, exact Decimals from
SQLite's floats, exact sums and the bani (minor units) round trip."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.core.money import from_minor, q2, sum_money, to_decimal, to_minor

# Amounts as stored in Numeric(18,2): at most 15 significant digits, so a float holding one
# (SQLite gives REAL back) still round-trips through repr.
cents = st.decimals(
    min_value=Decimal("-999999999999.99"),
    max_value=Decimal("999999999999.99"),
    places=2,
    allow_nan=False,
    allow_infinity=False,
)
# Anything a computation may produce before rounding (unit price x quantity, rates ...).
raw_amounts = st.decimals(
    min_value=Decimal("-1000000"),
    max_value=Decimal("1000000"),
    places=6,
    allow_nan=False,
    allow_infinity=False,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("0.005"), "0.01"),
        (Decimal("0.0049999"), "0.00"),
        (Decimal("2.675"), "2.68"),  # the float 2.675 is 2.67499999..., the Decimal is not
        (Decimal("2.665"), "2.67"),  # half-up, not banker's rounding (which gives 2.66)
        (Decimal("-0.005"), "-0.01"),  # half away from zero on negatives too
        (Decimal("-2.675"), "-2.68"),
        (Decimal("1.994999"), "1.99"),
        ("10", "10.00"),
        (7, "7.00"),
    ],
)
def test_q2_rounds_half_up_to_the_cent(value: object, expected: str):
    result = q2(value)
    assert result == Decimal(expected)
    assert result.as_tuple().exponent == -2  # always two decimals, ready to print


def test_q2_of_a_float_uses_its_shortest_decimal():
    # float 2.675 is stored as 2.67499999999999982236431605997495353221893310546875;
    # going through repr reads it as the 2.675 the user typed.
    assert Decimal.from_float(2.675).quantize(Decimal("0.01")) == Decimal("2.67")
    assert q2(2.675) == Decimal("2.68")
    assert q2(1.005) == Decimal("1.01")


def test_to_decimal_of_sqlite_floats_is_the_decimal_written():
    assert to_decimal(0.1) == Decimal("0.1")
    assert to_decimal(0.1) != Decimal.from_float(
        0.1
    )  # the naive conversion drags the binary error in
    assert to_decimal(1234567.89) == Decimal("1234567.89")
    assert to_decimal(-0.01) == Decimal("-0.01")
    assert to_decimal(Decimal("3.10")) == Decimal("3.10")
    assert to_decimal("19.99") == Decimal("19.99")
    assert to_decimal(42) == Decimal(42)


def test_sum_money_is_exact_where_float_sums_drift():
    assert 0.1 + 0.2 != 0.3  # plain float addition (Python 3.12's sum() compensates)
    assert sum_money([0.1] * 10) == Decimal("1.00")
    assert sum_money([0.1, 0.2]) == Decimal("0.30")
    assert sum_money([Decimal("0.005"), Decimal("0.005")]) == Decimal("0.02")  # each rounded
    assert sum_money([]) == Decimal("0.00")
    assert sum_money(["1.10", 2, Decimal("-0.10")]) == Decimal("3.00")


@given(st.lists(raw_amounts, max_size=60))
def test_sum_money_is_the_rounded_sum_of_rounded_amounts(values: list[Decimal]):
    expected = q2(sum((q2(v) for v in values), Decimal(0)))
    assert sum_money(values) == expected


@given(st.lists(cents, max_size=60))
def test_sum_money_of_stored_floats_equals_the_decimal_sum(values: list[Decimal]):
    # What SQLite hands back for Numeric(18,2) is a float; the sum must still be exact.
    floats = [float(v) for v in values]
    assert sum_money(floats) == sum(values, Decimal("0.00"))


def test_minor_units():
    assert to_minor(Decimal("12.34")) == 1234
    assert to_minor(Decimal("12.345")) == 1235
    assert to_minor(Decimal("-0.005")) == -1
    assert to_minor(0.29) == 29  # float 0.29 * 100 is 28.999999999999996
    assert from_minor(1235) == Decimal("12.35")
    assert from_minor(-1) == Decimal("-0.01")
    assert from_minor(0).as_tuple().exponent == -2


@given(cents)
def test_minor_round_trip_of_amounts(value: Decimal):
    minor = to_minor(value)
    assert isinstance(minor, int)
    assert from_minor(minor) == value


@given(st.integers(min_value=-(10**17), max_value=10**17))
def test_minor_round_trip_of_integers(minor: int):
    assert to_minor(from_minor(minor)) == minor
