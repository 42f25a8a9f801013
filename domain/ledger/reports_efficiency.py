"""Efficiency: revenue, cost of sales and gross margin per cost centre, work point,
department, team or person (the dimensions every journal line carries), for a period.

- revenue: class 7 (credit minus debit; 709 discounts lower it), except the accounts of
  the cost of own products (711), which are a cost here;
- cost of sales: the accounts the company maps to the cost of goods (607) and of own
  products (711), with their analytics (debit minus credit);
- gross margin = revenue - cost of sales, and its share of the revenue;
- other costs: the rest of class 6; result = gross margin - other costs.

One GROUP BY over the period's class 6 and 7 lines; lines without the dimension form the
row «nealocat».
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from piccolo.table import Table

from domain.ledger.reports import (
    bani,
    code_filter,
    money,
    period_check,
    report_company,
)
from domain.org.permissions import Actor
from tables.choices import PostingRole
from tables.ledger import AccountMapping, JournalLine
from tables.org import CostCentre, Department, Person, Team, WorkPoint

Dimension = Literal["cost_centre", "work_point", "department", "team", "person"]

DIMENSIONS: dict[str, tuple[type[Table], str]] = {
    "cost_centre": (CostCentre, "Centru de cost"),
    "work_point": (WorkPoint, "Punct de lucru"),
    "department": (Department, "Departament"),
    "team": (Team, "Echipă"),
    "person": (Person, "Persoană"),
}
COST_OF_SALES_ROLES = (PostingRole.cost_goods, PostingRole.cost_product)
UNALLOCATED = "(nealocat)"


@dataclass(frozen=True, slots=True)
class EfficiencyRow:
    key: int | None  # the dimension's id; None: lines without it
    code: str
    name: str
    revenue: Decimal
    cost_of_sales: Decimal
    gross_margin: Decimal
    margin_percent: Decimal | None  # of the revenue; None without revenue
    other_costs: Decimal
    result: Decimal


@dataclass(frozen=True, slots=True)
class Efficiency:
    company: int
    start: date
    end: date
    dimension: str
    dimension_label: str
    cost_of_sales_accounts: list[str]
    rows: list[EfficiencyRow]
    total: EfficiencyRow


def _row(key: int | None, code: str, name: str, rev: int, cos: int, other: int) -> EfficiencyRow:
    margin = rev - cos
    percent = (
        (Decimal(margin) * 100 / Decimal(rev)).quantize(Decimal("0.01"), ROUND_HALF_UP)
        if rev
        else None
    )
    return EfficiencyRow(
        key=key,
        code=code,
        name=name,
        revenue=money(rev),
        cost_of_sales=money(cos),
        gross_margin=money(margin),
        margin_percent=percent,
        other_costs=money(other),
        result=money(margin - other),
    )


async def _cost_of_sales_accounts(company: int) -> list[str]:
    rows = await AccountMapping.select(AccountMapping.account).where(
        (AccountMapping.company == company) & AccountMapping.role.is_in(list(COST_OF_SALES_ROLES))
    )
    return sorted({r["account"] for r in rows}) or ["607", "711"]


async def efficiency(
    *,
    by: Actor,
    start: date,
    end: date,
    dimension: Dimension = "cost_centre",
    company_id: int | None = None,
) -> Efficiency:
    company = await report_company(by, company_id)
    period = period_check(start, end)
    table, label = DIMENSIONS[dimension]  # a Literal: the column name is one of ours
    cos_codes = await _cost_of_sales_accounts(company)
    is_cos, params = code_filter("a.code", cos_codes)
    d, c = bani("l.debit"), bani("l.credit")
    rows = await JournalLine.raw(
        f"SELECT l.{dimension} AS k, "
        f"SUM(CASE WHEN a.account_class = 7 AND NOT {is_cos} THEN {c} - {d} ELSE 0 END) "
        "AS revenue, "
        f"SUM(CASE WHEN {is_cos} THEN {d} - {c} ELSE 0 END) AS cost_of_sales, "
        f"SUM(CASE WHEN a.account_class = 6 AND NOT {is_cos} THEN {d} - {c} ELSE 0 END) "
        "AS other_costs "
        "FROM linie_nota l JOIN cont_contabil a ON a.id = l.account "
        "WHERE l.company = {} AND l.day >= {} AND l.day <= {} AND a.account_class IN (6, 7) "
        f"GROUP BY l.{dimension}",
        *params, *params, *params, company, period.start, period.end,
    )  # fmt: skip
    ids = [r["k"] for r in rows if r["k"] is not None]
    names: dict[int, tuple[str, str]] = {}
    if ids:
        code_column = getattr(table, "code", None)
        columns = [table.id, table.name] + ([code_column] if code_column is not None else [])
        for n in await table.select(*columns).where(table.id.is_in(ids)):
            names[n["id"]] = (n.get("code", ""), n["name"])
    out = [
        _row(
            r["k"],
            *names.get(r["k"], ("", UNALLOCATED if r["k"] is None else f"nr. {r['k']}")),
            int(r["revenue"] or 0),
            int(r["cost_of_sales"] or 0),
            int(r["other_costs"] or 0),
        )
        for r in rows
    ]
    out.sort(key=lambda x: (x.key is None, -x.revenue, x.name))
    total = _row(
        None, "", "Total",
        sum(int(x.revenue * 100) for x in out),
        sum(int(x.cost_of_sales * 100) for x in out),
        sum(int(x.other_costs * 100) for x in out),
    )  # fmt: skip
    return Efficiency(
        company=company,
        start=period.start,
        end=period.end,
        dimension=dimension,
        dimension_label=label,
        cost_of_sales_accounts=cos_codes,
        rows=out,
        total=total,
    )
