"""What each client still owes, invoice by invoice: the one read every part of the
receivables side starts from (allocation, bank matching, ageing, reminders, revaluation).

An invoice's open amount, at a date, is its payable, plus the credit notes that correct
it (negative), minus what receipts paid of it (allocations, an unallocation counting
negative). A credit note that corrects no invoice is an open item of its own (negative:
owed to the client). Amounts are in the invoice's currency; `open_ron` is what its
receivable still holds in the books at the invoice's rate — the basis of FX differences.
Cancelled and draft invoices are not receivables; self-invoices (389) owe nothing.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from domain.core.money import from_minor, q2, q4
from domain.ledger.reports import as_date
from tables.choices import DocStatus, InvoiceTypeCode, VatRegime
from tables.sales import Invoice

ZERO = Decimal("0.00")


@dataclass(frozen=True, slots=True)
class Instalment:
    due: date
    amount: Decimal  # in the invoice's currency


@dataclass(frozen=True, slots=True)
class OpenItem:
    invoice_id: int
    partner_id: int
    full_number: str
    type_code: str
    issue_date: date
    due_date: date
    currency: str
    fx_rate: Decimal  # 1 for RON
    vat_regime: str
    payable: Decimal  # the invoice's own payable, currency
    credited: Decimal  # credit notes correcting it (<= 0), currency
    paid: Decimal  # allocated to it, currency
    open: Decimal  # payable + credited - paid, currency
    receivable_ron: Decimal  # what its receivable was booked at, credit notes included
    paid_ron: Decimal  # what allocations took off the receivable, RON
    vat_ron: Decimal  # its VAT in RON (cash-VAT: what becomes due as it is collected)
    schedule: tuple[Instalment, ...] = field(default_factory=tuple)
    work_point: int | None = None
    team: int | None = None
    person: int | None = None

    @property
    def open_ron(self) -> Decimal:
        return self.receivable_ron - self.paid_ron


def _minor(expr: str) -> str:
    return f"CAST(ROUND({expr} * 100) AS BIGINT)"


# Per invoice row: its own figures, its allocations up to the date and, for a currency
# invoice, the receivable its entry booked in RON (the debit carrying the partner).
_SELECT = f"""
SELECT f.id, f.partner, f.full_number, f.type_code, f.corrects, f.issue_date, f.due_date,
       f.currency, f.fx_rate, f.vat_regime, f.due_schedule, f.work_point, f.team, f.person,
       {_minor("f.payable")} AS payable, {_minor("f.vat_total_ron")} AS vat_ron,
       (SELECT SUM({_minor("a.amount")}) FROM alocare_incasare a
         WHERE a.invoice = f.id AND a.day <= {{}}) AS paid,
       (SELECT SUM({_minor("a.amount_ron")}) FROM alocare_incasare a
         WHERE a.invoice = f.id AND a.day <= {{}}) AS paid_ron,
       CASE WHEN f.currency = 'RON' THEN {_minor("f.payable")} ELSE
         (SELECT SUM({_minor("l.debit")}) FROM nota_contabila e
            JOIN linie_nota l ON l.entry = e.id
           WHERE e.source_type = 'invoice' AND e.source_id = f.id AND e.kind = 'invoice'
             AND l.partner = f.partner AND l.debit <> 0) END AS receivable_ron
  FROM factura f
 WHERE f.company = {{}} AND f.status = '{DocStatus.issued}' AND f.issue_date <= {{}}
   AND f.type_code <> '{InvoiceTypeCode.self_billed}'
"""


def _schedule(raw: Any, due: date, amount: Decimal) -> tuple[Instalment, ...]:
    items = json.loads(raw) if isinstance(raw, str) else (raw or [])
    if not items:  # issued before schedules existed, or one date: the due date
        return (Instalment(due, amount),)
    return tuple(Instalment(as_date(x["due"]), q2(x["amount"])) for x in items)


async def open_items(
    *,
    company_id: int,
    at: date,
    partner_ids: Sequence[int] | None = None,
    invoice_ids: Sequence[int] | None = None,
    include_settled: bool = False,
) -> list[OpenItem]:
    """Open receivables at `at`, oldest due first (then by number). One statement."""
    sql, args = _SELECT, [at, at, company_id, at]
    if partner_ids is not None:
        sql += f" AND f.partner IN ({', '.join('{}' for _ in partner_ids) or 'NULL'})"
        args += list(partner_ids)
    if invoice_ids is not None:
        # The credit notes of the asked invoices belong to them: fetch those too.
        marks = ", ".join("{}" for _ in invoice_ids) or "NULL"
        sql += f" AND (f.id IN ({marks}) OR f.corrects IN ({marks}))"
        args += [*invoice_ids, *invoice_ids]
    rows = await Invoice.raw(sql, *args)
    by_id = {r["id"]: r for r in rows}
    credits: dict[int, list[dict[str, Any]]] = {}
    for r in rows:
        target = r["corrects"] if r["type_code"] == InvoiceTypeCode.credit_note else None
        if target in by_id:
            credits.setdefault(target, []).append(r)
    items = [
        _item(r, credits.get(r["id"], []))
        for r in rows
        if r["id"] not in {c["id"] for cs in credits.values() for c in cs}
    ]
    if not include_settled:
        items = [x for x in items if x.open != ZERO or x.open_ron != ZERO]
    return sorted(items, key=lambda x: (x.due_date, x.issue_date, x.invoice_id))


def _item(r: dict[str, Any], credit_notes: list[dict[str, Any]]) -> OpenItem:
    rows = [r, *credit_notes]

    def total(key: str) -> Decimal:
        return from_minor(sum(int(x[key] or 0) for x in rows))

    payable = from_minor(int(r["payable"]))
    credited = total("payable") - payable
    paid = total("paid")
    issue_date = as_date(r["issue_date"])
    due_date = as_date(r["due_date"]) if r["due_date"] else issue_date
    return OpenItem(
        invoice_id=r["id"],
        partner_id=r["partner"],
        full_number=r["full_number"],
        type_code=r["type_code"],
        issue_date=issue_date,
        due_date=due_date,
        currency=r["currency"],
        fx_rate=q4(r["fx_rate"]) if r["currency"] != "RON" and r["fx_rate"] else Decimal(1),
        vat_regime=r["vat_regime"] or VatRegime.normal,
        payable=payable,
        credited=credited,
        paid=paid,
        open=payable + credited - paid,
        receivable_ron=total("receivable_ron"),
        paid_ron=total("paid_ron"),
        vat_ron=total("vat_ron"),
        schedule=_schedule(r["due_schedule"], due_date, payable + credited),
        work_point=r["work_point"],
        team=r["team"],
        person=r["person"],
    )
