"""What the editor's pages share: headers, reference data, the line as the grid holds it,
Romanian number formats, and answering a browser with a page rather than JSON."""

from __future__ import annotations

import hashlib
import unicodedata
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
from domain.org.permissions import Action, Actor, Area, allowed
from domain.pricing.queries import price_lists_for
from domain.pricing.resolver import levels_for
from domain.sales.rules import REGIME_RO
from tables.catalog import Article, UnitOfMeasure, VatCategory
from tables.choices import PriceAccess, VatRegime
from tables.org import Currency, WorkPoint
from tables.partners import Partner
from tables.payments import PaymentTerm
from tables.pricing import PriceList

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
    terms = (
        await PaymentTerm.select(PaymentTerm.id, PaymentTerm.name)
        .where(PaymentTerm.active == True)  # noqa: E712 - Piccolo builds SQL from ==
        .order_by(PaymentTerm.name)
    )
    return {
        "categories": categories,
        "units": units,
        "currencies": [c["code"] for c in currencies] or ["RON"],
        "regimes": [{"value": str(r), "label": REGIME_RO[r]} for r in VatRegime],
        "work_points": [{"value": p["id"], "label": p["name"]} for p in points],
        "payment_terms": [{"value": t["id"], "label": t["name"]} for t in terms],
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
        "price_list": line.get("price_list"),  # the list that priced it (None: typed)
        "priceListName": "",  # filled by editor_page, with the lists the user may see
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


async def editor_page(
    request: Request, kind: Kind, ref: dict[str, Any], draft: dict[str, Any] | None
) -> Template:
    """The editor (a new document when `draft` is None), with the price lists its «Listă»
    column offers on the document's day and the names of the lists its lines came from."""
    day = price_day(draft)
    usable = await usable_price_lists(request.user, day)
    if draft:
        names = await price_list_names(draft["lines"], request.user, usable)
        for line in draft["lines"]:
            line["priceListName"] = names.get(line["price_list"], "")
    return Template(
        template_name="editor/edit.html",
        context={
            "v": asset_version(),
            "user": user_name(request.user),
            "kind": kind,
            "draft": draft,
            "data": {
                **ref,
                "doc": kind.page_data(),
                "draft": draft,
                "price_day": day.isoformat(),
                "price_lists": usable,
            },
        },
    )


# ------------------------------------------------------------------------------ price lists


def price_day(draft: Mapping[str, Any] | None) -> date:
    """The day a document's lines are priced on: delivery date, else issue date, else today
    (as domain/sales/lines.price_context and the page's script decide it)."""
    header = (draft or {}).get("header", {})
    for key in ("delivery_date", "issue_date"):
        if header.get(key):
            return date.fromisoformat(header[key])
    return today()


def _name_key(name: str) -> str:
    """Case and diacritics ignored (Ă with A), as the API sorts the lists."""
    text = unicodedata.normalize("NFKD", name.casefold())
    return "".join(ch for ch in text if not unicodedata.combining(ch))


async def usable_price_lists(actor: Any, day: date) -> list[dict[str, Any]]:
    """The lists the user may price a line with on `day` (what GET /api/price-lists
    ?usable=true&on= answers), as the «Listă» select takes them. A list in another currency
    prices converted at the BNR rate, so it is offered too (the page names its currency)."""
    if not isinstance(actor, Actor) or not allowed(actor, Area.pricing, Action.read):
        return []
    rows = await price_lists_for(by=actor, need=PriceAccess.use, on=day)
    rows.sort(key=lambda r: (_name_key(r["name"]), r["id"]))
    return [{"value": r["id"], "label": r["name"], "currency": r["currency"]} for r in rows]


async def price_list_names(
    lines: Iterable[Mapping[str, Any]], actor: Any, usable: Iterable[Mapping[str, Any]]
) -> dict[int, str]:
    """The names of the lists that priced the lines: those offered, else read here (a list
    no longer in force on the day, or that the user may see but not use). A list the user
    may not even see is not named (as the resolver's reasons do not name it)."""
    names = {x["value"]: x["label"] for x in usable}
    rest = sorted({x["price_list"] for x in lines if x.get("price_list")} - set(names))
    if not rest:
        return names
    levels = await levels_for(actor, rest) if isinstance(actor, Actor) else {}
    for row in await PriceList.select(PriceList.id, PriceList.name).where(PriceList.id.is_in(rest)):
        seen = levels.get(row["id"]) is not None
        names[row["id"]] = row["name"] if seen else f"Listă nr. {row['id']} (fără acces)"
    return names


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
