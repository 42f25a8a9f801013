"""The e-Factura state machine against a real local fake SPV: every step persisted before
and after its call, never a second upload (lost answer, crash between the call and the
commit), ANAF's errors on HTTP 200, limits, tokens refreshed and stored encrypted."""

from __future__ import annotations

import asyncio
import dataclasses
import io
import zipfile
from datetime import UTC, datetime, timedelta

import pytest

from domain.core.errors import Conflict, ValidationFailed
from domain.efactura.anaf import AnafUnavailable, AnafUrls, read_answer_zip
from domain.efactura.connection import (
    access_token,
    connection_configure,
    connection_row,
    connection_status,
    oauth_state_make,
    oauth_state_read,
)
from domain.efactura.secrets import SecretUnreadable, decrypt, encrypt
from domain.efactura.send_answer import efactura_download_step, efactura_poll_step
from domain.efactura.send_machine import CALL_STATUS, RECOVERY_DEADLINE, STATUS_DAILY_CAP
from domain.efactura.send_queries import efactura_get
from domain.efactura.send_queue import efactura_prepare, efactura_queue
from domain.efactura.send_sweeper import efactura_auto_queue, efactura_due
from domain.efactura.send_upload import efactura_send_step
from domain.efactura.status import efactura_blocks_cancel
from domain.org.permissions import SYSTEM
from domain.sales.invoices import invoice_cancel
from tables.efactura import AnafConnection, EfacturaEvent, EfacturaSubmission
from tables.sales import Invoice
from tests.efactura_helpers import (
    age_upload,
    another_invoice,
    connect,
    details,
    issued_invoice,
    make_due,
    submission,
)


@pytest.fixture
async def sent_ready(settings, fake_spv):
    """An issued invoice of a connected company, queued to be sent now."""
    ids = await issued_invoice()
    await connect(ids["company"], settings, fake_spv)
    await efactura_queue(invoice_id=ids["invoice"], by=SYSTEM)
    ids["submission"] = (await submission(ids["invoice"]))["id"]
    return ids


# --------------------------------------------------------------------------- secrets


def test_secrets_round_trip_and_refuse_tampering():
    stored = encrypt("eyJhbGciOi.token-value.sig", "app-secret")
    assert stored.startswith("f1.")
    assert "token-value" not in stored
    assert decrypt(stored, "app-secret") == "eyJhbGciOi.token-value.sig"
    assert encrypt("x", "app-secret") != encrypt("x", "app-secret")  # a fresh nonce each time
    with pytest.raises(SecretUnreadable):
        decrypt(stored, "another-secret")
    raw = stored[:-3] + ("A" if stored[-3] != "A" else "B") + stored[-2:]
    with pytest.raises(SecretUnreadable):
        decrypt(raw, "app-secret")
    with pytest.raises(SecretUnreadable):
        decrypt("plain-token", "app-secret")
    assert encrypt("", "s") == ""
    assert decrypt("", "s") == ""
    long = "ă" * 5000
    assert decrypt(encrypt(long, "s"), "s") == long


def test_oauth_state_is_signed_and_expires():
    state = oauth_state_make(7, 3, "secret")
    assert oauth_state_read(state, "secret") == (7, 3)
    with pytest.raises(ValidationFailed):
        oauth_state_read(state, "other")
    company, user, expires, nonce, sig = state.split(".")
    forged = ".".join([company, user, str(int(expires) - 10_000), nonce, sig])
    with pytest.raises(ValidationFailed):
        oauth_state_read(forged, "secret")


# --------------------------------------------------------------------------- prepare


async def invoice_list_state(invoice_id: int) -> str:
    """What the admin's invoice list shows (its copy of the submission's state)."""
    row = await Invoice.select(Invoice.efactura_state).where(Invoice.id == invoice_id).first()
    return row["efactura_state"]


async def test_prepare_keeps_the_validated_xml_with_an_event(settings):
    ids = await issued_invoice()
    assert await invoice_list_state(ids["invoice"]) == "not_sent"
    view = await efactura_prepare(invoice_id=ids["invoice"], by=SYSTEM)
    assert await invoice_list_state(ids["invoice"]) == "validated"
    assert view["state"] == "validated"
    assert view["errors"] == []
    row = await submission(ids["invoice"])
    assert row["xml"].startswith("<?xml")
    assert len(row["xml_sha256"]) == 64
    assert row["upload_kind"] == "standard"
    assert await details(row["id"]) == ["XML generat și validat (XSD + regulile ANAF CIUS-RO)"]
    # Not connected: it cannot be queued, and says why.
    with pytest.raises(Conflict) as refused:
        await efactura_queue(invoice_id=ids["invoice"], by=SYSTEM)
    assert refused.value.code == "EFACTURA_NOT_CONNECTED"


# --------------------------------------------------------------------------- paths


async def test_ok_path_uploads_once_polls_and_stores_the_signed_zip(settings, fake_spv, sent_ready):
    fake_spv.processing_polls = 2  # one «in prelucrare», then ok
    invoice, sid = sent_ready["invoice"], sent_ready["submission"]
    assert await invoice_list_state(invoice) == "queued"
    step = await efactura_send_step(sid, settings=settings)
    assert (step.state, step.next_op) == ("uploaded", "poll")
    assert await invoice_list_state(invoice) == "uploaded"
    row = await submission(invoice)
    upload = fake_spv.uploads[0]
    assert row["upload_index"] == upload.index
    assert row["attempts"] == 1
    assert upload.params["standard"] == "UBL"
    assert upload.params["cif"] == "44556670"
    assert upload.xml.decode() == row["xml"]  # the exact bytes validated
    # A second send step (a retried job) does nothing.
    assert (await efactura_send_step(sid, settings=settings)).state == "uploaded"
    assert fake_spv.upload_count == 1

    assert (await efactura_poll_step(sid, settings=settings)).detail == "nu este încă timpul"
    await make_due(invoice)
    assert (await efactura_poll_step(sid, settings=settings)).state == "uploaded"  # in prelucrare
    await make_due(invoice)
    step = await efactura_poll_step(sid, settings=settings)
    assert (step.state, step.next_op) == ("ok", "download")
    step = await efactura_download_step(sid, settings=settings)
    assert step.state == "ok"
    assert await invoice_list_state(invoice) == "ok"
    row = await submission(invoice)
    archive = read_answer_zip((settings.data_dir / row["answer_path"]).read_bytes())
    assert archive.is_invoice
    assert archive.main_xml == upload.xml
    assert archive.signature_name == f"semnatura_{upload.index}.xml"
    trail = await details(sid)
    # Before and after every call.
    assert trail[1].startswith("Pusă în coada")
    assert trail[2].startswith("Încărcare în SPV: încercarea 1")
    assert trail[3] == f"Încărcată în SPV: index de încărcare {upload.index}"
    assert [t.split(" ")[0] for t in trail[4:]].count("Interogare") == 2
    assert trail[-2].startswith("Descărcare răspuns")
    assert trail[-1].startswith("Răspunsul ANAF")
    view = await efactura_get(invoice_id=invoice, by=SYSTEM)
    assert view["has_answer"]
    assert view["state_ro"] == "acceptată de ANAF"
    assert await efactura_blocks_cancel(invoice) is not None
    with pytest.raises(Conflict) as refused:  # in SPV: only a credit note corrects it
        await invoice_cancel(invoice_id=invoice, reason="Client greșit", by=SYSTEM)
    assert refused.value.code == "INVOICE_SENT_TO_ANAF"
    with pytest.raises(Conflict):
        await efactura_prepare(invoice_id=invoice, by=SYSTEM)


async def test_nok_path_keeps_anaf_errors_and_allows_a_new_send(settings, fake_spv, sent_ready):
    fake_spv.verdict_next("nok", ["[BR-RO-065]-Identificatorul de înregistrare fiscală lipsește"])
    invoice, sid = sent_ready["invoice"], sent_ready["submission"]
    await efactura_send_step(sid, settings=settings)
    await make_due(invoice)
    step = await efactura_poll_step(sid, settings=settings)
    assert (step.state, step.next_op) == ("nok", "download")
    await efactura_download_step(sid, settings=settings)
    view = await efactura_get(invoice_id=invoice, by=SYSTEM)
    assert view["state"] == "nok"
    assert await invoice_list_state(invoice) == "nok"
    assert view["has_answer"]
    assert view["errors"][0]["rule"] == "BR-RO-065"
    assert "lipsește" in view["errors"][0]["message"]
    assert "nu este considerată transmisă" in view["next_step"]
    assert await efactura_blocks_cancel(invoice) is None  # refused: never sent
    # Fixed and sent again: a new upload (ANAF refused the first).
    await efactura_queue(invoice_id=invoice, by=SYSTEM)
    assert (await efactura_send_step(sid, settings=settings)).state == "uploaded"
    assert fake_spv.upload_count == 2


async def test_refused_upload_answers_http_200_with_errors(settings, fake_spv, sent_ready):
    fake_spv.refuse_next_upload(["Fisierul transmis nu este valid. cvc-complex-type.2.4.a"])
    step = await efactura_send_step(sent_ready["submission"], settings=settings)
    assert step.state == "rejected"
    view = await efactura_get(invoice_id=sent_ready["invoice"], by=SYSTEM)
    assert view["upload_index"] is None
    assert fake_spv.upload_count == 0
    assert "cvc-complex-type" in view["errors"][0]["message"]
    assert "refuzat încărcarea" in view["next_step"]


async def test_xml_with_errors_not_taken_by_the_system_is_nok(settings, fake_spv, sent_ready):
    fake_spv.verdict_next("xml_errors")
    await efactura_send_step(sent_ready["submission"], settings=settings)
    await make_due(sent_ready["invoice"])
    step = await efactura_poll_step(sent_ready["submission"], settings=settings)
    assert (step.state, step.next_op) == ("nok", None)


# --------------------------------------------------------------------------- never twice


async def test_lost_answer_is_found_in_spv_without_a_second_upload(settings, fake_spv, sent_ready):
    fake_spv.fail_next("upload", "hang")  # ANAF takes it, the answer never comes in time
    invoice, sid = sent_ready["invoice"], sent_ready["submission"]
    step = await efactura_send_step(sid, settings=settings)
    assert (step.state, step.next_op) == ("uploading", "send")
    assert fake_spv.upload_count == 1
    # The retried job, at once: the lease keeps it from doing anything.
    assert (await efactura_send_step(sid, settings=settings)).detail == "nu este încă timpul"
    await make_due(invoice)
    step = await efactura_send_step(sid, settings=settings)
    assert step.state == "ok"
    row = await submission(invoice)
    assert row["upload_index"] == fake_spv.uploads[0].index
    assert row["answer_path"]
    assert fake_spv.upload_count == 1
    assert fake_spv.calls["upload"] == 1
    assert any("Nu s-a retrimis" in d for d in await details(sid))


async def test_crash_between_the_upload_and_saving_the_index(settings, fake_spv, sent_ready):
    """The process dies while the upload call is in flight: the row was committed as
    `uploading` before the call, so recovery looks in SPV instead of uploading again."""
    fake_spv.fail_next("upload", "hang")
    invoice, sid = sent_ready["invoice"], sent_ready["submission"]
    task = asyncio.create_task(efactura_send_step(sid, settings=settings))
    for _ in range(400):
        if fake_spv.upload_count:
            break
        await asyncio.sleep(0.01)
    assert fake_spv.upload_count == 1
    task.cancel()  # killed after ANAF got the invoice, before anything was saved
    with pytest.raises(asyncio.CancelledError):
        await task
    row = await submission(invoice)
    assert row["state"] == "uploading"
    assert row["upload_index"] is None
    assert await efactura_blocks_cancel(invoice) is not None  # it may be in SPV
    await make_due(invoice)
    assert (await efactura_send_step(sid, settings=settings)).state == "ok"
    assert fake_spv.upload_count == 1
    assert (await submission(invoice))["upload_index"] == fake_spv.uploads[0].index


async def test_unseen_upload_is_sent_again_only_after_the_deadline_and_adopted(
    settings, fake_spv, sent_ready
):
    """ANAF has not listed the first upload yet: recovery waits; after the deadline it
    uploads again, ANAF answers «a mai fost transmisa anterior cu index=X» and X is kept."""
    fake_spv.processing_polls = 50  # still «in prelucrare»: not in the lists
    fake_spv.fail_next("upload", "drop")
    invoice, sid = sent_ready["invoice"], sent_ready["submission"]
    assert (await efactura_send_step(sid, settings=settings)).state == "uploading"
    await make_due(invoice)
    step = await efactura_send_step(sid, settings=settings)
    assert (step.state, step.detail) == ("uploading", "not yet in SPV")
    assert fake_spv.upload_count == 1
    fake_spv.process_all()  # ANAF finishes the first one (accepted) ...
    fake_spv.messages.clear()  # ... but its message is not listed (yet)
    fake_spv.processing_polls = 0
    await age_upload(invoice, RECOVERY_DEADLINE + timedelta(minutes=1))
    await make_due(invoice)
    step = await efactura_send_step(sid, settings=settings)
    assert step.state == "uploaded"
    assert fake_spv.upload_count == 2
    first, second = fake_spv.uploads
    await make_due(invoice)
    assert (await efactura_poll_step(sid, settings=settings)).state == "nok"
    # Until its error file is read, a «nok» may be ANAF refusing a duplicate of an invoice
    # it holds: neither cancelled nor prepared and sent again meanwhile.
    assert await efactura_blocks_cancel(invoice) is not None
    with pytest.raises(Conflict) as refused:
        await invoice_cancel(invoice_id=invoice, reason="greșeală", by=SYSTEM)
    assert refused.value.code == "INVOICE_SENT_TO_ANAF"
    with pytest.raises(Conflict) as waiting:
        await efactura_queue(invoice_id=invoice, by=SYSTEM)
    assert waiting.value.code == "EFACTURA_IN_PROGRESS"
    view = await efactura_get(invoice_id=invoice, by=SYSTEM)
    assert "fișierul de erori se descarcă automat" in view["next_step"]
    assert fake_spv.upload_count == 2
    step = await efactura_download_step(sid, settings=settings)
    assert (step.state, step.detail) == ("uploaded", first.index)
    assert (await submission(invoice))["upload_index"] == first.index
    await make_due(invoice)
    assert (await efactura_poll_step(sid, settings=settings)).state == "ok"
    assert (await efactura_download_step(sid, settings=settings)).state == "ok"
    assert [u.verdict for u in fake_spv.uploads] == ["ok", "nok"]  # one invoice in SPV
    assert second.errors[0].startswith("Factura a mai fost transmisa anterior")


async def test_many_lost_answers_download_each_listed_message_once(settings, fake_spv, tmp_path):
    """An outage loses the answers of several uploads of one company: each recovery lists
    the others' messages too, and ANAF allows 10 downloads a message a day. A listed ZIP
    is downloaded once, kept where the SPV inbox keeps them, and read from there after."""
    settings = dataclasses.replace(settings, data_dir=tmp_path)  # no ZIP kept by other tests
    ids = await issued_invoice()
    company = ids["company"]
    await connect(company, settings, fake_spv)
    sids = []
    for invoice in [ids["invoice"], await another_invoice(ids), await another_invoice(ids)]:
        await efactura_queue(invoice_id=invoice, by=SYSTEM)
        sids.append(((await submission(invoice))["id"], invoice))
        fake_spv.fail_next("upload", "processed500")
        assert (await efactura_send_step(sids[-1][0], settings=settings)).state == "uploading"
    for sid, invoice in reversed(sids):  # the last upload's recovery lists every message
        await make_due(invoice)
        assert (await efactura_send_step(sid, settings=settings)).state == "ok"
    assert fake_spv.upload_count == 3
    downloads = [n for (op, _), n in fake_spv.day_calls.items() if op == "descarcare"]
    assert sorted(downloads) == [1, 1, 1]
    for message in fake_spv.messages:
        kept = settings.data_dir / f"efactura/spv/{company}/{message.id}.zip"
        assert read_answer_zip(kept.read_bytes()).is_invoice


async def test_cancelled_while_queued_is_never_uploaded(settings, fake_spv, sent_ready):
    assert await efactura_blocks_cancel(sent_ready["invoice"]) is None
    await invoice_cancel(invoice_id=sent_ready["invoice"], reason="greșeală", by=SYSTEM)
    step = await efactura_send_step(sent_ready["submission"], settings=settings)
    assert step.state == "validated"
    assert fake_spv.upload_count == 0


# --------------------------------------------------------------------------- faults


async def test_429_and_connection_refused_go_back_to_the_queue(settings, fake_spv, sent_ready):
    invoice, sid = sent_ready["invoice"], sent_ready["submission"]
    fake_spv.fail_next("upload", "http429")
    step = await efactura_send_step(sid, settings=settings)
    assert (step.state, step.next_op) == ("queued", "send")
    row = await submission(invoice)
    assert row["attempts"] == 1
    assert fake_spv.upload_count == 0
    assert step.next_at > datetime.now(UTC)
    assert (await efactura_send_step(sid, settings=settings)).detail == "nu este încă timpul"
    fake_spv.fail_next("upload", "limit")  # ANAF's call-limit text on HTTP 200
    await make_due(invoice)
    assert (await efactura_send_step(sid, settings=settings)).state == "queued"
    await make_due(invoice)
    assert (await efactura_send_step(sid, settings=settings)).state == "uploaded"
    assert fake_spv.upload_count == 1
    assert (await submission(invoice))["attempts"] == 3


async def test_5xx_on_upload_is_treated_as_possibly_sent(settings, fake_spv, sent_ready):
    invoice, sid = sent_ready["invoice"], sent_ready["submission"]
    fake_spv.fail_next("upload", "processed500")  # the backend took it, the gateway failed
    assert (await efactura_send_step(sid, settings=settings)).state == "uploading"
    await make_due(invoice)
    assert (await efactura_send_step(sid, settings=settings)).state == "ok"
    assert fake_spv.upload_count == 1


async def test_poll_backs_off_on_limits_and_respects_the_daily_cap(settings, fake_spv, sent_ready):
    invoice, sid = sent_ready["invoice"], sent_ready["submission"]
    fake_spv.processing_polls = 5
    await efactura_send_step(sid, settings=settings)
    await make_due(invoice)
    fake_spv.fail_next("stareMesaj", "limit")
    step = await efactura_poll_step(sid, settings=settings)
    assert step.state == "uploaded"
    assert step.next_at - datetime.now(UTC) > timedelta(minutes=50)
    # 90 calls in the last 24 hours: no call at all, next try a day after the first.
    events = [
        EfacturaEvent(submission=sid, state_from="uploaded", state_to="uploaded",
                      detail=f"{CALL_STATUS} #{n}")
        for n in range(STATUS_DAILY_CAP)
    ]  # fmt: skip
    await EfacturaEvent.insert(*events)
    await make_due(invoice)
    calls = fake_spv.calls["stareMesaj"]
    step = await efactura_poll_step(sid, settings=settings)
    assert fake_spv.calls["stareMesaj"] == calls
    assert step.next_at - datetime.now(UTC) > timedelta(hours=23)


async def test_download_error_answer_in_json_is_retried_later(settings, fake_spv, sent_ready):
    invoice, sid = sent_ready["invoice"], sent_ready["submission"]
    await efactura_send_step(sid, settings=settings)
    await make_due(invoice)
    await efactura_poll_step(sid, settings=settings)
    fake_spv.fail_next("descarcare", "limit")
    step = await efactura_download_step(sid, settings=settings)
    assert (step.state, step.next_op) == ("ok", "download")
    assert not (await submission(invoice))["answer_path"]
    await make_due(invoice)
    assert (await efactura_download_step(sid, settings=settings)).detail.endswith(".zip")


# --------------------------------------------------------------------------- tokens


async def test_access_token_refused_by_anaf_is_refreshed_on_the_next_try(
    settings, fake_spv, sent_ready
):
    """ANAF revokes an access token long before its `exp` (a new authorisation elsewhere):
    the next step refreshes it instead of sending the refused one until it nears its end."""
    invoice, sid = sent_ready["invoice"], sent_ready["submission"]
    fake_spv.access_tokens.clear()  # revoked at ANAF
    step = await efactura_send_step(sid, settings=settings)
    assert step.state == "queued"
    assert fake_spv.upload_count == 0
    await make_due(invoice)
    assert (await efactura_send_step(sid, settings=settings)).state == "uploaded"
    assert fake_spv.calls["token"] == 1
    assert fake_spv.upload_count == 1
    # The same on a poll: refused once, refreshed, answered.
    fake_spv.access_tokens.clear()
    await make_due(invoice)
    assert (await efactura_poll_step(sid, settings=settings)).state == "uploaded"
    await make_due(invoice)
    assert (await efactura_poll_step(sid, settings=settings)).state == "ok"
    assert fake_spv.calls["token"] == 2


async def test_token_is_refreshed_before_it_expires_and_stored_encrypted(settings, fake_spv):
    ids = await issued_invoice()
    old = await connect(ids["company"], settings, fake_spv, access_ttl=timedelta(days=2))
    urls = AnafUrls.from_settings(settings)
    token = await access_token(ids["company"], urls=urls, secret=settings.secret, timeout=3)
    assert token != old["access_token"]
    assert fake_spv.calls["token"] == 1
    assert old["refresh_token"] not in fake_spv.refresh_tokens  # ANAF rotated it
    row = await connection_row(ids["company"])
    assert decrypt(row["access_token_enc"], settings.secret) == token
    assert decrypt(row["refresh_token_enc"], settings.secret) != old["refresh_token"]
    # Fresh now: no second refresh.
    assert await access_token(ids["company"], urls=urls, secret=settings.secret, timeout=3) == token
    assert fake_spv.calls["token"] == 1
    # Nothing readable at rest.
    raw = await AnafConnection.raw("SELECT * FROM anaf_conexiune")
    dump = repr(raw)
    for value in (token, old["refresh_token"], fake_spv.client_secret):
        assert value not in dump


async def test_refresh_token_end_is_warned_about(settings, fake_spv):
    ids = await issued_invoice()
    await connect(ids["company"], settings, fake_spv)
    await AnafConnection.update(
        {AnafConnection.refresh_expires_at: datetime.now(UTC) + timedelta(days=10)}
    ).where(AnafConnection.company == ids["company"])
    status = connection_status(await connection_row(ids["company"]))
    assert status["connected"]
    assert "expiră pe" in status["warning"]
    await AnafConnection.update(
        {AnafConnection.refresh_expires_at: datetime.now(UTC) - timedelta(days=1)}
    ).where(AnafConnection.company == ids["company"])
    status = connection_status(await connection_row(ids["company"]))
    assert not status["connected"]
    assert "a expirat" in status["warning"]


async def test_configure_keeps_the_client_secret_encrypted(settings):
    ids = await issued_invoice()
    await connection_configure(
        company_id=ids["company"], client_id="app-1", client_secret="foarte-secret",
        redirect_uri="https://erp.example.ro/api/efactura/oauth/callback",
        environment="prod", auto_send_hours=24, by=SYSTEM, secret=settings.secret,
    )  # fmt: skip
    row = await connection_row(ids["company"])
    assert row["client_secret_enc"] != "foarte-secret"
    assert decrypt(row["client_secret_enc"], settings.secret) == "foarte-secret"
    assert not connection_status(row)["connected"]  # configured, not yet authorised
    with pytest.raises(ValidationFailed):
        await connection_configure(
            company_id=ids["company"], client_id="app-1", client_secret=None,
            redirect_uri="ftp://x", environment="prod", auto_send_hours=24, by=SYSTEM,
            secret=settings.secret,
        )  # fmt: skip


# --------------------------------------------------------------------------- sweeper


async def test_due_work_and_automatic_sending(settings, fake_spv):
    ids = await issued_invoice()
    await connect(ids["company"], settings, fake_spv, auto_send_hours=24)
    assert await efactura_auto_queue() == []  # issued just now
    await Invoice.update({Invoice.issued_at: datetime.now(UTC) - timedelta(hours=25)}).where(
        Invoice.id == ids["invoice"]
    )
    assert await efactura_auto_queue() == [ids["invoice"]]
    assert (await submission(ids["invoice"]))["state"] == "queued"
    assert await efactura_auto_queue() == []  # once
    assert ("send", ids["invoice"]) in await efactura_due()
    row = await submission(ids["invoice"])
    await efactura_send_step(row["id"], settings=settings)
    assert ("poll", ids["invoice"]) not in await efactura_due()  # not yet
    await make_due(ids["invoice"])
    assert ("poll", ids["invoice"]) in await efactura_due()
    assert await EfacturaSubmission.count() == 1


async def test_zip_answer_reader_rejects_what_is_not_an_answer():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "nimic")
    with pytest.raises(AnafUnavailable) as caught:
        read_answer_zip(buffer.getvalue())
    assert caught.value.code == "ANAF_SPV_UNAVAILABLE"
