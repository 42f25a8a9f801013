"""Unique keys of the sales tables (see tables/_constraints.py)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T09:03:40:453605"
VERSION = "1.38.0"
DESCRIPTION = "sales unique keys"

UNIQUE_INDEXES = [
    'CREATE UNIQUE INDEX IF NOT EXISTS "uq_serie_documente_company_doc_type_prefix" ON "serie_documente" ("company", "doc_type", "prefix")',
    'CREATE UNIQUE INDEX IF NOT EXISTS "uq_factura_series_number" ON "factura" ("series", "number")',
    'CREATE UNIQUE INDEX IF NOT EXISTS "uq_linie_factura_invoice_position" ON "linie_factura" ("invoice", "position")',
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="catastif", description=DESCRIPTION)

    async def create_unique_indexes() -> None:
        db = engine_finder()
        for ddl in UNIQUE_INDEXES:
            await db.run_ddl(ddl)

    manager.add_raw(create_unique_indexes)
    return manager
