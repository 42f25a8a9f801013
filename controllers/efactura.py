"""e-Factura over HTTP: an invoice's state and actions, its ANAF files, the SPV OAuth flow.

- GET  /api/invoices/{id}/efactura                    state, errors, events, connection
- POST /api/invoices/{id}/efactura/validate           generate + validate (official rules)
- POST /api/invoices/{id}/efactura/send               queue it (body: optional "when")
- POST /api/invoices/{id}/efactura/refresh            check ANAF now
- GET  /api/invoices/{id}/efactura/zip                ANAF's signed answer (ZIP)
- GET  /api/invoices/{id}/efactura/pdf                ANAF's rendering of the XML (PDF)
- GET  /api/efactura/oauth/start?company=ID           302 to ANAF's authorize page
- GET  /api/efactura/oauth/callback?code&state        ANAF sends the browser back here
"""

from __future__ import annotations

import html
from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import Parameter
from litestar.response import File, Redirect, Response

from controllers.schemas import MAX_INT, RowId
from controllers.schemas.efactura import EfacturaOut, SendIn
from domain.core.errors import DomainError
from domain.efactura.anaf import AnafUrls
from domain.efactura.connection import oauth_callback, oauth_start
from domain.efactura.send_files import efactura_answer_zip, efactura_pdf
from domain.efactura.send_queries import efactura_get
from domain.efactura.send_queue import efactura_prepare, efactura_queue, efactura_refresh
from settings import Settings


def _out(view: dict[str, Any]) -> EfacturaOut:
    return msgspec.convert(view, EfacturaOut, from_attributes=False, strict=False)


class EfacturaController(Controller):
    path = "/api/invoices/{invoice_id:int}/efactura"
    tags = ["e-Factura"]

    @get("/", operation_id="GetInvoiceEfactura", summary="Starea e-Factura a facturii")
    async def state(self, request: Request, invoice_id: RowId) -> EfacturaOut:
        return _out(await efactura_get(invoice_id=invoice_id, by=request.user))

    @post("/validate", operation_id="ValidateInvoiceEfactura", status_code=200,
          summary="Generează XML-ul CIUS-RO și îl verifică după regulile oficiale")  # fmt: skip
    async def validate(self, request: Request, invoice_id: RowId) -> EfacturaOut:
        return _out(await efactura_prepare(invoice_id=invoice_id, by=request.user))

    @post("/send", operation_id="SendInvoiceEfactura", status_code=200,
          summary="Trimite factura în SPV (acum sau la «when»)")  # fmt: skip
    async def send(
        self, request: Request, invoice_id: RowId, data: SendIn | None = None
    ) -> EfacturaOut:
        when = data.when if data else None
        return _out(await efactura_queue(invoice_id=invoice_id, by=request.user, when=when))

    @post("/refresh", operation_id="RefreshInvoiceEfactura", status_code=200,
          summary="Verifică acum starea la ANAF")  # fmt: skip
    async def refresh(self, request: Request, invoice_id: RowId) -> EfacturaOut:
        return _out(await efactura_refresh(invoice_id=invoice_id, by=request.user))

    @get("/zip", operation_id="GetInvoiceEfacturaZip", media_type="application/zip",
         summary="Arhiva semnată de ANAF (factura sau fișierul de erori)")  # fmt: skip
    async def answer_zip(self, request: Request, invoice_id: RowId, settings: Settings) -> File:
        path = await efactura_answer_zip(
            invoice_id=invoice_id, by=request.user, data_dir=settings.data_dir
        )
        return File(path, filename=f"efactura-{invoice_id}.zip", media_type="application/zip")

    @get("/pdf", operation_id="GetInvoiceEfacturaPdf", media_type="application/pdf",
         summary="Factura randată de ANAF (transformare XML → PDF)")  # fmt: skip
    async def anaf_pdf(self, request: Request, invoice_id: RowId, settings: Settings) -> File:
        path = await efactura_pdf(invoice_id=invoice_id, by=request.user, settings=settings)
        return File(
            path,
            filename=f"efactura-{invoice_id}-anaf.pdf",
            media_type="application/pdf",
            content_disposition_type="inline",
        )


def _page(title: str, body: str, status: int = 200) -> Response[str]:
    text = (
        '<!doctype html><html lang="ro"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head>"
        '<body style="font-family: sans-serif; margin: 3em; max-width: 40em">'
        f"<h1>{html.escape(title)}</h1><p>{body}</p>"
        '<p><a href="/admin/">Înapoi în Catastif</a></p></body></html>'
    )
    return Response(text, status_code=status, media_type="text/html")


class SpvOAuthController(Controller):
    path = "/api/efactura/oauth"
    tags = ["e-Factura"]

    @get("/start", operation_id="StartSpvOAuth", status_code=302,
         summary="Pornește autorizarea SPV a firmei (redirecționare la ANAF)")  # fmt: skip
    async def start(
        self,
        request: Request,
        settings: Settings,
        company: int = Parameter(ge=1, le=MAX_INT),
    ) -> Redirect:
        url = await oauth_start(
            company_id=company, by=request.user, urls=AnafUrls.from_settings(settings),
            secret=settings.secret,
        )  # fmt: skip
        return Redirect(url, status_code=302)

    @get("/callback", operation_id="SpvOAuthCallback", media_type="text/html",
         summary="Întoarcerea de la ANAF după autorizare")  # fmt: skip
    async def callback(
        self,
        request: Request,
        settings: Settings,
        code: str | None = None,
        oauth_state: str | None = Parameter(query="state", default=None),
        error: str | None = None,
        error_description: str | None = None,
    ) -> Response[str]:
        if error or not code or not oauth_state:
            why = error_description or error or "lipsește codul de autorizare"
            return _page(
                "Autorizarea SPV nu s-a făcut",
                f"ANAF nu a dat autorizarea: {html.escape(why)}. Porniți-o din nou.",
                status=400,
            )
        try:
            status = await oauth_callback(
                code=code,
                state=oauth_state,
                by=request.user,
                urls=AnafUrls.from_settings(settings),
                secret=settings.secret,
                timeout=settings.anaf_timeout_s,
            )
        except DomainError as exc:
            return _page(
                "Autorizarea SPV nu s-a făcut",
                f"{html.escape(exc.message_ro)} (cod {exc.code})",
                status=exc.status,
            )
        until = status["refresh_expires_at"]
        note = f" Autorizarea este valabilă până la {until:%d.%m.%Y}." if until else ""
        return _page(
            "Conexiunea SPV este autorizată",
            f"Firma poate trimite facturi în e-Factura (mediul {status['environment']})."
            + html.escape(note),
        )
