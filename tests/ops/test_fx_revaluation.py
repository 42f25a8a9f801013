"""Month-end FX revaluation through the real operations, the books checked account by
account on each date: a gain booked on the month's last day and reversed on the 1st, then
a collection that still compares with the invoice's rate; a loss on what is left after a
partial collection, advances (419) untouched; the missing rate, the closed month, the
month not ended refused; once per month, even when two runs meet; undone by an
administrator only, once, after which the month is revalued again."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from domain.core.clock import today
from domain.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from domain.core.tx import is_unique_violation
from domain.ledger.manual import period_close
from domain.org.permissions import SYSTEM, Actor
from domain.payments.open_items import open_items
from domain.payments.receipts import receipt_record
from domain.payments.revaluation_ops import (
    FX_REVALUATION,
    FX_REVALUATION_UNDO,
    fx_revaluation_get,
    fx_revaluation_run,
    fx_revaluation_undo,
)
from tables.choices import EntryKind, Role
from tables.ledger import JournalEntry, JournalLine
from tables.org import ExchangeRate
from tables.payments import FxRevaluation
from tests.ops import test_receipts

D = Decimal
END, FIRST = date(2026, 3, 31), date(2026, 4, 1)
ACCOUNTANT = Actor(role=Role.accountant, name="contabil")
# The receipts' scenario set-up: a company with invoice and chitanță series, a client and a
# service; invoices dated 10.03.2026.
env = test_receipts.env
invoice = test_receipts.invoice


async def rates(*pairs: tuple[date, str]) -> None:
    await ExchangeRate.insert(*(ExchangeRate(currency="EUR", day=d, rate=D(r)) for d, r in pairs))


async def books(at: date | None = None) -> dict[str, D]:
    """Balance (debit - credit) per account code, of the lines dated up to `at`."""
    query = JournalLine.select(
        JournalLine.account.code.as_alias("code"), JournalLine.debit, JournalLine.credit
    )
    if at is not None:
        query = query.where(JournalLine.day <= at)
    out: dict[str, D] = defaultdict(D)
    for r in await query:
        out[r["code"]] += D(str(r["debit"])) - D(str(r["credit"]))
    return {k: v.quantize(D("0.01")) for k, v in out.items() if v}


async def collect(env: dict[str, Any], day: date, amount: str, **kw: Any) -> None:
    await receipt_record(
        company_id=env["company"], kind="bank", partner_id=env["client"], day=day,
        amount=D(amount), currency="EUR", by=SYSTEM, **kw,
    )  # fmt: skip


async def test_gain_at_month_end_reversed_on_the_1st_then_collected_against_the_invoice_rate(
    env,
):
    await rates((date(2026, 3, 9), "5.0000"), (END, "5.1000"), (date(2026, 4, 14), "5.0500"))
    eur = await invoice(env, "1000", currency="EUR")  # 1210 EUR at 5.0000 = 6050.00 lei
    run = await fx_revaluation_run(company_id=env["company"], month=date(2026, 3, 15), by=SYSTEM)
    assert (run.created, run.month, run.rate_day, run.gain, run.loss) == (
        True, END, END, D("121.00"), D("0.00"))  # fmt: skip
    # 1210 EUR x 5.1000 = 6171.00 lei on 31.03; the 1st takes it back.
    assert await books(END) == {"4111": D("6171.00"), "704": D("-5000.00"),
                                "4427": D("-1050.00"), "7651": D("-121.00")}  # fmt: skip
    assert await books(FIRST) == {"4111": D("6050.00"), "704": D("-5000.00"),
                                  "4427": D("-1050.00")}  # fmt: skip
    row = await FxRevaluation.select().output(load_json=True).first()
    assert (row["id"], row["month"], row["rate_day"], row["entry"], row["reversal"]) == (
        run.revaluation_id, END, END, run.entry_id, run.reversal_id)  # fmt: skip
    ((detail),) = row["details"]
    assert detail == {
        "invoice": eur, "number": "FCT-00001", "partner": env["client"], "currency": "EUR",
        "open": "1210.00", "invoice_rate": "5.0000", "old_ron": "6050.00", "rate": "5.1000",
        "multiplier": 1, "new_ron": "6171.00", "difference": "121.00",
    }  # fmt: skip
    entries = await JournalEntry.select().where(
        (JournalEntry.source_id == run.revaluation_id)
        & JournalEntry.source_type.is_in([FX_REVALUATION, FX_REVALUATION_UNDO])
    )
    by_kind = {(e["source_type"], e["kind"]): e for e in entries}
    assert by_kind.keys() == {(FX_REVALUATION, EntryKind.fx_revaluation),
                              (FX_REVALUATION, EntryKind.reversal)}  # fmt: skip
    reversal = by_kind[(FX_REVALUATION, EntryKind.reversal)]
    assert (reversal["day"], reversal["reverses"]) == (FIRST, run.entry_id)
    lines = await JournalLine.select().where(JournalLine.entry == run.entry_id)
    assert all("FCT-00001" in x["description"] for x in lines)
    assert all(D(str(x["currency_amount"])) == 0 for x in lines)
    receivable = [x for x in lines if x["partner"] == env["client"]]
    assert [(x["currency"], D(str(x["debit"]))) for x in receivable] == [("EUR", D("121.00"))]

    # open_items still holds the invoice's rate, so the collection compares with it:
    # 1210 EUR at 5.0500 = 6110.50 lei against 6050.00 booked, 60.50 gain; 4111 at 0.
    (item,) = await open_items(company_id=env["company"], at=FIRST)
    assert (item.open, item.open_ron) == (D("1210.00"), D("6050.00"))
    await collect(env, date(2026, 4, 15), "1210.00")
    assert await books() == {"704": D("-5000.00"), "4427": D("-1050.00"),
                             "5124": D("6110.50"), "7651": D("-60.50")}  # fmt: skip

    # Once per month: running it again reports the one recorded.
    again = await fx_revaluation_run(company_id=env["company"], month=END, by=ACCOUNTANT)
    assert (again.created, again.revaluation_id, again.entry_id) == (
        False, run.revaluation_id, run.entry_id)  # fmt: skip
    assert await JournalEntry.count().where(JournalEntry.kind == EntryKind.fx_revaluation) == 1


async def test_a_loss_on_what_is_left_after_a_partial_collection_advances_untouched(env):
    await rates((date(2026, 3, 9), "5.0000"), (date(2026, 3, 19), "5.0200"), (END, "4.9000"))
    await invoice(env, "1000", currency="EUR")  # 1210 EUR = 6050.00 lei
    await invoice(env, "300")  # in lei: not revalued
    await collect(env, date(2026, 3, 20), "500.00", allocations=[{"invoice": 1, "amount": "500"}])
    await collect(env, date(2026, 3, 23), "100.00", allocations=[])  # an advance, 419
    before = await books(END)
    # 710 EUR left, 3550.00 lei booked (6050 - 500 x 5.0000); x 4.9000 = 3479.00: 71.00 lost.
    run = await fx_revaluation_run(company_id=env["company"], month=END, by=ACCOUNTANT)
    assert (run.gain, run.loss) == (D("0.00"), D("71.00"))
    (detail,) = run.details
    assert (detail["open"], detail["old_ron"], detail["new_ron"]) == (
        "710.00",
        "3550.00",
        "3479.00",
    )
    after = await books(END)
    assert after["4111"] - before["4111"] == D("-71.00")
    assert after["6651"] - before.get("6651", D(0)) == D("71.00")
    assert after["419"] == before["419"] == D("-502.00")  # 100 EUR at 5.0200
    assert await books(FIRST) == before


async def test_refusals_leave_nothing_behind(env):
    await rates((date(2026, 3, 9), "5.0000"), (date(2026, 3, 30), "5.0800"))
    await invoice(env, "1000", currency="EUR")
    with pytest.raises(NotFound) as missing:
        await fx_revaluation_run(company_id=env["company"], month=END, by=SYSTEM)
    assert missing.value.code == "FX_RATE_MISSING"
    assert "Lipsește cursul BNR pentru EUR din 31.03.2026, ultima zi bancară a lunii 03.2026" in (
        missing.value.message_ro)  # fmt: skip
    assert "Import curs BNR" in missing.value.message_ro

    await rates((END, "5.1000"))
    await period_close(company_id=env["company"], month=END, by=SYSTEM)
    with pytest.raises(Conflict) as closed:
        await fx_revaluation_run(company_id=env["company"], month=END, by=SYSTEM)
    assert closed.value.code == "PERIOD_CLOSED"

    with pytest.raises(ValidationFailed) as early:
        await fx_revaluation_run(company_id=env["company"], month=today(), by=SYSTEM)
    assert early.value.code == "FX_REVALUATION_MONTH_NOT_ENDED"
    with pytest.raises(Forbidden):
        await fx_revaluation_run(company_id=env["company"], month=END, by=Actor(Role.cashier, "c"))
    assert await FxRevaluation.count() == 0
    assert await JournalEntry.count().where(JournalEntry.source_type == FX_REVALUATION) == 0


async def test_nothing_in_a_currency_records_nothing(env):
    await invoice(env, "100")
    run = await fx_revaluation_run(company_id=env["company"], month=END, by=SYSTEM)
    assert (run.rate_day, run.revaluation_id, run.details) == (None, None, [])
    assert await FxRevaluation.count() == 0


async def test_two_runs_at_once_record_one(env):
    await rates((date(2026, 3, 9), "5.0000"), (END, "5.1000"))
    await invoice(env, "1000", currency="EUR")
    runs = await asyncio.gather(
        fx_revaluation_run(company_id=env["company"], month=END, by=SYSTEM),
        fx_revaluation_run(company_id=env["company"], month=END, by=SYSTEM),
    )
    assert sorted(r.created for r in runs) == [False, True]
    assert runs[0].revaluation_id == runs[1].revaluation_id
    assert await FxRevaluation.count() == 1
    assert await JournalEntry.count().where(JournalEntry.source_type == FX_REVALUATION) == 2


async def test_undo_by_an_administrator_while_both_months_are_open(env):
    await rates((date(2026, 3, 9), "5.0000"), (END, "5.1000"))
    await invoice(env, "1000", currency="EUR")
    before_end, before_first = await books(END), await books(FIRST)
    preview = await fx_revaluation_get(company_id=env["company"], month=END, by=ACCOUNTANT)
    assert (preview.revaluation_id, preview.gain) == (None, D("121.00"))
    assert await FxRevaluation.count() == 0
    run = await fx_revaluation_run(company_id=env["company"], month=END, by=SYSTEM)

    with pytest.raises(Forbidden) as refused:
        await fx_revaluation_undo(company_id=env["company"], month=END, by=ACCOUNTANT)
    assert refused.value.code == "FX_REVALUATION_UNDO_ADMIN_ONLY"
    await period_close(company_id=env["company"], month=FIRST, by=SYSTEM)
    with pytest.raises(Conflict) as closed:
        await fx_revaluation_undo(company_id=env["company"], month=END, by=SYSTEM)
    assert closed.value.code == "PERIOD_CLOSED"
    await JournalEntry.raw("DELETE FROM perioada_inchisa")  # reopened (an admin may)

    undone = await fx_revaluation_undo(company_id=env["company"], month=END, by=SYSTEM)
    assert undone.undone
    assert await books(END) == before_end
    assert await books(FIRST) == before_first
    stornos = await JournalEntry.select().where(JournalEntry.source_type == FX_REVALUATION_UNDO)
    assert sorted((e["day"], e["reverses"]) for e in stornos) == [
        (END, run.entry_id), (FIRST, run.reversal_id)]  # fmt: skip
    row = await FxRevaluation.select().where(FxRevaluation.id == run.revaluation_id).first()
    assert row["undone_at"] is not None
    assert row["undone_by"] == SYSTEM.name
    # Not undone twice; reported as undone until the month is revalued again.
    with pytest.raises(Conflict) as twice:
        await fx_revaluation_undo(company_id=env["company"], month=END, by=SYSTEM)
    assert twice.value.code == "FX_REVALUATION_UNDONE"
    seen = await fx_revaluation_get(company_id=env["company"], month=END, by=ACCOUNTANT)
    assert (seen.revaluation_id, seen.undone) == (run.revaluation_id, True)
    with pytest.raises(NotFound):
        await fx_revaluation_undo(company_id=env["company"], month=date(2026, 2, 1), by=SYSTEM)

    # The month is revalued again (a new row: its entries have their own source), here at
    # a corrected rate; the undone row and its four entries stay as they were.
    await ExchangeRate.update({ExchangeRate.rate: D("5.2000")}).where(ExchangeRate.day == END)
    again = await fx_revaluation_run(company_id=env["company"], month=END, by=SYSTEM)
    assert again.created
    assert not again.undone
    assert again.revaluation_id != run.revaluation_id
    assert (again.gain, again.loss) == (D("242.00"), D("0.00"))  # 1210 x (5.20 - 5.00)
    assert (await books(END))["7651"] == before_end.get("7651", D(0)) - D("242.00")
    assert await books(FIRST) == before_first
    reported = await fx_revaluation_run(company_id=env["company"], month=END, by=SYSTEM)
    assert (reported.created, reported.revaluation_id) == (False, again.revaluation_id)
    kinds = await JournalEntry.select(JournalEntry.source_id, JournalEntry.kind).where(
        JournalEntry.source_type == FX_REVALUATION
    )
    assert sorted((e["source_id"], e["kind"]) for e in kinds) == sorted([
        (run.revaluation_id, EntryKind.fx_revaluation), (run.revaluation_id, EntryKind.reversal),
        (again.revaluation_id, EntryKind.fx_revaluation),
        (again.revaluation_id, EntryKind.reversal)])  # fmt: skip
    # Only one revaluation in force per month, by the database itself.
    with pytest.raises(Exception) as duplicate:  # noqa: PT011 - the class depends on the engine
        await FxRevaluation.insert(FxRevaluation(company=env["company"], month=END, rate_day=END))
    assert is_unique_violation(duplicate.value)
    # Undone again, and run a third time.
    await fx_revaluation_undo(company_id=env["company"], month=END, by=SYSTEM)
    third = await fx_revaluation_run(company_id=env["company"], month=END, by=SYSTEM)
    assert third.created
    assert await FxRevaluation.count() == 3
