"""Exact sums of money columns over a large table, on both engines (ARCHITECTURE.md §3).

A test-only table of 200,000 amounts whose exact Decimal totals are known: the
minor-units sum (domain/core/sums.py) and the reports' sum_bani() must equal them to the
ban, for the whole table, with a WHERE and per GROUP BY. On SQLite, where Numeric is
stored as REAL, a plain SUM drifts on the same rows: the reason the helpers exist.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from decimal import Decimal

import pytest
from piccolo.columns import Varchar
from piccolo.query.functions.aggregate import Sum
from piccolo.table import Table

from domain.core.money import to_decimal
from domain.core.sums import minor_to_money, minor_units_sum
from domain.core.tx import is_sqlite, write_tx
from domain.ledger.reports import money, sum_bani
from tables._columns import Money


class MoneyProbe(Table, tablename="money_probe"):
    grp = Varchar(length=2)
    amount = Money()


ROWS = 200_000
BATCH = 2_000
# Amounts with no exact binary representation, a negative one (a storno) and a large one.
AMOUNTS = [Decimal(v) for v in ("0.10", "0.20", "0.07", "-0.03", "99999.99", "12.34", "0.01")]
GROUPS = ["g0", "g1", "g2"]


def _row(i: int) -> tuple[str, Decimal]:
    return GROUPS[i % len(GROUPS)], AMOUNTS[i % len(AMOUNTS)]


@pytest.fixture
async def probe() -> AsyncIterator[list[tuple[str, Decimal]]]:
    await MoneyProbe.create_table(if_not_exists=True)
    rows = [_row(i) for i in range(ROWS)]
    try:
        async with write_tx():
            for start in range(0, ROWS, BATCH):
                batch = rows[start : start + BATCH]
                values = ", ".join(["({}, {})"] * len(batch))
                args = [x for row in batch for x in row]
                # Raw multi-row VALUES: the same stored values as .insert(), 10x faster.
                await MoneyProbe.raw(
                    f"INSERT INTO money_probe (grp, amount) VALUES {values}", *args
                )
        yield rows
    finally:
        await MoneyProbe.alter().drop_table(if_exists=True)


async def _exact_sum(*where) -> Decimal:
    query = MoneyProbe.select(minor_units_sum(MoneyProbe.amount, "s"))
    if where:
        query = query.where(*where)
    row = await query.first()
    return minor_to_money(row["s"])


async def test_minor_units_sum_is_exact_on_a_large_table(probe):
    def exact(keep=lambda g, a: True) -> Decimal:
        return sum((a for g, a in probe if keep(g, a)), Decimal(0))

    total = exact()
    assert total == Decimal("2857462280.65")  # guards the data set itself
    assert await MoneyProbe.count() == ROWS
    assert await _exact_sum() == total

    small = exact(lambda g, a: a < 1)
    assert await _exact_sum(MoneyProbe.amount < 1) == small
    assert await _exact_sum(MoneyProbe.grp == "g1", MoneyProbe.amount < 100) == exact(
        lambda g, a: g == "g1" and a < 100
    )

    per_group = (
        await MoneyProbe.select(MoneyProbe.grp, minor_units_sum(MoneyProbe.amount, "s"))
        .group_by(MoneyProbe.grp)
        .order_by(MoneyProbe.grp)
    )
    assert [(r["grp"], minor_to_money(r["s"])) for r in per_group] == [
        (grp, exact(lambda g, a, grp=grp: g == grp)) for grp in GROUPS
    ]

    plain = await MoneyProbe.select(Sum(MoneyProbe.amount, alias="s")).first()
    plain_small = (
        await MoneyProbe.select(Sum(MoneyProbe.amount, alias="s"))
        .where(MoneyProbe.amount < 1)
        .first()
    )
    if not is_sqlite():
        # NUMERIC is exact on PostgreSQL: there the plain SUM agrees with the helper.
        assert to_decimal(plain["s"]) == total
    elif sqlite3.sqlite_version_info < (3, 43):
        # REAL added up naively drifts (SQLite 3.43+ sums with error compensation).
        assert isinstance(plain["s"], float)
        assert to_decimal(plain["s"]) != total
        assert to_decimal(plain_small["s"]) != small


async def test_sum_bani_is_exact_on_a_large_table(probe):
    """The reports' sums (domain/ledger/reports.py): filtered, of a difference, as a
    window; PostgreSQL adds the Numeric and converts once, SQLite adds per-row bani."""

    def exact(keep=lambda g, a: True) -> Decimal:
        return sum((a for g, a in probe if keep(g, a)), Decimal(0))

    row = (
        await MoneyProbe.raw(
            f"SELECT {sum_bani('amount')} AS total, "
            f"{sum_bani('amount', where='amount < 1')} AS small, "
            f"{sum_bani('amount - amount', where="grp = 'g1'")} AS net, "
            f"{sum_bani('amount', where="grp = 'zz'")} AS empty "
            "FROM money_probe"
        )
    )[0]
    assert money(row["total"]) == exact() == Decimal("2857462280.65")
    assert money(row["small"]) == exact(lambda g, a: a < 1)
    assert row["net"] == 0
    assert row["empty"] == 0
    windows = await MoneyProbe.raw(
        f"SELECT DISTINCT grp, {sum_bani('amount', over='(PARTITION BY grp)')} AS s "
        "FROM money_probe ORDER BY grp"
    )
    assert [(r["grp"], money(r["s"])) for r in windows] == [
        (grp, exact(lambda g, a, grp=grp: g == grp)) for grp in GROUPS
    ]


async def test_minor_units_sum_of_no_rows_is_zero():
    await MoneyProbe.create_table(if_not_exists=True)
    try:
        assert await _exact_sum() == Decimal("0.00")
        await MoneyProbe.insert(
            MoneyProbe(grp="g0", amount=Decimal("0.10")),
            MoneyProbe(grp="g0", amount=Decimal("-0.10")),
        )
        assert await _exact_sum(MoneyProbe.grp == "g0") == Decimal("0.00")
        assert await _exact_sum(MoneyProbe.grp == "zz") == Decimal("0.00")
    finally:
        await MoneyProbe.alter().drop_table(if_exists=True)
