"""e-Factura: each invoice's way to ANAF, a state machine persisted before and after every call.

    (none) --prepare--> invalid | validated --queue--> queued --send--> uploading
    uploading --index--> uploaded --poll--> ok | nok      (then the answer ZIP is downloaded)
    uploading --ExecutionStatus=1--> rejected            uploading --not sent--> queued

Every call to ANAF is preceded by a committed row change and an EfacturaEvent (what is
about to happen) and followed by another (what happened). A step run twice, by a retried
job, a sweeper or a second worker, finds the state already moved and does nothing.

**Never upload twice.** Before the upload call the row is committed as `uploading`, with a
lease (`next_check_at` = now + UPLOAD_LEASE, longer than any call can last). If the answer
is lost (timeout after the body left, 5xx, a dropped connection, the process killed
between the call and the commit) the row stays `uploading`, and the next step *recovers*
instead of uploading: it lists the company's SPV messages since the upload started
(listaMesajePaginatieFactura), downloads the «FACTURA TRIMISA» ones that no submission
knows and compares the invoice inside with ours (number, date, document type); found, the
submission takes that index and answer and is `ok` without a second upload. ANAF lists a
message only after processing it, so an absence means little at first: the check is
repeated (RECOVERY_DELAYS) for RECOVERY_DEADLINE. Only then is the invoice uploaded again,
and even that cannot create a duplicate in SPV: ANAF processes a second upload of an
invoice it already accepted to «nok» with «Factura a mai fost transmisa anterior cu
index=X», and the download step then adopts X (and its answer). Failures where the
request cannot have reached ANAF (connection refused, HTTP 429, the call-limit text) put
the row back to `queued` with a back-off.

**ANAF's limits** (per message and day: stareMesaj 100, descarcare 10) are counted from
the event trail (the calls of the last 24 hours) with a margin; polls follow POLL_DELAYS.

**Cancelling** an invoice is allowed only while it was never (possibly) sent:
`efactura_blocks_cancel` (called by invoice_cancel inside its transaction) answers why not;
the send step locks the invoice row before the submission row, as cancel does, and never
uploads a cancelled invoice.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from domain.core.effects import enqueue_after_commit
from domain.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from domain.core.files import write_atomic
from domain.core.tx import for_update, is_unique_violation, write_tx
from domain.efactura import checks
from domain.efactura.anaf import (
    AnafAuthFailed,
    AnafClient,
    AnafRateLimited,
    AnafRefused,
    AnafUnavailable,
    AnafUrls,
    SpvListedMessage,
    duplicate_index,
    read_answer_zip,
)
from domain.efactura.connection import (
    company_cif,
    connection_row,
    connection_status,
    spv_client,
)
from domain.efactura.status import submission_for
from domain.org.permissions import SYSTEM, Action, Actor, Area, require
from tables.choices import DocStatus, EfacturaState
from tables.efactura import EfacturaEvent, EfacturaSubmission
from tables.sales import Invoice

log = logging.getLogger("catastif")
S = EfacturaState

UPLOAD_LEASE = timedelta(minutes=3)  # > any call's timeout: no recovery while one may run
RECOVERY_DELAYS = [timedelta(minutes=m) for m in (3, 6, 12, 24, 48)]
RECOVERY_DEADLINE = timedelta(hours=2)  # then upload again (ANAF names a duplicate)
RETRY_DELAYS = [timedelta(minutes=m) for m in (1, 2, 5, 10, 30, 60)]  # nothing was sent
POLL_DELAYS = [timedelta(seconds=s) for s in (30, 60, 120, 300, 600, 900, 1800)]
POLL_LATER = timedelta(hours=1)  # after POLL_DELAYS: at most ~31 polls on the first day
DOWNLOAD_RETRY = timedelta(minutes=10)
AUTH_RETRY = timedelta(hours=1)
STATUS_DAILY_CAP = 90  # ANAF: 100 stareMesaj a day per message
DOWNLOAD_DAILY_CAP = 8  # ANAF: 10 descarcare a day per message
AUTO_SEND_LOOKBACK = timedelta(days=30)  # older invoices are sent by a person, not a cron
PREPARABLE = {S.invalid, S.validated, S.rejected, S.nok}

# Event details start with these: the daily caps count them.
CALL_UPLOAD = "Încărcare în SPV"
CALL_STATUS = "Interogare stareMesaj"
CALL_DOWNLOAD = "Descărcare răspuns"
CALL_LIST = "Căutare în lista de mesaje SPV"

STATE_RO = {
    S.invalid: "nevalidă",
    S.validated: "validată",
    S.queued: "în așteptare",
    S.uploading: "se transmite",
    S.uploaded: "încărcată (ANAF prelucrează)",
    S.ok: "acceptată de ANAF",
    S.nok: "respinsă de ANAF",
    S.rejected: "refuzată la încărcare",
}


@dataclass(frozen=True, slots=True)
class Step:
    """What a step left: the state, and which job should run next and when."""

    state: str
    next_op: str | None = None  # send | poll | download
    next_at: datetime | None = None
    detail: str = ""


def _now() -> datetime:
    return datetime.now(UTC)


def _utc(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _errors(row: dict[str, Any]) -> list[dict[str, str]]:
    value = row.get("errors")
    if isinstance(value, str):
        value = json.loads(value or "[]")
    return list(value or [])


def _anaf_errors(messages: list[str]) -> list[dict[str, str]]:
    """ANAF's messages as findings; «[BR-RO-065]-text» keeps its rule id."""
    out = []
    for text in messages:
        rule = "ANAF"
        if text.startswith("[") and "]" in text:
            rule = text[1 : text.index("]")]
        out.append({"rule": rule, "severity": "fatal", "message": text, "location": ""})
    return out


# --------------------------------------------------------------------------- rows


async def _event(submission_id: int, state_from: str, state_to: str, detail: str) -> None:
    await EfacturaEvent.insert(
        EfacturaEvent(
            submission=submission_id, state_from=state_from, state_to=state_to, detail=detail
        )
    )


async def _row(submission_id: int) -> dict[str, Any]:
    row = (
        await EfacturaSubmission.select(*EfacturaSubmission._meta.columns)
        .where(EfacturaSubmission.id == submission_id)
        .first()
    )
    if row is None:
        raise NotFound("EFACTURA_NOT_FOUND", "Nu există trimiterea e-Factura.", "No submission.")
    return row


async def _locked(submission_id: int, *, with_invoice: bool = False) -> dict[str, Any]:
    """The submission row under lock (and first its invoice's row, the order cancel uses)."""
    if with_invoice:
        plain = await _row(submission_id)
        await for_update(Invoice.select(Invoice.id).where(Invoice.id == plain["invoice"])).first()
    row = await for_update(
        EfacturaSubmission.select(*EfacturaSubmission._meta.columns).where(
            EfacturaSubmission.id == submission_id
        )
    ).first()
    if row is None:
        raise NotFound("EFACTURA_NOT_FOUND", "Nu există trimiterea e-Factura.", "No submission.")
    return row


async def _update(submission_id: int, values: dict[Any, Any]) -> None:
    values[EfacturaSubmission.updated_at] = _now()
    await EfacturaSubmission.update(values).where(EfacturaSubmission.id == submission_id)


async def _move(
    submission_id: int, expected: set[str], to: str | None, values: dict[Any, Any], detail: str
) -> dict[str, Any] | None:
    """In one transaction: if the row is still in `expected`, apply `values` (and the
    state `to`) and write the event. None when someone else moved it meanwhile."""
    async with write_tx():
        row = await _locked(submission_id)
        if row["state"] not in expected:
            await _event(submission_id, row["state"], row["state"],
                         f"{detail} (ignorat: starea devenise «{row['state']}»)")  # fmt: skip
            return None
        if to is not None:
            values[EfacturaSubmission.state] = to
        await _update(submission_id, values)
        await _event(submission_id, row["state"], to or row["state"], detail)
        return {**row, "state": to or row["state"]}


async def _calls_today(submission_id: int, prefix: str) -> list[datetime]:
    since = _now() - timedelta(days=1)
    rows = (
        await EfacturaEvent.select(EfacturaEvent.at)
        .where(
            (EfacturaEvent.submission == submission_id)
            & (EfacturaEvent.at >= since)
            & EfacturaEvent.detail.like(f"{prefix}%")
        )
        .order_by(EfacturaEvent.at)
    )
    return [_utc(r["at"]) for r in rows]  # type: ignore[misc]


async def _upload_started(submission_id: int) -> datetime | None:
    row = (
        await EfacturaEvent.select(EfacturaEvent.at)
        .where(
            (EfacturaEvent.submission == submission_id)
            & EfacturaEvent.detail.like(f"{CALL_UPLOAD}%")
        )
        .order_by(EfacturaEvent.id, ascending=False)
        .first()
    )
    return _utc(row["at"]) if row else None


def answer_file(data_dir: Path, row: dict[str, Any]) -> Path | None:
    return data_dir / row["answer_path"] if row.get("answer_path") else None


# --------------------------------------------------------------------------- prepare / queue


async def efactura_prepare(*, invoice_id: int, by: Actor) -> dict[str, Any]:
    """Generate and validate the XML of an issued invoice and keep it with its findings:
    state `validated`, or `invalid` with the official rules' errors (nothing is sent)."""
    require(by, Area.sales, Action.write)
    prepared = await checks.efactura_prepare(invoice_id=invoice_id, by=by)
    invoice = await Invoice.select(Invoice.company).where(Invoice.id == invoice_id).first()
    assert invoice is not None  # efactura_prepare read it
    connection = await connection_row(invoice["company"])
    environment = connection["environment"] if connection else "test"
    state = S.validated if prepared.valid else S.invalid
    findings = [f.as_dict() for f in prepared.findings]
    fatal = sum(1 for f in findings if f["severity"] != "warning")
    detail = (
        "XML generat și validat (XSD + regulile ANAF CIUS-RO)"
        if prepared.valid
        else f"XML generat: {fatal} erori după regulile oficiale"
    )
    values: dict[Any, Any] = {
        EfacturaSubmission.state: state,
        EfacturaSubmission.environment: environment,
        EfacturaSubmission.upload_kind: prepared.upload_kind,
        EfacturaSubmission.xml: prepared.xml.decode("utf-8"),
        EfacturaSubmission.xml_sha256: prepared.sha256,
        EfacturaSubmission.errors: findings,
        EfacturaSubmission.send_after: None,
        EfacturaSubmission.next_check_at: None,
        EfacturaSubmission.upload_index: None,
        EfacturaSubmission.download_id: None,
        EfacturaSubmission.answer_path: "",
        EfacturaSubmission.polls: 0,
        EfacturaSubmission.uploaded_at: None,
        EfacturaSubmission.finished_at: None,
    }
    async with write_tx():
        existing = await for_update(
            EfacturaSubmission.select(EfacturaSubmission.id, EfacturaSubmission.state).where(
                EfacturaSubmission.invoice == invoice_id
            )
        ).first()
        if existing is None:
            row = EfacturaSubmission(
                {c._meta.name: v for c, v in values.items()}
                | {"invoice": invoice_id, "company": invoice["company"]}
            )
            await row.save()
            await _event(row.id, "", state, detail)
        else:
            if existing["state"] not in PREPARABLE:
                raise _in_progress(invoice_id, existing["state"])
            await _update(existing["id"], values)
            await _event(existing["id"], existing["state"], state, detail)
    return await efactura_get(invoice_id=invoice_id, by=SYSTEM)


def _in_progress(invoice_id: int, state: str) -> Conflict:
    if state == S.queued:
        text = "Factura este deja în coada de trimitere în SPV."
    elif state == S.ok:
        text = "Factura a fost deja acceptată de ANAF; nu se mai trimite."
    else:
        text = "Factura este în curs de transmitere la ANAF; așteptați răspunsul."
    return Conflict(
        "EFACTURA_IN_PROGRESS", text, "The invoice is already queued or sent to ANAF.",
        details={"invoice_id": invoice_id, "state": state},
    )  # fmt: skip


async def efactura_queue(
    *, invoice_id: int, by: Actor, when: datetime | None = None
) -> dict[str, Any]:
    """Ask for the invoice to be sent (now, or at `when`): validated first when needed;
    refused while invalid or while the company's SPV connection is not authorised."""
    require(by, Area.sales, Action.write)
    current = await submission_for(invoice_id)
    if current is None or current["state"] in {S.invalid, S.rejected, S.nok}:
        await efactura_prepare(invoice_id=invoice_id, by=by)
        current = await submission_for(invoice_id)
    assert current is not None
    if current["state"] == S.invalid:
        errors = [e for e in _errors(current) if e.get("severity") != "warning"]
        first = "; ".join(f"{e['rule']}: {e['message']}" for e in errors[:3])
        raise ValidationFailed(
            "EFACTURA_INVALID",
            f"Factura nu trece regulile oficiale e-Factura ({len(errors)} erori): {first}",
            f"The invoice fails the official e-Factura rules ({len(errors)} errors).",
            details={"errors": errors},
        )
    status = connection_status(await connection_row(current["company"]))
    if not status["connected"]:
        raise Conflict(
            "EFACTURA_NOT_CONNECTED",
            f"{status['warning']} Autorizați conexiunea SPV a firmei, apoi trimiteți.",
            "The company's SPV connection is not authorised.",
            details={"company_id": current["company"]},
        )
    send_after = _utc(when) or _now()
    async with write_tx():
        row = await _locked(current["id"])
        if row["state"] not in {S.validated, S.queued}:
            raise _in_progress(invoice_id, row["state"])
        await _update(row["id"], {EfacturaSubmission.state: S.queued,
                                  EfacturaSubmission.send_after: send_after,
                                  EfacturaSubmission.next_check_at: send_after})  # fmt: skip
        await _event(row["id"], row["state"], S.queued,
                     f"Pusă în coada de trimitere (de la {send_after:%Y-%m-%d %H:%M} UTC), "
                     f"de {by.name}")  # fmt: skip
        enqueue_after_commit("efactura_send", invoice_id=invoice_id, at=send_after)
    return await efactura_get(invoice_id=invoice_id, by=SYSTEM)


async def efactura_refresh(*, invoice_id: int, by: Actor) -> dict[str, Any]:
    """Check now instead of at the next scheduled time (status, answer, a lost upload)."""
    require(by, Area.sales, Action.write)
    current = await submission_for(invoice_id)
    if current is None:
        raise NotFound(
            "EFACTURA_NOT_FOUND", "Factura nu a fost încă pregătită pentru e-Factura.",
            "The invoice has no e-Factura submission yet.",
        )  # fmt: skip
    now = _now()
    async with write_tx():
        row = await _locked(current["id"])
        op = None
        if row["state"] == S.uploaded:
            op = "poll"
        elif row["state"] in {S.ok, S.nok} and row["download_id"] and not row["answer_path"]:
            op = "download"
        elif row["state"] == S.queued or (
            row["state"] == S.uploading and (_utc(row["next_check_at"]) or now) <= now
        ):
            op = "send"
        if op is not None:
            if row["state"] != S.queued or (_utc(row["send_after"]) or now) <= now:
                await _update(row["id"], {EfacturaSubmission.next_check_at: now})
            await _event(row["id"], row["state"], row["state"], f"Actualizare cerută de {by.name}")
            enqueue_after_commit(f"efactura_{op}", invoice_id=invoice_id, at=None)
    return await efactura_get(invoice_id=invoice_id, by=SYSTEM)


# --------------------------------------------------------------------------- send


def _retry_delay(attempts: int) -> timedelta:
    return RETRY_DELAYS[min(max(attempts - 1, 0), len(RETRY_DELAYS) - 1)]


async def _files_path(data_dir: Path, row: dict[str, Any], download_id: str) -> str:
    return f"efactura/{row['company']}/{row['invoice']}-{download_id}.zip"


async def _store_zip(data_dir: Path, row: dict[str, Any], download_id: str, data: bytes) -> str:
    relative = await _files_path(data_dir, row, download_id)
    await asyncio.to_thread(write_atomic, data_dir / relative, data)
    return relative


def _is_credit_note(xml: str) -> bool:
    """CreditNote documents are uploaded with standard=CN (and rendered as FCN)."""
    return _keys(xml.encode("utf-8"))[0] == "CreditNote"


def _keys(xml: bytes) -> tuple[str, str, str]:
    """(document type, BT-1 number, BT-2 issue date) of a UBL document."""
    try:
        root = ET.fromstring(xml)
    except ET.ParseError:
        return "", "", ""
    cbc = "{urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2}"
    return (
        root.tag.rsplit("}", 1)[-1],
        (root.findtext(f"{cbc}ID") or "").strip(),
        (root.findtext(f"{cbc}IssueDate") or "").strip(),
    )


def _same_invoice(found: bytes, ours: str) -> bool:
    mine = ours.encode("utf-8")
    if hashlib.sha256(found).digest() == hashlib.sha256(mine).digest():
        return True
    theirs, own = _keys(found), _keys(mine)
    return bool(own[1]) and theirs == own


async def efactura_send_step(submission_id: int, *, settings: Any) -> Step:
    """Upload a queued invoice, or recover an upload whose outcome is unknown."""
    now = _now()
    async with write_tx():
        row = await _locked(submission_id, with_invoice=True)
        state = row["state"]
        due = (_utc(row["next_check_at"]) or now) <= now
        if state not in {S.queued, S.uploading}:
            return Step(state, detail="nimic de trimis")
        if not due:
            return Step(state, "send", _utc(row["next_check_at"]), "nu este încă timpul")
        if state == S.queued:
            invoice = (
                await Invoice.select(Invoice.status).where(Invoice.id == row["invoice"]).first()
            )
            if invoice is None or invoice["status"] != DocStatus.issued:
                await _update(submission_id, {EfacturaSubmission.state: S.validated,
                                              EfacturaSubmission.next_check_at: None,
                                              EfacturaSubmission.send_after: None})  # fmt: skip
                await _event(submission_id, state, S.validated,
                             "Factura nu mai este emisă (anulată): nu se trimite.")  # fmt: skip
                return Step(S.validated, detail="factura anulată")
            mode = "upload"
        else:
            mode = "recover"
        lease = now + UPLOAD_LEASE
        if mode == "upload":
            attempt = row["attempts"] + 1
            await _update(submission_id, {EfacturaSubmission.state: S.uploading,
                                          EfacturaSubmission.attempts: attempt,
                                          EfacturaSubmission.next_check_at: lease})  # fmt: skip
            await _event(submission_id, state, S.uploading,
                         f"{CALL_UPLOAD}: încercarea {attempt} ({row['upload_kind']}, "
                         f"mediul {row['environment']})")  # fmt: skip
        else:
            await _update(submission_id, {EfacturaSubmission.next_check_at: lease})
            await _event(submission_id, state, state,
                         f"{CALL_LIST}: rezultatul încărcării {row['attempts']} nu se știe; "
                         "se caută factura în SPV înainte de orice retrimitere")  # fmt: skip
    if mode == "upload":
        return await _upload(row, settings)
    return await _recover(row, settings)


async def _client_or_step(row: dict[str, Any], settings: Any) -> AnafClient | Step:
    """The company's SPV client, or (nothing was sent) the row back where it waits."""
    try:
        return await spv_client(row["company"], settings)
    except (DomainError, AnafUnavailable) as exc:
        delay = AUTH_RETRY if not isinstance(exc, AnafUnavailable) else _retry_delay(1)
        back = S.queued if row["state"] == S.queued else S.uploading
        text = f"Nu s-a putut obține tokenul SPV: {exc.message_ro}"
        await _move(row["id"], {S.uploading}, back,
                    {EfacturaSubmission.next_check_at: _now() + delay}, text)  # fmt: skip
        return Step(back, "send", _now() + delay, text)


async def _upload(row: dict[str, Any], settings: Any) -> Step:
    client = await _client_or_step(row, settings)
    if isinstance(client, Step):
        return client
    sid = row["id"]
    cif = await company_cif(row["company"])
    try:
        async with client:
            answer = await client.upload(
                row["xml"].encode("utf-8"), cif=cif, kind=row["upload_kind"],
                credit_note=_is_credit_note(row["xml"]),
            )  # fmt: skip
    except AnafUnavailable as exc:
        now = _now()
        if exc.maybe_sent:
            at = now + RECOVERY_DELAYS[0]
            await _move(sid, {S.uploading}, S.uploading, {EfacturaSubmission.next_check_at: at},
                        f"Răspuns pierdut la încărcare ({exc.reason}): factura poate fi "
                        "ajuns la ANAF; se caută în SPV înainte de orice retrimitere.")  # fmt: skip
            return Step(S.uploading, "send", at, exc.reason)
        delay = timedelta(seconds=exc.retry_after) if exc.retry_after else None
        at = now + max(delay or timedelta(0), _retry_delay(row["attempts"] + 1))
        await _move(sid, {S.uploading}, S.queued, {EfacturaSubmission.next_check_at: at},
                    f"Încărcarea nu a ajuns la ANAF ({exc.reason}); "
                    f"se reîncearcă la {at:%H:%M} UTC.")  # fmt: skip
        return Step(S.queued, "send", at, exc.reason)
    except AnafAuthFailed as exc:
        at = _now() + AUTH_RETRY
        await _move(sid, {S.uploading}, S.queued, {EfacturaSubmission.next_check_at: at},
                    f"Încărcare refuzată: {exc.message_ro}")  # fmt: skip
        return Step(S.queued, "send", at, exc.text)
    except AnafRefused as exc:
        return await _rejected(row, exc.messages)
    if answer.index:
        return await _uploaded(row, answer.index, "Încărcată în SPV")
    if answer.duplicate_of:
        return await _uploaded(row, answer.duplicate_of, "ANAF: factura era deja în SPV")
    return await _rejected(row, answer.errors)


async def _uploaded(row: dict[str, Any], index: str, why: str) -> Step:
    now = _now()
    at = now + POLL_DELAYS[0]
    try:
        moved = await _move(
            row["id"], {S.uploading}, S.uploaded,
            {EfacturaSubmission.upload_index: index, EfacturaSubmission.uploaded_at: now,
             EfacturaSubmission.polls: 0, EfacturaSubmission.errors: [],
             EfacturaSubmission.next_check_at: at},
            f"{why}: index de încărcare {index}",
        )  # fmt: skip
    except Exception as exc:
        if not is_unique_violation(exc):
            raise
        async with write_tx():
            await _event(
                row["id"],
                S.uploading,
                S.uploading,
                f"Indexul {index} aparține altei trimiteri: verificați manual.",
            )
        return Step(S.uploading, detail="index duplicat")
    if moved is None:
        return Step((await _row(row["id"]))["state"], detail=f"index {index} primit târziu")
    return Step(S.uploaded, "poll", at, index)


async def _rejected(row: dict[str, Any], messages: list[str]) -> Step:
    await _move(
        row["id"], {S.uploading}, S.rejected,
        {EfacturaSubmission.errors: _anaf_errors(messages),
         EfacturaSubmission.finished_at: _now(), EfacturaSubmission.next_check_at: None},
        "ANAF a refuzat încărcarea: " + "; ".join(messages),
    )  # fmt: skip
    return Step(S.rejected, detail="; ".join(messages))


async def _recover(row: dict[str, Any], settings: Any) -> Step:
    """The outcome of the last upload is unknown: find it in SPV, wait, or upload again."""
    sid = row["id"]
    client = await _client_or_step(row, settings)
    if isinstance(client, Step):
        return client
    started = await _upload_started(sid) or _utc(row["updated_at"]) or _now()
    cif = await company_cif(row["company"])
    try:
        async with client:
            found = await _find_in_spv(client, row, cif, started)
    except (AnafUnavailable, AnafRefused, AnafAuthFailed) as exc:
        at = _now() + RECOVERY_DELAYS[0]
        await _move(sid, {S.uploading}, None, {EfacturaSubmission.next_check_at: at},
                    f"Căutarea în SPV nu a reușit ({exc.message_ro}); se reia la "
                    f"{at:%H:%M} UTC.")  # fmt: skip
        return Step(S.uploading, "send", at, exc.message_ro)
    if found is not None:
        message, data = found
        relative = await _store_zip(settings.data_dir, row, message.id, data)
        now = _now()
        moved = await _move(
            sid, {S.uploading}, S.ok,
            {EfacturaSubmission.upload_index: message.upload_index,
             EfacturaSubmission.download_id: message.id, EfacturaSubmission.answer_path: relative,
             EfacturaSubmission.uploaded_at: message.created or now,
             EfacturaSubmission.finished_at: now, EfacturaSubmission.next_check_at: None,
             EfacturaSubmission.errors: []},
            f"Găsită în SPV: încărcarea a ajuns (index {message.upload_index}) și a fost "
            "acceptată; răspunsul semnat a fost descărcat. Nu s-a retrimis.",
        )  # fmt: skip
        return Step(S.ok if moved else (await _row(sid))["state"], detail=message.upload_index)
    now = _now()
    if now - started < RECOVERY_DEADLINE:
        checks_done = len([t for t in await _calls_today(sid, CALL_LIST) if t >= started])
        delay = RECOVERY_DELAYS[min(checks_done - 1, len(RECOVERY_DELAYS) - 1)]
        at = now + delay
        await _move(
            sid,
            {S.uploading},
            None,
            {EfacturaSubmission.next_check_at: at},
            f"Factura nu apare (încă) în SPV; se caută din nou la {at:%H:%M} UTC "
            f"(retrimitere abia după {RECOVERY_DEADLINE.seconds // 3600} ore).",
        )
        return Step(S.uploading, "send", at, "not yet in SPV")
    # Long enough for ANAF to have processed it: upload again. Were the first upload
    # accepted after all, ANAF answers this one with «a mai fost transmisa anterior».
    async with write_tx():
        current = await _locked(sid)
        if current["state"] != S.uploading:
            return Step(current["state"])
        attempt = current["attempts"] + 1
        await _update(sid, {EfacturaSubmission.attempts: attempt,
                            EfacturaSubmission.next_check_at: _now() + UPLOAD_LEASE})  # fmt: skip
        await _event(sid, S.uploading, S.uploading,
                     f"{CALL_UPLOAD}: încercarea {attempt}, după ce factura nu a apărut în SPV "
                     f"în {RECOVERY_DEADLINE.seconds // 3600} ore (ANAF refuză o factură deja "
                     "primită și îi spune indexul)")  # fmt: skip
    return await _upload({**row, "attempts": attempt, "state": S.uploading}, settings)


async def _find_in_spv(
    client: AnafClient, row: dict[str, Any], cif: str, started: datetime
) -> tuple[SpvListedMessage, bytes] | None:
    """A «FACTURA TRIMISA» message since `started` that holds our invoice, with its ZIP."""
    messages = await client.messages(
        cif=cif, start=started - timedelta(minutes=10), end=_now() + timedelta(minutes=1),
        kind_filter="T",
    )  # fmt: skip
    candidates = [m for m in messages if m.kind.upper().startswith("FACTURA TRIMISA")]
    if not candidates:
        return None
    indexes = [m.upload_index for m in candidates if m.upload_index]
    known = {
        r["upload_index"]
        for r in await EfacturaSubmission.select(EfacturaSubmission.upload_index).where(
            EfacturaSubmission.upload_index.is_in(indexes or [""])
        )
    }
    for message in candidates:
        if message.upload_index in known:
            continue
        data = await client.download(message.id)
        answer = read_answer_zip(data)
        if answer.is_invoice and _same_invoice(answer.main_xml, row["xml"]):
            return message, data
    return None


# --------------------------------------------------------------------------- poll


def _poll_delay(polls: int) -> timedelta:
    return POLL_DELAYS[polls] if polls < len(POLL_DELAYS) else POLL_LATER


async def efactura_poll_step(submission_id: int, *, settings: Any) -> Step:
    """Ask ANAF (stareMesaj) how the uploaded invoice fared; backs off, counts the cap."""
    now = _now()
    async with write_tx():
        row = await _locked(submission_id)
        if row["state"] != S.uploaded or not row["upload_index"]:
            return Step(row["state"], detail="nimic de interogat")
        if (_utc(row["next_check_at"]) or now) > now:
            return Step(row["state"], "poll", _utc(row["next_check_at"]), "nu este încă timpul")
        calls = await _calls_today(submission_id, CALL_STATUS)
        if len(calls) >= STATUS_DAILY_CAP:
            at = calls[0] + timedelta(days=1, minutes=1)
            await _update(submission_id, {EfacturaSubmission.next_check_at: at})
            await _event(submission_id, row["state"], row["state"],
                         f"Limita zilnică de interogări ({STATUS_DAILY_CAP}) atinsă; se reia "
                         f"la {at:%Y-%m-%d %H:%M} UTC")  # fmt: skip
            return Step(row["state"], "poll", at, "daily cap")
        polls = row["polls"] + 1
        at = now + _poll_delay(polls)
        await _update(submission_id, {EfacturaSubmission.polls: polls,
                                      EfacturaSubmission.next_check_at: at})  # fmt: skip
        await _event(submission_id, row["state"], row["state"],
                     f"{CALL_STATUS} #{polls} (index {row['upload_index']})")  # fmt: skip
    client = await _client_or_poll(row, settings)
    if isinstance(client, Step):
        return client
    try:
        async with client:
            answer = await client.status(row["upload_index"])
    except AnafRateLimited as exc:
        later = _now() + max(timedelta(seconds=exc.retry_after or 0), POLL_LATER)
        await _move(
            submission_id,
            {S.uploaded},
            None,
            {EfacturaSubmission.next_check_at: later},
            f"ANAF: limită de apeluri ({exc.reason}); se reia la {later:%H:%M} UTC",
        )
        return Step(S.uploaded, "poll", later, "limit")
    except (AnafUnavailable, AnafRefused, AnafAuthFailed) as exc:
        await _move(submission_id, {S.uploaded}, None, {},
                    f"stareMesaj fără răspuns util: {exc.message_ro}; se reia la "
                    f"{at:%H:%M} UTC")  # fmt: skip
        return Step(S.uploaded, "poll", at, exc.message_ro)
    now = _now()
    if answer.processing:
        await _move(submission_id, {S.uploaded}, None, {},
                    f"ANAF: în prelucrare; următoarea interogare la {at:%H:%M:%S} UTC")  # fmt: skip
        return Step(S.uploaded, "poll", at, "in prelucrare")
    if answer.state in ("ok", "nok") and answer.download_id:
        to = S.ok if answer.state == "ok" else S.nok
        errors = (
            []
            if to == S.ok
            else _anaf_errors(["ANAF a respins factura; erorile sunt în arhiva de răspuns."])
        )
        await _move(
            submission_id, {S.uploaded}, to,
            {EfacturaSubmission.download_id: answer.download_id,
             EfacturaSubmission.finished_at: now, EfacturaSubmission.next_check_at: now,
             EfacturaSubmission.errors: errors},
            f"ANAF: {answer.state} (id descărcare {answer.download_id})",
        )  # fmt: skip
        return Step(to, "download", now, answer.state)
    if answer.state in ("nok", "XML cu erori nepreluat de sistem"):
        await _move(
            submission_id, {S.uploaded}, S.nok,
            {EfacturaSubmission.finished_at: now, EfacturaSubmission.next_check_at: None,
             EfacturaSubmission.errors: _anaf_errors([f"ANAF: {answer.state}"])},
            f"ANAF: {answer.state}",
        )  # fmt: skip
        return Step(S.nok, detail=answer.state)
    await _move(submission_id, {S.uploaded}, None, {},
                f"ANAF: stare necunoscută «{answer.state}»; se reia la {at:%H:%M} UTC")  # fmt: skip
    return Step(S.uploaded, "poll", at, answer.state)


async def _client_or_poll(row: dict[str, Any], settings: Any) -> AnafClient | Step:
    try:
        return await spv_client(row["company"], settings)
    except (DomainError, AnafUnavailable) as exc:
        at = _now() + AUTH_RETRY
        await _move(row["id"], {row["state"]}, None, {EfacturaSubmission.next_check_at: at},
                    f"Nu s-a putut obține tokenul SPV: {exc.message_ro}")  # fmt: skip
        return Step(row["state"], None, at, exc.message_ro)


# --------------------------------------------------------------------------- download


async def efactura_download_step(submission_id: int, *, settings: Any) -> Step:
    """Download and keep ANAF's answer ZIP (the signed invoice, or the error file whose
    messages become the submission's errors)."""
    now = _now()
    async with write_tx():
        row = await _locked(submission_id)
        if row["state"] not in {S.ok, S.nok} or not row["download_id"] or row["answer_path"]:
            return Step(row["state"], detail="nimic de descărcat")
        if (_utc(row["next_check_at"]) or now) > now:
            return Step(row["state"], "download", _utc(row["next_check_at"]), "nu încă")
        calls = await _calls_today(submission_id, CALL_DOWNLOAD)
        if len(calls) >= DOWNLOAD_DAILY_CAP:
            at = calls[0] + timedelta(days=1, minutes=1)
            await _update(submission_id, {EfacturaSubmission.next_check_at: at})
            await _event(submission_id, row["state"], row["state"],
                         f"Limita zilnică de descărcări ({DOWNLOAD_DAILY_CAP}) atinsă")  # fmt: skip
            return Step(row["state"], "download", at, "daily cap")
        at = now + DOWNLOAD_RETRY
        await _update(submission_id, {EfacturaSubmission.next_check_at: at})
        await _event(submission_id, row["state"], row["state"],
                     f"{CALL_DOWNLOAD} (id {row['download_id']})")  # fmt: skip
    client = await _client_or_poll(row, settings)
    if isinstance(client, Step):
        return client
    expected = {row["state"]}
    try:
        async with client:
            data = await client.download(row["download_id"])
        answer = read_answer_zip(data)
    except AnafRateLimited as exc:
        later = _now() + max(timedelta(seconds=exc.retry_after or 0), POLL_LATER)
        await _move(submission_id, expected, None, {EfacturaSubmission.next_check_at: later},
                    f"ANAF: limită de apeluri la descărcare ({exc.reason})")  # fmt: skip
        return Step(row["state"], "download", later, "limit")
    except (AnafUnavailable, AnafRefused, AnafAuthFailed) as exc:
        await _move(
            submission_id,
            expected,
            None,
            {},
            f"Descărcarea nu a reușit: {exc.message_ro}; se reia la {at:%H:%M} UTC",
        )
        return Step(row["state"], "download", at, exc.message_ro)
    relative = await _store_zip(settings.data_dir, row, row["download_id"], data)
    if row["state"] == S.ok:
        await _move(submission_id, expected, None,
                    {EfacturaSubmission.answer_path: relative,
                     EfacturaSubmission.next_check_at: None},
                    f"Răspunsul ANAF a fost descărcat și păstrat ({answer.main_name} + "
                    f"{answer.signature_name or 'fără semnătură'})")  # fmt: skip
        return Step(S.ok, detail=relative)
    earlier = duplicate_index(answer.errors)
    if earlier and earlier != row["upload_index"]:
        # ANAF already holds this invoice under `earlier` (a lost answer, then a new
        # upload): that upload is ours, follow it instead.
        try:
            await _move(
                submission_id, expected, S.uploaded,
                {EfacturaSubmission.upload_index: earlier, EfacturaSubmission.download_id: None,
                 EfacturaSubmission.answer_path: "", EfacturaSubmission.errors: [],
                 EfacturaSubmission.finished_at: None, EfacturaSubmission.polls: 0,
                 EfacturaSubmission.next_check_at: _now()},
                f"ANAF: factura era deja în SPV cu indexul {earlier} (încărcarea "
                f"{row['upload_index']} a fost respinsă ca dublură; arhiva ei: {relative}); "
                "se urmărește indexul inițial.",
            )  # fmt: skip
        except Exception as exc:
            if not is_unique_violation(exc):
                raise
        else:
            return Step(S.uploaded, "poll", _now(), earlier)
    await _move(submission_id, expected, None,
                {EfacturaSubmission.answer_path: relative,
                 EfacturaSubmission.errors: _anaf_errors(answer.errors),
                 EfacturaSubmission.next_check_at: None},
                f"Fișierul de erori ANAF a fost descărcat: {len(answer.errors)} erori")  # fmt: skip
    return Step(S.nok, detail=relative)


# --------------------------------------------------------------------------- reads


def next_step_ro(state: str | None, row: dict[str, Any] | None) -> str:
    if state is None:
        return "Validați factura (se generează XML-ul CIUS-RO și se verifică după regulile ANAF)."
    return {
        S.invalid: "Corectați datele care produc erorile (firmă, partener, articole); dacă "
        "factura însăși e greșită, stornați-o și emiteți una nouă. Apoi validați din nou.",
        S.validated: "Trimiteți factura acum sau lăsați trimiterea automată după emitere.",
        S.queued: "Se trimite automat; o puteți urmări aici.",
        S.uploading: "Se transmite. Dacă răspunsul ANAF se pierde, factura se caută în SPV "
        "înainte de orice retrimitere.",
        S.uploaded: "ANAF prelucrează factura; starea se verifică automat.",
        S.ok: "Acceptată de ANAF; arhiva semnată (ZIP) este păstrată. O corectură se face "
        "numai prin stornare.",
        S.nok: "ANAF a respins factura: nu este considerată transmisă. Dacă eroarea ține de "
        "datele firmei sau ale clientului, corectați-le, validați și trimiteți din nou; dacă "
        "factura e greșită, anulați-o (sau stornați-o) și emiteți una nouă.",
        S.rejected: "ANAF a refuzat încărcarea (fără index): vedeți motivul, corectați și "
        "trimiteți din nou.",
    }.get(S(state), "")


async def efactura_get(*, invoice_id: int, by: Actor) -> dict[str, Any]:
    """The invoice's e-Factura state, errors, event trail and the company's connection."""
    require(by, Area.sales, Action.read)
    invoice = (
        await Invoice.select(Invoice.id, Invoice.company).where(Invoice.id == invoice_id).first()
    )
    if invoice is None:
        raise NotFound(
            "INVOICE_NOT_FOUND", "Factura nu există.", "No such invoice.",
            details={"invoice_id": invoice_id},
        )  # fmt: skip
    row = await submission_for(invoice_id)
    connection = connection_status(await connection_row(invoice["company"]))
    if row is None:
        return {"invoice_id": invoice_id, "state": None, "state_ro": "nepregătită",
                "errors": [], "events": [], "connection": connection,
                "next_step": next_step_ro(None, None)}  # fmt: skip
    events = (
        await EfacturaEvent.select(
            EfacturaEvent.at, EfacturaEvent.state_from, EfacturaEvent.state_to,
            EfacturaEvent.detail,
        )
        .where(EfacturaEvent.submission == row["id"])
        .order_by(EfacturaEvent.id)
    )  # fmt: skip
    return {
        "invoice_id": invoice_id,
        "submission_id": row["id"],
        "state": row["state"],
        "state_ro": STATE_RO.get(row["state"], row["state"]),
        "environment": row["environment"],
        "upload_kind": row["upload_kind"],
        "upload_index": row["upload_index"],
        "download_id": row["download_id"],
        "attempts": row["attempts"],
        "polls": row["polls"],
        "send_after": _utc(row["send_after"]),
        "next_check_at": _utc(row["next_check_at"]),
        "uploaded_at": _utc(row["uploaded_at"]),
        "finished_at": _utc(row["finished_at"]),
        "xml_sha256": row["xml_sha256"],
        "has_answer": bool(row["answer_path"]),
        "errors": _errors(row),
        "events": [{**e, "at": _utc(e["at"])} for e in events],
        "connection": connection,
        "next_step": next_step_ro(row["state"], row),
    }


# --------------------------------------------------------------------------- sweeper


async def efactura_due(limit: int = 500) -> list[tuple[str, int]]:
    """(op, invoice id) of the work the database says is due: queued past send_after,
    uploads whose outcome must be looked for, polls, answers to download."""
    now = _now()
    rows = (
        await EfacturaSubmission.select(
            EfacturaSubmission.invoice, EfacturaSubmission.state,
            EfacturaSubmission.download_id, EfacturaSubmission.answer_path,
        )
        .where(
            EfacturaSubmission.state.is_in([S.queued, S.uploading, S.uploaded, S.ok, S.nok])
            & (EfacturaSubmission.next_check_at <= now)
        )
        .order_by(EfacturaSubmission.next_check_at)
        .limit(limit)
    )  # fmt: skip
    out = []
    for r in rows:
        if r["state"] in (S.queued, S.uploading):
            out.append(("send", r["invoice"]))
        elif r["state"] == S.uploaded:
            out.append(("poll", r["invoice"]))
        elif r["download_id"] and not r["answer_path"]:
            out.append(("download", r["invoice"]))
    return out


async def efactura_auto_queue(limit: int = 50) -> list[int]:
    """Queue the invoices whose company sends automatically, `auto_send_hours` after
    issue (issued in the last AUTO_SEND_LOOKBACK, never prepared, or validated and not
    sent). An invalid one stays `invalid`, with its errors, for a person to look at."""
    from tables.efactura import AnafConnection

    now = _now()
    queued: list[int] = []
    connections = await AnafConnection.select(
        AnafConnection.company, AnafConnection.auto_send_hours
    ).where((AnafConnection.enabled == True) & (AnafConnection.auto_send_hours > 0))  # noqa: E712
    for connection in connections:
        if not connection_status(await connection_row(connection["company"]))["connected"]:
            continue  # nothing could be sent; the invoices' views say why
        cutoff = now - timedelta(hours=connection["auto_send_hours"])
        window = (
            (Invoice.company == connection["company"])
            & (Invoice.status == DocStatus.issued)
            & (Invoice.issued_at <= cutoff)
            & (Invoice.issued_at >= now - AUTO_SEND_LOOKBACK)
        )
        fresh = await Invoice.select(Invoice.id).where(
            window & Invoice.id.not_in(EfacturaSubmission.select(EfacturaSubmission.invoice))
        ).order_by(Invoice.id).limit(limit)  # fmt: skip
        waiting = await Invoice.select(Invoice.id).where(
            window & Invoice.id.is_in(
                EfacturaSubmission.select(EfacturaSubmission.invoice).where(
                    EfacturaSubmission.state == S.validated
                )
            )
        ).order_by(Invoice.id).limit(limit)  # fmt: skip
        for invoice in [*fresh, *waiting][:limit]:
            try:
                await efactura_queue(invoice_id=invoice["id"], by=SYSTEM)
            except DomainError as exc:  # invalid, not connected: visible on the invoice
                log.info("e-Factura auto-send of invoice %s: %s", invoice["id"], exc)
                continue
            queued.append(invoice["id"])
    return queued


# --------------------------------------------------------------------------- files


async def efactura_answer_zip(*, invoice_id: int, by: Actor, data_dir: Path) -> Path:
    """ANAF's answer ZIP (the signed invoice or the error file) as stored."""
    require(by, Area.sales, Action.read)
    row = await submission_for(invoice_id)
    path = answer_file(data_dir, row) if row else None
    if path is None or not await asyncio.to_thread(path.is_file):
        raise NotFound(
            "EFACTURA_NO_ANSWER",
            "Răspunsul ANAF (arhiva ZIP) nu a fost încă descărcat pentru această factură.",
            "ANAF's answer ZIP has not been downloaded for this invoice yet.",
            details={"invoice_id": invoice_id},
        )
    return path


async def efactura_pdf(*, invoice_id: int, by: Actor, settings: Any) -> Path:
    """ANAF's own PDF rendering of the XML as validated / sent (transformare), kept beside
    the answer so that ANAF is asked once per XML."""
    require(by, Area.sales, Action.read)
    row = await submission_for(invoice_id)
    if row is None or not row["xml"]:
        raise Conflict(
            "EFACTURA_NO_XML",
            "Factura nu are încă XML e-Factura: validați-o întâi.",
            "The invoice has no e-Factura XML yet; validate it first.",
            details={"invoice_id": invoice_id},
        )
    path = Path(settings.data_dir) / (
        f"efactura/{row['company']}/{invoice_id}-{row['xml_sha256'][:16]}-anaf.pdf"
    )
    if await asyncio.to_thread(path.is_file):
        return path
    client = AnafClient(AnafUrls.from_settings(settings), row["environment"], None,
                        timeout=settings.anaf_timeout_s)  # fmt: skip
    async with client:
        pdf = await client.to_pdf(
            row["xml"].encode("utf-8"), credit_note=_is_credit_note(row["xml"])
        )
    await asyncio.to_thread(write_atomic, path, pdf)
    return path
