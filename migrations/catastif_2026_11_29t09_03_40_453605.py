"""Unique keys of the sales tables (see tables/_constraints.py)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from migrations._unique_indexes import unique_indexes_migration

ID = "2026-11-29T09:03:40:453605"
VERSION = "1.38.0"
DESCRIPTION = "sales unique keys"

UNIQUE_INDEXES = [
    'CREATE UNIQUE INDEX IF NOT EXISTS "uq_serie_documente_company_doc_type_prefix" ON "serie_documente" ("company", "doc_type", "prefix")',
    'CREATE UNIQUE INDEX IF NOT EXISTS "uq_factura_series_number" ON "factura" ("series", "number")',
    'CREATE UNIQUE INDEX IF NOT EXISTS "uq_linie_factura_invoice_position" ON "linie_factura" ("invoice", "position")',
]


async def forwards() -> MigrationManager:
    return unique_indexes_migration(ID, DESCRIPTION, UNIQUE_INDEXES)
