"""The account statement (fișa de cont): one account (and its analytics: 4111 lists
4111.01 too) over a period, every line with its counter-accounts and the running balance,
from the balance before the period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

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
from tables.ledger import JournalLine


@dataclass(frozen=True, slots=True)
class StatementLine:
    day: date
    entry: int
    reference: str
    description: str
    account: str
    counter_accounts: list[str]  # the accounts on the other side of the entry
    partner: str
    debit: Decimal
    credit: Decimal
    balance: Pair  # running
    currency: str
    currency_amount: Decimal | None


@dataclass(frozen=True, slots=True)
class AccountStatement:
    company: int
    account: str
    name: str
    start: date
    end: date
    opening: Pair
    turnover: Pair
    closing: Pair
    lines: list[StatementLine]
    truncated: bool


async def account_statement(
    *,
    by: Actor,
    account: str,
    start: date,
    end: date,
    company_id: int | None = None,
) -> AccountStatement:
    company = await report_company(by, company_id)
    period = period_check(start, end)
    code = account.strip()
    condition, params = code_filter("code", [code])
    accounts = await JournalLine.raw(
        f"SELECT id, code, name FROM cont_contabil WHERE company = {{}} AND {condition}",
        company, *params,
    )  # fmt: skip
    own = next((a for a in accounts if a["code"] == code), None)
    if own is None:
        raise NotFound(
            "ACCOUNT_NOT_FOUND",
            f"Contul «{code}» nu există în planul de conturi al firmei.",
            f"Account «{code}» does not exist.",
            field="account",
        )
    # The account and those under it, by id: the lines are read through (account, day).
    codes = {a["id"]: a["code"] for a in accounts}
    ids = sorted(codes)
    in_accounts = f"l.account IN ({marks(ids)})"
    d, c = bani("l.debit"), bani("l.credit")
    (sums,) = await JournalLine.raw(
        f"SELECT SUM(CASE WHEN l.day < {{}} THEN {d} - {c} ELSE 0 END) AS opening, "
        f"SUM(CASE WHEN l.day >= {{}} THEN {d} ELSE 0 END) AS d, "
        f"SUM(CASE WHEN l.day >= {{}} THEN {c} ELSE 0 END) AS c "
        f"FROM linie_nota l WHERE {in_accounts} AND l.day <= {{}}",
        period.start, period.start, period.start, *ids, period.end,
    )  # fmt: skip
    opening = int(sums["opening"] or 0)
    turn_d, turn_c = int(sums["d"] or 0), int(sums["c"] or 0)
    order = "l.day, l.entry, l.id"
    where = f"WHERE {in_accounts} AND l.day >= {{}} AND l.day <= {{}}"
    scope = [*ids, period.start, period.end]
    rows = await JournalLine.raw(
        "SELECT l.day, l.entry, e.reference, e.description AS entry_description, "
        f"l.description, l.account, {d} AS d, {c} AS c, l.currency, "
        f"{bani('l.currency_amount')} AS ca, p.name AS partner_name, "
        f"SUM({d} - {c}) OVER (ORDER BY {order} ROWS UNBOUNDED PRECEDING) AS run "
        "FROM linie_nota l JOIN nota_contabila e ON e.id = l.entry "
        f"LEFT JOIN partener p ON p.id = l.partner {where} "
        f"ORDER BY {order} LIMIT {ROW_LIMIT + 1}",
        *scope,
    )  # fmt: skip
    selected = f"FROM linie_nota l {where}"
    counters = await _counter_accounts(selected, scope)
    lines = [
        StatementLine(
            day=as_date(r["day"]),
            entry=r["entry"],
            reference=r["reference"],
            description=r["description"] or r["entry_description"],
            account=codes[r["account"]],
            counter_accounts=counters.get((r["entry"], int(r["d"] or 0) != 0), []),
            partner=r["partner_name"] or "",
            debit=money(r["d"]),
            credit=money(r["c"]),
            balance=Pair.balance(opening + int(r["run"] or 0)),
            currency=r["currency"],
            currency_amount=money(r["ca"]) if r["currency"] != "RON" else None,
        )
        for r in rows[:ROW_LIMIT]
    ]
    return AccountStatement(
        company=company,
        account=code,
        name=own["name"],
        start=period.start,
        end=period.end,
        opening=Pair.balance(opening),
        turnover=Pair.of(turn_d, turn_c),
        closing=Pair.balance(opening + turn_d - turn_c),
        lines=lines,
        truncated=len(rows) > ROW_LIMIT,
    )


async def _counter_accounts(
    selected: str, scope: list[object]
) -> dict[tuple[int, bool], list[str]]:
    """{(entry, the statement's line is a debit): accounts on the entry's other side}.

    One query over the entries of the period's lines (through ix_linie_nota_entry)."""
    rows = await JournalLine.raw(
        "SELECT DISTINCT o.entry, oa.code, CASE WHEN o.debit <> 0 THEN 1 ELSE 0 END AS debit "
        "FROM linie_nota o JOIN cont_contabil oa ON oa.id = o.account "
        f"WHERE o.entry IN (SELECT l.entry {selected})",
        *scope,
    )  # fmt: skip
    out: dict[tuple[int, bool], list[str]] = {}
    for r in rows:
        # A debit line's counterpart is on the credit side, and the other way round.
        out.setdefault((r["entry"], not int(r["debit"])), []).append(r["code"])
    return {k: sorted(set(v)) for k, v in out.items()}
