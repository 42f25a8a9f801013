from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar

ID = "2026-11-29T09:09:22:208346"
VERSION = "1.38.0"
DESCRIPTION = "partner cui fits what people type"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="catastif", description=DESCRIPTION
    )

    manager.alter_column(
        table_class_name="Partner",
        tablename="partener",
        column_name="cui",
        db_column_name="cui",
        params={"length": 16},
        old_params={"length": 10},
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    return manager
