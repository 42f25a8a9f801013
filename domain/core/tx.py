"""Transactions: one boundary for every write, row locks, and work after commit.

SQLite's default DEFERRED transaction fails at once with "database is locked" when two
writers both read then write; IMMEDIATE takes the write lock up front and waits on the
busy timeout instead. On PostgreSQL we lock the rows we are about to change (in id
order, to avoid deadlocks). Piccolo silently turns a nested transaction() into the
parent, so helpers that must run inside one check with `require_tx()`. On SQLite each
transaction runs on its own connection lent by domain/core/sqlite_engine.py.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from functools import cache
from typing import Any

from piccolo.engine import engine_finder
from piccolo.engine.base import Engine
from piccolo.engine.sqlite import TransactionType
from piccolo.querystring import QueryString

log = logging.getLogger("catastif")
AfterCommit = Callable[[], Awaitable[Any]]
_after_commit: ContextVar[list[AfterCommit] | None] = ContextVar("after_commit", default=None)


@cache
def engine() -> Engine:
    found = engine_finder()
    if found is None:
        raise RuntimeError("piccolo_conf.DB is not configured")
    return found


def is_sqlite() -> bool:
    return engine().engine_type == "sqlite"


@asynccontextmanager
async def write_tx() -> AsyncIterator[None]:
    """The outermost boundary of a write operation.

    Inside an existing transaction it joins it (an operation calling another one).
    Callbacks registered with `after_commit` run once the outermost one commits.
    """
    db = engine()
    if db.transaction_exists():
        yield
        return
    callbacks: list[AfterCommit] = []
    token = _after_commit.set(callbacks)
    try:
        if is_sqlite():
            async with db.transaction(transaction_type=TransactionType.immediate):
                yield
        else:
            async with db.transaction():
                yield
    finally:
        _after_commit.reset(token)
    for callback in callbacks:
        # The transaction is committed: a failing follow-up (queue down, a bug) is logged,
        # never reported as a failure of the operation, which did happen.
        try:
            await callback()
        except Exception:
            log.exception("after-commit work failed: %r", callback)


def require_tx() -> None:
    """Refuse to run outside a transaction (numbering, posting, stock moves)."""
    if not engine().transaction_exists():
        raise RuntimeError("this operation must run inside write_tx()")


def after_commit(callback: AfterCommit) -> None:
    """Run `callback` after the surrounding write_tx commits (enqueue jobs, send mail)."""
    callbacks = _after_commit.get()
    if callbacks is None:
        raise RuntimeError("after_commit() needs an enclosing write_tx()")
    callbacks.append(callback)


def for_update(query: Any) -> Any:
    """SELECT ... FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE tx already serialises writers."""
    require_tx()
    return query if is_sqlite() else query.lock_rows()


def is_unique_violation(exc: BaseException) -> bool:
    """True for a UNIQUE constraint failure on either engine."""
    name = type(exc).__name__
    text = str(exc)
    return name == "UniqueViolationError" or (
        name == "IntegrityError" and "UNIQUE constraint failed" in text
    )


async def named_lock(key: str) -> None:
    """Serialise the writers of one thing that has no row to lock (a partner's receipts,
    a company's card takings): a PostgreSQL advisory lock named by `key`, released at the
    end of the transaction; SQLite's IMMEDIATE transaction already serialises writers.
    Its own statement, before the reads it protects: under READ COMMITTED they then see
    what the previous holder committed."""
    require_tx()
    if is_sqlite():
        return
    await engine().run_querystring(
        QueryString("SELECT COUNT(pg_advisory_xact_lock(hashtextextended({}, 0)))", key)
    )


def for_update_sql() -> str:
    """The row-lock clause to end a hand-written SELECT with (empty on SQLite)."""
    require_tx()
    return "" if is_sqlite() else " FOR UPDATE"
