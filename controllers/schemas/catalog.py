"""API shapes of articles, VAT rates and exchange rates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import msgspec

from controllers.schemas import Int32, Str20, Str40, Str200, Text


class ArticleIn(msgspec.Struct, forbid_unknown_fields=True):
    code: Str40
    name: Str200
    uom: Str20 = msgspec.field(default="H87")  # UN/ECE Rec. 20 code
    vat_category: Str20 = "S-STANDARD"
    kind: Str20 = "goods"
    barcode: Str20 | None = None
    warranty_months: Int32 = 0
    nc_code: Str20 = ""
    description: Text = ""
    active: bool = True


class ArticlePatch(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    code: Str40 | msgspec.UnsetType = msgspec.UNSET
    name: Str200 | msgspec.UnsetType = msgspec.UNSET
    uom: Str20 | msgspec.UnsetType = msgspec.UNSET
    vat_category: Str20 | msgspec.UnsetType = msgspec.UNSET
    kind: Str20 | msgspec.UnsetType = msgspec.UNSET
    barcode: Str20 | msgspec.UnsetType | None = msgspec.UNSET
    warranty_months: Int32 | msgspec.UnsetType = msgspec.UNSET
    nc_code: Str20 | msgspec.UnsetType = msgspec.UNSET
    description: Text | msgspec.UnsetType = msgspec.UNSET
    active: bool | msgspec.UnsetType = msgspec.UNSET


class ArticleOut(msgspec.Struct):
    id: int
    code: str
    name: str
    kind: str
    uom: str
    vat_category: str
    barcode: str | None
    warranty_months: int
    nc_code: str
    description: str
    active: bool


class ArticlePage(msgspec.Struct):
    items: list[ArticleOut]
    next: str | None


class VatRateOut(msgspec.Struct):
    category: str
    date: date
    rate: Decimal


class FxRateOut(msgspec.Struct):
    currency: str
    invoice_date: date
    published_date: date
    rate: Decimal
    multiplier: int
    per_unit: Decimal
