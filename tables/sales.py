"""Sales documents: numbering series, invoices (and credit notes, advances, self-invoices)."""

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
from piccolo.columns.readable import Readable
from piccolo.columns.reference import LazyTableReference
from piccolo.table import Table

from tables._columns import CreatedAt, FxRate, Money, Quantity, UnitPrice
from tables._constraints import index_together, unique_together
from tables.catalog import Article, VatCategory
from tables.choices import DocStatus, DocType, InvoiceEfacturaState, InvoiceTypeCode, VatRegime
from tables.org import Company, CostCentre, Department, Person, Team, WorkPoint
from tables.partners import Partner
from tables.pricing import PriceList

ZERO = Decimal("0.00")
PRICED_FROM = "Lista de prețuri din care a venit prețul (gol = preț tastat)"


class DocumentSeries(Table, tablename="serie_documente"):
    """A numbering series by internal decision: gapless, ascending, unique per series."""

    company = ForeignKey(Company, null=False, on_delete=OnDelete.restrict)
    doc_type = Varchar(length=20, choices=DocType)
    work_point = ForeignKey(WorkPoint, null=True, on_delete=OnDelete.restrict)
    prefix = Varchar(length=20, help_text="Seria tipărită, ex. CTF sau CJ-2026")
    first_number = Integer(default=1, help_text="Primul număr din plaja alocată")
    last_number = Integer(null=True, default=None, help_text="Ultimul număr alocat; gol = fără")
    next_number = Integer(default=1)
    active = Boolean(default=True)

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s", columns=[cls.prefix])


class Invoice(Table, tablename="factura"):
    company = ForeignKey(Company, null=False, on_delete=OnDelete.restrict)
    type_code = Varchar(length=3, choices=InvoiceTypeCode, default=InvoiceTypeCode.commercial)
    status = Varchar(length=10, choices=DocStatus, default=DocStatus.draft)
    series = ForeignKey(DocumentSeries, null=True, on_delete=OnDelete.restrict)
    number = Integer(null=True, default=None)
    full_number = Varchar(length=40, default="", help_text="Seria și numărul, ex. CTF-00012")
    partner = ForeignKey(Partner, null=False, on_delete=OnDelete.restrict)
    vat_regime = Varchar(length=16, choices=VatRegime, default=VatRegime.normal)
    currency = Varchar(length=3, default="RON")
    fx_rate = FxRate(null=True, default=None, help_text="Lei pentru o unitate de monedă")
    fx_date = Date(null=True, default=None, help_text="Data publicării cursului BNR folosit")
    fx_note = Varchar(length=200, default="", help_text="Motivul, dacă s-a ales alt curs")
    issue_date = Date(null=True, default=None)
    delivery_date = Date(null=True, default=None, help_text="Data livrării / prestării")
    due_date = Date(null=True, default=None)
    payment_terms = Varchar(length=200, default="")
    # A lazy reference: payment terms are declared in tables/payments, which needs invoices.
    payment_term = ForeignKey(
        LazyTableReference("PaymentTerm", module_path="tables.payments"),
        null=True,
        default=None,
        on_delete=OnDelete.restrict,
        help_text="Termenul de plată din care se calculează scadențele",
    )
    due_schedule = JSON(
        default="[]", help_text="Scadențele fixate la emitere: data și suma, în moneda facturii"
    )
    notes = Text(default="")
    discount_percent = Numeric(digits=(5, 2), default=ZERO, help_text="Discount pe document, %")
    corrects = ForeignKey("self", null=True, on_delete=OnDelete.restrict)
    stock_leaves = Boolean(default=True, help_text="Marfa iese din gestiune cu factura")
    # Dimensions of every report and journal line.
    work_point = ForeignKey(WorkPoint, null=True, on_delete=OnDelete.restrict)
    cost_centre = ForeignKey(CostCentre, null=True, on_delete=OnDelete.restrict)
    department = ForeignKey(Department, null=True, on_delete=OnDelete.restrict)
    team = ForeignKey(Team, null=True, on_delete=OnDelete.restrict)
    person = ForeignKey(Person, null=True, on_delete=OnDelete.restrict)
    # Frozen at issue: what the document says, whatever changes later.
    supplier_snapshot = JSON(default="{}")
    customer_snapshot = JSON(default="{}")
    mentions = JSON(default="[]", help_text="Mențiunile legale tipărite")
    line_net_total = Money(default=ZERO)
    allowance_total = Money(default=ZERO)
    charge_total = Money(default=ZERO)
    tax_exclusive = Money(default=ZERO)
    vat_total = Money(default=ZERO)
    vat_total_ron = Money(default=ZERO)
    tax_inclusive = Money(default=ZERO)
    prepaid = Money(default=ZERO)
    payable = Money(default=ZERO)
    issued_at = Timestamptz(null=True, default=None)
    issued_by = Varchar(length=150, default="")
    cancelled_at = Timestamptz(null=True, default=None)
    cancel_reason = Varchar(length=200, default="")
    # A copy of the e-Factura submission's state, written with every move of it
    # (domain/efactura/send_machine.py): the admin lists and filters one table only.
    efactura_state = Varchar(
        length=12, choices=InvoiceEfacturaState, default=InvoiceEfacturaState.not_sent
    )
    created_at = CreatedAt()

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s", columns=[cls.full_number])


class InvoiceLine(Table, tablename="linie_factura"):
    invoice = ForeignKey(Invoice, null=False, on_delete=OnDelete.cascade)
    position = Integer()
    article = ForeignKey(Article, null=True, on_delete=OnDelete.restrict)
    description = Varchar(length=300)
    quantity = Quantity()
    uom_code = Varchar(length=3, default="H87")
    unit_price = UnitPrice()
    discount = Money(default=ZERO, help_text="Discount pe linie, valoare")
    vat_category = ForeignKey(VatCategory, null=False, on_delete=OnDelete.restrict)
    price_list = ForeignKey(
        PriceList, null=True, default=None, on_delete=OnDelete.restrict, help_text=PRICED_FROM
    )
    vat_code = Varchar(length=2, default="", help_text="Fixat la emitere")
    vat_rate = Numeric(digits=(5, 2), null=True, default=None, help_text="Fixată la emitere")
    net = Money(default=ZERO)
    source_line = ForeignKey(
        "self", null=True, on_delete=OnDelete.restrict, help_text="Linia stornată / dedusă"
    )
    value_only = Boolean(
        default=False, help_text="Rabat ulterior: corectează valoarea liniei, nu cantitatea"
    )
    # The offer/proforma/order/aviz line this invoice line invoices ("left to invoice");
    # a lazy reference because documents are declared below.
    source_document_line = ForeignKey(
        LazyTableReference("DocumentLine", module_path="tables.sales"),
        null=True,
        on_delete=OnDelete.restrict,
    )


class InvoiceVat(Table, tablename="tva_factura"):
    """The VAT breakdown of an issued invoice, one row per (category, rate)."""

    invoice = ForeignKey(Invoice, null=False, on_delete=OnDelete.cascade)
    vat_code = Varchar(length=2)
    vat_rate = Numeric(digits=(5, 2))
    base = Money()
    vat = Money()
    base_ron = Money()
    vat_ron = Money()


unique_together(DocumentSeries, "company", "doc_type", "prefix")
unique_together(Invoice, "series", "number")
unique_together(InvoiceLine, "invoice", "position")
index_together(Invoice, "company", "issue_date")  # a month's invoices: the sales journal
index_together(InvoiceVat, "invoice")  # an invoice's VAT breakdown


class Document(Table, tablename="document_vanzare"):
    """Offers, proformas, customer orders, delivery notes (avize) and warranty certificates.

    They share one lifecycle (draft -> issued -> cancelled) and the same columns, so they
    share a table; `doc_type` tells them apart and picks the numbering series.
    """

    company = ForeignKey(Company, null=False, on_delete=OnDelete.restrict)
    doc_type = Varchar(length=20, choices=DocType)
    status = Varchar(length=10, choices=DocStatus, default=DocStatus.draft)
    series = ForeignKey(DocumentSeries, null=True, on_delete=OnDelete.restrict)
    number = Integer(null=True, default=None)
    full_number = Varchar(length=40, default="")
    partner = ForeignKey(Partner, null=False, on_delete=OnDelete.restrict)
    currency = Varchar(length=3, default="RON")
    issue_date = Date(null=True, default=None)
    delivery_date = Date(null=True, default=None)
    valid_until = Date(null=True, default=None, help_text="Oferte, proforme: valabilă până la")
    notes = Text(default="", help_text="Ofertă: textele explicative pentru client")
    delegate = Varchar(length=200, default="", help_text="Aviz: delegat, act de identitate")
    vehicle = Varchar(length=40, default="", help_text="Aviz: mijloc de transport")
    work_point = ForeignKey(WorkPoint, null=True, on_delete=OnDelete.restrict)
    person = ForeignKey(Person, null=True, on_delete=OnDelete.restrict)
    customer_snapshot = JSON(default="{}")
    tax_exclusive = Money(default=ZERO)
    vat_total = Money(default=ZERO)
    tax_inclusive = Money(default=ZERO)
    issued_at = Timestamptz(null=True, default=None)
    issued_by = Varchar(length=150, default="")
    cancelled_at = Timestamptz(null=True, default=None)
    cancel_reason = Varchar(length=200, default="")
    created_at = CreatedAt()

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s", columns=[cls.full_number])


class DocumentLine(Table, tablename="linie_document"):
    document = ForeignKey(Document, null=False, on_delete=OnDelete.cascade)
    position = Integer()
    article = ForeignKey(Article, null=True, on_delete=OnDelete.restrict)
    description = Varchar(length=300)
    quantity = Quantity()
    uom_code = Varchar(length=3, default="H87")
    unit_price = UnitPrice()
    discount = Money(default=ZERO)
    vat_category = ForeignKey(VatCategory, null=False, on_delete=OnDelete.restrict)
    price_list = ForeignKey(
        PriceList, null=True, default=None, on_delete=OnDelete.restrict, help_text=PRICED_FROM
    )
    vat_rate = Numeric(digits=(5, 2), null=True, default=None)
    net = Money(default=ZERO)
    serial_numbers = Text(default="", help_text="Certificat de garanție: seriile produselor")
    warranty_months = Integer(default=0)
    source_line = ForeignKey(
        "self", null=True, on_delete=OnDelete.restrict, help_text="Linia din care provine"
    )
    source_invoice_line = ForeignKey(
        InvoiceLine, null=True, on_delete=OnDelete.restrict, help_text="Garanție: linia facturii"
    )


unique_together(Document, "series", "number")
unique_together(DocumentLine, "document", "position")
