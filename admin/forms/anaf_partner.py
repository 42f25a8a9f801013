"""Form «Partener din ANAF»: create or refresh a partner from its CUI."""

from __future__ import annotations

from typing import Literal

from piccolo_admin.endpoints import FormConfig
from pydantic import BaseModel, Field
from starlette.requests import Request

from admin.forms import form_errors
from admin.guards import request_actor
from domain.partners.identity import normalize_cui
from domain.partners.ops import partner_from_anaf
from settings import Settings


class AnafPartnerForm(BaseModel):
    cui: str = Field(title="CUI", description="Codul fiscal, cu sau fără RO")
    role: Literal["client", "supplier"] = Field(default="client", title="Rol")


def anaf_partner_form(settings: Settings) -> FormConfig:
    @form_errors
    async def endpoint(request: Request, data: AnafPartnerForm) -> str:
        partner_id, created = await partner_from_anaf(
            cui=normalize_cui(data.cui),
            roles=[data.role],
            by=await request_actor(request),
            anaf_url=settings.anaf_vat_url,
        )
        verb = "a fost adăugat" if created else "a fost actualizat cu datele ANAF"
        return f"Partenerul nr. {partner_id} {verb}. Îl găsiți în Parteneri › partener."

    return FormConfig(
        name="Partener din ANAF",
        pydantic_model=AnafPartnerForm,
        endpoint=endpoint,
        description="Preia denumirea, adresa, nr. Reg. Com., starea TVA, TVA la încasare, "
        "inactivitatea și înscrierea în e-Factura din serviciul public ANAF.",
        form_group="Parteneri",
    )
