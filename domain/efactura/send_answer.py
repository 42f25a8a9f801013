"""e-Factura sending, after the upload: poll stareMesaj with back-off within ANAF's
daily cap, then download and keep the answer ZIP (the signed invoice or the error file;
an error file naming an earlier upload of the same invoice makes the submission follow it)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from domain.core.tx import is_unique_violation, write_tx
from domain.efactura.anaf import (
    AnafAuthFailed,
    AnafRateLimited,
    AnafRefused,
    AnafUnavailable,
    duplicate_index,
    read_answer_zip,
)
from domain.efactura.connection import as_utc
from domain.efactura.send_files import store_answer_zip
from domain.efactura.send_machine import (
    CALL_DOWNLOAD,
    CALL_STATUS,
    DOWNLOAD_DAILY_CAP,
    DOWNLOAD_RETRY,
    POLL_DELAYS,
    POLL_LATER,
    STATUS_DAILY_CAP,
    S,
    Step,
    add_event,
    anaf_findings,
    calls_today,
    client_or_wait,
    locked_row,
    move,
    update_row,
    utcnow,
)
from tables.efactura import EfacturaSubmission


def _poll_delay(polls: int) -> timedelta:
    return POLL_DELAYS[polls] if polls < len(POLL_DELAYS) else POLL_LATER


async def efactura_poll_step(submission_id: int, *, settings: Any) -> Step:
    """Ask ANAF (stareMesaj) how the uploaded invoice fared; backs off, counts the cap."""
    now = utcnow()
    async with write_tx():
        row = await locked_row(submission_id)
        if row["state"] != S.uploaded or not row["upload_index"]:
            return Step(row["state"], detail="nimic de interogat")
        if (as_utc(row["next_check_at"]) or now) > now:
            return Step(row["state"], "poll", as_utc(row["next_check_at"]), "nu este încă timpul")
        calls = await calls_today(submission_id, CALL_STATUS)
        if len(calls) >= STATUS_DAILY_CAP:
            at = calls[0] + timedelta(days=1, minutes=1)
            await update_row(submission_id, {EfacturaSubmission.next_check_at: at})
            await add_event(submission_id, row["state"], row["state"],
                         f"Limita zilnică de interogări ({STATUS_DAILY_CAP}) atinsă; se reia "
                         f"la {at:%Y-%m-%d %H:%M} UTC")  # fmt: skip
            return Step(row["state"], "poll", at, "daily cap")
        polls = row["polls"] + 1
        at = now + _poll_delay(polls)
        await update_row(submission_id, {EfacturaSubmission.polls: polls,
                                      EfacturaSubmission.next_check_at: at})  # fmt: skip
        await add_event(submission_id, row["state"], row["state"],
                     f"{CALL_STATUS} #{polls} (index {row['upload_index']})")  # fmt: skip
    client = await client_or_wait(row, settings)
    if isinstance(client, Step):
        return client
    try:
        async with client:
            answer = await client.status(row["upload_index"])
    except AnafRateLimited as exc:
        later = utcnow() + max(timedelta(seconds=exc.retry_after or 0), POLL_LATER)
        await move(
            submission_id,
            {S.uploaded},
            None,
            {EfacturaSubmission.next_check_at: later},
            f"ANAF: limită de apeluri ({exc.reason}); se reia la {later:%H:%M} UTC",
        )
        return Step(S.uploaded, "poll", later, "limit")
    except (AnafUnavailable, AnafRefused, AnafAuthFailed) as exc:
        await move(submission_id, {S.uploaded}, None, {},
                    f"stareMesaj fără răspuns util: {exc.message_ro}; se reia la "
                    f"{at:%H:%M} UTC")  # fmt: skip
        return Step(S.uploaded, "poll", at, exc.message_ro)
    now = utcnow()
    if answer.processing:
        await move(submission_id, {S.uploaded}, None, {},
                    f"ANAF: în prelucrare; următoarea interogare la {at:%H:%M:%S} UTC")  # fmt: skip
        return Step(S.uploaded, "poll", at, "in prelucrare")
    if answer.state in ("ok", "nok") and answer.download_id:
        to = S.ok if answer.state == "ok" else S.nok
        errors = (
            []
            if to == S.ok
            else anaf_findings(["ANAF a respins factura; erorile sunt în arhiva de răspuns."])
        )
        await move(
            submission_id, {S.uploaded}, to,
            {EfacturaSubmission.download_id: answer.download_id,
             EfacturaSubmission.finished_at: now, EfacturaSubmission.next_check_at: now,
             EfacturaSubmission.errors: errors},
            f"ANAF: {answer.state} (id descărcare {answer.download_id})",
        )  # fmt: skip
        return Step(to, "download", now, answer.state)
    if answer.state in ("nok", "XML cu erori nepreluat de sistem"):
        await move(
            submission_id, {S.uploaded}, S.nok,
            {EfacturaSubmission.finished_at: now, EfacturaSubmission.next_check_at: None,
             EfacturaSubmission.errors: anaf_findings([f"ANAF: {answer.state}"])},
            f"ANAF: {answer.state}",
        )  # fmt: skip
        return Step(S.nok, detail=answer.state)
    await move(submission_id, {S.uploaded}, None, {},
                f"ANAF: stare necunoscută «{answer.state}»; se reia la {at:%H:%M} UTC")  # fmt: skip
    return Step(S.uploaded, "poll", at, answer.state)


async def efactura_download_step(submission_id: int, *, settings: Any) -> Step:
    """Download and keep ANAF's answer ZIP (the signed invoice, or the error file whose
    messages become the submission's errors)."""
    now = utcnow()
    async with write_tx():
        row = await locked_row(submission_id)
        if row["state"] not in {S.ok, S.nok} or not row["download_id"] or row["answer_path"]:
            return Step(row["state"], detail="nimic de descărcat")
        if (as_utc(row["next_check_at"]) or now) > now:
            return Step(row["state"], "download", as_utc(row["next_check_at"]), "nu încă")
        calls = await calls_today(submission_id, CALL_DOWNLOAD)
        if len(calls) >= DOWNLOAD_DAILY_CAP:
            at = calls[0] + timedelta(days=1, minutes=1)
            await update_row(submission_id, {EfacturaSubmission.next_check_at: at})
            await add_event(submission_id, row["state"], row["state"],
                         f"Limita zilnică de descărcări ({DOWNLOAD_DAILY_CAP}) atinsă")  # fmt: skip
            return Step(row["state"], "download", at, "daily cap")
        at = now + DOWNLOAD_RETRY
        await update_row(submission_id, {EfacturaSubmission.next_check_at: at})
        await add_event(submission_id, row["state"], row["state"],
                     f"{CALL_DOWNLOAD} (id {row['download_id']})")  # fmt: skip
    client = await client_or_wait(row, settings)
    if isinstance(client, Step):
        return client
    expected = {row["state"]}
    try:
        async with client:
            data = await client.download(row["download_id"])
        answer = read_answer_zip(data)
    except AnafRateLimited as exc:
        later = utcnow() + max(timedelta(seconds=exc.retry_after or 0), POLL_LATER)
        await move(submission_id, expected, None, {EfacturaSubmission.next_check_at: later},
                    f"ANAF: limită de apeluri la descărcare ({exc.reason})")  # fmt: skip
        return Step(row["state"], "download", later, "limit")
    except (AnafUnavailable, AnafRefused, AnafAuthFailed) as exc:
        await move(
            submission_id,
            expected,
            None,
            {},
            f"Descărcarea nu a reușit: {exc.message_ro}; se reia la {at:%H:%M} UTC",
        )
        return Step(row["state"], "download", at, exc.message_ro)
    relative = await store_answer_zip(settings.data_dir, row, row["download_id"], data)
    if row["state"] == S.ok:
        await move(submission_id, expected, None,
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
            await move(
                submission_id, expected, S.uploaded,
                {EfacturaSubmission.upload_index: earlier, EfacturaSubmission.download_id: None,
                 EfacturaSubmission.answer_path: "", EfacturaSubmission.errors: [],
                 EfacturaSubmission.finished_at: None, EfacturaSubmission.polls: 0,
                 EfacturaSubmission.next_check_at: utcnow()},
                f"ANAF: factura era deja în SPV cu indexul {earlier} (încărcarea "
                f"{row['upload_index']} a fost respinsă ca dublură; arhiva ei: {relative}); "
                "se urmărește indexul inițial.",
            )  # fmt: skip
        except Exception as exc:
            if not is_unique_violation(exc):
                raise
        else:
            return Step(S.uploaded, "poll", utcnow(), earlier)
    await move(submission_id, expected, None,
                {EfacturaSubmission.answer_path: relative,
                 EfacturaSubmission.errors: anaf_findings(answer.errors),
                 EfacturaSubmission.next_check_at: None},
                f"Fișierul de erori ANAF a fost descărcat: {len(answer.errors)} erori")  # fmt: skip
    return Step(S.nok, detail=relative)
