"""Posting issued sales documents, inside their issuing transaction: the invoice or the
delivery note is turned into a SaleDocument (domain/ledger/postings.py) and written with
`entry_post`; a cancellation writes the storno of that entry."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from domain.core.money import to_decimal
from domain.ledger.ops import entry_post, entry_reverse
from domain.ledger.postings import (
    LineOrigin,
    SaleDocument,
    SaleLine,
    delivery_note_posting,
    invoice_posting,
)
from domain.ledger.rules import Dimensions, PostLine, without_zero
from domain.org.permissions import Actor
from tables.choices import DocType, EntryKind, InvoiceTypeCode, VatRegime
from tables.ledger import JournalEntry

if TYPE_CHECKING:  # sales calls the ledger, never the other way round
    from domain.sales.totals import Totals

INVOICE = "invoice"
DOCUMENT = "document"


def _origin(line: Mapping[str, Any]) -> LineOrigin:
    if line["value_only"]:
        return LineOrigin.discount
    if line.get("source_type_code") == InvoiceTypeCode.advance:
        return LineOrigin.advance
    if line.get("source_doc_type") == DocType.delivery_note:
        return LineOrigin.delivered
    return LineOrigin.sale


def document_dims(row: Mapping[str, Any]) -> Dimensions:
    return Dimensions(
        work_point=row.get("work_point"), cost_centre=row.get("cost_centre"),
        department=row.get("department"), team=row.get("team"), person=row.get("person"),
    )  # fmt: skip


async def invoice_post(
    invoice: Mapping[str, Any],
    lines: Sequence[Mapping[str, Any]],
    totals: Totals,
    fx_rate: Decimal | None,
    day: date,
    *,
    by: Actor,
    costs: Sequence[PostLine] = (),
) -> int | None:
    """The entry of an invoice being issued (`lines` as invoice_issue reads them, with
    article kind and where each comes from; `costs` are the stock's 607/371 lines)."""
    document = SaleDocument(
        partner=invoice["partner"],
        currency=invoice["currency"],
        fx=fx_rate or Decimal(1),
        lines=[
            SaleLine(
                total.net,
                total.vat_rate,
                line["article"],
                line["article_kind"],
                _origin(line),
            )
            for line, total in zip(lines, totals.lines, strict=True)
        ],
        vat_groups_ron=[g.vat_ron for g in totals.groups],
        tax_inclusive=totals.tax_inclusive,
        allowance=totals.allowance_total,
        charge=totals.charge_total,
        regime=VatRegime(invoice["vat_regime"]),
        type_code=InvoiceTypeCode(invoice["type_code"]),
        dims=document_dims(invoice),
    )
    lines = without_zero([*invoice_posting(document), *costs])
    if not lines:  # nothing of value (a zero invoice): nothing to book
        return None
    return await entry_post(
        company_id=invoice["company"], day=day, kind=EntryKind.invoice,
        lines=lines, source_type=INVOICE,
        source_id=invoice["id"], description=_describe(invoice["type_code"]),
        by_name=by.name,
    )  # fmt: skip


def _describe(type_code: str) -> str:
    return {
        InvoiceTypeCode.credit_note: "Factură storno",
        InvoiceTypeCode.advance: "Factură de avans",
        InvoiceTypeCode.self_billed: "Autofactură",
    }.get(InvoiceTypeCode(type_code), "Factură")


async def delivery_note_post(
    document: Mapping[str, Any],
    lines: Sequence[Mapping[str, Any]],
    fx_rate: Decimal | None,
    day: date,
    *,
    by: Actor,
    costs: Sequence[PostLine] = (),
) -> int | None:
    """418 = revenue + 4428 for a delivery note being issued (lines with net, vat_rate,
    article and article_kind)."""
    sale = SaleDocument(
        partner=document["partner"],
        currency=document["currency"],
        fx=fx_rate or Decimal(1),
        lines=[
            SaleLine(
                to_decimal(x["net"]), to_decimal(x["vat_rate"]), x["article"], x["article_kind"]
            )
            for x in lines
        ],
        vat_groups_ron=[],
        dims=document_dims(document),
    )
    lines = without_zero([*delivery_note_posting(sale), *costs])
    if not lines:  # an aviz without prices, or of services only: nothing to book
        return None
    return await entry_post(
        company_id=document["company"], day=day, kind=EntryKind.delivery_note,
        lines=lines, source_type=DOCUMENT,
        source_id=document["id"], description="Aviz de însoțire a mărfii", by_name=by.name,
    )  # fmt: skip


async def source_reverse(
    *, source_type: str, source_id: int, kind: EntryKind, day: date, by: Actor
) -> int | None:
    """The storno of a document's entry (when it had one), e.g. a cancelled invoice."""
    entry = await JournalEntry.select(JournalEntry.id).where(
        (JournalEntry.source_type == source_type) & (JournalEntry.source_id == source_id)
        & (JournalEntry.kind == kind)
    ).first()  # fmt: skip
    if entry is None:
        return None
    return await entry_reverse(entry_id=entry["id"], day=day, by_name=by.name)
