"""Price lists in and out as CSV: what an accountant exports, edits in a spreadsheet and
imports back. Either a plain CSV (comma, decimal point) or the spreadsheet flavour Excel
writes in Romania (semicolon, decimal comma, UTF-8 with BOM); the import reads both.

Import is all or nothing: every bad row is reported with its line number and reason, and
nothing is written until the file is clean. Importing the same file twice adds nothing.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from domain.core.clock import today
from domain.core.errors import DomainError, ValidationFailed
from domain.org.permissions import Actor
from domain.pricing.ops import item_values, prices_add, require_level
from domain.pricing.queries import list_items
from tables.catalog import Article
from tables.choices import PriceAccess

MAX_ROWS = 200_000
MAX_ERRORS = 200  # reported; the file is refused as soon as there is one

# Column names as exported, and the other spellings people (and other programs) use.
COLUMNS = {
    "cod_articol": ("cod_articol", "cod", "article_code", "code"),
    "pret": ("pret", "preț", "price"),
    "valabil_de_la": ("valabil_de_la", "valid_from", "de_la"),
    "valabil_pana_la": ("valabil_pana_la", "valabil_până_la", "valid_to", "pana_la"),
    "cantitate_minima": ("cantitate_minima", "cantitate_minimă", "min_quantity"),
}
EXPORT_HEADER = ["cod_articol", "denumire", "pret", "cantitate_minima", "valabil_de_la",
                 "valabil_pana_la", "pret_fara_tva", "pret_cu_tva"]  # fmt: skip


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    field: str
    message: str


def _date(text: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    for pattern in ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError("dată nevalidă (folosiți AAAA-LL-ZZ sau ZZ.LL.AAAA)")


def _number(text: str, decimal_comma: bool) -> Decimal:
    text = text.strip().replace(" ", "")
    if decimal_comma:
        text = text.replace(".", "").replace(",", ".")
    try:
        value = Decimal(text)
    except ArithmeticError:
        raise ValueError(f"«{text}» nu este un număr") from None
    if not value.is_finite():
        raise ValueError(f"«{text}» nu este un număr")
    return value


def parse_price_csv(text: str) -> tuple[list[dict[str, Any]], list[RowError]]:
    """Rows (article code, item values) and the errors of a price file (pure)."""
    text = text.lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    # Excel on Romanian Windows writes ş/ţ with a cedilla (cp1250 has no comma below).
    header = [
        h.strip().lower().replace(" ", "_").replace("ţ", "ț").replace("ş", "ș")
        for h in next(reader, [])
    ]
    where: dict[str, int] = {}
    for name, spellings in COLUMNS.items():
        for i, h in enumerate(header):
            if h in spellings:
                where[name] = i
                break
    missing = [n for n in ("cod_articol", "pret") if n not in where]
    if missing:
        return [], [RowError(1, missing[0], f"lipsește coloana «{missing[0]}» din antet")]
    rows: list[dict[str, Any]] = []
    errors: list[RowError] = []
    for number, record in enumerate(reader, start=2):
        if not any(cell.strip() for cell in record):
            continue
        if len(rows) >= MAX_ROWS:
            errors.append(RowError(number, "", f"fișierul are mai mult de {MAX_ROWS} rânduri"))
            break

        def cell(name: str, record: list[str] = record) -> str:
            i = where.get(name)
            return record[i].strip() if i is not None and i < len(record) else ""

        code = cell("cod_articol")
        if not code:
            errors.append(RowError(number, "cod_articol", "lipsește codul articolului"))
            continue
        try:
            values = {
                "price": _number(cell("pret"), delimiter == ";") if cell("pret") else None,
                "min_quantity": _number(cell("cantitate_minima") or "0", delimiter == ";"),
                "valid_from": _date(cell("valabil_de_la")),
                "valid_to": _date(cell("valabil_pana_la")),
            }
        except ValueError as exc:
            errors.append(RowError(number, "", str(exc)))
            continue
        if values["price"] is None:
            errors.append(RowError(number, "pret", "lipsește prețul"))
            continue
        rows.append({"line": number, "code": code, **values})
    return rows, errors


async def prices_import(*, list_id: int, text: str, by: Actor) -> tuple[int, int]:
    """Import a price file into a list: (added, already there). Refused whole, with every
    bad row listed (details.errors), when any row is wrong."""
    await require_level(list_id, PriceAccess.edit, by=by)
    rows, errors = parse_price_csv(text)
    codes = sorted({r["code"] for r in rows})
    known: dict[str, int] = {}
    for start in range(0, len(codes), 5000):
        chunk = codes[start : start + 5000]
        for a in await Article.select(Article.id, Article.code).where(Article.code.is_in(chunk)):
            known[a["code"]] = a["id"]
    checked = []
    for r in rows:
        if r["code"] not in known:
            errors.append(RowError(r["line"], "cod_articol", f"articolul «{r['code']}» nu există"))
            continue
        try:
            checked.append({"article": known[r["code"]], **item_values(r)})
        except DomainError as exc:
            errors.append(RowError(r["line"], exc.field or "", exc.message_ro))
    if not rows and not errors:
        errors.append(RowError(2, "", "fișierul nu are niciun preț"))
    if errors:
        errors.sort(key=lambda e: e.line)
        raise ValidationFailed(
            "PRICE_IMPORT_INVALID",
            f"Fișierul are {len(errors)} rânduri greșite; nu s-a importat nimic. "
            f"Primul: rândul {errors[0].line}: {errors[0].message}.",
            f"{len(errors)} bad rows; nothing was imported.",
            details={
                "errors": [
                    {"line": e.line, "field": e.field, "message": e.message}
                    for e in errors[:MAX_ERRORS]
                ]
            },
        )
    return await prices_add(list_id=list_id, rows=checked, by=by)


def _fmt(value: Decimal | None, excel: bool, places: int = 2) -> str:
    """At least `places` decimals, more only when the price has them: 12.50, 9.9009."""
    if value is None:
        return ""
    exponent = value.normalize().as_tuple().exponent
    digits = max(places, -exponent if isinstance(exponent, int) else 0)
    text = format(value.quantize(Decimal(1).scaleb(-digits)), "f")
    return text.replace(".", ",") if excel else text


async def prices_export(
    *, list_id: int, by: Actor, on: date | None = None, history: bool = False, excel: bool = False
) -> str:
    """The list's prices in force on `on` (today by default), or its whole history."""
    day = on or today()
    items = await list_items(list_id, by=by, on=None if history else day)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if excel else ",", lineterminator="\r\n")
    writer.writerow(EXPORT_HEADER)
    for i in items:
        writer.writerow([
            i["article_code"], i["article_name"], _fmt(i["price"], excel),
            _fmt(i["min_quantity"], excel, 0), i["valid_from"].isoformat(),
            i["valid_to"].isoformat() if i["valid_to"] else "",
            _fmt(i.get("net"), excel), _fmt(i.get("gross"), excel),
        ])  # fmt: skip
    return ("\ufeff" if excel else "") + out.getvalue()
