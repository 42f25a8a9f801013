from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from enum import Enum
from piccolo.columns.column_types import Timestamptz
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-29T15:02:27:357917"
VERSION = "1.38.0"
DESCRIPTION = (
    "reminder sending status, card settlement entries, undone FX revaluations"
)


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="catastif", description=DESCRIPTION
    )

    manager.add_column(
        table_class_name="FxRevaluation",
        tablename="reevaluare_valutara",
        column_name="undone_at",
        db_column_name="undone_at",
        column_class_name="Timestamptz",
        column_class=Timestamptz,
        params={
            "default": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="FxRevaluation",
        tablename="reevaluare_valutara",
        column_name="undone_by",
        db_column_name="undone_by",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 150,
            "default": "",
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.alter_column(
        table_class_name="JournalEntry",
        tablename="nota_contabila",
        column_name="kind",
        db_column_name="kind",
        params={
            "choices": Enum(
                "EntryKind",
                {
                    "invoice": "invoice",
                    "delivery_note": "delivery_note",
                    "stock": "stock",
                    "manual": "manual",
                    "reclass": "reclass",
                    "receipt": "receipt",
                    "allocation": "allocation",
                    "fx_revaluation": "fx_revaluation",
                    "card_settlement": "card_settlement",
                    "reversal": "reversal",
                },
            )
        },
        old_params={
            "choices": Enum(
                "EntryKind",
                {
                    "invoice": "invoice",
                    "delivery_note": "delivery_note",
                    "stock": "stock",
                    "manual": "manual",
                    "reclass": "reclass",
                    "receipt": "receipt",
                    "allocation": "allocation",
                    "fx_revaluation": "fx_revaluation",
                    "reversal": "reversal",
                },
            )
        },
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    manager.alter_column(
        table_class_name="Reminder",
        tablename="reamintire_plata",
        column_name="status",
        db_column_name="status",
        params={
            "choices": Enum(
                "ReminderStatus",
                {"sending": "sending", "sent": "sent", "failed": "failed"},
            )
        },
        old_params={
            "choices": Enum(
                "ReminderStatus", {"sent": "sent", "failed": "failed"}
            )
        },
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    return manager
