"""What makes a partner record valid: identifiers, address, roles and their accounts.

Pure: takes the values a person typed (admin form, API body) and returns them
normalised, or raises ValidationFailed with the field and a Romanian message.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from domain.core.errors import ValidationFailed
from domain.org.geo import EU_COUNTRIES, normalize_country, normalize_ro_place
from domain.partners.identity import (
    normalize_cnp,
    normalize_cui,
    normalize_eu_vat,
    normalize_iban,
)
from tables.choices import PartnerKind, PartnerRoleKind

# The synthetic accounts a role books to unless the partner says otherwise
# (OMFP 1802/2014); an analytic such as 4111.01 may replace them per partner.
DEFAULT_ACCOUNTS: dict[PartnerRoleKind, str] = {
    PartnerRoleKind.client: "4111",
    PartnerRoleKind.supplier: "401",
    PartnerRoleKind.employee: "421",
    PartnerRoleKind.carrier: "401",
    PartnerRoleKind.prospect: "",
    PartnerRoleKind.lead: "",
    PartnerRoleKind.other: "",
}

ACCOUNT_MAX_LENGTH = 20  # what PartnerRole.account holds

_TEXT_FIELDS = ("name", "reg_com", "city", "street", "postal_code", "email", "phone", "notes")


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def normalize_partner(values: Mapping[str, Any]) -> dict[str, Any]:
    """Validate and normalise a complete partner record (all columns the user sets)."""
    out = dict(values)
    for key in _TEXT_FIELDS:
        if key in out:
            out[key] = (out[key] or "").strip()
    try:
        kind = PartnerKind(out.get("kind") or PartnerKind.company)
    except ValueError:
        names = ", ".join(k.value for k in PartnerKind)
        raise ValidationFailed(
            "PARTNER_KIND_INVALID",
            f"Tipul de partener «{out.get('kind')}» nu există. Tipuri posibile: {names}.",
            f"Unknown partner kind «{out.get('kind')}».",
            field="kind",
        ) from None
    out["kind"] = kind
    if not out.get("name"):
        raise ValidationFailed(
            "PARTNER_NAME_REQUIRED",
            "Completați denumirea partenerului.",
            "The partner's name is required.",
            field="name",
        )
    out["country"] = normalize_country(out.get("country") or "RO")
    _identifiers(out, kind)
    _address(out)
    email = out.get("email", "")
    if email and ("@" not in email or " " in email):
        raise ValidationFailed(
            "EMAIL_INVALID",
            f"Adresa de e-mail «{email}» nu este validă.",
            f"«{email}» is not a valid e-mail address.",
            field="email",
        )
    return out


def _identifiers(out: dict[str, Any], kind: PartnerKind) -> None:
    romanian = out["country"] == "RO"
    cui, cnp, vat_id = (out.get(k) for k in ("cui", "cnp", "foreign_vat_id"))
    out["cui"] = None if _blank(cui) else normalize_cui(str(cui))
    out["cnp"] = None if _blank(cnp) else normalize_cnp(str(cnp))
    out["foreign_vat_id"] = None
    if not _blank(vat_id):
        compact = str(vat_id).replace(" ", "").upper()
        # EU numbers are checked (VIES format and check digits); others are kept as typed.
        eu = out["country"] in EU_COUNTRIES or compact[:2] in EU_COUNTRIES | {"EL"}
        try:
            out["foreign_vat_id"] = normalize_eu_vat(compact) if eu else compact
        except ValidationFailed as exc:
            exc.field = "foreign_vat_id"  # the partner's column, not identity's generic name
            raise
    if kind is PartnerKind.company:
        if out["cnp"] is not None:
            raise ValidationFailed(
                "PARTNER_CNP_ON_COMPANY",
                "O firmă nu are CNP. Alegeți tipul «persoană fizică» sau ștergeți CNP-ul.",
                "A company has no CNP.",
                field="cnp",
            )
        if romanian and out["cui"] is None:
            raise ValidationFailed(
                "PARTNER_CUI_REQUIRED",
                "Completați CUI-ul firmei (codul fiscal, fără RO).",
                "A Romanian company needs its CUI.",
                field="cui",
            )
    elif out["cui"] is not None:
        raise ValidationFailed(
            "PARTNER_CUI_ON_INDIVIDUAL",
            "O persoană fizică nu are CUI. Pentru PFA sau II alegeți tipul «firmă».",
            "An individual has no CUI; a PFA/II is a company.",
            field="cui",
        )
    if not romanian and out["cui"] is not None:
        raise ValidationFailed(
            "PARTNER_CUI_FOREIGN",
            "CUI-ul este doar pentru parteneri din România. "
            "Pentru firme străine completați codul de TVA străin.",
            "A CUI is only for Romanian partners; use the foreign VAT id.",
            field="cui",
        )


def _address(out: dict[str, Any]) -> None:
    county, sector = out.get("county") or "", out.get("sector") or ""
    if out["country"] != "RO":
        # Foreign addresses have no Romanian county or sector; a region goes in the city.
        if county or sector:
            raise ValidationFailed(
                "COUNTY_NOT_FOR_FOREIGN",
                "Județul și sectorul se completează doar pentru adrese din România.",
                "County and sector apply only to Romanian addresses.",
                field="county" if county else "sector",
            )
        out["county"], out["sector"] = "", ""
        return
    out["county"], out["sector"] = normalize_ro_place(county, sector)


def normalize_roles(roles: Iterable[str]) -> list[PartnerRoleKind]:
    """Distinct roles in a stable order; unknown ones are refused."""
    out: list[PartnerRoleKind] = []
    for value in roles:
        try:
            role = PartnerRoleKind(value)
        except ValueError:
            names = ", ".join(r.value for r in PartnerRoleKind)
            raise ValidationFailed(
                "PARTNER_ROLE_INVALID",
                f"Rolul «{value}» nu există. Roluri posibile: {names}.",
                f"Unknown partner role «{value}».",
                field="roles",
            ) from None
        if role not in out:
            out.append(role)
    return out


def normalize_account(account: str, role: PartnerRoleKind) -> str:
    """An account like 4111 or an analytic 4111.01; blank means the role's default."""
    account = (account or "").strip()
    if not account:
        return DEFAULT_ACCOUNTS[role]
    synthetic, dot, analytic = account.partition(".")
    if (
        not account.isascii()
        or len(account) > ACCOUNT_MAX_LENGTH
        or not (synthetic.isdigit() and 3 <= len(synthetic) <= 4)
        or (dot and not analytic.isalnum())  # "4111." has an empty analytic
    ):
        raise ValidationFailed(
            "ACCOUNT_INVALID",
            f"Contul «{account}» nu are forma unui cont din planul de conturi "
            "(ex. 4111 sau analiticul 4111.01).",
            f"«{account}» is not an account code (e.g. 4111 or 4111.01).",
            field="account",
        )
    return account


def normalize_bank_account(iban: str, currency: str = "RON") -> tuple[str, str]:
    currency = (currency or "RON").strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        raise ValidationFailed(
            "CURRENCY_INVALID",
            f"Moneda «{currency}» nu este un cod ISO 4217 (ex. RON, EUR).",
            f"«{currency}» is not an ISO 4217 code.",
            field="currency",
        )
    return normalize_iban(iban), currency
