"""Domain errors: a stable code, a Romanian message (English beside it) and the HTTP status.

Controllers, jobs and admin forms raise and catch only these; `app.py` maps them to
responses. The code never changes once published (clients and tests match on it); the
messages may be reworded.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base class. `status` is what the HTTP layer answers with."""

    status = 422

    def __init__(
        self,
        code: str,
        message_ro: str,
        message_en: str = "",
        *,
        field: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message_ro)
        self.code = code
        self.message_ro = message_ro
        self.message_en = message_en or message_ro
        self.field = field
        self.details = details or {}

    def __str__(self) -> str:
        # What logs and failed jobs show (SAQ keeps the traceback text): the stable code
        # beside the message, in the form the admin and the CLI print it.
        return f"{self.message_ro} (cod {self.code})"

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "code": self.code,
            "message": self.message_ro,
            "message_en": self.message_en,
        }
        if self.field:
            out["field"] = self.field
        if self.details:
            out["details"] = self.details
        return out


class ValidationFailed(DomainError):
    """Input that can never be right as given (bad check digit, unknown code)."""

    status = 422


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    """Input that clashes with what is stored (duplicate partner, frozen document)."""

    status = 409


class Forbidden(DomainError):
    """The actor's role does not allow the operation."""

    status = 403


class Unavailable(DomainError):
    """An outside service (ANAF, BNR) could not be reached or answered nonsense."""

    status = 503
