"""Double entry, pure: a line of a posting, the balance check, the mirror (storno).

The posting rules of each document (domain/ledger/postings.py) produce `PostLine`s naming
a role (receivable, revenue_goods, vat_collected...) or an account code; `entry_post`
(domain/ledger/ops.py) turns roles into the company's accounts and writes the entry.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from domain.core.errors import ValidationFailed
from domain.core.money import q2, sum_money
from tables.choices import PostingRole

ZERO = Decimal("0.00")


@dataclass(frozen=True, slots=True)
class Dimensions:
    """The analytic dimensions every journal line carries."""

    work_point: int | None = None
    cost_centre: int | None = None
    department: int | None = None
    team: int | None = None
    person: int | None = None
    pos: int | None = None
    contract: int | None = None


@dataclass(frozen=True, slots=True)
class PostLine:
    """Debit or credit (one of them; negative amounts are a storno on the same side) of an
    account given by code, or by a role the company maps to an account."""

    account: str | PostingRole
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    partner: int | None = None
    currency: str = "RON"
    currency_amount: Decimal = ZERO  # in `currency`; + on the debit side, - on the credit side
    article: int | None = None
    description: str = ""
    dims: Dimensions = Dimensions()


def check_balanced(lines: Sequence[PostLine]) -> None:
    """Debits equal credits to the ban, and no line is empty or both sides at once."""
    if not lines:
        raise ValidationFailed("ENTRY_EMPTY", "Nota contabilă nu are nicio linie.", field="lines")
    for i, line in enumerate(lines):
        if line.debit != q2(line.debit) or line.credit != q2(line.credit):
            raise ValidationFailed(
                "ENTRY_AMOUNT_PRECISION",
                f"Linia {i + 1}: sumele au cel mult 2 zecimale.",
                field=f"lines[{i}]",
            )
        if (line.debit != 0) == (line.credit != 0):
            raise ValidationFailed(
                "ENTRY_LINE_SIDE",
                f"Linia {i + 1}: completați fie debitul, fie creditul.",
                field=f"lines[{i}]",
            )
    debit = sum_money(x.debit for x in lines)
    credit = sum_money(x.credit for x in lines)
    if debit != credit:
        raise ValidationFailed(
            "ENTRY_UNBALANCED",
            f"Nota nu este echilibrată: debit {debit} ≠ credit {credit}.",
            f"Unbalanced entry: debit {debit} != credit {credit}.",
            details={"debit": str(debit), "credit": str(credit)},
        )


def mirror(lines: Iterable[PostLine]) -> list[PostLine]:
    """The storno of an entry: the same accounts and sides, amounts negated."""
    return [
        replace(x, debit=-x.debit, credit=-x.credit, currency_amount=-x.currency_amount)
        for x in lines
    ]


def without_zero(lines: Iterable[PostLine]) -> list[PostLine]:
    return [x for x in lines if x.debit != 0 or x.credit != 0]


def month_of(day: date) -> date:
    return day.replace(day=1)
