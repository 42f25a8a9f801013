"""The pooled SQLite engine (domain/core/sqlite_engine.py): what keeping connections open
must not change.

Each test gets its own engine on its own file (a counter table, and a child table whose
foreign key is checked at COMMIT), so the properties are shown in isolation, on either
engine's test run. The last test checks that the app itself runs on this engine.
"""

from __future__ import annotations

import asyncio
import contextvars
import os
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from piccolo.engine.sqlite import TransactionType
from piccolo.querystring import QueryString

from domain.core.sqlite_engine import PooledSQLiteEngine
from domain.core.tx import engine, is_sqlite, write_tx

IMMEDIATE = TransactionType.immediate
REPO = Path(__file__).resolve().parents[2]


async def q(db: PooledSQLiteEngine, sql: str, *args: Any) -> list[dict[str, Any]]:
    return await db.run_querystring(QueryString(sql, *args))


async def counter(db: PooledSQLiteEngine) -> int:
    return (await q(db, "SELECT n FROM counter WHERE id = 1"))[0]["n"]


async def make_db(path: Path, **kwargs: Any) -> PooledSQLiteEngine:
    db = PooledSQLiteEngine(path=str(path), **kwargs)
    await q(db, "CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)")
    await q(db, "INSERT INTO counter (id, n) VALUES (1, 0)")
    await q(db, "CREATE TABLE parent (id INTEGER PRIMARY KEY)")
    await q(
        db,
        "CREATE TABLE child (id INTEGER PRIMARY KEY, "
        "parent INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)",
    )
    return db


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[PooledSQLiteEngine]:
    pooled = await make_db(tmp_path / "pool.sqlite", timeout=5, pool_size=4)
    yield pooled
    await pooled.close_connection_pool()


def idle(db: PooledSQLiteEngine) -> list[Any]:
    return [lease.conn for lease in db._idle]


def assert_pool_clean(db: PooledSQLiteEngine) -> None:
    """Nothing waits in the pool inside a transaction, and no transaction is current."""
    assert not any(conn.in_transaction for conn in idle(db))
    assert len(idle(db)) <= db.pool_size
    assert not db.transaction_exists()


async def increment_in_own_tx(db: PooledSQLiteEngine) -> None:
    async with db.transaction(transaction_type=IMMEDIATE):
        await q(db, "UPDATE counter SET n = n + 1 WHERE id = 1")


def in_new_context(coro: Any) -> asyncio.Task[Any]:
    """A task that is not inside the caller's transaction (tasks copy the context)."""
    return asyncio.create_task(coro, context=contextvars.Context())


# ---------------------------------------------------------------------------- reuse


async def test_transactions_and_single_queries_reuse_one_connection(db):
    used = []
    for _ in range(3):
        async with db.transaction(transaction_type=IMMEDIATE) as tx:
            used.append(tx.connection)
            await q(db, "UPDATE counter SET n = n + 1 WHERE id = 1")
    assert all(conn is used[0] for conn in used)
    assert await counter(db) == 3  # a read outside a transaction borrows it too
    assert idle(db) == [used[0]]
    assert_pool_clean(db)


async def test_statements_go_out_as_written_without_a_pragma_each(db):
    traced: list[str] = []

    class Traced(sqlite3.Connection):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.set_trace_callback(traced.append)

    db.connection_kwargs["factory"] = Traced
    await db.close_connection_pool()
    await counter(db)  # opens and configures a connection (foreign keys on)
    assert "PRAGMA foreign_keys = 1" in traced
    traced.clear()
    async with db.transaction(transaction_type=IMMEDIATE):
        await counter(db)
        await q(db, "UPDATE counter SET n = 1 WHERE id = 1")
    await counter(db)
    read = "SELECT n FROM counter WHERE id = 1"
    update = "UPDATE counter SET n = 1 WHERE id = 1"
    assert traced == ["BEGIN IMMEDIATE", read, update, "COMMIT", read]


# ---------------------------------------------------------------------------- failures


async def test_a_failing_transaction_rolls_back_and_its_connection_is_clean(db):
    async def raising() -> None:
        async with db.transaction(transaction_type=IMMEDIATE):
            await q(db, "UPDATE counter SET n = 100 WHERE id = 1")
            raise RuntimeError("boom")

    async def duplicate() -> None:
        async with db.transaction(transaction_type=IMMEDIATE):
            await q(db, "UPDATE counter SET n = 5 WHERE id = 1")
            await q(db, "INSERT INTO counter (id, n) VALUES (1, 0)")

    with pytest.raises(RuntimeError, match="boom"):
        await raising()
    assert await counter(db) == 0
    assert_pool_clean(db)
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        await duplicate()
    assert await counter(db) == 0
    assert_pool_clean(db)


async def test_a_failing_commit_rolls_back_and_the_connection_is_closed(db):
    used = []

    async def orphan_child() -> None:
        # A foreign key checked at COMMIT: the COMMIT fails, the transaction stays open.
        async with db.transaction(transaction_type=IMMEDIATE) as tx:
            used.append(tx.connection)
            await q(db, "INSERT INTO child (id, parent) VALUES (1, 99)")

    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        await orphan_child()
    assert used[0] not in idle(db)
    with pytest.raises(ValueError, match="no active connection"):
        used[0].in_transaction  # noqa: B018 -- closed, which rolled it back
    assert await q(db, "SELECT id FROM child") == []
    assert_pool_clean(db)
    async with asyncio.timeout(2):  # and it does not hold the write lock any more
        await increment_in_own_tx(db)
    assert await counter(db) == 1


async def test_a_writer_that_times_out_on_the_lock_gives_a_clean_connection_back(tmp_path):
    db = await make_db(tmp_path / "short.sqlite", timeout=0.2)
    async with db.transaction(transaction_type=IMMEDIATE):
        await q(db, "UPDATE counter SET n = 1 WHERE id = 1")
        with pytest.raises(sqlite3.OperationalError, match="database is locked"):
            await in_new_context(increment_in_own_tx(db))
    assert len(idle(db)) == 2  # the holder's and the refused writer's, both reusable
    assert_pool_clean(db)
    await increment_in_own_tx(db)
    assert await counter(db) == 2
    await db.close_connection_pool()


async def test_cancelled_transactions_leave_nothing_open(db):
    inside = asyncio.Event()

    async def stuck() -> None:
        async with db.transaction(transaction_type=IMMEDIATE):
            await q(db, "UPDATE counter SET n = 50 WHERE id = 1")
            inside.set()
            await asyncio.sleep(60)

    task = in_new_context(stuck())
    await inside.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await counter(db) == 0
    assert_pool_clean(db)

    # Cancelled while waiting for the write lock (in BEGIN IMMEDIATE, on its thread).
    async with db.transaction(transaction_type=IMMEDIATE):
        await q(db, "UPDATE counter SET n = 7 WHERE id = 1")
        waiter = in_new_context(increment_in_own_tx(db))
        await asyncio.sleep(0.1)
        waiter.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiter
    # Its connection was closed, not pooled; once it got the lock it let it go.
    async with asyncio.timeout(3):
        await increment_in_own_tx(db)
    assert await counter(db) == 8
    assert_pool_clean(db)


# ---------------------------------------------------------------------------- concurrency


async def test_concurrent_writers_queue_on_the_lock_not_on_the_pool(db):
    writers, active, peak = 12, 0, 0
    connections: list[Any] = []

    async def writer() -> None:
        nonlocal active, peak
        async with db.transaction(transaction_type=IMMEDIATE) as tx:
            connections.append(tx.connection)
            active += 1
            peak = max(peak, active)
            n = await counter(db)
            await asyncio.sleep(0.005)  # the others are waiting in BEGIN IMMEDIATE
            await q(db, "UPDATE counter SET n = {} WHERE id = 1", n + 1)
            active -= 1

    await asyncio.gather(*(in_new_context(writer()) for _ in range(writers)))
    assert await counter(db) == writers  # no lost update
    assert peak == 1  # one writer at a time, serialised by SQLite's lock...
    assert len({id(c) for c in connections}) == writers  # ...each on its own connection
    assert len(idle(db)) == db.pool_size  # the extra ones were closed
    assert_pool_clean(db)


# ---------------------------------------------------------------------------- the file


async def test_connections_stateful_statements_are_not_lent_again(db):
    await counter(db)
    (first,) = idle(db)
    await q(db, "PRAGMA foreign_keys = 0")  # borrows `first`, which keeps the setting
    assert first not in idle(db)
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        await q(db, "INSERT INTO child (id, parent) VALUES (1, 99)")


async def test_a_deleted_database_file_is_not_served_by_old_connections(db):
    await counter(db)
    (old,) = idle(db)
    os.unlink(db.path)  # from outside, behind the engine's back
    assert await q(db, "SELECT name FROM sqlite_master") == []  # a new, empty file
    assert old not in idle(db)
    await q(db, "CREATE TABLE again (x INTEGER)")

    db.remove_db_file()  # Piccolo's helper: closes the idle connections first
    assert not Path(db.path + "-wal").exists()  # nothing left for a new file to replay
    assert await q(db, "SELECT name FROM sqlite_master") == []
    assert_pool_clean(db)


_EXIT_AND_FORK = """
import asyncio, os, sys
from piccolo.querystring import QueryString
from domain.core.sqlite_engine import PooledSQLiteEngine

db = PooledSQLiteEngine(path=sys.argv[1])

async def insert(x):
    await db.run_querystring(QueryString("CREATE TABLE IF NOT EXISTS t (x INTEGER)"))
    await db.run_querystring(QueryString("INSERT INTO t (x) VALUES ({})", x))
    return await db.run_querystring(QueryString("SELECT count(*) AS n FROM t"))

asyncio.run(insert(1))
assert db._idle, "an idle connection stays open"
pid = os.fork()
if pid == 0:  # the child opens its own connections; the parent's stay untouched
    rows = asyncio.run(insert(2))
    os._exit(0 if rows[0]["n"] == 2 else 1)
_, status = os.waitpid(pid, 0)
assert os.waitstatus_to_exitcode(status) == 0, status
assert asyncio.run(insert(3))[0]["n"] == 3
print("done")
"""


def test_idle_connections_neither_keep_a_process_alive_nor_survive_a_fork(tmp_path):
    path = tmp_path / "exit.sqlite"
    done = subprocess.run(
        [sys.executable, "-W", "ignore::DeprecationWarning", "-c",
         textwrap.dedent(_EXIT_AND_FORK), str(path)],
        cwd=REPO, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "done"
    # The idle connections were closed at exit: the last one removed the WAL.
    assert not Path(f"{path}-wal").exists()
    with sqlite3.connect(path) as check:
        assert check.execute("SELECT count(*) FROM t").fetchone() == (3,)


# ---------------------------------------------------------------------------- the app


@pytest.mark.skipif(not is_sqlite(), reason="the app's SQLite engine")
async def test_the_app_runs_on_the_pooled_engine():
    db = engine()
    assert isinstance(db, PooledSQLiteEngine)
    used = []
    for _ in range(2):
        async with write_tx():
            used.append(db.current_transaction.get().connection)
    assert used[0] is used[1]
    assert_pool_clean(db)
