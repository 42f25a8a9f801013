"""What the editor's pages share: headers, reference data, the line as the grid holds it,
Romanian number formats, and answering a browser with a page rather than JSON."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from litestar import Request, Response
from litestar.response import Redirect, Template

from controllers.editor.kinds import Kind
from controllers.errors import domain_error
from domain.core.clock import today
from domain.core.errors import DomainError
from domain.core.money import to_decimal
from domain.org.permissions import Actor
from domain.sales.rules import REGIME_RO
from tables.catalog import Article, UnitOfMeasure, VatCategory
from tables.choices import VatRegime
from tables.org import Currency, WorkPoint
from tables.partners import Partner

STATIC = Path(__file__).resolve().parent.parent.parent / "static" / "editor"
LOGIN_URL = "/admin/"

# The page loads only its own files: no inline script or style, no third party.
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'self'; base-uri 'none'; form-action 'self'",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
}


@cache
def asset_version() -> str:
    """A digest of the page's own files, so a browser never runs yesterday's script."""
    digest = hashlib.sha256()
    for path in sorted(STATIC.glob("*")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


async def reference() -> dict[str, Any]:
    """The lists the page's selects offer."""
    categories = await VatCategory.select(
        VatCategory.id, VatCategory.code, VatCategory.name, VatCategory.untdid
    ).order_by(VatCategory.id)
    units = await UnitOfMeasure.select(
        UnitOfMeasure.code, UnitOfMeasure.name, UnitOfMeasure.symbol
    ).order_by(UnitOfMeasure.id)
    currencies = await Currency.select(Currency.code).order_by(Currency.id)
    points = (
        await WorkPoint.select(WorkPoint.id, WorkPoint.code, WorkPoint.name)
        .where(WorkPoint.active == True)  # noqa: E712 - Piccolo builds SQL from ==
        .order_by(WorkPoint.name)
    )
    return {
        "categories": categories,
        "units": units,
        "currencies": [c["code"] for c in currencies] or ["RON"],
        "regimes": [{"value": str(r), "label": REGIME_RO[r]} for r in VatRegime],
        "work_points": [{"value": p["id"], "label": p["name"]} for p in points],
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


def plain(value: Any) -> str:
    """Decimals as the grid shows them: plain, without trailing zeros past the point."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    return str(value)


async def article_codes(lines: Iterable[Mapping[str, Any]]) -> dict[int, str]:
    ids = sorted({x["article"] for x in lines if x["article"]})
    if not ids:
        return {}
    rows = await Article.select(Article.id, Article.code).where(Article.id.is_in(ids))
    return {a["id"]: a["code"] for a in rows}


def page_line(
    line: Mapping[str, Any],
    codes: Mapping[int, str],
    categories: Mapping[int, str],
    links: Iterable[str] = (),
) -> dict[str, Any]:
    """A stored line as the grid's line model takes it (static/editor/editor.js, COLUMNS).

    `links` name the columns that tie the line to the one it came from: the page keeps
    them and sends them back unchanged when it saves the line.
    """
    return {
        "article": line["article"],
        "articleCode": codes.get(line["article"], ""),
        "description": line["description"],
        "uom_code": line["uom_code"],
        "vat_category": categories.get(line["vat_category"], ""),
        "quantity": plain(line["quantity"]),
        "unit_price": plain(line["unit_price"]),
        "discount": plain(line["discount"]) if line["discount"] else "",
        "links": {k: line[k] for k in links if line.get(k)},
    }


async def partner_brief(partner_id: int) -> dict[str, Any] | None:
    return (
        await Partner.select(Partner.id, Partner.name, Partner.cui, Partner.city)
        .where(Partner.id == partner_id)
        .first()
    )


def user_name(actor: Any) -> str:
    return actor.name if isinstance(actor, Actor) else ""


def editor_page(
    request: Request, kind: Kind, ref: dict[str, Any], draft: dict[str, Any] | None
) -> Template:
    """The editor (a new document when `draft` is None)."""
    return Template(
        template_name="editor/edit.html",
        context={
            "v": asset_version(),
            "user": user_name(request.user),
            "kind": kind,
            "draft": draft,
            "data": {**ref, "doc": kind.page_data(), "draft": draft},
        },
    )


def redirect_to_login(_: Request, __: Exception) -> Response:
    return Redirect(LOGIN_URL, status_code=303)


def page_error(request: Request, exc: DomainError) -> Response:
    """A refusal on a page: a browser gets a page in Romanian, anything else the API's JSON."""
    if "text/html" not in request.headers.get("accept", ""):
        return domain_error(request, exc)
    return Template(
        template_name="editor/error.html",
        context={"v": asset_version(), "user": user_name(request.user), "error": exc},
        status_code=exc.status,
        headers=PAGE_HEADERS,
    )
