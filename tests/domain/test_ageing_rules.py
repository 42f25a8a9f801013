"""The ageing's pure part (domain/payments/ageing.py): buckets by days overdue, payments
settling the oldest instalment first, the booked RON shared over the pieces exactly."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.payments.ageing import ageing_build, bucket_of, open_pieces
from domain.payments.open_items import Instalment, OpenItem

AT = date(2026, 6, 30)


def item(
    schedule: list[tuple[date, str]],
    open_: str,
    *,
    currency: str = "RON",
    open_ron: str | None = None,
    partner: int = 1,
    invoice: int = 1,
) -> OpenItem:
    payable = sum(Decimal(a) for _, a in schedule)
    open_amount = Decimal(open_)
    ron = Decimal(open_ron) if open_ron is not None else open_amount
    return OpenItem(
        invoice_id=invoice, partner_id=partner, full_number=f"FCT-{invoice:05d}", type_code="380",
        issue_date=schedule[0][0], due_date=schedule[-1][0], currency=currency,
        fx_rate=Decimal(1), vat_regime="normal", payable=payable, credited=Decimal(0),
        paid=payable - open_amount, open=open_amount, receivable_ron=ron, paid_ron=Decimal(0),
        vat_ron=Decimal(0), schedule=tuple(Instalment(d, Decimal(a)) for d, a in schedule),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("days", "bucket"),
    [(-5, "not_due"), (0, "not_due"), (1, "days_1_30"), (30, "days_1_30"), (31, "days_31_60"),
     (60, "days_31_60"), (61, "days_61_90"), (90, "days_61_90"), (91, "over_90")],
)  # fmt: skip
def test_buckets_by_days_overdue(days: int, bucket: str) -> None:
    assert bucket_of(days) == bucket


def test_a_payment_settles_the_oldest_instalment_first() -> None:
    schedule = [(date(2026, 3, 1), "100.00"), (date(2026, 5, 1), "100.00"),
                (date(2026, 7, 1), "100.00")]  # fmt: skip
    pieces = open_pieces(item(schedule, "150.00"), AT)  # 150 paid: the first and half the second
    assert [(p.due, p.amount, p.bucket, p.days_overdue) for p in pieces] == [
        (date(2026, 5, 1), Decimal("50.00"), "days_31_60", 60),
        (date(2026, 7, 1), Decimal("100.00"), "not_due", -1),
    ]


def test_a_currency_invoice_shares_its_booked_lei_over_the_pieces() -> None:
    schedule = [(date(2026, 4, 1), "100.00"), (date(2026, 5, 1), "100.00")]
    pieces = open_pieces(item(schedule, "200.00", currency="EUR", open_ron="995.03"), AT)
    assert [p.amount_ron for p in pieces] == [Decimal("497.52"), Decimal("497.51")]
    assert {p.currency for p in pieces} == {"EUR"}


def test_a_net_credit_ages_as_one_negative_piece() -> None:
    (piece,) = open_pieces(item([(date(2026, 6, 1), "-50.00")], "-50.00"), AT)
    assert (piece.amount, piece.bucket) == (Decimal("-50.00"), "days_1_30")


def test_the_report_adds_up_per_partner_per_currency_and_in_total() -> None:
    items = [
        item([(date(2026, 1, 10), "10.00")], "10.00", partner=1, invoice=1),
        item([(date(2026, 6, 20), "20.00")], "20.00", partner=1, invoice=2),
        item([(date(2026, 6, 20), "5.00")], "5.00", currency="EUR", open_ron="25.00", partner=2,
             invoice=3),
    ]  # fmt: skip
    report = ageing_build(7, AT, items, {1: ("Beta SRL", "1"), 2: ("Alfa SRL", "2")}, {})
    assert [p.name for p in report.partners] == ["Alfa SRL", "Beta SRL"]
    beta = report.partners[1]
    assert beta.ron["over_90"] == Decimal("10.00")
    assert beta.ron["days_1_30"] == Decimal("20.00")
    assert beta.ron["total"] == Decimal("30.00")
    assert report.total_ron["total"] == Decimal("55.00")
    assert report.total_currencies["EUR"]["days_1_30"] == Decimal("5.00")
    assert report.total_currencies["RON"]["total"] == Decimal("30.00")
    assert report.invoices == 3


amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("100000"), places=2)


@given(st.lists(amounts, min_size=1, max_size=6), st.data())
def test_pieces_always_add_up_to_the_open_amount_and_lei(
    instalments: list[Decimal], data: st.DataObject
) -> None:
    total = sum(instalments)
    open_ = data.draw(st.decimals(min_value=Decimal("0.01"), max_value=total, places=2))
    open_ron = data.draw(st.decimals(min_value=Decimal("0.01"), max_value=total * 6, places=2))
    schedule = [
        (date(2026, 1, 1) + timedelta(days=30 * i), str(a)) for i, a in enumerate(instalments)
    ]
    pieces = open_pieces(item(schedule, str(open_), open_ron=str(open_ron)), AT)
    assert sum(p.amount for p in pieces) == open_
    assert sum(p.amount_ron for p in pieces) == open_ron
    assert all(p.amount > 0 for p in pieces)
    # What stays open is the latest: every piece but the first is a whole instalment.
    assert [p.amount for p in pieces[1:]] == instalments[len(instalments) - len(pieces) + 1 :]
