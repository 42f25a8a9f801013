"""Issuing a 5-line invoice: `invoice_issue` against hand-written SQL writing the same rows.

    .venv/bin/python -m bench.issue_invoice --engine sqlite|postgres [--n 500] [--rounds 3]

A fresh database (SQLite: a new file under /tmp; PostgreSQL: catastif_bench, or
BENCH_PG_URL, dropped and recreated), migrations and reference data, one company, series,
client and 5 articles. Each round creates N drafts per side (not timed), then times N
issues by the app and N by the raw baseline (their order alternates between rounds).
Figures: invoices/s per side (median of the rounds) and their ratio; the statements of
one issue, counted at the driver in a separate untimed pass (see bench/common.py).

The raw baseline does what a careful hand-written issue does, on the same connection
model a script would use (one open connection): in one transaction (BEGIN IMMEDIATE on
SQLite) it reads the draft's header and its lines with their VAT rate on the delivery date,
computes the totals in Python, updates the 5 lines, inserts the VAT breakdown, takes the
number with the same `UPDATE serie_documente ... RETURNING` counter, and updates the header
(status, dates, totals, number, and the frozen JSON snapshots -- taken once from an invoice
the app issued, so it does not re-read the company and the partner). A check at the end
proves both sides wrote the same rows.

Not yet measured (they do not exist yet): ledger posting and stock moves.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from bench.common import (
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
ISSUED_BY = "sistem"  # domain.org.permissions.SYSTEM.name
# (code, VAT category, quantity, unit price, line discount): two VAT groups, 21 % and 11 %.
ARTICLES = [
    ("BEN-LAP", "S-STANDARD", "2", "1000.00", "0"),
    ("BEN-MON", "S-STANDARD", "1.5", "899.99", "5.00"),
    ("BEN-CAF", "S-REDUSA", "3", "45.50", "1.50"),
    ("BEN-CRT", "S-REDUSA-5", "10", "12.3450", "0"),
    ("BEN-SRV", "S-STANDARD", "7", "3.1415", "0"),
]
CENT = Decimal("0.01")


# ------------------------------------------------------------------------ raw baseline


def r2(x: Decimal) -> Decimal:
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class Computed:
    lines: list[tuple[str, Decimal, Decimal, int]]  # vat_code, vat_rate, net, line id
    groups: list[tuple[str, Decimal, Decimal, Decimal]]  # vat_code, vat_rate, base, vat
    net_total: Decimal
    vat_total: Decimal


def compute(rows: Sequence[Any]) -> Computed:
    """Line nets and VAT per (code, rate): the trivial case (RON, no document discount)."""
    lines, bases = [], {}
    for r in rows:
        net = r2(dec(r["quantity"]) * dec(r["unit_price"]) - dec(r["discount"]))
        rate = dec(r["rate"]) if r["untdid"] == "S" else Decimal(0)
        lines.append((r["untdid"], rate, net, r["id"]))
        bases[(r["untdid"], rate)] = bases.get((r["untdid"], rate), Decimal(0)) + net
    groups = [(c, rate, r2(b), r2(b * rate / 100)) for (c, rate), b in bases.items()]
    return Computed(
        lines,
        groups,
        sum((x[2] for x in lines), Decimal(0)),
        sum((g[3] for g in groups), Decimal(0)),
    )


def dec(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


class RawIssuer:
    """Hand-written SQL on one open connection; `issue()` per invoice."""

    def __init__(self, conn: Any, series_id: int, frozen: dict[str, str], engine: str) -> None:
        self.conn, self.series_id, self.frozen, self.engine = conn, series_id, frozen, engine

    async def issue(self, invoice_id: int) -> str:
        if self.engine == "postgres":
            return await self._pg(invoice_id)
        return await self._sqlite(invoice_id)

    def _header(self, head: Any, calc: Computed, number_row: Any) -> tuple[list[Any], str]:
        if not number_row["active"] or (
            number_row["last_number"] is not None
            and number_row["number"] > number_row["last_number"]
        ):
            raise RuntimeError("series inactive or exhausted")
        full = f"{number_row['prefix']}-{number_row['number']:05d}"
        net, vat = calc.net_total, calc.vat_total
        issue = head["issue_date"]
        values = [
            issue, head["delivery_date"] or issue, head["due_date"] or issue,
            self.frozen["supplier_snapshot"], self.frozen["customer_snapshot"],
            self.frozen["mentions"],
            net, Decimal("0.00"), Decimal("0.00"), net, vat, vat, net + vat, Decimal("0.00"),
            net + vat, datetime.now(UTC), ISSUED_BY, self.series_id, number_row["number"], full,
        ]  # fmt: skip
        return values, full

    SET = (
        "status = 'issued', issue_date = {}, delivery_date = {}, due_date = {}, "
        "fx_rate = NULL, fx_date = NULL, supplier_snapshot = {}, customer_snapshot = {}, "
        "mentions = {}, line_net_total = {}, allowance_total = {}, charge_total = {}, "
        "tax_exclusive = {}, vat_total = {}, vat_total_ron = {}, tax_inclusive = {}, "
        "prepaid = {}, payable = {}, issued_at = {}, issued_by = {}, series = {}, number = {}, "
        "full_number = {}"
    )
    LINES = (
        "SELECT l.id, l.quantity, l.unit_price, l.discount, c.untdid, r.rate "
        "FROM linie_factura l JOIN categorie_tva c ON c.id = l.vat_category "
        "JOIN cota_tva r ON r.category = l.vat_category AND r.valid_from <= {d} "
        "AND (r.valid_to IS NULL OR r.valid_to >= {d}) "
        "WHERE l.invoice = {i} ORDER BY l.position"
    )
    COUNTER = (
        "UPDATE serie_documente SET next_number = next_number + 1 WHERE id = {} "
        "RETURNING next_number - 1 AS number, last_number, prefix, active"
    )

    async def _pg(self, invoice_id: int) -> str:
        conn = self.conn
        async with conn.transaction():
            head = await conn.fetchrow(
                "SELECT status, issue_date, delivery_date, due_date FROM factura "
                "WHERE id = $1 FOR UPDATE",
                invoice_id,
            )
            if head["status"] != "draft":
                raise RuntimeError(f"invoice {invoice_id} is not a draft")
            delivery = head["delivery_date"] or head["issue_date"]
            rows = await conn.fetch(self.LINES.format(d="$2", i="$1"), invoice_id, delivery)
            calc = compute(rows)
            await conn.executemany(
                "UPDATE linie_factura SET vat_code = $1, vat_rate = $2, net = $3 WHERE id = $4",
                calc.lines,
            )
            marks = ", ".join(
                f"(${7 * k + 1}, ${7 * k + 2}, ${7 * k + 3}, ${7 * k + 4}, ${7 * k + 5}, "
                f"${7 * k + 6}, ${7 * k + 7})"
                for k in range(len(calc.groups))
            )
            await conn.execute(
                "INSERT INTO tva_factura (invoice, vat_code, vat_rate, base, vat, base_ron, "
                f"vat_ron) VALUES {marks}",
                *[x for c, rate, b, t in calc.groups for x in (invoice_id, c, rate, b, t, b, t)],
            )
            number_row = await conn.fetchrow(self.COUNTER.format("$1"), self.series_id)
            values, full = self._header(head, calc, number_row)
            marks = [f"${k}" for k in range(2, len(values) + 2)]
            await conn.execute(
                f"UPDATE factura SET {self.SET.format(*marks)} WHERE id = $1", invoice_id, *values
            )
        return full

    async def _sqlite(self, invoice_id: int) -> str:
        conn = self.conn
        await conn.execute("BEGIN IMMEDIATE")
        try:
            async with conn.execute(
                "SELECT status, issue_date, delivery_date, due_date FROM factura WHERE id = ?",
                (invoice_id,),
            ) as cur:
                head = dict(zip(("status", "issue_date", "delivery_date", "due_date"),
                                await cur.fetchone(), strict=True))  # fmt: skip
            if head["status"] != "draft":
                raise RuntimeError(f"invoice {invoice_id} is not a draft")
            delivery = head["delivery_date"] or head["issue_date"]
            async with conn.execute(
                self.LINES.format(d=":d", i=":i"), {"d": delivery, "i": invoice_id}
            ) as cur:
                names = ("id", "quantity", "unit_price", "discount", "untdid", "rate")
                rows = [dict(zip(names, r, strict=True)) for r in await cur.fetchall()]
            calc = compute(rows)
            await conn.executemany(
                "UPDATE linie_factura SET vat_code = ?, vat_rate = ?, net = ? WHERE id = ?",
                [(c, float(rate), float(net), i) for c, rate, net, i in calc.lines],
            )
            marks = ", ".join("(?, ?, ?, ?, ?, ?, ?)" for _ in calc.groups)
            await conn.execute(
                "INSERT INTO tva_factura (invoice, vat_code, vat_rate, base, vat, base_ron, "
                f"vat_ron) VALUES {marks}",
                [v for c, rate, b, t in calc.groups
                 for v in (invoice_id, c, float(rate), float(b), float(t), float(b), float(t))],
            )  # fmt: skip
            async with conn.execute(self.COUNTER.format("?"), (self.series_id,)) as cur:
                names = ("number", "last_number", "prefix", "active")
                number_row = dict(zip(names, await cur.fetchone(), strict=True))
            values, full = self._header(head, calc, number_row)
            values = [_sqlite_value(v) for v in values]
            await conn.execute(
                f"UPDATE factura SET {self.SET.format(*['?'] * len(values))} WHERE id = ?",
                [*values, invoice_id],
            )
            await conn.execute("COMMIT")
        except BaseException:
            await conn.execute("ROLLBACK")
            raise
        return full


def _sqlite_value(v: Any) -> Any:
    """As Piccolo stores them on SQLite: Numeric as REAL, dates as ISO text, UTC instants."""
    if isinstance(v, Decimal):
        return float(v)
    if isinstance(v, datetime):
        return str(v.astimezone(UTC))
    if isinstance(v, date):
        return v.isoformat()
    return v


# ------------------------------------------------------------------------ the run


@dataclass
class Side:
    rate: list[float]  # invoices/s per round
    latency_ms: list[float]  # per-issue latencies, all rounds


async def timed(issue: Callable[[int], Awaitable[Any]], ids: Sequence[int]) -> tuple[float, list]:
    """Seconds for all of `ids`, and each one's latency in ms."""
    gc.collect()
    latencies = []
    start = time.perf_counter()
    for invoice_id in ids:
        t = time.perf_counter()
        await issue(invoice_id)
        latencies.append((time.perf_counter() - t) * 1000)
    return time.perf_counter() - start, latencies


async def run(engine_name: str, url: str, n: int, rounds: int, warmup: int) -> dict[str, Any]:
    # Imported only now: piccolo_conf reads DATABASE_URL when first imported.
    import aiosqlite
    import asyncpg

    from domain.catalog.ops import article_create
    from domain.core.tx import engine, write_tx
    from domain.org.permissions import SYSTEM
    from domain.org.setup import database_init
    from domain.partners.ops import partner_create
    from domain.sales.invoices import invoice_draft_create, invoice_issue
    from tables.choices import DocType
    from tables.org import Company
    from tables.sales import DocumentSeries, Invoice, InvoiceLine, InvoiceVat

    pg = engine_name == "postgres"
    db = engine()
    if pg:
        await db.start_connection_pool()  # as app.py's lifespan does
    await database_init()

    company = Company(
        name="Catastif Bench SRL", cui="44556670", reg_com="J40/1/2024", county="RO-B",
        sector="SECTOR1", city="București", street="Calea Victoriei 1",
        capital=Decimal("200.00"), vat_payer=True,
    )  # fmt: skip
    await company.save()
    series = DocumentSeries(company=company.id, doc_type=DocType.invoice, prefix="BEN")
    await series.save()
    client = await partner_create(
        values={"name": "Alfa Distribuție SRL", "cui": "12345674", "county": "RO-CJ",
                "city": "Cluj-Napoca", "street": "Str. Memorandumului 10", "vat_payer": True},
        roles=["client"], by=SYSTEM,
    )  # fmt: skip
    lines = []
    for code, category, quantity, price, discount in ARTICLES:
        article = await article_create(
            values={"code": code, "name": f"Articol {code}", "uom": "H87",
                    "vat_category": category}, by=SYSTEM,
        )  # fmt: skip
        lines.append({"article": article, "quantity": quantity, "unit_price": price,
                      "discount": discount})  # fmt: skip

    # Drafts (not timed): one made by invoice_draft_create, then copied row for row by SQL
    # (INSERT ... SELECT), which keeps the run short; the copies are identical drafts.
    template = await invoice_draft_create(
        company_id=company.id, partner_id=client, lines=lines, by=SYSTEM,
        header={"issue_date": DAY, "delivery_date": DAY},
    )  # fmt: skip
    head_cols = ", ".join(
        f'"{c._meta.db_column_name}"' for c in Invoice._meta.columns if c._meta.name != "id"
    )
    line_cols = ", ".join(
        f'"{c._meta.db_column_name}"'
        for c in InvoiceLine._meta.columns
        if c._meta.name not in {"id", "invoice"}
    )

    async def drafts(count: int) -> list[int]:
        out = []
        async with write_tx():
            for _ in range(count):
                new = (
                    await Invoice.raw(
                        f"INSERT INTO factura ({head_cols}) SELECT {head_cols} FROM factura "
                        "WHERE id = {} RETURNING id",
                        template,
                    )
                )[0]["id"]
                await InvoiceLine.raw(
                    f"INSERT INTO linie_factura (invoice, {line_cols}) SELECT {{}}, {line_cols} "
                    "FROM linie_factura WHERE invoice = {}",
                    new,
                    template,
                )
                out.append(new)
        return out

    async def app_issue(invoice_id: int) -> Any:
        return await invoice_issue(invoice_id=invoice_id, by=SYSTEM)

    log = StatementLog()

    async def raw_connection(traced: bool = False) -> Any:
        if pg:
            conn = await asyncpg.connect(url)
            if traced:
                conn.add_query_logger(log.pg_logged)
            return conn
        kwargs = {"factory": log.sqlite_factory(always=True)} if traced else {}
        conn = await aiosqlite.connect(sqlite_path(url), timeout=30, isolation_level=None,
                                       **kwargs)  # fmt: skip
        await conn.execute("PRAGMA foreign_keys = 1")  # the same FK checks as the app's
        return conn

    # Warm-up (caches, prepared statements, the first pages), and the frozen JSON for raw.
    warm = await drafts(2 * warmup)
    for invoice_id in warm[:warmup]:
        await app_issue(invoice_id)
    frozen = await (
        Invoice.select(Invoice.supplier_snapshot, Invoice.customer_snapshot, Invoice.mentions)
        .where(Invoice.id == warm[0])
        .first()
    )
    frozen = {k: v if isinstance(v, str) else json.dumps(v) for k, v in frozen.items()}
    conn = await raw_connection()
    raw = RawIssuer(conn, series.id, frozen, engine_name)
    for invoice_id in warm[warmup:]:
        await raw.issue(invoice_id)

    # Statements of one issue, counted in an untimed pass.
    counted = await drafts(4)
    if pg:
        await db.close_connection_pool()
        await db.start_connection_pool(init=log.pg_init)
    else:
        # Connections stay open in the engine's pool: open traced ones for this pass.
        db.connection_kwargs["factory"] = log.sqlite_factory(always=True)
        await db.close_connection_pool()
    await app_issue(counted[0])  # the new pool's first use: not counted
    with log.capture() as app_statements:
        await app_issue(counted[1])
        await asyncio.sleep(0)  # asyncpg hands records to loggers via call_soon
    with log.capture() as empty_tx_statements:
        async with write_tx():
            pass
        await asyncio.sleep(0)
    if pg:
        await db.close_connection_pool()
        await db.start_connection_pool()
    else:
        del db.connection_kwargs["factory"]
        await db.close_connection_pool()
    traced = await raw_connection(traced=True)
    with log.capture() as raw_statements:
        await RawIssuer(traced, series.id, frozen, engine_name).issue(counted[2])
        await asyncio.sleep(0)
    await traced.close()

    # Fixed cost of a transaction: an empty write_tx() against an empty raw transaction.
    async def app_empty(_: int) -> None:
        async with write_tx():
            pass

    async def raw_empty(_: int) -> None:
        if pg:
            async with conn.transaction():
                pass
        else:
            await conn.execute("BEGIN IMMEDIATE")
            await conn.execute("COMMIT")

    empty = {"app": (await timed(app_empty, range(200)))[1],
             "raw": (await timed(raw_empty, range(200)))[1]}  # fmt: skip

    # The timed rounds: within a round the sides alternate in chunks of N/10, so a burst
    # of load from a neighbour on the machine hits both.
    sides = {"app": Side([], []), "raw": Side([], [])}
    issuers = {"app": app_issue, "raw": raw.issue}
    issued: dict[str, list[int]] = {"app": [], "raw": []}
    chunk = max(1, n // 10)
    for r in range(rounds):
        ids = {"app": await drafts(n), "raw": await drafts(n)}
        spent = {"app": 0.0, "raw": 0.0}
        for k, start in enumerate(range(0, n, chunk)):
            for side in ("app", "raw") if (k + r) % 2 == 0 else ("raw", "app"):
                seconds, latencies = await timed(issuers[side], ids[side][start : start + chunk])
                spent[side] += seconds
                sides[side].latency_ms += latencies
        for side in sides:
            sides[side].rate.append(n / spent[side])
            issued[side] += ids[side]
        rates = {k: f"{v.rate[-1]:.0f}/s" for k, v in sides.items()}
        print(f"round {r + 1}: app {rates['app']}, raw {rates['raw']}")

    # Both sides wrote the same rows.
    async def written(invoice_id: int) -> dict[str, Any]:
        head = await Invoice.select().where(Invoice.id == invoice_id).first()
        keep = ("status", "issue_date", "delivery_date", "due_date", "fx_rate", "fx_date",
                "line_net_total", "allowance_total", "charge_total", "tax_exclusive",
                "vat_total", "vat_total_ron", "tax_inclusive", "prepaid", "payable",
                "issued_by", "series", "supplier_snapshot", "customer_snapshot",
                "mentions")  # fmt: skip
        out = {k: _norm(head[k]) for k in keep}
        out["number_set"] = head["number"] is not None and head["full_number"].startswith("BEN-")
        out["lines"] = [
            (x["vat_code"], _norm(x["vat_rate"]), _norm(x["net"]))
            for x in await InvoiceLine.select()
            .where(InvoiceLine.invoice == invoice_id)
            .order_by(InvoiceLine.position)
        ]
        out["vat"] = sorted(
            tuple(_norm(x[k]) for k in ("vat_code", "vat_rate", "base", "vat", "base_ron",
                                        "vat_ron"))
            for x in await InvoiceVat.select().where(InvoiceVat.invoice == invoice_id)
        )  # fmt: skip
        return out

    app_row, raw_row = await written(issued["app"][-1]), await written(issued["raw"][-1])
    if app_row != raw_row:
        diff = {k: (app_row[k], raw_row[k]) for k in app_row if app_row[k] != raw_row[k]}
        raise SystemExit(f"the raw baseline did not write what the app wrote: {diff}")
    numbers = [
        r["number"]
        for r in await Invoice.select(Invoice.number)
        .where(Invoice.series == series.id)
        .order_by(Invoice.number)
    ]
    if numbers != list(range(1, len(numbers) + 1)):
        raise SystemExit("numbering is not gapless")

    if pg:
        server = (await conn.fetchval("SHOW server_version")).split()[0]
        await conn.close()
        await db.close_connection_pool()
    else:
        import sqlite3

        server = sqlite3.sqlite_version
        await conn.close()
    return {
        "engine": engine_name, "n": n, "rounds": rounds, "sides": sides,
        "app_statements": app_statements, "raw_statements": raw_statements,
        "empty_tx_statements": empty_tx_statements, "empty_ms": empty,
        "versions": versions(engine_name, server), "server": server,
        "payable": str(app_row["payable"]), "code": code_version(),
    }  # fmt: skip


def _norm(value: Any) -> Any:
    if isinstance(value, float | Decimal):
        return dec(value).quantize(Decimal("0.0001"))
    if isinstance(value, str) and value[:1] in "[{":
        return json.loads(value)
    if isinstance(value, date | datetime):
        return value.isoformat()[:10]
    return value


# ------------------------------------------------------------------------ report

MARK = "issue_invoice"
HEADER = ["engine", "date", "N × rounds", "app invoices/s", "raw invoices/s",
          "app/raw (budget ≥ 0.33)", "app SQL per issue (budget ≤ 15)",
          "all statements per issue", "app median latency"]  # fmt: skip
SECTION = f"""## Issue an invoice (5 lines)

<!-- {MARK}:about -->
<!-- /{MARK}:about -->

<!-- {MARK}:table -->
<!-- /{MARK}:table -->

<!-- {MARK}:details -->
<!-- /{MARK}:details -->
"""
ABOUT = """Budget: ≥ 1/3 of raw SQL writing the same rows, ≤ 15 queries. Measured: `invoice_issue`
(number, totals, VAT breakdown, frozen snapshots); ledger posting and stock moves do not
exist yet and are not in either side. Jobs enqueued after commit (the PDF) are not sent:
the bench runs without a queue. `python -m bench.issue_invoice --engine sqlite|postgres`.

- *app SQL*: SELECT/INSERT/UPDATE statements the operation sends. *All statements* adds
  transaction control (BEGIN, COMMIT) and what the drivers send on their own: asyncpg's
  pool reset (`SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL;`) on
  release. On SQLite the app's engine (`domain/core/sqlite_engine.py`) lends connections
  opened and configured once; Piccolo's stock `SQLiteEngine` opened one per transaction
  and sent `PRAGMA foreign_keys = 1` before every statement (0.16× raw, 25 statements).
- *raw*: hand-written SQL on one open connection (asyncpg / aiosqlite), one transaction per
  invoice (BEGIN IMMEDIATE on SQLite): read the header (FOR UPDATE on PostgreSQL) and the
  lines with their dated VAT rate, totals in Python, `executemany` UPDATE of the 5 lines,
  one INSERT of the VAT rows, the same `UPDATE serie_documente ... RETURNING` counter, one
  UPDATE of the header. It reuses the frozen JSON snapshots of an app-issued invoice instead
  of reading company and partner. The run checks that both sides wrote identical rows.
- Each round times N app issues and N raw issues, alternating in chunks of N/10 so that a
  burst of load from a neighbour hits both sides; drafts are prepared beforehand, not
  timed (one by `invoice_draft_create`, copied row for row by SQL). Rates: the median of
  the rounds; ratio: the median of the rounds' ratios.
- Statements are counted at the driver in a separate, untimed pass: sqlite3's trace
  callback, asyncpg's query logger (`bench/common.py`)."""


def report(result: dict[str, Any]) -> str:
    sides = result["sides"]
    app, raw = median(sides["app"].rate), median(sides["raw"].rate)
    ratios = [a / r for a, r in zip(sides["app"].rate, sides["raw"].rate, strict=True)]
    ratio = median(ratios)  # per round: both sides saw the same load
    app_sql = [s for s in result["app_statements"] if kind(s) == "app"]
    total = len(result["app_statements"])
    engine_name = result["engine"]
    ok = "✓" if ratio >= 1 / 3 else "✗"
    ok_q = "✓" if len(app_sql) <= 15 else "✗"
    row = [
        f"{engine_name} ({result['server']})", today(), f"{result['n']} × {result['rounds']}",
        f"{app:.0f}", f"{raw:.0f}", f"**{ratio:.2f}** {ok}", f"**{len(app_sql)}** {ok_q}",
        str(total), f"{median(sides['app'].latency_ms):.2f} ms",
    ]  # fmt: skip
    doc_section(MARK + ":about", SECTION)
    doc_replace(MARK + ":about", ABOUT)
    doc_replace(MARK + ":table", table_upsert(HEADER, engine_name, row))

    def listing(statements: list[str]) -> str:
        return "\n".join(
            f"{i:2}. {'   ' if kind(s) == 'app' else '(' + kind(s) + ')'} {abbreviate(s)}"
            for i, s in enumerate(statements, 1)
        )

    p95 = {k: sorted(v.latency_ms)[int(0.95 * len(v.latency_ms))] for k, v in sides.items()}
    empty = result["empty_ms"]
    details = f"""### {engine_name}: {result["versions"]}

- run {today()} on code {result["code"]}, N = {result["n"]} per side per round
- rounds, invoices/s: app {", ".join(f"{x:.0f}" for x in sides["app"].rate)}; raw \
{", ".join(f"{x:.0f}" for x in sides["raw"].rate)}; app/raw {", ".join(f"{x:.3f}" for x in ratios)}
- latency per issue, median / p95: app {median(sides["app"].latency_ms):.2f} / \
{p95["app"]:.2f} ms; raw {median(sides["raw"].latency_ms):.2f} / {p95["raw"]:.2f} ms
- an empty transaction: {median(empty["app"]):.2f} ms through `write_tx()` \
({len(result["empty_tx_statements"])} statements), {median(empty["raw"]):.2f} ms raw

One `invoice_issue` ({len(app_sql)} app statements, {total} in all):

```text
{listing(result["app_statements"])}
```

The raw baseline ({len(result["raw_statements"])} statements as the driver counts them):

```text
{listing(result["raw_statements"])}
```"""

    def merge(old: str) -> str:
        parts = [p for p in old.split("\n### ") if p.strip()]
        parts = ["### " + p.removeprefix("### ") for p in parts]
        kept = [p for p in parts if not p.startswith(f"### {engine_name}:")]
        return "\n\n".join(sorted([*kept, details]))

    doc_replace(MARK + ":details", merge)
    summary = (
        f"{engine_name}: app {app:.0f}/s, raw {raw:.0f}/s, ratio {ratio:.2f} (budget ≥ 0.33); "
        f"{len(app_sql)} app statements per issue, {total} in all (budget ≤ 15)\n"
        + listing(result["app_statements"])
    )
    return summary


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--n", type=int, default=500, help="invoices per side per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--no-doc", action="store_true", help="print only")
    args = parser.parse_args(argv)
    url = fresh_postgres(PG_URL) if args.engine == "postgres" else fresh_sqlite()
    os.environ["DATABASE_URL"] = url  # before anything imports piccolo_conf
    print(f"database: {url}")
    result = asyncio.run(run(args.engine, url, args.n, args.rounds, args.warmup))
    if args.no_doc:
        print(result)
        return
    print(report(result))


if __name__ == "__main__":
    main()
