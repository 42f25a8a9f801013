"""/api/price-lists: the lists a user may see or use, one list with its access rows and
assignments, its prices on a day or its whole history, new dated prices, access and
assignments. CSV in and out and "what price applies?" are in controllers/prices.py."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, delete, get, patch, post, put
from litestar.params import Parameter

from controllers.paging import check_limit, decode_cursor, encode_cursor
from controllers.schemas import RowId
from controllers.schemas.pricing import (
    CURRENCY,
    AccessIn,
    AssignmentIn,
    AssignmentOut,
    PriceEndIn,
    PriceItemIn,
    PriceItemOut,
    PriceItemPage,
    PriceListDetail,
    PriceListIn,
    PriceListOut,
    PriceListPage,
    PriceListPatch,
    PricesAddedOut,
)
from domain.core.clock import today
from domain.core.errors import ValidationFailed
from domain.core.money import to_decimal
from domain.pricing.ops import (
    access_replace,
    assignment_add,
    assignment_remove,
    item_values,
    price_end,
    price_list_create,
    price_list_update,
    prices_add,
)
from domain.pricing.queries import list_items, price_list_get, price_lists_for
from tables.catalog import Article
from tables.choices import PriceAccess

TAGS = ["Liste de prețuri"]


def sent(data: msgspec.Struct) -> dict[str, Any]:
    """The fields a PATCH body carries."""
    return {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}


SCALES = {
    "price": Decimal("0.0001"),  # unit prices are Numeric(18, 4)
    "net": Decimal("0.0001"),
    "gross": Decimal("0.0001"),
    "min_quantity": Decimal("0.001"),  # quantities (18, 3)
    "vat_rate": Decimal("0.01"),
    "base_percent": Decimal("0.001"),  # (7, 3)
}


def scaled(row: Mapping[str, Any]) -> dict[str, Any]:
    """Numbers at their column's scale, the same on both engines (SQLite hands Numeric
    back as float: 12.5 there, 12.5000 on PostgreSQL)."""
    out = dict(row)
    for key, places in SCALES.items():
        if out.get(key) is not None:
            out[key] = to_decimal(out[key]).quantize(places)
    return out


def _list_out(row: Mapping[str, Any], shape: type[PriceListOut] = PriceListOut) -> Any:
    return msgspec.convert(scaled(row), shape, from_attributes=True)


def _item_out(row: Mapping[str, Any]) -> PriceItemOut:
    fields = PriceItemOut.__struct_fields__
    return msgspec.convert(scaled({k: row[k] for k in fields}), PriceItemOut)


def _name_key(name: str) -> str:
    """Sort key of a list name: case and diacritics ignored (Ă with A), the same on both
    engines (the database's collation may differ from one server to another)."""
    plain = unicodedata.normalize("NFKD", name)
    return "".join(c for c in plain if not unicodedata.combining(c)).casefold()


def _bad_cursor() -> ValidationFailed:
    return ValidationFailed(
        "CURSOR_INVALID",
        "Parametrul «after» nu este un cursor primit de la această listă.",
        "The «after» cursor is not one this list returned.",
        field="after",
    )


def items_day(on: date | None, history: bool) -> date | None:
    """The day whose prices are asked (today by default), or None for the whole history."""
    if history and on is not None:
        raise ValidationFailed(
            "QUERY_CONFLICT",
            "Cereți fie prețurile dintr-o zi («on»), fie istoricul («history»), nu ambele.",
            "Ask for either one day («on») or the history («history»), not both.",
            field="on",
        )
    return None if history else on or today()


def _item_key(row: Mapping[str, Any]) -> tuple[str, Decimal, date, int]:
    """The order list_items returns: article code, tier, start, id."""
    return row["article_code"], row["min_quantity"], row["valid_from"], row["id"]


def _item_cursor(after: str | None) -> tuple[str, Decimal, date, int] | None:
    key = decode_cursor(after, str, str, str, int)
    if key is None:
        return None
    try:
        tier, start = Decimal(key[1]), date.fromisoformat(key[2])
    except (InvalidOperation, ValueError):
        raise _bad_cursor() from None
    if not tier.is_finite():  # NaN cannot be compared: the filter would raise
        raise _bad_cursor()
    return key[0], tier, start, key[3]


async def article_ids_by_code(codes: Iterable[str]) -> dict[str, int]:
    """Article ids of the codes typed (codes are unique); the caller reports the missing."""
    wanted = sorted(set(codes))
    if not wanted:
        return {}
    rows = await Article.select(Article.id, Article.code).where(Article.code.is_in(wanted))
    return {r["code"]: r["id"] for r in rows}


async def article_ref(article: int | None, code: str | None, where: str = "") -> int:
    """The id of the article a body names by `article` (id) or `article_code`, checked to
    exist (an unknown id would otherwise fail at the foreign key, not at the field)."""
    if (article is None) == (code is None):
        raise ValidationFailed(
            "ARTICLE_REQUIRED",
            "Trimiteți articolul: fie «article» (numărul), fie «article_code» (codul).",
            "Send either «article» (id) or «article_code».",
            field=f"{where}article",
        )
    if code is not None:
        found = (await article_ids_by_code([code])).get(code)
        if found is None:
            raise ValidationFailed(
                "ARTICLE_INVALID",
                f"Articolul cu codul «{code}» nu există.",
                f"No article with code «{code}».",
                field=f"{where}article_code",
            )
        return found
    if not await Article.exists().where(Article.id == article):
        raise ValidationFailed(
            "ARTICLE_INVALID",
            f"Articolul nr. {article} nu există.",
            f"Article {article} not found.",
            field=f"{where}article",
        )
    return article


class PriceListController(Controller):
    path = "/api/price-lists"
    tags = TAGS

    @get("/", operation_id="ListPriceLists", summary="Listele de prețuri ale utilizatorului")
    async def list_price_lists(
        self,
        request: Request,
        usable: bool = Parameter(
            default=False,
            description="Doar listele pe care le puteți folosi la prețuirea unei linii, "
            "active și în vigoare în ziua `on` (azi, implicit)",
        ),
        on: Annotated[date | None, Parameter(description="Doar listele în vigoare în ziua")] = None,
        currency: str | None = Parameter(
            default=None, description="Doar listele în această monedă", pattern=CURRENCY
        ),
        after: str | None = Parameter(default=None, description="Cursorul «next» primit"),
        limit: int = Parameter(default=50),
    ) -> PriceListPage:
        """The lists the caller may see (or, with `usable`, use), with the caller's access
        level, by name. The document editor's list chooser asks `usable=true&on=&currency=`."""
        limit = check_limit(limit)
        key = decode_cursor(after, str, int)
        rows = await price_lists_for(
            by=request.user,
            need=PriceAccess.use if usable else PriceAccess.see,
            on=on or (today() if usable else None),
            currency=currency,
        )
        ordered = sorted(rows, key=lambda r: (_name_key(r["name"]), r["id"]))
        if key is not None:
            last = (_name_key(key[0]), key[1])
            ordered = [r for r in ordered if (_name_key(r["name"]), r["id"]) > last]
        page = ordered[:limit]
        more = len(ordered) > limit
        cursor = encode_cursor(page[-1]["name"], page[-1]["id"]) if more else None
        return PriceListPage(items=[_list_out(r) for r in page], next=cursor)

    @get("/{list_id:int}", operation_id="GetPriceList", summary="O listă de prețuri")
    async def get_price_list(self, request: Request, list_id: RowId) -> PriceListDetail:
        """The list, the caller's access level, its access rows and its assignments."""
        return _list_out(await price_list_get(list_id, by=request.user), PriceListDetail)

    @post("/", operation_id="CreatePriceList", summary="Listă de prețuri nouă")
    async def create_price_list(self, request: Request, data: PriceListIn) -> PriceListDetail:
        list_id = await price_list_create(values=msgspec.structs.asdict(data), by=request.user)
        return _list_out(await price_list_get(list_id, by=request.user), PriceListDetail)

    @patch("/{list_id:int}", operation_id="UpdatePriceList", summary="Modifică lista")
    async def update_price_list(
        self, request: Request, list_id: RowId, data: PriceListPatch
    ) -> PriceListDetail:
        await price_list_update(list_id=list_id, values=sent(data), by=request.user)
        return _list_out(await price_list_get(list_id, by=request.user), PriceListDetail)

    # -------------------------------------------------------------------------- prices

    @get("/{list_id:int}/items", operation_id="ListPriceItems", summary="Prețurile listei")
    async def list_price_items(
        self,
        request: Request,
        list_id: RowId,
        on: Annotated[
            date | None,
            Parameter(
                description="Prețurile în vigoare în această zi (azi, implicit), inclusiv "
                "cele derivate din lista de bază"
            ),
        ] = None,
        history: bool = Parameter(
            default=False, description="Toate prețurile avute vreodată (istoricul), fără `on`"
        ),
        after: str | None = Parameter(default=None, description="Cursorul «next» primit"),
        limit: int = Parameter(default=200),
    ) -> PriceItemPage:
        """Prices in force on a day (derived ones included), or the whole history; each
        with the price without and with VAT at that day's rate (for history, its start's).
        Ordered by article code, tier, start."""
        limit = check_limit(limit)
        key = _item_cursor(after)
        rows = await list_items(list_id, by=request.user, on=items_day(on, history))
        if key is not None:
            rows = [r for r in rows if _item_key(r) > key]
        page = rows[:limit]
        cursor = None
        if len(rows) > limit:
            code, tier, start, item = _item_key(page[-1])
            cursor = encode_cursor(code, str(tier), start.isoformat(), item)
        return PriceItemPage(items=[_item_out(r) for r in page], next=cursor)

    @post("/{list_id:int}/items", operation_id="AddPriceItem", summary="Preț nou în listă")
    async def add_price_item(
        self, request: Request, list_id: RowId, data: PriceItemIn
    ) -> PricesAddedOut:
        """A new dated price of one article (by `article` id or `article_code`). Prices are
        never changed: a new price is a new item from its day, the old one stays in the
        history. The same price sent twice is kept once (`unchanged`)."""
        values = msgspec.structs.asdict(data)
        article = await article_ref(values.pop("article"), values.pop("article_code"))
        row = {"article": article, **item_values(values)}
        added, unchanged = await prices_add(list_id=list_id, rows=[row], by=request.user)
        return PricesAddedOut(added=added, unchanged=unchanged)

    # -------------------------------------------------------------------------- access

    @put("/{list_id:int}/access", operation_id="ReplacePriceListAccess", summary="Cine vede, "
         "folosește și modifică lista")  # fmt: skip
    async def replace_access(
        self, request: Request, list_id: RowId, data: AccessIn
    ) -> PriceListDetail:
        """Replace the access rows as a whole (user, role or team; level see/use/edit).
        No rows: everyone who may read prices sees and uses the list."""
        rows = [msgspec.structs.asdict(r) for r in data.rows]
        await access_replace(list_id=list_id, rows=rows, by=request.user)
        return _list_out(await price_list_get(list_id, by=request.user), PriceListDetail)

    # -------------------------------------------------------------------------- assignments

    @post("/{list_id:int}/assignments", operation_id="AddPriceListAssignment",
          summary="Atribuie lista")  # fmt: skip
    async def add_assignment(
        self, request: Request, list_id: RowId, data: AssignmentIn
    ) -> AssignmentOut:
        """Where the list applies: a partner, a partner group, a POS, a work point, a team
        or the whole company (default), with optional dates and a priority within a level."""
        assignment_id = await assignment_add(
            list_id=list_id, values=msgspec.structs.asdict(data), by=request.user
        )
        detail = await price_list_get(list_id, by=request.user)
        [row] = [a for a in detail["assignments"] if a["id"] == assignment_id]
        return msgspec.convert(row, AssignmentOut, from_attributes=True)


class PricingController(Controller):
    """Price items and assignments addressed by their own id."""

    path = "/api"
    tags = TAGS

    @post("/price-items/{item_id:int}/end", operation_id="EndPriceItem", status_code=204,
          summary="Încheie un preț")  # fmt: skip
    async def end_price_item(self, request: Request, item_id: RowId, data: PriceEndIn) -> None:
        """The price's last day (today at the earliest: the past is not rewritten)."""
        await price_end(item_id=item_id, last_day=data.last_day, by=request.user)

    @delete("/price-assignments/{assignment_id:int}", operation_id="DeletePriceListAssignment",
            summary="Șterge o atribuire")  # fmt: skip
    async def delete_assignment(self, request: Request, assignment_id: RowId) -> None:
        await assignment_remove(assignment_id=assignment_id, by=request.user)
