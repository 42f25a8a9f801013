"""Receipts review (issue 7): dates of a cancellation, cash-VAT after a credit note,
and other edges found in the review, each through the real operations."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from domain.core.errors import ValidationFailed
from domain.org.permissions import SYSTEM
from domain.payments.open_items import open_items
from domain.payments.receipts import (
    allocation_add,
    allocation_reverse,
    receipt_cancel,
    receipt_record,
)
from domain.sales.invoices import invoice_draft_create, invoice_issue, invoice_storno
from tables.org import Company
from tables.sales import InvoiceLine
from tests.factories import make_article
from tests.ops import test_receipts
from tests.ops.test_receipts import books

D = Decimal
env = test_receipts.env  # the same client, company and series
MARCH, APRIL, MAY = date(2026, 3, 10), date(2026, 4, 2), date(2026, 5, 4)


async def _invoice(env: dict[str, Any], lines: list[tuple[int, str]], **header: Any) -> int:
    draft = await invoice_draft_create(
        company_id=env["company"],
        partner_id=env["client"],
        by=SYSTEM,
        header={"issue_date": MARCH, "due_date": MARCH, **header},
        lines=[{"article": a, "quantity": 1, "unit_price": p} for a, p in lines],
    )
    return (await invoice_issue(invoice_id=draft, by=SYSTEM)).invoice_id


async def _bank(env: dict[str, Any], amount: str, day: date, **kw: Any):
    return await receipt_record(
        company_id=env["company"], kind="bank", partner_id=env["client"], day=day,
        amount=D(amount), by=SYSTEM, **kw,
    )  # fmt: skip


async def test_a_cancellation_cannot_predate_an_allocation_it_takes_back(env):
    sale = await _invoice(env, [(env["service"], "100")])  # 121.00
    advance = await _bank(env, "121.00", MARCH, allocations=[])
    await allocation_add(receipt_id=advance.receipt_id, invoice_id=sale, day=MAY, by=SYSTEM)
    with pytest.raises(ValidationFailed) as refused:
        await receipt_cancel(receipt_id=advance.receipt_id, reason="Greșeală", day=APRIL,
                             by=SYSTEM)  # fmt: skip
    assert refused.value.code == "ALLOCATION_DAY_INVALID"
    # An undoing dated later than the allocation counts too.
    await receipt_cancel(receipt_id=advance.receipt_id, reason="Greșeală", day=MAY, by=SYSTEM)
    after = await books(env["client"])
    assert (after["4111"], "419" in after) == (D("121.00"), False)  # owed again, no advance


async def test_cash_vat_after_a_credit_note_of_one_rate_leaves_nothing_in_4428(env):
    await Company.update({Company.cash_vat: True}).where(Company.id == env["company"])
    env["book"] = await make_article("CRT", name="Carte", kind="service", vat_category="S-REDUSA")
    sale = await _invoice(
        env, [(env["service"], "1000"), (env["book"], "1000")], vat_regime="cash_vat"
    )  # 1210 + 1110 = 2320, VAT 210 + 110 = 320 in 4428
    assert (await books())["4428"] == D("-320.00")
    first = await _bank(env, "1160.00", MARCH)  # half: 160 due
    assert (await books())["4427"] == D("-160.00")
    book_line = (
        await InvoiceLine.select(InvoiceLine.id)
        .where((InvoiceLine.invoice == sale) & (InvoiceLine.article == env["book"]))
        .first()
    )
    await invoice_storno(
        invoice_id=sale, returns={book_line["id"]: D(1)}, issue_date=APRIL, by=SYSTEM
    )  # -1110, VAT -110: 4428 holds 320 - 160 - 110 = 50
    assert (await books())["4428"] == D("-50.00")
    (item,) = await open_items(company_id=env["company"], at=MAY, invoice_ids=[sale])
    assert item.open == D("50.00")
    second = await _bank(env, "50.00", MAY)
    after = await books()
    assert ("4428" not in after, after["4427"]) == (True, D("-210.00"))
    # Undoing the first collection moves back exactly what it moved (160), and using it
    # again moves what is due then.
    await allocation_reverse(
        allocation_id=first.allocated[0].allocation_id, day=MAY, reason="Test", by=SYSTEM
    )
    undone = await books()
    assert (undone["4428"], undone["4427"]) == (D("-160.00"), D("-50.00"))
    await allocation_add(receipt_id=first.receipt_id, invoice_id=sale, day=MAY, by=SYSTEM)
    final = await books()
    assert ("4428" in final, final["4427"], "419" in final) == (False, D("-210.00"), False)
    assert second.advance == D(0)
