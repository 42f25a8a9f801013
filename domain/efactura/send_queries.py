"""e-Factura sending, the read model: an invoice's state, errors, event trail and
connection, and the way forward in Romanian (API, admin forms)."""

from __future__ import annotations

from typing import Any

from domain.core.errors import NotFound
from domain.efactura.connection import as_utc, connection_row, connection_status
from domain.efactura.send_machine import (
    S,
    stored_errors,
)
from domain.efactura.status import answer_pending, submission_for
from domain.org.permissions import Action, Actor, Area, require
from tables.efactura import EfacturaEvent
from tables.sales import Invoice

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


def next_step_ro(state: str | None, row: dict[str, Any] | None) -> str:
    if state is None:
        return "Validați factura (se generează XML-ul CIUS-RO și se verifică după regulile ANAF)."
    if row is not None and answer_pending(row):
        return (
            "ANAF a respins încărcarea; fișierul de erori se descarcă automat (poate arăta că "
            "factura era deja primită în SPV). Până atunci factura nu se anulează și nu se "
            "retrimite."
        )
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
        "send_after": as_utc(row["send_after"]),
        "next_check_at": as_utc(row["next_check_at"]),
        "uploaded_at": as_utc(row["uploaded_at"]),
        "finished_at": as_utc(row["finished_at"]),
        "xml_sha256": row["xml_sha256"],
        "has_answer": bool(row["answer_path"]),
        "errors": stored_errors(row),
        "events": [{**e, "at": as_utc(e["at"])} for e in events],
        "connection": connection,
        "next_step": next_step_ro(row["state"], row),
    }
