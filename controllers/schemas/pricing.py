"""API shapes of price lists, their prices, access rows and assignments, and of the
"what price applies?" question (msgspec; unknown fields are refused)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

import msgspec

from controllers.schemas import Int32, Str20, Str40, Str100, Text
from tables.choices import PriceAccess, PriceTarget, Role

CURRENCY = r"^[A-Za-z]{3}$"
Currency = Annotated[str, msgspec.Meta(pattern=CURRENCY, description="Cod ISO 4217, ex. RON")]
Rounding = Annotated[
    str,
    msgspec.Meta(
        max_length=8,
        pattern=r"^[0-9x.]*$",
        description="Rotunjirea prețurilor derivate: gol (la ban), 0.05, 1, x.99 ...",
    ),
]
MAX_RESOLVE_LINES = 2000
"""Lines per "what price applies?" call: a large document, far below what one call costs."""


# ------------------------------------------------------------------------------ lists


class PriceListIn(msgspec.Struct, forbid_unknown_fields=True):
    code: Str20
    name: Str100
    currency: Currency = "RON"
    prices_include_vat: bool = False
    valid_from: date | None = None
    valid_to: date | None = None
    base_list: Int32 | None = None
    base_percent: Decimal | None = None
    rounding: Rounding = ""
    active: bool = True
    notes: Text = ""


class PriceListPatch(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """Only the fields sent are changed."""

    code: Str20 | msgspec.UnsetType = msgspec.UNSET
    name: Str100 | msgspec.UnsetType = msgspec.UNSET
    currency: Currency | msgspec.UnsetType = msgspec.UNSET
    prices_include_vat: bool | msgspec.UnsetType = msgspec.UNSET
    valid_from: date | msgspec.UnsetType | None = msgspec.UNSET
    valid_to: date | msgspec.UnsetType | None = msgspec.UNSET
    base_list: Int32 | msgspec.UnsetType | None = msgspec.UNSET
    base_percent: Decimal | msgspec.UnsetType | None = msgspec.UNSET
    rounding: Rounding | msgspec.UnsetType = msgspec.UNSET
    active: bool | msgspec.UnsetType = msgspec.UNSET
    notes: Text | msgspec.UnsetType = msgspec.UNSET


class PriceListOut(msgspec.Struct):
    id: int
    code: str
    name: str
    currency: str
    prices_include_vat: bool
    valid_from: date | None
    valid_to: date | None
    base_list: int | None
    base_percent: Decimal | None
    rounding: str
    active: bool
    notes: str
    created_at: datetime
    access: PriceAccess  # what the caller may do with it: see < use < edit


class PriceListPage(msgspec.Struct):
    items: list[PriceListOut]
    next: str | None


class AccessRowIn(msgspec.Struct, forbid_unknown_fields=True):
    """Exactly one of user, role, team."""

    user: Int32 | None = None
    role: Role | None = None
    team: Int32 | None = None
    level: PriceAccess = PriceAccess.use


class AccessIn(msgspec.Struct, forbid_unknown_fields=True):
    """Every row the list keeps (none: open to everyone who may read prices)."""

    rows: Annotated[list[AccessRowIn], msgspec.Meta(max_length=500)]


class AccessRowOut(msgspec.Struct):
    id: int
    user: int | None
    role: str | None
    team: int | None
    level: str


class AssignmentIn(msgspec.Struct, forbid_unknown_fields=True):
    """`target` names the one column to fill (none for `company`)."""

    target: PriceTarget
    partner: Int32 | None = None
    partner_group: Int32 | None = None
    pos: Int32 | None = None
    work_point: Int32 | None = None
    team: Int32 | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    priority: Int32 = 0


class AssignmentOut(msgspec.Struct):
    id: int
    price_list: int
    target: str
    partner: int | None
    partner_group: int | None
    pos: int | None
    work_point: int | None
    team: int | None
    valid_from: date | None
    valid_to: date | None
    priority: int


class PriceListDetail(PriceListOut):
    access_rows: list[AccessRowOut]
    assignments: list[AssignmentOut]


# ------------------------------------------------------------------------------ prices


class PriceItemIn(msgspec.Struct, forbid_unknown_fields=True):
    """A new dated price; the article by id or by code. The start defaults to today."""

    price: Decimal
    article: Int32 | None = None
    article_code: Str40 | None = None
    min_quantity: Decimal = Decimal(0)
    valid_from: date | None = None
    valid_to: date | None = None


class PriceItemOut(msgspec.Struct):
    id: int  # the item priced; for a derived price, the base list's item
    price_list: int  # the list holding that item
    article: int
    article_code: str
    article_name: str
    price: Decimal  # in the list's currency, with or without VAT as the list says
    min_quantity: Decimal
    valid_from: date
    valid_to: date | None
    net: Decimal | None  # None: the article has no VAT rate that day
    gross: Decimal | None
    vat_rate: Decimal | None
    derived: bool


class PriceItemPage(msgspec.Struct):
    items: list[PriceItemOut]
    next: str | None


class PricesAddedOut(msgspec.Struct):
    added: int
    unchanged: int  # already in the list, identical: not added twice


class PriceEndIn(msgspec.Struct, forbid_unknown_fields=True):
    last_day: date


# ------------------------------------------------------------------------------ resolve


class ResolveLineIn(msgspec.Struct, forbid_unknown_fields=True):
    article: Int32 | None = None
    article_code: Str40 | None = None
    quantity: Decimal = Decimal(1)
    price_list: Int32 | None = None  # chosen on the line: only this list is asked


class ResolveIn(msgspec.Struct, forbid_unknown_fields=True):
    lines: Annotated[list[ResolveLineIn], msgspec.Meta(min_length=1, max_length=MAX_RESOLVE_LINES)]
    partner: Int32 | None = None
    work_point: Int32 | None = None
    pos: Int32 | None = None
    date: date | None = None  # the document's day; today by default
    currency: Currency = "RON"  # the document's currency


class ResolvedLineOut(msgspec.Struct):
    article: int
    quantity: Decimal
    found: bool
    net: Decimal | None
    gross: Decimal | None
    vat_rate: Decimal | None
    currency: str
    price_list: int | None
    price_list_name: str
    level: PriceTarget | None  # None: the list chosen on the line
    item: int | None
    min_quantity: Decimal | None
    valid_from: date | None
    fx_rate: Decimal | None
    why: list[str]


class ResolveOut(msgspec.Struct):
    date: date
    currency: str
    lines: list[ResolvedLineOut]
