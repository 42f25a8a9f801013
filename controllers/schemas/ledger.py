"""API shapes of the ledger: accounts, manual journal entries, closed months, doubtful
clients. Amounts travel as decimal strings (numbers are accepted on the way in)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import msgspec

from controllers.schemas import Int32, Str20, Str40, Str200, Text


class EntryLineIn(msgspec.Struct, forbid_unknown_fields=True):
    account: Str20
    debit: Decimal = Decimal(0)
    credit: Decimal = Decimal(0)
    partner: Int32 | None = None
    description: Str200 = ""
    currency: Str20 = "RON"
    currency_amount: Decimal = Decimal(0)  # in `currency`; + on the debit side
    article: Int32 | None = None
    work_point: Int32 | None = None
    cost_centre: Int32 | None = None
    department: Int32 | None = None
    team: Int32 | None = None
    person: Int32 | None = None
    pos: Int32 | None = None
    contract: Int32 | None = None


class ManualEntryIn(msgspec.Struct, forbid_unknown_fields=True):
    day: date
    description: Text
    lines: list[EntryLineIn]
    reference: Str40 = ""
    company: Int32 | None = None


class EntryLineOut(msgspec.Struct):
    id: int
    account: str
    account_name: str
    debit: Decimal
    credit: Decimal
    currency: str
    currency_amount: Decimal
    partner: int | None
    description: str
    article: int | None
    work_point: int | None
    cost_centre: int | None
    department: int | None
    team: int | None
    person: int | None
    pos: int | None
    contract: int | None


class EntryOut(msgspec.Struct):
    id: int
    company: int
    day: date
    kind: str
    source_type: str
    source_id: int | None
    reference: str
    description: str
    reverses: int | None
    created_at: datetime
    created_by: str
    lines: list[EntryLineOut]


class AccountIn(msgspec.Struct, forbid_unknown_fields=True):
    """An analytic account: its synthetic parent's code, a dot, the analytic (4111.01)."""

    code: Str20
    name: Str200
    active: bool = True
    company: Int32 | None = None


class AccountOut(msgspec.Struct):
    id: int
    company: int
    code: str
    name: str
    account_class: int
    kind: str
    parent: str
    third_party: bool
    active: bool


class AccountPage(msgspec.Struct):
    items: list[AccountOut]
    next: str | None


class PeriodIn(msgspec.Struct, forbid_unknown_fields=True):
    month: date  # any day of the month
    company: Int32 | None = None


class PeriodOut(msgspec.Struct):
    company: int
    month: date
    closed: bool
    changed: bool  # false: it was already so
    closed_months: list[date]


class DoubtfulIn(msgspec.Struct, forbid_unknown_fields=True):
    amount: Decimal | None = None  # none: all the client owes on 4111
    day: date | None = None  # none: today
    company: Int32 | None = None
