"""/health: is the database reachable, is the queue reachable. Public, no details leaked."""

from __future__ import annotations

from typing import Any

from litestar import get
from litestar.datastructures import State
from litestar.response import Response

from tables.org import Company


@get("/health", exclude_from_auth=True, tags=["Sistem"], operation_id="Health")
async def health(state: State) -> Response[dict[str, Any]]:
    report: dict[str, Any] = {"database": "ok", "queue": "ok"}
    try:
        await Company.raw("SELECT 1")
    except Exception:  # noqa: BLE001 - any failure means "not ok", reported, not raised
        report["database"] = "error"
    try:
        queue = state.queue
        await queue.redis.ping()
        info = await queue.info()
        report["workers"] = len(info.get("workers", {}))
        report["queued"] = info.get("queued", 0)
    except Exception:  # noqa: BLE001
        report["queue"] = "error"
    healthy = report["database"] == "ok" and report["queue"] == "ok"
    report["status"] = "ok" if healthy else "degraded"
    return Response(report, status_code=200 if healthy else 503)
