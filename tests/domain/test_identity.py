"""CUI, CNP, IBAN and EU VAT numbers, with check digits recomputed here independently."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.core.errors import ValidationFailed
from domain.partners import identity as ident

# --- independent implementations (ro-fiscal.md section 7) -----------------------------------


def cui_check_digit(body: str) -> str:
    weights = (7, 5, 3, 2, 1, 7, 5, 3, 2)
    total = sum(w * int(d) for w, d in zip(weights, body.rjust(9, "0"), strict=True))
    return str(total * 10 % 11 % 10)


def cnp_check_digit(first12: str) -> str:
    weights = (2, 7, 9, 1, 4, 6, 3, 5, 8, 2, 7, 9)
    rest = sum(w * int(d) for w, d in zip(weights, first12, strict=True)) % 11
    return "1" if rest == 10 else str(rest)


def cnp(first12: str) -> str:
    return first12 + cnp_check_digit(first12)


def iban_mod97(iban: str) -> int:
    moved = iban[4:] + iban[:4]
    return int("".join(str(int(ch, 36)) for ch in moved)) % 97


def with_iban_check(country: str, bban: str) -> str:
    return f"{country}{98 - iban_mod97(country + '00' + bban):02d}{bban}"


def raised(fn: Callable[[str], str], value: str) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as caught:
        fn(value)
    return caught.value


# --- CUI -------------------------------------------------------------------------------------

VALID_CUIS = ["4264242", "27193515", "14399840", "18547290"]


@pytest.mark.parametrize("cui", VALID_CUIS)
def test_real_cuis_pass_the_independent_check(cui: str) -> None:
    assert cui_check_digit(cui[:-1]) == cui[-1]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        *[(cui, cui) for cui in VALID_CUIS],
        ("RO4264242", "4264242"),
        ("ro27193515", "27193515"),
        ("RO 14399840", "14399840"),
        (" 185 472 90 ", "18547290"),
        ("RO 185-472-90", "18547290"),
    ],
)
def test_normalize_cui(value: str, expected: str) -> None:
    assert ident.normalize_cui(value) == expected


def test_vat_code() -> None:
    assert ident.vat_code("18547290") == "RO18547290"
    assert ident.vat_code("RO 4264242") == "RO4264242"


def test_cui_wrong_check_digit_says_so() -> None:
    exc = raised(ident.normalize_cui, "4264243")
    assert exc.details["reason"] == "checksum"
    assert "cifra de control greșită" in exc.message_ro
    assert "4264243" in exc.message_ro


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("4264243", "checksum"),
        ("RO18547291", "checksum"),
        ("1", "length"),
        ("12345678901", "length"),
        ("RO 123456789012", "length"),
        ("", "empty"),
        ("RO", "empty"),
        ("04264242", "leading_zero"),
        ("42642A2", "format"),
        ("J40/1234/2000", "format"),
        ("DE4264242", "format"),
    ],
)
def test_invalid_cui(value: str, reason: str) -> None:
    exc = raised(ident.normalize_cui, value)
    assert exc.code == "CUI_INVALID"
    assert exc.field == "cui"
    assert exc.details["reason"] == reason


def test_cui_length_message_states_the_rule() -> None:
    assert "între 2 și 10 cifre" in raised(ident.normalize_cui, "12345678901").message_ro


@given(st.integers(min_value=1, max_value=999_999_999))
def test_cui_check_digit_property(body_number: int) -> None:
    body = str(body_number)
    check = cui_check_digit(body)
    assert ident.normalize_cui(body + check) == body + check
    assert ident.normalize_cui("RO" + body + check) == body + check
    for wrong in "0123456789".replace(check, ""):
        exc = raised(ident.normalize_cui, body + wrong)
        assert exc.details["reason"] == "checksum"


# --- CNP -------------------------------------------------------------------------------------

TODAY = date(2025, 6, 1)


@pytest.mark.parametrize(
    "first12",
    [
        "163061512345",  # man born 15.06.1963, Cluj
        "279123140012",  # woman born 31.12.1979, București
        "501020304567",  # man born 03.02.2001, Bacău
        "600022952001",  # woman born 29.02.2000, Giurgiu
        "700022940123",  # foreign resident born 29.02.2000 (century not encoded)
        "812020170001",  # foreign resident, county code 70 ("any")
    ],
)
def test_valid_cnp(first12: str) -> None:
    value = cnp(first12)
    assert ident.normalize_cnp(value, today=TODAY) == value
    assert ident.normalize_cnp(f" {value[:7]} {value[7:]} ", today=TODAY) == value


def test_valid_cnp_without_explicit_today() -> None:
    assert ident.normalize_cnp(cnp("163061512345")) == cnp("163061512345")


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (cnp("163131512345"), "birth_date"),  # month 13
        (cnp("163023012345"), "birth_date"),  # 30 February
        (cnp("190022912345"), "birth_date"),  # 29.02.1900 (not a leap year)
        (cnp("530010112345"), "birth_date"),  # 01.01.2030: in the future
        (cnp("163061599345"), "county"),
        (cnp("163061500345"), "county"),
        (cnp("063061512345"), "sex_digit"),
        ("163061512345", "length"),
        (cnp("163061512345") + "1", "length"),
        ("16306151234A5", "format"),
        ("", "empty"),
        (ident.ANONYMOUS_CNP, "anonymous"),
    ],
)
def test_invalid_cnp(value: str, reason: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        ident.normalize_cnp(value, today=TODAY)
    exc = caught.value
    assert exc.code == "CNP_INVALID"
    assert exc.field == "cnp"
    assert exc.details["reason"] == reason


def test_cnp_wrong_check_digit() -> None:
    good = cnp("163061512345")
    bad = good[:12] + str((int(good[12]) + 1) % 10)
    exc = raised(ident.normalize_cnp, bad)
    assert exc.details["reason"] == "checksum"
    assert "cifra de control" in exc.message_ro
    assert bad not in exc.message_ro  # personal data stays out of messages


def test_cnp_messages_tell_length_date_and_check_digit_apart() -> None:
    messages = {
        raised(ident.normalize_cnp, "16306151234").message_ro,
        raised(ident.normalize_cnp, cnp("163131512345")).message_ro,
        raised(ident.normalize_cnp, cnp("163061512345")[:12] + "0").message_ro,
    }
    assert len(messages) == 3
    assert any("13 cifre" in m for m in messages)
    assert any("dată de naștere" in m for m in messages)


def test_anonymous_cnp() -> None:
    assert ident.ANONYMOUS_CNP == "0000000000000"
    assert ident.is_anonymous_cnp("0000000000000")
    assert ident.is_anonymous_cnp(" 0000000 000000 ")
    assert not ident.is_anonymous_cnp(cnp("163061512345"))
    assert "e-Factura" in raised(ident.normalize_cnp, "0000000000000").message_ro


# --- IBAN ------------------------------------------------------------------------------------

VALID_IBANS = ["RO49AAAA1B31007593840000", "RO66BACX0000001234567890"]


@pytest.mark.parametrize("iban", VALID_IBANS)
def test_example_ibans_are_really_valid(iban: str) -> None:
    assert iban_mod97(iban) == 1
    assert len(iban) == 24
    assert ident.normalize_iban(iban) == iban


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("ro49 aaaa 1b31 0075 9384 0000", "RO49AAAA1B31007593840000"),
        (" RO66-BACX-0000-0012-3456-7890 ", "RO66BACX0000001234567890"),
        ("DE89 3704 0044 0532 0130 00", "DE89370400440532013000"),
        ("GB82 WEST 1234 5698 7654 32", "GB82WEST12345698765432"),
    ],
)
def test_normalize_iban(value: str, expected: str) -> None:
    assert ident.normalize_iban(value) == expected


def test_bank_code_and_name() -> None:
    assert ident.bank_code("RO66 BACX 0000 0012 3456 7890") == "BACX"
    assert ident.bank_name("RO66BACX0000001234567890") == "UniCredit Bank"
    assert ident.bank_code("RO49AAAA1B31007593840000") == "AAAA"
    assert ident.bank_name("RO49AAAA1B31007593840000") is None
    assert ident.bank_code("DE89370400440532013000") is None
    assert ident.bank_code("RO67BACX0000001234567890") is None  # bad check digits
    assert ident.RO_BANKS["BTRL"] == "Banca Transilvania"
    assert ident.RO_BANKS["TREZ"] == "Trezoreria Statului"
    assert all(len(code) == 4 and code.isalpha() for code in ident.RO_BANKS)


def test_treasury_iban_gets_its_name() -> None:
    iban = with_iban_check("RO", "TREZ7005069XXX012345")
    assert ident.bank_name(iban) == "Trezoreria Statului"


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("RO48AAAA1B31007593840000", "checksum"),
        ("RO66BACX0000001234567809", "checksum"),  # two characters swapped
        ("RO49AAAA1B3100759384000", "length"),
        ("RO49AAAA1B310075938400001", "length"),
        (with_iban_check("RO", "1AAA1B31007593840000"), "bank_code"),
        ("XX49AAAA1B31007593840000", "country"),
        ("US12345678901234", "country"),
        ("49ROAAAA1B31007593840000", "format"),
        ("RO49AAAA1B31007593840000!", "format"),
        ("", "empty"),
    ],
)
def test_invalid_iban(value: str, reason: str) -> None:
    exc = raised(ident.normalize_iban, value)
    assert exc.code == "IBAN_INVALID"
    assert exc.field == "iban"
    assert exc.details["reason"] == reason


def test_iban_length_message_gives_the_expected_length() -> None:
    exc = raised(ident.normalize_iban, "RO49AAAA1B3100759384000")
    assert "24 de caractere" in exc.message_ro


# --- EU VAT ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("DE136695976", "DE136695976"),
        ("de 136 695 976", "DE136695976"),
        ("EL094259216", "EL094259216"),
        ("GR094259216", "EL094259216"),
        ("ATU57194903", "ATU57194903"),
        ("BE697449992", "BE0697449992"),
        ("FR 61 954 506 077", "FR61954506077"),
        ("XI980780684", "XI980780684"),
        ("RO18547290", "RO18547290"),
    ],
)
def test_normalize_eu_vat(value: str, expected: str) -> None:
    assert ident.normalize_eu_vat(value) == expected


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("DE136695977", "checksum"),
        ("DE123456789", "checksum"),
        ("DE13669597", "length"),
        ("US123456789", "prefix"),
        ("GB980780684", "prefix"),
        ("CH123456789", "prefix"),
        ("DEABCDEFGHI", "format"),
        ("", "empty"),
    ],
)
def test_invalid_eu_vat(value: str, reason: str) -> None:
    exc = raised(ident.normalize_eu_vat, value)
    assert exc.code == "VAT_ID_INVALID"
    assert exc.field == "vat_id"
    assert exc.details["reason"] == reason


# --- every error: stable code, 422, Romanian message -----------------------------------------


@pytest.mark.parametrize(
    ("fn", "value", "code"),
    [
        (ident.normalize_cui, "4264243", "CUI_INVALID"),
        (ident.normalize_cui, "1", "CUI_INVALID"),
        (ident.normalize_cnp, cnp("163131512345"), "CNP_INVALID"),
        (ident.normalize_cnp, "123", "CNP_INVALID"),
        (ident.normalize_iban, "RO48AAAA1B31007593840000", "IBAN_INVALID"),
        (ident.normalize_iban, "RO49AAAA", "IBAN_INVALID"),
        (ident.normalize_eu_vat, "DE123456789", "VAT_ID_INVALID"),
        (ident.normalize_eu_vat, "US1", "VAT_ID_INVALID"),
    ],
)
def test_errors_have_code_status_and_romanian_message(
    fn: Callable[[str], str], value: str, code: str
) -> None:
    exc = raised(fn, value)
    assert exc.code == code
    assert exc.status == 422
    assert exc.message_ro.strip()
    assert exc.message_en.strip()
    assert exc.message_ro != exc.message_en
    assert exc.message_ro.startswith(("CUI-ul", "CNP-ul", "IBAN-ul", "Codul de TVA"))
    assert exc.as_dict()["code"] == code


@given(st.text(max_size=40))
def test_any_text_gives_a_value_or_validation_failed(value: str) -> None:
    for fn in (
        ident.normalize_cui,
        ident.normalize_cnp,
        ident.normalize_iban,
        ident.normalize_eu_vat,
    ):
        with contextlib.suppress(ValidationFailed):
            assert fn(value)


@given(st.text(alphabet="0123456789RODEL -", max_size=16))
def test_digit_heavy_text_gives_a_value_or_validation_failed(value: str) -> None:
    for fn in (ident.normalize_cui, ident.normalize_cnp, ident.normalize_eu_vat):
        with contextlib.suppress(ValidationFailed):
            assert fn(value)
