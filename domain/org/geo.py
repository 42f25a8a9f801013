"""Romanian counties and Bucharest sectors, and ISO 3166-1 countries, with Romanian names.

Pure reference data defined in code (no tables, no file reads): the county list matches the
e-Factura code list `ro-county-iso3166-2.csv` and the sectors `ro-bucharest-sector.csv`
(checked by tests). Names carry the correct comma-below diacritics (ș ț); lookups by name
ignore case and diacritics, and accept the old cedilla forms (ş ţ) as well.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NoReturn

from domain.core.errors import ValidationFailed

COUNTIES: dict[str, str] = {
    "RO-AB": "Alba",
    "RO-AG": "Argeș",
    "RO-AR": "Arad",
    "RO-B": "București",
    "RO-BC": "Bacău",
    "RO-BH": "Bihor",
    "RO-BN": "Bistrița-Năsăud",
    "RO-BR": "Brăila",
    "RO-BT": "Botoșani",
    "RO-BV": "Brașov",
    "RO-BZ": "Buzău",
    "RO-CJ": "Cluj",
    "RO-CL": "Călărași",
    "RO-CS": "Caraș-Severin",
    "RO-CT": "Constanța",
    "RO-CV": "Covasna",
    "RO-DB": "Dâmbovița",
    "RO-DJ": "Dolj",
    "RO-GJ": "Gorj",
    "RO-GL": "Galați",
    "RO-GR": "Giurgiu",
    "RO-HD": "Hunedoara",
    "RO-HR": "Harghita",
    "RO-IF": "Ilfov",
    "RO-IL": "Ialomița",
    "RO-IS": "Iași",
    "RO-MH": "Mehedinți",
    "RO-MM": "Maramureș",
    "RO-MS": "Mureș",
    "RO-NT": "Neamț",
    "RO-OT": "Olt",
    "RO-PH": "Prahova",
    "RO-SB": "Sibiu",
    "RO-SJ": "Sălaj",
    "RO-SM": "Satu Mare",
    "RO-SV": "Suceava",
    "RO-TL": "Tulcea",
    "RO-TM": "Timiș",
    "RO-TR": "Teleorman",
    "RO-VL": "Vâlcea",
    "RO-VN": "Vrancea",
    "RO-VS": "Vaslui",
}
"""ISO 3166-2:RO code -> county name (41 counties and the Municipality of Bucharest)."""

BUCHAREST = "RO-B"

SECTORS: dict[str, str] = {f"SECTOR{n}": f"Sector {n}" for n in range(1, 7)}
"""Bucharest sector code (as in the e-Factura code list) -> name."""

COUNTRIES: dict[str, str] = {
    "AD": "Andorra",
    "AE": "Emiratele Arabe Unite",
    "AF": "Afganistan",
    "AG": "Antigua și Barbuda",
    "AI": "Anguilla",
    "AL": "Albania",
    "AM": "Armenia",
    "AO": "Angola",
    "AQ": "Antarctica",
    "AR": "Argentina",
    "AS": "Samoa Americană",
    "AT": "Austria",
    "AU": "Australia",
    "AW": "Aruba",
    "AX": "Insulele Åland",
    "AZ": "Azerbaidjan",
    "BA": "Bosnia și Herțegovina",
    "BB": "Barbados",
    "BD": "Bangladeș",
    "BE": "Belgia",
    "BF": "Burkina Faso",
    "BG": "Bulgaria",
    "BH": "Bahrain",
    "BI": "Burundi",
    "BJ": "Benin",
    "BL": "Saint-Barthélemy",
    "BM": "Bermude",
    "BN": "Brunei",
    "BO": "Bolivia",
    "BQ": "Bonaire, Sint Eustatius și Saba",
    "BR": "Brazilia",
    "BS": "Bahamas",
    "BT": "Bhutan",
    "BV": "Insula Bouvet",
    "BW": "Botswana",
    "BY": "Bielorusia",
    "BZ": "Belize",
    "CA": "Canada",
    "CC": "Insulele Cocos (Keeling)",
    "CD": "Republica Democrată Congo",
    "CF": "Republica Centrafricană",
    "CG": "Congo",
    "CH": "Elveția",
    "CI": "Côte d'Ivoire",
    "CK": "Insulele Cook",
    "CL": "Chile",
    "CM": "Camerun",
    "CN": "China",
    "CO": "Columbia",
    "CR": "Costa Rica",
    "CU": "Cuba",
    "CV": "Capul Verde",
    "CW": "Curaçao",
    "CX": "Insula Crăciunului",
    "CY": "Cipru",
    "CZ": "Cehia",
    "DE": "Germania",
    "DJ": "Djibouti",
    "DK": "Danemarca",
    "DM": "Dominica",
    "DO": "Republica Dominicană",
    "DZ": "Algeria",
    "EC": "Ecuador",
    "EE": "Estonia",
    "EG": "Egipt",
    "EH": "Sahara de Vest",
    "ER": "Eritreea",
    "ES": "Spania",
    "ET": "Etiopia",
    "FI": "Finlanda",
    "FJ": "Fiji",
    "FK": "Insulele Falkland",
    "FM": "Micronezia",
    "FO": "Insulele Feroe",
    "FR": "Franța",
    "GA": "Gabon",
    "GB": "Regatul Unit",
    "GD": "Grenada",
    "GE": "Georgia",
    "GF": "Guiana Franceză",
    "GG": "Guernsey",
    "GH": "Ghana",
    "GI": "Gibraltar",
    "GL": "Groenlanda",
    "GM": "Gambia",
    "GN": "Guinea",
    "GP": "Guadelupa",
    "GQ": "Guinea Ecuatorială",
    "GR": "Grecia",
    "GS": "Georgia de Sud și Insulele Sandwich de Sud",
    "GT": "Guatemala",
    "GU": "Guam",
    "GW": "Guinea-Bissau",
    "GY": "Guyana",
    "HK": "Hong Kong",
    "HM": "Insula Heard și Insulele McDonald",
    "HN": "Honduras",
    "HR": "Croația",
    "HT": "Haiti",
    "HU": "Ungaria",
    "ID": "Indonezia",
    "IE": "Irlanda",
    "IL": "Israel",
    "IM": "Insula Man",
    "IN": "India",
    "IO": "Teritoriul britanic din Oceanul Indian",
    "IQ": "Irak",
    "IR": "Iran",
    "IS": "Islanda",
    "IT": "Italia",
    "JE": "Jersey",
    "JM": "Jamaica",
    "JO": "Iordania",
    "JP": "Japonia",
    "KE": "Kenia",
    "KG": "Kârgâzstan",
    "KH": "Cambogia",
    "KI": "Kiribati",
    "KM": "Comore",
    "KN": "Saint Kitts și Nevis",
    "KP": "Coreea de Nord",
    "KR": "Coreea de Sud",
    "KW": "Kuweit",
    "KY": "Insulele Caiman",
    "KZ": "Kazahstan",
    "LA": "Laos",
    "LB": "Liban",
    "LC": "Sfânta Lucia",
    "LI": "Liechtenstein",
    "LK": "Sri Lanka",
    "LR": "Liberia",
    "LS": "Lesotho",
    "LT": "Lituania",
    "LU": "Luxemburg",
    "LV": "Letonia",
    "LY": "Libia",
    "MA": "Maroc",
    "MC": "Monaco",
    "MD": "Republica Moldova",
    "ME": "Muntenegru",
    "MF": "Saint-Martin (partea franceză)",
    "MG": "Madagascar",
    "MH": "Insulele Marshall",
    "MK": "Macedonia de Nord",
    "ML": "Mali",
    "MM": "Myanmar",
    "MN": "Mongolia",
    "MO": "Macao",
    "MP": "Insulele Mariane de Nord",
    "MQ": "Martinica",
    "MR": "Mauritania",
    "MS": "Montserrat",
    "MT": "Malta",
    "MU": "Mauritius",
    "MV": "Maldive",
    "MW": "Malawi",
    "MX": "Mexic",
    "MY": "Malaezia",
    "MZ": "Mozambic",
    "NA": "Namibia",
    "NC": "Noua Caledonie",
    "NE": "Niger",
    "NF": "Insula Norfolk",
    "NG": "Nigeria",
    "NI": "Nicaragua",
    "NL": "Țările de Jos",
    "NO": "Norvegia",
    "NP": "Nepal",
    "NR": "Nauru",
    "NU": "Niue",
    "NZ": "Noua Zeelandă",
    "OM": "Oman",
    "PA": "Panama",
    "PE": "Peru",
    "PF": "Polinezia Franceză",
    "PG": "Papua Noua Guinee",
    "PH": "Filipine",
    "PK": "Pakistan",
    "PL": "Polonia",
    "PM": "Saint Pierre și Miquelon",
    "PN": "Pitcairn",
    "PR": "Puerto Rico",
    "PS": "Palestina",
    "PT": "Portugalia",
    "PW": "Palau",
    "PY": "Paraguay",
    "QA": "Qatar",
    "RE": "Réunion",
    "RO": "România",
    "RS": "Serbia",
    "RU": "Rusia",
    "RW": "Rwanda",
    "SA": "Arabia Saudită",
    "SB": "Insulele Solomon",
    "SC": "Seychelles",
    "SD": "Sudan",
    "SE": "Suedia",
    "SG": "Singapore",
    "SH": "Sfânta Elena, Ascension și Tristan da Cunha",
    "SI": "Slovenia",
    "SJ": "Svalbard și Jan Mayen",
    "SK": "Slovacia",
    "SL": "Sierra Leone",
    "SM": "San Marino",
    "SN": "Senegal",
    "SO": "Somalia",
    "SR": "Surinam",
    "SS": "Sudanul de Sud",
    "ST": "Sao Tome și Principe",
    "SV": "El Salvador",
    "SX": "Sint Maarten (partea olandeză)",
    "SY": "Siria",
    "SZ": "Eswatini",
    "TC": "Insulele Turks și Caicos",
    "TD": "Ciad",
    "TF": "Teritoriile Australe și Antarctice Franceze",
    "TG": "Togo",
    "TH": "Thailanda",
    "TJ": "Tadjikistan",
    "TK": "Tokelau",
    "TL": "Timorul de Est",
    "TM": "Turkmenistan",
    "TN": "Tunisia",
    "TO": "Tonga",
    "TR": "Turcia",
    "TT": "Trinidad și Tobago",
    "TV": "Tuvalu",
    "TW": "Taiwan",
    "TZ": "Tanzania",
    "UA": "Ucraina",
    "UG": "Uganda",
    "UM": "Insulele Minore Îndepărtate ale Statelor Unite",
    "US": "Statele Unite ale Americii",
    "UY": "Uruguay",
    "UZ": "Uzbekistan",
    "VA": "Vatican",
    "VC": "Saint Vincent și Grenadinele",
    "VE": "Venezuela",
    "VG": "Insulele Virgine Britanice",
    "VI": "Insulele Virgine Americane",
    "VN": "Vietnam",
    "VU": "Vanuatu",
    "WF": "Wallis și Futuna",
    "WS": "Samoa",
    "YE": "Yemen",
    "YT": "Mayotte",
    "ZA": "Africa de Sud",
    "ZM": "Zambia",
    "ZW": "Zimbabwe",
}
"""ISO 3166-1 alpha-2 code -> Romanian country name (all 249 officially assigned codes).

"EL" (the VAT prefix of Greece) and "XI" (Northern Ireland, VAT only) are deliberately absent:
they are not ISO country codes.
"""

# fmt: off
EU_COUNTRIES: frozenset[str] = frozenset({
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
    "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
})
# fmt: on
"""The 27 EU member states, by ISO code (Greece is GR here; its VAT prefix EL is not)."""

EEA_COUNTRIES: frozenset[str] = EU_COUNTRIES | {"IS", "LI", "NO"}


def fold(value: str) -> str:
    """Lookup key: no diacritics (comma-below and cedilla alike), casefolded, `-`/`.` as spaces."""
    decomposed = unicodedata.normalize("NFKD", value)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.replace("-", " ").replace(".", " ").casefold().split())


_COUNTY_PREFIXES = ("judetul ", "judet ", "jud ", "municipiul ", "mun ")


def _county_keys() -> dict[str, str]:
    keys: dict[str, str] = {}
    for code, name in COUNTIES.items():
        keys[fold(code)] = code
        keys[fold(code.removeprefix("RO-"))] = code
        keys[fold(name)] = code
    keys["bucharest"] = BUCHAREST
    return keys


_COUNTY_BY_KEY = _county_keys()
_COUNTRY_BY_KEY = {fold(name): code for code, name in COUNTRIES.items()}
_SECTOR_RE = re.compile(r"^(?:sector(?:ul)?\s*)?([1-6])$")


def _invalid(
    code: str, field: str, value: str, ro: tuple[str, str], en: tuple[str, str]
) -> NoReturn:
    """Raise `code`; `ro`/`en` are (what is wrong, with `{}` for the value; what to use)."""
    shown = value.strip()
    what_ro, what_en = (ro[0].format(shown), en[0].format(shown))
    raise ValidationFailed(code, f"{what_ro} {ro[1]}", f"{what_en} {en[1]}", field=field)


def normalize_county(value: str) -> str:
    """ISO 3166-2 code ("RO-CJ") from a code ("RO-CJ", "CJ", "cj") or a name ("Cluj", "Iasi")."""
    key = fold(value)
    for prefix in _COUNTY_PREFIXES:
        if key.startswith(prefix):
            key = key.removeprefix(prefix)
            break
    code = _COUNTY_BY_KEY.get(key)
    if code is None:
        _invalid(
            "COUNTY_INVALID",
            "county",
            value,
            (
                "Județul «{}» nu există." if key else "Județul nu este completat.",
                "Folosiți codul ISO (ex. RO-CJ) sau numele județului.",
            ),
            (
                "County «{}» does not exist." if key else "The county is missing.",
                "Use the ISO code (e.g. RO-CJ) or the county name.",
            ),
        )
    return code


def county_name(code: str) -> str:
    """Romanian name of a county given in any form `normalize_county` accepts."""
    return COUNTIES[normalize_county(code)]


def normalize_sector(value: str) -> str:
    """Bucharest sector code ("SECTOR3") from "SECTOR3", "Sector 3", "sectorul 3" or "3"."""
    key = fold(value)
    match = _SECTOR_RE.match(key)
    if match is None:
        _invalid(
            "SECTOR_INVALID",
            "sector",
            value,
            (
                "Sectorul «{}» nu există." if key else "Sectorul nu este completat.",
                "București are sectoarele 1 până la 6 (ex. SECTOR1 sau 1).",
            ),
            (
                "Sector «{}» does not exist." if key else "The sector is missing.",
                "Bucharest has sectors 1 to 6 (e.g. SECTOR1 or 1).",
            ),
        )
    return f"SECTOR{match.group(1)}"


def sector_name(code: str) -> str:
    """Name ("Sector 3") of a sector given in any form `normalize_sector` accepts."""
    return SECTORS[normalize_sector(code)]


def normalize_country(value: str) -> str:
    """ISO 3166-1 alpha-2 code from a code ("de", "DE") or the Romanian name ("Germania")."""
    key = fold(value)
    code = key.upper()
    found = code if code in COUNTRIES else _COUNTRY_BY_KEY.get(key)
    if found is None:
        greek = code == "EL"
        _invalid(
            "COUNTRY_INVALID",
            "country",
            value,
            (
                "Țara «{}» nu există." if key else "Țara nu este completată.",
                "Folosiți codul ISO din două litere (ex. RO, DE) sau numele țării."
                + (
                    " Pentru Grecia codul de țară este GR (EL e doar prefixul de TVA)."
                    if greek
                    else ""
                ),
            ),
            (
                "Country «{}» does not exist." if key else "The country is missing.",
                "Use the two-letter ISO code (e.g. RO, DE) or the country name."
                + (" Greece's country code is GR (EL is only its VAT prefix)." if greek else ""),
            ),
        )
    return found


def country_name(code: str) -> str:
    """Romanian name of a country given in any form `normalize_country` accepts."""
    return COUNTRIES[normalize_country(code)]


def normalize_ro_place(county: str, sector: str) -> tuple[str, str]:
    """County and sector of a Romanian address; a sector only in Bucharest (RO-B)."""
    county = normalize_county(county) if county else ""
    sector = normalize_sector(sector) if sector else ""
    if sector and county != BUCHAREST:
        raise ValidationFailed(
            "SECTOR_OUTSIDE_BUCHAREST",
            "Sectorul se completează doar pentru adrese din București (RO-B).",
            "A sector applies only to Bucharest.",
            field="sector",
        )
    return county, sector
