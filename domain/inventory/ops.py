"""Stock operations: the exit of a sale or an aviz (`stock_out`, called by the sales
side inside its own transaction), the undoing of a document's exits (`stock_revert`),
transfers between warehouses and inventory adjustments. Receptions (NIR) are in
receptions.py, warehouses and settings in warehouses.py.

Accounts (OMFP 1802/2014), through the company's role mapping:
- an exit: goods 607 = 371, own products 711 = 345; a return: the same, negative;
- a shortage found at inventory: 607 = 371 (711 = 345), at the average/FIFO cost;
- a surplus: 371 = 607 (345 = 711): it lowers the cost of goods sold, the treatment
  Romanian practice gives goods found in surplus; imputable shortages (461/4282) and
  the VAT to be collected on them are booked by hand;
- a transfer: no entry (both warehouses use the company's 371/345).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from domain.core.errors import Conflict, ValidationFailed
from domain.core.money import input_decimal
from domain.core.tx import require_tx, write_tx
from domain.inventory.moves import (
    MOVE_COLUMNS,
    Context,
    Move,
    context,
    insert_moves,
    lock_pairs,
    marks,
    move_rows,
    parse_move,
    position_parts,
    positions_from,
    read_positions,
    read_union,
    refuse_shortages,
    value_moves,
)
from domain.inventory.rules import ZERO, q3, return_value
from domain.inventory.warehouses import STOCK_AREA, stock_articles
from domain.ledger.ops import entry_post
from domain.ledger.rules import Dimensions, PostLine
from domain.org.permissions import Action, Actor, require
from tables.choices import ArticleKind, EntryKind, PostingRole
from tables.stock import MoveKind, StockDocKind, StockDocument, StockMove

STOCK_KINDS = frozenset({ArticleKind.goods, ArticleKind.product})
EXITS = (MoveKind.sale, MoveKind.delivery_note)
COST_ROLES = {
    ArticleKind.goods: (PostingRole.cost_goods, PostingRole.stock_goods),
    ArticleKind.product: (PostingRole.cost_product, PostingRole.stock_product),
}
STOCK_DOCUMENT = "stock_document"


@dataclass(frozen=True, slots=True)
class StockLine:
    """A document line as the stock sees it. A negative quantity is a return: it comes
    back at the cost of the exit of `returns_of` (a line id of `returns_of_type`, by
    default the same source type), else at the warehouse's current cost."""

    article: int
    quantity: Decimal
    source_line: int
    article_kind: str = ArticleKind.goods
    returns_of: int | None = None
    returns_of_type: str | None = None


def cost_lines(moves: Sequence[Move], dims: Dimensions) -> list[PostLine]:
    """607 = 371 (711 = 345) for what left, the same negative for what came back."""
    lines: list[PostLine] = []
    for move in moves:
        amount = -move.written_value
        if amount == 0:
            continue
        cost, stock = COST_ROLES[ArticleKind(move.article_kind)]
        text = "Descărcare din gestiune" if amount > 0 else "Retur în gestiune"
        lines.append(PostLine(cost, debit=amount, article=move.article, description=text,
                              dims=dims))  # fmt: skip
        lines.append(PostLine(stock, credit=amount, article=move.article, description=text,
                              dims=dims))  # fmt: skip
    return lines


def adjustment_lines(moves: Sequence[Move], dims: Dimensions) -> list[PostLine]:
    """Shortage 607 = 371 (711 = 345); surplus 371 = 607 (345 = 711)."""
    lines: list[PostLine] = []
    for move in moves:
        amount = move.written_value
        if amount == 0:
            continue
        cost, stock = COST_ROLES[ArticleKind(move.article_kind)]
        debit, credit = (stock, cost) if amount > 0 else (cost, stock)
        text = "Plus la inventar" if amount > 0 else "Lipsă la inventar"
        lines.append(PostLine(debit, debit=abs(amount), article=move.article, description=text,
                              dims=dims))  # fmt: skip
        lines.append(PostLine(credit, credit=abs(amount), article=move.article,
                              description=text, dims=dims))  # fmt: skip
    return lines


def _missing_warehouse(work_point_id: int | None) -> ValidationFailed:
    where = f"punctul de lucru nr. {work_point_id}" if work_point_id else "firmă"
    return ValidationFailed(
        "WAREHOUSE_MISSING",
        f"Nu există o gestiune implicită activă pentru {where}. Alegeți una în "
        "Stocuri › Gestiuni (bifați «Implicită»).",
        "No active default warehouse for the work point or the company.",
        field="work_point",
    )


async def stock_out(
    *,
    company_id: int,
    work_point_id: int | None,
    day: date,
    lines: Sequence[StockLine],
    source_type: str,
    source_id: int,
    kind: MoveKind | None = None,
    dims: Dimensions | None = None,
) -> list[PostLine]:
    """Take the goods and products of a document out of the work point's default
    warehouse (returns come back in), inside the caller's transaction; returns the cost
    lines to post with the document. Services, rent and utilities do not move.

    Three statements whatever the number of lines: the warehouse with the settings and
    the locks, one read of positions / lines already moved / exits returned, one insert.
    A company without any warehouse keeps no stock: nothing moves, nothing is posted.
    """
    require_tx()
    moving = [
        x
        for x in lines
        if x.article is not None and x.article_kind in STOCK_KINDS and x.quantity != 0
    ]
    if not moving:
        return []
    out_kind = kind or (MoveKind.sale if source_type == "invoice" else MoveKind.delivery_note)
    articles = sorted({x.article for x in moving})
    ctx = await context(company_id=company_id, work_point_id=work_point_id, lock_articles=articles)
    if not ctx.keeps_stock:
        return []
    if ctx.warehouse is None:
        raise _missing_warehouse(work_point_id)
    parts, args = position_parts(ctx.warehouse, articles, ctx.valuation == "fifo")
    ids = [x.source_line for x in moving]
    parts.append(
        f"SELECT 'd', {MOVE_COLUMNS} FROM miscare_stoc WHERE source_type = {{}} "
        f"AND source_line IN ({marks(ids)}) AND kind IN ({{}}, {{}})"
    )
    args += [source_type, *ids, out_kind, MoveKind.return_]
    groups: dict[str, list[int]] = {}
    for x in moving:
        if x.quantity < 0 and x.returns_of is not None:
            groups.setdefault(x.returns_of_type or source_type, []).append(x.returns_of)
    for i, (origin_type, origin_ids) in enumerate(sorted(groups.items())):
        exits = (
            f"FROM miscare_stoc WHERE source_type = {{}} AND source_line IN "
            f"({marks(origin_ids)}) AND kind IN ({{}}, {{}})"
        )
        parts.append(f"SELECT 'o{i}', {MOVE_COLUMNS} {exits}")
        parts.append(
            f"SELECT 'r{i}', {MOVE_COLUMNS} FROM miscare_stoc WHERE kind = {{}} "
            f"AND origin IN (SELECT id {exits})"
        )
        exit_args = [origin_type, *origin_ids, *EXITS]
        args += [*exit_args, MoveKind.return_, *exit_args]
    rows = await read_union(parts, args)
    positions = positions_from(rows, ctx.warehouse, articles, ctx.valuation)
    origins, returned = _origins(rows, sorted(groups))
    done = {(r["source_line"], r["kind"]) for r in rows if r["k"] == "d"}
    moves = [
        _line_move(x, out_kind, source_type, ctx, positions, origins, returned, done)
        for x in moving
    ]
    await refuse_shortages(ctx, value_moves(ctx, positions, moves))
    await insert_moves(move_rows(ctx, moves, day=day, source_type=source_type, source_id=source_id))
    return cost_lines(moves, dims or Dimensions(work_point=work_point_id))


def _origins(
    rows: Sequence[dict[str, Any]], types: Sequence[str]
) -> tuple[dict[tuple[str, int], dict[str, Any]], dict[int, Decimal]]:
    """The exits returned, by (source type, source line), and what already came back
    of each (by exit id)."""
    origins: dict[tuple[str, int], dict[str, Any]] = {}
    returned: dict[int, Decimal] = {}
    for row in rows:
        k = row["k"]
        if k[0] == "o" and k[1:].isdigit():
            origins.setdefault((types[int(k[1:])], row["source_line"]), row)
        elif k[0] == "r" and k[1:].isdigit():
            returned[row["origin"]] = returned.get(row["origin"], ZERO) + row["quantity"]
    return origins, returned


def _line_move(
    line: StockLine,
    out_kind: MoveKind,
    source_type: str,
    ctx: Context,
    positions: dict,
    origins: dict[tuple[str, int], dict[str, Any]],
    returned: dict[int, Decimal],
    done: set[tuple[int, str]],
) -> Move:
    quantity = q3(input_decimal(line.quantity, "quantity"))
    move_kind = out_kind if quantity > 0 else MoveKind.return_
    if (line.source_line, move_kind) in done:
        raise Conflict(
            "STOCK_ALREADY_MOVED",
            f"Linia nr. {line.source_line} a mișcat deja stocul: marfa nu iese de două ori "
            "pentru aceeași linie.",
            f"Line {line.source_line} already moved stock.",
            details={"source_type": source_type, "source_line": line.source_line},
        )
    common = {"article": line.article, "source_line": line.source_line,
              "article_kind": line.article_kind}  # fmt: skip
    if quantity > 0:
        return Move(quantity=-quantity, kind=out_kind, **common)
    back = -quantity
    origin = None
    if line.returns_of is not None:
        origin = origins.get((line.returns_of_type or source_type, line.returns_of))
    if origin is None:
        position = positions[ctx.warehouse, line.article]
        if position.average() <= 0:
            raise ValidationFailed(
                "STOCK_RETURN_COST_UNKNOWN",
                f"Linia nr. {line.source_line}: nu se cunoaște costul mărfii returnate "
                "(ieșirea inițială nu a trecut prin gestiune și articolul nu are istoric "
                "în ea). Faceți o recepție sau o ajustare de inventar cu costul ei.",
                "The cost of the returned goods is unknown.",
                details={"source_line": line.source_line},
            )
        return Move(quantity=back, kind=MoveKind.return_, **common)
    if origin["article"] != line.article:
        raise ValidationFailed(
            "STOCK_RETURN_ARTICLE",
            f"Linia nr. {line.source_line} returnează alt articol decât linia nr. "
            f"{line.returns_of}.",
            "The return names another article than the line it returns.",
        )
    sold_qty, sold_value = -origin["quantity"], -origin["value"]
    before = returned.get(origin["id"], ZERO)
    if before + back > sold_qty:
        raise ValidationFailed(
            "STOCK_RETURN_EXCEEDS",
            f"Linia nr. {line.source_line}: se returnează {back} din {sold_qty} ieșite, "
            f"din care {before} au revenit deja.",
            "More would come back than left.",
            details={"source_line": line.source_line},
        )
    returned[origin["id"]] = before + back
    value = return_value(sold_qty, sold_value, before, back)
    return Move(quantity=back, kind=MoveKind.return_, value=value, origin=origin["id"],
                **common)  # fmt: skip


async def stock_revert(
    *,
    company_id: int,
    source_type: str,
    source_id: int,
    day: date,
    dims: Dimensions | None = None,
) -> list[PostLine]:
    """Bring back everything a document took out and that has not come back yet, at
    the cost it left with, into the warehouse it left from (a cancelled aviz or
    invoice); returns the cost lines to post (negative 607 = 371 / 711 = 345)."""
    require_tx()
    # The document's exits (with their articles' kinds) and what already came back.
    where = "e.source_type = {} AND e.source_id = {} AND e.kind IN ({}, {})"
    found = await StockMove.raw(
        f"SELECT 'x' AS k, {_prefixed('e')}, a.kind AS article_kind FROM miscare_stoc e "
        f"JOIN articol a ON a.id = e.article WHERE {where} "
        f"UNION ALL SELECT 'r', {_prefixed('r')}, '' FROM miscare_stoc r WHERE r.kind = {{}} "
        f"AND r.origin IN (SELECT e.id FROM miscare_stoc e WHERE {where})",
        source_type, source_id, *EXITS, MoveKind.return_, source_type, source_id, *EXITS,
    )  # fmt: skip
    rows = [parse_move(r) for r in found]
    back: dict[int, Decimal] = {}
    for r in rows:
        if r["k"] == "r":
            back[r["origin"]] = back.get(r["origin"], ZERO) + r["quantity"]
    exits = [r for r in rows if r["k"] == "x"]
    by_warehouse: dict[int, list[dict[str, Any]]] = {}
    for r in exits:
        by_warehouse.setdefault(r["warehouse"], []).append(r)
    moves_all: list[Move] = []
    for warehouse, items in sorted(by_warehouse.items()):
        articles = sorted({r["article"] for r in items})
        ctx = await context(company_id=company_id, warehouse_id=warehouse, lock_articles=articles)
        positions = await read_positions(warehouse, articles, ctx.valuation)
        moves = []
        for r in sorted(items, key=lambda x: x["id"]):
            sold_qty, sold_value = -r["quantity"], -r["value"]
            before = back.get(r["id"], ZERO)
            if before >= sold_qty:
                continue
            value = return_value(sold_qty, sold_value, before, sold_qty - before)
            moves.append(Move(
                article=r["article"], quantity=sold_qty - before, kind=MoveKind.return_,
                source_line=r["source_line"], value=value, origin=r["id"],
                article_kind=r["article_kind"],
            ))  # fmt: skip
        value_moves(ctx, positions, moves)
        await insert_moves(
            move_rows(ctx, moves, day=day, source_type=source_type, source_id=source_id)
        )
        moves_all += moves
    return cost_lines(moves_all, dims or Dimensions())


def _prefixed(alias: str) -> str:
    return ", ".join(f"{alias}.{c}" for c in MOVE_COLUMNS.split(", "))


# ------------------------------------------------------------------ transfers, adjustments


@dataclass(frozen=True, slots=True)
class TransferLine:
    article: int
    quantity: Decimal


@dataclass(frozen=True, slots=True)
class AdjustmentLine:
    """Either a change (`quantity`, + surplus / - shortage) or the quantity counted at
    inventory (`counted`); a surplus enters at `unit_cost`, else at the current cost."""

    article: int
    quantity: Decimal | None = None
    counted: Decimal | None = None
    unit_cost: Decimal | None = None


async def _stock_document(
    company_id: int, kind: StockDocKind, day: date, warehouse: int, to: int | None,
    reason: str, by: Actor,
) -> int:  # fmt: skip
    row = StockDocument(company=company_id, kind=kind, day=day, warehouse=warehouse,
                        to_warehouse=to, reason=reason[:300], created_by=by.name[:150])  # fmt: skip
    await row.save()
    return row.id


def _positive(value: Decimal, i: int) -> Decimal:
    number = q3(input_decimal(value, f"lines[{i}].quantity"))
    if number <= 0:
        raise ValidationFailed(
            "QUANTITY_INVALID",
            f"Linia {i + 1}: cantitatea trebuie să fie mai mare decât zero.",
            f"Line {i + 1}: the quantity must be positive.",
            field=f"lines[{i}].quantity",
        )
    return number


async def transfer(
    *,
    company_id: int,
    from_warehouse: int,
    to_warehouse: int,
    day: date,
    lines: Sequence[TransferLine],
    reason: str = "",
    by: Actor,
) -> int:
    """Move stock between two warehouses of the company, at its cost where it leaves
    (FIFO: the value of the layers consumed, one layer where it arrives)."""
    require(by, STOCK_AREA, Action.write)
    if from_warehouse == to_warehouse:
        raise ValidationFailed(
            "TRANSFER_SAME_WAREHOUSE",
            "Gestiunea de destinație trebuie să fie alta decât cea de plecare.",
            "Choose another destination warehouse.",
            field="to_warehouse",
        )
    if not lines:
        raise ValidationFailed("LINES_REQUIRED", "Adăugați cel puțin o linie.", field="lines")
    quantities = [_positive(x.quantity, i) for i, x in enumerate(lines)]
    async with write_tx():
        kinds = await stock_articles([x.article for x in lines])
        articles = sorted(kinds)
        await lock_pairs([(w, a) for w in (from_warehouse, to_warehouse) for a in articles])
        source = await context(company_id=company_id, warehouse_id=from_warehouse)
        target = await context(company_id=company_id, warehouse_id=to_warehouse)
        doc = await _stock_document(company_id, StockDocKind.transfer, day, from_warehouse,
                                    to_warehouse, reason, by)  # fmt: skip
        parts, args = position_parts(from_warehouse, articles, source.valuation == "fifo")
        more, more_args = position_parts(to_warehouse, articles, source.valuation == "fifo")
        rows = await read_union(parts + more, args + more_args)
        positions = positions_from(
            [r for r in rows if r["warehouse"] == from_warehouse],
            from_warehouse, articles, source.valuation,
        ) | positions_from(
            [r for r in rows if r["warehouse"] == to_warehouse],
            to_warehouse, articles, source.valuation,
        )  # fmt: skip
        outs = [
            Move(article=x.article, quantity=-q, kind=MoveKind.transfer, warehouse=from_warehouse,
                 article_kind=kinds[x.article])
            for x, q in zip(lines, quantities, strict=True)
        ]  # fmt: skip
        await refuse_shortages(source, value_moves(source, positions, outs))
        out_rows = move_rows(source, outs, day=day, source_type=STOCK_DOCUMENT, source_id=doc)
        await insert_moves(out_rows)
        ins = [
            Move(article=m.article, quantity=-m.quantity, kind=MoveKind.transfer,
                 warehouse=to_warehouse, value=-m.written_value, origin=row.id)
            for m, row in zip(outs, out_rows, strict=True)
        ]  # fmt: skip
        value_moves(target, positions, ins)
        await insert_moves(
            move_rows(target, ins, day=day, source_type=STOCK_DOCUMENT, source_id=doc)
        )
    return doc


async def adjustment(
    *,
    company_id: int,
    warehouse_id: int,
    day: date,
    lines: Sequence[AdjustmentLine],
    reason: str = "",
    by: Actor,
) -> int:
    """An inventory adjustment: shortages leave at the stock's cost (607 = 371), surpluses
    come in at the given or current cost (371 = 607); one entry for the document."""
    require(by, STOCK_AREA, Action.write)
    if not lines:
        raise ValidationFailed("LINES_REQUIRED", "Adăugați cel puțin o linie.", field="lines")
    for i, x in enumerate(lines):
        if (x.quantity is None) == (x.counted is None):
            raise ValidationFailed(
                "ADJUSTMENT_LINE",
                f"Linia {i + 1}: dați fie diferența («quantity»), fie cantitatea "
                "inventariată («counted»).",
                f"Line {i + 1}: give either quantity or counted.",
                field=f"lines[{i}]",
            )
    async with write_tx():
        kinds = await stock_articles([x.article for x in lines])
        articles = sorted(kinds)
        ctx = await context(
            company_id=company_id, warehouse_id=warehouse_id, lock_articles=articles
        )
        doc = await _stock_document(company_id, StockDocKind.adjustment, day, warehouse_id,
                                    None, reason, by)  # fmt: skip
        positions = await read_positions(warehouse_id, articles, ctx.valuation)
        moves = [_adjustment_move(x, i, kinds[x.article]) for i, x in enumerate(lines)]
        await refuse_shortages(ctx, value_moves(ctx, positions, moves))
        await insert_moves(
            move_rows(ctx, moves, day=day, source_type=STOCK_DOCUMENT, source_id=doc)
        )
        postings = adjustment_lines(moves, Dimensions(work_point=ctx.work_point))
        if postings:
            await entry_post(
                company_id=company_id, day=day, kind=EntryKind.stock, lines=postings,
                source_type=STOCK_DOCUMENT, source_id=doc, reference=f"Ajustare {doc}",
                description=f"Ajustare de inventar, gestiunea «{ctx.warehouse_name}»"
                + (f": {reason}" if reason else ""),
                by_name=by.name,
            )  # fmt: skip
    return doc


def _adjustment_move(line: AdjustmentLine, i: int, article_kind: str) -> Move:
    cost = None
    if line.unit_cost is not None:
        cost = input_decimal(line.unit_cost, f"lines[{i}].unit_cost")
        if cost < 0:
            raise ValidationFailed(
                "COST_INVALID", f"Linia {i + 1}: costul nu poate fi negativ.",
                field=f"lines[{i}].unit_cost",
            )  # fmt: skip
    if line.counted is not None:
        counted = q3(input_decimal(line.counted, f"lines[{i}].counted"))
        if counted < 0:
            raise ValidationFailed(
                "QUANTITY_INVALID", f"Linia {i + 1}: cantitatea inventariată e negativă.",
                field=f"lines[{i}].counted",
            )  # fmt: skip
        return Move(article=line.article, quantity=ZERO, counted=counted, cost=cost,
                    kind=MoveKind.adjustment, article_kind=article_kind)  # fmt: skip
    quantity = q3(input_decimal(line.quantity, f"lines[{i}].quantity"))
    return Move(article=line.article, quantity=quantity, cost=cost, kind=MoveKind.adjustment,
                article_kind=article_kind)  # fmt: skip
