"""Allocating a receipt: what it pays, decided and checked under the partner's lock.

`plan` takes what is left of a receipt (`Funds`) and either the invoices asked for or, with
none asked, the partner's open invoices oldest due first (open_items's order), and works out
each allocation's figures (domain/payments/rules.py): the amount in the invoice's currency,
what leaves the receivable, what it takes of the receipt, the cash-VAT that becomes due.

Concurrency: every writer of a partner's receipts and allocations takes one PostgreSQL
advisory transaction lock per (company, partner) before it reads anything it decides on
(what is open, what is left of a receipt, the day's cash), then locks the invoice rows it
pays (so a concurrent invoice_cancel waits, or is waited for and seen). On SQLite the
IMMEDIATE transaction already serialises writers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from domain.core.errors import Conflict, NotFound, ValidationFailed
from domain.core.money import from_minor, q2, q4
from domain.core.tx import for_update_sql, named_lock
from domain.ledger.reports import as_date, bani
from domain.org.fx import rate_for_invoice
from domain.org.permissions import Actor
from domain.payments.open_items import OpenItem, open_items
from domain.payments.postings import AllocationPost, vat_move_text
from domain.payments.rules import Paid, Payable, cash_vat_next, oldest_first, split
from tables.choices import DocStatus, InvoiceTypeCode, VatRegime
from tables.payments import Allocation
from tables.sales import Invoice

ZERO = Decimal("0.00")
FAR = date(9999, 12, 31)  # open_items "at": every allocation counts, whatever its day


async def lock_partner(company_id: int, partner_id: int) -> None:
    """Serialise the writers of one partner's receipts and allocations."""
    await named_lock(f"catastif:receivables:{company_id}:{partner_id}")


@dataclass(slots=True)
class Funds:
    """What is left of a receipt to allocate."""

    currency: str
    rate: Decimal  # lei per unit of its currency on its day (1 for lei)
    day: date  # the receipt's day: the rate at which lei pay a currency invoice
    left: Decimal
    left_ron: Decimal


async def locked_invoices(ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    if not ids:
        return {}
    rows = await Invoice.raw(
        "SELECT id, company, partner, status, full_number, issue_date, type_code FROM factura "
        f"WHERE id IN ({', '.join('{}' for _ in ids)}) ORDER BY id" + for_update_sql(),
        *sorted(ids),
    )
    return {r["id"]: r for r in rows}


def check_invoice(
    invoice_id: int, row: Mapping[str, Any] | None, company_id: int, partner_id: int, day: date
) -> None:
    if row is None:
        raise NotFound(
            "ALLOCATION_INVOICE_NOT_FOUND",
            f"Factura nr. {invoice_id} nu există.",
            f"Invoice {invoice_id} not found.",
            field="allocations",
        )
    label = row["full_number"] or f"nr. {invoice_id}"
    if row["company"] != company_id or row["partner"] != partner_id:
        raise ValidationFailed(
            "ALLOCATION_OTHER_PARTNER",
            f"Factura {label} este a altui partener sau a altei firme decât încasarea.",
            f"Invoice {label} belongs to another partner or company.",
            field="allocations",
            details={"invoice_id": invoice_id},
        )
    if row["status"] != DocStatus.issued:
        raise Conflict(
            "ALLOCATION_INVOICE_NOT_ISSUED",
            f"Factura {label} nu este emisă (ciornă sau anulată): nu se încasează.",
            f"Invoice {label} is not issued.",
            field="allocations",
            details={"invoice_id": invoice_id, "status": row["status"]},
        )
    if row["type_code"] in (InvoiceTypeCode.credit_note, InvoiceTypeCode.self_billed):
        raise ValidationFailed(
            "ALLOCATION_INVOICE_NOT_PAYABLE",
            f"{label} este o factură storno sau o autofactură: nu se încasează.",
            field="allocations",
            details={"invoice_id": invoice_id},
        )
    if row["issue_date"] is not None and as_date(row["issue_date"]) > day:
        raise ValidationFailed(
            "ALLOCATION_INVOICE_LATER",
            f"Factura {label} este emisă după {day:%d.%m.%Y}; alocați la o dată ulterioară.",
            field="allocations",
            details={"invoice_id": invoice_id},
        )


async def pay_rates(currencies: set[str], funds: Funds, *, required: bool) -> dict[str, Decimal]:
    """Lei per unit of each currency the funds can pay: a receipt in lei pays a currency
    invoice at the receipt day's BNR rate. Not `required` (oldest first), a currency
    without a rate that day is left out rather than refusing the receipt."""
    rates = {"RON": Decimal(1), funds.currency: funds.rate}
    if funds.currency != "RON":
        return rates
    for currency in sorted(currencies - set(rates)):
        try:
            rates[currency] = q4((await rate_for_invoice(currency, funds.day)).per_unit)
        except NotFound:
            if required:
                raise
    return rates


async def history_of(invoice_ids: Sequence[int]) -> dict[int, list[Paid]]:
    """The allocations of cash-VAT invoices, in id order, each with what it moved from 4428
    to 4427 as its entry booked it: an allocation of its own, its entry; one recorded with
    its receipt, the receipt's entry (its lines name the invoice, which a receipt pays at
    most once); an undoing, the opposite of what the undone one moved."""
    out: dict[int, list[Paid]] = {i: [] for i in invoice_ids}
    if not invoice_ids:
        return out
    rows = await Allocation.raw(
        "SELECT a.id, a.invoice, a.amount, a.reverses, a.entry, "
        f"(SELECT SUM({bani('l.credit')}) FROM nota_contabila e "
        "JOIN linie_nota l ON l.entry = e.id "
        "WHERE l.description = {} || f.full_number AND l.debit = 0 AND "
        "(e.id = a.entry OR (a.entry IS NULL AND e.source_type = 'receipt' "
        "AND e.source_id = a.receipt AND e.kind = 'receipt'))) AS moved "
        "FROM alocare_incasare a JOIN factura f ON f.id = a.invoice "
        f"WHERE a.invoice IN ({', '.join('{}' for _ in invoice_ids)}) ORDER BY a.id",
        vat_move_text(""),
        *invoice_ids,
    )
    moves: dict[int, Decimal] = {}
    for r in rows:
        if r["reverses"] is not None and r["entry"] is None:
            # Undone by a receipt's cancellation: the storno of the entry that moved it.
            moved = -moves.get(r["reverses"], ZERO)
        else:
            moved = from_minor(int(r["moved"] or 0))
        moves[r["id"]] = moved
        out[r["invoice"]].append(Paid(r["id"], q2(r["amount"]), moved))
    return out


def _once_each(wanted: list[tuple[int, Decimal | None]]) -> list[tuple[int, Decimal | None]]:
    """An invoice named twice is paid once with the sum (without an amount: as much as the
    funds pay): a receipt's entry names each invoice it pays once (history_of)."""
    if any(a is not None and a <= 0 for _, a in wanted):
        return wanted  # refused as it is (split: ALLOCATION_AMOUNT_INVALID), not summed away
    merged: dict[int, Decimal | None] = {}
    for invoice_id, amount in wanted:
        if invoice_id not in merged:
            merged[invoice_id] = amount
        else:
            before = merged[invoice_id]
            merged[invoice_id] = None if before is None or amount is None else before + amount
    return list(merged.items())


async def plan(
    *,
    company_id: int,
    partner_id: int,
    funds: Funds,
    day: date,
    wanted: list[tuple[int, Decimal | None]] | None,
) -> list[tuple[int, AllocationPost]]:
    """Decide what the funds pay (oldest due first when `wanted` is None), check it and
    work out each allocation's figures; `funds` is left with what remains."""
    if wanted is None:
        candidates = await open_items(company_id=company_id, at=FAR, partner_ids=[partner_id])
        ids = [
            x.invoice_id
            for x in candidates
            if x.open > 0 and x.issue_date <= day and x.type_code != InvoiceTypeCode.credit_note
        ]
        rows = await locked_invoices(ids)
        ids = [i for i in ids if rows.get(i, {}).get("status") == DocStatus.issued]
    else:
        wanted = _once_each(wanted)
        ids = sorted(i for i, _ in wanted)
        rows = await locked_invoices(ids)
        for invoice_id in ids:
            check_invoice(invoice_id, rows.get(invoice_id), company_id, partner_id, day)
    if not ids:
        return []
    items = await open_items(company_id=company_id, at=FAR, invoice_ids=ids, include_settled=True)
    by_id: dict[int, OpenItem] = {x.invoice_id: x for x in items if x.invoice_id in ids}
    rates = await pay_rates(
        {x.currency for x in by_id.values()}, funds, required=wanted is not None
    )
    if wanted is None:
        wanted = list(
            oldest_first(
                [
                    Payable(x.invoice_id, x.currency, x.open, rates[x.currency])
                    for x in items
                    if x.invoice_id in by_id and x.currency in rates
                ],
                funds.currency,
                funds.left,
            )
        )
    cash_vat = [i for i, x in by_id.items() if x.vat_regime == VatRegime.cash_vat]
    history = await history_of(cash_vat)
    open_ = {i: (x.open, x.open_ron) for i, x in by_id.items()}
    out: list[tuple[int, AllocationPost]] = []
    for invoice_id, amount in wanted:
        item = by_id[invoice_id]
        left, left_ron = open_[invoice_id]
        if left <= 0:
            raise ValidationFailed(
                "ALLOCATION_INVOICE_PAID",
                f"Factura {item.full_number} este încasată integral.",
                field="allocations",
                details={"invoice_id": invoice_id},
            )
        pay_rate = rates.get(item.currency, Decimal(1))
        if amount is None:  # as much as the funds pay of it
            planned = oldest_first(
                [Payable(invoice_id, item.currency, left, pay_rate)], funds.currency, funds.left
            )
            amount = planned[0][1] if planned else left
        part = split(
            amount=amount,
            invoice_currency=item.currency,
            invoice_rate=item.fx_rate,
            open_=left,
            open_ron=left_ron,
            receipt_currency=funds.currency,
            pay_rate=pay_rate,
            left=funds.left,
            left_ron=funds.left_ron,
            invoice_label=item.full_number,
        )
        vat_move = ZERO
        if invoice_id in history:
            total = item.payable + item.credited
            vat_move = cash_vat_next(item.vat_ron, total, history[invoice_id], part.amount)
            # Not stored yet: a later allocation of the same invoice in this plan counts it.
            history[invoice_id].append(Paid(-len(out) - 1, part.amount, vat_move))
        open_[invoice_id] = (left - part.amount, left_ron - part.amount_ron)
        funds.left -= part.consumed
        funds.left_ron -= part.paid_ron
        out.append(
            (
                invoice_id,
                AllocationPost(
                    item.currency,
                    part.amount,
                    part.amount_ron,
                    part.paid_ron,
                    part.consumed,
                    vat_move,
                    item.full_number,
                ),
            )
        )
    return out


ALLOCATION_INSERT = (
    "INSERT INTO alocare_incasare (company, receipt, invoice, day, amount, amount_ron, "
    "paid_ron, reverses, entry, created_at, created_by) "
    "VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}) RETURNING id"
)


async def allocation_insert(
    *,
    company_id: int,
    receipt_id: int,
    invoice_id: int,
    day: date,
    a: AllocationPost,
    reverses: int | None = None,
    by: Actor,
) -> int:
    (row,) = await Allocation.raw(
        ALLOCATION_INSERT,
        company_id,
        receipt_id,
        invoice_id,
        day,
        a.amount,
        a.amount_ron,
        a.paid_ron,
        reverses,
        None,
        datetime.now(UTC),
        by.name[:150],
    )
    return row["id"]
