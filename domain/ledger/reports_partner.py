"""The customer file (fișa client) and the supplier file (fișa furnizor).

Everything one partner owes or is owed across the accounts that follow it: for a client
the company's accounts for receivables (4111), advances received (419), invoices to be
issued (418) and doubtful clients (4118); for a supplier its payables (401), invoices not
yet received (408) and advances paid (409) — each with its analytics (4111.01). The
accounts come from the company's default accounts, so a company that maps receivables to
4111.01 gets that; the partner's own account (Parteneri › roluri › cont) is included too.

The lines of the period carry a running balance in RON and, for currency documents, in
their currency (JournalLine.currency_amount: + debit, - credit), both computed by window
sums in SQL, starting from the balance before the period. One statement reads the whole
file (the layout of its rows is above `_statement`): one round trip, one snapshot.
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
    Period,
    as_date,
    bani,
    check_reader,
    company_sql,
    marks,
    money,
    period_check,
    report_company,
    starts_with,
    sum_bani,
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


# One statement answers the whole file: one round trip, and one snapshot, so the totals
# and the running balance agree even while entries are being posted. Its rows, by `part`
# (amounts in integer bani):
#   0  the company and the partner: n1 the company, n2 companies matched (1, else
#      report_company() says what is wrong), n3 the partner's id (NULL: no such partner),
#      t1..t4 its name, CUI, CNP, foreign VAT id;
#   1  an account the file follows: t1 the posting role that maps it, or 'own' (the
#      partner's own account), t2 its code;
#   2  per account and currency, every line up to the end: n1 account id, t1 code,
#      t2 name, t3 currency, n2 opening (debit - credit), n3 debit and n4 credit of the
#      period, n5 currency opening, n6 currency movement, n7 lines in the period;
#   3  the lines of the period in order: day, entry, id, t1 reference, t2 description,
#      t3 currency, n1 account id, n2 debit, n3 credit, n4 currency amount, n5 running
#      balance from the period's start, n6 the same in the line's currency.
# The first SELECT names and types the columns: its NULLs are cast (PostgreSQL types a
# UNION from its first branches) and its numbers are expressions, not table columns
# (SQLite's driver would convert the whole column by the column's declared type).
HEAD, ROOT, SUM, LINE = range(4)


def _statement(
    company_id: int | None, partner_id: int, side: Side, period: Period
) -> tuple[str, list[Any]]:
    roles = [str(r) for r in (CLIENT_ROLES if side == "client" else SUPPLIER_ROLES)]
    codes = list(SUPPLIER_CODES) if side == "supplier" else []
    company, company_params = company_sql(company_id)
    before, within = "l.day < {}", "l.day >= {}"
    order = "l.day, l.entry, l.id"
    running = f"(ORDER BY {order} ROWS UNBOUNDED PRECEDING)"
    running_currency = f"(PARTITION BY l.currency ORDER BY {order} ROWS UNBOUNDED PRECEDING)"
    sql = f"""
WITH co AS ({company}),
roots (kind, root) AS (
  SELECT role, account FROM cont_implicit
   WHERE company = (SELECT id FROM co) AND role IN ({marks(roles)})
  UNION ALL SELECT 'own', account FROM rol_partener WHERE partner = {{}} AND role = {{}}
  {" ".join("UNION ALL SELECT 'code', {}" for _ in codes)}
),
pl AS (
  SELECT l.id, l.entry, l.day, l.account, l.currency, l.description, l.debit, l.credit,
         l.currency_amount
    FROM linie_nota l
   WHERE l.partner = {{}} AND l.day <= {{}} AND l.account IN (
         SELECT a.id FROM roots r JOIN cont_contabil a
             ON a.company = (SELECT id FROM co WHERE n = 1)
            AND substr(a.code, 1, 3) = substr(r.root, 1, 3)
            AND {starts_with("a.code", "r.root")})
)
SELECT {HEAD} AS part, CAST(NULL AS DATE) AS day, CAST(NULL AS BIGINT) AS entry,
       CAST(NULL AS BIGINT) AS id, p.name AS t1, p.cui AS t2, p.cnp AS t3,
       p.foreign_vat_id AS t4, co.id AS n1, co.n AS n2, CAST(p.id AS BIGINT) AS n3,
       CAST(NULL AS BIGINT) AS n4, CAST(NULL AS BIGINT) AS n5, CAST(NULL AS BIGINT) AS n6,
       CAST(NULL AS BIGINT) AS n7
  FROM co LEFT JOIN partener p ON p.id = {{}}
UNION ALL
SELECT {ROOT}, NULL, NULL, NULL, kind, root, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
       NULL
  FROM roots WHERE kind <> 'code'
UNION ALL
SELECT {SUM}, NULL, NULL, NULL, a.code, a.name, s.currency, NULL, s.account, s.opening, s.d,
       s.c, s.cur_opening, s.cur_movement, s.n
  FROM (SELECT l.account, l.currency,
               {sum_bani("l.debit - l.credit", where=before)} AS opening,
               {sum_bani("l.debit", where=within)} AS d,
               {sum_bani("l.credit", where=within)} AS c,
               {sum_bani("l.currency_amount", where=before)} AS cur_opening,
               {sum_bani("l.currency_amount", where=within)} AS cur_movement,
               COUNT(*) FILTER (WHERE {within}) AS n
          FROM pl l GROUP BY l.account, l.currency) s
  JOIN cont_contabil a ON a.id = s.account
UNION ALL
SELECT * FROM (
  SELECT {LINE}, l.day, l.entry, l.id, e.reference,
         COALESCE(NULLIF(l.description, ''), e.description), l.currency, NULL, l.account,
         {bani("l.debit")}, {bani("l.credit")}, {bani("l.currency_amount")},
         {sum_bani("l.debit - l.credit", over=running)},
         {sum_bani("l.currency_amount", over=running_currency)}, CAST(NULL AS BIGINT)
    FROM pl l JOIN nota_contabila e ON e.id = l.entry
   WHERE {within}
   ORDER BY {order} LIMIT {ROW_LIMIT + 1}) x
ORDER BY part, day, entry, id"""
    params = [
        *company_params, *roles, partner_id, side, *codes,  # co, roots
        partner_id, period.end,  # pl
        partner_id,  # the head
        *[period.start] * 6,  # the sums
        period.start,  # the lines
    ]  # fmt: skip
    return sql, params


async def partner_file(
    *,
    by: Actor,
    partner_id: int,
    start: date,
    end: date,
    side: Side = "client",
    company_id: int | None = None,
) -> PartnerFile:
    check_reader(by)
    period = period_check(start, end)
    sql, params = _statement(company_id, partner_id, side, period)
    rows = await JournalLine.raw(sql, *params)
    head = rows[0]
    if head["n2"] != 1:
        # No company, several, or not this one: report_company() says which. Should it find
        # the company after all (created since), the file is read again for it.
        company = await report_company(by, company_id)
        return await partner_file(by=by, partner_id=partner_id, start=start, end=end,
                                  side=side, company_id=company)  # fmt: skip
    if head["n3"] is None:
        raise NotFound(
            "PARTNER_NOT_FOUND",
            f"Partenerul nr. {partner_id} nu există.",
            f"Partner {partner_id} does not exist.",
            field="partner",
        )
    parts: list[list[dict[str, Any]]] = [[], [], [], []]
    for r in rows:
        parts[r["part"]].append(r)
    roots = _roots(parts[ROOT], side)
    codes = {r["n1"]: r["t1"] for r in parts[SUM]}
    accounts, currencies, opening_net = _summaries(parts[SUM], roots)
    lines = _lines(parts[LINE][:ROW_LIMIT], codes, opening_net, currencies)
    total_d = sum(int(x.turnover.debit * 100) for x in accounts)
    total_c = sum(int(x.turnover.credit * 100) for x in accounts)
    return PartnerFile(
        company=head["n1"],
        partner=partner_id,
        partner_name=head["t1"],
        partner_code=head["t2"] or head["t3"] or head["t4"] or "",  # CUI, CNP, foreign VAT
        side=side,
        start=period.start,
        end=period.end,
        accounts=accounts,
        currencies=list(currencies.values()),
        opening=Pair.balance(opening_net),
        turnover=Pair.of(total_d, total_c),
        closing=Pair.balance(opening_net + total_d - total_c),
        lines=lines,
        truncated=len(parts[LINE]) > ROW_LIMIT,
    )


def _roots(rows: list[dict[str, Any]], side: Side) -> dict[str, str]:
    """{account code: what it holds} of the accounts the file follows (and what is under
    them), in the order the file lists them: the mapped ones, the supplier's fixed codes,
    then the partner's own account when no other covers it."""
    roles = CLIENT_ROLES if side == "client" else SUPPLIER_ROLES
    by_role = {r["t1"]: r["t2"] for r in rows if r["t1"] != "own"}
    roots = {by_role[str(role)]: label for role, label in roles.items() if str(role) in by_role}
    if side == "supplier":
        roots |= SUPPLIER_CODES
    first_label = next(iter(roles.values()))
    for r in rows:
        code = r["t2"] if r["t1"] == "own" else ""
        if code and not any(code.startswith(root) for root in roots):
            roots[code] = first_label
    return roots


def _label(code: str, roots: dict[str, str]) -> str:
    best = max((r for r in roots if code.startswith(r)), key=len, default="")
    return roots.get(best, "")


def _summaries(
    sums: list[dict[str, Any]], roots: dict[str, str]
) -> tuple[list[FileAccount], dict[str, FileCurrency], int]:
    """Per account (whatever the currency) and per foreign currency: the SUM rows."""
    per_account: dict[str, list[Any]] = {}
    per_currency: dict[str, list[int]] = {}
    for r in sums:
        acc = per_account.setdefault(r["t1"], [r["t2"], 0, 0, 0, 0])
        acc[1] += r["n2"]
        acc[2] += r["n3"]
        acc[3] += r["n4"]
        acc[4] += r["n7"]
        if r["t3"] != "RON":
            cur = per_currency.setdefault(r["t3"], [0, 0])
            cur[0] += r["n5"]
            cur[1] += r["n6"]
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


def _lines(
    rows: list[dict[str, Any]],
    codes: dict[int, str],
    opening_net: int,
    currencies: dict[str, FileCurrency],
) -> list[FileLine]:
    """The LINE rows as FileLines. A large client has thousands of lines: the fields are
    passed in their order, not by name (keywords cost ~40 % more per line here)."""
    balance = Pair.balance
    opening = {c: f.opening for c, f in currencies.items()}
    lines = []
    for r in rows:
        currency = r["t3"]
        foreign = currency != "RON"
        lines.append(
            FileLine(
                as_date(r["day"]),
                r["entry"],
                r["t1"],
                r["t2"],
                codes[r["n1"]],
                money(r["n2"]),
                money(r["n3"]),
                balance(opening_net + r["n5"]),
                currency,
                money(r["n4"]) if foreign else None,
                opening[currency] + money(r["n6"]) if foreign else None,
            )
        )
    return lines
