"""What the admin shows: one TableConfig per table, grouped by area, with guards and hooks."""

from __future__ import annotations

from piccolo.apps.user.tables import BaseUser
from piccolo_admin.endpoints import OrderBy, TableConfig
from starlette.requests import Request

from admin.guards import (
    area_guard,
    price_item_guard,
    price_list_guard,
    price_list_rows_guard,
    read_only_guard,
    request_actor,
    row_id_of,
    with_checks,
)
from admin.hooks import (
    account_hooks,
    company_hooks,
    field_hooks,
    price_access_hooks,
    price_assignment_prepare,
    price_list_admin_prepare,
    record_hooks,
)
from admin.receipt_tables import receipt_table_configs
from admin.receivable_tables import receivable_table_configs
from admin.statement_tables import statement_table_configs
from domain.catalog.ops import article_prepare, vat_rate_prepare
from domain.efactura.receive_import import RECEIVE_AREA
from domain.inventory.warehouses import STOCK_AREA, settings_prepare, warehouse_prepare
from domain.ledger.chart import mapping_prepare
from domain.org.geo import normalize_country, normalize_county, normalize_sector
from domain.org.permissions import Area
from domain.partners.identity import normalize_cnp, normalize_iban
from domain.partners.ops import partner_prepare
from domain.partners.rules import normalize_account
from domain.sales.meters import (
    meter_delete_check,
    meter_prepare,
    reading_delete_check,
    reading_prepare,
)
from tables.catalog import Article, UnitOfMeasure, VatCategory, VatRate
from tables.choices import PartnerRoleKind
from tables.efactura import (
    AnafConnection,
    EfacturaEvent,
    EfacturaSubmission,
    SpvFetch,
    SpvMessage,
    SupplierInvoice,
    SupplierInvoiceLine,
)
from tables.ledger import Account, AccountMapping, ClosedPeriod, JournalEntry, JournalLine
from tables.meters import Meter, MeterReading
from tables.org import (
    ApiToken,
    Company,
    CompanyBankAccount,
    CostCentre,
    Currency,
    Department,
    ExchangeRate,
    Person,
    Team,
    UserRole,
    WorkPoint,
)
from tables.partners import (
    Partner,
    PartnerAddress,
    PartnerBankAccount,
    PartnerContact,
    PartnerGroup,
    PartnerRole,
)
from tables.pos import PointOfSale
from tables.pricing import PriceItem, PriceList, PriceListAccess, PriceListAssignment
from tables.sales import (
    Document,
    DocumentLine,
    DocumentSeries,
    Invoice,
    InvoiceLine,
    InvoiceVat,
)
from tables.stock import (
    StockDocument,
    StockMove,
    StockReception,
    StockReceptionLine,
    StockSettings,
    Warehouse,
)

ORG, USERS, PARTNERS, ARTICLES, FX = "Organizare", "Utilizatori", "Parteneri", "Articole", "Valute"
SALES, PRICES = "Vânzări", "Prețuri"
FROZEN = (
    "Facturile se creează și se modifică din API sau din editorul de documente; "
    "cele emise nu se mai modifică. Folosiți formularele Emite / Anulează / Stornează."
)


def _role_account(value: str) -> str:
    # The role is not known to a single-field rule; any role's shape check is the same.
    return normalize_account(value, PartnerRoleKind.other)


PLACE_RULES = {"county": normalize_county, "sector": normalize_sector}

PRICES_KEPT = (
    "Un preț nu se modifică: un preț nou este un rând nou (formularele «Preț nou», "
    "«Import prețuri (CSV)»), iar unul vechi se încheie cu «Încheie un preț». "
    "Istoricul rămâne pentru documentele emise."
)


TABLE_CONFIGS = [
    # Organizare
    TableConfig(
        Company,
        menu_group=ORG,
        validators=area_guard(Area.org),
        hooks=company_hooks(),  # with the chart of accounts of a new company
        visible_columns=[Company.name, Company.cui, Company.vat_payer],
    ),
    TableConfig(
        CompanyBankAccount,
        menu_group=ORG,
        validators=area_guard(Area.org),
        hooks=field_hooks(CompanyBankAccount, {"iban": normalize_iban}),
    ),
    TableConfig(
        WorkPoint,
        menu_group=ORG,
        validators=area_guard(Area.org),
        hooks=field_hooks(WorkPoint, PLACE_RULES),
        order_by=[OrderBy(WorkPoint.code)],
    ),
    TableConfig(CostCentre, menu_group=ORG, validators=area_guard(Area.org)),
    TableConfig(Department, menu_group=ORG, validators=area_guard(Area.org)),
    TableConfig(Team, menu_group=ORG, validators=area_guard(Area.org)),
    TableConfig(
        Person,
        menu_group=ORG,
        validators=area_guard(Area.org),
        hooks=field_hooks(Person, {"cnp": normalize_cnp}),
        order_by=[OrderBy(Person.name)],
    ),
    TableConfig(
        PointOfSale,
        menu_group=ORG,
        validators=area_guard(Area.org),
        order_by=[OrderBy(PointOfSale.code)],
    ),
    # Utilizatori
    TableConfig(
        BaseUser,
        menu_group=USERS,
        validators=area_guard(Area.users),
        visible_columns=[BaseUser.username, BaseUser.email, BaseUser.active],
    ),
    TableConfig(UserRole, menu_group=USERS, validators=area_guard(Area.users)),
    TableConfig(
        ApiToken,
        menu_group=USERS,
        validators=area_guard(
            Area.users, no_add="Tokenurile se creează din formularul «Token API nou»."
        ),
        exclude_visible_columns=[ApiToken.token_hash],
    ),
    # Parteneri
    TableConfig(
        Partner,
        menu_group=PARTNERS,
        validators=area_guard(Area.partners),
        hooks=record_hooks(Partner, partner_prepare, "partner_id"),
        visible_columns=[
            Partner.name,
            Partner.kind,
            Partner.cui,
            Partner.city,
            Partner.county,
            Partner.vat_payer,
            Partner.e_invoice_registered,
        ],
        visible_filters=[
            Partner.name,
            Partner.cui,
            Partner.kind,
            Partner.county,
            Partner.vat_payer,
            Partner.group,
            Partner.active,
        ],
        order_by=[OrderBy(Partner.name)],
        link_column=Partner.name,
    ),
    TableConfig(
        PartnerRole,
        menu_group=PARTNERS,
        validators=area_guard(Area.partners),
        hooks=field_hooks(PartnerRole, {"account": _role_account}),
    ),
    TableConfig(
        PartnerAddress,
        menu_group=PARTNERS,
        validators=area_guard(Area.partners),
        hooks=field_hooks(PartnerAddress, {**PLACE_RULES, "country": normalize_country}),
    ),
    TableConfig(PartnerContact, menu_group=PARTNERS, validators=area_guard(Area.partners)),
    TableConfig(
        PartnerBankAccount,
        menu_group=PARTNERS,
        validators=area_guard(Area.partners),
        hooks=field_hooks(PartnerBankAccount, {"iban": normalize_iban}),
    ),
    TableConfig(PartnerGroup, menu_group=PARTNERS, validators=area_guard(Area.partners)),
    # Articole
    TableConfig(
        Article,
        menu_group=ARTICLES,
        validators=area_guard(Area.catalog),
        hooks=record_hooks(Article, article_prepare, "article_id"),
        visible_columns=[
            Article.code,
            Article.name,
            Article.kind,
            Article.uom,
            Article.vat_category,
            Article.active,
        ],
        order_by=[OrderBy(Article.name)],
        link_column=Article.name,
    ),
    TableConfig(UnitOfMeasure, menu_group=ARTICLES, validators=area_guard(Area.catalog)),
    TableConfig(VatCategory, menu_group=ARTICLES, validators=area_guard(Area.catalog)),
    TableConfig(
        VatRate,
        menu_group=ARTICLES,
        validators=area_guard(Area.catalog),
        hooks=record_hooks(VatRate, vat_rate_prepare, "rate_id"),
        order_by=[OrderBy(VatRate.category), OrderBy(VatRate.valid_from)],
    ),
    # Valute
    TableConfig(Currency, menu_group=FX, validators=area_guard(Area.fx)),
    TableConfig(
        ExchangeRate,
        menu_group=FX,
        validators=area_guard(Area.fx),
        order_by=[OrderBy(ExchangeRate.day, ascending=False)],
    ),
    # Vânzări
    TableConfig(
        Invoice,
        menu_group=SALES,
        validators=read_only_guard(Area.sales, FROZEN),
        visible_columns=[
            Invoice.full_number,
            Invoice.type_code,
            Invoice.status,
            Invoice.partner,
            Invoice.issue_date,
            Invoice.currency,
            Invoice.payable,
            Invoice.efactura_state,
        ],
        visible_filters=[
            Invoice.partner,
            Invoice.status,
            Invoice.efactura_state,
            Invoice.type_code,
            Invoice.issue_date,
            Invoice.work_point,
            Invoice.series,
        ],
        order_by=[OrderBy(Invoice.id, ascending=False)],
        link_column=Invoice.full_number,
    ),
    TableConfig(InvoiceLine, menu_group=SALES, validators=read_only_guard(Area.sales, FROZEN)),
    TableConfig(InvoiceVat, menu_group=SALES, validators=read_only_guard(Area.sales, FROZEN)),
    TableConfig(
        Document,
        menu_group=SALES,
        validators=read_only_guard(Area.sales, FROZEN),
        visible_columns=[
            Document.full_number,
            Document.doc_type,
            Document.status,
            Document.partner,
            Document.issue_date,
            Document.tax_inclusive,
        ],
        visible_filters=[Document.doc_type, Document.status, Document.partner, Document.issue_date],
        order_by=[OrderBy(Document.id, ascending=False)],
        link_column=Document.full_number,
    ),
    TableConfig(DocumentLine, menu_group=SALES, validators=read_only_guard(Area.sales, FROZEN)),
    TableConfig(DocumentSeries, menu_group=SALES, validators=area_guard(Area.sales)),
    # Prețuri
    TableConfig(
        PriceList,
        menu_group=PRICES,
        validators=price_list_guard(),
        hooks=record_hooks(PriceList, price_list_admin_prepare, "list_id"),
        visible_columns=[
            PriceList.code,
            PriceList.name,
            PriceList.currency,
            PriceList.prices_include_vat,
            PriceList.valid_from,
            PriceList.valid_to,
            PriceList.base_list,
            PriceList.base_percent,
            PriceList.active,
        ],
        visible_filters=[PriceList.name, PriceList.code, PriceList.currency, PriceList.active],
        order_by=[OrderBy(PriceList.code)],
        link_column=PriceList.name,
    ),
    TableConfig(
        PriceItem,
        menu_group=PRICES,
        validators=price_item_guard(PRICES_KEPT),
        visible_columns=[
            PriceItem.price_list,
            PriceItem.article,
            PriceItem.min_quantity,
            PriceItem.price,
            PriceItem.valid_from,
            PriceItem.valid_to,
            PriceItem.created_by,
        ],
        visible_filters=[
            PriceItem.price_list,
            PriceItem.article,
            PriceItem.valid_from,
            PriceItem.valid_to,
        ],
        order_by=[OrderBy(PriceItem.article), OrderBy(PriceItem.valid_from, ascending=False)],
    ),
    TableConfig(
        PriceListAccess,
        menu_group=PRICES,
        validators=price_list_rows_guard(PriceListAccess),
        hooks=price_access_hooks(),
    ),
    TableConfig(
        PriceListAssignment,
        menu_group=PRICES,
        validators=price_list_rows_guard(PriceListAssignment),
        hooks=record_hooks(PriceListAssignment, price_assignment_prepare, "assignment_id"),
        visible_columns=[
            PriceListAssignment.price_list,
            PriceListAssignment.target,
            PriceListAssignment.partner,
            PriceListAssignment.partner_group,
            PriceListAssignment.pos,
            PriceListAssignment.work_point,
            PriceListAssignment.team,
            PriceListAssignment.valid_from,
            PriceListAssignment.valid_to,
            PriceListAssignment.priority,
        ],
        visible_filters=[PriceListAssignment.price_list, PriceListAssignment.target],
    ),
]

# e-Factura: each invoice's way to ANAF (the forms «e-Factura: ...» act), its trail, and
# the companies' SPV connections (secrets and tokens encrypted, never shown).
EFACTURA = "e-Factura"
EFACTURA_BY_FORMS = (
    "Starea e-Factura se schimbă doar prin formularele «e-Factura: validează / trimite acum / "
    "actualizează» și prin lucrările automate; conexiunea SPV prin «e-Factura: conexiune SPV»."
)
TABLE_CONFIGS += [
    TableConfig(
        EfacturaSubmission,
        menu_group=EFACTURA,
        validators=read_only_guard(Area.sales, EFACTURA_BY_FORMS),
        visible_columns=[
            EfacturaSubmission.id,
            EfacturaSubmission.invoice,
            EfacturaSubmission.state,
            EfacturaSubmission.environment,
            EfacturaSubmission.upload_kind,
            EfacturaSubmission.upload_index,
            EfacturaSubmission.attempts,
            EfacturaSubmission.next_check_at,
            EfacturaSubmission.finished_at,
        ],
        visible_filters=[
            EfacturaSubmission.state,
            EfacturaSubmission.invoice,
            EfacturaSubmission.company,
            EfacturaSubmission.environment,
            EfacturaSubmission.upload_kind,
            EfacturaSubmission.upload_index,
        ],
        order_by=[OrderBy(EfacturaSubmission.id, ascending=False)],
        link_column=EfacturaSubmission.id,
    ),
    TableConfig(
        EfacturaEvent,
        menu_group=EFACTURA,
        validators=read_only_guard(Area.sales, EFACTURA_BY_FORMS),
        visible_filters=[EfacturaEvent.submission, EfacturaEvent.state_to, EfacturaEvent.at],
        order_by=[OrderBy(EfacturaEvent.id, ascending=False)],
    ),
    TableConfig(
        AnafConnection,
        menu_group=EFACTURA,
        validators=read_only_guard(Area.org, EFACTURA_BY_FORMS),
        exclude_visible_columns=[
            AnafConnection.client_secret_enc,
            AnafConnection.access_token_enc,
            AnafConnection.refresh_token_enc,
        ],
    ),
]

# Stocuri: warehouses and settings are edited here (through the same checks as the API);
# receptions, stock documents and moves only through the forms and the API.
STOCK = "Stocuri"
STOCK_WRITTEN_BY_FORMS = (
    "NIR-urile se creează din formularul «NIR nou» și se emit din «Emite NIR»; mișcările "
    "de stoc le scriu documentele (NIR, facturi, avize, transferuri, ajustări), nu se "
    "modifică de mână."
)
TABLE_CONFIGS += [
    TableConfig(
        Warehouse,
        menu_group=STOCK,
        validators=area_guard(STOCK_AREA),
        hooks=record_hooks(Warehouse, warehouse_prepare, "warehouse_id"),
        visible_columns=[
            Warehouse.code,
            Warehouse.name,
            Warehouse.work_point,
            Warehouse.is_default,
            Warehouse.active,
        ],
        order_by=[OrderBy(Warehouse.code)],
        link_column=Warehouse.name,
    ),
    TableConfig(
        StockSettings,
        menu_group=STOCK,
        validators=area_guard(STOCK_AREA),
        hooks=record_hooks(StockSettings, settings_prepare, "settings_id"),
    ),
    TableConfig(
        StockReception,
        menu_group=STOCK,
        validators=read_only_guard(STOCK_AREA, STOCK_WRITTEN_BY_FORMS),
        visible_columns=[
            StockReception.number,
            StockReception.status,
            StockReception.day,
            StockReception.partner,
            StockReception.supplier_doc_number,
            StockReception.warehouse,
            StockReception.currency,
            StockReception.total_ron,
        ],
        visible_filters=[
            StockReception.status,
            StockReception.partner,
            StockReception.warehouse,
            StockReception.day,
        ],
        order_by=[OrderBy(StockReception.id, ascending=False)],
    ),
    TableConfig(
        StockReceptionLine,
        menu_group=STOCK,
        validators=read_only_guard(STOCK_AREA, STOCK_WRITTEN_BY_FORMS),
    ),
    TableConfig(
        StockDocument,
        menu_group=STOCK,
        validators=read_only_guard(STOCK_AREA, STOCK_WRITTEN_BY_FORMS),
        order_by=[OrderBy(StockDocument.id, ascending=False)],
    ),
    TableConfig(
        StockMove,
        menu_group=STOCK,
        validators=read_only_guard(STOCK_AREA, STOCK_WRITTEN_BY_FORMS),
        visible_columns=[
            StockMove.day,
            StockMove.warehouse,
            StockMove.article,
            StockMove.kind,
            StockMove.quantity,
            StockMove.unit_cost,
            StockMove.value,
            StockMove.balance_qty,
            StockMove.balance_value,
            StockMove.source_type,
            StockMove.source_id,
        ],
        visible_filters=[
            StockMove.warehouse,
            StockMove.article,
            StockMove.kind,
            StockMove.day,
            StockMove.source_type,
        ],
        order_by=[OrderBy(StockMove.id, ascending=False)],
    ),
]

# Contabilitate
LEDGER = "Contabilitate"
ENTRIES_KEPT = (
    "Notele contabile nu se modifică și nu se șterg: documentele le scriu la emitere, iar "
    "o corectură este o notă nouă (stornare). Pentru ce nu vine din documente folosiți "
    "formularul «Notă contabilă manuală»."
)
PERIODS_BY_FORM = (
    "Lunile se închid și se redeschid din formularele «Închide luna» și «Redeschide luna»."
)
TABLE_CONFIGS += [
    TableConfig(
        Account,
        menu_group=LEDGER,
        validators=area_guard(Area.ledger),
        hooks=account_hooks(),
        visible_columns=[
            Account.code,
            Account.name,
            Account.account_class,
            Account.kind,
            Account.third_party,
            Account.active,
        ],
        visible_filters=[
            Account.code,
            Account.name,
            Account.account_class,
            Account.kind,
            Account.third_party,
            Account.active,
            Account.company,
        ],
        order_by=[OrderBy(Account.code)],
        link_column=Account.code,
    ),
    TableConfig(
        AccountMapping,
        menu_group=LEDGER,
        validators=area_guard(Area.ledger),
        hooks=record_hooks(AccountMapping, mapping_prepare, "mapping_id"),
        order_by=[OrderBy(AccountMapping.role)],
    ),
    TableConfig(
        JournalEntry,
        menu_group=LEDGER,
        validators=read_only_guard(Area.ledger, ENTRIES_KEPT),
        visible_columns=[
            JournalEntry.id,
            JournalEntry.day,
            JournalEntry.kind,
            JournalEntry.reference,
            JournalEntry.description,
            JournalEntry.reverses,
            JournalEntry.created_by,
        ],
        visible_filters=[
            JournalEntry.day,
            JournalEntry.kind,
            JournalEntry.reference,
            JournalEntry.source_type,
            JournalEntry.company,
        ],
        order_by=[OrderBy(JournalEntry.id, ascending=False)],
    ),
    TableConfig(
        JournalLine,
        menu_group=LEDGER,
        validators=read_only_guard(Area.ledger, ENTRIES_KEPT),
        visible_columns=[
            JournalLine.entry,
            JournalLine.day,
            JournalLine.account,
            JournalLine.debit,
            JournalLine.credit,
            JournalLine.partner,
            JournalLine.currency,
            JournalLine.currency_amount,
            JournalLine.description,
        ],
        visible_filters=[
            JournalLine.entry,
            JournalLine.account,
            JournalLine.partner,
            JournalLine.day,
            JournalLine.work_point,
            JournalLine.cost_centre,
        ],
        order_by=[OrderBy(JournalLine.id, ascending=False)],
    ),
    TableConfig(
        ClosedPeriod,
        menu_group=LEDGER,
        validators=read_only_guard(Area.ledger, PERIODS_BY_FORM),
        order_by=[OrderBy(ClosedPeriod.month, ascending=False)],
    ),
]

# Contoare (way 22): meters and readings through the same checks as the API; a reading
# that is billed (or on a draft invoice) is neither changed nor deleted. The invoice
# links are written by the domain (domain/sales/meters.py), not typed here.


async def _meter_delete(piccolo_crud: object, request: Request) -> None:
    await meter_delete_check(row_id_of(request) or 0, by=await request_actor(request))


async def _reading_delete(piccolo_crud: object, request: Request) -> None:
    await reading_delete_check(row_id_of(request) or 0, by=await request_actor(request))


TABLE_CONFIGS += [
    TableConfig(
        Meter,
        menu_group=SALES,
        validators=with_checks(area_guard(Area.sales), delete_single=_meter_delete),
        hooks=record_hooks(Meter, meter_prepare, "meter_id"),
        visible_columns=[
            Meter.serial,
            Meter.partner,
            Meter.article,
            Meter.location,
            Meter.multiplier,
            Meter.active,
        ],
        visible_filters=[Meter.partner, Meter.article, Meter.serial, Meter.active],
        order_by=[OrderBy(Meter.id)],
        link_column=Meter.serial,
    ),
    TableConfig(
        MeterReading,
        menu_group=SALES,
        validators=with_checks(area_guard(Area.sales), delete_single=_reading_delete),
        hooks=record_hooks(MeterReading, reading_prepare, "reading_id"),
        visible_columns=[
            MeterReading.meter,
            MeterReading.day,
            MeterReading.index,
            MeterReading.reset,
            MeterReading.previous_index,
            MeterReading.draft_invoice,
            MeterReading.invoice_line,
            MeterReading.note,
        ],
        visible_filters=[MeterReading.meter, MeterReading.day, MeterReading.reset],
        order_by=[OrderBy(MeterReading.day, ascending=False)],
    ),
]

# SPV: what arrives from ANAF. Messages are written by the receiving job; supplier invoices
# and their lines mirror the supplier's XML (the legal document), so the admin shows them
# and never edits them: they come from the job or from «Importă factură furnizor (XML)».
SPV = "SPV"
SPV_WRITTEN_BY_JOB = (
    "Mesajele SPV și facturile primite se scriu doar la preluarea din SPV sau din formularul "
    "«Importă factură furnizor (XML)»; o factură primită reflectă XML-ul furnizorului și nu "
    "se modifică (o corectură vine de la furnizor, ca stornare)."
)
TABLE_CONFIGS += [
    TableConfig(
        SpvFetch,
        menu_group=SPV,
        validators=read_only_guard(
            RECEIVE_AREA,
            "Preluările SPV le scrie lucrarea de preluare (automat sau din «Preia acum din SPV»).",
        ),
        visible_columns=[
            SpvFetch.id,
            SpvFetch.company,
            SpvFetch.started_at,
            SpvFetch.finished_at,
            SpvFetch.requested_by,
            SpvFetch.listed,
            SpvFetch.new_messages,
            SpvFetch.imported,
            SpvFetch.failed,
            SpvFetch.error,
        ],
        visible_filters=[SpvFetch.company, SpvFetch.started_at, SpvFetch.requested_by],
        order_by=[OrderBy(SpvFetch.id, ascending=False)],
    ),
    TableConfig(
        SpvMessage,
        menu_group=SPV,
        validators=read_only_guard(RECEIVE_AREA, SPV_WRITTEN_BY_JOB),
        visible_columns=[
            SpvMessage.id,
            SpvMessage.company,
            SpvMessage.created,
            SpvMessage.kind,
            SpvMessage.details,  # who sent it; a buyer's message or ANAF's errors
            SpvMessage.message_id,
            SpvMessage.request_id,
            SpvMessage.processed_at,
            SpvMessage.error,
        ],
        visible_filters=[
            SpvMessage.kind,
            SpvMessage.message_id,
            SpvMessage.request_id,
            SpvMessage.created,
            SpvMessage.processed_at,
            SpvMessage.company,
        ],
        order_by=[OrderBy(SpvMessage.id, ascending=False)],
    ),
    TableConfig(
        SupplierInvoice,
        menu_group=SPV,
        validators=read_only_guard(RECEIVE_AREA, SPV_WRITTEN_BY_JOB),
        visible_columns=[
            SupplierInvoice.id,
            SupplierInvoice.partner,
            SupplierInvoice.number,
            SupplierInvoice.issue_date,
            SupplierInvoice.type_code,
            SupplierInvoice.currency,
            SupplierInvoice.tax_exclusive,
            SupplierInvoice.vat_total,
            SupplierInvoice.payable,
            SupplierInvoice.status,
            SupplierInvoice.spv_message,
        ],
        visible_filters=[
            SupplierInvoice.partner,
            SupplierInvoice.number,
            SupplierInvoice.issue_date,
            SupplierInvoice.status,
            SupplierInvoice.type_code,
            SupplierInvoice.company,
        ],
        order_by=[OrderBy(SupplierInvoice.id, ascending=False)],
        link_column=SupplierInvoice.number,
    ),
    TableConfig(
        SupplierInvoiceLine,
        menu_group=SPV,
        validators=read_only_guard(RECEIVE_AREA, SPV_WRITTEN_BY_JOB),
        visible_columns=[
            SupplierInvoiceLine.supplier_invoice,
            SupplierInvoiceLine.position,
            SupplierInvoiceLine.description,
            SupplierInvoiceLine.seller_item_id,
            SupplierInvoiceLine.article,
            SupplierInvoiceLine.quantity,
            SupplierInvoiceLine.uom_code,
            SupplierInvoiceLine.unit_price,
            SupplierInvoiceLine.net,
            SupplierInvoiceLine.vat_code,
            SupplierInvoiceLine.vat_rate,
        ],
        visible_filters=[
            SupplierInvoiceLine.supplier_invoice,
            SupplierInvoiceLine.article,
            SupplierInvoiceLine.seller_item_id,
        ],
        order_by=[OrderBy(SupplierInvoiceLine.id, ascending=False)],
    ),
]

# Încasări: cash desks, receipts and allocations (admin/receipt_tables.py).
TABLE_CONFIGS += receipt_table_configs()
TABLE_CONFIGS += statement_table_configs()  # admin/statement_tables.py
TABLE_CONFIGS += receivable_table_configs()  # admin/receivable_tables.py
