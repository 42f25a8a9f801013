"""Staff logins and machine tokens (domain/org/users.py, actors.py): users with roles,
duplicates, the actor a session or a bearer token becomes, tokens stored only as a hash,
revoked and expired tokens, scopes."""

from __future__ import annotations

import asyncio
import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from piccolo.apps.user.tables import BaseUser

from domain.core.errors import Conflict, Forbidden, ValidationFailed
from domain.org.actors import actor_for_token, actor_for_user, token_create
from domain.org.permissions import SYSTEM, Action, Actor, Area, allowed
from domain.org.users import user_create
from tables.choices import Role
from tables.org import ApiToken, UserRole

PASSWORD = "parola-lunga-1"
ACCOUNTANT = Actor(role=Role.accountant, name="contabil", user_id=2)


async def test_user_created_with_its_role():
    uid = await user_create(username=" ioana ", password=PASSWORD, role="accountant", by=SYSTEM)
    user = await BaseUser.objects().get(BaseUser.id == uid)
    assert user.username == "ioana"
    assert (user.active, user.admin, user.superuser) == (True, True, False)
    assert user.password != PASSWORD
    assert user.password.startswith("pbkdf2_sha256")
    assert await UserRole.select(UserRole.role).where(UserRole.user == uid).first() == {
        "role": "accountant"
    }
    actor = await actor_for_user(uid)
    assert actor == Actor(role=Role.accountant, name="ioana", user_id=uid)
    assert not actor.is_machine

    # An admin is also piccolo's superuser (the admin's own user screens need it).
    aid = await user_create(username="ana", password=PASSWORD, role="admin", by=SYSTEM)
    assert (await BaseUser.objects().get(BaseUser.id == aid)).superuser is True
    assert (await actor_for_user(aid)).role is Role.admin


async def test_refused_users_write_nothing():
    await user_create(username="ioana", password=PASSWORD, role="sales", by=SYSTEM)
    with pytest.raises(Conflict) as caught:
        await user_create(username="ioana", password=PASSWORD, role="viewer", by=SYSTEM)
    assert (caught.value.code, caught.value.field) == ("USER_DUPLICATE", "username")
    assert "«ioana»" in caught.value.message_ro
    with pytest.raises(Conflict) as caught:
        await user_create(
            username="ioana2", password=PASSWORD, role="sales", email="ioana@localhost", by=SYSTEM
        )
    assert (caught.value.code, caught.value.field) == ("USER_DUPLICATE", "email")

    refusals = [
        ("mihai", PASSWORD, "boss", "ROLE_INVALID", "role", "Rolul «boss» nu există"),
        ("mihai", "scurt", "sales", "USER_INVALID", "password", "Parola trebuie să aibă între 6"),
        ("  ", PASSWORD, "sales", "USER_INVALID", "username", "Completați numele de utilizator"),
    ]
    for username, password, role, code, field, message in refusals:
        with pytest.raises(ValidationFailed) as caught_v:
            await user_create(username=username, password=password, role=role, by=SYSTEM)
        assert (caught_v.value.code, caught_v.value.field) == (code, field)
        assert caught_v.value.message_ro.startswith(message)

    with pytest.raises(Forbidden):
        await user_create(username="mihai", password=PASSWORD, role="admin", by=ACCOUNTANT)
    assert await BaseUser.count() == 1
    assert await UserRole.count() == 1


async def test_concurrent_creates_of_one_username_leave_one_user():
    results = await asyncio.gather(
        *(
            user_create(username="mihai", password=PASSWORD, role=role, by=SYSTEM)
            for role in ("sales", "cashier", "viewer")
        ),
        return_exceptions=True,
    )
    winners = [r for r in results if isinstance(r, int)]
    losers = [r for r in results if not isinstance(r, int)]
    assert len(winners) == 1, results
    assert all(isinstance(e, Conflict) and e.field == "username" for e in losers), losers
    assert await BaseUser.count() == 1
    assert await UserRole.count() == 1


async def test_actor_for_user_without_a_role_or_disabled():
    # Made by `piccolo user create`, before roles existed: no UserRole row.
    root = await BaseUser.create_user(
        username="root", password=PASSWORD, email="root@x.ro", active=True, superuser=True
    )
    plain = await BaseUser.create_user(
        username="plain", password=PASSWORD, email="plain@x.ro", active=True
    )
    assert (await actor_for_user(root.id)).role is Role.admin
    viewer = await actor_for_user(plain.id)
    assert viewer.role is Role.viewer
    assert not allowed(viewer, Area.partners, Action.write)

    await BaseUser.update({BaseUser.active: False}).where(BaseUser.id == root.id)
    assert await actor_for_user(root.id) is None
    assert await actor_for_user(4242) is None


async def test_token_stored_only_as_its_hash():
    tid, raw = await token_create(
        name="casa-1", scopes=["partners:write", "partners:read", "partners:write"], by=SYSTEM
    )
    assert raw.startswith("cst_")
    assert len(raw) > 40
    row = await ApiToken.select().where(ApiToken.id == tid).first()
    assert row["token_hash"] == hashlib.sha256(raw.encode()).hexdigest()
    assert row["prefix"] == raw[:12]
    assert row["scopes"] == "partners:read partners:write"
    stored = " ".join(str(v) for v in row.values())
    assert raw not in stored
    assert raw[12:] not in stored
    assert row["last_used_at"] is None

    actor = await actor_for_token(raw)
    assert actor is not None
    assert actor.is_machine
    assert (actor.name, actor.token_id) == ("casa-1", tid)
    assert actor.scopes == frozenset({"partners:read", "partners:write"})
    assert allowed(actor, Area.partners, Action.write)
    assert not allowed(actor, Area.catalog, Action.read)
    used = await ApiToken.select(ApiToken.last_used_at).where(ApiToken.id == tid).first()
    assert used["last_used_at"] is not None

    # A second token never shares the first's value or hash.
    _, other = await token_create(name="casa-2", scopes=["fx:read"], by=SYSTEM)
    assert other != raw
    assert (await actor_for_token(other)).scopes == frozenset({"fx:read"})


async def test_unknown_revoked_and_expired_tokens_are_nobody():
    tid, raw = await token_create(name="webhook", scopes=["partners:write"], by=SYSTEM)
    assert await actor_for_token(raw + "x") is None
    assert await actor_for_token(raw[4:]) is None  # without the prefix
    assert await actor_for_token("") is None

    now = datetime.now(UTC)
    await ApiToken.update({ApiToken.expires_at: now + timedelta(hours=1)}).where(ApiToken.id == tid)
    assert await actor_for_token(raw) is not None
    await ApiToken.update({ApiToken.expires_at: now - timedelta(seconds=1)}).where(
        ApiToken.id == tid
    )
    assert await actor_for_token(raw) is None

    await ApiToken.update({ApiToken.expires_at: None, ApiToken.revoked_at: now}).where(
        ApiToken.id == tid
    )
    assert await actor_for_token(raw) is None


@pytest.mark.parametrize(
    ("scopes", "shown"),
    [
        (["partners:read", "leads:write"], "leads:write"),
        (["partners:delete"], "partners:delete"),
        ([], "(niciunul)"),
    ],
)
async def test_unknown_scopes_refused(scopes: list[str], shown: str):
    with pytest.raises(ValidationFailed) as caught:
        await token_create(name="robot", scopes=scopes, by=SYSTEM)
    error = caught.value
    assert (error.code, error.field) == ("TOKEN_SCOPE_INVALID", "scopes")
    assert shown in error.message_ro
    assert "partners:write" in error.message_ro
    assert await ApiToken.count() == 0


async def test_only_admins_create_tokens():
    for role in (Role.accountant, Role.sales, Role.cashier, Role.viewer):
        with pytest.raises(Forbidden):
            await token_create(
                name="robot", scopes=["partners:read"], by=Actor(role=role, name=str(role))
            )
    # Not even a token allowed to write partners can mint another token.
    _tid, raw = await token_create(name="casa", scopes=["partners:write"], by=SYSTEM)
    machine = await actor_for_token(raw)
    with pytest.raises(Forbidden) as caught:
        await token_create(name="copie", scopes=["partners:write"], by=machine)
    assert "«casa»" in caught.value.message_ro
    assert await ApiToken.count() == 1
