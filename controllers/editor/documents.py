"""The editor's pages for offers, proformas, orders and delivery notes (avize).

- GET /editor/documents: the chooser («Document nou»), linked from the admin's sidebar.
- GET /editor/documents/{doc_type}/new: a new draft of that type in the editor.
- GET /editor/documents/{id}: a draft opens in the editor; an issued or cancelled document
  opens read-only, with its number, its status, its PDF and the conversions the API offers
  (offer -> proforma / order / invoice, order -> aviz / invoice, aviz -> invoice).

Same page, script and session as the invoice editor; it saves and issues through
/api/documents and computes the live totals through /editor/api/totals.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from litestar import Controller, Request, get
from litestar.exceptions import NotAuthorizedException
from litestar.response import Redirect, Template

from controllers.editor.kinds import CONVERT_LABELS, DOCUMENT_KINDS, EDITABLE, INVOICE, Kind
from controllers.editor.pages import (
    PAGE_HEADERS,
    article_codes,
    asset_version,
    editor_page,
    page_error,
    page_line,
    partner_brief,
    plain,
    redirect_to_login,
    reference,
    ro_date,
    ro_number,
    user_name,
)
from controllers.schemas import RowId
from domain.core.errors import DomainError, NotFound
from domain.core.money import to_decimal
from domain.org.permissions import Action, Area, require
from domain.sales.documents import DOC_LINKS, TARGETS
from domain.sales.progress import line_progress
from domain.sales.queries import document_get
from domain.sales.totals import LineIn, Totals, document_totals
from tables.choices import DocStatus, DocType
from tables.org import WorkPoint

HEADER = ("issue_date", "delivery_date", "valid_until", "currency", "notes", "delegate",
          "vehicle", "work_point")  # fmt: skip

# What is left on an issued document's lines, shown next to them.
LEFT_COLUMNS: dict[DocType, tuple[tuple[str, str], ...]] = {
    DocType.order: (("left_to_deliver", "De livrat"), ("left_to_invoice", "De facturat")),
    DocType.delivery_note: (("left_to_invoice", "De facturat"),),
}


def _kind(doc_type: str) -> Kind:
    try:
        wanted = DocType(doc_type)
    except ValueError:
        wanted = None
    if wanted not in EDITABLE:
        names = ", ".join(f"{DOCUMENT_KINDS[t].noun.lower()} ({t})" for t in EDITABLE)
        raise NotFound(
            "DOCUMENT_TYPE_UNKNOWN",
            f"Editorul nu cunoaște tipul de document «{doc_type}». Tipurile: {names}.",
            f"Unknown document type {doc_type!r}.",
        )
    return DOCUMENT_KINDS[wanted]


async def _draft_for_page(
    document: Mapping[str, Any], categories: dict[int, str]
) -> dict[str, Any]:
    codes = await article_codes(document["lines"])
    return {
        "id": document["id"],
        "status": document["status"],
        "partner": await partner_brief(document["partner"]),
        "linked": False,  # linked lines travel with their links (the document API keeps them)
        "header": {k: plain(document[k]) for k in HEADER},
        "lines": [page_line(x, codes, categories, DOC_LINKS) for x in document["lines"]],
    }


def _vat_groups(lines: Sequence[Mapping[str, Any]], untdid: Mapping[int, str]) -> Totals | None:
    """The VAT per rate of an issued document, from the nets and rates frozen at issue
    (each net as one unit at that price: the groups the issue computed, as on the PDF)."""
    if not lines or any(x["vat_rate"] is None for x in lines):
        return None
    return document_totals(
        [
            LineIn(
                Decimal(1) if to_decimal(x["net"]) >= 0 else Decimal(-1),
                abs(to_decimal(x["net"])),
                untdid[x["vat_category"]],
                to_decimal(x["vat_rate"]),
            )
            for x in lines
        ]
    )


async def _conversions(document: Mapping[str, Any]) -> list[dict[str, str]]:
    """The conversions the API offers for this document and that still have something
    left to take (a fully invoiced order offers no invoice)."""
    doc_type = DocType(document["doc_type"])
    if document["status"] != DocStatus.issued or not TARGETS[doc_type]:
        return []
    progress = await line_progress(x["id"] for x in document["lines"])
    return [
        {"target": str(target), "label": CONVERT_LABELS[target]}
        for target in CONVERT_LABELS  # the order of the buttons
        if target in TARGETS[doc_type] and any(p.left_for(target) > 0 for p in progress.values())
    ]


class DocumentEditorController(Controller):
    path = "/editor/documents"
    include_in_schema = False
    exception_handlers = {NotAuthorizedException: redirect_to_login, DomainError: page_error}
    response_headers = PAGE_HEADERS

    @get("/")
    async def choose(self, request: Request) -> Template:
        """«Document nou»: which kind (keys 1-5 pick one)."""
        require(request.user, Area.sales, Action.read)
        kinds = [INVOICE, *(DOCUMENT_KINDS[t] for t in EDITABLE)]
        return Template(
            template_name="editor/choose.html",
            context={"v": asset_version(), "user": user_name(request.user), "kinds": kinds},
        )

    @get("/{doc_type:str}/new")
    async def new_document(self, request: Request, doc_type: str) -> Template | Redirect:
        require(request.user, Area.sales, Action.read)
        if doc_type == DocType.invoice:
            return Redirect("/editor/invoices/new", status_code=303)
        return await editor_page(request, _kind(doc_type), await reference(), None)

    @get("/{document_id:int}")
    async def open_document(self, request: Request, document_id: RowId) -> Template:
        document = await document_get(document_id, by=request.user)
        doc_type = DocType(document["doc_type"])
        kind = DOCUMENT_KINDS[doc_type]
        ref = await reference()
        categories = {c["id"]: c["code"] for c in ref["categories"]}
        if document["status"] == DocStatus.draft and doc_type in EDITABLE:
            draft = await _draft_for_page(document, categories)
            return await editor_page(request, kind, ref, draft)
        return Template(
            template_name="editor/document_view.html",
            context=await self._view(request, document, kind, ref),
        )

    async def _view(
        self, request: Request, document: dict[str, Any], kind: Kind, ref: dict[str, Any]
    ) -> dict[str, Any]:
        customer = document["customer_snapshot"] or {}
        if not customer.get("name"):  # a draft has no snapshot yet
            customer = await partner_brief(document["partner"]) or {}
        point = None
        if document["work_point"]:
            point = (
                await WorkPoint.select(WorkPoint.name)
                .where(WorkPoint.id == document["work_point"])
                .first()
            )
        doc_type = DocType(document["doc_type"])
        return {
            "v": asset_version(),
            "user": user_name(request.user),
            "doc": document,
            "kind": kind,
            "status_ro": kind.status_ro(document["status"]),
            "just_issued": request.query_params.get("emis") == "1",
            "customer_name": customer.get("name", ""),
            "customer_code": customer.get("vat_code") or customer.get("cui") or "",
            "work_point": (point or {}).get("name", ""),
            "symbols": {u["code"]: u["symbol"] for u in ref["units"]},
            "totals": _vat_groups(
                document["lines"], {c["id"]: c["untdid"] for c in ref["categories"]}
            ),
            "left_columns": LEFT_COLUMNS.get(doc_type, ()) if document["status"] == "issued"
            else (),
            "warranty": doc_type is DocType.warranty,
            "conversions": await _conversions(document),
            "num": ro_number,
            "date": ro_date,
        }  # fmt: skip
