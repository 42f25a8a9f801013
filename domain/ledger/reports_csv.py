"""The reports as CSV files: `csv` (comma, decimal point: for programs) or `excel`
(semicolon, decimal comma, UTF-8 with BOM: what Excel opens directly on a Romanian
Windows), as the price lists export. Pure: report in, text out."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from domain.ledger.reports import Pair
from domain.ledger.reports_account import AccountStatement
from domain.ledger.reports_balance import GeneralLedger, TrialBalance
from domain.ledger.reports_efficiency import Efficiency
from domain.ledger.reports_partner import PartnerFile
from domain.ledger.reports_sales import SalesJournal

ZERO = Decimal("0.00")
LEVEL_RO = {"account": "cont", "group": "total grad I", "class": "total clasă", "total": "total"}


def _cell(value: Any, excel: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        text = f"{value:.2f}"
        return text.replace(".", ",") if excel else text
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def write_csv(header: Sequence[str], rows: Iterable[Sequence[Any]], excel: bool) -> str:
    """The one CSV writer of the reports (the stock reports use it too): amounts with two
    decimals, dates ISO, text as is (a value already formatted stays as it is given)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if excel else ",", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(v, excel) for v in row])
    return ("\ufeff" if excel else "") + out.getvalue()


def _pair(p: Pair) -> tuple[Decimal, Decimal]:
    return p.debit, p.credit


def trial_balance_csv(report: TrialBalance, *, excel: bool = False) -> str:
    header = ["cont", "denumire", "nivel",
              "sold_initial_debit", "sold_initial_credit",
              "rulaje_precedente_debit", "rulaje_precedente_credit",
              "rulaje_perioada_debit", "rulaje_perioada_credit",
              "rulaje_cumulate_debit", "rulaje_cumulate_credit",
              "total_sume_debit", "total_sume_credit",
              "sold_final_debit", "sold_final_credit"]  # fmt: skip
    rows = [
        (r.code, r.name, LEVEL_RO[r.level], *_pair(r.opening), *_pair(r.previous),
         *_pair(r.period), *_pair(r.cumulated), *_pair(r.totals), *_pair(r.closing))
        for r in [*report.rows, report.total]
    ]  # fmt: skip
    return write_csv(header, rows, excel)


def general_ledger_csv(report: GeneralLedger, *, excel: bool = False) -> str:
    header = ["cont", "denumire", "luna", "rulaj_debit", "rulaj_credit", "sold_debit",
              "sold_credit"]  # fmt: skip
    rows: list[Sequence[Any]] = []
    for a in report.accounts:
        rows.append((a.code, a.name, "sold inițial", None, None, *_pair(a.opening)))
        rows += [(a.code, a.name, m.month, *_pair(m.turnover), *_pair(m.balance))
                 for m in a.months]  # fmt: skip
        rows.append((a.code, a.name, "total perioadă", *_pair(a.turnover), *_pair(a.closing)))
    return write_csv(header, rows, excel)


def partner_file_csv(report: PartnerFile, *, excel: bool = False) -> str:
    header = ["data", "nota", "document", "explicatie", "cont", "debit", "credit",
              "sold_debit", "sold_credit", "moneda", "suma_valuta", "sold_valuta"]  # fmt: skip
    rows: list[Sequence[Any]] = [
        (report.start, None, None, "Sold inițial", None, None, None, *_pair(report.opening))
    ]
    rows += [
        (x.day, x.entry, x.reference, x.description, x.account, x.debit, x.credit,
         *_pair(x.balance), x.currency, x.currency_amount, x.currency_balance)
        for x in report.lines
    ]  # fmt: skip
    rows.append((report.end, None, None, "Total rulaje și sold final", None,
                 *_pair(report.turnover), *_pair(report.closing)))  # fmt: skip
    return write_csv(header, rows, excel)


def account_statement_csv(report: AccountStatement, *, excel: bool = False) -> str:
    header = ["data", "nota", "document", "explicatie", "cont", "cont_corespondent",
              "partener", "debit", "credit", "sold_debit", "sold_credit", "moneda",
              "suma_valuta"]  # fmt: skip
    opening = (report.start, None, None, "Sold inițial", report.account, None, None, None,
               None, *_pair(report.opening))  # fmt: skip
    rows: list[Sequence[Any]] = [opening]
    rows += [
        (x.day, x.entry, x.reference, x.description, x.account, " ".join(x.counter_accounts),
         x.partner, x.debit, x.credit, *_pair(x.balance), x.currency, x.currency_amount)
        for x in report.lines
    ]  # fmt: skip
    rows.append((report.end, None, None, "Total rulaje și sold final", report.account, None,
                 None, *_pair(report.turnover), *_pair(report.closing)))  # fmt: skip
    return write_csv(header, rows, excel)


def sales_journal_csv(report: SalesJournal, *, excel: bool = False) -> str:
    keys = [c.key for c in report.columns]
    header = ["nr_crt", "numar", "data", "client", "cod_fiscal", "tip", "stare", "total",
              *keys]  # fmt: skip
    rows: list[Sequence[Any]] = [
        (i, r.number, r.day, r.customer, r.customer_code, r.type_code,
         "anulată" if r.cancelled else "emisă", r.total, *(r.amounts.get(k, ZERO) for k in keys))
        for i, r in enumerate(report.rows, 1)
    ]  # fmt: skip
    rows.append((None, None, None, "Total", None, None, None, report.total,
                 *(report.totals[k] for k in keys)))  # fmt: skip
    return write_csv(header, rows, excel)


def efficiency_csv(report: Efficiency, *, excel: bool = False) -> str:
    header = ["cod", "denumire", "venituri", "costul_vanzarilor", "marja_bruta",
              "marja_procent", "alte_cheltuieli", "rezultat"]  # fmt: skip
    rows = [
        (r.code, r.name, r.revenue, r.cost_of_sales, r.gross_margin, r.margin_percent,
         r.other_costs, r.result)
        for r in [*report.rows, report.total]
    ]  # fmt: skip
    return write_csv(header, rows, excel)
