"""Utility meters (contoare) re-invoiced to tenants or clients, and their readings.

A meter is a metering point: a client, the utility article it is billed as (its VAT
category gives the rate) and a multiplier. Readings are dated indexes; the consumption
between two readings is billed once. `draft_invoice`/`draft_line` reserve readings for a
draft (both cleared by the database when the draft or its line is deleted);
`invoice_line` is written when that invoice leaves the draft state (domain/sales/meters.py).
"""

from __future__ import annotations

from decimal import Decimal

from piccolo.columns import Boolean, Date, ForeignKey, Numeric, OnDelete, Varchar
from piccolo.columns.readable import Readable
from piccolo.table import Table

from tables._columns import CreatedAt, Quantity
from tables._constraints import index_together, unique_together
from tables.catalog import Article
from tables.org import Company
from tables.partners import Partner
from tables.sales import Invoice, InvoiceLine


class Meter(Table, tablename="contor"):
    company = ForeignKey(Company, null=False, on_delete=OnDelete.restrict)
    partner = ForeignKey(
        Partner, null=False, on_delete=OnDelete.restrict,
        help_text="Clientul (chiriașul) căruia i se refacturează consumul",
    )  # fmt: skip
    article = ForeignKey(
        Article, null=False, on_delete=OnDelete.restrict,
        help_text="Utilitatea (apă, energie, gaz); cota de TVA vine din categoria ei",
    )  # fmt: skip
    serial = Varchar(length=40, help_text="Seria contorului")
    location = Varchar(length=200, default="", help_text="Unde este montat, ce măsoară")
    multiplier = Numeric(
        digits=(12, 3), default=Decimal("1.000"),
        help_text="Constanta contorului (ex. transformatoare de curent 200/5 = 40)",
    )  # fmt: skip
    active = Boolean(default=True, help_text="Primește citiri noi")
    created_at = CreatedAt()

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s", columns=[cls.serial])


class MeterReading(Table, tablename="citire_contor"):
    meter = ForeignKey(Meter, null=False, on_delete=OnDelete.restrict)
    day = Date()
    index = Quantity(help_text="Indexul citit")
    reset = Boolean(
        default=False,
        help_text="Contor înlocuit sau resetat: indexul începe o serie nouă",
    )
    previous_index = Quantity(
        null=True, default=None,
        help_text="La înlocuire: indexul final al contorului vechi (gol = fără consum)",
    )  # fmt: skip
    note = Varchar(length=200, default="")
    draft_invoice = ForeignKey(
        Invoice, null=True, default=None, on_delete=OnDelete.set_null,
        help_text="Ciorna de factură care o cuprinde",
    )  # fmt: skip
    draft_line = ForeignKey(
        InvoiceLine, null=True, default=None, on_delete=OnDelete.set_null,
        help_text="Linia din ciornă",
    )  # fmt: skip
    invoice_line = ForeignKey(
        InvoiceLine, null=True, default=None, on_delete=OnDelete.restrict,
        help_text="Linia facturii emise care a facturat consumul până la această citire",
    )  # fmt: skip
    created_by = Varchar(length=150, default="")
    created_at = CreatedAt()


unique_together(Meter, "company", "article", "serial")
unique_together(MeterReading, "meter", "day")
index_together(Meter, "partner")  # a client's meters: the monthly invoice
index_together(MeterReading, "draft_invoice")  # readings whose draft was issued
