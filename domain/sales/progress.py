"""How far each document line has gone: converted, delivered, invoiced (net of credit
notes), and the check that nothing is taken twice."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from domain.core.errors import Conflict
from domain.core.money import to_decimal
from domain.core.tx import for_update
from tables.choices import DocStatus, DocType
from tables.sales import Document, DocumentLine, InvoiceLine

DOC_RO = {
    DocType.offer: "oferta",
    DocType.proforma: "proforma",
    DocType.order: "comanda",
    DocType.delivery_note: "avizul",
    DocType.warranty: "certificatul de garanție",
    DocType.invoice: "factura",
}


@dataclass(frozen=True, slots=True)
class Progress:
    """Where a document line stands: how much went on, in each direction."""

    quantity: Decimal
    converted: Decimal  # into issued documents of any type (offers, proformas)
    delivered: Decimal  # on issued avize, or on issued invoices that ship the goods
    invoiced: Decimal  # on issued invoices, net of credit notes, directly or via avize

    def left_for(self, target: DocType) -> Decimal:
        if target is DocType.invoice:
            return self.quantity - self.invoiced
        if target is DocType.delivery_note:
            return self.quantity - self.delivered
        return self.quantity - self.converted


async def line_progress(line_ids: Iterable[int]) -> dict[int, Progress]:
    """Converted / delivered / invoiced quantities of document lines (issued work only)."""
    ids = list(set(line_ids))
    if not ids:
        return {}
    base = {
        r["id"]: to_decimal(r["quantity"])
        for r in await DocumentLine.select(DocumentLine.id, DocumentLine.quantity).where(
            DocumentLine.id.is_in(ids)
        )
    }
    converted: dict[int, Decimal] = defaultdict(Decimal)
    delivered: dict[int, Decimal] = defaultdict(Decimal)
    invoiced: dict[int, Decimal] = defaultdict(Decimal)
    children = await DocumentLine.select(
        DocumentLine.id, DocumentLine.source_line, DocumentLine.quantity,
        DocumentLine.document.doc_type.as_alias("doc_type"),
    ).where(
        DocumentLine.source_line.is_in(ids) & (DocumentLine.document.status == DocStatus.issued)
    )  # fmt: skip
    via_note: dict[int, int] = {}
    for c in children:
        converted[c["source_line"]] += to_decimal(c["quantity"])
        if c["doc_type"] == DocType.delivery_note:
            delivered[c["source_line"]] += to_decimal(c["quantity"])
            via_note[c["id"]] = c["source_line"]
    billed = await _invoiced(ids + list(via_note))
    for line_id, quantity in billed.items():
        if line_id in via_note:
            invoiced[via_note[line_id]] += quantity.invoiced
        else:
            invoiced[line_id] += quantity.invoiced
            converted[line_id] += quantity.invoiced
            delivered[line_id] += quantity.shipped
    return {i: Progress(base[i], converted[i], delivered[i], invoiced[i]) for i in ids if i in base}


@dataclass(slots=True)
class _Billed:
    invoiced: Decimal = Decimal(0)
    shipped: Decimal = Decimal(0)


async def _invoiced(document_line_ids: list[int]) -> dict[int, _Billed]:
    """Per document line: quantity on issued invoices minus their credit notes; and how
    much of it left the stock with the invoice itself."""
    out: dict[int, _Billed] = defaultdict(_Billed)
    lines = await InvoiceLine.select(
        InvoiceLine.id, InvoiceLine.source_document_line, InvoiceLine.quantity,
        InvoiceLine.invoice.stock_leaves.as_alias("ships"),
    ).where(
        InvoiceLine.source_document_line.is_in(document_line_ids or [0])
        & (InvoiceLine.invoice.status == DocStatus.issued)
    )  # fmt: skip
    if not lines:
        return out
    credits: dict[int, Decimal] = defaultdict(Decimal)
    for c in await InvoiceLine.select(InvoiceLine.source_line, InvoiceLine.quantity).where(
        InvoiceLine.source_line.is_in([x["id"] for x in lines])
        & (InvoiceLine.invoice.status == DocStatus.issued)
    ):
        credits[c["source_line"]] += to_decimal(c["quantity"])  # negative
    for x in lines:
        net = to_decimal(x["quantity"]) + credits[x["id"]]
        out[x["source_document_line"]].invoiced += net
        if x["ships"]:
            out[x["source_document_line"]].shipped += net
    return out


async def check_left(
    target: DocType, pairs: Sequence[tuple[int | None, Mapping[str, Any]]], partner_id: int
) -> None:
    """Refuse taking more from a source line than is left for `target` (issued work), or
    from an issued document of another partner."""
    wanted: dict[int, Decimal] = defaultdict(Decimal)
    for source, line in pairs:
        if source is not None:
            wanted[source] += to_decimal(line["quantity"])
    if not wanted:
        return
    # Lock the source documents: concurrent conversions of one order queue up here.
    doc_ids = sorted(
        {r["document"] for r in await DocumentLine.select(DocumentLine.document).where(
            DocumentLine.id.is_in(list(wanted)))}
    )  # fmt: skip
    sources = await for_update(
        Document.select(Document.id, Document.partner, Document.status).where(
            Document.id.is_in(doc_ids)
        )
    )
    if len(sources) != len(doc_ids) or any(
        d["partner"] != partner_id or d["status"] != DocStatus.issued for d in sources
    ):
        raise Conflict(
            "SOURCE_DOCUMENT_INVALID",
            "Liniile preluate trebuie să vină din documente emise ale aceluiași partener.",
            "Lines must come from issued documents of the same partner.",
        )
    progress = await line_progress(wanted)
    for source, quantity in wanted.items():
        left = progress[source].left_for(target)
        if quantity > left:
            description = (
                await DocumentLine.select(DocumentLine.description)
                .where(DocumentLine.id == source)
                .first()
            )["description"]
            raise Conflict(
                "QUANTITY_EXCEEDS_LEFT",
                f"«{description}»: au mai rămas {left} de preluat în {DOC_RO[target]}, "
                f"nu {quantity}.",
                f"Only {left} left for {target} on this line.",
                details={"line": source, "left": str(left), "wanted": str(quantity)},
            )
