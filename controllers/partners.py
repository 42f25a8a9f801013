"""/api/partners: list and search, read, create, change, roles, ANAF pre-fill."""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec
from litestar import Controller, Request, get, patch, post, put
from litestar.params import Parameter

from controllers.paging import check_limit, decode_cursor, encode_cursor
from controllers.schemas import NO_NUL, RowId
from controllers.schemas.partners import (
    AnafCompanyOut,
    FromAnafIn,
    PartnerIn,
    PartnerOut,
    PartnerPage,
    PartnerPatch,
    RoleIn,
)
from domain.org.permissions import Action, Area, require
from domain.partners.anaf import anaf_company_lookup
from domain.partners.identity import normalize_cui
from domain.partners.ops import partner_create, partner_from_anaf, partner_role_set, partner_update
from domain.partners.queries import partner_get, partner_page
from settings import Settings


def _out(row: dict[str, Any]) -> PartnerOut:
    fields = PartnerOut.__struct_fields__
    return msgspec.convert({k: row[k] for k in fields}, PartnerOut, from_attributes=True)


class PartnerController(Controller):
    path = "/api/partners"
    tags = ["Parteneri"]

    @get("/", operation_id="ListPartners")
    async def list_partners(
        self,
        request: Request,
        q: str = Parameter(
            default="",
            description="Denumire (parțial), CUI, CNP sau cod TVA",
            max_length=200,
            pattern=NO_NUL,
        ),
        after: str | None = Parameter(default=None, description="Cursorul «next» primit"),
        limit: int = Parameter(default=50),
    ) -> PartnerPage:
        key = decode_cursor(after, str, int)
        rows, more = await partner_page(by=request.user, q=q, after=key, limit=check_limit(limit))
        cursor = encode_cursor(rows[-1]["name"], rows[-1]["id"]) if more else None
        return PartnerPage(items=[_out(r) for r in rows], next=cursor)

    @get("/{partner_id:int}", operation_id="GetPartner")
    async def get_partner(self, request: Request, partner_id: RowId) -> PartnerOut:
        return _out(await partner_get(partner_id, by=request.user))

    @post("/", operation_id="CreatePartner")
    async def create_partner(self, request: Request, data: PartnerIn) -> PartnerOut:
        values = msgspec.structs.asdict(data)
        roles = values.pop("roles")
        partner_id = await partner_create(values=values, roles=roles, by=request.user)
        return _out(await partner_get(partner_id, by=request.user))

    @patch("/{partner_id:int}", operation_id="UpdatePartner")
    async def update_partner(
        self, request: Request, partner_id: RowId, data: PartnerPatch
    ) -> PartnerOut:
        values = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}
        await partner_update(partner_id=partner_id, values=values, by=request.user)
        return _out(await partner_get(partner_id, by=request.user))

    @put("/{partner_id:int}/roles", operation_id="SetPartnerRole")
    async def set_role(self, request: Request, partner_id: RowId, data: RoleIn) -> PartnerOut:
        await partner_role_set(
            partner_id=partner_id, role=data.role, account=data.account, by=request.user
        )
        return _out(await partner_get(partner_id, by=request.user))

    @get("/anaf/{cui:str}", operation_id="LookupAnaf")
    async def lookup_anaf(self, request: Request, cui: str, settings: Settings) -> AnafCompanyOut:
        """What ANAF knows of a CUI, to pre-fill a new partner (nothing is saved)."""
        require(request.user, Area.partners, Action.read)
        company = await anaf_company_lookup(
            normalize_cui(cui), on=date.today(), base_url=settings.anaf_vat_url
        )
        return AnafCompanyOut(
            cui=company.cui,
            name=company.name,
            reg_com=company.reg_com,
            county=company.county_code,
            sector=company.sector,
            city=company.city,
            street=company.street,
            address_line=company.address_line,
            postal_code=company.postal_code,
            phone=company.phone,
            vat_payer=company.vat_payer,
            cash_vat=company.cash_vat,
            inactive=company.inactive,
            e_invoice_registered=company.e_invoice_registered,
            deregistered=company.deregistered,
        )

    @post("/from-anaf", operation_id="CreatePartnerFromAnaf")
    async def from_anaf(self, request: Request, data: FromAnafIn, settings: Settings) -> PartnerOut:
        """Create the partner from ANAF's data, or refresh the one with this CUI."""
        partner_id, _ = await partner_from_anaf(
            cui=normalize_cui(data.cui),
            roles=data.roles,
            by=request.user,
            anaf_url=settings.anaf_vat_url,
        )
        return _out(await partner_get(partner_id, by=request.user))
