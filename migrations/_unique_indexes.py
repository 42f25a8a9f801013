"""The migration step that creates composite unique keys (see tables/_constraints.py).

Unique indexes rather than constraints: the same DDL runs on SQLite and PostgreSQL.
Each migration passes its own, frozen, list of statements.
"""

from collections.abc import Sequence

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder


def unique_indexes_migration(
    migration_id: str, description: str, statements: Sequence[str]
) -> MigrationManager:
    manager = MigrationManager(
        migration_id=migration_id, app_name="catastif", description=description
    )

    async def create_unique_indexes() -> None:
        db = engine_finder()
        for ddl in statements:
            await db.run_ddl(ddl)

    manager.add_raw(create_unique_indexes)
    return manager
