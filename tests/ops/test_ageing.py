"""The ageing report on real invoices and receipts (domain/payments/ageing.py): instalments
age by their own due dates, a receipt settles the oldest first, a EUR invoice counts in
lei at its booked rate, the filters by client and by the invoices' dimensions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from domain.core.errors import Forbidden
from domain.org.permissions import SYSTEM, Actor, Role
from domain.payments.ageing import ageing
from domain.payments.receipts import receipt_record
from domain.payments.term_ops import payment_term_create
from domain.sales.invoices import invoice_draft_create, invoice_issue
from tables.org import WorkPoint
from tests.factories import make_article, make_client, make_company, make_series

AT = date(2026, 6, 30)


async def setup() -> dict[str, int]:
    company = await make_company()
    await make_series(company)
    point = WorkPoint(company=company, code="CJ", name="Cluj", county="RO-CJ", city="Cluj-Napoca",
                      street="Str. 1")  # fmt: skip
    await point.save()
    term = await payment_term_create(
        values={"company": company, "name": "Trei rate", "instalments": [
            {"days": 0, "percent": "40"}, {"days": 45, "percent": "30"}, {"days": 90}]},
        by=SYSTEM,
    )  # fmt: skip
    return {
        "company": company, "point": point.id, "term": term,
        "alfa": await make_client(), "beta": await make_client(name="Beta SRL", cui="18547290"),
        "article": await make_article(kind="service"),
    }  # fmt: skip


async def issue(ids: dict[str, int], partner: str, day: date, price: str, **header: Any) -> int:
    draft = await invoice_draft_create(
        company_id=ids["company"], partner_id=ids[partner], by=SYSTEM,
        lines=[{"article": ids["article"], "quantity": 1, "unit_price": price}],
        header={"issue_date": day, **header},
    )  # fmt: skip
    return (await invoice_issue(invoice_id=draft, by=SYSTEM)).invoice_id


async def test_instalments_age_by_their_due_dates_and_receipts_pay_the_oldest() -> None:
    ids = await setup()
    # 1000 + 21 % = 1210: 484 due 2026-03-02, 363 due 2026-04-16, 363 due 2026-05-31.
    await issue(ids, "alfa", date(2026, 3, 2), "1000", payment_term=ids["term"],
                work_point=ids["point"])  # fmt: skip
    await issue(ids, "beta", date(2026, 6, 20), "100", due_date=date(2026, 7, 20))
    # 600 paid: the first instalment (484) and 116 of the second.
    await receipt_record(company_id=ids["company"], kind="bank", partner_id=ids["alfa"],
                         day=date(2026, 4, 1), amount=Decimal("600"), by=SYSTEM)  # fmt: skip
    report = await ageing(by=SYSTEM, at=AT, company_id=ids["company"])
    alfa, beta = report.partners
    assert alfa.name == "Alfa Distribuție SRL"
    assert [(p.due, p.amount, p.bucket) for p in alfa.pieces] == [
        (date(2026, 4, 16), Decimal("247.00"), "days_61_90"),  # 75 days overdue
        (date(2026, 5, 31), Decimal("363.00"), "days_1_30"),
    ]
    assert alfa.ron == {"not_due": 0, "days_1_30": Decimal("363.00"), "days_31_60": 0,
                        "days_61_90": Decimal("247.00"), "over_90": 0,
                        "total": Decimal("610.00")}  # fmt: skip
    assert beta.ron["not_due"] == Decimal("121.00")
    assert report.total_ron["total"] == Decimal("731.00")
    # At an earlier date the receipt had not come yet and less was due.
    before = await ageing(by=SYSTEM, at=date(2026, 3, 31), company_id=ids["company"])
    assert before.partners[0].ron["days_1_30"] == Decimal("484.00")
    assert before.partners[0].ron["not_due"] == Decimal("726.00")
    # Filters: the client, the invoices' work point.
    only_beta = await ageing(by=SYSTEM, at=AT, company_id=ids["company"], partner_id=ids["beta"])
    assert [p.name for p in only_beta.partners] == ["Beta SRL"]
    cluj = await ageing(by=SYSTEM, at=AT, company_id=ids["company"], work_point=ids["point"])
    assert [p.name for p in cluj.partners] == ["Alfa Distribuție SRL"]
    assert cluj.total_ron["total"] == Decimal("610.00")


async def test_a_currency_invoice_counts_in_lei_at_its_booked_rate() -> None:
    ids = await setup()
    await issue(ids, "alfa", date(2026, 3, 10), "100", currency="EUR", fx_rate="4.9750",
                fx_note="cursul din contract")  # fmt: skip
    report = await ageing(by=SYSTEM, at=AT, company_id=ids["company"])
    (alfa,) = report.partners
    assert alfa.currencies == {"EUR": {"not_due": 0, "days_1_30": 0, "days_31_60": 0,
                                       "days_61_90": 0, "over_90": Decimal("121.00"),
                                       "total": Decimal("121.00")}}  # fmt: skip
    assert alfa.ron["over_90"] == Decimal("601.98")  # 497.50 + 104.48 VAT in lei, as booked
    assert report.total_currencies["EUR"]["total"] == Decimal("121.00")


async def test_a_machine_without_the_scope_may_not_read_it() -> None:
    ids = await setup()
    robot = Actor(role=Role.viewer, name="robot", token_id=1, scopes=frozenset({"sales:read"}))
    with pytest.raises(Forbidden):
        await ageing(by=robot, at=AT, company_id=ids["company"])
