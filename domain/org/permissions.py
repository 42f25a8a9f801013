"""Who may do what: the role matrix and the check every write operation makes.

Pure: the actor is built by domain/org/actors.py; operations call `require()` before
they touch anything, so the admin, the API and jobs all enforce the same rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from domain.core.errors import Forbidden
from tables.choices import Role


class Area(StrEnum):
    org = "org"  # company, work points, dimensions, staff
    users = "users"  # logins, roles, API tokens
    partners = "partners"
    catalog = "catalog"  # articles, units, VAT categories and rates
    fx = "fx"  # currencies and BNR rates
    sales = "sales"  # offers, orders, delivery notes, invoices; numbering series
    pricing = "pricing"  # price lists, their items, access and assignments
    ledger = "ledger"  # chart of accounts, default accounts, journal entries, closed months
    payments = "payments"  # receipts, allocations, cash desks, bank statements, reminders


class Action(StrEnum):
    read = "read"
    write = "write"


AREA_RO = {
    Area.org: "organizarea firmei",
    Area.users: "utilizatorii și tokenurile",
    Area.partners: "partenerii",
    Area.catalog: "articolele",
    Area.fx: "cursurile valutare",
    Area.sales: "documentele de vânzare",
    Area.pricing: "listele de prețuri",
    Area.ledger: "contabilitatea",
    Area.payments: "încasările",
}
ROLE_RO = {
    Role.admin: "administrator",
    Role.accountant: "contabil",
    Role.sales: "vânzări",
    Role.cashier: "casier",
    Role.viewer: "vizualizare",
}

_EVERYTHING = frozenset(Area)
_WRITES: dict[Role, frozenset[Area]] = {
    Role.admin: _EVERYTHING,
    Role.accountant: _EVERYTHING - {Area.org, Area.users},
    Role.sales: frozenset({Area.partners, Area.sales}),
    # The cashier takes money: chitanțe at the cash desk (what a receipt may be of is the
    # domain's to say: domain/payments).
    Role.cashier: frozenset({Area.partners, Area.sales, Area.payments}),
    Role.viewer: frozenset(),
}
_READS: dict[Role, frozenset[Area]] = {
    Role.admin: _EVERYTHING,
    Role.accountant: _EVERYTHING - {Area.users},
    # The books are the accountants' (and the administrator's); a viewer may audit them.
    Role.sales: _EVERYTHING - {Area.users, Area.ledger},
    Role.cashier: frozenset(
        {Area.partners, Area.catalog, Area.fx, Area.sales, Area.pricing, Area.payments}
    ),
    Role.viewer: _EVERYTHING - {Area.users},
}


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is acting: a staff user (with a role) or a machine token (with scopes)."""

    role: Role
    name: str
    user_id: int | None = None
    token_id: int | None = None
    scopes: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_machine(self) -> bool:
        return self.token_id is not None


SYSTEM = Actor(role=Role.admin, name="sistem")
"""Jobs and commands run as the system (cron imports, demo data)."""


def allowed(actor: Actor, area: Area, action: Action) -> bool:
    if actor.is_machine:
        return f"{area}:{action}" in actor.scopes or (
            action is Action.read and f"{area}:{Action.write}" in actor.scopes
        )
    table = _WRITES if action is Action.write else _READS
    return area in table[actor.role]


def require(actor: Actor, area: Area, action: Action) -> None:
    if allowed(actor, area, action):
        return
    # "a avea dreptul să ..." takes the subjunctive: să modifice, să vadă.
    verb_ro = "modifice" if action is Action.write else "vadă"
    who = f"Tokenul «{actor.name}»" if actor.is_machine else f"Rolul «{ROLE_RO[actor.role]}»"
    raise Forbidden(
        "FORBIDDEN",
        f"{who} nu are dreptul să {verb_ro} {AREA_RO[area]}.",
        f"{'Token' if actor.is_machine else 'Role'} {actor.name or actor.role} may not "
        f"{action} {area}.",
        details={"area": str(area), "action": str(action)},
    )


TOKEN_SCOPES = frozenset(f"{area}:{action}" for area in Area for action in Action)
