"""The sales journal (jurnalul de vânzări) of a month, in the legal columns.

One row per invoice issued in the month (by its issue date, as D394 and D300 count them),
credit notes with their negative amounts, cancelled invoices listed with zero amounts (they
keep their number). The amounts are the frozen VAT breakdown of each invoice
(`tva_factura`, in RON) spread over the columns by VAT category, rate and regime:

- taxable supplies per rate (21, 19, 11, 9, 5 % and any other rate), base and VAT;
- exempt with the right to deduct: intra-community supplies (art. 294 (2)), exports
  (art. 294 (1)), other (zero rate); exempt without it (art. 292); domestic reverse charge
  (art. 331); outside the scope of VAT or by a non-payer;
- cash-VAT supplies (TVA la încasare, art. 282): their own base and VAT columns, not the
  rate columns, since that VAT becomes due only when the invoice is paid.

Every amount is in exactly one column, so a row's columns add up to its total (tested).
The pivot is a GROUP BY with one conditional sum per column.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from domain.core.tx import is_sqlite
from domain.ledger.reports import as_date, bani, money, month_period, report_company
from domain.org.permissions import Actor
from tables.sales import Invoice

RATES = (21, 19, 11, 9, 5)
_TAXABLE = "v.vat_code = 'S' AND f.vat_regime <> 'cash_vat'"
_LISTED = ", ".join(str(r) for r in RATES)


@dataclass(frozen=True, slots=True)
class SalesColumn:
    key: str
    group: str  # the heading over the column
    label: str
    sql: str  # condition on the VAT row `v` of the invoice `f`
    amount: str  # "base_ron" or "vat_ron"


def _columns() -> tuple[SalesColumn, ...]:
    columns: list[SalesColumn] = []
    for rate in RATES:
        condition = f"{_TAXABLE} AND v.vat_rate = {rate}"
        columns += [
            SalesColumn(f"base_{rate}", f"Cota {rate} %", "Bază", condition, "base_ron"),
            SalesColumn(f"vat_{rate}", f"Cota {rate} %", "TVA", condition, "vat_ron"),
        ]
    other = f"{_TAXABLE} AND v.vat_rate NOT IN ({_LISTED})"
    cash = "v.vat_code = 'S' AND f.vat_regime = 'cash_vat'"
    exempt = "Scutite cu drept de deducere"
    return (
        *columns,
        SalesColumn("base_other", "Alte cote", "Bază", other, "base_ron"),
        SalesColumn("vat_other", "Alte cote", "TVA", other, "vat_ron"),
        SalesColumn("intra_eu", exempt, "Intracomunitare (art. 294 (2))",
                    "v.vat_code = 'K'", "base_ron"),
        SalesColumn("export", exempt, "Export (art. 294 (1))", "v.vat_code = 'G'",
                    "base_ron"),
        SalesColumn("exempt_deductible", exempt, "Alte (cota 0)", "v.vat_code = 'Z'",
                    "base_ron"),
        SalesColumn("exempt", "Scutite fără drept de deducere", "Art. 292",
                    "v.vat_code = 'E'", "base_ron"),
        SalesColumn("reverse_charge", "Taxare inversă", "Art. 331", "v.vat_code = 'AE'",
                    "base_ron"),
        SalesColumn("not_subject", "Alte operațiuni", "Neimpozabile în RO / neplătitor",
                    "v.vat_code NOT IN ('S', 'K', 'G', 'Z', 'E', 'AE')", "base_ron"),
        SalesColumn("cash_base", "TVA la încasare (art. 282)", "Bază", cash, "base_ron"),
        SalesColumn("cash_vat", "TVA la încasare (art. 282)", "TVA", cash, "vat_ron"),
    )  # fmt: skip


COLUMNS = _columns()


@dataclass(frozen=True, slots=True)
class ColumnHead:
    """A column as the journal shows it."""

    key: str
    group: str
    label: str


HEADS = [ColumnHead(c.key, c.group, c.label) for c in COLUMNS]


@dataclass(frozen=True, slots=True)
class SalesRow:
    invoice: int
    number: str
    day: date
    type_code: str
    vat_regime: str
    status: str
    cancelled: bool
    customer: str
    customer_code: str  # VAT code (RO…), else CUI, CNP
    currency: str
    total: Decimal  # in RON, VAT included
    amounts: dict[str, Decimal]  # column key -> amount in RON; columns without one left out


@dataclass(frozen=True, slots=True)
class SalesJournal:
    company: int
    month: str
    start: date
    end: date
    columns: list[ColumnHead]
    rows: list[SalesRow]
    totals: dict[str, Decimal]
    total: Decimal


def _snapshot(key: str) -> str:
    if is_sqlite():
        return f"json_extract(f.customer_snapshot, '$.{key}')"
    return f"(f.customer_snapshot ->> '{key}')"


async def sales_journal(*, by: Actor, month: str, company_id: int | None = None) -> SalesJournal:
    company = await report_company(by, company_id)
    period = month_period(month)
    # CAST: PostgreSQL sums bigints into numeric, which the driver would hand back as
    # Decimal; bani stay integers on both engines.
    pivot = ", ".join(
        f"CAST(SUM(CASE WHEN {col.sql} THEN {bani('v.' + col.amount)} ELSE 0 END) AS BIGINT) "
        f"AS {col.key}"
        for col in COLUMNS
    )
    # One GROUP BY per invoice (the other columns of `f` depend on its id); the VAT rows
    # of a cancelled invoice are left out of the join, so it is listed with zero amounts.
    rows = await Invoice.raw(
        "SELECT f.id, f.full_number, f.issue_date, f.status, f.type_code, f.vat_regime, "
        f"f.currency, {_snapshot('name')} AS customer, {_snapshot('vat_code')} AS vat_code, "
        f"{_snapshot('cui')} AS cui, {_snapshot('cnp')} AS cnp, "
        f"CAST(SUM({bani('v.base_ron')} + {bani('v.vat_ron')}) AS BIGINT) AS total, {pivot} "
        "FROM factura f LEFT JOIN tva_factura v ON v.invoice = f.id AND f.status = 'issued' "
        "WHERE f.company = {} AND f.issue_date >= {} AND f.issue_date <= {} "
        "AND f.status IN ('issued', 'cancelled') GROUP BY f.id "
        "ORDER BY f.issue_date, f.full_number, f.id",
        company, period.start, period.end,
    )  # fmt: skip
    keys = [col.key for col in COLUMNS]
    sums = dict.fromkeys(keys, 0)
    grand = 0
    out = []
    for r in rows:
        grand += r["total"] or 0
        amounts = {}
        for key in keys:  # most invoices fill one or two columns: the others stay out
            value = r[key]
            if value:
                sums[key] += value
                amounts[key] = money(value)
        out.append(_row(r, amounts))
    return SalesJournal(
        company=company,
        month=f"{period.start:%Y-%m}",
        start=period.start,
        end=period.end,
        columns=HEADS,
        rows=out,
        totals={k: money(v) for k, v in sums.items()},
        total=money(grand),
    )


def _row(r: dict[str, Any], amounts: dict[str, Decimal]) -> SalesRow:
    cancelled = r["status"] == "cancelled"
    return SalesRow(
        invoice=r["id"],
        number=r["full_number"],
        day=as_date(r["issue_date"]),
        type_code=r["type_code"],
        vat_regime=r["vat_regime"],
        status=r["status"],
        cancelled=cancelled,
        customer=r["customer"] or "",
        customer_code=r["vat_code"] or r["cui"] or r["cnp"] or "",
        currency=r["currency"],
        total=money(r["total"]),
        amounts=amounts,
    )
