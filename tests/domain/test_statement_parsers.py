"""MT940 and CAMT.053 files as Romanian banks send them (tests/data/statements): the
variants of :86: (BT/BCR `?`, ING `~` wrapped mid-IBAN, BRD `+`), envelopes, statement-
level :86: after the closing balance, Windows-1250 with cedilla letters, currency
accounts, batches, several statements per file; and files that must be refused."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from domain.core.errors import ValidationFailed
from domain.payments.statements_file import statements_parse
from domain.payments.statements_mt940 import details
from domain.payments.statements_parsed import DERIVED, find_iban

DATA = Path(__file__).parent.parent / "data" / "statements"
D = Decimal
ALFA_IBAN = "RO89RZBR0000060003480121"


def parse(name: str):
    return statements_parse((DATA / name).read_bytes())


def test_bt_two_statements_in_windows_1250_with_diacritics():
    first, second = parse("bt_ron_2zile.sta")
    assert (first.iban, first.currency, first.opening, first.closing) == (
        "RO12BTRLRONCRT0012345601", "RON", D("10000.00"), D("10723.50"),
    )  # fmt: skip
    assert first.reference != second.reference
    assert [x.amount for x in first.lines] == [D("121.00"), D("-2.50"), D("605.00")]
    paid = first.lines[0]
    assert paid.bank_reference == "BT26031600041"
    assert paid.counterparty_iban == ALFA_IBAN
    assert paid.counterparty_name == "ALFA DISTRIBUŢIE SRL"  # cedilla Ţ read from cp1250
    assert paid.text == "Plata fact. FCT 1 conform contract 12/2025"
    assert paid.day == date(2026, 3, 16)
    assert second.lines[1].counterparty_name == "ŞANTIER NAVAL ÎNSURĂŢEL SA"
    assert second.lines[1].amount == D("-1500.00")
    assert (second.day_from, second.day_to) == (date(2026, 3, 17), date(2026, 3, 17))


def test_ing_envelope_tilde_subfields_wrapped_inside_the_iban():
    (statement,) = parse("ing_ron_0316.sta")
    assert statement.iban == "RO19INGB0000999904621843"  # ":25:/RO19..."
    paid, fee = statement.lines
    assert paid.counterparty_iban == ALFA_IBAN  # "~33RO8" + "9RZBR..." on the next line
    assert paid.counterparty_name == "ALFA DISTRIBUTIE SRL"
    assert "FCT00002" in paid.text
    assert paid.bank_reference == "RE20260316-1001"
    # The :86: after :64: describes the account, not the fee.
    assert "ACCOUNT OWNER" not in fee.text
    assert fee.amount == D("-15.00")
    assert len(parse("ing_ron_0316_0317.sta")) == 2  # two {4: blocks in one file


def test_brd_plus_subfields_and_derived_references_for_lines_without_one():
    (statement,) = parse("brd_ron_0316.sta")
    paid, fee, same_fee = statement.lines
    assert (paid.counterparty_name, paid.counterparty_iban) == ("ALFA DISTRIBUTIE SRL", ALFA_IBAN)
    assert "PLATA FACT FCT 1" in paid.text
    # No bank reference (only the customer's OPH478, shared with the fees): derived ones,
    # two identical fees on one day told apart by their order.
    assert all(x.bank_reference.startswith(DERIVED) for x in statement.lines)
    assert same_fee.bank_reference == fee.bank_reference + "/2"
    # The same lines in an overlapping file (other statement, more days) get the same keys.
    (longer,) = parse("brd_ron_0316_0317.sta")
    assert [x.bank_reference for x in longer.lines[:3]] == [
        x.bank_reference for x in statement.lines
    ]
    assert longer.lines[3].amount == D("605.00")  # and :OS: after the balance is dropped


def test_bcr_currency_account_with_a_gvc_code_and_a_foreign_iban():
    (statement,) = parse("bcr_eur_0316.sta")
    assert (statement.currency, statement.closing) == ("EUR", D("2487.60"))
    paid = statement.lines[0]
    assert (paid.currency, paid.amount) == ("EUR", D("1000.00"))
    assert paid.counterparty_iban == "DE89370400440532013000"
    assert paid.counterparty_name == "SOFTWARE GMBH"
    assert paid.text.startswith("INCASARE OP VALUTA INV FCT-00005")


def test_camt_v02_batch_split_per_payer_and_debit_counterparty():
    (statement,) = parse("camt053_v02_ron.xml")
    assert statement.file_format == "camt053"
    assert (statement.opening, statement.closing) == (D("9878.50"), D("10566.00"))  # PRCD
    alfa, beta, water = statement.lines
    assert (alfa.amount, alfa.bank_reference) == (D("121.00"), "BT26031800101-1")
    assert (beta.amount, beta.counterparty_name) == (D("605.00"), "BETA CONSTRUCȚII S.A.")
    assert beta.text == "Plată factura nr. FCT-3"
    assert (water.amount, water.counterparty_name) == (D("-38.50"), "Compania de Apă Someș SA")


def test_camt_v08_prefixed_two_statements_pending_skipped_derived_reference():
    first, second = parse("camt053_v08_eur.xml")
    assert (first.currency, first.reference, second.reference) == ("EUR", "EUR-0319", "EUR-0320")
    paid, fee = first.lines  # the PDNG entry is not a line
    assert paid.counterparty_name == "Școala Țăndărei Software GmbH"  # inside Pty (v08)
    assert paid.bank_reference.startswith(DERIVED)
    assert paid.text == "FCT-00005"
    assert paid.day == date(2026, 3, 19)  # from BookgDt/DtTm
    assert (fee.amount, fee.text) == (D("-5.00"), "Comision încasare SWIFT")
    assert second.lines[0].amount == D("-130.00")


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("mt940_neechilibrat.sta", "STATEMENT_BALANCE_MISMATCH"),
        ("mt940_fara_sold.sta", "STATEMENT_MT940_INVALID"),
        ("mt940_linie_stricata.sta", "STATEMENT_MT940_INVALID"),
        ("camt_stricat.xml", "STATEMENT_CAMT_INVALID"),
        ("camt_entitati.xml", "STATEMENT_CAMT_INVALID"),
        ("camt052.xml", "STATEMENT_CAMT_UNSUPPORTED"),
        ("camt_suma_gresita.xml", "STATEMENT_AMOUNT_INVALID"),
        ("nu_e_extras.csv", "STATEMENT_FORMAT_UNKNOWN"),
    ],
)
def test_malformed_files_are_refused_in_romanian(name: str, code: str):
    with pytest.raises(ValidationFailed) as refused:
        parse(name)
    assert refused.value.code == code
    assert refused.value.status == 422
    assert any(ch in refused.value.message_ro for ch in "ăâîșțĂÎȘȚ")


def test_details_without_subfields_keep_the_text_and_find_an_iban():
    name, iban, text = details(f"Incasare de la client\nIBAN {ALFA_IBAN} fact 12")
    assert (name, iban) == ("", ALFA_IBAN)
    assert text == f"Incasare de la client IBAN {ALFA_IBAN} fact 12"


def test_find_iban_takes_the_valid_prefix_of_what_banks_glue_to_it():
    assert find_iban(f"BTRLRO22/{ALFA_IBAN}RON") == ALFA_IBAN
    assert find_iban("RO89RZBR0000060003480122") == ""  # a wrong check digit
