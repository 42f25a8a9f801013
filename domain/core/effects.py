"""Work that follows a commit (render a PDF, send to ANAF, mail), asked for by the domain.

The domain does not know the queue: an operation says `enqueue_after_commit("job", ...)`
inside its transaction; the application installs the dispatcher at start-up (the web app
and the worker put it on their SAQ queue). Without a dispatcher (a command, a test of
pure operations) nothing is sent: the work is driven by database state anyway, and a
missing PDF is rendered on first request.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from domain.core.tx import after_commit

Dispatcher = Callable[..., Awaitable[Any]]
_dispatcher: Dispatcher | None = None


def install_dispatcher(dispatcher: Dispatcher | None) -> None:
    global _dispatcher
    _dispatcher = dispatcher


def enqueue_after_commit(job: str, **kwargs: Any) -> None:
    if _dispatcher is not None:
        after_commit(partial(_dispatcher, job, **kwargs))


async def enqueue_now(job: str, **kwargs: Any) -> Any:
    """Enqueue at once, for a request with nothing to commit first (someone asks for a job
    to run now); the dispatcher's answer, or None when none is installed."""
    if _dispatcher is None:
        return None
    return await _dispatcher(job, **kwargs)
