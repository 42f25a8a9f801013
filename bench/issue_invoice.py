"""Issuing a 5-line invoice -- number, totals, ledger entry, stock exits -- by
`invoice_issue` against hand-written SQL writing the same rows.

    .venv/bin/python -m bench.issue_invoice --engine sqlite|postgres [--n 500] [--rounds 3]

A fresh database (SQLite: a new file under /tmp; PostgreSQL: catastif_bench, or
BENCH_PG_URL, dropped and recreated), migrations and reference data; one company with the
general chart and its default accounts (`chart_setup`), a default warehouse, a series, a
client, 4 goods and a service, and the goods received on one NIR (`reception_issue`),
enough for every issue of the run. Each round creates N drafts per side (not timed), then
times N issues by the app and N by the raw baseline (alternating in chunks). Figures:
invoices/s per side (median of the rounds) and their ratio; the statements of one issue,
counted at the driver in a separate untimed pass (see bench/common.py); and where the
time of an issue goes, statement by statement, in another untimed pass.

The raw baseline does what a careful hand-written issue does, on the connection model a
script would use (one open connection), in one transaction (BEGIN IMMEDIATE on SQLite):
read the draft's header (FOR UPDATE on PostgreSQL) and its lines with their VAT rate on
the delivery date and their article's kind; totals in Python; update the 5 lines, insert
the VAT breakdown; for the goods, take the same advisory locks as domain/inventory/moves.py
on PostgreSQL ((warehouse, article), in order), read each article's last move, value the
exits at the weighted average in Python and insert them with the balances they leave;
insert the entry and its 15 lines (4111 = 707/704 + 4427, 607 = 371 per exit, with the
document's dimensions); take the number with the same `UPDATE serie_documente ...
RETURNING` counter; update the header. What a script for this company knows beforehand,
it does not read: the frozen JSON snapshots (taken once from an invoice the app issued),
the warehouse and its valuation (CMP), the account of each posting role. It checks no
closed month and no partner analytic. At the end the run checks that both sides wrote the
same rows (invoice, lines, VAT, entry and entry lines, stock moves), that every issued
invoice has one balanced entry and its moves, and that each article's moves form an
unbroken chain of balances. On PostgreSQL the run ANALYZEs before each pass and round
(see `analyze` below).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import os
import statistics
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
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
RECEIVED = date(2026, 3, 1)  # the NIR that stocks the goods
ISSUED_BY = "sistem"  # domain.org.permissions.SYSTEM.name
# (code, kind, VAT category, quantity, unit price, line discount, cost at reception): two
# VAT groups (21 % and 11 %), four goods that leave the warehouse and a service that does
# not. Costs times quantities are whole bani, so the average cost stays exact.
ARTICLES = [
    ("BEN-LAP", "goods", "S-STANDARD", "2", "1000.00", "0", "812.37"),
    ("BEN-MON", "goods", "S-STANDARD", "1.5", "899.99", "5.00", "611.42"),
    ("BEN-CAF", "goods", "S-REDUSA", "3", "45.50", "1.50", "21.15"),
    ("BEN-CRT", "goods", "S-REDUSA-5", "10", "12.3450", "0", "6.27"),
    ("BEN-SRV", "service", "S-STANDARD", "7", "3.1415", "0", None),
]
CENT, QTY, COST = Decimal("0.01"), Decimal("0.001"), Decimal("0.0001")
STOCK_KINDS = ("goods", "product")
REVENUE = {"goods": "revenue_goods", "product": "revenue_product",
           "service": "revenue_service", "rent": "revenue_rent",
           "utility": "revenue_utility"}  # fmt: skip
STOCKED = [a for a in ARTICLES if a[6] is not None]
COST_ROLES = {"goods": ("cost_goods", "stock_goods"), "product": ("cost_product", "stock_product")}


# ------------------------------------------------------------------------ raw baseline


def r2(x: Decimal) -> Decimal:
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


def dec(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


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


@dataclass(frozen=True)
class Books:
    """What the raw side knows beforehand, as a script written for this company would:
    its warehouse (valued at the weighted average) and the account of each role."""

    company: int
    warehouse: int
    accounts: dict[str, int]  # PostingRole -> cont_contabil.id


def stock_exits(
    head: Any, goods: Sequence[Any], last: dict[int, Any], invoice_id: int, now: datetime,
    books: Books,
) -> tuple[list[list[Any]], list[tuple[str, int, Decimal]]]:  # fmt: skip
    """The exits at the weighted average (the last units take what is left), each with
    the balance it leaves; and (kind, article, value) for the 607 = 371 lines."""
    moves, costs = [], []
    position = {
        a: [dec(r["balance_qty"]).quantize(QTY), r2(dec(r["balance_value"])),
            dec(r["in_total"]).quantize(QTY)]
        for a, r in last.items()
    }  # fmt: skip
    day = head["delivery_date"] or head["issue_date"]
    for line in goods:
        qty = dec(line["quantity"]).quantize(QTY)
        pos = position.get(line["article"])
        if pos is None or pos[0] < qty:
            raise RuntimeError(f"not enough of article {line['article']} in stock")
        value = pos[1] if qty == pos[0] else r2(pos[1] * qty / pos[0])
        pos[0], pos[1] = pos[0] - qty, pos[1] - value
        moves.append([
            books.company, books.warehouse, line["article"], day, "sale", -qty,
            (value / qty).quantize(COST), -value, pos[0], pos[1], pos[2], "invoice",
            invoice_id, line["id"], None, now,
        ])  # fmt: skip
        costs.append((line["kind"], line["article"], value))
    return moves, costs


def entry_lines(
    head: Any, rows: Sequence[Any], calc: Computed, costs: Sequence[tuple[str, int, Decimal]],
    books: Books,
) -> list[tuple[int, Decimal, Decimal, int | None, int | None, str]]:  # fmt: skip
    """(account, debit, credit, partner, article, description), in the app's order:
    4111 for the total, each line's net to its revenue account, the VAT to 4427, then
    607 = 371 per exit."""
    acc = books.accounts
    revenue = [
        (acc[REVENUE[r["kind"] or "service"]], Decimal("0.00"), net, None, r["article"], "")
        for r, (_, _, net, _) in zip(rows, calc.lines, strict=True)
    ]
    vat = [(acc["vat_collected"], Decimal("0.00"), calc.vat_total, None, None, "")]
    receivable = (acc["receivable"], calc.net_total + calc.vat_total, Decimal("0.00"),
                  head["partner"], None, "")  # fmt: skip
    cost = []
    for kind_, article, value in costs:
        expense, stock = COST_ROLES[kind_]
        text = "Descărcare din gestiune"
        cost.append((acc[expense], value, Decimal("0.00"), None, article, text))
        cost.append((acc[stock], Decimal("0.00"), value, None, article, text))
    return [x for x in [receivable, *revenue, *vat, *cost] if x[1] or x[2]]


class RawIssuer:
    """Hand-written SQL on one open connection; `issue()` per invoice. The SQL is written
    with `?` and numbered ($1, $2...) once for asyncpg."""

    def __init__(
        self, conn: Any, series_id: int, frozen: dict[str, str], engine: str, books: Books
    ) -> None:
        self.conn, self.series_id, self.frozen, self.books = conn, series_id, frozen, books
        self.pg = engine == "postgres"
        self.sql: dict[str, str] = {}

    # -- the few driver calls, the same on both engines

    def _sql(self, sql: str) -> str:
        if (done := self.sql.get(sql)) is None:
            if self.pg:
                parts = sql.split("?")
                done = parts[0] + "".join(f"${i}{p}" for i, p in enumerate(parts[1:], 1))
            else:
                done = sql
            self.sql[sql] = done
        return done

    async def rows(self, sql: str, *args: Any) -> list[Any]:
        if self.pg:
            return await self.conn.fetch(self._sql(sql), *args)
        async with self.conn.execute(sql, [_sqlite_value(v) for v in args]) as cur:
            names = [d[0] for d in cur.description]
            return [dict(zip(names, r, strict=True)) for r in await cur.fetchall()]

    async def execute(self, sql: str, *args: Any) -> None:
        if self.pg:
            await self.conn.execute(self._sql(sql), *args)
        else:
            await self.conn.execute(sql, [_sqlite_value(v) for v in args])

    async def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if self.pg:
            await self.conn.executemany(self._sql(sql), rows)
        else:
            await self.conn.executemany(sql, [[_sqlite_value(v) for v in r] for r in rows])

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        if self.pg:
            async with self.conn.transaction():
                yield
            return
        await self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            await self.conn.execute("ROLLBACK")
            raise
        await self.conn.execute("COMMIT")

    # -- the statements

    HEAD = (
        "SELECT status, issue_date, delivery_date, due_date, partner, work_point, cost_centre, "
        "department, team, person FROM factura WHERE id = ?"
    )
    LINES = (
        "SELECT l.id, l.article, l.quantity, l.unit_price, l.discount, a.kind, c.untdid, r.rate "
        "FROM linie_factura l JOIN categorie_tva c ON c.id = l.vat_category "
        "JOIN cota_tva r ON r.category = l.vat_category AND r.valid_from <= ? "
        "AND (r.valid_to IS NULL OR r.valid_to >= ?) LEFT JOIN articol a ON a.id = l.article "
        "WHERE l.invoice = ? ORDER BY l.position"
    )
    SET = (
        "status = 'issued', issue_date = ?, delivery_date = ?, due_date = ?, "
        "fx_rate = NULL, fx_date = NULL, supplier_snapshot = ?, customer_snapshot = ?, "
        "mentions = ?, line_net_total = ?, allowance_total = ?, charge_total = ?, "
        "tax_exclusive = ?, vat_total = ?, vat_total_ron = ?, tax_inclusive = ?, "
        "prepaid = ?, payable = ?, issued_at = ?, issued_by = ?, series = ?, number = ?, "
        "full_number = ?, due_schedule = ?"
    )
    COUNTER = (
        "UPDATE serie_documente SET next_number = next_number + 1 WHERE id = ? "
        "RETURNING next_number - 1 AS number, last_number, prefix, active"
    )
    MOVE_COLUMNS = (
        "company, warehouse, article, day, kind, quantity, unit_cost, value, balance_qty, "
        "balance_value, in_total, source_type, source_id, source_line, origin, created_at"
    )
    ENTRY = (
        "INSERT INTO nota_contabila (company, day, kind, source_type, source_id, reference, "
        "description, reverses, created_at, created_by) "
        "VALUES (?, ?, 'invoice', 'invoice', ?, '', 'Factură', NULL, ?, ?) RETURNING id"
    )
    LINE_COLUMNS = (
        "entry, company, day, account, debit, credit, currency, currency_amount, partner, "
        "work_point, cost_centre, department, team, person, pos, contract, article, description"
    )

    @staticmethod
    def _values(count: int, width: int) -> str:
        row = "(" + ", ".join("?" * width) + ")"
        return ", ".join(row for _ in range(count))

    async def issue(self, invoice_id: int) -> str:
        books = self.books
        async with self.transaction():
            lock = " FOR UPDATE" if self.pg else ""
            (head,) = await self.rows(self.HEAD + lock, invoice_id)
            if head["status"] != "draft":
                raise RuntimeError(f"invoice {invoice_id} is not a draft")
            issue = head["issue_date"]
            delivery = head["delivery_date"] or issue
            rows = await self.rows(self.LINES, delivery, delivery, invoice_id)
            calc = compute(rows)
            await self.executemany(
                "UPDATE linie_factura SET vat_code = ?, vat_rate = ?, net = ? WHERE id = ?",
                calc.lines,
            )
            await self.execute(
                "INSERT INTO tva_factura (invoice, vat_code, vat_rate, base, vat, base_ron, "
                f"vat_ron) VALUES {self._values(len(calc.groups), 7)}",
                *[x for c, rate, b, t in calc.groups for x in (invoice_id, c, rate, b, t, b, t)],
            )
            now = datetime.now(UTC)
            # The goods leave: lock (warehouse, article) as domain/inventory/moves.py does,
            # then read each article's last move (its balance) after the locks.
            goods = [r for r in rows if r["article"] is not None and r["kind"] in STOCK_KINDS]
            costs: list[tuple[str, int, Decimal]] = []
            if goods:
                articles = sorted({r["article"] for r in goods})
                if self.pg:
                    pairs = ", ".join("(CAST(? AS INTEGER), CAST(? AS INTEGER))" for _ in articles)
                    await self.execute(
                        "SELECT COUNT(pg_advisory_xact_lock(v.w, v.a)) "
                        f"FROM (VALUES {pairs}) AS v(w, a)",
                        *[x for a in articles for x in (books.warehouse, a)],
                    )
                # Each article's last move, as the app reads it (the index on
                # warehouse, article, id, backwards).
                positions = await self.rows(
                    " UNION ALL ".join(
                        "SELECT * FROM (SELECT article, balance_qty, balance_value, in_total "
                        "FROM miscare_stoc WHERE warehouse = ? AND article = ? "
                        f"ORDER BY id DESC LIMIT 1) AS p{i}"
                        for i in range(len(articles))
                    ),
                    *[x for a in articles for x in (books.warehouse, a)],
                )
                moves, costs = stock_exits(
                    head, goods, {r["article"]: r for r in positions}, invoice_id, now, books
                )
                await self.execute(
                    f"INSERT INTO miscare_stoc ({self.MOVE_COLUMNS}) "
                    f"VALUES {self._values(len(moves), 16)}",
                    *[x for m in moves for x in m],
                )
            # The entry: 4111 = 707/704 + 4427, and 607 = 371 for the goods that left.
            (entry,) = await self.rows(self.ENTRY, books.company, issue, invoice_id, now,
                                       ISSUED_BY)  # fmt: skip
            dims = [head[k] for k in ("work_point", "cost_centre", "department", "team",
                                      "person")]  # fmt: skip
            lines = entry_lines(head, rows, calc, costs, books)
            await self.execute(
                f"INSERT INTO linie_nota ({self.LINE_COLUMNS}) "
                f"VALUES {self._values(len(lines), 18)}",
                *[x for account, debit, credit, partner, article, text in lines
                  for x in (entry["id"], books.company, issue, account, debit, credit, "RON",
                            Decimal("0.00"), partner, *dims, None, None, article, text)],
            )  # fmt: skip
            # Last, as in the app: the number, then the header.
            (number_row,) = await self.rows(self.COUNTER, self.series_id)
            values, full = self._header(head, calc, number_row, now)
            await self.execute(f"UPDATE factura SET {self.SET} WHERE id = ?", *values,
                               invoice_id)  # fmt: skip
        return full

    def _header(
        self, head: Any, calc: Computed, number_row: Any, now: datetime
    ) -> tuple[list[Any], str]:
        if not number_row["active"] or (
            number_row["last_number"] is not None
            and number_row["number"] > number_row["last_number"]
        ):
            raise RuntimeError("series inactive or exhausted")
        full = f"{number_row['prefix']}-{number_row['number']:05d}"
        net, vat = calc.net_total, calc.vat_total
        issue = head["issue_date"]
        due = head["due_date"] or issue
        # No payment term: the whole amount is due on the due date (one instalment).
        schedule = json.dumps([{"due": str(due), "amount": str(net + vat)}])
        values = [
            issue, head["delivery_date"] or issue, due,
            self.frozen["supplier_snapshot"], self.frozen["customer_snapshot"],
            self.frozen["mentions"],
            net, Decimal("0.00"), Decimal("0.00"), net, vat, vat, net + vat, Decimal("0.00"),
            net + vat, now, ISSUED_BY, self.series_id, number_row["number"], full, schedule,
        ]  # fmt: skip
        return values, full


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
    opened: list[Any] = []  # the raw connections: closed even when a check fails
    try:
        return await _run(engine_name, url, n, rounds, warmup, opened)
    finally:
        for conn in opened:
            with contextlib.suppress(Exception):
                await conn.close()


async def _run(
    engine_name: str, url: str, n: int, rounds: int, warmup: int, opened: list[Any]
) -> dict[str, Any]:
    # Imported only now: piccolo_conf reads DATABASE_URL when first imported.
    import aiosqlite
    import asyncpg

    from domain.catalog.ops import article_create
    from domain.core.tx import engine, write_tx
    from domain.inventory.receptions import reception_draft_create, reception_issue
    from domain.inventory.warehouses import warehouse_create
    from domain.ledger.chart import chart_setup
    from domain.org.permissions import SYSTEM
    from domain.org.setup import database_init
    from domain.partners.ops import partner_create
    from domain.sales.invoices import invoice_draft_create, invoice_issue
    from tables.choices import DocType
    from tables.ledger import AccountMapping
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
    lines, received = [], []
    # Every issue the run makes (warm-up, counting pass, rounds) takes the goods out once.
    issues = 2 * warmup + 4 + 2 * PROFILED + 2 * n * rounds
    for code, kind_, category, quantity, price, discount, cost in ARTICLES:
        article = await article_create(
            values={"code": code, "name": f"Articol {code}", "uom": "H87", "kind": kind_,
                    "vat_category": category}, by=SYSTEM,
        )  # fmt: skip
        lines.append({"article": article, "quantity": quantity, "unit_price": price,
                      "discount": discount})  # fmt: skip
        if cost is not None:
            stock = (Decimal(quantity) * issues * Decimal("1.1")).to_integral_value()
            received.append({"article": article, "quantity": stock, "unit_price": cost})

    # The books and the stock: the general chart with its default accounts, a default
    # warehouse for the company, and the goods received on one NIR (371 = 401 + 4426).
    await chart_setup(company.id)
    warehouse = await warehouse_create(
        values={"company": company.id, "code": "DEP", "name": "Depozit central",
                "is_default": True}, by=SYSTEM,
    )  # fmt: skip
    supplier = await partner_create(
        values={"name": "Beta Import SRL", "cui": "18642011", "county": "RO-TM",
                "city": "Timișoara", "street": "Bd. Revoluției 5", "vat_payer": True},
        roles=["supplier"], by=SYSTEM,
    )  # fmt: skip
    reception = await reception_draft_create(
        values={"company": company.id, "warehouse": warehouse, "partner": supplier,
                "day": RECEIVED, "supplier_doc_number": "BI 1024",
                "supplier_doc_date": RECEIVED}, lines=received, by=SYSTEM,
    )  # fmt: skip
    await reception_issue(reception_id=reception, by=SYSTEM)
    accounts = {
        r["role"]: r["id"]
        for r in await AccountMapping.raw(
            "SELECT m.role, a.id FROM cont_implicit m JOIN cont_contabil a "
            "ON a.company = m.company AND a.code = m.account WHERE m.company = {}",
            company.id,
        )
    }
    books = Books(company.id, warehouse, accounts)

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
            opened.append(conn)
            if traced:
                conn.add_query_logger(log.pg_logged)
            return conn
        kwargs = {"factory": log.sqlite_factory(always=True)} if traced else {}
        conn = await aiosqlite.connect(sqlite_path(url), timeout=30, isolation_level=None,
                                       **kwargs)  # fmt: skip
        opened.append(conn)
        await conn.execute("PRAGMA foreign_keys = 1")  # the same FK checks as the app's
        return conn

    async def analyze() -> None:
        """Fresh planner statistics, as autovacuum keeps them on a live server: the one
        here runs without autovacuum, and a plan cached while a table was nearly empty
        (asyncpg prepares every statement) would stay the plan of a 10,000-row table."""
        if pg:
            await Invoice.raw("ANALYZE")

    await analyze()
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
    raw = RawIssuer(conn, series.id, frozen, engine_name, books)
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
        await RawIssuer(traced, series.id, frozen, engine_name, books).issue(counted[2])
        await asyncio.sleep(0)
    await traced.close()
    opened.remove(traced)

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

    await analyze()
    # Where the time goes (untimed pass): each statement's time from the call to the
    # driver's answer, and the Python before it.
    spans = {
        "app": await statement_spans(db, app_issue, await drafts(PROFILED), engine_name),
        "raw": await statement_spans(raw, raw.issue, await drafts(PROFILED), engine_name),
    }

    # The timed rounds: within a round the sides alternate in chunks of N/10, so a burst
    # of load from a neighbour on the machine hits both.
    sides = {"app": Side([], []), "raw": Side([], [])}
    issuers = {"app": app_issue, "raw": raw.issue}
    issued: dict[str, list[int]] = {"app": [], "raw": []}
    chunk = max(1, n // 10)
    for r in range(rounds):
        ids = {"app": await drafts(n), "raw": await drafts(n)}
        await analyze()
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
                "mentions", "due_schedule")  # fmt: skip
        out = {k: _norm(head[k]) for k in keep}
        out["number_set"] = head["number"] is not None and head["full_number"].startswith("BEN-")
        invoice_lines = (
            await InvoiceLine.select()
            .where(InvoiceLine.invoice == invoice_id)
            .order_by(InvoiceLine.position)
        )
        out["lines"] = [
            (x["vat_code"], _norm(x["vat_rate"]), _norm(x["net"])) for x in invoice_lines
        ]
        out["vat"] = sorted(
            tuple(_norm(x[k]) for k in ("vat_code", "vat_rate", "base", "vat", "base_ron",
                                        "vat_ron"))
            for x in await InvoiceVat.select().where(InvoiceVat.invoice == invoice_id)
        )  # fmt: skip
        # The entry and its lines (accounts by code, every dimension), the stock moves
        # (their line by position; the balances they leave are checked as a chain below:
        # the two sides' issues interleave, so each side's balances differ).
        position = {x["id"]: x["position"] for x in invoice_lines}
        out["entry"] = [
            tuple(_norm(x[k]) for k in x)
            for x in await Invoice.raw(
                "SELECT company, day, kind, reference, description, reverses, created_by "
                "FROM nota_contabila WHERE source_type = 'invoice' AND source_id = {}",
                invoice_id,
            )
        ]
        out["entry_lines"] = [
            tuple(_norm(x[k]) for k in x)
            for x in await Invoice.raw(
                "SELECT a.code, l.company, l.day, l.debit, l.credit, l.currency, "
                "l.currency_amount, l.partner, l.work_point, l.cost_centre, l.department, "
                "l.team, l.person, l.pos, l.contract, l.article, l.description "
                "FROM linie_nota l JOIN nota_contabila e ON e.id = l.entry "
                "JOIN cont_contabil a ON a.id = l.account "
                "WHERE e.source_type = 'invoice' AND e.source_id = {} ORDER BY l.id",
                invoice_id,
            )
        ]
        out["moves"] = [
            (*(_norm(x[k]) for k in x if k != "source_line"), position[x["source_line"]])
            for x in await Invoice.raw(
                "SELECT company, warehouse, article, day, kind, quantity, unit_cost, value, "
                "origin, source_line FROM miscare_stoc "
                "WHERE source_type = 'invoice' AND source_id = {} ORDER BY id",
                invoice_id,
            )
        ]
        return out

    app_row, raw_row = await written(issued["app"][-1]), await written(issued["raw"][-1])
    if app_row != raw_row:
        diff = {k: (app_row[k], raw_row[k]) for k in app_row if app_row[k] != raw_row[k]}
        raise SystemExit(f"the raw baseline did not write what the app wrote: {diff}")
    if len(app_row["entry"]) != 1 or len(app_row["moves"]) != len(STOCKED):
        raise SystemExit(f"one entry and {len(STOCKED)} moves per invoice expected: {app_row}")
    await check_books(Invoice, len(issued["app"]) + len(issued["raw"]))
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
        await db.close_connection_pool()
    else:
        import sqlite3

        server = sqlite3.sqlite_version
    return {
        "engine": engine_name, "n": n, "rounds": rounds, "sides": sides,
        "app_statements": app_statements, "raw_statements": raw_statements,
        "empty_tx_statements": empty_tx_statements, "empty_ms": empty, "spans": spans,
        "versions": versions(engine_name, server), "server": server,
        "payable": str(app_row["payable"]), "code": code_version(),
    }  # fmt: skip


PROFILED = 200  # issues per side in the pass that times each statement
AVERAGE = statistics.fmean  # not medians: the parts of an issue add up to its whole


@dataclass
class Span:
    label: str
    part: str  # invoice, stock, ledger or number (part_of the whole SQL)
    python_ms: float  # since the previous statement's answer (the first: since the call)
    compile_ms: float  # Piccolo turning its query string into SQL and arguments
    sql_ms: float  # from handing the SQL to the driver to its answer


async def statement_spans(
    target: Any, issue: Callable[[int], Awaitable[Any]], ids: Sequence[int], engine_name: str
) -> dict[str, Any]:
    """Means per statement of `issue` over `ids`: the Python before it, Piccolo's
    compiling of it and the statement itself, by wrapping the calls that send statements
    (the app's `engine.run_querystring`; the raw side's rows/execute/executemany). What
    follows the last statement is Python and COMMIT (and, on PostgreSQL, the pool's
    release of the app's connection). The wrapper compiles each query string once more
    to time it; that time is taken out of the totals."""
    app = hasattr(target, "run_querystring")
    names = ["run_querystring"] if app else ["rows", "execute", "executemany"]
    cls = type(target)  # patched on the class: Piccolo's engines have __slots__
    # Looked up through the class's bases: the app's PostgreSQL engine subclasses Piccolo's.
    originals = {name: getattr(cls, name) for name in names}
    own = {name for name in names if name in vars(cls)}
    marks: list[tuple[float, float, float, Any]] = []

    def wrap(fn: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        async def timed_call(self: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            if app:
                query.compile_string(engine_type=engine_name)
            compiled = time.perf_counter()
            try:
                return await fn(self, query, *args, **kwargs)
            finally:
                marks.append((start, compiled, time.perf_counter(), query))

        return timed_call

    per_issue: list[tuple[list[tuple[float, float, float]], float, float]] = []
    for name, fn in originals.items():
        setattr(cls, name, wrap(fn))
    try:
        gc.collect()
        for invoice_id in ids:
            marks.clear()
            start = time.perf_counter()
            await issue(invoice_id)
            end = time.perf_counter()
            per_issue.append(([m[:3] for m in marks], start, end))
            queries = [m[3] for m in marks]
    finally:
        for name, fn in originals.items():
            if name in own:
                setattr(cls, name, fn)
            else:
                delattr(cls, name)  # the base's method shows through again
    if len({len(m) for m, _, _ in per_issue}) != 1:
        raise SystemExit("the issues did not all send the same statements")

    def compile_ms(a: float, b: float) -> float:
        return b - a if app else 0.0

    spans = []
    for i, q in enumerate(queries):
        sql = q.compile_string(engine_type=engine_name)[0] if app else q
        before = [m[i][0] - (m[i - 1][2] if i else start) for m, start, _ in per_issue]
        made = [compile_ms(*m[i][:2]) for m, _, _ in per_issue]
        # The original call compiles again: the driver's part is what is left.
        own = [m[i][2] - m[i][1] - compile_ms(*m[i][:2]) for m, _, _ in per_issue]
        spans.append(Span(abbreviate(sql, 72), part_of(sql), 1000 * AVERAGE(before),
                          1000 * AVERAGE(made), 1000 * AVERAGE(own)))  # fmt: skip
    after = AVERAGE([end - m[-1][2] for m, _, end in per_issue]) * 1000
    total = AVERAGE(
        [end - start - sum(compile_ms(*x[:2]) for x in m) for m, start, end in per_issue]
    )
    return {"spans": spans, "after_ms": after, "total_ms": 1000 * total}


async def check_books(table: Any, timed: int) -> None:
    """Every issued invoice (both sides) has one balanced entry and its moves; each
    article's moves form an unbroken chain of balances (quantity, value, received)."""
    (count,) = await table.raw(
        "SELECT (SELECT COUNT(*) FROM factura WHERE status = 'issued') AS invoices, "
        "(SELECT COUNT(*) FROM nota_contabila WHERE source_type = 'invoice') AS entries, "
        "(SELECT COUNT(*) FROM miscare_stoc WHERE source_type = 'invoice') AS moves, "
        "(SELECT COUNT(*) FROM (SELECT entry FROM linie_nota GROUP BY entry "
        "HAVING ABS(SUM(debit) - SUM(credit)) > 0.001) AS x) AS unbalanced"
    )
    if not (count["invoices"] >= timed and count["entries"] == count["invoices"]
            and count["moves"] == len(STOCKED) * count["invoices"]
            and count["unbalanced"] == 0):  # fmt: skip
        raise SystemExit(f"the books do not match the invoices: {count}")
    balance: dict[int, tuple[Decimal, Decimal, Decimal]] = {}
    for m in await table.raw(
        "SELECT article, quantity, value, balance_qty, balance_value, in_total "
        "FROM miscare_stoc ORDER BY id"
    ):
        qty, value = dec(m["quantity"]).quantize(QTY), r2(dec(m["value"]))
        before = balance.get(m["article"], (Decimal(0), Decimal(0), Decimal(0)))
        after = (before[0] + qty, before[1] + value, before[2] + max(qty, Decimal(0)))
        stored = (dec(m["balance_qty"]).quantize(QTY), r2(dec(m["balance_value"])),
                  dec(m["in_total"]).quantize(QTY))  # fmt: skip
        if stored != after:
            raise SystemExit(f"stock chain broken for article {m['article']}: {m}")
        balance[m["article"]] = after


def _norm(value: Any) -> Any:
    if isinstance(value, float | Decimal):
        return dec(value).quantize(Decimal("0.0001"))
    if isinstance(value, str) and value.startswith(("[", "{")):
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
of a 5-line invoice (4 goods, 1 service, two VAT rates, RON), all in its one transaction:
totals and VAT breakdown, frozen snapshots, the stock exits of the goods
(`domain/inventory/ops.stock_out`: warehouse, locks, positions, moves at the weighted
average), the journal entry (`domain/ledger/posting_ops.invoice_post` → `entry_post`: 4111
= 707/704 + 4427 and 607 = 371, 15 lines with the dimensions), then the number. The company
has the general chart (`chart_setup`), a default warehouse and the goods from one NIR. Jobs
enqueued after commit (the PDF) are not sent: the bench runs without a queue.
`python -m bench.issue_invoice --engine sqlite|postgres`.

- The app's statements, in order: one read of the draft (locked on PostgreSQL) with its
  company, its customer, its payment term and the company's bank accounts (one row per
  account; `invoices._issue_header`); its lines with VAT category, article kind and where
  each comes from; the dated VAT rates; one UPDATE of the lines and one INSERT of the VAT
  breakdown; the series; the stock in three (warehouse and settings with the advisory
  locks on PostgreSQL; positions and lines already moved; one INSERT of the moves); the
  entry in three (its INSERT; then its accounts with the closed-month check, after the
  INSERT so that a month close cannot pass a posting in flight; one INSERT of its lines);
  the number; one UPDATE of the header.
- *app SQL*: SELECT/INSERT/UPDATE statements the operation sends. *All statements* adds
  transaction control (BEGIN, COMMIT) and what the drivers send on their own. The app's
  PostgreSQL pool does not reset connections on release (`piccolo_conf.PostgresPoolEngine`:
  the app keeps no session state, docs/decisions.md). On SQLite the app's engine
  (`domain/core/sqlite_engine.py`) lends connections opened and configured once.
- *raw*: hand-written SQL on one open connection (asyncpg / aiosqlite), one transaction per
  invoice (BEGIN IMMEDIATE on SQLite): the header (FOR UPDATE on PostgreSQL) and the lines
  with their dated VAT rate and article kind, totals in Python, `executemany` UPDATE of the
  5 lines, one INSERT of the VAT rows; on PostgreSQL the same advisory locks on (warehouse,
  article) as `domain/inventory/moves.py`, then each article's last move (one UNION ALL),
  the exits valued in Python and one INSERT of the 4 moves; one INSERT of the entry
  (RETURNING id) and one of its 15 lines; the same `UPDATE serie_documente ... RETURNING`
  counter; one UPDATE of the header (with its due schedule: one instalment, no payment
  term). What a script written for this company would know, it does not read: the frozen
  JSON snapshots (from an app-issued invoice), the warehouse and its valuation, the
  account of each role (no closed-month check, no partner analytic). The run checks that
  both sides wrote identical rows (invoice, lines, VAT, entry and its lines, moves), that
  every invoice has one balanced entry and its moves, and that each article's moves form
  an unbroken chain of balances.
- Each round times N app issues and N raw issues, alternating in chunks of N/10 so that a
  burst of load from a neighbour hits both sides; drafts are prepared beforehand, not
  timed (one by `invoice_draft_create`, copied row for row by SQL). Rates: the median of
  the rounds; ratio: the median of the rounds' ratios.
- PostgreSQL: the run ANALYZEs after the set-up and before each pass and round, as
  autovacuum would on a live server (this one runs with autovacuum off). Without it, the
  generic plans asyncpg's prepared statements got while the tables were nearly empty
  stayed: the app's stock read and its UPDATE of the lines took 7–15 ms instead of
  0.3 ms by the end of a run (app/raw 0.26 instead of ~0.5).
- Statements are counted at the driver in a separate, untimed pass: sqlite3's trace
  callback, asyncpg's query logger (`bench/common.py`). *Where the time goes* comes from a
  third pass that wraps the calls sending statements (the app's `run_querystring`, the raw
  side's driver calls) with a clock."""


def report(result: dict[str, Any], *, write: bool = True) -> str:
    """The summary to print; with `write`, the doc's sections updated too."""
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
    if write:
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
```

{spans_table(result["spans"])}"""

    def merge(old: str) -> str:
        parts = [p for p in old.split("\n### ") if p.strip()]
        parts = ["### " + p.removeprefix("### ") for p in parts]
        kept = [p for p in parts if not p.startswith(f"### {engine_name}:")]
        return "\n\n".join(sorted([*kept, details]))

    if write:
        doc_replace(MARK + ":details", merge)
    summary = (
        f"{engine_name}: app {app:.0f}/s, raw {raw:.0f}/s, ratio {ratio:.2f} (budget ≥ 0.33); "
        f"{len(app_sql)} app statements per issue, {total} in all (budget ≤ 15)\n"
        + listing(result["app_statements"])
        + "\n\n"
        + spans_table(result["spans"])
    )
    return summary


# What each statement is part of, by the table it names first.
PARTS = {"miscare_stoc": "stock", "gestiune": "stock", "nota_contabila": "ledger",
         "linie_nota": "ledger", "cont_implicit": "ledger",
         "serie_documente": "number"}  # fmt: skip


def part_of(sql: str) -> str:
    if sql.startswith("SELECT COUNT(pg_advisory_xact_lock"):
        return "stock"
    first = min(
        ((sql.find(t), part) for t, part in PARTS.items() if t in sql), default=(0, "invoice")
    )
    return first[1]


def spans_table(spans: dict[str, dict[str, Any]]) -> str:
    """Where the time of one issue goes, per statement, both sides (means, ms)."""
    out = [
        f"Where the time goes: means over {PROFILED} issues per side in an untimed pass, "
        "in ms (means, so that the parts add up to the whole). *Python before*: since the "
        "previous statement's answer (the first: since the call, BEGIN included); "
        "*compile*: Piccolo turning its query into SQL and arguments; *statement*: from "
        "the driver call to its answer. Per part of the work:",
        "",
    ]
    parts: dict[str, dict[str, list[float]]] = {}
    for side, found in spans.items():
        for x in found["spans"]:
            sums = parts.setdefault(x.part, {}).setdefault(side, [0.0, 0.0, 0])
            sums[0] += x.python_ms + x.compile_ms
            sums[1] += x.sql_ms
            sums[2] += 1
    out += ["| part | app: statements | app: Python + compile | app: statements' time "
            "| raw: statements | raw: Python | raw: statements' time |",
            "|---|---|---|---|---|---|---|"]  # fmt: skip
    for part, sides in parts.items():
        a, r = sides.get("app", [0.0, 0.0, 0]), sides.get("raw", [0.0, 0.0, 0])
        out.append(f"| {part} | {a[2]} | {a[0]:.2f} | {a[1]:.2f} | {r[2]} | {r[0]:.2f} | "
                   f"{r[1]:.2f} |")  # fmt: skip
    a, r = spans["app"], spans["raw"]
    out.append(f"| after the last statement (Python, COMMIT) | | {a['after_ms']:.2f} | | | "
               f"{r['after_ms']:.2f} | |")  # fmt: skip
    out.append(f"| **whole issue** | | | **{a['total_ms']:.2f}** | | | **{r['total_ms']:.2f}** |")
    for side in ("app", "raw"):
        out += ["", f"{side}, per statement:", "",
                "| # | statement | part | Python before | compile | statement |",
                "|---|---|---|---|---|---|"]  # fmt: skip
        out += [
            f"| {i} | `{x.label}` | {x.part} | {x.python_ms:.2f} | "
            f"{x.compile_ms:.2f} | {x.sql_ms:.2f} |"
            for i, x in enumerate(spans[side]["spans"], 1)
        ]
    return "\n".join(out)


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
    print(report(result, write=not args.no_doc))


if __name__ == "__main__":
    main()
