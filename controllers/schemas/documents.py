"""API shapes of offers, proformas, orders, delivery notes and warranty certificates."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import msgspec

from controllers.schemas import Int32, Str20, Str40, Str200, Text
from controllers.schemas.invoices import LineIn
from tables.choices import DocType


class DocumentHeader(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    currency: Str20 | msgspec.UnsetType = msgspec.UNSET
    issue_date: date | msgspec.UnsetType | None = msgspec.UNSET
    delivery_date: date | msgspec.UnsetType | None = msgspec.UNSET
    valid_until: date | msgspec.UnsetType | None = msgspec.UNSET
    notes: Text | msgspec.UnsetType = msgspec.UNSET
    delegate: Str200 | msgspec.UnsetType = msgspec.UNSET
    vehicle: Str40 | msgspec.UnsetType = msgspec.UNSET
    work_point: Int32 | msgspec.UnsetType | None = msgspec.UNSET
    person: Int32 | msgspec.UnsetType | None = msgspec.UNSET
    series: Int32 | msgspec.UnsetType | None = msgspec.UNSET


class DocumentLineIn(LineIn, forbid_unknown_fields=True):
    """A line of an offer, order, aviz or warranty certificate."""

    serial_numbers: Str200 = ""
    warranty_months: Int32 = 0
    source_invoice_line: Int32 | None = None


class DocumentCreate(msgspec.Struct, forbid_unknown_fields=True):
    doc_type: DocType
    partner: Int32
    lines: list[DocumentLineIn]
    header: DocumentHeader = msgspec.field(default_factory=DocumentHeader)
    company: Int32 | None = None


class DocumentUpdate(msgspec.Struct, forbid_unknown_fields=True):
    header: DocumentHeader | None = None
    lines: list[DocumentLineIn] | None = None


class ConvertIn(msgspec.Struct, forbid_unknown_fields=True):
    target: DocType
    take: dict[str, Decimal] | None = None  # {line id: quantity}; none = all that is left


class FromDocumentsIn(msgspec.Struct, forbid_unknown_fields=True):
    documents: list[Int32]
    take: dict[str, Decimal] | None = None


class WarrantyIn(msgspec.Struct, forbid_unknown_fields=True):
    serials: dict[str, Str200] | None = None  # {invoice line id: "SN1, SN2"}


class DocumentLineOut(msgspec.Struct):
    id: int
    position: int
    article: int | None
    description: str
    quantity: Decimal
    uom_code: str
    unit_price: Decimal
    discount: Decimal
    vat_rate: Decimal | None
    net: Decimal
    serial_numbers: str
    warranty_months: int
    source_line: int | None
    price_list: int | None
    left_to_deliver: Decimal
    left_to_invoice: Decimal


class DocumentOut(msgspec.Struct):
    id: int
    doc_type: str
    status: str
    full_number: str
    partner: int
    currency: str
    issue_date: date | None
    delivery_date: date | None
    valid_until: date | None
    notes: str
    delegate: str
    vehicle: str
    tax_exclusive: Decimal
    vat_total: Decimal
    tax_inclusive: Decimal
    issued_at: datetime | None
    lines: list[DocumentLineOut]


class SeriesRangeOut(msgspec.Struct):
    series: int
    prefix: str
    doc_type: str
    work_point: int | None
    active: bool
    allocated_from: int
    allocated_to: int | None
    used_from: int | None
    used_to: int | None
    issued: int
    cancelled: list[int]
