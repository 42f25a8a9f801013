"""Open receivables per invoice: credit notes net into the invoice they correct, currency
invoices carry the RON their receivable was booked at, drafts and cancelled invoices owe
nothing, and the date decides what counts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from domain.org.permissions import SYSTEM
from domain.payments.open_items import open_items
from domain.sales.invoices import (
    invoice_cancel,
    invoice_draft_create,
    invoice_issue,
    invoice_storno,
)
from tables.org import ExchangeRate
from tests.factories import make_article, make_client, make_company, make_series

D = Decimal
MARCH = date(2026, 3, 10)


async def _invoice(company: int, client: int, article: int, price: str, **header) -> int:
    draft = await invoice_draft_create(
        company_id=company, partner_id=client, by=SYSTEM,
        header={"issue_date": MARCH, **header},
        lines=[{"article": article, "quantity": 1, "unit_price": price}],
    )  # fmt: skip
    return (await invoice_issue(invoice_id=draft, by=SYSTEM)).invoice_id


async def test_open_items_net_credit_notes_and_keep_the_booked_ron():
    company = await make_company()
    await make_series(company)
    client, other = await make_client(), await make_client(name="Alt Client SRL", cui="18547290")
    service = await make_article("SRV", name="Reparație", kind="service")
    await ExchangeRate(currency="EUR", day=date(2026, 3, 9), rate=D("5.0912")).save()

    ron = await _invoice(company, client, service, "100", due_date=date(2026, 4, 9))
    eur = await _invoice(company, client, service, "1000", currency="EUR")
    cancelled = await _invoice(company, other, service, "50")
    await invoice_cancel(invoice_id=cancelled, by=SYSTEM, reason="Greșeală")
    await invoice_draft_create(
        company_id=company, partner_id=client, by=SYSTEM, header={"issue_date": MARCH},
        lines=[{"article": service, "quantity": 1, "unit_price": "70"}],
    )  # fmt: skip
    storno = await invoice_storno(invoice_id=ron, by=SYSTEM, issue_date=date(2026, 3, 20))

    before = await open_items(company_id=company, at=date(2026, 3, 15))
    assert [(x.invoice_id, x.open) for x in before] == [(eur, D("1210.00")), (ron, D("121.00"))]
    euro = before[0]
    assert (euro.currency, euro.fx_rate, euro.receivable_ron) == ("EUR", D("5.0912"), D("6160.35"))
    assert euro.open_ron == D("6160.35")
    assert before[1].due_date == date(2026, 4, 9)
    assert [(i.due, i.amount) for i in before[1].schedule] == [(date(2026, 4, 9), D("121.00"))]

    after = await open_items(company_id=company, at=date(2026, 3, 31))
    assert [x.invoice_id for x in after] == [eur]  # the storno settled the RON invoice
    settled = await open_items(
        company_id=company, at=date(2026, 3, 31), invoice_ids=[ron], include_settled=True
    )
    assert [(x.payable, x.credited, x.open) for x in settled] == [(D(121), D(-121), D(0))]
    assert storno.invoice_id not in {x.invoice_id for x in after}
    assert await open_items(company_id=company, at=date(2026, 3, 31), partner_ids=[other]) == []
