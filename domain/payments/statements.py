"""Bank statements: import a file, propose matches, confirm a line as a receipt, ignore.

- `statement_import`: every statement of an MT940 or CAMT.053 file, to one of the
  company's bank accounts (the one chosen, whose IBAN the file must name, or the one the
  file names). Idempotent: a line already imported for that account (same bank reference)
  is counted, never stored again, so the same or an overlapping file adds only what is
  new; the answer says both. A file that cannot be read stores nothing.
- Credit lines get a proposal (partner, invoices, score, reasons) at import;
  `lines_propose` works them out again (new invoices, a partner's IBAN added since).
- `line_confirm`: the receipt (`receipt_record`, kind bank) and the line's status in one
  transaction, under the line's lock: a second confirmation finds it confirmed (409).
  A line may instead be the bank's settlement of card takings
  (domain/payments/card_settlements.py, `line_settle_card`).
- `line_ignore` / `line_unignore`: lines that are not collections (fees, payments out,
  transfers between own accounts) are set aside, and back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from domain.core.errors import Conflict, NotFound, ValidationFailed
from domain.core.money import input_decimal, q2
from domain.core.tx import for_update, write_tx
from domain.ledger.reports import as_date
from domain.org.permissions import Action, Actor, Area, require
from domain.payments.receipts import receipt_record
from domain.payments.statements_file import statements_parse
from domain.payments.statements_match import LineFacts, Proposal
from domain.payments.statements_parsed import ParsedStatement
from domain.payments.statements_queries import line_facts, proposal_json, proposals_for
from tables.choices import ReceiptKind, StatementLineStatus
from tables.org import CompanyBankAccount
from tables.payments import BankStatement, BankStatementLine

OPEN = (StatementLineStatus.new, StatementLineStatus.proposed)


@dataclass(frozen=True, slots=True)
class StatementImported:
    statement_id: int
    reference: str
    bank_account_id: int
    new_lines: int
    existing_lines: int
    already_imported: bool  # the statement itself was there (the same file again)


@dataclass(frozen=True, slots=True)
class ImportResult:
    statements: list[StatementImported] = field(default_factory=list)
    new_line_ids: list[int] = field(default_factory=list)

    @property
    def new_lines(self) -> int:
        return sum(x.new_lines for x in self.statements)

    @property
    def existing_lines(self) -> int:
        return sum(x.existing_lines for x in self.statements)


def _compact(iban: str) -> str:
    return iban.replace(" ", "").upper()


async def _accounts(
    company_id: int, bank_account_id: int | None, statements: Sequence[ParsedStatement]
) -> list[dict[str, Any]]:
    """The company's account for each statement; refused when the file is for another."""
    rows = await CompanyBankAccount.select().where(CompanyBankAccount.company == company_id)
    if bank_account_id is not None:
        rows = [r for r in rows if r["id"] == bank_account_id]
        if not rows:
            raise NotFound(
                "BANK_ACCOUNT_NOT_FOUND",
                f"Contul bancar nr. {bank_account_id} nu există la această firmă.",
                f"Bank account {bank_account_id} does not exist for this company.",
                field="bank_account",
            )
    by_iban = {_compact(r["iban"]): r for r in rows}
    out = []
    for s in statements:
        account = by_iban.get(s.iban)
        if account is None and bank_account_id is not None:
            raise ValidationFailed(
                "STATEMENT_IBAN_MISMATCH",
                f"Extrasul {s.reference} este al contului {s.iban or s.account}, nu al contului "
                f"ales ({rows[0]['iban']}). Alegeți contul corect sau lăsați alegerea goală.",
                f"Statement {s.reference} is for {s.iban or s.account}, not for the chosen "
                f"account ({rows[0]['iban']}).",
                field="bank_account",
            )
        if account is None:
            raise ValidationFailed(
                "STATEMENT_ACCOUNT_UNKNOWN",
                f"Contul {s.iban or s.account} din extrasul {s.reference} nu este printre "
                "conturile bancare ale firmei. Adăugați-l întâi (Organizare › conturi bancare).",
                f"Account {s.iban or s.account} of statement {s.reference} is not one of the "
                "company's bank accounts.",
                field="bank_account",
            )
        if s.currency and s.currency != (account["currency"] or "RON").upper():
            raise ValidationFailed(
                "STATEMENT_CURRENCY_MISMATCH",
                f"Extrasul {s.reference} este în {s.currency}, dar contul {account['iban']} "
                f"este în {account['currency']}.",
                f"Statement {s.reference} is in {s.currency}, account {account['iban']} in "
                f"{account['currency']}.",
                field="bank_account",
            )
        out.append(account)
    return out


async def statement_import(
    *,
    company_id: int,
    data: bytes,
    file_name: str = "",
    bank_account_id: int | None = None,
    by: Actor,
) -> ImportResult:
    """Import every statement of the file; see the module's docstring."""
    require(by, Area.payments, Action.write)
    statements = statements_parse(data)  # a refusal here writes nothing
    result = ImportResult()
    async with write_tx():
        accounts = await _accounts(company_id, bank_account_id, statements)
        # One importer per account at a time: the check for lines already there and the
        # insert of the new ones must not interleave (PostgreSQL; SQLite is serial).
        await for_update(
            CompanyBankAccount.select(CompanyBankAccount.id)
            .where(CompanyBankAccount.id.is_in(sorted({a["id"] for a in accounts})))
            .order_by(CompanyBankAccount.id)
        )
        for statement, account in zip(statements, accounts, strict=True):
            result.statements.append(
                await _import_one(company_id, statement, account["id"], file_name, by, result)
            )
    return result


async def _import_one(
    company_id: int,
    statement: ParsedStatement,
    account_id: int,
    file_name: str,
    by: Actor,
    result: ImportResult,
) -> StatementImported:
    existing_statement = (
        await BankStatement.select(BankStatement.id)
        .where(
            (BankStatement.bank_account == account_id)
            & (BankStatement.reference == statement.reference)
        )
        .first()
    )
    if existing_statement:
        statement_id = existing_statement["id"]
    else:
        row = BankStatement(
            company=company_id,
            bank_account=account_id,
            reference=statement.reference,
            file_format=statement.file_format,
            file_name=file_name[:200],
            currency=statement.currency or "RON",
            day_from=statement.day_from,
            day_to=statement.day_to,
            opening=statement.opening,
            closing=statement.closing,
            imported_by=by.name,
        )
        await row.save()
        statement_id = row.id
    references = [x.bank_reference for x in statement.lines]
    known: set[str] = set()
    for start in range(0, len(references), 500):
        rows = await BankStatementLine.select(BankStatementLine.bank_reference).where(
            (BankStatementLine.bank_account == account_id)
            & BankStatementLine.bank_reference.is_in(references[start : start + 500])
        )
        known |= {r["bank_reference"] for r in rows}
    new = [x for x in statement.lines if x.bank_reference not in known]
    facts = [
        LineFacts(x.amount, x.currency, x.counterparty_name, x.counterparty_iban, x.text)
        for x in new
    ]
    proposals = (
        await proposals_for(company_id=company_id, at=max(x.day for x in new), lines=facts)
        if new
        else []
    )
    rows = [
        BankStatementLine(
            statement=statement_id,
            company=company_id,
            bank_account=account_id,
            bank_reference=x.bank_reference,
            day=x.day,
            value_day=x.value_day,
            amount=x.amount,
            currency=x.currency,
            counterparty_name=x.counterparty_name[:200],
            counterparty_iban=x.counterparty_iban[:34],
            text=x.text,
            **_proposal_columns(p),
        )
        for x, p in zip(new, proposals, strict=True)
    ]
    if rows:
        inserted = await BankStatementLine.insert(*rows).returning(BankStatementLine.id)
        result.new_line_ids.extend(r["id"] for r in inserted)
    return StatementImported(
        statement_id=statement_id,
        reference=statement.reference,
        bank_account_id=account_id,
        new_lines=len(new),
        existing_lines=len(statement.lines) - len(new),
        already_imported=existing_statement is not None,
    )


def _proposal_columns(proposal: Proposal) -> dict[str, Any]:
    found = proposal.partner_id is not None
    return {
        "status": StatementLineStatus.proposed if found else StatementLineStatus.new,
        "partner": proposal.partner_id,
        "proposal": proposal.as_json() if proposal.reasons else {},
    }


async def lines_propose(
    *, company_id: int, line_ids: Sequence[int] | None = None, by: Actor
) -> int:
    """Work the proposals out again for the company's open credit lines (or those named).
    Returns how many lines now have a partner proposed."""
    require(by, Area.payments, Action.write)
    async with write_tx():
        query = BankStatementLine.select().where(
            (BankStatementLine.company == company_id)
            & BankStatementLine.status.is_in(list(OPEN))
            & (BankStatementLine.amount > 0)
        )
        if line_ids is not None:
            query = query.where(BankStatementLine.id.is_in(list(line_ids) or [0]))
        rows = await for_update(query.order_by(BankStatementLine.id))
        if not rows:
            return 0
        at = max(as_date(r["day"]) for r in rows)
        proposals = await proposals_for(
            company_id=company_id, at=at, lines=[line_facts(r) for r in rows]
        )
        for row, proposal in zip(rows, proposals, strict=True):
            await BankStatementLine.update(_proposal_columns(proposal)).where(
                BankStatementLine.id == row["id"]
            )
    return sum(1 for p in proposals if p.partner_id is not None)


async def locked_line(line_id: int) -> dict[str, Any]:
    row = await for_update(
        BankStatementLine.select().where(BankStatementLine.id == line_id)
    ).first()
    if row is None:
        raise NotFound(
            "STATEMENT_LINE_NOT_FOUND",
            f"Linia de extras nr. {line_id} nu există.",
            f"Statement line {line_id} does not exist.",
        )
    return row


def refuse_decided(row: Mapping[str, Any]) -> None:
    if row["status"] == StatementLineStatus.confirmed:
        # Confirmed without a receipt: a card settlement (domain/payments/card_settlements).
        what = f"încasarea nr. {row['receipt']}" if row["receipt"] else "decontare card"
        raise Conflict(
            "STATEMENT_LINE_CONFIRMED",
            f"Linia de extras nr. {row['id']} este deja confirmată ({what}).",
            f"Statement line {row['id']} is already confirmed "
            f"({'receipt ' + str(row['receipt']) if row['receipt'] else 'card settlement'}).",
            details={"receipt": row["receipt"]},
        )


def refuse_not_waiting(row: Mapping[str, Any]) -> None:
    """Only a line still waiting (new or proposed) is confirmed."""
    refuse_decided(row)
    if row["status"] == StatementLineStatus.ignored:
        raise Conflict(
            "STATEMENT_LINE_IGNORED",
            f"Linia de extras nr. {row['id']} este ignorată; readuceți-o întâi.",
            f"Statement line {row['id']} is ignored; bring it back first.",
        )


def refuse_debit(row: Mapping[str, Any]) -> None:
    """Money out is neither a receipt nor a card settlement."""
    amount = q2(row["amount"])
    if amount <= 0:
        raise ValidationFailed(
            "STATEMENT_LINE_NOT_CREDIT",
            f"Linia de extras nr. {row['id']} este o plată ({amount} {row['currency']}), "
            "nu o încasare: nu se confirmă ca încasare sau decontare card. O puteți ignora.",
            f"Statement line {row['id']} is a payment out, not a collection.",
        )


@dataclass(frozen=True, slots=True)
class Confirmed:
    line_id: int
    receipt_id: int
    partner_id: int


def _allocations(raw: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for i, item in enumerate(raw):
        invoice = item.get("invoice")
        if not isinstance(invoice, int) or isinstance(invoice, bool) or invoice <= 0:
            raise ValidationFailed(
                "ALLOCATION_INVALID",
                f"Alocarea {i + 1}: alegeți factura.",
                f"Allocation {i + 1}: choose the invoice.",
                field=f"allocations[{i}].invoice",
            )
        amount = item.get("amount")
        out.append(
            {
                "invoice": invoice,
                "amount": None
                if amount in (None, "")
                else q2(input_decimal(amount, f"allocations[{i}].amount")),
            }
        )
    return out


async def line_confirm(
    *,
    line_id: int,
    partner_id: int | None = None,
    allocations: Sequence[Mapping[str, Any]] | None = None,
    by: Actor,
) -> Confirmed:
    """Post a credit line as a bank receipt: the proposal as it is, or as the user changed
    it (another partner; the invoices and amounts, in each invoice's currency). With
    another partner and no invoices given, the receipt pays that partner's oldest."""
    require(by, Area.payments, Action.write)
    wanted = None if allocations is None else _allocations(allocations)
    async with write_tx():
        row = await locked_line(line_id)
        refuse_not_waiting(row)
        refuse_debit(row)
        amount = q2(row["amount"])
        proposal = proposal_json(row["proposal"])
        proposed_partner = proposal.get("partner")
        partner = partner_id or proposed_partner
        if not partner:
            raise ValidationFailed(
                "PARTNER_REQUIRED",
                "Alegeți partenerul care a plătit: nu s-a găsit unul potrivit.",
                "Choose the partner who paid: none was found.",
                field="partner",
            )
        if wanted is None and partner == proposed_partner:
            wanted = [
                {"invoice": x["invoice"], "amount": q2(x["amount"])}
                for x in proposal.get("invoices", [])
            ]
        receipt = await receipt_record(
            company_id=row["company"],
            kind=ReceiptKind.bank,
            partner_id=partner,
            day=as_date(row["day"]),
            amount=amount,
            currency=row["currency"],
            bank_account_id=row["bank_account"],
            bank_reference=row["bank_reference"],
            payer_name=row["counterparty_name"],
            description=" ".join(row["text"].split())[:300],
            allocations=wanted,
            by=by,
        )
        await BankStatementLine.update(
            {
                BankStatementLine.status: StatementLineStatus.confirmed,
                BankStatementLine.partner: partner,
                BankStatementLine.receipt: receipt.receipt_id,
                BankStatementLine.decided_at: datetime.now(UTC),
                BankStatementLine.decided_by: by.name,
            }
        ).where(BankStatementLine.id == line_id)
    return Confirmed(line_id=line_id, receipt_id=receipt.receipt_id, partner_id=partner)


async def line_ignore(*, line_id: int, by: Actor) -> None:
    """Set a line aside: not a collection (a fee, a payment out, an own transfer)."""
    require(by, Area.payments, Action.write)
    async with write_tx():
        row = await locked_line(line_id)
        refuse_decided(row)
        await BankStatementLine.update(
            {
                BankStatementLine.status: StatementLineStatus.ignored,
                BankStatementLine.decided_at: datetime.now(UTC),
                BankStatementLine.decided_by: by.name,
            }
        ).where(BankStatementLine.id == line_id)


async def line_unignore(*, line_id: int, by: Actor) -> None:
    """Bring an ignored line back, with its proposal (if any) waiting again."""
    require(by, Area.payments, Action.write)
    async with write_tx():
        row = await locked_line(line_id)
        if row["status"] != StatementLineStatus.ignored:
            raise Conflict(
                "STATEMENT_LINE_NOT_IGNORED",
                f"Linia de extras nr. {line_id} nu este ignorată.",
                f"Statement line {line_id} is not ignored.",
            )
        status = StatementLineStatus.proposed if row["partner"] else StatementLineStatus.new
        await BankStatementLine.update(
            {
                BankStatementLine.status: status,
                BankStatementLine.decided_at: None,
                BankStatementLine.decided_by: "",
            }
        ).where(BankStatementLine.id == line_id)
