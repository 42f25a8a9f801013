"""API shapes of articles, VAT rates and exchange rates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import msgspec


class ArticleIn(msgspec.Struct, forbid_unknown_fields=True):
    code: str
    name: str
    uom: str = msgspec.field(default="H87")  # UN/ECE Rec. 20 code
    vat_category: str = "S-STANDARD"
    kind: str = "goods"
    barcode: str | None = None
    warranty_months: int = 0
    nc_code: str = ""
    description: str = ""
    active: bool = True


class ArticlePatch(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    code: str | msgspec.UnsetType = msgspec.UNSET
    name: str | msgspec.UnsetType = msgspec.UNSET
    uom: str | msgspec.UnsetType = msgspec.UNSET
    vat_category: str | msgspec.UnsetType = msgspec.UNSET
    kind: str | msgspec.UnsetType = msgspec.UNSET
    barcode: str | msgspec.UnsetType | None = msgspec.UNSET
    warranty_months: int | msgspec.UnsetType = msgspec.UNSET
    nc_code: str | msgspec.UnsetType = msgspec.UNSET
    description: str | msgspec.UnsetType = msgspec.UNSET
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
