"""/api/journal-entries (manual entries, any entry read back), /api/accounts (search and
analytic accounts), /api/periods (close, reopen a month), /api/partners/{id}/doubtful
(move a client's debt to 4118)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import Parameter

from controllers.paging import check_limit, decode_cursor, encode_cursor
from controllers.schemas import NO_NUL, RowId
from controllers.schemas.ledger import (
    AccountIn,
    AccountOut,
    AccountPage,
    DoubtfulIn,
    EntryLineOut,
    EntryOut,
    ManualEntryIn,
    PeriodIn,
    PeriodOut,
)
from domain.core.money import q2
from domain.ledger.chart import account_create, account_get, account_page, default_company
from domain.ledger.manual import (
    closed_months,
    doubtful_reclassify,
    journal_entry_get,
    manual_entry_create,
    period_close,
    period_reopen,
)
from domain.org.permissions import Actor

TAGS = ["Contabilitate"]
MONEY = ("debit", "credit", "currency_amount")


async def _company(company: int | None) -> int:
    return company if company is not None else await default_company()


def _line_out(row: Mapping[str, Any]) -> EntryLineOut:
    values = {k: row[k] for k in EntryLineOut.__struct_fields__ if k in row}
    values |= {m: q2(row[m]) for m in MONEY}  # SQLite hands Numeric back as float
    values["account"] = row["account_code"]  # the code people know, not the row id
    return EntryLineOut(**values)


async def _entry_out(entry_id: int, by: Actor) -> EntryOut:
    entry = await journal_entry_get(entry_id, by=by)
    fields = set(EntryOut.__struct_fields__) - {"lines"}
    return EntryOut(**{k: entry[k] for k in fields}, lines=[_line_out(r) for r in entry["lines"]])


def _account_out(row: Mapping[str, Any]) -> AccountOut:
    return AccountOut(**{k: row[k] for k in AccountOut.__struct_fields__})


class JournalEntryController(Controller):
    path = "/api/journal-entries"
    tags = TAGS

    @post("/", operation_id="CreateManualEntry")
    async def create_manual_entry(self, request: Request, data: ManualEntryIn) -> EntryOut:
        """A manual journal entry (notă contabilă): balanced, into an open month."""
        lines = [msgspec.structs.asdict(line) for line in data.lines]
        entry_id = await manual_entry_create(
            company_id=await _company(data.company), day=data.day,
            description=data.description, reference=data.reference, lines=lines,
            by=request.user,
        )  # fmt: skip
        return await _entry_out(entry_id, request.user)

    @get("/{entry_id:int}", operation_id="GetJournalEntry")
    async def get_entry(self, request: Request, entry_id: RowId) -> EntryOut:
        return await _entry_out(entry_id, request.user)


class AccountController(Controller):
    path = "/api/accounts"
    tags = TAGS

    @get("/", operation_id="ListAccounts")
    async def list_accounts(
        self,
        request: Request,
        q: str = Parameter(
            default="", description="Începutul codului sau un cuvânt din denumire",
            max_length=200, pattern=NO_NUL,
        ),
        company: int | None = Parameter(default=None, ge=1, le=2_147_483_647),
        active: bool = Parameter(default=False, description="Doar conturile active"),
        after: str | None = Parameter(default=None, description="Cursorul «next» primit"),
        limit: int = Parameter(default=50),
    ) -> AccountPage:  # fmt: skip
        key = decode_cursor(after, str)
        rows, more = await account_page(
            by=request.user, company_id=await _company(company), q=q,
            after=key[0] if key else None, limit=check_limit(limit), active_only=active,
        )  # fmt: skip
        cursor = encode_cursor(rows[-1]["code"]) if more else None
        return AccountPage(items=[_account_out(r) for r in rows], next=cursor)

    @get("/{account_id:int}", operation_id="GetAccount")
    async def get_account(self, request: Request, account_id: RowId) -> AccountOut:
        return _account_out(await account_get(account_id, by=request.user))

    @post("/", operation_id="CreateAnalyticAccount")
    async def create_account(self, request: Request, data: AccountIn) -> AccountOut:
        values = msgspec.structs.asdict(data)
        values["company"] = await _company(data.company)
        account_id = await account_create(values=values, by=request.user)
        return _account_out(await account_get(account_id, by=request.user))


class PeriodController(Controller):
    path = "/api/periods"
    tags = TAGS

    async def _out(self, by: Actor, company: int, data: PeriodIn, changed: bool) -> PeriodOut:
        months = await closed_months(company_id=company, by=by)
        month = data.month.replace(day=1)
        return PeriodOut(company=company, month=month, closed=month in months,
                         changed=changed, closed_months=months)  # fmt: skip

    @post("/close", operation_id="ClosePeriod", status_code=200)
    async def close(self, request: Request, data: PeriodIn) -> PeriodOut:
        company = await _company(data.company)
        changed = await period_close(company_id=company, month=data.month, by=request.user)
        return await self._out(request.user, company, data, changed)

    @post("/reopen", operation_id="ReopenPeriod", status_code=200)
    async def reopen(self, request: Request, data: PeriodIn) -> PeriodOut:
        company = await _company(data.company)
        await period_reopen(company_id=company, month=data.month, by=request.user)
        return await self._out(request.user, company, data, True)


class DoubtfulController(Controller):
    path = "/api/partners"
    tags = TAGS

    @post("/{partner_id:int}/doubtful", operation_id="ReclassifyDoubtful")
    async def doubtful(self, request: Request, partner_id: RowId, data: DoubtfulIn) -> EntryOut:
        """Move what a client owes on 4111 (all, or `amount`) to doubtful clients (4118)."""
        entry_id = await doubtful_reclassify(
            partner_id=partner_id, amount=data.amount, day=data.day, by=request.user,
            company_id=await _company(data.company),
        )  # fmt: skip
        return await _entry_out(entry_id, request.user)
