"""API shapes of invoices."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

import msgspec

from controllers.schemas import Int32, Str10, Str20, Str200, Text
from tables.choices import VatRegime


class LineIn(msgspec.Struct, forbid_unknown_fields=True):
    quantity: Decimal
    # Left out (or null) on a line with an article: the price list's price (the list chosen
    # in `price_list`, else the one that applies to the partner, work point, user...).
    unit_price: Decimal | None = None
    article: Int32 | None = None
    price_list: Int32 | None = None
    description: Str200 = ""
    uom_code: Str10 = ""
    discount: Decimal = Decimal(0)
    vat_category: Str20 | None = None
    # Where the line comes from: the invoice line it corrects (storno, return, advance
    # deduction) or the order/aviz line it invoices; kept when a draft is saved again.
    source_line: Int32 | None = None
    source_document_line: Int32 | None = None


class InvoiceHeader(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    vat_regime: VatRegime | msgspec.UnsetType = msgspec.UNSET
    currency: Str10 | msgspec.UnsetType = msgspec.UNSET
    fx_rate: Decimal | msgspec.UnsetType | None = msgspec.UNSET
    fx_note: Str200 | msgspec.UnsetType = msgspec.UNSET
    issue_date: date | msgspec.UnsetType | None = msgspec.UNSET
    delivery_date: date | msgspec.UnsetType | None = msgspec.UNSET
    due_date: date | msgspec.UnsetType | None = msgspec.UNSET
    payment_terms: Str200 | msgspec.UnsetType = msgspec.UNSET
    # The payment term the due dates are computed from at issue (left out on a new draft:
    # the partner's default term).
    payment_term: Int32 | msgspec.UnsetType | None = msgspec.UNSET
    notes: Text | msgspec.UnsetType = msgspec.UNSET
    discount_percent: Decimal | msgspec.UnsetType = msgspec.UNSET
    stock_leaves: bool | msgspec.UnsetType = msgspec.UNSET
    work_point: Int32 | msgspec.UnsetType | None = msgspec.UNSET
    cost_centre: Int32 | msgspec.UnsetType | None = msgspec.UNSET
    department: Int32 | msgspec.UnsetType | None = msgspec.UNSET
    team: Int32 | msgspec.UnsetType | None = msgspec.UNSET
    person: Int32 | msgspec.UnsetType | None = msgspec.UNSET
    series: Int32 | msgspec.UnsetType | None = msgspec.UNSET


class InvoiceCreate(msgspec.Struct, forbid_unknown_fields=True):
    partner: Int32
    lines: list[LineIn]
    header: InvoiceHeader = msgspec.field(default_factory=InvoiceHeader)
    company: Int32 | None = None
    # 380 invoice, 386 advance invoice, 389 self-invoice; credit notes (381) come from
    # POST /api/invoices/{id}/storno.
    type_code: Literal["380", "386", "389"] = "380"


class InvoiceUpdate(msgspec.Struct, forbid_unknown_fields=True):
    header: InvoiceHeader | None = None
    lines: list[LineIn] | None = None
    partner: Int32 | None = None


class CancelIn(msgspec.Struct, forbid_unknown_fields=True):
    reason: Str200


class StornoIn(msgspec.Struct, forbid_unknown_fields=True):
    returns: dict[str, Decimal] | None = None  # {line id: quantity}; none = everything
    issue_date: date | None = None


class InvoiceLineOut(msgspec.Struct):
    id: int
    position: int
    article: int | None
    description: str
    quantity: Decimal
    uom_code: str
    unit_price: Decimal
    discount: Decimal
    vat_category: int
    vat_code: str
    vat_rate: Decimal | None
    net: Decimal
    source_line: int | None
    price_list: int | None = None  # the price list that priced the line (None: typed)


class VatGroupOut(msgspec.Struct):
    vat_code: str
    vat_rate: Decimal
    base: Decimal
    vat: Decimal
    base_ron: Decimal
    vat_ron: Decimal


class DueOut(msgspec.Struct):
    due: date
    amount: Decimal  # in the invoice's currency


class InvoiceOut(msgspec.Struct):
    id: int
    type_code: str
    status: str
    full_number: str
    partner: int
    vat_regime: str
    currency: str
    fx_rate: Decimal | None
    fx_date: date | None
    issue_date: date | None
    delivery_date: date | None
    due_date: date | None
    corrects: int | None
    mentions: list[str]
    line_net_total: Decimal
    allowance_total: Decimal
    tax_exclusive: Decimal
    vat_total: Decimal
    vat_total_ron: Decimal
    tax_inclusive: Decimal
    payable: Decimal
    issued_at: datetime | None
    cancel_reason: str
    lines: list[InvoiceLineOut]
    vat_breakdown: list[VatGroupOut]
    payment_term: int | None = None
    due_schedule: list[DueOut] = []  # frozen at issue: the instalments


class InvoiceSummary(msgspec.Struct):
    id: int
    type_code: str
    status: str
    full_number: str
    partner: int
    partner_name: str
    issue_date: date | None
    due_date: date | None
    currency: str
    tax_exclusive: Decimal
    vat_total: Decimal
    payable: Decimal


class InvoicePage(msgspec.Struct):
    items: list[InvoiceSummary]
    next: str | None


class LaterDiscountIn(msgspec.Struct, forbid_unknown_fields=True):
    invoices: list[Int32]
    percent: Decimal
    issue_date: date | None = None
