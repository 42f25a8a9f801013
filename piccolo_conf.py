"""Piccolo's configuration: the database from DATABASE_URL, and the apps.

sqlite:///path (the default, a file under ./data) or postgresql://user@host:port/db.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlparse

from piccolo.conf.apps import AppRegistry
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine

from domain.core.sqlite_engine import PooledSQLiteEngine

REPO = Path(__file__).resolve().parent
SQLITE_BUSY_TIMEOUT_S = 30


def engine_from_url(url: str) -> Engine:
    scheme = urlparse(url).scheme
    if scheme.startswith("postgres"):
        return PostgresEngine(config={"dsn": url})
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
