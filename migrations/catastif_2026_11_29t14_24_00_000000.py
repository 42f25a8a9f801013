"""Keys of what arrives from SPV (see tables/_constraints.py): a supplier's document once
per company (company, supplier, number, issue date), whoever writes it; a company's
inbox runs by date."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from migrations._unique_indexes import unique_indexes_migration

ID = "2026-11-29T14:24:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "supplier invoice key, SPV fetch runs index"

UNIQUE_INDEXES = [
    'CREATE UNIQUE INDEX IF NOT EXISTS "uq_factura_furnizor_company_partner_number_issue_date" ON "factura_furnizor" ("company", "partner", "number", "issue_date")',
    'CREATE INDEX IF NOT EXISTS "ix_preluare_spv_company_started_at" ON "preluare_spv" ("company", "started_at")',
]


async def forwards() -> MigrationManager:
    return unique_indexes_migration(ID, DESCRIPTION, UNIQUE_INDEXES)
