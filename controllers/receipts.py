"""/api/receipts: record a receipt, allocate it, undo an allocation, cancel it, read them;
/api/partners/{id}/open-items: what a partner owes and has paid ahead (for the forms)."""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import Parameter

from controllers.paging import check_limit, decode_cursor, encode_cursor
from controllers.schemas import MAX_INT, RowId
from controllers.schemas.receipts import (
    AllocationAddIn,
    OpenItemsOut,
    ReasonIn,
    ReceiptIn,
    ReceiptOut,
    ReceiptPage,
    ReceiptSummary,
)
from domain.core.clock import today
from domain.payments.queries import (
    allocation_receipt,
    partner_receivables,
    receipt_get,
    receipt_page,
)
from domain.payments.receipts import (
    DIMENSIONS,
    allocation_add,
    allocation_reverse,
    receipt_cancel,
    receipt_record,
)
from domain.sales.queries import default_company_id

CompanyId = Parameter(default=None, ge=1, le=MAX_INT, description="Firma (implicit: singura)")


async def _receipt(request: Request, receipt_id: int) -> ReceiptOut:
    return msgspec.convert(await receipt_get(receipt_id, by=request.user), ReceiptOut)


class ReceiptController(Controller):
    path = "/api/receipts"
    tags = ["Încasări"]

    @post("/", operation_id="RecordReceipt")
    async def record(self, request: Request, data: ReceiptIn) -> ReceiptOut:
        allocations: list[dict[str, Any]] | None = None
        if data.allocations is not None:
            allocations = [msgspec.structs.asdict(x) for x in data.allocations]
        done = await receipt_record(
            company_id=data.company or await default_company_id(),
            kind=data.kind,
            partner_id=data.partner,
            day=data.day,
            amount=data.amount,
            currency=data.currency,
            cash_desk_id=data.cash_desk,
            bank_account_id=data.bank_account,
            bank_reference=data.bank_reference,
            payer_name=data.payer_name,
            description=data.description,
            allocations=allocations,
            cash_limit_reason=data.cash_limit_reason,
            dims={k: getattr(data, k) for k in DIMENSIONS},
            by=request.user,
        )
        return await _receipt(request, done.receipt_id)

    @get("/", operation_id="ListReceipts")
    async def list_receipts(
        self,
        request: Request,
        partner: int | None = Parameter(default=None, ge=1, le=MAX_INT),
        company: int | None = CompanyId,
        after: str | None = None,
        limit: int = 50,
    ) -> ReceiptPage:
        key = decode_cursor(after, int)
        rows, more = await receipt_page(
            by=request.user,
            partner_id=partner,
            company_id=company,
            before_id=key[0] if key else None,
            limit=check_limit(limit),
        )
        cursor = encode_cursor(rows[-1]["id"]) if more else None
        return ReceiptPage(items=[msgspec.convert(r, ReceiptSummary) for r in rows], next=cursor)

    @get("/{receipt_id:int}", operation_id="GetReceipt")
    async def get_receipt(self, request: Request, receipt_id: RowId) -> ReceiptOut:
        return await _receipt(request, receipt_id)

    @post("/{receipt_id:int}/allocations", operation_id="AllocateReceipt")
    async def allocate(
        self, request: Request, receipt_id: RowId, data: AllocationAddIn
    ) -> ReceiptOut:
        await allocation_add(
            receipt_id=receipt_id,
            invoice_id=data.invoice,
            amount=data.amount,
            day=data.day or today(),
            by=request.user,
        )
        return await _receipt(request, receipt_id)

    @post("/{receipt_id:int}/cancel", operation_id="CancelReceipt", status_code=200)
    async def cancel(self, request: Request, receipt_id: RowId, data: ReasonIn) -> ReceiptOut:
        await receipt_cancel(
            receipt_id=receipt_id, reason=data.reason, day=data.day or today(), by=request.user
        )
        return await _receipt(request, receipt_id)


class AllocationController(Controller):
    path = "/api/allocations"
    tags = ["Încasări"]

    @post("/{allocation_id:int}/reverse", operation_id="ReverseAllocation")
    async def reverse(self, request: Request, allocation_id: RowId, data: ReasonIn) -> ReceiptOut:
        """Undo an allocation (a storno entry; the money goes back to the advance)."""
        new_id = await allocation_reverse(
            allocation_id=allocation_id,
            day=data.day or today(),
            reason=data.reason,
            by=request.user,
        )
        receipt = await allocation_receipt(new_id)
        return await _receipt(request, receipt)


@get("/api/partners/{partner_id:int}/open-items", operation_id="PartnerOpenItems",
     tags=["Încasări"])  # fmt: skip
async def partner_open_items(
    request: Request,
    partner_id: RowId,
    company: int | None = CompanyId,
    at: date | None = None,
) -> OpenItemsOut:
    """The partner's open invoices (oldest due first) and its advances to allocate."""
    found = await partner_receivables(
        company or await default_company_id(), partner_id, at=at or today(), by=request.user
    )
    return msgspec.convert(found, OpenItemsOut)
