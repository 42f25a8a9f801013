"""The embedded Redis of a one-machine installation (no REDIS_URL): jobs/embedded_redis.py.

It starts the bundled redis-server on a unix socket in the data folder, a second
process of the same installation reuses the running server, a SAQ queue works over it,
and stop() really stops it. Unix socket paths are limited to about 107 bytes: the
tests use short folders under /tmp, and one checks that a deep data folder still works.
Tests are async only because the suite's autouse database fixture is; the blocking
start/stop calls run in a thread.
"""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import time
from asyncio import to_thread
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from jobs.embedded_redis import MAX_SOCKET_PATH, EmbeddedRedis
from jobs.queue import queue_from_url


@pytest.fixture
def data_dir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="cst-", dir="/tmp"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _client(url: str) -> redis.Redis:
    assert url.startswith("unix://")
    # No retries: a refused connection must fail now, not after redis-py's back-off.
    return redis.Redis(
        unix_socket_path=url.removeprefix("unix://"), socket_timeout=2, retry=Retry(NoBackoff(), 0)
    )


async def test_start_reuse_and_stop(data_dir: Path):
    first = EmbeddedRedis(data_dir)
    second = EmbeddedRedis(data_dir)
    try:
        url = await to_thread(first.start)
        assert url == f"unix://{data_dir / 'redis' / 'redis.sock'}"
        assert first.process is not None
        assert first.process.poll() is None
        client = _client(url)
        assert client.ping() is True
        client.set("catastif:probe", "1")

        # Another process of the same installation finds it running and starts nothing.
        assert await to_thread(second.start) == url
        assert second.process is None
        assert _client(second.url).get("catastif:probe") == b"1"
        assert client.info("server")["process_id"] == first.process.pid
        await to_thread(second.stop)  # it owns nothing, so the server keeps running
        assert client.ping() is True
    finally:
        await to_thread(first.stop)
    assert first.process is None
    with pytest.raises(redis.ConnectionError):
        _client(url).ping()


async def test_start_after_a_killed_server_is_quick(data_dir: Path):
    crashed = EmbeddedRedis(data_dir)
    await to_thread(crashed.start)
    assert crashed.process is not None
    os.kill(crashed.process.pid, signal.SIGKILL)  # no clean shutdown: the socket file stays
    await to_thread(crashed.process.wait)
    crashed.process = None
    assert crashed.socket.exists()

    again = EmbeddedRedis(data_dir)
    started = time.monotonic()
    try:
        url = await to_thread(again.start)
        assert time.monotonic() - started < 3  # not redis-py's ~10 s of retries
        assert again.process is not None
        assert _client(url).ping() is True
    finally:
        await to_thread(again.stop)


async def test_deep_data_folder_gets_a_short_socket(data_dir: Path):
    deep = data_dir / ("dosar-de-date-" * 8)
    assert len(os.fsencode(deep / "redis" / "redis.sock")) > MAX_SOCKET_PATH
    server, twin = EmbeddedRedis(deep), EmbeddedRedis(deep)
    assert server.socket == twin.socket  # every process of the installation agrees
    assert len(os.fsencode(server.socket)) <= MAX_SOCKET_PATH
    try:
        url = await to_thread(server.start)
        assert _client(url).ping() is True
        assert await to_thread(twin.start) == url
        assert twin.process is None
        assert (deep / "redis" / "redis.log").exists()  # data and log stay in the folder
    finally:
        await to_thread(server.stop)
    assert not server.socket.exists()


async def test_a_start_that_times_out_leaves_no_server(data_dir: Path):
    server = EmbeddedRedis(data_dir)
    with pytest.raises(RuntimeError, match="embedded Redis did not start"):
        await to_thread(server.start, 0)  # no time to answer
    assert server.process is None
    with pytest.raises(redis.ConnectionError):
        _client(server.url).ping()


async def test_saq_queue_over_the_unix_socket(data_dir: Path):
    server = EmbeddedRedis(data_dir)
    try:
        queue = queue_from_url(await to_thread(server.start))
        await queue.connect()
        try:
            job = await queue.enqueue("import_bnr_rates", key="embedded:probe", timeout=5)
            assert job is not None
            info = await queue.info(jobs=True)
            assert info["queued"] == 1
            assert [j["key"] for j in info["jobs"]] == ["embedded:probe"]
        finally:
            await queue.disconnect()
    finally:
        await to_thread(server.stop)
