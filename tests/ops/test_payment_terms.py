"""Payment terms on invoices (domain/payments/term_ops.py, invoice_draft_create and
invoice_issue): a draft gets the partner's default term, the issue freezes the schedule
computed from it (in the same final update: the issue stays within its statement budget),
and open_items reads the instalments back."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from domain.core.errors import Conflict, ValidationFailed
from domain.core.tx import engine
from domain.org.permissions import SYSTEM, Actor, Role
from domain.payments.open_items import Instalment, open_items
from domain.payments.term_ops import partner_term_set, payment_term_create
from domain.sales.invoices import (
    invoice_draft_create,
    invoice_draft_update,
    invoice_issue,
    invoice_storno,
)
from tables.sales import Invoice
from tests.factories import make_article, make_client, make_company, make_series

DAY = date(2026, 3, 10)
HALF_HALF = [{"days": 0, "percent": "50"}, {"days": 30, "percent": "50"}]


async def setup() -> tuple[int, int, int]:
    company = await make_company()
    await make_series(company)
    return company, await make_client(), await make_article(kind="service")


async def draft(company: int, client: int, article: int, **header: Any) -> int:
    return await invoice_draft_create(
        company_id=company, partner_id=client, by=SYSTEM,
        lines=[{"article": article, "quantity": 1, "unit_price": "100.01"}],
        header={"issue_date": DAY, **header},
    )  # fmt: skip


async def frozen(invoice_id: int) -> dict[str, Any]:
    return await Invoice.select(
        Invoice.payment_term, Invoice.due_date, Invoice.due_schedule, Invoice.payable
    ).where(Invoice.id == invoice_id).output(load_json=True).first()  # fmt: skip


async def test_the_partners_default_term_gives_the_schedule_at_issue() -> None:
    company, client, article = await setup()
    term = await payment_term_create(
        values={"company": company, "name": "50% acum, 50% la 30 de zile",
                "instalments": json.dumps(HALF_HALF)},
        by=SYSTEM,
    )  # fmt: skip
    await partner_term_set(company_id=company, partner_id=client, term_id=term, by=SYSTEM)
    invoice = await draft(company, client, article)
    assert (await frozen(invoice))["payment_term"] == term
    await invoice_issue(invoice_id=invoice, by=SYSTEM)
    row = await frozen(invoice)
    assert row["payable"] == Decimal("121.01")  # 100.01 + 21 % VAT
    assert row["due_schedule"] == [
        {"due": "2026-03-10", "amount": "60.51"},  # round(121.01 / 2), half up
        {"due": "2026-04-09", "amount": "60.50"},  # the rest
    ]
    assert row["due_date"] == date(2026, 4, 9)  # the last instalment
    (item,) = await open_items(company_id=company, at=DAY)
    assert item.schedule == (
        Instalment(date(2026, 3, 10), Decimal("60.51")),
        Instalment(date(2026, 4, 9), Decimal("60.50")),
    )
    # A credit note of it owes one instalment, whatever the term.
    storno = (await invoice_storno(invoice_id=invoice, by=SYSTEM, issue_date=DAY)).invoice_id
    assert (await frozen(storno))["due_schedule"] == [{"due": "2026-03-10", "amount": "-121.01"}]


async def test_without_a_term_the_drafts_due_date_or_the_issue_date() -> None:
    company, client, article = await setup()
    typed = await draft(company, client, article, due_date=date(2026, 4, 1))
    plain = await draft(company, client, article)
    for invoice in (typed, plain):
        await invoice_issue(invoice_id=invoice, by=SYSTEM)
    assert (await frozen(typed))["due_schedule"] == [{"due": "2026-04-01", "amount": "121.01"}]
    assert (await frozen(plain))["due_date"] == DAY
    assert (await frozen(plain))["due_schedule"] == [{"due": "2026-03-10", "amount": "121.01"}]


async def test_a_chosen_term_wins_and_must_be_the_companys_and_active() -> None:
    company, client, article = await setup()
    other = await make_company(name="Alta SRL", cui="18547290")
    own = await payment_term_create(
        values={"company": company, "name": "Avans 50 lei", "instalments":
                [{"days": 0, "amount": "50"}, {"days": 15}]}, by=SYSTEM,
    )  # fmt: skip
    foreign = await payment_term_create(
        values={"company": other, "name": "30 de zile",
                "instalments": [{"days": 30, "percent": "100"}]}, by=SYSTEM,
    )  # fmt: skip
    with pytest.raises(ValidationFailed) as caught:
        await draft(company, client, article, payment_term=foreign)
    assert caught.value.code == "PAYMENT_TERM_INVALID"
    invoice = await draft(company, client, article)
    with pytest.raises(ValidationFailed):
        await invoice_draft_update(invoice_id=invoice, header={"payment_term": foreign}, by=SYSTEM)
    await invoice_draft_update(invoice_id=invoice, header={"payment_term": own}, by=SYSTEM)
    await invoice_issue(invoice_id=invoice, by=SYSTEM)
    assert (await frozen(invoice))["due_schedule"] == [
        {"due": "2026-03-10", "amount": "50.00"},
        {"due": "2026-03-25", "amount": "71.01"},
    ]


async def test_fixed_amounts_bigger_than_the_invoice_refuse_the_issue() -> None:
    company, client, article = await setup()
    term = await payment_term_create(
        values={"company": company, "name": "Avans 500 lei",
                "instalments": [{"days": 0, "amount": "500"}, {"days": 30}]}, by=SYSTEM,
    )  # fmt: skip
    invoice = await draft(company, client, article, payment_term=term)
    with pytest.raises(ValidationFailed) as caught:
        await invoice_issue(invoice_id=invoice, by=SYSTEM)
    assert caught.value.code == "PAYMENT_TERM_AMOUNTS_MISMATCH"
    row = await Invoice.select(Invoice.status, Invoice.number).where(Invoice.id == invoice).first()
    assert row == {"status": "draft", "number": None}  # nothing half-written


async def test_terms_are_checked_and_unique_by_name() -> None:
    company, _, _ = await setup()
    values = {
        "company": company,
        "name": "30 de zile",
        "instalments": '[{"days": 30, "percent": "100"}]',
    }
    await payment_term_create(values=values, by=SYSTEM)
    with pytest.raises(Conflict):
        await payment_term_create(values=values, by=SYSTEM)
    with pytest.raises(ValidationFailed) as caught:
        await payment_term_create(
            values={**values, "name": "Greșit", "instalments": [{"days": 30, "percent": "90"}]},
            by=SYSTEM,
        )
    assert caught.value.code == "PAYMENT_TERM_PERCENT_TOTAL"
    from domain.core.errors import Forbidden

    with pytest.raises(Forbidden):
        await payment_term_create(
            values={**values, "name": "Vânzări"}, by=Actor(role=Role.sales, name="v")
        )


async def test_issuing_with_a_term_stays_within_the_statement_budget(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    company, client, article = await setup()
    term = await payment_term_create(
        values={"company": company, "name": "Rate", "instalments": HALF_HALF}, by=SYSTEM
    )
    with_term = await draft(company, client, article, payment_term=term)
    without = await draft(company, client, article)
    db = engine()
    original = type(db).run_querystring
    counts: list[int] = []

    async def counted(self: Any, querystring: Any, *args: Any, **kwargs: Any) -> Any:
        counts[-1] += 1
        return await original(self, querystring, *args, **kwargs)

    monkeypatch.setattr(type(db), "run_querystring", counted)
    for invoice in (without, with_term):
        counts.append(0)
        await invoice_issue(invoice_id=invoice, by=SYSTEM)
    monkeypatch.undo()
    # The schedule costs no statement: the term is read with the draft, written with it.
    assert counts[0] == counts[1]
    assert counts[1] <= 15
