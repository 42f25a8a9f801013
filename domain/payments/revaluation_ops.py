"""Month-end FX revaluation (domain/payments/revaluation.py): run it, undo it, read it.

One in force per company and month (FxRevaluation, unique among the rows not undone):
the entry dated the month's last day and its storno (entry_reverse) dated the first of
the next month, both with source "fx_revaluation" and the row's id. The storno makes
the revaluation transparent to what follows: open_items' `open_ron` reads the invoice's
own entry only, so a collection still leaves the receivable at the invoice's rate and
books its FX difference from it.

Running a month again reports the one in force. Undoing it (administrators, while both
months are open) posts the storno of both entries under source "fx_revaluation_undo" and
sets `undone_at`/`undone_by`; the row stays, and the month may be revalued again: a new
row, so its entries have their own source id (a journal entry is unique per source and
kind) and the undone row keeps its four entries.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from domain.core.clock import today
from domain.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from domain.core.money import q4, sum_money, to_decimal
from domain.core.tx import for_update, is_unique_violation, write_tx
from domain.ledger.ops import entry_lines, entry_post, entry_reverse
from domain.ledger.reports import as_date
from domain.ledger.rules import mirror
from domain.org.banking_days import last_banking_day, month_end
from domain.org.permissions import Action, Actor, Area, require
from domain.payments.open_items import open_items
from domain.payments.revaluation import (
    MonthRate,
    Revalued,
    currency_items,
    revaluation_posting,
    revalue,
)
from tables.choices import DocStatus, EntryKind, InvoiceTypeCode, Role
from tables.org import ExchangeRate
from tables.payments import FxRevaluation
from tables.sales import Invoice

FX_REVALUATION = "fx_revaluation"
FX_REVALUATION_UNDO = "fx_revaluation_undo"


@dataclass(frozen=True, slots=True)
class RevaluationRun:
    """A month's revaluation as recorded (or, `revaluation_id` None, what it would be)."""

    company_id: int
    month: date  # the month's last day
    rate_day: date | None  # None: no open currency receivable, no rate needed
    details: list[dict[str, Any]] = field(default_factory=list)  # Revalued.detail()
    revaluation_id: int | None = None
    entry_id: int | None = None
    reversal_id: int | None = None
    created: bool = False  # recorded by this call
    undone: bool = False
    undone_by: str = ""

    @property
    def gain(self) -> Decimal:
        return sum_money(d["difference"] for d in self.details if to_decimal(d["difference"]) > 0)

    @property
    def loss(self) -> Decimal:
        return -sum_money(d["difference"] for d in self.details if to_decimal(d["difference"]) < 0)

    def summary(self) -> dict[str, Any]:
        """For a job's result."""
        return {
            "company": self.company_id,
            "month": self.month.isoformat(),
            "revaluation": self.revaluation_id,
            "created": self.created,
            "undone": self.undone,
            "invoices": len(self.details),
            "gain": str(self.gain),
            "loss": str(self.loss),
        }


def _month(day: date) -> date:
    """The month's last day, refusing a month that has not ended."""
    last = month_end(day)
    if last > today():
        raise ValidationFailed(
            "FX_REVALUATION_MONTH_NOT_ENDED",
            f"Luna {last:%m.%Y} nu s-a încheiat: se reevaluează în ultima ei zi sau după.",
            f"{last:%Y-%m} has not ended yet.",
            field="month",
        )
    return last


def first_of_next(month: date) -> date:
    return month + timedelta(days=1)


async def month_rates(currencies: Iterable[str], month: date) -> dict[str, MonthRate]:
    """The rates published on the month's last banking day; refuses a missing one."""
    day = last_banking_day(month)
    wanted = sorted(set(currencies))
    rows = await ExchangeRate.select(
        ExchangeRate.currency, ExchangeRate.rate, ExchangeRate.multiplier
    ).where((ExchangeRate.day == day) & ExchangeRate.currency.is_in(wanted or [""]))
    found = {
        r["currency"]: MonthRate(r["currency"], day, q4(r["rate"]), r["multiplier"]) for r in rows
    }
    if missing := [c for c in wanted if c not in found]:
        names = ", ".join(missing)
        raise NotFound(
            "FX_RATE_MISSING",
            f"Lipsește cursul BNR pentru {names} din {day:%d.%m.%Y}, ultima zi bancară a lunii "
            f"{month:%m.%Y}: importați cursurile acelei zile (Valute › Import curs BNR), apoi "
            "reluați reevaluarea.",
            f"No BNR rate for {names} published on {day.isoformat()}, the last banking day "
            f"of {month:%Y-%m}.",
            details={"currencies": missing, "date": day.isoformat()},
        )
    return found


async def _compute(company_id: int, month: date) -> tuple[date | None, list[Revalued]]:
    items = currency_items(await open_items(company_id=company_id, at=month))
    if not items:
        return None, []
    rates = await month_rates((x.currency for x in items), month)
    return last_banking_day(month), revalue(items, rates)


async def _recorded(company_id: int, month: date, *, lock: bool = False) -> RevaluationRun | None:
    """The month's revaluation in force, else the last one undone, else None."""
    query = (
        FxRevaluation.select()
        .where((FxRevaluation.company == company_id) & (FxRevaluation.month == month))
        .order_by(FxRevaluation.id, ascending=False)
    )
    rows = await (for_update(query) if lock else query)
    row = next((r for r in rows if r["undone_at"] is None), rows[0] if rows else None)
    if row is None:
        return None
    details = row["details"]
    return RevaluationRun(
        company_id=company_id,
        month=month,
        rate_day=as_date(row["rate_day"]),
        details=json.loads(details) if isinstance(details, str) else list(details),
        revaluation_id=row["id"],
        entry_id=row["entry"],
        reversal_id=row["reversal"],
        undone=row["undone_at"] is not None,
        undone_by=row["undone_by"],
    )


async def fx_revaluation_get(*, company_id: int, month: date, by: Actor) -> RevaluationRun:
    """The month's revaluation if recorded, else what it would be now (nothing saved)."""
    require(by, Area.ledger, Action.read)
    last = _month(month)
    recorded = await _recorded(company_id, last)
    if recorded is not None:
        return recorded
    rate_day, revalued = await _compute(company_id, last)
    return RevaluationRun(company_id, last, rate_day, [r.detail() for r in revalued])


async def fx_revaluation_run(*, company_id: int, month: date, by: Actor) -> RevaluationRun:
    """Revalue the open currency receivables at the end of `month` (any day of it): the
    entry on its last day, its storno on the first of the next. Once per month: a second
    run returns the first (unless it was undone: then a new one is recorded). Nothing is
    recorded when no difference is to be booked."""
    require(by, Area.ledger, Action.write)
    last = _month(month)
    try:
        async with write_tx():
            recorded = await _recorded(company_id, last)
            if recorded is not None and not recorded.undone:
                return recorded
            rate_day, revalued = await _compute(company_id, last)
            details = [r.detail() for r in revalued]
            lines = revaluation_posting(revalued)
            if not lines:  # nothing open in a currency, or no rate moved
                return RevaluationRun(company_id, last, rate_day, details)
            row = FxRevaluation(
                company=company_id, month=last, rate_day=rate_day, details=details,
                created_by=by.name[:150],
            )  # fmt: skip
            await row.save()
            entry_id = await entry_post(
                company_id=company_id, day=last, kind=EntryKind.fx_revaluation, lines=lines,
                source_type=FX_REVALUATION, source_id=row.id, reference=f"REEV {last:%m.%Y}",
                description=f"Reevaluare valutară {last:%m.%Y}, curs BNR din {rate_day:%d.%m.%Y}",
                by_name=by.name,
            )  # fmt: skip
            reversal_id = await entry_reverse(
                entry_id=entry_id, day=first_of_next(last), by_name=by.name,
                description=f"Stornare reevaluare valutară {last:%m.%Y}",
            )  # fmt: skip
            await FxRevaluation.update(
                {FxRevaluation.entry: entry_id, FxRevaluation.reversal: reversal_id}
            ).where(FxRevaluation.id == row.id)
    except Exception as exc:
        # Two runs at once (the cron and the form): the unique key let one in.
        if not is_unique_violation(exc):
            raise
        recorded = await _recorded(company_id, last)
        if recorded is None or recorded.undone:
            raise
        return recorded
    return RevaluationRun(
        company_id, last, rate_day, details, row.id, entry_id, reversal_id, created=True
    )


async def fx_revaluation_undo(*, company_id: int, month: date, by: Actor) -> RevaluationRun:
    """Undo a month's revaluation: the storno of its entry (on the month's last day) and of
    its reversal (on the first of the next month), and the row marked undone: the month
    may then be revalued again. Administrators only; both months open."""
    require(by, Area.ledger, Action.write)
    if by.is_machine or by.role is not Role.admin:
        raise Forbidden(
            "FX_REVALUATION_UNDO_ADMIN_ONLY",
            "Doar un administrator poate anula o reevaluare valutară.",
            "Only an administrator may undo an FX revaluation.",
        )
    last = month_end(month)
    async with write_tx():
        run = await _recorded(company_id, last, lock=True)
        if run is None:
            raise NotFound(
                "FX_REVALUATION_NOT_FOUND",
                f"Luna {last:%m.%Y} nu are o reevaluare valutară înregistrată.",
                f"No FX revaluation recorded for {last:%Y-%m}.",
                field="month",
            )
        if run.undone:
            raise Conflict(
                "FX_REVALUATION_UNDONE",
                f"Reevaluarea valutară a lunii {last:%m.%Y} este deja anulată.",
                f"The FX revaluation of {last:%Y-%m} is already undone.",
            )
        text = f"Anulare reevaluare valutară {last:%m.%Y}"
        for entry_id, kind, day in (  # a row is recorded with both entries
            (run.entry_id, EntryKind.fx_revaluation, last),
            (run.reversal_id, EntryKind.reversal, first_of_next(last)),
        ):
            entry, lines = await entry_lines(entry_id)
            await entry_post(
                company_id=company_id, day=day, kind=kind, lines=mirror(lines),
                source_type=FX_REVALUATION_UNDO, source_id=run.revaluation_id,
                reference=entry["reference"], description=text, reverses=entry_id,
                by_name=by.name,
            )  # fmt: skip
        await FxRevaluation.update(
            {FxRevaluation.undone_at: datetime.now(UTC), FxRevaluation.undone_by: by.name[:150]}
        ).where(FxRevaluation.id == run.revaluation_id)
    return RevaluationRun(
        company_id, last, run.rate_day, run.details, run.revaluation_id, run.entry_id,
        run.reversal_id, undone=True, undone_by=by.name[:150],
    )  # fmt: skip


async def revaluation_companies(month: date) -> list[int]:
    """Companies owed something in a currency at the end of `month`, not yet revalued (a
    month an administrator undid is left to a person: the cron does not redo it)."""
    last = month_end(month)
    rows = await Invoice.raw(
        "SELECT DISTINCT f.company FROM factura f WHERE f.currency <> 'RON' "
        "AND f.status = {} AND f.issue_date <= {} AND f.type_code <> {} "
        "AND NOT EXISTS (SELECT 1 FROM reevaluare_valutara r "
        "WHERE r.company = f.company AND r.month = {}) ORDER BY f.company",
        DocStatus.issued, last, InvoiceTypeCode.self_billed, last,
    )  # fmt: skip
    return [
        r["company"]
        for r in rows
        if currency_items(await open_items(company_id=r["company"], at=last))
    ]
