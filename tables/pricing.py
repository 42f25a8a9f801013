"""Price lists: catalogues with validity, their dated items, who may use them and where
they apply. The rules (precedence, derived prices, rounding, access) are in domain/pricing."""

from __future__ import annotations

from decimal import Decimal

from piccolo.apps.user.tables import BaseUser
from piccolo.columns import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    OnDelete,
    Text,
    Varchar,
)
from piccolo.columns.readable import Readable
from piccolo.table import Table

from tables._columns import CreatedAt, Quantity, UnitPrice
from tables._constraints import index_together, unique_together
from tables.catalog import Article
from tables.choices import PriceAccess, PriceTarget, Role
from tables.org import Company, Team, WorkPoint
from tables.partners import Partner, PartnerGroup
from tables.pos import PointOfSale


class PriceList(Table, tablename="lista_preturi"):
    company = ForeignKey(Company, null=False, on_delete=OnDelete.restrict)
    code = Varchar(length=20)
    name = Varchar(length=100)
    currency = Varchar(length=3, default="RON")
    prices_include_vat = Boolean(
        default=False, help_text="Prețurile se introduc cu TVA (celălalt preț se calculează)"
    )
    valid_from = Date(null=True, default=None, help_text="Gol = de oricând")
    valid_to = Date(null=True, default=None, help_text="Inclusiv; gol = fără termen")
    base_list = ForeignKey(
        "self",
        null=True,
        on_delete=OnDelete.restrict,
        help_text="Listă derivată: prețurile vin din această listă, ajustate",
    )
    base_percent = Numeric(
        digits=(7, 3), null=True, default=None, help_text="Ajustare față de bază, ex. -12"
    )
    rounding = Varchar(
        length=8,
        default="",
        help_text="Rotunjirea prețurilor derivate: 0.01, 0.05, 0.10, 1, x.99, x.90",
    )
    active = Boolean(default=True)
    notes = Text(default="")
    created_at = CreatedAt()

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s", columns=[cls.name])


class PriceItem(Table, tablename="pret"):
    """One price of one article in one list, from a day (and optionally until a day),
    from a quantity. Never changed: a new price is a new item, so history stays."""

    price_list = ForeignKey(PriceList, null=False, on_delete=OnDelete.restrict)
    article = ForeignKey(Article, null=False, on_delete=OnDelete.restrict)
    min_quantity = Quantity(
        default=Decimal(0), help_text="Prețul se aplică de la această cantitate"
    )
    price = UnitPrice(help_text="În moneda listei; cu sau fără TVA, cum spune lista")
    valid_from = Date()
    valid_to = Date(null=True, default=None, help_text="Inclusiv; gol = până la un preț nou")
    created_at = CreatedAt()
    created_by = Varchar(length=150, default="")


class PriceListAccess(Table, tablename="acces_lista_preturi"):
    """Who may see, use or edit a list. A list without rows is open to everyone who may
    read prices; once it has rows, only those named (and administrators) reach it."""

    price_list = ForeignKey(PriceList, null=False, on_delete=OnDelete.cascade)
    user = ForeignKey(BaseUser, null=True, default=None, on_delete=OnDelete.cascade)
    role = Varchar(length=20, choices=Role, null=True, default=None)
    team = ForeignKey(Team, null=True, default=None, on_delete=OnDelete.cascade)
    level = Varchar(length=8, choices=PriceAccess, default=PriceAccess.use)


class PriceListAssignment(Table, tablename="atribuire_lista_preturi"):
    """Where a list applies; exactly one target column is set, the one `target` names."""

    price_list = ForeignKey(PriceList, null=False, on_delete=OnDelete.cascade)
    target = Varchar(length=16, choices=PriceTarget)
    partner = ForeignKey(Partner, null=True, default=None, on_delete=OnDelete.cascade)
    partner_group = ForeignKey(PartnerGroup, null=True, default=None, on_delete=OnDelete.cascade)
    pos = ForeignKey(PointOfSale, null=True, default=None, on_delete=OnDelete.cascade)
    work_point = ForeignKey(WorkPoint, null=True, default=None, on_delete=OnDelete.cascade)
    team = ForeignKey(Team, null=True, default=None, on_delete=OnDelete.cascade)
    valid_from = Date(null=True, default=None)
    valid_to = Date(null=True, default=None, help_text="Inclusiv")
    priority = Integer(default=0, help_text="La același nivel câștigă prioritatea mai mare")


unique_together(PriceList, "company", "code")
index_together(PriceItem, "article", "price_list", "valid_from")
