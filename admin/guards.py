"""Role checks for the admin's API: the same matrix the domain operations use.

The admin is a separate (FastAPI) app calling PiccoloCRUD; without these validators a
viewer could write through /admin/api/ even though the UI hides the buttons.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from piccolo_api.crud.endpoints import PiccoloCRUD
from piccolo_api.crud.validators import Validators
from starlette.exceptions import HTTPException
from starlette.requests import Request

from domain.core.errors import Conflict, DomainError, Forbidden
from domain.org.actors import actor_for_user
from domain.org.permissions import Action, Actor, Area, require

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
