"""What the sales side needs to know of an invoice's way to ANAF, without depending on
the rest of e-Factura: whether it (possibly) reached SPV, so it may no longer be cancelled."""

from __future__ import annotations

from typing import Any

from tables.choices import EfacturaState as S
from tables.efactura import EfacturaSubmission

SENT = frozenset({S.uploading, S.uploaded, S.ok})  # (possibly) in SPV: no cancel, no resend


def answer_pending(row: dict[str, Any]) -> bool:
    """A «nok» whose error file is not read yet. It may be ANAF refusing a second upload of
    an invoice it already accepted (the file names the first index, which the download step
    then follows), so until it is read the invoice may be in SPV."""
    return row["state"] == S.nok and bool(row["download_id"]) and not row["answer_path"]


async def submission_for(invoice_id: int) -> dict[str, Any] | None:
    return (
        await EfacturaSubmission.select(*EfacturaSubmission._meta.columns)
        .where(EfacturaSubmission.invoice == invoice_id)
        .first()
    )


async def efactura_blocks_cancel(invoice_id: int) -> str | None:
    """Why the invoice may not be cancelled (Romanian), or None: only what never reached
    ANAF (and cannot have) is cancelled; what did needs a credit note."""
    row = await submission_for(invoice_id)
    if row is None or (row["state"] not in SENT and not answer_pending(row)):
        return None
    if answer_pending(row):
        return (
            "ANAF a respins încărcarea, dar fișierul lui de erori nu a fost încă descărcat: "
            "poate arăta că factura era deja primită în SPV. Se poate anula după ce este citit."
        )
    if row["state"] == S.ok:
        return (
            f"Factura a fost transmisă în SPV (index {row['upload_index']}) și acceptată de "
            "ANAF: nu se mai anulează; emiteți o factură de stornare."
        )
    return (
        "Factura este în curs de transmitere la ANAF: nu se poate anula acum. Dacă ANAF o "
        "respinge se poate anula; dacă o acceptă, se stornează."
    )
