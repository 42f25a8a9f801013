"""e-Factura sending, the upload step: upload a queued invoice, or recover an upload
whose outcome is unknown (look for it in SPV before any second upload; see
send_machine for the whole argument)."""

from __future__ import annotations

import asyncio
import hashlib
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from domain.core.errors import DomainError
from domain.core.files import write_atomic
from domain.core.tx import is_unique_violation, write_tx
from domain.efactura.anaf import (
    AnafAuthFailed,
    AnafClient,
    AnafRefused,
    AnafUnavailable,
    SpvListedMessage,
    read_answer_zip,
)
from domain.efactura.connection import as_utc, company_cif, spv_client
from domain.efactura.receive import spv_folder
from domain.efactura.send_files import is_credit_note, store_answer_zip, xml_keys
from domain.efactura.send_machine import (
    AUTH_RETRY,
    CALL_LIST,
    CALL_UPLOAD,
    POLL_DELAYS,
    RECOVERY_DEADLINE,
    RECOVERY_DELAYS,
    RETRY_DELAYS,
    UPLOAD_LEASE,
    S,
    Step,
    add_event,
    anaf_findings,
    calls_today,
    locked_row,
    move,
    submission_row,
    update_row,
    upload_started,
    utcnow,
)
from tables.choices import DocStatus
from tables.efactura import EfacturaSubmission
from tables.sales import Invoice


def _retry_delay(attempts: int) -> timedelta:
    return RETRY_DELAYS[min(max(attempts - 1, 0), len(RETRY_DELAYS) - 1)]


def _same_invoice(found: bytes, ours: str) -> bool:
    mine = ours.encode("utf-8")
    if hashlib.sha256(found).digest() == hashlib.sha256(mine).digest():
        return True
    theirs, own = xml_keys(found), xml_keys(mine)
    return bool(own[1]) and theirs == own


async def efactura_send_step(submission_id: int, *, settings: Any) -> Step:
    """Upload a queued invoice, or recover an upload whose outcome is unknown."""
    now = utcnow()
    async with write_tx():
        row = await locked_row(submission_id, with_invoice=True)
        state = row["state"]
        due = (as_utc(row["next_check_at"]) or now) <= now
        if state not in {S.queued, S.uploading}:
            return Step(state, detail="nimic de trimis")
        if not due:
            return Step(state, "send", as_utc(row["next_check_at"]), "nu este încă timpul")
        if state == S.queued:
            invoice = (
                await Invoice.select(Invoice.status).where(Invoice.id == row["invoice"]).first()
            )
            if invoice is None or invoice["status"] != DocStatus.issued:
                await update_row(submission_id, {EfacturaSubmission.state: S.validated,
                                              EfacturaSubmission.next_check_at: None,
                                              EfacturaSubmission.send_after: None})  # fmt: skip
                await add_event(submission_id, state, S.validated,
                             "Factura nu mai este emisă (anulată): nu se trimite.")  # fmt: skip
                return Step(S.validated, detail="factura anulată")
            mode = "upload"
        else:
            mode = "recover"
        lease = now + UPLOAD_LEASE
        if mode == "upload":
            attempt = row["attempts"] + 1
            await update_row(submission_id, {EfacturaSubmission.state: S.uploading,
                                          EfacturaSubmission.attempts: attempt,
                                          EfacturaSubmission.next_check_at: lease})  # fmt: skip
            await add_event(submission_id, state, S.uploading,
                         f"{CALL_UPLOAD}: încercarea {attempt} ({row['upload_kind']}, "
                         f"mediul {row['environment']})")  # fmt: skip
        else:
            await update_row(submission_id, {EfacturaSubmission.next_check_at: lease})
            await add_event(submission_id, state, state,
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
        await move(row["id"], {S.uploading}, back,
                    {EfacturaSubmission.next_check_at: utcnow() + delay}, text)  # fmt: skip
        return Step(back, "send", utcnow() + delay, text)


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
                credit_note=is_credit_note(row["xml"]),
            )  # fmt: skip
    except AnafUnavailable as exc:
        now = utcnow()
        if exc.maybe_sent:
            at = now + RECOVERY_DELAYS[0]
            await move(sid, {S.uploading}, S.uploading, {EfacturaSubmission.next_check_at: at},
                        f"Răspuns pierdut la încărcare ({exc.reason}): factura poate fi "
                        "ajuns la ANAF; se caută în SPV înainte de orice retrimitere.")  # fmt: skip
            return Step(S.uploading, "send", at, exc.reason)
        delay = timedelta(seconds=exc.retry_after) if exc.retry_after else None
        at = now + max(delay or timedelta(0), _retry_delay(row["attempts"] + 1))
        await move(sid, {S.uploading}, S.queued, {EfacturaSubmission.next_check_at: at},
                    f"Încărcarea nu a ajuns la ANAF ({exc.reason}); "
                    f"se reîncearcă la {at:%H:%M} UTC.")  # fmt: skip
        return Step(S.queued, "send", at, exc.reason)
    except AnafAuthFailed as exc:
        at = utcnow() + AUTH_RETRY
        await move(sid, {S.uploading}, S.queued, {EfacturaSubmission.next_check_at: at},
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
    now = utcnow()
    at = now + POLL_DELAYS[0]
    try:
        moved = await move(
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
            await add_event(
                row["id"],
                S.uploading,
                S.uploading,
                f"Indexul {index} aparține altei trimiteri: verificați manual.",
            )
        return Step(S.uploading, detail="index duplicat")
    if moved is None:
        return Step(
            (await submission_row(row["id"]))["state"], detail=f"index {index} primit târziu"
        )
    return Step(S.uploaded, "poll", at, index)


async def _rejected(row: dict[str, Any], messages: list[str]) -> Step:
    await move(
        row["id"], {S.uploading}, S.rejected,
        {EfacturaSubmission.errors: anaf_findings(messages),
         EfacturaSubmission.finished_at: utcnow(), EfacturaSubmission.next_check_at: None},
        "ANAF a refuzat încărcarea: " + "; ".join(messages),
    )  # fmt: skip
    return Step(S.rejected, detail="; ".join(messages))


async def _recover(row: dict[str, Any], settings: Any) -> Step:
    """The outcome of the last upload is unknown: find it in SPV, wait, or upload again."""
    sid = row["id"]
    client = await _client_or_step(row, settings)
    if isinstance(client, Step):
        return client
    started = await upload_started(sid) or as_utc(row["updated_at"]) or utcnow()
    cif = await company_cif(row["company"])
    try:
        async with client:
            found = await _find_in_spv(client, row, cif, started, settings.data_dir)
    except (AnafUnavailable, AnafRefused, AnafAuthFailed) as exc:
        at = utcnow() + RECOVERY_DELAYS[0]
        await move(sid, {S.uploading}, None, {EfacturaSubmission.next_check_at: at},
                    f"Căutarea în SPV nu a reușit ({exc.message_ro}); se reia la "
                    f"{at:%H:%M} UTC.")  # fmt: skip
        return Step(S.uploading, "send", at, exc.message_ro)
    if found is not None:
        message, data = found
        relative = await store_answer_zip(settings.data_dir, row, message.id, data)
        now = utcnow()
        moved = await move(
            sid, {S.uploading}, S.ok,
            {EfacturaSubmission.upload_index: message.upload_index,
             EfacturaSubmission.download_id: message.id, EfacturaSubmission.answer_path: relative,
             EfacturaSubmission.uploaded_at: message.created or now,
             EfacturaSubmission.finished_at: now, EfacturaSubmission.next_check_at: None,
             EfacturaSubmission.errors: []},
            f"Găsită în SPV: încărcarea a ajuns (index {message.upload_index}) și a fost "
            "acceptată; răspunsul semnat a fost descărcat. Nu s-a retrimis.",
        )  # fmt: skip
        return Step(
            S.ok if moved else (await submission_row(sid))["state"], detail=message.upload_index
        )
    now = utcnow()
    if now - started < RECOVERY_DEADLINE:
        checks_done = len([t for t in await calls_today(sid, CALL_LIST) if t >= started])
        delay = RECOVERY_DELAYS[min(checks_done - 1, len(RECOVERY_DELAYS) - 1)]
        at = now + delay
        await move(
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
        current = await locked_row(sid)
        if current["state"] != S.uploading:
            return Step(current["state"])
        attempt = current["attempts"] + 1
        await update_row(sid, {EfacturaSubmission.attempts: attempt,
                            EfacturaSubmission.next_check_at: utcnow() + UPLOAD_LEASE})  # fmt: skip
        await add_event(sid, S.uploading, S.uploading,
                     f"{CALL_UPLOAD}: încercarea {attempt}, după ce factura nu a apărut în SPV "
                     f"în {RECOVERY_DEADLINE.seconds // 3600} ore (ANAF refuză o factură deja "
                     "primită și îi spune indexul)")  # fmt: skip
    return await _upload({**row, "attempts": attempt, "state": S.uploading}, settings)


async def _find_in_spv(
    client: AnafClient, row: dict[str, Any], cif: str, started: datetime, data_dir: Path
) -> tuple[SpvListedMessage, bytes] | None:
    """A «FACTURA TRIMISA» message since `started` that holds our invoice, with its ZIP."""
    messages = await client.messages(
        cif=cif, start=started - timedelta(minutes=10), end=utcnow() + timedelta(minutes=1),
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
        data = await _listed_zip(client, data_dir, row["company"], message.id)
        answer = read_answer_zip(data)
        if answer.is_invoice and _same_invoice(answer.main_xml, row["xml"]):
            return message, data
    return None


async def _listed_zip(
    client: AnafClient, data_dir: Path, company_id: int, message_id: str
) -> bytes:
    """A listed message's ZIP, downloaded once and kept where the SPV inbox keeps them: an
    outage can leave many uploads to recover, each listing the others' messages, and ANAF
    allows 10 downloads a message a day. The inbox job then reads it from disk too."""
    path = data_dir / spv_folder(company_id) / f"{message_id}.zip"
    try:
        data = await asyncio.to_thread(path.read_bytes)
        read_answer_zip(data)
        return data
    except (OSError, AnafUnavailable):  # not kept yet, or damaged: download it
        pass
    data = await client.download(message_id)
    await asyncio.to_thread(write_atomic, path, data)
    return data
