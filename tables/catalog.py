"""Articles, units of measure and VAT categories with their dated rates."""

from __future__ import annotations

from piccolo.columns import Boolean, Date, ForeignKey, Integer, Numeric, OnDelete, Text, Varchar
from piccolo.columns.readable import Readable
from piccolo.table import Table

from tables._columns import CreatedAt
from tables._constraints import unique_together
from tables.choices import ArticleKind, VatCode


class UnitOfMeasure(Table, tablename="unitate_masura"):
    code = Varchar(length=3, unique=True, help_text="Cod UN/ECE Rec. 20 (H87, KGM, MTR, HUR...)")
    name = Varchar(length=50)
    symbol = Varchar(length=10, help_text="Cum apare pe documente: buc, kg, m, oră")

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s", columns=[cls.symbol])


class VatCategory(Table, tablename="categorie_tva"):
    """A VAT treatment an article carries; the percentage comes from dated VatRate rows."""

    code = Varchar(length=20, unique=True)
    name = Varchar(length=100)
    untdid = Varchar(length=2, choices=VatCode, help_text="Codul e-Factura (UNTDID 5305)")
    exemption_code = Varchar(length=30, default="", help_text="VATEX, pentru E/K/G/O/AE")
    exemption_text = Varchar(length=200, default="", help_text="Temeiul legal tipărit pe factură")

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s", columns=[cls.code])


class VatRate(Table, tablename="cota_tva"):
    category = ForeignKey(VatCategory, null=False, on_delete=OnDelete.restrict)
    rate = Numeric(digits=(5, 2), help_text="Procent, ex. 21.00")
    valid_from = Date()
    valid_to = Date(null=True, default=None, help_text="Inclusiv; gol = în vigoare")


class Article(Table, tablename="articol"):
    code = Varchar(length=40, unique=True)
    name = Varchar(length=200, index=True)
    kind = Varchar(length=10, choices=ArticleKind, default=ArticleKind.goods)
    uom = ForeignKey(UnitOfMeasure, null=False, on_delete=OnDelete.restrict)
    vat_category = ForeignKey(VatCategory, null=False, on_delete=OnDelete.restrict)
    barcode = Varchar(length=20, null=True, default=None, unique=True)
    warranty_months = Integer(default=0)
    nc_code = Varchar(length=10, default="", help_text="Cod NC (D394, e-Transport)")
    description = Text(default="")
    active = Boolean(default=True)
    created_at = CreatedAt()

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s", columns=[cls.name])


unique_together(VatRate, "category", "valid_from")
