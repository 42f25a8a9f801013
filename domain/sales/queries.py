"""Read models of invoices: the list (keyset, newest first) and one invoice in full."""

from __future__ import annotations

from typing import Any

from domain.core.errors import NotFound, ValidationFailed
from domain.org.permissions import Action, Actor, Area, require
from tables.org import Company
from tables.sales import Invoice, InvoiceLine, InvoiceVat

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
    return rows[:limit], len(rows) > limit


async def invoice_get(invoice_id: int, *, by: Actor) -> dict[str, Any]:
    require(by, Area.sales, Action.read)
    row = await Invoice.select(*Invoice._meta.columns).where(Invoice.id == invoice_id).first()
    if row is None:
        raise NotFound(
            "INVOICE_NOT_FOUND", f"Factura nr. {invoice_id} nu există.", "Invoice not found."
        )
    row["lines"] = (
        await InvoiceLine.select(*InvoiceLine._meta.columns)
        .where(InvoiceLine.invoice == invoice_id)
        .order_by(InvoiceLine.position)
    )
    row["vat_breakdown"] = await InvoiceVat.select(*InvoiceVat._meta.columns).where(
        InvoiceVat.invoice == invoice_id
    )
    return row
