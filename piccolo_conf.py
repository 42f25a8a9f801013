"""Piccolo's configuration: the database from DATABASE_URL, and the apps.

sqlite:///path (the default, a file under ./data) or postgresql://user@host:port/db.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import asyncpg
from piccolo.conf.apps import AppRegistry
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine

from domain.core.sqlite_engine import PooledSQLiteEngine

REPO = Path(__file__).resolve().parent
SQLITE_BUSY_TIMEOUT_S = 30


async def _keep_session(connection: asyncpg.Connection) -> None:
    """The pool's reset on release: nothing to undo. asyncpg's default sends
    `SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL` on every release,
    a round trip more for each statement outside a transaction and after each commit. The
    app leaves no session state to undo: its advisory locks are transaction locks
    (pg_advisory_xact_lock), it runs no SET, LISTEN or DECLARE (nor do Piccolo,
    piccolo-admin or the Redis-backed SAQ). asyncpg still rolls back a transaction left
    open and drops listeners before this runs. Session state added later must be of the
    transaction-scoped kind (SET LOCAL, xact locks), or this must undo it."""


class PostgresPoolEngine(PostgresEngine):
    """Piccolo's engine, its pool without asyncpg's reset on release (`_keep_session`)."""

    async def start_connection_pool(self, **kwargs: Any) -> None:
        kwargs.setdefault("reset", _keep_session)
        await super().start_connection_pool(**kwargs)


def engine_from_url(url: str) -> Engine:
    scheme = urlparse(url).scheme
    if scheme.startswith("postgres"):
        return PostgresPoolEngine(config={"dsn": url})
    if scheme == "sqlite":
        # SQLAlchemy's convention: sqlite:///relative.db, sqlite:////absolute/path.db
        path = Path(url.removeprefix("sqlite:///"))
        path = path if path.is_absolute() else REPO / path
        path.parent.mkdir(parents=True, exist_ok=True)
        # Piccolo's SQLiteEngine opens a connection per transaction; this one keeps them
        # open (domain/core/sqlite_engine.py). timeout = SQLite's busy timeout: IMMEDIATE
        # writers queue up instead of failing.
        return PooledSQLiteEngine(path=str(path), timeout=SQLITE_BUSY_TIMEOUT_S)
    raise ValueError(f"DATABASE_URL must start with sqlite:// or postgresql://, not {url!r}")


DB = engine_from_url(
    os.environ.get("DATABASE_URL") or f"sqlite:///{REPO / 'data' / 'catastif.sqlite'}"
)

APP_REGISTRY = AppRegistry(
    apps=[
        "tables.piccolo_app",
        "piccolo.apps.user.piccolo_app",
        "piccolo_api.session_auth.piccolo_app",
    ]
)
