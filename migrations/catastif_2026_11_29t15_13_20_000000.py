"""SPV message ids are unique per company, not per installation: when two companies of one
installation invoice each other, ANAF lists one download id in both inboxes (the seller's
«FACTURA TRIMISA», the buyer's «FACTURA PRIMITA»). The column's own UNIQUE goes; a unique
index on (company, message_id) takes its place. Messages already stored are kept.

PostgreSQL drops the constraint. SQLite cannot drop a column's inline UNIQUE, so the
table is rebuilt (SQLite's ALTER TABLE procedure) in the migration's transaction, with
its exact CREATE TABLE minus that UNIQUE. Its rows are copied aside and back into a table
of the same name rather than copied into a new one that is then renamed: foreign_keys
cannot be switched off inside a transaction, and with `defer_foreign_keys` the DROP
leaves the supplier invoices pointing at a message as deferred violations that only rows
inserted into `spv_mesaj` itself settle before the COMMIT. `foreign_key_check` confirms.

Piccolo's own step for the column (`ALTER TABLE ... DROP CONSTRAINT`, which SQLite does not
have) is recorded for its schema snapshot but not run: the raw step does it, per engine.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.engine import engine_finder
from piccolo.engine.sqlite import SQLiteEngine

ID = "2026-11-29T15:13:20:000000"
VERSION = "1.38.0"
DESCRIPTION = "SPV message ids unique per company"

_INDEX = (
    'CREATE UNIQUE INDEX "uq_spv_mesaj_company_message_id" ON "spv_mesaj" ("company", "message_id")'
)
_POSTGRES = [
    'ALTER TABLE "spv_mesaj" DROP CONSTRAINT "spv_mesaj_message_id_key"',
    _INDEX,
]
_UNIQUE_COLUMN = '"message_id" VARCHAR(40) UNIQUE NOT NULL'
_PLAIN_COLUMN = '"message_id" VARCHAR(40) NOT NULL'


class _RawOnly(MigrationManager):
    """Column changes recorded for Piccolo's snapshot, made by the raw step instead."""

    async def _run_alter_columns(self, backwards: bool = False) -> None:
        return None


async def _sqlite_rebuild(db: SQLiteEngine) -> None:
    (table,) = await db.run_ddl(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'spv_mesaj'"
    )
    if table["sql"].count(_UNIQUE_COLUMN) != 1:
        raise RuntimeError(f"spv_mesaj is not as expected: {table['sql']}")
    # Indexes and triggers of its own (the UNIQUE's automatic index has no SQL).
    extras = await db.run_ddl(
        "SELECT sql FROM sqlite_master WHERE tbl_name = 'spv_mesaj' "
        "AND type IN ('index', 'trigger') AND sql IS NOT NULL"
    )
    await db.run_ddl("PRAGMA defer_foreign_keys = ON")
    await db.run_ddl("CREATE TEMP TABLE spv_mesaj_copy AS SELECT * FROM spv_mesaj")
    await db.run_ddl('DROP TABLE "spv_mesaj"')
    await db.run_ddl(table["sql"].replace(_UNIQUE_COLUMN, _PLAIN_COLUMN))
    await db.run_ddl('INSERT INTO "spv_mesaj" SELECT * FROM spv_mesaj_copy')
    await db.run_ddl("DROP TABLE spv_mesaj_copy")
    for extra in extras:
        await db.run_ddl(extra["sql"])
    await db.run_ddl(_INDEX)
    broken = await db.run_ddl("PRAGMA foreign_key_check")
    if broken:
        raise RuntimeError(f"spv_mesaj rebuilt with broken foreign keys: {broken}")


async def forwards() -> MigrationManager:
    manager = _RawOnly(migration_id=ID, app_name="catastif", description=DESCRIPTION)

    async def message_id_per_company() -> None:
        db = engine_finder()
        if isinstance(db, SQLiteEngine):
            await _sqlite_rebuild(db)
        else:
            for ddl in _POSTGRES:
                await db.run_ddl(ddl)

    manager.add_raw(message_id_per_company)
    manager.alter_column(
        table_class_name="SpvMessage",
        tablename="spv_mesaj",
        column_name="message_id",
        db_column_name="message_id",
        params={"unique": False},
        old_params={"unique": True},
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )
    return manager
