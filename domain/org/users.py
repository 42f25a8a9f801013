"""Staff logins and their roles."""

from __future__ import annotations

import asyncio

from piccolo.apps.user.tables import BaseUser

from domain.core.errors import Conflict, ValidationFailed
from domain.core.tx import is_unique_violation, write_tx
from domain.org.permissions import Action, Actor, Area, require
from tables.choices import Role
from tables.org import UserRole


async def user_create(
    *, username: str, password: str, role: str, by: Actor, email: str = ""
) -> int:
    """A person who logs into the admin, with the role that decides what they may do."""
    require(by, Area.users, Action.write)
    try:
        role_value = Role(role)
    except ValueError:
        raise ValidationFailed(
            "ROLE_INVALID",
            f"Rolul «{role}» nu există (admin, accountant, sales, cashier, viewer).",
            f"Unknown role «{role}».",
            field="role",
        ) from None
    username = (username or "").strip()
    if not username:
        raise ValidationFailed(
            "USER_INVALID",
            "Completați numele de utilizator.",
            "The username is required.",
            field="username",
        )
    shortest, longest = BaseUser._min_password_length, BaseUser._max_password_length
    if not shortest <= len(password or "") <= longest:
        raise ValidationFailed(
            "USER_INVALID",
            f"Parola trebuie să aibă între {shortest} și {longest} caractere.",
            f"The password must have {shortest} to {longest} characters.",
            field="password",
        )
    # PBKDF2 takes ~0.3 s: hash before the transaction so the write lock is not held.
    hashed = await asyncio.to_thread(BaseUser.hash_password, password)
    try:
        async with write_tx():
            await _user_duplicate(username)
            user = BaseUser(
                username=username,
                password=hashed,
                email=email or f"{username}@localhost",
                active=True,
                admin=True,  # piccolo-admin's door; our roles decide what is inside
                superuser=role_value is Role.admin,
            )
            await user.save()
            await UserRole(user=user.id, role=role_value).save()
    except Exception as exc:
        # Two admins adding the same username at once, or an e-mail address another login
        # has: the unique indexes stop it; answer with which one.
        if is_unique_violation(exc):
            await _user_duplicate(username, email)
        raise
    return user.id


async def _user_duplicate(username: str, email: str = "") -> None:
    if await BaseUser.exists().where(BaseUser.username == username):
        raise Conflict(
            "USER_DUPLICATE",
            f"Utilizatorul «{username}» există deja.",
            f"User «{username}» exists.",
            field="username",
        )
    if email and await BaseUser.exists().where(BaseUser.email == email):
        raise Conflict(
            "USER_DUPLICATE",
            f"Adresa de e-mail «{email}» aparține deja altui utilizator.",
            f"Another user has the e-mail address «{email}».",
            field="email",
        )
