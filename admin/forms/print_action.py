"""Form «Tipărire document (PDF)»: the PDF of an issued or cancelled invoice, offer,
proforma, order, aviz or warranty certificate, downloaded from the admin.

piccolo-admin sends a form's `FileResponse` as an attachment and its page saves it. The file
is the one the after-commit job stores (DATA_DIR/documents/...); when it is not there yet
(job still queued, queue down, file lost) the form renders it now through that same job
function, so the user always leaves with the PDF and the job later finds it done.
"""

from __future__ import annotations

import asyncio
import io
import logging
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

from piccolo_admin.endpoints import FileResponse, FormConfig
from pydantic import BaseModel, Field
from starlette.requests import Request

from admin.forms import form_errors
from admin.guards import request_actor
from domain.core.errors import Conflict, NotFound, Unavailable, ValidationFailed
from domain.org.permissions import Action, Area, require
from domain.sales.progress import DOC_RO
from jobs.printing import render_document, render_invoice
from printing.render import document_pdf_filename, invoice_pdf_filename
from settings import Settings
from tables.choices import DocStatus, DocType
from tables.sales import Document, Invoice

log = logging.getLogger("catastif")

GROUP = "Vânzări"


class PrintForm(BaseModel):
    reference: str = Field(
        title="Seria și numărul",
        description="Ca pe document, ex. «FCT-00012», sau nr. intern (coloana «ID» din listă)",
    )
    # piccolo-admin shows every field as a text box (no drop-down for choices): one short
    # word, needed only for an internal number (invoices and documents are two tables).
    kind: str = Field(
        default="factură",
        title="Pentru nr. intern: factură sau document",
        description="«document» = ofertă, proformă, comandă, aviz, certificat de garanție",
    )


# "FCT-00012", "fct 12", "FCT-2026-00012": the series is what comes before the last number.
_PRINTED = re.compile(r"(?P<prefix>.*?)[\s/-]*(?P<number>\d+)")
_KINDS = {"factura": "invoice", "f": "invoice", "document": "document", "d": "document"}


def _plain(text: str) -> str:
    """Lower case without diacritics: «Factură» and «factura» are the same word."""
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


async def _rows(kind: str, where: Callable[[Any], Any]) -> list[dict[str, Any]]:
    """Invoices (`kind` "invoice") or documents matching `where(table)`, tagged with `kind`."""
    table = Invoice if kind == "invoice" else Document
    columns = [table.id, table.full_number, table.status, table.series.prefix.as_alias("prefix")]
    if table is Document:
        columns.append(Document.doc_type)
    return [row | {"kind": kind} for row in await table.select(*columns).where(where(table))]


async def _find(reference: str, kind: str) -> dict[str, Any]:
    """The invoice or document `reference` names: {kind, id, full_number, status, ...}."""
    text = " ".join(reference.split())
    if text.isdigit():  # an internal number, the only one a draft has
        if (which := _KINDS.get(_plain(kind))) is None:
            raise ValidationFailed(
                "PRINT_KIND_INVALID",
                f"Pentru un număr intern scrieți «factură» sau «document», nu «{kind}».",
                "Say «factură» or «document» for an internal id.",
                field="kind",
            )
        rows = await _rows(which, lambda t: t.id == int(text))
        what = "Factura" if which == "invoice" else "Documentul"
        missing = f"{what} cu nr. intern {text} nu există."
    else:
        match = _PRINTED.fullmatch(text)
        if match is None or not match["prefix"]:
            raise ValidationFailed(
                "PRINT_REFERENCE_INVALID",
                f"Scrieți seria și numărul ca pe document (ex. «FCT-00012») sau numărul "
                f"intern din coloana «ID»; «{text}» nu este niciuna.",
                "Give the series and number (FCT-00012) or the internal id.",
                field="reference",
            )
        prefix, number = match["prefix"].casefold(), int(match["number"])
        rows = [
            row
            for which in ("invoice", "document")
            for row in await _rows(which, lambda t: t.number == number)
            if (row["prefix"] or "").casefold() == prefix
        ]
        missing = f"Nu există nicio factură și niciun document cu numărul «{text}»."
    if not rows:
        raise NotFound("PRINT_NOT_FOUND", missing, "No such document.", field="reference")
    if len(rows) > 1:  # one series and number in two companies, or an invoice and an offer
        names = {"invoice": "factura", "document": "documentul"}
        ids = ", ".join(f"{names[row['kind']]} {row['id']}" for row in rows)
        raise ValidationFailed(
            "PRINT_REFERENCE_AMBIGUOUS",
            f"«{text}» este numărul mai multor documente ({ids}); scrieți numărul intern, "
            "din coloana «ID», și felul lui (factură sau document).",
            "Several documents have this number; give the internal id.",
            field="reference",
        )
    return rows[0]


def _refuse_draft(row: dict[str, Any]) -> None:
    if row["status"] != DocStatus.draft:
        return
    # The same refusal, with the same codes, as GET /api/invoices|documents/{id}/pdf.
    if row["kind"] == "invoice":
        raise Conflict(
            "INVOICE_DRAFT_NO_PDF",
            "Factura este o ciornă: se poate tipări după emitere, când primește număr.",
            "A draft invoice has no number and no PDF; issue it first.",
            details={"invoice_id": row["id"]},
        )
    name = DOC_RO[DocType(row["doc_type"])]
    raise Conflict(
        "DOCUMENT_DRAFT_NO_PDF",
        f"{name.capitalize()} este o ciornă: se poate tipări după emitere, când primește număr.",
        "A draft document has no number and no PDF; issue it first.",
        details={"document_id": row["id"]},
    )


async def _stored_pdf(settings: Settings, row: dict[str, Any]) -> Path:
    """The stored PDF for the row's current status, rendered first if missing.

    The job function itself does it (it skips a file already there and rereads the status
    if a cancel lands meanwhile); the file is written atomically, so the form and a worker
    rendering the same document at once both leave a whole file.
    """
    ctx = {"settings": settings}
    invoice = row["kind"] == "invoice"
    link = f"/api/{'invoices' if invoice else 'documents'}/{row['id']}/pdf"
    try:
        if invoice:
            result = await render_invoice(ctx, invoice_id=row["id"])
        else:
            result = await render_document(ctx, document_id=row["id"])
    except Exception as exc:  # a rendering fault: logged; the job will try again
        log.exception("the admin could not print %s", link)
        raise Unavailable(
            "PDF_RENDER_FAILED",
            f"PDF-ul nu a putut fi generat acum. Încercați din nou peste câteva minute "
            f"sau deschideți {link}.",
            "The PDF could not be rendered now; try again later.",
        ) from exc
    if "path" not in result:  # deleted or turned back meanwhile: cannot happen today
        raise Conflict("PRINT_NOT_PRINTABLE", "Documentul nu mai poate fi tipărit.")
    return Path(result["path"])


def print_action_form(settings: Settings) -> FormConfig:
    @form_errors
    async def endpoint(request: Request, data: PrintForm) -> FileResponse:
        # Anyone who may see sales documents may print them (all roles today).
        require(await request_actor(request), Area.sales, Action.read)
        row = await _find(data.reference, data.kind)
        _refuse_draft(row)
        path = await _stored_pdf(settings, row)
        pdf = await asyncio.to_thread(path.read_bytes)
        invoice = row["kind"] == "invoice"
        name = invoice_pdf_filename(row) if invoice else document_pdf_filename(row)
        return FileResponse(contents=io.BytesIO(pdf), file_name=name, media_type="application/pdf")

    return FormConfig(
        name="Tipărire document (PDF)",
        pydantic_model=PrintForm,
        endpoint=endpoint,
        form_group=GROUP,
        description="Descarcă PDF-ul unei facturi sau al unui document emis ori anulat "
        "(cel anulat poartă ștampila ANULAT). Ciornele nu se tipăresc.",
    )
