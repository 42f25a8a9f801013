"""The organisation: company, work points, analytic dimensions, staff, tokens, currencies."""

from __future__ import annotations

from decimal import Decimal

from piccolo.apps.user.tables import BaseUser
from piccolo.columns import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.readable import Readable
from piccolo.table import Table

from tables._columns import CreatedAt, FxRate, Money
from tables._constraints import unique_together
from tables.choices import Role


class Company(Table, tablename="firma"):
    name = Varchar(length=200)
    cui = Varchar(length=12, unique=True, help_text="Cod unic de înregistrare, fără RO")
    reg_com = Varchar(length=40, default="", help_text="Nr. Registrul Comerțului, ex. J40/123/2020")
    country = Varchar(length=2, default="RO")
    county = Varchar(length=8, default="", help_text="Cod ISO, ex. RO-CJ; RO-B pentru București")
    sector = Varchar(length=8, default="", help_text="SECTOR1..SECTOR6, doar în București")
    city = Varchar(length=100, default="")
    street = Varchar(length=200, default="")
    postal_code = Varchar(length=10, default="")
    capital = Money(default=Decimal(0), help_text="Capital social, lei")
    vat_payer = Boolean(default=True, help_text="Plătitor de TVA")
    cash_vat = Boolean(default=False, help_text="TVA la încasare (art. 282 Cod fiscal)")
    email = Varchar(length=200, default="")
    phone = Varchar(length=40, default="")
    created_at = CreatedAt()

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s", columns=[cls.name])


class CompanyBankAccount(Table, tablename="cont_bancar_firma"):
    company = ForeignKey(Company, null=False, on_delete=OnDelete.cascade)
    iban = Varchar(length=34)
    bank_name = Varchar(length=100, default="")
    currency = Varchar(length=3, default="RON")
    is_default = Boolean(default=False)
    account = Varchar(
        length=20, default="", help_text="Contul contabil, ex. 5121.01; gol = 5121 / 5124"
    )

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s %s", columns=[cls.iban, cls.currency])


class WorkPoint(Table, tablename="punct_de_lucru"):
    company = ForeignKey(Company, null=False, on_delete=OnDelete.restrict)
    code = Varchar(length=20)
    name = Varchar(length=200)
    county = Varchar(length=8, default="")
    sector = Varchar(length=8, default="")
    city = Varchar(length=100, default="")
    street = Varchar(length=200, default="")
    active = Boolean(default=True)

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s", columns=[cls.name])


class CostCentre(Table, tablename="centru_de_cost"):
    company = ForeignKey(Company, null=False, on_delete=OnDelete.restrict)
    code = Varchar(length=20)
    name = Varchar(length=200)
    active = Boolean(default=True)

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s", columns=[cls.name])


class Department(Table, tablename="departament"):
    company = ForeignKey(Company, null=False, on_delete=OnDelete.restrict)
    code = Varchar(length=20)
    name = Varchar(length=200)
    active = Boolean(default=True)

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s", columns=[cls.name])


class Team(Table, tablename="echipa"):
    company = ForeignKey(Company, null=False, on_delete=OnDelete.restrict)
    code = Varchar(length=20)
    name = Varchar(length=200)
    department = ForeignKey(Department, null=True, on_delete=OnDelete.set_null)
    active = Boolean(default=True)

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s", columns=[cls.name])


class Person(Table, tablename="persoana"):
    """An employee: the 'person' dimension of every document and journal line."""

    company = ForeignKey(Company, null=False, on_delete=OnDelete.restrict)
    name = Varchar(length=200)
    cnp = Varchar(length=13, null=True, default=None, unique=True)
    email = Varchar(length=200, default="")
    phone = Varchar(length=40, default="")
    user = ForeignKey(BaseUser, null=True, unique=True, on_delete=OnDelete.set_null)
    work_point = ForeignKey(WorkPoint, null=True, on_delete=OnDelete.set_null)
    department = ForeignKey(Department, null=True, on_delete=OnDelete.set_null)
    team = ForeignKey(Team, null=True, on_delete=OnDelete.set_null)
    cost_centre = ForeignKey(CostCentre, null=True, on_delete=OnDelete.set_null)
    active = Boolean(default=True)

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s", columns=[cls.name])


class UserRole(Table, tablename="rol_utilizator"):
    user = ForeignKey(BaseUser, null=False, unique=True, on_delete=OnDelete.cascade)
    role = Varchar(length=20, choices=Role, default=Role.viewer)


class ApiToken(Table, tablename="token_api"):
    """A machine's credential. Only the SHA-256 of the token is stored."""

    name = Varchar(length=100)
    prefix = Varchar(length=12, help_text="Primele caractere, ca să recunoașteți tokenul")
    token_hash = Varchar(length=64, unique=True, secret=True)
    scopes = Varchar(length=200, help_text="Separate prin spațiu, ex. partners:read leads:write")
    created_at = CreatedAt()
    expires_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)
    last_used_at = Timestamptz(null=True, default=None)


class Currency(Table, tablename="moneda"):
    code = Varchar(length=3, unique=True, help_text="ISO 4217")
    name = Varchar(length=100, default="")
    decimals = Integer(default=2)


class ExchangeRate(Table, tablename="curs_bnr"):
    """A BNR rate as published on `day`; `rate` is RON per `multiplier` units."""

    currency = Varchar(length=3)
    day = Date()
    rate = FxRate()
    multiplier = Integer(default=1)
    source = Text(default="")


unique_together(CompanyBankAccount, "company", "iban")
unique_together(WorkPoint, "company", "code")
unique_together(CostCentre, "company", "code")
unique_together(Department, "company", "code")
unique_together(Team, "company", "code")
unique_together(ExchangeRate, "currency", "day")
