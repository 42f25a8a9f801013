"""API shapes of receipts, their allocations and a partner's open items."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

import msgspec

from controllers.schemas import NO_NUL, Int32, Str10, Str200
from tables.choices import ReceiptKind

Str120 = Annotated[str, msgspec.Meta(max_length=120, pattern=NO_NUL)]
Str300 = Annotated[str, msgspec.Meta(max_length=300, pattern=NO_NUL)]


class AllocationIn(msgspec.Struct, forbid_unknown_fields=True):
    invoice: Int32
    amount: Decimal | None = None  # in the invoice's currency; none = as much as the receipt pays


class ReceiptIn(msgspec.Struct, forbid_unknown_fields=True):
    kind: ReceiptKind
    partner: Int32
    day: date
    amount: Decimal
    currency: Str10 = "RON"
    company: Int32 | None = None
    cash_desk: Int32 | None = None
    bank_account: Int32 | None = None
    bank_reference: Str120 = ""
    payer_name: Str200 = ""
    description: Str300 = ""
    # Left out (null): oldest due first; []: nothing allocated, all an advance.
    allocations: list[AllocationIn] | None = None
    cash_limit_reason: Str300 = ""
    work_point: Int32 | None = None
    cost_centre: Int32 | None = None
    department: Int32 | None = None
    team: Int32 | None = None
    person: Int32 | None = None


class AllocationAddIn(msgspec.Struct, forbid_unknown_fields=True):
    invoice: Int32
    amount: Decimal | None = None
    day: date | None = None  # today when left out


class ReasonIn(msgspec.Struct, forbid_unknown_fields=True):
    reason: Str200
    day: date | None = None  # today when left out


class AllocationOut(msgspec.Struct):
    id: int
    invoice: int
    invoice_number: str
    currency: str
    day: date
    amount: Decimal
    amount_ron: Decimal
    paid_ron: Decimal
    reverses: int | None
    entry: int | None


class ReceiptOut(msgspec.Struct):
    id: int
    company: int
    kind: str
    status: str
    full_number: str
    partner: int
    day: date
    currency: str
    amount: Decimal
    fx_rate: Decimal | None
    fx_date: date | None
    amount_ron: Decimal
    cash_desk: int | None
    bank_account: int | None
    bank_reference: str
    payer_name: str
    description: str
    cash_limit_reason: str
    cancel_reason: str
    allocations: list[AllocationOut]
    left: Decimal  # not allocated: the partner's advance, in the receipt's currency
    left_ron: Decimal


class ReceiptSummary(msgspec.Struct):
    id: int
    company: int
    kind: str
    status: str
    full_number: str
    partner: int
    day: date
    currency: str
    amount: Decimal
    amount_ron: Decimal
    description: str


class ReceiptPage(msgspec.Struct):
    items: list[ReceiptSummary]
    next: str | None


class InstalmentOut(msgspec.Struct):
    due: date
    amount: Decimal


class OpenInvoiceOut(msgspec.Struct):
    invoice_id: int
    full_number: str
    type_code: str
    issue_date: date
    due_date: date
    currency: str
    fx_rate: Decimal
    vat_regime: str
    payable: Decimal
    credited: Decimal
    paid: Decimal
    open: Decimal
    open_ron: Decimal
    schedule: list[InstalmentOut]


class AdvanceOut(msgspec.Struct):
    receipt_id: int
    full_number: str
    kind: str
    day: date
    currency: str
    amount: Decimal
    left: Decimal
    left_ron: Decimal


class OpenItemsOut(msgspec.Struct):
    invoices: list[OpenInvoiceOut]
    advances: list[AdvanceOut]
