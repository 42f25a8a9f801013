"""The invoice editor: a keyboard-first page for documents with many lines (issue 3).

- GET /editor/invoices/new and /editor/invoices/{id}: the page, behind the admin session
  (without one, a redirect to the admin's login). A draft opens in the editor; an issued or
  cancelled invoice opens read-only, with its number and its PDF.
- POST /editor/api/totals: the live totals of the lines being typed. The VAT rate of each
  line is the one its category (chosen, or the article's) has on the delivery date, and the
  figures come from the one totals function, `domain.sales.totals.document_totals`, exactly
  as `invoice_issue` will compute them: the page never does VAT arithmetic itself.

The page saves and issues through the invoice API (/api/invoices), with the same session.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotAuthorizedException
from litestar.response import Redirect, Template

from controllers.schemas import Int32, Str10, Str20, Str200
from domain.core.clock import today
from domain.core.money import to_decimal
from domain.org.permissions import Action, Actor, Area, require
from domain.sales.preview import DraftLine, invoice_preview
from domain.sales.queries import invoice_get
from domain.sales.rules import REGIME_RO
from domain.sales.totals import Totals
from tables.catalog import Article, UnitOfMeasure, VatCategory
from tables.choices import DocStatus, VatRegime
from tables.org import Currency
from tables.partners import Partner

STATIC = Path(__file__).resolve().parent.parent / "static" / "editor"
LOGIN_URL = "/admin/"
MAX_LINES = 2000
LINK_COLUMNS = ("source_line", "source_document_line")

# The page loads only its own files: no inline script or style, no third party.
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'self'; base-uri 'none'; form-action 'self'",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
}

STATUS_RO = {DocStatus.draft: "Ciornă", DocStatus.issued: "Emisă", DocStatus.cancelled: "Anulată"}


# ------------------------------------------------------------------------------ shapes


class TotalsLine(msgspec.Struct, forbid_unknown_fields=True):
    """A line as the grid holds it: the same fields the invoice API takes.

    An empty quantity, price or discount counts as zero while the user is still typing.
    """

    article: Int32 | None = None
    vat_category: Str20 | None = None
    quantity: Decimal | None = None
    unit_price: Decimal | None = None
    discount: Decimal | None = None
    description: Str200 = ""
    uom_code: Str10 = ""


class TotalsIn(msgspec.Struct, forbid_unknown_fields=True):
    lines: Annotated[list[TotalsLine], msgspec.Meta(max_length=MAX_LINES)]
    issue_date: date | None = None
    delivery_date: date | None = None
    currency: Str10 = "RON"
    fx_rate: Decimal | None = None
    discount_percent: Decimal | None = None


class LineTotalOut(msgspec.Struct):
    vat_category: str
    vat_code: str
    vat_rate: Decimal
    net: Decimal
    discount: Decimal


class GroupOut(msgspec.Struct):
    vat_code: str
    vat_rate: Decimal
    base: Decimal
    vat: Decimal
    base_ron: Decimal
    vat_ron: Decimal


class TotalsOut(msgspec.Struct):
    """`tax_date` is the day whose VAT rates apply (delivery date, else issue date, else
    today); `fx_rate` is the BNR rate used for the RON figures (None for RON, or when the
    rate is missing: `fx_message` says why)."""

    tax_date: date
    currency: str
    fx_rate: Decimal | None
    fx_date: date | None
    fx_message: str | None
    lines: list[LineTotalOut]
    groups: list[GroupOut]
    line_net_total: Decimal
    allowance_total: Decimal
    charge_total: Decimal
    tax_exclusive: Decimal
    vat_total: Decimal
    vat_total_ron: Decimal
    tax_inclusive: Decimal
    payable: Decimal


_SUMS = (  # the document figures TotalsOut repeats from Totals
    "line_net_total", "allowance_total", "charge_total", "tax_exclusive", "vat_total",
    "vat_total_ron", "tax_inclusive", "payable",
)  # fmt: skip


# ------------------------------------------------------------------------------ totals


async def draft_totals(data: TotalsIn) -> TotalsOut:
    """The totals the invoice will have once issued (domain/sales/preview.py)."""
    preview = await invoice_preview(
        lines=[
            DraftLine(
                quantity=x.quantity or Decimal(0),
                unit_price=x.unit_price or Decimal(0),
                discount=x.discount or Decimal(0),
                article=x.article,
                vat_category=x.vat_category,
            )
            for x in data.lines
        ],
        issue_date=data.issue_date,
        delivery_date=data.delivery_date,
        currency=data.currency,
        fx_rate=data.fx_rate,
        discount_percent=data.discount_percent,
    )
    if preview.totals is None:  # nothing typed yet: zeros, not DOCUMENT_EMPTY
        zero = Decimal("0.00")
        return TotalsOut(
            tax_date=preview.tax_day, currency=preview.currency, fx_rate=preview.fx_rate,
            fx_date=preview.fx_date, fx_message=preview.fx_message, lines=[], groups=[],
            **dict.fromkeys(_SUMS, zero),
        )  # fmt: skip
    return _out(
        preview.totals, preview.categories, preview.tax_day, preview.currency,
        preview.fx_rate, preview.fx_date, preview.fx_message,
    )  # fmt: skip


def _out(
    totals: Totals,
    categories: Sequence[str],
    tax_day: date,
    currency: str,
    fx_rate: Decimal | None,
    fx_date: date | None,
    fx_message: str | None,
) -> TotalsOut:
    lines = [
        LineTotalOut(code, x.vat_code, x.vat_rate, x.net, x.discount)
        for x, code in zip(totals.lines, categories, strict=True)
    ]
    groups = [msgspec.convert(g, GroupOut, from_attributes=True) for g in totals.groups]
    return TotalsOut(
        tax_date=tax_day, currency=currency, fx_rate=fx_rate, fx_date=fx_date,
        fx_message=fx_message, lines=lines, groups=groups,
        **{k: getattr(totals, k) for k in _SUMS},
    )  # fmt: skip


# ------------------------------------------------------------------------------ page data


@cache
def asset_version() -> str:
    """A digest of the page's own files, so a browser never runs yesterday's script."""
    digest = hashlib.sha256()
    for path in sorted(STATIC.glob("*")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


async def _reference() -> dict[str, Any]:
    categories = await VatCategory.select(
        VatCategory.id, VatCategory.code, VatCategory.name, VatCategory.untdid
    ).order_by(VatCategory.id)
    units = await UnitOfMeasure.select(
        UnitOfMeasure.code, UnitOfMeasure.name, UnitOfMeasure.symbol
    ).order_by(UnitOfMeasure.id)
    currencies = await Currency.select(Currency.code).order_by(Currency.id)
    return {
        "categories": categories,
        "units": units,
        "currencies": [c["code"] for c in currencies] or ["RON"],
        "regimes": [{"value": str(r), "label": REGIME_RO[r]} for r in VatRegime],
        "today": today().isoformat(),
    }


def ro_number(value: Any, places: int = 2, least: int | None = None) -> str:
    """1234.5 -> "1.234,50", as Romanian documents write numbers (display only): at most
    `places` decimals, trailing zeros dropped down to `least` (default: all kept)."""
    if value is None or value == "":
        return ""
    number = to_decimal(value).quantize(Decimal(1).scaleb(-places))
    text = f"{abs(number):,.{places}f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    if least is not None and places > least:
        whole, _, decimals = text.partition(",")
        decimals = decimals.rstrip("0").ljust(least, "0")
        text = f"{whole},{decimals}" if decimals else whole
    return f"−{text}" if number < 0 else text


def ro_date(value: date | None) -> str:
    return f"{value:%d.%m.%Y}" if value else "—"


def _text(value: Any) -> str:
    """Decimals as the grid shows them: plain, without trailing zeros past the point."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    return str(value)


async def _draft_for_page(
    invoice: Mapping[str, Any], partner: Mapping[str, Any] | None, category_codes: dict[int, str]
) -> dict[str, Any]:
    article_ids = sorted({x["article"] for x in invoice["lines"] if x["article"]})
    article_codes = {
        a["id"]: a["code"]
        for a in await Article.select(Article.id, Article.code).where(
            Article.id.is_in(article_ids or [0])
        )
    }
    return {
        "id": invoice["id"],
        "status": invoice["status"],
        "partner": partner,
        # Lines taken from another document (order, delivery note, the invoice a storno
        # corrects) keep their link only if nobody rewrites them: the page then edits the
        # header alone (the invoice API's lines carry no link).
        "linked": any(x.get(k) for x in invoice["lines"] for k in LINK_COLUMNS),
        "header": {
            "issue_date": _text(invoice["issue_date"]),
            "delivery_date": _text(invoice["delivery_date"]),
            "due_date": _text(invoice["due_date"]),
            "currency": invoice["currency"],
            "vat_regime": invoice["vat_regime"],
            "notes": invoice["notes"],
            "discount_percent": _text(invoice["discount_percent"]),
            "fx_rate": _text(invoice["fx_rate"]),
        },
        "lines": [
            {
                "article": x["article"],
                "articleCode": article_codes.get(x["article"], ""),
                "description": x["description"],
                "uom_code": x["uom_code"],
                "vat_category": category_codes.get(x["vat_category"], ""),
                "quantity": _text(x["quantity"]),
                "unit_price": _text(x["unit_price"]),
                "discount": _text(x["discount"]) if x["discount"] else "",
            }
            for x in invoice["lines"]
        ],
    }


async def _partner(partner_id: int) -> dict[str, Any] | None:
    return (
        await Partner.select(Partner.id, Partner.name, Partner.cui, Partner.city)
        .where(Partner.id == partner_id)
        .first()
    )


def _redirect_to_login(_: Request, __: Exception) -> Response:
    return Redirect(LOGIN_URL, status_code=303)


# ------------------------------------------------------------------------------ controller


class EditorController(Controller):
    path = "/editor"
    include_in_schema = False

    @get(
        "/invoices/new",
        exception_handlers={NotAuthorizedException: _redirect_to_login},
        response_headers=PAGE_HEADERS,
    )
    async def new_invoice(self, request: Request) -> Template:
        require(request.user, Area.sales, Action.read)
        return self._editor(request, await _reference(), None)

    @get(
        "/invoices/{invoice_id:int}",
        exception_handlers={NotAuthorizedException: _redirect_to_login},
        response_headers=PAGE_HEADERS,
    )
    async def open_invoice(self, request: Request, invoice_id: int) -> Template:
        invoice = await invoice_get(invoice_id, by=request.user)
        reference = await _reference()
        partner = await _partner(invoice["partner"])
        codes = {c["id"]: c["code"] for c in reference["categories"]}
        if invoice["status"] == DocStatus.draft:
            return self._editor(request, reference, await _draft_for_page(invoice, partner, codes))
        symbols = {u["code"]: u["symbol"] for u in reference["units"]}
        customer = invoice["customer_snapshot"] or {}
        return Template(
            template_name="editor/invoice_view.html",
            context={
                "v": asset_version(),
                "user": _user(request.user),
                "invoice": invoice,
                "status_ro": STATUS_RO.get(invoice["status"], invoice["status"]),
                "regime_ro": REGIME_RO.get(invoice["vat_regime"], invoice["vat_regime"]),
                "customer_name": customer.get("name") or (partner or {}).get("name", ""),
                "customer_code": customer.get("vat_code") or customer.get("cui") or "",
                "symbols": symbols,
                "just_issued": request.query_params.get("emisa") == "1",
                "num": ro_number,
                "date": ro_date,
            },
        )

    def _editor(
        self, request: Request, reference: dict[str, Any], draft: dict[str, Any] | None
    ) -> Template:
        return Template(
            template_name="editor/invoice_edit.html",
            context={
                "v": asset_version(),
                "user": _user(request.user),
                "draft": draft,
                "data": {**reference, "draft": draft},
            },
        )

    @post("/api/totals", status_code=200)
    async def totals(self, request: Request, data: TotalsIn) -> TotalsOut:
        """Live totals of a draft's lines (VAT rates by delivery date, one totals function)."""
        require(request.user, Area.sales, Action.read)
        return await draft_totals(data)


def _user(actor: Any) -> str:
    return actor.name if isinstance(actor, Actor) else ""
