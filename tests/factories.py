"""Rows most tests need, with explicit, realistic defaults."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from domain.catalog.ops import article_create
from domain.ledger.chart import chart_setup
from domain.org.permissions import SYSTEM
from domain.partners.ops import partner_create
from tables.choices import DocType
from tables.org import Company
from tables.sales import DocumentSeries


async def make_company(**kw: Any) -> int:
    values = {
        "name": "Catastif Test SRL",
        "cui": "44556670",
        "reg_com": "J40/1/2024",
        "county": "RO-B",
        "sector": "SECTOR1",
        "city": "București",
        "street": "Calea Victoriei 1",
        "capital": Decimal("200.00"),
        "vat_payer": True,
    } | kw
    company = Company(**values)
    await company.save()
    await chart_setup(company.id)  # as every company gets it: accounts and default accounts
    return company.id


async def make_series(company_id: int, prefix: str = "FCT", **kw: Any) -> int:
    series = DocumentSeries(
        company=company_id, doc_type=kw.pop("doc_type", DocType.invoice), prefix=prefix, **kw
    )
    await series.save()
    return series.id


async def make_client(**kw: Any) -> int:
    values = {
        "name": "Alfa Distribuție SRL",
        "cui": "12345674",
        "county": "RO-CJ",
        "city": "Cluj-Napoca",
        "street": "Str. Memorandumului 10",
        "vat_payer": True,
    } | kw
    roles = values.pop("roles", ["client"])
    return await partner_create(values=values, roles=roles, by=SYSTEM)


async def make_article(code: str = "LAP", **kw: Any) -> int:
    values = {"code": code, "name": f"Articol {code}", "uom": "H87",
              "vat_category": "S-STANDARD"} | kw  # fmt: skip
    return await article_create(values=values, by=SYSTEM)
