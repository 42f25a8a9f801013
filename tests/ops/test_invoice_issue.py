"""Issuing an invoice: rates by delivery date, totals, frozen data, the number last."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.core.errors import Conflict, ValidationFailed
from domain.org.permissions import SYSTEM
from domain.sales.invoices import (
    invoice_cancel,
    invoice_copy,
    invoice_draft_create,
    invoice_draft_update,
    invoice_issue,
    invoice_storno,
)
from tables.sales import DocumentSeries, Invoice, InvoiceLine, InvoiceVat
from tests.factories import make_article, make_client, make_company, make_series


@pytest.fixture
async def setup() -> dict[str, int]:
    company = await make_company()
    return {
        "company": company,
        "series": await make_series(company),
        "client": await make_client(),
        "laptop": await make_article("LAP", name="Laptop"),
        "coffee": await make_article("CAF", name="Cafea", vat_category="S-REDUSA"),
    }


async def draft(setup: dict[str, int], delivery: date, **header: object) -> int:
    return await invoice_draft_create(
        company_id=setup["company"],
        partner_id=setup["client"],
        by=SYSTEM,
        header={"issue_date": delivery, "delivery_date": delivery, **header},
        lines=[
            {"article": setup["laptop"], "quantity": "2", "unit_price": "1000.00"},
            {
                "article": setup["coffee"],
                "quantity": "3",
                "unit_price": "45.50",
                "discount": "1.50",
            },
        ],
    )


async def test_rates_follow_the_delivery_date(setup):
    before = await invoice_issue(invoice_id=await draft(setup, date(2025, 7, 31)), by=SYSTEM)
    after = await invoice_issue(invoice_id=await draft(setup, date(2025, 8, 1)), by=SYSTEM)
    assert [(g.vat_rate, g.vat) for g in before.totals.groups] == [
        (Decimal("19.00"), Decimal("380.00")),
        (Decimal("9.00"), Decimal("12.15")),
    ]
    assert [(g.vat_rate, g.vat) for g in after.totals.groups] == [
        (Decimal("21.00"), Decimal("420.00")),
        (Decimal("11.00"), Decimal("14.85")),
    ]
    assert (before.number, after.number) == ("FCT-00001", "FCT-00002")
    row = await Invoice.select().where(Invoice.id == after.invoice_id).first()
    assert row["status"] == "issued"
    assert Decimal(str(row["payable"])) == Decimal("2569.85")
    assert row["customer_snapshot"]  # frozen partner data
    assert await InvoiceVat.count().where(InvoiceVat.invoice == after.invoice_id) == 2


async def test_issued_invoice_is_frozen_and_a_failed_issue_takes_no_number(setup):
    invoice_id = await draft(setup, date(2026, 11, 2))
    await invoice_issue(invoice_id=invoice_id, by=SYSTEM)
    with pytest.raises(Conflict) as err:
        await invoice_draft_update(invoice_id=invoice_id, by=SYSTEM, header={"notes": "x"})
    assert err.value.code == "INVOICE_FROZEN"
    # Housing's transitional 9 % ended on 2026-07-31: the issue fails, and no number is used.
    bad = await invoice_draft_create(
        company_id=setup["company"], partner_id=setup["client"], by=SYSTEM,
        header={"delivery_date": date(2026, 11, 2)},
        lines=[{"description": "Apartament", "quantity": 1, "unit_price": 100,
                "vat_category": "S-LOCUINTE"}],
    )  # fmt: skip
    with pytest.raises(ValidationFailed) as err:
        await invoice_issue(invoice_id=bad, by=SYSTEM)
    assert err.value.code == "VAT_RATE_MISSING"
    series = await DocumentSeries.select().where(DocumentSeries.id == setup["series"]).first()
    assert series["next_number"] == 2
    good = await invoice_issue(invoice_id=await draft(setup, date(2026, 11, 3)), by=SYSTEM)
    assert good.number == "FCT-00002"


async def test_storno_mirrors_and_partial_returns_are_bounded(setup):
    issued = await invoice_issue(invoice_id=await draft(setup, date(2025, 7, 30)), by=SYSTEM)
    lines = await InvoiceLine.select().where(InvoiceLine.invoice == issued.invoice_id)
    laptop = next(x for x in lines if x["description"] == "Laptop")
    # Partial: one laptop back, in November 2026, still at the original 19 %.
    part = await invoice_storno(
        invoice_id=issued.invoice_id, by=SYSTEM, returns={laptop["id"]: Decimal(1)},
        issue_date=date(2026, 11, 5),
    )  # fmt: skip
    assert [(g.vat_rate, g.base, g.vat) for g in part.totals.groups] == [
        (Decimal("19.00"), Decimal("-1000.00"), Decimal("-190.00"))
    ]
    with pytest.raises(ValidationFailed) as err:
        await invoice_storno(
            invoice_id=issued.invoice_id, by=SYSTEM, returns={laptop["id"]: Decimal(2)}
        )
    assert err.value.code == "STORNO_QUANTITY_INVALID"
    rest = await invoice_storno(invoice_id=issued.invoice_id, by=SYSTEM, returns={
        laptop["id"]: Decimal(1),
        next(x["id"] for x in lines if x["description"] == "Cafea"): Decimal(3),
    })  # fmt: skip
    assert part.totals.payable + rest.totals.payable == -issued.totals.payable
    with pytest.raises(Conflict) as err:
        await invoice_cancel(invoice_id=issued.invoice_id, reason="greșit", by=SYSTEM)
    assert err.value.code == "INVOICE_HAS_CORRECTIONS"


async def test_cancel_keeps_the_number_and_copy_makes_a_draft(setup):
    issued = await invoice_issue(invoice_id=await draft(setup, date(2026, 11, 2)), by=SYSTEM)
    await invoice_cancel(invoice_id=issued.invoice_id, reason="Client greșit", by=SYSTEM)
    row = await Invoice.select().where(Invoice.id == issued.invoice_id).first()
    assert (row["status"], row["full_number"]) == ("cancelled", "FCT-00001")
    copy_id = await invoice_copy(invoice_id=issued.invoice_id, by=SYSTEM)
    copy = await Invoice.select().where(Invoice.id == copy_id).first()
    assert (copy["status"], copy["number"]) == ("draft", None)
    assert await InvoiceLine.count().where(InvoiceLine.invoice == copy_id) == 2
