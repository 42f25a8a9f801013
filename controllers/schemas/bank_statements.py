"""API shapes of bank statements: the import's answer, statements, lines with their
proposal, and what a confirmation may change (msgspec)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

import msgspec

from controllers.schemas import MAX_INT

Id = Annotated[int, msgspec.Meta(ge=1, le=MAX_INT)]


class StatementImportedOut(msgspec.Struct):
    statement: int
    reference: str
    bank_account: int
    new_lines: int
    existing_lines: int
    already_imported: bool


class ImportOut(msgspec.Struct):
    """What the file brought: lines new and lines already there (a re-import or overlap)."""

    statements: list[StatementImportedOut]
    new_lines: int
    existing_lines: int
    new_line_ids: list[int]


class StatementOut(msgspec.Struct):
    id: int
    bank_account: int
    reference: str
    file_format: str
    file_name: str
    currency: str
    day_from: date | None
    day_to: date | None
    opening: Decimal | None
    closing: Decimal | None
    lines: dict[str, int]  # per status


class LineSettlementOut(msgspec.Struct):
    """A line confirmed as a card settlement: its entry, what left 5125, the bank's fee."""

    entry: int
    gross: Decimal
    fee: Decimal


class LineOut(msgspec.Struct):
    """`amount` + is money in, - money out. `proposal`: partner, partner_name, score
    (0-100), reasons (Romanian), invoices [{invoice, number, currency, open, amount}],
    advance; {} for debits. A confirmed line has its `receipt`, or (a card settlement)
    its `card_settlement`."""

    id: int
    statement: int
    bank_account: int
    bank_reference: str
    day: date
    value_day: date | None
    amount: Decimal
    currency: str
    counterparty_name: str
    counterparty_iban: str
    text: str
    status: str
    partner: int | None
    proposal: dict[str, Any]
    receipt: int | None
    card_settlement: LineSettlementOut | None = None


class AllocationIn(msgspec.Struct, forbid_unknown_fields=True):
    invoice: Id
    amount: Decimal | None = None  # in the invoice's currency; None = as much as it takes


class ConfirmIn(msgspec.Struct, forbid_unknown_fields=True):
    """Empty = the proposal as it is. `partner` another payer; `allocations` the invoices
    and amounts ([] = all an advance)."""

    partner: Id | None = None
    allocations: list[AllocationIn] | None = None


class ConfirmOut(msgspec.Struct):
    line: int
    receipt: int
    partner: int


class CardSettlementIn(msgspec.Struct, forbid_unknown_fields=True):
    """The line is what reached the bank. `fee`: the bank's commission (gross = line +
    fee); or `gross`: what the bank settled before its fee; neither: no fee."""

    fee: Decimal | None = None
    gross: Decimal | None = None


class CardSettlementOut(msgspec.Struct):
    """`created` false: the line was already this settlement (nothing booked again)."""

    line: int
    entry: int
    gross: Decimal
    fee: Decimal
    net: Decimal
    created: bool


class ProposedOut(msgspec.Struct):
    lines_with_partner: int
