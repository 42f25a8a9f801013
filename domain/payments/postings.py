"""Posting rules of receipts (ro-fiscal.md §2, §3 "Receipts", "Cash-VAT"), pure.

Receipt: debit the money account (cash desk 5311/5314, bank 5121/5124, card 5125) with
what came in, in lei at the receipt's rate; per allocation credit the receivable (4111,
the partner's) with what leaves it at the invoice's rate, the difference to what that part
of the receipt is worth to 765 (gain) or 665 (loss), and under cash-VAT the collected
share of the invoice's VAT 4428 → 4427; what is not allocated credits 419 (the partner's
advance). An advance used later: 419 instead of the money account, in its own entry.
Undoing an allocation is the mirror (storno in red) of that advance use: the money goes
back to 419.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from domain.ledger.rules import ZERO, Dimensions, PostLine, without_zero
from tables.choices import PostingRole


@dataclass(frozen=True, slots=True)
class AllocationPost:
    invoice_currency: str
    amount: Decimal  # invoice currency
    amount_ron: Decimal  # leaves the receivable
    paid_ron: Decimal  # what it takes of the receipt, in lei
    consumed: Decimal  # what it takes of the receipt, in the receipt's currency
    vat_move: Decimal = ZERO  # cash-VAT that becomes due, lei
    invoice: str = ""  # its number, on the receivable's line (the customer file shows it)


@dataclass(frozen=True, slots=True)
class ReceiptPost:
    partner: int
    currency: str
    amount: Decimal  # receipt currency
    amount_ron: Decimal
    money: PostingRole | str  # the cash desk's / bank account's own account, or a role
    dims: Dimensions = field(default_factory=Dimensions)


def _amount(currency: str, value: Decimal) -> Decimal:
    return ZERO if currency == "RON" else value


def vat_move_text(invoice: str) -> str:
    """The description of a cash-VAT move's lines: how what an allocation moved is read back
    from its entry (domain/payments/allocating.py history_of)."""
    return f"TVA la încasare {invoice}"


def allocation_lines(partner: int, a: AllocationPost, dims: Dimensions) -> list[PostLine]:
    """What an allocation credits: the receivable, the FX difference, the cash-VAT move."""
    out = [
        PostLine(
            PostingRole.receivable,
            credit=a.amount_ron,
            partner=partner,
            currency=a.invoice_currency,
            currency_amount=-_amount(a.invoice_currency, a.amount),
            description=f"Încasare {a.invoice}".strip(),
            dims=dims,
        ),
    ]
    difference = a.paid_ron - a.amount_ron
    if difference > 0:
        out.append(PostLine(PostingRole.fx_gain, credit=difference, dims=dims))
    elif difference < 0:
        out.append(PostLine(PostingRole.fx_loss, debit=-difference, dims=dims))
    if a.vat_move:
        text = vat_move_text(a.invoice)
        out.append(PostLine(PostingRole.vat_pending, debit=a.vat_move, description=text, dims=dims))
        out.append(
            PostLine(PostingRole.vat_collected, credit=a.vat_move, description=text, dims=dims)
        )
    return out


def _advance(
    r_currency: str,
    partner: int,
    value: Decimal,
    value_ron: Decimal,
    dims: Dimensions,
    *,
    debit: bool,
) -> PostLine:
    amount = _amount(r_currency, value)
    if debit:
        return PostLine(
            PostingRole.advance_received,
            debit=value_ron,
            partner=partner,
            currency=r_currency,
            currency_amount=amount,
            dims=dims,
        )
    return PostLine(
        PostingRole.advance_received,
        credit=value_ron,
        partner=partner,
        currency=r_currency,
        currency_amount=-amount,
        dims=dims,
    )


def receipt_posting(receipt: ReceiptPost, allocations: Sequence[AllocationPost]) -> list[PostLine]:
    """The receipt's entry: money in, allocations, the rest to 419."""
    r = receipt
    out = [
        PostLine(
            r.money,
            debit=r.amount_ron,
            currency=r.currency,
            currency_amount=_amount(r.currency, r.amount),
            dims=r.dims,
        ),
    ]
    for a in allocations:
        out += allocation_lines(r.partner, a, r.dims)
    left = r.amount - sum((a.consumed for a in allocations), ZERO)
    left_ron = r.amount_ron - sum((a.paid_ron for a in allocations), ZERO)
    out.append(_advance(r.currency, r.partner, left, left_ron, r.dims, debit=False))
    return without_zero(out)


def advance_use_posting(
    *, partner: int, receipt_currency: str, allocation: AllocationPost, dims: Dimensions
) -> list[PostLine]:
    """An advance (419) paying an invoice later; with negative figures, its undoing."""
    a = allocation
    return without_zero(
        [
            _advance(receipt_currency, partner, a.consumed, a.paid_ron, dims, debit=True),
            *allocation_lines(partner, a, dims),
        ]
    )
