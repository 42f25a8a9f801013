"""Search text typed by people, turned into a LIKE pattern."""

from __future__ import annotations


def contains_pattern(q: str) -> str:
    """`%q%`, with the user's own `%` and `_` dropped.

    They would be wildcards (`_` matches every name), and SQLite's LIKE has no default
    escape character to neutralise them portably; names rarely contain them.
    """
    return "%" + q.strip().replace("%", "").replace("_", "") + "%"
