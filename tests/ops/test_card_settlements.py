"""Card settlements (domain/payments/card_settlements.py) through the real operations: card
receipts fill 5125, the bank's settlement empties it (5121 the amount on the statement,
627 the fee); the same statement line is settled once, even by concurrent callers; never
more than 5125 holds, on the day and on the later days already booked; bad input
refused with nothing written."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from domain.core.errors import Conflict, DomainError, Forbidden, NotFound, ValidationFailed
from domain.org.permissions import SYSTEM, Actor
from domain.payments.card_settlements import card_settlement_record, line_settle_card
from domain.payments.receipts import receipt_record
from domain.payments.statements import line_confirm, line_ignore
from domain.payments.statements_queries import statement_line_get
from tables.choices import EntryKind, Role, StatementLineStatus
from tables.ledger import JournalEntry, JournalLine
from tables.org import CompanyBankAccount
from tables.payments import BankStatement, BankStatementLine
from tests.factories import make_client, make_company

D = Decimal
SALES, SETTLED = date(2026, 3, 10), date(2026, 3, 12)


@pytest.fixture
async def env() -> dict[str, Any]:
    company = await make_company()
    client = await make_client()
    accounts = {}
    for currency, iban in (
        ("RON", "RO12BTRLRONCRT0012345601"),
        ("EUR", "RO32BTRLEURCRT0012345602"),
    ):
        row = CompanyBankAccount(company=company, iban=iban, currency=currency)
        await row.save()
        accounts[currency] = row.id
    for amount in ("600.00", "400.00"):  # the day's card takings, kept as advances (419)
        await receipt_record(
            company_id=company, kind="card", partner_id=client, day=SALES, amount=D(amount),
            allocations=[], by=SYSTEM,
        )  # fmt: skip
    return {"company": company, "client": client, "accounts": accounts, "n": 0}


async def line(env: dict[str, Any], amount: str, day: date = SETTLED, currency: str = "RON") -> int:
    """A statement line as an import leaves it (one statement per line keeps it simple)."""
    env["n"] += 1
    account = env["accounts"][currency]
    statement = BankStatement(
        company=env["company"], bank_account=account, reference=f"EXT{env['n']}",
        file_format="mt940", currency=currency, day_from=day, day_to=day,
    )  # fmt: skip
    await statement.save()
    row = BankStatementLine(
        statement=statement.id, company=env["company"], bank_account=account,
        bank_reference=f"BT{env['n']:06d}", day=day, amount=D(amount), currency=currency,
        counterparty_name="EUROPAY DECONTARE POS", text="DECONTARE TRANZACTII CARD",
    )  # fmt: skip
    await row.save()
    return row.id


async def books() -> dict[str, D]:
    out: dict[str, D] = defaultdict(D)
    query = JournalLine.select(
        JournalLine.account.code.as_alias("code"), JournalLine.debit, JournalLine.credit
    )
    for r in await query:
        out[r["code"]] += D(str(r["debit"])) - D(str(r["credit"]))
    return {k: v.quantize(D("0.01")) for k, v in out.items() if v}


async def test_the_banks_settlement_empties_5125_into_the_bank_and_its_fee(env):
    assert (await books())["5125"] == D("1000.00")
    line_id = await line(env, "985.00")
    done = await line_settle_card(line_id=line_id, fee="15.00", by=SYSTEM)
    assert (done.gross, done.fee, done.net, done.created) == (
        D("1000.00"), D("15.00"), D("985.00"), True)  # fmt: skip
    assert await books() == {"5121": D("985.00"), "627": D("15.00"), "419": D("-1000.00")}
    entry = await JournalEntry.select().where(JournalEntry.id == done.entry_id).first()
    assert (entry["kind"], entry["source_type"], entry["source_id"], entry["day"]) == (
        EntryKind.card_settlement, "card_settlement", line_id, SETTLED)  # fmt: skip
    assert entry["reference"] == "BT000001"
    shown = await statement_line_get(line_id)
    assert shown is not None
    assert (shown["status"], shown["receipt"]) == (StatementLineStatus.confirmed, None)
    assert shown["card_settlement"] == {
        "entry": done.entry_id, "gross": D("1000.00"), "fee": D("15.00")}  # fmt: skip

    # The same settlement again (a double click, a retried call): nothing more.
    again = await card_settlement_record(
        company_id=env["company"], bank_account_id=env["accounts"]["RON"], day=SETTLED,
        gross=D("1000.00"), fee=D("15.00"), reference=" BT000001 ", by=SYSTEM,
    )  # fmt: skip
    assert (again.entry_id, again.created) == (done.entry_id, False)
    assert await JournalEntry.count().where(JournalEntry.kind == EntryKind.card_settlement) == 1
    # Another settlement of the same line, or a receipt from it: refused.
    with pytest.raises(Conflict) as other:
        await line_settle_card(line_id=line_id, fee="5.00", by=SYSTEM)
    assert other.value.code == "CARD_SETTLEMENT_EXISTS"
    with pytest.raises(Conflict) as receipt:
        await line_confirm(line_id=line_id, partner_id=env["client"], by=SYSTEM)
    assert receipt.value.code == "STATEMENT_LINE_CONFIRMED"
    assert "decontare card" in receipt.value.message_ro
    assert await books() == {"5121": D("985.00"), "627": D("15.00"), "419": D("-1000.00")}


async def test_settled_in_parts_without_a_fee_or_by_the_gross(env):
    first = await line_settle_card(line_id=await line(env, "600.00"), by=SYSTEM)
    assert (first.gross, first.fee) == (D("600.00"), D("0.00"))
    entry_lines = await JournalLine.count().where(JournalLine.entry == first.entry_id)
    assert entry_lines == 2  # no 627 line for no fee
    second = await line_settle_card(line_id=await line(env, "392.00"), gross="400", by=SYSTEM)
    assert (second.gross, second.fee) == (D("400.00"), D("8.00"))
    assert await books() == {"5121": D("992.00"), "627": D("8.00"), "419": D("-1000.00")}
    # 5125 is empty now: a third one is refused.
    with pytest.raises(Conflict) as empty:
        await line_settle_card(line_id=await line(env, "10.00"), by=SYSTEM)
    assert empty.value.code == "CARD_SETTLEMENT_EXCEEDS_TAKINGS"
    assert empty.value.details == {"held": "0.00", "gross": "10.00"}


async def test_never_more_than_5125_holds_on_the_day_and_after(env):
    too_much = await line(env, "990.00")
    with pytest.raises(Conflict) as refused:
        await line_settle_card(line_id=too_much, fee="15.00", by=SYSTEM)
    assert refused.value.code == "CARD_SETTLEMENT_EXCEEDS_TAKINGS"
    assert "5125: 1000.00 lei la 12.03.2026" in refused.value.message_ro
    # Before the takings were collected, 5125 held nothing.
    early = await line(env, "100.00", day=date(2026, 3, 9))
    with pytest.raises(Conflict):
        await line_settle_card(line_id=early, by=SYSTEM)
    # A later settlement already took 900: on the 12th only 100 are left to settle.
    await line_settle_card(line_id=await line(env, "900.00", day=date(2026, 3, 20)), by=SYSTEM)
    with pytest.raises(Conflict) as later:
        await line_settle_card(line_id=await line(env, "150.00"), by=SYSTEM)
    assert later.value.details["held"] == "100.00"
    await line_settle_card(line_id=await line(env, "100.00"), by=SYSTEM)
    assert (await books()).get("5125") is None
    for line_id in (too_much, early):  # refused: nothing written, still waiting
        row = await BankStatementLine.select().where(BankStatementLine.id == line_id).first()
        assert row["status"] == StatementLineStatus.new
    assert await JournalEntry.count().where(JournalEntry.kind == EntryKind.card_settlement) == 2


async def test_concurrent_settlements_never_overdraw_5125_nor_book_a_line_twice(env):
    a, b = await line(env, "600.00"), await line(env, "600.00")
    results = await asyncio.gather(
        line_settle_card(line_id=a, by=SYSTEM),
        line_settle_card(line_id=b, by=SYSTEM),
        return_exceptions=True,
    )
    errors = [r for r in results if isinstance(r, BaseException)]
    assert len(errors) == 1
    assert isinstance(errors[0], Conflict)
    assert errors[0].code == "CARD_SETTLEMENT_EXCEEDS_TAKINGS"
    c = await line(env, "400.00")
    same = await asyncio.gather(*(line_settle_card(line_id=c, by=SYSTEM) for _ in range(4)))
    assert sorted(r.created for r in same) == [False, False, False, True]
    assert len({r.entry_id for r in same}) == 1
    assert (await books()).get("5125") is None


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"fee": "-1"}, "CARD_SETTLEMENT_AMOUNT_INVALID"),
        ({"fee": "1.005"}, "CARD_SETTLEMENT_AMOUNT_INVALID"),
        ({"fee": "NaN"}, "NUMBER_INVALID"),
        ({"fee": "abc"}, "NUMBER_INVALID"),
        ({"gross": "0"}, "CARD_SETTLEMENT_AMOUNT_INVALID"),
        ({"gross": "90.00"}, "CARD_SETTLEMENT_AMOUNT_INVALID"),  # less than the line: fee < 0
        ({"gross": "110.00", "fee": "5.00"}, "CARD_SETTLEMENT_NET_MISMATCH"),
    ],
)
async def test_bad_amounts_are_refused(env, kwargs, code):
    line_id = await line(env, "100.00")
    with pytest.raises(ValidationFailed) as refused:
        await line_settle_card(line_id=line_id, by=SYSTEM, **kwargs)
    assert refused.value.code == code
    assert await JournalEntry.count().where(JournalEntry.kind == EntryKind.card_settlement) == 0


async def test_bad_calls_are_refused_and_write_nothing(env):
    ron, eur = env["accounts"]["RON"], env["accounts"]["EUR"]
    good = await line(env, "100.00")
    base = {"company_id": env["company"], "bank_account_id": ron, "day": SETTLED,
            "gross": D("100.00"), "fee": D("0.00"), "reference": "BT000001",
            "by": SYSTEM}  # fmt: skip
    cases: list[tuple[dict[str, Any], type[DomainError], str]] = [
        ({"fee": D("100.00")}, ValidationFailed, "CARD_SETTLEMENT_FEE_TOO_HIGH"),
        ({"reference": "  "}, ValidationFailed, "CARD_SETTLEMENT_REFERENCE_REQUIRED"),
        ({"reference": "NU-EXISTA"}, NotFound, "CARD_SETTLEMENT_LINE_NOT_FOUND"),
        ({"bank_account_id": eur}, NotFound, "CARD_SETTLEMENT_LINE_NOT_FOUND"),
        ({"company_id": await make_company(name="Alta SRL", cui="18547290")}, NotFound,
         "CARD_SETTLEMENT_LINE_NOT_FOUND"),
        ({"day": SALES}, ValidationFailed, "CARD_SETTLEMENT_DAY_MISMATCH"),
        ({"gross": D("120.00"), "fee": D("10.00")}, ValidationFailed,
         "CARD_SETTLEMENT_NET_MISMATCH"),
        ({"by": Actor(role=Role.viewer, name="v")}, Forbidden, "FORBIDDEN"),
    ]  # fmt: skip
    for change, error, code in cases:
        with pytest.raises(error) as refused:
            await card_settlement_record(**(base | change))
        assert refused.value.code == code, change
        assert refused.value.message_ro  # Romanian, for the person
    debit = await line(env, "-50.00")
    with pytest.raises(ValidationFailed) as out:
        await line_settle_card(line_id=debit, by=SYSTEM)
    assert out.value.code == "STATEMENT_LINE_NOT_CREDIT"
    euros = await line(env, "100.00", currency="EUR")
    with pytest.raises(ValidationFailed) as currency:
        await line_settle_card(line_id=euros, by=SYSTEM)
    assert currency.value.code == "CARD_SETTLEMENT_CURRENCY"
    await line_ignore(line_id=good, by=SYSTEM)
    with pytest.raises(Conflict) as ignored:
        await line_settle_card(line_id=good, by=SYSTEM)
    assert ignored.value.code == "STATEMENT_LINE_IGNORED"
    with pytest.raises(NotFound):
        await line_settle_card(line_id=999999, by=SYSTEM)
    assert await JournalEntry.count().where(JournalEntry.kind == EntryKind.card_settlement) == 0
    assert (await books())["5125"] == D("1000.00")
