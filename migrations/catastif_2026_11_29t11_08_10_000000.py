"""Keys and lookup indexes of points of sale and price lists (see tables/_constraints.py)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from migrations._unique_indexes import unique_indexes_migration

ID = "2026-11-29T11:08:10:000000"
VERSION = "1.38.0"
DESCRIPTION = "price list keys and indexes"

UNIQUE_INDEXES = [
    'CREATE UNIQUE INDEX IF NOT EXISTS "uq_punct_de_vanzare_company_code" ON "punct_de_vanzare" ("company", "code")',
    'CREATE UNIQUE INDEX IF NOT EXISTS "uq_lista_preturi_company_code" ON "lista_preturi" ("company", "code")',
    'CREATE INDEX IF NOT EXISTS "ix_pret_article_price_list_valid_from" ON "pret" ("article", "price_list", "valid_from")',
]


async def forwards() -> MigrationManager:
    return unique_indexes_migration(ID, DESCRIPTION, UNIQUE_INDEXES)
