"""e-Factura sending: the state machine's persistence, shared by every step.

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

Here: the row under lock, a move with its event, the event trail (what was
called when: the daily caps count it), the delays and caps, `Step`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from domain.core.errors import DomainError, NotFound
from domain.core.tx import for_update, write_tx
from domain.efactura.anaf import AnafClient, AnafUnavailable
from domain.efactura.connection import as_utc, spv_client
from tables.choices import EfacturaState
from tables.efactura import EfacturaEvent, EfacturaSubmission
from tables.sales import Invoice

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

# Event details start with these: the daily caps count them.
CALL_UPLOAD = "Încărcare în SPV"
CALL_STATUS = "Interogare stareMesaj"
CALL_DOWNLOAD = "Descărcare răspuns"
CALL_LIST = "Căutare în lista de mesaje SPV"


@dataclass(frozen=True, slots=True)
class Step:
    """What a step left: the state, and which job should run next and when."""

    state: str
    next_op: str | None = None  # send | poll | download
    next_at: datetime | None = None
    detail: str = ""


def utcnow() -> datetime:
    return datetime.now(UTC)


def stored_errors(row: dict[str, Any]) -> list[dict[str, str]]:
    value = row.get("errors")
    if isinstance(value, str):
        value = json.loads(value or "[]")
    return list(value or [])


def anaf_findings(messages: list[str]) -> list[dict[str, str]]:
    """ANAF's messages as findings; «[BR-RO-065]-text» keeps its rule id."""
    out = []
    for text in messages:
        rule = "ANAF"
        if text.startswith("[") and "]" in text:
            rule = text[1 : text.index("]")]
        out.append({"rule": rule, "severity": "fatal", "message": text, "location": ""})
    return out


# --------------------------------------------------------------------------- rows


async def add_event(submission_id: int, state_from: str, state_to: str, detail: str) -> None:
    await EfacturaEvent.insert(
        EfacturaEvent(
            submission=submission_id, state_from=state_from, state_to=state_to, detail=detail
        )
    )


async def submission_row(submission_id: int) -> dict[str, Any]:
    row = (
        await EfacturaSubmission.select(*EfacturaSubmission._meta.columns)
        .where(EfacturaSubmission.id == submission_id)
        .first()
    )
    if row is None:
        raise NotFound("EFACTURA_NOT_FOUND", "Nu există trimiterea e-Factura.", "No submission.")
    return row


async def locked_row(submission_id: int, *, with_invoice: bool = False) -> dict[str, Any]:
    """The submission row under lock (and first its invoice's row, the order cancel uses)."""
    if with_invoice:
        plain = await submission_row(submission_id)
        await for_update(Invoice.select(Invoice.id).where(Invoice.id == plain["invoice"])).first()
    row = await for_update(
        EfacturaSubmission.select(*EfacturaSubmission._meta.columns).where(
            EfacturaSubmission.id == submission_id
        )
    ).first()
    if row is None:
        raise NotFound("EFACTURA_NOT_FOUND", "Nu există trimiterea e-Factura.", "No submission.")
    return row


async def update_row(submission_id: int, values: dict[Any, Any]) -> None:
    values[EfacturaSubmission.updated_at] = utcnow()
    await EfacturaSubmission.update(values).where(EfacturaSubmission.id == submission_id)
    if EfacturaSubmission.state in values:
        await invoice_state_copy(values[EfacturaSubmission.state], submission_id=submission_id)


async def invoice_state_copy(
    state: str, *, submission_id: int | None = None, invoice_id: int | None = None
) -> None:
    """The state copied onto the invoice, in the same transaction as the move: the
    admin's invoice list shows and filters it (piccolo-admin lists one table)."""
    if invoice_id is None:
        await Invoice.raw(
            "UPDATE factura SET efactura_state = {} "
            "WHERE id = (SELECT invoice FROM efactura WHERE id = {})",
            str(state), submission_id,
        )  # fmt: skip
    else:
        await Invoice.update({Invoice.efactura_state: state}).where(Invoice.id == invoice_id)


async def move(
    submission_id: int, expected: set[str], to: str | None, values: dict[Any, Any], detail: str
) -> dict[str, Any] | None:
    """In one transaction: if the row is still in `expected`, apply `values` (and the
    state `to`) and write the event. None when someone else moved it meanwhile."""
    async with write_tx():
        row = await locked_row(submission_id)
        if row["state"] not in expected:
            await add_event(submission_id, row["state"], row["state"],
                         f"{detail} (ignorat: starea devenise «{row['state']}»)")  # fmt: skip
            return None
        if to is not None:
            values[EfacturaSubmission.state] = to
        await update_row(submission_id, values)
        await add_event(submission_id, row["state"], to or row["state"], detail)
        return {**row, "state": to or row["state"]}


async def calls_today(submission_id: int, prefix: str) -> list[datetime]:
    since = utcnow() - timedelta(days=1)
    rows = (
        await EfacturaEvent.select(EfacturaEvent.at)
        .where(
            (EfacturaEvent.submission == submission_id)
            & (EfacturaEvent.at >= since)
            & EfacturaEvent.detail.like(f"{prefix}%")
        )
        .order_by(EfacturaEvent.at)
    )
    return [as_utc(r["at"]) for r in rows]  # type: ignore[misc]


async def upload_started(submission_id: int) -> datetime | None:
    row = (
        await EfacturaEvent.select(EfacturaEvent.at)
        .where(
            (EfacturaEvent.submission == submission_id)
            & EfacturaEvent.detail.like(f"{CALL_UPLOAD}%")
        )
        .order_by(EfacturaEvent.id, ascending=False)
        .first()
    )
    return as_utc(row["at"]) if row else None


async def client_or_wait(row: dict[str, Any], settings: Any) -> AnafClient | Step:
    try:
        return await spv_client(row["company"], settings)
    except (DomainError, AnafUnavailable) as exc:
        at = utcnow() + AUTH_RETRY
        await move(row["id"], {row["state"]}, None, {EfacturaSubmission.next_check_at: at},
                    f"Nu s-a putut obține tokenul SPV: {exc.message_ro}")  # fmt: skip
        return Step(row["state"], None, at, exc.message_ro)
