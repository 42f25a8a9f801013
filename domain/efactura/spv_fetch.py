"""«Preia acum din SPV»: someone asks for a company's SPV inbox to be read now, rather than
at the next cron run, and sees when it last ran and what it brought.

The run itself is the cron's job (jobs/efactura_receive.py, key `efactura:receive:<company>`,
same timeout, retries and back-off), so a request while a run of the company is queued or
running adds nothing: that run reads the inbox. Runs are logged by `spv_receive`
(`preluare_spv`), whoever asked.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.core.clock import BUCHAREST
from domain.core.effects import enqueue_now
from domain.core.errors import Conflict, Unavailable
from domain.efactura.connection import connection_row, connection_status
from domain.efactura.receive_import import RECEIVE_AREA
from domain.efactura.receive_queries import spv_fetch_last
from domain.org.permissions import Action, Actor, require


async def spv_fetch_now(*, company_id: int, by: Actor) -> dict[str, Any]:
    """Queue a run of the company's inbox now.

    Returns `queued` (False: a run of the company is queued or running already) and
    `last`, the latest run (None before the first). Refused when the company's SPV
    connection is not authorised (409 SPV_NOT_CONNECTED) and when the job queue cannot
    be reached (503 JOB_QUEUE_UNAVAILABLE).
    """
    require(by, RECEIVE_AREA, Action.write)
    status = connection_status(await connection_row(company_id))
    if not status["connected"]:
        raise Conflict(
            "SPV_NOT_CONNECTED",
            f"Mesajele din SPV nu pot fi preluate: {status['warning']} Configurați și "
            "autorizați conexiunea («e-Factura: conexiune SPV», apoi «Autorizează la ANAF»).",
            "The company's SPV connection is not authorised; messages cannot be fetched.",
            details={"company_id": company_id},
        )
    queued = await enqueue_now("efactura_receive", company_id=company_id, requested_by=by.name)
    if queued is None:
        raise Unavailable(
            "JOB_QUEUE_UNAVAILABLE",
            "Coada de lucrări nu răspunde: preluarea din SPV nu a putut fi pornită. "
            "Încercați din nou peste câteva minute (preluarea automată rulează oricum).",
            "The job queue cannot be reached; try again in a few minutes.",
        )
    return {"queued": queued, "last": await spv_fetch_last(company_id, by=by)}


def _when(moment: datetime) -> str:
    return moment.astimezone(BUCHAREST).strftime("%d.%m.%Y %H:%M")


def fetch_summary_ro(run: dict[str, Any] | None) -> str:
    """A run of the inbox in one Romanian sentence (the admin's answer)."""
    if run is None:
        return "Mesajele SPV ale firmei nu au fost preluate încă niciodată."
    who = run["requested_by"] or "automat"
    text = f"Ultima preluare: pornită la {_when(run['started_at'])} ({who})"
    if run["finished_at"] is None:
        return f"{text}, încă în curs."
    text += (
        f", încheiată la {_when(run['finished_at'])}: {run['listed']} mesaje în ultimele 60 "
        f"de zile, {run['new_messages']} noi, {run['imported']} facturi primite importate"
    )
    if run["linked"]:
        text += f", {run['linked']} legate de facturi importate de mână"
    if run["failed"]:
        text += f", {run['failed']} refuzate (motivul e la mesaj, în «Mesaje SPV»)"
    if run["error"]:
        text += f". S-a oprit: {run['error']} Se reia automat"
    return f"{text}."
