"""Generate and check an issued invoice's e-Factura XML before anything leaves.

The operations the state machine (domain/efactura/send_queue.py), the admin and the API call:
they read, never write. Validation is CPU work of 5-100 ms (and ~0.6 s the first time in a
process, to compile ANAF's rules), so it runs in a worker thread, off the event loop.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from anyio import to_thread

from domain.efactura.ubl import build_ubl, document_kind, invoice_ubl, ubl_data, upload_kind_for
from domain.efactura.validate import Finding, is_valid, validate_ubl
from domain.org.permissions import Action, Actor, Area, require
from tables.choices import UploadKind


@dataclass(frozen=True, slots=True)
class Prepared:
    """An invoice's XML as it would be sent, and what the official rules say about it."""

    invoice_id: int
    xml: bytes
    sha256: str
    document: str  # Invoice or CreditNote
    type_code: str  # as written in the XML (BR-RO-020)
    upload_kind: UploadKind
    findings: tuple[Finding, ...]

    @property
    def valid(self) -> bool:
        return is_valid(self.findings)


async def efactura_prepare(*, invoice_id: int, by: Actor) -> Prepared:
    """Generate the XML of an issued invoice and validate it (XSD + ANAF's rules)."""
    require(by, Area.sales, Action.read)
    data = await ubl_data(invoice_id)
    xml = build_ubl(data)
    findings = await to_thread.run_sync(validate_ubl, xml)
    document, type_code = document_kind(data)
    return Prepared(
        invoice_id=invoice_id,
        xml=xml,
        sha256=hashlib.sha256(xml).hexdigest(),
        document=document,
        type_code=type_code,
        upload_kind=upload_kind_for(data),
        findings=tuple(findings),
    )


async def efactura_check(*, invoice_id: int, by: Actor) -> list[Finding]:
    """The findings of the official rules on the invoice's XML (empty: ANAF-valid).

    Warnings are included; `validate.is_valid` tells whether anything is fatal.
    """
    require(by, Area.sales, Action.read)
    xml = await invoice_ubl(invoice_id)
    return await to_thread.run_sync(validate_ubl, xml)
