"""Read models of partners: the list with search and keyset paging, and one partner."""

from __future__ import annotations

from typing import Any

from domain.core.errors import NotFound
from domain.core.search import contains_pattern
from domain.org.permissions import Action, Actor, Area, require
from tables.partners import Partner, PartnerBankAccount, PartnerContact, PartnerRole


def _search(query: Any, q: str) -> Any:
    q = q.strip()
    if not q:
        return query
    compact = q.replace(" ", "").upper().removeprefix("RO")
    if compact.isdigit():
        return query.where(
            (Partner.cui == compact)
            | (Partner.cnp == compact)
            | Partner.name.ilike(contains_pattern(q))
        )
    return query.where(
        Partner.name.ilike(contains_pattern(q)) | (Partner.foreign_vat_id == compact)
    )


async def partner_page(
    *, by: Actor, q: str = "", after: list[Any] | None = None, limit: int = 50
) -> tuple[list[dict[str, Any]], bool]:
    """Partners ordered by (name, id), the page after the cursor; returns (rows, more)."""
    require(by, Area.partners, Action.read)
    query = _search(Partner.select(*Partner._meta.columns), q)
    if after is not None:
        name, pid = after
        query = query.where((Partner.name > name) | ((Partner.name == name) & (Partner.id > pid)))
    rows = await query.order_by(Partner.name, Partner.id).limit(limit + 1)
    await _attach_roles(rows)
    return rows[:limit], len(rows) > limit


async def _attach_roles(rows: list[dict[str, Any]]) -> None:
    ids = [r["id"] for r in rows]
    roles: dict[int, list[dict[str, str]]] = {i: [] for i in ids}
    if ids:
        for r in await PartnerRole.select(
            PartnerRole.partner, PartnerRole.role, PartnerRole.account
        ).where(PartnerRole.partner.is_in(ids)):
            roles[r["partner"]].append({"role": r["role"], "account": r["account"]})
    for row in rows:
        row["roles"] = sorted(roles[row["id"]], key=lambda x: x["role"])


async def partner_get(partner_id: int, *, by: Actor) -> dict[str, Any]:
    require(by, Area.partners, Action.read)
    row = await Partner.select(*Partner._meta.columns).where(Partner.id == partner_id).first()
    if row is None:
        raise NotFound(
            "PARTNER_NOT_FOUND",
            f"Partenerul nr. {partner_id} nu există.",
            f"Partner {partner_id} not found.",
        )
    await _attach_roles([row])
    row["contacts"] = await PartnerContact.select(
        PartnerContact.name, PartnerContact.function, PartnerContact.email, PartnerContact.phone
    ).where(PartnerContact.partner == partner_id)
    row["bank_accounts"] = await PartnerBankAccount.select(
        PartnerBankAccount.iban, PartnerBankAccount.bank_name, PartnerBankAccount.currency
    ).where(PartnerBankAccount.partner == partner_id)
    return row
