"""Keys and lookup indexes of meters and their readings (see tables/_constraints.py)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from migrations._unique_indexes import unique_indexes_migration

ID = "2026-11-29T12:23:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "meter keys and indexes"

UNIQUE_INDEXES = [
    'CREATE UNIQUE INDEX IF NOT EXISTS "uq_contor_company_article_serial" ON "contor" ("company", "article", "serial")',
    'CREATE UNIQUE INDEX IF NOT EXISTS "uq_citire_contor_meter_day" ON "citire_contor" ("meter", "day")',
    'CREATE INDEX IF NOT EXISTS "ix_contor_partner" ON "contor" ("partner")',
    'CREATE INDEX IF NOT EXISTS "ix_citire_contor_draft_invoice" ON "citire_contor" ("draft_invoice")',
]


async def forwards() -> MigrationManager:
    return unique_indexes_migration(ID, DESCRIPTION, UNIQUE_INDEXES)
