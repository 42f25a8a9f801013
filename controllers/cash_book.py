"""The cash register book (registrul de casă): the page /reports/cash-book (with its CSV,
Excel and PDF, like the ledger's reports, through their shared pieces) and
/api/reports/cash-book as JSON, CSV or PDF. The read model is domain/payments/cash_book.py.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get
from litestar.params import QueryParameter

from controllers.reports import PAGE, TAGS, Build, _answer, _api, _day, _id
from controllers.schemas import MAX_INT
from controllers.schemas.reports import End, FormatParam, PageFormatParam, Start
from domain.core.clock import today
from domain.core.errors import DomainError
from domain.org.permissions import Actor
from domain.payments.cash_book import CashBook, cash_book
from domain.payments.cash_desks import cash_desk_choices

KIND = "cash-book"
CashDeskId = Annotated[int, QueryParameter(ge=1, le=MAX_INT, description="Casieria")]


def _name_parts(report: CashBook) -> tuple[object, ...]:
    return (report.code, report.start, report.end)


async def _desks(by: Actor) -> list[dict[str, Any]]:
    """The picker's choices; none when the user may not see the cash (the report says why)."""
    try:
        rows = await cash_desk_choices(by=by)
    except DomainError:
        return []
    return [
        {"id": r["id"], "label": f"{r['code']} — {r['name']} ({r['currency']})"
                                 + ("" if r["active"] else " (inactivă)")}
        for r in rows
    ]  # fmt: skip


@get("/reports/cash-book", **PAGE)
async def cash_book_page(
    request: Request,
    cash_desk: str = "",
    start: str = "",
    end: str = "",
    file_format: PageFormatParam = "",
) -> Any:
    """One desk's book from `start` to `end` (both default to today: the day's page)."""
    desks = await _desks(request.user)
    if not cash_desk.strip() and len(desks) == 1:
        cash_desk = str(desks[0]["id"])  # nothing to choose
    day = today()
    form = {"cash_desk": cash_desk.strip(), "start": start or day.isoformat(),
            "end": end or day.isoformat()}  # fmt: skip
    build: Build | None = None
    if form["cash_desk"]:

        async def build() -> CashBook:
            return await cash_book(
                by=request.user, cash_desk_id=_id(cash_desk, "cash_desk") or 0,
                start=_day(start, "start", day), end=_day(end, "end", day),
            )  # fmt: skip

    return await _answer(request, KIND, form, file_format, build, _name_parts, desks=desks)


@get("/api/reports/cash-book", operation_id="CashBook", summary="Registrul de casă", tags=TAGS)
async def cash_book_api(
    request: Request,
    cash_desk: CashDeskId,
    start: Start,
    end: End,
    file_format: FormatParam = "json",
) -> CashBook:
    """Per day with money in or out of the desk: the balance carried from the day before,
    every operation on the desk's account (chitanțe, deposits at the bank, any entry),
    the day's receipts and payments and its closing balance; a currency desk has its
    currency beside the lei. Read from the ledger."""
    report = await cash_book(by=request.user, cash_desk_id=cash_desk, start=start, end=end)
    return await _api(KIND, file_format, report, _name_parts(report))
