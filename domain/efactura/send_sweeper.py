"""e-Factura sending, what the sweeper (a cron every minute) finds in the database:
the steps due now, and the invoices of companies that send automatically."""

from __future__ import annotations

import logging
from datetime import timedelta

from domain.core.errors import DomainError
from domain.efactura.connection import connection_row, connection_status
from domain.efactura.send_machine import S, utcnow
from domain.efactura.send_queue import efactura_queue
from domain.org.permissions import SYSTEM
from tables.choices import DocStatus
from tables.efactura import EfacturaSubmission
from tables.sales import Invoice

AUTO_SEND_LOOKBACK = timedelta(days=30)  # older invoices are sent by a person, not a cron

log = logging.getLogger("catastif")


async def efactura_due(limit: int = 500) -> list[tuple[str, int]]:
    """(op, invoice id) of the work the database says is due: queued past send_after,
    uploads whose outcome must be looked for, polls, answers to download."""
    now = utcnow()
    rows = (
        await EfacturaSubmission.select(
            EfacturaSubmission.invoice, EfacturaSubmission.state,
            EfacturaSubmission.download_id, EfacturaSubmission.answer_path,
        )
        .where(
            EfacturaSubmission.state.is_in([S.queued, S.uploading, S.uploaded, S.ok, S.nok])
            & (EfacturaSubmission.next_check_at <= now)
        )
        .order_by(EfacturaSubmission.next_check_at)
        .limit(limit)
    )  # fmt: skip
    out = []
    for r in rows:
        if r["state"] in (S.queued, S.uploading):
            out.append(("send", r["invoice"]))
        elif r["state"] == S.uploaded:
            out.append(("poll", r["invoice"]))
        elif r["download_id"] and not r["answer_path"]:
            out.append(("download", r["invoice"]))
    return out


async def efactura_auto_queue(limit: int = 50) -> list[int]:
    """Queue the invoices whose company sends automatically, `auto_send_hours` after
    issue (issued in the last AUTO_SEND_LOOKBACK, never prepared, or validated and not
    sent). An invalid one stays `invalid`, with its errors, for a person to look at."""
    from tables.efactura import AnafConnection

    now = utcnow()
    queued: list[int] = []
    connections = await AnafConnection.select(
        AnafConnection.company, AnafConnection.auto_send_hours
    ).where((AnafConnection.enabled == True) & (AnafConnection.auto_send_hours > 0))  # noqa: E712
    for connection in connections:
        if not connection_status(await connection_row(connection["company"]))["connected"]:
            continue  # nothing could be sent; the invoices' views say why
        cutoff = now - timedelta(hours=connection["auto_send_hours"])
        window = (
            (Invoice.company == connection["company"])
            & (Invoice.status == DocStatus.issued)
            & (Invoice.issued_at <= cutoff)
            & (Invoice.issued_at >= now - AUTO_SEND_LOOKBACK)
        )
        fresh = await Invoice.select(Invoice.id).where(
            window & Invoice.id.not_in(EfacturaSubmission.select(EfacturaSubmission.invoice))
        ).order_by(Invoice.id).limit(limit)  # fmt: skip
        waiting = await Invoice.select(Invoice.id).where(
            window & Invoice.id.is_in(
                EfacturaSubmission.select(EfacturaSubmission.invoice).where(
                    EfacturaSubmission.state == S.validated
                )
            )
        ).order_by(Invoice.id).limit(limit)  # fmt: skip
        for invoice in [*fresh, *waiting][:limit]:
            try:
                await efactura_queue(invoice_id=invoice["id"], by=SYSTEM)
            except DomainError as exc:  # invalid, not connected: visible on the invoice
                log.info("e-Factura auto-send of invoice %s: %s", invoice["id"], exc)
                continue
            queued.append(invoice["id"])
    return queued
