"""The ways to invoice (issue 3), each end to end through the domain operations.

Ways 1, 12, 13, 25, 26 are in test_invoice_issue.py; 15 and 18 in the API tests.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from domain.core.errors import Conflict, ValidationFailed
from domain.org.permissions import SYSTEM
from domain.sales.documents import (
    document_convert,
    document_draft_create,
    document_issue,
    invoice_from_documents,
    warranty_from_invoice,
)
from domain.sales.invoices import invoice_draft_create, invoice_issue
from domain.sales.meters import meter_create, meter_get, reading_record, utilities_invoice_draft
from domain.sales.progress import line_progress
from tables.choices import DocType, InvoiceTypeCode
from tables.org import Company
from tables.sales import DocumentLine, Invoice, InvoiceLine
from tests.factories import make_article, make_client, make_company, make_series

DAY = date(2026, 11, 2)


@pytest.fixture
async def ctx() -> dict[str, int]:
    company = await make_company()
    for doc_type in DocType:
        await make_series(company, prefix=doc_type.value[:3].upper(), doc_type=doc_type)
    return {
        "company": company,
        "client": await make_client(),
        "laptop": await make_article("LAP", name="Laptop", warranty_months=24),
        "hour": await make_article("ORA", name="Consultanță", kind="service", uom="HUR"),
    }


async def issued_doc(ctx, doc_type: DocType, quantity: str = "10") -> int:
    doc = await document_draft_create(
        doc_type=doc_type, company_id=ctx["company"], partner_id=ctx["client"], by=SYSTEM,
        header={"issue_date": DAY},
        lines=[{"article": ctx["laptop"], "quantity": quantity, "unit_price": "3000"},
               {"article": ctx["hour"], "quantity": "4", "unit_price": "250"}],
    )  # fmt: skip
    await document_issue(document_id=doc, by=SYSTEM)
    return doc


async def lines_of(document_id: int) -> list[dict]:
    return (
        await DocumentLine.select()
        .where(DocumentLine.document == document_id)
        .order_by(DocumentLine.position)
    )


async def issue(invoice_id: int):
    await Invoice.update({Invoice.issue_date: DAY}).where(Invoice.id == invoice_id)
    return await invoice_issue(invoice_id=invoice_id, by=SYSTEM)


@pytest.mark.parametrize("source", [DocType.offer, DocType.proforma])
async def test_ways_2_3_from_an_offer_or_a_proforma(ctx, source):
    doc = await issued_doc(ctx, source)
    invoice = await issue(
        await document_convert(document_id=doc, target=DocType.invoice, by=SYSTEM)
    )
    assert invoice.totals.tax_exclusive == Decimal("31000.00")
    with pytest.raises(Conflict) as err:
        await document_convert(document_id=doc, target=DocType.invoice, by=SYSTEM)
    assert err.value.code == "NOTHING_LEFT"


async def test_ways_4_5_8_order_whole_or_in_parts_shipping_with_the_invoice(ctx):
    offer = await issued_doc(ctx, DocType.offer)
    order_id = await document_convert(document_id=offer, target=DocType.order, by=SYSTEM)
    await document_issue(document_id=order_id, by=SYSTEM)
    laptop, hours = await lines_of(order_id)
    first = await issue(await invoice_from_documents(
        document_ids=[order_id], by=SYSTEM, take={laptop["id"]: Decimal(4)}
    ))  # fmt: skip
    progress = (await line_progress([laptop["id"]]))[laptop["id"]]
    assert (progress.invoiced, progress.delivered) == (Decimal(4), Decimal(4))  # way 8
    second = await issue(await invoice_from_documents(document_ids=[order_id], by=SYSTEM))
    assert first.totals.tax_exclusive + second.totals.tax_exclusive == Decimal("31000.00")
    with pytest.raises(Conflict) as err:
        await invoice_from_documents(document_ids=[order_id], by=SYSTEM)
    assert err.value.code == "NOTHING_LEFT"
    left = await line_progress([laptop["id"], hours["id"]])
    assert all(p.left_for(DocType.invoice) == 0 for p in left.values())


async def test_ways_6_7_9_delivery_notes_then_one_invoice(ctx):
    order_id = await issued_doc(ctx, DocType.order)
    laptop, _hours = await lines_of(order_id)
    notes = []
    for quantity in (Decimal(3), Decimal(7)):
        note = await document_convert(
            document_id=order_id, target=DocType.delivery_note, by=SYSTEM,
            take={laptop["id"]: quantity},
        )  # fmt: skip
        await document_issue(document_id=note, by=SYSTEM)
        notes.append(note)
    with pytest.raises(Conflict) as err:  # all 10 laptops are on avize now
        await document_convert(
            document_id=order_id, target=DocType.delivery_note, by=SYSTEM,
            take={laptop["id"]: Decimal(1)},
        )  # fmt: skip
    assert err.value.code == "QUANTITY_EXCEEDS_LEFT"
    draft = await invoice_from_documents(document_ids=notes, by=SYSTEM)
    invoice = await Invoice.select().where(Invoice.id == draft).first()
    assert invoice["stock_leaves"] is False or invoice["stock_leaves"] == 0  # way 9
    issued = await issue(draft)
    assert issued.totals.tax_exclusive == Decimal("30000.00")
    progress = (await line_progress([laptop["id"]]))[laptop["id"]]
    assert (progress.delivered, progress.invoiced) == (Decimal(10), Decimal(10))


async def test_invoice_issue_rechecks_what_is_left(ctx):
    order_id = await issued_doc(ctx, DocType.order, quantity="2")
    one = await invoice_from_documents(document_ids=[order_id], by=SYSTEM)
    two = await invoice_from_documents(document_ids=[order_id], by=SYSTEM)  # both drafts
    await issue(one)
    with pytest.raises(Conflict) as err:
        await issue(two)
    assert err.value.code == "QUANTITY_EXCEEDS_LEFT"


async def test_ways_10_11_advance_then_final_invoice_deducting_it(ctx):
    advance = await invoice_draft_create(
        company_id=ctx["company"], partner_id=ctx["client"], by=SYSTEM,
        type_code=InvoiceTypeCode.advance, header={"delivery_date": date(2025, 7, 15)},
        lines=[{"description": "Avans 30 % comandă", "quantity": 1, "unit_price": "9000",
                "vat_category": "S-STANDARD"}],
    )  # fmt: skip
    await Invoice.update({Invoice.issue_date: date(2025, 7, 15)}).where(Invoice.id == advance)
    paid = await invoice_issue(invoice_id=advance, by=SYSTEM)
    assert paid.totals.vat_total == Decimal("1710.00")  # 19 % in July 2025
    advance_line = await InvoiceLine.select().where(InvoiceLine.invoice == advance).first()
    final = await issue(await invoice_draft_create(
        company_id=ctx["company"], partner_id=ctx["client"], by=SYSTEM,
        header={"delivery_date": DAY},
        lines=[{"article": ctx["laptop"], "quantity": 10, "unit_price": "3000"},
               {"description": "Avans dedus", "quantity": -1, "unit_price": "9000",
                "vat_category": "S-STANDARD", "source_line": advance_line["id"]}],
    ))  # fmt: skip
    groups = {g.vat_rate: (g.base, g.vat) for g in final.totals.groups}
    assert groups[Decimal("21.00")] == (Decimal("30000.00"), Decimal("6300.00"))
    assert groups[Decimal("19.00")] == (Decimal("-9000.00"), Decimal("-1710.00"))  # its rate
    assert final.totals.payable == Decimal("25590.00")


@pytest.mark.parametrize(
    ("regime", "category", "partner", "code"),
    [
        ("export", "G", {"name": "Acme Inc", "country": "US", "cui": None, "county": "",
                         "city": "Boston", "foreign_vat_id": "US-98-7654321"}, None),  # 16
        ("intra_eu", "K", {"name": "Müller GmbH", "country": "DE", "cui": None, "county": "",
                           "city": "München", "foreign_vat_id": "DE136695976"}, None),  # 17
        ("intra_eu", "K", {"name": "Ion Popa", "kind": "individual", "cui": None,
                           "vat_payer": False}, "REGIME_INTRA_EU_CUSTOMER"),
        ("export", "G", {"name": "Beta SRL", "cui": "34567892"}, "REGIME_EXPORT_CUSTOMER"),
    ],
)  # fmt: skip
async def test_ways_16_17_exempt_supplies_need_the_right_customer(
    ctx, regime, category, partner, code
):
    customer = await make_client(**partner)
    draft = await invoice_draft_create(
        company_id=ctx["company"], partner_id=customer, by=SYSTEM,
        header={"vat_regime": regime, "delivery_date": DAY},
        lines=[{"article": ctx["laptop"], "quantity": 1, "unit_price": "3000",
                "vat_category": category}],
    )  # fmt: skip
    if code:
        with pytest.raises(ValidationFailed) as err:
            await issue(draft)
        assert err.value.code == code
        return
    issued = await issue(draft)
    assert issued.totals.vat_total == 0
    row = (
        await Invoice.select(Invoice.mentions)
        .where(Invoice.id == draft)
        .output(load_json=True)
        .first()
    )
    assert any("art. 294" in m for m in row["mentions"])


async def test_way_19_cash_vat_issuer(ctx):
    await Company.update({Company.cash_vat: True}).where(Company.id == ctx["company"])
    normal = await invoice_draft_create(
        company_id=ctx["company"], partner_id=ctx["client"], by=SYSTEM,
        header={"vat_regime": "normal", "delivery_date": DAY},
        lines=[{"article": ctx["hour"], "quantity": 1, "unit_price": "100"}],
    )  # fmt: skip
    with pytest.raises(ValidationFailed) as err:
        await issue(normal)
    assert err.value.code == "REGIME_CASH_VAT_REQUIRED"
    draft = await invoice_draft_create(
        company_id=ctx["company"], partner_id=ctx["client"], by=SYSTEM,
        header={"delivery_date": DAY},  # the default regime follows the company
        lines=[{"article": ctx["hour"], "quantity": 1, "unit_price": "100"}],
    )  # fmt: skip
    await issue(draft)
    row = (
        await Invoice.select(Invoice.mentions, Invoice.vat_regime)
        .where(Invoice.id == draft)
        .output(load_json=True)
        .first()
    )
    assert row["vat_regime"] == "cash_vat"
    assert "TVA la încasare" in row["mentions"]


async def test_ways_20_21_22_services_rent_and_utilities_at_their_rates(ctx):
    rent = await make_article("CHIRIE", name="Chirie", kind="rent", uom="MON")
    water = await make_article("APA", name="Apă", kind="utility", uom="MTQ",
                               vat_category="S-REDUSA")  # fmt: skip
    power = await make_article("CURENT", name="Energie electrică", kind="utility", uom="KWH")
    issued = await issue(await invoice_draft_create(
        company_id=ctx["company"], partner_id=ctx["client"], by=SYSTEM,
        header={"delivery_date": DAY},
        lines=[{"article": ctx["hour"], "quantity": "6.5", "unit_price": "250"},
               {"article": rent, "quantity": 1, "unit_price": "4500"},
               # consumption from meter indexes: water 1234 -> 1249, power 20500 -> 20812
               {"article": water, "description": "Apă: index 1234 → 1249",
                "quantity": 1249 - 1234, "unit_price": "8.1234"},
               {"article": power, "description": "Energie: index 20500 → 20812",
                "quantity": 20812 - 20500, "unit_price": "1.3456"}],
    ))  # fmt: skip
    groups = {g.vat_rate: g.base for g in issued.totals.groups}
    assert groups[Decimal("11.00")] == Decimal("121.85")  # 15 x 8.1234
    assert groups[Decimal("21.00")] == Decimal("1625.00") + Decimal("4500.00") + Decimal("419.83")


async def test_way_22_utilities_through_meters(ctx):
    """The same consumption as above, read from meters instead of typed: the meters
    give the quantities and the descriptions, each utility keeps its own VAT rate."""
    water = await make_article("APA", name="Apă", kind="utility", uom="MTQ",
                               vat_category="S-REDUSA")  # fmt: skip
    power = await make_article("CURENT", name="Energie electrică", kind="utility", uom="KWH")
    readings = {}
    for article, serial, old, new in ((water, "AP-1", "1234", "1249"),
                                      (power, "EL-1", "20500", "20812")):  # fmt: skip
        meter = await meter_create(
            values={"partner": ctx["client"], "article": article, "serial": serial}, by=SYSTEM
        )
        for day, index in ((DAY - timedelta(days=31), old), (DAY - timedelta(days=1), new)):
            await reading_record(meter_id=meter, day=day, index=index, by=SYSTEM)
        readings[serial] = meter
    draft = await utilities_invoice_draft(
        company_id=ctx["company"], partner_id=ctx["client"], until=DAY, by=SYSTEM,
        prices={water: "8.1234", power: "1.3456"},
    )  # fmt: skip
    lines = (
        await InvoiceLine.select()
        .where(InvoiceLine.invoice == draft)
        .order_by(InvoiceLine.position)
    )
    assert [x["description"] for x in lines] == [
        "Apă: index vechi 1.234,000 → index nou 1.249,000 (contor AP-1)",
        "Energie electrică: index vechi 20.500,000 → index nou 20.812,000 (contor EL-1)",
    ]
    issued = await issue(draft)
    groups = {g.vat_rate: g.base for g in issued.totals.groups}
    assert groups == {Decimal("11.00"): Decimal("121.85"), Decimal("21.00"): Decimal("419.83")}
    meter = await meter_get(readings["AP-1"], by=SYSTEM)
    assert {r["state"] for r in meter["readings"]} == {"billed"}


@pytest.mark.parametrize("cnp", ["1850715420011", None])
async def test_way_23_individual_with_or_without_cnp(ctx, cnp):
    person = await make_client(name="Ion Popa", kind="individual", cui=None, cnp=cnp,
                               vat_payer=False)  # fmt: skip
    draft = await invoice_draft_create(
        company_id=ctx["company"], partner_id=person, by=SYSTEM, header={"delivery_date": DAY},
        lines=[{"article": ctx["laptop"], "quantity": 1, "unit_price": "3000"}],
    )  # fmt: skip
    await issue(draft)
    row = (
        await Invoice.select(Invoice.customer_snapshot)
        .where(Invoice.id == draft)
        .output(load_json=True)
        .first()
    )
    assert row["customer_snapshot"]["cnp"] == cnp


async def test_way_24_self_invoice(ctx):
    draft = await invoice_draft_create(
        company_id=ctx["company"], partner_id=ctx["client"], by=SYSTEM,
        type_code=InvoiceTypeCode.self_billed, header={"delivery_date": DAY},
        lines=[{"article": ctx["laptop"], "quantity": 1, "unit_price": "2000"}],
    )  # fmt: skip
    await issue(draft)
    row = (
        await Invoice.select(Invoice.mentions, Invoice.type_code)
        .where(Invoice.id == draft)
        .output(load_json=True)
        .first()
    )
    assert (row["type_code"], "Autofacturare" in row["mentions"]) == ("389", True)


async def test_warranty_certificate_from_an_invoice(ctx):
    issued = await issue(await invoice_draft_create(
        company_id=ctx["company"], partner_id=ctx["client"], by=SYSTEM,
        header={"delivery_date": DAY},
        lines=[{"article": ctx["laptop"], "quantity": 2, "unit_price": "3000"},
               {"article": ctx["hour"], "quantity": 1, "unit_price": "250"}],
    ))  # fmt: skip
    line = await InvoiceLine.select().where(InvoiceLine.invoice == issued.invoice_id).first()
    certificate = await warranty_from_invoice(
        invoice_id=issued.invoice_id, by=SYSTEM, serials={line["id"]: "SN-001, SN-002"}
    )
    number = await document_issue(document_id=certificate, by=SYSTEM)
    (only,) = await lines_of(certificate)
    assert (only["warranty_months"], only["serial_numbers"]) == (24, "SN-001, SN-002")
    assert number.startswith("WAR-")


async def test_an_advance_is_deducted_once_and_only_for_its_customer(ctx):
    advance = await invoice_draft_create(
        company_id=ctx["company"], partner_id=ctx["client"], by=SYSTEM,
        type_code=InvoiceTypeCode.advance, header={"delivery_date": DAY},
        lines=[{"description": "Avans", "quantity": 1, "unit_price": "1000",
                "vat_category": "S-STANDARD"}],
    )  # fmt: skip
    await issue(advance)
    line = await InvoiceLine.select().where(InvoiceLine.invoice == advance).first()
    deduction = {"description": "Avans dedus", "quantity": -1, "unit_price": "1000",
                 "vat_category": "S-STANDARD", "source_line": line["id"]}  # fmt: skip
    other = await make_client(name="Beta SRL", cui="34567892")
    stranger = await invoice_draft_create(
        company_id=ctx["company"], partner_id=other, by=SYSTEM, header={"delivery_date": DAY},
        lines=[{"article": ctx["hour"], "quantity": 8, "unit_price": "250"}, deduction],
    )  # fmt: skip
    with pytest.raises(Conflict) as err:
        await issue(stranger)
    assert err.value.code == "CORRECTION_SOURCE_INVALID"
    final = [{"article": ctx["hour"], "quantity": 8, "unit_price": "250"}, deduction]
    first = await invoice_draft_create(
        company_id=ctx["company"], partner_id=ctx["client"], by=SYSTEM, lines=final
    )
    second = await invoice_draft_create(
        company_id=ctx["company"], partner_id=ctx["client"], by=SYSTEM, lines=final
    )
    await issue(first)
    with pytest.raises(Conflict) as err:
        await issue(second)
    assert err.value.code == "CORRECTION_QUANTITY_INVALID"


async def test_way_14_later_discount_at_each_line_rate(ctx):
    from domain.sales.invoices import invoice_discount_later, invoice_storno

    july = await invoice_draft_create(
        company_id=ctx["company"], partner_id=ctx["client"], by=SYSTEM,
        header={"delivery_date": date(2025, 7, 10)},
        lines=[{"article": ctx["laptop"], "quantity": 2, "unit_price": "3000"}],
    )  # fmt: skip
    await Invoice.update({Invoice.issue_date: date(2025, 7, 10)}).where(Invoice.id == july)
    await invoice_issue(invoice_id=july, by=SYSTEM)
    november = await issue(await invoice_draft_create(
        company_id=ctx["company"], partner_id=ctx["client"], by=SYSTEM,
        header={"delivery_date": DAY},
        lines=[{"article": ctx["hour"], "quantity": 10, "unit_price": "250"}],
    ))  # fmt: skip
    discount = await invoice_discount_later(
        invoice_ids=[july, november.invoice_id], percent=Decimal(5), by=SYSTEM, issue_date=DAY
    )
    groups = {g.vat_rate: (g.base, g.vat) for g in discount.totals.groups}
    assert groups == {
        Decimal("19.00"): (Decimal("-300.00"), Decimal("-57.00")),  # July's rate stays
        Decimal("21.00"): (Decimal("-125.00"), Decimal("-26.25")),
    }
    # A discount returns no goods: the whole July invoice can still be credited.
    line = await InvoiceLine.select().where(InvoiceLine.invoice == july).first()
    credit = await invoice_storno(invoice_id=july, by=SYSTEM, returns={line["id"]: Decimal(2)})
    assert credit.totals.tax_exclusive == Decimal("-6000.00")


async def test_lines_come_only_from_the_same_partners_documents(ctx):
    order = await issued_doc(ctx, DocType.order)
    (laptop, _hours) = await lines_of(order)
    other = await make_client(name="Beta SRL", cui="34567892")
    draft = await invoice_draft_create(
        company_id=ctx["company"], partner_id=other, by=SYSTEM, header={"delivery_date": DAY},
        lines=[{"article": ctx["laptop"], "quantity": 1, "unit_price": "3000",
                "source_document_line": laptop["id"]}],
    )  # fmt: skip
    with pytest.raises(Conflict) as err:
        await issue(draft)
    assert err.value.code == "SOURCE_DOCUMENT_INVALID"
