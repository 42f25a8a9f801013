"""Resolving prices: `resolve_prices` for a 50-line document and a 10k-article batch,
against hand-written SQL picking the same prices, at 100k+ price items.

    .venv/bin/python -m bench.resolve_prices --engine sqlite|postgres [--docs 100] [--rounds 5]

A fresh database (SQLite: a new file under /tmp; PostgreSQL: catastif_bench_prices on the
server of BENCH_PG_URL, dropped and recreated), migrations and reference data, then a
catalogue seeded with bulk SQL (INSERT ... SELECT): 20k articles, 10 price lists with
~195k dated items (history, tiers, a future price, ended promotions), assignments at every
level, access rows. The context of every call -- a partner of the «Revânzători» group, a
work point, a salesperson of a team, 2026-03-02 -- reaches 6 lists: 5 the salesperson may
use (partner, group, work point with VAT-inclusive prices, team -- derived from the base
list -12 %, rounded to 0.05 --, company) and one of the group's that is reserved to another
team.

Measured, on the same engine in the same run (their order alternates):
- app: `domain.pricing.resolver.resolve_prices(asks, ctx, by=salesperson)`;
- raw: two hand-written statements on one open connection -- the context (assignments,
  lists, their bases and the user's access level, in one query) and the candidate items
  with their article's VAT rate (one query) -- and the pick in plain Python (precedence,
  tier, latest start, derived price, net/gross with the same pure money functions).
The run checks that both sides price every line identically (list, item, net, gross).

Reported: ms per call and per line (and the process's CPU time), app/raw, statements per
call at 1 ... 10k lines (counted at the driver in an untimed pass, bench/common.py), where
the app's time goes (its phases, timed in an untimed pass by wrapping the resolver's
loaders; the rows the items statement returns and how many of them can be picked), and
the plans of the items query (EXPLAIN QUERY PLAN / EXPLAIN ANALYZE), with and without the
index ix_pret_article_price_list_valid_from.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import random
import re
import shutil
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

from bench.common import (
    DOC,
    PG_URL,
    StatementLog,
    abbreviate,
    code_version,
    doc_replace,
    doc_section,
    fresh_postgres,
    fresh_sqlite,
    kind,
    median,
    sqlite_path,
    table_upsert,
    today,
    versions,
)

DAY = date(2026, 3, 2)
INDEX = "ix_pret_article_price_list_valid_from"
PG_DB = "catastif_bench_prices"
DOC_LINES = 50
BATCH = 10_000
COUNTED_SIZES = (1, 50, 1000, 5000, 5001, 10_000)

# ------------------------------------------------------------------------ the catalogue

# Article i (0-based) has code P<100000 + i>; its base price is 5 + (i * 37 % 9973) / 100.
# A list: code, name, fields, the articles it prices (SQL on i) and its items per article:
# (valid from, tier, factor on the base price, valid to). Items are entered as the app
# enters them (`price_set`): open-ended, a new price is a new item, history stays.
HISTORY = [("2024-01-01", 0, "0.90", None), ("2025-01-01", 0, "0.95", None),
           ("2025-08-01", 0, "1.00", None), ("2026-01-01", 0, "1.05", None),
           ("2026-01-01", 10, "1.02", None), ("2026-01-01", 50, "0.98", None),
           ("2026-07-01", 0, "1.10", None)]  # fmt: skip


@dataclass(frozen=True)
class ListSpec:
    code: str
    name: str
    where: str  # which articles (SQL on i)
    periods: list[tuple[str, int, str, str | None]]
    fields: dict[str, Any] = field(default_factory=dict)
    gross: bool = False  # prices typed with VAT, ending in .99


# fmt: off
LISTS = [
    ListSpec("BAZA", "Listă de bază", "i % 100 <> 99", HISTORY),
    ListSpec("PROMO", "Promoție de weekend (în BAZA)", "i % 20 = 0",
             [("2026-02-28", 0, "0.85", "2026-03-01")]),
    ListSpec("RVZ", "Revânzători", "i % 5 IN (0, 1)",
             [("2025-01-01", 0, "0.88", None), ("2026-01-01", 0, "0.92", None)]),
    ListSpec("RVZ-KAM", "Revânzători — negociat KAM", "i % 2 = 0",
             [("2025-09-01", 0, "0.80", None)]),
    ListSpec("ALFA", "Alfa Distribuție — contract", "i % 10 = 3",
             [("2026-02-01", 0, "0.85", None)]),
    ListSpec("MAG-CJ", "Magazin Cluj (cu TVA)", "i % 5 = 2",
             [("2025-08-01", 0, "1.21", None), ("2026-01-01", 0, "1.27", None)],
             {"prices_include_vat": True}, gross=True),
    ListSpec("DISTRIB", "Distribuitori (BAZA -12 %)", "0 = 1", [],
             {"base_percent": Decimal(-12), "rounding": "0.05"}),
] + [
    ListSpec(f"MAG-{k}", f"Magazin {k}", f"i % 4 = {k - 2}", [("2025-08-01", 0, "1.04", None)])
    for k in range(2, 6)
]
# fmt: on
# PROMO's items go into BAZA (an ended weekend price); the code only names the block.
ITEMS_INTO = {"PROMO": "BAZA"}


@dataclass
class World:
    actor: Any  # the salesperson
    ctx: Any  # PriceContext
    articles: list[int]  # ids, article i at index i
    lists: dict[str, int]
    items: int
    usable: int  # lists of the context the actor may use


class Dialect:
    """The few literals that differ between the engines in the seeding SQL."""

    def __init__(self, pg: bool) -> None:
        self.pg = pg

    def day(self, iso: str | None) -> str:
        if iso is None:
            return "CAST(NULL AS DATE)"
        return f"DATE '{iso}'" if self.pg else f"'{iso}'"

    @property
    def true(self) -> str:
        return "TRUE" if self.pg else "1"

    @property
    def now(self) -> str:  # as Piccolo stores a Timestamptz on SQLite
        return "TIMESTAMPTZ '2026-01-15 08:00:00+00'" if self.pg else "'2026-01-15 08:00:00+00:00'"


async def seed(n_articles: int, pg: bool) -> World:
    from domain.org.actors import actor_for_user
    from domain.org.permissions import SYSTEM
    from domain.org.users import user_create
    from domain.partners.ops import partner_create
    from domain.pricing.ops import access_replace, assignment_add, price_list_create
    from domain.pricing.resolver import PriceContext
    from tables.org import Company, Person, Team, WorkPoint
    from tables.partners import PartnerGroup
    from tables.pricing import PriceItem

    sql = Dialect(pg)
    company = Company(
        name="Catastif Bench SRL", cui="44556670", reg_com="J40/1/2024", county="RO-B",
        sector="SECTOR1", city="București", street="Calea Victoriei 1",
        capital=Decimal("200.00"), vat_payer=True,
    )  # fmt: skip
    await company.save()
    points = {}
    for k in range(1, 6):
        wp = WorkPoint(company=company.id, code=f"WP{k}", name=f"Magazin {k}")
        await wp.save()
        points[k] = wp.id
    teams = {}
    for code in ("V1", "KAM"):
        team = Team(company=company.id, code=code, name=f"Echipa {code}")
        await team.save()
        teams[code] = team.id
    group = PartnerGroup(name="Revânzători")
    await group.save()
    client = await partner_create(
        values={"name": "Alfa Distribuție SRL", "cui": "12345674", "county": "RO-CJ",
                "city": "Cluj-Napoca", "street": "Str. Memorandumului 10", "vat_payer": True,
                "group": group.id},
        roles=["client"], by=SYSTEM,
    )  # fmt: skip
    user = await user_create(username="ana", password="parola-lunga-1", role="sales", by=SYSTEM)
    await Person(company=company.id, name="Ana Pop", user=user, team=teams["V1"]).save()
    actor = await actor_for_user(user)

    # Articles, in one INSERT ... SELECT over a counter; every 7th has the reduced rate.
    ids = {
        r["code"]: r["id"]
        for r in await Company.raw(
            "SELECT id, code FROM unitate_masura WHERE code = 'H87' UNION ALL "
            "SELECT id, code FROM categorie_tva WHERE code IN ('S-STANDARD', 'S-REDUSA')"
        )
    }
    await Company.raw(
        "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n "
        f"WHERE i < {n_articles - 1}) "
        "INSERT INTO articol (code, name, kind, uom, vat_category, barcode, warranty_months, "
        "nc_code, description, active, created_at) "
        f"SELECT 'P' || (100000 + i), 'Articol de test ' || i, 'goods', {ids['H87']}, "
        f"CASE WHEN i % 7 = 3 THEN {ids['S-REDUSA']} ELSE {ids['S-STANDARD']} END, NULL, 0, "
        f"'', '', {sql.true}, {sql.now} FROM n"
    )  # ids inlined: PostgreSQL types a bare parameter in a SELECT list as text
    articles = [
        r["id"]
        for r in await Company.raw("SELECT id FROM articol WHERE code LIKE 'P%' ORDER BY id")
    ]
    first = articles[0]
    if articles != list(range(first, first + n_articles)):
        raise SystemExit("articles are not numbered consecutively")

    # Lists through the app (validation), items with bulk SQL.
    lists: dict[str, int] = {}
    for spec in LISTS:
        if spec.code in ITEMS_INTO:
            continue
        values = {"code": spec.code, "name": spec.name, **spec.fields}
        if "base_percent" in spec.fields:
            values["base_list"] = lists["BAZA"]
        lists[spec.code] = await price_list_create(values=values, by=SYSTEM)
    for spec in LISTS:
        if not spec.periods:
            continue
        periods = " UNION ALL ".join(
            f"SELECT {sql.day(start)} AS d, {tier} AS q, {factor} AS f, {sql.day(end)} AS e"
            for start, tier, factor, end in spec.periods
        )
        base = f"(5 + ((a.id - {first}) * 37 % 9973) / 100.0) * v.f"
        price = f"ROUND({base}, 0) - 0.01" if spec.gross else f"ROUND({base}, 2)"
        await Company.raw(
            "INSERT INTO pret (price_list, article, min_quantity, price, valid_from, valid_to, "
            "created_at, created_by) "
            f"SELECT {lists[ITEMS_INTO.get(spec.code, spec.code)]}, a.id, v.q, {price}, v.d, "
            f"v.e, {sql.now}, 'bench' FROM (SELECT id, id - {first} AS i FROM articol "
            f"WHERE id BETWEEN {first} AND {articles[-1]}) a "
            f"CROSS JOIN ({periods}) v WHERE {spec.where}"
        )

    # Who may use what: RVZ names roles, RVZ-KAM only the KAM team, ALFA the user herself,
    # DISTRIB the V1 team; the others are open.
    access = {
        "RVZ": [{"role": "sales", "level": "use"}, {"role": "accountant", "level": "edit"}],
        "RVZ-KAM": [{"team": teams["KAM"], "level": "use"}],
        "ALFA": [{"user": user, "level": "use"}],
        "DISTRIB": [{"team": teams["V1"], "level": "use"}],
    }
    for code, rows in access.items():
        await access_replace(list_id=lists[code], rows=rows, by=SYSTEM)
    assignments = [
        ("ALFA", "partner", client, 0), ("RVZ-KAM", "partner_group", group.id, 10),
        ("RVZ", "partner_group", group.id, 0), ("MAG-CJ", "work_point", points[1], 0),
        ("DISTRIB", "team", teams["V1"], 0), ("BAZA", "company", None, 0),
    ] + [(f"MAG-{k}", "work_point", points[k], 0) for k in range(2, 6)]  # fmt: skip
    for code, target, target_id, priority in assignments:
        values: dict[str, Any] = {"target": target, "priority": priority}
        if target_id is not None:
            values[target] = target_id
        await assignment_add(list_id=lists[code], values=values, by=SYSTEM)
    # Planner statistics, as autovacuum would gather them after a bulk load (PostgreSQL);
    # SQLite runs without them, as the app leaves it.
    if pg:
        await Company.raw("ANALYZE")
    return World(
        actor=actor,
        ctx=PriceContext(day=DAY, partner=client, work_point=points[1]),
        articles=articles,
        lists=lists,
        items=await PriceItem.count(),
        usable=5,
    )


# ------------------------------------------------------------------------ raw baseline

LEVEL = {"see": 1, "use": 2, "edit": 3}
RANK = {t: i for i, t in enumerate(
    ("partner", "partner_group", "pos", "work_point", "team", "company"))}  # fmt: skip

CONTEXT_SQL = """
WITH me AS (SELECT (SELECT "group" FROM partener WHERE id = :partner) AS grp,
                   (SELECT team FROM persoana WHERE "user" = :user) AS team)
SELECT a.target, a.priority, l.id, l.prices_include_vat, l.base_list, l.base_percent,
       l.rounding, b.prices_include_vat AS base_vat,
       (SELECT COUNT(*) FROM acces_lista_preturi x WHERE x.price_list = l.id) AS rules,
       (SELECT MAX(CASE x.level WHEN 'see' THEN 1 WHEN 'use' THEN 2 ELSE 3 END)
          FROM acces_lista_preturi x
         WHERE x.price_list = l.id
           AND (x."user" = :user OR x.role = :role OR x.team = me.team)) AS level
  FROM atribuire_lista_preturi a
 CROSS JOIN me
  JOIN lista_preturi l ON l.id = a.price_list
  LEFT JOIN lista_preturi b ON b.id = l.base_list AND b.active = :yes
       AND (b.valid_from IS NULL OR b.valid_from <= :day)
       AND (b.valid_to IS NULL OR b.valid_to >= :day)
 WHERE (a.target = 'company'
        OR (a.target = 'partner' AND a.partner = :partner)
        OR (a.target = 'partner_group' AND a.partner_group = me.grp)
        OR (a.target = 'work_point' AND a.work_point = :work_point)
        OR (a.target = 'team' AND a.team = me.team))
   AND (a.valid_from IS NULL OR a.valid_from <= :day)
   AND (a.valid_to IS NULL OR a.valid_to >= :day)
   AND l.active = :yes
   AND (l.valid_from IS NULL OR l.valid_from <= :day)
   AND (l.valid_to IS NULL OR l.valid_to >= :day)
"""

# The candidate items of the usable lists, with their article's VAT rate on the day. The
# article and list ids go as int arrays on PostgreSQL (one parameter each, however many).
ITEMS_SQL = """
SELECT p.id, p.price_list, p.article, p.min_quantity, p.price, p.valid_from, r.rate
  FROM pret p
  JOIN articol a ON a.id = p.article
  JOIN cota_tva r ON r.category = a.vat_category AND r.valid_from <= {day}
       AND (r.valid_to IS NULL OR r.valid_to >= {day})
 WHERE p.article {articles} AND p.price_list {lists}
   AND p.valid_from <= {day} AND (p.valid_to IS NULL OR p.valid_to >= {day})
"""
# On PostgreSQL the article filter is repeated on `articol`: with an array parameter the
# planner otherwise hashes the whole article table for a 50-line document.
ITEMS_PG = ITEMS_SQL.format(
    day="$1", articles="= ANY($2::int[]) AND a.id = ANY($2::int[])", lists="= ANY($3::int[])"
)


def items_query(pg: bool, articles: list[int], lists: list[int], day: date) -> tuple[str, list]:
    if pg:
        return ITEMS_PG, [day, articles, lists]
    marks = lambda k: "IN (" + ", ".join("?" * k) + ")"  # noqa: E731
    sql = ITEMS_SQL.format(day="?", articles=marks(len(articles)), lists=marks(len(lists)))
    iso = day.isoformat()
    return sql, [iso, iso, *articles, *lists, iso, iso]


def to_pg(sql: str) -> tuple[str, list[str]]:
    """:name placeholders -> $n (asyncpg), and the names in their order."""
    names: list[str] = []

    def number(m: re.Match[str]) -> str:
        if m.group(1) not in names:
            names.append(m.group(1))
        return f"${names.index(m.group(1)) + 1}"

    return re.sub(r":(\w+)", number, sql), names


CONTEXT_PG, CONTEXT_PG_NAMES = to_pg(CONTEXT_SQL)


def num(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(repr(value))


@dataclass(frozen=True, slots=True)
class Priced:
    """One line's answer, as both sides are compared."""

    article: int
    price_list: int | None
    item: int | None
    net: Decimal | None
    gross: Decimal | None


class RawResolver:
    """Hand-written SQL on one open connection, the pick in plain Python."""

    def __init__(self, conn: Any, pg: bool, actor: Any, ctx: Any) -> None:
        self.conn, self.pg, self.actor, self.ctx = conn, pg, actor, ctx

    async def fetch(self, sql: str, args: Any) -> Sequence[Sequence[Any]]:
        if self.pg:
            return await self.conn.fetch(sql, *args)
        async with self.conn.execute(sql, args) as cur:
            return await cur.fetchall()

    async def resolve(self, asks: Sequence[tuple[int, Decimal]]) -> list[Priced]:
        from domain.pricing.rules import convert_vat_mode, derived_price, with_and_without_vat

        ctx, actor = self.ctx, self.actor
        params = {
            "partner": ctx.partner, "user": actor.user_id, "role": str(actor.role),
            "work_point": ctx.work_point, "day": ctx.day if self.pg else ctx.day.isoformat(),
            "yes": True if self.pg else 1,
        }  # fmt: skip
        if self.pg:
            rows = await self.fetch(CONTEXT_PG, [params[n] for n in CONTEXT_PG_NAMES])
        else:
            rows = await self.fetch(CONTEXT_SQL, params)
        # Precedence; a list once, at its most specific level; only lists the user may use
        # (a list without access rows is open to a salesperson).
        rows = sorted(rows, key=lambda r: (RANK[r[0]], -r[1], r[2]))
        candidates, seen = [], set()
        for r in rows:
            if r[2] in seen:
                continue
            seen.add(r[2])
            if r[8] == 0 or (r[9] or 0) >= LEVEL["use"]:
                # id, includes VAT, base list (None when out of force), %, rounding, base VAT
                base = r[4] if r[7] is not None else None
                candidates.append((r[2], bool(r[3]), base, r[5], r[6] or "", bool(r[7])))
        articles = sorted({a for a, _ in asks})
        lists = sorted({c[0] for c in candidates} | {c[2] for c in candidates if c[2]})
        items: dict[tuple[int, int], list[Sequence[Any]]] = defaultdict(list)
        rates: dict[int, Decimal] = {}
        for r in await self.fetch(*items_query(self.pg, articles, lists, ctx.day)):
            items[(r[1], r[2])].append(r)
            rates[r[2]] = r[6]

        def best(list_id: int, article: int, qty: Decimal) -> Sequence[Any] | None:
            top, key = None, None
            for r in items.get((list_id, article), ()):
                if num(r[3]) <= qty:
                    k = (num(r[3]), r[5], r[0])
                    if key is None or k > key:
                        top, key = r, k
            return top

        out = []
        for article, quantity in asks:
            qty = abs(quantity)
            answer = Priced(article, None, None, None, None)
            for list_id, vat, base, percent, rounding, base_vat in candidates:
                item = best(list_id, article, qty)
                if item is not None:
                    price = num(item[4])
                elif base is not None and (item := best(base, article, qty)) is not None:
                    rate = num(rates[article])
                    moved = convert_vat_mode(num(item[4]), base_vat, vat, rate)
                    price = derived_price(moved, None if percent is None else num(percent),
                                          rounding)  # fmt: skip
                else:
                    continue
                net, gross = with_and_without_vat(price, vat, num(rates[article]))
                answer = Priced(article, list_id, item[0], net, gross)
                break
            out.append(answer)
        return out


# ------------------------------------------------------------------------ the run


@dataclass
class Series:
    """Per-call wall times in ms (a round: calls of each side, alternating)."""

    app: list[float] = field(default_factory=list)
    raw: list[float] = field(default_factory=list)
    ratios: list[float] = field(default_factory=list)  # per round: app time / raw time
    # CPU time of this process per call: steadier than wall time when neighbours load the
    # machine. On SQLite it includes the database engine (in aiosqlite's threads); on
    # PostgreSQL only the client side (driver, Piccolo, Python).
    app_cpu: list[float] = field(default_factory=list)
    raw_cpu: list[float] = field(default_factory=list)


async def clock(call: Callable[[], Awaitable[Any]], cpu: list[float] | None = None) -> float:
    """Wall ms of one call (its process CPU ms appended to `cpu`)."""
    start, start_cpu = time.perf_counter(), time.process_time()
    await call()
    if cpu is not None:
        cpu.append((time.process_time() - start_cpu) * 1000)
    return (time.perf_counter() - start) * 1000


def asks_for(world: World, rng: random.Random, n: int) -> list[Any]:
    from domain.pricing.resolver import PriceAsk

    chosen = rng.sample(world.articles, n)
    return [PriceAsk(a, Decimal(rng.choice((1, 1, 2, 3, 5, 10, 12, 24, 50, 100)))) for a in chosen]


def answers(resolved: Sequence[Any]) -> list[Priced]:
    return [
        Priced(r.article, r.price_list, r.item, r.net, r.gross)
        if r.found
        else Priced(r.article, None, None, None, None)
        for r in resolved
    ]


async def run(engine_name: str, url: str, opts: argparse.Namespace) -> dict[str, Any]:
    # Imported only now: piccolo_conf reads DATABASE_URL when first imported.
    import aiosqlite
    import asyncpg

    from domain.core.tx import engine
    from domain.org.setup import database_init

    pg = engine_name == "postgres"
    db = engine()
    if pg:
        await db.start_connection_pool()  # as app.py's lifespan does
    await database_init()
    started = time.perf_counter()
    world = await seed(opts.articles, pg)
    seed_s = time.perf_counter() - started
    print(f"seeded {len(world.articles)} articles, {world.items} price items in {seed_s:.1f} s")

    if pg:
        conn = await asyncpg.connect(url)
    else:
        conn = await aiosqlite.connect(sqlite_path(url), isolation_level=None)
    try:
        return await measure(engine_name, url, opts, db, world, conn) | {"seed_s": seed_s}
    finally:
        await conn.close()  # also on an error: aiosqlite's thread would keep the process


async def measure(
    engine_name: str, url: str, opts: argparse.Namespace, db: Any, world: World, conn: Any
) -> dict[str, Any]:
    import aiosqlite
    import asyncpg

    import domain.pricing.resolver as resolver

    pg = engine_name == "postgres"
    raw = RawResolver(conn, pg, world.actor, world.ctx)
    rng = random.Random(4)

    async def app(asks: Sequence[Any]) -> list[Any]:
        return await resolver.resolve_prices(asks, world.ctx, by=world.actor)

    async def baseline(asks: Sequence[Any]) -> list[Priced]:
        return await raw.resolve([(a.article, a.quantity) for a in asks])

    # Both sides price every line alike (a 10k batch and a few documents).
    checks = [asks_for(world, rng, BATCH)] + [asks_for(world, rng, DOC_LINES) for _ in range(5)]
    found = levels = None
    for asks in checks:
        resolved = await app(asks)
        mine, theirs = answers(resolved), await baseline(asks)
        if mine != theirs:
            diff = [(a, b) for a, b in zip(mine, theirs, strict=True) if a != b][:5]
            raise SystemExit(f"the raw baseline priced lines differently: {diff}")
        if found is None:
            found = sum(r.found for r in resolved)
            levels = _count(str(r.level) if r.found else "none" for r in resolved)
    print(f"both sides agree on {sum(len(x) for x in checks)} lines")

    # Timed: documents (K calls of 50 lines, different articles each, per round, the sides
    # alternating in chunks of K/10) and the 10k batch (one call per side per round).
    docs, batch = Series(), Series()
    load = [os.getloadavg()[0]]
    for _ in range(opts.warmup):
        asks = asks_for(world, rng, DOC_LINES)
        await app(asks)
        await baseline(asks)
    chunk = max(1, opts.docs // 10)
    for r in range(opts.rounds):
        sets = [asks_for(world, rng, DOC_LINES) for _ in range(opts.docs)]
        spent = {"app": 0.0, "raw": 0.0}
        gc.collect()
        for k, start in enumerate(range(0, opts.docs, chunk)):
            for side in ("app", "raw") if (k + r) % 2 == 0 else ("raw", "app"):
                call = app if side == "app" else baseline
                for asks in sets[start : start + chunk]:
                    ms = await clock(
                        lambda asks=asks, call=call: call(asks), getattr(docs, side + "_cpu")
                    )
                    getattr(docs, side).append(ms)
                    spent[side] += ms
        docs.ratios.append(spent["app"] / spent["raw"])
        big = asks_for(world, rng, BATCH)
        spent = {}
        for side in ("app", "raw") if r % 2 == 0 else ("raw", "app"):
            call = app if side == "app" else baseline
            gc.collect()
            spent[side] = await clock(
                lambda call=call, big=big: call(big), getattr(batch, side + "_cpu")
            )
            getattr(batch, side).append(spent[side])
        batch.ratios.append(spent["app"] / spent["raw"])
        print(f"round {r + 1}: 50 lines app {median(docs.app[-opts.docs:]):.2f} ms, raw "
              f"{median(docs.raw[-opts.docs:]):.2f} ms; 10k lines app {batch.app[-1]:.0f} ms, "
              f"raw {batch.raw[-1]:.0f} ms")  # fmt: skip

    load.append(os.getloadavg()[0])

    # Where the app's time goes: the resolver's loaders wrapped with a timer (untimed pass).
    phases = await phase_times(resolver, world, rng, app, raw)

    # Statements per call, counted at the driver; the items statements kept for EXPLAIN.
    counted, items_sql = await count_statements(db, pg, world, rng, app)
    log = StatementLog()
    if pg:
        traced = await asyncpg.connect(url)
        traced.add_query_logger(log.pg_logged)
    else:
        traced = await aiosqlite.connect(
            sqlite_path(url), isolation_level=None, factory=log.sqlite_factory(always=True)
        )
    raw_counted = {}
    resolve = RawResolver(traced, pg, world.actor, world.ctx).resolve
    await resolve([(world.articles[0], Decimal(1))])  # asyncpg's type introspection: once
    await asyncio.sleep(0)  # its log records arrive via call_soon: not into the count
    for n in (DOC_LINES, BATCH):
        asks = asks_for(world, rng, n)
        with log.capture() as statements:
            await resolve([(a.article, a.quantity) for a in asks])
            await asyncio.sleep(0)
        raw_counted[n] = list(statements)
    await traced.close()

    plans = await query_plans(conn, pg, items_sql, raw, world, rng)

    if pg:
        server = (await conn.fetchval("SHOW server_version")).split()[0]
        await db.close_connection_pool()
    else:
        import sqlite3

        server = sqlite3.sqlite_version
    return {
        "engine": engine_name, "server": server, "versions": versions(engine_name, server),
        "code": code_version(), "articles": len(world.articles), "items": world.items,
        "lists": len(world.lists), "usable": world.usable,
        "docs": docs, "batch": batch, "n_docs": opts.docs, "rounds": opts.rounds,
        "found": found, "levels": levels, "phases": phases, "counted": counted,
        "raw_counted": raw_counted, "plans": plans, "load": load,
    }  # fmt: skip


def is_items(sql: str) -> bool:
    """The resolver's items statement (the only one of its statements reading `pret`)."""
    return re.search(r"\bFROM pret\b", sql) is not None


def _count(values: Any) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for v in values:
        out[v] += 1
    return dict(out)


PHASES = ("_assigned", "load_lists", "levels_for", "_articles", "_items", "rates_by_category")


async def phase_times(
    resolver: Any,
    world: World,
    rng: random.Random,
    app: Callable[..., Awaitable[Any]],
    raw: RawResolver,
) -> dict[int, dict[str, float]]:
    """Median ms per phase of `resolve_prices` (the rest: the pricing loop in Python).

    Plus, for the items, the same statement through Piccolo (`PriceList.raw`, which
    converts the rows) and the bare driver, to split the database from the conversion.
    """
    from tables.pricing import PriceList

    spent: dict[str, float] = {}
    refused = world.lists["RVZ-KAM"]
    originals = {name: getattr(resolver, name) for name in PHASES}
    captured: list[tuple[str, tuple[Any, ...]]] = []

    def wrap(name: str, fn: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        async def timed_call(*args: Any, **kwargs: Any) -> Any:
            t = time.perf_counter()
            try:
                return await fn(*args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0.0) + (time.perf_counter() - t) * 1000

        return timed_call

    original_raw = PriceList.raw

    def capture_raw(sql: str, *args: Any) -> Any:
        if is_items(sql):
            captured.append((sql, args))
        return original_raw(sql, *args)

    out: dict[int, dict[str, float]] = {}
    for n, calls in ((DOC_LINES, 30), (BATCH, 3)):
        samples: dict[str, list[float]] = defaultdict(list)
        for _ in range(calls):
            asks = asks_for(world, rng, n)
            spent.clear()
            captured.clear()
            for name in PHASES:
                setattr(resolver, name, wrap(name, originals[name]))
            PriceList.raw = capture_raw  # type: ignore[method-assign]
            gc.collect()
            try:
                total = await clock(lambda asks=asks: app(asks))
            finally:
                for name, fn in originals.items():
                    setattr(resolver, name, fn)
                del PriceList.raw  # Table.raw again
            for name in PHASES:
                samples[name].append(spent.get(name, 0.0))
            samples["pricing loop (pick, derive, VAT, why)"].append(total - sum(spent.values()))
            samples["total"].append(total)
            # The items statements again: through Piccolo (rows converted), then bare.
            rows: list[dict[str, Any]] = []
            t = time.perf_counter()
            for sql, args in captured:
                rows += await PriceList.raw(sql, *args)
            samples["items: Piccolo raw() alone"].append((time.perf_counter() - t) * 1000)
            # What the rows were good for: only the latest item of each (list, article,
            # tier) of a list the user may use can ever be picked.
            samples["rows"].append(len(rows))
            samples["rows of the list she may not use"].append(
                sum(r["price_list"] == refused for r in rows)
            )
            samples["rows that can be picked"].append(
                len({(r["price_list"], r["article"], r["min_quantity"])
                     for r in rows if r["price_list"] != refused})
            )  # fmt: skip
            samples["items: driver alone"].append(await bare_driver_ms(raw, captured))
        out[n] = {k: median(v) for k, v in samples.items()}
    return out


async def bare_driver_ms(raw: RawResolver, captured: Sequence[tuple[str, tuple]]) -> float:
    """The captured items statements, compiled as Piccolo compiles them, on the raw side's
    open connection: the database and the driver, without Piccolo and its conversions."""
    from piccolo.querystring import QueryString

    engine_type = "postgres" if raw.pg else "sqlite"
    total = 0.0
    for sql, args in captured:
        query, values = QueryString(sql, *args).compile_string(engine_type=engine_type)
        total += await clock(lambda query=query, values=values: raw.fetch(query, values))
    return total


async def count_statements(
    db: Any, pg: bool, world: World, rng: random.Random, app: Callable[..., Awaitable[Any]]
) -> tuple[dict[int, list[str]], dict[int, tuple[str, list[Any]]]]:
    """The statements of one call per size; the items statement (SQL, args) per size."""
    log = StatementLog()
    items: dict[int, tuple[str, list[Any]]] = {}
    full: list[tuple[str, list[Any]]] = []

    def keep(record: Any) -> None:
        if log.on:
            full.append((record.query, list(record.args)))

    async def init(conn: Any) -> None:
        await log.pg_init(conn)
        conn.add_query_logger(keep)

    if pg:
        await db.close_connection_pool()
        await db.start_connection_pool(init=init)
    else:
        db.connection_kwargs["factory"] = log.sqlite_factory(always=True)
        await db.close_connection_pool()
    await app(asks_for(world, rng, 5))  # the new pool's first use: not counted
    await asyncio.sleep(0)
    counted = {}
    try:
        for n in COUNTED_SIZES:
            full.clear()
            with log.capture() as statements:
                await app(asks_for(world, rng, n))
                await asyncio.sleep(0)  # asyncpg hands records to loggers via call_soon
            counted[n] = list(statements)
            source = full if pg else [(s, []) for s in statements]
            for sql, args in source:
                if is_items(sql):
                    items.setdefault(n, (sql, args))
    finally:
        if pg:
            await db.close_connection_pool()
            await db.start_connection_pool()
        else:
            del db.connection_kwargs["factory"]
            await db.close_connection_pool()
    return counted, items


async def query_plans(
    conn: Any,
    pg: bool,
    items_sql: dict[int, tuple[str, list[Any]]],
    raw: RawResolver,
    world: World,
    rng: random.Random,
) -> dict[str, Any]:
    """EXPLAIN of the app's items statement (50 lines, and a 5000-article chunk of the 10k
    batch) and of the raw one; the app's statement for 50 lines timed and explained again
    without the index."""

    async def explain(sql: str, args: Sequence[Any], note: str = "") -> str:
        # `note` makes the text new: sqlite3 caches statements by text, and a cached
        # EXPLAIN QUERY PLAN keeps the plan it was prepared with (the index dropped or not).
        sql = f"/* {note} */ {sql}" if note else sql
        if pg:
            rows = await conn.fetch("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql, *args)
            return "\n".join(r[0] for r in rows)
        async with conn.execute("EXPLAIN QUERY PLAN " + sql, args) as cur:
            return "\n".join(r[3] for r in await cur.fetchall())

    plans: dict[str, Any] = {}
    for n in (DOC_LINES, BATCH):
        plans[f"app {n}"] = await explain(*items_sql[n])
    asks = asks_for(world, rng, DOC_LINES)
    articles = sorted(a.article for a in asks)
    lists = sorted(world.lists[c] for c in ("ALFA", "RVZ", "MAG-CJ", "DISTRIB", "BAZA"))
    plans["raw 50"] = await explain(*items_query(pg, articles, lists, DAY))

    # The app's items statement for 50 lines (as sent: SQLite's trace has the values in it).
    query, args = items_sql[DOC_LINES]

    async def items_ms() -> float:
        samples = []
        for _ in range(15):
            samples.append(await clock(lambda: raw.fetch(query, args)))
        return median(samples)

    with_index = await items_ms()
    await _sql(conn, f'DROP INDEX "{INDEX}"')
    try:
        plans["app 50, no index"] = await explain(query, args, "without the index")
        without = await items_ms()
    finally:
        await _sql(conn, f'CREATE INDEX "{INDEX}" ON pret (article, price_list, valid_from)')
    plans["index ms"] = (with_index, without)
    return plans


async def _sql(conn: Any, statement: str) -> None:
    if hasattr(conn, "fetchval"):  # asyncpg
        await conn.execute(statement)
    else:
        await conn.execute(statement)
        await conn.commit()


# ------------------------------------------------------------------------ report

MARK = "resolve_prices"
HEADER = ["engine", "date", "price items", "50 lines: app ms (per line)", "raw ms",
          "app/raw", "10k lines: app ms (per line)", "raw ms", "app/raw",
          "statements per call (1 / 50 / 5000 / 10k lines)",
          f"items query uses {INDEX}"]  # fmt: skip
SECTION = f"""## Resolve prices (50-line document, 10k-article batch)

<!-- {MARK}:about -->
<!-- /{MARK}:about -->

<!-- {MARK}:table -->
<!-- /{MARK}:table -->

<!-- {MARK}:notes -->
<!-- /{MARK}:notes -->

<!-- {MARK}:details -->
<!-- /{MARK}:details -->
"""
ABOUT = """Budget (issue 4): well under 1 ms per line at 100k price items — indexes, no per-line
query storm. Measured: `domain.pricing.resolver.resolve_prices` for one context (a partner
of a group, a work point, a salesperson of a team, one day) reaching 6 lists, 5 of which
the salesperson may use; a 50-line document (different articles each call) and a batch
of 10,000 articles. `python -m bench.resolve_prices --engine sqlite|postgres`.

- *Data* (seeded with INSERT ... SELECT): 20k articles, 10 lists, ~195k items entered as
  the app enters them — a new price is a new open-ended item, so history stays and is
  read: 4 dated prices, 2 quantity tiers and a future price per article in the base
  list, ended weekend promotions, prices with VAT in the work point's list, a derived
  list (base −12 %, rounded to 0.05) for the team, a list of the group reserved to
  another team, 4 other work points' lists. ~1 % of the articles have no price at all.
- *raw*: on one open connection (asyncpg / aiosqlite), two hand-written statements per
  call — the context (assignments, lists, their bases, the user's access level) and the
  candidate items of the usable lists with their article's VAT rate — and the pick in
  plain Python (precedence, tier, latest start, derived price, net and gross through the
  same pure money functions). It gives no explanations (`why`) and does not check that
  the articles exist. The run checks that both sides price every line identically.
- Times are wall-clock per call, medians; app/raw is the median of the rounds' ratios of
  total time (within a round the sides alternate). The details add the process's CPU time
  per call, steadier when neighbours load the machine. *Statements*: the app's SQL per
  call, counted at the driver in an untimed pass (transaction control and driver chatter
  excluded; see the listings).
- The notes block below the table is written by hand (what the figures say, what to
  change); the bench rewrites the rest of this section and leaves the notes alone."""


def report(result: dict[str, Any], write: bool = True) -> str:
    """Write the section of docs/benchmarks.md (unless not `write`); a summary."""
    docs, batch = result["docs"], result["batch"]
    counted, plans, phases = result["counted"], result["plans"], result["phases"]
    engine_name = result["engine"]

    def app_sql(n: int) -> list[str]:
        return [s for s in counted[n] if kind(s) == "app"]

    index_cell = (
        f"50 lines: {access_path(plans[f'app {DOC_LINES}'], judged=True)}; "
        f"10k (5,000 per statement): {access_path(plans[f'app {BATCH}'])}"
    )
    doc_ms, doc_raw = median(docs.app), median(docs.raw)
    batch_ms, batch_raw = median(batch.app), median(batch.raw)
    ok = "✓" if batch_ms / BATCH < 1 and doc_ms / DOC_LINES < 1 else "✗"
    row = [
        f"{engine_name} ({result['server']})", today(), f"{result['items']:,}",
        f"{doc_ms:.2f} (**{doc_ms / DOC_LINES:.3f}**) {ok}", f"{doc_raw:.2f}",
        f"{median(docs.ratios):.2f}",
        f"{batch_ms:.0f} (**{batch_ms / BATCH:.3f}**) {ok}", f"{batch_raw:.0f}",
        f"{median(batch.ratios):.2f}",
        " / ".join(str(len(app_sql(n))) for n in (1, 50, 5000, BATCH)), index_cell,
    ]  # fmt: skip
    summary = (
        f"{engine_name}: 50 lines app {doc_ms:.2f} ms ({doc_ms / DOC_LINES:.3f} ms/line), raw "
        f"{doc_raw:.2f} ms, app/raw {median(docs.ratios):.2f}; 10k lines app {batch_ms:.0f} ms "
        f"({batch_ms / BATCH:.3f} ms/line), raw {batch_raw:.0f} ms, app/raw "
        f"{median(batch.ratios):.2f}; statements {row[-2]}; items query: {index_cell}; "
        f"CPU ms per call: 50 lines app {median(docs.app_cpu):.2f}, raw "
        f"{median(docs.raw_cpu):.2f}; 10k app {median(batch.app_cpu):.0f}, raw "
        f"{median(batch.raw_cpu):.0f}\n"
        + "\n".join(
            f"  {n} lines: " + ", ".join(f"{k} {v:.2f}" for k, v in phases[n].items())
            for n in phases
        )
    )
    if not write:
        return summary
    doc_section(MARK + ":about", SECTION)
    ensure_notes()
    doc_replace(MARK + ":about", ABOUT)
    doc_replace(MARK + ":table", table_upsert(HEADER, engine_name, row))

    def listing(statements: list[str]) -> str:
        return "\n".join(
            f"{i:2}. {'   ' if kind(s) == 'app' else '(' + kind(s) + ')'} {abbreviate(s)}"
            for i, s in enumerate(statements, 1)
        )

    def plan(text: str) -> str:
        def short(line: str) -> str:
            indent = len(line) - len(line.lstrip())
            return line[:indent] + abbreviate(line.strip(), 130 - indent)

        return "\n".join(short(line.rstrip()) for line in text.splitlines())

    def phase_rows(n: int) -> str:
        p = phases[n]
        names = [*PHASES, "pricing loop (pick, derive, VAT, why)", "total"]
        body = "\n".join(f"| {name} | {p[name]:.2f} |" for name in names)
        extra = (
            f"\n\nThe items statements alone: {p['items: Piccolo raw() alone']:.2f} ms "
            f"through `PriceList.raw` (rows converted to dicts, Decimal, date), "
            f"{p['items: driver alone']:.2f} ms on the bare driver connection. They return "
            f"{p['rows']:,.0f} rows ({p['rows'] / n:.1f} per line), of which "
            f"{p['rows that can be picked']:,.0f} can ever be picked (the latest item of each "
            f"list, article and tier, in a list the user may use) and "
            f"{p['rows of the list she may not use']:,.0f} belong to the list she may not use."
        )
        return f"| phase ({n:,} lines) | ms |\n|---|---|\n{body}{extra}"

    sizes = ", ".join(f"{n:,} → {len(app_sql(n))}" for n in COUNTED_SIZES)
    levels = ", ".join(f"{k} {v:,}" for k, v in sorted(result["levels"].items()))
    with_ix, without_ix = plans["index ms"]
    per_doc = result["n_docs"]
    details = f"""### {engine_name}: {result["versions"]}

- run {today()} on code {result["code"]}: {result["articles"]:,} articles, \
{result["lists"]} lists, {result["items"]:,} price items (seeded in {result["seed_s"]:.1f} s); \
{result["rounds"]} rounds of {per_doc} documents of 50 lines and one 10k batch per side; \
load average (1 min, {os.cpu_count()} CPUs) {result["load"][0]:.1f} before the timed rounds, \
{result["load"][1]:.1f} after
- 50 lines, ms per call, median / p95: app {doc_ms:.2f} / {_p95(docs.app):.2f}; raw \
{doc_raw:.2f} / {_p95(docs.raw):.2f}; app/raw per round \
{", ".join(f"{x:.2f}" for x in docs.ratios)}
- 10k lines, ms per call: app {", ".join(f"{x:.0f}" for x in batch.app)}; raw \
{", ".join(f"{x:.0f}" for x in batch.raw)}; app/raw per round \
{", ".join(f"{x:.2f}" for x in batch.ratios)}
- CPU time of the process per call, median, 50 lines: app {median(docs.app_cpu):.2f}, raw \
{median(docs.raw_cpu):.2f} ms; 10k lines: app {median(batch.app_cpu):.0f}, raw \
{median(batch.raw_cpu):.0f} ms ({
        "includes SQLite's own work" if engine_name == "sqlite" else "client side only"
    })
- a 10k batch was priced from: {levels} (of {BATCH:,})
- app statements per call by number of lines: {sizes}; the raw baseline: \
{len(result["raw_counted"][DOC_LINES])} at 50 lines, {len(result["raw_counted"][BATCH])} at 10k
- the app's items statement for 50 lines, on the raw side's connection: {with_ix:.2f} ms with \
the index, {without_ix:.2f} ms without it

Where the app's time goes (median of an untimed pass with the resolver's loaders wrapped
in a timer; "pricing loop" is the rest of `resolve_prices`):

{phase_rows(DOC_LINES)}

{phase_rows(BATCH)}

One call for 50 lines ({len(app_sql(DOC_LINES))} app statements, {len(counted[DOC_LINES])} in all):

```text
{listing(counted[DOC_LINES])}
```

The raw baseline for 50 lines ({len(result["raw_counted"][DOC_LINES])} statements):

```text
{listing(result["raw_counted"][DOC_LINES])}
```

Plan of the app's items statement, 50 lines:

```text
{plan(plans[f"app {DOC_LINES}"])}
```

Plan of the app's first items statement of the 10k batch (5,000 articles):

```text
{plan(plans[f"app {BATCH}"])}
```

The same statement for 50 lines without the index (dropped for the measure, then made
again):

```text
{plan(plans["app 50, no index"])}
```

The raw items statement (with the VAT rate joined), 50 lines:

```text
{plan(plans["raw 50"])}
```"""

    def merge(old: str) -> str:
        parts = [p for p in old.split("\n### ") if p.strip()]
        parts = ["### " + p.removeprefix("### ") for p in parts]
        kept = [p for p in parts if not p.startswith(f"### {engine_name}:")]
        return "\n\n".join(sorted([*kept, details]))

    doc_replace(MARK + ":details", merge)
    return summary


def ensure_notes() -> None:
    """The hand-written notes block, added before the details when missing (kept as is
    otherwise)."""
    text = DOC.read_text()
    if f"<!-- {MARK}:notes -->" in text:
        return
    details = f"<!-- {MARK}:details -->"
    block = f"<!-- {MARK}:notes -->\n<!-- /{MARK}:notes -->\n\n"
    DOC.write_text(text.replace(details, block + details, 1))


def access_path(plan: str, judged: bool = False) -> str:
    """How the items statement reaches `pret`: through the index, or by a scan. Only a
    document's statement must use the index; for a quarter of the articles a scan may be
    the planner's better choice."""
    if INDEX in plan:
        return "index ✓" if judged else "index"
    found = "scan" if re.search(r"Seq Scan on pret|SCAN pret\b", plan) else "other"
    return f"{found} ✗" if judged else found


def _p95(values: Sequence[float]) -> float:
    return sorted(values)[int(0.95 * len(values))]


def pg_url() -> str:
    """BENCH_PG_URL's server, this benchmark's own database."""
    return urlunparse(urlparse(PG_URL)._replace(path=f"/{PG_DB}"))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--docs", type=int, default=100, help="50-line calls per side per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--no-doc", action="store_true", help="print only")
    parser.add_argument("--keep-db", action="store_true", help="keep the SQLite file")
    args = parser.parse_args(argv)
    if args.articles < BATCH:
        parser.error(f"--articles must be at least {BATCH}")
    url = fresh_postgres(pg_url()) if args.engine == "postgres" else fresh_sqlite()
    os.environ["DATABASE_URL"] = url  # before anything imports piccolo_conf
    print(f"database: {url}")
    try:
        result = asyncio.run(run(args.engine, url, args))
    finally:
        folder = Path(sqlite_path(url)).parent
        if args.engine == "sqlite" and not args.keep_db and folder.name.startswith("catastif-"):
            shutil.rmtree(folder, ignore_errors=True)  # ~60 MB of seeded catalogue
    print(report(result, write=not args.no_doc))


if __name__ == "__main__":
    main()
