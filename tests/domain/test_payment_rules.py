"""Receipt rules, pure: oldest first within what is left, FX splits that close exactly,
cash-VAT shares that add up to the VAT, cash limits, balanced postings."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.core.errors import ValidationFailed
from domain.core.money import q2
from domain.ledger.rules import check_balanced, mirror
from domain.payments.postings import (
    AllocationPost,
    ReceiptPost,
    advance_use_posting,
    receipt_posting,
)
from domain.payments.rules import (
    Paid,
    Payable,
    cash_limit,
    cash_vat_next,
    check_cash_limit,
    oldest_first,
    split,
)
from tables.choices import PostingRole as R

D = Decimal
money = st.decimals(min_value=D("0.01"), max_value=D(100_000), places=2)
rate = st.decimals(min_value=D("0.5"), max_value=D(10), places=4)


def test_oldest_first_pays_in_order_and_keeps_the_rest():
    items = [
        Payable(1, "RON", D(100), D(1)),
        Payable(2, "EUR", D(10), D("5.0000")),
        Payable(3, "RON", D(0), D(1)),
        Payable(4, "RON", D(500), D(1)),
    ]
    assert oldest_first(items, "RON", D(175)) == [(1, D(100)), (2, D(10)), (4, D(25))]
    assert oldest_first(items, "RON", D(120)) == [(1, D(100)), (2, D("4.00"))]
    assert oldest_first(items, "EUR", D(7)) == [(2, D(7))]  # euros pay euro invoices only
    assert oldest_first(items, "RON", D(0)) == []


@given(st.lists(st.tuples(money, st.sampled_from(["RON", "EUR"]), rate), max_size=6), money)
def test_oldest_first_never_spends_more_than_is_left(items, left):
    payables = [Payable(i, c, o, D(1) if c == "RON" else r) for i, (o, c, r) in enumerate(items)]
    plan = oldest_first(payables, "RON", left)
    spent = sum((q2(a * payables[i].pay_rate) for i, a in plan), D(0))
    assert spent <= left
    assert all(0 < a <= payables[i].open for i, a in plan)


def test_split_closing_takes_exactly_what_the_receivable_holds():
    # 1210 EUR booked at 5.0912 (6160.35); 500 paid already at 2545.60: 3614.75 left.
    closing = split(
        amount=D(710),
        invoice_currency="EUR",
        invoice_rate=D("5.0912"),
        open_=D(710),
        open_ron=D("3614.75"),
        receipt_currency="RON",
        pay_rate=D("5.05"),
        left=D(3600),
        left_ron=D(3600),
    )
    assert (closing.amount_ron, closing.paid_ron, closing.consumed) == (
        D("3614.75"),
        D("3585.50"),
        D("3585.50"),
    )
    assert closing.fx_difference == D("-29.25")
    partial = split(
        amount=D(500),
        invoice_currency="EUR",
        invoice_rate=D("5.0912"),
        open_=D(1210),
        open_ron=D("6160.35"),
        receipt_currency="EUR",
        pay_rate=D("5.1"),
        left=D(500),
        left_ron=D(2550),
    )
    assert (partial.amount_ron, partial.paid_ron, partial.fx_difference) == (
        D("2545.60"),
        D(2550),
        D("4.40"),
    )


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"amount": D(0)}, "ALLOCATION_AMOUNT_INVALID"),
        ({"amount": D("0.001")}, "ALLOCATION_AMOUNT_INVALID"),
        ({"amount": D(101)}, "ALLOCATION_EXCEEDS_OPEN"),
        ({"left": D(50), "left_ron": D(50)}, "ALLOCATION_EXCEEDS_RECEIPT"),
        ({"receipt_currency": "EUR"}, "ALLOCATION_CURRENCY_MISMATCH"),
    ],
)
def test_split_refusals(change, code):
    args = {
        "amount": D(60),
        "invoice_currency": "RON",
        "invoice_rate": D(1),
        "open_": D(100),
        "open_ron": D(100),
        "receipt_currency": "RON",
        "pay_rate": D(1),
        "left": D(100),
        "left_ron": D(100),
    } | change
    with pytest.raises(ValidationFailed) as refused:
        split(**args)
    assert refused.value.code == code


@given(
    money,
    st.lists(money, min_size=1, max_size=6),
    st.lists(st.integers(0, 5), max_size=3),
    st.sampled_from([D(1), D("0.5"), D("0.9")]),
)
def test_cash_vat_moves_add_up_to_the_vat_when_paid(vat, parts, undo, credit_share):
    total = sum(parts, D(0))
    history: list[Paid] = []
    for i, part in enumerate(parts[:-1]):
        history.append(Paid(i, part, cash_vat_next(vat, total, history, part)))
    # Undo some of them (each once: back exactly what it moved), then a credit note takes
    # part of the VAT (not in the same share as the total), then collect what is open.
    undone = sorted({u % len(history) for u in undo}) if history else []
    for n, target in enumerate(undone):
        history.append(Paid(100 + n, -history[target].amount, -history[target].moved))
    vat_now = q2(vat * credit_share)
    paid = sum((x.amount for x in history), D(0))
    last = cash_vat_next(vat_now, total, history, total - paid)
    assert sum((x.moved for x in history), D(0)) + last == vat_now  # exactly the rest


def test_cash_vat_share_is_proportional():
    assert cash_vat_next(D(21), D(121), [], D(50)) == D("8.68")
    assert cash_vat_next(D(21), D(121), [Paid(1, D(50), D("8.68"))], D(71)) == D("12.32")


def test_cash_limits():
    assert cash_limit("individual", company_limit=D(5000), individual_limit=D(10000)) == D(10000)
    assert cash_limit("company", company_limit=D(5000), individual_limit=D(10000)) == D(5000)
    args = {"limit": D(5000), "partner_name": "Alfa"}
    assert (
        check_cash_limit(day_total=D(3000), amount_ron=D(2000), policy="refuse", reason="", **args)
        == ""
    )
    with pytest.raises(ValidationFailed) as refused:
        check_cash_limit(
            day_total=D(3000), amount_ron=D("2000.01"), policy="refuse", reason="motiv", **args
        )
    assert refused.value.code == "CASH_LIMIT_EXCEEDED"
    with pytest.raises(ValidationFailed) as reason:
        check_cash_limit(day_total=D(0), amount_ron=D(6000), policy="override", reason=" ", **args)
    assert reason.value.code == "CASH_LIMIT_REASON_REQUIRED"
    assert (
        check_cash_limit(
            day_total=D(0), amount_ron=D(6000), policy="override", reason=" Urgent ", **args
        )
        == "Urgent"
    )


allocation = st.builds(
    lambda cur, amount, inv_rate, pay, vat: AllocationPost(
        cur,
        amount,
        q2(amount * (D(1) if cur == "RON" else inv_rate)),
        q2(amount * (D(1) if cur == "RON" else pay)),
        amount,
        vat,
    ),
    st.sampled_from(["RON", "EUR"]),
    money,
    rate,
    rate,
    st.decimals(min_value=D(0), max_value=D(1000), places=2),
)


@given(st.lists(allocation, max_size=4), money)
def test_postings_balance_and_route_the_difference(allocations, extra):
    paid = sum((a.paid_ron for a in allocations), D(0))
    receipt = ReceiptPost(7, "RON", paid + extra, paid + extra, R.bank)
    lines = receipt_posting(receipt, allocations)
    check_balanced(lines)
    advance = sum((x.credit for x in lines if x.account == R.advance_received), D(0))
    assert advance == extra
    for a in allocations:
        used = advance_use_posting(
            partner=7, receipt_currency="RON", allocation=a, dims=receipt.dims
        )
        if used:
            check_balanced(used)
            check_balanced(mirror(used))
    assert all(x.partner == 7 for x in lines if x.account in (R.receivable, R.advance_received))
