"""The SPV inbox against the fake ANAF server (a real HTTP server, tests/peers): received
invoices become supplier invoice drafts with their ZIP and ANAF's PDF, buyer messages and
foreign error files are recorded, nothing is downloaded or imported twice, a run stopped
by ANAF (or by a crash) is resumed by the next, and the cron job runs it per company on a
real SAQ worker."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import shutil
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from saq import Queue, Worker
from saq.job import Status

from domain.core.effects import install_dispatcher
from domain.efactura.anaf import AnafUnavailable
from domain.efactura.connection import spv_client
from domain.efactura.receive import spv_folder, spv_receive, supplier_invoice_import
from domain.efactura.secrets import encrypt
from domain.org.permissions import SYSTEM
from jobs.dispatch import queue_dispatcher
from jobs.efactura_receive import (
    RECEIVE_RETRIES,
    RECEIVE_RETRY_DELAY_S,
    RECEIVE_TIMEOUT_S,
    receive_key,
)
from jobs.queue import enqueue
from jobs.worker import worker_settings
from settings import Settings
from tables.efactura import (
    AnafConnection,
    SpvFetch,
    SpvMessage,
    SupplierInvoice,
    SupplierInvoiceLine,
)
from tables.partners import Partner
from tests.factories import make_client, make_company
from tests.ops.test_supplier_import import (
    OUR_CUI,
    SAMPLES,
    SUPPLIER_CUI,
    _money,
    romanian_invoice,
)
from tests.peers.fake_anaf_spv import FakeAnafSpv, shared_fake_spv

FAKE = shared_fake_spv()  # at import: the app's settings and workers talk to it
BUYER_MESSAGE = "MESAJ CUMPARATOR PRIMIT / MESAJ CUMPARATOR TRANSMIS"


@pytest.fixture
def fake() -> FakeAnafSpv:
    FAKE.reset()
    return FAKE


@pytest.fixture
def spv_settings(settings: Settings, fake: FakeAnafSpv, tmp_path: Path) -> Settings:
    return dataclasses.replace(settings, data_dir=tmp_path, **fake.settings_overrides())


async def connected_company(settings: Settings, fake: FakeAnafSpv, **values: Any) -> int:
    """A company whose SPV connection is authorised (tokens issued by the fake); `values`
    change the factory's company (another CUI...)."""
    company = await make_company(**values)
    # The app's DATA_DIR outlives the test database, and the fake numbers its messages
    # from the same start every test: no ZIP of an earlier test's company may be read.
    shutil.rmtree(settings.data_dir / spv_folder(company), ignore_errors=True)
    tokens = fake.issue_tokens()
    now = datetime.now(UTC)
    await AnafConnection(
        company=company,
        environment="test",
        client_id=fake.client_id,
        client_secret_enc=encrypt(fake.client_secret, settings.secret),
        redirect_uri="http://127.0.0.1/api/efactura/oauth/callback",
        access_token_enc=encrypt(tokens["access_token"], settings.secret),
        refresh_token_enc=encrypt(tokens["refresh_token"], settings.secret),
        access_expires_at=now + timedelta(days=90),
        refresh_expires_at=now + timedelta(days=365),
        enabled=True,
    ).save()
    return company


def _credit_note() -> bytes:
    text = (SAMPLES / "derived" / "valid_creditnote_RON_21_11.xml").read_text()
    return (
        text.replace("RO12345678", f"RO{SUPPLIER_CUI}")
        .replace("RO87654321", f"RO{OUR_CUI}")
        .replace("DEMO2025-0001", "CN-1")
        .encode()
    )


def _buyer_message(index: str, text: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<header xmlns="mfp:anaf:dgti:spv:reqMesaj:v1" '
        f'index_incarcare="{index}" message="{text}"/>'
    ).encode()


def _error_file(index: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<header xmlns="mfp:anaf:dgti:efactura:'
        f'mesajEroriFactuta:v1" Index_incarcare="{index}" Cif_emitent="{OUR_CUI}">'
        '<Error errorMessage="E: [BR-RO-010] numarul facturii trebuie sa contina cifre"/>'
        "</header>"
    ).encode()


async def _messages() -> dict[str, dict]:
    rows = await SpvMessage.select().order_by(SpvMessage.id)
    return {r["message_id"]: r for r in rows}


async def test_inbox_becomes_drafts_and_records_once(spv_settings: Settings, fake: FakeAnafSpv):
    company = await connected_company(spv_settings, fake)
    invoice = fake.add_received(romanian_invoice("F-1").encode(), cif=OUR_CUI)
    credit = fake.add_received(_credit_note(), cif=OUR_CUI)
    asked = fake.add_received(
        _buyer_message("5001000999", "Vă rugăm refaceți factura"), cif=OUR_CUI, kind=BUYER_MESSAGE
    )
    errors = fake.add_received(_error_file("5001000998"), cif=OUR_CUI, kind="ERORI FACTURA")
    fake.add_received(romanian_invoice("ALTA").encode(), cif="12345674")  # another company's

    summary = await spv_receive(company, settings=spv_settings)
    assert summary == {"listed": 4, "new": 4, "downloaded": 4, "imported": 2, "linked": 0,
                       "failed": 0, "pdfs": 0}  # fmt: skip
    messages = await _messages()
    assert set(messages) == {invoice.id, credit.id, asked.id, errors.id}
    assert all(m["processed_at"] is not None and m["error"] == "" for m in messages.values())
    assert messages[invoice.id]["kind"] == "FACTURA PRIMITA"
    assert messages[invoice.id]["request_id"] == invoice.upload_index
    assert messages[invoice.id]["created"] is not None
    assert "Mesaj: Vă rugăm refaceți factura" in messages[asked.id]["details"]
    assert "Erori ANAF: E: [BR-RO-010]" in messages[errors.id]["details"]
    for message in messages.values():
        stored = spv_settings.data_dir / message["zip_path"]
        assert stored.read_bytes()[:2] == b"PK"

    drafts = await SupplierInvoice.select().order_by(SupplierInvoice.id)
    assert [(d["number"], d["type_code"], d["status"]) for d in drafts] == [
        ("F-1", "380", "draft"),
        ("CN-1", "381", "draft"),
    ]
    assert [d["spv_message"] for d in drafts] == [
        messages[invoice.id]["id"],
        messages[credit.id]["id"],
    ]
    assert [_money(d["payable"]) for d in drafts] == [Decimal("1321.00"), Decimal("-1321.00")]
    for draft in drafts:
        assert draft["xml"].startswith("<?xml")
        assert (spv_settings.data_dir / draft["pdf_path"]).read_bytes().startswith(b"%PDF")
    assert await SupplierInvoiceLine.count() == 4
    assert await Partner.count() == 1
    assert fake.calls["descarcare"] == 4
    assert fake.calls["transformare"] == 2
    rendered = [r["path"].split("/")[-2] for r in fake.requests if r["op"] == "transformare"]
    assert sorted(rendered) == ["FACT1", "FCN"]  # a credit note has ANAF's own template

    # The next run finds nothing new: no download, no import, no second draft.
    again = await spv_receive(company, settings=spv_settings)
    assert (again["new"], again["downloaded"], again["imported"]) == (0, 0, 0)
    assert fake.calls["descarcare"] == 4
    assert await SupplierInvoice.count() == 2


@pytest.mark.parametrize("first", ["seller", "buyer"])
async def test_an_invoice_between_two_of_our_companies_reaches_both_inboxes(
    spv_settings: Settings, fake: FakeAnafSpv, first: str
):
    """Two companies of one installation invoice each other: ANAF lists one download id in
    both inboxes, the seller's «FACTURA TRIMISA» and the buyer's «FACTURA PRIMITA». Each
    company keeps its own message, and the buyer gets its supplier invoice draft, whichever
    inbox is read first."""
    seller = await connected_company(spv_settings, fake, name="Demo Furnizor SRL", cui=SUPPLIER_CUI)
    buyer = await connected_company(spv_settings, fake)
    async with await spv_client(seller, spv_settings) as client:
        upload = await client.upload(
            romanian_invoice("F-77").encode(), cif=SUPPLIER_CUI, kind="standard"
        )
    (download_id,) = {m.id for m in fake.messages if m.upload_index == upload.index}

    order = [seller, buyer] if first == "seller" else [buyer, seller]
    summaries = {c: await spv_receive(c, settings=spv_settings) for c in order}

    assert summaries[seller]["new"] == summaries[buyer]["new"] == 1
    assert (summaries[seller]["imported"], summaries[buyer]["imported"]) == (0, 1)
    rows = await SpvMessage.select().where(SpvMessage.message_id == download_id)
    assert {(r["company"], r["kind"]) for r in rows} == {
        (seller, "FACTURA TRIMISA"),
        (buyer, "FACTURA PRIMITA"),
    }
    assert all(r["processed_at"] is not None and r["error"] == "" for r in rows)
    (draft,) = await SupplierInvoice.select().where(SupplierInvoice.number == "F-77")
    received = next(r for r in rows if r["company"] == buyer)
    assert (draft["company"], draft["spv_message"]) == (buyer, received["id"])
    # The buyer's copy of the ZIP is its own, in its own folder.
    assert received["zip_path"].startswith(f"{spv_folder(buyer)}/")


async def test_every_page_of_the_60_days_is_read(spv_settings: Settings, fake: FakeAnafSpv):
    company = await connected_company(spv_settings, fake)
    fake.page_size = 2  # ANAF pages by 500; five messages make three pages here
    sent = [fake.add_received(romanian_invoice(f"F-{n}").encode(), cif=OUR_CUI) for n in range(5)]
    summary = await spv_receive(company, settings=spv_settings)
    assert (summary["listed"], summary["new"], summary["imported"]) == (5, 5, 5)
    assert set(await _messages()) == {m.id for m in sent}
    pages = sorted(r["params"]["pagina"] for r in fake.requests if r["op"] == "lista")
    assert pages == ["1", "2", "3"]
    window = next(r["params"] for r in fake.requests if r["op"] == "lista")
    days = (int(window["endTime"]) - int(window["startTime"])) / 86_400_000
    assert 59.9 < days < 60  # the whole window ANAF allows, a little inside it


async def test_two_runs_at_once_import_each_invoice_once(spv_settings: Settings, fake: FakeAnafSpv):
    """The job key keeps one run per company in flight; should two run anyway (a second
    worker, a key lost with Redis), the database still makes one draft per message."""
    company = await connected_company(spv_settings, fake)
    for n in range(3):
        fake.add_received(romanian_invoice(f"F-{n}").encode(), cif=OUR_CUI)
    runs = await asyncio.gather(
        spv_receive(company, settings=spv_settings), spv_receive(company, settings=spv_settings)
    )
    assert sum(r["new"] for r in runs) == 3
    assert sum(r["imported"] for r in runs) == 3
    assert sum(r["failed"] for r in runs) == 0
    assert await SpvMessage.count() == 3
    assert await SupplierInvoice.count() == 3
    assert await Partner.count() == 1
    assert all(m["processed_at"] is not None for m in (await _messages()).values())


async def test_a_stopped_run_is_resumed_and_nothing_is_done_twice(
    spv_settings: Settings, fake: FakeAnafSpv
):
    company = await connected_company(spv_settings, fake)
    first = fake.add_received(romanian_invoice("F-1").encode(), cif=OUR_CUI)
    second = fake.add_received(romanian_invoice("F-2").encode(), cif=OUR_CUI)
    fake.fail_next("descarcare", "http503")  # ANAF fails the first download
    with pytest.raises(AnafUnavailable):
        await spv_receive(company, settings=spv_settings)
    # The list was recorded before any download: the database knows what is left.
    messages = await _messages()
    assert set(messages) == {first.id, second.id}
    assert all(m["processed_at"] is None for m in messages.values())
    assert await SupplierInvoice.count() == 0

    resumed = await spv_receive(company, settings=spv_settings)
    assert (resumed["new"], resumed["imported"]) == (0, 2)
    assert await SupplierInvoice.count() == 2
    # Each run is logged, with why it stopped: what the admin shows as «Preluări SPV».
    stopped, done = await SpvFetch.select().order_by(SpvFetch.id)
    assert (stopped["new_messages"], stopped["imported"], stopped["requested_by"]) == (2, 0, "")
    assert stopped["finished_at"] is not None
    assert "ANAF" in stopped["error"]
    assert (done["new_messages"], done["imported"], done["error"]) == (0, 2, "")

    # A crash after a draft was committed but before its message was marked processed:
    # the next run finds the draft by the message (unique) and reads the ZIP from disk.
    row = (await _messages())[first.id]
    await SpvMessage.update({SpvMessage.processed_at: None}).where(SpvMessage.id == row["id"])
    downloads = fake.calls["descarcare"]
    after = await spv_receive(company, settings=spv_settings)
    assert (after["downloaded"], after["imported"], after["failed"]) == (0, 0, 0)
    assert fake.calls["descarcare"] == downloads
    assert (await _messages())[first.id]["processed_at"] is not None
    assert await SupplierInvoice.count() == 2


async def test_refused_import_is_retried_from_the_stored_zip(
    spv_settings: Settings, fake: FakeAnafSpv
):
    """A supplier whose CUI fails the check digit (ANAF's samples): refused, kept with its
    reason, imported once the supplier is registered — without downloading again."""
    company = await connected_company(spv_settings, fake)
    xml = (SAMPLES / "derived" / "valid_invoice_RON_21_11.xml").read_text()
    message = fake.add_received(xml.replace("RO87654321", f"RO{OUR_CUI}").encode(), cif=OUR_CUI)
    summary = await spv_receive(company, settings=spv_settings)
    assert (summary["downloaded"], summary["failed"], summary["imported"]) == (1, 1, 0)
    row = (await _messages())[message.id]
    assert row["processed_at"] is None
    assert "SUPPLIER_CUI_INVALID" in row["error"]

    await make_client(name="Demo Furnizor SRL", cui=SUPPLIER_CUI, roles=["supplier"])
    retried = await spv_receive(company, settings=spv_settings)
    assert (retried["downloaded"], retried["imported"]) == (0, 1)
    assert fake.calls["descarcare"] == 1
    row = (await _messages())[message.id]
    assert (row["processed_at"] is not None, row["error"]) == (True, "")


async def test_hand_imported_draft_takes_the_message(spv_settings: Settings, fake: FakeAnafSpv):
    company = await connected_company(spv_settings, fake)
    xml = romanian_invoice("F-9").encode()
    draft = await supplier_invoice_import(company_id=company, xml=xml, by=SYSTEM)
    message = fake.add_received(xml, cif=OUR_CUI)
    summary = await spv_receive(company, settings=spv_settings)
    assert (summary["imported"], summary["linked"]) == (0, 1)
    row = await SupplierInvoice.select().where(SupplierInvoice.id == draft).first()
    assert row["spv_message"] == (await _messages())[message.id]["id"]
    assert row["pdf_path"]
    assert await SupplierInvoice.count() == 1


async def test_pdf_missing_at_import_is_fetched_later(spv_settings: Settings, fake: FakeAnafSpv):
    company = await connected_company(spv_settings, fake)
    fake.add_received(romanian_invoice("F-1").encode(), cif=OUR_CUI)
    # At import, and again at the run's end (drafts still without a PDF).
    fake.fail_next("transformare", "http503", times=2)
    summary = await spv_receive(company, settings=spv_settings)
    assert (summary["imported"], summary["pdfs"]) == (1, 0)
    assert (await SupplierInvoice.select(SupplierInvoice.pdf_path).first())["pdf_path"] == ""
    later = await spv_receive(company, settings=spv_settings)
    assert later["pdfs"] == 1
    path = (await SupplierInvoice.select(SupplierInvoice.pdf_path).first())["pdf_path"]
    assert (spv_settings.data_dir / path).read_bytes().startswith(b"%PDF")


# ------------------------------------------------------------------ the job on a worker


async def _registered(queue: Queue, worker_id: str | None) -> None:
    for _ in range(300):
        workers = (await queue.info()).get("workers") or {}
        if (worker_id in workers) if worker_id else workers:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("no SAQ worker registered on the queue")


@pytest.fixture(scope="module")
async def queue(app: Litestar, settings: Settings) -> AsyncIterator[Queue]:
    """The app's queue, with a worker behind it (in-process, or one started here)."""
    queue: Queue = app.state.queue
    if settings.run_worker_in_process:
        await _registered(queue, None)
        yield queue
        return
    worker = Worker(**worker_settings(queue, settings, grace_s=1))
    worker.SIGNALS = []
    task = asyncio.create_task(worker.start())
    await _registered(queue, str(worker.id))
    yield queue
    await worker.stop()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def test_the_cron_receives_for_each_connected_company(
    queue: Queue, settings: Settings, fake: FakeAnafSpv
):
    assert settings.anaf_api_url == fake.url  # the worker talks to the fake, not to ANAF
    company = await connected_company(settings, fake)
    await make_company(name="Fără SPV SRL", cui="12345674")  # not connected: not asked
    fake.add_received(romanian_invoice("F-1").encode(), cif=OUR_CUI)
    job = await enqueue(
        queue, "efactura_receive_daily", key="efactura:receive-daily:test", timeout=60,
        retries=1,
    )  # fmt: skip
    assert job is not None
    await job.refresh(until_complete=30)
    assert job.status == Status.COMPLETE, job.error
    assert job.result == {"companies": 1, "enqueued": 1}
    deadline = time.monotonic() + 30
    while await SupplierInvoice.count() == 0 and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    row = await SupplierInvoice.select().first()
    assert (row["company"], row["number"]) == (company, "F-1")
    assert fake.calls["lista"] == 1


async def _post_form(client, name: str, body: dict):
    forms = (await client.get("/admin/api/forms/")).json()
    (slug,) = [f["slug"] for f in forms if f["name"] == name]
    return await client.post(f"/admin/api/forms/{slug}/", json=body)


async def test_fetch_now_from_the_admin(queue: Queue, settings: Settings, fake: FakeAnafSpv, login):
    """«Preia acum din SPV» queues the cron's job for the company (same key, timeout,
    retries, back-off); the run shows in «Preluări SPV» with who asked and what it
    brought, and the inbox and the draft in their admin lists."""
    company = await connected_company(settings, fake)
    message = fake.add_received(romanian_invoice("F-7").encode(), cif=OUR_CUI)
    admin = await login("accountant")
    install_dispatcher(queue_dispatcher(queue))
    try:
        answer = await _post_form(admin, "Preia acum din SPV", {"company": OUR_CUI})
    finally:
        install_dispatcher(None)
    assert answer.status_code == 200, answer.text
    assert "Preluarea din SPV a pornit" in answer.text
    job = await queue.job(receive_key(company))
    assert job is not None
    assert job.kwargs["company_id"] == company
    assert (job.timeout, job.retries, job.retry_delay, job.retry_backoff) == (
        RECEIVE_TIMEOUT_S, RECEIVE_RETRIES, RECEIVE_RETRY_DELAY_S, True
    )  # fmt: skip
    await job.refresh(until_complete=60)
    assert job.status == Status.COMPLETE, job.error

    runs = (await admin.get("/admin/api/tables/preluare_spv/")).json()["rows"]
    assert len(runs) == 1
    assert runs[0]["requested_by"].startswith("accountant-")
    assert (runs[0]["new_messages"], runs[0]["imported"], runs[0]["error"]) == (1, 1, "")
    assert runs[0]["finished_at"] is not None
    schema = (await admin.get("/admin/api/tables/preluare_spv/schema/")).json()
    assert schema["properties"]["imported"]["title"] == "Facturi importate"
    # The SPV inbox: the message, processed, and the draft it became.
    inbox = (await admin.get("/admin/api/tables/spv_mesaj/")).json()["rows"]
    assert [(m["message_id"], m["kind"], m["error"]) for m in inbox] == [
        (message.id, "FACTURA PRIMITA", "")
    ]
    assert inbox[0]["processed_at"] is not None
    assert f"cif_emitent={SUPPLIER_CUI}" in inbox[0]["details"]
    drafts = (await admin.get("/admin/api/tables/factura_furnizor/")).json()["rows"]
    assert [(d["number"], d["spv_message"]) for d in drafts] == [("F-7", inbox[0]["id"])]

    # Without a job queue the request is refused, never lost silently.
    again = await _post_form(admin, "Preia acum din SPV", {"company": OUR_CUI})
    assert again.status_code != 200
    assert "JOB_QUEUE_UNAVAILABLE" in again.text
    # A company without an authorised connection is told what to do.
    await AnafConnection.update({AnafConnection.enabled: False}).where(
        AnafConnection.company == company
    )
    refused = await _post_form(admin, "Preia acum din SPV", {"company": OUR_CUI})
    assert refused.status_code != 200
    assert "SPV_NOT_CONNECTED" in refused.text
    assert "conexiune SPV" in refused.text
    # Who may not import may not fetch either; the runs are not theirs to see.
    sales = await login("sales")
    assert (await sales.get("/admin/api/tables/preluare_spv/")).status_code == 403
    denied = await _post_form(sales, "Preia acum din SPV", {"company": OUR_CUI})
    assert denied.status_code != 200
    assert await SpvFetch.count() == 1
