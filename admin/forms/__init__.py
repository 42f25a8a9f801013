"""Admin forms: actions that are not a row's Add/Edit. Each calls one domain operation."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Any

from domain.core.errors import DomainError


def form_errors(endpoint: Callable[..., Awaitable[str]]) -> Callable[..., Awaitable[str]]:
    """piccolo-admin shows a ValueError's text in the form; give it the Romanian message."""

    @wraps(endpoint)
    async def wrapped(*args: Any, **kwargs: Any) -> str:
        try:
            return await endpoint(*args, **kwargs)
        except DomainError as exc:
            raise ValueError(f"{exc.message_ro} (cod {exc.code})") from exc

    return wrapped
