"""Romanian banking days: Orthodox Easter, the legal holidays, and the last banking day
of each month checked against the days BNR actually published in 2023."""

from __future__ import annotations

from datetime import date

import pytest

from domain.org.banking_days import (
    is_banking_day,
    last_banking_day,
    legal_holidays,
    month_end,
    orthodox_easter,
)
from domain.org.bnr import parse_bnr_xml
from tests.shared_data import shared_path


@pytest.mark.parametrize(
    ("year", "easter"),
    [
        (2018, date(2018, 4, 8)),
        (2023, date(2023, 4, 16)),
        (2024, date(2024, 5, 5)),
        (2025, date(2025, 4, 20)),
        (2026, date(2026, 4, 12)),
        (2027, date(2027, 5, 2)),
    ],
)
def test_orthodox_easter(year: int, easter: date):
    assert orthodox_easter(year) == easter


def test_holidays_follow_the_law_of_their_year():
    assert date(2023, 1, 6) not in legal_holidays(2023)  # Boboteaza: a holiday since 2024
    assert {date(2024, 1, 6), date(2024, 1, 7)} <= legal_holidays(2024)
    # 2026: Good Friday 10.04, Easter Monday 13.04, Whit Monday 01.06 (also Children's day).
    assert {date(2026, 4, 10), date(2026, 4, 13), date(2026, 6, 1)} <= legal_holidays(2026)
    assert not is_banking_day(date(2026, 12, 1))  # Ziua Națională, a Tuesday
    assert not is_banking_day(date(2026, 3, 28))  # a Saturday
    assert is_banking_day(date(2024, 12, 31))


def test_last_banking_day_is_the_last_day_bnr_published_each_month_of_2023():
    published = {
        r.day for r in parse_bnr_xml(shared_path("ro", "bnr", "nbrfxrates2023.xml").read_bytes())
    }
    for month in range(1, 13):
        first = date(2023, month, 1)
        last_published = max(d for d in published if d.month == month)
        assert last_banking_day(first) == last_published, first
    assert last_banking_day(date(2023, 11, 5)) == date(2023, 11, 29)  # 30.11 is Sf. Andrei


def test_month_ends_moved_by_holidays_and_weekends():
    assert last_banking_day(date(2026, 11, 1)) == date(2026, 11, 27)  # Mon 30.11 Sf. Andrei
    assert last_banking_day(date(2027, 4, 1)) == date(2027, 4, 29)  # Fri 30.04 Good Friday
    assert last_banking_day(date(2026, 5, 1)) == date(2026, 5, 29)  # 31.05 a Sunday
    assert last_banking_day(date(2026, 3, 31)) == date(2026, 3, 31)
    assert month_end(date(2024, 2, 10)) == date(2024, 2, 29)
