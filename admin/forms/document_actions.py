"""Forms on offers, orders, avize and warranty certificates: issue, convert, invoice."""

from __future__ import annotations

from decimal import Decimal

from piccolo_admin.endpoints import FormConfig
from pydantic import BaseModel, Field
from starlette.requests import Request

from admin.forms import form_errors
from admin.guards import request_actor
from domain.sales.documents import (
    document_cancel,
    document_convert,
    document_issue,
    invoice_from_documents,
    warranty_from_invoice,
)
from domain.sales.invoices import invoice_discount_later
from tables.choices import DocType

GROUP = "Vânzări"


def _ids(text: str) -> list[int]:
    return [int(x) for x in text.replace(",", " ").split() if x.isdigit()]


class DocumentRef(BaseModel):
    document_id: int = Field(title="Nr. intern document", description="Coloana «ID» din listă")


class CancelDocument(DocumentRef):
    reason: str = Field(title="Motivul anulării")


class ConvertForm(DocumentRef):
    target: DocType = Field(title="Devine", description="proforma, order, delivery_note, invoice")


class FromDocumentsForm(BaseModel):
    documents: str = Field(title="Documente", description="Numerele interne, ex. «12 15 16»")


class WarrantyForm(BaseModel):
    invoice_id: int = Field(title="Nr. intern factură")


class DiscountForm(BaseModel):
    invoices: str = Field(title="Facturi", description="Numerele interne, ex. «3 7»")
    percent: Decimal = Field(title="Rabat (%)")


def document_action_forms() -> list[FormConfig]:
    @form_errors
    async def issue(request: Request, data: DocumentRef) -> str:
        number = await document_issue(document_id=data.document_id, by=await request_actor(request))
        return f"Documentul a fost emis cu numărul {number}."

    @form_errors
    async def cancel(request: Request, data: CancelDocument) -> str:
        await document_cancel(
            document_id=data.document_id, reason=data.reason, by=await request_actor(request)
        )
        return "Documentul a fost anulat; își păstrează numărul."

    @form_errors
    async def convert(request: Request, data: ConvertForm) -> str:
        new_id = await document_convert(
            document_id=data.document_id, target=data.target, by=await request_actor(request)
        )
        return f"Ciorna nr. {new_id} a fost creată cu tot ce a rămas de preluat."

    @form_errors
    async def from_documents(request: Request, data: FromDocumentsForm) -> str:
        invoice_id = await invoice_from_documents(
            document_ids=_ids(data.documents), by=await request_actor(request)
        )
        return f"Ciorna de factură nr. {invoice_id} a fost creată; emiteți-o din «Emite factura»."

    @form_errors
    async def warranty(request: Request, data: WarrantyForm) -> str:
        new_id = await warranty_from_invoice(
            invoice_id=data.invoice_id, by=await request_actor(request)
        )
        return f"Certificatul de garanție nr. {new_id} (ciornă) a fost creat."

    @form_errors
    async def discount(request: Request, data: DiscountForm) -> str:
        issued = await invoice_discount_later(
            invoice_ids=_ids(data.invoices), percent=data.percent,
            by=await request_actor(request),
        )  # fmt: skip
        return f"Factura de rabat {issued.number} a fost emisă ({issued.totals.payable})."

    return [
        FormConfig(name="Emite document", pydantic_model=DocumentRef, endpoint=issue,
                   form_group=GROUP, description="Ofertă, proformă, comandă, aviz, garanție."),
        FormConfig(name="Anulează document", pydantic_model=CancelDocument, endpoint=cancel,
                   form_group=GROUP),
        FormConfig(name="Transformă document", pydantic_model=ConvertForm, endpoint=convert,
                   form_group=GROUP,
                   description="Ofertă → proformă/comandă/factură, comandă → aviz/factură."),
        FormConfig(name="Factură din documente", pydantic_model=FromDocumentsForm,
                   endpoint=from_documents, form_group=GROUP,
                   description="Una sau mai multe comenzi/avize ale aceluiași client."),
        FormConfig(name="Certificat de garanție", pydantic_model=WarrantyForm,
                   endpoint=warranty, form_group=GROUP),
        FormConfig(name="Rabat ulterior", pydantic_model=DiscountForm, endpoint=discount,
                   form_group=GROUP,
                   description="Factură de reducere, la cotele facturilor inițiale."),
    ]  # fmt: skip
