"""Month-end FX revaluation, pure: the open currency amount at the last banking day's rate
against what the receivable holds; a gain 4111 = 7651, a loss 6651 = 4111, in lei only,
the invoice's number on every line; lei items and settled ones left alone."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from domain.ledger.rules import Dimensions, PostLine, check_balanced
from domain.payments.open_items import OpenItem
from domain.payments.revaluation import MonthRate, revaluation_posting, revalue
from tables.choices import PostingRole

D = Decimal
END = date(2026, 3, 31)
EUR = MonthRate("EUR", END, D("5.1000"))
HUF = MonthRate("HUF", END, D("1.2936"), 100)


def item(number: str, currency: str, open_: str, open_ron: str, **kw: object) -> OpenItem:
    payable = D(open_)
    values: dict = {
        "invoice_id": kw.pop("invoice_id", 1), "partner_id": 7, "full_number": number,
        "type_code": "380", "issue_date": date(2026, 3, 10), "due_date": date(2026, 4, 9),
        "currency": currency, "fx_rate": D("5.0000"), "vat_regime": "normal",
        "payable": payable, "credited": D(0), "paid": D(0), "open": payable,
        "receivable_ron": D(open_ron), "paid_ron": D(0), "vat_ron": D(0), "work_point": 3,
    }  # fmt: skip
    return OpenItem(**(values | kw))


def test_a_gain_debits_the_receivable_and_credits_7651():
    (r,) = revalue([item("FCT-1", "EUR", "1210.00", "6050.00")], {"EUR": EUR})
    assert (r.new_ron, r.difference) == (D("6171.00"), D("121.00"))
    text = "Reevaluare FCT-1 (1210.00 EUR x 5.1000)"
    dims = Dimensions(work_point=3)
    assert revaluation_posting([r]) == [
        PostLine(PostingRole.receivable, debit=D("121.00"), partner=7, currency="EUR",
                 description=text, dims=dims),
        PostLine(PostingRole.fx_gain, credit=D("121.00"), description=text, dims=dims),
    ]  # fmt: skip
    assert r.detail() == {
        "invoice": 1, "number": "FCT-1", "partner": 7, "currency": "EUR", "open": "1210.00",
        "invoice_rate": "5.0000", "old_ron": "6050.00", "rate": "5.1000", "multiplier": 1,
        "new_ron": "6171.00", "difference": "121.00",
    }  # fmt: skip


def test_a_loss_debits_6651_and_credits_the_receivable():
    (r,) = revalue(
        [item("FCT-2", "EUR", "710.00", "3550.00")], {"EUR": MonthRate("EUR", END, D("4.9"))}
    )
    lines = revaluation_posting([r])
    assert [(x.account, x.debit, x.credit, x.partner, x.currency_amount) for x in lines] == [
        (PostingRole.fx_loss, D("71.00"), D(0), None, D(0)),
        (PostingRole.receivable, D(0), D("71.00"), 7, D(0)),
    ]


def test_lei_settled_and_unchanged_items_book_nothing():
    items = [
        item("FCT-3", "RON", "100.00", "100.00"),
        item("FCT-4", "EUR", "0.00", "0.00"),
        item("FCT-5", "EUR", "100.00", "510.00"),  # already at 5.1000
    ]
    revalued = revalue(items, {"EUR": EUR})
    assert [r.number for r in revalued] == ["FCT-5"]
    assert revaluation_posting(revalued) == []


def test_multiplier_and_a_credit_owed_back():
    # 10 000 HUF at 1.2936 per 100 = 129.36 lei; a credit note of -100 EUR booked at
    # -500.00 is worth -510.00 now: the company owes more, a loss.
    items = [
        item("FCT-6", "HUF", "10000.00", "125.00", invoice_id=6),
        item("STO-1", "EUR", "-100.00", "-500.00", invoice_id=8, type_code="381"),
    ]
    huf, credit = revalue(items, {"EUR": EUR, "HUF": HUF})
    assert (huf.new_ron, huf.difference) == (D("129.36"), D("4.36"))
    assert (credit.new_ron, credit.difference) == (D("-510.00"), D("-10.00"))
    lines = revaluation_posting([huf, credit])
    check_balanced(lines)
    assert [(x.account, x.debit, x.credit) for x in lines[2:]] == [
        (PostingRole.fx_loss, D("10.00"), D(0)),
        (PostingRole.receivable, D(0), D("10.00")),
    ]


money = st.decimals(min_value=D("-99999.99"), max_value=D("99999.99"), places=2)
rates = st.decimals(min_value=D("0.0001"), max_value=D("99.9999"), places=4)


@given(st.lists(st.tuples(money, money), min_size=1, max_size=8), rates)
def test_the_entry_balances_and_moves_the_receivable_by_the_differences(pairs, rate):
    items = [item(f"F{i}", "EUR", str(o), str(r), invoice_id=i) for i, (o, r) in enumerate(pairs)]
    revalued = revalue(items, {"EUR": MonthRate("EUR", END, rate)})
    lines = revaluation_posting(revalued)
    if lines:
        check_balanced(lines)
    receivable = sum(
        (x.debit - x.credit for x in lines if x.account is PostingRole.receivable), D(0)
    )
    assert receivable == sum((r.difference for r in revalued), D(0))
    assert all(x.currency_amount == 0 for x in lines)
