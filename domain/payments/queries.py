"""Read models of receipts: one receipt with its allocations, a page of them, the advances
a partner still has (receipts with money not allocated, offered when allocating), what a
partner owes and has paid ahead (for the forms), and whether an invoice has collections."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from domain.core.errors import NotFound
from domain.core.money import from_minor, q2, q4
from domain.ledger.reports import as_date
from domain.org.permissions import Action, Actor, Area, require
from domain.payments.open_items import open_items
from tables.choices import DocStatus
from tables.partners import Partner
from tables.payments import Allocation, Receipt

MONEY = ("amount", "amount_ron", "paid_ron")


def _clean(row: dict[str, Any]) -> dict[str, Any]:
    for key in MONEY:
        if key in row:
            row[key] = q2(row[key])
    if row.get("fx_rate") is not None:
        row["fx_rate"] = q4(row["fx_rate"])
    for key in ("day", "fx_date"):
        if row.get(key) is not None:
            row[key] = as_date(row[key])
    return row


@dataclass(frozen=True, slots=True)
class Advance:
    """A receipt with money not yet allocated: the partner's advance (419)."""

    receipt_id: int
    full_number: str
    kind: str
    day: date
    currency: str
    amount: Decimal
    left: Decimal  # in the receipt's currency
    left_ron: Decimal


_ADVANCES = """
SELECT r.id, r.full_number, r.kind, r.day, r.currency,
       CAST(ROUND(r.amount * 100) AS BIGINT) AS amount,
       CAST(ROUND(r.amount * 100) AS BIGINT) - COALESCE((
         SELECT SUM(CAST(ROUND(CASE WHEN f.currency = r.currency THEN a.amount
                                    ELSE a.paid_ron END * 100) AS BIGINT))
           FROM alocare_incasare a JOIN factura f ON f.id = a.invoice
          WHERE a.receipt = r.id), 0) AS left_amount,
       CAST(ROUND(r.amount_ron * 100) AS BIGINT) - COALESCE((
         SELECT SUM(CAST(ROUND(a.paid_ron * 100) AS BIGINT)) FROM alocare_incasare a
          WHERE a.receipt = r.id), 0) AS left_ron
  FROM incasare r
 WHERE r.company = {} AND r.partner = {} AND r.status = {}
 ORDER BY r.day, r.id
"""


async def advances_available(company_id: int, partner_id: int) -> list[Advance]:
    """The partner's receipts with money left to allocate, oldest first."""
    rows = await Receipt.raw(_ADVANCES, company_id, partner_id, DocStatus.issued)
    return [
        Advance(
            r["id"], r["full_number"], r["kind"], as_date(r["day"]), r["currency"],
            from_minor(int(r["amount"])), from_minor(int(r["left_amount"])),
            from_minor(int(r["left_ron"])),
        )
        for r in rows
        if int(r["left_amount"]) > 0
    ]  # fmt: skip


async def partner_receivables(
    company_id: int, partner_id: int, *, at: date, by: Actor
) -> dict[str, Any]:
    """What the partner owes (open invoices, oldest due first) and has paid ahead."""
    require(by, Area.payments, Action.read)
    if not await Partner.exists().where(Partner.id == partner_id):
        raise NotFound("PARTNER_NOT_FOUND", f"Partenerul nr. {partner_id} nu există.",
                       f"Partner {partner_id} not found.")  # fmt: skip
    items = await open_items(company_id=company_id, at=at, partner_ids=[partner_id])
    return {
        "invoices": [
            {k: v for k, v in asdict(x).items() if k != "schedule"}
            | {"open_ron": x.open_ron, "schedule": [asdict(i) for i in x.schedule]}
            for x in items
        ],
        "advances": [asdict(x) for x in await advances_available(company_id, partner_id)],
    }


async def receipt_left(receipt_ids: Sequence[int]) -> dict[int, tuple[Decimal, Decimal]]:
    """What each receipt has not allocated: (in its currency, in lei)."""
    if not receipt_ids:
        return {}
    marks = ", ".join("{}" for _ in receipt_ids)
    rows = await Receipt.raw(
        "SELECT r.id, CAST(ROUND(r.amount * 100) AS BIGINT) AS amount, "
        "CAST(ROUND(r.amount_ron * 100) AS BIGINT) AS amount_ron, "
        "(SELECT SUM(CAST(ROUND(CASE WHEN f.currency = r.currency THEN a.amount "
        "ELSE a.paid_ron END * 100) AS BIGINT)) FROM alocare_incasare a "
        "JOIN factura f ON f.id = a.invoice WHERE a.receipt = r.id) AS used, "
        "(SELECT SUM(CAST(ROUND(a.paid_ron * 100) AS BIGINT)) FROM alocare_incasare a "
        f"WHERE a.receipt = r.id) AS used_ron FROM incasare r WHERE r.id IN ({marks})",
        *receipt_ids,
    )
    return {
        r["id"]: (
            from_minor(int(r["amount"]) - int(r["used"] or 0)),
            from_minor(int(r["amount_ron"]) - int(r["used_ron"] or 0)),
        )
        for r in rows
    }


async def receipt_get(receipt_id: int, *, by: Actor) -> dict[str, Any]:
    require(by, Area.payments, Action.read)
    row = await Receipt.select(*Receipt._meta.columns).where(Receipt.id == receipt_id).first()
    if row is None:
        raise NotFound(
            "RECEIPT_NOT_FOUND", f"Încasarea nr. {receipt_id} nu există.", "Receipt not found."
        )
    allocations = await Allocation.raw(
        "SELECT a.id, a.invoice, f.full_number AS invoice_number, f.currency, a.day, a.amount, "
        "a.amount_ron, a.paid_ron, a.reverses, a.entry FROM alocare_incasare a "
        "JOIN factura f ON f.id = a.invoice WHERE a.receipt = {} ORDER BY a.id",
        receipt_id,
    )
    left, left_ron = (await receipt_left([receipt_id]))[receipt_id]
    return _clean(row) | {
        "allocations": [_clean(a) for a in allocations],
        "left": left,
        "left_ron": left_ron,
    }


async def receipt_page(
    *,
    by: Actor,
    partner_id: int | None = None,
    company_id: int | None = None,
    before_id: int | None = None,
    limit: int = 50,
) -> tuple[list[dict[str, Any]], bool]:
    require(by, Area.payments, Action.read)
    columns = (Receipt.id, Receipt.company, Receipt.kind, Receipt.status, Receipt.full_number,
               Receipt.partner, Receipt.day, Receipt.currency, Receipt.amount,
               Receipt.amount_ron, Receipt.description)  # fmt: skip
    query = Receipt.select(*columns)
    if partner_id:
        query = query.where(Receipt.partner == partner_id)
    if company_id:
        query = query.where(Receipt.company == company_id)
    if before_id:
        query = query.where(Receipt.id < before_id)
    rows = await query.order_by(Receipt.id, ascending=False).limit(limit + 1)
    return [_clean(r) for r in rows[:limit]], len(rows) > limit


async def allocation_receipt(allocation_id: int) -> int:
    row = await Allocation.select(Allocation.receipt).where(Allocation.id == allocation_id).first()
    if row is None:
        raise NotFound("ALLOCATION_NOT_FOUND", f"Alocarea nr. {allocation_id} nu există.",
                       f"Allocation {allocation_id} not found.")  # fmt: skip
    return row["receipt"]


async def invoice_collected(invoice_id: int) -> bool:
    """Whether receipts pay the invoice now (allocations not undone): it cannot be
    cancelled then."""
    rows = await Allocation.raw(
        "SELECT a.id FROM alocare_incasare a WHERE a.invoice = {} AND a.reverses IS NULL "
        "AND NOT EXISTS (SELECT 1 FROM alocare_incasare r WHERE r.reverses = a.id) LIMIT 1",
        invoice_id,
    )
    return bool(rows)
