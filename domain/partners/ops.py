"""Write operations on partners. Each runs in one transaction and checks the actor's role."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any

from domain.core.errors import Conflict, NotFound
from domain.core.tx import is_unique_violation, write_tx
from domain.org.permissions import Action, Actor, Area, require
from domain.partners.anaf import AnafCompany, anaf_company_lookup
from domain.partners.rules import normalize_account, normalize_partner, normalize_roles
from tables.choices import PartnerKind, PartnerRoleKind
from tables.partners import Partner, PartnerRole

PARTNER_FIELDS = tuple(
    c._meta.name
    for c in Partner._meta.columns
    if c._meta.name not in {"id", "created_at", "anaf_checked_at"}
)
_IDENTIFIERS = (
    ("cui", "CUI"),
    ("cnp", "CNP"),
    ("foreign_vat_id", "codul de TVA"),
)


async def partner_duplicate(values: Mapping[str, Any], exclude_id: int | None = None) -> None:
    """Refuse a second partner with the same CUI, CNP or foreign VAT id, naming the first."""
    for column, label in _IDENTIFIERS:
        value = values.get(column)
        if not value:
            continue
        query = Partner.select(Partner.id, Partner.name).where(getattr(Partner, column) == value)
        if exclude_id is not None:
            query = query.where(Partner.id != exclude_id)
        existing = await query.first()
        if existing:
            raise Conflict(
                "PARTNER_DUPLICATE",
                f"Există deja partenerul «{existing['name']}» cu {label} {value} "
                f"(nr. {existing['id']}). Un partener se înregistrează o singură dată; "
                "adăugați-i rolul de care aveți nevoie.",
                f"Partner «{existing['name']}» (id {existing['id']}) already has {column} {value}.",
                field=column,
                details={"partner_id": existing["id"], "name": existing["name"]},
            )


async def partner_prepare(
    values: Mapping[str, Any], *, by: Actor, partner_id: int | None = None
) -> dict[str, Any]:
    """Validate a whole record and check it is not a duplicate; returns it normalised.

    Used by the operations below and by the admin's save hooks, so both refuse the same.
    """
    require(by, Area.partners, Action.write)
    normalized = normalize_partner(values)
    await partner_duplicate(normalized, exclude_id=partner_id)
    return normalized


async def partner_create(
    *,
    values: Mapping[str, Any],
    by: Actor,
    roles: Iterable[str] = (PartnerRoleKind.client,),
    accounts: Mapping[str, str] | None = None,
) -> int:
    role_list = normalize_roles(roles)
    accounts = accounts or {}
    role_rows = [(r, normalize_account(accounts.get(r, ""), r)) for r in role_list]
    normalized: dict[str, Any] = {}
    try:
        async with write_tx():
            normalized = await partner_prepare(values, by=by)
            partner = Partner(**{k: v for k, v in normalized.items() if k in PARTNER_FIELDS})
            await partner.save()
            for role, account in role_rows:
                await PartnerRole(partner=partner.id, role=role, account=account).save()
    except Exception as exc:
        # Two people adding the same CUI at once: the unique index stops the second;
        # answer it as the duplicate it is, naming the partner that won.
        if is_unique_violation(exc):
            await partner_duplicate(normalized)
        raise
    return partner.id


async def partner_update(*, partner_id: int, values: Mapping[str, Any], by: Actor) -> None:
    async with write_tx():
        current = (
            await Partner.select(*Partner._meta.columns).where(Partner.id == partner_id).first()
        )
        if current is None:
            raise NotFound(
                "PARTNER_NOT_FOUND",
                f"Partenerul nr. {partner_id} nu există.",
                f"Partner {partner_id} not found.",
            )
        merged = {k: current[k] for k in PARTNER_FIELDS} | dict(values)
        normalized = await partner_prepare(merged, by=by, partner_id=partner_id)
        changes = {getattr(Partner, k): normalized[k] for k in PARTNER_FIELDS if k in normalized}
        await Partner.update(changes).where(Partner.id == partner_id)


async def partner_role_set(*, partner_id: int, role: str, by: Actor, account: str = "") -> None:
    """Give a partner a role (cumulative), or change the role's account."""
    require(by, Area.partners, Action.write)
    (kind,) = normalize_roles([role])
    account = normalize_account(account, kind)
    async with write_tx():
        if not await Partner.exists().where(Partner.id == partner_id):
            raise NotFound(
                "PARTNER_NOT_FOUND",
                f"Partenerul nr. {partner_id} nu există.",
                f"Partner {partner_id} not found.",
            )
        existing = await PartnerRole.objects().get(
            (PartnerRole.partner == partner_id) & (PartnerRole.role == kind)
        )
        if existing is None:
            await PartnerRole(partner=partner_id, role=kind, account=account).save()
        else:
            await PartnerRole.update({PartnerRole.account: account}).where(
                PartnerRole.id == existing.id
            )


def anaf_values(company: AnafCompany) -> dict[str, Any]:
    """The partner columns ANAF can fill in."""
    return {
        "kind": PartnerKind.company,
        "name": company.name,
        "cui": company.cui,
        "reg_com": company.reg_com or "",
        "country": "RO",
        "county": company.county_code or "",
        "sector": company.sector or "",
        "city": company.city or "",
        "street": company.street or company.address_line,
        "postal_code": company.postal_code or "",
        "phone": company.phone or "",
        "vat_payer": company.vat_payer,
        "cash_vat": company.cash_vat,
        "inactive": company.inactive,
        "e_invoice_registered": company.e_invoice_registered,
    }


async def partner_from_anaf(
    *, cui: str, by: Actor, anaf_url: str, roles: Iterable[str] = (PartnerRoleKind.client,)
) -> tuple[int, bool]:
    """Create the partner from ANAF's data, or refresh the one that has this CUI.

    Returns (partner id, created). The call to ANAF happens before the transaction.
    """
    require(by, Area.partners, Action.write)
    company = await anaf_company_lookup(cui, on=date.today(), base_url=anaf_url)
    values = anaf_values(company)
    existing = await Partner.select(Partner.id).where(Partner.cui == company.cui).first()
    if existing is None:
        partner_id = await partner_create(values=values, roles=roles, by=by)
        created = True
    else:
        partner_id, created = existing["id"], False
        await partner_update(partner_id=partner_id, values=values, by=by)
    await Partner.update({Partner.anaf_checked_at: datetime.now(UTC)}).where(
        Partner.id == partner_id
    )
    return partner_id, created
