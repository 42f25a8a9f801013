"""Closed sets of values stored in Varchar columns (tables hold the choices, no logic)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """What a staff user may do; the matrix lives in domain/org/permissions.py."""

    admin = "admin"
    accountant = "accountant"
    sales = "sales"
    cashier = "cashier"
    viewer = "viewer"


class PartnerKind(StrEnum):
    company = "company"
    individual = "individual"


class PartnerRoleKind(StrEnum):
    client = "client"
    supplier = "supplier"
    employee = "employee"
    prospect = "prospect"
    lead = "lead"
    carrier = "carrier"
    other = "other"


class AddressKind(StrEnum):
    billing = "billing"
    delivery = "delivery"
    work_point = "work_point"


class ArticleKind(StrEnum):
    """The kind decides the revenue/cost accounts later (707/371, 701/345, 704, 706, 708)."""

    goods = "goods"
    product = "product"
    service = "service"
    rent = "rent"
    utility = "utility"


class VatCode(StrEnum):
    """UNTDID 5305 codes used by EN 16931 / CIUS-RO."""

    S = "S"
    Z = "Z"
    E = "E"
    AE = "AE"
    K = "K"
    G = "G"
    O = "O"
