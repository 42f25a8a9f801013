"""API shapes of e-Factura: an invoice's way to ANAF and the company's SPV connection."""

from __future__ import annotations

from datetime import datetime

import msgspec


class EfacturaError(msgspec.Struct):
    rule: str
    severity: str
    message: str
    location: str = ""


class EfacturaEventOut(msgspec.Struct):
    at: datetime | None
    state_from: str
    state_to: str
    detail: str


class SpvConnectionOut(msgspec.Struct):
    connected: bool
    environment: str | None
    access_expires_at: datetime | None
    refresh_expires_at: datetime | None
    auto_send_hours: int
    warning: str | None


class EfacturaOut(msgspec.Struct):
    invoice_id: int
    state: str | None
    state_ro: str
    errors: list[EfacturaError]
    events: list[EfacturaEventOut]
    connection: SpvConnectionOut
    next_step: str
    submission_id: int | None = None
    environment: str | None = None
    upload_kind: str | None = None
    upload_index: str | None = None
    download_id: str | None = None
    attempts: int = 0
    polls: int = 0
    send_after: datetime | None = None
    next_check_at: datetime | None = None
    uploaded_at: datetime | None = None
    finished_at: datetime | None = None
    xml_sha256: str | None = None
    has_answer: bool = False


class SendIn(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """`when`: send at that moment rather than now (an offset is required)."""

    when: datetime | None = None
