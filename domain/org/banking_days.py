"""Romanian banking days, pure: the legal holidays (Codul muncii art. 139) and the last
banking day of a month — the day whose BNR rate revalues currency items at month end.

BNR publishes on banking days only: weekdays that are not legal holidays. Orthodox Easter
moves Good Friday, Easter Monday and Whit Monday; 30 November (Sf. Andrei) and Good Friday
can take a month's last weekday (e.g. 29.11.2023, 29.04.2027).
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from functools import cache

# (month, day) of the fixed holidays; 6 and 7 January since 2024 (Legea 17/2023).
_FIXED = ((1, 1), (1, 2), (1, 24), (5, 1), (6, 1), (8, 15), (11, 30), (12, 1), (12, 25), (12, 26))
_EPIPHANY = ((1, 6), (1, 7))


def orthodox_easter(year: int) -> date:
    """Orthodox Easter Sunday (Meeus' Julian algorithm, moved to the Gregorian calendar;
    the 13 days hold from 1900 to 2099)."""
    a, b, c = year % 4, year % 7, year % 19
    d = (19 * c + 15) % 30
    e = (2 * a + 4 * b - d + 34) % 7
    month, day = divmod(d + e + 114, 31)
    return date(year, month, day + 1) + timedelta(days=13)


@cache
def legal_holidays(year: int) -> frozenset[date]:
    easter = orthodox_easter(year)
    fixed = _FIXED + (_EPIPHANY if year >= 2024 else ())
    moving = (-2, 0, 1, 49, 50)  # Good Friday, Easter, Easter Monday, Whit Sunday and Monday
    return frozenset(
        [date(year, m, d) for m, d in fixed] + [easter + timedelta(days=n) for n in moving]
    )


def is_banking_day(day: date) -> bool:
    return day.weekday() < 5 and day not in legal_holidays(day.year)


def month_end(day: date) -> date:
    """The last calendar day of `day`'s month."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def last_banking_day(day: date) -> date:
    """The last banking day of `day`'s month."""
    last = month_end(day)
    while not is_banking_day(last):
        last -= timedelta(days=1)
    return last
