"""Keys and lookup indexes of e-Factura and supplier invoices (see tables/_constraints.py)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from migrations._unique_indexes import unique_indexes_migration

ID = "2026-11-29T12:17:50:000000"
VERSION = "1.38.0"
DESCRIPTION = "efactura keys and indexes"

UNIQUE_INDEXES = [
    'CREATE UNIQUE INDEX IF NOT EXISTS "uq_linie_factura_furnizor_supplier_invoice_position" ON "linie_factura_furnizor" ("supplier_invoice", "position")',
    'CREATE INDEX IF NOT EXISTS "ix_efactura_state_next_check_at" ON "efactura" ("state", "next_check_at")',
    'CREATE INDEX IF NOT EXISTS "ix_factura_furnizor_partner_number" ON "factura_furnizor" ("partner", "number")',
]


async def forwards() -> MigrationManager:
    return unique_indexes_migration(ID, DESCRIPTION, UNIQUE_INDEXES)
