"""What arrives from SPV: the inbox of a company, read by a job, each message handled once.

`spv_receive(company_id, settings=...)` is the job's step:

1. list the company's messages of the last 60 days (listaMesajePaginatieFactura, every
   page) and record the new ones (`spv_mesaj`, unique (company, `message_id`), committed
   before any download: the database, not the job, knows what is left to do);
2. for every message not yet processed, oldest first:
   - «FACTURA PRIMITA»: the answer ZIP is downloaded once and kept under
     `DATA_DIR/efactura/spv/<company>/<id>.zip` (a ZIP already on disk is never fetched
     again: ANAF allows 10 downloads a message a day), ANAF's PDF is asked for
     (transformare, when it answers) and the invoice inside becomes a supplier invoice
     draft (`supplier_invoice_import`, unique per message). A draft someone imported by
     hand before takes the message instead (`supplier_invoice_link_spv`);
   - a buyer's message («MESAJ CUMPARATOR ...») and an error file of an upload this
     installation did not make («ERORI FACTURA») are downloaded and kept, their text
     added to the message's details;
   - «FACTURA TRIMISA» and the errors of our own uploads are only recorded: the sending
     side (domain/efactura/send_answer.py) downloads and keeps those answers with each invoice.
3. drafts from SPV still without ANAF's PDF get another try.

Every run is logged (`preluare_spv`: who asked, when it ran, what it brought, why it
stopped), so the admin shows when the inbox was last read and what came of it.

Resumable: a crash leaves messages unprocessed (done next run) or a ZIP on disk (read
from there), and a draft committed just before a crash is found by the unique message on
the next run (SPV_MESSAGE_ALREADY_IMPORTED), never imported twice. A message whose import
is refused (a supplier without a valid CUI ...) keeps the reason in `error` and is tried
again from its ZIP on later runs, without calling ANAF. ANAF being unavailable stops the
run (the job retries with back-off); what was done stays done.
"""

from __future__ import annotations

import asyncio
import logging
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from domain.core.errors import Conflict, DomainError, ValidationFailed
from domain.core.files import write_atomic
from domain.core.tx import is_unique_violation, write_tx
from domain.efactura.anaf import (
    AnafAuthFailed,
    AnafRefused,
    AnafUnavailable,
    AnswerZip,
    SpvListedMessage,
    read_answer_zip,
)
from domain.efactura.connection import company_cif, spv_client
from domain.efactura.receive_import import (
    issuer_cif,
    supplier_invoice_import,
    supplier_invoice_link_spv,
)
from domain.efactura.receive_ubl import ParsedInvoice, parse_ubl
from domain.org.permissions import SYSTEM
from tables.efactura import EfacturaSubmission, SpvFetch, SpvMessage, SupplierInvoice

__all__ = [
    "ParsedInvoice",
    "parse_ubl",
    "spv_receive",
    "supplier_invoice_import",
    "supplier_invoice_link_spv",
]

log = logging.getLogger("catastif")

WINDOW = timedelta(days=60)  # how far back ANAF lists (startTime at most 60 days back)
RECEIVED = "FACTURA PRIMITA"
ERRORS = "ERORI FACTURA"
SENT = "FACTURA TRIMISA"
PDF_RETRIES_PER_RUN = 20
_CHUNK = 500


class SpvInbox(Protocol):
    """What the receiving side needs of the SPV client (domain/efactura/anaf.AnafClient)."""

    async def messages(
        self, *, cif: str, start: datetime, end: datetime
    ) -> list[SpvListedMessage]: ...

    async def download(self, download_id: str) -> bytes: ...

    async def to_pdf(self, xml: bytes, *, credit_note: bool = False) -> bytes: ...


def spv_folder(company_id: int) -> str:
    """Where a company's received ZIPs and PDFs are kept, relative to DATA_DIR."""
    return f"efactura/spv/{company_id}"


def _now() -> datetime:
    return datetime.now(UTC)


# ------------------------------------------------------------------ 1. the list


async def _known(company_id: int, ids: list[str]) -> set[str]:
    """The ids this company's inbox already recorded. Another company's row with the same
    id is not this one's: ANAF lists one download id in both the seller's and the buyer's
    inbox, and both may be companies of this installation."""
    known: set[str] = set()
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        rows = await SpvMessage.select(SpvMessage.message_id).where(
            (SpvMessage.company == company_id) & SpvMessage.message_id.is_in(chunk)
        )
        known.update(r["message_id"] for r in rows)
    return known


def _row(company_id: int, m: SpvListedMessage) -> SpvMessage:
    return SpvMessage(
        company=company_id, message_id=m.id[:40], kind=m.kind[:60], cif=m.cif[:20],
        request_id=m.upload_index[:40], details=m.details, created=m.created,
    )  # fmt: skip


async def _record(company_id: int, listed: list[SpvListedMessage]) -> int:
    """Store the messages not seen before; how many were new."""
    for attempt in range(2):
        known = await _known(company_id, [m.id for m in listed])
        new = list({m.id: m for m in listed if m.id not in known}.values())
        if not new:
            return 0
        try:
            async with write_tx():
                for start in range(0, len(new), _CHUNK):
                    rows = [_row(company_id, m) for m in new[start : start + _CHUNK]]
                    await SpvMessage.insert(*rows)
            return len(new)
        except Exception as exc:
            if attempt == 0 and is_unique_violation(exc):
                continue  # another run recorded some of them meanwhile
            raise
    return 0


# ------------------------------------------------------------------ 2. each message


async def _mark(row_id: int, **changes: Any) -> None:
    values = {getattr(SpvMessage, k): v for k, v in changes.items()}
    async with write_tx():
        await SpvMessage.update(values).where(SpvMessage.id == row_id)


def _read_file(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


async def _zip(client: SpvInbox, row: dict[str, Any], data_dir: Path, summary: dict) -> AnswerZip:
    """The message's answer ZIP: from disk when it is there, else downloaded and kept."""
    relative = f"{spv_folder(row['company'])}/{row['message_id']}.zip"
    data = await asyncio.to_thread(_read_file, data_dir / relative)
    if data is not None:
        try:
            return read_answer_zip(data)
        except AnafUnavailable:  # a damaged file: fetch it again
            log.warning("SPV message %s: unreadable stored ZIP, downloading again", row["id"])
    data = await client.download(row["message_id"])
    await asyncio.to_thread(write_atomic, data_dir / relative, data)
    await _mark(row["id"], downloaded_at=_now(), zip_path=relative)
    row["zip_path"] = relative
    summary["downloaded"] += 1
    try:
        return read_answer_zip(data)
    except AnafUnavailable as exc:  # this message's archive, not ANAF, is the problem
        raise ValidationFailed(
            "SPV_ZIP_UNREADABLE",
            f"Arhiva mesajului SPV {row['message_id']} nu se poate citi ({exc.reason}); "
            "se descarcă din nou la următoarea preluare.",
            "The SPV message's archive cannot be read.",
        ) from exc


def _credit_note(xml: bytes) -> bool:
    """A CreditNote document (ANAF renders it with its own template, FCN)."""
    try:
        return ET.fromstring(xml).tag.endswith("}CreditNote")
    except ET.ParseError:
        return False


async def _pdf(
    client: SpvInbox, row: dict[str, Any], xml: bytes, credit_note: bool, data_dir: Path
) -> str:
    """ANAF's PDF of the invoice, kept beside the ZIP; "" when ANAF cannot give it now."""
    relative = f"{spv_folder(row['company'])}/{row['message_id']}.pdf"
    if (data_dir / relative).exists():
        return relative
    try:
        pdf = await client.to_pdf(xml, credit_note=credit_note)
    except (AnafUnavailable, AnafRefused) as exc:
        log.info("SPV message %s: no PDF from ANAF now (%s)", row["message_id"], exc)
        return ""
    await asyncio.to_thread(write_atomic, data_dir / relative, pdf)
    return relative


async def _import(
    client: SpvInbox, row: dict[str, Any], answer: AnswerZip, data_dir: Path, summary: dict
) -> None:
    if not answer.is_invoice:
        await _mark(row["id"], error="Arhiva ANAF nu conține o factură UBL.")
        summary["failed"] += 1
        return
    pdf_path = await _pdf(client, row, answer.main_xml, _credit_note(answer.main_xml), data_dir)
    try:
        await supplier_invoice_import(
            company_id=row["company"], xml=answer.main_xml, spv_message_id=row["id"],
            pdf_path=pdf_path, by=SYSTEM, issuer=issuer_cif(row["details"]),
        )  # fmt: skip
        summary["imported"] += 1
    except Conflict as exc:
        if exc.code == "SPV_MESSAGE_ALREADY_IMPORTED":
            pass  # imported by a run that stopped before marking it: done
        elif exc.code == "SUPPLIER_INVOICE_DUPLICATE":
            linked = await supplier_invoice_link_spv(
                supplier_invoice_id=exc.details["supplier_invoice_id"],
                spv_message_id=row["id"], pdf_path=pdf_path, by=SYSTEM,
            )  # fmt: skip
            if not linked:  # a second copy of an invoice already received by SPV
                await _mark(row["id"], processed_at=_now(), error=str(exc))
                return
            summary["linked"] += 1
        else:
            raise
    await _mark(row["id"], processed_at=_now(), error="")


def _texts(answer: AnswerZip) -> str:
    """A buyer's message or the errors of an error file, as text."""
    if answer.errors:
        return "Erori ANAF: " + "; ".join(answer.errors)
    try:
        message = ET.fromstring(answer.main_xml).get("message") or ""
    except ET.ParseError:
        message = ""
    return f"Mesaj: {message.strip()}" if message.strip() else ""


async def _ours(request_id: str) -> bool:
    """Whether an upload index is one of this installation's submissions."""
    return bool(request_id) and await EfacturaSubmission.exists().where(
        EfacturaSubmission.upload_index == request_id
    )


async def _handle(client: SpvInbox, row: dict[str, Any], data_dir: Path, summary: dict) -> None:
    kind = row["kind"] or ""
    if kind == RECEIVED:
        await _import(client, row, await _zip(client, row, data_dir, summary), data_dir, summary)
        return
    if kind == SENT or (kind == ERRORS and await _ours(row["request_id"])):
        await _mark(row["id"], processed_at=_now(), error="")  # kept with the invoice sent
        return
    answer = await _zip(client, row, data_dir, summary)
    text = _texts(answer)
    details = f"{row['details']}\n{text}".strip() if text else row["details"]
    await _mark(row["id"], processed_at=_now(), error="", details=details)


async def _pending(company_id: int) -> list[dict[str, Any]]:
    return (
        await SpvMessage.select(*SpvMessage._meta.columns)
        .where((SpvMessage.company == company_id) & SpvMessage.processed_at.is_null())
        .order_by(SpvMessage.id)
    )


# ------------------------------------------------------------------ 3. late PDFs


async def _late_pdfs(client: SpvInbox, company_id: int, data_dir: Path, summary: dict) -> None:
    rows = (
        await SupplierInvoice.select(
            SupplierInvoice.id,
            SupplierInvoice.xml,
            SupplierInvoice.spv_message.message_id.as_alias("message_id"),
        )
        .where(
            (SupplierInvoice.company == company_id)
            & SupplierInvoice.spv_message.is_not_null()
            & (SupplierInvoice.pdf_path == "")
        )
        .order_by(SupplierInvoice.id)
        .limit(PDF_RETRIES_PER_RUN)
    )
    for row in rows:
        xml = row["xml"].encode("utf-8")
        message = {"company": company_id, "message_id": row["message_id"]}
        relative = await _pdf(client, message, xml, _credit_note(xml), data_dir)
        if not relative:
            return  # ANAF's service is not answering: next run
        async with write_tx():
            await SupplierInvoice.update({SupplierInvoice.pdf_path: relative}).where(
                (SupplierInvoice.id == row["id"]) & (SupplierInvoice.pdf_path == "")
            )
        summary["pdfs"] += 1


# ------------------------------------------------------------------ the run's log

# summary key -> SpvFetch column
_LOGGED = {"listed": SpvFetch.listed, "new": SpvFetch.new_messages,
           "downloaded": SpvFetch.downloaded, "imported": SpvFetch.imported,
           "linked": SpvFetch.linked, "failed": SpvFetch.failed, "pdfs": SpvFetch.pdfs}  # fmt: skip


async def _run_started(company_id: int, requested_by: str) -> int:
    async with write_tx():
        row = SpvFetch(company=company_id, requested_by=requested_by[:150])
        await row.save()
    return row.id


async def _run_finished(run_id: int, summary: dict[str, int], error: str) -> None:
    values: dict[Any, Any] = {column: summary[key] for key, column in _LOGGED.items()}
    values |= {SpvFetch.finished_at: _now(), SpvFetch.error: error}
    async with write_tx():
        await SpvFetch.update(values).where(SpvFetch.id == run_id)


def _stopped_by(exc: BaseException) -> str:
    if isinstance(exc, DomainError):
        return str(exc)
    if isinstance(exc, asyncio.CancelledError):
        return "Oprită înainte de sfârșit (timpul lucrării a expirat sau serverul s-a oprit)."
    return f"Eroare neașteptată: {type(exc).__name__}"


# ------------------------------------------------------------------ the step


async def spv_receive(
    company_id: int,
    *,
    settings: Any,
    client: SpvInbox | None = None,
    now: datetime | None = None,
    requested_by: str = "",
) -> dict[str, int]:
    """List, record, download and import what SPV holds for `company_id` (see above).

    `client`: an SPV client to use (tests); by default the company's connection's.
    `requested_by`: who asked for the run (empty: the cron), for the run's log.
    Returns counts: listed, new, downloaded, imported, linked, failed, pdfs.
    """
    data_dir = Path(settings.data_dir)
    summary = dict.fromkeys(_LOGGED, 0)
    cif = await company_cif(company_id)
    run_id = await _run_started(company_id, requested_by)
    try:
        spv: Any = client if client is not None else await spv_client(company_id, settings)
        try:
            await _read_inbox(spv, company_id, cif, now or _now(), data_dir, summary)
        finally:
            if client is None:
                await spv.aclose()
    except BaseException as exc:
        await asyncio.shield(_run_finished(run_id, summary, _stopped_by(exc)))
        raise
    await _run_finished(run_id, summary, "")
    return summary


async def _read_inbox(
    spv: SpvInbox, company_id: int, cif: str, end: datetime, data_dir: Path, summary: dict
) -> None:
    # A few minutes inside the 60 days: ANAF refuses a startTime older than that.
    listed = await spv.messages(cif=cif, start=end - WINDOW + timedelta(minutes=5), end=end)
    summary["listed"] = len(listed)
    summary["new"] = await _record(company_id, listed)
    for row in await _pending(company_id):
        try:
            await _handle(spv, row, data_dir, summary)
        except (AnafUnavailable, AnafAuthFailed):
            raise  # ANAF is down or the connection needs authorising: retry later
        except DomainError as exc:  # refused import, a message ANAF would not give
            await _mark(row["id"], error=str(exc))
            summary["failed"] += 1
        except Exception as exc:  # a bug must not block the other messages
            log.exception("SPV message %s could not be handled", row["message_id"])
            await _mark(row["id"], error=f"Eroare neașteptată: {type(exc).__name__}")
            summary["failed"] += 1
    await _late_pdfs(spv, company_id, data_dir, summary)
