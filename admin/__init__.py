"""The back office: piccolo-admin built once, in Romanian, with our guards and hooks."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from typing import Any

import asyncpg
from piccolo_admin.endpoints import create_admin
from piccolo_admin.translations.data import ENGLISH
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.types import ASGIApp

from admin.forms.anaf_partner import anaf_partner_form
from admin.forms.api_token import api_token_form
from admin.forms.bnr_import import bnr_import_form
from admin.labels import RomanianLabels
from admin.tables import TABLE_CONFIGS
from admin.translations import ROMANIAN
from domain.core.errors import DomainError
from domain.core.tx import is_unique_violation
from settings import Settings


async def _domain_error(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    text = f"{exc.message_ro} (cod {exc.code})"
    if exc.status == 422:
        # The admin's forms show `custom_form_error` as it is (see its error parser).
        return JSONResponse({"custom_form_error": text, "code": exc.code}, status_code=422)
    return PlainTextResponse(text, status_code=exc.status)


async def _integrity_error(_: Request, exc: Exception) -> Response:
    if is_unique_violation(exc):
        text = "Există deja o înregistrare cu aceste date unice (cod, CUI, IBAN...)."
        return JSONResponse({"custom_form_error": text, "code": "DUPLICATE"}, status_code=422)
    text = "Înregistrarea face referire la date care nu există sau sunt folosite în altă parte."
    return JSONResponse({"custom_form_error": text, "code": "INTEGRITY"}, status_code=422)


def _inner_apps(app: Any) -> list[Starlette]:
    """The Starlette/FastAPI apps inside the admin, through its mounts and middleware."""
    found: list[Starlette] = []
    seen: set[int] = set()
    stack = [app]
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, Starlette):
            found.append(node)
            stack.extend(getattr(route, "app", None) for route in node.routes)
        stack.append(getattr(node, "app", None))
    return found


def build_admin(settings: Settings) -> ASGIApp:
    app = create_admin(
        tables=TABLE_CONFIGS,
        forms=[anaf_partner_form(settings), bnr_import_form(), api_token_form()],
        site_name="Catastif",
        default_language_code="ro",
        translations=[ROMANIAN, ENGLISH],
        production=settings.production,
        allowed_hosts=list(settings.allowed_hosts),
        session_expiry=timedelta(hours=8),
    )
    # Hooks and validators raise DomainError; every inner app must answer it as a form
    # error rather than a 500. IntegrityError covers a unique race the hooks lost.
    for inner in _inner_apps(app):
        inner.add_exception_handler(DomainError, _domain_error)
        inner.add_exception_handler(sqlite3.IntegrityError, _integrity_error)
        inner.add_exception_handler(asyncpg.IntegrityConstraintViolationError, _integrity_error)
    return RomanianLabels(app)
