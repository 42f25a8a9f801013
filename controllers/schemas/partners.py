"""API shapes of partners (msgspec; unknown fields are refused)."""

from __future__ import annotations

from datetime import datetime

import msgspec

from controllers.schemas import Str10, Str20, Str40, Str60, Str100, Str200, Text
from tables.choices import PartnerKind


class PartnerIn(msgspec.Struct, forbid_unknown_fields=True):
    name: Str200
    kind: PartnerKind = PartnerKind.company
    cui: Str20 | None = None
    cnp: Str20 | None = None
    foreign_vat_id: Str20 | None = None
    reg_com: Str40 = ""
    country: Str60 = "RO"
    county: Str60 = ""
    sector: Str20 = ""
    city: Str100 = ""
    street: Str200 = ""
    postal_code: Str10 = ""
    email: Str200 = ""
    phone: Str40 = ""
    vat_payer: bool = False
    cash_vat: bool = False
    inactive: bool = False
    e_invoice_registered: bool = False
    notes: Text = ""
    roles: list[Str20] = msgspec.field(default_factory=lambda: ["client"])


class PartnerPatch(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """Only the fields sent are changed."""

    name: Str200 | msgspec.UnsetType = msgspec.UNSET
    kind: PartnerKind | msgspec.UnsetType = msgspec.UNSET
    cui: Str20 | msgspec.UnsetType | None = msgspec.UNSET
    cnp: Str20 | msgspec.UnsetType | None = msgspec.UNSET
    foreign_vat_id: Str20 | msgspec.UnsetType | None = msgspec.UNSET
    reg_com: Str40 | msgspec.UnsetType = msgspec.UNSET
    country: Str60 | msgspec.UnsetType = msgspec.UNSET
    county: Str60 | msgspec.UnsetType = msgspec.UNSET
    sector: Str20 | msgspec.UnsetType = msgspec.UNSET
    city: Str100 | msgspec.UnsetType = msgspec.UNSET
    street: Str200 | msgspec.UnsetType = msgspec.UNSET
    postal_code: Str10 | msgspec.UnsetType = msgspec.UNSET
    email: Str200 | msgspec.UnsetType = msgspec.UNSET
    phone: Str40 | msgspec.UnsetType = msgspec.UNSET
    vat_payer: bool | msgspec.UnsetType = msgspec.UNSET
    cash_vat: bool | msgspec.UnsetType = msgspec.UNSET
    inactive: bool | msgspec.UnsetType = msgspec.UNSET
    e_invoice_registered: bool | msgspec.UnsetType = msgspec.UNSET
    notes: Text | msgspec.UnsetType = msgspec.UNSET
    active: bool | msgspec.UnsetType = msgspec.UNSET


class RoleOut(msgspec.Struct):
    role: str
    account: str


class PartnerOut(msgspec.Struct):
    id: int
    kind: str
    name: str
    cui: str | None
    cnp: str | None
    foreign_vat_id: str | None
    reg_com: str
    country: str
    county: str
    sector: str
    city: str
    street: str
    postal_code: str
    email: str
    phone: str
    vat_payer: bool
    cash_vat: bool
    inactive: bool
    e_invoice_registered: bool
    anaf_checked_at: datetime | None
    notes: str
    active: bool
    created_at: datetime
    roles: list[RoleOut]


class PartnerPage(msgspec.Struct):
    items: list[PartnerOut]
    next: str | None


class FromAnafIn(msgspec.Struct, forbid_unknown_fields=True):
    cui: Str20
    roles: list[Str20] = msgspec.field(default_factory=lambda: ["client"])


class RoleIn(msgspec.Struct, forbid_unknown_fields=True):
    role: Str20
    account: Str20 = ""


class AnafCompanyOut(msgspec.Struct):
    cui: str
    name: str
    reg_com: str | None
    county: str | None
    sector: str | None
    city: str
    street: str
    address_line: str
    postal_code: str | None
    phone: str | None
    vat_payer: bool
    cash_vat: bool
    inactive: bool
    e_invoice_registered: bool
    deregistered: bool
