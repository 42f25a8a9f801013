"""Card settlements (decontare card): the bank pays the card takings into the account.

A card receipt debits 5125 (card takings being settled, domain/payments/tills.py); days
later the acquiring bank credits the account with what it collected less its commission.
One entry per settlement (ro-fiscal.md §3 "Receipts"): 5121 = 5125 with what reached the
bank (the bank account's own analytic, else the bank role) and 627 = 5125 with the fee.
5125 never goes below zero: a settlement larger than what it holds on its day (and on
every later day already booked) is refused.

The entry's source is the bank statement line that shows the money coming in (source
"card_settlement", the line's id): a line is unique per (bank account, bank reference) and
a journal entry per (source, kind), so one line is settled once, whatever the callers do.
The line is found by its bank reference, so it must have been imported; recording the
same settlement again answers the one recorded (`created` False).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from domain.core.errors import Conflict, NotFound, ValidationFailed
from domain.core.money import from_minor, input_decimal, q2
from domain.core.tx import for_update, named_lock, write_tx
from domain.ledger.ops import entry_post
from domain.ledger.reports import as_date, bani
from domain.ledger.rules import PostLine
from domain.org.permissions import Action, Actor, Area, require
from domain.payments.statements import locked_line, refuse_debit, refuse_not_waiting
from domain.payments.statements_queries import CARD_SETTLEMENT, card_settlements_of
from domain.payments.tills import till_of
from tables.choices import EntryKind, PostingRole, ReceiptKind, StatementLineStatus
from tables.ledger import JournalEntry
from tables.payments import BankStatementLine

ZERO = Decimal("0.00")


@dataclass(frozen=True, slots=True)
class CardSettled:
    line_id: int
    entry_id: int
    gross: Decimal  # what leaves 5125
    fee: Decimal  # 627
    net: Decimal  # what reached the bank
    created: bool  # False: this settlement was already recorded


def card_settlement_posting(bank: PostingRole | str, net: Decimal, fee: Decimal) -> list[PostLine]:
    """5121 = 5125 for what reached the bank, 627 = 5125 for the bank's fee (pure)."""
    lines = [PostLine(bank, debit=net, description="Decontare card")]
    if fee:
        lines.append(PostLine(PostingRole.bank_fees, debit=fee, description="Comision card"))
    lines.append(PostLine(PostingRole.card_settlement, credit=net + fee))
    return lines


def _amount(value: Any, field: str, label: str, *, zero: bool = False) -> Decimal:
    number = input_decimal(value, field)
    if number < 0 or (number == 0 and not zero) or number != q2(number):
        least = "zero sau o sumă pozitivă" if zero else "o sumă pozitivă"
        raise ValidationFailed(
            "CARD_SETTLEMENT_AMOUNT_INVALID",
            f"{label} trebuie să fie {least}, cu cel mult 2 zecimale (nu «{value}»).",
            f"{field} must be {'zero or ' if zero else ''}a positive amount with at most "
            "2 decimals.",
            field=field,
        )
    return q2(number)


async def card_takings(company_id: int, day: date) -> Decimal:
    """What 5125 (the account the company maps to card settlement) holds for settling on
    `day`: its balance at the end of that day, or at the end of a later day if a later
    settlement already took more (the lowest; exact, in bani)."""
    rows = await JournalEntry.raw(
        f"SELECT CASE WHEN l.day < {{}} THEN NULL ELSE l.day END AS day, "
        f"SUM({bani('l.debit')}) - SUM({bani('l.credit')}) AS bani "
        "FROM linie_nota l JOIN cont_contabil a ON a.id = l.account "
        "JOIN cont_implicit m ON m.company = a.company AND m.account = a.code "
        "WHERE l.company = {} AND m.role = {} GROUP BY 1",
        day, company_id, PostingRole.card_settlement,
    )  # fmt: skip
    moves = {as_date(r["day"]): int(r["bani"] or 0) for r in rows if r["day"] is not None}
    running = sum(int(r["bani"] or 0) for r in rows if r["day"] is None) + moves.pop(day, 0)
    lowest = running
    for later in sorted(moves):
        running += moves[later]
        lowest = min(lowest, running)
    return from_minor(lowest)


async def _locked_line(company_id: int, bank_account_id: int, reference: str) -> dict[str, Any]:
    row = await for_update(
        BankStatementLine.select().where(
            (BankStatementLine.bank_account == bank_account_id)
            & (BankStatementLine.bank_reference == reference)
        )
    ).first()
    if row is None or row["company"] != company_id:
        raise NotFound(
            "CARD_SETTLEMENT_LINE_NOT_FOUND",
            f"În extrasele importate ale contului nr. {bank_account_id} nu este o linie cu "
            f"referința «{reference}». Importați întâi extrasul în care banca a virat "
            "decontarea.",
            f"No imported statement line of bank account {bank_account_id} has reference "
            f"{reference!r}.",
            field="reference",
        )
    return row


def _check_line(line: Mapping[str, Any], day: date, net: Decimal) -> None:
    refuse_not_waiting(line)
    refuse_debit(line)
    amount = q2(line["amount"])
    if line["currency"] != "RON":
        raise ValidationFailed(
            "CARD_SETTLEMENT_CURRENCY",
            f"Decontările de card se înregistrează în lei (5125); linia nr. {line['id']} este "
            f"în {line['currency']}.",
            f"Card settlements are in lei; line {line['id']} is in {line['currency']}.",
        )
    if net != amount:
        raise ValidationFailed(
            "CARD_SETTLEMENT_NET_MISMATCH",
            f"Suma decontată minus comision ({net} lei) trebuie să fie suma virată de bancă "
            f"pe linia de extras ({amount} lei).",
            f"Gross minus fee ({net}) must be the amount the bank paid in ({amount}).",
            field="gross",
        )
    if as_date(line["day"]) != day:
        raise ValidationFailed(
            "CARD_SETTLEMENT_DAY_MISMATCH",
            f"Decontarea se înregistrează în ziua în care banca a virat-o "
            f"({as_date(line['day']):%d.%m.%Y}), nu pe {day:%d.%m.%Y}.",
            f"The settlement is booked on the statement line's day, {line['day']}.",
            field="day",
        )


async def card_settlement_record(
    *,
    company_id: int,
    bank_account_id: int,
    day: date,
    gross: Decimal,
    fee: Decimal,
    reference: str,
    by: Actor,
) -> CardSettled:
    """Book the bank's settlement of card takings: `gross` leaves 5125, `fee` goes to 627
    and the rest is the statement line (`reference`, in `bank_account_id`) that brought it,
    which becomes confirmed. See the module's docstring."""
    require(by, Area.payments, Action.write)
    gross = _amount(gross, "gross", "Suma decontată (brut)")
    fee = _amount(fee, "fee", "Comisionul", zero=True)
    if fee >= gross:
        raise ValidationFailed(
            "CARD_SETTLEMENT_FEE_TOO_HIGH",
            f"Comisionul ({fee} lei) trebuie să fie mai mic decât suma decontată ({gross} lei).",
            f"The fee ({fee}) must be less than the gross amount ({gross}).",
            field="fee",
        )
    net = gross - fee
    reference = reference.strip()
    if not reference:
        raise ValidationFailed(
            "CARD_SETTLEMENT_REFERENCE_REQUIRED",
            "Scrieți referința băncii a liniei de extras cu decontarea.",
            "The bank reference of the statement line is required.",
            field="reference",
        )
    async with write_tx():
        line = await _locked_line(company_id, bank_account_id, reference)
        if (done := (await card_settlements_of([line["id"]])).get(line["id"])) is not None:
            entry_id, booked = done["entry"], done["gross"]
            if booked != gross:
                raise Conflict(
                    "CARD_SETTLEMENT_EXISTS",
                    f"Linia de extras «{reference}» este deja decontare de card (nota nr. "
                    f"{entry_id}, {booked} lei brut, comision {booked - net} lei), nu "
                    f"{gross} lei.",
                    f"Line {reference!r} is already settled (entry {entry_id}, gross {booked}).",
                    details={"entry": entry_id, "gross": str(booked)},
                )
            return CardSettled(line["id"], entry_id, gross, fee, net, created=False)
        _check_line(line, day, net)
        bank = await till_of(company_id, ReceiptKind.bank, "RON", None, bank_account_id)
        # One settlement of the company's 5125 at a time: the balance read below is then
        # what it settles.
        await named_lock(f"catastif:card_settlement:{company_id}")
        held = await card_takings(company_id, day)
        if gross > held:
            raise Conflict(
                "CARD_SETTLEMENT_EXCEEDS_TAKINGS",
                f"Decontarea de {gross} lei depășește încasările cu cardul nedecontate (contul "
                f"5125: {held} lei la {day:%d.%m.%Y}). Înregistrați întâi încasările cu cardul "
                "sau verificați suma și comisionul.",
                f"The settlement of {gross} exceeds the card takings not yet settled ({held}).",
                details={"held": str(held), "gross": str(gross)},
            )
        entry_id = await entry_post(
            company_id=company_id, day=day, kind=EntryKind.card_settlement,
            lines=card_settlement_posting(bank.account, net, fee),
            source_type=CARD_SETTLEMENT, source_id=line["id"], reference=reference[:40],
            description=f"Decontare card: {gross} lei, comision {fee} lei", by_name=by.name,
        )  # fmt: skip
        await BankStatementLine.update(
            {
                BankStatementLine.status: StatementLineStatus.confirmed,
                BankStatementLine.decided_at: datetime.now(UTC),
                BankStatementLine.decided_by: by.name[:150],
            }
        ).where(BankStatementLine.id == line["id"])
    return CardSettled(line["id"], entry_id, gross, fee, net, created=True)


async def line_settle_card(
    *, line_id: int, fee: Any = None, gross: Any = None, by: Actor
) -> CardSettled:
    """Confirm a credit line as a card settlement: the line is what reached the bank; the
    fee typed (gross = line + fee), or the gross (fee = gross - line), or neither (no fee)."""
    require(by, Area.payments, Action.write)
    typed_fee = None if fee in (None, "") else _amount(fee, "fee", "Comisionul", zero=True)
    typed_gross = None if gross in (None, "") else _amount(gross, "gross", "Suma decontată (brut)")
    async with write_tx():
        line = await locked_line(line_id)
        refuse_debit(line)
        net = q2(line["amount"])
        if typed_gross is None:
            typed_gross = net + (typed_fee or ZERO)
        if typed_fee is None:
            typed_fee = typed_gross - net
        return await card_settlement_record(
            company_id=line["company"], bank_account_id=line["bank_account"],
            day=as_date(line["day"]), gross=typed_gross, fee=typed_fee,
            reference=line["bank_reference"], by=by,
        )  # fmt: skip
