"""SAQ worker settings: functions, crons (Europe/Bucharest) and start-up.

In production: `saq jobs.worker.settings` (one or more processes, REDIS_URL set).
Without REDIS_URL the web process runs the same settings in-process (app.py).
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from saq import CronJob, Queue

from domain.core.effects import install_dispatcher
from domain.core.tx import engine, is_sqlite
from jobs import efactura, efactura_receive, reminders, revaluation
from jobs.dispatch import queue_dispatcher
from jobs.fx import import_bnr_rates
from jobs.printing import render_document, render_invoice
from jobs.receipt_printing import render_receipt
from settings import Settings

FUNCTIONS = [
    import_bnr_rates,
    render_invoice,
    render_document,
    render_receipt,
    *efactura.FUNCTIONS,
    *efactura_receive.FUNCTIONS,
    *reminders.FUNCTIONS,
    *revaluation.FUNCTIONS,
]
CRON_JOBS = [
    # BNR publishes around 13:00 on banking days; 13:30 leaves a margin and 16:30
    # catches a late publication (the import is idempotent).
    CronJob(import_bnr_rates, cron="30 13,16 * * 1-5", timeout=120, retries=3),
    # e-Factura: due steps (lost jobs, polls, recoveries) and automatic sending.
    CronJob(efactura.efactura_sweep, cron="* * * * *", timeout=efactura.SWEEP_TIMEOUT_S, retries=1),
    # e-Factura: the SPV inbox of every connected company (received invoices, messages).
    CronJob(
        efactura_receive.efactura_receive_daily,
        cron=efactura_receive.RECEIVE_CRON,
        timeout=efactura_receive.DAILY_TIMEOUT_S,
        retries=2,
    ),
    # Payment reminders: each company with reminders enabled, once a day.
    CronJob(
        reminders.payment_reminders_daily,
        cron=reminders.REMINDERS_CRON,
        timeout=reminders.DAILY_TIMEOUT_S,
        retries=2,
    ),
    # Month-end FX revaluation of currency receivables: the month just ended, on the 1st.
    CronJob(
        revaluation.fx_revaluation_monthly,
        cron=revaluation.REVALUATION_CRON,
        timeout=revaluation.MONTHLY_TIMEOUT_S,
        retries=2,
    ),
]


def worker_settings(
    queue: Queue, settings: Settings, *, grace_s: float = 30, own_process: bool = True
) -> dict[str, Any]:
    """`grace_s`: how long a stop waits for running jobs. SAQ's own loops never finish
    by themselves, so a stop always waits this long; the in-process worker keeps it short.
    `own_process`: a separate worker installs the after-commit dispatcher itself; inside
    the web process the app has done it.
    """

    async def startup(ctx: dict[str, Any]) -> None:
        ctx["settings"] = settings
        if own_process:
            install_dispatcher(queue_dispatcher(queue))
        # Inside the web process (no REDIS_URL, RUN_WORKER=1, tests) the PostgreSQL pool
        # is the app's: open one only when there is none, and close only what we opened.
        ctx["owns_pool"] = not is_sqlite() and getattr(engine(), "pool", None) is None
        if ctx["owns_pool"]:
            await engine().start_connection_pool()

    async def shutdown(ctx: dict[str, Any]) -> None:
        if ctx.get("owns_pool"):
            await engine().close_connection_pool()

    return {
        "queue": queue,
        "functions": FUNCTIONS,
        "cron_jobs": CRON_JOBS,
        "cron_tz": ZoneInfo("Europe/Bucharest"),
        "concurrency": 10,
        "startup": startup,
        "shutdown": shutdown,
        "shutdown_grace_period_s": grace_s,
    }


def _settings_for_cli() -> dict[str, Any]:
    from jobs.queue import queue_from_url

    app_settings = Settings.from_env()
    if app_settings.redis_url is None:
        raise RuntimeError("a separate worker needs REDIS_URL (the embedded Redis is per process)")
    return worker_settings(queue_from_url(app_settings.redis_url), app_settings)


def __getattr__(name: str) -> Any:
    # `saq jobs.worker.settings` reads this attribute; build it only when asked so that
    # importing the module (tests, the web app) does not need REDIS_URL.
    if name == "settings":
        return _settings_for_cli()
    raise AttributeError(name)
