"""API shapes of utility meters and their readings (msgspec; unknown fields are refused)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

import msgspec

from controllers.schemas import Int32, Str40, Str200
from controllers.schemas.invoices import InvoiceHeader


class MeterIn(msgspec.Struct, forbid_unknown_fields=True):
    partner: Int32
    article: Int32
    serial: Str40
    location: Str200 = ""
    multiplier: Decimal = Decimal(1)
    active: bool = True
    company: Int32 | None = None


class MeterPatch(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    partner: Int32 | msgspec.UnsetType = msgspec.UNSET
    article: Int32 | msgspec.UnsetType = msgspec.UNSET
    serial: Str40 | msgspec.UnsetType = msgspec.UNSET
    location: Str200 | msgspec.UnsetType = msgspec.UNSET
    multiplier: Decimal | msgspec.UnsetType = msgspec.UNSET
    active: bool | msgspec.UnsetType = msgspec.UNSET


class MeterOut(msgspec.Struct):
    id: int
    company: int
    partner: int
    partner_name: str
    article: int
    article_name: str
    serial: str
    location: str
    multiplier: Decimal
    active: bool
    last_day: date | None
    last_index: Decimal | None


class ReadingIn(msgspec.Struct, forbid_unknown_fields=True):
    day: date
    index: Decimal
    # The meter was replaced or turned over: the index starts a new series, and
    # `previous_index` is the old meter's final index (its consumption until then).
    reset: bool = False
    previous_index: Decimal | None = None
    note: Str200 = ""


class ReadingOut(msgspec.Struct):
    id: int
    day: date
    index: Decimal
    reset: bool
    previous_index: Decimal | None
    note: str
    state: str  # open | draft | billed
    consumption: Decimal  # since the reading before, times the multiplier
    draft_invoice: int | None
    invoice: int | None
    invoice_line: int | None
    invoice_number: str
    created_by: str


class MeterDetail(MeterOut):
    readings: list[ReadingOut]


class UnitPriceIn(msgspec.Struct, forbid_unknown_fields=True):
    article: Int32
    unit_price: Decimal


class UtilitiesInvoiceIn(msgspec.Struct, forbid_unknown_fields=True):
    partner: Int32
    until: date
    # Typed prices (without VAT) per utility; the others come from the price lists.
    prices: Annotated[list[UnitPriceIn], msgspec.Meta(max_length=100)] = []
    header: InvoiceHeader = msgspec.field(default_factory=InvoiceHeader)
    company: Int32 | None = None
