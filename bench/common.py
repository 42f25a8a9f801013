"""What every benchmark needs: a fresh database, statement counting, versions, the doc.

Nothing here imports piccolo_conf (directly or through the app): a benchmark decides its
DATABASE_URL first, then imports the app.

Statement counting is done at the driver, without touching the app's code:
- SQLite: sqlite3's own trace callback (`Connection.set_trace_callback`), installed by a
  `sqlite3.Connection` subclass passed as `factory=` in the engine's connection arguments.
  It reports every statement SQLite starts (an `executemany` of 5 rows counts 5).
- PostgreSQL: asyncpg's query logger (`Connection.add_query_logger`), added to each pool
  connection by the pool's `init` hook. It reports every call that reaches the server
  (an `executemany` counts once: asyncpg pipelines it).
Counting runs in a separate, untimed pass, so the timed rounds carry no hook at all.
"""

from __future__ import annotations

import asyncio
import os
import platform
import re
import sqlite3
import statistics
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

REPO = Path(__file__).resolve().parent.parent
DOC = REPO / "docs" / "benchmarks.md"
PG_URL = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/catastif_bench")


# ------------------------------------------------------------------------ databases


def fresh_sqlite() -> str:
    """A new, empty SQLite file under /tmp; its DATABASE_URL."""
    folder = Path(tempfile.mkdtemp(prefix="catastif-bench-"))
    return f"sqlite:///{folder / 'bench.sqlite'}"


def fresh_postgres(url: str = PG_URL) -> str:
    """Drop and recreate the benchmark database (its name is the URL's path)."""
    import asyncpg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name) or name in {"postgres", "template1"}:
        raise SystemExit(f"refusing to recreate database {name!r}")
    admin = urlunparse(parsed._replace(path="/postgres"))

    async def recreate() -> None:
        conn = await asyncpg.connect(admin)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()

    asyncio.run(recreate())
    return url


def sqlite_path(url: str) -> str:
    return url.removeprefix("sqlite:///")


# ------------------------------------------------------------------------ counting

TX_WORDS = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


def kind(sql: str) -> str:
    """'tx' (transaction control), 'driver' (sent by the drivers on their own: asyncpg's
    pool reset on release; Piccolo's stock SQLite engine sent a PRAGMA per statement) or
    'app'."""
    head = sql.lstrip().upper()
    if head.startswith(TX_WORDS):
        return "tx"
    if head.startswith("PRAGMA FOREIGN_KEYS") or head.startswith("SELECT PG_ADVISORY_UNLOCK_ALL"):
        return "driver"
    return "app"


class StatementLog:
    """Collects the statements the driver sends while `capture()` is active."""

    def __init__(self) -> None:
        self.on = False
        self.statements: list[str] = []

    def add(self, sql: str) -> None:
        if self.on and not sql.startswith("--"):  # "-- TRIGGER x": part of its statement
            self.statements.append(sql)

    def sqlite_factory(self, always: bool = False) -> type[sqlite3.Connection]:
        """A connection class that traces into this log (while capturing) if created while
        capturing, or `always`."""
        log = self

        class Traced(sqlite3.Connection):
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, **kwargs)
                if log.on or always:
                    self.set_trace_callback(log.add)

        return Traced

    async def pg_init(self, conn: Any) -> None:
        """asyncpg pool `init` hook."""
        conn.add_query_logger(self.pg_logged)

    def pg_logged(self, record: Any) -> None:
        self.add(record.query)

    @contextmanager
    def capture(self) -> Iterator[list[str]]:
        self.statements = []
        self.on = True
        try:
            yield self.statements
        finally:
            self.on = False


def _split_top(text: str) -> list[str]:
    """Split on commas outside parentheses and quotes."""
    parts, depth, quote, start = [], 0, "", 0
    for i, ch in enumerate(text):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts]


def _top_from(select: str) -> int:
    """Where the FROM of a SELECT's own column list is (not one of a subquery in it)."""
    depth = 0
    for m in re.finditer(r"[()]|\bFROM\b", select, flags=re.I):
        if m.group() == "(":
            depth += 1
        elif m.group() == ")":
            depth -= 1
        elif depth == 0:
            return m.start()
    return -1


def abbreviate(sql: str, width: int = 150) -> str:
    """One line: long column lists, SET lists and VALUES rows summarised."""
    s = " ".join(sql.split())
    if re.match(r"(?is)^SELECT ", s) and (at := _top_from(s)) > 0:
        columns, rest = s[len("SELECT ") : at].strip(), s[at + len("FROM ") :]
        if len(columns) > 60:
            s = f"SELECT <{len(_split_top(columns))} columns> FROM {rest}"
    elif m := re.match(r"(?is)^UPDATE (\S+) SET (.*?) WHERE (.*)$", s):
        names = [re.sub(r'^"?(\w+)"?\s*=.*$', r"\1", p, flags=re.S) for p in _split_top(m.group(2))]
        if len(m.group(2)) > 60:
            shown = ", ".join(names[:4]) + (", …" if len(names) > 4 else "")
            s = f"UPDATE {m.group(1)} SET <{len(names)} columns: {shown}> WHERE {m.group(3)}"
    elif m := re.match(r"(?is)^INSERT INTO (\S+) \((.*?)\) VALUES (.*?)( RETURNING .*)?$", s):
        rows = _split_top(m.group(3))
        s = (
            f"INSERT INTO {m.group(1)} (<{len(_split_top(m.group(2)))} columns>) "
            f"VALUES <{len(rows)} rows>{m.group(4) or ''}"
        )
    return s if len(s) <= width else s[: width - 1] + "…"


# ------------------------------------------------------------------------ timing


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def versions(engine: str, server_version: str) -> str:
    libs = ["piccolo", "asyncpg" if engine == "postgres" else "aiosqlite"]
    parts = [f"{'PostgreSQL' if engine == 'postgres' else 'SQLite'} {server_version}"]
    parts += [f"Python {platform.python_version()}"] + [f"{x} {version(x)}" for x in libs]
    return ", ".join(parts)


def code_version() -> str:
    """The commit measured, marked `+changes` when the working tree differs from it."""
    import subprocess

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True)
        return done.stdout.strip()

    head = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--untracked-files=no", "--", "domain", "tables")
    return head + ("+changes" if dirty else "")


def today() -> str:
    return datetime.now(UTC).astimezone().strftime("%Y-%m-%d")


# ------------------------------------------------------------------------ the doc

DOC_HEAD = """# Benchmarks

Each benchmark measures the app next to a raw-SQL baseline doing the same work, on the
same engine, in the same run. The machine is small (2 cores), shared and noisy: absolute
figures move from run to run, the **ratios** are what the budgets
(`../shared/ARCHITECTURE.md` §7) are about. How to run them: `bench/README.md`.
"""


def _block(marker: str) -> tuple[str, str]:
    return f"<!-- {marker} -->", f"<!-- /{marker} -->"


def doc_section(marker: str, default: str) -> None:
    """Make sure the doc exists and holds the section `marker` (appended with `default`)."""
    text = DOC.read_text() if DOC.exists() else DOC_HEAD
    if _block(marker)[0] not in text:
        text = text.rstrip("\n") + "\n\n" + default.strip("\n") + "\n"
        DOC.write_text(text)


def doc_replace(marker: str, content: str | Callable[[str], str]) -> None:
    """Replace what is between `<!-- marker -->` and `<!-- /marker -->`.

    `content` is the new text, or a function of the old text.
    """
    text = DOC.read_text()
    start, end = _block(marker)
    i, j = text.index(start) + len(start), text.index(end)
    old = text[i:j].strip("\n")
    new = content(old) if callable(content) else content
    DOC.write_text(text[:i] + "\n" + new.strip("\n") + "\n" + text[j:])


def table_upsert(header: Sequence[str], key: str, row: Sequence[str]) -> Callable[[str], str]:
    """For doc_replace: a markdown table keeping one row per `key` (its first cell's
    first word)."""

    def update(old: str) -> str:
        rows = {}
        for line in old.splitlines()[2:]:
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if cells and cells[0]:
                rows[cells[0].split()[0]] = line
        rows[key] = "| " + " | ".join(row) + " |"
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        return "\n".join(lines + [rows[k] for k in sorted(rows)])

    return update
