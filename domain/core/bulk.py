"""One UPDATE for many rows with different values (instead of one statement per row)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from piccolo.table import Table


async def update_many(table: type[Table], rows: Mapping[int, Mapping[str, Any]]) -> None:
    """`UPDATE t SET c = CASE id WHEN 1 THEN ... END, ... WHERE id IN (...)`.

    Every row must set the same columns. Same SQL on SQLite and PostgreSQL; values go
    as parameters, cast to the column's type (PostgreSQL types a CASE of bare
    parameters as text).
    """
    if not rows:
        return
    ids = list(rows)
    columns = list(next(iter(rows.values())))
    sets: list[str] = []
    values: list[Any] = []
    for column in columns:
        sql_type = table._meta.get_column_by_name(column).column_type
        cases = " ".join(f"WHEN {{}} THEN CAST({{}} AS {sql_type})" for _ in ids)
        sets.append(f'"{column}" = CASE "id" {cases} END')
        for row_id in ids:
            values.extend([row_id, rows[row_id][column]])
    where = ", ".join("{}" for _ in ids)
    sql = f'UPDATE "{table._meta.tablename}" SET {", ".join(sets)} WHERE "id" IN ({where})'
    await table.raw(sql, *values, *ids)
