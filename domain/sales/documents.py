"""Offers, proformas, orders, delivery notes (avize), warranty certificates, and the flows
between them and invoices.

Every line remembers the line it came from, so what is left to deliver and to invoice is
a query, partial steps included. A conversion takes at most what is left; the issue of
the target re-checks it under a lock on the source documents, so two people converting
the same order at once cannot both take the last pieces.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from domain.catalog.queries import rates_by_category
from domain.catalog.vat import rate_on
from domain.core.bulk import update_many
from domain.core.clock import today
from domain.core.effects import enqueue_after_commit
from domain.core.errors import Conflict, NotFound, ValidationFailed
from domain.core.money import input_decimal, to_decimal
from domain.core.tx import for_update, write_tx
from domain.inventory.ops import StockLine, stock_out, stock_revert
from domain.ledger.posting_ops import DOCUMENT, delivery_note_post, document_dims, source_reverse
from domain.org.permissions import Action, Actor, Area, require
from domain.sales.invoices import invoice_draft_create
from domain.sales.lines import fx_for_invoice, prepare_lines, price_context, priced_lines
from domain.sales.numbering import number_allocate, series_for
from domain.sales.progress import DOC_RO, check_left, line_progress
from domain.sales.rules import cancel_reason, customer_snapshot
from domain.sales.totals import LineIn, Totals, document_totals
from tables.choices import DocStatus, DocType, EntryKind
from tables.partners import Partner
from tables.sales import Document, DocumentLine, Invoice, InvoiceLine

# What each document may become (the invoice side is `invoice_from_documents`).
TARGETS: dict[DocType, frozenset[DocType]] = {
    DocType.offer: frozenset({DocType.proforma, DocType.order, DocType.invoice}),
    DocType.proforma: frozenset({DocType.order, DocType.invoice}),
    DocType.order: frozenset({DocType.delivery_note, DocType.invoice}),
    DocType.delivery_note: frozenset({DocType.invoice}),
    DocType.warranty: frozenset(),
}
DOC_LINKS = ("source_line", "source_invoice_line", "serial_numbers", "warranty_months")
HEADER_FIELDS = (
    "currency", "issue_date", "delivery_date", "valid_until", "notes", "delegate", "vehicle",
    "work_point", "person", "series",
)  # fmt: skip


def _not_found(document_id: int) -> NotFound:
    return NotFound(
        "DOCUMENT_NOT_FOUND", f"Documentul nr. {document_id} nu există.", "Document not found."
    )


def _check_header(values: Mapping[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(values) - set(HEADER_FIELDS))
    if unknown:
        raise ValidationFailed(
            "DOCUMENT_FIELD_UNKNOWN",
            f"Câmpuri necunoscute: {', '.join(unknown)}.",
            f"Unknown fields: {', '.join(unknown)}.",
        )
    return dict(values)


async def document_draft_create(
    *,
    doc_type: DocType,
    company_id: int,
    partner_id: int,
    lines: Sequence[Mapping[str, Any]],
    by: Actor,
    header: Mapping[str, Any] | None = None,
) -> int:
    require(by, Area.sales, Action.write)
    doc_type = DocType(doc_type)
    if doc_type is DocType.invoice:
        raise ValidationFailed(
            "DOCUMENT_TYPE_INVALID", "Facturile au operațiile lor (facturi).", "Use invoices."
        )
    values = _check_header(header or {})
    async with write_tx():
        if not await Partner.exists().where(Partner.id == partner_id):
            raise ValidationFailed(
                "PARTNER_INVALID", "Alegeți partenerul.", "Unknown partner.", field="partner"
            )
        priced = await priced_lines(lines, price_context(values, partner_id), by=by)
        prepared = await prepare_lines(priced, DOC_LINKS)
        document = Document(company=company_id, doc_type=doc_type, partner=partner_id, **values)
        await document.save()
        await DocumentLine.insert(*(DocumentLine(document=document.id, **x) for x in prepared))
    return document.id


async def document_draft_update(
    *,
    document_id: int,
    by: Actor,
    header: Mapping[str, Any] | None = None,
    lines: Sequence[Mapping[str, Any]] | None = None,
) -> None:
    """Change a draft's header (dates, notes, an aviz's delegate and vehicle...) and/or
    replace its lines; the links of lines to their sources travel with them."""
    require(by, Area.sales, Action.write)
    values = _check_header(header or {})
    async with write_tx():
        row = await _locked(document_id)
        if row["status"] != DocStatus.draft:
            raise Conflict(
                "DOCUMENT_FROZEN",
                f"Documentul {row['full_number']} este emis și nu se mai modifică.",
                "An issued document cannot be changed.",
            )
        if values:
            await Document.update({getattr(Document, k): v for k, v in values.items()}).where(
                Document.id == document_id
            )
        if lines is not None:
            context = price_context({**row, **values}, row["partner"])
            prepared = await prepare_lines(await priced_lines(lines, context, by=by), DOC_LINKS)
            await DocumentLine.delete().where(DocumentLine.document == document_id)
            await DocumentLine.insert(*(DocumentLine(document=document_id, **x) for x in prepared))


async def _locked(document_id: int) -> dict[str, Any]:
    row = await for_update(
        Document.select(*Document._meta.columns).where(Document.id == document_id)
    ).first()
    if row is None:
        raise _not_found(document_id)
    return row


async def document_issue(*, document_id: int, by: Actor) -> str:
    """Freeze the document (rates at its delivery date, totals) and number it, last."""
    require(by, Area.sales, Action.write)
    async with write_tx():
        row = await _locked(document_id)
        if row["status"] != DocStatus.draft:
            raise Conflict(
                "DOCUMENT_FROZEN",
                f"{DOC_RO[DocType(row['doc_type'])].capitalize()} {row['full_number']} este "
                "emis(ă) și nu se mai modifică.",
                "An issued document cannot be changed.",
            )
        lines = (
            await DocumentLine.select(
                *DocumentLine._meta.columns,
                DocumentLine.vat_category.code.as_alias("category_code"),
                DocumentLine.vat_category.untdid.as_alias("category_untdid"),
                DocumentLine.article.kind.as_alias("article_kind"),
            )
            .where(DocumentLine.document == document_id)
            .order_by(DocumentLine.position)
        )
        if not lines:
            raise ValidationFailed(
                "DOCUMENT_EMPTY", "Documentul nu are linii.", "No lines.", field="lines"
            )
        issue_date = row["issue_date"] or today()
        delivery_date = row["delivery_date"] or issue_date
        await check_left(
            DocType(row["doc_type"]), [(x["source_line"], x) for x in lines], row["partner"]
        )
        rates = await rates_by_category({x["vat_category"] for x in lines})
        priced = [
            LineIn(to_decimal(x["quantity"]), to_decimal(x["unit_price"]), x["category_untdid"],
                   rate_on(x["category_code"], delivery_date, rates[x["vat_category"]]),
                   to_decimal(x["discount"]))
            for x in lines
        ]  # fmt: skip
        totals = document_totals(priced)
        await update_many(DocumentLine, {
            line["id"]: {"vat_rate": total.vat_rate, "net": total.net}
            for line, total in zip(lines, totals.lines, strict=True)
        })  # fmt: skip
        if row["doc_type"] == DocType.delivery_note:
            await _delivery_note_books(row, lines, totals, delivery_date, by=by)
        (partner,) = await Partner.raw("SELECT * FROM partener WHERE id = {}", row["partner"])
        customer = customer_snapshot(partner)
        series_id = await series_for(
            company_id=row["company"], doc_type=DocType(row["doc_type"]),
            work_point_id=row["work_point"], series_id=row["series"],
        )  # fmt: skip
        number, full_number = await number_allocate(series_id)
        await Document.update(
            {Document.status: DocStatus.issued, Document.issue_date: issue_date,
             Document.delivery_date: delivery_date, Document.customer_snapshot: customer,
             Document.tax_exclusive: totals.tax_exclusive, Document.vat_total: totals.vat_total,
             Document.tax_inclusive: totals.tax_inclusive, Document.issued_at: datetime.now(UTC),
             Document.issued_by: by.name, Document.series: series_id, Document.number: number,
             Document.full_number: full_number}
        ).where(Document.id == document_id)  # fmt: skip
        enqueue_after_commit("render_document", document_id=document_id)
    return full_number


async def _delivery_note_books(
    row: Mapping[str, Any], lines: Sequence[Mapping[str, Any]], totals: Totals, day: date,
    *, by: Actor,
) -> None:  # fmt: skip
    """An aviz ships the goods (way 9) and books them as delivered, to invoice: the stock
    leaves now, and 418 = revenue + 4428 until the invoice (ro-fiscal.md §3)."""
    costs = await stock_out(
        company_id=row["company"], work_point_id=row["work_point"], day=day,
        lines=[StockLine(x["article"], to_decimal(x["quantity"]), x["id"], x["article_kind"])
               for x in lines if x["article"] is not None],
        source_type=DOCUMENT, source_id=row["id"], dims=document_dims(row),
    )  # fmt: skip
    fx_rate, _ = await fx_for_invoice(row["currency"], day, None, None)
    priced = [{**x, "net": t.net, "vat_rate": t.vat_rate} for x, t in zip(lines, totals.lines,
                                                                          strict=True)]  # fmt: skip
    await delivery_note_post(row, priced, fx_rate, day, by=by, costs=costs)


async def document_cancel(*, document_id: int, reason: str, by: Actor) -> None:
    """Cancel an issued document nothing was made from yet; it keeps its number."""
    require(by, Area.sales, Action.write)
    reason = cancel_reason(reason)
    async with write_tx():
        row = await _locked(document_id)
        if row["status"] != DocStatus.issued:
            raise Conflict(
                "DOCUMENT_NOT_ISSUED", "Se anulează doar documente emise.", "Not issued."
            )
        line_ids = [
            x["id"]
            for x in await DocumentLine.select(DocumentLine.id).where(
                DocumentLine.document == document_id
            )
        ]
        used = await DocumentLine.exists().where(
            DocumentLine.source_line.is_in(line_ids or [0])
            & (DocumentLine.document.status != DocStatus.cancelled)
        ) or await InvoiceLine.exists().where(
            InvoiceLine.source_document_line.is_in(line_ids or [0])
            & (InvoiceLine.invoice.status != DocStatus.cancelled)
        )
        if used:
            raise Conflict(
                "DOCUMENT_IN_USE",
                "Din acest document s-au făcut deja alte documente; anulați-le întâi pe acelea.",
                "Other documents were made from this one.",
            )
        await Document.update(
            {Document.status: DocStatus.cancelled, Document.cancelled_at: datetime.now(UTC),
             Document.cancel_reason: reason}
        ).where(Document.id == document_id)  # fmt: skip
        if row["doc_type"] == DocType.delivery_note:  # the goods come back, the books too
            day = row["delivery_date"] or row["issue_date"]
            await stock_revert(company_id=row["company"], source_type=DOCUMENT,
                               source_id=document_id, day=day)  # fmt: skip
            await source_reverse(source_type=DOCUMENT, source_id=document_id,
                                 kind=EntryKind.delivery_note, day=day, by=by)  # fmt: skip
        enqueue_after_commit("render_document", document_id=document_id)  # stamped ANULAT


# ---------------------------------------------------------------------------- conversions


async def _source_lines(
    document_ids: Sequence[int], target: DocType, take: Mapping[int, Decimal] | None
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    docs = await Document.select(*Document._meta.columns).where(
        Document.id.is_in(list(document_ids))
    )
    if len(docs) != len(set(document_ids)):
        raise _not_found(next(iter(set(document_ids) - {d["id"] for d in docs})))
    partners = {d["partner"] for d in docs}
    if len(partners) > 1:
        raise ValidationFailed(
            "DOCUMENTS_MIXED_PARTNERS",
            "Documentele alese sunt ale unor parteneri diferiți; o factură are un singur client.",
            "The documents belong to different partners.",
        )
    for d in docs:
        if d["status"] != DocStatus.issued:
            raise Conflict(
                "DOCUMENT_NOT_ISSUED",
                f"{DOC_RO[DocType(d['doc_type'])].capitalize()} nr. {d['id']} nu este emis(ă).",
                "Convert only issued documents.",
            )
        if target not in TARGETS[DocType(d["doc_type"])]:
            raise ValidationFailed(
                "CONVERSION_INVALID",
                f"Din {DOC_RO[DocType(d['doc_type'])]} nu se poate face {DOC_RO[target]}.",
                f"{d['doc_type']} cannot become {target}.",
            )
    lines = (
        await DocumentLine.select(*DocumentLine._meta.columns)
        .where(DocumentLine.document.is_in(list(document_ids)))
        .order_by(DocumentLine.document)
        .order_by(DocumentLine.position)
    )
    progress = await line_progress(x["id"] for x in lines)
    out = []
    for line in lines:
        left = progress[line["id"]].left_for(target)
        quantity = left if take is None else input_decimal(take.get(line["id"], 0), "take")
        if quantity <= 0:
            continue
        if quantity > left:
            raise Conflict(
                "QUANTITY_EXCEEDS_LEFT",
                f"«{line['description']}»: au mai rămas {left}, nu {quantity}.",
                f"Only {left} left on this line.",
                details={"line": line["id"], "left": str(left)},
            )
        share = quantity / to_decimal(line["quantity"])
        out.append(
            {"article": line["article"], "description": line["description"],
             "quantity": quantity, "uom_code": line["uom_code"],
             "unit_price": to_decimal(line["unit_price"]),
             "discount": to_decimal(line["discount"]) * share,
             "vat_category": line["vat_category"], "price_list": line["price_list"],
             "_source": line["id"]}
        )  # fmt: skip
    if not out:
        raise Conflict(
            "NOTHING_LEFT",
            f"Nu a mai rămas nimic de preluat în {DOC_RO[target]}.",
            f"Nothing left for {target}.",
        )
    return out, docs[0]


async def document_convert(
    *,
    document_id: int,
    target: DocType,
    by: Actor,
    take: Mapping[int, Decimal] | None = None,
) -> int:
    """A new draft of `target` with what is left on the document (or `take` {line: qty})."""
    require(by, Area.sales, Action.write)
    target = DocType(target)
    if target is DocType.invoice:
        return await invoice_from_documents(document_ids=[document_id], by=by, take=take)
    lines, source = await _source_lines([document_id], target, take)
    for line in lines:
        line["source_line"] = line.pop("_source")
    header = {"currency": source["currency"], "work_point": source["work_point"],
              "person": source["person"]}  # fmt: skip
    return await document_draft_create(
        doc_type=target, company_id=source["company"], partner_id=source["partner"],
        lines=lines, header=header, by=by,
    )  # fmt: skip


async def invoice_from_documents(
    *,
    document_ids: Sequence[int],
    by: Actor,
    take: Mapping[int, Decimal] | None = None,
    header: Mapping[str, Any] | None = None,
) -> int:
    """One invoice draft for one or more issued documents of one client.

    From delivery notes the goods already left the stock (the invoice does not ship
    them again); from an order or an offer the invoice ships them itself.
    """
    require(by, Area.sales, Action.write)
    lines, source = await _source_lines(list(document_ids), DocType.invoice, take)
    for line in lines:
        line["source_document_line"] = line.pop("_source")
    types = {
        r["doc_type"]
        for r in await Document.select(Document.doc_type).where(
            Document.id.is_in(list(document_ids))
        )
    }
    values = {"currency": source["currency"], "work_point": source["work_point"],
              "person": source["person"],
              "stock_leaves": DocType.delivery_note not in types} | dict(header or {})  # fmt: skip
    return await invoice_draft_create(
        company_id=source["company"], partner_id=source["partner"], lines=lines,
        header=values, by=by,
    )  # fmt: skip


async def warranty_from_invoice(
    *, invoice_id: int, by: Actor, serials: Mapping[int, str] | None = None
) -> int:
    """A warranty certificate draft for the invoice's articles that carry a warranty."""
    require(by, Area.sales, Action.write)
    invoice = (
        await Invoice.select(
            Invoice.id, Invoice.company, Invoice.partner, Invoice.status, Invoice.work_point
        )
        .where(Invoice.id == invoice_id)
        .first()
    )
    if invoice is None or invoice["status"] != DocStatus.issued:
        raise Conflict(
            "INVOICE_NOT_ISSUED",
            "Certificatul de garanție se face pentru o factură emisă.",
            "Warranty certificates follow an issued invoice.",
        )
    lines = (
        await InvoiceLine.select(
            *InvoiceLine._meta.columns, InvoiceLine.article.warranty_months.as_alias("months")
        )
        .where((InvoiceLine.invoice == invoice_id) & (InvoiceLine.article.warranty_months > 0))
        .order_by(InvoiceLine.position)
    )
    if not lines:
        raise Conflict(
            "NO_WARRANTY_ARTICLES",
            "Factura nu conține articole cu garanție (Articole › garanție în luni).",
            "No article on the invoice carries a warranty.",
        )
    serials = serials or {}
    items = [
        {"article": x["article"], "description": x["description"],
         "quantity": to_decimal(x["quantity"]), "uom_code": x["uom_code"],
         "unit_price": to_decimal(x["unit_price"]), "vat_category": x["vat_category"],
         "warranty_months": x["months"], "serial_numbers": serials.get(x["id"], ""),
         "source_invoice_line": x["id"]}
        for x in lines
    ]  # fmt: skip
    return await document_draft_create(
        doc_type=DocType.warranty, company_id=invoice["company"], partner_id=invoice["partner"],
        lines=items, header={"work_point": invoice["work_point"]}, by=by,
    )  # fmt: skip
