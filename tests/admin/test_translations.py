"""The Romanian piccolo-admin translation must cover every UI string, properly spelled."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import piccolo_admin
import pytest
from piccolo_admin.translations.data import ENGLISH
from piccolo_admin.translations.models import Translation

from admin.translations import ROMANIAN

# Strings the built front end passes to ``$t`` that are not keys of ENGLISH. None in
# piccolo-admin 1.14 ("Download failed" / "Download successful" are ENGLISH keys used through
# ``i18n.global.t`` in the CSV modal).
EXTRA_T_KEYS: frozenset[str] = frozenset()

# Keys whose Romanian value may legitimately equal the English text (brand names, acronyms).
IDENTICAL_ALLOWED: frozenset[str] = frozenset({"Email", "CSV", "ID", "UTC", "MFA"})

CEDILLA = "şţŞŢ"
# vue-i18n message syntax; the English strings have no placeholders, so neither may ours.
VUE_I18N_SPECIAL = "{}@|"

DIST_ASSETS = Path(piccolo_admin.__file__).parent / "dist" / "assets"
T_CALL = re.compile(r"""\$t\(\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`(?:[^`\\$]|\\.)*`)""")

RO = ROMANIAN.translations
EN = ENGLISH.translations


def frontend_t_keys() -> set[str]:
    """Every literal string passed to ``$t(...)`` in the built front-end bundle."""
    bundles = sorted(DIST_ASSETS.glob("*.js"))
    if not bundles:
        pytest.skip(f"no piccolo-admin bundle in {DIST_ASSETS}")
    keys: set[str] = set()
    for bundle in bundles:
        source = bundle.read_text(encoding="utf-8")
        calls = source.count("$t(")
        literals = T_CALL.findall(source)
        assert len(literals) == calls, f"{bundle.name}: a $t() call without a literal key"
        keys.update(lit[1:-1] if lit.startswith("`") else ast.literal_eval(lit) for lit in literals)
    return keys


def test_metadata() -> None:
    assert isinstance(ROMANIAN, Translation)
    assert ROMANIAN.language_code == "ro"
    assert ROMANIAN.language_name == "Română"


def test_exactly_the_english_keys_plus_frontend_extras() -> None:
    expected = set(EN) | EXTRA_T_KEYS
    assert set(RO) - expected == set(), "unknown keys"
    assert expected - set(RO) == set(), "untranslated keys"


def test_every_frontend_t_key_is_translated() -> None:
    used = frontend_t_keys()
    assert used, "found no $t() calls in the bundle"
    assert used - set(EN) == EXTRA_T_KEYS, "update EXTRA_T_KEYS and ROMANIAN"
    assert used <= set(RO)


@pytest.mark.parametrize("key", sorted(EN))
def test_value_is_clean(key: str) -> None:
    value = RO[key]
    assert value.strip(), "empty value"
    assert value == value.strip(), "leading/trailing whitespace"
    assert "  " not in value
    assert not set(value) & set(CEDILLA), "cedilla ş/ţ instead of comma-below ș/ț"
    assert not set(value) & set(VUE_I18N_SPECIAL), "vue-i18n syntax character"


def test_no_cedilla_anywhere() -> None:
    text = ROMANIAN.language_name + "".join(RO.values())
    assert not set(text) & set(CEDILLA)
    # The comma-below letters are actually used, so the check above is not vacuous.
    assert "ș" in text
    assert "ț" in text


def test_values_are_translated() -> None:
    identical = sorted(key for key, value in RO.items() if value == EN.get(key, key))
    assert set(identical) <= IDENTICAL_ALLOWED, f"left in English: {identical}"
    assert len(identical) <= len(RO) // 10


def test_required_vocabulary() -> None:
    assert RO["Add Row"] == "Adaugă înregistrare"
    assert RO["Filter"] == "Filtrează"
    assert RO["Log Out"] == "Deconectare"
    assert RO["Welcome to"] == "Bun venit în"
    assert RO["Download"] == "Descarcă"
