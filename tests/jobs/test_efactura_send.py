"""e-Factura jobs end to end: a real SAQ worker on the app's queue (real Redis), the real
database and the fake SPV over HTTP. Time passes by moving the rows' timestamps, never by
waiting: the sweeper then finds the work due, as its cron would a minute later."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from datetime import datetime

import pytest
from litestar import Litestar
from saq import Queue, Worker
from saq.job import Status

from domain.efactura.send_queue import efactura_queue
from domain.org.permissions import SYSTEM
from jobs.queue import enqueue
from jobs.worker import worker_settings
from settings import Settings
from tests.efactura_helpers import (
    connect,
    issued_invoice,
    make_due,
    submission,
    wait_event,
    wait_state,
)


async def _registered(queue: Queue, worker_id: str | None) -> None:
    for _ in range(300):
        workers = (await queue.info()).get("workers") or {}
        if (worker_id in workers) if worker_id else workers:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("no SAQ worker registered on the queue")


@pytest.fixture(scope="module")
async def queue(app: Litestar, settings: Settings) -> AsyncIterator[Queue]:
    """The app's queue with a worker whose settings point at the fake SPV."""
    queue: Queue = app.state.queue
    if settings.run_worker_in_process:
        await _registered(queue, None)
        yield queue
        return
    worker = Worker(**worker_settings(queue, settings, grace_s=1, own_process=False))
    worker.SIGNALS = []
    task = asyncio.create_task(worker.start())
    await _registered(queue, str(worker.id))
    yield queue
    await worker.stop()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def clear_of_the_sweeper() -> None:
    """Wait out the sweeper's cron (every minute, on :00) when it is about to run: between
    queuing an invoice and enqueuing the test's own send job (same key), the sweeper would
    enqueue the send itself, with its own timeout, and the test's job would be deduplicated."""
    second = datetime.now().second
    if second >= 50:
        await asyncio.sleep(60 - second + 2)


@pytest.fixture
async def ready(settings, fake_spv):
    ids = await issued_invoice()
    await connect(ids["company"], settings, fake_spv)
    return ids


async def sweep(queue: Queue) -> dict:
    """Run the sweeper now, through the queue (what its cron does every minute)."""
    job = await enqueue(
        queue, "efactura_sweep", key=f"efactura:sweep:{uuid.uuid4().hex}", timeout=60, retries=1
    )
    await job.refresh(until_complete=30)
    assert job.status == Status.COMPLETE, job.error
    return job.result


async def test_send_now_uploads_polls_and_keeps_the_answer(queue, fake_spv, ready, dispatching):
    invoice = ready["invoice"]
    await efactura_queue(invoice_id=invoice, by=SYSTEM)  # enqueues efactura:send:<id>
    row = await wait_state(invoice, lambda r: r["state"] == "uploaded")
    assert row["upload_index"] == fake_spv.uploads[0].index
    await make_due(invoice)  # the first poll's time has come
    result = await sweep(queue)
    assert result["due"] >= 1
    row = await wait_state(invoice, lambda r: r["state"] == "ok" and r["answer_path"])
    assert fake_spv.upload_count == 1
    assert fake_spv.calls["stareMesaj"] == 1
    assert fake_spv.calls["descarcare"] == 1


async def test_job_killed_by_its_timeout_is_retried_without_a_second_upload(
    queue, fake_spv, ready, settings
):
    """SAQ cancels the send job while the upload hangs (its timeout, 1 s, is shorter than
    the call's); its retry finds the row `uploading` under lease and uploads nothing."""
    invoice = ready["invoice"]
    await clear_of_the_sweeper()
    await efactura_queue(invoice_id=invoice, by=SYSTEM)  # no dispatcher: nothing enqueued
    fake_spv.fail_next("upload", "hang")
    job = await enqueue(
        queue, "efactura_send", key=f"efactura:send:{invoice}", timeout=1, retries=3,
        retry_delay=0.1, invoice_id=invoice,
    )  # fmt: skip
    deadline = asyncio.get_running_loop().time() + 30
    while job.status not in (Status.COMPLETE, Status.FAILED):
        assert asyncio.get_running_loop().time() < deadline
        await job.refresh(until_complete=5)
    assert job.status == Status.COMPLETE, job.error
    assert job.attempts >= 2  # the first attempt was killed
    assert job.result["detail"] == "nu este încă timpul"
    row = await submission(invoice)
    assert row["state"] == "uploading"
    assert fake_spv.upload_count == 1
    # Later, the sweeper's recovery finds it in SPV.
    await make_due(invoice)
    await sweep(queue)
    row = await wait_state(invoice, lambda r: r["state"] == "ok")
    assert row["upload_index"] == fake_spv.uploads[0].index
    assert fake_spv.upload_count == 1


async def test_sweeper_picks_up_lost_work(queue, fake_spv, ready):
    invoice = ready["invoice"]
    await clear_of_the_sweeper()  # the cron's own sweep would find the lost job first
    await efactura_queue(invoice_id=invoice, by=SYSTEM)  # the job is "lost": none enqueued
    await asyncio.sleep(0.2)
    assert (await submission(invoice))["state"] == "queued"
    result = await sweep(queue)
    assert result["due"] == 1
    await wait_state(invoice, lambda r: r["state"] == "uploaded")
    fake_spv.fail_next("stareMesaj", "http503")
    await make_due(invoice)
    await sweep(queue)  # the poll fails (HTTP 503): it stays uploaded, polled again later
    await wait_event(invoice, "stareMesaj fără răspuns util")
    assert (await submission(invoice))["state"] == "uploaded"
    await make_due(invoice)
    await sweep(queue)
    await wait_state(invoice, lambda r: r["state"] == "ok" and r["answer_path"])
    assert fake_spv.upload_count == 1


async def test_rate_limit_and_5xx_back_off_then_succeed(queue, fake_spv, ready, dispatching):
    invoice = ready["invoice"]
    fake_spv.fail_next("upload", "http429")
    await efactura_queue(invoice_id=invoice, by=SYSTEM)
    row = await wait_state(invoice, lambda r: r["attempts"] == 1 and r["state"] == "queued")
    assert fake_spv.upload_count == 0
    fake_spv.fail_next("upload", "http503")  # not processed, but it might have been
    await make_due(invoice)
    await sweep(queue)
    await wait_event(invoice, "Răspuns pierdut la încărcare (HTTP 503)")
    row = await submission(invoice)
    assert (row["attempts"], row["state"]) == (2, "uploading")
    assert fake_spv.upload_count == 0
    # Recovery looks in SPV, finds nothing, and waits: no blind second upload.
    await make_due(invoice)
    await sweep(queue)
    await wait_event(invoice, "Factura nu apare (încă) în SPV")
    row = await submission(invoice)
    assert row["state"] == "uploading"
    assert fake_spv.upload_count == 0
    assert fake_spv.calls["lista"] >= 1
