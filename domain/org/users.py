"""Staff logins and their roles."""

from __future__ import annotations

from piccolo.apps.user.tables import BaseUser

from domain.core.errors import Conflict, ValidationFailed
from domain.core.tx import write_tx
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
    if await BaseUser.exists().where(BaseUser.username == username):
        raise Conflict(
            "USER_DUPLICATE",
            f"Utilizatorul «{username}» există deja.",
            "User exists.",
            field="username",
        )
    async with write_tx():
        try:
            user = await BaseUser.create_user(
                username=username,
                password=password,
                email=email or f"{username}@localhost",
                active=True,
                admin=True,  # piccolo-admin's door; our roles decide what is inside
                superuser=role_value is Role.admin,
            )
        except ValueError as exc:
            raise ValidationFailed(
                "USER_INVALID",
                f"Utilizatorul nu poate fi creat: {exc}",
                str(exc),
                field="password",
            ) from exc
        await UserRole(user=user.id, role=role_value).save()
    return user.id
