"""e-Factura sending, what a person (or the automatic sending) asks: generate and
validate the XML (`efactura_prepare`), queue it (`efactura_queue`), check ANAF now
(`efactura_refresh`). Each commits the row and its event and enqueues the step after commit."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.core.effects import enqueue_after_commit
from domain.core.errors import Conflict, NotFound, ValidationFailed
from domain.core.tx import for_update, write_tx
from domain.efactura import checks
from domain.efactura.connection import as_utc, connection_row, connection_status
from domain.efactura.send_machine import (
    S,
    add_event,
    invoice_state_copy,
    locked_row,
    stored_errors,
    update_row,
    utcnow,
)
from domain.efactura.send_queries import efactura_get
from domain.efactura.status import answer_pending, submission_for
from domain.org.permissions import SYSTEM, Action, Actor, Area, require
from tables.efactura import EfacturaSubmission
from tables.sales import Invoice

PREPARABLE = {S.invalid, S.validated, S.rejected, S.nok}


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
            EfacturaSubmission.select(
                EfacturaSubmission.id, EfacturaSubmission.state, EfacturaSubmission.download_id,
                EfacturaSubmission.answer_path,
            ).where(EfacturaSubmission.invoice == invoice_id)
        ).first()  # fmt: skip
        if existing is None:
            row = EfacturaSubmission(
                {c._meta.name: v for c, v in values.items()}
                | {"invoice": invoice_id, "company": invoice["company"]}
            )
            await row.save()
            await invoice_state_copy(state, invoice_id=invoice_id)
            await add_event(row.id, "", state, detail)
        else:
            if existing["state"] not in PREPARABLE or answer_pending(existing):
                raise _in_progress(invoice_id, existing["state"])
            await update_row(existing["id"], values)
            await add_event(existing["id"], existing["state"], state, detail)
    return await efactura_get(invoice_id=invoice_id, by=SYSTEM)


def _in_progress(invoice_id: int, state: str) -> Conflict:
    if state == S.queued:
        text = "Factura este deja în coada de trimitere în SPV."
    elif state == S.ok:
        text = "Factura a fost deja acceptată de ANAF; nu se mai trimite."
    elif state == S.nok:
        text = (
            "ANAF a respins încărcarea, dar fișierul de erori nu a fost încă descărcat (poate "
            "arăta că factura era deja primită în SPV); încercați după ce este descărcat."
        )
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
        errors = [e for e in stored_errors(current) if e.get("severity") != "warning"]
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
    send_after = as_utc(when) or utcnow()
    async with write_tx():
        row = await locked_row(current["id"])
        if row["state"] not in {S.validated, S.queued}:
            raise _in_progress(invoice_id, row["state"])
        await update_row(row["id"], {EfacturaSubmission.state: S.queued,
                                  EfacturaSubmission.send_after: send_after,
                                  EfacturaSubmission.next_check_at: send_after})  # fmt: skip
        await add_event(row["id"], row["state"], S.queued,
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
    now = utcnow()
    async with write_tx():
        row = await locked_row(current["id"])
        op = None
        if row["state"] == S.uploaded:
            op = "poll"
        elif row["state"] in {S.ok, S.nok} and row["download_id"] and not row["answer_path"]:
            op = "download"
        elif row["state"] == S.queued or (
            row["state"] == S.uploading and (as_utc(row["next_check_at"]) or now) <= now
        ):
            op = "send"
        if op is not None:
            if row["state"] != S.queued or (as_utc(row["send_after"]) or now) <= now:
                await update_row(row["id"], {EfacturaSubmission.next_check_at: now})
            await add_event(
                row["id"], row["state"], row["state"], f"Actualizare cerută de {by.name}"
            )
            enqueue_after_commit(f"efactura_{op}", invoice_id=invoice_id, at=None)
    return await efactura_get(invoice_id=invoice_id, by=SYSTEM)
