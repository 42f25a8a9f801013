"""Reading received UBL: every CEN EN 16931 example and ANAF sample, read back with an
independent reader (ElementTree by namespace URI) as the oracle; prefixes do not matter;
credit notes, prices per base quantity, allowances, the VAT in RON; bad input refused
with a Romanian message, never expanded entities."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pytest

from domain.core.errors import ValidationFailed
from domain.efactura.receive_ubl import consistency_warnings, parse_ubl
from tests.shared_data import shared_path

CEN = shared_path("efactura", "en16931-1.3.16")
SAMPLES = shared_path("efactura", "samples")
UBL_FILES = sorted(
    [
        *(CEN / "ubl" / "examples").iterdir(),
        *(CEN / "test" / "testfiles").iterdir(),
        *SAMPLES.glob("*/*.xml"),
    ],
    key=str,
)
NS = {
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
}
TOTALS = {
    "line_net_total": "LineExtensionAmount",
    "allowance_total": "AllowanceTotalAmount",
    "charge_total": "ChargeTotalAmount",
    "tax_exclusive": "TaxExclusiveAmount",
    "tax_inclusive": "TaxInclusiveAmount",
    "prepaid": "PrepaidAmount",
    "rounding": "PayableRoundingAmount",
    "payable": "PayableAmount",
}


def _id(path: Path) -> str:
    return path.name


def _oracle(path: Path) -> dict:
    root = ET.parse(path).getroot()
    credit = root.tag.endswith("}CreditNote")
    money = root.find("cac:LegalMonetaryTotal", NS)
    assert money is not None
    totals = {}
    for name, tag in TOTALS.items():
        found = money.find(f"cbc:{tag}", NS)
        totals[name] = Decimal(found.text.strip()) if found is not None else Decimal(0)
    currency = root.findtext("cbc:DocumentCurrencyCode", namespaces=NS).strip()
    vat = [
        t.find("cbc:TaxAmount", NS)
        for t in root.findall("cac:TaxTotal", NS)
        if t.find("cbc:TaxAmount", NS).get("currencyID") == currency
    ]
    lines = root.findall("cac:CreditNoteLine" if credit else "cac:InvoiceLine", NS)
    return {
        "credit": credit,
        "number": root.findtext("cbc:ID", namespaces=NS).strip(),
        "currency": currency,
        "totals": totals,
        "vat_total": Decimal(vat[0].text) if vat else Decimal(0),
        "lines": len(lines),
        "line_nets": [Decimal(x.findtext("cbc:LineExtensionAmount", namespaces=NS)) for x in lines],
    }


def test_the_corpus_is_there():
    # 19 CEN examples, 29 CEN test files, 2 ANAF examples, 11 ANAF B2G and 10 derived.
    assert len(UBL_FILES) == 71


@pytest.mark.parametrize("path", UBL_FILES, ids=_id)
def test_every_example_reads_as_the_xml_says(path: Path):
    doc = parse_ubl(path.read_bytes())
    expected = _oracle(path)
    assert doc.number == expected["number"]
    assert doc.currency == expected["currency"]
    assert (doc.document == "CreditNote") is expected["credit"]
    assert {name: getattr(doc, name) for name in TOTALS} == expected["totals"]
    assert doc.vat_total == expected["vat_total"]
    assert len(doc.lines) == expected["lines"]
    assert [x.net for x in doc.lines] == expected["line_nets"]
    assert doc.seller.name
    assert doc.buyer.name
    assert all(x.name for x in doc.lines)


def test_prefixes_do_not_matter():
    # ElementTree writes ns0:/ns1:/ns2: prefixes and no default namespace.
    path = CEN / "ubl" / "examples" / "ubl-tc434-example2.xml"
    original = parse_ubl(path.read_bytes())
    rewritten = ET.tostring(ET.parse(path).getroot(), encoding="utf-8")
    assert b"<ns0:Invoice" in rewritten
    assert b"cbc:" not in rewritten
    assert parse_ubl(rewritten) == original


def test_a_bom_and_text_input_are_read():
    path = SAMPLES / "derived" / "valid_invoice_RON_21_11.xml"
    data = path.read_bytes()
    assert parse_ubl(b"\xef\xbb\xbf" + data) == parse_ubl(data) == parse_ubl(data.decode())


def test_romanian_invoice_parties_and_vat():
    doc = parse_ubl((SAMPLES / "derived" / "valid_invoice_RON_21_11.xml").read_bytes())
    assert (doc.document, doc.type_code, doc.number) == ("Invoice", "380", "DEMO2025-0001")
    assert doc.sign == 1
    assert doc.seller.vat_id == "RO12345678"
    assert doc.seller.legal_id == "J40/123/2020"
    assert (doc.seller.address.county, doc.seller.address.city) == ("RO-B", "SECTOR1")
    assert doc.buyer.vat_id == "RO87654321"
    assert doc.buyer.address.county == "RO-CJ"
    assert [(v.vat_code, v.rate) for v in doc.vat_breakdown] == [
        ("S", Decimal("21.00")),
        ("S", Decimal("11.00")),
    ]
    assert sum(v.amount for v in doc.vat_breakdown) == doc.vat_total == Decimal("221.00")
    assert doc.tax_currency_vat is None
    assert consistency_warnings(doc) == []


def test_currency_invoice_states_its_vat_in_ron():
    doc = parse_ubl((SAMPLES / "derived" / "valid_invoice_EUR_with_RON_vat.xml").read_bytes())
    assert (doc.currency, doc.tax_currency) == ("EUR", "RON")
    assert doc.vat_total == Decimal("221.00")
    assert doc.tax_currency_vat == Decimal("1097.85")


def test_credit_note_keeps_positive_amounts_and_says_so():
    doc = parse_ubl((CEN / "test" / "testfiles" / "CreditNote-Max_content.xml").read_bytes())
    assert (doc.document, doc.type_code, doc.is_credit_note, doc.sign) == (
        "CreditNote",
        "381",
        True,
        -1,
    )
    assert doc.payable == Decimal("12500")
    assert doc.lines[0].quantity == Decimal("500")
    assert doc.preceding  # BG-3: the invoice it credits
    assert doc.payee_accounts[0] == "SE1212341234123412341234"


def test_negative_invoice_is_not_a_credit_note():
    doc = parse_ubl(
        (
            CEN / "test" / "testfiles" / "BIS_Billing_30-Kreditering_med_negativ_faktura.xml"
        ).read_bytes()
    )
    assert (doc.sign, doc.payable) == (1, Decimal("-10000"))


def test_line_price_base_quantity_discounts_and_item_ids():
    doc = parse_ubl((CEN / "test" / "testfiles" / "BIS_Billing_30-Elnat.xml").read_bytes())
    first = doc.lines[0]
    assert (first.quantity, first.unit_code, first.price, first.base_quantity) == (
        Decimal("90"),
        "DAY",
        Decimal("1585"),
        Decimal("365"),
    )
    assert first.unit_price == Decimal("1585") / Decimal("365")
    doc = parse_ubl((CEN / "ubl" / "examples" / "ubl-tc434-example5.xml").read_bytes())
    line = doc.lines[0]
    assert (line.gross_price, line.price_discount, line.price) == (
        Decimal("1.10"),
        Decimal("0.10"),
        Decimal("1.00"),
    )
    assert [(a.charge, a.amount, a.reason) for a in line.allowances] == [
        (False, Decimal("100.00"), "Loyal customer"),
        (True, Decimal("100.00"), "Packaging"),
    ]
    assert (line.seller_item_id, line.buyer_item_id) == ("JB007", "BUY123")
    assert (line.standard_item_id, line.standard_item_scheme) == ("1234567890128", "0088")
    assert [(a.charge, a.amount, a.vat_code) for a in doc.allowances] == [
        (False, Decimal("150.00"), "S"),
        (True, Decimal("150.00"), "S"),
    ]


def test_sums_the_xml_gets_wrong_are_reported():
    doc = parse_ubl((SAMPLES / "derived" / "neg_BR-CO-15_wrong_total.xml").read_bytes())
    assert consistency_warnings(doc) == [
        "totalul cu TVA (1300.00) nu este 1321.00",
        "suma de plată (1321.00) nu este 1300.00",
    ]


MINIMAL = (SAMPLES / "derived" / "valid_invoice_RON_21_11.xml").read_text()


@pytest.mark.parametrize(
    ("xml", "code"),
    [
        ("", "UBL_EMPTY"),
        ("not xml at all", "UBL_NOT_XML"),
        ("<Invoice><unclosed></Invoice>", "UBL_NOT_XML"),
        (
            '<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:'
            'CrossIndustryInvoice:100"/>',
            "UBL_NOT_INVOICE",
        ),
        (MINIMAL.replace("<cbc:ID>DEMO2025-0001</cbc:ID>", "", 1), "UBL_ELEMENT_MISSING"),
        (MINIMAL.replace("2025-09-15", "15.09.2025", 1), "UBL_DATE_INVALID"),
        (MINIMAL.replace(">1321.00<", ">NaN<", 1), "UBL_NUMBER_INVALID"),
        (MINIMAL.replace(">1321.00<", ">1e30<", 1), "UBL_NUMBER_INVALID"),
    ],
    ids=["empty", "text", "malformed", "cii", "no-number", "date", "nan", "huge"],
)
def test_bad_input_is_refused_with_a_code(xml: str, code: str):
    with pytest.raises(ValidationFailed) as caught:
        parse_ubl(xml)
    assert caught.value.code == code
    assert caught.value.field == "xml"
    assert caught.value.message_ro


def test_entities_are_never_expanded(tmp_path: Path):
    secret = tmp_path / "secret.txt"
    secret.write_text("PAROLA")
    doctype = (
        f'<!DOCTYPE Invoice [<!ENTITY x SYSTEM "file://{secret}">'
        '<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    )
    xml = MINIMAL.replace("<Invoice", doctype + "<Invoice", 1).replace("DEMO2025-0001", "&x;&b;", 1)
    with pytest.raises(ValidationFailed) as caught:
        parse_ubl(xml)
    assert caught.value.code == "UBL_ENTITIES"
    assert "PAROLA" not in str(caught.value.as_dict())
