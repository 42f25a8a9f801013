"""A real local HTTP server that answers like ANAF's e-Factura SPV (OAuth2 + FCTEL REST).

    with FakeAnafSpv() as fake:     # or the `fake_spv` fixture (tests/conftest.py)
        settings = dataclasses.replace(settings, **fake.settings_overrides())
        fake.processing_polls = 2   # two «in prelucrare» answers, then the verdict
        fake.fail_next("upload", "hang")   # take the upload, answer after the timeout
        ...
        assert fake.upload_count == 1      # invoices that reached ANAF (got an index)

Paths (what the client builds from the settings):
- OAuth: `/anaf-oauth2/v1/authorize` (approves at once: 302 to redirect_uri with a code)
  and `/anaf-oauth2/v1/token` (authorization_code and refresh_token grants; JWT-shaped
  tokens whose `exp` the app reads; client credentials by Basic auth or in the body).
- API (Bearer token checked): `/{test|prod}/FCTEL/rest/upload`, `uploadb2c` (XML header
  with index_incarcare, or ExecutionStatus="1" with Errors, on HTTP 200), `stareMesaj`
  (in prelucrare -> ok | nok with id_descarcare), `descarcare` (a real ZIP: the invoice or
  the error file, and semnatura_<index>.xml; JSON «eroare» otherwise),
  `listaMesajePaginatieFactura` (paged JSON; «Nu exista mesaje...» when empty).
- Public: `/prod/FCTEL/rest/transformare/{FACT1|FCN}[/DA]` -> PDF bytes.

ANAF's behaviours modelled: a second upload of an invoice already in SPV (same seller CIF,
number and issue date) is processed to «nok» with «Factura a mai fost transmisa anterior cu
index=X ...»; messages appear in the lists only once processed; an accepted invoice is
listed under one download id in both inboxes, the seller's («FACTURA TRIMISA») and the
Romanian buyer's («FACTURA PRIMITA»); daily caps per message
(stareMesaj 100, descarcare 10) answered with ANAF's «S-au facut deja N ... in cursul
zilei» on HTTP 200.

Faults, per operation («upload», «stareMesaj», «descarcare», «lista», «token»,
«transformare»), consumed one per call by `fail_next(op, kind, times=1)`:
- "hang": the request IS processed (an upload gets its index), the answer comes only after
  `hang_s` (longer than the client's timeout) — the "did it arrive?" case;
- "drop": processed, then the connection is closed without an answer;
- "http500" / "http503": answered with that status, not processed;
- "processed500": processed, then answered HTTP 500 (a gateway error after the backend);
- "http429": HTTP 429 with Retry-After: 1, not processed;
- "limit": HTTP 200 with ANAF's call-limit text, not processed;
- "unauthorized": HTTP 401.
"""

from __future__ import annotations

import base64
import io
import itertools
import json
import threading
import time
import uuid
import xml.etree.ElementTree as ET
import zipfile
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qs, urlencode, urlsplit
from zoneinfo import ZoneInfo

BUCHAREST = ZoneInfo("Europe/Bucharest")
OAUTH = "/anaf-oauth2/v1"
OPS = ("upload", "stareMesaj", "descarcare", "lista", "token", "transformare")
FAULTS = (
    "hang", "drop", "http500", "http503", "processed500", "http429", "limit", "unauthorized",
)  # fmt: skip
PROCESSING_FAULTS = {"hang", "drop", "processed500"}  # the request takes effect first
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"

_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def make_jwt(claims: dict[str, Any]) -> str:
    """A JWT-shaped token (unsigned: the app never checks it, ANAF does)."""
    header = _b64url(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    return f"{header}.{_b64url(json.dumps(claims).encode())}.ZmFrZQ"


@dataclass
class Upload:
    index: str
    op: str  # upload | uploadb2c
    environment: str
    params: dict[str, str]
    xml: bytes
    cif: str
    number: str
    issue_date: str
    created: datetime
    verdict: str = "ok"  # ok | nok | xml_errors
    errors: list[str] = field(default_factory=list)
    polls_left: int = 0
    download_id: str | None = None
    processed_at: datetime | None = None


@dataclass
class Message:
    id: str  # download id
    upload_index: str
    kind: str  # FACTURA TRIMISA | ERORI FACTURA | FACTURA PRIMITA | MESAJ CUMPARATOR ...
    cif: str
    details: str
    created: datetime
    files: dict[str, bytes]


def _party_cif(root: ET.Element, role: str) -> str:
    """The digits of the first identifier of a UBL party (AccountingSupplierParty...)."""
    for party in root.iter():
        if party.tag.endswith(f"}}{role}"):
            for element in party.iter():
                if element.tag.endswith("}CompanyID") or element.tag.endswith("}ID"):
                    digits = "".join(c for c in (element.text or "") if c.isdigit())
                    if digits:
                        return digits
            break
    return ""


def _invoice_keys(xml: bytes) -> tuple[str, str, str]:
    """(seller CIF digits, cbc:ID, cbc:IssueDate) of a UBL invoice; empty when unreadable."""
    try:
        root = ET.fromstring(xml)
    except ET.ParseError:
        return "", "", ""
    number = root.findtext(f"{{{CBC}}}ID") or ""
    issue = root.findtext(f"{{{CBC}}}IssueDate") or ""
    return _party_cif(root, "AccountingSupplierParty"), number.strip(), issue.strip()


class FakeAnafSpv:
    def __init__(
        self,
        *,
        client_id: str = "catastif-test-client",
        client_secret: str = "catastif-test-secret",
        hang_s: float = 4.0,
    ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.hang_s = hang_s
        self.lock = threading.RLock()
        self._stop = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.reset()

    # ------------------------------------------------------------------ state
    def reset(self) -> None:
        """Forget everything but the registered client (between tests)."""
        with self.lock:
            self.access_ttl = timedelta(days=90)
            self.refresh_ttl = timedelta(days=365)
            self.rotate_refresh_tokens = True
            self.codes: dict[str, str] = {}  # code -> redirect_uri
            self.access_tokens: dict[str, datetime] = {}
            self.refresh_tokens: dict[str, datetime] = {}
            self.uploads: list[Upload] = []
            self.by_index: dict[str, Upload] = {}
            self.messages: list[Message] = []
            self.calls: Counter[str] = Counter()
            self.requests: list[dict[str, Any]] = []
            self.faults: dict[str, deque[str]] = {op: deque() for op in OPS}
            self.processing_polls = 0
            self.next_verdicts: deque[tuple[str, list[str]]] = deque()
            self.upload_refusals: deque[list[str]] = deque()
            self.status_limit = 100
            self.download_limit = 10
            self.page_size = 500
            self.day_calls: Counter[tuple[str, str]] = Counter()  # (op, id) today
            self._indexes = itertools.count(5_001_000_001)
            self._download_ids = itertools.count(3_001_000_001)

    def fail_next(self, op: str, kind: str, times: int = 1) -> None:
        if op not in OPS or kind not in FAULTS:
            raise ValueError(f"unknown fault {op!r}/{kind!r}")
        with self.lock:
            self.faults[op].extend([kind] * times)

    def verdict_next(self, verdict: str, errors: list[str] | None = None) -> None:
        """The processing outcome of the next upload: "ok", "nok" (with an error file)
        or "xml_errors" («XML cu erori nepreluat de sistem», no download)."""
        with self.lock:
            self.next_verdicts.append((verdict, errors or []))

    def refuse_next_upload(self, errors: list[str]) -> None:
        """The next upload answers ExecutionStatus="1" with these errors (no index)."""
        with self.lock:
            self.upload_refusals.append(errors)

    def issue_tokens(self, *, access_ttl: timedelta | None = None) -> dict[str, Any]:
        """Tokens as the token endpoint would give them (to seed a connection)."""
        with self.lock:
            return self._new_tokens(access_ttl or self.access_ttl)

    def process_all(self) -> None:
        """Finish processing every upload still «in prelucrare»."""
        with self.lock:
            for upload in self.uploads:
                if upload.processed_at is None:
                    self._process(upload)

    @property
    def upload_count(self) -> int:
        """Uploads that reached ANAF (each got an index), whatever their outcome."""
        with self.lock:
            return len(self.uploads)

    def uploads_of(self, number: str) -> list[Upload]:
        with self.lock:
            return [u for u in self.uploads if u.number == number]

    def add_received(self, xml: bytes, *, cif: str, kind: str = "FACTURA PRIMITA") -> Message:
        """A message for company `cif` (an invoice a supplier sent it), listed and
        downloadable like the real ones."""
        with self.lock:
            index = str(next(self._indexes))
            seller, _, _ = _invoice_keys(xml)
            message = Message(
                id=str(next(self._download_ids)),
                upload_index=index,
                kind=kind,
                cif=cif,
                details=f"Factura cu id_incarcare={index} emisa de cif_emitent={seller} "
                f"pentru cif_beneficiar={cif}",
                created=datetime.now(UTC),
                files={f"{index}.xml": xml, f"semnatura_{index}.xml": self._signature(index)},
            )
            self.messages.append(message)
            return message

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> Self:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                fake._handle(self, "GET")

            def do_POST(self) -> None:
                fake._handle(self, "POST")

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
    def url(self) -> str:
        assert self._server is not None, "not started"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def oauth_url(self) -> str:
        return self.url + OAUTH

    def environment(self, timeout_s: float = 3.0) -> dict[str, str]:
        """The variables Settings.from_env reads to talk to this server."""
        return {
            "ANAF_OAUTH_URL": self.oauth_url,
            "ANAF_API_URL": self.url,
            "ANAF_PUBLIC_URL": self.url,
            "ANAF_TIMEOUT_S": str(timeout_s),
        }

    def settings_overrides(self, timeout_s: float = 3.0) -> dict[str, Any]:
        return {
            "anaf_oauth_url": self.oauth_url,
            "anaf_api_url": self.url,
            "anaf_public_url": self.url,
            "anaf_timeout_s": timeout_s,
        }

    # ------------------------------------------------------------------ dispatch
    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        parts = urlsplit(handler.path)
        params = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        path = parts.path
        op, environment = self._op_of(path)
        with self.lock:
            self.calls[op] += 1
            self.requests.append(
                {"op": op, "method": method, "path": path, "params": params,
                 "bytes": len(body), "auth": handler.headers.get("Authorization", "")}
            )  # fmt: skip
            fault = self.faults[op].popleft() if self.faults.get(op) else None
        try:
            answer = self._answer(op, environment, method, path, params, body, handler, fault)
        except Exception as exc:  # noqa: BLE001 -- a bug here must show as a 500, not a hang
            answer = (500, "text/plain", f"fake server error: {exc!r}".encode(), {})
        if answer is None:
            handler.close_connection = True
            return
        status, content_type, payload, headers = answer
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", content_type)
            handler.send_header("Content-Length", str(len(payload)))
            for key, value in headers.items():
                handler.send_header(key, value)
            handler.end_headers()
            handler.wfile.write(payload)
        except OSError:  # the client gave up (timeout tests)
            pass

    @staticmethod
    def _op_of(path: str) -> tuple[str, str]:
        if path.startswith(OAUTH):
            return ("token" if path.endswith("/token") else "authorize"), ""
        segments = path.strip("/").split("/")
        if len(segments) >= 4 and segments[1:3] == ["FCTEL", "rest"]:
            name = segments[3]
            if name.startswith("listaMesaje"):
                name = "lista"
            return name, segments[0]
        return "unknown", ""

    def _answer(
        self,
        op: str,
        environment: str,
        method: str,
        path: str,
        params: dict[str, str],
        body: bytes,
        handler: BaseHTTPRequestHandler,
        fault: str | None,
    ) -> tuple[int, str, bytes, dict[str, str]] | None:
        if op == "authorize":
            return self._authorize(params)
        if fault in ("http500", "http503"):
            return int(fault[4:]), "text/html", b"<html><body>Eroare server</body></html>", {}
        if fault == "http429":
            return 429, "text/plain", b"Too Many Requests", {"Retry-After": "1"}
        if fault == "unauthorized":
            return _json(401, {"error": "invalid_token", "error_description": "Token invalid"})
        if fault == "limit":
            return self._limit_answer(op)
        if op == "token":
            return self._token(body, handler)
        if op == "transformare":
            return 200, "application/pdf", _PDF, {}
        if op == "unknown" or environment not in ("test", "prod"):
            return 404, "text/plain", b"not found", {}
        if not self._authorized(handler):
            return _json(401, {"error": "invalid_token", "error_description": "Token expirat"})
        if op in ("upload", "uploadb2c"):
            answer = self._upload(op, environment, params, body)
        elif op == "stareMesaj":
            answer = self._status(params)
        elif op == "descarcare":
            answer = self._download(params)
        elif op == "lista":
            answer = self._list(params)
        else:
            return 404, "text/plain", b"not found", {}
        if fault in PROCESSING_FAULTS:
            if fault == "processed500":
                return 500, "text/html", b"<html><body>Gateway error</body></html>", {}
            if fault == "drop":
                return None
            self._stop.wait(self.hang_s)  # "hang": answer late (the client has left)
        return answer

    def _limit_answer(self, op: str) -> tuple[int, str, bytes, dict[str, str]]:
        if op in ("upload", "uploadb2c", "stareMesaj"):
            return _xml_errors_answer(
                "mfp:anaf:dgti:efactura:stareMesajFactura:v1",
                ["S-au facut deja 100 descarcari de mesaj in cursul zilei"],
            )
        title = "Lista Mesaje" if op == "lista" else "Descarcare mesaj"
        return _json(200, {"eroare": "S-au facut deja 1000 de apeluri in cursul zilei",
                           "titlu": title})  # fmt: skip

    # ------------------------------------------------------------------ OAuth
    def _authorize(self, params: dict[str, str]) -> tuple[int, str, bytes, dict[str, str]]:
        if params.get("client_id") != self.client_id or params.get("response_type") != "code":
            return 400, "text/plain", b"client necunoscut", {}
        redirect = params.get("redirect_uri", "")
        code = uuid.uuid4().hex
        with self.lock:
            self.codes[code] = redirect
        query = urlencode({"code": code, "state": params.get("state", "")})
        return 302, "text/plain", b"", {"Location": f"{redirect}?{query}"}

    def _client_ok(self, form: dict[str, str], handler: BaseHTTPRequestHandler) -> bool:
        header = handler.headers.get("Authorization", "")
        if header.startswith("Basic "):
            try:
                user, _, password = base64.b64decode(header[6:]).decode().partition(":")
            except ValueError:
                return False
            return (user, password) == (self.client_id, self.client_secret)
        return (form.get("client_id"), form.get("client_secret")) == (
            self.client_id,
            self.client_secret,
        )

    def _new_tokens(self, access_ttl: timedelta) -> dict[str, Any]:
        now = datetime.now(UTC)
        access_exp, refresh_exp = now + access_ttl, now + self.refresh_ttl
        access = make_jwt({"sub": self.client_id, "typ": "access", "jti": uuid.uuid4().hex,
                           "exp": int(access_exp.timestamp())})  # fmt: skip
        refresh = make_jwt({"sub": self.client_id, "typ": "refresh", "jti": uuid.uuid4().hex,
                            "exp": int(refresh_exp.timestamp())})  # fmt: skip
        self.access_tokens[access] = access_exp
        self.refresh_tokens[refresh] = refresh_exp
        return {
            "access_token": access,
            "refresh_token": refresh,
            "token_type": "Bearer",
            "expires_in": int(access_ttl.total_seconds()),
        }

    def _token(
        self, body: bytes, handler: BaseHTTPRequestHandler
    ) -> tuple[int, str, bytes, dict[str, str]]:
        form = {k: v[-1] for k, v in parse_qs(body.decode()).items()}
        if not self._client_ok(form, handler):
            return _json(401, {"error": "invalid_client"})
        now = datetime.now(UTC)
        with self.lock:
            grant = form.get("grant_type")
            if grant == "authorization_code":
                redirect = self.codes.pop(form.get("code", ""), None)
                if redirect is None or redirect != form.get("redirect_uri"):
                    return _json(400, {"error": "invalid_grant",
                                       "error_description": "Cod invalid"})  # fmt: skip
            elif grant == "refresh_token":
                old = form.get("refresh_token", "")
                expires = self.refresh_tokens.get(old)
                if expires is None or expires <= now:
                    return _json(400, {"error": "invalid_grant",
                                       "error_description": "Refresh token invalid"})  # fmt: skip
                if self.rotate_refresh_tokens:
                    del self.refresh_tokens[old]
            else:
                return _json(400, {"error": "unsupported_grant_type"})
            return _json(200, self._new_tokens(self.access_ttl))

    def _authorized(self, handler: BaseHTTPRequestHandler) -> bool:
        header = handler.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return False
        with self.lock:
            expires = self.access_tokens.get(header[7:].strip())
        return expires is not None and expires > datetime.now(UTC)

    # ------------------------------------------------------------------ upload
    def _upload(
        self, op: str, environment: str, params: dict[str, str], body: bytes
    ) -> tuple[int, str, bytes, dict[str, str]]:
        ns = "mfp:anaf:dgti:spv:respUploadFisier:v1"
        stamp = datetime.now(BUCHAREST).strftime("%Y%m%d%H%M")
        with self.lock:
            refusal = self.upload_refusals.popleft() if self.upload_refusals else None
        if refusal is not None:
            return _xml_errors_answer(ns, refusal, {"dateResponse": stamp,
                                                    "ExecutionStatus": "1"})  # fmt: skip
        if params.get("standard") not in ("UBL", "CN", "CII", "RASP"):
            return _xml_errors_answer(ns, ["Valorile acceptate pentru parametrul standard "
                                           "sunt UBL, CN, CII sau RASP"],
                                      {"dateResponse": stamp, "ExecutionStatus": "1"})  # fmt: skip
        cif = params.get("cif", "")
        if not cif.isdigit():
            return _xml_errors_answer(ns, [f"CIF introdus= {cif} nu este un numar"],
                                      {"dateResponse": stamp, "ExecutionStatus": "1"})  # fmt: skip
        try:
            ET.fromstring(body)
        except ET.ParseError:
            return _xml_errors_answer(ns, ["Fisierul transmis nu este valid. XML malformat"],
                                      {"dateResponse": stamp, "ExecutionStatus": "1"})  # fmt: skip
        _, number, issue = _invoice_keys(body)
        with self.lock:
            index = str(next(self._indexes))
            verdict, errors = self.next_verdicts.popleft() if self.next_verdicts else ("ok", [])
            earlier = next(
                (u for u in self.uploads
                 if (u.cif, u.number, u.issue_date) == (cif, number, issue)
                 and u.verdict == "ok" and u.environment == environment),
                None,
            )  # fmt: skip
            if earlier is not None and number:
                verdict = "nok"
                errors = [
                    f"Factura a mai fost transmisa anterior cu index={earlier.index} si data "
                    f"incarcare={earlier.created.astimezone(BUCHAREST):%Y-%m-%d}"
                ]
            upload = Upload(
                index=index, op=op, environment=environment, params=dict(params), xml=body,
                cif=cif, number=number, issue_date=issue, created=datetime.now(UTC),
                verdict=verdict, errors=errors, polls_left=self.processing_polls,
            )  # fmt: skip
            self.uploads.append(upload)
            self.by_index[index] = upload
            if upload.polls_left == 0:
                self._process(upload)
        return (
            200,
            "application/xml",
            f'<?xml version="1.0" encoding="UTF-8"?>\n<header xmlns="{ns}" '
            f'dateResponse="{stamp}" ExecutionStatus="0" index_incarcare="{index}"/>'.encode(),
            {},
        )

    def _process(self, upload: Upload) -> None:
        """ANAF finishes processing: a verdict, a download id and a listed message."""
        upload.processed_at = datetime.now(UTC)
        if upload.verdict == "xml_errors":
            return
        upload.download_id = str(next(self._download_ids))
        if upload.verdict == "ok":
            files = {f"{upload.index}.xml": upload.xml}
            kind = "FACTURA TRIMISA"
        else:
            errors = "".join(f'<Error errorMessage="{_attr(e)}"/>' for e in upload.errors)
            files = {
                f"{upload.index}.xml": (
                    '<?xml version="1.0" encoding="UTF-8"?>\n<header xmlns="mfp:anaf:dgti:'
                    f'efactura:mesajEroriFactuta:v1" Index_incarcare="{upload.index}" '
                    f'Cif_emitent="{upload.cif}">{errors}</header>'
                ).encode()
            }
            kind = "ERORI FACTURA"
        files[f"semnatura_{upload.index}.xml"] = self._signature(upload.index)
        self.messages.append(
            Message(
                id=upload.download_id,
                upload_index=upload.index,
                kind=kind,
                cif=upload.cif,
                details=f"Factura cu id_incarcare={upload.index} emisa de cif_emitent={upload.cif}",
                created=upload.processed_at,
                files=files,
            )
        )
        # A Romanian buyer's inbox lists the accepted invoice too, under the same download
        # id (not a B2C or «extern» upload: no Romanian company receives those).
        to_company = upload.op == "upload" and "extern" not in upload.params
        buyer = _party_cif(ET.fromstring(upload.xml), "AccountingCustomerParty")
        if upload.verdict == "ok" and to_company and buyer:
            self.messages.append(
                Message(
                    id=upload.download_id,
                    upload_index=upload.index,
                    kind="FACTURA PRIMITA",
                    cif=buyer,
                    details=f"Factura cu id_incarcare={upload.index} emisa de "
                    f"cif_emitent={upload.cif} pentru cif_beneficiar={buyer}",
                    created=upload.processed_at,
                    files=files,
                )
            )

    @staticmethod
    def _signature(index: str) -> bytes:
        digest = base64.b64encode(uuid.uuid5(uuid.NAMESPACE_OID, index).bytes).decode()
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n<Signature xmlns="http://www.w3.org/'
            '2000/09/xmldsig#"><SignedInfo><Reference URI=""><DigestValue>'
            f"{digest}</DigestValue></Reference></SignedInfo>"
            f"<SignatureValue>{digest}</SignatureValue></Signature>"
        ).encode()

    def _spend(self, op: str, key: str, limit: int) -> bool:
        with self.lock:
            self.day_calls[(op, key)] += 1
            return self.day_calls[(op, key)] <= limit

    # ------------------------------------------------------------------ status
    def _status(self, params: dict[str, str]) -> tuple[int, str, bytes, dict[str, str]]:
        ns = "mfp:anaf:dgti:efactura:stareMesajFactura:v1"
        index = params.get("id_incarcare", "")
        if not self._spend("stareMesaj", index, self.status_limit):
            return _xml_errors_answer(
                ns, [f"S-au facut deja {self.status_limit} descarcari de mesaj in cursul zilei"]
            )
        with self.lock:
            upload = self.by_index.get(index)
            if upload is None:
                return _xml_errors_answer(ns, [f"Nu exista factura cu id_incarcare= {index}"])
            if upload.processed_at is None:
                if upload.polls_left > 0:
                    upload.polls_left -= 1
                if upload.polls_left > 0:
                    return _header(ns, {"stare": "in prelucrare"})
                self._process(upload)
            if upload.verdict == "xml_errors":
                return _header(ns, {"stare": "XML cu erori nepreluat de sistem"})
            return _header(ns, {"stare": upload.verdict, "id_descarcare": upload.download_id})

    # ------------------------------------------------------------------ download
    def _download(self, params: dict[str, str]) -> tuple[int, str, bytes, dict[str, str]]:
        download_id = params.get("id", "")
        if not self._spend("descarcare", download_id, self.download_limit):
            return _json(200, {
                "eroare": f"S-au facut deja {self.download_limit} descarcari la mesajul cu "
                f"id_descarcare={download_id} in cursul zilei",
                "titlu": "Descarcare mesaj",
            })  # fmt: skip
        with self.lock:
            message = next((m for m in self.messages if m.id == download_id), None)
        if message is None:
            return _json(200, {"eroare": f"Pentru id={download_id} nu exista inregistrata "
                               "nici o factura", "titlu": "Descarcare mesaj"})  # fmt: skip
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in message.files.items():
                archive.writestr(name, data)
        return 200, "application/zip", buffer.getvalue(), {}

    # ------------------------------------------------------------------ lists
    def _list(self, params: dict[str, str]) -> tuple[int, str, bytes, dict[str, str]]:
        try:
            start = datetime.fromtimestamp(int(params["startTime"]) / 1000, UTC)
            end = datetime.fromtimestamp(int(params["endTime"]) / 1000, UTC)
            page = int(params.get("pagina", "1"))
        except (KeyError, ValueError):
            return _json(200, {"eroare": "Parametri invalizi", "titlu": "Lista Mesaje"})
        if start < datetime.now(UTC) - timedelta(days=60, minutes=5):
            return _json(200, {"eroare": "startTime nu poate fi mai vechi de 60 de zile",
                               "titlu": "Lista Mesaje"})  # fmt: skip
        kinds = {"E": "ERORI FACTURA", "T": "FACTURA TRIMISA", "P": "FACTURA PRIMITA"}
        wanted = params.get("filtru")
        with self.lock:
            found = [
                m for m in self.messages
                if m.cif == params.get("cif") and start <= m.created <= end
                and (not wanted or (m.kind == kinds.get(wanted)
                                    or (wanted == "R" and m.kind.startswith("MESAJ"))))
            ]  # fmt: skip
        if not found:
            return _json(200, {"eroare": "Nu exista mesaje in intervalul selectat",
                               "titlu": "Lista Mesaje"})  # fmt: skip
        pages = (len(found) + self.page_size - 1) // self.page_size
        chunk = found[(page - 1) * self.page_size : page * self.page_size]
        return _json(200, {
            "mesaje": [
                {"data_creare": m.created.astimezone(BUCHAREST).strftime("%Y%m%d%H%M"),
                 "cif": m.cif, "id_solicitare": m.upload_index, "detalii": m.details,
                 "tip": m.kind, "id": m.id}
                for m in chunk
            ],
            "numar_inregistrari_in_pagina": len(chunk),
            "numar_total_inregistrari_per_pagina": self.page_size,
            "numar_total_inregistrari": len(found),
            "numar_total_pagini": pages,
            "index_pagina_curenta": page,
            "serial": "1234AA456", "cui": params.get("cif"), "titlu": "Lista Mesaje",
        })  # fmt: skip


def _attr(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
    )


def _header(ns: str, attrs: dict[str, Any]) -> tuple[int, str, bytes, dict[str, str]]:
    rendered = " ".join(f'{k}="{_attr(str(v))}"' for k, v in attrs.items() if v is not None)
    body = f'<?xml version="1.0" encoding="UTF-8"?>\n<header xmlns="{ns}" {rendered}/>'
    return 200, "application/xml", body.encode(), {}


def _xml_errors_answer(
    ns: str, errors: list[str], attrs: dict[str, str] | None = None
) -> tuple[int, str, bytes, dict[str, str]]:
    rendered = "".join(f' {k}="{_attr(v)}"' for k, v in (attrs or {}).items())
    inner = "".join(f'<Errors errorMessage="{_attr(e)}"/>' for e in errors)
    body = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<header xmlns="{ns}"{rendered}>{inner}</header>'
    )
    return 200, "application/xml", body.encode(), {}


def _json(status: int, payload: dict[str, Any]) -> tuple[int, str, bytes, dict[str, str]]:
    return status, "application/json", json.dumps(payload, ensure_ascii=False).encode(), {}


# --------------------------------------------------------------------------- one per process

_shared: FakeAnafSpv | None = None
TEST_TIMEOUT_S = 2.0


def shared_fake_spv() -> FakeAnafSpv:
    """The one fake SPV of the test process, started on first use. It changes no global
    state: tests/conftest.py's `spv_server` fixture points the environment at it."""
    global _shared
    if _shared is None:
        _shared = FakeAnafSpv(hang_s=TEST_TIMEOUT_S + 2).start()
    return _shared


def wait_until(predicate: Any, timeout_s: float = 20.0) -> None:
    """Poll a synchronous predicate (fake server state) until true."""
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.02)
