"""Who is calling the API: an admin session (people) or a bearer token (machines).

Unsafe requests authenticated by the session cookie must also carry the admin's CSRF
token (double submit: header X-CSRFToken equal to the csrftoken cookie).
"""

from __future__ import annotations

import hmac

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from piccolo_api.session_auth.tables import SessionsBase

from domain.org.actors import actor_for_token, actor_for_user
from domain.org.permissions import Actor

SESSION_COOKIE = "id"  # set by the admin's login (piccolo_api session auth)
CSRF_COOKIE = "csrftoken"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class ApiAuthMiddleware(AbstractAuthenticationMiddleware):
    async def authenticate_request(self, connection: ASGIConnection) -> AuthenticationResult:
        header = connection.headers.get("authorization", "")
        if header.lower().startswith("bearer "):
            actor = await actor_for_token(header[7:].strip())
            if actor is None:
                raise NotAuthorizedException(
                    "Unknown, revoked or expired API token.",
                    extra={"message_ro": "Token API necunoscut, revocat sau expirat."},
                )
            return AuthenticationResult(user=actor, auth="token")
        session = connection.cookies.get(SESSION_COOKIE)
        if session:
            user_id = await SessionsBase.get_user_id(session)
            actor = await actor_for_user(user_id) if user_id else None
            if actor is not None:
                if connection.scope.get("method", "GET") not in SAFE_METHODS:
                    _check_csrf(connection)
                return AuthenticationResult(user=actor, auth="session")
        raise NotAuthorizedException(
            "Sign in at /admin/ or send an API token (Authorization: Bearer ...).",
            extra={
                "message_ro": "Autentificați-vă în /admin/ sau trimiteți un token API "
                "(Authorization: Bearer ...)."
            },
        )


def _check_csrf(connection: ASGIConnection) -> None:
    cookie = connection.cookies.get(CSRF_COOKIE, "")
    header = connection.headers.get("x-csrftoken", "")
    # Bytes: compare_digest refuses str with non-ASCII characters (a 500, not a 403).
    if not cookie or not hmac.compare_digest(cookie.encode(), header.encode()):
        raise PermissionDeniedException(
            "Missing CSRF token: send the X-CSRFToken header with the csrftoken cookie's value.",
            extra={
                "message_ro": "Lipsește tokenul CSRF: trimiteți antetul X-CSRFToken cu valoarea "
                "cookie-ului csrftoken."
            },
        )


def current_actor(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """Guard: the middleware already refused anonymous calls; this documents the need."""
    if not isinstance(connection.user, Actor):
        raise NotAuthorizedException(
            "Authentication required.", extra={"message_ro": "Autentificare necesară."}
        )
