"""Production's shape: `saq jobs.worker.settings` as its own process, with REDIS_URL.

The worker process shares the test's database; it gets its own Redis (a private
redis-server) so the web app's in-process worker cannot take the job instead.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from jobs.embedded_redis import EmbeddedRedis
from jobs.queue import enqueue, queue_from_url
from tables.org import ExchangeRate
from tests.shared_data import REPO, shared_path


@pytest.fixture
def bnr_url() -> Iterator[str]:
    folder = shared_path("ro", "bnr")
    handler = partial(SimpleHTTPRequestHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/nbrfxrates.xml"
    server.shutdown()


@pytest.fixture
def private_redis() -> Iterator[str]:
    redis = EmbeddedRedis(Path(tempfile.mkdtemp(prefix="cst-", dir="/tmp")))
    yield redis.start()
    redis.stop()


async def test_separate_worker_runs_the_bnr_import(bnr_url: str, private_redis: str) -> None:
    env = {**os.environ, "REDIS_URL": private_redis, "PYTHONPATH": str(REPO)}
    worker = subprocess.Popen(
        [str(Path(sys.executable).parent / "saq"), "jobs.worker.settings"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    queue = queue_from_url(private_redis)
    await queue.connect()
    try:
        # Enqueue once the worker is registered: SAQ's start-up sweep can otherwise catch
        # the job between dequeue and start and abort that attempt.
        # A loaded machine (the whole suite on two cores) can take a minute to import and
        # start the worker: wait for it explicitly rather than let the job wait unseen.
        for _ in range(1200):
            if (await queue.info()).get("workers"):
                break
            assert worker.poll() is None, "the worker process exited"
            await asyncio.sleep(0.1)
        else:
            pytest.fail("the worker did not register within 120 s")
        job = await enqueue(
            queue, "import_bnr_rates", key="bnr:separate", timeout=60, retries=2, url=bnr_url
        )
        assert job is not None
        await job.refresh(until_complete=120)
        assert job.status == "complete", job.error
        assert job.result == {"url": bnr_url, "added": 31}
        assert await ExchangeRate.count().where(ExchangeRate.currency == "EUR") == 1
    finally:
        await queue.disconnect()
        worker.kill()  # a graceful stop waits SAQ's 30 s grace period; not under test here
        await asyncio.to_thread(worker.wait, 30)
