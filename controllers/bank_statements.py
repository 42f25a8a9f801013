"""Bank statements: /api/bank-statements (import a file, statements, lines, confirm,
ignore) and the review page /bank-statements/ where an accountant uploads the day's file
and confirms the proposed collections one click each."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import msgspec
from litestar import Controller, MediaType, Request, get, post
from litestar.openapi.spec import OpenAPIMediaType, Operation, RequestBody, Schema
from litestar.openapi.spec.enums import OpenAPIType
from litestar.params import Parameter
from litestar.response import Template

from controllers.editor.pages import ro_date, ro_number
from controllers.reports import PAGE, css_version
from controllers.schemas import MAX_INT, NO_NUL, RowId
from controllers.schemas.bank_statements import (
    CardSettlementIn,
    CardSettlementOut,
    ConfirmIn,
    ConfirmOut,
    ImportOut,
    LineOut,
    ProposedOut,
    StatementImportedOut,
    StatementOut,
)
from domain.core.errors import NotFound
from domain.org.permissions import Action, Actor, Area, allowed, require
from domain.payments.card_settlements import line_settle_card
from domain.payments.statements import (
    line_confirm,
    line_ignore,
    line_unignore,
    lines_propose,
    statement_import,
)
from domain.payments.statements_queries import (
    statement_line_get,
    statement_lines,
    statements_list,
)
from domain.sales.queries import default_company_id
from tables.choices import StatementLineStatus
from tables.org import CompanyBankAccount

TAGS = ["Extrase bancare"]
Company = Parameter(default=None, ge=1, le=MAX_INT, description="Firma (implicit: singura)")


@dataclass
class StatementUpload(Operation):
    """The body is the statement file itself (Litestar cannot infer it from `bytes`)."""

    def __post_init__(self) -> None:
        self.request_body = RequestBody(
            content={
                media: OpenAPIMediaType(schema=Schema(type=OpenAPIType.STRING))
                for media in ("application/octet-stream", "text/plain", "application/xml")
            },
            description="Extrasul MT940 (UTF-8 sau Windows-1250) sau CAMT.053 (XML), "
            "cu unul sau mai multe extrase.",
            required=True,
        )


async def _line_out(line_id: int) -> LineOut:
    row = await statement_line_get(line_id)
    if row is None:
        raise NotFound("STATEMENT_LINE_NOT_FOUND", f"Linia de extras nr. {line_id} nu există.")
    return msgspec.convert(row, LineOut)


class BankStatementController(Controller):
    path = "/api/bank-statements"
    tags = TAGS

    @post(
        "/import",
        operation_id="ImportBankStatement",
        summary="Importă un extras de cont (MT940 sau CAMT.053)",
        status_code=200,
        operation_class=StatementUpload,
    )
    async def import_file(
        self,
        request: Request,
        body: bytes,
        company: int | None = Company,
        bank_account: int | None = Parameter(
            default=None, ge=1, le=MAX_INT, description="Contul; gol = după IBAN-ul din fișier"
        ),
        file_name: str = Parameter(default="", max_length=200, pattern=NO_NUL),
    ) -> ImportOut:
        """Every statement of the file, to the company's account it names (or the one
        chosen, whose IBAN it must name). Lines already imported are counted, never stored
        twice. An unreadable file is 422 STATEMENT_* and stores nothing."""
        result = await statement_import(
            company_id=company or await default_company_id(),
            data=body,
            file_name=file_name,
            bank_account_id=bank_account,
            by=request.user,
        )
        return ImportOut(
            statements=[
                StatementImportedOut(
                    statement=s.statement_id,
                    reference=s.reference,
                    bank_account=s.bank_account_id,
                    new_lines=s.new_lines,
                    existing_lines=s.existing_lines,
                    already_imported=s.already_imported,
                )
                for s in result.statements
            ],
            new_lines=result.new_lines,
            existing_lines=result.existing_lines,
            new_line_ids=result.new_line_ids,
        )

    @get("/", operation_id="ListBankStatements", summary="Extrasele importate, noi întâi")
    async def list_statements(
        self, request: Request, company: int | None = Company
    ) -> list[StatementOut]:
        rows = await statements_list(
            company_id=company or await default_company_id(), by=request.user
        )
        return msgspec.convert(rows, list[StatementOut])

    @get("/lines", operation_id="ListBankStatementLines", summary="Liniile extraselor")
    async def list_lines(
        self,
        request: Request,
        company: int | None = Company,
        status: list[StatementLineStatus] | None = None,
        statement: int | None = Parameter(default=None, ge=1, le=MAX_INT),
        credits_only: bool = False,
    ) -> list[LineOut]:
        """Newest day first (at most 500). `status` repeatable: new, proposed, confirmed,
        ignored."""
        rows = await statement_lines(
            company_id=company or await default_company_id(),
            by=request.user,
            statuses=[str(s) for s in status or ()],
            statement_id=statement,
            credits_only=credits_only,
        )
        return msgspec.convert(rows, list[LineOut])

    @post("/lines/{line_id:int}/confirm", operation_id="ConfirmBankStatementLine",
          summary="Confirmă o linie ca încasare", status_code=200)  # fmt: skip
    async def confirm(self, request: Request, line_id: RowId, data: ConfirmIn) -> ConfirmOut:
        """Posts the bank receipt (5121/5124 = 4111, the rest 419) and marks the line, in
        one transaction. A line already confirmed is 409 STATEMENT_LINE_CONFIRMED."""
        allocations = (
            None
            if data.allocations is None
            else [{"invoice": a.invoice, "amount": a.amount} for a in data.allocations]
        )
        done = await line_confirm(
            line_id=line_id, partner_id=data.partner, allocations=allocations, by=request.user
        )
        return ConfirmOut(line=done.line_id, receipt=done.receipt_id, partner=done.partner_id)

    @post("/lines/{line_id:int}/card-settlement", operation_id="SettleCardBankStatementLine",
          summary="Confirmă o linie ca decontare card", status_code=200)  # fmt: skip
    async def card_settlement(
        self, request: Request, line_id: RowId, data: CardSettlementIn
    ) -> CardSettlementOut:
        """The bank's settlement of card takings: 5121 = 5125 for the line's amount, 627 =
        5125 for the fee; never more than 5125 holds (409 CARD_SETTLEMENT_EXCEEDS_TAKINGS).
        The same settlement again answers `created` false; another one for a line already
        confirmed is 409."""
        done = await line_settle_card(
            line_id=line_id, fee=data.fee, gross=data.gross, by=request.user
        )
        return CardSettlementOut(
            line=done.line_id, entry=done.entry_id, gross=done.gross, fee=done.fee,
            net=done.net, created=done.created,
        )  # fmt: skip

    @post("/lines/{line_id:int}/ignore", operation_id="IgnoreBankStatementLine",
          summary="Ignoră o linie (nu este o încasare)", status_code=200)  # fmt: skip
    async def ignore(self, request: Request, line_id: RowId) -> LineOut:
        await line_ignore(line_id=line_id, by=request.user)
        return await _line_out(line_id)

    @post("/lines/{line_id:int}/unignore", operation_id="UnignoreBankStatementLine",
          summary="Readu o linie ignorată", status_code=200)  # fmt: skip
    async def unignore(self, request: Request, line_id: RowId) -> LineOut:
        await line_unignore(line_id=line_id, by=request.user)
        return await _line_out(line_id)

    @post("/propose", operation_id="ProposeBankStatementLines",
          summary="Recalculează propunerile", status_code=200)  # fmt: skip
    async def propose(self, request: Request, company: int | None = Company) -> ProposedOut:
        found = await lines_propose(
            company_id=company or await default_company_id(), by=request.user
        )
        return ProposedOut(lines_with_partner=found)


# ------------------------------------------------------------------------------ the page

WAITING = (StatementLineStatus.proposed, StatementLineStatus.new)


class BankStatementPagesController(Controller):
    path = "/bank-statements"
    include_in_schema = False

    @get("/", **PAGE)
    async def review(self, request: Request, company: int | None = Company) -> Template:
        actor: Actor = request.user
        require(actor, Area.payments, Action.read)
        company_id = company or await default_company_id()
        rows = await statement_lines(company_id=company_id, by=actor)
        account = CompanyBankAccount
        accounts = (
            await account.select(account.id, account.iban, account.currency, account.bank_name)
            .where(account.company == company_id)
            .order_by(account.id)
        )
        groups: dict[str, list[dict[str, Any]]] = {"credits": [], "debits": [], "done": []}
        for row in rows:
            if row["status"] in WAITING:
                groups["credits" if row["amount"] > 0 else "debits"].append(row)
            else:
                groups["done"].append(row)
        return Template(
            template_name="bank/statements.html",
            context={
                "v": css_version(),
                "user": actor.name,
                "title": "Extrase bancare",
                "company": company_id,
                "accounts": accounts,
                "can_write": allowed(actor, Area.payments, Action.write),
                "num": ro_number,
                "date": ro_date,
                **groups,
            },
            media_type=MediaType.HTML,
        )
