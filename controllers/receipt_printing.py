"""GET /api/receipts/{id}/pdf: the printed chitanță, rendered by a job, served from disk
(as invoices are: 202 with Retry-After while it renders)."""

from __future__ import annotations

from functools import partial
from typing import Any

from litestar import Request, get
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import Example
from litestar.response import Response

from controllers.printing import _stored_or_queued
from controllers.schemas import RowId
from domain.org.permissions import Action, Area, require
from jobs.receipt_printing import enqueue_receipt_pdf
from printing.receipt_context import receipt_for_print
from printing.render import receipt_pdf_filename, receipt_pdf_path


@get(
    "/api/receipts/{receipt_id:int}/pdf",
    operation_id="GetReceiptPdf",
    tags=["Încasări"],
    summary="Chitanța în PDF",
    description="Răspunde cu PDF-ul chitanței (application/pdf) dacă este generat; altfel "
    "pornește generarea și răspunde 202 cu Retry-After. Doar încasările în numerar au "
    "chitanță (409 RECEIPT_NOT_CASH).",
    responses={
        202: ResponseSpec(
            data_container=dict[str, str],
            description="PDF-ul se generează; reîncercați după Retry-After secunde.",
            examples=[Example(value={"code": "PDF_RENDERING"})],
        ),
    },
    media_type="application/pdf",
)
async def receipt_pdf(request: Request[Any, Any, Any], receipt_id: RowId) -> Response[Any]:
    require(request.user, Area.payments, Action.read)
    receipt = await receipt_for_print(receipt_id)
    return await _stored_or_queued(
        request,
        receipt_pdf_path(request.app.state.settings, receipt),
        receipt_pdf_filename(receipt),
        partial(enqueue_receipt_pdf, request.app.state.queue, receipt_id),
    )
