"""Keys and lookup indexes of stock (see tables/_constraints.py)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from migrations._unique_indexes import unique_indexes_migration

ID = "2026-11-29T11:38:50:000000"
VERSION = "1.38.0"
DESCRIPTION = "stock keys and indexes"

UNIQUE_INDEXES = [
    'CREATE UNIQUE INDEX IF NOT EXISTS "uq_gestiune_company_code" ON "gestiune" ("company", "code")',
    'CREATE UNIQUE INDEX IF NOT EXISTS "uq_nir_company_number" ON "nir" ("company", "number")',
    'CREATE UNIQUE INDEX IF NOT EXISTS "uq_linie_nir_reception_position" ON "linie_nir" ("reception", "position")',
    'CREATE UNIQUE INDEX IF NOT EXISTS "uq_miscare_stoc_source_type_source_line_warehouse_kind" ON "miscare_stoc" ("source_type", "source_line", "warehouse", "kind")',
    'CREATE INDEX IF NOT EXISTS "ix_miscare_stoc_warehouse_article_id" ON "miscare_stoc" ("warehouse", "article", "id")',
    'CREATE INDEX IF NOT EXISTS "ix_miscare_stoc_warehouse_article_in_total" ON "miscare_stoc" ("warehouse", "article", "in_total")',
    'CREATE INDEX IF NOT EXISTS "ix_miscare_stoc_warehouse_day" ON "miscare_stoc" ("warehouse", "day")',
    'CREATE INDEX IF NOT EXISTS "ix_miscare_stoc_source_type_source_id" ON "miscare_stoc" ("source_type", "source_id")',
    'CREATE INDEX IF NOT EXISTS "ix_miscare_stoc_origin" ON "miscare_stoc" ("origin")',
]


async def forwards() -> MigrationManager:
    return unique_indexes_migration(ID, DESCRIPTION, UNIQUE_INDEXES)
