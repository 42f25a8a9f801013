"""Column shapes shared by every context (ARCHITECTURE.md §3)."""

from __future__ import annotations

from typing import Any

from piccolo.columns import Numeric, Timestamptz
from piccolo.columns.defaults.timestamptz import TimestamptzNow


def Money(**kwargs: Any) -> Numeric:
    return Numeric(digits=(18, 2), **kwargs)


def UnitPrice(**kwargs: Any) -> Numeric:
    return Numeric(digits=(18, 4), **kwargs)


def Quantity(**kwargs: Any) -> Numeric:
    return Numeric(digits=(18, 3), **kwargs)


def FxRate(**kwargs: Any) -> Numeric:
    return Numeric(digits=(18, 4), **kwargs)


def CreatedAt() -> Timestamptz:
    return Timestamptz(default=TimestamptzNow())
