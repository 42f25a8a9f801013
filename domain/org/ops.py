"""Write rules of the organisation: the company record, staff roles."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domain.core.errors import ValidationFailed
from domain.org.geo import normalize_ro_place
from domain.org.permissions import Action, Actor, Area, require
from domain.partners.identity import normalize_cui


async def company_prepare(
    values: Mapping[str, Any], *, by: Actor, company_id: int | None = None
) -> dict[str, Any]:
    """The issuing company: a valid CUI and a Romanian address e-Factura accepts."""
    require(by, Area.org, Action.write)
    out = dict(values)
    out["cui"] = normalize_cui(str(out.get("cui") or ""))
    if not (out.get("name") or "").strip():
        raise ValidationFailed(
            "COMPANY_NAME_REQUIRED",
            "Completați denumirea firmei.",
            "Company name required.",
            field="name",
        )
    out["county"], out["sector"] = normalize_ro_place(out.get("county"), out.get("sector"))
    if out.get("cash_vat") and not out.get("vat_payer"):
        raise ValidationFailed(
            "CASH_VAT_NEEDS_VAT_PAYER",
            "TVA la încasare se aplică doar plătitorilor de TVA.",
            "Cash-VAT applies only to VAT payers.",
            field="cash_vat",
        )
    return out
