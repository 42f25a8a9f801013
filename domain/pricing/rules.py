"""Price-list rules, pure: precedence, who may use a list, which item applies, derived
prices and their rounding, prices with and without VAT.

The resolver (domain/pricing/resolver.py) loads rows and asks these functions; the API,
the document editor, the admin and (later) the POS all go through that one resolver.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from domain.core.errors import ValidationFailed
from domain.org.permissions import Action, Actor, Area, allowed
from tables.choices import PriceAccess, PriceTarget, Role

PRECEDENCE: tuple[PriceTarget, ...] = (
    PriceTarget.partner,
    PriceTarget.partner_group,
    PriceTarget.pos,
    PriceTarget.work_point,
    PriceTarget.team,
    PriceTarget.company,
)
"""Who wins when several assignments apply: the most specific first. Within one level the
higher priority, then the lower list id. A list without a price for the article (or that
the user may not use) passes the line to the next candidate."""

TARGET_RO = {
    PriceTarget.partner: "partenerului",
    PriceTarget.partner_group: "grupului de parteneri",
    PriceTarget.pos: "punctului de vânzare",
    PriceTarget.work_point: "punctului de lucru",
    PriceTarget.team: "echipei utilizatorului",
    PriceTarget.company: "firmei (lista implicită)",
}

ACCESS_ORDER = (PriceAccess.see, PriceAccess.use, PriceAccess.edit)
ACCESS_RO = {PriceAccess.see: "vadă", PriceAccess.use: "folosească", PriceAccess.edit: "modifice"}

PRICE_PLACES = Decimal("0.0001")  # unit prices are Numeric(18, 4)
CENT = Decimal("0.01")
HUNDRED = Decimal(100)
MAX_BASE_DEPTH = 5  # derived of derived of ...: deeper chains are refused when saved


# ------------------------------------------------------------------------------ access


@dataclass(frozen=True, slots=True)
class AccessRow:
    user_id: int | None
    role: str | None
    team_id: int | None
    level: PriceAccess


def access_level(
    actor: Actor, team_id: int | None, rows: Sequence[AccessRow]
) -> PriceAccess | None:
    """What `actor` may do with a list that has these access rows (None: not even see it).

    Administrators reach every list. A list without rows is open: everyone who may read
    prices sees and uses it. With rows, the highest level among the rows naming the user,
    the user's role or the user's team. Editing also needs the right to write price lists.
    Machines (API tokens) are no user, role or team: they reach open lists only.
    """
    may_write = allowed(actor, Area.pricing, Action.write)
    if not allowed(actor, Area.pricing, Action.read):
        return None
    if not actor.is_machine and actor.role is Role.admin:
        return PriceAccess.edit
    if not rows:
        return PriceAccess.edit if may_write else PriceAccess.use
    if actor.is_machine:
        return None
    levels = [
        r.level
        for r in rows
        if (r.user_id is not None and r.user_id == actor.user_id)
        or (r.role is not None and r.role == actor.role)
        or (r.team_id is not None and r.team_id == team_id)
    ]
    if not levels:
        return None
    best = max(levels, key=ACCESS_ORDER.index)
    if best is PriceAccess.edit and not may_write:
        return PriceAccess.use
    return best


def reaches(level: PriceAccess | None, needed: PriceAccess) -> bool:
    return level is not None and ACCESS_ORDER.index(level) >= ACCESS_ORDER.index(needed)


# ------------------------------------------------------------------------------ validity


def in_force(valid_from: date | None, valid_to: date | None, day: date) -> bool:
    """Both ends inclusive; an open end is no limit."""
    return (valid_from is None or valid_from <= day) and (valid_to is None or day <= valid_to)


@dataclass(frozen=True, slots=True)
class Item:
    id: int
    price_list: int
    article: int
    min_quantity: Decimal
    price: Decimal
    valid_from: date
    valid_to: date | None


def pick_item(items: Iterable[Item], quantity: Decimal, day: date) -> Item | None:
    """The item of one (list, article) that prices `quantity` on `day`: among the items in
    force that day whose tier the quantity reaches, the highest tier; within a tier the
    latest start, then the latest entered (a correction made the same day wins)."""
    best: Item | None = None
    for item in items:
        if not in_force(item.valid_from, item.valid_to, day):
            continue
        if abs(quantity) < item.min_quantity:  # a return is priced like the sale
            continue
        key = (item.min_quantity, item.valid_from, item.id)
        if best is None or key > (best.min_quantity, best.valid_from, best.id):
            best = item
    return best


# ------------------------------------------------------------------------------ prices


def with_and_without_vat(
    price: Decimal, includes_vat: bool, vat_rate: Decimal
) -> tuple[Decimal, Decimal]:
    """(net, gross) of a list price. The price typed is kept exactly; the other one is
    derived at the VAT rate in force: a net to 4 decimals (a unit price), a gross to the
    cent (what a customer pays per unit)."""
    if includes_vat:
        net = (price * HUNDRED / (HUNDRED + vat_rate)).quantize(PRICE_PLACES, ROUND_HALF_UP)
        return net, price
    gross = (price * (HUNDRED + vat_rate) / HUNDRED).quantize(CENT, ROUND_HALF_UP)
    return price, gross


def rounding_error(rule: str) -> str | None:
    """Why `rule` is not a rounding rule, or None. Rules: "" (to the cent), a step such as
    0.05, 0.10, 0.50, 1, 5 or 10, or an ending "x.99" / "x.90" / "x.49"."""
    if rule == "":
        return None
    if rule.startswith("x."):
        tail = rule[2:]
        if len(tail) == 2 and tail.isdigit():
            return None
        return "o terminație are forma x.99 (două cifre după punct)"
    try:
        step = Decimal(rule)
    except ArithmeticError:
        return "folosiți un pas (0.05, 1) sau o terminație (x.99)"
    if not step.is_finite() or step <= 0 or step != step.quantize(CENT) or step > 1000:
        return "pasul trebuie să fie un număr pozitiv cu cel mult 2 zecimale, până la 1000"
    return None


def round_price(value: Decimal, rule: str) -> Decimal:
    """A derived price rounded by the list's rule (half up).

    A step rounds to its nearest multiple (0.05 → 12.35). An ending x.NN gives the nearest
    price ending in .NN (ties go up): x.99 gives 10.99 for 11.20 and 11.99 for 11.60 — the
    usual shop price. A price that would end at or below zero keeps the cent rounding.
    """
    if rule.startswith("x."):
        ending = Decimal(rule[1:])  # ".99"
        below = (value - ending).to_integral_value(rounding=ROUND_FLOOR) + ending
        above = below + 1
        rounded = above if above - value <= value - below else below
        return rounded if rounded > 0 else value.quantize(CENT, ROUND_HALF_UP)
    step = Decimal(rule) if rule else CENT
    return ((value / step).quantize(Decimal(1), ROUND_HALF_UP) * step).quantize(CENT)


def derived_price(base: Decimal, percent: Decimal | None, rule: str) -> Decimal:
    """A price of a derived list: the base list's price moved by `percent`, then rounded."""
    moved = base * (HUNDRED + (percent or 0)) / HUNDRED
    return round_price(moved, rule)


def convert_vat_mode(
    price: Decimal, from_includes_vat: bool, to_includes_vat: bool, vat_rate: Decimal
) -> Decimal:
    """A price moved between with-VAT and without-VAT lists (a derived list may differ
    from its base), unrounded: the derived list's rounding comes after."""
    if from_includes_vat == to_includes_vat:
        return price
    if from_includes_vat:
        return price * HUNDRED / (HUNDRED + vat_rate)
    return price * (HUNDRED + vat_rate) / HUNDRED


# ------------------------------------------------------------------------------ checks


def check_list(values: dict) -> None:
    """A price list's own fields, before it is saved (API, admin, import)."""
    start, end = values.get("valid_from"), values.get("valid_to")
    if start and end and end < start:
        raise ValidationFailed(
            "PRICE_LIST_DATES",
            "Data de sfârșit a listei este înaintea datei de început.",
            "The list ends before it starts.",
            field="valid_to",
        )
    percent = values.get("base_percent")
    if percent is not None and values.get("base_list") is None:
        raise ValidationFailed(
            "PRICE_LIST_BASE_REQUIRED",
            "Ajustarea procentuală are nevoie de o listă de bază.",
            "A percentage needs a base list.",
            field="base_list",
        )
    if percent is not None and not Decimal(-99) <= Decimal(percent) <= Decimal(1000):
        raise ValidationFailed(
            "PRICE_LIST_PERCENT",
            "Ajustarea față de lista de bază trebuie să fie între -99 % și +1000 %.",
            "The adjustment must be between -99 % and +1000 %.",
            field="base_percent",
        )
    why = rounding_error(values.get("rounding") or "")
    if why:
        raise ValidationFailed(
            "PRICE_LIST_ROUNDING",
            f"Rotunjirea «{values.get('rounding')}» nu este validă: {why}.",
            "Invalid rounding rule.",
            field="rounding",
        )


def check_item(price: Decimal, min_quantity: Decimal, start: date, end: date | None) -> None:
    if price < 0:
        raise ValidationFailed(
            "PRICE_NEGATIVE", "Prețul nu poate fi negativ.", "Negative price.", field="price"
        )
    if min_quantity < 0:
        raise ValidationFailed(
            "PRICE_TIER_NEGATIVE",
            "Cantitatea minimă nu poate fi negativă.",
            "Negative tier.",
            field="min_quantity",
        )
    if end is not None and end < start:
        raise ValidationFailed(
            "PRICE_DATES",
            "Prețul se termină înainte să înceapă.",
            "The price ends before it starts.",
            field="valid_to",
        )
