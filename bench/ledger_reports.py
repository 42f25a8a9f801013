"""Ledger reports on 1M+ journal lines: the trial balance, the customer file and the sales
journal through the app, next to hand-written SQL answering the same question.

    .venv/bin/python -m bench.ledger_reports --engine sqlite|postgres [--rounds 5]

A fresh database (SQLite: a new file under /tmp; PostgreSQL: catastif_bench_ledger on the
server of BENCH_PG_URL, dropped and recreated), migrations and reference data, one company
with its chart (`chart_setup`) and a year of books seeded set-based (INSERT ... SELECT over
generate_series on PostgreSQL, a recursive CTE on SQLite; the same rows on both engines):

- ~12,000 invoices a month (144k in 2026), written directly into `factura` and
  `tva_factura` with frozen customer snapshots: goods at 21 %, at 21 + 11 %, food at 11 %,
  services, rent, cash-VAT, intra-EU and exports in EUR, domestic reverse charge, exempt
  rent, services in EUR, goods delivered on an aviz first, advance invoices, credit notes
  (some correcting 2025 invoices at 19 %), 0.5 % cancelled;
- one journal entry per invoice as the posting rules book it (4111 or the client's own
  4111.0x = 707/704/706 or 419/418 + 4427, 4428 under cash-VAT, 607 = 371 for goods; the
  aviz's own entry 418 = 707 + 4428 and its VAT moved 4428 -> 4427 by the invoice; storno
  entries for the cancelled ones), every line with its dimensions (work point, cost
  centre, department, team and person of the salesperson, a POS for some, a contract for
  services and rent, the article on revenue lines);
- collections of 90 % of them 5-60 days later (5121.01/5121.02/5311, 5124.01 for EUR;
  4428 -> 4427 under cash-VAT), advance deductions, ~14 clients who never pay reclassified
  4111 -> 4118 in November, supplier invoices (371/605/6022/612/626/628 + 4426 = 401) and
  their payments, payroll per person, depreciation, bank fees, weekly cash deposits, and
  the opening balances of 31 December 2025 (and their collection and payment in January).

3,000 clients (150 abroad, the five largest with their own analytic account 4111.01 ..
4111.05; invoices skewed toward the large ones), 300 suppliers, 400 articles. Lines are
written in the order of their entries, entries in the order of their days, as posting
would have written them. Every entry is checked balanced after the seed.

Measured, on the same engine in the same run, the calls of each side alternating:
- app: the public report functions the API calls (`trial_balance`, `partner_file`,
  `sales_journal`, by an accountant, the installation's only company);
- raw: hand-written SQL on one open connection of the same driver (asyncpg / aiosqlite)
  answering the same question -- the balance rows with their four pairs of columns in one
  statement (grade-I, class and grand totals added up in Python), the file's accounts
  and its lines with running balances (two statements), the journal's pivot (one
  statement, the column totals in Python). On PostgreSQL the raw side sums the Numeric
  columns as they are; on SQLite it sums integer bani (REAL columns would drift).
Both sides must give the same numbers (every row, every total, every line).

Also reported, from untimed passes: the app's statements per call (counted at the driver),
where the app's time goes (its own statements replayed on the raw connection -- database
and driver, without Piccolo and the report's Python -- taking turns with the app's call
and the raw side) and the plans of the heavy statements of both sides.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import math
import os
import re
import shutil
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
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
    today,
    versions,
)

PG_DB = "catastif_bench_ledger"
YEAR_START = date(2026, 1, 1)
DAYS = 365  # 2026
OPENING_DAY = YEAR_START - timedelta(days=1)
BALANCE_PERIOD = (date(2026, 12, 1), date(2026, 12, 31))  # reads every line of the year
FILE_PERIOD = (YEAR_START, date(2026, 12, 31))
JOURNAL_MONTH = "2026-03"
CLIENTS, FOREIGN, SUPPLIERS, PERSONS = 3000, 150, 300, 24
DOMESTIC = CLIENTS - FOREIGN
GOODS_ARTICLES, SERVICE_ARTICLES = 300, 100
TYPICAL_CLIENT = 1400  # index: about 30 invoices a year (the largest, index 0, ~2,500)
EUR_E4 = 49700  # 4.9700 lei, + 0.0025 a month

# ------------------------------------------------------------------------ the invoices

# What is invoiced, per mille of the invoices: name, share, type code, VAT regime,
# currency, VAT code and rate of the first (and second) VAT row, the account of the
# revenue lines, goods (a cost line pair), sold abroad (a foreign client).
# fmt: off
KINDS = [
    ("goods21",      640, "380", "normal",   "RON", "S",  21, None, None, "707", 1, 0),
    ("goods21_11",   120, "380", "normal",   "RON", "S",  21, "S",  11,   "707", 1, 0),
    ("food11",        10, "380", "normal",   "RON", "S",  11, None, None, "707", 1, 0),
    ("services",      60, "380", "normal",   "RON", "S",  21, None, None, "704", 0, 0),
    ("rent",          10, "380", "normal",   "RON", "S",  21, None, None, "706", 0, 0),
    ("cash_vat",      40, "380", "cash_vat", "RON", "S",  21, None, None, "707", 1, 0),
    ("intra_eu",      30, "380", "normal",   "EUR", "K",   0, None, None, "707", 1, 1),
    ("export",        20, "380", "normal",   "EUR", "G",   0, None, None, "707", 1, 1),
    ("reverse",       10, "380", "normal",   "RON", "AE",  0, None, None, "707", 1, 0),
    ("exempt",        10, "380", "normal",   "RON", "E",   0, None, None, "706", 0, 0),
    ("eur21",         20, "380", "normal",   "EUR", "S",  21, None, None, "704", 0, 0),
    ("aviz",          10, "380", "normal",   "RON", "S",  21, None, None, "418", 1, 0),
    ("advance",        5, "386", "normal",   "RON", "S",  21, None, None, "419", 0, 0),
    ("credit_note",   10, "381", "normal",   "RON", "S",  21, None, None, "707", 1, 0),
    ("credit_note19",  5, "381", "normal",   "RON", "S",  19, None, None, "707", 1, 0),
]
# fmt: on
assert sum(k[1] for k in KINDS) == 1000

SUPPLIER_SNAPSHOT = (
    '{"name": "Catastif Bench SRL", "cui": "44556670", "reg_com": "J40/1/2024", '
    '"country": "RO", "county": "RO-B", "sector": "SECTOR1", "city": "București", '
    '"street": "Calea Victoriei 1", "postal_code": "", "email": "", "phone": "", '
    '"vat_payer": true, "cash_vat": false, "vat_code": "RO44556670", "capital": "200.00", '
    '"bank_accounts": []}'
)


class Sql:
    """The few expressions that differ between the engines in the seeding SQL."""

    def __init__(self, pg: bool) -> None:
        self.pg = pg

    def numbers(self, n: int, statement: str) -> str:
        """`statement` reads the numbers 0 .. n-1 as `n.i` from `{nums}`."""
        if self.pg:
            return statement.replace("{nums}", f"generate_series(0, {n - 1}) AS n(i)")
        return (
            f"WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {n - 1}) "
            + statement.replace("{nums}", "n")
        )

    def day(self, offset: str) -> str:
        """The day `offset` days after 1 January 2026."""
        if self.pg:
            return f"(DATE '{YEAR_START}' + CAST({offset} AS INTEGER))"
        return f"date('{YEAR_START}', ({offset}) || ' days')"

    @staticmethod
    def h(expr: str, salt: int) -> str:
        """A deterministic pseudo-random integer in [0, 4294967291) from `expr` (the same
        on both engines: 64-bit integer arithmetic)."""
        return f"((({expr}) * 2654435761 + {salt * 104729}) % 4294967291)"

    def u(self, expr: str, salt: int) -> str:
        """... and in [0, 1)."""
        real = "DOUBLE PRECISION" if self.pg else "REAL"
        return f"(CAST({self.h(expr, salt)} AS {real}) / 4294967291)"

    def floor(self, expr: str) -> str:
        return f"CAST(FLOOR({expr}) AS BIGINT)" if self.pg else f"CAST({expr} AS INTEGER)"

    @staticmethod
    def lei(bani: str) -> str:
        """Integer bani as an amount: Numeric on PostgreSQL, the nearest REAL on SQLite
        (what Piccolo stores for that Decimal)."""
        return f"(({bani}) / 100.0)"

    @staticmethod
    def div(a: str, b: str) -> str:
        """a / b rounded half away from zero, in integers (b > 0): every amount of the
        seed is computed in integer bani, so both engines write the same numbers."""
        return (f"(CASE WHEN ({a}) < 0 THEN -((2 * -({a}) + ({b})) / (2 * ({b}))) "
                f"ELSE (2 * ({a}) + ({b})) / (2 * ({b})) END)")  # fmt: skip

    def pad(self, expr: str) -> str:
        if self.pg:
            return f"lpad(CAST({expr} AS TEXT), 6, '0')"
        return f"printf('%06d', {expr})"

    def json_object(self, pairs: Sequence[tuple[str, str]]) -> str:
        args = ", ".join(f"'{k}', {v}" for k, v in pairs)
        return f"json_build_object({args})" if self.pg else f"json_object({args})"

    def json_text(self, expr: str) -> str:
        """A JSON document given as text (PostgreSQL does not cast text to json by itself)."""
        return f"CAST({expr} AS JSON)" if self.pg else expr

    def json_bool(self, expr: str) -> str:
        return expr if self.pg else f"json(CASE WHEN {expr} THEN 'true' ELSE 'false' END)"

    def ts(self, day_expr: str) -> str:
        """A Timestamptz at 09:00 UTC of a day."""
        if self.pg:
            return f"(CAST({day_expr} AS TIMESTAMPTZ) + INTERVAL '9 hours')"
        return f"({day_expr} || ' 09:00:00+00:00')"

    @property
    def unlogged(self) -> str:
        return "UNLOGGED " if self.pg else ""


class Raw:
    """One open connection of the driver the app uses (asyncpg / aiosqlite)."""

    def __init__(self, conn: Any, pg: bool) -> None:
        self.conn, self.pg = conn, pg

    async def execute(self, statement: str) -> None:
        await self.conn.execute(statement)

    async def fetch(self, statement: str, args: Sequence[Any] = ()) -> list[Sequence[Any]]:
        if self.pg:
            return list(await self.conn.fetch(statement, *args))
        async with self.conn.execute(statement, args) as cur:
            return list(await cur.fetchall())

    async def value(self, statement: str, args: Sequence[Any] = ()) -> Any:
        rows = await self.fetch(statement, args)
        return rows[0][0] if rows else None


def named(sql: str, pg: bool, values: dict[str, Any]) -> tuple[str, list[Any]]:
    """:name placeholders -> $n (asyncpg) or ? (sqlite3), and the arguments in order.
    Dates go as ISO text to SQLite (as Piccolo stores them)."""
    names: list[str] = []

    def mark(found: re.Match[str]) -> str:
        name = found.group(1)
        if not pg:
            names.append(name)
            return "?"
        if name not in names:
            names.append(name)
        return f"${names.index(name) + 1}"

    text = re.sub(r"(?<!:):([a-z_]+)\b", mark, sql)
    args = [values[n] if pg or not isinstance(values[n], date) else values[n].isoformat()
            for n in names]  # fmt: skip
    return text, args


@dataclass
class World:
    company: int
    actor: Any
    big_client: int
    typical_client: int
    counts: dict[str, int]
    seed_s: float


def month_ends() -> list[tuple[int, int]]:
    """(month 0-11, offset of its last day from 1 January)."""
    out = []
    for m in range(12):
        following = date(2026 + (m + 1) // 12, (m + 1) % 12 + 1, 1)
        out.append((m, (following - YEAR_START).days - 1))
    return out


def recv_code(idx: str) -> str:
    """The client's receivable account: the five largest have their own analytic one."""
    return f"CASE WHEN {idx} < 5 THEN '4111.0' || CAST({idx} + 1 AS TEXT) ELSE '4111' END"


def bad_payer(idx: str) -> str:
    """Clients who never pay (reclassified to 4118 in November)."""
    return f"({idx} % 211 = 7 AND {idx} >= 5 AND {idx} < {DOMESTIC})"


class Stager:
    """Writes journal lines into bench_line, entry by entry: `entry()` fixes what its
    lines share (source, day, reference, the rows they come from, dimensions); each
    `line()` adds one line per row, overriding what differs."""

    def __init__(self, run: Callable[[str], Awaitable[None]]) -> None:
        self.run = run

    def entry(self, source: str, source_id: str, ekind: str, d: str, ref: str,
              **shared: str) -> Entry:  # fmt: skip
        return Entry(self.run, source, source_id, ekind, d, ref, shared)


@dataclass
class Entry:
    run: Callable[[str], Awaitable[None]]
    source: str
    source_id: str
    ekind: str
    d: str
    ref: str
    shared: dict[str, str]

    async def line(self, seq: int, code: str, debit: str = "0", credit: str = "0",
                   **own: str) -> None:  # fmt: skip
        """One line per row of `frm`; debit, credit and `cur` in integer bani."""
        x = {"frm": "bench_plan p", "where": "1 = 1", "partner": "NULL", "currency": "'RON'",
             "cur": "0", "person": "NULL", "pos": "NULL", "contract": "NULL",
             "article": "NULL"} | self.shared | own  # fmt: skip
        if "where" in self.shared and "where" in own:
            x["where"] = f"({self.shared['where']}) AND ({own['where']})"
        await self.run(
            "INSERT INTO bench_line (source_type, source_id, ekind, seq, d, ref, code, debit, "
            "credit, currency, cur, partner, person, pos, contract, article) "
            f"SELECT '{self.source}', {self.source_id}, '{self.ekind}', {seq}, {self.d}, "
            f"{self.ref}, {code}, {Sql.lei(debit)}, {Sql.lei(credit)}, {x['currency']}, "
            f"{Sql.lei(x['cur'])}, "
            f"{x['partner']}, {x['person']}, {x['pos']}, {x['contract']}, {x['article']} "
            f"FROM {x['frm']} WHERE {x['where']}"
        )


async def seed(raw: Raw, sql: Sql, per_month: int) -> World:
    """The company, its reference rows (through the app's tables) and a year of books
    (set-based, on the raw connection)."""
    from domain.ledger.chart import chart_setup
    from domain.org.permissions import Actor
    from tables.choices import DocType, Role
    from tables.ledger import Account
    from tables.org import Company, CostCentre, Department, Person, Team, WorkPoint
    from tables.pos import PointOfSale
    from tables.sales import DocumentSeries

    started = time.perf_counter()
    company = Company(
        name="Catastif Bench SRL", cui="44556670", reg_com="J40/1/2024", county="RO-B",
        sector="SECTOR1", city="București", street="Calea Victoriei 1",
        capital=Decimal("200.00"), vat_payer=True,
    )  # fmt: skip
    await company.save()
    c = company.id
    await chart_setup(c)
    series = DocumentSeries(company=c, doc_type=DocType.invoice, prefix="FCT")
    await series.save()
    cities = ["București", "Cluj-Napoca", "Iași", "Timișoara", "Constanța"]
    points = []
    for k, city in enumerate(cities, 1):
        wp = WorkPoint(company=c, code=f"PL{k}", name=f"Punct de lucru {city}", city=city)
        await wp.save()
        points.append(wp.id)
    centres = []
    for code, name in (("VNZ", "Vânzări"), ("SRV", "Service"), ("LOG", "Logistică"),
                       ("ADM", "Administrativ")):  # fmt: skip
        cc = CostCentre(company=c, code=code, name=name)
        await cc.save()
        centres.append(cc.id)
    departments = []
    for code, name in (("COM", "Comercial"), ("TEH", "Tehnic"), ("FIN", "Financiar")):
        d = Department(company=c, code=code, name=name)
        await d.save()
        departments.append(d.id)
    teams = []
    for k in range(6):
        t = Team(company=c, code=f"E{k + 1}", name=f"Echipa {k + 1}",
                 department=departments[k % 2])  # fmt: skip
        await t.save()
        teams.append(t.id)
    persons = []
    for k in range(PERSONS):
        p = Person(
            company=c, name=f"Agent {k + 1:02d}", work_point=points[k % 5],
            department=departments[(k % 6) % 2], team=teams[k % 6],
            cost_centre=centres[0] if k % 4 else centres[1],
        )  # fmt: skip
        await p.save()
        persons.append(p.id)
    pos = []
    for k in range(3):
        x = PointOfSale(company=c, work_point=points[k], code=f"CAS{k + 1}",
                        name=f"Casa {k + 1}")  # fmt: skip
        await x.save()
        pos.append(x.id)
    analytics = [(f"4111.0{k}", f"Clienți - client mare {k}", "4111", True) for k in range(1, 6)]
    analytics += [("5121.01", "Conturi la bănci în lei - BCR", "5121", False),
                  ("5121.02", "Conturi la bănci în lei - BT", "5121", False),
                  ("5124.01", "Conturi la bănci în valută - BCR EUR", "5124", False)]  # fmt: skip
    for code, name, parent, third_party in analytics:
        await Account(company=c, code=code, name=name, account_class=int(code[0]), kind="A",
                      parent=parent, third_party=third_party).save()  # fmt: skip
    for expected in (points, centres, departments, teams, persons, pos):
        if expected != list(range(expected[0], expected[0] + len(expected))):
            raise SystemExit("reference rows are not numbered consecutively")
    person0, pos0 = persons[0], pos[0]

    async def run(statement: str) -> None:
        t = time.perf_counter()
        await raw.execute(statement)
        if not raw.pg:
            await raw.conn.commit()
        if (spent := time.perf_counter() - t) > 2:  # progress, on a long seed
            print(f"  {spent:5.1f} s  {abbreviate(statement, 100)}")

    async def analyze(*tables: str) -> None:
        """PostgreSQL plans the joins of the staging tables from statistics (SQLite makes
        automatic indexes for them)."""
        if raw.pg:
            for table in tables:
                await run(f"ANALYZE {table}")

    ids = {
        r[0]: r[1]
        for r in await raw.fetch(
            "SELECT code, id FROM unitate_masura WHERE code IN ('H87', 'E48') UNION ALL "
            "SELECT code, id FROM categorie_tva WHERE code IN ('S-STANDARD', 'S-REDUSA')"
        )
    }
    # Articles: 300 goods then 100 services.
    await run(sql.numbers(GOODS_ARTICLES + SERVICE_ARTICLES, (
        "INSERT INTO articol (code, name, kind, uom, vat_category, warranty_months, nc_code, "
        "description, active) "
        "SELECT 'A' || CAST(10000 + i AS TEXT), "
        f"CASE WHEN i < {GOODS_ARTICLES} THEN 'Marfă ' ELSE 'Serviciu ' END || CAST(i AS TEXT), "
        f"CASE WHEN i < {GOODS_ARTICLES} THEN 'goods' ELSE 'service' END, "
        f"CASE WHEN i < {GOODS_ARTICLES} THEN {ids['H87']} ELSE {ids['E48']} END, "
        f"{ids['S-STANDARD']}, 0, '', '', TRUE FROM {{nums}} ORDER BY i"
    )))  # fmt: skip
    article0, article_n = (
        await raw.fetch("SELECT MIN(id), MAX(id) - MIN(id) + 1 FROM articol WHERE code LIKE 'A1%'")
    )[0]
    if article_n != GOODS_ARTICLES + SERVICE_ARTICLES:
        raise SystemExit("articles are not numbered consecutively")

    # Clients: domestic companies (every 20th a person, every 4th no VAT payer), then
    # the foreign ones; suppliers after them.
    counties = "'RO-B', 'RO-CJ', 'RO-IS', 'RO-TM', 'RO-CT', 'RO-BV', 'RO-PH'"
    county = f"(CASE i % 7 {' '.join(f'WHEN {k} THEN {v}' for k, v in enumerate(counties.split(', ')))} END)"  # noqa: E501
    await run(sql.numbers(CLIENTS, (
        "INSERT INTO partener (kind, name, cui, cnp, foreign_vat_id, reg_com, country, county, "
        "city, street, vat_payer, active) SELECT "
        f"CASE WHEN i < {DOMESTIC} AND i % 20 = 19 THEN 'individual' ELSE 'company' END, "
        f"CASE WHEN i >= {DOMESTIC} THEN 'Foreign Customer ' || CAST(i AS TEXT) || ' GmbH' "
        "WHEN i % 20 = 19 THEN 'Persoană fizică ' || CAST(i AS TEXT) "
        "ELSE 'Client ' || CAST(i AS TEXT) || ' SRL' END, "
        f"CASE WHEN i < {DOMESTIC} AND i % 20 <> 19 THEN CAST(10000000 + i AS TEXT) END, "
        f"CASE WHEN i < {DOMESTIC} AND i % 20 = 19 THEN CAST(1800101000000 + i AS TEXT) END, "
        f"CASE WHEN i >= {DOMESTIC} THEN 'DE' || CAST(100000000 + i AS TEXT) END, "
        f"CASE WHEN i < {DOMESTIC} AND i % 20 <> 19 THEN 'J40/' || CAST(i AS TEXT) || '/2015' "
        "ELSE '' END, "
        f"CASE WHEN i >= {DOMESTIC} THEN 'DE' ELSE 'RO' END, "
        f"CASE WHEN i >= {DOMESTIC} THEN '' ELSE {county} END, "
        f"CASE WHEN i >= {DOMESTIC} THEN 'München' ELSE 'Oraș ' || CAST(i % 50 AS TEXT) END, "
        "'Strada ' || CAST(i % 97 AS TEXT) || ' nr. ' || CAST(1 + i % 40 AS TEXT), "
        f"CASE WHEN i >= {DOMESTIC} OR i % 4 <> 3 THEN TRUE ELSE FALSE END, TRUE "
        "FROM {nums} ORDER BY i"
    )))  # fmt: skip
    client0 = await raw.value("SELECT MIN(id) FROM partener WHERE name LIKE 'Client 0 %'")
    await run(sql.numbers(SUPPLIERS, (
        "INSERT INTO partener (kind, name, cui, reg_com, country, county, city, street, "
        "vat_payer, active) SELECT 'company', 'Furnizor ' || CAST(i AS TEXT) || ' SRL', "
        "CAST(20000000 + i AS TEXT), 'J12/' || CAST(i AS TEXT) || '/2010', 'RO', 'RO-CJ', "
        "'Cluj-Napoca', 'Strada Fabricii ' || CAST(i AS TEXT), TRUE, TRUE FROM {nums} ORDER BY i"
    )))  # fmt: skip
    supplier0 = await raw.value("SELECT MIN(id) FROM partener WHERE name = 'Furnizor 0 SRL'")
    last = await raw.value("SELECT MAX(id) FROM partener")
    if last != supplier0 + SUPPLIERS - 1 or supplier0 != client0 + CLIENTS:
        raise SystemExit("partners are not numbered consecutively")
    idx = f"(p.id - {client0})"
    await run(
        "INSERT INTO rol_partener (partner, role, account) "
        f"SELECT p.id, 'client', CASE WHEN {idx} < 5 THEN {recv_code(idx)} ELSE '' END "
        f"FROM partener p WHERE p.id BETWEEN {client0} AND {client0 + CLIENTS - 1} "
        f"UNION ALL SELECT p.id, 'supplier', '' FROM partener p WHERE p.id >= {supplier0}"
    )

    # ---------------------------------------------------------------- the invoice plan
    await run(f"CREATE {sql.unlogged}TABLE bench_kind (name VARCHAR(20), lo INTEGER, "
              "hi INTEGER, type_code VARCHAR(3), regime VARCHAR(16), currency VARCHAR(3), "
              "c1 VARCHAR(2), r1 INTEGER, c2 VARCHAR(2), r2 INTEGER, "
              "revenue VARCHAR(20), goods INTEGER, abroad INTEGER)")  # fmt: skip
    rows, lo = [], 0
    for name, share, type_code, regime, cur, c1, r1, c2, r2, revenue, goods, abroad in KINDS:
        c2_sql = f"'{c2}'" if c2 else "NULL"
        r2_sql = str(r2) if r2 is not None else "NULL"
        rows.append(
            f"('{name}', {lo}, {lo + share}, '{type_code}', '{regime}', '{cur}', '{c1}', {r1}, "
            f"{c2_sql}, {r2_sql}, '{revenue}', {goods}, {abroad})"
        )
        lo += share
    await run(f"INSERT INTO bench_kind VALUES {', '.join(rows)}")
    n_inv = per_month * 12
    await run(f"CREATE {sql.unlogged}TABLE bench_plan (i INTEGER PRIMARY KEY, kind VARCHAR(20), "
              "d INTEGER, day DATE, idx INTEGER, partner INTEGER, recv VARCHAR(20), "
              "bad INTEGER, type_code VARCHAR(3), status VARCHAR(10), regime VARCHAR(16), "
              "currency VARCHAR(3), fx INTEGER, c1 VARCHAR(2), r1 INTEGER, b1 BIGINT, "
              "v1 BIGINT, b1r BIGINT, v1r BIGINT, c2 VARCHAR(2), r2 INTEGER, b2 BIGINT, "
              "v2 BIGINT, b2r BIGINT, v2r BIGINT, tot BIGINT, tot_r BIGINT, vat_r BIGINT, "
              "vat BIGINT, revenue VARCHAR(20), goods INTEGER, cost BIGINT, person INTEGER, "
              "pos INTEGER, contract INTEGER, article1 INTEGER, article2 INTEGER, "
              "paid_d INTEGER, pay_account VARCHAR(20), invoice INTEGER)")  # fmt: skip
    # The client: skewed toward the largest (index 0) at home, uniform abroad.
    u_client = sql.u("x.i", 3)
    client_idx = (f"CASE WHEN k.abroad = 1 THEN {DOMESTIC} + x.h4 % {FOREIGN} "
                  f"ELSE {sql.floor(f'{DOMESTIC} * {u_client} * {u_client}')} END")  # fmt: skip
    # Amounts in bani (bench_plan holds bani): 20 .. 30,020 lei, skewed to the small;
    # the rate in 1/10,000 lei; credit notes negative.
    sign = "CASE WHEN k.type_code = '381' THEN -1 ELSE 1 END"
    fx = f"CASE WHEN k.currency = 'EUR' THEN {EUR_E4} + 25 * (x.d * 12 / {DAYS}) ELSE 10000 END"
    u5, u6 = sql.u("x.i", 5), sql.u("x.i", 6)
    base1 = f"(2000 + {sql.floor(f'3000000 * {u5} * {u5} * {u5}')})"
    base2 = f"(500 + {sql.floor(f'300000 * {u6} * {u6}')})"
    await run(sql.numbers(n_inv, (
        "INSERT INTO bench_plan (i, kind, d, idx, type_code, status, regime, currency, fx, "
        "c1, r1, b1, c2, r2, b2, revenue, goods, person, pos, contract, article1, article2) "
        f"SELECT x.i, k.name, x.d, {client_idx}, k.type_code, "
        "CASE WHEN x.h7 % 200 = 0 AND k.type_code = '380' THEN 'cancelled' ELSE 'issued' END, "
        f"k.regime, k.currency, {fx}, k.c1, k.r1, "
        f"{sign} * {sql.div(f'{base1} * 10000', fx)}, k.c2, k.r2, "
        f"CASE WHEN k.c2 IS NOT NULL THEN {sign} * {sql.div(f'{base2} * 10000', fx)} END, "
        f"k.revenue, k.goods, {person0} + x.h8 % {PERSONS}, "
        f"CASE WHEN x.h8 % 20 = 0 AND k.goods = 1 THEN {pos0} + x.h8 % 3 END, "
        "CASE WHEN k.revenue IN ('704', '706') THEN 1 + x.h4 % 300 END, "
        f"CASE WHEN k.goods = 1 THEN {article0} + x.h9 % {GOODS_ARTICLES} "
        f"ELSE {article0 + GOODS_ARTICLES} + x.h9 % {SERVICE_ARTICLES} END, "
        f"CASE WHEN k.c2 IS NOT NULL THEN {article0} + x.h4 % {GOODS_ARTICLES} END "
        f"FROM (SELECT i, i * {DAYS} / {n_inv} AS d, {sql.h('i', 1)} % 1000 AS bucket, "
        f"{sql.h('i', 4)} AS h4, {sql.h('i', 7)} AS h7, {sql.h('i', 8)} AS h8, "
        f"{sql.h('i', 9)} AS h9 FROM {{nums}}) x "
        "JOIN bench_kind k ON x.bucket >= k.lo AND x.bucket < k.hi ORDER BY x.i"
    )))  # fmt: skip
    await run(f"UPDATE bench_plan SET partner = {client0} + idx, recv = {recv_code('idx')}, "
              f"bad = CASE WHEN {bad_payer('idx')} THEN 1 ELSE 0 END, day = {sql.day('d')}, "
              f"v1 = {sql.div('b1 * r1', '100')}, v2 = {sql.div('b2 * r2', '100')}, "
              f"b1r = {sql.div('b1 * fx', '10000')}, "
              f"b2r = {sql.div('b2 * fx', '10000')}")  # fmt: skip
    paid = f"d + 5 + {sql.h('i', 10)} % 56"
    await run(
        f"UPDATE bench_plan SET v1r = {sql.div('v1 * fx', '10000')}, "
        f"v2r = {sql.div('v2 * fx', '10000')}, "
        f"cost = CASE WHEN goods = 1 THEN {sql.div('b1r * 7', '10')} ELSE 0 END, "
        f"paid_d = CASE WHEN status = 'issued' AND type_code <> '381' AND bad = 0 "
        f"AND {sql.h('i', 11)} % 10 <> 0 AND {paid} < {DAYS} THEN {paid} END, "
        f"pay_account = CASE WHEN currency = 'EUR' THEN '5124.01' "
        f"WHEN {sql.h('i', 12)} % 10 = 0 THEN '5311' "
        f"WHEN {sql.h('i', 12)} % 3 = 0 THEN '5121.02' ELSE '5121.01' END"
    )  # fmt: skip
    await run("UPDATE bench_plan SET tot = b1 + v1 + COALESCE(b2 + v2, 0), "
              "tot_r = b1r + v1r + COALESCE(b2r + v2r, 0), vat = v1 + COALESCE(v2, 0), "
              "vat_r = v1r + COALESCE(v2r, 0)")  # fmt: skip

    # ---------------------------------------------------------------- invoices, VAT rows
    cs = "c"
    snapshot = sql.json_object([
        ("kind", f"{cs}.kind"), ("name", f"{cs}.name"), ("cui", f"{cs}.cui"),
        ("cnp", f"{cs}.cnp"), ("foreign_vat_id", f"{cs}.foreign_vat_id"),
        ("reg_com", f"{cs}.reg_com"), ("country", f"{cs}.country"),
        ("county", f"{cs}.county"), ("sector", f"{cs}.sector"), ("city", f"{cs}.city"),
        ("street", f"{cs}.street"), ("postal_code", f"{cs}.postal_code"),
        ("email", f"{cs}.email"), ("phone", f"{cs}.phone"),
        ("vat_payer", sql.json_bool(f"{cs}.vat_payer")),
        ("vat_code", f"CASE WHEN {cs}.cui IS NOT NULL AND {cs}.vat_payer "
                     f"THEN 'RO' || {cs}.cui ELSE COALESCE({cs}.foreign_vat_id, '') END"),
    ])  # fmt: skip
    await analyze("bench_plan")
    net = sql.lei("p.b1 + COALESCE(p.b2, 0)")
    mentions = "CASE WHEN p.regime = 'cash_vat' THEN '[\"TVA la încasare\"]' ELSE '[]' END"
    await run(
        "INSERT INTO factura (company, type_code, status, series, number, full_number, "
        "partner, vat_regime, currency, fx_rate, fx_date, issue_date, delivery_date, due_date, "
        "work_point, cost_centre, department, team, person, supplier_snapshot, "
        "customer_snapshot, mentions, line_net_total, tax_exclusive, vat_total, "
        "vat_total_ron, tax_inclusive, payable, issued_at, issued_by, cancelled_at, "
        "cancel_reason) "
        f"SELECT {c}, p.type_code, p.status, {series.id}, p.i + 1, 'FCT-' || {sql.pad('p.i + 1')}, "
        "p.partner, p.regime, p.currency, "
        "CASE WHEN p.currency = 'EUR' THEN p.fx / 10000.0 END, "
        f"CASE WHEN p.currency = 'EUR' THEN {sql.day('p.d - 1')} END, p.day, p.day, "
        f"{sql.day('p.d + 30')}, pe.work_point, pe.cost_centre, pe.department, pe.team, pe.id, "
        f"{sql.json_text(f"'{SUPPLIER_SNAPSHOT}'")}, {snapshot}, {sql.json_text(mentions)}, "
        f"{net}, {net}, {sql.lei('p.vat')}, {sql.lei('p.vat_r')}, {sql.lei('p.tot')}, "
        f"{sql.lei('p.tot')}, "
        f"{sql.ts('p.day')}, 'bench', "
        f"CASE WHEN p.status = 'cancelled' THEN {sql.ts(sql.day('p.d + 1'))} END, "
        "CASE WHEN p.status = 'cancelled' THEN 'Emisă greșit' ELSE '' END "
        "FROM bench_plan p JOIN partener c ON c.id = p.partner "
        "JOIN persoana pe ON pe.id = p.person ORDER BY p.i"
    )  # fmt: skip
    await run(f"UPDATE bench_plan SET invoice = (SELECT f.id FROM factura f WHERE "
              f"f.series = {series.id} AND f.number = bench_plan.i + 1)")  # fmt: skip
    await run(
        "INSERT INTO tva_factura (invoice, vat_code, vat_rate, base, vat, base_ron, vat_ron) "
        f"SELECT invoice, c, r, {sql.lei('b')}, {sql.lei('v')}, {sql.lei('br')}, "
        f"{sql.lei('vr')} FROM ("
        "SELECT p.invoice, 1 AS k, p.c1 AS c, p.r1 AS r, p.b1 AS b, p.v1 AS v, p.b1r AS br, "
        "p.v1r AS vr FROM bench_plan p UNION ALL "
        "SELECT p.invoice, 2, p.c2, p.r2, p.b2, p.v2, p.b2r, p.v2r FROM bench_plan p "
        "WHERE p.b2 IS NOT NULL) x ORDER BY invoice, k"
    )

    # ---------------------------------------------------------------- journal lines, staged
    # Every line first into bench_line with the key of its entry (source type, source id,
    # kind); the entries are then written in the order of their days and the lines in the
    # order of their entries, as posting day by day would have written them.
    await run(f"CREATE {sql.unlogged}TABLE bench_line (source_type VARCHAR(20), "
              "source_id INTEGER, ekind VARCHAR(20), seq INTEGER, d INTEGER, "
              "ref VARCHAR(40), code VARCHAR(20), debit NUMERIC(18, 2), credit NUMERIC(18, 2), "
              "currency VARCHAR(3), cur NUMERIC(18, 2), partner INTEGER, person INTEGER, "
              "pos INTEGER, contract INTEGER, article INTEGER)")  # fmt: skip
    stage = Stager(run)
    eur = "p.currency = 'EUR'"
    number = f"'FCT-' || {sql.pad('p.i + 1')}"
    dims = {"person": "p.person", "pos": "p.pos", "contract": "p.contract"}

    # The invoice's entry, as invoice_posting books it.
    e = stage.entry("invoice", "p.invoice", "invoice", "p.d", number, currency="p.currency",
                    **dims)  # fmt: skip
    await e.line(1, "p.recv", "p.tot_r", partner="p.partner",
                 cur=f"CASE WHEN {eur} THEN p.tot ELSE 0 END")  # fmt: skip
    revenue_partner = "CASE WHEN p.revenue IN ('418', '419') THEN p.partner END"
    await e.line(2, "p.revenue", credit="p.b1r", partner=revenue_partner,
                 cur=f"CASE WHEN {eur} THEN -p.b1 ELSE 0 END", article="p.article1")  # fmt: skip
    await e.line(3, "p.revenue", credit="p.b2r", where="p.b2 IS NOT NULL",
                 cur=f"CASE WHEN {eur} THEN -p.b2 ELSE 0 END", article="p.article2")  # fmt: skip
    # Goods first delivered on an aviz: their VAT moves from 4428 to 4427.
    await e.line(4, "'418'", credit="p.v1r", where="p.kind = 'aviz'", partner="p.partner")
    await e.line(5, "'4428'", "p.v1r", where="p.kind = 'aviz'")
    await e.line(6, "CASE WHEN p.regime = 'cash_vat' THEN '4428' ELSE '4427' END",
                 credit="p.vat_r", where="p.vat_r <> 0",
                 cur=f"CASE WHEN {eur} THEN -p.vat ELSE 0 END")  # fmt: skip
    goods_out = "p.goods = 1 AND p.kind <> 'aviz' AND p.cost <> 0"  # stock_out, in RON
    await e.line(7, "'607'", "p.cost", where=goods_out, currency="'RON'")
    await e.line(8, "'371'", credit="p.cost", where=goods_out, currency="'RON'")

    # The aviz, five days before its invoice: 418 = 707 + 4428, 607 = 371.
    e = stage.entry("document", "p.invoice", "delivery_note",
                    "CASE WHEN p.d >= 5 THEN p.d - 5 ELSE 0 END",
                    f"'AVZ-' || {sql.pad('p.i + 1')}", where="p.kind = 'aviz'",
                    **dims)  # fmt: skip
    await e.line(1, "'418'", "p.tot_r", partner="p.partner")
    await e.line(2, "'707'", credit="p.b1r", article="p.article1")
    await e.line(3, "'4428'", credit="p.v1r")
    await e.line(4, "'607'", "p.cost")
    await e.line(5, "'371'", credit="p.cost")

    # An advance is deducted 20 days later (when that is still in the year).
    e = stage.entry("advance", "p.invoice", "reclass", "p.d + 20", number,
                    where=f"p.kind = 'advance' AND p.status = 'issued' AND p.d + 20 < {DAYS}",
                    **dims)  # fmt: skip
    await e.line(1, "'419'", "p.b1r", partner="p.partner")
    await e.line(2, "'4427'", "p.v1r")
    await e.line(3, "p.recv", credit="p.tot_r", partner="p.partner")

    # Collections: bank (or cash, or the EUR account) = the client; cash-VAT becomes due.
    e = stage.entry("receipt", "p.invoice", "manual", "p.paid_d",
                    f"'OP-' || {sql.pad('p.i + 1')}", where="p.paid_d IS NOT NULL",
                    **dims)  # fmt: skip
    await e.line(1, "p.pay_account", "p.tot_r", currency="p.currency",
                 cur=f"CASE WHEN {eur} THEN p.tot ELSE 0 END")  # fmt: skip
    await e.line(2, "p.recv", credit="p.tot_r", partner="p.partner", currency="p.currency",
                 cur=f"CASE WHEN {eur} THEN -p.tot ELSE 0 END")  # fmt: skip
    cash_vat = "p.paid_d IS NOT NULL AND p.regime = 'cash_vat'"
    await e.line(3, "'4428'", "p.vat_r", where=cash_vat)
    await e.line(4, "'4427'", credit="p.vat_r", where=cash_vat)

    # Cancelled invoices: the storno of their entry, the next day.
    await analyze("bench_line")
    await run(
        "INSERT INTO bench_line SELECT b.source_type, b.source_id, 'reversal', b.seq, "
        f"CASE WHEN b.d + 1 < {DAYS} THEN b.d + 1 ELSE b.d END, b.ref, b.code, -b.debit, "
        "-b.credit, b.currency, -b.cur, b.partner, b.person, b.pos, b.contract, b.article "
        "FROM bench_line b JOIN bench_plan p ON p.invoice = b.source_id "
        "WHERE b.source_type = 'invoice' AND b.ekind = 'invoice' AND p.status = 'cancelled'"
    )

    # Clients who never pay: what they owe at 31 October goes to 4118 on 30 November
    # (advances deducted by then count for nothing).
    owed = ("SUM(p.tot_r) - SUM(CASE WHEN p.kind = 'advance' AND p.d + 20 < 304 "
            "THEN p.tot_r ELSE 0 END)")  # fmt: skip
    e = stage.entry("doubtful", "p.partner", "reclass", "333", "'Client incert'",
                    frm=f"(SELECT p.partner, p.recv, {owed} AS owed FROM bench_plan p "
                        "WHERE p.bad = 1 AND p.d < 304 AND p.status = 'issued' "
                        "GROUP BY p.partner, p.recv) p", partner="p.partner")  # fmt: skip
    await e.line(1, "'4118'", "p.owed")
    await e.line(2, "p.recv", credit="p.owed")

    # ---------------------------------------------------------------- the purchase side
    n_purchases = per_month * 12 // 5
    await run(f"CREATE {sql.unlogged}TABLE bench_purchase (j INTEGER PRIMARY KEY, d INTEGER, "
              "supplier INTEGER, code VARCHAR(20), base BIGINT, vat BIGINT, "
              "paid_d INTEGER, person INTEGER)")  # fmt: skip
    u_sup, u_base = sql.u("i", 21), sql.u("x.i", 23)
    expense = (
        "CASE WHEN x.b < 60 THEN '371' WHEN x.b < 70 THEN '605' WHEN x.b < 80 "
        "THEN '6022' WHEN x.b < 85 THEN '612' WHEN x.b < 90 THEN '626' ELSE '628' END"
    )
    delay = f"30 + {sql.h('x.i', 25)} % 30"
    await run(sql.numbers(n_purchases, (
        "INSERT INTO bench_purchase (j, d, supplier, code, base, paid_d, person) "
        f"SELECT x.i, x.d, {supplier0} + x.s, {expense}, "
        f"5000 + {sql.floor(f'2000000 * {u_base} * {u_base}')}, "
        f"CASE WHEN x.d + {delay} < {DAYS} THEN x.d + {delay} END, "
        f"{person0} + x.i % {PERSONS} FROM (SELECT i, i * {DAYS} / {n_purchases} AS d, "
        f"{sql.floor(f'{SUPPLIERS} * {u_sup} * {u_sup}')} AS s, {sql.h('i', 22)} % 100 AS b "
        "FROM {nums}) x ORDER BY x.i"
    )))  # fmt: skip
    await run(f"UPDATE bench_purchase SET vat = {sql.div('base * 21', '100')}")
    nir = f"'NIR-' || {sql.pad('p.j + 1')}"
    e = stage.entry("purchase", "p.j", "manual", "p.d", nir, frm="bench_purchase p",
                    person="p.person")  # fmt: skip
    await e.line(1, "p.code", "p.base")
    await e.line(2, "'4426'", "p.vat")
    await e.line(3, "'401'", credit="p.base + p.vat", partner="p.supplier")
    e = stage.entry("payment", "p.j", "manual", "p.paid_d", nir, frm="bench_purchase p",
                    where="p.paid_d IS NOT NULL", person="p.person")  # fmt: skip
    await e.line(1, "'401'", "p.base + p.vat", partner="p.supplier")
    await e.line(2, "'5121.01'", credit="p.base + p.vat")

    # ---------------------------------------------------------------- payroll and the rest
    ends = " UNION ALL ".join(f"SELECT {m} AS m, {d} AS d" for m, d in month_ends())
    payroll = (
        f"(SELECT e.m, e.d, pe.id AS person, 500000 + 25000 * ((pe.id - {person0}) % 12) "
        f"AS gross FROM ({ends}) e CROSS JOIN persoana pe WHERE pe.company = {c}) p"
    )
    ref = "'Stat salarii ' || CAST(p.m + 1 AS TEXT)"
    # Of a gross in bani that divides exactly.
    withheld = (("4315", "25 / 100"), ("4316", "10 / 100"), ("444", "65 / 1000"),
                ("421", "585 / 1000"))  # fmt: skip
    e = stage.entry("payroll", "p.m + 1", "manual", "p.d", ref, frm=payroll, person="p.person")
    await e.line(1, "'641'", "p.gross")
    for seq, (code, share) in enumerate(withheld, 2):
        await e.line(seq, f"'{code}'", credit=f"p.gross * {share}")
    e = stage.entry("payroll_pay", "p.m + 1", "manual", "p.d + 10", ref, frm=payroll,
                    where=f"p.d + 10 < {DAYS}", person="p.person")  # fmt: skip
    for seq, (code, share) in enumerate(withheld, 1):
        await e.line(seq, f"'{code}'", f"p.gross * {share}")
    await e.line(5, "'5121.01'", credit="p.gross")
    for source, debit, credit, amount in (("depreciation", "6811", "2813", "500000"),
                                          ("bank_fees", "627", "5121.01", "15000")):  # fmt: skip
        e = stage.entry(source, "p.m + 1", "manual", "p.d", f"'{source}'", frm=f"({ends}) p")
        await e.line(1, f"'{debit}'", amount)
        await e.line(2, f"'{credit}'", credit=amount)
    e = stage.entry("cash_deposit", "p.w + 1", "manual",
                    f"CASE WHEN p.w * 7 + 6 < {DAYS} THEN p.w * 7 + 6 ELSE {DAYS - 1} END",
                    "'Depunere numerar'",
                    frm="(SELECT p.paid_d / 7 AS w, SUM(p.tot_r) AS cash FROM bench_plan p "
                        "WHERE p.pay_account = '5311' AND p.paid_d IS NOT NULL "
                        "GROUP BY p.paid_d / 7) p")  # fmt: skip
    await e.line(1, "'5121.01'", "p.cash")
    await e.line(2, "'5311'", credit="p.cash")

    # ---------------------------------------------------------------- 31 December 2025
    u31, u32 = sql.u("i", 31), sql.u("i", 32)
    amount = sql.lei(f"30000 + {sql.floor(f'1500000 * {u31} * {u31}')}")
    await run(sql.numbers(CLIENTS, (
        "INSERT INTO bench_line (source_type, source_id, ekind, seq, d, ref, code, debit, "
        "credit, currency, cur, partner) "
        f"SELECT 'opening', 2025, 'manual', 1, -1, 'Sold inițial', {recv_code('i')}, {amount}, "
        f"0, 'RON', 0, {client0} + i FROM {{nums}} "
        f"WHERE i < 800 AND i % 3 = 0 AND NOT {bad_payer('i')}"
    )))  # fmt: skip
    amount = sql.lei(f"50000 + {sql.floor(f'2000000 * {u32} * {u32}')}")
    await run(sql.numbers(SUPPLIERS, (
        "INSERT INTO bench_line (source_type, source_id, ekind, seq, d, ref, code, debit, "
        "credit, currency, cur, partner) "
        f"SELECT 'opening', 2025, 'manual', 2, -1, 'Sold inițial', '401', 0, {amount}, "
        f"'RON', 0, {supplier0} + i FROM {{nums}}"
    )))  # fmt: skip
    fixed = [("371", "1500000", "0"), ("5121.01", "400000", "0"), ("5121.02", "100000", "0"),
             ("5124.01", "49700", "0"), ("5311", "8000", "0"), ("2131", "600000", "0"),
             ("2813", "0", "240000"), ("1012", "0", "200")]  # fmt: skip
    values = ", ".join(
        f"('opening', 2025, 'manual', {seq}, -1, 'Sold inițial', '{code}', {debit}, {credit}, "
        + ("'EUR', 10000)" if code == "5124.01" else "'RON', 0)")
        for seq, (code, debit, credit) in enumerate(fixed, 3)
    )
    await run("INSERT INTO bench_line (source_type, source_id, ekind, seq, d, ref, code, "
              f"debit, credit, currency, cur) VALUES {values}")  # fmt: skip
    e = stage.entry("opening", "2025", "manual", "-1", "'Sold inițial'",
                    frm="(SELECT SUM(ROUND(debit * 100)) - SUM(ROUND(credit * 100)) AS net "
                        "FROM bench_line WHERE source_type = 'opening') p")  # fmt: skip
    await e.line(20, "'117'", "CASE WHEN p.net < 0 THEN -p.net ELSE 0 END",
                 "CASE WHEN p.net > 0 THEN p.net ELSE 0 END")  # fmt: skip
    # The opening balances collected and paid in January.
    supplier = "p.code = '401'"
    e = stage.entry("receipt_opening", "p.partner", "manual", "3 + p.partner % 40",
                    "'Încasare sold'",
                    frm="(SELECT * FROM bench_line WHERE source_type = 'opening' "
                        "AND partner IS NOT NULL) p")  # fmt: skip
    paid_off = f"ROUND(CASE WHEN {supplier} THEN p.credit ELSE p.debit END * 100)"
    await e.line(1, f"CASE WHEN {supplier} THEN p.code ELSE '5121.01' END", paid_off,
                 partner=f"CASE WHEN {supplier} THEN p.partner END")  # fmt: skip
    await e.line(2, f"CASE WHEN {supplier} THEN '5121.01' ELSE p.code END", credit=paid_off,
                 partner=f"CASE WHEN {supplier} THEN NULL ELSE p.partner END")  # fmt: skip

    # ---------------------------------------------------------------- entries, then lines
    description = (
        "CASE b.source_type WHEN 'invoice' THEN CASE WHEN b.ekind = 'reversal' THEN "
        "'Stornare factura ' ELSE 'Factura ' END || b.ref WHEN 'document' THEN 'Aviz ' || b.ref "
        "WHEN 'receipt' THEN 'Încasare ' || b.ref WHEN 'advance' THEN 'Regularizare avans ' "
        "|| b.ref WHEN 'purchase' THEN 'Factură furnizor ' || b.ref WHEN 'payment' THEN "
        "'Plată ' || b.ref ELSE b.ref END"
    )
    await analyze("bench_line")
    await run(
        "INSERT INTO nota_contabila (company, day, kind, source_type, source_id, reference, "
        "description, created_by) "
        f"SELECT {c}, {sql.day('b.d')}, b.ekind, b.source_type, b.source_id, b.ref, "
        f"{description}, 'bench' FROM (SELECT source_type, source_id, ekind, MIN(d) AS d, "
        "MIN(ref) AS ref FROM bench_line GROUP BY source_type, source_id, ekind) b "
        "ORDER BY b.d, b.source_type, b.source_id, b.ekind"
    )  # fmt: skip
    await run(
        "UPDATE nota_contabila SET reverses = (SELECT o.id FROM nota_contabila o "
        "WHERE o.source_type = 'invoice' AND o.source_id = nota_contabila.source_id "
        "AND o.kind = 'invoice') WHERE kind = 'reversal'"
    )
    await analyze("nota_contabila")
    await run(
        "INSERT INTO linie_nota (entry, company, day, account, debit, credit, currency, "
        "currency_amount, partner, work_point, cost_centre, department, team, person, pos, "
        "contract, article, description) "
        f"SELECT e.id, {c}, e.day, a.id, b.debit, b.credit, b.currency, b.cur, b.partner, "
        "pe.work_point, pe.cost_centre, pe.department, pe.team, b.person, b.pos, b.contract, "
        "b.article, '' FROM bench_line b "
        "JOIN nota_contabila e ON e.source_type = b.source_type AND e.source_id = b.source_id "
        f"AND e.kind = b.ekind JOIN cont_contabil a ON a.company = {c} AND a.code = b.code "
        "LEFT JOIN persoana pe ON pe.id = b.person ORDER BY e.id, b.seq"
    )  # fmt: skip
    staged = await raw.value("SELECT COUNT(*) FROM bench_line")
    for table in ("bench_line", "bench_purchase", "bench_plan", "bench_kind"):
        await run(f"DROP TABLE {table}")

    # ---------------------------------------------------------------- checks, statistics
    counts = {
        "lines": await raw.value("SELECT COUNT(*) FROM linie_nota"),
        "entries": await raw.value("SELECT COUNT(*) FROM nota_contabila"),
        "invoices": await raw.value("SELECT COUNT(*) FROM factura"),
        "vat rows": await raw.value("SELECT COUNT(*) FROM tva_factura"),
        "accounts posted": await raw.value("SELECT COUNT(DISTINCT account) FROM linie_nota"),
        "partners": await raw.value("SELECT COUNT(*) FROM partener"),
    }
    if counts["lines"] != staged:
        raise SystemExit(f"{staged} lines staged, {counts['lines']} written: an unknown account")
    unbalanced = await raw.value(
        "SELECT COUNT(*) FROM (SELECT entry FROM linie_nota GROUP BY entry HAVING "
        "SUM(CAST(ROUND(debit * 100) AS BIGINT)) <> SUM(CAST(ROUND(credit * 100) AS BIGINT))) x"
    )
    if unbalanced:
        raise SystemExit(f"{unbalanced} unbalanced entries in the seed")
    start, end = (f"'{d}'" for d in (date(2026, 3, 1), date(2026, 3, 31)))
    counts["invoices in the month"] = await raw.value(
        f"SELECT COUNT(*) FROM factura WHERE issue_date >= {start} AND issue_date <= {end}"
    )
    if raw.pg:
        # Statistics and the visibility map, as autovacuum would leave them after a bulk
        # load; SQLite runs without statistics, as the app leaves it.
        await raw.execute("VACUUM ANALYZE")
    else:
        await raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return World(
        company=c,
        actor=Actor(role=Role.accountant, name="Contabil bench"),
        big_client=client0,
        typical_client=client0 + TYPICAL_CLIENT,
        counts=counts,
        seed_s=time.perf_counter() - started,
    )


# ------------------------------------------------------------------------ raw baselines


def m(expr: str, pg: bool) -> str:
    """A money column as the raw side sums it: as it is on PostgreSQL (Numeric, exact),
    in integer bani on SQLite (REAL)."""
    return expr if pg else f"CAST(ROUND({expr} * 100) AS INTEGER)"


def to_bani(value: Any, pg: bool) -> int:
    """A raw sum back to integer bani."""
    if value is None:
        return 0
    if pg:
        return int(Decimal(value).scaleb(2))
    return int(value)


BALANCE_SQL = """
WITH t AS (
  SELECT l.account,
         COALESCE(SUM({d} - {c}) FILTER (WHERE l.day < :year_start), 0) AS op,
         COALESCE(SUM({d}) FILTER (WHERE l.day >= :year_start AND l.day < :start), 0) AS bd,
         COALESCE(SUM({c}) FILTER (WHERE l.day >= :year_start AND l.day < :start), 0) AS bc,
         COALESCE(SUM({d}) FILTER (WHERE l.day >= :start), 0) AS pd,
         COALESCE(SUM({c}) FILTER (WHERE l.day >= :start), 0) AS pc
    FROM linie_nota l
   WHERE l.company = :company AND l.day <= :end
   GROUP BY l.account
), s AS (
  SELECT COALESCE(NULLIF(a.parent, ''), a.code) AS code, MIN(a.account_class) AS cls,
         SUM(t.op) AS op, SUM(t.bd) AS bd, SUM(t.bc) AS bc, SUM(t.pd) AS pd, SUM(t.pc) AS pc
    FROM t JOIN cont_contabil a ON a.id = t.account
   GROUP BY 1
), b AS (
  SELECT s.*, {greatest}(s.op, 0) AS od, {greatest}(-s.op, 0) AS oc FROM s
)
SELECT b.code, b.cls, n.name, b.od, b.oc, b.bd, b.bc, b.pd, b.pc,
       b.bd + b.pd, b.bc + b.pc, b.od + b.bd + b.pd, b.oc + b.bc + b.pc,
       {greatest}(b.od + b.bd + b.pd - b.oc - b.bc - b.pc, 0),
       {greatest}(b.oc + b.bc + b.pc - b.od - b.bd - b.pd, 0)
  FROM b LEFT JOIN cont_contabil n ON n.company = :company AND n.code = b.code
 ORDER BY b.cls, b.code
"""

FILE_CODES = "(a.code LIKE '4111%' OR a.code LIKE '4118%' OR a.code LIKE '418%' " \
             "OR a.code LIKE '419%')"  # fmt: skip

FILE_SUMS_SQL = f"""
SELECT a.code, l.currency,
       COALESCE(SUM({{d}} - {{c}}) FILTER (WHERE l.day < :start), 0),
       COALESCE(SUM({{d}}) FILTER (WHERE l.day >= :start), 0),
       COALESCE(SUM({{c}}) FILTER (WHERE l.day >= :start), 0),
       COALESCE(SUM({{ca}}) FILTER (WHERE l.day < :start), 0),
       COALESCE(SUM({{ca}}) FILTER (WHERE l.day >= :start), 0),
       COUNT(*) FILTER (WHERE l.day >= :start)
  FROM linie_nota l JOIN cont_contabil a ON a.id = l.account
 WHERE l.partner = :partner AND l.day <= :end AND a.company = :company AND {FILE_CODES}
 GROUP BY a.code, l.currency
"""

FILE_LINES_SQL = f"""
SELECT x.day, x.entry, x.reference, x.description, x.code, x.d, x.c, x.currency, x.ca,
       x.balance, x.currency_balance
  FROM (SELECT l.day, l.entry, l.id, e.reference,
               COALESCE(NULLIF(l.description, ''), e.description) AS description, a.code,
               {{d}} AS d, {{c}} AS c, l.currency, {{ca}} AS ca,
               SUM({{d}} - {{c}}) OVER w AS balance,
               SUM({{ca}}) OVER (PARTITION BY l.currency ORDER BY l.day, l.entry, l.id)
                 AS currency_balance
          FROM linie_nota l
          JOIN cont_contabil a ON a.id = l.account
          JOIN nota_contabila e ON e.id = l.entry
         WHERE l.partner = :partner AND l.day <= :end AND a.company = :company
           AND {FILE_CODES}
        WINDOW w AS (ORDER BY l.day, l.entry, l.id)) x
 WHERE x.day >= :start
 ORDER BY x.day, x.entry, x.id
 LIMIT 10001
"""

# The journal's columns, written out by hand: (key, condition on the VAT row v of the
# invoice f, amount).
_S = "v.vat_code = 'S' AND f.vat_regime <> 'cash_vat'"
JOURNAL_COLUMNS = [
    *[(f"{part}_{rate}", f"{_S} AND v.vat_rate = {rate}", amount)
      for rate in (21, 19, 11, 9, 5)
      for part, amount in (("base", "v.base_ron"), ("vat", "v.vat_ron"))],
    ("base_other", f"{_S} AND v.vat_rate NOT IN (21, 19, 11, 9, 5)", "v.base_ron"),
    ("vat_other", f"{_S} AND v.vat_rate NOT IN (21, 19, 11, 9, 5)", "v.vat_ron"),
    ("intra_eu", "v.vat_code = 'K'", "v.base_ron"),
    ("export", "v.vat_code = 'G'", "v.base_ron"),
    ("exempt_deductible", "v.vat_code = 'Z'", "v.base_ron"),
    ("exempt", "v.vat_code = 'E'", "v.base_ron"),
    ("reverse_charge", "v.vat_code = 'AE'", "v.base_ron"),
    ("not_subject", "v.vat_code NOT IN ('S', 'K', 'G', 'Z', 'E', 'AE')", "v.base_ron"),
    ("cash_base", "v.vat_code = 'S' AND f.vat_regime = 'cash_vat'", "v.base_ron"),
    ("cash_vat", "v.vat_code = 'S' AND f.vat_regime = 'cash_vat'", "v.vat_ron"),
]  # fmt: skip


def journal_sql(pg: bool) -> str:
    def snap(k: str) -> str:
        return (
            f"f.customer_snapshot ->> '{k}'"
            if pg
            else f"json_extract(f.customer_snapshot, '$.{k}')"
        )

    columns = ",\n       ".join(
        f"SUM({m(amount, pg)}) FILTER (WHERE {cond}) AS {key}"
        for key, cond, amount in JOURNAL_COLUMNS
    )
    return f"""
SELECT f.id, f.full_number, f.issue_date, f.status, f.type_code, f.vat_regime, f.currency,
       {snap("name")}, {snap("vat_code")}, {snap("cui")}, {snap("cnp")},
       SUM({m("v.base_ron", pg)} + {m("v.vat_ron", pg)}) AS total,
       {columns}
  FROM factura f LEFT JOIN tva_factura v ON v.invoice = f.id AND f.status = 'issued'
 WHERE f.company = :company AND f.issue_date >= :start AND f.issue_date <= :end
   AND f.status IN ('issued', 'cancelled')
 GROUP BY f.id
 ORDER BY f.issue_date, f.full_number, f.id
"""


class RawReports:
    """The three questions in hand-written SQL on the raw connection."""

    def __init__(self, raw: Raw, company: int) -> None:
        self.raw, self.pg, self.company = raw, raw.pg, company
        pg = self.pg
        money = {"d": m("l.debit", pg), "c": m("l.credit", pg), "ca": m("l.currency_amount", pg)}
        self.balance_sql = BALANCE_SQL.format(greatest="GREATEST" if pg else "MAX", **money)
        self.file_sums_sql = FILE_SUMS_SQL.format(**money)
        self.file_lines_sql = FILE_LINES_SQL.format(**money)
        self.journal_sql = journal_sql(pg)

    def statement(self, sql: str, **values: Any) -> tuple[str, list[Any]]:
        return named(sql, self.pg, {"company": self.company, **values})

    async def trial_balance(self, start: date, end: date) -> dict[str, Any]:
        """Account rows with their 12 columns in bani (empty ones left out), then the
        grade-I, class and grand totals added side by side."""
        q, args = self.statement(self.balance_sql, year_start=start.replace(month=1, day=1),
                                 start=start, end=end)  # fmt: skip
        rows = {}
        for r in await self.raw.fetch(q, args):
            cells = tuple(to_bani(v, self.pg) for v in r[3:])
            if any(cells):
                rows[r[0]] = (int(r[1]), r[2], cells)
        totals: dict[tuple[str, str], list[int]] = {}
        for code, (cls, _, cells) in rows.items():
            for level, key in (("group", code[:3]), ("class", str(cls)), ("total", "")):
                acc = totals.setdefault((level, key), [0] * 12)
                for k, v in enumerate(cells):
                    acc[k] += v
        return {"accounts": {code: cells for code, (_, _, cells) in rows.items()},
                "totals": {k: tuple(v) for k, v in totals.items()}}  # fmt: skip

    async def partner_file(self, partner: int, start: date, end: date) -> dict[str, Any]:
        q, args = self.statement(self.file_sums_sql, partner=partner, start=start, end=end)
        accounts: dict[str, list[int]] = {}
        currencies: dict[str, list[int]] = {}
        for code, cur, opening, d, c, cur_open, cur_move, n in await self.raw.fetch(q, args):
            acc = accounts.setdefault(code, [0, 0, 0, 0])
            for k, v in enumerate((opening, d, c)):
                acc[k] += to_bani(v, self.pg)
            acc[3] += n
            if cur != "RON":
                cc = currencies.setdefault(cur, [0, 0])
                cc[0] += to_bani(cur_open, self.pg)
                cc[1] += to_bani(cur_move, self.pg)
        q, args = self.statement(self.file_lines_sql, partner=partner, start=start, end=end)
        lines = await self.raw.fetch(q, args)
        shown = {k: v for k, v in accounts.items() if v[0] or v[3]}
        return {
            "accounts": {k: tuple(v[:3]) for k, v in shown.items()},
            "currencies": {k: tuple(v) for k, v in currencies.items()},
            "lines": lines[:10_000],
            "truncated": len(lines) > 10_000,
        }

    async def sales_journal(self, month: str) -> dict[str, Any]:
        first = date.fromisoformat(f"{month}-01")
        following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        q, args = self.statement(self.journal_sql, start=first,
                                 end=following - timedelta(days=1))  # fmt: skip
        rows = await self.raw.fetch(q, args)
        keys = [k for k, _, _ in JOURNAL_COLUMNS]
        sums = dict.fromkeys(keys, 0)
        grand = 0
        for r in rows:  # only the columns a row fills (the others are NULL)
            grand += to_bani(r[11], self.pg)
            for k, value in zip(keys, r[12:], strict=True):
                if value is not None:
                    sums[k] += to_bani(value, self.pg)
        return {"rows": rows, "totals": sums, "total": grand}


# ------------------------------------------------------------------------ comparisons


def bani(value: Decimal) -> int:
    return int(value.scaleb(2))


def _pairs(row: Any) -> tuple[int, ...]:
    out: list[int] = []
    for p in (row.opening, row.previous, row.period, row.cumulated, row.totals, row.closing):
        out += [bani(p.debit), bani(p.credit)]
    return tuple(out)


def same_balance(app: Any, raw: dict[str, Any]) -> None:
    accounts = {r.code: _pairs(r) for r in app.rows if r.level == "account"}
    if accounts != raw["accounts"]:
        diff = sorted(set(accounts.items()) ^ set(raw["accounts"].items()))[:6]
        raise SystemExit(f"trial balance: the account rows differ: {diff}")
    for r in app.rows:
        if r.level in ("group", "class") and _pairs(r) != raw["totals"][(r.level, r.code)]:
            raise SystemExit(f"trial balance: {r.level} {r.code} differs")
    if _pairs(app.total) != raw["totals"][("total", "")] or not app.balanced:
        raise SystemExit("trial balance: the grand total differs or does not balance")


def same_file(app: Any, raw: dict[str, Any], pg: bool) -> None:
    accounts = {
        a.code: (bani(a.opening.debit) - bani(a.opening.credit), bani(a.turnover.debit),
                 bani(a.turnover.credit))
        for a in app.accounts
    }  # fmt: skip
    if accounts != raw["accounts"]:
        raise SystemExit(f"customer file: accounts differ: {accounts} vs {raw['accounts']}")
    currencies = {c.currency: (bani(c.opening), bani(c.movement)) for c in app.currencies}
    if currencies != raw["currencies"]:
        raise SystemExit(f"customer file: currencies differ: {currencies} {raw['currencies']}")
    if app.truncated != raw["truncated"] or len(app.lines) != len(raw["lines"]):
        raise SystemExit("customer file: not the same number of lines")
    for mine, r in zip(app.lines, raw["lines"], strict=True):
        day = r[0] if isinstance(r[0], date) else date.fromisoformat(r[0])
        theirs = (day, r[1], r[2], r[4], to_bani(r[5], pg), to_bani(r[6], pg),
                  to_bani(r[9], pg), r[7],
                  to_bani(r[8], pg) if r[7] != "RON" else None,
                  to_bani(r[10], pg) if r[7] != "RON" else None)  # fmt: skip
        ours = (mine.day, mine.entry, mine.reference, mine.account, bani(mine.debit),
                bani(mine.credit), bani(mine.balance.debit) - bani(mine.balance.credit),
                mine.currency,
                None if mine.currency_amount is None else bani(mine.currency_amount),
                None if mine.currency_balance is None else bani(mine.currency_balance))  # fmt: skip
        if ours != theirs:
            raise SystemExit(f"customer file: a line differs: {ours} vs {theirs}")


def same_journal(app: Any, raw: dict[str, Any], pg: bool) -> None:
    keys = [k for k, _, _ in JOURNAL_COLUMNS]
    if len(app.rows) != len(raw["rows"]):
        raise SystemExit("sales journal: not the same number of invoices")
    for mine, r in zip(app.rows, raw["rows"], strict=True):
        theirs = {k: to_bani(v, pg) for k, v in zip(keys, r[12:], strict=True) if v}
        theirs = {k: v for k, v in theirs.items() if v}
        ours = {k: bani(v) for k, v in mine.amounts.items()}
        if (mine.invoice, mine.number, bani(mine.total), ours) != (
            r[0],
            r[1],
            to_bani(r[11], pg),
            theirs,
        ):
            raise SystemExit(f"sales journal: invoice {mine.number} differs")
    if {k: bani(v) for k, v in app.totals.items()} != raw["totals"]:
        raise SystemExit("sales journal: the column totals differ")
    if bani(app.total) != raw["total"]:
        raise SystemExit("sales journal: the grand total differs")


# ------------------------------------------------------------------------ the run


@dataclass
class Case:
    key: str
    title: str
    app: Callable[[], Awaitable[Any]]
    raw: Callable[[], Awaitable[Any]]
    check: Callable[[Any, Any], None]
    size: str = ""  # what the answer holds
    calls: int = 1  # per side per round
    app_ms: list[float] = field(default_factory=list)
    raw_ms: list[float] = field(default_factory=list)
    app_cpu: list[float] = field(default_factory=list)
    raw_cpu: list[float] = field(default_factory=list)
    ratios: list[float] = field(default_factory=list)
    statements: list[str] = field(default_factory=list)
    # Untimed pass: median ms of the app's call, of its statements replayed on the raw
    # connection, of the raw side; and of each replayed statement.
    split: dict[str, float] = field(default_factory=dict)
    replayed: list[tuple[str, float]] = field(default_factory=list)
    plans: dict[str, str] = field(default_factory=dict)
    raw_statements: int = 0


async def clock(call: Callable[[], Awaitable[Any]], cpu: list[float]) -> float:
    start, start_cpu = time.perf_counter(), time.process_time()
    await call()
    cpu.append((time.process_time() - start_cpu) * 1000)
    return (time.perf_counter() - start) * 1000


def make_cases(world: World, rr: RawReports) -> list[Case]:
    from domain.ledger.reports_balance import trial_balance
    from domain.ledger.reports_partner import partner_file
    from domain.ledger.reports_sales import sales_journal

    actor, pg = world.actor, rr.pg
    b0, b1 = BALANCE_PERIOD
    f0, f1 = FILE_PERIOD

    def file_case(key: str, title: str, partner: int) -> Case:
        return Case(
            key, title,
            lambda: partner_file(by=actor, partner_id=partner, start=f0, end=f1),
            lambda: rr.partner_file(partner, f0, f1),
            lambda a, r: same_file(a, r, pg),
        )  # fmt: skip

    return [
        Case("trial_balance", f"Trial balance, {b0:%B %Y} (synthetic)",
             lambda: trial_balance(by=actor, start=b0, end=b1),
             lambda: rr.trial_balance(b0, b1), same_balance),
        file_case("file_large", "Customer file, largest client, the year", world.big_client),
        file_case("file_typical", "Customer file, typical client, the year",
                  world.typical_client),
        Case("sales_journal", f"Sales journal, {JOURNAL_MONTH}",
             lambda: sales_journal(by=actor, month=JOURNAL_MONTH),
             lambda: rr.sales_journal(JOURNAL_MONTH),
             lambda a, r: same_journal(a, r, pg)),
    ]  # fmt: skip


def describe(case: Case, answer: Any) -> str:
    if case.key == "trial_balance":
        n = sum(r.level == "account" for r in answer.rows)
        return f"{n} accounts, {len(answer.rows)} rows"
    if case.key.startswith("file"):
        return (f"{len(answer.lines):,} lines, {len(answer.accounts)} accounts"
                + (", truncated" if answer.truncated else ""))  # fmt: skip
    return f"{len(answer.rows):,} invoices"


async def run(engine_name: str, url: str, opts: argparse.Namespace) -> dict[str, Any]:
    import aiosqlite
    import asyncpg

    from domain.core.tx import engine
    from domain.org.setup import database_init

    pg = engine_name == "postgres"
    db = engine()
    if pg:
        await db.start_connection_pool()  # as app.py's lifespan does
        conn = await asyncpg.connect(url)
    else:
        conn = await aiosqlite.connect(sqlite_path(url), isolation_level=None)
    raw = Raw(conn, pg)
    if opts.reuse:
        world = await reuse_world(raw)
    else:
        await database_init()
        world = await seed(raw, Sql(pg), opts.invoices)
        print(f"seeded in {world.seed_s:.0f} s: " + ", ".join(
            f"{k} {v:,}" for k, v in world.counts.items()))  # fmt: skip
        if world.counts["lines"] < 1_000_000 and opts.invoices >= 12_000:
            raise SystemExit("fewer than 1M journal lines")
    if not pg:  # a new connection for the measures, as the app's: default cache, no state
        await conn.close()
        conn = await aiosqlite.connect(sqlite_path(url), isolation_level=None)
        raw = Raw(conn, pg)
    rr = RawReports(raw, world.company)
    cases = make_cases(world, rr)

    # Both sides give the same numbers; the calls per round from the first timings.
    for case in cases:
        t0 = time.perf_counter()
        answer = await case.app()
        app_s = time.perf_counter() - t0
        theirs = await case.raw()
        case.check(answer, theirs)
        case.size = describe(case, answer)
        case.calls = max(1, min(opts.max_calls, math.ceil(opts.target / max(app_s, 1e-3))))
        print(f"{case.title}: both sides agree ({case.size}); {case.calls} calls per round")

    load = [os.getloadavg()[0]]
    for r in range(opts.rounds):
        for n_case, case in enumerate(cases):
            spent = {"app": 0.0, "raw": 0.0}
            gc.collect()
            for k in range(case.calls):
                order = ("app", "raw") if (r + n_case + k) % 2 == 0 else ("raw", "app")
                for side in order:
                    call = case.app if side == "app" else case.raw
                    ms = await clock(call, getattr(case, f"{side}_cpu"))
                    getattr(case, f"{side}_ms").append(ms)
                    spent[side] += ms
            case.ratios.append(spent["app"] / spent["raw"])
        print(f"round {r + 1}: " + "; ".join(
            f"{c.key} {c.ratios[-1]:.2f}" for c in cases))  # fmt: skip
    load.append(os.getloadavg()[0])

    await count_and_explain(db, pg, raw, rr, cases, world)

    if pg:
        server = (await conn.fetchval("SHOW server_version")).split()[0]
        jit = await conn.fetchval("SHOW jit")
        await db.close_connection_pool()
    else:
        import sqlite3

        server, jit = sqlite3.sqlite_version, ""
    await conn.close()
    return {
        "engine": engine_name, "server": server, "versions": versions(engine_name, server),
        "code": code_version(), "world": world, "cases": cases, "rounds": opts.rounds,
        "load": load, "jit": jit, "reused": opts.reuse,
    }  # fmt: skip


async def reuse_world(raw: Raw) -> World:
    """A database seeded by an earlier run (--reuse): what the run needs from it."""
    from domain.org.permissions import Actor
    from tables.choices import Role

    company = await raw.value("SELECT MIN(id) FROM firma")
    big = await raw.value("SELECT id FROM partener WHERE name = 'Client 0 SRL'")
    counts = {
        "lines": await raw.value("SELECT COUNT(*) FROM linie_nota"),
        "entries": await raw.value("SELECT COUNT(*) FROM nota_contabila"),
        "invoices": await raw.value("SELECT COUNT(*) FROM factura"),
        "vat rows": await raw.value("SELECT COUNT(*) FROM tva_factura"),
        "accounts posted": await raw.value("SELECT COUNT(DISTINCT account) FROM linie_nota"),
        "partners": await raw.value("SELECT COUNT(*) FROM partener"),
    }
    return World(company, Actor(role=Role.accountant, name="Contabil bench"), big,
                 big + TYPICAL_CLIENT, counts, 0.0)  # fmt: skip


async def count_and_explain(
    db: Any, pg: bool, raw: Raw, rr: RawReports, cases: list[Case], world: World
) -> None:
    """Untimed: each case's app statements (counted at the driver, kept with their
    arguments), replayed on the raw connection; the plans of the heavy ones and of the
    raw side's statements."""
    log = StatementLog()
    full: list[tuple[str, list[Any]]] = []

    def keep(record: Any) -> None:
        if log.on:
            full.append((record.query, list(record.args)))

    async def init(c: Any) -> None:
        await log.pg_init(c)
        c.add_query_logger(keep)

    if pg:
        await db.close_connection_pool()
        await db.start_connection_pool(init=init)
    else:
        db.connection_kwargs["factory"] = log.sqlite_factory(always=True)
        await db.close_connection_pool()
    captured: dict[str, list[tuple[str, list[Any]]]] = {}
    try:
        for case in cases:
            await case.app()  # a new pool's first use (type introspection): not counted
            full.clear()
            with log.capture() as statements:
                await case.app()
                await asyncio.sleep(0)  # asyncpg hands records to loggers via call_soon
            case.statements = list(statements)
            captured[case.key] = list(full) if pg else [(s, []) for s in statements]
    finally:
        if pg:
            await db.close_connection_pool()
            await db.start_connection_pool()
        else:
            del db.connection_kwargs["factory"]
            await db.close_connection_pool()

    async def split(case: Case, app_side: list[tuple[str, list[Any]]]) -> None:
        """The app's call, its statements alone on the raw connection and the raw side,
        in turn (the order rotating), so that the three are measured at the same time."""
        per_statement: list[list[float]] = [[] for _ in app_side]
        totals: dict[str, list[float]] = {"app": [], "replay": [], "raw": []}

        async def replay() -> None:
            for k, (sql, args) in enumerate(app_side):
                t = time.perf_counter()
                await raw.fetch(sql, args)
                per_statement[k].append((time.perf_counter() - t) * 1000)

        calls = {"app": case.app, "replay": replay, "raw": case.raw}
        names = list(calls)
        for n in range(REPLAYS):
            for name in names[n % 3 :] + names[: n % 3]:
                t = time.perf_counter()
                await calls[name]()
                totals[name].append((time.perf_counter() - t) * 1000)
        case.replayed = [(sql, median(ms)) for (sql, _), ms in zip(app_side, per_statement,
                                                                   strict=True)]  # fmt: skip
        case.split = {name: median(values) for name, values in totals.items()}

    async def explain(sql: str, args: Sequence[Any]) -> str:
        if pg:
            rows = await raw.fetch("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql, args)
            return "\n".join(r[0] for r in rows)
        rows = await raw.fetch("EXPLAIN QUERY PLAN " + sql, args)
        return "\n".join(str(r[3]) for r in rows)

    raw_sql = {
        "trial_balance": [rr.statement(rr.balance_sql, year_start=YEAR_START,
                                       start=BALANCE_PERIOD[0], end=BALANCE_PERIOD[1])],
        "sales_journal": [rr.statement(rr.journal_sql, start=date(2026, 3, 1),
                                       end=date(2026, 3, 31))],
    }  # fmt: skip
    for key, partner in (("file_large", world.big_client), ("file_typical", world.typical_client)):
        raw_sql[key] = [
            rr.statement(sql, partner=partner, start=FILE_PERIOD[0], end=FILE_PERIOD[1])
            for sql in (rr.file_sums_sql, rr.file_lines_sql)
        ]
    for case in cases:
        case.raw_statements = len(raw_sql[case.key])
        app_side = [(s, a) for s, a in captured[case.key] if kind(s) == "app"]
        await split(case, app_side)
        if case.key == "file_typical":
            continue  # the same statements as the largest client's: their plans are there
        heavy = [(s, a) for s, a in app_side if re.search(r"linie_nota|tva_factura", s)]
        for n, (s, a) in enumerate(heavy, 1):
            case.plans[f"app {n}"] = await explain(s, a)
        for n, (s, a) in enumerate(raw_sql[case.key], 1):
            case.plans[f"raw {n}"] = await explain(s, a)


# ------------------------------------------------------------------------ report

MARK = "ledger_reports"
BUDGET = 2.0
REPLAYS = 5
HEADER = ["engine", "report", "date", "journal lines", "answer", "app ms", "raw ms",
          f"app/raw (budget ≤ {BUDGET:g})", "app statements",
          "app's SQL alone, of the app (ms)"]  # fmt: skip
SECTION = f"""## Ledger reports on 1M+ journal lines

<!-- {MARK}:about -->
<!-- /{MARK}:about -->

<!-- {MARK}:table -->
<!-- /{MARK}:table -->

<!-- {MARK}:notes -->
<!-- /{MARK}:notes -->

<!-- {MARK}:details -->
<!-- /{MARK}:details -->
"""
ABOUT = """Budget (ARCHITECTURE.md §7): trial balance, customer file and sales journal on 1M+
journal lines ≤ 2× the raw SQL query. Measured: the public report functions the API
calls — `trial_balance` (December 2026, synthetic: reads every line of the year),
`partner_file` (a client, the whole year; the largest client and a typical one) and
`sales_journal` (March 2026) — by an accountant, against hand-written SQL answering the
same question on one open connection of the same driver.
`python -m bench.ledger_reports --engine sqlite|postgres`.

- *Data* (seeded set-based, the same rows on both engines): one company with its chart,
  a year of books — ~12,000 invoices a month written into `factura`/`tva_factura` with
  their snapshots (21 %, 21 + 11 %, 11 %, services, rent, cash-VAT, intra-EU and export in
  EUR, reverse charge, exempt, aviz first, advances, credit notes some at 19 %, 0.5 %
  cancelled), each with its entry as the posting rules book it, 90 % collected, advance
  deductions, doubtful clients to 4118, supplier invoices and payments, payroll per
  person, depreciation, bank fees, cash deposits, the opening balances; every line with
  its dimensions; 3,000 clients skewed toward the large ones (the five largest on their
  own 4111.0x), 300 suppliers.
- *raw*: the balance in one statement (per account: opening, previous months, period,
  cumulated, totals, closing; analytics folded into their synthetic account; the
  grade-I, class and grand totals added in Python); the customer file in two (accounts ×
  currency; the lines with running balances in RON and in currency by window sums);
  the journal in one (the pivot with `FILTER`, column totals in Python). PostgreSQL sums
  Numeric as it is; SQLite sums integer bani. Both sides must give the same numbers.
- Times are wall-clock per call, medians; app/raw is the median of the rounds' ratios of
  total time (calls of the two sides alternate). *App's SQL alone*: the app's own
  statements replayed on the raw connection (database and driver, without Piccolo and
  the report's Python), next to the app's whole call, both measured in a separate pass
  where the app, its replayed statements and the raw side take turns. *Statements*:
  counted at the driver in an untimed pass.
- The notes block below the table is written by hand; the bench rewrites the rest of
  this section and leaves the notes alone."""


def table_upsert2(row: Sequence[str]) -> Callable[[str], str]:
    """For doc_replace: the table keeping one row per (engine, report): the first two
    cells' first words."""

    order = ("Trial", "Customer file, largest", "Customer file, typical", "Sales")

    def key(cells: Sequence[str]) -> tuple[str, int, str]:
        rank = next((k for k, o in enumerate(order) if cells[1].startswith(o)), len(order))
        return cells[0].split()[0], rank, cells[1]

    def update(old: str) -> str:
        rows = {}
        for line in old.splitlines()[2:]:
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) > 1 and cells[0]:
                rows[key(cells)] = line
        rows[key(row)] = "| " + " | ".join(row) + " |"
        lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
        return "\n".join(lines + [rows[k] for k in sorted(rows)])

    return update


def report(result: dict[str, Any], write: bool = True) -> str:
    engine_name, world = result["engine"], result["world"]
    cases: list[Case] = result["cases"]
    rows = []
    for case in cases:
        app_ms, raw_ms, ratio = median(case.app_ms), median(case.raw_ms), median(case.ratios)
        ok = "✓" if ratio <= BUDGET else "✗"
        app_sql = sum(kind(s) == "app" for s in case.statements)
        rows.append([f"{engine_name} ({result['server']})", case.title, today(),
                     f"{world.counts['lines']:,}", case.size, f"{app_ms:.1f}", f"{raw_ms:.1f}",
                     f"**{ratio:.2f}** {ok}", str(app_sql),
                     f"{case.split['replay']:.1f} of {case.split['app']:.1f}"])  # fmt: skip
    summary = "\n".join(
        f"{engine_name}: {c.title}: app {r[5]} ms, raw {r[6]} ms, app/raw {median(c.ratios):.2f}"
        f" (rounds {', '.join(f'{x:.2f}' for x in c.ratios)}); app's SQL alone {r[9]} ms"
        for c, r in zip(cases, rows, strict=True)
    )
    if not write:
        return summary
    doc_section(MARK + ":about", SECTION)
    ensure_notes()
    doc_replace(MARK + ":about", ABOUT)
    for row in rows:
        doc_replace(MARK + ":table", table_upsert2(row))

    def listing(statements: list[str]) -> str:
        return "\n".join(
            f"{i:2}. {'   ' if kind(s) == 'app' else '(' + kind(s) + ')'} {abbreviate(s)}"
            for i, s in enumerate(statements, 1)
        )

    def plan(text: str) -> str:
        out = []
        for line in text.splitlines():
            if line.strip().startswith(("Buffers:", "Worker ", "Planning:")):
                continue  # the doc keeps the plan's shape, rows and times
            indent = len(line) - len(line.lstrip())
            if len(line.rstrip()) > 130:  # shortened, its indentation kept
                line = " " * indent + abbreviate(line.strip(), max(50, 130 - indent))
            out.append(line.rstrip())
        return "\n".join(out)

    counts = ", ".join(f"{k} {v:,}" for k, v in world.counts.items())
    seeded = ("an earlier run's database (--reuse)" if result["reused"]
              else f"seeded in {world.seed_s:.0f} s")  # fmt: skip
    parts = [
        f"""### {engine_name}: {result["versions"]}

- run {today()} on code {result["code"]}: {counts} ({seeded}); {result["rounds"]} rounds; \
load average (1 min, {os.cpu_count()} CPUs) {result["load"][0]:.1f} before the timed rounds, \
{result["load"][1]:.1f} after{"; jit " + result["jit"] if result["jit"] else ""}"""
    ]
    for case in cases:
        replayed = "; ".join(f"{abbreviate(s, 70)} {ms:.1f} ms" for s, ms in case.replayed)
        parts.append(f"""#### {case.title} ({case.size})

- {case.calls} calls per side per round; ms per call, median / min: app \
{median(case.app_ms):.1f} / {min(case.app_ms):.1f}, raw {median(case.raw_ms):.1f} / \
{min(case.raw_ms):.1f}; app/raw per round {", ".join(f"{x:.2f}" for x in case.ratios)}
- CPU time of this process per call, median: app {median(case.app_cpu):.1f} ms, raw \
{median(case.raw_cpu):.1f} ms ({
            "includes SQLite's own work" if engine_name == "sqlite" else "client side only"
        })
- in a separate pass, in turn ({REPLAYS} times each, medians): the app's call \
{case.split["app"]:.1f} ms, its statements alone on the raw connection \
{case.split["replay"]:.1f} ms ({replayed}), the raw side {case.split["raw"]:.1f} ms \
({case.raw_statements} statement{"s" if case.raw_statements != 1 else ""})

The app's statements ({sum(kind(s) == "app" for s in case.statements)} app, \
{len(case.statements)} in all):

```text
{listing(case.statements)}
```
""")
        for name, text in case.plans.items():
            parts.append(f"Plan, {name}:\n\n```text\n{plan(text)}\n```\n")
    details = "\n\n".join(p.strip("\n") for p in parts)

    def merge(old: str) -> str:
        blocks = [p for p in re.split(r"\n(?=### )", old) if p.strip()]
        kept = [p.strip() for p in blocks if not p.startswith(f"### {engine_name}:")]
        return "\n\n".join(sorted([*kept, details]))

    doc_replace(MARK + ":details", merge)
    return summary


def ensure_notes() -> None:
    """The hand-written notes block, added before the details when missing."""
    text = DOC.read_text()
    if f"<!-- {MARK}:notes -->" in text:
        return
    details = f"<!-- {MARK}:details -->"
    block = f"<!-- {MARK}:notes -->\n<!-- /{MARK}:notes -->\n\n"
    DOC.write_text(text.replace(details, block + details, 1))


def pg_url(name: str = PG_DB) -> str:
    """BENCH_PG_URL's server, this benchmark's own database."""
    return urlunparse(urlparse(PG_URL)._replace(path=f"/{name}"))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--invoices", type=int, default=12_000, help="invoices a month")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--target",
        type=float,
        default=1.0,
        help="seconds of app calls per report per round (sets the calls)",
    )
    parser.add_argument("--max-calls", type=int, default=40)
    parser.add_argument("--no-doc", action="store_true", help="print only")
    parser.add_argument("--pg-db", default=PG_DB, help="PostgreSQL: the database's name")
    parser.add_argument("--db-file", help="SQLite: seed into this file and keep it")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure an already seeded database (--db-file, or the PG one)",
    )
    args = parser.parse_args(argv)
    if args.engine == "postgres":
        url = pg_url(args.pg_db) if args.reuse else fresh_postgres(pg_url(args.pg_db))
    elif args.db_file:
        path = Path(args.db_file).resolve()
        if not args.reuse:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    else:
        if args.reuse:
            parser.error("--reuse on SQLite needs --db-file")
        url = fresh_sqlite()
    os.environ["DATABASE_URL"] = url  # before anything imports piccolo_conf
    print(f"database: {url}")
    try:
        result = asyncio.run(run(args.engine, url, args))
    finally:
        folder = Path(sqlite_path(url)).parent
        if args.engine == "sqlite" and not args.db_file and folder.name.startswith("catastif-"):
            shutil.rmtree(folder, ignore_errors=True)  # ~0.5 GB of books
    print(report(result, write=not args.no_doc))


if __name__ == "__main__":
    main()
