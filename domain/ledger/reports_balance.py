"""The trial balance (balanța de verificare) and the general ledger (cartea mare).

The balance is the one Romanian accountants expect, "cu 4 egalități": per account the
opening balance of the financial year (sold inițial, 1 January of the period's year), the
period's turnover (rulaje perioadă), the sums (total sume = sold inițial + every turnover
since 1 January) and the closing balance (sold final). Each column pair balances by
construction: every entry is balanced, an account's balance is the net of its sums, and the
nets of all accounts add up to nothing. The turnover of the months before the period
(rulaje precedente) and since 1 January (rulaje cumulate) come with it, for the layout with
five equalities.

Rows are the accounts as posted (`detail="analytic"`: 4111 and 4111.01 apart) or folded
into their synthetic account (`detail="synthetic"`, the default); then the totals of the
grade-I accounts (411 for 4111 + 4118), of each class and of the whole balance. Totals add
the rows' debit and credit balances side by side, as the chart's synthetic accounts do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from domain.core.errors import NotFound
from domain.ledger.reports import (
    Pair,
    Period,
    code_filter,
    marks,
    period_check,
    report_company,
    sum_bani,
)
from domain.org.permissions import Actor
from tables.ledger import Account

Detail = Literal["synthetic", "analytic"]
Level = Literal["account", "group", "class", "total"]

CLASS_RO = {
    1: "Conturi de capitaluri, provizioane, împrumuturi și datorii asimilate",
    2: "Conturi de imobilizări",
    3: "Conturi de stocuri și producție în curs de execuție",
    4: "Conturi de terți",
    5: "Conturi de trezorerie",
    6: "Conturi de cheltuieli",
    7: "Conturi de venituri",
    8: "Conturi speciale",
    9: "Conturi de gestiune",
}

# Sums in bani per account, in this order: the opening net (debit minus credit before
# 1 January: the opening balance is all the report shows of it), then debit and credit of
# the months of the year before the period and of the period.
_SUMS = ("op", "bd", "bc", "pd", "pc")


@dataclass(frozen=True, slots=True)
class BalanceRow:
    code: str
    name: str
    level: Level
    account_class: int
    opening: Pair  # sold inițial (1 January)
    previous: Pair  # rulaje precedente (1 January .. the day before the period)
    period: Pair  # rulaje perioadă
    cumulated: Pair  # rulaje cumulate (1 January .. end of the period)
    totals: Pair  # total sume = opening + cumulated
    closing: Pair  # sold final


@dataclass(frozen=True, slots=True)
class TrialBalance:
    company: int
    start: date
    end: date
    year_start: date
    detail: Detail
    rows: list[BalanceRow]
    total: BalanceRow
    balanced: bool = field(default=True)


@dataclass(slots=True)
class _Sums:
    """An account's raw sums in bani, before they become balances."""

    op: int = 0
    bd: int = 0
    bc: int = 0
    pd: int = 0
    pc: int = 0

    def add(self, other: _Sums) -> None:
        for name in _SUMS:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass(slots=True)
class _Total:
    """Side-by-side sums of rows (balances are not netted again)."""

    cells: list[int] = field(default_factory=lambda: [0] * 12)

    def add(self, row: BalanceRow) -> None:
        pairs = (row.opening, row.previous, row.period, row.cumulated, row.totals, row.closing)
        for i, pair in enumerate(pairs):
            self.cells[2 * i] += int(pair.debit * 100)
            self.cells[2 * i + 1] += int(pair.credit * 100)

    def merge(self, other: _Total) -> None:
        self.cells = [a + b for a, b in zip(self.cells, other.cells, strict=True)]

    def row(self, code: str, name: str, level: Level, account_class: int) -> BalanceRow:
        c = self.cells
        pairs = [Pair.of(c[i], c[i + 1]) for i in range(0, 12, 2)]
        return BalanceRow(code, name, level, account_class, *pairs)


def _account_row(code: str, name: str, account_class: int, s: _Sums) -> BalanceRow:
    cum_d, cum_c = s.bd + s.pd, s.bc + s.pc
    opening_pair = Pair.balance(s.op)
    totals_d = int(opening_pair.debit * 100) + cum_d
    totals_c = int(opening_pair.credit * 100) + cum_c
    return BalanceRow(
        code=code,
        name=name,
        level="account",
        account_class=account_class,
        opening=opening_pair,
        previous=Pair.of(s.bd, s.bc),
        period=Pair.of(s.pd, s.pc),
        cumulated=Pair.of(cum_d, cum_c),
        totals=Pair.of(totals_d, totals_c),
        closing=Pair.balance(totals_d - totals_c),
    )


async def _account_sums(company_id: int, period: Period) -> list[dict[str, Any]]:
    """One row per account posted to until the end of the period: one GROUP BY, each
    column a filtered sum_bani() (PostgreSQL converts each sum to bani once, not every
    value: the cost of the report there, see docs/benchmarks.md)."""
    before, earlier, within = "l.day < {}", "l.day >= {} AND l.day < {}", "l.day >= {}"
    return await Account.raw(
        "SELECT a.code, a.name, a.account_class, a.parent, t.op, t.bd, t.bc, t.pd, t.pc "
        "FROM (SELECT l.account, "
        f"{sum_bani('l.debit - l.credit', where=before)} AS op, "
        f"{sum_bani('l.debit', where=earlier)} AS bd, "
        f"{sum_bani('l.credit', where=earlier)} AS bc, "
        f"{sum_bani('l.debit', where=within)} AS pd, "
        f"{sum_bani('l.credit', where=within)} AS pc "
        "FROM linie_nota l WHERE l.company = {} AND l.day <= {} GROUP BY l.account) t "
        "JOIN cont_contabil a ON a.id = t.account",
        period.year_start,
        period.year_start, period.start, period.year_start, period.start,
        period.start, period.start,
        company_id, period.end,
    )  # fmt: skip


async def _names(company_id: int, codes: set[str]) -> dict[str, str]:
    wanted = sorted(codes)
    if not wanted:
        return {}
    rows = await Account.raw(
        f"SELECT code, name FROM cont_contabil WHERE company = {{}} AND code IN ({marks(wanted)})",
        company_id, *wanted,
    )  # fmt: skip
    return {r["code"]: r["name"] for r in rows}


async def trial_balance(
    *,
    by: Actor,
    start: date,
    end: date,
    company_id: int | None = None,
    detail: Detail = "synthetic",
) -> TrialBalance:
    company = await report_company(by, company_id)
    period = period_check(start, end)
    accounts: dict[str, tuple[str, int, _Sums]] = {}
    folded: set[str] = set()
    for r in await _account_sums(company, period):
        code = r["code"]
        if detail == "synthetic" and r["parent"]:
            code = r["parent"]
            folded.add(code)
        sums = _Sums(*(int(r[k]) for k in _SUMS))
        if code in accounts:
            accounts[code][2].add(sums)
        else:
            accounts[code] = (r["name"], int(r["account_class"]), sums)
    groups = {code[:3] for code in accounts}
    names = await _names(company, folded | groups)
    rows: list[BalanceRow] = []
    grand = _Total()
    for cls in sorted({a[1] for a in accounts.values()}):
        class_total, in_class = _Total(), []
        for code in sorted(c for c, a in accounts.items() if a[1] == cls):
            name, _, sums = accounts[code]
            row = _account_row(code, names.get(code, name), cls, sums)
            if not _is_empty(row):
                in_class.append(row)
        if not in_class:
            continue
        for group in sorted({r.code[:3] for r in in_class}):
            members = [r for r in in_class if r.code[:3] == group]
            group_total = _Total()
            for row in members:
                rows.append(row)
                group_total.add(row)
            if [r.code for r in members] != [group]:  # a lone grade-I account is its total
                rows.append(group_total.row(group, names.get(group, ""), "group", cls))
            class_total.merge(group_total)
        rows.append(class_total.row(str(cls), CLASS_RO.get(cls, ""), "class", cls))
        grand.merge(class_total)
    total = grand.row("", "Total balanță", "total", 0)
    return TrialBalance(
        company=company,
        start=period.start,
        end=period.end,
        year_start=period.year_start,
        detail=detail,
        rows=rows,
        total=total,
        balanced=is_balanced(total),
    )


def _is_empty(row: BalanceRow) -> bool:
    """Nothing in any column (lines that cancel out within a column still show: dropping
    the row would unbalance the columns where they do not)."""
    pairs = (row.opening, row.previous, row.period, row.cumulated, row.totals, row.closing)
    return all(p.debit == 0 and p.credit == 0 for p in pairs)


def is_balanced(total: BalanceRow) -> bool:
    """The equalities: every column pair of the totals has debit = credit."""
    pairs = (total.opening, total.previous, total.period, total.cumulated, total.totals,
             total.closing)  # fmt: skip
    return all(p.debit == p.credit for p in pairs)


# ------------------------------------------------------------------------------ cartea mare


@dataclass(frozen=True, slots=True)
class LedgerMonth:
    month: str  # 2026-03
    turnover: Pair
    balance: Pair  # after the month


@dataclass(frozen=True, slots=True)
class LedgerAccount:
    code: str
    name: str
    opening: Pair  # at the start of the period
    months: list[LedgerMonth]
    turnover: Pair  # of the period
    closing: Pair


@dataclass(frozen=True, slots=True)
class GeneralLedger:
    company: int
    start: date
    end: date
    account: str
    accounts: list[LedgerAccount]


_BEFORE = "0000-00"  # the bucket of everything before the period


async def general_ledger(
    *,
    by: Actor,
    start: date,
    end: date,
    company_id: int | None = None,
    account: str = "",
) -> GeneralLedger:
    """Per account (as posted; `account` keeps one account and what is under it), its
    balance at the start of the period, then each month's debit and credit turnover and
    the balance after it: one GROUP BY (account, month)."""
    company = await report_company(by, company_id)
    period = period_check(start, end)
    account = account.strip()
    scope, params = "l.company = {}", [company]
    if account:
        # One account and those under it, by id: read through (account, day).
        condition, codes = code_filter("code", [account])
        found = await Account.raw(
            f"SELECT id, code FROM cont_contabil WHERE company = {{}} AND {condition}",
            company, *codes,
        )  # fmt: skip
        if account not in {r["code"] for r in found}:
            await _account_exists(company, account)  # raises: no such account
        ids = [r["id"] for r in found]
        scope, params = f"l.account IN ({marks(ids)})", ids
    rows = await Account.raw(
        "SELECT a.code, a.name, t.month, t.d, t.c FROM (SELECT l.account, "
        f"CASE WHEN l.day < {{}} THEN '{_BEFORE}' "
        "ELSE SUBSTR(CAST(l.day AS VARCHAR(10)), 1, 7) END AS month, "
        f"{sum_bani('l.debit')} AS d, {sum_bani('l.credit')} AS c "
        f"FROM linie_nota l WHERE {scope} AND l.day <= {{}} "
        "GROUP BY l.account, 2) t "  # 2: the month, the expression above
        "JOIN cont_contabil a ON a.id = t.account",
        period.start, *params, period.end,
    )  # fmt: skip
    by_code: dict[str, tuple[str, list[tuple[str, int, int]]]] = {}
    for r in rows:
        by_code.setdefault(r["code"], (r["name"], []))[1].append(
            (r["month"], int(r["d"]), int(r["c"]))
        )
    accounts = []
    for code in sorted(by_code):
        name, months = by_code[code]
        months.sort()
        net = sum(d - c for m, d, c in months if m == _BEFORE)
        opening = Pair.balance(net)
        shown, turn_d, turn_c = [], 0, 0
        for m, d, c in months:
            if m == _BEFORE:
                continue
            net += d - c
            turn_d, turn_c = turn_d + d, turn_c + c
            shown.append(LedgerMonth(m, Pair.of(d, c), Pair.balance(net)))
        if not shown and net == 0:
            continue
        accounts.append(
            LedgerAccount(code, name, opening, shown, Pair.of(turn_d, turn_c), Pair.balance(net))
        )
    return GeneralLedger(company, period.start, period.end, account, accounts)


async def _account_exists(company_id: int, code: str) -> None:
    if not await Account.exists().where((Account.company == company_id) & (Account.code == code)):
        raise NotFound(
            "ACCOUNT_NOT_FOUND",
            f"Contul {code} nu există în planul de conturi al firmei.",
            f"Account {code} does not exist.",
            field="account",
        )
