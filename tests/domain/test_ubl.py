"""The UBL generator and the official validation, without a database.

The rules are ANAF's own (CIUS-RO 1.0.9 stack) and the OASIS UBL 2.1 schemas, read from
../shared/efactura; the samples' expected results are ANAF's regression oracle
(samples/EXPECTED-anaf-1.0.9.tsv).
"""

from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import xmltodict

from domain.core.errors import Unavailable
from domain.efactura import codes
from domain.efactura.ubl import build_ubl, document_kind, upload_kind_for
from domain.efactura.validate import SMOKE_INVOICE, is_valid, validate_ubl
from tables.choices import UploadKind
from tests.shared_data import shared_path

RULES = shared_path("efactura")


def rules_of(xml: bytes) -> tuple[list[str], list[str]]:
    findings = validate_ubl(xml, rules_dir=RULES)
    fatal = sorted({f.rule for f in findings if f.severity == "fatal"})
    warnings = sorted({f.rule for f in findings if f.severity == "warning"})
    return fatal, warnings


def invoice(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(SMOKE_INVOICE)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    return data


def _expected() -> list[tuple[str, str, list[str], list[str]]]:
    out = []
    for row in shared_path("efactura/samples/EXPECTED-anaf-1.0.9.tsv").read_text().splitlines():
        if row.startswith("#") or not row.strip():
            continue
        path, _kind, _result, fatal, warnings = row.split("\t")
        listed = [] if fatal == "-" else fatal.split(",")
        warned = [] if warnings == "-" else warnings.split(",")
        out.append((path, _result, sorted(listed), sorted(warned)))
    return out


@pytest.mark.parametrize(
    ("path", "result", "fatal", "warnings"), _expected(), ids=lambda v: str(v)[:60]
)
def test_the_official_samples_give_the_expected_rules(path, result, fatal, warnings):
    got_fatal, got_warnings = rules_of(shared_path("efactura", path).read_bytes())
    assert (got_fatal, got_warnings) == (fatal, warnings)
    assert (result == "VALID") == (not got_fatal)


def test_the_successful_report_pitfall_bucharest_city_is_not_a_sector():
    # BR-RO-100 is a Schematron <report>: it fires as svrl:successful-report.
    data = invoice(supplier_snapshot={"sector": "", "city": "Bucuresti"})
    fatal, _ = rules_of(build_ubl(data))
    assert fatal == ["BR-RO-100"]
    data = invoice(customer_snapshot={"county": "RO-B", "sector": "", "city": "Bucuresti"})
    assert rules_of(build_ubl(data))[0] == ["BR-RO-101"]
    # ... and written as the sector, the same address passes.
    data = invoice(customer_snapshot={"county": "RO-B", "sector": "SECTOR6", "city": "Buc."})
    assert rules_of(build_ubl(data)) == ([], [])


def test_messages_are_romanian_for_ro_rules_and_labelled_for_en_rules():
    findings = validate_ubl(
        shared_path("efactura/samples/derived/neg_BR-RO-111_county_name_not_iso.xml").read_bytes(),
        rules_dir=RULES,
    )
    (finding,) = findings
    assert finding.message.startswith("[BR-RO-110]-Daca Codul tarii Cumparatorului")
    assert "#" not in finding.message
    assert "If the" not in finding.message
    assert finding.location == "/Invoice[1]"
    wrong_total = shared_path("efactura/samples/derived/neg_BR-CO-15_wrong_total.xml")
    messages = [f.message for f in validate_ubl(wrong_total.read_bytes(), rules_dir=RULES)]
    assert messages[0].startswith("[BR-CO-15]-Invoice total amount with VAT")
    schema = validate_ubl(
        shared_path("efactura/samples/derived/neg_XSD_element_order.xml").read_bytes(),
        rules_dir=RULES,
    )
    assert schema[0].rule == "XSD"
    assert schema[0].message.startswith("Nu respectă schema UBL")
    assert schema[0].location.startswith("linia ")


def test_not_xml_and_not_an_invoice():
    (finding,) = validate_ubl(b"<Invoice>", rules_dir=RULES)
    assert (finding.rule, finding.severity) == ("XML", "fatal")
    (finding,) = validate_ubl(b"<Order xmlns='urn:x'/>", rules_dir=RULES)
    assert finding.rule == "XSD"
    assert not is_valid([finding])


def test_missing_rules_are_a_clear_error(tmp_path: Path):
    with pytest.raises(Unavailable) as err:
        validate_ubl(build_ubl(SMOKE_INVOICE), rules_dir=tmp_path)
    assert err.value.code == "EFACTURA_RULES_MISSING"
    assert "efactura-rules" in err.value.message_ro


def test_same_data_same_bytes_whatever_the_order_it_comes_in():
    data = invoice(
        vat_breakdown=[
            {"vat_code": "Z", "vat_rate": "0", "base": "10.00", "vat": "0.00"},
            {"vat_code": "E", "vat_rate": "0", "base": "20.00", "vat": "0.00"},
            {"vat_code": "S", "vat_rate": "21", "base": "200.00", "vat": "42.00"},
        ],
        references=[{"number": "F-2", "issue_date": "2025-09-02"},
                    {"number": "F-1", "issue_date": "2025-09-01"}],
    )  # fmt: skip
    shuffled = copy.deepcopy(data)
    shuffled["vat_breakdown"].reverse()
    shuffled["references"].reverse()
    shuffled["lines"] = list(reversed(shuffled["lines"]))
    assert build_ubl(data) == build_ubl(shuffled) == build_ubl(copy.deepcopy(data))
    xml = build_ubl(data).decode()
    assert xml.index("<cbc:ID>F-1</cbc:ID>") < xml.index("<cbc:ID>F-2</cbc:ID>")
    assert xml.index("<cbc:ID>E</cbc:ID>") < xml.index("<cbc:ID>Z</cbc:ID>")


@pytest.mark.parametrize(
    ("type_code", "value_only", "expected"),
    [
        ("380", False, (codes.INVOICE, "380")),
        ("386", False, (codes.INVOICE, "380")),  # advance: 386 is not in BR-RO-020
        ("389", False, (codes.INVOICE, "389")),
        ("381", False, (codes.CREDIT_NOTE, "381")),
        ("380", True, (codes.CREDIT_NOTE, "381")),  # later discount
    ],
)
def test_type_code_mapping(type_code, value_only, expected):
    line = {"value_only": value_only, "source_line": 7 if value_only else None}
    assert document_kind({"type_code": type_code, "lines": [line]}) == expected


def test_upload_kinds():
    def kind(**customer: Any) -> UploadKind:
        return upload_kind_for({"customer_snapshot": customer})

    assert kind(country="RO", cui="12345674") is UploadKind.standard
    assert kind(country="RO", cui=None, cnp="1850715420011") is UploadKind.b2c
    assert kind(country="DE", cui=None, foreign_vat_id="DE136695976") is UploadKind.extern


def test_document_allowances_and_charges_per_vat_group():
    lines = [
        {"position": 1, "description": "Laptop", "quantity": "2", "uom_code": "H87",
         "unit_price": "1000", "discount": "0", "vat_code": "S", "vat_rate": "21",
         "net": "2000.00"},
        {"position": 2, "description": "Carte", "quantity": "1", "uom_code": "H87",
         "unit_price": "100", "discount": "10", "vat_code": "S", "vat_rate": "11",
         "net": "90.00"},
    ]  # fmt: skip
    data = invoice(
        lines=lines,
        adjustments=[
            {"is_charge": False, "amount": Decimal("100.00"), "vat_code": "S",
             "vat_rate": Decimal(21), "reason": "Discount 5 %", "base": Decimal(2000),
             "percent": Decimal(5)},
            {"is_charge": True, "amount": Decimal("30.00"), "vat_code": "S",
             "vat_rate": Decimal(21), "reason": "Transport"},
        ],
        vat_breakdown=[
            {"vat_code": "S", "vat_rate": "21", "base": "1930.00", "vat": "405.30"},
            {"vat_code": "S", "vat_rate": "11", "base": "90.00", "vat": "9.90"},
        ],
        line_net_total="2090.00", allowance_total="100.00", charge_total="30.00",
        tax_exclusive="2020.00", vat_total="415.20", vat_total_ron="415.20",
        tax_inclusive="2435.20", payable="2435.20",
    )  # fmt: skip
    xml = build_ubl(data)
    assert rules_of(xml) == ([], [])
    doc = xmltodict.parse(xml)["Invoice"]
    allowance, charge = doc["cac:AllowanceCharge"]
    assert (allowance["cbc:ChargeIndicator"], charge["cbc:ChargeIndicator"]) == ("false", "true")
    assert doc["cac:LegalMonetaryTotal"]["cbc:ChargeTotalAmount"]["#text"] == "30.00"
    # A wrong total is caught by the official rules (BR-CO-13), not sent.
    broken = copy.deepcopy(data)
    broken["tax_exclusive"] = "2050.00"
    assert "BR-CO-13" in rules_of(build_ubl(broken))[0]


def test_long_texts_are_carried_where_cius_ro_allows_them():
    street = "Strada " + "Foarte Lungă " * 15 + "nr. 1"
    data = invoice(
        customer_snapshot={"street": street, "email": "ion-popa@exemplu.ro",
                           "phone": "0722 123 456"},
        notes="x" * 650, payment_terms="Plata în 30 de zile",
    )  # fmt: skip
    xml = build_ubl(data)
    assert rules_of(xml) == ([], [])
    doc = xmltodict.parse(xml, force_list=("cbc:Note",))["Invoice"]
    address = doc["cac:AccountingCustomerParty"]["cac:Party"]["cac:PostalAddress"]
    assert len(address["cbc:StreetName"]) <= 150
    assert f"{address['cbc:StreetName']} {address['cbc:AdditionalStreetName']}" == street.strip()
    assert [len(n) for n in doc["cbc:Note"]] == [300, 300, 50]
    contact = doc["cac:AccountingCustomerParty"]["cac:Party"]["cac:Contact"]
    # ANAF's e-mail rule refuses a hyphen in the name: the optional e-mail is left out.
    assert contact == {"cbc:Telephone": "0722 123 456"}
