"""Keys and lookup indexes of receivables and receipts (see tables/_constraints.py):
gapless chitanță numbers, one statement line per bank reference, one revaluation per
month, an invoice's allocations, the cash limits' receipts per partner and day."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from migrations._unique_indexes import unique_indexes_migration

ID = "2026-11-29T14:21:40:000000"
VERSION = "1.38.0"
DESCRIPTION = "receivables keys and indexes"

UNIQUE_INDEXES = [
    'CREATE UNIQUE INDEX IF NOT EXISTS "uq_termen_plata_company_name" ON "termen_plata" ("company", "name")',
    'CREATE UNIQUE INDEX IF NOT EXISTS "uq_termen_plata_partener_company_partner" ON "termen_plata_partener" ("company", "partner")',
    'CREATE UNIQUE INDEX IF NOT EXISTS "uq_casierie_company_code" ON "casierie" ("company", "code")',
    'CREATE UNIQUE INDEX IF NOT EXISTS "uq_incasare_series_number" ON "incasare" ("series", "number")',
    'CREATE UNIQUE INDEX IF NOT EXISTS "uq_extras_bancar_bank_account_reference" ON "extras_bancar" ("bank_account", "reference")',
    'CREATE UNIQUE INDEX IF NOT EXISTS "uq_linie_extras_bank_account_bank_reference" ON "linie_extras" ("bank_account", "bank_reference")',
    'CREATE UNIQUE INDEX IF NOT EXISTS "uq_reevaluare_valutara_company_month" ON "reevaluare_valutara" ("company", "month")',
    'CREATE INDEX IF NOT EXISTS "ix_incasare_company_day" ON "incasare" ("company", "day")',
    'CREATE INDEX IF NOT EXISTS "ix_incasare_partner_day" ON "incasare" ("partner", "day")',
    'CREATE INDEX IF NOT EXISTS "ix_alocare_incasare_invoice" ON "alocare_incasare" ("invoice")',
    'CREATE INDEX IF NOT EXISTS "ix_alocare_incasare_receipt" ON "alocare_incasare" ("receipt")',
    'CREATE INDEX IF NOT EXISTS "ix_linie_extras_statement" ON "linie_extras" ("statement")',
    'CREATE INDEX IF NOT EXISTS "ix_reamintire_plata_partner_sent_at" ON "reamintire_plata" ("partner", "sent_at")',
]


async def forwards() -> MigrationManager:
    return unique_indexes_migration(ID, DESCRIPTION, UNIQUE_INDEXES)
