"""Receipts, pure: how much of a receipt pays how much of an invoice (oldest due first by
default), the FX difference that leaves, the cash-VAT that becomes due, the Law 70/2015
cash limits.

Amounts: an allocation's `amount` is in the invoice's currency; `amount_ron` is what
leaves the receivable (at the invoice's rate; the allocation that closes an invoice takes
exactly what its receivable still holds), `paid_ron` what that part of the receipt is
worth (at the receipt day's rate; the allocation that uses the rest of a receipt takes
exactly the RON left of it). A receipt in lei may pay an invoice in another currency at
the receipt day's BNR rate; a receipt in a currency pays invoices in that currency only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from domain.core.errors import ValidationFailed
from domain.core.money import CENT, q2
from tables.choices import CashLimitPolicy, PartnerKind

ZERO = Decimal("0.00")


def can_pay(receipt_currency: str, invoice_currency: str) -> bool:
    return receipt_currency in (invoice_currency, "RON")


@dataclass(frozen=True, slots=True)
class Split:
    """One allocation's figures."""

    amount: Decimal  # invoice currency
    amount_ron: Decimal  # leaves the receivable, at the invoice's rate
    paid_ron: Decimal  # what that part of the receipt is worth, at the receipt day's rate
    consumed: Decimal  # what it takes of the receipt, in the receipt's currency

    @property
    def fx_difference(self) -> Decimal:
        """> 0 a gain (765), < 0 a loss (665)."""
        return self.paid_ron - self.amount_ron


def split(
    *,
    amount: Decimal,
    invoice_currency: str,
    invoice_rate: Decimal,
    open_: Decimal,
    open_ron: Decimal,
    receipt_currency: str,
    pay_rate: Decimal,
    left: Decimal,
    left_ron: Decimal,
    invoice_label: str = "",
) -> Split:
    """Part of a receipt (`left` of it unused, worth `left_ron`) paying `amount` of an invoice
    that still owes `open_` (`open_ron` in its receivable). `pay_rate`: lei per unit of the
    invoice's currency on the receipt's day (1 for lei)."""
    label = f" {invoice_label}" if invoice_label else ""
    if amount <= 0 or amount != q2(amount):
        raise ValidationFailed(
            "ALLOCATION_AMOUNT_INVALID",
            f"Suma alocată facturii{label} trebuie să fie pozitivă, cu cel mult 2 zecimale.",
            f"The amount allocated to invoice{label} must be positive, 2 decimals at most.",
            field="allocations",
        )
    if not can_pay(receipt_currency, invoice_currency):
        raise ValidationFailed(
            "ALLOCATION_CURRENCY_MISMATCH",
            f"O încasare în {receipt_currency} nu poate plăti factura{label} "
            f"în {invoice_currency}.",
            f"A receipt in {receipt_currency} cannot pay invoice{label} in {invoice_currency}.",
            field="allocations",
        )
    if amount > open_:
        raise ValidationFailed(
            "ALLOCATION_EXCEEDS_OPEN",
            f"Factura{label} mai are de încasat {open_} {invoice_currency}; "
            f"nu se pot aloca {amount}.",
            f"Invoice{label} owes {open_} {invoice_currency}; {amount} cannot be allocated.",
            field="allocations",
            details={"open": str(open_), "amount": str(amount)},
        )
    amount_ron = open_ron if amount == open_ else min(q2(amount * invoice_rate), open_ron)
    if receipt_currency == invoice_currency:
        consumed = amount
        paid_ron = left_ron if amount == left else min(q2(amount * pay_rate), left_ron)
    else:  # lei paying a currency invoice
        paid_ron = consumed = q2(amount * pay_rate)
    if consumed > left:
        raise ValidationFailed(
            "ALLOCATION_EXCEEDS_RECEIPT",
            f"Din încasare au mai rămas {left} {receipt_currency}; plata facturii{label} "
            f"cere {consumed}.",
            f"Only {left} {receipt_currency} of the receipt is left; invoice{label} "
            f"needs {consumed}.",
            field="allocations",
            details={"left": str(left), "needed": str(consumed)},
        )
    return Split(amount, amount_ron, paid_ron, consumed)


@dataclass(frozen=True, slots=True)
class Payable:
    """An open invoice as the oldest-first plan sees it."""

    invoice_id: int
    currency: str
    open: Decimal
    pay_rate: Decimal  # lei per unit of its currency on the receipt's day


def oldest_first(
    items: Sequence[Payable], receipt_currency: str, left: Decimal
) -> list[tuple[int, Decimal]]:
    """(invoice, amount in its currency) paying `items` in the order given (open_items's:
    oldest due first) with what is `left` of a receipt; what remains is an advance."""
    plan: list[tuple[int, Decimal]] = []
    for item in items:
        if left <= 0:
            break
        if item.open <= 0 or not can_pay(receipt_currency, item.currency):
            continue
        if item.currency == receipt_currency:
            amount = min(item.open, left)
            left -= amount
        elif q2(item.open * item.pay_rate) <= left:
            amount = item.open
            left -= q2(amount * item.pay_rate)
        else:
            # Down to the cent, so that the lei it is worth never exceed what is left.
            amount = (left / item.pay_rate).quantize(CENT, rounding=ROUND_DOWN)
            left -= q2(amount * item.pay_rate)
        if amount > 0:
            plan.append((item.invoice_id, amount))
    return plan


@dataclass(frozen=True, slots=True)
class Paid:
    """A stored allocation of a cash-VAT invoice, in id order, with what its entry moved
    from 4428 to 4427 (read from the books: a credit note issued since then changes the
    invoice's totals, not what was booked)."""

    id: int
    amount: Decimal
    moved: Decimal = ZERO


def _collected_vat(vat_ron: Decimal, total: Decimal, paid: Decimal) -> Decimal:
    """The VAT due once `paid` of `total` is collected: proportional, all of it at the end."""
    if total <= 0:
        return ZERO
    return vat_ron if paid >= total else q2(vat_ron * paid / total)


def cash_vat_next(
    vat_ron: Decimal, total: Decimal, history: Sequence[Paid], amount: Decimal
) -> Decimal:
    """What a new collection of `amount` moves from 4428 to 4427: what makes the collected
    VAT proportional to what is paid of the invoice as it stands now (its credit notes
    netted), less what earlier collections really moved; the one that settles it moves
    exactly the rest."""
    moved = sum((x.moved for x in history), ZERO)
    paid = sum((x.amount for x in history), ZERO) + amount
    return _collected_vat(vat_ron, total, paid) - moved


def cash_limit(kind: str, *, company_limit: Decimal, individual_limit: Decimal) -> Decimal:
    """Law 70/2015: the most cash a day from one counterparty, by its kind."""
    return individual_limit if kind == PartnerKind.individual else company_limit


def check_cash_limit(
    *,
    day_total: Decimal,
    amount_ron: Decimal,
    limit: Decimal,
    policy: str,
    reason: str,
    partner_name: str,
) -> str:
    """Refuse (or, under the override policy, require a reason for) a cash receipt that takes
    the day's cash from this partner over the limit; returns the reason to record."""
    total = day_total + amount_ron
    if total <= limit:
        return ""
    details = {"limit": str(limit), "day_total": str(day_total), "amount_ron": str(amount_ron)}
    if policy != CashLimitPolicy.override:
        raise ValidationFailed(
            "CASH_LIMIT_EXCEEDED",
            f"Plafonul de numerar (Legea 70/2015) este de {limit} lei pe zi pentru "
            f"{partner_name}: încasat deja azi {day_total} lei, acum {amount_ron} lei. "
            "Încasați diferența prin bancă sau card.",
            f"The cash limit of {limit} lei a day for {partner_name} would be exceeded "
            f"({day_total} already, {amount_ron} now).",
            field="amount",
            details=details,
        )
    if not reason.strip():
        raise ValidationFailed(
            "CASH_LIMIT_REASON_REQUIRED",
            f"Încasarea depășește plafonul de numerar de {limit} lei pe zi (Legea 70/2015) "
            f"pentru {partner_name}: scrieți motivul depășirii.",
            f"The receipt exceeds the cash limit of {limit} lei a day: state the reason.",
            field="cash_limit_reason",
            details=details,
        )
    return reason.strip()[:300]
