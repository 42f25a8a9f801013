"""Posting rules of sales documents, pure: balanced always, the right accounts per case."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from domain.core.money import q2
from domain.ledger.postings import (
    LineOrigin,
    SaleDocument,
    SaleLine,
    delivery_note_posting,
    invoice_posting,
    line_vat,
)
from domain.ledger.rules import PostLine, check_balanced, mirror
from tables.choices import InvoiceTypeCode, VatRegime
from tables.choices import PostingRole as R

D = Decimal


def book(lines: list[PostLine]) -> dict[str, Decimal]:
    """Balance per role/account: debit - credit."""
    out: dict[str, Decimal] = defaultdict(Decimal)
    for x in lines:
        out[str(x.account)] += x.debit - x.credit
    return {k: v for k, v in out.items() if v}


def doc(lines: list[SaleLine], **kw) -> SaleDocument:
    groups: dict[Decimal, Decimal] = defaultdict(Decimal)
    for x in lines:
        groups[x.vat_rate] += x.net
    vat = [q2(base * rate / 100) for rate, base in groups.items()]
    fx = kw.pop("fx", D(1))
    net = sum((x.net for x in lines), D(0))
    return SaleDocument(partner=1, currency=kw.pop("currency", "RON"), fx=fx, lines=lines,
                        vat_groups_ron=[q2(v * fx) for v in vat], tax_inclusive=net + sum(vat),
                        **kw)  # fmt: skip


def test_goods_sale():
    lines = invoice_posting(doc([SaleLine(D(100), D(21), 1, "goods"),
                                 SaleLine(D(50), D(21), 2, "service")]))  # fmt: skip
    check_balanced(lines)
    assert book(lines) == {R.receivable: D("181.50"), R.revenue_goods: D(-100),
                           R.revenue_service: D(-50), R.vat_collected: D("-31.50")}  # fmt: skip
    assert lines[0].partner == 1


def test_cash_vat_keeps_the_vat_pending():
    lines = invoice_posting(doc([SaleLine(D(100), D(21), 1, "goods")],
                                regime=VatRegime.cash_vat))  # fmt: skip
    assert book(lines) == {R.receivable: D(121), R.revenue_goods: D(-100), R.vat_pending: D(-21)}


def test_advance_and_its_deduction_leave_419_at_zero():
    advance = invoice_posting(doc([SaleLine(D(1000), D(21))], type_code=InvoiceTypeCode.advance))
    deduction = SaleLine(D(-1000), D(21), origin=LineOrigin.advance)
    final = invoice_posting(doc([SaleLine(D(3000), D(21), 1, "goods"), deduction]))
    total = book([*advance, *final])
    assert total == {R.receivable: D(3630), R.revenue_goods: D(-3000), R.vat_collected: D(-630)}
    assert book(advance)[R.advance_received] == D(-1000)


def test_delivery_note_then_invoice_clears_418_and_4428():
    lines = [SaleLine(D("123.45"), D(21), 1, "goods"), SaleLine(D(10), D(11), 2, "goods")]
    note = delivery_note_posting(doc(lines))
    check_balanced(note)
    assert book(note)[R.to_invoice] == D("123.45") + D(10) + line_vat(lines[0]) + line_vat(lines[1])
    invoiced = [SaleLine(x.net, x.vat_rate, x.article, x.kind, LineOrigin.delivered) for x in lines]
    invoice = invoice_posting(doc(invoiced))
    check_balanced(invoice)
    both = book([*note, *invoice])
    assert R.to_invoice not in both
    assert R.vat_pending not in both
    assert both == {R.receivable: D("160.47"), R.revenue_goods: D("-133.45"),
                    R.vat_collected: D("-27.02")}  # fmt: skip


def test_eur_invoice_in_ron_with_currency_amounts():
    lines = invoice_posting(doc([SaleLine(D(1000), D(21), 1, "goods")], currency="EUR",
                                fx=D("5.0912")))  # fmt: skip
    check_balanced(lines)
    assert book(lines) == {R.receivable: D("6160.35"), R.revenue_goods: D("-5091.20"),
                           R.vat_collected: D("-1069.15")}  # fmt: skip
    assert lines[0].currency_amount == D(1210)
    assert lines[1].currency_amount == D(-1000)


def test_self_invoice_books_only_its_vat_as_expense():
    lines = invoice_posting(doc([SaleLine(D(200), D(21), 1, "goods")],
                                type_code=InvoiceTypeCode.self_billed))  # fmt: skip
    assert book(lines) == {R.vat_self_invoice: D(42), R.vat_collected: D(-42)}


def test_later_discount_and_document_allowance_go_to_709():
    lines = invoice_posting(doc([SaleLine(D(-100), D(21), 1, "goods", LineOrigin.discount)]))
    assert book(lines) == {R.receivable: D(-121), R.discount_granted: D(100),
                           R.vat_collected: D(21)}  # fmt: skip


amounts = st.decimals(min_value=D("-9999"), max_value=D("99999"), places=2)
sale_lines = st.builds(
    SaleLine, amounts.filter(bool), st.sampled_from([D(0), D(5), D(9), D(11), D(19), D(21)]),
    st.none(), st.sampled_from([None, "goods", "product", "service", "rent", "utility"]),
    st.sampled_from(list(LineOrigin)),
)  # fmt: skip


@given(st.lists(sale_lines, min_size=1, max_size=8),
       st.sampled_from([D(1), D("4.9771"), D("5.0912")]),
       st.sampled_from(list(VatRegime)), st.sampled_from(list(InvoiceTypeCode)))  # fmt: skip
def test_every_posting_balances_and_its_storno_cancels_it(lines, fx, regime, type_code):
    document = doc(lines, fx=fx, currency="RON" if fx == 1 else "EUR", regime=regime,
                   type_code=type_code)  # fmt: skip
    for posting in (invoice_posting(document), delivery_note_posting(document)):
        posting = [x for x in posting if x.debit or x.credit]
        if not posting:
            continue
        check_balanced(posting)
        assert book([*posting, *mirror(posting)]) == {}
