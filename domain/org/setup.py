"""Bringing a database up to date: migrations, then the reference data."""

from __future__ import annotations

from piccolo.apps.migrations.commands.forwards import run_forwards

from domain.catalog.reference import reference_data_load
from domain.core.tx import is_sqlite
from tables.org import Company


async def database_init() -> dict[str, int]:
    if is_sqlite():
        # WAL lets readers work beside the single writer; it persists in the file.
        await Company.raw("PRAGMA journal_mode=WAL")
    result = await run_forwards(app_name="all", migration_id="all", fake=False)
    if not result.success:
        raise RuntimeError(f"migrations failed: {result.message}")
    return await reference_data_load()
