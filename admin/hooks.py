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
from domain.core.errors import NotFound

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
