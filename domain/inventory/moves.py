"""The stock engine: lock, read, value and write the moves of one warehouse.

Every operation that moves stock (sales and avize through `stock_out`, receptions,
transfers, adjustments) goes through here, inside its caller's transaction:

1. lock the (warehouse, article) pairs — PostgreSQL advisory transaction locks in
   (warehouse, article) order; SQLite's BEGIN IMMEDIATE already serialises writers;
2. read, in one statement taken after the locks (so it sees what the previous holder
   committed), each article's last move (its balance) and, for FIFO, the receipts not
   yet consumed;
3. value the moves with the pure rules (domain/inventory/rules.py);
4. write them in one INSERT, each with the balance it leaves.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from domain.core.errors import Conflict, NotFound, ValidationFailed
from domain.core.money import q2, to_decimal
from domain.core.tx import is_sqlite, require_tx
from domain.inventory.rules import CMP, ZERO, Position, position_of, q3, unit_cost
from tables.catalog import Article
from tables.stock import MoveKind, StockMove

MOVE_COLUMNS = (
    "article, id, quantity, value, balance_qty, balance_value, in_total, unit_cost, "
    "source_line, origin, kind, warehouse"
)


def marks(values: Sequence[Any]) -> str:
    return ", ".join("{}" for _ in values) or "NULL"


@dataclass(frozen=True, slots=True)
class Context:
    """The warehouse a document moves stock in, and the company's stock settings."""

    company: int
    warehouse: int | None
    warehouse_name: str
    work_point: int | None
    valuation: str
    allow_negative: bool
    keeps_stock: bool  # False: the company has no warehouse at all


@dataclass(slots=True)
class Move:
    """A move to write. Out: negative `quantity`. In: positive, worth `value` when it is
    known (reception, transfer, return), else at `cost` per unit or at the average.
    An adjustment to a counted quantity gives `counted` and gets its quantity here."""

    article: int
    quantity: Decimal
    kind: MoveKind
    source_line: int | None = None
    value: Decimal | None = None
    cost: Decimal | None = None
    origin: int | None = None
    counted: Decimal | None = None
    article_kind: str = "goods"
    warehouse: int | None = None  # default: the context's
    written_value: Decimal = ZERO  # filled by value_moves: signed, in RON
    balance: tuple[Decimal, Decimal, Decimal] = (ZERO, ZERO, ZERO)  # qty, value, in_total


def _lock_values(count: int) -> str:
    return ", ".join("(CAST({} AS INTEGER), CAST({} AS INTEGER))" for _ in range(count))


async def lock_pairs(pairs: Iterable[tuple[int, int]]) -> None:
    """Advisory locks on (warehouse, article) pairs, in order (PostgreSQL only)."""
    require_tx()
    ordered = sorted(set(pairs))
    if is_sqlite() or not ordered:
        return
    await StockMove.raw(
        "SELECT COUNT(pg_advisory_xact_lock(v.w, v.a)) AS locked "
        f"FROM (VALUES {_lock_values(len(ordered))}) AS v(w, a)",
        *(x for pair in ordered for x in pair),
    )


async def context(
    *,
    company_id: int,
    work_point_id: int | None = None,
    warehouse_id: int | None = None,
    lock_articles: Sequence[int] = (),
) -> Context:
    """The warehouse (given, or the default of the work point, else of the company) and
    the settings, in one statement that also locks the articles' pairs in it."""
    require_tx()
    if warehouse_id is not None:
        pick, pick_arg = "CAST({} AS INTEGER)", warehouse_id
    else:
        pick = (
            "(SELECT g.id FROM gestiune g WHERE g.company = f.id AND g.is_default "
            "AND g.active AND (g.work_point = {} OR g.work_point IS NULL) "
            "ORDER BY CASE WHEN g.work_point IS NULL THEN 1 ELSE 0 END, g.id LIMIT 1)"
        )
        pick_arg = work_point_id
    articles = sorted(set(lock_articles))
    locks = ""
    if articles and not is_sqlite():
        values = ", ".join("(CAST({} AS INTEGER))" for _ in articles)
        locks = (
            ", (SELECT COUNT(pg_advisory_xact_lock(w.id, v.a)) "
            f"FROM (VALUES {values}) AS v(a)) AS locked"
        )
    else:
        articles = []
    rows = await StockMove.raw(
        "SELECT w.id AS warehouse, w.name AS warehouse_name, w.company AS owner, "
        "w.work_point AS work_point, "
        "w.active AS active, s.valuation AS valuation, s.allow_negative AS allow_negative, "
        "(SELECT COUNT(*) FROM gestiune g WHERE g.company = f.id) AS warehouses"
        f"{locks} FROM firma f LEFT JOIN setari_stoc s ON s.company = f.id "
        f"LEFT JOIN gestiune w ON w.id = {pick} WHERE f.id = {{}}",
        *articles, pick_arg, company_id,
    )  # fmt: skip
    if not rows:
        raise NotFound("COMPANY_NOT_FOUND", f"Firma nr. {company_id} nu există.")
    row = rows[0]
    if warehouse_id is not None and (row["warehouse"] is None or row["owner"] != company_id):
        raise NotFound(
            "WAREHOUSE_NOT_FOUND",
            f"Gestiunea nr. {warehouse_id} nu există la această firmă.",
            f"Warehouse {warehouse_id} does not exist in this company.",
            field="warehouse",
        )
    if warehouse_id is not None and not row["active"]:
        raise ValidationFailed(
            "WAREHOUSE_INACTIVE",
            f"Gestiunea «{row['warehouse_name']}» este inactivă.",
            f"Warehouse «{row['warehouse_name']}» is inactive.",
            field="warehouse",
        )
    return Context(
        company=company_id,
        warehouse=row["warehouse"],
        warehouse_name=row["warehouse_name"] or "",
        work_point=row["work_point"],
        valuation=row["valuation"] or CMP,
        allow_negative=bool(row["allow_negative"]),
        keeps_stock=int(row["warehouses"] or 0) > 0,
    )


def _money(value: Any) -> Decimal:
    return q2(to_decimal(value)) if value is not None else ZERO


def _qty(value: Any) -> Decimal:
    return q3(to_decimal(value)) if value is not None else ZERO


def parse_move(row: dict[str, Any]) -> dict[str, Any]:
    """A move row with exact numbers on both engines (SQLite hands back floats)."""
    out = dict(row)
    for key in ("quantity", "balance_qty", "in_total"):
        out[key] = _qty(row.get(key))
    for key in ("value", "balance_value"):
        out[key] = _money(row.get(key))
    out["unit_cost"] = to_decimal(row.get("unit_cost") or 0).quantize(Decimal("0.0001"))
    return out


def position_parts(warehouse: int, articles: Sequence[int], fifo: bool) -> tuple[list[str], list]:
    """The UNION ALL parts that read each article's position in `warehouse`."""
    parts: list[str] = []
    args: list[Any] = []
    for i, article in enumerate(sorted(set(articles))):
        parts.append(
            f"SELECT * FROM (SELECT 'p' AS k, {MOVE_COLUMNS} FROM miscare_stoc "
            f"WHERE warehouse = {{}} AND article = {{}} ORDER BY id DESC LIMIT 1) AS p{i}"
        )
        args += [warehouse, article]
        if fifo:
            # Receipts whose units are not all consumed: the frontier is the last move's
            # in_total - balance_qty (the half-thousandth absorbs SQLite's REAL noise).
            parts.append(
                f"SELECT 'l', {MOVE_COLUMNS} FROM miscare_stoc WHERE warehouse = {{}} "
                "AND article = {} AND quantity > 0 AND in_total > (SELECT x.in_total - "
                "x.balance_qty FROM miscare_stoc x WHERE x.warehouse = {} AND x.article = {} "
                "ORDER BY x.id DESC LIMIT 1) + 0.0005"
            )
            args += [warehouse, article, warehouse, article]
    return parts, args


def positions_from(
    rows: Iterable[dict[str, Any]], warehouse: int, articles: Iterable[int], valuation: str
) -> dict[tuple[int, int], Position]:
    last: dict[int, dict[str, Any]] = {}
    layers: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        if row["k"] == "p":
            last[row["article"]] = row
        elif row["k"] == "l":
            layers.setdefault(row["article"], []).append(row)
    out: dict[tuple[int, int], Position] = {}
    for article in articles:
        row = last.get(article)
        receipts = sorted(layers.get(article, []), key=lambda r: r["id"])
        if row is None:
            out[warehouse, article] = position_of(valuation)
            continue
        out[warehouse, article] = position_of(
            valuation,
            quantity=row["balance_qty"],
            value=row["balance_value"],
            in_total=row["in_total"],
            last_cost=row["unit_cost"],
            receipts=[(r["in_total"], r["quantity"], r["value"]) for r in receipts],
        )
    return out


async def read_union(parts: Sequence[str], args: Sequence[Any]) -> list[dict[str, Any]]:
    if not parts:
        return []
    return [parse_move(r) for r in await StockMove.raw(" UNION ALL ".join(parts), *args)]


async def read_positions(
    warehouse: int, articles: Sequence[int], valuation: str
) -> dict[tuple[int, int], Position]:
    parts, args = position_parts(warehouse, articles, valuation == "fifo")
    rows = await read_union(parts, args)
    return positions_from(rows, warehouse, articles, valuation)


@dataclass(frozen=True, slots=True)
class Shortage:
    article: int
    warehouse: int
    available: Decimal
    required: Decimal


def value_moves(
    ctx: Context, positions: dict[tuple[int, int], Position], moves: Sequence[Move]
) -> list[Shortage]:
    """Values every move against its position (in order), fills `written_value` and
    `quantity` (counted adjustments); returns the shortages when below zero is refused.
    A move of a counted adjustment that changes nothing gets quantity zero."""
    start = {key: pos.quantity for key, pos in positions.items()}
    required: dict[tuple[int, int], Decimal] = {}
    short: set[tuple[int, int]] = set()
    for move in moves:
        key = (move.warehouse or ctx.warehouse or 0, move.article)
        pos = positions[key]
        if move.counted is not None:
            move.quantity = q3(move.counted - pos.quantity)
        if move.quantity < 0:
            needed = -move.quantity
            required[key] = required.get(key, ZERO) + needed
            if pos.quantity < needed:
                short.add(key)
            move.written_value = -pos.take(needed)
        elif move.quantity > 0:
            if move.value is not None:
                pos.put(move.quantity, move.value)
                move.written_value = move.value
            else:
                move.written_value = pos.put_at_cost(move.quantity, move.cost)
        move.balance = (pos.quantity, pos.value, pos.in_total)
    if ctx.allow_negative:
        return []
    return [Shortage(k[1], k[0], start[k], required[k]) for k in sorted(short)]


@dataclass(slots=True)
class MoveRow:
    """A row of miscare_stoc to insert; `id` is set once it is written."""

    company: int
    warehouse: int | None
    article: int
    day: date
    kind: str
    quantity: Decimal
    unit_cost: Decimal
    value: Decimal
    balance_qty: Decimal
    balance_value: Decimal
    in_total: Decimal
    source_type: str
    source_id: int | None
    source_line: int | None
    origin: int | None
    id: int | None = None


# Every column but id (and created_at, given at insert), in MoveRow's order.
ROW_COLUMNS = tuple(f for f in MoveRow.__dataclass_fields__ if f != "id")
_INSERT_HEAD = f"INSERT INTO miscare_stoc ({', '.join(ROW_COLUMNS)}, created_at) VALUES "
_INSERT_ROW = "(" + ", ".join("{}" for _ in range(len(ROW_COLUMNS) + 1)) + ")"


def move_rows(
    ctx: Context, moves: Sequence[Move], *, day: date, source_type: str, source_id: int | None
) -> list[MoveRow]:
    """The rows to insert (valued moves), each with the balance it leaves."""
    rows = []
    for move in moves:
        if move.quantity == 0:
            continue
        rows.append(MoveRow(
            company=ctx.company, warehouse=move.warehouse or ctx.warehouse,
            article=move.article, day=day, kind=move.kind, quantity=move.quantity,
            unit_cost=unit_cost(move.written_value, move.quantity), value=move.written_value,
            balance_qty=move.balance[0], balance_value=move.balance[1],
            in_total=move.balance[2], source_type=source_type, source_id=source_id,
            source_line=move.source_line, origin=move.origin,
        ))  # fmt: skip
    return rows


async def insert_moves(rows: Sequence[MoveRow]) -> None:
    """One INSERT of plain values, the ids read back onto the rows (in VALUES order,
    as Piccolo's insert assumes too). Not `StockMove.insert`: the table objects and
    compiling their insert cost ~0.7 ms of Python for the 4 moves of an invoice, twice
    the statement itself (docs/benchmarks.md, issuing an invoice)."""
    if not rows:
        return
    now = datetime.now(UTC)  # created_at, as the column's default would give it
    args = [x for row in rows for x in (*(getattr(row, c) for c in ROW_COLUMNS), now)]
    written = await StockMove.raw(
        _INSERT_HEAD + ", ".join(_INSERT_ROW for _ in rows) + " RETURNING id", *args
    )
    for row, done in zip(rows, written, strict=True):
        row.id = done["id"]


async def refuse_shortages(ctx: Context, shortages: Sequence[Shortage]) -> None:
    """STOCK_INSUFFICIENT naming each article, what there is and what is asked (the
    names are read only now: the refusal is the rare path)."""
    if not shortages:
        return
    ids = sorted({s.article for s in shortages})
    names = {
        r["id"]: (r["name"], r["symbol"])
        for r in await Article.select(
            Article.id, Article.name, Article.uom.symbol.as_alias("symbol")
        ).where(Article.id.is_in(ids))
    }
    parts = []
    for s in shortages:
        name, symbol = names.get(s.article, (f"nr. {s.article}", ""))
        parts.append(
            f"«{name}»: disponibil {_fmt(max(s.available, ZERO))} {symbol}, "
            f"necesar {_fmt(s.required)} {symbol}".replace("  ", " ").strip()
        )
    raise Conflict(
        "STOCK_INSUFFICIENT",
        f"Stoc insuficient în gestiunea «{ctx.warehouse_name}»: " + "; ".join(parts) + ". "
        "Recepționați marfa (NIR) sau alegeți altă gestiune; vânzarea peste stoc se poate "
        "permite din Stocuri › Setări stoc.",
        f"Insufficient stock in «{ctx.warehouse_name}».",
        details={
            "warehouse": ctx.warehouse,
            "articles": [
                {"article": s.article, "available": str(s.available), "required": str(s.required)}
                for s in shortages
            ],
        },
    )


def _fmt(quantity: Decimal) -> str:
    """3,5 / 10 / 0,125: Romanian decimal comma, no trailing zeros."""
    text = f"{quantity.normalize():f}" if quantity else "0"
    return text.replace(".", ",")
