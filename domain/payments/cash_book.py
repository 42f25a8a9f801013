"""The cash register book (registrul de casă, OMFP 2634/2015 form 14-4-7A) of one cash
desk: per day, the balance carried from the day before, every in and out of the day, the
day's totals and its closing balance.

It is read from the ledger, not from the receipts: every line of the desk's account is
money in or out of that desk, whatever wrote it (a chitanță, a cash deposit at the bank
581 = 5311 typed as a manual entry, a storno). A storno stays in its column with a minus
sign, as the books show it. Sums are integer bani in SQL; Python only groups the lines of
the period by day. A currency desk shows its currency beside the lei.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from domain.core.errors import NotFound, ValidationFailed
from domain.ledger.reports import ROW_LIMIT, as_date, bani, money, period_check
from domain.ledger.reports_csv import write_csv
from domain.org.permissions import Actor
from domain.payments.cash_desks import cash_desk_get
from tables.ledger import Account, JournalLine

ZERO = Decimal("0.00")


@dataclass(frozen=True, slots=True)
class CashLine:
    number: int  # nr. crt. within the day
    entry: int
    reference: str  # nr. act de casă: the chitanță, the deposit slip...
    explanation: str
    partner: str
    receipt: Decimal  # încasări (lei)
    payment: Decimal  # plăți (lei)
    receipt_currency: Decimal | None = None  # a currency desk: the same in its currency
    payment_currency: Decimal | None = None


@dataclass(frozen=True, slots=True)
class CashDay:
    day: date
    opening: Decimal  # sold din ziua precedentă
    lines: list[CashLine]
    receipts: Decimal
    payments: Decimal
    closing: Decimal
    opening_currency: Decimal | None = None
    receipts_currency: Decimal | None = None
    payments_currency: Decimal | None = None
    closing_currency: Decimal | None = None


@dataclass(frozen=True, slots=True)
class CashBook:
    company: int
    cash_desk: int
    code: str
    name: str
    currency: str
    account: str
    start: date
    end: date
    opening: Decimal  # at the start of the period
    closing: Decimal  # at its end
    days: list[CashDay] = field(default_factory=list)
    opening_currency: Decimal | None = None
    closing_currency: Decimal | None = None


def _bani(value: object) -> int:
    return int(value or 0)  # type: ignore[call-overload]


def _inflow(row: dict[str, object]) -> bool:
    """A debit of the cash account is money in (a storno of one too, negative)."""
    return bool(_bani(row["d"])) or not _bani(row["c"])


async def cash_book(*, by: Actor, cash_desk_id: int, start: date, end: date) -> CashBook:
    """The desk's book for every day of [start, end] with money in or out (a day without
    any has no page, as on paper); opening and closing of the whole period beside."""
    desk = await cash_desk_get(cash_desk_id, by=by)  # checks payments read
    period = period_check(start, end)
    code = desk["book_account"]
    account = await Account.select(Account.id).where(
        (Account.company == desk["company"]) & (Account.code == code)
    ).first()  # fmt: skip
    if account is None:
        raise NotFound(
            "ACCOUNT_UNKNOWN",
            f"Contul {code} al casieriei nu există în planul de conturi al firmei.",
            f"The cash desk's account {code} does not exist.",
            field="cash_desk",
        )
    foreign = desk["currency"] != "RON"
    d, c, ca = bani("l.debit"), bani("l.credit"), bani("l.currency_amount")
    # The currency column only counts lines in the desk's currency (+ in, - out).
    in_currency = f"CASE WHEN l.currency = {{}} THEN {ca} ELSE 0 END"
    (before,) = await JournalLine.raw(
        f"SELECT SUM({d} - {c}) AS lei, SUM({in_currency}) AS cur FROM linie_nota l "
        "WHERE l.account = {} AND l.day < {}",
        desk["currency"], account["id"], period.start,
    )  # fmt: skip
    rows = await JournalLine.raw(
        f"SELECT l.day, l.entry, l.id, {d} AS d, {c} AS c, {in_currency} AS cur, "
        "e.reference, e.description AS entry_description, l.description, "
        # The partner is on the entry's other side (4111, 419...), not on the cash line.
        "(SELECT MIN(p.name) FROM linie_nota o JOIN partener p ON p.id = o.partner "
        "WHERE o.entry = l.entry) AS partner_name "
        "FROM linie_nota l JOIN nota_contabila e ON e.id = l.entry "
        "WHERE l.account = {} AND l.day >= {} AND l.day <= {} "
        f"ORDER BY l.day, l.entry, l.id LIMIT {ROW_LIMIT + 1}",
        desk["currency"], account["id"], period.start, period.end,
    )  # fmt: skip
    if len(rows) > ROW_LIMIT:  # a book is printed whole or not at all
        raise ValidationFailed(
            "CASH_BOOK_TOO_LONG",
            f"Perioada are peste {ROW_LIMIT} de operații de casă; alegeți o perioadă mai scurtă.",
            f"More than {ROW_LIMIT} cash operations; choose a shorter period.",
            field="start",
        )
    lei, cur = _bani(before["lei"]), _bani(before["cur"])
    opening, opening_cur = lei, cur
    days: list[CashDay] = []
    by_day: dict[date, list[dict[str, object]]] = {}
    for r in rows:
        by_day.setdefault(as_date(r["day"]), []).append(r)
    for day, lines in by_day.items():
        day_in = sum(_bani(r["d"]) for r in lines)
        day_out = sum(_bani(r["c"]) for r in lines)
        cur_in = sum(_bani(r["cur"]) for r in lines if _inflow(r))
        cur_out = -sum(_bani(r["cur"]) for r in lines if not _inflow(r))
        shaped = [_line(n, r, foreign) for n, r in enumerate(lines, start=1)]
        days.append(
            CashDay(
                day=day, opening=money(lei), lines=shaped,
                receipts=money(day_in), payments=money(day_out),
                closing=money(lei + day_in - day_out),
                opening_currency=money(cur) if foreign else None,
                receipts_currency=money(cur_in) if foreign else None,
                payments_currency=money(cur_out) if foreign else None,
                closing_currency=money(cur + cur_in - cur_out) if foreign else None,
            )
        )  # fmt: skip
        lei += day_in - day_out
        cur += cur_in - cur_out
    return CashBook(
        company=desk["company"], cash_desk=desk["id"], code=desk["code"], name=desk["name"],
        currency=desk["currency"], account=code, start=period.start, end=period.end,
        opening=money(opening), closing=money(lei), days=days,
        opening_currency=money(opening_cur) if foreign else None,
        closing_currency=money(cur) if foreign else None,
    )  # fmt: skip


def _line(number: int, r: dict[str, object], foreign: bool) -> CashLine:
    explanation = str(r["description"] or r["entry_description"] or "")
    cur, inflow = _bani(r["cur"]), _inflow(r)
    return CashLine(
        number=number, entry=_bani(r["entry"]), reference=str(r["reference"] or ""),
        explanation=explanation, partner=str(r["partner_name"] or ""),
        receipt=money(r["d"]), payment=money(r["c"]),
        receipt_currency=money(cur) if foreign and inflow else None,
        payment_currency=money(-cur) if foreign and not inflow else None,
    )  # fmt: skip


def cash_book_csv(report: CashBook, *, excel: bool = False) -> str:
    """One row per operation, and per day the balance carried and the closing balance."""
    header = ["data", "nr_crt", "nr_act_casa", "explicatie", "partener", "incasari", "plati",
              "sold"]  # fmt: skip
    if report.currency != "RON":
        header += [f"incasari_{report.currency}", f"plati_{report.currency}",
                   f"sold_{report.currency}"]  # fmt: skip
    rows: list[list[object]] = []
    for day in report.days:
        rows.append([day.day, "", "", "Sold din ziua precedentă", "", None, None, day.opening,
                     *_currency_cells(report, None, None, day.opening_currency)])  # fmt: skip
        for x in day.lines:
            rows.append([day.day, x.number, x.reference, x.explanation, x.partner,
                         x.receipt, x.payment, None,
                         *_currency_cells(report, x.receipt_currency, x.payment_currency,
                                          None)])  # fmt: skip
        rows.append([day.day, "", "", "Total zi / sold final", "", day.receipts, day.payments,
                     day.closing, *_currency_cells(report, day.receipts_currency,
                                                   day.payments_currency,
                                                   day.closing_currency)])  # fmt: skip
    return write_csv(header, rows, excel)


def _currency_cells(
    report: CashBook, receipt: Decimal | None, payment: Decimal | None, balance: Decimal | None
) -> list[Decimal | None]:
    return [] if report.currency == "RON" else [receipt, payment, balance]
