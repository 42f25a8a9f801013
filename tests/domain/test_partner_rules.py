"""What makes a partner record valid, pure (domain/partners/rules.py): identifiers per kind
and country, the Romanian address (county, sector), e-mail, roles and their accounts, bank
accounts. The check digits themselves are covered by test_identity.py."""

from __future__ import annotations

from typing import Any

import pytest

from domain.core.errors import ValidationFailed
from domain.partners.rules import (
    normalize_account,
    normalize_bank_account,
    normalize_partner,
    normalize_roles,
)
from tables.choices import PartnerKind, PartnerRoleKind

CUI = "12345674"
CNP = "1850715420011"


def refused(values: dict[str, Any], code: str, field: str) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as caught:
        normalize_partner(values)
    error = caught.value
    assert (error.code, error.field) == (code, field)
    assert error.status == 422
    return error


def test_romanian_company_normalised():
    out = normalize_partner(
        {
            "name": "  Alfa Distribuție SRL ",
            "cui": "RO 1234 5674",
            "county": "Cluj",
            "city": " Cluj-Napoca ",
            "email": "office@alfa.ro",
        }
    )
    assert out["name"] == "Alfa Distribuție SRL"
    assert out["kind"] is PartnerKind.company
    assert out["country"] == "RO"
    assert out["cui"] == CUI
    assert out["cnp"] is None
    assert out["foreign_vat_id"] is None
    assert out["county"] == "RO-CJ"
    assert out["sector"] == ""
    assert out["city"] == "Cluj-Napoca"


@pytest.mark.parametrize(
    ("county", "expected"),
    [("Cluj", "RO-CJ"), ("cj", "RO-CJ"), ("Jud. Cluj", "RO-CJ"), ("Iasi", "RO-IS"), ("", "")],
)
def test_county_normalised_to_iso_code(county: str, expected: str):
    assert normalize_partner({"name": "X", "cui": CUI, "county": county})["county"] == expected


def test_company_needs_a_cui_in_romania():
    error = refused({"name": "Alfa SRL"}, "PARTNER_CUI_REQUIRED", "cui")
    assert "CUI" in error.message_ro
    refused({"name": "Alfa SRL", "cui": "   "}, "PARTNER_CUI_REQUIRED", "cui")


def test_invalid_cui_refused():
    refused({"name": "Alfa SRL", "cui": "12345675"}, "CUI_INVALID", "cui")


def test_company_has_no_cnp():
    error = refused({"name": "Alfa SRL", "cui": CUI, "cnp": CNP}, "PARTNER_CNP_ON_COMPANY", "cnp")
    assert "persoană fizică" in error.message_ro


def test_individual_with_cnp_in_a_bucharest_sector():
    out = normalize_partner(
        {"name": "Ion Popa", "kind": "individual", "cnp": CNP, "county": "București", "sector": "3"}
    )
    assert out["kind"] is PartnerKind.individual
    assert (out["cnp"], out["cui"]) == (CNP, None)
    assert (out["county"], out["sector"]) == ("RO-B", "SECTOR3")
    # A CNP is optional for an individual (a walk-in customer).
    assert normalize_partner({"name": "Ion", "kind": "individual"})["cnp"] is None


def test_individual_has_no_cui():
    error = refused(
        {"name": "Ion Popa", "kind": "individual", "cui": CUI},
        "PARTNER_CUI_ON_INDIVIDUAL",
        "cui",
    )
    assert "PFA" in error.message_ro


def test_unknown_kind_refused():
    error = refused({"name": "X", "cui": CUI, "kind": "martian"}, "PARTNER_KIND_INVALID", "kind")
    assert "«martian»" in error.message_ro
    assert "individual" in error.message_ro


def test_sector_only_in_bucharest():
    refused(
        {"name": "X", "cui": CUI, "county": "RO-CJ", "sector": "1"},
        "SECTOR_OUTSIDE_BUCHAREST",
        "sector",
    )
    refused({"name": "X", "cui": CUI, "sector": "2"}, "SECTOR_OUTSIDE_BUCHAREST", "sector")
    refused({"name": "X", "cui": CUI, "county": "RO-B", "sector": "7"}, "SECTOR_INVALID", "sector")
    refused({"name": "X", "cui": CUI, "county": "Atlantis"}, "COUNTY_INVALID", "county")


def test_foreign_eu_partner_with_a_validated_vat_id():
    out = normalize_partner(
        {"name": "Müller GmbH", "country": "Germania", "foreign_vat_id": "de 136 695 976"}
    )
    assert out["country"] == "DE"
    assert out["foreign_vat_id"] == "DE136695976"
    assert (out["cui"], out["county"], out["sector"]) == (None, "", "")
    # A wrong check digit is refused, on the partner's own field.
    error = refused(
        {"name": "Müller GmbH", "country": "DE", "foreign_vat_id": "DE136695977"},
        "VAT_ID_INVALID",
        "foreign_vat_id",
    )
    assert "DE136695977" in error.message_ro


def test_non_eu_vat_id_kept_as_typed():
    out = normalize_partner(
        {"name": "Acme Inc", "country": "US", "foreign_vat_id": "us 12-3456789"}
    )
    assert out["country"] == "US"
    assert out["foreign_vat_id"] == "US12-3456789"  # only spaces dropped, upper-cased
    # An EU prefix is still checked even when the country says otherwise.
    refused(
        {"name": "Acme Inc", "country": "US", "foreign_vat_id": "DE136695977"},
        "VAT_ID_INVALID",
        "foreign_vat_id",
    )


def test_foreign_partner_has_no_cui_and_no_county():
    error = refused(
        {"name": "Müller GmbH", "country": "DE", "cui": CUI}, "PARTNER_CUI_FOREIGN", "cui"
    )
    assert "codul de TVA străin" in error.message_ro
    refused(
        {"name": "Müller GmbH", "country": "DE", "county": "Bayern"},
        "COUNTY_NOT_FOR_FOREIGN",
        "county",
    )
    refused(
        {"name": "Müller GmbH", "country": "DE", "sector": "1"}, "COUNTY_NOT_FOR_FOREIGN", "sector"
    )
    refused({"name": "X", "country": "XX"}, "COUNTRY_INVALID", "country")


@pytest.mark.parametrize("email", ["nope", "ana pop@alfa.ro", "ana@alfa .ro"])
def test_bad_email_refused(email: str):
    error = refused({"name": "X", "cui": CUI, "email": email}, "EMAIL_INVALID", "email")
    assert f"«{email.strip()}»" in error.message_ro


def test_name_required():
    refused({"name": "   ", "cui": CUI}, "PARTNER_NAME_REQUIRED", "name")
    refused({"cui": CUI}, "PARTNER_NAME_REQUIRED", "name")


def test_blank_optional_fields_become_empty_strings():
    out = normalize_partner(
        {"name": "X", "cui": CUI, "county": None, "sector": None, "email": None, "cnp": ""}
    )
    assert (out["county"], out["sector"], out["email"], out["cnp"]) == ("", "", "", None)


def test_roles_distinct_in_order_and_unknown_refused():
    assert normalize_roles(["supplier", "client", "supplier"]) == [
        PartnerRoleKind.supplier,
        PartnerRoleKind.client,
    ]
    assert normalize_roles([]) == []
    with pytest.raises(ValidationFailed) as caught:
        normalize_roles(["client", "vip"])
    assert (caught.value.code, caught.value.field) == ("PARTNER_ROLE_INVALID", "roles")
    assert "«vip»" in caught.value.message_ro
    assert "supplier" in caught.value.message_ro


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (PartnerRoleKind.client, "4111"),
        (PartnerRoleKind.supplier, "401"),
        (PartnerRoleKind.employee, "421"),
        (PartnerRoleKind.carrier, "401"),
        (PartnerRoleKind.lead, ""),
    ],
)
def test_blank_account_is_the_role_default(role: PartnerRoleKind, expected: str):
    assert normalize_account("", role) == expected
    assert normalize_account("  ", role) == expected


@pytest.mark.parametrize("account", ["4111", "401", "4111.01", " 4111.A7 "])
def test_accounts_accepted(account: str):
    assert normalize_account(account, PartnerRoleKind.client) == account.strip()


@pytest.mark.parametrize(
    "account", ["abc", "41", "41111", "41x1", "4111.", "4111.0-1", "４１１１", "4111." + "9" * 16]
)
def test_accounts_refused(account: str):
    with pytest.raises(ValidationFailed) as caught:
        normalize_account(account, PartnerRoleKind.client)
    assert (caught.value.code, caught.value.field) == ("ACCOUNT_INVALID", "account")
    assert f"«{account}»" in caught.value.message_ro


def test_bank_account():
    assert normalize_bank_account("ro49 aaaa 1b31 0075 9384 0000", "eur") == (
        "RO49AAAA1B31007593840000",
        "EUR",
    )
    assert normalize_bank_account("RO49AAAA1B31007593840000", "")[1] == "RON"
    with pytest.raises(ValidationFailed) as caught:
        normalize_bank_account("RO49AAAA1B31007593840001")
    assert (caught.value.code, caught.value.field) == ("IBAN_INVALID", "iban")
    with pytest.raises(ValidationFailed) as caught:
        normalize_bank_account("RO49AAAA1B31007593840000", "EURO")
    assert (caught.value.code, caught.value.field) == ("CURRENCY_INVALID", "currency")
