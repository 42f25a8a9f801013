"""The migrations and the table classes agree, on the engine under test.

The session fixture replays every migration into an empty database; here we check that
Piccolo would generate no further migration from the tables, that every table exists,
and that every composite key declared with unique_together() is a unique index that
actually refuses a duplicate.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
from piccolo.apps.migrations.commands.new import AutoMigrationManager
from piccolo.apps.user.tables import BaseUser
from piccolo.columns import (
    JSON,
    Boolean,
    Column,
    Date,
    DoublePrecision,
    ForeignKey,
    Integer,
    Numeric,
    Real,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from domain.core.tx import is_sqlite, is_unique_violation
from tables._constraints import INDEX_TOGETHER, UNIQUE_TOGETHER, UniqueTogether
from tables.org import Company, ExchangeRate, WorkPoint
from tables.partners import PartnerRole
from tables.piccolo_app import APP_CONFIG


async def _raw(sql: str, *args: Any) -> list[dict[str, Any]]:
    return await Company.raw(sql, *args)


async def test_tables_need_no_new_migration():
    statements = await AutoMigrationManager().get_alter_statements(app_config=APP_CONFIG)
    pending = [line for s in statements for line in s.statements]
    assert pending == []


async def test_every_table_exists():
    if is_sqlite():
        rows = await _raw("SELECT name FROM sqlite_master WHERE type = 'table'")
    else:
        rows = await _raw("SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'")
    present = {r["name"] for r in rows}
    expected = {t._meta.tablename for t in APP_CONFIG.table_classes}
    assert len(expected) == len(APP_CONFIG.table_classes) > 20
    assert expected - present == set()


async def _unique_indexes(tablename: str, unique: bool = True) -> dict[str, tuple[str, ...]]:
    """name -> indexed columns, for the unique (or the other) indexes of a table."""
    out: dict[str, tuple[str, ...]] = {}
    if is_sqlite():
        for index in await _raw(f'PRAGMA index_list("{tablename}")'):
            if bool(index["unique"]) == unique:
                cols = await _raw(f'PRAGMA index_info("{index["name"]}")')
                out[index["name"]] = tuple(
                    c["name"] for c in sorted(cols, key=lambda c: c["seqno"])
                )
    else:
        rows = await _raw(
            "SELECT i.relname AS name, array_agg(a.attname ORDER BY k.n) AS cols "
            "FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid "
            "JOIN pg_class t ON t.oid = x.indrelid "
            "CROSS JOIN LATERAL unnest(x.indkey) WITH ORDINALITY AS k(attnum, n) "
            "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum "
            "WHERE x.indisunique = {} AND t.relname = {} GROUP BY i.relname",
            unique,
            tablename,
        )
        out = {r["name"]: tuple(r["cols"]) for r in rows}
    return out


async def test_every_unique_together_is_a_unique_index():
    assert len(UNIQUE_TOGETHER) >= 9
    for key in UNIQUE_TOGETHER:
        indexes = await _unique_indexes(key.tablename)
        assert indexes.get(key.name) == key.columns, (key, indexes)


async def test_every_index_together_is_an_index():
    assert INDEX_TOGETHER
    for key in INDEX_TOGETHER:
        indexes = await _unique_indexes(key.tablename, unique=False)
        assert indexes.get(key.name) == key.columns, (key, indexes)


async def test_no_undeclared_composite_unique_index():
    """The migration's hand-written list and the declarations stay the same list."""
    declared = {key.name for key in UNIQUE_TOGETHER}
    found = set()
    for table in APP_CONFIG.table_classes:
        found |= {n for n in await _unique_indexes(table._meta.tablename) if n.startswith("uq_")}
    assert found == declared


class _Samples:
    """Valid rows for any table, generated from its columns: a value for every key
    column, for every NOT NULL column and for every unique one; parents are created for
    NOT NULL foreign keys. Row `n` differs from row `m` in every generated column, so
    only the columns a test fixes can collide."""

    def __init__(self) -> None:
        self.parents: dict[tuple[str, int], int] = {}

    async def value(self, column: Column, n: int) -> Any:
        if isinstance(column, ForeignKey):
            return await self.parent(column._foreign_key_meta.resolved_references, n)
        if isinstance(column, Varchar):
            if column._meta.table is BaseUser and column._meta.name == "password":
                return f"parola-de-test-{n}"  # BaseUser hashes it and wants 6+ characters
            return f"v{n}" if column.length >= 2 else str(n)
        if isinstance(column, Text):
            return f"text {n}"
        if isinstance(column, Boolean):
            return n % 2 == 1
        if isinstance(column, Integer | Numeric | Real | DoublePrecision):
            return n
        if isinstance(column, Timestamptz):
            return datetime(2031, 1, n, tzinfo=UTC)
        if isinstance(column, Date):
            return date(2031, 1, n)
        if isinstance(column, JSON):
            return json.dumps({"n": n})
        raise NotImplementedError(f"no sample value for {column!r}: extend _Samples.value")

    async def row(self, table: type[Table], n: int, fixed: dict[str, Any]) -> Table:
        values: dict[str, Any] = {}
        for column in table._meta.columns:
            name = column._meta.name
            if column._meta.primary_key:
                continue
            if name in fixed:
                values[name] = fixed[name]
            elif not column._meta.null or column._meta.unique:
                values[name] = await self.value(column, n)
        return table(**values)

    async def parent(self, table: type[Table], n: int) -> int:
        if (table._meta.tablename, n) not in self.parents:
            row = await self.row(table, n, {})
            await row.save()
            self.parents[table._meta.tablename, n] = row.id
        return self.parents[table._meta.tablename, n]


@pytest.mark.parametrize("key", UNIQUE_TOGETHER, ids=lambda k: k.name)
async def test_unique_together_refuses_a_duplicate(key: UniqueTogether):
    (table,) = [t for t in APP_CONFIG.table_classes if t._meta.tablename == key.tablename]
    samples = _Samples()
    fixed = {c: await samples.value(table._meta.get_column_by_name(c), 1) for c in key.columns}
    before = await table.count()  # reference data (VAT rates...) may already be there
    await (await samples.row(table, 1, fixed)).save()
    # The same key with every other column different: only this key can refuse it.
    second = await samples.row(table, 2, fixed)
    with pytest.raises(Exception) as caught:  # noqa: PT011 - the class depends on the engine
        await second.save()
    assert is_unique_violation(caught.value), repr(caught.value)
    if is_sqlite():
        # "UNIQUE constraint failed: table.a, table.b"
        cols = ", ".join(f"{key.tablename}.{c}" for c in key.columns)
        assert cols in str(caught.value)
    else:
        assert f'"{key.name}"' in str(caught.value)
    assert await table.count() == before + 1


async def test_samples_differ_outside_the_key():
    """The generator itself: without a shared key, the two rows coexist."""
    samples = _Samples()
    for table in (WorkPoint, PartnerRole, ExchangeRate):
        await (await samples.row(table, 1, {})).save()
        await (await samples.row(table, 2, {})).save()
        assert await table.count() == 2
