"""Posting rules of sales documents (ro-fiscal.md §3), pure: what an issued invoice or
delivery note writes in the books, as PostLines naming roles the company maps to accounts.

Invoice (RON amounts at the invoice's rate; the receivable balances the entry):
- each line's net to its revenue by article kind — goods 707, own products 701, services
  704, rent 706, re-invoiced utilities 704/708 — or, when the line is of an advance invoice
  or deducts one, to 419; a line invoicing a delivery note to 418 (the note posted the
  revenue), with its VAT moved 4428 → 4427; a later-discount line to 709;
- document allowances to 709, charges to 708;
- VAT per group to 4427, or 4428 under cash-VAT (due when collected);
- the receivable 4111 (the partner's own analytic when it has one) for the rest;
- a self-invoice (389) books only its VAT, as an expense: 635 = 4427.
Credit notes and storno lines carry negative amounts on the same sides (storno in red).

Delivery note (aviz): 418 = revenue + 4428; the invoice that follows clears 418.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum

from domain.core.money import q2, sum_money
from domain.ledger.rules import ZERO, Dimensions, PostLine
from tables.choices import ArticleKind, InvoiceTypeCode, PostingRole, VatRegime

HUNDRED = Decimal(100)

REVENUE_OF = {
    ArticleKind.goods: PostingRole.revenue_goods,
    ArticleKind.product: PostingRole.revenue_product,
    ArticleKind.service: PostingRole.revenue_service,
    ArticleKind.rent: PostingRole.revenue_rent,
    ArticleKind.utility: PostingRole.revenue_utility,
}


class LineOrigin(StrEnum):
    """What a sales line is, for the books."""

    sale = "sale"
    advance = "advance"  # a line of an advance invoice, or one deducting an advance
    delivered = "delivered"  # invoices goods already booked on a delivery note (418)
    discount = "discount"  # a later discount on earlier invoices (value only)


@dataclass(frozen=True, slots=True)
class SaleLine:
    net: Decimal  # in the document's currency
    vat_rate: Decimal
    article: int | None = None
    kind: str | None = None  # ArticleKind; None: a line without article, booked as service
    origin: LineOrigin = LineOrigin.sale


@dataclass(frozen=True, slots=True)
class SaleDocument:
    partner: int
    currency: str
    fx: Decimal  # RON per unit; 1 for RON
    lines: Sequence[SaleLine]
    vat_groups_ron: Sequence[Decimal]  # the VAT of each group, in RON, as on the document
    tax_inclusive: Decimal = ZERO  # in the document's currency
    allowance: Decimal = ZERO
    charge: Decimal = ZERO
    regime: VatRegime = VatRegime.normal
    type_code: InvoiceTypeCode = InvoiceTypeCode.commercial
    dims: Dimensions = field(default_factory=Dimensions)


def _revenue(line: SaleLine) -> PostingRole:
    if line.origin is LineOrigin.advance:
        return PostingRole.advance_received
    if line.origin is LineOrigin.delivered:
        return PostingRole.to_invoice
    return (
        REVENUE_OF.get(ArticleKind(line.kind), PostingRole.revenue_service)
        if line.kind
        else (PostingRole.revenue_service)
    )


def _credit(doc: SaleDocument, role: PostingRole, amount: Decimal, in_currency: Decimal,
            **kw: object) -> PostLine:  # fmt: skip
    return PostLine(
        role, credit=amount, currency=doc.currency,
        currency_amount=-in_currency if doc.currency != "RON" else ZERO, dims=doc.dims, **kw,
    )  # type: ignore[arg-type]  # fmt: skip


def _debit(doc: SaleDocument, role: PostingRole, amount: Decimal, in_currency: Decimal,
           **kw: object) -> PostLine:  # fmt: skip
    return PostLine(
        role, debit=amount, currency=doc.currency,
        currency_amount=in_currency if doc.currency != "RON" else ZERO, dims=doc.dims, **kw,
    )  # type: ignore[arg-type]  # fmt: skip


def line_vat(line: SaleLine) -> Decimal:
    return q2(line.net * line.vat_rate / HUNDRED)


def invoice_posting(doc: SaleDocument) -> list[PostLine]:
    vat_role = (
        PostingRole.vat_pending if doc.regime is VatRegime.cash_vat else PostingRole.vat_collected
    )
    vat_ron = sum_money(doc.vat_groups_ron)
    if doc.type_code is InvoiceTypeCode.self_billed:
        return [
            _debit(doc, PostingRole.vat_self_invoice, vat_ron, ZERO),
            _credit(doc, PostingRole.vat_collected, vat_ron, ZERO),
        ]
    out: list[PostLine] = []
    for line in doc.lines:
        if doc.type_code is InvoiceTypeCode.advance:  # every line of it is an advance
            line = replace(line, origin=LineOrigin.advance)
        ron = q2(line.net * doc.fx)
        if line.origin is LineOrigin.discount:
            out.append(_debit(doc, PostingRole.discount_granted, -ron, -line.net,
                              article=line.article))  # fmt: skip
            continue
        role = _revenue(line)
        partner = doc.partner if role in {PostingRole.advance_received,
                                          PostingRole.to_invoice} else None  # fmt: skip
        out.append(_credit(doc, role, ron, line.net, article=line.article, partner=partner))
        if line.origin is LineOrigin.delivered:
            # The delivery note booked this VAT as not yet due (4428): now it is.
            vat = line_vat(line)
            vat_in_ron = q2(vat * doc.fx)
            out.append(_credit(doc, PostingRole.to_invoice, vat_in_ron, vat, partner=doc.partner))
            out.append(_debit(doc, PostingRole.vat_pending, vat_in_ron, vat))
    if doc.allowance:
        out.append(_debit(doc, PostingRole.discount_granted, q2(doc.allowance * doc.fx),
                          doc.allowance))  # fmt: skip
    if doc.charge:
        out.append(_credit(doc, PostingRole.revenue_other, q2(doc.charge * doc.fx), doc.charge))
    vat_in_currency = doc.tax_inclusive - sum(x.net for x in doc.lines) + doc.allowance - doc.charge
    out.append(_credit(doc, vat_role, vat_ron, vat_in_currency))
    receivable = sum_money(x.credit for x in out) - sum_money(x.debit for x in out)
    return [_debit(doc, PostingRole.receivable, receivable, doc.tax_inclusive,
                   partner=doc.partner), *out]  # fmt: skip


def delivery_note_posting(doc: SaleDocument) -> list[PostLine]:
    """418 = revenue + 4428: delivered now, invoiced later (by the 15th of next month)."""
    out: list[PostLine] = []
    vat_total = ZERO
    vat_currency = ZERO
    for line in doc.lines:
        out.append(_credit(doc, _revenue(line), q2(line.net * doc.fx), line.net,
                           article=line.article))  # fmt: skip
        vat = line_vat(line)
        vat_currency += vat
        vat_total += q2(vat * doc.fx)
    out.append(_credit(doc, PostingRole.vat_pending, vat_total, vat_currency))
    total = sum_money(x.credit for x in out)
    total_currency = sum(x.net for x in doc.lines) + vat_currency
    return [_debit(doc, PostingRole.to_invoice, total, total_currency, partner=doc.partner),
            *out]  # fmt: skip
