"""Points of sale: a POS kiosk with its own price list, cash desk and analytic accounts.

Only the identity lives here for now: price lists are assigned to a POS (issue 4); the
kiosk, its cash desk and its fiscal printer come with the POS issue.
"""

from __future__ import annotations

from piccolo.columns import Boolean, ForeignKey, OnDelete, Varchar
from piccolo.columns.readable import Readable
from piccolo.table import Table

from tables._constraints import unique_together
from tables.org import Company, WorkPoint


class PointOfSale(Table, tablename="punct_de_vanzare"):
    company = ForeignKey(Company, null=False, on_delete=OnDelete.restrict)
    work_point = ForeignKey(WorkPoint, null=False, on_delete=OnDelete.restrict)
    code = Varchar(length=20)
    name = Varchar(length=100)
    active = Boolean(default=True)

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s", columns=[cls.name])


unique_together(PointOfSale, "company", "code")
