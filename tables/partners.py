"""Partners: every company or person once, with cumulative roles and their accounts."""

from __future__ import annotations

from piccolo.columns import Boolean, ForeignKey, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.readable import Readable
from piccolo.table import Table

from tables._columns import CreatedAt
from tables._constraints import unique_together
from tables.choices import AddressKind, PartnerKind, PartnerRoleKind


class PartnerGroup(Table, tablename="grup_parteneri"):
    """E.g. «Revânzători»: price lists and reports are assigned to groups."""

    name = Varchar(length=100, unique=True)

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s", columns=[cls.name])


class Partner(Table, tablename="partener"):
    kind = Varchar(length=12, choices=PartnerKind, default=PartnerKind.company)
    name = Varchar(length=200, index=True)
    cui = Varchar(length=16, null=True, default=None, unique=True, help_text="Fără RO")
    cnp = Varchar(length=13, null=True, default=None, unique=True)
    foreign_vat_id = Varchar(
        length=20, null=True, default=None, unique=True, help_text="Cod TVA UE/străin, ex. DE123"
    )
    reg_com = Varchar(length=40, default="")
    country = Varchar(length=2, default="RO")
    county = Varchar(length=8, default="", help_text="Cod ISO, ex. RO-CJ; RO-B pentru București")
    sector = Varchar(length=8, default="", help_text="SECTOR1..SECTOR6, doar în București")
    city = Varchar(length=100, default="")
    street = Varchar(length=200, default="")
    postal_code = Varchar(length=10, default="")
    email = Varchar(length=200, default="")
    phone = Varchar(length=40, default="")
    vat_payer = Boolean(default=False, help_text="Plătitor de TVA")
    cash_vat = Boolean(default=False, help_text="Aplică TVA la încasare")
    inactive = Boolean(default=False, help_text="Declarat inactiv de ANAF")
    e_invoice_registered = Boolean(default=False, help_text="Înscris în Registrul RO e-Factura")
    anaf_checked_at = Timestamptz(null=True, default=None)
    group = ForeignKey(PartnerGroup, null=True, on_delete=OnDelete.set_null)
    notes = Text(default="")
    active = Boolean(default=True)
    created_at = CreatedAt()

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s", columns=[cls.name])


class PartnerRole(Table, tablename="rol_partener"):
    """A role the partner plays, with its account (4111 for clients, 401 for suppliers...)."""

    partner = ForeignKey(Partner, null=False, on_delete=OnDelete.cascade)
    role = Varchar(length=12, choices=PartnerRoleKind)
    account = Varchar(length=20, default="", help_text="Cont contabil, ex. 4111 sau 4111.01")


class PartnerAddress(Table, tablename="adresa_partener"):
    partner = ForeignKey(Partner, null=False, on_delete=OnDelete.cascade)
    kind = Varchar(length=12, choices=AddressKind, default=AddressKind.delivery)
    name = Varchar(length=100, default="")
    country = Varchar(length=2, default="RO")
    county = Varchar(length=8, default="")
    sector = Varchar(length=8, default="")
    city = Varchar(length=100, default="")
    street = Varchar(length=200, default="")
    postal_code = Varchar(length=10, default="")


class PartnerContact(Table, tablename="persoana_contact"):
    partner = ForeignKey(Partner, null=False, on_delete=OnDelete.cascade)
    name = Varchar(length=200)
    function = Varchar(length=100, default="")
    email = Varchar(length=200, default="")
    phone = Varchar(length=40, default="")
    is_primary = Boolean(default=False)


class PartnerBankAccount(Table, tablename="cont_bancar_partener"):
    partner = ForeignKey(Partner, null=False, on_delete=OnDelete.cascade)
    iban = Varchar(length=34)
    bank_name = Varchar(length=100, default="")
    currency = Varchar(length=3, default="RON")


unique_together(PartnerRole, "partner", "role")
unique_together(PartnerBankAccount, "partner", "iban")
