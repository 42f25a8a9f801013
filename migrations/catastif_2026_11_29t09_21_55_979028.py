"""Unique keys of offers, orders, delivery notes... (see tables/_constraints.py)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from migrations._unique_indexes import unique_indexes_migration

ID = "2026-11-29T09:21:55:979028"
VERSION = "1.38.0"
DESCRIPTION = "document unique keys"

UNIQUE_INDEXES = [
    'CREATE UNIQUE INDEX IF NOT EXISTS "uq_document_vanzare_series_number" ON "document_vanzare" ("series", "number")',
    'CREATE UNIQUE INDEX IF NOT EXISTS "uq_linie_document_document_position" ON "linie_document" ("document", "position")',
]


async def forwards() -> MigrationManager:
    return unique_indexes_migration(ID, DESCRIPTION, UNIQUE_INDEXES)
