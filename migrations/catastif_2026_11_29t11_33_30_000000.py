"""Keys and report indexes of the ledger (see tables/_constraints.py)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from migrations._unique_indexes import unique_indexes_migration

ID = "2026-11-29T11:33:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "ledger keys and indexes"

UNIQUE_INDEXES = [
    'CREATE UNIQUE INDEX IF NOT EXISTS "uq_cont_contabil_company_code" ON "cont_contabil" ("company", "code")',
    'CREATE UNIQUE INDEX IF NOT EXISTS "uq_cont_implicit_company_role" ON "cont_implicit" ("company", "role")',
    'CREATE UNIQUE INDEX IF NOT EXISTS "uq_perioada_inchisa_company_month" ON "perioada_inchisa" ("company", "month")',
    'CREATE UNIQUE INDEX IF NOT EXISTS "uq_nota_contabila_source_type_source_id_kind" ON "nota_contabila" ("source_type", "source_id", "kind")',
    'CREATE INDEX IF NOT EXISTS "ix_linie_nota_account_day" ON "linie_nota" ("account", "day")',
    'CREATE INDEX IF NOT EXISTS "ix_linie_nota_partner_account_day" ON "linie_nota" ("partner", "account", "day")',
    'CREATE INDEX IF NOT EXISTS "ix_linie_nota_company_day" ON "linie_nota" ("company", "day")',
]


async def forwards() -> MigrationManager:
    return unique_indexes_migration(ID, DESCRIPTION, UNIQUE_INDEXES)
