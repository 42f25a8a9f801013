"""VAT rates as dated records, pure (domain/catalog/vat.py): the rate in force on a day,
at the first and last day of each record, open-ended records, gaps, and the overlap check."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.catalog.vat import DatedRate, check_no_overlap, rate_on
from domain.core.errors import ValidationFailed

STANDARD = [
    DatedRate(Decimal("19"), date(2017, 1, 1), date(2025, 7, 31)),
    DatedRate(Decimal("21"), date(2025, 8, 1), None),
]
HOUSING = [
    DatedRate(Decimal("5"), date(2017, 1, 1), date(2025, 7, 31)),
    DatedRate(Decimal("9"), date(2025, 8, 1), date(2026, 7, 31)),
]
ONE_DAY = timedelta(days=1)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2017, 1, 1), "19"),  # first day of the first record
        (date(2025, 7, 31), "19"),  # last day of the closed record (inclusive)
        (date(2025, 8, 1), "21"),  # first day of the new rate
        (date(2099, 12, 31), "21"),  # open-ended: in force from then on
    ],
)
def test_rate_on_edges(day: date, expected: str):
    assert rate_on("S-STANDARD", day, STANDARD) == Decimal(expected)
    assert rate_on("S-STANDARD", day, list(reversed(STANDARD))) == Decimal(expected)


def missing(category: str, day: date, rates: list[DatedRate]) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as caught:
        rate_on(category, day, rates)
    error = caught.value
    assert error.code == "VAT_RATE_MISSING"
    assert error.field == "vat_category"
    assert error.details == {"category": category, "date": day.isoformat()}
    return error


def test_day_before_the_first_record_has_no_rate():
    error = missing("S-STANDARD", date(2016, 12, 31), STANDARD)
    assert "«S-STANDARD»" in error.message_ro
    assert "31.12.2016" in error.message_ro


def test_day_after_a_closed_last_record_has_no_rate():
    assert rate_on("S-LOCUINTE", date(2026, 7, 31), HOUSING) == Decimal("9")
    error = missing("S-LOCUINTE", date(2026, 8, 1), HOUSING)
    assert "01.08.2026" in error.message_ro
    assert error.status == 422


def test_gap_between_records_has_no_rate():
    rates = [
        DatedRate(Decimal("9"), date(2017, 1, 1), date(2025, 7, 31)),
        DatedRate(Decimal("11"), date(2025, 9, 1), None),
    ]
    missing("S-REDUSA", date(2025, 8, 1), rates)
    missing("S-REDUSA", date(2025, 8, 31), rates)
    assert rate_on("S-REDUSA", date(2025, 9, 1), rates) == Decimal("11")
    missing("Z", date(2025, 1, 1), [])


def overlap(rates: list[DatedRate]) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as caught:
        check_no_overlap("S-STANDARD", rates)
    assert caught.value.code == "VAT_RATE_OVERLAP"
    assert caught.value.field == "valid_to"
    return caught.value


def test_touching_intervals_do_not_overlap():
    check_no_overlap("S-STANDARD", STANDARD)
    check_no_overlap("S-STANDARD", list(reversed(STANDARD)))
    check_no_overlap("S-STANDARD", STANDARD[:1])
    check_no_overlap("S-STANDARD", [])
    # A gap is allowed (rate_on refuses the days in it, see above).
    check_no_overlap(
        "S-STANDARD",
        [STANDARD[0], DatedRate(Decimal("21"), date(2025, 9, 1), None)],
    )


def test_sharing_one_day_is_an_overlap():
    error = overlap(
        [
            DatedRate(Decimal("19"), date(2017, 1, 1), date(2025, 8, 1)),
            DatedRate(Decimal("21"), date(2025, 8, 1), None),
        ]
    )
    assert "01.01.2017" in error.message_ro
    assert "01.08.2025" in error.message_ro


def test_open_ended_earlier_record_overlaps_any_later_one():
    error = overlap(
        [
            DatedRate(Decimal("21"), date(2030, 1, 1), date(2030, 12, 31)),  # given first
            DatedRate(Decimal("19"), date(2017, 1, 1), None),
        ]
    )
    assert "19" in error.message_ro
    assert "01.01.2030" in error.message_ro


def test_record_inside_another_overlaps():
    overlap(
        [
            DatedRate(Decimal("19"), date(2017, 1, 1), date(2025, 7, 31)),
            DatedRate(Decimal("20"), date(2020, 3, 1), date(2020, 3, 31)),
            DatedRate(Decimal("21"), date(2025, 8, 1), None),
        ]
    )
    overlap([STANDARD[1], DatedRate(Decimal("24"), date(2025, 8, 1), date(2025, 8, 1))])


@st.composite
def schedules(draw: st.DrawFn) -> tuple[list[DatedRate], date]:
    """Consecutive, non-overlapping records (with or without gaps, the last one closed or
    open-ended); returns them shuffled, with the first day any of them covers."""
    count = draw(st.integers(min_value=1, max_value=6))
    start = draw(st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 1, 1)))
    rates: list[DatedRate] = []
    for index in range(count):
        length = draw(st.integers(min_value=1, max_value=4000))
        end = start + timedelta(days=length - 1)
        last = index == count - 1
        open_ended = last and draw(st.booleans())
        rate = Decimal(draw(st.integers(min_value=0, max_value=100)))
        rates.append(DatedRate(rate, start, None if open_ended else end))
        start = end + timedelta(days=1 + draw(st.integers(min_value=0, max_value=30)))
    seed = draw(st.integers(min_value=0, max_value=2**32))
    shuffled = rates[:]
    random.Random(seed).shuffle(shuffled)
    return shuffled, rates[0].valid_from


@given(schedules())
def test_generated_schedules_pass_and_answer_each_record_at_its_edges(
    generated: tuple[list[DatedRate], date],
):
    rates, first_day = generated
    check_no_overlap("X", rates)
    for record in rates:
        assert rate_on("X", record.valid_from, rates) == record.rate
        last_day = record.valid_to or record.valid_from + timedelta(days=10000)
        assert rate_on("X", last_day, rates) == record.rate
    with pytest.raises(ValidationFailed):
        rate_on("X", first_day - ONE_DAY, rates)


@given(schedules(), st.data())
def test_stretching_a_record_onto_its_successor_is_an_overlap(
    generated: tuple[list[DatedRate], date], data: st.DataObject
):
    rates, _ = generated
    ordered = sorted(rates, key=lambda r: r.valid_from)
    if len(ordered) < 2:
        return
    index = data.draw(st.integers(min_value=0, max_value=len(ordered) - 2))
    earlier, later = ordered[index], ordered[index + 1]
    stretched = DatedRate(
        earlier.rate,
        earlier.valid_from,
        data.draw(st.sampled_from([None, later.valid_from, later.valid_from + ONE_DAY])),
    )
    with pytest.raises(ValidationFailed) as caught:
        check_no_overlap("X", [*ordered[:index], stretched, *ordered[index + 1 :]])
    assert caught.value.code == "VAT_RATE_OVERLAP"
