"""Forms of «Stocuri»: a new NIR (lines typed as «COD cantitate preț [cota]»), issue
a NIR, a transfer between warehouses, an inventory adjustment. Each calls the same
domain operation as the API."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from piccolo_admin.endpoints import FormConfig
from pydantic import BaseModel, Field
from starlette.requests import Request

from admin.forms import form_errors
from admin.guards import request_actor
from domain.core.clock import today
from domain.core.errors import ValidationFailed
from domain.inventory.ops import AdjustmentLine, TransferLine, adjustment, transfer
from domain.inventory.receptions import reception_draft_create, reception_issue
from tables.catalog import Article
from tables.partners import Partner
from tables.stock import Warehouse

GROUP = "Stocuri"
LINES_HELP = "Câte o linie pe rând: «COD cantitate preț [cota TVA]», ex. «LAP 10 2500,00 21»"


class ReceptionForm(BaseModel):
    warehouse: str = Field(title="Gestiunea (cod)")
    supplier: str = Field(title="Furnizorul: CUI sau nr. intern")
    supplier_doc_number: str = Field(title="Nr. factură / aviz furnizor")
    supplier_doc_date: date = Field(title="Data documentului furnizorului")
    day: date | None = Field(default=None, title="Data recepției (gol = azi)")
    currency: str = Field(default="RON", title="Moneda")
    fx_rate: str = Field(default="", title="Curs (gol = BNR)")
    lines: str = Field(title="Linii", description=LINES_HELP)


class ReceptionRef(BaseModel):
    reception_id: int = Field(title="Nr. intern NIR", description="Coloana «ID» din «nir»")


class TransferForm(BaseModel):
    from_warehouse: str = Field(title="Din gestiunea (cod)")
    to_warehouse: str = Field(title="În gestiunea (cod)")
    day: date | None = Field(default=None, title="Data (gol = azi)")
    reason: str = Field(default="", title="Motivul")
    lines: str = Field(title="Linii", description="«COD cantitate» pe rând, ex. «LAP 2»")


class AdjustmentForm(BaseModel):
    warehouse: str = Field(title="Gestiunea (cod)")
    day: date | None = Field(default=None, title="Data inventarului (gol = azi)")
    reason: str = Field(default="", title="Motivul", description="ex. Inventar anual")
    lines: str = Field(
        title="Cantități inventariate",
        description="«COD cantitate-găsită [cost unitar]» pe rând, ex. «LAP 7»",
    )


def _number(text: str, line: int) -> Decimal:
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        raise ValidationFailed(
            "LINE_INVALID", f"Rândul {line}: «{text}» nu este un număr.", field="lines"
        )
    return value


async def _rows(text: str, sizes: tuple[int, int]) -> list[tuple[int, list[Decimal]]]:
    """(article id, numbers) per non-empty row; codes looked up in one query."""
    parsed: list[tuple[int, str, list[str]]] = []
    for n, raw in enumerate(text.splitlines(), start=1):
        parts = raw.split()
        if not parts:
            continue
        if not sizes[0] <= len(parts) - 1 <= sizes[1]:
            raise ValidationFailed(
                "LINE_INVALID", f"Rândul {n}: «{raw.strip()}» nu are forma cerută.",
                field="lines",
            )  # fmt: skip
        parsed.append((n, parts[0].upper(), parts[1:]))
    if not parsed:
        raise ValidationFailed("LINES_REQUIRED", "Adăugați cel puțin o linie.", field="lines")
    codes = sorted({code for _, code, _ in parsed})
    found = {r["code"].upper(): r["id"]
             for r in await Article.select(Article.id, Article.code).where(
                 Article.code.is_in(codes))}  # fmt: skip
    out = []
    for n, code, numbers in parsed:
        if code not in found:
            raise ValidationFailed(
                "ARTICLE_NOT_FOUND", f"Rândul {n}: articolul «{code}» nu există.", field="lines"
            )
        out.append((found[code], [_number(x, n) for x in numbers]))
    return out


async def _warehouse(code: str) -> dict[str, Any]:
    row = (
        await Warehouse.select(Warehouse.id, Warehouse.company)
        .where(Warehouse.code == code.strip().upper())
        .first()
    )
    if row is None:
        raise ValidationFailed(
            "WAREHOUSE_NOT_FOUND", f"Gestiunea cu codul «{code}» nu există.", field="warehouse"
        )
    return row


async def _supplier(text: str) -> int:
    value = text.strip().upper().removeprefix("RO")
    row = await Partner.select(Partner.id).where(Partner.cui == value).first()
    if row is None and value.isdigit():
        row = await Partner.select(Partner.id).where(Partner.id == int(value)).first()
    if row is None:
        raise ValidationFailed(
            "PARTNER_NOT_FOUND", f"Furnizorul «{text}» nu există.", field="supplier"
        )
    return row["id"]


def stock_forms() -> list[FormConfig]:
    @form_errors
    async def new_reception(request: Request, data: ReceptionForm) -> str:
        actor = await request_actor(request)
        warehouse = await _warehouse(data.warehouse)
        lines = [
            {"article": article, "quantity": n[0], "unit_price": n[1],
             "vat_rate": n[2] if len(n) > 2 else None}
            for article, n in await _rows(data.lines, (2, 3))
        ]  # fmt: skip
        reception_id = await reception_draft_create(
            values={
                "company": warehouse["company"], "warehouse": warehouse["id"],
                "partner": await _supplier(data.supplier), "day": data.day or today(),
                "supplier_doc_number": data.supplier_doc_number,
                "supplier_doc_date": data.supplier_doc_date, "currency": data.currency,
                "fx_rate": _number(data.fx_rate, 0) if data.fx_rate.strip() else None,
            },
            lines=lines, by=actor,
        )  # fmt: skip
        return f"Ciorna NIR nr. intern {reception_id} a fost creată; emiteți-o din «Emite NIR»."

    @form_errors
    async def issue(request: Request, data: ReceptionRef) -> str:
        issued = await reception_issue(
            reception_id=data.reception_id, by=await request_actor(request)
        )
        return (
            f"NIR-ul nr. {issued['number']} a fost emis: marfa a intrat în gestiune "
            f"({issued['net_ron']} lei fără TVA, {issued['total_ron']} lei cu TVA)."
        )

    @form_errors
    async def move(request: Request, data: TransferForm) -> str:
        source = await _warehouse(data.from_warehouse)
        target = await _warehouse(data.to_warehouse)
        doc = await transfer(
            company_id=source["company"], from_warehouse=source["id"],
            to_warehouse=target["id"], day=data.day or today(), reason=data.reason,
            lines=[TransferLine(a, n[0]) for a, n in await _rows(data.lines, (1, 1))],
            by=await request_actor(request),
        )  # fmt: skip
        return f"Transferul nr. {doc} a fost înregistrat."

    @form_errors
    async def count(request: Request, data: AdjustmentForm) -> str:
        warehouse = await _warehouse(data.warehouse)
        lines = [
            AdjustmentLine(a, counted=n[0], unit_cost=n[1] if len(n) > 1 else None)
            for a, n in await _rows(data.lines, (1, 2))
        ]
        doc = await adjustment(
            company_id=warehouse["company"], warehouse_id=warehouse["id"],
            day=data.day or today(), reason=data.reason, lines=lines,
            by=await request_actor(request),
        )  # fmt: skip
        return f"Ajustarea de inventar nr. {doc} a fost înregistrată (cu nota contabilă)."

    return [
        FormConfig(name="NIR nou", pydantic_model=ReceptionForm, endpoint=new_reception,
                   form_group=GROUP,
                   description="Recepția mărfii de la furnizor; se emite din «Emite NIR»."),
        FormConfig(name="Emite NIR", pydantic_model=ReceptionRef, endpoint=issue,
                   form_group=GROUP,
                   description="Marfa intră în gestiune; nota 371 = 401 + 4426."),
        FormConfig(name="Transfer între gestiuni", pydantic_model=TransferForm, endpoint=move,
                   form_group=GROUP),
        FormConfig(name="Ajustare inventar", pydantic_model=AdjustmentForm, endpoint=count,
                   form_group=GROUP,
                   description="Cantitățile găsite la inventar; lipsuri 607 = 371, plusuri "
                   "371 = 607."),
    ]  # fmt: skip
