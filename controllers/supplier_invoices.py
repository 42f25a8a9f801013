"""/api/supplier-invoices: import a received UBL (the XML is the body), list and read the
drafts, their XML and ANAF's PDF; /api/spv/messages: the SPV inbox."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import anyio
import msgspec
from litestar import Controller, Request, get, post
from litestar.openapi.spec import OpenAPIMediaType, Operation, RequestBody, Schema
from litestar.openapi.spec.enums import OpenAPIType
from litestar.params import Parameter
from litestar.response import File, Response

from controllers.paging import check_limit
from controllers.schemas import MAX_INT, RowId
from controllers.schemas.supplier_invoices import (
    SpvMessageOut,
    SpvMessagePage,
    SupplierInvoiceOut,
    SupplierInvoicePage,
)
from domain.core.errors import NotFound
from domain.efactura.receive import supplier_invoice_import
from domain.efactura.receive_queries import (
    spv_message_list,
    supplier_invoice_get,
    supplier_invoice_list,
)
from domain.sales.queries import default_company_id
from settings import Settings

TAGS = ["e-Factura: primire"]
SCALES = {
    "quantity": Decimal("0.001"),
    "unit_price": Decimal("0.0001"),
    "vat_rate": Decimal("0.01"),
    "rate": Decimal("0.01"),
}
MONEY = ("line_net_total", "allowance_total", "charge_total", "tax_exclusive", "vat_total",
         "tax_currency_vat", "tax_inclusive", "prepaid", "rounding", "payable", "net", "taxable",
         "amount")  # fmt: skip
Company = Parameter(default=None, ge=1, le=MAX_INT, description="Firma (implicit: singura)")
Before = Parameter(default=None, ge=1, le=MAX_INT, description="Cursorul «next»")


@dataclass
class XmlUpload(Operation):
    """The import's body is the XML file itself, which Litestar cannot infer from a raw
    `body: bytes` parameter: documented here for the OpenAPI schema."""

    def __post_init__(self) -> None:
        self.request_body = RequestBody(
            content={
                media: OpenAPIMediaType(schema=Schema(type=OpenAPIType.STRING))
                for media in ("application/xml", "text/xml")
            },
            description="Factura sau nota de creditare UBL 2.1 (EN 16931 / CIUS-RO), UTF-8.",
            required=True,
        )


def _decimal(value: Any, places: Decimal) -> Decimal:
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    return number.quantize(places)


def scaled(row: Mapping[str, Any]) -> dict[str, Any]:
    """Numbers at their column's scale on both engines (SQLite hands back floats)."""
    out = dict(row)
    for key, places in SCALES.items():
        if out.get(key) is not None:
            out[key] = _decimal(out[key], places)
    for key in MONEY:
        if out.get(key) is not None:
            out[key] = _decimal(out[key], Decimal("0.01"))
    return out


def _invoice_out(row: Mapping[str, Any]) -> SupplierInvoiceOut:
    out = scaled(row) | {"has_pdf": bool(row.get("pdf_path"))}
    out["lines"] = [scaled(x) for x in row.get("lines", [])]
    out["vat"] = [scaled(x) for x in row.get("vat", [])]
    return msgspec.convert(out, SupplierInvoiceOut)


def _data_file(settings: Settings, relative: str) -> Path | None:
    """A file the receiving job stored under DATA_DIR, never outside it."""
    if not relative:
        return None
    root = settings.data_dir.resolve()
    path = (root / relative).resolve()
    return path if path.is_relative_to(root) and path.is_file() else None


class SupplierInvoiceController(Controller):
    path = "/api/supplier-invoices"
    tags = TAGS

    @post(
        "/import",
        operation_id="ImportSupplierInvoice",
        summary="Importă o factură de furnizor (XML UBL)",
        operation_class=XmlUpload,
    )
    async def import_xml(
        self, request: Request, body: bytes, company: int | None = Company
    ) -> SupplierInvoiceOut:
        """A received invoice or credit note (the body, `Content-Type: application/xml`)
        becomes a supplier invoice draft; its supplier is found by CUI / VAT id or created.
        Refused: the same supplier's number and date again (409 SUPPLIER_INVOICE_DUPLICATE,
        `details.supplier_invoice_id`), an invoice of our own or addressed to another
        company, XML that is not UBL (422 UBL_*)."""
        company_id = company or await default_company_id()
        invoice_id = await supplier_invoice_import(company_id=company_id, xml=body, by=request.user)
        return _invoice_out(await supplier_invoice_get(invoice_id, by=request.user))

    @get("/", operation_id="ListSupplierInvoices", summary="Facturile de furnizor, noi întâi")
    async def list_invoices(
        self,
        request: Request,
        company: int | None = Company,
        partner: int | None = Parameter(default=None, ge=1, le=MAX_INT),
        status: str | None = Parameter(default=None, max_length=10),
        date_from: Annotated[date | None, Parameter(description="Emisă de la")] = None,
        date_to: Annotated[date | None, Parameter(description="Emisă până la")] = None,
        before: int | None = Before,
        limit: int = Parameter(default=50),
    ) -> SupplierInvoicePage:
        limit = check_limit(limit)
        rows = await supplier_invoice_list(
            by=request.user, company_id=company, partner_id=partner, status=status,
            date_from=date_from, date_to=date_to, limit=limit + 1, before=before,
        )  # fmt: skip
        items = [_invoice_out(r) for r in rows[:limit]]
        return SupplierInvoicePage(items=items, next=items[-1].id if len(rows) > limit else None)

    @get("/{invoice_id:int}", operation_id="GetSupplierInvoice")
    async def get_invoice(self, request: Request, invoice_id: RowId) -> SupplierInvoiceOut:
        """With its lines and the VAT breakdown its XML states."""
        return _invoice_out(await supplier_invoice_get(invoice_id, by=request.user))

    @get(
        "/{invoice_id:int}/xml",
        operation_id="GetSupplierInvoiceXml",
        summary="XML-ul primit",
        media_type="application/xml",
    )
    async def get_xml(self, request: Request, invoice_id: RowId) -> Response[bytes]:
        row = await supplier_invoice_get(invoice_id, by=request.user, with_xml=True)
        return Response(
            row["xml"].encode("utf-8"),
            media_type="application/xml",
            headers={"Content-Disposition": f'attachment; filename="factura-{invoice_id}.xml"'},
        )

    @get(
        "/{invoice_id:int}/pdf",
        operation_id="GetSupplierInvoicePdf",
        summary="PDF-ul ANAF al facturii primite",
        media_type="application/pdf",
    )
    async def get_pdf(self, request: Request, invoice_id: RowId, settings: Settings) -> File:
        row = await supplier_invoice_get(invoice_id, by=request.user)
        path = await anyio.to_thread.run_sync(_data_file, settings, row["pdf_path"])
        if path is None:
            raise NotFound(
                "SUPPLIER_INVOICE_PDF_MISSING",
                f"Factura de furnizor nr. {invoice_id} nu are (încă) PDF-ul ANAF: el vine "
                "doar cu facturile primite prin SPV, la preluarea mesajelor.",
                "This supplier invoice has no ANAF PDF (yet).",
            )
        return File(
            path, filename=f"factura-furnizor-{invoice_id}.pdf", media_type="application/pdf"
        )


class SpvMessageController(Controller):
    path = "/api/spv"
    tags = TAGS

    @get("/messages", operation_id="ListSpvMessages", summary="Mesajele SPV, noi întâi")
    async def list_messages(
        self,
        request: Request,
        company: int | None = Company,
        kind: str | None = Parameter(
            default=None, max_length=60, description="ex. FACTURA PRIMITA, ERORI FACTURA"
        ),
        before: int | None = Before,
        limit: int = Parameter(default=50),
    ) -> SpvMessagePage:
        """Every message SPV listed for the company: received invoices (with the supplier
        invoice each became), buyers' messages, error files, invoices sent."""
        limit = check_limit(limit)
        rows = await spv_message_list(
            by=request.user, company_id=company, kind=kind, limit=limit + 1, before=before
        )
        items = [
            msgspec.convert(r | {"has_zip": bool(r["zip_path"])}, SpvMessageOut)
            for r in rows[:limit]
        ]
        return SpvMessagePage(items=items, next=items[-1].id if len(rows) > limit else None)
