"""Month-end FX revaluation of currency receivables (ro-fiscal.md §2), pure.

What a currency invoice still owes at the month's end is worth, in lei, its open amount
at the BNR rate published on the month's last banking day; its receivable holds
`open_ron`, booked at the invoice's rate. The difference is a gain (4111 = 7651) or a loss
(6651 = 4111), in lei only: no currency moves, so the lines carry the invoice's currency
with currency_amount 0. Advances received (419) are not monetary items and are not
revalued; a credit note owed back to a client in a currency is, with its sign.

The entry is reversed on the first day of the next month (domain/payments/
revaluation_ops.py), so a collection keeps comparing with the invoice's rate.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from domain.core.money import q2
from domain.ledger.rules import Dimensions, PostLine
from tables.choices import PostingRole

if TYPE_CHECKING:  # the read model; this module stays pure
    from domain.payments.open_items import OpenItem

ZERO = Decimal("0.00")


@dataclass(frozen=True, slots=True)
class MonthRate:
    """A currency's BNR rate as published on the month's last banking day."""

    currency: str
    day: date
    rate: Decimal  # RON per `multiplier` units (HUF, JPY, KRW: 100)
    multiplier: int = 1

    def value(self, amount: Decimal) -> Decimal:
        return q2(amount * self.rate / self.multiplier)


@dataclass(frozen=True, slots=True)
class Revalued:
    """One open currency invoice at the month's end."""

    invoice_id: int
    partner_id: int
    number: str
    currency: str
    open: Decimal  # in the invoice's currency
    invoice_rate: Decimal
    old_ron: Decimal  # what its receivable holds (open_ron, at the invoice's rate)
    rate: MonthRate
    dims: Dimensions

    @property
    def new_ron(self) -> Decimal:
        return self.rate.value(self.open)

    @property
    def difference(self) -> Decimal:
        return self.new_ron - self.old_ron

    def detail(self) -> dict[str, Any]:
        """As kept in FxRevaluation.details (JSON: amounts as strings)."""
        return {
            "invoice": self.invoice_id,
            "number": self.number,
            "partner": self.partner_id,
            "currency": self.currency,
            "open": str(self.open),
            "invoice_rate": str(self.invoice_rate),
            "old_ron": str(self.old_ron),
            "rate": str(self.rate.rate),
            "multiplier": self.rate.multiplier,
            "new_ron": str(self.new_ron),
            "difference": str(self.difference),
        }


def currency_items(items: Iterable[OpenItem]) -> list[OpenItem]:
    """What is revalued: open items in a currency other than the leu, still owing some."""
    return [x for x in items if x.currency != "RON" and x.open != ZERO]


def revalue(items: Iterable[OpenItem], rates: Mapping[str, MonthRate]) -> list[Revalued]:
    """Each open currency item at its currency's month-end rate (`rates` has them all)."""
    return [
        Revalued(
            invoice_id=x.invoice_id,
            partner_id=x.partner_id,
            number=x.full_number,
            currency=x.currency,
            open=x.open,
            invoice_rate=x.fx_rate,
            old_ron=x.open_ron,
            rate=rates[x.currency],
            dims=Dimensions(work_point=x.work_point, team=x.team, person=x.person),
        )
        for x in currency_items(items)
    ]


def revaluation_posting(revalued: Iterable[Revalued]) -> list[PostLine]:
    """Per invoice with a difference: 4111 = 7651 (gain) or 6651 = 4111 (loss), in lei."""
    out: list[PostLine] = []
    for r in revalued:
        text = f"Reevaluare {r.number} ({r.open} {r.currency} x {r.rate.rate})"
        receivable = PostLine(
            PostingRole.receivable, partner=r.partner_id, currency=r.currency,
            description=text, dims=r.dims,
        )  # fmt: skip
        if r.difference > 0:
            out.append(replace(receivable, debit=r.difference))
            out.append(
                PostLine(PostingRole.fx_gain, credit=r.difference, description=text, dims=r.dims)
            )
        elif r.difference < 0:
            out.append(
                PostLine(PostingRole.fx_loss, debit=-r.difference, description=text, dims=r.dims)
            )
            out.append(replace(receivable, credit=-r.difference))
    return out
