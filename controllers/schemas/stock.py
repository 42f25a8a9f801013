"""API shapes of stock: warehouses, settings, receptions (NIR), transfers, adjustments,
the stock card and the valuation (msgspec; unknown fields are refused)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

import msgspec

from controllers.schemas import Int32, Str20, Str40, Str200, Text

MAX_LINES = 1000
Currency = Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z]{3}$", description="Cod ISO 4217")]


class WarehouseIn(msgspec.Struct, forbid_unknown_fields=True):
    code: Str20
    name: Str200
    work_point: Int32 | None = None
    is_default: bool = False
    active: bool = True
    company: Int32 | None = None


class WarehousePatch(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    code: Str20 | msgspec.UnsetType = msgspec.UNSET
    name: Str200 | msgspec.UnsetType = msgspec.UNSET
    work_point: Int32 | msgspec.UnsetType | None = msgspec.UNSET
    is_default: bool | msgspec.UnsetType = msgspec.UNSET
    active: bool | msgspec.UnsetType = msgspec.UNSET


class WarehouseOut(msgspec.Struct):
    id: int
    company: int
    work_point: int | None
    code: str
    name: str
    is_default: bool
    active: bool


class SettingsIn(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    valuation: Literal["cmp", "fifo"] | msgspec.UnsetType = msgspec.UNSET
    allow_negative: bool | msgspec.UnsetType = msgspec.UNSET
    company: Int32 | None = None


class SettingsOut(msgspec.Struct):
    company: int
    valuation: str
    allow_negative: bool


class ReceptionLineIn(msgspec.Struct, forbid_unknown_fields=True):
    article: Int32
    quantity: Decimal
    unit_price: Decimal
    vat_rate: Decimal | None = None


class ReceptionIn(msgspec.Struct, forbid_unknown_fields=True):
    warehouse: Int32
    partner: Int32
    supplier_doc_number: Str40
    supplier_doc_date: date
    lines: Annotated[list[ReceptionLineIn], msgspec.Meta(min_length=1, max_length=MAX_LINES)]
    day: date | None = None
    currency: Currency = "RON"
    fx_rate: Decimal | None = None
    notes: Text = ""
    company: Int32 | None = None


class ReceptionLineOut(msgspec.Struct):
    id: int
    position: int
    article: int
    quantity: Decimal
    unit_price: Decimal
    vat_rate: Decimal | None
    net: Decimal
    vat: Decimal
    value_ron: Decimal
    vat_ron: Decimal
    unit_cost: Decimal


class ReceptionOut(msgspec.Struct):
    id: int
    company: int
    warehouse: int
    partner: int
    status: str
    number: int | None
    day: date
    supplier_doc_number: str
    supplier_doc_date: date
    currency: str
    fx_rate: Decimal | None
    notes: str
    net_total_ron: Decimal
    vat_total_ron: Decimal
    total_ron: Decimal
    total: Decimal
    issued_at: datetime | None
    issued_by: str
    created_at: datetime
    lines: list[ReceptionLineOut] = []


class ReceptionPage(msgspec.Struct):
    items: list[ReceptionOut]
    next: int | None = None


class TransferLineIn(msgspec.Struct, forbid_unknown_fields=True):
    article: Int32
    quantity: Decimal


class TransferIn(msgspec.Struct, forbid_unknown_fields=True):
    from_warehouse: Int32
    to_warehouse: Int32
    lines: Annotated[list[TransferLineIn], msgspec.Meta(min_length=1, max_length=MAX_LINES)]
    day: date | None = None
    reason: Str200 = ""
    company: Int32 | None = None


class AdjustmentLineIn(msgspec.Struct, forbid_unknown_fields=True):
    """Either `quantity` (+ surplus, - shortage) or `counted` (the quantity found)."""

    article: Int32
    quantity: Decimal | None = None
    counted: Decimal | None = None
    unit_cost: Decimal | None = None


class AdjustmentIn(msgspec.Struct, forbid_unknown_fields=True):
    warehouse: Int32
    lines: Annotated[list[AdjustmentLineIn], msgspec.Meta(min_length=1, max_length=MAX_LINES)]
    day: date | None = None
    reason: Str200 = ""
    company: Int32 | None = None


class MoveOut(msgspec.Struct):
    id: int
    warehouse: int
    article: int
    day: date
    kind: str
    quantity: Decimal
    unit_cost: Decimal
    value: Decimal
    balance_qty: Decimal
    balance_value: Decimal
    source_type: str
    source_id: int | None
    source_line: int | None
    origin: int | None


class StockDocumentOut(msgspec.Struct):
    id: int
    moves: list[MoveOut]


class CardLine(msgspec.Struct):
    id: int
    day: date
    kind: str
    kind_ro: str
    reference: str
    source_type: str
    source_id: int | None
    quantity_in: Decimal
    quantity_out: Decimal
    unit_cost: Decimal
    value: Decimal
    balance_qty: Decimal
    balance_value: Decimal


class Balance(msgspec.Struct):
    quantity: Decimal
    value: Decimal


class Named(msgspec.Struct):
    id: int
    code: str
    name: str
    uom: str = ""


class StockCardOut(msgspec.Struct):
    warehouse: Named
    article: Named
    date_from: date
    date_to: date
    opening: Balance
    moves: list[CardLine]
    closing: Balance


class ValuationItem(msgspec.Struct):
    article: int
    code: str
    name: str
    uom: str
    quantity: Decimal
    value: Decimal
    unit_cost: Decimal


class ValuationWarehouse(msgspec.Struct):
    id: int
    code: str
    name: str
    items: list[ValuationItem]
    value: Decimal


class ValuationOut(msgspec.Struct):
    company: int
    on: date
    warehouses: list[ValuationWarehouse]
    value: Decimal
