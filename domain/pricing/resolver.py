""" "What price applies?" — the one resolver every seller of the product asks.

For a batch of (article, quantity) and one context (partner, user, work point or POS, day,
currency) it answers each line with the price without and with VAT, the list it came from
and why, in a fixed number of queries whatever the number of lines (see docs/benchmarks.md).

Order (domain/pricing/rules.PRECEDENCE): a list chosen on the line, else the lists assigned
to the partner, its group, the POS, the work point, the user's team, the company; the first
that the user may use, that is in force on the day and that has a price for the article.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from domain.catalog.queries import rates_by_category
from domain.catalog.vat import DatedRate, rate_on
from domain.core.errors import Forbidden, NotFound, ValidationFailed
from domain.core.money import to_decimal
from domain.org.fx import rate_for_invoice
from domain.org.permissions import Action, Actor, Area, require
from domain.pricing.rules import (
    MAX_BASE_DEPTH,
    PRECEDENCE,
    PRICE_PLACES,
    TARGET_RO,
    AccessRow,
    Item,
    access_level,
    convert_vat_mode,
    derived_price,
    in_force,
    pick_item,
    reaches,
    with_and_without_vat,
)
from tables.choices import PriceAccess, PriceTarget
from tables.pricing import PriceList

CHUNK = 5000  # articles per item query: far below both engines' parameter limits


@dataclass(frozen=True, slots=True)
class PriceContext:
    day: date
    currency: str = "RON"
    partner: int | None = None
    work_point: int | None = None
    pos: int | None = None


@dataclass(frozen=True, slots=True)
class PriceAsk:
    article: int
    quantity: Decimal = Decimal(1)
    price_list: int | None = None  # chosen on the line: only this list is asked


@dataclass(slots=True)
class ResolvedPrice:
    article: int
    quantity: Decimal
    currency: str
    found: bool = False
    net: Decimal | None = None
    gross: Decimal | None = None
    vat_rate: Decimal | None = None
    price_list: int | None = None
    price_list_name: str = ""
    level: PriceTarget | None = None  # None: the list was chosen on the line
    item: int | None = None  # the item priced (of the base list, for a derived price)
    min_quantity: Decimal | None = None
    valid_from: date | None = None
    fx_rate: Decimal | None = None  # list currency -> document currency, when they differ
    why: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ListRow:
    id: int
    code: str
    name: str
    currency: str
    includes_vat: bool
    valid_from: date | None
    valid_to: date | None
    base_list: int | None
    base_percent: Decimal | None
    rounding: str
    active: bool


# ------------------------------------------------------------------------------ loading


def plain(number: Decimal) -> str:
    """12.000 -> "12", 2.50 -> "2.5", 100 -> "100" (no exponent)."""
    return format(number.normalize(), "f")


def _placeholders(values: Sequence[Any]) -> str:
    return ", ".join("{}" for _ in values)


async def actor_team(actor: Actor) -> int | None:
    if actor.user_id is None:
        return None
    rows = await PriceList.raw('SELECT team FROM persoana WHERE "user" = {}', actor.user_id)
    return rows[0]["team"] if rows else None


async def load_lists(ids: set[int]) -> dict[int, ListRow]:
    """The lists, with the bases of derived lists (and theirs), in one query per level."""
    lists: dict[int, ListRow] = {}
    wanted = set(ids)
    while wanted:
        ordered = sorted(wanted)
        for r in await PriceList.raw(
            "SELECT id, code, name, currency, prices_include_vat, valid_from, valid_to, "
            "base_list, base_percent, rounding, active FROM lista_preturi "
            f"WHERE id IN ({_placeholders(ordered)})",
            *ordered,
        ):
            lists[r["id"]] = ListRow(
                r["id"], r["code"], r["name"], r["currency"], bool(r["prices_include_vat"]),
                r["valid_from"], r["valid_to"], r["base_list"],
                None if r["base_percent"] is None else to_decimal(r["base_percent"]),
                r["rounding"] or "", bool(r["active"]),
            )  # fmt: skip
        wanted = {x.base_list for x in lists.values() if x.base_list} - set(lists)
    return lists


async def load_access(list_ids: Sequence[int]) -> dict[int, list[AccessRow]]:
    rows: dict[int, list[AccessRow]] = defaultdict(list)
    if not list_ids:
        return rows
    ordered = sorted(list_ids)
    for r in await PriceList.raw(
        'SELECT price_list, "user", role, team, level FROM acces_lista_preturi '
        f"WHERE price_list IN ({_placeholders(ordered)})",
        *ordered,
    ):
        rows[r["price_list"]].append(
            AccessRow(r["user"], r["role"], r["team"], PriceAccess(r["level"]))
        )
    return rows


async def levels_for(actor: Actor, list_ids: Sequence[int]) -> dict[int, PriceAccess | None]:
    """What the actor may do with each list."""
    team = await actor_team(actor)
    access = await load_access(list_ids)
    return {i: access_level(actor, team, access.get(i, [])) for i in list_ids}


async def _assigned(ctx: PriceContext, actor: Actor) -> list[tuple[PriceTarget, int]]:
    """(level, list) pairs in precedence order, each list once, at its most specific level."""
    team = await actor_team(actor)
    group = None
    if ctx.partner is not None:
        rows = await PriceList.raw('SELECT "group" FROM partener WHERE id = {}', ctx.partner)
        if not rows:
            raise NotFound("PARTNER_NOT_FOUND", "Partenerul nu există.", field="partner")
        group = rows[0]["group"]
    wanted = {
        PriceTarget.partner: ctx.partner,
        PriceTarget.partner_group: group,
        PriceTarget.pos: ctx.pos,
        PriceTarget.work_point: ctx.work_point,
        PriceTarget.team: team,
    }
    clauses, args = ["target = 'company'"], []
    for target, value in wanted.items():
        if value is not None:
            clauses.append(f"(target = '{target}' AND {target} = {{}})")
            args.append(value)
    rows = await PriceList.raw(
        "SELECT price_list, target, priority, valid_from, valid_to, id "
        f"FROM atribuire_lista_preturi WHERE {' OR '.join(clauses)}",
        *args,
    )
    rank = {t: i for i, t in enumerate(PRECEDENCE)}
    valid = sorted(
        (r for r in rows if in_force(r["valid_from"], r["valid_to"], ctx.day)),
        key=lambda r: (rank[PriceTarget(r["target"])], -r["priority"], r["price_list"]),
    )
    out: list[tuple[PriceTarget, int]] = []
    seen: set[int] = set()
    for r in valid:
        if r["price_list"] not in seen:
            seen.add(r["price_list"])
            out.append((PriceTarget(r["target"]), r["price_list"]))
    return out


async def _items(article_ids: Sequence[int], list_ids: Sequence[int], day: date) -> list[Item]:
    """The items that can price a line on `day`: in force, and of each (list, article, tier)
    only the latest start (then the latest entered). Older history is not read: it grows
    with every price change, and `pick_item` would pass it over (docs/benchmarks.md)."""
    out: list[Item] = []
    lists = sorted(list_ids)
    if not lists:
        return out
    for start in range(0, len(article_ids), CHUNK):
        chunk = article_ids[start : start + CHUNK]
        for r in await PriceList.raw(
            "SELECT p.id, p.price_list, p.article, p.min_quantity, p.price, p.valid_from, "
            f"p.valid_to FROM pret p WHERE p.article IN ({_placeholders(chunk)}) "
            f"AND p.price_list IN ({_placeholders(lists)}) "
            "AND p.valid_from <= {} AND (p.valid_to IS NULL OR p.valid_to >= {}) "
            "AND NOT EXISTS (SELECT 1 FROM pret n WHERE n.article = p.article "
            "AND n.price_list = p.price_list AND n.min_quantity = p.min_quantity "
            "AND n.valid_from <= {} AND (n.valid_to IS NULL OR n.valid_to >= {}) "
            "AND (n.valid_from > p.valid_from OR (n.valid_from = p.valid_from AND n.id > p.id)))",
            *chunk, *lists, day, day, day, day,
        ):  # fmt: skip
            out.append(
                Item(r["id"], r["price_list"], r["article"], to_decimal(r["min_quantity"]),
                     to_decimal(r["price"]), r["valid_from"], r["valid_to"])
            )  # fmt: skip
    return out


async def _articles(article_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    out: dict[int, dict[str, Any]] = {}
    for start in range(0, len(article_ids), CHUNK):
        chunk = article_ids[start : start + CHUNK]
        for r in await PriceList.raw(
            "SELECT a.id, a.code, a.name, a.vat_category, c.code AS category_code "
            "FROM articol a JOIN categorie_tva c ON c.id = a.vat_category "
            f"WHERE a.id IN ({_placeholders(chunk)})",
            *chunk,
        ):
            out[r["id"]] = r
    return out


# ------------------------------------------------------------------------------ pricing


@dataclass(slots=True)
class _Book:
    """Everything loaded for one batch; prices one (list, article, quantity) at a time."""

    day: date
    lists: dict[int, ListRow]
    items: dict[tuple[int, int], list[Item]]
    rates: dict[int, list[DatedRate]]
    articles: dict[int, dict[str, Any]]

    def vat_rate(self, article: int) -> Decimal:
        row = self.articles[article]
        return rate_on(row["category_code"], self.day, self.rates[row["vat_category"]])

    def list_price(
        self, list_id: int, article: int, quantity: Decimal, depth: int = 0
    ) -> tuple[Decimal, Item, str] | None:
        """(price in the list's own VAT mode and currency, the item, how), or None."""
        row = self.lists[list_id]
        own = pick_item(self.items.get((list_id, article), ()), quantity, self.day)
        if own is not None:
            return own.price, own, ""
        if row.base_list is None or depth >= MAX_BASE_DEPTH:
            return None
        base = self.lists[row.base_list]
        if not in_force(base.valid_from, base.valid_to, self.day) or not base.active:
            return None
        found = self.list_price(base.id, article, quantity, depth + 1)
        if found is None:
            return None
        base_price, item, _ = found
        if base.currency != row.currency:
            return None  # refused when the list is saved; kept safe here
        moved = convert_vat_mode(
            base_price, base.includes_vat, row.includes_vat, self.vat_rate(article)
        )
        price = derived_price(moved, row.base_percent, row.rounding)
        percent = plain(row.base_percent or Decimal(0))
        how = f"derivat din «{base.name}» {'' if percent.startswith('-') else '+'}{percent} %"
        if row.rounding:
            how += f", rotunjit {row.rounding}"
        return price, item, how


async def resolve_prices(
    asks: Sequence[PriceAsk], ctx: PriceContext, *, by: Actor
) -> list[ResolvedPrice]:
    """The price of every line, in the order asked."""
    require(by, Area.pricing, Action.read)
    currency = ctx.currency.upper()
    assigned = await _assigned(ctx, by)
    chosen = {a.price_list for a in asks if a.price_list is not None}
    lists = await load_lists({i for _, i in assigned} | chosen)
    missing = chosen - set(lists)
    if missing:
        raise NotFound(
            "PRICE_LIST_NOT_FOUND",
            f"Lista de prețuri nr. {min(missing)} nu există.",
            field="price_list",
        )
    levels = await levels_for(by, list(lists))
    for list_id in chosen:
        if not reaches(levels[list_id], PriceAccess.use):
            raise Forbidden(
                "PRICE_LIST_FORBIDDEN",
                f"Nu aveți dreptul să folosiți lista de prețuri «{lists[list_id].name}».",
                f"You may not use price list «{lists[list_id].name}».",
                details={"price_list": list_id},
            )
    article_ids = sorted({a.article for a in asks})
    articles = await _articles(article_ids)
    unknown = set(article_ids) - set(articles)
    if unknown:
        raise ValidationFailed(
            "ARTICLE_INVALID", f"Articolul nr. {min(unknown)} nu există.", field="article"
        )
    # Items only of the lists that can price a line: usable and in force, and the bases
    # they derive from (a base prices through its derived list whoever may use the base).
    wanted = {
        i
        for i, row in lists.items()
        if reaches(levels[i], PriceAccess.use)
        and row.active
        and in_force(row.valid_from, row.valid_to, ctx.day)
    }
    for list_id in list(wanted):
        base = lists[list_id].base_list
        while base is not None and base not in wanted:
            wanted.add(base)
            base = lists[base].base_list
    items: dict[tuple[int, int], list[Item]] = defaultdict(list)
    for item in await _items(article_ids, sorted(wanted), ctx.day):
        items[(item.price_list, item.article)].append(item)
    book = _Book(
        ctx.day, lists, items,
        await rates_by_category({a["vat_category"] for a in articles.values()}), articles,
    )  # fmt: skip
    fx: dict[str, Decimal] = {}

    async def per_unit(code: str) -> Decimal:
        if code == "RON":
            return Decimal(1)
        if code not in fx:
            fx[code] = (await rate_for_invoice(code, ctx.day)).per_unit
        return fx[code]

    out = []
    for ask in asks:
        answer = ResolvedPrice(article=ask.article, quantity=ask.quantity, currency=currency)
        candidates: list[tuple[PriceTarget | None, int]] = (
            [(None, ask.price_list)] if ask.price_list is not None else list(assigned)
        )
        for level, list_id in candidates:
            row = lists[list_id]
            where = "aleasă pe linie" if level is None else f"atribuită {TARGET_RO[level]}"
            label = f"Lista «{row.name}» ({where})"
            if levels[list_id] is None:  # not even its name for those who may not see it
                answer.why.append(f"O listă {where}: nu aveți acces la ea.")
                continue
            if not reaches(levels[list_id], PriceAccess.use):
                answer.why.append(f"{label}: nu aveți dreptul s-o folosiți.")
                continue
            if not row.active or not in_force(row.valid_from, row.valid_to, ctx.day):
                answer.why.append(f"{label}: nu este în vigoare la {ctx.day:%d.%m.%Y}.")
                continue
            found = book.list_price(list_id, ask.article, ask.quantity)
            if found is None:
                answer.why.append(f"{label}: nu are preț pentru acest articol.")
                continue
            price, item, how = found
            rate = Decimal(1)
            if row.currency != currency:
                try:
                    rate = await per_unit(row.currency) / await per_unit(currency)
                except NotFound:
                    answer.why.append(f"{label}: în {row.currency}, fără curs BNR spre {currency}.")
                    continue
                price = (price * rate).quantize(PRICE_PLACES)
                answer.fx_rate = rate.quantize(Decimal("0.000001"))
            vat_rate = book.vat_rate(ask.article)
            answer.net, answer.gross = with_and_without_vat(price, row.includes_vat, vat_rate)
            answer.found = True
            answer.vat_rate = vat_rate
            answer.price_list, answer.price_list_name, answer.level = list_id, row.name, level
            answer.item, answer.min_quantity = item.id, item.min_quantity
            answer.valid_from = item.valid_from
            tier = f", de la cantitatea {plain(item.min_quantity)}" if item.min_quantity > 1 else ""
            mode = "cu TVA" if row.includes_vat else "fără TVA"
            detail = f"{how}, " if how else ""
            answer.why.append(
                f"{label}: {detail}preț {mode} valabil din {item.valid_from:%d.%m.%Y}{tier}."
            )
            break
        else:
            if not candidates:
                answer.why.append("Nicio listă de prețuri nu se aplică (nicio atribuire).")
        out.append(answer)
    return out
