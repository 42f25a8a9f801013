"""The SAQ queue and the one way work is enqueued (explicit timeout, retries, backoff)."""

from __future__ import annotations

from typing import Any

from saq import Queue
from saq.queue.redis import RedisQueue

QUEUE_NAME = "catastif"


def queue_from_url(url: str) -> Queue:
    # Queue.from_url only knows redis://-style schemes; unix:// (the embedded Redis)
    # must go to RedisQueue directly.
    return RedisQueue.from_url(url, name=QUEUE_NAME)


async def enqueue(
    queue: Queue,
    function: str,
    *,
    key: str,
    timeout: int,
    retries: int,
    retry_delay: float = 5.0,
    **kwargs: Any,
) -> Any:
    """Enqueue `function` once per `key` while it is in flight.

    SAQ's defaults (10 s timeout, a single attempt) are wrong for network work, so
    every caller states its own. The key only dedupes in-flight jobs: idempotency
    lives in the database, which each job re-reads first.
    """
    return await queue.enqueue(
        function,
        key=key,
        timeout=timeout,
        retries=retries,
        retry_delay=retry_delay,
        retry_backoff=True,
        **kwargs,
    )
