"""Read models of what arrives from SPV: supplier invoices (with lines and the VAT
breakdown read back from their XML), the SPV inbox messages and the inbox's runs."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.core.errors import NotFound
from domain.efactura.receive_import import RECEIVE_AREA
from domain.efactura.receive_ubl import parse_ubl
from domain.org.permissions import Action, Actor, require
from tables.efactura import SpvFetch, SpvMessage, SupplierInvoice, SupplierInvoiceLine

_HEAD = [c for c in SupplierInvoice._meta.columns if c._meta.name != "xml"]
_MESSAGE = list(SpvMessage._meta.columns)


async def supplier_invoice_list(
    *,
    by: Actor,
    company_id: int | None = None,
    partner_id: int | None = None,
    status: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    limit: int = 50,
    before: int | None = None,
) -> list[dict[str, Any]]:
    """The latest first (by id); `before` (an id) pages on. Without the XML."""
    require(by, RECEIVE_AREA, Action.read)
    query = (
        SupplierInvoice.select(*_HEAD, SupplierInvoice.partner.name.as_alias("partner_name"))
        .order_by(SupplierInvoice.id, ascending=False)
        .limit(limit)
    )
    conditions = [
        (company_id, SupplierInvoice.company),
        (partner_id, SupplierInvoice.partner),
        (status, SupplierInvoice.status),
    ]
    for value, column in conditions:
        if value is not None:
            query = query.where(column == value)
    if date_from is not None:
        query = query.where(SupplierInvoice.issue_date >= date_from)
    if date_to is not None:
        query = query.where(SupplierInvoice.issue_date <= date_to)
    if before is not None:
        query = query.where(SupplierInvoice.id < before)
    return await query


async def supplier_invoice_get(
    supplier_invoice_id: int, *, by: Actor, with_xml: bool = False
) -> dict[str, Any]:
    """One supplier invoice with its lines and the VAT breakdown its XML states."""
    require(by, RECEIVE_AREA, Action.read)
    columns = [*_HEAD, SupplierInvoice.xml]
    row = (
        await SupplierInvoice.select(
            *columns, SupplierInvoice.partner.name.as_alias("partner_name")
        )
        .where(SupplierInvoice.id == supplier_invoice_id)
        .first()
    )
    if row is None:
        raise NotFound(
            "SUPPLIER_INVOICE_NOT_FOUND",
            f"Factura de furnizor nr. {supplier_invoice_id} nu există.",
            f"Supplier invoice {supplier_invoice_id} not found.",
        )
    row["lines"] = (
        await SupplierInvoiceLine.select(
            *SupplierInvoiceLine._meta.columns,
            SupplierInvoiceLine.article.code.as_alias("article_code"),
        )
        .where(SupplierInvoiceLine.supplier_invoice == supplier_invoice_id)
        .order_by(SupplierInvoiceLine.position)
    )
    xml = row["xml"] if with_xml else row.pop("xml")
    row["vat"] = []
    if xml:
        doc = parse_ubl(xml)
        row["vat"] = [
            {
                "vat_code": v.vat_code,
                "rate": v.rate,
                "taxable": doc.sign * v.taxable,
                "amount": doc.sign * v.amount,
                "exemption_reason": v.exemption_reason,
                "exemption_code": v.exemption_code,
            }
            for v in doc.vat_breakdown
        ]
    return row


async def spv_message_list(
    *,
    by: Actor,
    company_id: int | None = None,
    kind: str | None = None,
    limit: int = 50,
    before: int | None = None,
) -> list[dict[str, Any]]:
    """SPV messages, the latest first (by id), with the supplier invoice each became."""
    require(by, RECEIVE_AREA, Action.read)
    query = SpvMessage.select(*_MESSAGE).order_by(SpvMessage.id, ascending=False).limit(limit)
    if company_id is not None:
        query = query.where(SpvMessage.company == company_id)
    if kind is not None:
        query = query.where(SpvMessage.kind == kind)
    if before is not None:
        query = query.where(SpvMessage.id < before)
    rows = await query
    ids = [r["id"] for r in rows]
    made = {}
    if ids:
        made = {
            r["spv_message"]: r["id"]
            for r in await SupplierInvoice.select(
                SupplierInvoice.id, SupplierInvoice.spv_message
            ).where(SupplierInvoice.spv_message.is_in(ids))
        }
    for row in rows:
        row["supplier_invoice"] = made.get(row["id"])
    return rows


async def spv_fetch_last(company_id: int, *, by: Actor) -> dict[str, Any] | None:
    """The company's latest inbox run (who asked, when, what it brought), or None."""
    require(by, RECEIVE_AREA, Action.read)
    return (
        await SpvFetch.select()
        .where(SpvFetch.company == company_id)
        .order_by(SpvFetch.id, ascending=False)
        .first()
    )
