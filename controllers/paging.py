"""Keyset paging: an opaque cursor holding the sort key of the last row returned.

No OFFSET and no exact count, so page 1,000 costs the same as page 1.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from controllers.schemas import MAX_INT
from domain.core.errors import ValidationFailed

MAX_LIMIT = 200


def encode_cursor(*key: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None, *types: type) -> list[Any] | None:
    """The sort key in `cursor`, checked to hold one value of each of `types` (in order).

    The check matters: the key goes into the query, and a value of the wrong type (a
    dict, a float for an id, a string with NUL) makes the database raise, not answer.
    """
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        key = json.loads(base64.urlsafe_b64decode(padded))
        if isinstance(key, list) and len(key) == len(types) and all(map(_fits, key, types)):
            return key
    except (ValueError, RecursionError):  # not base64, not JSON, nested too deep
        pass
    raise ValidationFailed(
        "CURSOR_INVALID",
        "Parametrul «after» nu este un cursor primit de la această listă.",
        "The «after» cursor is not one this list returned.",
        field="after",
    )


def _fits(value: Any, kind: type) -> bool:
    if kind is int:
        return type(value) is int and -MAX_INT - 1 <= value <= MAX_INT
    if kind is str:
        return type(value) is str and "\x00" not in value
    return isinstance(value, kind)


def check_limit(limit: int) -> int:
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed(
            "LIMIT_INVALID",
            f"«limit» trebuie să fie între 1 și {MAX_LIMIT}.",
            f"«limit» must be between 1 and {MAX_LIMIT}.",
            field="limit",
        )
    return limit
