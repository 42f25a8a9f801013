"""e-Factura: each invoice's way to ANAF (state machine, persisted around every call), the
company's SPV connection, and what arrives from SPV (messages, supplier invoices)."""

from __future__ import annotations

from decimal import Decimal

from piccolo.columns import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from tables._columns import CreatedAt, Money, Quantity, UnitPrice
from tables._constraints import index_together, unique_together
from tables.catalog import Article
from tables.choices import AnafEnvironment, EfacturaState, UploadKind
from tables.org import Company
from tables.partners import Partner
from tables.sales import Invoice

ZERO = Decimal("0.00")


class EfacturaSubmission(Table, tablename="efactura"):
    """One per invoice: its XML as validated and sent, and every step's outcome."""

    invoice = ForeignKey(Invoice, null=False, unique=True, on_delete=OnDelete.restrict)
    company = ForeignKey(Company, null=False, on_delete=OnDelete.restrict)
    state = Varchar(length=12, choices=EfacturaState)
    environment = Varchar(length=4, choices=AnafEnvironment, default=AnafEnvironment.test)
    upload_kind = Varchar(length=12, choices=UploadKind, default=UploadKind.standard)
    xml = Text(default="", help_text="Exact bytes validated and sent (UTF-8)")
    xml_sha256 = Varchar(length=64, default="")
    errors = JSON(default="[]", help_text="Erorile regulilor oficiale sau ale ANAF")
    send_after = Timestamptz(null=True, default=None)
    upload_index = Varchar(length=40, null=True, default=None, unique=True)
    download_id = Varchar(length=40, null=True, default=None)
    attempts = Integer(default=0, help_text="Încercări de încărcare")
    polls = Integer(default=0, help_text="Interogări stareMesaj (ANAF: cel mult 100/zi)")
    next_check_at = Timestamptz(null=True, default=None)
    answer_path = Varchar(length=300, default="", help_text="ZIP-ul semnat al ANAF")
    created_at = CreatedAt()
    updated_at = Timestamptz(null=True, default=None)
    uploaded_at = Timestamptz(null=True, default=None)
    finished_at = Timestamptz(null=True, default=None)


class EfacturaEvent(Table, tablename="efactura_eveniment"):
    """The trail of a submission: every state change and every call's outcome."""

    submission = ForeignKey(EfacturaSubmission, null=False, on_delete=OnDelete.cascade)
    at = CreatedAt()
    state_from = Varchar(length=12, default="")
    state_to = Varchar(length=12, default="")
    detail = Text(default="")


class AnafConnection(Table, tablename="anaf_conexiune"):
    """A company's SPV OAuth2 connection. Secrets and tokens are encrypted with the app
    secret; the refresh token's end is watched so someone renews it in time."""

    company = ForeignKey(Company, null=False, unique=True, on_delete=OnDelete.restrict)
    environment = Varchar(length=4, choices=AnafEnvironment, default=AnafEnvironment.test)
    client_id = Varchar(length=200, default="")
    client_secret_enc = Text(default="", secret=True)
    redirect_uri = Varchar(length=300, default="")
    access_token_enc = Text(default="", secret=True)
    refresh_token_enc = Text(default="", secret=True)
    access_expires_at = Timestamptz(null=True, default=None)
    refresh_expires_at = Timestamptz(null=True, default=None)
    auto_send_hours = Integer(default=24, help_text="Trimite automat la N ore după emitere")
    enabled = Boolean(default=False)
    updated_at = Timestamptz(null=True, default=None)


class SpvMessage(Table, tablename="spv_mesaj"):
    """A message listed by SPV (an invoice received or sent, an error, a buyer's message),
    downloaded once; a received invoice becomes a supplier invoice draft once."""

    company = ForeignKey(Company, null=False, on_delete=OnDelete.restrict)
    # Unique per company (below), not per installation: two companies of one installation
    # that invoice each other find the same download id in both inboxes.
    message_id = Varchar(length=40, help_text="id din listaMesaje (descarcare)")
    kind = Varchar(length=60, default="", help_text="tip: FACTURA PRIMITA, ERORI FACTURA...")
    cif = Varchar(length=20, default="")
    request_id = Varchar(length=40, default="", help_text="id_solicitare")
    details = Text(default="")
    created = Timestamptz(null=True, default=None, help_text="data_creare")
    downloaded_at = Timestamptz(null=True, default=None)
    zip_path = Varchar(length=300, default="")
    processed_at = Timestamptz(null=True, default=None)
    error = Text(default="")


class SpvFetch(Table, tablename="preluare_spv"):
    """One run of a company's SPV inbox (the cron's, or one someone asked for): when it
    ran and what it brought."""

    company = ForeignKey(Company, null=False, on_delete=OnDelete.restrict)
    requested_by = Varchar(length=150, default="", help_text="Cine a cerut-o (gol: automat)")
    started_at = CreatedAt()
    finished_at = Timestamptz(null=True, default=None)
    listed = Integer(default=0, help_text="Mesaje listate de SPV (60 de zile)")
    new_messages = Integer(default=0, help_text="Mesaje noi")
    downloaded = Integer(default=0)
    imported = Integer(default=0, help_text="Facturi primite importate")
    linked = Integer(default=0, help_text="Legate de facturi importate de mână")
    failed = Integer(default=0, help_text="Mesaje refuzate (motivul e la mesaj)")
    pdfs = Integer(default=0, help_text="PDF-uri ANAF aduse mai târziu")
    error = Text(default="", help_text="De ce s-a oprit (se reia automat)")


class SupplierInvoice(Table, tablename="factura_furnizor"):
    """A supplier's invoice or credit note as received (e-Factura) or typed, a draft until
    someone checks and books it."""

    company = ForeignKey(Company, null=False, on_delete=OnDelete.restrict)
    partner = ForeignKey(Partner, null=False, on_delete=OnDelete.restrict)
    spv_message = ForeignKey(SpvMessage, null=True, default=None, unique=True,
                             on_delete=OnDelete.restrict)  # fmt: skip
    status = Varchar(length=10, default="draft")
    type_code = Varchar(length=3, default="380")
    number = Varchar(length=60)
    issue_date = Date()
    due_date = Date(null=True, default=None)
    currency = Varchar(length=3, default="RON")
    tax_currency_vat = Money(default=ZERO, help_text="TVA în RON (BT-111)")
    line_net_total = Money(default=ZERO)
    allowance_total = Money(default=ZERO)
    charge_total = Money(default=ZERO)
    tax_exclusive = Money(default=ZERO)
    vat_total = Money(default=ZERO)
    tax_inclusive = Money(default=ZERO)
    prepaid = Money(default=ZERO)
    rounding = Money(default=ZERO, help_text="Rotunjirea sumei de plată (BT-114)")
    payable = Money(default=ZERO)
    xml = Text(default="")
    pdf_path = Varchar(length=300, default="")
    notes = Text(default="")
    created_at = CreatedAt()


class SupplierInvoiceLine(Table, tablename="linie_factura_furnizor"):
    supplier_invoice = ForeignKey(SupplierInvoice, null=False, on_delete=OnDelete.cascade)
    position = Integer()
    article = ForeignKey(Article, null=True, default=None, on_delete=OnDelete.restrict)
    seller_item_id = Varchar(length=100, default="", help_text="Codul articolului la furnizor")
    description = Varchar(length=300)
    quantity = Quantity()
    uom_code = Varchar(length=3, default="H87")
    unit_price = UnitPrice()
    net = Money(default=ZERO)
    vat_code = Varchar(length=2, default="S")
    vat_rate = Numeric(digits=(5, 2), default=ZERO)


unique_together(SupplierInvoiceLine, "supplier_invoice", "position")
unique_together(SpvMessage, "company", "message_id")
index_together(EfacturaSubmission, "state", "next_check_at")
index_together(SupplierInvoice, "partner", "number")
# The same supplier's document once per company, however it is written (SPV, XML, hand).
unique_together(SupplierInvoice, "company", "partner", "number", "issue_date")
index_together(SpvFetch, "company", "started_at")
