"""The one Piccolo app of Catastif: every table, one migrations folder."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from tables.catalog import Article, UnitOfMeasure, VatCategory, VatRate
from tables.efactura import (
    AnafConnection,
    EfacturaEvent,
    EfacturaSubmission,
    SpvFetch,
    SpvMessage,
    SupplierInvoice,
    SupplierInvoiceLine,
)
from tables.ledger import (
    Account,
    AccountMapping,
    ClosedPeriod,
    JournalEntry,
    JournalLine,
)
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
from tables.payments import (
    Allocation,
    BankStatement,
    BankStatementLine,
    CashDesk,
    FxRevaluation,
    PartnerPaymentTerm,
    PaymentSettings,
    PaymentTerm,
    Receipt,
    Reminder,
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

TABLES = [
    Company,
    CompanyBankAccount,
    WorkPoint,
    CostCentre,
    Department,
    Team,
    Person,
    UserRole,
    ApiToken,
    Currency,
    ExchangeRate,
    PartnerGroup,
    Partner,
    PartnerRole,
    PartnerAddress,
    PartnerContact,
    PartnerBankAccount,
    UnitOfMeasure,
    VatCategory,
    VatRate,
    Article,
    DocumentSeries,
    Invoice,
    InvoiceLine,
    InvoiceVat,
    Document,
    DocumentLine,
    PointOfSale,
    PriceList,
    PriceItem,
    PriceListAccess,
    PriceListAssignment,
    Account,
    AccountMapping,
    ClosedPeriod,
    JournalEntry,
    JournalLine,
    Warehouse,
    StockSettings,
    StockReception,
    StockReceptionLine,
    StockDocument,
    StockMove,
    EfacturaSubmission,
    EfacturaEvent,
    AnafConnection,
    SpvFetch,
    SpvMessage,
    SupplierInvoice,
    SupplierInvoiceLine,
    Meter,
    MeterReading,
    PaymentTerm,
    PartnerPaymentTerm,
    PaymentSettings,
    CashDesk,
    Receipt,
    Allocation,
    BankStatement,
    BankStatementLine,
    Reminder,
    FxRevaluation,
]

APP_CONFIG = AppConfig(
    app_name="catastif",
    migrations_folder_path=str(Path(__file__).resolve().parents[1] / "migrations"),
    table_classes=TABLES,
    # Person and UserRole point at piccolo_user, so the user app migrates first.
    migration_dependencies=["piccolo.apps.user.piccolo_app"],
)
