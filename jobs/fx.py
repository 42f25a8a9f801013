"""Job: import BNR rates (the daily cron, or on demand)."""

from __future__ import annotations

from typing import Any

from domain.org.fx import rates_fetch, rates_import_document
from domain.org.permissions import SYSTEM


async def import_bnr_rates(ctx: dict[str, Any], *, url: str | None = None) -> dict[str, Any]:
    """Download a BNR feed (the daily one by default) and store what is new.

    Idempotent: a publication already stored is skipped, so a retried or repeated
    run adds nothing.
    """
    source = url or ctx["settings"].bnr_daily_url
    added = await rates_import_document(await rates_fetch(source), source=source, by=SYSTEM)
    return {"url": source, "added": added}
