"""Composite unique keys declared with unique_together() (see tables/_constraints.py).

Unique indexes rather than constraints: the same DDL runs on SQLite and PostgreSQL.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from migrations._unique_indexes import unique_indexes_migration

ID = "2026-11-29T08:20:48:295107"
VERSION = "1.38.0"
DESCRIPTION = "foundation unique keys"

UNIQUE_INDEXES = [
    'CREATE UNIQUE INDEX IF NOT EXISTS "uq_cota_tva_category_valid_from" ON "cota_tva" ("category", "valid_from")',
    'CREATE UNIQUE INDEX IF NOT EXISTS "uq_cont_bancar_firma_company_iban" ON "cont_bancar_firma" ("company", "iban")',
    'CREATE UNIQUE INDEX IF NOT EXISTS "uq_punct_de_lucru_company_code" ON "punct_de_lucru" ("company", "code")',
    'CREATE UNIQUE INDEX IF NOT EXISTS "uq_centru_de_cost_company_code" ON "centru_de_cost" ("company", "code")',
    'CREATE UNIQUE INDEX IF NOT EXISTS "uq_departament_company_code" ON "departament" ("company", "code")',
    'CREATE UNIQUE INDEX IF NOT EXISTS "uq_echipa_company_code" ON "echipa" ("company", "code")',
    'CREATE UNIQUE INDEX IF NOT EXISTS "uq_curs_bnr_currency_day" ON "curs_bnr" ("currency", "day")',
    'CREATE UNIQUE INDEX IF NOT EXISTS "uq_rol_partener_partner_role" ON "rol_partener" ("partner", "role")',
    'CREATE UNIQUE INDEX IF NOT EXISTS "uq_cont_bancar_partener_partner_iban" ON "cont_bancar_partener" ("partner", "iban")',
]


async def forwards() -> MigrationManager:
    return unique_indexes_migration(ID, DESCRIPTION, UNIQUE_INDEXES)
