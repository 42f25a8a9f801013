"""Keyset paging: an opaque cursor holding the sort key of the last row returned.

No OFFSET and no exact count, so page 1,000 costs the same as page 1.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from domain.core.errors import ValidationFailed

MAX_LIMIT = 200


def encode_cursor(*key: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None, size: int) -> list[Any] | None:
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        key = json.loads(base64.urlsafe_b64decode(padded))
        if isinstance(key, list) and len(key) == size:
            return key
    except ValueError:
        pass
    raise ValidationFailed(
        "CURSOR_INVALID",
        "Parametrul «after» nu este un cursor primit de la această listă.",
        "The «after» cursor is not one this list returned.",
        field="after",
    )


def check_limit(limit: int) -> int:
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed(
            "LIMIT_INVALID",
            f"«limit» trebuie să fie între 1 și {MAX_LIMIT}.",
            f"«limit» must be between 1 and {MAX_LIMIT}.",
            field="limit",
        )
    return limit
