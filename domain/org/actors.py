"""Turning a login session or an API token into an Actor."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime

from piccolo.apps.user.tables import BaseUser

from domain.core.errors import ValidationFailed
from domain.core.tx import write_tx
from domain.org.permissions import TOKEN_SCOPES, Action, Actor, Area, require
from tables.choices import Role
from tables.org import ApiToken, UserRole

TOKEN_PREFIX = "cst_"


async def actor_for_user(user_id: int) -> Actor | None:
    """The staff actor for a piccolo user; None when the account is disabled."""
    user = await BaseUser.objects().get(BaseUser.id == user_id)
    if user is None or not user.active:
        return None
    row = await UserRole.select(UserRole.role).where(UserRole.user == user_id).first()
    if row is not None:
        role = Role(row["role"])
    else:
        # A superuser created by `piccolo user create` before roles existed is an admin;
        # anyone else without an explicit role may only look.
        role = Role.admin if user.superuser else Role.viewer
    return Actor(role=role, name=user.username, user_id=user.id)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


async def actor_for_token(raw: str) -> Actor | None:
    """The machine actor for a bearer token, or None if unknown, revoked or expired."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = await ApiToken.objects().get(ApiToken.token_hash == hash_token(raw))
    now = datetime.now(UTC)
    if token is None or token.revoked_at is not None:
        return None
    if token.expires_at is not None and token.expires_at <= now:
        return None
    await ApiToken.update({ApiToken.last_used_at: now}).where(ApiToken.id == token.id)
    return Actor(
        role=Role.viewer,
        name=token.name,
        token_id=token.id,
        scopes=frozenset(token.scopes.split()),
    )


async def token_create(*, name: str, scopes: list[str], by: Actor) -> tuple[int, str]:
    """A new API token; the raw value is returned once and only its hash is stored."""
    require(by, Area.users, Action.write)
    unknown = sorted(set(scopes) - TOKEN_SCOPES)
    if unknown or not scopes:
        raise ValidationFailed(
            "TOKEN_SCOPE_INVALID",
            f"Drepturi necunoscute pentru token: {', '.join(unknown) or '(niciunul)'}. "
            f"Folosiți: {', '.join(sorted(TOKEN_SCOPES))}.",
            f"Unknown token scopes: {', '.join(unknown) or '(none)'}.",
            field="scopes",
        )
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    async with write_tx():
        row = ApiToken(
            name=name,
            prefix=raw[:12],
            token_hash=hash_token(raw),
            scopes=" ".join(sorted(set(scopes))),
        )
        await row.save()
    return row.id, raw
