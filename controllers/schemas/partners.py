"""API shapes of partners (msgspec; unknown fields are refused)."""

from __future__ import annotations

from datetime import datetime

import msgspec


class PartnerIn(msgspec.Struct, forbid_unknown_fields=True):
    name: str
    kind: str = "company"
    cui: str | None = None
    cnp: str | None = None
    foreign_vat_id: str | None = None
    reg_com: str = ""
    country: str = "RO"
    county: str = ""
    sector: str = ""
    city: str = ""
    street: str = ""
    postal_code: str = ""
    email: str = ""
    phone: str = ""
    vat_payer: bool = False
    cash_vat: bool = False
    inactive: bool = False
    e_invoice_registered: bool = False
    notes: str = ""
    roles: list[str] = msgspec.field(default_factory=lambda: ["client"])


class PartnerPatch(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """Only the fields sent are changed."""

    name: str | msgspec.UnsetType = msgspec.UNSET
    kind: str | msgspec.UnsetType = msgspec.UNSET
    cui: str | msgspec.UnsetType | None = msgspec.UNSET
    cnp: str | msgspec.UnsetType | None = msgspec.UNSET
    foreign_vat_id: str | msgspec.UnsetType | None = msgspec.UNSET
    reg_com: str | msgspec.UnsetType = msgspec.UNSET
    country: str | msgspec.UnsetType = msgspec.UNSET
    county: str | msgspec.UnsetType = msgspec.UNSET
    sector: str | msgspec.UnsetType = msgspec.UNSET
    city: str | msgspec.UnsetType = msgspec.UNSET
    street: str | msgspec.UnsetType = msgspec.UNSET
    postal_code: str | msgspec.UnsetType = msgspec.UNSET
    email: str | msgspec.UnsetType = msgspec.UNSET
    phone: str | msgspec.UnsetType = msgspec.UNSET
    vat_payer: bool | msgspec.UnsetType = msgspec.UNSET
    cash_vat: bool | msgspec.UnsetType = msgspec.UNSET
    inactive: bool | msgspec.UnsetType = msgspec.UNSET
    e_invoice_registered: bool | msgspec.UnsetType = msgspec.UNSET
    notes: str | msgspec.UnsetType = msgspec.UNSET
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
    cui: str
    roles: list[str] = msgspec.field(default_factory=lambda: ["client"])


class RoleIn(msgspec.Struct, forbid_unknown_fields=True):
    role: str
    account: str = ""


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
