"""Property: however an order is split into avize and invoices, quantities are kept —
nothing is delivered or invoiced twice, and what is left always adds up."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.org.permissions import SYSTEM
from domain.sales.documents import (
    document_convert,
    document_draft_create,
    document_issue,
    invoice_from_documents,
)
from domain.sales.invoices import invoice_issue
from domain.sales.progress import line_progress
from tables.choices import DocType
from tables.sales import DocumentLine, Invoice
from tests.conftest import wipe_database
from tests.factories import make_article, make_client, make_company, make_series

DAY = date(2026, 11, 2)
parts = st.lists(st.integers(min_value=1, max_value=5), min_size=1, max_size=4)


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ordered=st.integers(min_value=1, max_value=12), notes=parts, invoices=parts)
async def test_splitting_an_order_keeps_quantities(fresh_db, ordered, notes, invoices):
    await wipe_database()
    from domain.catalog.reference import reference_data_load

    await reference_data_load()
    company = await make_company()
    for doc_type in DocType:
        await make_series(company, prefix=doc_type.value[:3].upper(), doc_type=doc_type)
    order = await document_draft_create(
        doc_type=DocType.order, company_id=company, partner_id=await make_client(),
        by=SYSTEM, header={"issue_date": DAY},
        lines=[{"article": await make_article(), "quantity": ordered, "unit_price": "10"}],
    )  # fmt: skip
    await document_issue(document_id=order, by=SYSTEM)
    line = (await DocumentLine.select().where(DocumentLine.document == order).first())["id"]

    delivered = 0
    issued_notes = []
    for quantity in notes:  # avize while there is something left to deliver
        take = min(quantity, ordered - delivered)
        if take <= 0:
            break
        note = await document_convert(
            document_id=order, target=DocType.delivery_note, by=SYSTEM,
            take={line: Decimal(take)},
        )  # fmt: skip
        await document_issue(document_id=note, by=SYSTEM)
        issued_notes.append(note)
        delivered += take
    invoiced = 0
    for quantity in invoices:  # the rest invoiced straight from the order, in parts
        take = min(quantity, ordered - delivered - invoiced)
        if take <= 0:
            break
        draft = await invoice_from_documents(
            document_ids=[order], by=SYSTEM, take={line: Decimal(take)}
        )
        await Invoice.update({Invoice.issue_date: DAY}).where(Invoice.id == draft)
        await invoice_issue(invoice_id=draft, by=SYSTEM)
        invoiced += take
    if issued_notes:
        draft = await invoice_from_documents(document_ids=issued_notes, by=SYSTEM)
        await Invoice.update({Invoice.issue_date: DAY}).where(Invoice.id == draft)
        await invoice_issue(invoice_id=draft, by=SYSTEM)

    progress = (await line_progress([line]))[line]
    assert progress.invoiced == delivered + invoiced
    assert progress.delivered == delivered + invoiced  # invoices from the order ship too
    assert progress.left_for(DocType.invoice) == ordered - delivered - invoiced
    assert progress.left_for(DocType.invoice) >= 0
