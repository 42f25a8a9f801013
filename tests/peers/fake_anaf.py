"""A real local HTTP server that answers like ANAF's PlatitorTvaRest (sync `tva` endpoint).

Answers come from the real sample shared/ro/anaf/platitortva_v8_sample_response_found_items.json
(a dict keyed by CUI, each value one `found[]` element; entries holding only
{"error": ...} and CUIs absent from the file are answered in `notFound`).

    with FakeAnaf() as fake:                     # or: with running_fake_anaf() as url:
        company = await anaf_company_lookup("4264242", on=..., base_url=fake.url)
        assert fake.requests[-1] == [{"cui": 4264242, "data": "2024-05-02"}]
        fake.mode = "http500"

Modes: "normal", "http500" (HTTP 500 with an HTML page), "html" (HTTP 200 with an HTML
maintenance page), "slow" (waits `slow_seconds` before a normal answer), "cod500"
(HTTP 200 JSON with "cod": 500), "empty" (cod 200 but neither found nor notFound).
"""

from __future__ import annotations

import copy
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

from tests.shared_data import shared_path

SAMPLE = shared_path("ro", "anaf", "platitortva_v8_sample_response_found_items.json")
PATH = "/api/PlatitorTvaRest/v9/tva"
MODES = ("normal", "http500", "html", "slow", "cod500", "empty")

_HTML = (
    "<!DOCTYPE html><html><head><title>Mentenanta</title></head>"
    "<body><h1>Serviciul este temporar indisponibil</h1></body></html>"
)


def load_sample() -> dict[str, dict[str, Any]]:
    """The sample as a dict CUI → item (error-only entries included as they are)."""
    with SAMPLE.open(encoding="utf-8") as fh:
        return json.load(fh)


def sample_found_items() -> dict[str, dict[str, Any]]:
    """Only the real `found[]` items (those with date_generale)."""
    return {cui: item for cui, item in load_sample().items() if "date_generale" in item}


class FakeAnaf:
    def __init__(self, mode: str = "normal", *, slow_seconds: float = 3.0) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; one of {MODES}")
        self.mode = mode
        self.slow_seconds = slow_seconds
        self.items = sample_found_items()
        self.requests: list[Any] = []  # parsed JSON bodies (raw text if not JSON)
        self.request_log: list[dict[str, Any]] = []  # path, content_type, body, received_at
        self._stop = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> Self:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode("utf-8", "replace")
                try:
                    body: Any = json.loads(raw)
                except ValueError:
                    body = raw
                fake.requests.append(body)
                fake.request_log.append(
                    {
                        "path": self.path,
                        "content_type": self.headers.get("Content-Type"),
                        "body": body,
                        "received_at": time.monotonic(),
                    }
                )
                status, content_type, payload = fake.answer(body)
                if status is None:
                    return
                self._send(status, content_type, payload)

            def do_GET(self) -> None:
                self._send(405, "text/html; charset=utf-8", _HTML.encode())

            def _send(self, status: int, content_type: str, payload: bytes) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:  # client gave up (timeout test)
                    pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server is not None, "not started"
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{PATH}"

    # ------------------------------------------------------------------ answers
    def answer(self, body: Any) -> tuple[int | None, str, bytes]:
        mode = self.mode
        if mode == "http500":
            return 500, "text/html; charset=utf-8", _HTML.encode()
        if mode == "html":
            return 200, "text/html; charset=utf-8", _HTML.encode()
        if mode == "cod500":
            return _json(200, {"cod": 500, "message": "Eroare interna", "found": []})
        if mode == "slow" and self._stop.wait(self.slow_seconds):
            return None, "", b""  # shutting down: drop the connection
        if not isinstance(body, list) or not all(
            isinstance(entry, dict) and "cui" in entry for entry in body
        ):
            # ANAF answers a malformed body with an error code, not with found/notFound.
            return _json(400, {"cod": 400, "message": "Request invalid", "found": []})
        if mode == "empty":
            return _json(200, {"cod": 200, "message": "SUCCESS", "found": [], "notFound": []})

        found: list[dict[str, Any]] = []
        not_found: list[int] = []
        for entry in body:
            key = str(entry["cui"]).strip()
            item = self.items.get(key)
            if item is None:
                not_found.append(int(key) if key.isdigit() else entry["cui"])
                continue
            item = copy.deepcopy(item)
            item["date_generale"]["data"] = entry.get("data", "")
            found.append(item)
        return _json(200, {"cod": 200, "message": "SUCCESS", "found": found, "notFound": not_found})


def _json(status: int, payload: dict[str, Any]) -> tuple[int, str, bytes]:
    return status, "application/json", json.dumps(payload, ensure_ascii=False).encode()


@contextmanager
def running_fake_anaf(mode: str = "normal", *, slow_seconds: float = 3.0) -> Iterator[str]:
    """Start a FakeAnaf for the `with` block and yield its endpoint URL."""
    with FakeAnaf(mode, slow_seconds=slow_seconds) as fake:
        yield fake.url
