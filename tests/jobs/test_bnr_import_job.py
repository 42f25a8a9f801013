"""The BNR import job, run by a real SAQ worker on the app's queue, against a local feed.

A stdlib HTTP server on 127.0.0.1 serves the real BNR file of 2024-01-23 (31 rates).
The job stores them once (a second run adds nothing), its key dedupes it only while in
flight, and against an unreachable server it fails after its retries with the
BNR_UNAVAILABLE message. Without REDIS_URL the app runs the worker itself; with
REDIS_URL (as in production) the test starts the worker the way `saq` would.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from datetime import date
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from litestar import Litestar
from saq import Queue, Worker
from saq.job import Status

from domain.core.errors import Unavailable
from domain.org.fx import rate_for_invoice
from jobs.fx import import_bnr_rates
from jobs.queue import enqueue
from jobs.worker import worker_settings
from settings import Settings
from tables.org import ExchangeRate
from tests.shared_data import shared_path

FEED = shared_path("ro", "bnr", "nbrfxrates.xml").read_bytes()
FEED_DAY = date(2024, 1, 23)
FEED_RATES = 31
SLOW_S = 1.0


class _BnrHandler(BaseHTTPRequestHandler):
    hits: list[str]

    def do_GET(self) -> None:
        self.hits.append(self.path)
        if self.path == "/slow/nbrfxrates.xml":
            time.sleep(SLOW_S)  # keeps the job in flight for a while
        elif self.path != "/nbrfxrates.xml":
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(FEED)))
        self.end_headers()
        self.wfile.write(FEED)

    def log_message(self, *args: object) -> None:
        pass


class FeedServer:
    def __init__(self) -> None:
        handler = type("Handler", (_BnrHandler,), {"hits": []})
        self.hits: list[str] = handler.hits
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str = "/nbrfxrates.xml") -> str:
        return self.base + path


@pytest.fixture(scope="module")
def feed() -> Iterator[FeedServer]:
    server = FeedServer()
    server.thread.start()
    yield server
    server.server.shutdown()
    server.server.server_close()


@pytest.fixture
def closed_port_url() -> str:
    """A local URL where nothing listens: the connection is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/nbrfxrates.xml"


async def _registered(queue: Queue, worker_id: str | None) -> None:
    """Wait until a worker (or this one) has registered: SAQ's start-up sweep could
    otherwise abort an attempt dequeued before it."""
    for _ in range(300):
        workers = (await queue.info()).get("workers") or {}
        if (worker_id in workers) if worker_id else workers:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("no SAQ worker registered on the queue")


@pytest.fixture(scope="module")
async def queue(app: Litestar, settings: Settings) -> AsyncIterator[Queue]:
    """The app's queue, with a worker behind it."""
    queue: Queue = app.state.queue
    if settings.run_worker_in_process:
        await _registered(queue, None)  # app_services runs it
        yield queue
        return
    worker = Worker(**worker_settings(queue, settings, grace_s=1))
    worker.SIGNALS = []
    task = asyncio.create_task(worker.start())
    await _registered(queue, str(worker.id))
    yield queue
    await worker.stop()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def _stored() -> int:
    return await ExchangeRate.count().where(ExchangeRate.day == FEED_DAY)


async def test_job_imports_the_feed_once(queue: Queue, feed: FeedServer):
    url = feed.url()
    job = await enqueue(queue, "import_bnr_rates", key="bnr:test", timeout=60, retries=2, url=url)
    assert job is not None
    await job.refresh(until_complete=30)
    assert job.status == Status.COMPLETE, job.error
    assert job.result == {"url": url, "added": FEED_RATES}
    assert await _stored() == FEED_RATES
    eur = await rate_for_invoice("EUR", date(2024, 1, 24))
    assert (eur.published_day, eur.rate) == (FEED_DAY, Decimal("4.9767"))
    source = await ExchangeRate.select(ExchangeRate.source).first()
    assert source["source"] == url

    # The same key again, now that the first run is over: it runs, and adds nothing.
    again = await enqueue(queue, "import_bnr_rates", key="bnr:test", timeout=60, retries=2, url=url)
    assert again is not None
    await again.refresh(until_complete=30)
    assert again.status == Status.COMPLETE, again.error
    assert again.result == {"url": url, "added": 0}
    assert await _stored() == FEED_RATES
    assert feed.hits.count("/nbrfxrates.xml") >= 2


async def test_key_dedupes_only_in_flight(queue: Queue, feed: FeedServer):
    url = feed.url("/slow/nbrfxrates.xml")
    key = "bnr:test-slow"
    first = await enqueue(queue, "import_bnr_rates", key=key, timeout=60, retries=1, url=url)
    assert first is not None
    # While the first waits on the slow server, the same key is refused (None).
    assert await enqueue(queue, "import_bnr_rates", key=key, timeout=60, retries=1, url=url) is None
    await first.refresh(until_complete=30)
    assert first.status == Status.COMPLETE, first.error
    assert first.result["added"] == FEED_RATES


async def test_unreachable_feed_fails_after_its_retries(queue: Queue, closed_port_url: str):
    job = await enqueue(
        queue,
        "import_bnr_rates",
        key="bnr:test-unreachable",
        timeout=20,
        retries=3,
        retry_delay=0.05,
        url=closed_port_url,
    )
    assert job is not None
    deadline = time.monotonic() + 30
    while job.status != Status.FAILED and time.monotonic() < deadline:
        # Each retry puts the job back in the queue; wait for the terminal status.
        await job.refresh(until_complete=5)
    assert job.status == Status.FAILED
    assert job.attempts == 3
    assert "BNR_UNAVAILABLE" in job.error
    assert f"Cursul BNR nu poate fi descărcat de la {closed_port_url}" in job.error
    assert await ExchangeRate.count() == 0


async def test_job_function_uses_the_configured_feed(feed: FeedServer, tmp_path):
    env = {**os.environ, "BNR_URL": feed.url(), "DATA_DIR": str(tmp_path), "SECRET": "x"}
    ctx = {"settings": Settings.from_env(env)}
    assert await import_bnr_rates(ctx) == {"url": feed.url(), "added": FEED_RATES}
    assert await import_bnr_rates(ctx) == {"url": feed.url(), "added": 0}
    assert await _stored() == FEED_RATES


async def test_job_function_raises_unavailable(settings: Settings, closed_port_url: str):
    with pytest.raises(Unavailable) as caught:
        await import_bnr_rates({"settings": settings}, url=closed_port_url)
    assert caught.value.code == "BNR_UNAVAILABLE"
    assert caught.value.status == 503
    assert closed_port_url in caught.value.message_ro
