"""Forms «e-Factura: validează / trimite acum / actualizează / arhiva ANAF (ZIP) / PDF ANAF»
on an invoice, and the company's SPV connection (the OAuth client; the authorisation itself
runs in the browser). The files come back as downloads (piccolo-admin saves a form's
FileResponse)."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path
from typing import Any, Literal

from piccolo_admin.endpoints import FileResponse, FormConfig
from pydantic import BaseModel, Field
from starlette.requests import Request

from admin.forms import form_errors
from admin.guards import request_actor
from domain.efactura.connection import connection_configure
from domain.efactura.send_files import efactura_answer_zip, efactura_pdf
from domain.efactura.send_queue import efactura_prepare, efactura_queue, efactura_refresh
from settings import Settings

GROUP = "e-Factura"


class InvoiceRef(BaseModel):
    invoice_id: int = Field(title="Nr. intern factură", description="Coloana «ID» din listă")


class ConnectionForm(BaseModel):
    company_id: int = Field(title="Nr. intern firmă")
    client_id: str = Field(title="Client ID", description="Aplicația înregistrată în SPV")
    client_secret: str = Field(
        default="", title="Client Secret", description="Gol = îl păstrează pe cel salvat"
    )
    redirect_uri: str = Field(
        title="Adresa de întoarcere (callback)",
        description="Exact cea înregistrată la ANAF: https://<server>/api/efactura/oauth/callback",
    )
    environment: Literal["test", "prod"] = Field(default="test", title="Mediul SPV")
    auto_send_hours: int = Field(
        default=24, title="Trimitere automată după (ore)", description="0 = doar manual"
    )


def _summary(view: dict[str, Any]) -> str:
    text = f"e-Factura: {view['state_ro']}."
    fatal = [e for e in view["errors"] if e.get("severity") != "warning"]
    if fatal:
        shown = "; ".join(f"[{e['rule']}] {e['message']}" for e in fatal[:5])
        more = f" (și încă {len(fatal) - 5})" if len(fatal) > 5 else ""
        text += f" Erori: {shown}{more}."
    if view.get("upload_index"):
        text += f" Index încărcare: {view['upload_index']}."
    warning = (view.get("connection") or {}).get("warning")
    if warning:
        text += f" {warning}"
    return f"{text} {view['next_step']}"


async def _download(path: Path, name: str, media_type: str) -> FileResponse:
    data = await asyncio.to_thread(path.read_bytes)
    return FileResponse(contents=io.BytesIO(data), file_name=name, media_type=media_type)


def efactura_forms(settings: Settings) -> list[FormConfig]:
    @form_errors
    async def validate(request: Request, data: InvoiceRef) -> str:
        view = await efactura_prepare(invoice_id=data.invoice_id, by=await request_actor(request))
        return _summary(view)

    @form_errors
    async def send(request: Request, data: InvoiceRef) -> str:
        view = await efactura_queue(invoice_id=data.invoice_id, by=await request_actor(request))
        return _summary(view)

    @form_errors
    async def refresh(request: Request, data: InvoiceRef) -> str:
        view = await efactura_refresh(invoice_id=data.invoice_id, by=await request_actor(request))
        return _summary(view)

    @form_errors
    async def answer_zip(request: Request, data: InvoiceRef) -> FileResponse:
        path = await efactura_answer_zip(
            invoice_id=data.invoice_id, by=await request_actor(request), data_dir=settings.data_dir
        )
        return await _download(path, f"efactura-{data.invoice_id}.zip", "application/zip")

    @form_errors
    async def anaf_pdf(request: Request, data: InvoiceRef) -> FileResponse:
        path = await efactura_pdf(
            invoice_id=data.invoice_id, by=await request_actor(request), settings=settings
        )
        return await _download(path, f"efactura-{data.invoice_id}-anaf.pdf", "application/pdf")

    @form_errors
    async def connection(request: Request, data: ConnectionForm) -> str:
        await connection_configure(
            company_id=data.company_id, client_id=data.client_id,
            client_secret=data.client_secret or None, redirect_uri=data.redirect_uri,
            environment=data.environment, auto_send_hours=data.auto_send_hours,
            by=await request_actor(request), secret=settings.secret,
        )  # fmt: skip
        return (
            "Aplicația OAuth a fost salvată (secretul, criptat). Pasul următor: deschideți "
            f"/api/efactura/oauth/start?company={data.company_id} în browserul cu "
            "certificatul calificat al firmei, pentru autorizarea la ANAF."
        )

    return [
        FormConfig(name="e-Factura: validează", pydantic_model=InvoiceRef, endpoint=validate,
                   form_group=GROUP,
                   description="Generează XML-ul CIUS-RO și îl verifică după regulile ANAF."),
        FormConfig(name="e-Factura: trimite acum", pydantic_model=InvoiceRef, endpoint=send,
                   form_group=GROUP,
                   description="Validează (dacă e nevoie) și trimite factura în SPV."),
        FormConfig(name="e-Factura: actualizează", pydantic_model=InvoiceRef, endpoint=refresh,
                   form_group=GROUP, description="Verifică acum răspunsul ANAF."),
        FormConfig(name="e-Factura: arhiva ANAF (ZIP)", pydantic_model=InvoiceRef,
                   endpoint=answer_zip, form_group=GROUP,
                   description="Răspunsul semnat de ANAF: factura și semnătura, sau fișierul "
                   "de erori."),
        FormConfig(name="e-Factura: PDF ANAF", pydantic_model=InvoiceRef, endpoint=anaf_pdf,
                   form_group=GROUP,
                   description="Factura așa cum o afișează ANAF (serviciul de transformare "
                   "XML → PDF), cerută la prima descărcare și păstrată."),
        FormConfig(name="e-Factura: conexiune SPV", pydantic_model=ConnectionForm,
                   endpoint=connection, form_group=GROUP,
                   description="Aplicația OAuth a firmei (din SPV › Editare profil OAuth)."),
    ]  # fmt: skip
