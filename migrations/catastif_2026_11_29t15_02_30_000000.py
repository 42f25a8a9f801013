"""An undone FX revaluation no longer keeps its month: the key (company, month) becomes a
partial unique index over the revaluations in force (`undone_at IS NULL`, the same DDL on
SQLite and PostgreSQL), so the month can be revalued again. Revaluations undone before
the column existed (marked only by their «fx_revaluation_undo» stornos) get their stornos'
time and user. Runs after the column exists (Piccolo runs a migration's raw steps before
its column changes).

Reminders recorded before the `sending` status existed marked their intent as `failed`
with the error «Trimitere începută…»: those rows become `sending`, so they keep counting
as sent (never sent twice)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from migrations._unique_indexes import unique_indexes_migration

ID = "2026-11-29T15:02:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "FX revaluation key ignores undone revaluations; reminder intents sending"

_UNDO = (
    "FROM nota_contabila n WHERE n.source_type = 'fx_revaluation_undo' "
    "AND n.source_id = reevaluare_valutara.id"
)
STATEMENTS = [
    f"UPDATE reevaluare_valutara SET undone_at = (SELECT MIN(n.created_at) {_UNDO}), "
    f"undone_by = COALESCE((SELECT MIN(n.created_by) {_UNDO}), '') "
    f"WHERE undone_at IS NULL AND EXISTS (SELECT 1 {_UNDO})",
    'DROP INDEX IF EXISTS "uq_reevaluare_valutara_company_month"',
    'CREATE UNIQUE INDEX IF NOT EXISTS "uq_reevaluare_valutara_company_month" '
    'ON "reevaluare_valutara" ("company", "month") WHERE undone_at IS NULL',
    "UPDATE reamintire_plata SET status = 'sending', error = '' WHERE status = 'failed' "
    "AND error = 'Trimitere începută; rezultatul nu se cunoaște încă.'",
]


async def forwards() -> MigrationManager:
    return unique_indexes_migration(ID, DESCRIPTION, STATEMENTS)
