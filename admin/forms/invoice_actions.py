"""Forms on invoices: issue, cancel, storno, copy — each one domain operation."""

from __future__ import annotations

from datetime import date

from piccolo_admin.endpoints import FormConfig
from pydantic import BaseModel, Field
from starlette.requests import Request

from admin.forms import form_errors
from admin.guards import request_actor
from domain.sales.invoices import invoice_cancel, invoice_copy, invoice_issue, invoice_storno

GROUP = "Vânzări"


class InvoiceRef(BaseModel):
    invoice_id: int = Field(title="Nr. intern factură", description="Coloana «ID» din listă")


class CancelForm(InvoiceRef):
    reason: str = Field(title="Motivul anulării")


class StornoForm(InvoiceRef):
    issue_date: date | None = Field(default=None, title="Data stornării (gol = azi)")


def invoice_action_forms() -> list[FormConfig]:
    @form_errors
    async def issue(request: Request, data: InvoiceRef) -> str:
        issued = await invoice_issue(invoice_id=data.invoice_id, by=await request_actor(request))
        return f"Factura {issued.number} a fost emisă: total de plată {issued.totals.payable}."

    @form_errors
    async def cancel(request: Request, data: CancelForm) -> str:
        await invoice_cancel(
            invoice_id=data.invoice_id, reason=data.reason, by=await request_actor(request)
        )
        return "Factura a fost anulată; își păstrează numărul, marcată ANULAT."

    @form_errors
    async def storno(request: Request, data: StornoForm) -> str:
        issued = await invoice_storno(
            invoice_id=data.invoice_id, issue_date=data.issue_date,
            by=await request_actor(request),
        )  # fmt: skip
        return f"A fost emisă factura de stornare {issued.number} ({issued.totals.payable})."

    @form_errors
    async def copy(request: Request, data: InvoiceRef) -> str:
        new_id = await invoice_copy(invoice_id=data.invoice_id, by=await request_actor(request))
        return f"Ciorna nr. {new_id} a fost creată din factură."

    return [
        FormConfig(name="Emite factura", pydantic_model=InvoiceRef, endpoint=issue,
                   form_group=GROUP, description="Fixează cotele, cursul, datele și numărul."),
        FormConfig(name="Anulează factura", pydantic_model=CancelForm, endpoint=cancel,
                   form_group=GROUP,
                   description="Doar pentru o factură emisă care n-a ajuns la client/ANAF."),
        FormConfig(name="Stornează factura", pydantic_model=StornoForm, endpoint=storno,
                   form_group=GROUP, description="Stornare totală, la cotele facturii inițiale."),
        FormConfig(name="Copiază factura", pydantic_model=InvoiceRef, endpoint=copy,
                   form_group=GROUP),
    ]  # fmt: skip
