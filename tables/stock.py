"""Stock: warehouses (gestiuni), the company's stock settings, stock moves (the only
truth about quantities and values), receptions of goods (NIR) and the internal stock
documents (transfers, inventory adjustments). Rules and operations: domain/inventory."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from piccolo.columns import (
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
from piccolo.table import Table

from tables._columns import CreatedAt, FxRate, Money, Quantity, UnitPrice
from tables._constraints import index_together, unique_together
from tables.catalog import Article
from tables.choices import DocStatus
from tables.org import Company, WorkPoint
from tables.partners import Partner

ZERO = Decimal("0.00")


class Valuation(StrEnum):
    """How stock leaves: at the weighted average cost, or first in first out."""

    cmp = "cmp"  # cost mediu ponderat
    fifo = "fifo"


class MoveKind(StrEnum):
    reception = "reception"  # NIR
    sale = "sale"  # out with an invoice
    delivery_note = "delivery_note"  # out with an aviz
    transfer = "transfer"  # out of one warehouse, into another
    adjustment = "adjustment"  # inventory surplus (+) or shortage (-)
    return_ = "return"  # back in, at the cost it left with


class StockDocKind(StrEnum):
    transfer = "transfer"
    adjustment = "adjustment"


class Warehouse(Table, tablename="gestiune"):
    """A place stock is kept and valued. One active default per work point (the stock
    of its invoices and avize) and at most one for the company (work points without)."""

    company = ForeignKey(Company, null=False, on_delete=OnDelete.restrict)
    work_point = ForeignKey(WorkPoint, null=True, default=None, on_delete=OnDelete.restrict)
    code = Varchar(length=20)
    name = Varchar(length=200)
    is_default = Boolean(default=False, help_text="Gestiunea implicită a punctului de lucru")
    active = Boolean(default=True)

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s", columns=[cls.name])


class StockSettings(Table, tablename="setari_stoc"):
    """Per company: the valuation method and whether stock may go below zero."""

    company = ForeignKey(Company, null=False, unique=True, on_delete=OnDelete.restrict)
    valuation = Varchar(length=4, choices=Valuation, default=Valuation.cmp)
    allow_negative = Boolean(default=False, help_text="Permite vânzarea peste stoc")
    next_reception_number = Integer(default=1, help_text="Următorul număr de NIR")


class StockReception(Table, tablename="nir"):
    """Notă de intrare-recepție: goods received from a supplier's document."""

    company = ForeignKey(Company, null=False, on_delete=OnDelete.restrict)
    warehouse = ForeignKey(Warehouse, null=False, on_delete=OnDelete.restrict)
    partner = ForeignKey(Partner, null=False, on_delete=OnDelete.restrict)
    status = Varchar(length=10, choices=DocStatus, default=DocStatus.draft)
    number = Integer(null=True, default=None)
    day = Date(help_text="Data recepției")
    supplier_doc_number = Varchar(length=40, help_text="Factura / avizul furnizorului")
    supplier_doc_date = Date()
    currency = Varchar(length=3, default="RON")
    fx_rate = FxRate(null=True, default=None, help_text="Lei pentru o unitate; gol = curs BNR")
    notes = Text(default="")
    net_total_ron = Money(default=ZERO)
    vat_total_ron = Money(default=ZERO)
    total_ron = Money(default=ZERO)
    total = Money(default=ZERO, help_text="Totalul documentului, în moneda lui")
    issued_at = Timestamptz(null=True, default=None)
    issued_by = Varchar(length=150, default="")
    created_at = CreatedAt()

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="NIR %s", columns=[cls.number])


class StockReceptionLine(Table, tablename="linie_nir"):
    reception = ForeignKey(StockReception, null=False, on_delete=OnDelete.cascade)
    position = Integer()
    article = ForeignKey(Article, null=False, on_delete=OnDelete.restrict)
    quantity = Quantity()
    unit_price = UnitPrice(help_text="Prețul furnizorului, fără TVA, în moneda documentului")
    vat_rate = Numeric(digits=(5, 2), null=True, default=None, help_text="Gol = cota articolului")
    # Fixed at issue.
    net = Money(default=ZERO, help_text="În moneda documentului")
    vat = Money(default=ZERO, help_text="În moneda documentului")
    value_ron = Money(default=ZERO, help_text="Valoarea intrată în stoc, lei")
    vat_ron = Money(default=ZERO)
    unit_cost = UnitPrice(default=ZERO, help_text="Costul unitar în stoc, lei")


class StockDocument(Table, tablename="document_stoc"):
    """A transfer between warehouses or an inventory adjustment: the source of its moves."""

    company = ForeignKey(Company, null=False, on_delete=OnDelete.restrict)
    kind = Varchar(length=12, choices=StockDocKind)
    day = Date()
    warehouse = ForeignKey(Warehouse, null=False, on_delete=OnDelete.restrict)
    to_warehouse = ForeignKey(
        Warehouse, null=True, default=None, on_delete=OnDelete.restrict, help_text="Transfer: spre"
    )
    reason = Varchar(length=300, default="")
    created_by = Varchar(length=150, default="")
    created_at = CreatedAt()


class StockMove(Table, tablename="miscare_stoc"):
    """One quantity in (+) or out (-) of a warehouse, with its value in RON (same sign).

    The balance after the move (per warehouse and article, in insertion order) is kept
    on the row, so the current stock is one index look-up; `in_total` (all quantities
    ever received) places FIFO layers: an inbound move covers the units
    [in_total - quantity, in_total), and those below in_total - balance_qty are consumed.
    """

    company = ForeignKey(Company, null=False, on_delete=OnDelete.restrict)
    warehouse = ForeignKey(Warehouse, null=False, on_delete=OnDelete.restrict)
    article = ForeignKey(Article, null=False, on_delete=OnDelete.restrict)
    day = Date()
    kind = Varchar(length=16, choices=MoveKind)
    quantity = Quantity()
    unit_cost = UnitPrice(default=ZERO, help_text="Lei pe unitate")
    value = Money(default=ZERO, help_text="Lei; negativ la ieșiri")
    balance_qty = Quantity(default=ZERO, help_text="Stocul după mișcare")
    balance_value = Money(default=ZERO, help_text="Valoarea stocului după mișcare")
    in_total = Quantity(default=ZERO, help_text="Cantitatea intrată vreodată (FIFO)")
    source_type = Varchar(length=20, help_text="invoice, document, reception, stock_document")
    source_id = Integer(null=True, default=None)
    source_line = Integer(null=True, default=None)
    origin = ForeignKey(
        "self", null=True, default=None, on_delete=OnDelete.restrict,
        help_text="Ieșirea pe care o returnează / din care vine transferul",
    )  # fmt: skip
    created_at = CreatedAt()


unique_together(Warehouse, "company", "code")
unique_together(StockReception, "company", "number")
unique_together(StockReceptionLine, "reception", "position")
unique_together(StockMove, "source_type", "source_line", "warehouse", "kind")
index_together(StockMove, "warehouse", "article", "id")
index_together(StockMove, "warehouse", "article", "in_total")
index_together(StockMove, "warehouse", "day")
index_together(StockMove, "source_type", "source_id")
index_together(StockMove, "origin")
