"""Property: whatever sequence of receipts (lei or euros, allocated oldest first or kept as
an advance), later allocations, undoings and cancellations happens — refused steps
included — every entry balances, the client's 4111 equals what its invoices still hold
(open_ron), its 419 equals what its receipts have not allocated, and cancelling every
receipt brings every account back to the invoices alone."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.catalog.reference import reference_data_load
from domain.core.errors import DomainError
from domain.org.permissions import SYSTEM
from domain.payments.open_items import open_items
from domain.payments.queries import advances_available
from domain.payments.receipts import (
    allocation_add,
    allocation_reverse,
    receipt_cancel,
    receipt_record,
)
from domain.sales.invoices import invoice_draft_create, invoice_issue
from tables.choices import DocType
from tables.ledger import JournalLine
from tables.org import ExchangeRate
from tables.payments import Allocation, Receipt
from tests.conftest import wipe_database
from tests.factories import make_article, make_client, make_company, make_series
from tests.ops.test_receipts import books

D = Decimal
DAY, LATER = date(2026, 3, 10), date(2026, 4, 15)
money = st.decimals(min_value=D("0.01"), max_value=D(3000), places=2)
step = st.one_of(
    st.tuples(
        st.just("receipt"),
        money,
        st.sampled_from(["RON", "EUR"]),
        st.sampled_from(["auto", "none"]),
    ),
    st.tuples(
        st.just("add"),
        st.integers(0, 5),
        st.integers(0, 3),
        st.sampled_from([None, D("0.5"), D(1), D("0.01")]),
    ),
    st.tuples(st.just("reverse"), st.integers(0, 9)),
    st.tuples(st.just("cancel"), st.integers(0, 5)),
)
example = st.fixed_dictionaries(
    {
        "invoices": st.lists(
            st.tuples(money, st.sampled_from(["RON", "EUR"])), min_size=1, max_size=4
        ),
        "cash_vat": st.booleans(),
        "steps": st.lists(step, max_size=8),
    }
)


async def check(company: int, client: int) -> None:
    entries: dict[int, D] = defaultdict(D)
    for r in await JournalLine.select(JournalLine.entry, JournalLine.debit, JournalLine.credit):
        entries[r["entry"]] += D(str(r["debit"])) - D(str(r["credit"]))
    assert all(v.quantize(D("0.01")) == 0 for v in entries.values())
    items = await open_items(company_id=company, at=date(2030, 1, 1), include_settled=True)
    held = await books(client)
    assert held.get("4111", D(0)) == sum((x.open_ron for x in items), D(0))
    assert all(x.open >= 0 for x in items)
    left = sum((a.left_ron for a in await advances_available(company, client)), D(0))
    assert held.get("419", D(0)) == -left


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=example)
async def test_any_sequence_keeps_the_books_and_open_amounts_right(fresh_db, data):
    await wipe_database()
    await reference_data_load()
    company = await make_company(cash_vat=data["cash_vat"])
    await make_series(company)
    await make_series(company, prefix="CHT", doc_type=DocType.receipt)
    await ExchangeRate.insert(
        ExchangeRate(currency="EUR", day=date(2026, 3, 9), rate=D("5.0912")),
        ExchangeRate(currency="EUR", day=date(2026, 3, 31), rate=D("5.1234")),
    )
    client = await make_client()
    service = await make_article("SRV", name="Reparație", kind="service")
    regime = "cash_vat" if data["cash_vat"] else "normal"
    invoices = []
    for price, currency in data["invoices"]:
        draft = await invoice_draft_create(
            company_id=company,
            partner_id=client,
            by=SYSTEM,
            header={"issue_date": DAY, "currency": currency, "vat_regime": regime},
            lines=[{"article": service, "quantity": 1, "unit_price": price}],
        )
        invoices.append((await invoice_issue(invoice_id=draft, by=SYSTEM)).invoice_id)
    invoiced = await books()
    receipts: list[int] = []
    for op in data["steps"]:
        try:
            if op[0] == "receipt":
                done = await receipt_record(
                    company_id=company,
                    kind="bank",
                    partner_id=client,
                    day=LATER,
                    amount=op[1],
                    currency=op[2],
                    by=SYSTEM,
                    allocations=None if op[3] == "auto" else [],
                )
                receipts.append(done.receipt_id)
            elif op[0] == "add" and receipts:
                receipt = receipts[op[1] % len(receipts)]
                invoice = invoices[op[2] % len(invoices)]
                (row,) = await open_items(
                    company_id=company, at=LATER, invoice_ids=[invoice], include_settled=True
                )
                amount = (
                    None
                    if op[3] is None
                    else max(D("0.01"), (row.open * op[3]).quantize(D("0.01")))
                )
                await allocation_add(
                    receipt_id=receipt, invoice_id=invoice, amount=amount, day=LATER, by=SYSTEM
                )
            elif op[0] == "reverse":
                ids = [
                    r["id"] for r in await Allocation.select(Allocation.id).order_by(Allocation.id)
                ]
                if ids:
                    await allocation_reverse(
                        allocation_id=ids[op[1] % len(ids)], day=LATER, reason="Test", by=SYSTEM
                    )
            elif op[0] == "cancel" and receipts:
                await receipt_cancel(
                    receipt_id=receipts[op[1] % len(receipts)], reason="Test", day=LATER, by=SYSTEM
                )
        except DomainError:
            pass  # refused (more than is open, a cancelled receipt...): nothing half-written
        await check(company, client)
    for receipt in await Receipt.select(Receipt.id).where(Receipt.status == "issued"):
        await receipt_cancel(receipt_id=receipt["id"], reason="Test", day=LATER, by=SYSTEM)
    assert await books() == invoiced
    await check(company, client)
