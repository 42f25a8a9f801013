"""Payment terms and the due-date schedule they give an invoice at issue (pure).

A term is a list of instalments, each `{"days": n, "percent": "50"}` or `{"days": n,
"amount": "1000.00"}` (an amount in the invoice's currency), counted in days from the issue
date; the last one may give neither and takes the rest. Percent terms add up to 100 %.
At issue the payable is split: percent shares cumulatively (the share of the first k
instalments is round(payable x their percent), so rounding never drifts and the last
instalment takes exactly the rest); fixed amounts as written, and they must fit the payable.
Credit notes and invoices of nothing owe nothing on a schedule: one instalment, the
payable, due on the invoice's due date.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from domain.core.errors import ValidationFailed
from domain.core.money import input_decimal, q2

HUNDRED = Decimal(100)
ZERO = Decimal("0.00")
MAX_INSTALMENTS = 36
MAX_DAYS = 3660  # ten years


@dataclass(frozen=True, slots=True)
class TermInstalment:
    days: int
    percent: Decimal | None = None
    amount: Decimal | None = None  # None with percent None: the rest


@dataclass(frozen=True, slots=True)
class Due:
    due: date
    amount: Decimal


def _refuse(code: str, ro: str, en: str, index: int | None = None) -> ValidationFailed:
    where = f" (rata {index + 1})" if index is not None else ""
    return ValidationFailed(code, ro + where, en, field="instalments")


def _days(raw: Any, index: int) -> int:
    text = str(raw).strip() if isinstance(raw, int | str) and not isinstance(raw, bool) else ""
    if not (text.isascii() and text.isdigit()) or int(text) > MAX_DAYS:
        raise _refuse(
            "PAYMENT_TERM_DAYS_INVALID",
            f"Zilele până la scadență sunt un număr întreg între 0 și {MAX_DAYS}.",
            f"Days to the due date must be a whole number from 0 to {MAX_DAYS}.",
            index,
        )
    return int(text)


def parse_term(raw: Any) -> tuple[TermInstalment, ...]:
    """Read and check a term's instalments (a JSON text or a list of mappings)."""
    try:
        items = json.loads(raw) if isinstance(raw, str | bytes) else raw
    except ValueError:
        items = None
    if not isinstance(items, list) or not items or len(items) > MAX_INSTALMENTS:
        raise _refuse(
            "PAYMENT_TERM_INVALID",
            f"Termenul de plată are între 1 și {MAX_INSTALMENTS} rate, fiecare cu zilele "
            'și procentul sau suma, ex. [{"days": 30, "percent": "100"}].',
            f"A payment term has 1 to {MAX_INSTALMENTS} instalments, each with its days "
            "and a percent or an amount.",
        )
    out: list[TermInstalment] = []
    for index, item in enumerate(items):
        if not isinstance(item, Mapping) or set(item) - {"days", "percent", "amount"}:
            raise _refuse(
                "PAYMENT_TERM_INVALID",
                "O rată are doar «days» și «percent» sau «amount».",
                "An instalment has only «days» and «percent» or «amount».",
                index,
            )
        days = _days(item.get("days"), index)
        percent = item.get("percent")
        amount = item.get("amount")
        if percent is not None and amount is not None:
            raise _refuse(
                "PAYMENT_TERM_INVALID",
                "O rată are fie procent, fie sumă, nu amândouă.",
                "An instalment has a percent or an amount, not both.",
                index,
            )
        last = index == len(items) - 1
        if percent is None and amount is None and not last:
            raise _refuse(
                "PAYMENT_TERM_INVALID",
                "Doar ultima rată poate rămâne fără procent sau sumă (ia restul).",
                "Only the last instalment may omit its share (it takes the rest).",
                index,
            )
        if out and days < out[-1].days:
            raise _refuse(
                "PAYMENT_TERM_ORDER",
                "Ratele sunt în ordinea scadențelor (zilele nu scad).",
                "Instalments are in due-date order.",
                index,
            )
        value_percent = value_amount = None
        if percent is not None:
            value_percent = input_decimal(percent, "instalments")
            if not ZERO < value_percent <= HUNDRED or value_percent != value_percent.quantize(
                Decimal("0.01")
            ):
                raise _refuse(
                    "PAYMENT_TERM_PERCENT_INVALID",
                    "Procentul unei rate este între 0,01 și 100, cu cel mult două zecimale.",
                    "An instalment's percent is from 0.01 to 100, two decimals at most.",
                    index,
                )
        if amount is not None:
            value_amount = input_decimal(amount, "instalments")
            if value_amount <= 0 or value_amount != q2(value_amount):
                raise _refuse(
                    "PAYMENT_TERM_AMOUNT_INVALID",
                    "Suma unei rate este pozitivă, cu cel mult două zecimale.",
                    "An instalment's amount is positive, two decimals at most.",
                    index,
                )
        out.append(TermInstalment(days, value_percent, value_amount))
    percents = sum((x.percent for x in out if x.percent is not None), ZERO)
    rest = out[-1].percent is None and out[-1].amount is None
    only_percent = all(x.amount is None for x in out)
    if percents > HUNDRED or (only_percent and not rest and percents != HUNDRED):
        raise _refuse(
            "PAYMENT_TERM_PERCENT_TOTAL",
            f"Procentele ratelor dau {percents} %, nu 100 %.",
            f"The instalments' percents add up to {percents} %, not 100 %.",
        )
    if only_percent and rest and percents == HUNDRED:
        raise _refuse(
            "PAYMENT_TERM_PERCENT_TOTAL",
            "Procentele dau deja 100 %: ultima rată nu mai are ce lua.",
            "The percents already make 100 %: nothing is left for the last instalment.",
        )
    return tuple(out)


def term_json(instalments: Sequence[TermInstalment]) -> list[dict[str, Any]]:
    """The stored form of checked instalments (amounts and percents as text)."""
    out: list[dict[str, Any]] = []
    for x in instalments:
        item: dict[str, Any] = {"days": x.days}
        if x.percent is not None:
            item["percent"] = str(x.percent)
        if x.amount is not None:
            item["amount"] = str(q2(x.amount))
        out.append(item)
    return out


def due_schedule(
    *,
    payable: Decimal,
    issue_date: date,
    due_date: date | None = None,
    term: Sequence[TermInstalment] | None = None,
) -> tuple[Due, ...]:
    """The instalments of an invoice: from its term when it has one, else one instalment
    on `due_date` (the draft's) or on the issue date."""
    payable = q2(payable)
    if not term or payable <= 0:
        return (Due(due_date or issue_date, payable),)
    cumulative = placed = ZERO
    shares: list[Decimal] = []
    for x in term:
        if x.amount is not None:
            share = x.amount
        elif x.percent is not None:
            cumulative += x.percent
            share = q2(payable * cumulative / HUNDRED) - q2(
                payable * (cumulative - x.percent) / HUNDRED
            )
        else:
            share = payable - placed  # the last instalment: the rest
        placed += share
        shares.append(share)
    # Fixed amounts must fit: nothing negative and exactly the payable in all.
    if placed != payable or shares[-1] < 0:
        raise _mismatch(payable, sum((x.amount or ZERO for x in term), ZERO))
    return tuple(
        Due(issue_date + timedelta(days=x.days), share)
        for x, share in zip(term, shares, strict=True)
    )


def _mismatch(payable: Decimal, stated: Decimal) -> ValidationFailed:
    return ValidationFailed(
        "PAYMENT_TERM_AMOUNTS_MISMATCH",
        f"Sumele fixe ale termenului de plată ({stated}) nu se potrivesc cu totalul de plată "
        f"al facturii ({payable}). Alegeți alt termen sau scrieți scadența de mână.",
        f"The term's fixed amounts ({stated}) do not fit the invoice's payable ({payable}).",
        field="payment_term",
    )


def schedule_json(schedule: Sequence[Due]) -> list[dict[str, str]]:
    """How an issued invoice stores its schedule (Invoice.due_schedule)."""
    return [{"due": x.due.isoformat(), "amount": str(q2(x.amount))} for x in schedule]
