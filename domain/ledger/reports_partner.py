"""The customer file (fișa client) and the supplier file (fișa furnizor).

Everything one partner owes or is owed across the accounts that follow it: for a client
the company's accounts for receivables (4111), advances received (419), invoices to be
issued (418) and doubtful clients (4118); for a supplier its payables (401), invoices not
yet received (408) and advances paid (409) — each with its analytics (4111.01). The
accounts come from the company's default accounts, so a company that maps receivables to
4111.01 gets that; the partner's own account (Parteneri › roluri › cont) is included too.

The lines of the period carry a running balance in RON and, for currency documents, in
their currency (JournalLine.currency_amount: + debit, - credit), both computed by window
sums in SQL, starting from the balance before the period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from domain.core.errors import NotFound
from domain.ledger.reports import (
    ROW_LIMIT,
    Pair,
    as_date,
    bani,
    code_filter,
    marks,
    money,
    period_check,
    report_company,
)
from domain.org.permissions import Actor
from tables.choices import PostingRole
from tables.ledger import JournalLine

Side = Literal["client", "supplier"]

# What each account of the file holds, in the order the file lists them.
CLIENT_ROLES: dict[PostingRole, str] = {
    PostingRole.receivable: "Facturi emise",
    PostingRole.advance_received: "Avansuri încasate",
    PostingRole.to_invoice: "Facturi de întocmit",
    PostingRole.doubtful: "Clienți incerți",
}
SUPPLIER_ROLES: dict[PostingRole, str] = {PostingRole.payable: "Facturi primite"}
# Supplier accounts no posting rule uses yet (purchases come later): the chart's own codes.
SUPPLIER_CODES: dict[str, str] = {
    "408": "Facturi nesosite",
    "409": "Avansuri acordate",
}


@dataclass(frozen=True, slots=True)
class FileAccount:
    code: str
    name: str
    label: str  # what the account holds: "Facturi emise", "Avansuri încasate" ...
    opening: Pair
    turnover: Pair
    closing: Pair


@dataclass(frozen=True, slots=True)
class FileCurrency:
    """A currency's balance (+ the partner owes, - is owed), from currency_amount."""

    currency: str
    opening: Decimal
    movement: Decimal
    closing: Decimal


@dataclass(frozen=True, slots=True)
class FileLine:
    day: date
    entry: int
    reference: str
    description: str
    account: str
    debit: Decimal
    credit: Decimal
    balance: Pair  # running, in RON
    currency: str
    currency_amount: Decimal | None  # None for RON lines
    currency_balance: Decimal | None  # running, in the line's currency


@dataclass(frozen=True, slots=True)
class PartnerFile:
    company: int
    partner: int
    partner_name: str
    partner_code: str
    side: Side
    start: date
    end: date
    accounts: list[FileAccount]
    currencies: list[FileCurrency]
    opening: Pair
    turnover: Pair
    closing: Pair
    lines: list[FileLine]
    truncated: bool


async def _setup(
    company_id: int, partner_id: int, side: Side
) -> tuple[dict[str, Any], dict[str, str]]:
    """The partner and {account code: what it holds} for the file's accounts (and what is
    under them): one query for the partner, the mapped accounts and its own account."""
    roles = CLIENT_ROLES if side == "client" else SUPPLIER_ROLES
    role_names = [str(r) for r in roles]
    rows = await JournalLine.raw(
        "SELECT 'partner' AS k, name AS a, cui AS b, cnp AS c, foreign_vat_id AS d "
        "FROM partener WHERE id = {} "
        "UNION ALL SELECT 'mapped', role, account, '', '' FROM cont_implicit "
        f"WHERE company = {{}} AND role IN ({marks(role_names)}) "
        "UNION ALL SELECT 'own', account, '', '', '' FROM rol_partener "
        "WHERE partner = {} AND role = {}",
        partner_id, company_id, *role_names, partner_id, side,
    )  # fmt: skip
    partner = next((r for r in rows if r["k"] == "partner"), None)
    if partner is None:
        raise NotFound(
            "PARTNER_NOT_FOUND",
            f"Partenerul nr. {partner_id} nu există.",
            f"Partner {partner_id} does not exist.",
            field="partner",
        )
    by_role = {r["a"]: r["b"] for r in rows if r["k"] == "mapped"}
    roots = {by_role[str(role)]: label for role, label in roles.items() if str(role) in by_role}
    if side == "supplier":
        roots |= SUPPLIER_CODES
    first_label = next(iter(roles.values()))
    for r in rows:
        code = r["a"] if r["k"] == "own" else ""
        if code and not any(code.startswith(root) for root in roots):
            roots[code] = first_label
    return partner, roots


async def _file_accounts(company_id: int, roots: dict[str, str]) -> dict[int, tuple[str, str]]:
    """{account id: (code, name)} of the accounts the file follows; the lines are then read
    by (partner, account, day), the index the file has."""
    condition, params = code_filter("code", sorted(roots))
    rows = await JournalLine.raw(
        f"SELECT id, code, name FROM cont_contabil WHERE company = {{}} AND {condition}",
        company_id, *params,
    )  # fmt: skip
    return {r["id"]: (r["code"], r["name"]) for r in rows}


def _label(code: str, roots: dict[str, str]) -> str:
    best = max((r for r in roots if code.startswith(r)), key=len, default="")
    return roots.get(best, "")


async def partner_file(
    *,
    by: Actor,
    partner_id: int,
    start: date,
    end: date,
    side: Side = "client",
    company_id: int | None = None,
) -> PartnerFile:
    company = await report_company(by, company_id)
    period = period_check(start, end)
    partner, roots = await _setup(company, partner_id, side)
    accounts_by_id = await _file_accounts(company, roots)
    ids = sorted(accounts_by_id)
    d, c, ca = bani("l.debit"), bani("l.credit"), bani("l.currency_amount")
    sums = await JournalLine.raw(
        "SELECT l.account, l.currency, "
        f"SUM(CASE WHEN l.day < {{}} THEN {d} - {c} ELSE 0 END) AS opening, "
        f"SUM(CASE WHEN l.day >= {{}} THEN {d} ELSE 0 END) AS d, "
        f"SUM(CASE WHEN l.day >= {{}} THEN {c} ELSE 0 END) AS c, "
        f"SUM(CASE WHEN l.day < {{}} THEN {ca} ELSE 0 END) AS cur_opening, "
        f"SUM(CASE WHEN l.day >= {{}} THEN {ca} ELSE 0 END) AS cur_movement, "
        "SUM(CASE WHEN l.day >= {} THEN 1 ELSE 0 END) AS n "
        f"FROM linie_nota l WHERE l.partner = {{}} AND l.account IN ({marks(ids)}) "
        "AND l.day <= {} GROUP BY l.account, l.currency",
        *[period.start] * 6, partner_id, *ids, period.end,
    )  # fmt: skip
    accounts, currencies, opening_net = _summaries(sums, accounts_by_id, roots)
    lines, truncated = await _lines(partner_id, ids, accounts_by_id, period.start, period.end,
                                    opening_net, currencies)  # fmt: skip
    total_d = sum(int(x.turnover.debit * 100) for x in accounts)
    total_c = sum(int(x.turnover.credit * 100) for x in accounts)
    return PartnerFile(
        company=company,
        partner=partner_id,
        partner_name=partner["a"],  # name, then cui, cnp, foreign VAT id (_setup)
        partner_code=partner["b"] or partner["c"] or partner["d"] or "",
        side=side,
        start=period.start,
        end=period.end,
        accounts=accounts,
        currencies=list(currencies.values()),
        opening=Pair.balance(opening_net),
        turnover=Pair.of(total_d, total_c),
        closing=Pair.balance(opening_net + total_d - total_c),
        lines=lines,
        truncated=truncated,
    )


def _summaries(
    sums: list[dict[str, Any]], accounts_by_id: dict[int, tuple[str, str]], roots: dict[str, str]
) -> tuple[list[FileAccount], dict[str, FileCurrency], int]:
    """Per account (whatever the currency) and per foreign currency: rows of the GROUP BY."""
    per_account: dict[str, list[Any]] = {}
    per_currency: dict[str, list[int]] = {}
    for r in sums:
        code, name = accounts_by_id[r["account"]]
        acc = per_account.setdefault(code, [name, 0, 0, 0, 0])
        acc[1] += int(r["opening"] or 0)
        acc[2] += int(r["d"] or 0)
        acc[3] += int(r["c"] or 0)
        acc[4] += int(r["n"] or 0)
        if r["currency"] != "RON":
            cur = per_currency.setdefault(r["currency"], [0, 0])
            cur[0] += int(r["cur_opening"] or 0)
            cur[1] += int(r["cur_movement"] or 0)
    order = list(roots)
    accounts = [
        FileAccount(
            code=code,
            name=name,
            label=_label(code, roots),
            opening=Pair.balance(opening),
            turnover=Pair.of(d, c),
            closing=Pair.balance(opening + d - c),
        )
        for code, (name, opening, d, c, lines) in sorted(
            per_account.items(),
            key=lambda kv: (order.index(_root(kv[0], roots)), kv[0]),
        )
        if opening or lines  # an account whose lines cancel out is still shown
    ]
    currencies = {
        cur: FileCurrency(cur, money(o), money(m), money(o + m))
        for cur, (o, m) in sorted(per_currency.items())
    }
    opening_net = sum(int(a.opening.debit * 100) - int(a.opening.credit * 100) for a in accounts)
    return accounts, currencies, opening_net


def _root(code: str, roots: dict[str, str]) -> str:
    return max((r for r in roots if code.startswith(r)), key=len, default=next(iter(roots)))


async def _lines(
    partner_id: int,
    ids: list[int],
    accounts_by_id: dict[int, tuple[str, str]],
    start: date,
    end: date,
    opening_net: int,
    currencies: dict[str, FileCurrency],
) -> tuple[list[FileLine], bool]:
    d, c, ca = bani("l.debit"), bani("l.credit"), bani("l.currency_amount")
    order = "l.day, l.entry, l.id"
    rows = await JournalLine.raw(
        "SELECT l.day, l.entry, e.reference, e.description AS entry_description, "
        f"l.description, l.account, {d} AS d, {c} AS c, l.currency, {ca} AS ca, "
        f"SUM({d} - {c}) OVER (ORDER BY {order} ROWS UNBOUNDED PRECEDING) AS run, "
        f"SUM({ca}) OVER (PARTITION BY l.currency ORDER BY {order} "
        "ROWS UNBOUNDED PRECEDING) AS run_currency "
        "FROM linie_nota l JOIN nota_contabila e ON e.id = l.entry "
        f"WHERE l.partner = {{}} AND l.account IN ({marks(ids)}) "
        f"AND l.day >= {{}} AND l.day <= {{}} ORDER BY {order} LIMIT {ROW_LIMIT + 1}",
        partner_id, *ids, start, end,
    )  # fmt: skip
    lines = []
    for r in rows[:ROW_LIMIT]:
        foreign = r["currency"] != "RON"
        cur_opening = currencies[r["currency"]].opening if foreign else Decimal(0)
        lines.append(
            FileLine(
                day=as_date(r["day"]),
                entry=r["entry"],
                reference=r["reference"],
                description=r["description"] or r["entry_description"],
                account=accounts_by_id[r["account"]][0],
                debit=money(r["d"]),
                credit=money(r["c"]),
                balance=Pair.balance(opening_net + int(r["run"] or 0)),
                currency=r["currency"],
                currency_amount=money(r["ca"]) if foreign else None,
                currency_balance=cur_opening + money(r["run_currency"]) if foreign else None,
            )
        )
    return lines, len(rows) > ROW_LIMIT
