"""Composite unique keys, declared beside the tables and created by the migrations.

Piccolo's `Unique` constraint is emitted as `ALTER TABLE ... ADD CONSTRAINT`, which SQLite
does not support, so composite keys are unique indexes instead: the same DDL on both
engines. A test checks that every key declared here exists in the migrated database.
"""

from __future__ import annotations

from dataclasses import dataclass

from piccolo.table import Table


@dataclass(frozen=True)
class UniqueTogether:
    tablename: str
    columns: tuple[str, ...]
    unique: bool = True
    where: str = ""  # a partial index: only the rows this SQL condition holds for

    @property
    def name(self) -> str:
        return f"{'uq' if self.unique else 'ix'}_{self.tablename}_{'_'.join(self.columns)}"

    def create_sql(self) -> str:
        cols = ", ".join(f'"{c}"' for c in self.columns)
        kind = "UNIQUE INDEX" if self.unique else "INDEX"
        where = f" WHERE {self.where}" if self.where else ""
        return f'CREATE {kind} IF NOT EXISTS "{self.name}" ON "{self.tablename}" ({cols}){where}'


UNIQUE_TOGETHER: list[UniqueTogether] = []
INDEX_TOGETHER: list[UniqueTogether] = []
"""Composite lookup indexes (not unique), created the same way: Piccolo indexes one column."""


def _checked(table: type[Table], columns: tuple[str, ...]) -> None:
    for column in columns:
        if table._meta.get_column_by_name(column) is None:
            raise ValueError(f"{table.__name__} has no column {column}")


def unique_together(table: type[Table], *columns: str, where: str = "") -> None:
    """`where`: unique among the rows it holds for (both engines have partial indexes)."""
    _checked(table, columns)
    UNIQUE_TOGETHER.append(UniqueTogether(table._meta.tablename, columns, where=where))


def index_together(table: type[Table], *columns: str) -> None:
    _checked(table, columns)
    INDEX_TOGETHER.append(UniqueTogether(table._meta.tablename, columns, unique=False))
