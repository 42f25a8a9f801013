"""Unique keys of offers, orders, delivery notes... (see tables/_constraints.py)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T09:21:55:979028"
VERSION = "1.38.0"
DESCRIPTION = "document unique keys"

UNIQUE_INDEXES = [
    'CREATE UNIQUE INDEX IF NOT EXISTS "uq_document_vanzare_series_number" ON "document_vanzare" ("series", "number")',
    'CREATE UNIQUE INDEX IF NOT EXISTS "uq_linie_document_document_position" ON "linie_document" ("document", "position")',
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="catastif", description=DESCRIPTION)

    async def create_unique_indexes() -> None:
        db = engine_finder()
        for ddl in UNIQUE_INDEXES:
            await db.run_ddl(ddl)

    manager.add_raw(create_unique_indexes)
    return manager
