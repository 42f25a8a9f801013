"""GET /api/invoices/{id}/pdf and /api/documents/{id}/pdf: the printed invoice, offer,
proforma, order, aviz or warranty certificate, rendered by a job, served from disk."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path
from typing import Any

import anyio
from litestar import Request, get
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import Example
from litestar.response import File, Response

from controllers.schemas import RowId
from domain.core.errors import Conflict, Unavailable
from domain.sales.progress import DOC_RO
from domain.sales.queries import document_get, invoice_get
from jobs.printing import enqueue_document_pdf, enqueue_invoice_pdf
from printing.render import (
    document_pdf_filename,
    document_pdf_path,
    invoice_pdf_filename,
    invoice_pdf_path,
)
from tables.choices import DocStatus, DocType

RETRY_AFTER_S = 2


_WAIT_PAGE = (
    '<!doctype html><html lang="ro"><head><meta charset="utf-8">'
    f'<meta http-equiv="refresh" content="{RETRY_AFTER_S}">'
    "<title>Se generează PDF-ul…</title></head>"
    '<body style="font-family: sans-serif; margin: 3em">'
    "<p>PDF-ul se generează; pagina se reîncarcă singură în câteva secunde.</p>"
    "</body></html>"
)


def _rendering(request: Request[Any, Any, Any]) -> Response[Any]:
    """202: the job is queued (or in flight); the client asks again after Retry-After.

    A browser following a link gets a page that reloads itself until the PDF is there.
    """
    if "text/html" in request.headers.get("accept", ""):
        return Response(
            _WAIT_PAGE,
            status_code=202,
            media_type="text/html",
            headers={"Retry-After": str(RETRY_AFTER_S)},
        )
    return Response(
        {
            "code": "PDF_RENDERING",
            "message": "PDF-ul se generează; reîncercați în câteva secunde.",
            "message_en": "The PDF is being rendered; retry in a few seconds.",
        },
        status_code=202,
        media_type="application/json",
        headers={"Retry-After": str(RETRY_AFTER_S)},
    )


async def _stored_or_queued(
    request: Request[Any, Any, Any],
    path: Path,
    filename: str,
    enqueue: Callable[[], Awaitable[bool]],
) -> Response[Any]:
    """The stored PDF, or 202 after asking the job to render it."""
    if await anyio.Path(path).exists():
        return File(
            path,
            filename=filename,
            media_type="application/pdf",
            content_disposition_type="inline",
            headers={"Cache-Control": "private, no-cache"},
        )
    if not await enqueue():
        raise Unavailable(
            "PDF_QUEUE_UNAVAILABLE",
            "PDF-ul nu poate fi generat acum (coada de lucrări nu răspunde). "
            "Încercați din nou peste câteva minute.",
            "The job queue is unreachable; try again later.",
        )
    return _rendering(request)


@get(
    "/api/invoices/{invoice_id:int}/pdf",
    operation_id="GetInvoicePdf",
    tags=["Facturi"],
    summary="Factura în PDF",
    description="Răspunde cu PDF-ul (application/pdf) dacă este generat; altfel pornește "
    "generarea și răspunde 202 cu Retry-After. O ciornă nu se tipărește (409).",
    responses={
        202: ResponseSpec(
            data_container=dict[str, str],
            description="PDF-ul se generează; reîncercați după Retry-After secunde.",
            examples=[Example(value={"code": "PDF_RENDERING"})],
        ),
    },
    media_type="application/pdf",
)
async def invoice_pdf(request: Request[Any, Any, Any], invoice_id: RowId) -> Response[Any]:
    invoice = await invoice_get(invoice_id, by=request.user)  # checks sales read
    if invoice["status"] == DocStatus.draft:
        raise Conflict(
            "INVOICE_DRAFT_NO_PDF",
            "Factura este o ciornă: se poate tipări după emitere, când primește număr.",
            "A draft invoice has no number and no PDF; issue it first.",
            details={"invoice_id": invoice_id},
        )
    return await _stored_or_queued(
        request,
        invoice_pdf_path(request.app.state.settings, invoice),
        invoice_pdf_filename(invoice),
        partial(enqueue_invoice_pdf, request.app.state.queue, invoice_id),
    )


@get(
    "/api/documents/{document_id:int}/pdf",
    operation_id="GetDocumentPdf",
    tags=["Documente de vânzare"],
    summary="Oferta, proforma, comanda, avizul sau certificatul de garanție în PDF",
    description="Răspunde cu PDF-ul (application/pdf) dacă este generat; altfel pornește "
    "generarea și răspunde 202 cu Retry-After. O ciornă nu se tipărește (409).",
    responses={
        202: ResponseSpec(
            data_container=dict[str, str],
            description="PDF-ul se generează; reîncercați după Retry-After secunde.",
            examples=[Example(value={"code": "PDF_RENDERING"})],
        ),
    },
    media_type="application/pdf",
)
async def document_pdf(request: Request[Any, Any, Any], document_id: RowId) -> Response[Any]:
    document = await document_get(document_id, by=request.user)  # checks sales read
    if document["status"] == DocStatus.draft:
        name = DOC_RO[DocType(document["doc_type"])]
        raise Conflict(
            "DOCUMENT_DRAFT_NO_PDF",
            f"{name.capitalize()} este o ciornă: se poate tipări după emitere, "
            "când primește număr.",
            "A draft document has no number and no PDF; issue it first.",
            details={"document_id": document_id},
        )
    return await _stored_or_queued(
        request,
        document_pdf_path(request.app.state.settings, document),
        document_pdf_filename(document),
        partial(enqueue_document_pdf, request.app.state.queue, document_id),
    )
