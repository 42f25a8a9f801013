"""Write operations on price lists: the list and its rules, dated prices, who may use
it and where it applies. Every write checks the list-level right (rules.access_level)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from piccolo.apps.user.tables import BaseUser

from domain.core.clock import today
from domain.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from domain.core.money import input_decimal
from domain.core.tx import for_update, write_tx
from domain.org.permissions import Action, Actor, Area, require
from domain.pricing.resolver import levels_for, load_lists
from domain.pricing.rules import (
    ACCESS_RO,
    MAX_BASE_DEPTH,
    PRICE_PLACES,
    check_item,
    check_list,
    reaches,
)
from tables.catalog import Article
from tables.choices import PriceAccess, PriceTarget, Role
from tables.org import Company, Currency, Team
from tables.pricing import PriceItem, PriceList, PriceListAccess, PriceListAssignment

LIST_FIELDS = (
    "company", "code", "name", "currency", "prices_include_vat", "valid_from", "valid_to",
    "base_list", "base_percent", "rounding", "active", "notes",
)  # fmt: skip
TARGET_COLUMNS = ("partner", "partner_group", "pos", "work_point", "team")
TARGET_NAME_RO = {
    PriceTarget.partner: "Partenerul",
    PriceTarget.partner_group: "Grupul de parteneri",
    PriceTarget.pos: "Punctul de vânzare",
    PriceTarget.work_point: "Punctul de lucru",
    PriceTarget.team: "Echipa",
}


async def require_level(list_id: int, needed: PriceAccess, *, by: Actor) -> dict[str, Any]:
    """The list's row, when `by` may `needed` it; NotFound when it may not even see it
    (a list one may not see does not exist for them)."""
    require(by, Area.pricing, Action.write if needed is PriceAccess.edit else Action.read)
    row = await PriceList.select().where(PriceList.id == list_id).first()
    level = (await levels_for(by, [list_id]))[list_id] if row else None
    if row is None or level is None:
        raise NotFound(
            "PRICE_LIST_NOT_FOUND",
            f"Lista de prețuri nr. {list_id} nu există.",
            f"Price list {list_id} not found.",
        )
    if not reaches(level, needed):
        raise Forbidden(
            "PRICE_LIST_FORBIDDEN",
            f"Nu aveți dreptul să {ACCESS_RO[needed]} lista de prețuri «{row['name']}».",
            f"You may not {needed} price list «{row['name']}».",
            details={"price_list": list_id, "needed": str(needed)},
        )
    return row


async def price_list_prepare(
    values: Mapping[str, Any], *, by: Actor, list_id: int | None = None
) -> dict[str, Any]:
    """A whole list, checked (shared by the API and the admin's save hooks)."""
    require(by, Area.pricing, Action.write)
    out = {k: values[k] for k in LIST_FIELDS if k in values}
    out["code"] = str(out.get("code") or "").strip().upper()
    out["name"] = str(out.get("name") or "").strip()
    out["currency"] = str(out.get("currency") or "RON").strip().upper()
    out["rounding"] = str(out.get("rounding") or "").strip()
    for name, label in (("code", "codul"), ("name", "denumirea")):
        if not out[name]:
            raise ValidationFailed("FIELD_REQUIRED", f"Completați {label} listei.", field=name)
    if out.get("base_percent") not in (None, ""):
        out["base_percent"] = input_decimal(out["base_percent"], "base_percent")
    else:
        out["base_percent"] = None
    out["base_list"] = out.get("base_list") or None
    check_list(out)
    if not out.get("company"):
        company = await Company.select(Company.id).order_by(Company.id).first()
        if company is None:
            raise ValidationFailed(
                "COMPANY_MISSING",
                "Completați întâi datele firmei (Organizare › Firma).",
                "Set up the company first.",
                field="company",
            )
        out["company"] = company["id"]
    if not await Currency.exists().where(Currency.code == out["currency"]):
        raise ValidationFailed(
            "CURRENCY_INVALID",
            f"Moneda «{out['currency']}» nu există în nomenclatorul de valute.",
            field="currency",
        )
    if out["base_list"] is not None:
        base = int(out["base_list"])
        # A derived list shows its base's prices moved by a percent: only from a list the
        # user may see, or it would be a window on prices they may not read.
        if not reaches((await levels_for(by, [base])).get(base), PriceAccess.see):
            raise ValidationFailed(
                "PRICE_LIST_BASE_INVALID", "Lista de bază nu există.", field="base_list"
            )
        await _check_base(base, out["currency"], list_id)
    duplicate = PriceList.select(PriceList.id, PriceList.name).where(
        (PriceList.company == out["company"]) & (PriceList.code == out["code"])
    )
    if list_id is not None:
        duplicate = duplicate.where(PriceList.id != list_id)
    if existing := await duplicate.first():
        raise Conflict(
            "PRICE_LIST_DUPLICATE",
            f"Codul {out['code']} este deja al listei «{existing['name']}».",
            field="code",
            details={"price_list": existing["id"]},
        )
    return out


async def _check_base(base_id: int, currency: str, list_id: int | None) -> None:
    lists = await load_lists({base_id})
    if base_id not in lists:
        raise ValidationFailed(
            "PRICE_LIST_BASE_INVALID", "Lista de bază nu există.", field="base_list"
        )
    if lists[base_id].currency != currency:
        raise ValidationFailed(
            "PRICE_LIST_BASE_CURRENCY",
            f"Lista de bază este în {lists[base_id].currency}; o listă derivată are aceeași "
            "monedă.",
            field="base_list",
        )
    chain, current = [], base_id
    while current is not None:
        if current == list_id or current in chain:
            raise ValidationFailed(
                "PRICE_LIST_BASE_CYCLE",
                "Lista de bază ajunge, prin derivări, înapoi la această listă.",
                field="base_list",
            )
        chain.append(current)
        current = lists[current].base_list
    if len(chain) >= MAX_BASE_DEPTH:
        raise ValidationFailed(
            "PRICE_LIST_BASE_DEPTH",
            f"Cel mult {MAX_BASE_DEPTH} liste derivate una din alta.",
            field="base_list",
        )


async def price_list_create(*, values: Mapping[str, Any], by: Actor) -> int:
    async with write_tx():
        prepared = await price_list_prepare(values, by=by)
        row = PriceList(**prepared)
        await row.save()
    return row.id


async def price_list_update(*, list_id: int, values: Mapping[str, Any], by: Actor) -> None:
    async with write_tx():
        current = await require_level(list_id, PriceAccess.edit, by=by)
        merged = {k: current[k] for k in LIST_FIELDS} | dict(values)
        prepared = await price_list_prepare(merged, by=by, list_id=list_id)
        await PriceList.update({getattr(PriceList, k): v for k, v in prepared.items()}).where(
            PriceList.id == list_id
        )


# ------------------------------------------------------------------------------ prices


def item_values(values: Mapping[str, Any], where: str = "") -> dict[str, Any]:
    """A price as typed, checked: price, tier, dates (the start defaults to today)."""
    price = input_decimal(values.get("price"), f"{where}price").quantize(PRICE_PLACES)
    tier = input_decimal(values.get("min_quantity") or 0, f"{where}min_quantity")
    start = values.get("valid_from") or today()
    end = values.get("valid_to") or None
    check_item(price, tier, start, end)
    return {"price": price, "min_quantity": tier, "valid_from": start, "valid_to": end}


async def current_items(list_id: int, keys: set[tuple[int, Decimal, date]]) -> set[tuple]:
    """The (article, tier, start, end, price) of the list's items with these keys."""
    articles = sorted({k[0] for k in keys})
    rows = await PriceItem.select(
        PriceItem.article, PriceItem.min_quantity, PriceItem.valid_from,
        PriceItem.valid_to, PriceItem.price,
    ).where(
        (PriceItem.price_list == list_id) & PriceItem.article.is_in(articles or [0])
    )  # fmt: skip
    return {
        (r["article"], Decimal(str(r["min_quantity"])).normalize(), r["valid_from"],
         r["valid_to"], Decimal(str(r["price"])).quantize(PRICE_PLACES))
        for r in rows
    }  # fmt: skip


async def prices_add(
    *, list_id: int, rows: Sequence[Mapping[str, Any]], by: Actor
) -> tuple[int, int]:
    """New dated prices (rows with article id and item_values); (added, already there).

    A price identical to one the list already holds (same article, tier, dates, price) is
    not added twice, so a file imported again changes nothing.
    """
    async with write_tx():
        await for_update(PriceList.select(PriceList.id).where(PriceList.id == list_id))
        await require_level(list_id, PriceAccess.edit, by=by)
        existing = await current_items(
            list_id, {(r["article"], r["min_quantity"], r["valid_from"]) for r in rows}
        )
        new = []
        for r in rows:
            key = (r["article"], Decimal(r["min_quantity"]).normalize(), r["valid_from"],
                   r["valid_to"], r["price"])  # fmt: skip
            if key in existing:
                continue
            existing.add(key)
            new.append(PriceItem(price_list=list_id, created_by=by.name[:150], **r))
        if new:
            await PriceItem.insert(*new)
    return len(new), len(rows) - len(new)


async def price_set(*, list_id: int, article: int, values: Mapping[str, Any], by: Actor) -> None:
    """One new price of one article (the API's and the admin form's "Preț nou")."""
    if not await Article.exists().where(Article.id == article):
        raise ValidationFailed(
            "ARTICLE_INVALID", f"Articolul nr. {article} nu există.", field="article"
        )
    await prices_add(list_id=list_id, rows=[{"article": article, **item_values(values)}], by=by)


async def price_end(*, item_id: int, last_day: date, by: Actor) -> None:
    """End a price on `last_day` (e.g. a tier given up). The past stays as it was: a price
    cannot end before today, nor be ended twice."""
    async with write_tx():
        item = await for_update(PriceItem.select().where(PriceItem.id == item_id)).first()
        if item is None:
            raise NotFound("PRICE_NOT_FOUND", f"Prețul nr. {item_id} nu există.")
        await require_level(item["price_list"], PriceAccess.edit, by=by)
        if item["valid_to"] is not None:
            raise Conflict(
                "PRICE_ALREADY_ENDED",
                f"Prețul are deja ultima zi {item['valid_to']:%d.%m.%Y}.",
                field="valid_to",
            )
        if last_day < max(today(), item["valid_from"]):
            raise ValidationFailed(
                "PRICE_END_IN_PAST",
                "Un preț se poate încheia cel mai devreme azi (istoricul nu se rescrie).",
                field="valid_to",
            )
        await PriceItem.update({PriceItem.valid_to: last_day}).where(PriceItem.id == item_id)


# ------------------------------------------------------------------------------ access


def access_row_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """Exactly one of user, role, team; a level."""
    out = {k: values.get(k) or None for k in ("user", "role", "team")}
    if sum(v is not None for v in out.values()) != 1:
        raise ValidationFailed(
            "PRICE_ACCESS_SUBJECT",
            "Alegeți exact unul: utilizator, rol sau echipă.",
            "Choose exactly one of user, role or team.",
            field="user",
        )
    if out["role"] is not None and out["role"] not in set(Role):
        raise ValidationFailed("ROLE_INVALID", f"Rolul «{out['role']}» nu există.", field="role")
    level = values.get("level") or PriceAccess.use
    if level not in set(PriceAccess):
        raise ValidationFailed("PRICE_ACCESS_LEVEL", "Nivel de acces necunoscut.", field="level")
    out["level"] = PriceAccess(level)
    return out


async def access_replace(*, list_id: int, rows: Sequence[Mapping[str, Any]], by: Actor) -> None:
    """Who may see, use and edit the list, replaced as a whole. Refused when it would
    leave the one who saves it unable to edit it (an administrator always can)."""
    checked = [access_row_values(r) for r in rows]
    async with write_tx():
        await for_update(PriceList.select(PriceList.id).where(PriceList.id == list_id))
        await require_level(list_id, PriceAccess.edit, by=by)
        await _subjects_exist(checked)
        await PriceListAccess.delete().where(PriceListAccess.price_list == list_id)
        if checked:
            await PriceListAccess.insert(
                *[PriceListAccess(price_list=list_id, **r) for r in checked]
            )
        if (await levels_for(by, [list_id]))[list_id] is not PriceAccess.edit:
            raise Conflict(
                "PRICE_ACCESS_LOCKOUT",
                "Cu aceste drepturi nu ați mai putea modifica lista; "
                "păstrați-vă dreptul de modificare (sau lăsați un administrator).",
                field="access",
            )


async def _subjects_exist(rows: Sequence[Mapping[str, Any]]) -> None:
    for column, table, label in (("user", BaseUser, "Utilizatorul"), ("team", Team, "Echipa")):
        wanted = {r[column] for r in rows if r[column] is not None}
        if not wanted:
            continue
        found = {x["id"] for x in await table.select(table.id).where(table.id.is_in(list(wanted)))}
        if missing := wanted - found:
            raise ValidationFailed(
                "PRICE_ACCESS_SUBJECT_INVALID",
                f"{label} nr. {min(missing)} nu există.",
                f"Unknown {column} {min(missing)}.",
                field=column,
            )


# ------------------------------------------------------------------------------ assignments


def assignment_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """The target named, its column set and no other; dates in order."""
    target = values.get("target")
    if target not in set(PriceTarget):
        raise ValidationFailed(
            "PRICE_TARGET_INVALID",
            "Alegeți cui se atribuie lista: partener, grup, punct de vânzare, punct de lucru, "
            "echipă sau firmă.",
            field="target",
        )
    out: dict[str, Any] = {"target": PriceTarget(target)}
    for column in TARGET_COLUMNS:
        out[column] = values.get(column) or None
    needed = None if target == PriceTarget.company else str(target)
    extra = [c for c in TARGET_COLUMNS if out[c] is not None and c != needed]
    if (needed and out[needed] is None) or extra:
        raise ValidationFailed(
            "PRICE_TARGET_MISMATCH",
            "Completați doar câmpul care corespunde tipului de atribuire ales.",
            field=needed or extra[0],
        )
    out["valid_from"] = values.get("valid_from") or None
    out["valid_to"] = values.get("valid_to") or None
    if out["valid_from"] and out["valid_to"] and out["valid_to"] < out["valid_from"]:
        raise ValidationFailed(
            "PRICE_TARGET_DATES", "Atribuirea se termină înainte să înceapă.", field="valid_to"
        )
    out["priority"] = int(values.get("priority") or 0)
    return out


async def assignment_add(*, list_id: int, values: Mapping[str, Any], by: Actor) -> int:
    checked = assignment_values(values)
    async with write_tx():
        await require_level(list_id, PriceAccess.edit, by=by)
        await assignment_target_check(checked)
        row = PriceListAssignment(price_list=list_id, **checked)
        await row.save()
    return row.id


async def assignment_target_check(values: Mapping[str, Any]) -> None:
    """The partner, group, POS, work point or team named exists."""
    target = values["target"]
    if target == PriceTarget.company:
        return
    table = PriceListAssignment._meta.get_column_by_name(
        target
    )._foreign_key_meta.resolved_references
    if not await table.exists().where(table.id == values[target]):
        raise ValidationFailed(
            "PRICE_TARGET_INVALID",
            f"{TARGET_NAME_RO[PriceTarget(target)]} nr. {values[target]} nu există.",
            field=str(target),
        )


async def assignment_remove(*, assignment_id: int, by: Actor) -> None:
    async with write_tx():
        row = (
            await PriceListAssignment.select()
            .where(PriceListAssignment.id == assignment_id)
            .first()
        )
        if row is None:
            raise NotFound("PRICE_ASSIGNMENT_NOT_FOUND", "Atribuirea nu există.")
        await require_level(row["price_list"], PriceAccess.edit, by=by)
        await PriceListAssignment.delete().where(PriceListAssignment.id == assignment_id)
