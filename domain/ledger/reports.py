"""Reports of the ledger (read models): what every report shares.

The reports themselves live beside this module: the trial balance and the general ledger
(`reports_balance.py`), the customer and supplier file (`reports_partner.py`), the account
statement (`reports_account.py`), the sales journal (`reports_sales.py`) and the
efficiency report (`reports_efficiency.py`); their CSV files in `reports_csv.py` and the
chart in `reports_chart.py`.

Every report aggregates in SQL (GROUP BY, window sums), never in a Python loop over
journal lines, and every sum of money is a sum of integer bani (`bani()`): Numeric is REAL
on SQLite, so `SUM(debit)` would drift there. Python only shapes what SQL answered: one
row per account, per invoice, per dimension, or per line a report lists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from domain.core.errors import ValidationFailed
from domain.core.tx import is_sqlite
from domain.ledger.chart import company_exists, default_company
from domain.org.permissions import Action, Actor, Area, require
from tables.ledger import ZERO, Account
from tables.org import Company

ROW_LIMIT = 10_000
"""Lines a listing report (customer file, account statement) shows at most: past that the
answer says `truncated` and asks for a shorter period. Totals always cover everything."""

MAX_YEARS = 20
"""A period longer than this is a typing error (2206 for 2026), not a question."""


def bani(expr: str) -> str:
    """SQL: an amount column as an exact integer number of bani (each stored amount has
    at most two decimals, so the rounding is exact on both engines)."""
    return f"CAST(ROUND({expr} * 100) AS BIGINT)"


def sum_bani(amount: str, *, where: str = "", over: str = "") -> str:
    """SQL: the exact sum of an amount (a column, or the difference of two) in integer
    bani, optionally `FILTER (WHERE where)` or as a window sum `OVER over`. PostgreSQL sums
    the Numeric as it is and converts the sum once (cheaper than a conversion per line);
    SQLite stores REAL, so there each line is converted to bani before it is added."""
    filtered = f" FILTER (WHERE {where})" if where else ""
    window = f" OVER {over}" if over else ""
    if is_sqlite():
        return f"COALESCE(SUM({bani(f'({amount})')}){filtered}{window}, 0)"
    return f"CAST(COALESCE(SUM({amount}){filtered}{window}, 0) * 100 AS BIGINT)"


def money(value: Any) -> Decimal:
    """The driver's sum of bani (int on SQLite, Decimal on PostgreSQL, None) in lei, with
    its two decimals (scaleb is exact, and cheaper than dividing: reports convert a lot;
    zero, half of every debit/credit pair, is shared)."""
    return Decimal(int(value)).scaleb(-2) if value else ZERO


def as_date(value: Any) -> date:
    """A date column as the driver hands it back (SQLite may answer the ISO text)."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


@dataclass(frozen=True, slots=True)
class Pair:
    """Debit and credit: a balance (one side only) or the sums of both sides."""

    debit: Decimal = ZERO
    credit: Decimal = ZERO

    @classmethod
    def of(cls, debit_bani: int, credit_bani: int) -> Pair:
        return cls(money(debit_bani), money(credit_bani))

    @classmethod
    def balance(cls, net_bani: int) -> Pair:
        """A net amount (debit minus credit) on the side it falls on (called per line by
        the listings: one conversion, not two)."""
        return cls(money(net_bani), ZERO) if net_bani >= 0 else cls(ZERO, money(-net_bani))


@dataclass(frozen=True, slots=True)
class Period:
    start: date
    end: date

    @property
    def year_start(self) -> date:
        """The first day of the financial year the period starts in."""
        return self.start.replace(month=1, day=1)


def period_check(start: date, end: date) -> Period:
    if start > end:
        raise ValidationFailed(
            "PERIOD_INVALID",
            f"Perioada începe ({start:%d.%m.%Y}) după ce se termină ({end:%d.%m.%Y}).",
            f"The period starts ({start}) after it ends ({end}).",
            field="start",
        )
    if end.year - start.year > MAX_YEARS:
        raise ValidationFailed(
            "PERIOD_TOO_LONG",
            f"Perioada cuprinde mai mult de {MAX_YEARS} de ani; verificați anii tastați.",
            f"The period spans more than {MAX_YEARS} years.",
            field="end",
        )
    return Period(start, end)


def month_period(month: str) -> Period:
    """ "2026-03" -> 1..31 March 2026."""
    try:
        first = date.fromisoformat(f"{month.strip()}-01")
    except ValueError:
        raise ValidationFailed(
            "MONTH_INVALID",
            f"Luna «{month}» nu are forma AAAA-LL (ex. 2026-03).",
            f"«{month}» is not a month (YYYY-MM).",
            field="month",
        ) from None
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return Period(first, date.fromordinal(following.toordinal() - 1))


def check_reader(by: Actor) -> None:
    """Who may read the books: the accountants, the administrator, a viewer auditing."""
    require(by, Area.ledger, Action.read)


async def report_company(by: Actor, company_id: int | None) -> int:
    """Who may read the books, and which company: the one named, else the installation's
    only company."""
    check_reader(by)
    if company_id is None:
        return await default_company()
    await company_exists(company_id)
    return company_id


def company_sql(company_id: int | None) -> tuple[str, list[Any]]:
    """A one-row query `(id, n)` answering report_company()'s question inside a report's
    own statement (a round trip less): `id` is the company when `n` = 1; otherwise (no
    company, several, an unknown id) report_company() says what is wrong."""
    if company_id is None:
        return "SELECT MIN(id) AS id, COUNT(*) AS n FROM firma", []
    return "SELECT MIN(id) AS id, COUNT(*) AS n FROM firma WHERE id = {}", [company_id]


def marks(values: list[Any] | tuple[Any, ...]) -> str:
    """Placeholders for an IN list (never empty: `IN (NULL)` matches nothing)."""
    return ", ".join("{}" for _ in values) or "NULL"


def code_filter(column: str, roots: list[str] | tuple[str, ...]) -> tuple[str, list[str]]:
    """SQL matching an account and everything under it (401 -> 401, 401.03; 409 ->
    4091, 4092.1): a code is its place in the chart, so its descendants share its prefix.
    Returns (condition, parameters)."""
    if not roots:
        return "1 = 0", []
    condition = " OR ".join(f"{column} LIKE {{}}" for _ in roots)
    return f"({condition})", [like_prefix(r) for r in roots]


def starts_with(text: str, prefix: str) -> str:
    """SQL: `text` begins with `prefix` (an account and everything under it, when the
    prefix is a column: `code_filter` is for codes known beforehand). On SQLite a range in
    binary order, which the index on the codes can answer (a function of the column could
    not); PostgreSQL's `starts_with` ignores the collation, which a range could not."""
    if is_sqlite():
        return f"({text} >= {prefix} AND {text} < {prefix} || char(1114111))"
    return f"starts_with({text}, {prefix})"


def like_prefix(code: str) -> str:
    """A LIKE pattern for the code and its descendants (codes hold no % or _)."""
    return code.replace("%", "").replace("_", "") + "%"


async def company_brief(company_id: int) -> dict[str, Any]:
    """The company as report headings name it."""
    row = await Company.select(Company.name, Company.cui).where(Company.id == company_id).first()
    return row or {"name": "", "cui": ""}


async def account_choices(*, by: Actor, company_id: int | None) -> list[dict[str, Any]]:
    """The company's active accounts (code, name), for the pages' account pickers."""
    company = await report_company(by, company_id)
    return (
        await Account.select(Account.code, Account.name)
        .where((Account.company == company) & (Account.active == True))  # noqa: E712
        .order_by(Account.code)
    )


async def company_choices() -> list[dict[str, Any]]:
    """The installation's companies (id, name), for the pages' company picker."""
    return await Company.select(Company.id, Company.name).order_by(Company.name)
