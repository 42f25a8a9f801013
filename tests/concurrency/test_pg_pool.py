"""The PostgreSQL pool without asyncpg's reset on release (piccolo_conf.py): what a
connection carries to its next user, and what it does not.

Each test has its own one-connection pool of the app's engine class, so every acquire
gets the connection the previous one released.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Awaitable
from typing import Any

import pytest
from piccolo.querystring import QueryString

from domain.core.tx import is_sqlite
from piccolo_conf import PostgresPoolEngine

pytestmark = pytest.mark.skipif(is_sqlite(), reason="the PostgreSQL pool")

LOCK = 740_113  # an advisory lock key no app code uses


@pytest.fixture
async def one() -> AsyncIterator[PostgresPoolEngine]:
    db = PostgresPoolEngine(config={"dsn": os.environ["DATABASE_URL"]})
    await db.start_connection_pool(min_size=1, max_size=1)
    yield db
    await db.close_connection_pool()


async def q(db: PostgresPoolEngine, sql: str) -> list[dict[str, Any]]:
    """A statement in the current transaction, else on a connection from the pool."""
    return await db.run_querystring(QueryString(sql))


async def held_advisory_locks(db: PostgresPoolEngine) -> int:
    rows = await q(
        db,
        "SELECT COUNT(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()",
    )
    return rows[0]["n"]


async def lock_then(db: PostgresPoolEngine, then: Awaitable[None]) -> None:
    """A transaction taking the advisory lock (as stock moves do), then `then`."""
    async with db.transaction():
        await q(db, f"SELECT pg_advisory_xact_lock({LOCK})")
        assert await held_advisory_locks(db) == 1
        await then


async def test_release_runs_no_reset(one: PostgresPoolEngine) -> None:
    """Session state survives a release: the reason the app keeps none (a session SET or
    lock would reach the next request)."""
    async with one.pool.acquire() as con:
        await con.execute("SET work_mem = '7MB'")
    async with one.pool.acquire() as con:
        assert await con.fetchval("SHOW work_mem") == "7MB"
        await con.execute("RESET work_mem")


async def test_transaction_scoped_state_ends_with_the_transaction(
    one: PostgresPoolEngine,
) -> None:
    """What the app uses (advisory transaction locks, SET LOCAL) is gone at commit, at
    rollback, and when the task is cancelled inside the transaction."""
    default = (await q(one, "SHOW work_mem"))[0]["work_mem"]
    async with one.transaction():
        await q(one, "SET LOCAL work_mem = '9MB'")
        assert (await q(one, "SHOW work_mem"))[0]["work_mem"] == "9MB"
    assert (await q(one, "SHOW work_mem"))[0]["work_mem"] == default

    await lock_then(one, asyncio.sleep(0))  # committed
    assert await held_advisory_locks(one) == 0

    async def fail() -> None:
        raise RuntimeError("a failed write")

    with pytest.raises(RuntimeError):
        await lock_then(one, fail())  # rolled back
    assert await held_advisory_locks(one) == 0

    locked = asyncio.Event()

    async def hang() -> None:
        locked.set()
        await asyncio.sleep(60)

    task = asyncio.create_task(lock_then(one, hang()))
    await locked.wait()
    task.cancel()  # a request cancelled inside its transaction
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await held_advisory_locks(one) == 0
    async with one.pool.acquire() as con:
        assert not con.is_in_transaction()
