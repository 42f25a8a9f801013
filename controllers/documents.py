"""/api/documents: offers, proformas, orders, avize, warranty certificates and their flows."""

from __future__ import annotations

from decimal import Decimal

import msgspec
from litestar import Controller, Request, get, patch, post

from controllers.schemas import RowId
from controllers.schemas.documents import (
    ConvertIn,
    DocumentCreate,
    DocumentOut,
    DocumentUpdate,
    FromDocumentsIn,
    SeriesRangeOut,
    WarrantyIn,
)
from controllers.schemas.invoices import CancelIn, InvoiceOut, LaterDiscountIn
from domain.core.errors import ValidationFailed
from domain.sales.documents import (
    document_cancel,
    document_convert,
    document_draft_create,
    document_draft_update,
    document_issue,
    invoice_from_documents,
    warranty_from_invoice,
)
from domain.sales.invoices import invoice_discount_later
from domain.sales.queries import default_company_id, document_get, invoice_get, series_ranges
from tables.choices import DocType


def _by_line(values: dict[str, Decimal] | dict[str, str] | None) -> dict | None:
    if values is None:
        return None
    if not all(k.isdigit() for k in values):
        raise ValidationFailed(
            "LINE_MAP_INVALID",
            "Cheile trebuie să fie numerele liniilor: {id linie: valoare}.",
            "Keys must be line ids.",
        )
    return {int(k): v for k, v in values.items()}


class DocumentController(Controller):
    path = "/api/documents"
    tags = ["Documente de vânzare"]

    async def _out(self, request: Request, document_id: int) -> DocumentOut:
        return msgspec.convert(await document_get(document_id, by=request.user), DocumentOut)

    @get("/{document_id:int}", operation_id="GetDocument")
    async def get_document(self, request: Request, document_id: RowId) -> DocumentOut:
        return await self._out(request, document_id)

    @post("/", operation_id="CreateDocumentDraft")
    async def create(self, request: Request, data: DocumentCreate) -> DocumentOut:
        document_id = await document_draft_create(
            doc_type=data.doc_type,
            company_id=data.company or await default_company_id(),
            partner_id=data.partner,
            lines=[msgspec.structs.asdict(x) for x in data.lines],
            header={
                k: v
                for k, v in msgspec.structs.asdict(data.header).items()
                if v is not msgspec.UNSET
            },
            by=request.user,
        )
        return await self._out(request, document_id)

    @patch("/{document_id:int}", operation_id="UpdateDocumentDraft")
    async def update(
        self, request: Request, document_id: RowId, data: DocumentUpdate
    ) -> DocumentOut:
        await document_draft_update(
            document_id=document_id,
            header={
                k: v
                for k, v in msgspec.structs.asdict(data.header).items()
                if v is not msgspec.UNSET
            }
            if data.header
            else None,
            lines=[msgspec.structs.asdict(x) for x in data.lines]
            if data.lines is not None
            else None,
            by=request.user,
        )
        return await self._out(request, document_id)

    @post("/{document_id:int}/issue", operation_id="IssueDocument", status_code=200)
    async def issue(self, request: Request, document_id: RowId) -> DocumentOut:
        await document_issue(document_id=document_id, by=request.user)
        return await self._out(request, document_id)

    @post("/{document_id:int}/cancel", operation_id="CancelDocument", status_code=200)
    async def cancel(self, request: Request, document_id: RowId, data: CancelIn) -> DocumentOut:
        await document_cancel(document_id=document_id, reason=data.reason, by=request.user)
        return await self._out(request, document_id)

    @post("/{document_id:int}/convert", operation_id="ConvertDocument")
    async def convert(
        self, request: Request, document_id: RowId, data: ConvertIn
    ) -> DocumentOut | InvoiceOut:
        """A new draft of `target` (offer -> proforma/order/invoice, order -> aviz/invoice,
        aviz -> invoice) with what is left, or with `take` {line id: quantity}."""
        new_id = await document_convert(
            document_id=document_id, target=data.target, take=_by_line(data.take),
            by=request.user,
        )  # fmt: skip
        if data.target is DocType.invoice:
            return msgspec.convert(await invoice_get(new_id, by=request.user), InvoiceOut)
        return await self._out(request, new_id)


class InvoiceFlowController(Controller):
    path = "/api/invoices"
    tags = ["Facturi"]

    @post("/from-documents", operation_id="InvoiceFromDocuments")
    async def from_documents(self, request: Request, data: FromDocumentsIn) -> InvoiceOut:
        """One invoice draft for one or several issued documents of one client."""
        invoice_id = await invoice_from_documents(
            document_ids=data.documents, take=_by_line(data.take), by=request.user
        )
        return msgspec.convert(await invoice_get(invoice_id, by=request.user), InvoiceOut)

    @post("/later-discount", operation_id="LaterDiscountInvoice")
    async def later_discount(self, request: Request, data: LaterDiscountIn) -> InvoiceOut:
        """A later discount (rabat ulterior) of `percent` on earlier invoices of one
        customer, issued at once, each line at its original VAT rate."""
        issued = await invoice_discount_later(
            invoice_ids=data.invoices, percent=data.percent, issue_date=data.issue_date,
            by=request.user,
        )  # fmt: skip
        return msgspec.convert(await invoice_get(issued.invoice_id, by=request.user), InvoiceOut)

    @post("/{invoice_id:int}/warranty", operation_id="WarrantyFromInvoice")
    async def warranty(self, request: Request, invoice_id: RowId, data: WarrantyIn) -> DocumentOut:
        document_id = await warranty_from_invoice(
            invoice_id=invoice_id, serials=_by_line(data.serials), by=request.user
        )
        return msgspec.convert(await document_get(document_id, by=request.user), DocumentOut)


@get("/api/series", tags=["Documente de vânzare"], operation_id="SeriesRanges")
async def series_ranges_list(
    request: Request, doc_type: DocType = DocType.invoice
) -> list[SeriesRangeOut]:
    """Allocated and used number ranges per series, with the cancelled numbers (D394)."""
    rows = await series_ranges(by=request.user, doc_type=doc_type)
    return [msgspec.convert(r, SeriesRangeOut) for r in rows]
