"""Invoices already on their way to ANAF show where they are in the invoice list from the
start: their submission's state copied onto the new column (after it exists: Piccolo runs
a migration's raw steps before its column changes)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-29T14:53:13:000000"
VERSION = "1.38.0"
DESCRIPTION = "copy e-Factura states onto invoices"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="catastif", description=DESCRIPTION)

    async def copy_existing_states() -> None:
        await engine_finder().run_ddl(
            "UPDATE factura SET efactura_state = (SELECT e.state FROM efactura e "
            "WHERE e.invoice = factura.id) "
            "WHERE EXISTS (SELECT 1 FROM efactura e WHERE e.invoice = factura.id)"
        )

    manager.add_raw(copy_existing_states)
    return manager
