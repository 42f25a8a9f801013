"""Payment terms (domain/payments/terms.py): what a term may say, and the schedule it gives
an invoice at issue — the instalments add up to the payable exactly, the last takes the rest."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from domain.core.errors import ValidationFailed
from domain.payments.terms import Due, due_schedule, parse_term, schedule_json, term_json

DAY = date(2026, 3, 10)


def code_of(raw: object) -> str:
    with pytest.raises(ValidationFailed) as caught:
        parse_term(raw)
    return caught.value.code


def test_a_term_is_read_from_json_text_or_a_list() -> None:
    term = parse_term('[{"days": 0, "percent": "50"}, {"days": "30", "percent": 50}]')
    assert [(x.days, x.percent, x.amount) for x in term] == [
        (0, Decimal(50), None),
        (30, Decimal(50), None),
    ]
    assert term_json(term) == [{"days": 0, "percent": "50"}, {"days": 30, "percent": "50"}]
    rest = parse_term([{"days": 0, "amount": "1000"}, {"days": 60}])
    assert term_json(rest) == [{"days": 0, "amount": "1000.00"}, {"days": 60}]


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("nu e json", "PAYMENT_TERM_INVALID"),
        ([], "PAYMENT_TERM_INVALID"),
        ([{"days": 0, "percent": "50", "extra": 1}], "PAYMENT_TERM_INVALID"),
        ([{"days": 0}, {"days": 30, "percent": "100"}], "PAYMENT_TERM_INVALID"),
        ([{"days": 0, "percent": "50", "amount": "10"}], "PAYMENT_TERM_INVALID"),
        ([{"days": -1, "percent": "100"}], "PAYMENT_TERM_DAYS_INVALID"),
        ([{"days": 1.5, "percent": "100"}], "PAYMENT_TERM_DAYS_INVALID"),
        ([{"days": True, "percent": "100"}], "PAYMENT_TERM_DAYS_INVALID"),
        ([{"days": "²", "percent": "100"}], "PAYMENT_TERM_DAYS_INVALID"),
        ([{"days": 30, "percent": "50"}, {"days": 10}], "PAYMENT_TERM_ORDER"),
        ([{"days": 0, "percent": "0"}, {"days": 30}], "PAYMENT_TERM_PERCENT_INVALID"),
        ([{"days": 0, "percent": "33.333"}, {"days": 30}], "PAYMENT_TERM_PERCENT_INVALID"),
        ([{"days": 0, "percent": "NaN"}], "NUMBER_INVALID"),
        ([{"days": 0, "amount": "-5"}, {"days": 1}], "PAYMENT_TERM_AMOUNT_INVALID"),
        (
            [{"days": 0, "percent": "60"}, {"days": 30, "percent": "30"}],
            "PAYMENT_TERM_PERCENT_TOTAL",
        ),
        (
            [{"days": 0, "percent": "60"}, {"days": 30, "percent": "60"}],
            "PAYMENT_TERM_PERCENT_TOTAL",
        ),
        ([{"days": 0, "percent": "100"}, {"days": 30}], "PAYMENT_TERM_PERCENT_TOTAL"),
    ],
)
def test_bad_terms_are_refused_with_a_reason(raw: object, code: str) -> None:
    assert code_of(raw) == code


def test_the_last_instalment_takes_the_rest_of_the_rounding() -> None:
    term = parse_term(
        [{"days": 0, "percent": "33.33"}, {"days": 30, "percent": "33.33"},
         {"days": 60, "percent": "33.34"}]
    )  # fmt: skip
    schedule = due_schedule(payable=Decimal("100.01"), issue_date=DAY, term=term)
    assert schedule == (
        Due(date(2026, 3, 10), Decimal("33.33")),
        Due(date(2026, 4, 9), Decimal("33.34")),  # cumulative: 66.67 - 33.33
        Due(date(2026, 5, 9), Decimal("33.34")),
    )
    assert schedule_json(schedule)[1] == {"due": "2026-04-09", "amount": "33.34"}


def test_fixed_amounts_and_the_rest() -> None:
    term = parse_term([{"days": 0, "amount": "1000"}, {"days": 45}])
    assert due_schedule(payable=Decimal("2500"), issue_date=DAY, term=term) == (
        Due(DAY, Decimal("1000.00")),
        Due(date(2026, 4, 24), Decimal("1500.00")),
    )
    # A down payment bigger than the invoice cannot be scheduled.
    with pytest.raises(ValidationFailed) as caught:
        due_schedule(payable=Decimal("800"), issue_date=DAY, term=term)
    assert caught.value.code == "PAYMENT_TERM_AMOUNTS_MISMATCH"
    # Fixed amounts without a rest must be the payable exactly.
    exact = parse_term([{"days": 0, "amount": "100"}, {"days": 30, "amount": "50"}])
    assert (
        sum(x.amount for x in due_schedule(payable=Decimal("150"), issue_date=DAY, term=exact))
        == 150
    )
    with pytest.raises(ValidationFailed):
        due_schedule(payable=Decimal("150.01"), issue_date=DAY, term=exact)


def test_without_a_term_the_drafts_due_date_or_the_issue_date() -> None:
    assert due_schedule(payable=Decimal("10"), issue_date=DAY) == (Due(DAY, Decimal("10.00")),)
    due = date(2026, 4, 1)
    assert due_schedule(payable=Decimal("10"), issue_date=DAY, due_date=due) == (
        Due(due, Decimal("10.00")),
    )


def test_credit_notes_and_zero_invoices_have_one_instalment() -> None:
    term = parse_term([{"days": 0, "percent": "50"}, {"days": 30, "percent": "50"}])
    assert due_schedule(payable=Decimal("-40"), issue_date=DAY, term=term) == (
        Due(DAY, Decimal("-40.00")),
    )
    assert due_schedule(payable=Decimal("0"), issue_date=DAY, term=term) == (
        Due(DAY, Decimal("0.00")),
    )


payables = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999999.99"), places=2)
percent_lists = st.lists(st.integers(min_value=1, max_value=9999), min_size=1, max_size=8)


@given(payables, percent_lists)
def test_any_percent_term_splits_the_payable_exactly(payable: Decimal, weights: list[int]) -> None:
    # Percents with two decimals that add up to 100 exactly.
    total = sum(weights)
    percents = [Decimal(w * 10000 // total) / 100 for w in weights]
    percents[-1] += Decimal(100) - sum(percents)
    assume(all(p > 0 for p in percents))
    term = parse_term([{"days": i * 30, "percent": str(p)} for i, p in enumerate(percents)])
    schedule = due_schedule(payable=payable, issue_date=DAY, term=term)
    assert sum(x.amount for x in schedule) == payable
    assert all(x.amount >= 0 for x in schedule)
    for x, p in zip(schedule, percents, strict=True):  # each within a cent of its share
        assert abs(x.amount - payable * p / 100) <= Decimal("0.01")
