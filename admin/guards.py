"""Role checks for the admin's API: the same matrix the domain operations use.

The admin is a separate (FastAPI) app calling PiccoloCRUD; without these validators a
viewer could write through /admin/api/ even though the UI hides the buttons.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from piccolo.columns.operators.comparison import Equal
from piccolo.table import Table
from piccolo_api.crud.endpoints import ParamException, PiccoloCRUD
from piccolo_api.crud.validators import Validators
from starlette.exceptions import HTTPException
from starlette.requests import Request

from domain.core.errors import Conflict, DomainError, Forbidden, NotFound
from domain.org.actors import actor_for_user
from domain.org.permissions import Action, Actor, Area, require
from domain.pricing.ops import require_level
from domain.pricing.resolver import levels_for
from tables.choices import PriceAccess
from tables.pricing import PriceItem, PriceList

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

Validator = Callable[[PiccoloCRUD, Request], Awaitable[None]]


class AdminRefusal(HTTPException):
    """A DomainError raised by a validator, carried through PiccoloCRUD.

    PiccoloCRUD answers any exception a validator raises with 400 «Validation error»,
    except an HTTPException; admin/__init__.py renders the carried error like any other.
    """

    def __init__(self, error: DomainError) -> None:
        super().__init__(status_code=error.status, detail=str(error))
        self.error = error


def _refusing(validator: Validator) -> Validator:
    async def wrapped(piccolo_crud: PiccoloCRUD, request: Request) -> None:
        try:
            await validator(piccolo_crud, request)
        except DomainError as exc:
            raise AdminRefusal(exc) from exc

    return wrapped


async def request_actor(request: Request) -> Actor:
    user = getattr(request.user, "user", None)
    actor = await actor_for_user(user.id) if user is not None else None
    if actor is None:
        raise Forbidden("AUTH_REQUIRED", "Sesiunea a expirat; autentificați-vă din nou.")
    return actor


def area_guard(area: Area, *, no_add: str | None = None) -> Validators:
    """Reads need `read` on the area, everything else `write`.

    `no_add` refuses "Add row" with that message (rows created by a form instead).
    PUT is refused: the admin edits with PATCH, which runs the save hooks.
    """

    async def check(piccolo_crud: PiccoloCRUD, request: Request) -> None:
        actor = await request_actor(request)
        action = Action.read if request.method in SAFE_METHODS else Action.write
        require(actor, area, action)
        if request.method == "PUT":
            raise Conflict("ADMIN_PUT_REFUSED", "Modificați înregistrarea din formularul ei.")

    async def refuse_add(piccolo_crud: PiccoloCRUD, request: Request) -> None:
        raise Conflict("ADMIN_ADD_REFUSED", no_add or "")

    extra: dict[str, Any] = {"post_single": [_refusing(refuse_add)]} if no_add else {}
    return Validators(every=[_refusing(check)], **extra)


def read_only_guard(area: Area, why: str) -> Validators:
    """Rows only the domain operations write (issued documents, their lines): the admin
    shows them and refuses Add, Edit and Delete with `why`."""

    async def check(piccolo_crud: PiccoloCRUD, request: Request) -> None:
        actor = await request_actor(request)
        require(actor, area, Action.read)
        if request.method not in SAFE_METHODS:
            raise Conflict("ADMIN_READ_ONLY", why)

    return Validators(every=[_refusing(check)])


def with_checks(validators: Validators, **checks: Validator) -> Validators:
    """`validators` plus one check per PiccoloCRUD endpoint (get_single, patch_single...).

    piccolo_api runs an endpoint's own checks before the `every` ones.
    """
    for endpoint, check in checks.items():
        # A new list each time: Validators' default lists are shared by every instance.
        setattr(validators, endpoint, [*getattr(validators, endpoint), _refusing(check)])
    return validators


def row_id_of(request: Request) -> int | None:
    """The id in /tables/<table>/<id>/; None when malformed (PiccoloCRUD answers that)."""
    try:
        return int(request.path_params["row_id"])
    except (KeyError, TypeError, ValueError):
        return None


# ------------------------------------------------------------------------------ price lists
# A salesperson who may not see a list never gets its prices, in the admin either: every
# way PiccoloCRUD reads `pret` (rows, one row, count, ids; the CSV export is the rows
# endpoint page by page) is checked against the list-level rights of domain/pricing.


async def _list_level(list_id: int | None, needed: PriceAccess, request: Request) -> None:
    if list_id is not None:
        await require_level(list_id, needed, by=await request_actor(request))


def price_list_guard() -> Validators:
    """Liste de prețuri: reading one needs `see` on it, changing or deleting it `edit`
    (the save hooks check the record itself); a list with prices is not deleted."""

    async def see(piccolo_crud: PiccoloCRUD, request: Request) -> None:
        await _list_level(row_id_of(request), PriceAccess.see, request)

    async def edit(piccolo_crud: PiccoloCRUD, request: Request) -> None:
        await _list_level(row_id_of(request), PriceAccess.edit, request)

    async def delete(piccolo_crud: PiccoloCRUD, request: Request) -> None:
        list_id = row_id_of(request)
        if list_id is None:
            return
        await _list_level(list_id, PriceAccess.edit, request)
        # The foreign keys refuse it anyway (RESTRICT); this says why, and what to do.
        prices = await PriceItem.count().where(PriceItem.price_list == list_id)
        if prices:
            raise Conflict(
                "PRICE_LIST_HAS_PRICES",
                f"Lista are {prices} {'preț' if prices == 1 else 'prețuri'} în istoric și nu "
                "se poate șterge (documentele vechi arată din ce listă au luat prețul). "
                "Dezactivați-o: debifați «Activă».",
                details={"prices": prices},
            )
        derived = await PriceList.select(PriceList.name).where(PriceList.base_list == list_id)
        if derived:
            raise Conflict(
                "PRICE_LIST_IS_BASE",
                f"Lista este baza listei «{derived[0]['name']}»; schimbați întâi lista de bază "
                "a acelei liste.",
            )

    return with_checks(
        area_guard(Area.pricing), get_single=see, patch_single=edit, delete_single=delete
    )


def price_list_rows_guard(table: type[Table]) -> Validators:
    """Access rows and assignments of a list: changing or deleting one needs `edit` on its
    list (adding one is checked by its save hook, which knows the list)."""

    async def edit(piccolo_crud: PiccoloCRUD, request: Request) -> None:
        row_id = row_id_of(request)
        row = await table.select(table.price_list).where(table.id == row_id).first()
        if row is not None:
            await _list_level(row["price_list"], PriceAccess.edit, request)

    return with_checks(area_guard(Area.pricing), patch_single=edit, delete_single=edit)


async def sees_every_list(actor: Actor) -> bool:
    ids = [r["id"] for r in await PriceList.select(PriceList.id)]
    return all(level is not None for level in (await levels_for(actor, ids)).values())


def price_item_guard(why: str) -> Validators:
    """Prețuri: read-only (a new price is a new item), and only the prices of the lists
    the user may see. Listing (and counting with any filter) needs a filter on one such
    list, unless the user sees every list; one price needs its list."""

    async def filtered(
        piccolo_crud: PiccoloCRUD, request: Request, *, bare_count: bool = False
    ) -> None:
        actor = await request_actor(request)
        require(actor, Area.pricing, Action.read)
        # Parsed the way PiccoloCRUD parses it for the query it runs ("null" is None,
        # `price_list[]` is `price_list`, repeated values are all applied).
        try:
            params = piccolo_crud._split_params(
                piccolo_crud._clean_data(piccolo_crud._parse_params(request.query_params))
            )
        except ParamException:
            return  # PiccoloCRUD answers 400 and reads nothing
        if bare_count and not params.fields:
            # How many prices there are in all, no price: the SPA counts first and shows
            # nothing at all (not even its filter) when the count fails.
            return
        value = params.fields.get("price_list")
        try:
            ids = [int(v) for v in (value if isinstance(value, list) else [value])]
        except (TypeError, ValueError):
            ids = []
        if not ids or params.operators["price_list"] is not Equal:
            if await sees_every_list(actor):
                return
            raise Forbidden(
                "PRICE_LIST_FILTER_REQUIRED",
                "Alegeți întâi lista de prețuri (Filtrează › Lista de prețuri): vedeți doar "
                "prețurile listelor la care aveți acces.",
                "Filter by one price list: you may see only the prices of some lists.",
            )
        for list_id in ids:
            await require_level(list_id, PriceAccess.see, by=actor)

    async def counted(piccolo_crud: PiccoloCRUD, request: Request) -> None:
        await filtered(piccolo_crud, request, bare_count=True)

    async def one(piccolo_crud: PiccoloCRUD, request: Request) -> None:
        item_id = row_id_of(request)
        row = await PriceItem.select(PriceItem.price_list).where(PriceItem.id == item_id).first()
        if row is None:
            return  # PiccoloCRUD answers 404
        try:
            await require_level(row["price_list"], PriceAccess.see, by=await request_actor(request))
        except NotFound:
            raise NotFound("PRICE_NOT_FOUND", f"Prețul nr. {item_id} nu există.") from None

    async def ids(piccolo_crud: PiccoloCRUD, request: Request) -> None:
        if not await sees_every_list(await request_actor(request)):
            raise Forbidden(
                "PRICE_LIST_FILTER_REQUIRED",
                "Lista tuturor prețurilor e doar pentru cine vede toate listele de prețuri.",
            )

    return with_checks(
        read_only_guard(Area.pricing, why), get_all=filtered, get_count=counted,
        get_single=one, get_ids=ids,
    )  # fmt: skip
