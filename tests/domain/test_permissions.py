"""Who may do what (domain/org/permissions.py): the whole role matrix written out here
independently, machine token scopes, and the Forbidden error people see."""

from __future__ import annotations

import pytest

from domain.core.errors import Forbidden
from domain.org.permissions import (
    SYSTEM,
    TOKEN_SCOPES,
    Action,
    Actor,
    Area,
    allowed,
    require,
)
from tables.choices import Role

R, W = Action.read, Action.write
ALL = set(Area)

# The product owner's matrix: (role) -> {area: actions}.
EXPECTED: dict[Role, dict[Area, set[Action]]] = {
    Role.admin: {area: {R, W} for area in ALL},
    Role.accountant: {
        Area.org: {R},
        Area.users: set(),
        Area.partners: {R, W},
        Area.catalog: {R, W},
        Area.fx: {R, W},
        Area.sales: {R, W},
        Area.pricing: {R, W},
        Area.ledger: {R, W},
        Area.payments: {R, W},
    },
    Role.sales: {
        Area.org: {R},
        Area.users: set(),
        Area.partners: {R, W},
        Area.catalog: {R},
        Area.fx: {R},
        Area.sales: {R, W},
        Area.pricing: {R},
        Area.ledger: set(),
        Area.payments: {R},
    },
    Role.cashier: {
        Area.org: set(),
        Area.users: set(),
        Area.partners: {R, W},
        Area.catalog: {R},
        Area.fx: {R},
        Area.sales: {R, W},
        Area.pricing: {R},
        Area.ledger: set(),
        Area.payments: {R, W},
    },
    Role.viewer: {
        Area.org: {R},
        Area.users: set(),
        Area.partners: {R},
        Area.catalog: {R},
        Area.fx: {R},
        Area.sales: {R},
        Area.pricing: {R},
        Area.ledger: {R},
        Area.payments: {R},
    },
}

CASES = [
    (role, area, action, action in EXPECTED[role][area])
    for role in Role
    for area in Area
    for action in Action
]


def person(role: Role) -> Actor:
    return Actor(role=role, name=f"{role}-user", user_id=7)


def machine(*scopes: str, role: Role = Role.viewer) -> Actor:
    return Actor(role=role, name="casa-1", token_id=3, scopes=frozenset(scopes))


def test_the_matrix_covers_every_role_and_area():
    assert set(EXPECTED) == set(Role)
    assert all(set(areas) == ALL for areas in EXPECTED.values())
    assert len(CASES) == len(Role) * len(Area) * len(Action)


@pytest.mark.parametrize(("role", "area", "action", "expected"), CASES)
def test_role_matrix(role: Role, area: Area, action: Action, expected: bool):
    actor = person(role)
    assert allowed(actor, area, action) is expected
    if expected:
        require(actor, area, action)
    else:
        with pytest.raises(Forbidden):
            require(actor, area, action)


def test_only_admin_sees_users_and_the_viewer_never_writes():
    assert [r for r in Role if allowed(person(r), Area.users, R)] == [Role.admin]
    assert not any(allowed(person(Role.viewer), area, W) for area in Area)
    assert all(allowed(SYSTEM, area, action) for area in Area for action in Action)


def test_token_scopes_are_every_area_and_action():
    assert {f"{area}:{action}" for area in Area for action in Action} == TOKEN_SCOPES
    assert "partners:write" in TOKEN_SCOPES
    assert len(TOKEN_SCOPES) == len(Area) * len(Action)


def test_machine_scope_write_implies_read_of_that_area_only():
    pos = machine("partners:write")
    assert allowed(pos, Area.partners, W)
    assert allowed(pos, Area.partners, R)
    assert not allowed(pos, Area.catalog, R)
    assert not allowed(pos, Area.fx, W)

    reader = machine("catalog:read", "fx:read")
    assert allowed(reader, Area.catalog, R)
    assert allowed(reader, Area.fx, R)
    assert not allowed(reader, Area.catalog, W)  # read does not imply write
    assert not allowed(reader, Area.partners, R)


def test_machine_rights_come_from_scopes_not_from_the_role():
    # A token carries a role only because Actor needs one; it must grant nothing.
    assert not any(
        allowed(machine(role=Role.admin), area, action) for area in Area for action in Action
    )
    # A scope no area knows grants nothing either.
    strange = machine("leads:write", "partners:delete", "*")
    assert not any(allowed(strange, area, action) for area in Area for action in Action)


def test_forbidden_names_the_role_in_romanian():
    with pytest.raises(Forbidden) as caught:
        require(person(Role.sales), Area.catalog, W)
    error = caught.value
    assert error.status == 403
    assert error.code == "FORBIDDEN"
    assert error.message_ro == "Rolul «vânzări» nu are dreptul să modifice articolele."
    assert error.details == {"area": "catalog", "action": "write"}
    assert error.as_dict()["message"] == error.message_ro

    with pytest.raises(Forbidden) as caught:
        require(person(Role.cashier), Area.users, R)
    assert caught.value.message_ro == (
        "Rolul «casier» nu are dreptul să vadă utilizatorii și tokenurile."
    )


def test_forbidden_for_a_token_names_the_token():
    with pytest.raises(Forbidden) as caught:
        require(machine("partners:read"), Area.partners, W)
    assert caught.value.status == 403
    assert caught.value.message_ro.startswith("Tokenul «casa-1» nu are dreptul")
    assert "partenerii" in caught.value.message_ro
