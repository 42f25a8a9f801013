"""ANAF's e-Factura web services (SPV) over httpx: OAuth2 and the FCTEL REST API.

Hosts are configurable (settings: ANAF_OAUTH_URL, ANAF_API_URL, ANAF_PUBLIC_URL) so tests
point them at a local fake server; the environment (test | prod) is a path segment:
`{api}/{environment}/FCTEL/rest/<op>`. Every call has an explicit timeout.

ANAF answers most errors with **HTTP 200**: an XML header with `ExecutionStatus="1"` and
`<Errors errorMessage=.../>` (upload, stareMesaj), or JSON `{"eroare": ...}` (lists,
descarcare). Bodies are therefore sniffed, never trusted by status code alone. What comes
out of this module is an answer dataclass or one of these errors:

- `AnafUnavailable` (503): not reachable, timed out, 5xx, an unreadable answer.
  `maybe_sent` says whether the request may have reached ANAF (a read timeout after the
  upload body left, a 5xx, a dropped connection): for an upload that means "do not upload
  again before looking in SPV".
- `AnafRateLimited` (a subclass): HTTP 429 or 204, or ANAF's "S-au facut deja N ... in
  cursul zilei"; the request was not processed; `retry_after` in seconds when known.
- `AnafAuthFailed` (409): the token or the client credentials were refused: authorise the
  connection again.
- `AnafRefused` (409): a definite refusal in ANAF's own words (`messages`).

Published limits (limiteApeluriAPI.txt): 1000 calls a minute in all (a per-process budget
below keeps under it), stareMesaj 100 a day per message, descarcare 10 a day per message
(the caller counts those: domain/efactura/send_answer.py).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import io
import json
import re
import time
import xml.etree.ElementTree as ET
import zipfile
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Self
from urllib.parse import urlencode

import httpx

from domain.core.clock import BUCHAREST
from domain.core.errors import Conflict, Unavailable
from tables.choices import UploadKind

REFRESH_TOKEN_DAYS = 365  # ANAF's documented lifetime, used only when the token has no exp
CALLS_PER_MINUTE = 900  # ANAF allows 1000 a minute in all; keep a margin
MAX_ZIP_MEMBER = 50 * 1024 * 1024  # an answer ZIP holds an invoice (≤ 10 MB) and a signature

_LIMIT_RE = re.compile(r"S-au f[aă]cut deja \d+|limita (?:de )?apeluri", re.IGNORECASE)
_DUPLICATE_RE = re.compile(r"a mai fost transmis[aă] anterior cu index\s*=\s*(\d+)", re.IGNORECASE)
_NO_MESSAGES_RE = re.compile(r"Nu exist[aă] mesaje", re.IGNORECASE)


# --------------------------------------------------------------------------- errors


class AnafUnavailable(Unavailable):
    def __init__(
        self,
        reason_ro: str,
        reason_en: str,
        *,
        maybe_sent: bool,
        http_status: int | None = None,
        retry_after: float | None = None,
        code: str = "ANAF_SPV_UNAVAILABLE",
    ) -> None:
        super().__init__(
            code,
            f"SPV-ul ANAF nu răspunde acum ({reason_ro}); se reîncearcă automat.",
            f"ANAF's SPV is not answering right now ({reason_en}); retried automatically.",
            details={"http_status": http_status} if http_status else None,
        )
        self.reason = reason_ro
        self.maybe_sent = maybe_sent
        self.http_status = http_status
        self.retry_after = retry_after


class AnafRateLimited(AnafUnavailable):
    def __init__(
        self, text: str, *, http_status: int | None = None, retry_after: float | None = None
    ):
        super().__init__(
            f"limita de apeluri ANAF: {text}",
            f"ANAF call limit: {text}",
            maybe_sent=False,
            http_status=http_status,
            retry_after=retry_after,
            code="ANAF_SPV_LIMIT",
        )


class AnafAuthFailed(Conflict):
    def __init__(self, text: str) -> None:
        super().__init__(
            "ANAF_SPV_AUTH",
            "ANAF a refuzat autorizarea aplicației (token expirat sau revocat, ori date de "
            f"client greșite): {text}. Autorizați din nou conexiunea SPV a firmei.",
            f"ANAF refused the authorisation ({text}); authorise the SPV connection again.",
        )
        self.text = text


class AnafRefused(Conflict):
    def __init__(self, messages: list[str]) -> None:
        text = "; ".join(messages) or "fără detalii"
        super().__init__(
            "ANAF_SPV_REFUSED",
            f"ANAF a refuzat cererea: {text}",
            f"ANAF refused the request: {text}",
            details={"messages": messages},
        )
        self.messages = messages


# --------------------------------------------------------------------------- answers


@dataclass(frozen=True, slots=True)
class AnafUrls:
    oauth: str  # .../anaf-oauth2/v1
    api: str  # host of /{test|prod}/FCTEL/rest
    public: str  # host of the public transformare service

    @classmethod
    def from_settings(cls, settings: Any) -> Self:
        return cls(settings.anaf_oauth_url, settings.anaf_api_url, settings.anaf_public_url)

    def rest(self, environment: str) -> str:
        return f"{self.api}/{environment}/FCTEL/rest"


@dataclass(frozen=True, slots=True)
class Tokens:
    access_token: str
    refresh_token: str
    access_expires_at: datetime
    refresh_expires_at: datetime


@dataclass(frozen=True, slots=True)
class UploadAnswer:
    index: str | None  # index_incarcare; None when refused
    errors: list[str] = field(default_factory=list)

    @property
    def duplicate_of(self) -> str | None:
        return duplicate_index(self.errors)


@dataclass(frozen=True, slots=True)
class StatusAnswer:
    state: str  # ok | nok | in prelucrare | XML cu erori nepreluat de sistem
    download_id: str | None

    @property
    def processing(self) -> bool:
        return self.state == "in prelucrare"


@dataclass(frozen=True, slots=True)
class SpvListedMessage:
    id: str  # the download id
    upload_index: str  # id_solicitare
    kind: str  # tip: FACTURA TRIMISA, FACTURA PRIMITA, ERORI FACTURA, MESAJ CUMPARATOR ...
    cif: str
    details: str
    created: datetime | None


@dataclass(frozen=True, slots=True)
class MessagePage:
    messages: list[SpvListedMessage]
    page: int
    pages: int
    total: int


@dataclass(frozen=True, slots=True)
class AnswerZip:
    """An answer ZIP from descarcare: the invoice (ok) or ANAF's error file (nok), and the
    Ministry's signature over it."""

    main_name: str
    main_xml: bytes
    signature_name: str
    signature_xml: bytes
    errors: list[str]  # from the error file; [] for an invoice
    upload_index: str  # Index_incarcare of an error file, else ""

    @property
    def is_invoice(self) -> bool:
        return _local(_root(self.main_xml).tag) in {"Invoice", "CreditNote"}


# --------------------------------------------------------------------------- parsing


def duplicate_index(errors: list[str]) -> str | None:
    """The earlier upload index in ANAF's «Factura a mai fost transmisa anterior cu
    index=...» (the invoice is already in SPV under that index)."""
    for text in errors:
        match = _DUPLICATE_RE.search(text)
        if match:
            return match.group(1)
    return None


def is_limit_text(text: str) -> bool:
    return bool(_LIMIT_RE.search(text))


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _root(body: bytes) -> ET.Element:
    # The standard library's expat refuses external entities and caps entity expansion.
    return ET.fromstring(body)


def _xml_errors(root: ET.Element) -> list[str]:
    out = []
    for element in root.iter():
        if _local(element.tag) in {"Errors", "Error", "Eroare"}:
            message = " ".join((element.get("errorMessage") or "").split())
            if message:
                out.append(message)
    return out


def _attr(root: ET.Element, name: str) -> str | None:
    for key, value in root.attrib.items():
        if _local(key).lower() == name.lower():
            return value
    return None


def _json_error(body: bytes) -> str | None:
    try:
        data = json.loads(body)
    except ValueError:
        return None
    if isinstance(data, dict):
        for key in ("eroare", "message", "error_description", "error"):
            if isinstance(data.get(key), str) and data[key].strip():
                return data[key].strip()
    return None


def _parse_created(value: Any) -> datetime | None:
    text = str(value or "")
    try:  # data_creare: yyyyMMddHHmm, Romanian local time
        return datetime.strptime(text, "%Y%m%d%H%M").replace(tzinfo=BUCHAREST).astimezone(UTC)
    except ValueError:
        return None


def read_answer_zip(data: bytes) -> AnswerZip:
    """The two XML files of an answer ZIP; AnafUnavailable when it is not one."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
            if any(m.file_size > MAX_ZIP_MEMBER for m in members):
                raise AnafUnavailable("arhivă prea mare", "archive too large", maybe_sent=False)
            signature = [m for m in members if m.filename.lower().startswith("semnatura")]
            main = [m for m in members if m not in signature and m.filename.endswith(".xml")]
            if len(main) != 1:
                raise AnafUnavailable(
                    "arhiva ANAF nu conține factura", "no document in the archive",
                    maybe_sent=False,
                )  # fmt: skip
            main_xml = archive.read(main[0])
            signature_xml = archive.read(signature[0]) if signature else b""
    except (zipfile.BadZipFile, EOFError, KeyError) as exc:
        raise AnafUnavailable("arhivă ZIP ilizibilă", "unreadable ZIP", maybe_sent=False) from exc
    try:
        root = _root(main_xml)
    except ET.ParseError as exc:
        raise AnafUnavailable("XML ilizibil în arhivă", "unreadable XML", maybe_sent=False) from exc
    is_invoice = _local(root.tag) in {"Invoice", "CreditNote"}
    return AnswerZip(
        main_name=main[0].filename,
        main_xml=main_xml,
        signature_name=signature[0].filename if signature else "",
        signature_xml=signature_xml,
        errors=[] if is_invoice else _xml_errors(root),
        upload_index="" if is_invoice else (_attr(root, "Index_incarcare") or ""),
    )


def jwt_expiry(token: str) -> datetime | None:
    """`exp` of a JWT, read without checking the signature (ANAF checks it, we only plan
    the refresh)."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        payload = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
        return datetime.fromtimestamp(int(payload["exp"]), UTC)
    except (ValueError, KeyError, TypeError, binascii.Error, OverflowError):
        return None


def cif_digits(cui: str) -> str:
    """ANAF wants the numeric CIF, without the RO prefix."""
    return "".join(ch for ch in cui.upper().removeprefix("RO") if ch.isdigit())


# --------------------------------------------------------------------------- budget


class _MinuteBudget:
    """At most CALLS_PER_MINUTE calls started in any 60 s by this process."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.starts: deque[float] = deque()

    async def take(self) -> None:
        while True:
            now = time.monotonic()
            while self.starts and now - self.starts[0] >= 60:
                self.starts.popleft()
            if len(self.starts) < self.limit:
                self.starts.append(now)
                return
            await asyncio.sleep(60 - (now - self.starts[0]) + 0.01)


_budget = _MinuteBudget(CALLS_PER_MINUTE)


# --------------------------------------------------------------------------- HTTP


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "")
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


async def _send(
    client: httpx.AsyncClient, method: str, url: str, *, upload: bool = False, **kwargs: Any
) -> httpx.Response:
    """One call; transport failures and statuses that are not answers become our errors.

    `upload`: for a request whose effect matters (an upload), tell apart failures where the
    request cannot have reached ANAF from those where it may have.
    """
    await _budget.take()
    try:
        response = await client.request(method, url, **kwargs)
    except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
        raise AnafUnavailable(
            "conexiunea nu s-a putut stabili", "could not connect", maybe_sent=False
        ) from exc
    except httpx.TimeoutException as exc:
        raise AnafUnavailable("timp de așteptare depășit", "timed out", maybe_sent=upload) from exc
    except (httpx.HTTPError, OSError) as exc:
        raise AnafUnavailable(
            f"conexiune întreruptă ({type(exc).__name__})", "connection dropped",
            maybe_sent=upload,
        ) from exc  # fmt: skip
    status = response.status_code
    if status in (429, 204):
        raise AnafRateLimited(
            f"HTTP {status}", http_status=status, retry_after=_retry_after(response)
        )
    if status in (401, 403):
        raise AnafAuthFailed(_json_error(response.content) or f"HTTP {status}")
    if status >= 500:
        raise AnafUnavailable(
            f"HTTP {status}", f"HTTP {status}", maybe_sent=upload, http_status=status,
            retry_after=_retry_after(response),
        )  # fmt: skip
    if status >= 400:
        text = _json_error(response.content) or f"HTTP {status}"
        if is_limit_text(text):
            raise AnafRateLimited(text, http_status=status)
        raise AnafRefused([text])
    return response


def _unreadable(what: str, *, maybe_sent: bool = False) -> AnafUnavailable:
    return AnafUnavailable(
        f"răspuns ilizibil la {what}", f"unreadable answer to {what}", maybe_sent=maybe_sent
    )


class AnafClient:
    """The FCTEL API of one company's connection (environment + access token).

    async with AnafClient(urls, "test", token, timeout=60) as spv:
        answer = await spv.upload(xml, cif="12345678", kind=UploadKind.standard)
    """

    def __init__(
        self,
        urls: AnafUrls,
        environment: str,
        access_token: str | None,
        *,
        timeout: float,
        transport: httpx.AsyncBaseTransport | None = None,
        on_auth_failed: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self.urls = urls
        # Called when ANAF refuses the access token inside `async with` (spv_client marks
        # the stored token expired, so the next client refreshes it).
        self._on_auth_failed = on_auth_failed
        self.environment = environment
        self.rest = urls.rest(environment)
        headers = {"Accept": "*/*"}
        if access_token:
            headers["Authorization"] = f"Bearer {access_token}"
        self._http = httpx.AsyncClient(
            headers=headers,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 15.0)),
            transport=transport,
            follow_redirects=False,
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, *exc: object) -> None:
        await self._http.aclose()
        if (
            exc_type is not None
            and issubclass(exc_type, AnafAuthFailed)
            and self._on_auth_failed is not None
        ):
            await self._on_auth_failed()

    async def aclose(self) -> None:
        await self._http.aclose()

    # ---------------------------------------------------------------- upload
    async def upload(
        self, xml: bytes, *, cif: str, kind: UploadKind | str, credit_note: bool = False
    ) -> UploadAnswer:
        """POST upload (uploadb2c for B2C) with standard=UBL|CN, cif and extern/autofactura.

        A refusal (ExecutionStatus="1") is an answer, not an error: `index` is None and
        `errors` says why. The call limit text raises AnafRateLimited.
        """
        kind = UploadKind(kind)
        params = {"standard": "CN" if credit_note else "UBL", "cif": cif_digits(cif)}
        if kind is UploadKind.extern:
            params["extern"] = "DA"
        if kind is UploadKind.self_billed:
            params["autofactura"] = "DA"
        op = "uploadb2c" if kind is UploadKind.b2c else "upload"
        response = await _send(
            self._http, "POST", f"{self.rest}/{op}", upload=True, params=params,
            content=xml, headers={"Content-Type": "text/plain"},
        )  # fmt: skip
        try:
            root = _root(response.content)
        except ET.ParseError:
            text = _json_error(response.content)
            if text and is_limit_text(text):
                raise AnafRateLimited(text) from None
            if text:
                return UploadAnswer(index=None, errors=[text])
            # An answer we cannot read came from a server that did get the request.
            raise _unreadable("încărcare", maybe_sent=True) from None
        errors = _xml_errors(root)
        index = _attr(root, "index_incarcare")
        status = _attr(root, "ExecutionStatus")
        if status == "0" and index:
            return UploadAnswer(index=index.strip())
        if any(is_limit_text(e) for e in errors):
            raise AnafRateLimited("; ".join(errors))
        if status == "1" or errors:
            return UploadAnswer(index=None, errors=errors or ["ExecutionStatus=1"])
        raise _unreadable("încărcare", maybe_sent=True)

    # ---------------------------------------------------------------- status
    async def status(self, index: str) -> StatusAnswer:
        response = await _send(
            self._http, "GET", f"{self.rest}/stareMesaj", params={"id_incarcare": index}
        )
        try:
            root = _root(response.content)
        except ET.ParseError:
            text = _json_error(response.content)
            if text and is_limit_text(text):
                raise AnafRateLimited(text) from None
            if text:
                raise AnafRefused([text]) from None
            raise _unreadable("stareMesaj") from None
        state = _attr(root, "stare")
        if state:
            return StatusAnswer(state=state.strip(), download_id=_attr(root, "id_descarcare"))
        errors = _xml_errors(root)
        if any(is_limit_text(e) for e in errors):
            raise AnafRateLimited("; ".join(errors))
        if errors:
            raise AnafRefused(errors)
        raise _unreadable("stareMesaj")

    # ---------------------------------------------------------------- download
    async def download(self, download_id: str) -> bytes:
        """The answer ZIP's bytes (checked to be a ZIP)."""
        response = await _send(
            self._http, "GET", f"{self.rest}/descarcare", params={"id": download_id}
        )
        body = response.content
        if body.startswith(b"PK"):
            return body
        text = _json_error(body)
        if text is None:
            try:
                text = "; ".join(_xml_errors(_root(body))) or None
            except ET.ParseError:
                text = None
        if text and is_limit_text(text):
            raise AnafRateLimited(text)
        if text:
            raise AnafRefused([text])
        raise _unreadable("descărcare")

    # ---------------------------------------------------------------- lists
    async def messages_page(
        self,
        *,
        cif: str,
        start: datetime,
        end: datetime,
        page: int = 1,
        kind_filter: str | None = None,
    ) -> MessagePage:
        """listaMesajePaginatieFactura: one page (500 at most) of the messages created
        between `start` (at most 60 days back) and `end`."""
        params: dict[str, Any] = {
            "startTime": int(start.timestamp() * 1000),
            "endTime": int(end.timestamp() * 1000),
            "cif": cif_digits(cif),
            "pagina": page,
        }
        if kind_filter:
            params["filtru"] = kind_filter
        response = await _send(
            self._http, "GET", f"{self.rest}/listaMesajePaginatieFactura", params=params
        )
        try:
            data = response.json()
        except ValueError:
            raise _unreadable("lista de mesaje") from None
        if not isinstance(data, dict):
            raise _unreadable("lista de mesaje")
        error = data.get("eroare")
        if isinstance(error, str) and error.strip():
            if _NO_MESSAGES_RE.search(error):
                return MessagePage(messages=[], page=page, pages=0, total=0)
            if is_limit_text(error):
                raise AnafRateLimited(error)
            raise AnafRefused([error])
        raw = data.get("mesaje") or []
        if not isinstance(raw, list):
            raise _unreadable("lista de mesaje")
        messages = [
            SpvListedMessage(
                id=str(item.get("id", "")),
                upload_index=str(item.get("id_solicitare", "") or ""),
                kind=str(item.get("tip", "")),
                cif=str(item.get("cif", "")),
                details=str(item.get("detalii", "")),
                created=_parse_created(item.get("data_creare")),
            )
            for item in raw
            if isinstance(item, dict) and item.get("id")
        ]
        return MessagePage(
            messages=messages,
            page=int(data.get("index_pagina_curenta") or page),
            pages=int(data.get("numar_total_pagini") or (1 if messages else 0)),
            total=int(data.get("numar_total_inregistrari") or len(messages)),
        )

    async def messages(
        self,
        *,
        cif: str,
        start: datetime,
        end: datetime,
        kind_filter: str | None = None,
        max_pages: int = 50,
    ) -> list[SpvListedMessage]:
        """Every page of listaMesajePaginatieFactura for the window (bounded)."""
        out: list[SpvListedMessage] = []
        page = 1
        while page <= max_pages:
            answer = await self.messages_page(
                cif=cif, start=start, end=end, page=page, kind_filter=kind_filter
            )
            out.extend(answer.messages)
            if page >= answer.pages:
                break
            page += 1
        return out

    # ---------------------------------------------------------------- PDF
    async def to_pdf(self, xml: bytes, *, credit_note: bool = False) -> bytes:
        """ANAF's own rendering (public transformare service, no validation: /DA)."""
        standard = "FCN" if credit_note else "FACT1"
        url = f"{self.urls.public}/prod/FCTEL/rest/transformare/{standard}/DA"
        response = await _send(
            self._http, "POST", url, content=xml, headers={"Content-Type": "text/plain"}
        )
        body = response.content
        if body.startswith(b"%PDF"):
            return body
        if body.lstrip().startswith(b"JVBER"):  # base64 of "%PDF"
            try:
                return base64.b64decode(body.strip(), validate=False)
            except (binascii.Error, ValueError):
                raise _unreadable("transformare") from None
        text = _json_error(body)
        if text:
            raise AnafRefused([text])
        raise _unreadable("transformare")


# --------------------------------------------------------------------------- OAuth2


def authorize_url(urls: AnafUrls, *, client_id: str, redirect_uri: str, state: str) -> str:
    """Where the user's browser goes to grant access (needs their qualified certificate)."""
    query = urlencode(
        {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "token_content_type": "jwt",
            "state": state,
        }
    )
    return f"{urls.oauth}/authorize?{query}"


def _tokens(data: Any, now: datetime) -> Tokens:
    if not isinstance(data, dict) or not data.get("access_token"):
        raise _unreadable("token")
    access = str(data["access_token"])
    refresh = str(data.get("refresh_token") or "")
    if not refresh:
        raise _unreadable("token")
    access_exp = jwt_expiry(access)
    if access_exp is None:
        try:
            access_exp = now + timedelta(seconds=int(data.get("expires_in") or 0))
        except (TypeError, ValueError):
            access_exp = now
    refresh_exp = jwt_expiry(refresh) or now + timedelta(days=REFRESH_TOKEN_DAYS)
    return Tokens(access, refresh, access_exp, refresh_exp)


async def _token_call(
    urls: AnafUrls,
    form: dict[str, str],
    *,
    client_id: str,
    client_secret: str,
    timeout: float,
    transport: httpx.AsyncBaseTransport | None = None,
) -> Tokens:
    # Client credentials in HTTP Basic auth and in the body: ANAF's doc shows the
    # former, many working clients send both.
    body = {**form, "client_id": client_id, "client_secret": client_secret,
            "token_content_type": "jwt"}  # fmt: skip
    async with httpx.AsyncClient(timeout=timeout, transport=transport) as http:
        try:
            response = await _send(
                http, "POST", f"{urls.oauth}/token", data=body, auth=(client_id, client_secret)
            )
        except AnafRefused as exc:  # 400 invalid_grant / invalid_client
            raise AnafAuthFailed("; ".join(exc.messages)) from exc
    try:
        data = response.json()
    except ValueError:
        raise _unreadable("token") from None
    if isinstance(data, dict) and data.get("error") and not data.get("access_token"):
        raise AnafAuthFailed(str(data.get("error_description") or data["error"]))
    return _tokens(data, datetime.now(UTC))


async def token_exchange(
    urls: AnafUrls,
    *,
    code: str,
    redirect_uri: str,
    client_id: str,
    client_secret: str,
    timeout: float,
    transport: httpx.AsyncBaseTransport | None = None,
) -> Tokens:
    """The authorization code from the callback -> access and refresh tokens."""
    return await _token_call(
        urls,
        {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri},
        client_id=client_id,
        client_secret=client_secret,
        timeout=timeout,
        transport=transport,
    )


async def token_refresh(
    urls: AnafUrls,
    *,
    refresh_token: str,
    client_id: str,
    client_secret: str,
    timeout: float,
    transport: httpx.AsyncBaseTransport | None = None,
) -> Tokens:
    """A new access token and a new refresh token (store both)."""
    return await _token_call(
        urls,
        {"grant_type": "refresh_token", "refresh_token": refresh_token},
        client_id=client_id,
        client_secret=client_secret,
        timeout=timeout,
        transport=transport,
    )
