from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from enum import Enum
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-29T14:53:12:544255"
VERSION = "1.38.0"
DESCRIPTION = "invoice e-Factura state copy"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="catastif", description=DESCRIPTION
    )

    manager.add_column(
        table_class_name="Invoice",
        tablename="factura",
        column_name="efactura_state",
        db_column_name="efactura_state",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 12,
            "default": "not_sent",
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": Enum(
                "InvoiceEfacturaState",
                {
                    "not_sent": "not_sent",
                    "invalid": "invalid",
                    "validated": "validated",
                    "queued": "queued",
                    "uploading": "uploading",
                    "uploaded": "uploaded",
                    "ok": "ok",
                    "nok": "nok",
                    "rejected": "rejected",
                },
            ),
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    return manager
