"""Partner identifiers: CUI/CIF, CNP, IBAN and EU VAT numbers, normalised or refused.

Pure functions on top of python-stdnum. Each `normalize_*` returns the compact canonical form
or raises `ValidationFailed` with a stable code, the field, a Romanian message saying what is
wrong and `details["reason"]` (one of: empty, format, length, checksum, leading_zero,
sex_digit, birth_date, county, anonymous, country, bank_code, prefix).

CNP messages never repeat the whole CNP (personal data ends up in logs); the others echo the
value so the user can spot the typo.
"""

from __future__ import annotations

import re
from datetime import date
from typing import NoReturn

from stdnum import iban as std_iban
from stdnum import numdb
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.ro import cnp as ro_cnp
from stdnum.ro import cui as ro_cui

from domain.core.errors import ValidationFailed

ANONYMOUS_CNP = "0000000000000"
"""What e-Factura accepts for a private buyer without a CNP; not a valid CNP."""

RO_BANKS: dict[str, str] = {
    "BACX": "UniCredit Bank",
    "BRDE": "BRD - Groupe Société Générale",
    "BTRL": "Banca Transilvania",
    "CECE": "CEC Bank",
    "CITI": "Citibank Europe - Sucursala România",
    "EXIM": "Exim Banca Românească",
    "INGB": "ING Bank",
    "LIBR": "Libra Internet Bank",
    "NBOR": "Banca Națională a României",
    "PIRB": "First Bank",
    "RNCB": "Banca Comercială Română (BCR)",
    "RZBR": "Raiffeisen Bank",
    "TREZ": "Trezoreria Statului",
    "UGBI": "Garanti BBVA",
}
"""Bank code of a Romanian IBAN (characters 5-8, the BIC prefix) -> bank name, for prefilling."""

# fmt: off
EU_VAT_PREFIXES: frozenset[str] = frozenset({
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "HR", "HU",
    "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "XI",
})
# fmt: on
"""VIES prefixes: the member states (Greece is EL) and XI for Northern Ireland."""

_DIGITS = re.compile(r"[0-9]+")
_IBAN_SHAPE = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]+")
_BBAN_PART = re.compile(r"([1-9][0-9]*)!([nac])")
_IBAN_DB = numdb.get("iban")
_RO_BANK_CODE = re.compile(r"[A-Z]{4}")
# CNP first digit -> possible centuries of birth (7, 8, 9: foreigners, century not encoded).
_CNP_CENTURIES: dict[str, tuple[int, ...]] = {
    "1": (1900,),
    "2": (1900,),
    "3": (1800,),
    "4": (1800,),
    "5": (2000,),
    "6": (2000,),
    "7": (1900, 2000),
    "8": (1900, 2000),
    "9": (1900, 2000),
}


def _count_ro(n: int, one: str, many: str) -> str:
    """Romanian count: "1 cifră", "13 cifre", "24 de caractere" (20+ takes "de")."""
    if n == 1:
        return f"1 {one}"
    return f"{n} de {many}" if n % 100 == 0 or n % 100 >= 20 else f"{n} {many}"


def _count_en(n: int, one: str) -> str:
    return f"{n} {one}" if n == 1 else f"{n} {one}s"


def _fail(code: str, field: str, reason: str, message_ro: str, message_en: str) -> NoReturn:
    raise ValidationFailed(code, message_ro, message_en, field=field, details={"reason": reason})


# --- CUI / CIF ---------------------------------------------------------------------------


def _cui_fail(reason: str, message_ro: str, message_en: str) -> NoReturn:
    _fail("CUI_INVALID", "cui", reason, message_ro, message_en)


def normalize_cui(value: str) -> str:
    """Digits of a CUI/CIF ("RO 185 472 90" -> "18547290"); checks length and check digit."""
    shown = value.strip()
    number = ro_cui.compact(value)
    try:
        return ro_cui.validate(number)
    except InvalidChecksum:
        _cui_fail(
            "checksum",
            f"CUI-ul «{shown}» nu este valid: cifra de control greșită. Verificați cifrele.",
            f"CUI «{shown}» is not valid: wrong check digit. Check the digits.",
        )
    except InvalidLength:
        _cui_fail(
            "length",
            f"CUI-ul «{shown}» are {_count_ro(len(number), 'cifră', 'cifre')}; "
            "un CUI are între 2 și 10 cifre.",
            f"CUI «{shown}» has {_count_en(len(number), 'digit')}; a CUI has 2 to 10 digits.",
        )
    except InvalidFormat:
        if not number:
            _cui_fail("empty", "CUI-ul nu este completat.", "The CUI is missing.")
        if _DIGITS.fullmatch(number):
            _cui_fail(
                "leading_zero",
                f"CUI-ul «{shown}» nu poate începe cu cifra 0.",
                f"CUI «{shown}» cannot start with 0.",
            )
        _cui_fail(
            "format",
            f"CUI-ul «{shown}» poate conține doar cifre, opțional precedate de «RO».",
            f"CUI «{shown}» may contain only digits, optionally preceded by «RO».",
        )


def vat_code(cui: str) -> str:
    """Romanian VAT code of a company: "RO" + its CUI."""
    return "RO" + normalize_cui(cui)


# --- CNP ---------------------------------------------------------------------------------


def _cnp_fail(reason: str, message_ro: str, message_en: str) -> NoReturn:
    _fail("CNP_INVALID", "cnp", reason, message_ro, message_en)


def is_anonymous_cnp(value: str) -> bool:
    """True for the e-Factura placeholder "0000000000000" (spaces or dashes allowed)."""
    return ro_cnp.compact(value) == ANONYMOUS_CNP


def _cnp_birth_dates(number: str) -> list[date]:
    """The calendar dates the CNP can encode (two for foreigners, whose century is open)."""
    found = []
    for century in _CNP_CENTURIES[number[0]]:
        try:
            found.append(date(century + int(number[1:3]), int(number[3:5]), int(number[5:7])))
        except ValueError:
            continue
    return found


def _check_cnp_birth_date(number: str, today: date) -> None:
    encoded = f"{number[5:7]}.{number[3:5]}.{number[1:3]}"
    dates = _cnp_birth_dates(number)
    if not dates:
        _cnp_fail(
            "birth_date",
            f"CNP-ul conține o dată de naștere invalidă ({encoded}, cifrele 2-7).",
            f"The CNP holds an invalid birth date ({encoded}, digits 2-7).",
        )
    if all(born > today for born in dates):
        _cnp_fail(
            "birth_date",
            f"CNP-ul conține o dată de naștere din viitor ({encoded}, cifrele 2-7).",
            f"The CNP holds a birth date in the future ({encoded}, digits 2-7).",
        )


def normalize_cnp(value: str, *, today: date | None = None) -> str:
    """The 13 digits of a valid CNP: length, first digit, birth date, county, check digit."""
    number = ro_cnp.compact(value)
    if not number:
        _cnp_fail("empty", "CNP-ul nu este completat.", "The CNP is missing.")
    if number == ANONYMOUS_CNP:
        _cnp_fail(
            "anonymous",
            "0000000000000 este codul folosit în e-Factura pentru cumpărători fără CNP, "
            "nu un CNP valid.",
            "0000000000000 is the e-Factura placeholder for buyers without a CNP, not a valid CNP.",
        )
    if not _DIGITS.fullmatch(number):
        _cnp_fail("format", "CNP-ul poate conține doar cifre.", "The CNP may contain only digits.")
    if len(number) != 13:
        _cnp_fail(
            "length",
            f"CNP-ul are {_count_ro(len(number), 'cifră', 'cifre')}; un CNP are exact 13 cifre.",
            f"The CNP has {_count_en(len(number), 'digit')}; a CNP has exactly 13 digits.",
        )
    if number[0] == "0":
        _cnp_fail(
            "sex_digit",
            "Prima cifră a CNP-ului (sexul și secolul nașterii) trebuie să fie între 1 și 9.",
            "The first CNP digit (sex and century of birth) must be 1 to 9.",
        )
    _check_cnp_birth_date(number, today or date.today())
    try:
        ro_cnp.get_county(number)
    except InvalidComponent:
        _cnp_fail(
            "county",
            f"CNP-ul conține un cod de județ inexistent ({number[7:9]}, cifrele 8-9).",
            f"The CNP holds an unknown county code ({number[7:9]}, digits 8-9).",
        )
    if ro_cnp.calc_check_digit(number[:12]) != number[12]:
        _cnp_fail(
            "checksum",
            "CNP-ul nu este valid: cifra de control (ultima) greșită. Verificați cifrele.",
            "The CNP is not valid: wrong check digit (the last one). Check the digits.",
        )
    return number


# --- IBAN --------------------------------------------------------------------------------


def _iban_fail(reason: str, message_ro: str, message_en: str) -> NoReturn:
    _fail("IBAN_INVALID", "iban", reason, message_ro, message_en)


def _iban_length(country: str) -> int | None:
    """Length of an IBAN of `country` per the IBAN registry, or None if it has no IBAN."""
    structure = dict(_IBAN_DB.info(country)).get(country, {}).get("bban")
    if not structure:
        return None
    return 4 + sum(int(count) for count, _ in _BBAN_PART.findall(structure))


def normalize_iban(value: str) -> str:
    """Compact upper-case IBAN ("ro49 aaaa 1b31..." -> "RO49AAAA1B31..."), fully checked."""
    shown = value.strip()
    number = std_iban.compact(value)
    if not number:
        _iban_fail("empty", "IBAN-ul nu este completat.", "The IBAN is missing.")
    if not _IBAN_SHAPE.fullmatch(number):
        _iban_fail(
            "format",
            f"IBAN-ul «{shown}» trebuie să înceapă cu codul țării (2 litere) și 2 cifre de "
            "control și să conțină doar litere și cifre.",
            f"IBAN «{shown}» must start with the country code (2 letters) and 2 check digits "
            "and contain only letters and digits.",
        )
    country = number[:2]
    expected = _iban_length(country)
    if expected is None:
        _iban_fail(
            "country",
            f"IBAN-ul «{shown}» începe cu «{country}», care nu este o țară ce folosește IBAN.",
            f"IBAN «{shown}» starts with «{country}», which is not an IBAN country.",
        )
    if len(number) != expected:
        _iban_fail(
            "length",
            f"IBAN-ul «{shown}» are {_count_ro(len(number), 'caracter', 'caractere')}; "
            f"un IBAN {country} are {_count_ro(expected, 'caracter', 'caractere')}.",
            f"IBAN «{shown}» has {len(number)} characters; a {country} IBAN has {expected}.",
        )
    if country == "RO" and not _RO_BANK_CODE.fullmatch(number[4:8]):
        _iban_fail(
            "bank_code",
            f"IBAN-ul «{shown}» nu este valid: caracterele 5-8 (codul băncii) trebuie să fie "
            "4 litere, ex. BTRL.",
            f"IBAN «{shown}» is not valid: characters 5-8 (the bank code) must be 4 letters, "
            "e.g. BTRL.",
        )
    try:
        return std_iban.validate(number)
    except InvalidChecksum:
        _iban_fail(
            "checksum",
            f"IBAN-ul «{shown}» nu este valid: cifrele de control nu se potrivesc. "
            "Verificați că l-ați copiat corect.",
            f"IBAN «{shown}» is not valid: the check digits do not match. "
            "Check that it was copied correctly.",
        )
    except StdnumError:
        _iban_fail(
            "format",
            f"IBAN-ul «{shown}» nu respectă formatul IBAN pentru {country}.",
            f"IBAN «{shown}» does not follow the {country} IBAN format.",
        )


def bank_code(iban: str) -> str | None:
    """Bank code (characters 5-8, e.g. "BTRL") of a valid Romanian IBAN; None for any other."""
    number = std_iban.compact(iban)
    if not number.startswith("RO") or not std_iban.is_valid(number):
        return None
    return number[4:8]


def bank_name(iban: str) -> str | None:
    """Name of the bank of a valid Romanian IBAN, when its code is in `RO_BANKS`."""
    code = bank_code(iban)
    return RO_BANKS.get(code) if code else None


# --- EU VAT ------------------------------------------------------------------------------


def _vat_fail(reason: str, message_ro: str, message_en: str) -> NoReturn:
    _fail("VAT_ID_INVALID", "vat_id", reason, message_ro, message_en)


def normalize_eu_vat(value: str) -> str:
    """Canonical EU VAT number with its VIES prefix ("el 094259216" -> "EL094259216").

    "GR" is taken for Greece and turned into "EL". RO numbers are accepted too (the CUI rules).
    Only the format and check digit are verified here, not registration (that is VIES).
    """
    shown = value.strip()
    number = "".join(value.split()).upper()
    if not number:
        _vat_fail("empty", "Codul de TVA nu este completat.", "The VAT number is missing.")
    if number.startswith("GR"):
        number = "EL" + number[2:]
    prefix = number[:2]
    if prefix not in EU_VAT_PREFIXES:
        _vat_fail(
            "prefix",
            f"Codul de TVA «{shown}» trebuie să înceapă cu prefixul unui stat membru UE "
            "(ex. DE, FR, EL pentru Grecia).",
            f"VAT number «{shown}» must start with an EU member state prefix "
            "(e.g. DE, FR, EL for Greece).",
        )
    try:
        return eu_vat.validate(number)
    except InvalidChecksum:
        _vat_fail(
            "checksum",
            f"Codul de TVA «{shown}» nu este valid: cifra de control greșită.",
            f"VAT number «{shown}» is not valid: wrong check digit.",
        )
    except InvalidLength:
        _vat_fail(
            "length",
            f"Codul de TVA «{shown}» nu are lungimea corectă pentru {prefix}.",
            f"VAT number «{shown}» does not have the right length for {prefix}.",
        )
    except StdnumError:
        _vat_fail(
            "format",
            f"Codul de TVA «{shown}» nu are formatul corect pentru {prefix}.",
            f"VAT number «{shown}» does not have the right format for {prefix}.",
        )
