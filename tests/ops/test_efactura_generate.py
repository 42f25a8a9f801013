"""e-Factura XML for every kind of invoice the sales operations issue, checked with ANAF's
official rules (UBL 2.1 XSD + CIUS-RO 1.0.9 stack from ../shared/efactura): 0 fatal each.

The invoices are made by the real operations (issue, storno, advance and deduction, later
discount, the VAT regimes), as in test_ways_to_invoice.py and the demo data.
"""

from __future__ import annotations

import functools
import json
import shutil
import threading
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from decimal import Decimal
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import xmltodict
from click.testing import CliRunner

from domain.core.errors import Conflict, Forbidden
from domain.efactura.checks import efactura_check, efactura_prepare
from domain.efactura.ubl import invoice_ubl
from domain.efactura.validate import OFFICIAL_SOURCES, Finding, is_valid, validate_ubl
from domain.org.demo import demo_load
from domain.org.permissions import SYSTEM, Actor
from domain.sales.invoices import (
    invoice_cancel,
    invoice_discount_later,
    invoice_draft_create,
    invoice_issue,
    invoice_storno,
)
from tables.choices import InvoiceTypeCode, Role, UploadKind
from tables.org import Company, CompanyBankAccount, ExchangeRate
from tables.sales import Invoice, InvoiceLine
from tests.factories import make_article, make_client, make_company, make_series
from tests.shared_data import shared_path

DAY = date(2026, 11, 2)
FORCE_LIST = (
    "cbc:Note", "cac:BillingReference", "cac:InvoiceLine", "cac:CreditNoteLine", "cac:TaxTotal",
    "cac:TaxSubtotal", "cac:AllowanceCharge", "cac:PaymentMeans",
)  # fmt: skip


@pytest.fixture(autouse=True)
def official_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EFACTURA_RULES_DIR", str(shared_path("efactura")))


@pytest.fixture
async def env() -> dict[str, int]:
    company = await make_company(email="office@catastif.ro", phone="021 123 45 67",
                                 postal_code="010071")  # fmt: skip
    await make_series(company)
    await CompanyBankAccount.insert(
        CompanyBankAccount(company=company, iban="RO49AAAA1B31007593840000",
                           bank_name="Banca Demo", is_default=True),
        CompanyBankAccount(company=company, iban="RO66BACX0000001234567890", currency="EUR"),
    )  # fmt: skip
    return {
        "company": company,
        "client": await make_client(reg_com="J12/345/2010", email="contabil@alfa.ro"),
        "laptop": await make_article("LAP", name='Laptop 14" business'),
        "hour": await make_article("ORA", name="Consultanță", kind="service", uom="HUR"),
        "coffee": await make_article("CAF", name="Cafea boabe 500 g", vat_category="S-REDUSA"),
    }


async def issue(
    company: int,
    partner: int,
    lines: Sequence[Mapping[str, Any]],
    *,
    type_code: InvoiceTypeCode = InvoiceTypeCode.commercial,
    day: date = DAY,
    **header: Any,
) -> int:
    draft = await invoice_draft_create(
        company_id=company, partner_id=partner, lines=lines, by=SYSTEM, type_code=type_code,
        header={"delivery_date": day, **header},
    )  # fmt: skip
    await Invoice.update({Invoice.issue_date: day}).where(Invoice.id == draft)
    return (await invoice_issue(invoice_id=draft, by=SYSTEM)).invoice_id


async def official(invoice_id: int) -> dict[str, Any]:
    """The invoice's XML, validated with the official rules (nothing found), parsed back."""
    findings = await efactura_check(invoice_id=invoice_id, by=SYSTEM)
    assert findings == [], _show(findings)  # not even a warning
    xml = await invoice_ubl(invoice_id)
    root = xmltodict.parse(xml, force_list=FORCE_LIST)
    (kind,) = root
    return {"kind": kind, **root[kind]}


def _show(findings: list[Finding]) -> str:
    return "\n".join(f"{f.rule} [{f.severity}] {f.message} @ {f.location}" for f in findings)


def amount(node: Any) -> Decimal:
    return Decimal(node["#text"])


def party(doc: dict[str, Any], role: str) -> dict[str, Any]:
    return doc[f"cac:Accounting{role}Party"]["cac:Party"]


async def test_ron_invoice_with_two_rates_discounts_notes_and_the_bank_account(env):
    invoice = await issue(
        env["company"], env["client"],
        [{"article": env["laptop"], "quantity": 2, "unit_price": "3000", "discount": "100"},
         {"article": env["coffee"], "quantity": "10.5", "unit_price": "54.9"},
         {"article": env["hour"], "quantity": 3, "unit_price": "250",
          "description": "Consultanță " + "foarte detaliată " * 10}],
        discount_percent=Decimal(5), payment_terms="Ordin de plată, 15 zile",
        notes="Livrare la sediul clientului.\nMulțumim!", due_date=date(2026, 11, 17),
    )  # fmt: skip
    doc = await official(invoice)
    assert (doc["kind"], doc["cbc:InvoiceTypeCode"]) == ("Invoice", "380")
    assert doc["cbc:DueDate"] == "2026-11-17"
    assert "TaxCurrencyCode" not in str(doc.keys())
    assert doc["cbc:Note"] == ["Livrare la sediul clientului.", "Mulțumim!"]
    assert doc["cac:PaymentTerms"]["cbc:Note"] == ["Ordin de plată, 15 zile"]
    (means,) = doc["cac:PaymentMeans"]  # the RON account only
    assert means["cac:PayeeFinancialAccount"]["cbc:ID"] == "RO49AAAA1B31007593840000"
    allowances = doc["cac:AllowanceCharge"]  # the 5 % per VAT group
    assert [a["cac:TaxCategory"]["cbc:Percent"] for a in allowances] == ["21", "11"]
    row = await Invoice.select().where(Invoice.id == invoice).first()
    totals = doc["cac:LegalMonetaryTotal"]
    assert amount(totals["cbc:AllowanceTotalAmount"]) == Decimal(str(row["allowance_total"]))
    assert amount(totals["cbc:PayableAmount"]) == Decimal(str(row["payable"]))
    seller = party(doc, "Supplier")
    assert seller["cac:PostalAddress"]["cbc:CityName"] == "SECTOR1"
    assert seller["cac:PostalAddress"]["cbc:CountrySubentity"] == "RO-B"
    assert seller["cac:PartyTaxScheme"]["cbc:CompanyID"] == "RO44556670"
    assert seller["cac:Contact"]["cbc:ElectronicMail"] == "office@catastif.ro"
    buyer = party(doc, "Customer")
    assert buyer["cac:PartyTaxScheme"]["cbc:CompanyID"] == "RO12345674"
    assert buyer["cac:PartyLegalEntity"]["cbc:CompanyID"] == "12345674"
    laptop, coffee, hours = doc["cac:InvoiceLine"]
    assert laptop["cac:AllowanceCharge"][0]["cbc:Amount"]["#text"] == "100.00"
    assert coffee["cbc:InvoicedQuantity"] == {"@unitCode": "H87", "#text": "10.5"}
    assert len(hours["cac:Item"]["cbc:Name"]) <= 100
    assert hours["cbc:Note"][0].endswith("detaliată")


async def test_the_same_invoice_gives_the_same_bytes(env):
    invoice = await issue(
        env["company"],
        env["client"],
        [{"article": env["laptop"], "quantity": 1, "unit_price": "3000"}],
    )
    first = await invoice_ubl(invoice)
    assert await invoice_ubl(invoice) == first
    prepared = await efactura_prepare(invoice_id=invoice, by=SYSTEM)
    assert (prepared.xml, prepared.valid, prepared.upload_kind) == (
        first, True, UploadKind.standard,
    )  # fmt: skip


async def test_eur_invoice_states_the_vat_in_ron(env):
    await ExchangeRate(currency="EUR", day=date(2026, 10, 30), rate=Decimal("5.0912")).save()
    invoice = await issue(env["company"], env["client"],
                          [{"article": env["hour"], "quantity": 10, "unit_price": 100}],
                          currency="EUR")  # fmt: skip
    doc = await official(invoice)
    assert (doc["cbc:DocumentCurrencyCode"], doc["cbc:TaxCurrencyCode"]) == ("EUR", "RON")
    in_eur, in_ron = doc["cac:TaxTotal"]
    assert in_eur["cbc:TaxAmount"] == {"@currencyID": "EUR", "#text": "210.00"}
    assert in_ron["cbc:TaxAmount"] == {"@currencyID": "RON", "#text": "1069.15"}
    assert any("5,0912" in n or "5.0912" in n for n in doc["cbc:Note"])
    (means,) = doc["cac:PaymentMeans"]  # the EUR account
    assert means["cac:PayeeFinancialAccount"]["cbc:ID"] == "RO66BACX0000001234567890"


async def test_storno_is_a_credit_note_referencing_the_original(env):
    await ExchangeRate(currency="EUR", day=date(2026, 10, 30), rate=Decimal("5.0912")).save()
    original = await issue(
        env["company"], env["client"],
        [{"article": env["laptop"], "quantity": 3, "unit_price": "640", "discount": "15"},
         {"article": env["coffee"], "quantity": 4, "unit_price": "11.5"}],
        currency="EUR", discount_percent=Decimal(2),
    )  # fmt: skip
    await official(original)
    storno = (await invoice_storno(invoice_id=original, by=SYSTEM, issue_date=DAY)).invoice_id
    doc = await official(storno)
    assert (doc["kind"], doc["cbc:CreditNoteTypeCode"]) == ("CreditNote", "381")
    (reference,) = doc["cac:BillingReference"]
    number = await Invoice.select(Invoice.full_number).where(Invoice.id == original).first()
    assert reference["cac:InvoiceDocumentReference"] == {
        "cbc:ID": number["full_number"], "cbc:IssueDate": "2026-11-02",
    }  # fmt: skip
    lines = doc["cac:CreditNoteLine"]
    assert lines[0]["cbc:CreditedQuantity"]["#text"] == "3"  # credited, positive
    assert amount(doc["cac:LegalMonetaryTotal"]["cbc:PayableAmount"]) > 0
    assert doc["cac:TaxTotal"][1]["cbc:TaxAmount"]["@currencyID"] == "RON"


async def test_partial_storno_with_a_return(env):
    original = await issue(
        env["company"],
        env["client"],
        [
            {"article": env["laptop"], "quantity": 5, "unit_price": "3000"},
            {"article": env["hour"], "quantity": 2, "unit_price": "250"},
        ],
    )
    line = await InvoiceLine.select().where(InvoiceLine.invoice == original).first()
    storno = await invoice_storno(invoice_id=original, by=SYSTEM, returns={line["id"]: 2},
                                  issue_date=DAY)  # fmt: skip
    doc = await official(storno.invoice_id)
    (only,) = doc["cac:CreditNoteLine"]
    assert (only["cbc:CreditedQuantity"]["#text"], only["cbc:LineExtensionAmount"]["#text"]) == (
        "2", "6000.00",
    )  # fmt: skip


async def test_advance_invoice_then_the_final_invoice_deducting_it(env):
    advance = await issue(
        env["company"], env["client"],
        [{"description": "Avans 30 % comandă", "quantity": 1, "unit_price": "9000",
          "vat_category": "S-STANDARD"}],
        type_code=InvoiceTypeCode.advance, day=date(2025, 7, 15),
    )  # fmt: skip
    doc = await official(advance)
    assert doc["cbc:InvoiceTypeCode"] == "380"  # 386 is not in CIUS-RO
    assert "Factură de avans" in doc["cbc:Note"]
    advance_line = await InvoiceLine.select().where(InvoiceLine.invoice == advance).first()
    final = await issue(
        env["company"], env["client"],
        [{"article": env["laptop"], "quantity": 10, "unit_price": "3000"},
         {"description": "Avans dedus", "quantity": -1, "unit_price": "9000",
          "vat_category": "S-STANDARD", "source_line": advance_line["id"]}],
    )  # fmt: skip
    doc = await official(final)
    assert doc["cbc:InvoiceTypeCode"] == "380"
    assert doc["cac:BillingReference"][0]["cac:InvoiceDocumentReference"]["cbc:IssueDate"] == (
        "2025-07-15"
    )
    rates = [s["cac:TaxCategory"]["cbc:Percent"] for s in doc["cac:TaxTotal"][0]["cac:TaxSubtotal"]]
    assert rates == ["21", "19"]  # the deduction at the advance's own rate
    assert doc["cac:InvoiceLine"][1]["cbc:InvoicedQuantity"]["#text"] == "-1"
    assert amount(doc["cac:LegalMonetaryTotal"]["cbc:PayableAmount"]) == Decimal("25590.00")


async def test_later_discount_is_a_credit_note_on_the_discounted_invoices(env):
    first = await issue(
        env["company"],
        env["client"],
        [
            {"article": env["laptop"], "quantity": 2, "unit_price": "3000"},
            {"article": env["coffee"], "quantity": 10, "unit_price": "54.90"},
        ],
    )
    second = await issue(
        env["company"],
        env["client"],
        [{"article": env["hour"], "quantity": 4, "unit_price": "250"}],
    )
    discount = await invoice_discount_later(invoice_ids=[first, second], percent=Decimal(3),
                                            by=SYSTEM, issue_date=DAY)  # fmt: skip
    doc = await official(discount.invoice_id)
    assert (doc["kind"], doc["cbc:CreditNoteTypeCode"]) == ("CreditNote", "381")
    assert len(doc["cac:BillingReference"]) == 2
    assert len(doc["cac:CreditNoteLine"]) == 3
    assert amount(doc["cac:LegalMonetaryTotal"]["cbc:PayableAmount"]) == -discount.totals.payable


async def test_reverse_charge_and_exempt_lines(env):
    scrap = await make_article("DESEU", name="Deșeuri feroase", vat_category="AE", uom="KGM")
    training = await make_article("CURS", name="Curs de formare", kind="service",
                                  vat_category="E")  # fmt: skip
    invoice = await issue(
        env["company"],
        env["client"],
        [
            {"article": scrap, "quantity": 1200, "unit_price": "1.15"},
            {"article": training, "quantity": 1, "unit_price": "800"},
            {"article": env["hour"], "quantity": 1, "unit_price": "250"},
        ],
    )
    doc = await official(invoice)
    categories = {
        s["cac:TaxCategory"]["cbc:ID"]: s["cac:TaxCategory"]
        for s in doc["cac:TaxTotal"][0]["cac:TaxSubtotal"]
    }
    assert categories["AE"]["cbc:TaxExemptionReasonCode"] == "VATEX-EU-AE"
    assert "art. 331" in categories["AE"]["cbc:TaxExemptionReason"]
    assert "art. 292" in categories["E"]["cbc:TaxExemptionReason"]
    assert "cbc:TaxExemptionReason" not in categories["S"]
    assert any("Taxare inversă" in n for n in doc["cbc:Note"])


async def test_whole_invoice_under_reverse_charge(env):
    scrap = await make_article("DESEU", name="Deșeuri feroase", vat_category="AE", uom="KGM")
    invoice = await issue(env["company"], env["client"],
                          [{"article": scrap, "quantity": 1200, "unit_price": "1.15"}],
                          vat_regime="reverse_charge")  # fmt: skip
    doc = await official(invoice)
    assert doc["cac:TaxTotal"][0]["cbc:TaxAmount"]["#text"] == "0.00"


async def test_intra_eu_supply_to_a_german_company_in_eur(env):
    await ExchangeRate(currency="EUR", day=date(2026, 10, 30), rate=Decimal("5.0912")).save()
    muller = await make_client(name="Müller Handel GmbH", country="DE", cui=None, county="",
                               city="München", street="Leopoldstraße 1",
                               foreign_vat_id="DE136695976", vat_payer=True)  # fmt: skip
    invoice = await issue(env["company"], muller,
                          [{"article": env["laptop"], "quantity": 3, "unit_price": "640",
                            "vat_category": "K"}],
                          vat_regime="intra_eu", currency="EUR")  # fmt: skip
    doc = await official(invoice)
    buyer = party(doc, "Customer")
    assert buyer["cac:PartyTaxScheme"]["cbc:CompanyID"] == "DE136695976"
    assert buyer["cac:PostalAddress"]["cac:Country"]["cbc:IdentificationCode"] == "DE"
    address = doc["cac:Delivery"]["cac:DeliveryLocation"]["cac:Address"]
    assert address["cac:Country"]["cbc:IdentificationCode"] == "DE"  # BR-IC-12
    assert doc["cac:TaxTotal"][1]["cbc:TaxAmount"]["#text"] == "0.00"
    prepared = await efactura_prepare(invoice_id=invoice, by=SYSTEM)
    assert prepared.upload_kind == UploadKind.extern


async def test_export_to_a_buyer_outside_the_eu(env):
    acme = await make_client(name="Acme Inc", country="US", cui=None, county="",
                             city="Boston", street="1 Main Street",
                             foreign_vat_id="US-98-7654321")  # fmt: skip
    invoice = await issue(env["company"], acme,
                          [{"article": env["laptop"], "quantity": 1, "unit_price": "3000",
                            "vat_category": "G"}], vat_regime="export")  # fmt: skip
    doc = await official(invoice)
    buyer = party(doc, "Customer")
    assert "cac:PartyTaxScheme" not in buyer
    assert buyer["cac:PartyLegalEntity"]["cbc:CompanyID"] == "US-98-7654321"
    (subtotal,) = doc["cac:TaxTotal"][0]["cac:TaxSubtotal"]
    assert subtotal["cac:TaxCategory"]["cbc:TaxExemptionReasonCode"] == "VATEX-EU-G"


async def test_cash_vat_issuer_states_the_vat_point(env):
    await Company.update({Company.cash_vat: True}).where(Company.id == env["company"])
    invoice = await issue(
        env["company"],
        env["client"],
        [{"article": env["hour"], "quantity": 1, "unit_price": "100"}],
    )
    doc = await official(invoice)
    assert doc["cac:InvoicePeriod"]["cbc:DescriptionCode"] == "432"
    assert "TVA la încasare" in doc["cbc:Note"]


@pytest.mark.parametrize("cnp", ["1850715420011", None])
async def test_individual_with_or_without_cnp(env, cnp):
    person = await make_client(name="Ion Popa", kind="individual", cui=None, cnp=cnp,
                               vat_payer=False, county="RO-IS", city="Iași",
                               street="Str. Lăpușneanu 5")  # fmt: skip
    invoice = await issue(
        env["company"], person, [{"article": env["coffee"], "quantity": 2, "unit_price": "54.90"}]
    )
    doc = await official(invoice)
    buyer = party(doc, "Customer")
    assert "cac:PartyTaxScheme" not in buyer
    assert buyer["cac:PartyLegalEntity"]["cbc:CompanyID"] == (cnp or "0000000000000")
    prepared = await efactura_prepare(invoice_id=invoice, by=SYSTEM)
    assert prepared.upload_kind == UploadKind.b2c


async def test_bucharest_buyer_city_is_its_sector(env):
    beta = await make_client(name="Beta Construct SA", cui="34567892", county="RO-B",
                             sector="SECTOR3", city="București", street="Bd. Unirii 1")  # fmt: skip
    invoice = await issue(
        env["company"], beta, [{"article": env["hour"], "quantity": 12, "unit_price": "250"}]
    )
    doc = await official(invoice)
    address = party(doc, "Customer")["cac:PostalAddress"]
    assert (address["cbc:CityName"], address["cbc:CountrySubentity"]) == ("SECTOR3", "RO-B")


async def test_a_seller_that_is_not_a_vat_payer(env):
    small = await make_company(name="Mic Meșteșug SRL", cui="22334451", vat_payer=False,
                               county="RO-TM", sector="", city="Timișoara",
                               street="Str. Paris 2")  # fmt: skip
    await make_series(small, prefix="MM")
    craft = await make_article("OBIECT", name="Obiect artizanal", vat_category="O")
    invoice = await issue(small, env["client"],
                          [{"article": craft, "quantity": 2, "unit_price": "150"}])  # fmt: skip
    doc = await official(invoice)
    assert "cac:PartyTaxScheme" not in party(doc, "Supplier")  # no VAT id (BR-O-02)
    assert "cac:PartyTaxScheme" not in party(doc, "Customer")
    assert party(doc, "Customer")["cac:PartyLegalEntity"]["cbc:CompanyID"] == "12345674"
    (subtotal,) = doc["cac:TaxTotal"][0]["cac:TaxSubtotal"]
    assert "cbc:Percent" not in subtotal["cac:TaxCategory"]  # BR-O-05


async def test_self_invoice_keeps_type_389(env):
    invoice = await issue(env["company"], env["client"],
                          [{"article": env["laptop"], "quantity": 1, "unit_price": "2000"}],
                          type_code=InvoiceTypeCode.self_billed)  # fmt: skip
    doc = await official(invoice)
    assert doc["cbc:InvoiceTypeCode"] == "389"
    assert "Autofacturare" in doc["cbc:Note"]
    prepared = await efactura_prepare(invoice_id=invoice, by=SYSTEM)
    assert prepared.upload_kind == UploadKind.standard


async def test_every_demo_invoice_passes_the_official_rules():
    assert await demo_load(password="parola-demo-1")
    invoices = await Invoice.select(Invoice.id, Invoice.type_code).where(Invoice.status == "issued")
    assert len(invoices) >= 5
    assert {"380", "381"} <= {x["type_code"] for x in invoices}
    for row in invoices:
        await official(row["id"])


async def test_drafts_and_cancelled_invoices_are_not_generated(env):
    draft = await invoice_draft_create(
        company_id=env["company"], partner_id=env["client"], by=SYSTEM,
        lines=[{"article": env["hour"], "quantity": 1, "unit_price": "100"}],
    )  # fmt: skip
    with pytest.raises(Conflict) as err:
        await invoice_ubl(draft)
    assert err.value.code == "EFACTURA_INVOICE_NOT_ISSUED"
    await invoice_issue(invoice_id=draft, by=SYSTEM)
    await invoice_cancel(invoice_id=draft, reason="Greșeală de client", by=SYSTEM)
    with pytest.raises(Conflict):
        await efactura_check(invoice_id=draft, by=SYSTEM)


async def test_a_token_without_sales_rights_may_not_check(env):
    invoice = await issue(
        env["company"],
        env["client"],
        [{"article": env["hour"], "quantity": 1, "unit_price": "100"}],
    )
    token = Actor(role=Role.viewer, name="formular", token_id=1,
                  scopes=frozenset({"partners:write"}))  # fmt: skip
    with pytest.raises(Forbidden):
        await efactura_check(invoice_id=invoice, by=token)
    viewer = Actor(role=Role.viewer, name="vizitator")
    assert await efactura_check(invoice_id=invoice, by=viewer) == []


async def test_a_broken_address_is_reported_in_romanian_before_sending(env):
    # A Bucharest buyer saved without its sector: BR-RO-101 is a <report>, so it only
    # shows up because successful reports are counted as well as failed asserts.
    await Company.update({Company.sector: "", Company.city: "Bucuresti"}).where(
        Company.id == env["company"]
    )
    invoice = await issue(
        env["company"],
        env["client"],
        [{"article": env["hour"], "quantity": 1, "unit_price": "100"}],
    )
    findings = await efactura_check(invoice_id=invoice, by=SYSTEM)
    assert [f.rule for f in findings] == ["BR-RO-100"]
    assert findings[0].message.startswith("[BR-RO-100]-Daca Codul tarii Vanzatorului")
    assert "#" not in findings[0].message
    assert not is_valid(findings)


# --- litestar catastif efactura-rules, against a local HTTP server ------------------------------


@pytest.fixture
def rules_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A local web server with the three downloads, made from ../shared/efactura: ANAF's
    archive and the compiled rules as published, and a UBL 2.1 archive laid out as OASIS's
    (with files the command must leave out)."""
    shared = shared_path("efactura")
    site = tmp_path / "site"
    site.mkdir()
    shutil.copy(shared / "cius-ro-1.0.9/ro16931-ubl-1.0.9.zip", site)
    shutil.copy(shared / "cius-ro-1.0.9/xslt/EN16931-CIUS_RO-UBL-validation.xslt", site)
    with zipfile.ZipFile(site / "UBL-2.1.zip", "w") as archive:
        for xsd in sorted((shared / "ubl-2.1/xsd").rglob("*.xsd")):
            archive.write(xsd, f"UBL-2.1/{xsd.relative_to(shared / 'ubl-2.1').as_posix()}")
        archive.writestr("UBL-2.1/xsd/maindoc/UBL-Order-2.1.xsd", "<not-needed/>")
        archive.writestr("UBL-2.1/doc/readme.txt", "OASIS UBL 2.1")
    handler = functools.partial(QuietHandler, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", site
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def run_rules_command(url: str, target: Path, xslt: str = "EN16931-CIUS_RO-UBL-validation.xslt"):
    from cli import catastif

    return CliRunner().invoke(
        catastif,
        ["efactura-rules", "--dir", str(target),
         "--anaf-url", f"{url}/ro16931-ubl-1.0.9.zip", "--xslt-url", f"{url}/{xslt}",
         "--ubl-url", f"{url}/UBL-2.1.zip"],
    )  # fmt: skip


def test_the_rules_command_downloads_checks_and_places_the_official_files(rules_server, tmp_path):
    url, _site = rules_server
    target = tmp_path / "data" / "efactura-rules"
    result = run_rules_command(url, target)
    assert result.exit_code == 0, result.output
    assert "efactura-rules" in result.output
    assert sorted(p.name for p in (target / "ubl-2.1/xsd/maindoc").iterdir()) == [
        "UBL-CreditNote-2.1.xsd", "UBL-Invoice-2.1.xsd",
    ]  # fmt: skip
    assert len(list((target / "ubl-2.1/xsd/common").iterdir())) == 14
    anaf = target / "cius-ro-1.0.9/anaf-ro16931-ubl-1.0.9"
    assert (anaf / "cius-ro/RO16931-rules.sch").is_file()
    assert (anaf / "EN16931-CIUS_RO-UBL-validation.sch").is_file()
    manifest = json.loads((target / "SOURCES.json").read_text())
    assert manifest["sources"]["anaf"]["sha256"] == OFFICIAL_SOURCES["anaf"].sha256
    assert not [p for p in target.parent.iterdir() if p.name.startswith(".")]  # no leftovers
    # The installed folder validates like the reference one.
    sample = shared_path("efactura/samples/derived/neg_BR-RO-100_bucharest_city_not_sector.xml")
    assert [f.rule for f in validate_ubl(sample.read_bytes(), rules_dir=target)] == ["BR-RO-100"]


def test_a_download_that_is_not_the_published_file_changes_nothing(rules_server, tmp_path):
    url, site = rules_server
    target = tmp_path / "efactura-rules"
    assert run_rules_command(url, target).exit_code == 0
    before = sorted(p.relative_to(target) for p in target.rglob("*"))
    tampered = site / "tampered.xslt"
    tampered.write_bytes((site / "EN16931-CIUS_RO-UBL-validation.xslt").read_bytes() + b"\n")
    result = run_rules_command(url, target, xslt="tampered.xslt")
    assert result.exit_code != 0
    assert "EFACTURA_RULES_CHECKSUM" in result.output
    assert sorted(p.relative_to(target) for p in target.rglob("*")) == before
    missing = run_rules_command(url, tmp_path / "other", xslt="missing.xslt")
    assert "EFACTURA_RULES_DOWNLOAD" in missing.output
    assert not (tmp_path / "other").exists()
