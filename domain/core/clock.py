"""Business dates are Romanian dates (Europe/Bucharest), whatever the server's zone."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

BUCHAREST = ZoneInfo("Europe/Bucharest")


def today() -> date:
    return datetime.now(BUCHAREST).date()
