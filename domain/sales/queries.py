"""Read models of invoices: the list (keyset, newest first) and one invoice in full."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from domain.core.errors import NotFound, ValidationFailed
from domain.core.money import to_decimal
from domain.org.permissions import Action, Actor, Area, require
from domain.sales.progress import line_progress
from tables.choices import DocStatus, DocType
from tables.org import Company
from tables.sales import (
    Document,
    DocumentLine,
    DocumentSeries,
    Invoice,
    InvoiceLine,
    InvoiceVat,
)

LIST_COLUMNS = (
    Invoice.id,
    Invoice.type_code,
    Invoice.status,
    Invoice.full_number,
    Invoice.partner,
    Invoice.partner.name.as_alias("partner_name"),
    Invoice.issue_date,
    Invoice.due_date,
    Invoice.currency,
    Invoice.tax_exclusive,
    Invoice.vat_total,
    Invoice.payable,
)


# Numeric columns come back as float on SQLite and Decimal on PostgreSQL: readers get
# the same Decimal, at the column's scale, from both.
_SCALES = {
    "quantity": "0.001",
    "unit_price": "0.0001",
    "fx_rate": "0.0001",
    "vat_rate": "0.01",
    "discount_percent": "0.01",
}


def _decimals(row: dict[str, Any]) -> dict[str, Any]:
    for key, value in row.items():
        if isinstance(value, float | Decimal):
            row[key] = to_decimal(value).quantize(Decimal(_SCALES.get(key, "0.01")))
    return row


async def default_company_id() -> int:
    """The company, when the installation has exactly one (most do)."""
    rows = await Company.select(Company.id).limit(2)
    if len(rows) != 1:
        raise ValidationFailed(
            "COMPANY_REQUIRED",
            "Precizați firma (company_id): instalarea are mai multe firme sau niciuna.",
            "Say which company (company_id).",
            field="company_id",
        )
    return rows[0]["id"]


async def invoice_page(
    *,
    by: Actor,
    status: str | None = None,
    partner_id: int | None = None,
    before_id: int | None = None,
    limit: int = 50,
) -> tuple[list[dict[str, Any]], bool]:
    require(by, Area.sales, Action.read)
    query = Invoice.select(*LIST_COLUMNS)
    if status:
        query = query.where(Invoice.status == status)
    if partner_id:
        query = query.where(Invoice.partner == partner_id)
    if before_id:
        query = query.where(Invoice.id < before_id)
    rows = await query.order_by(Invoice.id, ascending=False).limit(limit + 1)
    return [_decimals(r) for r in rows[:limit]], len(rows) > limit


async def invoice_get(invoice_id: int, *, by: Actor) -> dict[str, Any]:
    require(by, Area.sales, Action.read)
    row = (
        await Invoice.select(*Invoice._meta.columns)
        .where(Invoice.id == invoice_id)
        .output(load_json=True)
        .first()
    )
    if row is None:
        raise NotFound(
            "INVOICE_NOT_FOUND", f"Factura nr. {invoice_id} nu există.", "Invoice not found."
        )
    lines = (
        await InvoiceLine.select(*InvoiceLine._meta.columns)
        .where(InvoiceLine.invoice == invoice_id)
        .order_by(InvoiceLine.position)
    )
    groups = (
        await InvoiceVat.select(*InvoiceVat._meta.columns)
        .where(InvoiceVat.invoice == invoice_id)
        .order_by(InvoiceVat.vat_rate, ascending=False)
    )
    row["lines"] = [_decimals(x) for x in lines]
    row["vat_breakdown"] = [_decimals(x) for x in groups]
    return _decimals(row)


async def document_get(document_id: int, *, by: Actor) -> dict[str, Any]:
    """A document with its lines and, per line, what is left to deliver and to invoice."""
    require(by, Area.sales, Action.read)
    row = (
        await Document.select(*Document._meta.columns)
        .where(Document.id == document_id)
        .output(load_json=True)
        .first()
    )
    if row is None:
        raise NotFound(
            "DOCUMENT_NOT_FOUND", f"Documentul nr. {document_id} nu există.", "Not found."
        )
    lines = (
        await DocumentLine.select(*DocumentLine._meta.columns)
        .where(DocumentLine.document == document_id)
        .order_by(DocumentLine.position)
    )
    progress = await line_progress(x["id"] for x in lines)
    for line in lines:
        done = progress[line["id"]]
        line["left_to_deliver"] = done.left_for(DocType.delivery_note)
        line["left_to_invoice"] = done.left_for(DocType.invoice)
    row["lines"] = [_decimals(x) for x in lines]
    return _decimals(row)


async def series_ranges(*, by: Actor, doc_type: str = "invoice") -> list[dict[str, Any]]:
    """Per series: the range allocated by internal decision and the range used, with the
    cancelled numbers (D394 `serieFacturi` tip 1 and 2, `facturi` tip 2)."""
    require(by, Area.sales, Action.read)
    series = (
        await DocumentSeries.select(*DocumentSeries._meta.columns)
        .where(DocumentSeries.doc_type == doc_type)
        .order_by(DocumentSeries.id)
    )
    table = Invoice if doc_type == "invoice" else Document
    by_series: dict[int, list[dict[str, Any]]] = {s["id"]: [] for s in series}
    for n in (
        await table.select(table.series, table.number, table.status)
        .where(table.series.is_in(list(by_series) or [0]) & table.number.is_not_null())
        .order_by(table.number)
    ):
        by_series[n["series"]].append(n)
    out = []
    for s in series:
        numbers = by_series[s["id"]]
        used = [n["number"] for n in numbers]
        out.append({
            "series": s["id"], "prefix": s["prefix"], "doc_type": s["doc_type"],
            "work_point": s["work_point"], "active": bool(s["active"]),
            "allocated_from": s["first_number"], "allocated_to": s["last_number"],
            "used_from": used[0] if used else None, "used_to": used[-1] if used else None,
            "issued": len(used),
            "cancelled": [n["number"] for n in numbers if n["status"] == DocStatus.cancelled],
        })  # fmt: skip
    return out
