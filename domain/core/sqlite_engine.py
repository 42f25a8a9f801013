"""Piccolo's SQLite engine, keeping its connections open between transactions.

Piccolo's `SQLiteEngine` opens a new aiosqlite connection (a new thread and a new sqlite3
handle) for every transaction and for every query outside one, and sends
`PRAGMA foreign_keys = 1` before every statement: an empty `write_tx()` cost 0.82 ms
against 0.13 ms on an open connection, and issuing an invoice sent 25 statements for 11
(docs/benchmarks.md). This engine lends open connections instead:

- A connection is configured once, when opened: Piccolo's connection arguments (busy
  timeout, its type converters, autocommit mode), its row factory, foreign keys on, and
  WAL on the first connection to a file. Statements go out as they are, each in one trip
  to the connection's thread (execute and fetch together).
- Each transaction and each query outside one borrows a connection and gives it back.
  There is no cap on how many are open at once (as before): transactions still run side
  by side, and concurrent writers still queue on SQLite's lock (`BEGIN IMMEDIATE` from
  `write_tx()`, busy timeout), not on the pool. Up to `pool_size` idle ones are kept.
- A connection goes back to the pool only outside any transaction and with no statement
  of its own still running. Otherwise (a cancelled statement, a COMMIT that failed and
  left the transaction open, a PRAGMA/ATTACH/TEMP statement that changed its settings) it
  is closed, which rolls back whatever it still held.
- A connection never outlives its file: every loan compares the file's identity (device,
  inode) with the one the connection opened, so a deleted or replaced database empties
  the pool. (An open connection keeps its inode alive, so a new file never reuses it.)
- Idle connections' threads are daemon threads, closed at exit; a forked child forgets
  the parent's connections without touching them.
"""

from __future__ import annotations

import atexit
import logging
import os
import re
import sqlite3
import threading
import warnings
import weakref
from collections import deque
from dataclasses import dataclass
from typing import Any

import aiosqlite
from piccolo.engine.sqlite import SQLiteEngine, SQLiteTransaction, TransactionType, dict_factory
from piccolo.querystring import QueryString

log = logging.getLogger("catastif")

# Statements that change a connection beyond the current transaction (foreign_keys off,
# an attached file, a temp table): the connection that ran one is closed after use.
_STATEFUL = re.compile(r"\s*(PRAGMA|ATTACH|DETACH|CREATE\s+TEMP)", re.IGNORECASE)

FileId = tuple[int, int]


@dataclass(eq=False)
class Lease:
    """An open connection, the file it was opened on, and whether it may be lent again."""

    conn: aiosqlite.Connection
    file_id: FileId | None
    tainted: bool = False


class PooledTransaction(SQLiteTransaction):
    """Piccolo's SQLite transaction on a borrowed connection, given back at the end."""

    __slots__ = ("lease",)
    engine: PooledSQLiteEngine

    async def __aenter__(self) -> SQLiteTransaction:
        if self._parent is not None:
            return self._parent
        self.lease = await self.engine.lease()
        self.connection = self.lease.conn
        try:
            await self.begin()  # BEGIN IMMEDIATE waits here on the busy timeout
        except Exception:
            await self.engine.give_back(self.lease)  # BEGIN failed: no transaction open
            raise
        except BaseException:
            self.engine.abandon(self.lease)  # cancelled: BEGIN may still be waiting
            raise
        self.context = self.engine.current_transaction.set(self)
        return self

    async def __aexit__(self, exception_type: Any, exception: Any, traceback: Any) -> bool:
        if self._parent:
            return exception is None
        try:
            if exception:
                if not self._rolled_back:
                    await self.rollback()
            elif not self._committed and not self._rolled_back:
                await self.commit()
        except Exception:
            # COMMIT or ROLLBACK answered with an error (a deferred foreign key failing at
            # COMMIT leaves the transaction open): give_back() closes the connection then.
            self.engine.current_transaction.reset(self.context)
            await self.engine.give_back(self.lease)
            raise
        except BaseException:
            self.engine.current_transaction.reset(self.context)
            self.engine.abandon(self.lease)
            raise
        self.engine.current_transaction.reset(self.context)
        await self.engine.give_back(self.lease)
        return exception is None


class PooledSQLiteEngine(SQLiteEngine):
    """`SQLiteEngine` with open connections lent to transactions and single queries."""

    def __init__(self, path: str = "piccolo.sqlite", pool_size: int = 8, **kwargs: Any) -> None:
        super().__init__(path=path, **kwargs)
        if sqlite3.sqlite_version_info < (3, 35):
            raise RuntimeError("SQLite >= 3.35 is needed (UPDATE/INSERT ... RETURNING)")
        self.pool_size = pool_size
        self._idle: deque[Lease] = deque()
        self._wal_checked: set[FileId] = set()
        _ENGINES.add(self)

    # ------------------------------------------------------------------ the pool

    def _file_id(self) -> FileId | None:
        try:
            stat = os.stat(self.path)
        except OSError:  # not created yet, or deleted; ":memory:" is never pooled either
            return None
        return (stat.st_dev, stat.st_ino)

    async def lease(self) -> Lease:
        """An open connection to the current file, outside any transaction."""
        current = self._file_id()
        while True:
            try:
                lease = self._idle.pop()  # the most recently used: its pages are warm
            except IndexError:
                return await self._open()
            if current is not None and lease.file_id == current:
                return lease
            await self.discard(lease)  # opened on a file that was deleted or replaced

    async def give_back(self, lease: Lease) -> None:
        """Return a connection whose last operation has completed (successfully or not)."""
        try:
            reusable = not lease.tainted and not lease.conn.in_transaction
        except ValueError:  # closed by its user
            return
        if reusable and lease.file_id is not None and len(self._idle) < self.pool_size:
            self._idle.append(lease)
        else:
            await self.discard(lease)

    async def discard(self, lease: Lease) -> None:
        """Close a connection (SQLite rolls back what it still held)."""
        try:
            await lease.conn.close()
        except Exception:
            log.warning("closing a SQLite connection failed", exc_info=True)

    def abandon(self, lease: Lease) -> None:
        """Close a connection whose last operation may still be running (its task was
        cancelled), without waiting: its thread closes it once that operation is over."""
        lease.conn.stop()

    async def _open(self) -> Lease:
        conn = aiosqlite.connect(**self.connection_kwargs)
        thread = getattr(conn, "_thread", None)
        if isinstance(thread, threading.Thread):
            # aiosqlite's worker thread is not a daemon: an idle pooled connection would keep
            # the process from exiting (`_thread` is private; aiosqlite is pinned).
            thread.daemon = True
        await conn
        try:
            conn.row_factory = dict_factory  # type: ignore[assignment]
            await conn.execute_fetchall("PRAGMA foreign_keys = 1")
            file_id = self._file_id()
            if file_id is not None and file_id not in self._wal_checked:
                await self._ensure_wal(conn, file_id)
        except Exception:
            await conn.close()
            raise
        except BaseException:
            conn.stop()
            raise
        return Lease(conn, file_id)

    async def _ensure_wal(self, conn: aiosqlite.Connection, file_id: FileId) -> None:
        """WAL lets readers work beside the one writer; it persists in the file (the app
        sets it at start too). Switching needs the file to itself: if another process
        holds it now, say so and try again with the next connection."""
        try:
            await conn.execute_fetchall("PRAGMA journal_mode = WAL")
        except sqlite3.OperationalError as exc:
            log.warning("could not switch %s to WAL yet: %s", self.path, exc)
            return
        self._wal_checked.add(file_id)

    def remove_db_file(self) -> None:
        """Piccolo's test helper: close the idle connections first, so that the last one
        checkpoints and removes the -wal file that a new file of that name would replay."""
        self._close_idle_now()
        super().remove_db_file()

    async def start_connection_pool(self, **_: Any) -> None:
        """Nothing to start: connections are opened on first use."""

    async def close_connection_pool(self) -> None:
        """Close the idle connections (those lent out are closed or kept when given back)."""
        while self._idle:
            await self.discard(self._idle.pop())

    def _close_idle_now(self) -> None:
        """Without awaiting (at exit, or from sync code): ask each idle connection's thread
        to close it, and wait for them a moment."""
        threads = []
        while self._idle:
            conn = self._idle.pop().conn
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # stop() looks for an event loop
                conn.stop()
            threads.append(getattr(conn, "_thread", None))
        for thread in threads:
            if isinstance(thread, threading.Thread) and thread.is_alive():
                thread.join(timeout=1)

    # ------------------------------------------------------------------ running SQL

    def transaction(
        self,
        transaction_type: TransactionType = TransactionType.deferred,
        allow_nested: bool = True,
    ) -> PooledTransaction:
        return PooledTransaction(
            engine=self, transaction_type=transaction_type, allow_nested=allow_nested
        )

    async def run_querystring(self, querystring: QueryString, in_pool: bool = False) -> Any:
        query_id = self.get_query_id()
        if self.log_queries:
            self.print_query(query_id=query_id, query=querystring.__str__())
        query, args = querystring.compile_string(engine_type=self.engine_type)
        response = await self._run(query, args)
        if self.log_responses:
            self.print_response(query_id=query_id, response=response)
        return response

    async def run_ddl(self, ddl: str, in_pool: bool = False) -> Any:
        query_id = self.get_query_id()
        if self.log_queries:
            self.print_query(query_id=query_id, query=ddl)
        response = await self._run(ddl, [])
        if self.log_responses:
            self.print_response(query_id=query_id, response=response)
        return response

    async def _run(self, sql: str, args: list[Any]) -> list[dict[str, Any]]:
        stateful = _STATEFUL.match(sql) is not None
        transaction = self.current_transaction.get()
        if transaction is not None:
            if stateful:
                transaction.lease.tainted = True
            return list(await transaction.connection.execute_fetchall(sql, args))
        # Outside a transaction: one autocommit statement on a borrowed connection.
        lease = await self.lease()
        lease.tainted = stateful
        try:
            rows = await lease.conn.execute_fetchall(sql, args)
        except Exception:
            await self.give_back(lease)  # the statement failed and is over
            raise
        except BaseException:
            self.abandon(lease)  # cancelled: the statement may still be running
            raise
        await self.give_back(lease)
        return list(rows)


# ---------------------------------------------------------------------- process events

_ENGINES: weakref.WeakSet[PooledSQLiteEngine] = weakref.WeakSet()
# Connections inherited through fork(): their threads stayed in the parent. Kept referenced
# so that nothing finalises (closes) the parent's SQLite handles from the child.
_INHERITED: list[Lease] = []


def _forget_after_fork() -> None:
    for engine in list(_ENGINES):
        _INHERITED.extend(engine._idle)
        engine._idle = deque()
        engine._wal_checked = set()


def _close_at_exit() -> None:
    for engine in list(_ENGINES):
        engine._close_idle_now()


os.register_at_fork(after_in_child=_forget_after_fork)
atexit.register(_close_at_exit)
