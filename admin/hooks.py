"""Save hooks: the admin's Add and Edit go through the same domain checks as the API.

A hook gets the row (add) or the changed values (edit), asks the domain to validate
the whole record, and writes back the normalised values. A refusal is a DomainError,
shown in the form by the handler in admin/__init__.py.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from piccolo.table import Table
from piccolo_api.crud.hooks import Hook, HookType
from starlette.requests import Request

from admin.guards import request_actor
from domain.core.errors import Conflict, NotFound, ValidationFailed
from domain.core.tx import write_tx
from domain.ledger.chart import account_delete_check, account_prepare, chart_setup
from domain.org.ops import company_prepare
from domain.org.permissions import Actor
from domain.pricing.ops import (
    access_row_values,
    assignment_target_check,
    assignment_values,
    price_list_prepare,
    require_level,
)
from domain.pricing.resolver import actor_team
from domain.pricing.rules import AccessRow, access_level
from tables.choices import PriceAccess
from tables.ledger import Account
from tables.org import Company
from tables.pricing import PriceList, PriceListAccess

Prepare = Callable[..., Awaitable[dict[str, Any]]]


def _editable(table: type[Table]) -> list[str]:
    return [c._meta.name for c in table._meta.columns if c._meta.name != "id"]


def record_hooks(table: type[Table], prepare: Prepare, id_arg: str) -> list[Hook]:
    """Hooks for a table whose whole record is checked by `prepare(values, by=...)`.

    On edits `prepare` also gets the row id as the keyword `id_arg` (partner_id, ...),
    so a record is not reported as a duplicate of itself.
    """
    fields = _editable(table)

    async def pre_save(row: Table, request: Request) -> Table:
        actor = await request_actor(request)
        values = await prepare({f: getattr(row, f) for f in fields}, by=actor)
        for key, value in values.items():
            if key in fields:
                setattr(row, key, value)
        return row

    async def pre_patch(row_id: int, values: dict[Any, Any], request: Request) -> dict[Any, Any]:
        actor = await request_actor(request)
        current = await table.select(*table._meta.columns).where(table.id == row_id).first()
        if current is None:
            raise NotFound("ROW_NOT_FOUND", f"Înregistrarea nr. {row_id} nu mai există.")
        changed = {getattr(col, "_meta", col).name: v for col, v in values.items()}
        merged = {f: current[f] for f in fields} | changed
        prepared = await prepare(merged, by=actor, **{id_arg: row_id})
        return {getattr(table, k): prepared[k] for k in fields if k in prepared}

    return [Hook(HookType.pre_save, pre_save), Hook(HookType.pre_patch, pre_patch)]


FieldRule = Callable[[Any], Any]


def field_hooks(table: type[Table], rules: Mapping[str, FieldRule]) -> list[Hook]:
    """Hooks that normalise single fields (IBAN, CUI, county...) with domain rules.

    Empty values are left alone; whether a field is required is the column's business.
    """

    def apply(name: str, value: Any) -> Any:
        return rules[name](value) if name in rules and value not in (None, "") else value

    async def pre_save(row: Table, request: Request) -> Table:
        await request_actor(request)
        for name in rules:
            setattr(row, name, apply(name, getattr(row, name)))
        return row

    async def pre_patch(row_id: int, values: dict[Any, Any], request: Request) -> dict[Any, Any]:
        await request_actor(request)
        return {col: apply(getattr(col, "_meta", col).name, v) for col, v in values.items()}

    return [Hook(HookType.pre_save, pre_save), Hook(HookType.pre_patch, pre_patch)]


# ------------------------------------------------------------------------------ price lists
# A list is checked by the domain (price_list_prepare). Access rows and assignments are
# rows of one list: their hooks check the row with the domain's rules and the `edit`
# right on that list (admin/guards.py checks the list a changed or deleted row was in).


async def price_list_admin_prepare(
    values: Mapping[str, Any], *, by: Actor, list_id: int | None = None
) -> dict[str, Any]:
    """A list, checked by the domain; and a new base list must be one `by` may see: a
    derived list of a hidden list would show its prices (moved by a percentage)."""
    out = await price_list_prepare(values, by=by, list_id=list_id)
    base = out.get("base_list")
    if base is not None and list_id is not None:
        stored = await PriceList.select(PriceList.base_list).where(PriceList.id == list_id).first()
        if stored is not None and stored["base_list"] == base:
            return out  # kept as it was (perhaps set by an administrator)
    if base is not None:
        try:
            await require_level(int(base), PriceAccess.see, by=by)
        except NotFound:
            raise ValidationFailed(
                "PRICE_LIST_BASE_INVALID", "Lista de bază nu există.", field="base_list"
            ) from None
    return out


async def _editable_list(values: Mapping[str, Any], by: Actor) -> int:
    list_id = values.get("price_list")
    if not list_id:
        raise ValidationFailed("FIELD_REQUIRED", "Alegeți lista de prețuri.", field="price_list")
    await require_level(int(list_id), PriceAccess.edit, by=by)
    return int(list_id)


async def _keeps_edit(
    list_id: int, by: Actor, *, drop: int | None = None, add: Mapping[str, Any] | None = None
) -> None:
    """Refuses a change of a list's access rows that would leave `by` unable to edit the
    list (as access_replace does for the API; an administrator always can)."""
    rows = [
        AccessRow(r["user"], r["role"], r["team"], PriceAccess(r["level"]))
        for r in await PriceListAccess.select().where(PriceListAccess.price_list == list_id)
        if r["id"] != drop
    ]
    if add is not None:
        rows.append(AccessRow(add["user"], add["role"], add["team"], PriceAccess(add["level"])))
    if access_level(by, await actor_team(by), rows) is not PriceAccess.edit:
        raise Conflict(
            "PRICE_ACCESS_LOCKOUT",
            "Cu aceste drepturi nu ați mai putea modifica lista; "
            "păstrați-vă dreptul de modificare (sau lăsați un administrator).",
            field="level",
        )


async def price_access_prepare(
    values: Mapping[str, Any], *, by: Actor, access_id: int | None = None
) -> dict[str, Any]:
    """One row of «Acces liste»: exactly one of user, role, team, and a level."""
    list_id = await _editable_list(values, by)
    row = access_row_values(values)
    await _keeps_edit(list_id, by, drop=access_id, add=row)
    if access_id is not None:
        before = await PriceListAccess.select(PriceListAccess.price_list).where(
            PriceListAccess.id == access_id
        ).first()  # fmt: skip
        if before is not None and before["price_list"] != list_id:  # moved to another list
            await _keeps_edit(before["price_list"], by, drop=access_id)
    return {"price_list": list_id, **row}


def price_access_hooks() -> list[Hook]:
    async def pre_delete(row_id: int, request: Request) -> None:
        row = await PriceListAccess.select(PriceListAccess.price_list).where(
            PriceListAccess.id == row_id
        ).first()  # fmt: skip
        if row is not None:
            await _keeps_edit(row["price_list"], await request_actor(request), drop=row_id)

    return [
        *record_hooks(PriceListAccess, price_access_prepare, "access_id"),
        Hook(HookType.pre_delete, pre_delete),
    ]


async def price_assignment_prepare(
    values: Mapping[str, Any], *, by: Actor, assignment_id: int | None = None
) -> dict[str, Any]:
    """One row of «Atribuiri liste»: the target named, its column set and no other."""
    list_id = await _editable_list(values, by)
    row = assignment_values(values)
    await assignment_target_check(row)
    return {"price_list": list_id, **row}


# ------------------------------------------------------------------------------ ledger


def company_hooks() -> list[Hook]:
    """Company Add and Edit through company_prepare; a new company gets its chart of
    accounts in the same transaction. piccolo-admin has no hook after an insert, so the
    Add hook saves the row itself: PiccoloCRUD's own save then updates the row with the
    same values (and answers [] instead of the new id, which the SPA does not read)."""
    hooks = record_hooks(Company, company_prepare, "company_id")
    prepare = next(h.callable for h in hooks if h.hook_type is HookType.pre_save)

    async def pre_save(row: Table, request: Request) -> Table:
        row = await prepare(row, request)
        async with write_tx():
            await row.save()
            await chart_setup(row.id)
        return row

    others = [h for h in hooks if h.hook_type is not HookType.pre_save]
    return [Hook(HookType.pre_save, pre_save), *others]


def account_hooks() -> list[Hook]:
    """«Plan de conturi»: Add makes an analytic account, Edit changes the name, the state
    or the partner rule; only an unused analytic account is deleted."""

    async def pre_delete(row_id: int, request: Request) -> None:
        await account_delete_check(row_id, by=await request_actor(request))

    return [
        *record_hooks(Account, account_prepare, "account_id"),
        Hook(HookType.pre_delete, pre_delete),
    ]
