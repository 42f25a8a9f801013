"""Counties, Bucharest sectors and countries: checked against the official e-Factura lists."""

from __future__ import annotations

import contextlib
import csv
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.core.errors import ValidationFailed
from domain.org import geo
from tests.shared_data import shared_path

CEDILLA = "şţŞŢ"


def read_codelist(name: str) -> dict[str, str]:
    with shared_path("efactura", "codelists", name).open(encoding="utf-8", newline="") as fh:
        return {row["code"]: row["name"] for row in csv.DictReader(fh)}


def efactura_country_codes() -> set[str]:
    """Codes allowed by rule BR-CL-14 of the CIUS-RO schematron (ISO 3166-1 plus 1A, XI)."""
    sch = shared_path(
        "efactura", "cius-ro-1.0.9", "anaf-ro16931-ubl-1.0.9", "codelist", "EN16931-UBL-codes.sch"
    ).read_text(encoding="utf-8")
    rule = re.search(r"contains\(' ([0-9A-Z ]+) ', concat[^<]*id=\"BR-CL-14\"", sch)
    assert rule, "BR-CL-14 not found in the schematron"
    return set(rule.group(1).split())


def assert_invalid(exc: ValidationFailed, code: str, field: str) -> None:
    assert exc.code == code
    assert exc.status == 422
    assert exc.field == field
    assert exc.message_ro.strip()
    assert exc.message_en.strip()
    assert exc.message_ro != exc.message_en


# --- reference lists -----------------------------------------------------------------------


def test_counties_equal_official_list() -> None:
    assert read_codelist("ro-county-iso3166-2.csv") == geo.COUNTIES


def test_sectors_equal_official_list() -> None:
    assert read_codelist("ro-bucharest-sector.csv") == geo.SECTORS


def test_countries_are_the_iso_codes_efactura_accepts() -> None:
    assert set(geo.COUNTRIES) == efactura_country_codes() - {"1A", "XI"}
    assert len(geo.COUNTRIES) == 249


def test_names_use_comma_below_diacritics() -> None:
    names = [*geo.COUNTIES.values(), *geo.COUNTRIES.values()]
    assert not [name for name in names if set(name) & set(CEDILLA)]
    assert geo.COUNTIES["RO-CT"] == "Constanța"
    assert geo.COUNTRIES["RO"] == "România"


def test_eu_and_eea() -> None:
    assert len(geo.EU_COUNTRIES) == 27
    assert set(geo.COUNTRIES) >= geo.EU_COUNTRIES
    assert {"IS", "LI", "NO"} == geo.EEA_COUNTRIES - geo.EU_COUNTRIES
    assert "EL" not in geo.COUNTRIES
    assert "GR" in geo.EU_COUNTRIES
    assert "GB" not in geo.EU_COUNTRIES


# --- counties --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("RO-CJ", "RO-CJ"),
        ("CJ", "RO-CJ"),
        ("cj", "RO-CJ"),
        ("ro-cj", "RO-CJ"),
        ("Cluj", "RO-CJ"),
        (" CLUJ ", "RO-CJ"),
        ("Județul Cluj", "RO-CJ"),
        ("jud. Cluj", "RO-CJ"),
        ("Iași", "RO-IS"),
        ("Iasi", "RO-IS"),
        ("Iaşi", "RO-IS"),  # cedilla
        ("Bistrița-Năsăud", "RO-BN"),
        ("bistrita nasaud", "RO-BN"),
        ("Satu-Mare", "RO-SM"),
        ("Caraş Severin", "RO-CS"),
        ("B", "RO-B"),
        ("RO-B", "RO-B"),
        ("București", "RO-B"),
        ("Bucuresti", "RO-B"),
        ("Municipiul București", "RO-B"),
        ("Vâlcea", "RO-VL"),
        ("valcea", "RO-VL"),
    ],
)
def test_normalize_county(value: str, expected: str) -> None:
    assert geo.normalize_county(value) == expected


@pytest.mark.parametrize(("code", "name"), sorted(geo.COUNTIES.items()))
def test_every_county_by_code_and_name(code: str, name: str) -> None:
    cedilla = name.replace("ș", "ş").replace("ț", "ţ")
    for value in (code, code.lower(), code.removeprefix("RO-"), name, name.upper(), cedilla):
        assert geo.normalize_county(value) == code
    assert geo.county_name(code) == name


@pytest.mark.parametrize("value", ["RO-XX", "XX", "Clujj", "RO", "Sector 1", "", "   "])
def test_unknown_county(value: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        geo.normalize_county(value)
    assert_invalid(caught.value, "COUNTY_INVALID", "county")
    assert "Județul" in caught.value.message_ro
    assert "RO-CJ" in caught.value.message_ro


def test_unknown_county_message_names_the_value() -> None:
    with pytest.raises(ValidationFailed) as caught:
        geo.normalize_county("Clujj")
    assert caught.value.message_ro == (
        "Județul «Clujj» nu există. Folosiți codul ISO (ex. RO-CJ) sau numele județului."
    )


# --- sectors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("SECTOR1", "SECTOR1"),
        ("Sector 1", "SECTOR1"),
        ("sector1", "SECTOR1"),
        ("1", "SECTOR1"),
        (" 6 ", "SECTOR6"),
        ("Sectorul 3", "SECTOR3"),
    ],
)
def test_normalize_sector(value: str, expected: str) -> None:
    assert geo.normalize_sector(value) == expected


@pytest.mark.parametrize("value", ["0", "7", "Sector 7", "SECTOR", "S1", "", "12"])
def test_unknown_sector(value: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        geo.normalize_sector(value)
    assert_invalid(caught.value, "SECTOR_INVALID", "sector")


def test_sector_name() -> None:
    assert geo.sector_name("3") == "Sector 3"


# --- countries -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("RO", "RO"),
        ("ro", "RO"),
        (" de ", "DE"),
        ("GR", "GR"),
        ("Germania", "DE"),
        ("romania", "RO"),
        ("Țările de Jos", "NL"),
        ("Republica Moldova", "MD"),
        ("Statele Unite ale Americii", "US"),
    ],
)
def test_normalize_country(value: str, expected: str) -> None:
    assert geo.normalize_country(value) == expected


@pytest.mark.parametrize("value", ["XX", "ROU", "EU", "XI", "", "Atlantida"])
def test_unknown_country(value: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        geo.normalize_country(value)
    assert_invalid(caught.value, "COUNTRY_INVALID", "country")


def test_el_is_not_a_country_but_the_message_points_to_gr() -> None:
    with pytest.raises(ValidationFailed) as caught:
        geo.normalize_country("EL")
    assert "GR" in caught.value.message_ro


def test_country_name() -> None:
    assert geo.country_name("de") == "Germania"
    assert geo.country_name("GR") == "Grecia"
    assert geo.country_name("md") == "Republica Moldova"


# --- any text: a known code or ValidationFailed, never anything else ---------------------------


@given(st.text(max_size=30))
def test_any_text_gives_a_code_or_validation_failed(value: str) -> None:
    for normalize, known in (
        (geo.normalize_county, geo.COUNTIES),
        (geo.normalize_sector, geo.SECTORS),
        (geo.normalize_country, geo.COUNTRIES),
    ):
        with contextlib.suppress(ValidationFailed):
            assert normalize(value) in known
