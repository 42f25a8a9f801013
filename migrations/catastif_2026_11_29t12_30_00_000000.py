"""Lookup indexes of the reports (see tables/_constraints.py): a month's invoices and
their VAT breakdown (the sales journal), an entry's lines (counter-accounts, storno)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from migrations._unique_indexes import unique_indexes_migration

ID = "2026-11-29T12:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "report indexes"

UNIQUE_INDEXES = [
    'CREATE INDEX IF NOT EXISTS "ix_linie_nota_entry" ON "linie_nota" ("entry")',
    'CREATE INDEX IF NOT EXISTS "ix_factura_company_issue_date" ON "factura" ("company", "issue_date")',
    'CREATE INDEX IF NOT EXISTS "ix_tva_factura_invoice" ON "tva_factura" ("invoice")',
]


async def forwards() -> MigrationManager:
    return unique_indexes_migration(ID, DESCRIPTION, UNIQUE_INDEXES)
