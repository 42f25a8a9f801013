"""The invoice pages of the editor and the live-totals endpoint every kind uses.

- GET /editor/invoices/new and /editor/invoices/{id}: the page, behind the admin session
  (without one, a redirect to the admin's login). A draft opens in the editor; an issued or
  cancelled invoice opens read-only, with its number and its PDF.
- POST /editor/api/totals: see controllers/editor/totals.py.

The page saves and issues through the invoice API (/api/invoices), with the same session.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import NotAuthorizedException
from litestar.response import Template

from controllers.editor.kinds import INVOICE
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
from controllers.editor.totals import TotalsIn, TotalsOut, draft_totals
from controllers.schemas import RowId
from domain.core.errors import DomainError
from domain.org.permissions import Action, Area, require
from domain.sales.queries import invoice_get
from domain.sales.rules import REGIME_RO
from tables.choices import DocStatus

LINK_COLUMNS = ("source_line", "source_document_line")
PAGE = {
    "exception_handlers": {NotAuthorizedException: redirect_to_login, DomainError: page_error},
    "response_headers": PAGE_HEADERS,
}


async def _draft_for_page(
    invoice: Mapping[str, Any], partner: Mapping[str, Any] | None, categories: dict[int, str]
) -> dict[str, Any]:
    codes = await article_codes(invoice["lines"])
    return {
        "id": invoice["id"],
        "status": invoice["status"],
        "partner": partner,
        # Lines taken from another document (order, delivery note, the invoice a storno
        # corrects) keep their link only if nobody rewrites them: the page then edits the
        # header alone (a storno line's VAT rate is the corrected line's, which the live
        # totals do not know).
        "linked": any(x.get(k) for x in invoice["lines"] for k in LINK_COLUMNS),
        "header": {
            "issue_date": plain(invoice["issue_date"]),
            "delivery_date": plain(invoice["delivery_date"]),
            "due_date": plain(invoice["due_date"]),
            "payment_term": invoice["payment_term"],
            "currency": invoice["currency"],
            "vat_regime": invoice["vat_regime"],
            "notes": invoice["notes"],
            "discount_percent": plain(invoice["discount_percent"]),
            "fx_rate": plain(invoice["fx_rate"]),
        },
        "lines": [page_line(x, codes, categories) for x in invoice["lines"]],
    }


class EditorController(Controller):
    path = "/editor"
    include_in_schema = False

    @get("/invoices/new", **PAGE)
    async def new_invoice(self, request: Request) -> Template:
        require(request.user, Area.sales, Action.read)
        return await editor_page(request, INVOICE, await reference(), None)

    @get("/invoices/{invoice_id:int}", **PAGE)
    async def open_invoice(self, request: Request, invoice_id: RowId) -> Template:
        invoice = await invoice_get(invoice_id, by=request.user)
        ref = await reference()
        partner = await partner_brief(invoice["partner"])
        categories = {c["id"]: c["code"] for c in ref["categories"]}
        if invoice["status"] == DocStatus.draft:
            draft = await _draft_for_page(invoice, partner, categories)
            return await editor_page(request, INVOICE, ref, draft)
        symbols = {u["code"]: u["symbol"] for u in ref["units"]}
        customer = invoice["customer_snapshot"] or {}
        return Template(
            template_name="editor/invoice_view.html",
            context={
                "v": asset_version(),
                "user": user_name(request.user),
                "invoice": invoice,
                "status_ro": INVOICE.status_ro(invoice["status"]),
                "regime_ro": REGIME_RO.get(invoice["vat_regime"], invoice["vat_regime"]),
                "customer_name": customer.get("name") or (partner or {}).get("name", ""),
                "customer_code": customer.get("vat_code") or customer.get("cui") or "",
                "symbols": symbols,
                "just_issued": request.query_params.get("emisa") == "1",
                "num": ro_number,
                "date": ro_date,
            },
        )

    @post("/api/totals", status_code=200)
    async def totals(self, request: Request, data: TotalsIn) -> TotalsOut:
        """Live totals of a draft's lines (VAT rates by delivery date, one totals function)."""
        require(request.user, Area.sales, Action.read)
        return await draft_totals(data)
