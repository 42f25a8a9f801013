"""Receptions of goods (NIR): a draft typed from the supplier's document, then issued:
the goods enter the warehouse at their cost in RON (at the reception's exchange rate
for a currency document) and the entry 371 = 401 + 4426 is posted in the same
transaction. Only goods are received here: own products enter through an adjustment
(345 = 711), services keep no stock."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from domain.catalog.queries import rates_by_category
from domain.catalog.vat import rate_on
from domain.core.bulk import update_many
from domain.core.clock import today
from domain.core.errors import Conflict, NotFound, ValidationFailed
from domain.core.money import input_decimal, q2, sum_money, to_decimal
from domain.core.tx import for_update, write_tx
from domain.inventory.moves import (
    Move,
    context,
    insert_moves,
    move_rows,
    read_positions,
    value_moves,
)
from domain.inventory.rules import ZERO, ReceptionLine, q3, reception_amounts
from domain.inventory.warehouses import STOCK_AREA, settings_ensure
from domain.ledger.ops import entry_post
from domain.ledger.rules import Dimensions, PostLine
from domain.org.fx import rate_for_invoice
from domain.org.permissions import Action, Actor, require
from tables.catalog import Article
from tables.choices import ArticleKind, DocStatus, EntryKind, PostingRole
from tables.org import Company, Currency
from tables.partners import Partner
from tables.stock import MoveKind, StockReception, StockReceptionLine, StockSettings, Warehouse

RECEPTION = "reception"
HEADER_FIELDS = ("company", "warehouse", "partner", "day", "supplier_doc_number",
                 "supplier_doc_date", "currency", "fx_rate", "notes")  # fmt: skip


def _not_found(reception_id: int) -> NotFound:
    return NotFound(
        "RECEPTION_NOT_FOUND",
        f"NIR-ul nr. {reception_id} nu există.",
        f"Reception {reception_id} does not exist.",
    )


async def _header(values: Mapping[str, Any]) -> dict[str, Any]:
    out = {k: values[k] for k in HEADER_FIELDS if k in values and values[k] is not None}
    if not out.get("company"):
        row = await Company.select(Company.id).order_by(Company.id).first()
        if row is None:
            raise ValidationFailed("COMPANY_MISSING", "Completați întâi datele firmei.")
        out["company"] = row["id"]
    warehouse = await Warehouse.select().where(Warehouse.id == (out.get("warehouse") or 0)).first()
    if warehouse is None or warehouse["company"] != out["company"]:
        raise ValidationFailed(
            "WAREHOUSE_NOT_FOUND", "Alegeți gestiunea în care intră marfa.", field="warehouse"
        )
    if not warehouse["active"]:
        raise ValidationFailed(
            "WAREHOUSE_INACTIVE", f"Gestiunea «{warehouse['name']}» este inactivă.",
            field="warehouse",
        )  # fmt: skip
    if not out.get("partner") or not await Partner.exists().where(Partner.id == out["partner"]):
        raise ValidationFailed("PARTNER_REQUIRED", "Alegeți furnizorul.", field="partner")
    out["supplier_doc_number"] = str(out.get("supplier_doc_number") or "").strip()[:40]
    if not out["supplier_doc_number"]:
        raise ValidationFailed(
            "FIELD_REQUIRED",
            "Completați numărul documentului furnizorului (factură sau aviz).",
            field="supplier_doc_number",
        )
    if not isinstance(out.get("supplier_doc_date"), date):
        raise ValidationFailed(
            "FIELD_REQUIRED", "Completați data documentului furnizorului.",
            field="supplier_doc_date",
        )  # fmt: skip
    out.setdefault("day", today())
    out["currency"] = str(out.get("currency") or "RON").strip().upper()
    if out["currency"] != "RON" and not await Currency.exists().where(
        Currency.code == out["currency"]
    ):
        raise ValidationFailed(
            "CURRENCY_INVALID", f"Moneda «{out['currency']}» nu există.", field="currency"
        )
    if out.get("fx_rate") is not None:
        rate = input_decimal(out["fx_rate"], "fx_rate")
        if rate <= 0:
            raise ValidationFailed(
                "FX_RATE_INVALID", "Cursul trebuie să fie pozitiv.", field="fx_rate"
            )
        out["fx_rate"] = rate.quantize(Decimal("0.0001"))
    if out["currency"] == "RON":
        out["fx_rate"] = None
    return out


async def _lines(lines: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    if not lines:
        raise ValidationFailed("LINES_REQUIRED", "Adăugați cel puțin o linie.", field="lines")
    ids = sorted({int(x.get("article") or 0) for x in lines})
    articles = {
        r["id"]: r
        for r in await Article.select(Article.id, Article.name, Article.kind).where(
            Article.id.is_in(ids)
        )
    }
    out = []
    for i, x in enumerate(lines):
        article = articles.get(int(x.get("article") or 0))
        where = f"lines[{i}]"
        if article is None:
            raise ValidationFailed(
                "ARTICLE_NOT_FOUND", f"Linia {i + 1}: articolul nu există.", field=where
            )
        if article["kind"] != ArticleKind.goods:
            raise ValidationFailed(
                "RECEPTION_GOODS_ONLY",
                f"Linia {i + 1}: «{article['name']}» nu este marfă. NIR-ul primește mărfuri; "
                "produsele finite intră în gestiune prin ajustare (predare din producție).",
                f"Line {i + 1}: only goods are received.",
                field=f"{where}.article",
            )
        quantity = q3(input_decimal(x.get("quantity"), f"{where}.quantity"))
        price = input_decimal(x.get("unit_price"), f"{where}.unit_price")
        if quantity <= 0 or price < 0:
            raise ValidationFailed(
                "RECEPTION_LINE_INVALID",
                f"Linia {i + 1}: cantitatea trebuie să fie pozitivă și prețul nenegativ.",
                field=where,
            )
        vat = x.get("vat_rate")
        if vat is not None:
            vat = input_decimal(vat, f"{where}.vat_rate")
            if not 0 <= vat <= 100:
                raise ValidationFailed(
                    "VAT_RATE_INVALID", f"Linia {i + 1}: cota TVA e între 0 și 100.",
                    field=f"{where}.vat_rate",
                )  # fmt: skip
        out.append({"position": i + 1, "article": article["id"], "quantity": quantity,
                    "unit_price": price.quantize(Decimal("0.0001")), "vat_rate": vat})  # fmt: skip
    return out


async def reception_draft_create(
    *, values: Mapping[str, Any], lines: Sequence[Mapping[str, Any]], by: Actor
) -> int:
    """A draft NIR: header and lines checked, nothing moves until it is issued."""
    require(by, STOCK_AREA, Action.write)
    async with write_tx():
        header = await _header(values)
        rows = await _lines(lines)
        reception = StockReception(**header, status=DocStatus.draft)
        await reception.save()
        await StockReceptionLine.insert(
            *(StockReceptionLine(reception=reception.id, **row) for row in rows)
        )
    return reception.id


async def reception_issue(*, reception_id: int, by: Actor) -> dict[str, Any]:
    """Issue a draft NIR: number, amounts fixed, moves in, entry 371 = 401 + 4426."""
    require(by, STOCK_AREA, Action.write)
    async with write_tx():
        head = await for_update(
            StockReception.select().where(StockReception.id == reception_id)
        ).first()
        if head is None:
            raise _not_found(reception_id)
        if head["status"] != DocStatus.draft:
            raise Conflict(
                "RECEPTION_ISSUED",
                f"NIR-ul nr. {head['number']} este deja emis: nu se mai modifică.",
                "The reception is already issued.",
            )
        lines = await StockReceptionLine.select(
            StockReceptionLine.all_columns(), StockReceptionLine.article.vat_category.as_alias(
                "category"), StockReceptionLine.article.vat_category.code.as_alias("category_code"),
        ).where(StockReceptionLine.reception == reception_id).order_by(
            StockReceptionLine.position)  # fmt: skip
        if not lines:
            raise ValidationFailed("LINES_REQUIRED", "NIR-ul nu are linii.", field="lines")
        company = (
            await Company.select(Company.vat_payer).where(Company.id == head["company"]).first()
        )
        fx = Decimal(1)
        if head["currency"] != "RON":
            fx = to_decimal(head["fx_rate"]) if head["fx_rate"] is not None else (
                await rate_for_invoice(head["currency"], head["supplier_doc_date"])
            ).per_unit  # fmt: skip
        rates = await rates_by_category({x["category"] for x in lines})
        amounts = {}
        for x in lines:
            vat_rate = x["vat_rate"]
            if vat_rate is None:
                vat_rate = rate_on(
                    x["category_code"], head["supplier_doc_date"], rates[x["category"]]
                )
            amounts[x["id"]] = reception_amounts(
                ReceptionLine(q3(to_decimal(x["quantity"])), to_decimal(x["unit_price"]),
                              to_decimal(vat_rate)),
                fx, vat_deductible=bool(company["vat_payer"]),
            ), to_decimal(vat_rate)  # fmt: skip
        await update_many(StockReceptionLine, {
            i: {"net": a.net, "vat": a.vat, "value_ron": a.value_ron, "vat_ron": a.vat_ron,
                "unit_cost": a.unit_cost, "vat_rate": rate}
            for i, (a, rate) in amounts.items()
        })  # fmt: skip
        articles = sorted({x["article"] for x in lines})
        ctx = await context(
            company_id=head["company"], warehouse_id=head["warehouse"], lock_articles=articles
        )
        positions = await read_positions(head["warehouse"], articles, ctx.valuation)
        moves = [
            Move(article=x["article"], quantity=q3(to_decimal(x["quantity"])),
                 kind=MoveKind.reception, source_line=x["id"],
                 value=amounts[x["id"]][0].value_ron)
            for x in lines
        ]  # fmt: skip
        value_moves(ctx, positions, moves)
        await insert_moves(move_rows(ctx, moves, day=head["day"], source_type=RECEPTION,
                                     source_id=reception_id))  # fmt: skip
        number = await _next_number(head["company"])
        totals = _totals([a for a, _ in amounts.values()], fx)
        await entry_post(
            company_id=head["company"], day=head["day"], kind=EntryKind.stock,
            lines=_posting(head, [(x["article"], amounts[x["id"]][0]) for x in lines], totals,
                           ctx.work_point),
            source_type=RECEPTION, source_id=reception_id, reference=f"NIR {number}",
            description=f"Recepție marfă, {head['supplier_doc_number']} din "
            f"{head['supplier_doc_date']:%d.%m.%Y}", by_name=by.name,
        )  # fmt: skip
        await StockReception.update({
            StockReception.status: DocStatus.issued, StockReception.number: number,
            StockReception.fx_rate: None if head["currency"] == "RON" else fx,
            StockReception.net_total_ron: totals["net_ron"],
            StockReception.vat_total_ron: totals["vat_ron"],
            StockReception.total_ron: totals["total_ron"], StockReception.total: totals["total"],
            StockReception.issued_at: datetime.now(UTC), StockReception.issued_by: by.name[:150],
        }).where(StockReception.id == reception_id)  # fmt: skip
    return {"id": reception_id, "number": number, **totals}


def _totals(amounts: Sequence[Any], fx: Decimal) -> dict[str, Decimal]:
    net_ron = sum_money(a.value_ron for a in amounts)
    vat_ron = sum_money(a.vat_ron for a in amounts)
    total = sum_money(a.net for a in amounts) + sum_money(a.vat for a in amounts)
    return {"net_ron": net_ron, "vat_ron": vat_ron, "total_ron": net_ron + vat_ron,
            "total": total}  # fmt: skip


def _posting(
    head: Mapping[str, Any], lines: Sequence[tuple[int, Any]], totals: Mapping[str, Decimal],
    work_point: int | None,
) -> list[PostLine]:  # fmt: skip
    """371 per article (its value in RON), 4426 the deductible VAT, 401 the supplier for
    the whole document (in RON and, for a currency document, in its currency)."""
    dims = Dimensions(work_point=work_point)
    currency = head["currency"]
    text = f"NIR {head['supplier_doc_number']}"
    out = [
        PostLine(PostingRole.stock_goods, debit=a.value_ron, article=article, description=text,
                 currency=currency, currency_amount=a.net if currency != "RON" else ZERO,
                 dims=dims)
        for article, a in lines
    ]  # fmt: skip
    if totals["vat_ron"]:
        out.append(PostLine(PostingRole.vat_deductible, debit=totals["vat_ron"],
                            description=text, dims=dims))  # fmt: skip
    out.append(PostLine(
        PostingRole.payable, credit=totals["total_ron"], partner=head["partner"],
        currency=currency,
        currency_amount=-totals["total"] if currency != "RON" else ZERO,
        description=text, dims=dims,
    ))  # fmt: skip
    return out


async def _next_number(company_id: int) -> int:
    """Gapless per company: an UPDATE ... RETURNING under the row's lock, rolled back
    with the issue when anything after it fails."""
    await settings_ensure(company_id)
    rows = await StockSettings.raw(
        "UPDATE setari_stoc SET next_reception_number = next_reception_number + 1 "
        "WHERE company = {} RETURNING next_reception_number - 1 AS number",
        company_id,
    )
    return int(rows[0]["number"])


async def reception_get(reception_id: int, *, by: Actor) -> dict[str, Any]:
    require(by, STOCK_AREA, Action.read)
    head = await StockReception.select().where(StockReception.id == reception_id).first()
    if head is None:
        raise _not_found(reception_id)
    head["lines"] = (
        await StockReceptionLine.select()
        .where(StockReceptionLine.reception == reception_id)
        .order_by(StockReceptionLine.position)
    )
    return head


def money(value: Any) -> Decimal:
    return q2(to_decimal(value or 0))
