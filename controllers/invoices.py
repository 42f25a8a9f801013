"""/api/invoices: drafts, lines, issue, cancel, storno, copy, read."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import msgspec
from litestar import Controller, Request, get, patch, post
from litestar.params import Parameter

from controllers.paging import check_limit, decode_cursor, encode_cursor
from controllers.schemas import RowId
from controllers.schemas.invoices import (
    CancelIn,
    InvoiceCreate,
    InvoiceHeader,
    InvoiceOut,
    InvoicePage,
    InvoiceSummary,
    InvoiceUpdate,
    LineIn,
    StornoIn,
)
from domain.core.errors import ValidationFailed
from domain.sales.invoices import (
    invoice_cancel,
    invoice_copy,
    invoice_draft_create,
    invoice_draft_update,
    invoice_issue,
    invoice_storno,
)
from domain.sales.queries import default_company_id, invoice_get, invoice_page
from tables.choices import DocStatus, InvoiceTypeCode


def _header(header: InvoiceHeader | None) -> dict[str, Any]:
    if header is None:
        return {}
    return {k: v for k, v in msgspec.structs.asdict(header).items() if v is not msgspec.UNSET}


def _lines(lines: list[LineIn]) -> list[dict[str, Any]]:
    return [msgspec.structs.asdict(x) for x in lines]


def _returns(returns: dict[str, Decimal] | None) -> dict[int, Decimal] | None:
    if returns is None:
        return None
    if not all(k.isdigit() for k in returns):
        raise ValidationFailed(
            "STORNO_LINE_INVALID",
            "«returns» are forma {id linie: cantitate}.",
            "«returns» maps line ids to quantities.",
            field="returns",
        )
    return {int(k): v for k, v in returns.items()}


class InvoiceController(Controller):
    path = "/api/invoices"
    tags = ["Facturi"]

    async def _out(self, request: Request, invoice_id: int) -> InvoiceOut:
        return msgspec.convert(await invoice_get(invoice_id, by=request.user), InvoiceOut)

    @get("/", operation_id="ListInvoices")
    async def list_invoices(
        self,
        request: Request,
        status: DocStatus | None = None,
        partner: int | None = Parameter(default=None, ge=1, le=2_147_483_647),
        after: str | None = None,
        limit: int = 50,
    ) -> InvoicePage:
        key = decode_cursor(after, int)
        rows, more = await invoice_page(
            by=request.user,
            status=status,
            partner_id=partner,
            before_id=key[0] if key else None,
            limit=check_limit(limit),
        )
        cursor = encode_cursor(rows[-1]["id"]) if more else None
        items = [msgspec.convert(r, InvoiceSummary) for r in rows]
        return InvoicePage(items=items, next=cursor)

    @get("/{invoice_id:int}", operation_id="GetInvoice")
    async def get_invoice(self, request: Request, invoice_id: RowId) -> InvoiceOut:
        return await self._out(request, invoice_id)

    @post("/", operation_id="CreateInvoiceDraft")
    async def create_draft(self, request: Request, data: InvoiceCreate) -> InvoiceOut:
        invoice_id = await invoice_draft_create(
            company_id=data.company or await default_company_id(),
            partner_id=data.partner,
            lines=_lines(data.lines),
            header=_header(data.header),
            type_code=InvoiceTypeCode(data.type_code),
            by=request.user,
        )
        return await self._out(request, invoice_id)

    @patch("/{invoice_id:int}", operation_id="UpdateInvoiceDraft")
    async def update_draft(
        self, request: Request, invoice_id: RowId, data: InvoiceUpdate
    ) -> InvoiceOut:
        await invoice_draft_update(
            invoice_id=invoice_id,
            header=_header(data.header),
            lines=_lines(data.lines) if data.lines is not None else None,
            partner_id=data.partner,
            by=request.user,
        )
        return await self._out(request, invoice_id)

    @post("/{invoice_id:int}/issue", operation_id="IssueInvoice", status_code=200)
    async def issue(self, request: Request, invoice_id: RowId) -> InvoiceOut:
        await invoice_issue(invoice_id=invoice_id, by=request.user)
        return await self._out(request, invoice_id)

    @post("/{invoice_id:int}/cancel", operation_id="CancelInvoice", status_code=200)
    async def cancel(self, request: Request, invoice_id: RowId, data: CancelIn) -> InvoiceOut:
        await invoice_cancel(invoice_id=invoice_id, reason=data.reason, by=request.user)
        return await self._out(request, invoice_id)

    @post("/{invoice_id:int}/storno", operation_id="StornoInvoice")
    async def storno(self, request: Request, invoice_id: RowId, data: StornoIn) -> InvoiceOut:
        issued = await invoice_storno(
            invoice_id=invoice_id,
            returns=_returns(data.returns),
            issue_date=data.issue_date,
            by=request.user,
        )
        return await self._out(request, issued.invoice_id)

    @post("/{invoice_id:int}/copy", operation_id="CopyInvoice")
    async def copy(self, request: Request, invoice_id: RowId) -> InvoiceOut:
        return await self._out(request, await invoice_copy(invoice_id=invoice_id, by=request.user))
