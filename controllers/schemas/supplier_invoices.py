"""API shapes of what arrives from SPV: supplier invoices (drafts from received UBL) with
their lines and VAT breakdown, and the SPV inbox messages (msgspec)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import msgspec


class SupplierInvoiceLineOut(msgspec.Struct):
    id: int
    position: int
    article: int | None
    article_code: str | None
    seller_item_id: str
    description: str
    quantity: Decimal
    uom_code: str
    unit_price: Decimal
    net: Decimal
    vat_code: str
    vat_rate: Decimal


class SupplierVatOut(msgspec.Struct):
    vat_code: str
    rate: Decimal
    taxable: Decimal
    amount: Decimal
    exemption_reason: str
    exemption_code: str


class SupplierInvoiceOut(msgspec.Struct):
    """Amounts as the supplier's XML states them (BT-106..BT-115) in its currency; a credit
    note (type 381) in red. `tax_currency_vat` is the VAT in lei (BT-111); `rounding`
    (BT-114) makes tax_inclusive - prepaid + rounding = payable."""

    id: int
    company: int
    partner: int
    partner_name: str
    spv_message: int | None
    status: str
    type_code: str
    number: str
    issue_date: date
    due_date: date | None
    currency: str
    line_net_total: Decimal
    allowance_total: Decimal
    charge_total: Decimal
    tax_exclusive: Decimal
    vat_total: Decimal
    tax_currency_vat: Decimal
    tax_inclusive: Decimal
    prepaid: Decimal
    rounding: Decimal
    payable: Decimal
    has_pdf: bool
    notes: str
    created_at: datetime
    lines: list[SupplierInvoiceLineOut] = []
    vat: list[SupplierVatOut] = []


class SupplierInvoicePage(msgspec.Struct):
    items: list[SupplierInvoiceOut]
    next: int | None = None


class SpvMessageOut(msgspec.Struct):
    id: int
    company: int
    message_id: str
    kind: str
    cif: str
    request_id: str
    details: str
    created: datetime | None
    downloaded_at: datetime | None
    processed_at: datetime | None
    error: str
    has_zip: bool
    supplier_invoice: int | None


class SpvMessagePage(msgspec.Struct):
    items: list[SpvMessageOut]
    next: int | None = None
