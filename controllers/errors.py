"""Every error the API answers is JSON with a stable code and a Romanian message."""

from __future__ import annotations

import logging

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from domain.core.errors import DomainError

log = logging.getLogger("catastif")

_HTTP_CODES = {
    400: ("REQUEST_INVALID", "Cererea nu este validă."),
    401: ("AUTH_REQUIRED", "Autentificare necesară."),
    403: ("FORBIDDEN", "Nu aveți dreptul să faceți această operație."),
    404: ("NOT_FOUND", "Resursa cerută nu există."),
    405: ("METHOD_NOT_ALLOWED", "Metoda HTTP nu este permisă aici."),
    429: ("RATE_LIMITED", "Prea multe cereri; încercați din nou peste puțin timp."),
}


def domain_error(_: Request, exc: DomainError) -> Response:
    return Response(exc.as_dict(), status_code=exc.status)


def validation_error(_: Request, exc: ValidationException) -> Response:
    # msgspec's messages name the field and the expected type; keep them as details.
    return Response(
        {
            "code": "REQUEST_INVALID",
            "message": "Datele trimise nu au forma așteptată. Vedeți «details».",
            "message_en": "The request body or parameters are malformed.",
            "details": {"errors": exc.extra or [], "reason": exc.detail},
        },
        status_code=400,
    )


def http_error(_: Request, exc: HTTPException) -> Response:
    """Litestar's own errors (unknown route, malformed JSON ...) carry English details:
    the Romanian message comes from the table, or from `extra["message_ro"]` when our code
    raises the exception (see controllers/auth.py); the detail goes to `message_en`."""
    code, message = _HTTP_CODES.get(exc.status_code, ("HTTP_ERROR", "Eroare HTTP."))
    detail = exc.detail if exc.detail and exc.detail != str(exc.status_code) else ""
    extra = exc.extra if isinstance(exc.extra, dict) else {}
    return Response(
        {
            "code": code,
            "message": extra.get("message_ro") or message,
            "message_en": detail or code,
        },
        status_code=exc.status_code,
        headers=exc.headers,
    )


def unexpected_error(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return Response(
        {
            "code": "INTERNAL",
            "message": "A apărut o eroare neașteptată; nu s-a salvat nimic. "
            "Ne-a fost raportată automat.",
            "message_en": "Unexpected error; nothing was saved.",
        },
        status_code=HTTP_500_INTERNAL_SERVER_ERROR,
    )


EXCEPTION_HANDLERS = {
    DomainError: domain_error,
    ValidationException: validation_error,
    HTTPException: http_error,
    Exception: unexpected_error,
}
