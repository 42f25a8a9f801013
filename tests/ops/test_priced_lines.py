"""Sales documents take their default prices from the price resolver."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.core.errors import Forbidden, ValidationFailed
from domain.org.actors import actor_for_user
from domain.org.permissions import SYSTEM
from domain.org.users import user_create
from domain.pricing.ops import access_replace, assignment_add, price_list_create, price_set
from domain.sales.documents import document_convert, document_draft_create, document_issue
from domain.sales.invoices import invoice_copy, invoice_draft_create, invoice_draft_update
from tables.choices import DocType, PriceTarget
from tables.sales import DocumentLine, InvoiceLine
from tests.factories import make_article, make_client, make_company, make_series


@pytest.fixture
async def shop() -> dict[str, int]:
    company = await make_company()
    await make_series(company)
    await make_series(company, prefix="CMD", doc_type=DocType.order)
    base = await price_list_create(values={"code": "BAZA", "name": "Bază"}, by=SYSTEM)
    vip = await price_list_create(values={"code": "VIP", "name": "Clienți VIP"}, by=SYSTEM)
    await assignment_add(list_id=base, values={"target": "company"}, by=SYSTEM)
    client = await make_client()
    await assignment_add(
        list_id=vip, values={"target": PriceTarget.partner, "partner": client}, by=SYSTEM
    )
    laptop = await make_article("LAP", name="Laptop")
    mouse = await make_article("MOU", name="Mouse")
    for list_id, article, price, start in (
        (base, laptop, "100", date(2025, 1, 1)), (base, laptop, "120", date(2026, 6, 1)),
        (base, mouse, "20", date(2025, 1, 1)), (vip, laptop, "90", date(2025, 1, 1)),
    ):  # fmt: skip
        values = {"price": Decimal(price), "valid_from": start}
        await price_set(list_id=list_id, article=article, values=values, by=SYSTEM)
    other = await make_client(name="Beta SRL", cui="18547290")
    return {"company": company, "client": client, "other": other, "base": base, "vip": vip,
            "laptop": laptop, "mouse": mouse}  # fmt: skip


async def lines_of(invoice_id: int) -> list[tuple[Decimal, int | None]]:
    rows = (
        await InvoiceLine.select(InvoiceLine.unit_price, InvoiceLine.price_list)
        .where(InvoiceLine.invoice == invoice_id)
        .order_by(InvoiceLine.position)
    )
    return [(Decimal(str(r["unit_price"])).normalize(), r["price_list"]) for r in rows]


async def test_a_new_line_gets_its_price_from_the_partners_list(shop):
    invoice = await invoice_draft_create(
        company_id=shop["company"], partner_id=shop["client"], by=SYSTEM,
        header={"delivery_date": date(2026, 3, 2)},
        lines=[{"article": shop["laptop"], "quantity": 2},  # the partner's list
               {"article": shop["mouse"], "quantity": 1},  # not in it: the company's list
               {"article": shop["laptop"], "quantity": 1, "unit_price": Decimal(85)},  # typed
               {"article": shop["laptop"], "quantity": 1, "price_list": shop["base"]}],  # chosen
    )  # fmt: skip
    assert await lines_of(invoice) == [
        (90, shop["vip"]),
        (20, shop["base"]),
        (85, None),
        (100, shop["base"]),
    ]
    # Saved again with a later delivery date, unpriced lines take that day's price.
    await invoice_draft_update(
        invoice_id=invoice, by=SYSTEM, header={"delivery_date": date(2026, 6, 1)},
        lines=[{"article": shop["laptop"], "quantity": 1, "price_list": shop["base"]}],
    )  # fmt: skip
    assert await lines_of(invoice) == [(120, shop["base"])]
    copy = await invoice_copy(invoice_id=invoice, by=SYSTEM)
    assert await lines_of(copy) == [(120, shop["base"])]


async def test_no_price_anywhere_is_refused_with_the_reasons(shop):
    service = await make_article("SRV", name="Montaj", kind="service")
    with pytest.raises(ValidationFailed) as err:
        await invoice_draft_create(
            company_id=shop["company"], partner_id=shop["other"], by=SYSTEM,
            lines=[{"article": shop["laptop"], "quantity": 1},
                   {"article": service, "quantity": 1}],
        )  # fmt: skip
    assert err.value.code == "LINE_PRICE_MISSING"
    assert err.value.field == "lines[1].unit_price"
    assert any("nu are preț" in why for why in err.value.details["why"])


async def test_a_list_the_seller_may_not_use_is_never_applied(shop):
    user = await user_create(username="ana", password="parola-lunga-1", role="sales", by=SYSTEM)
    ana = await actor_for_user(user)
    await access_replace(list_id=shop["vip"], rows=[{"role": "accountant", "level": "use"}],
                         by=SYSTEM)  # fmt: skip
    invoice = await invoice_draft_create(
        company_id=shop["company"], partner_id=shop["client"], by=ana,
        header={"delivery_date": date(2026, 3, 2)},
        lines=[{"article": shop["laptop"], "quantity": 1}],
    )  # fmt: skip
    assert await lines_of(invoice) == [(100, shop["base"])]
    for line in ({"article": shop["laptop"], "quantity": 1, "price_list": shop["vip"]},
                 {"article": shop["laptop"], "quantity": 1, "price_list": shop["vip"],
                  "unit_price": Decimal(1)}):  # fmt: skip
        with pytest.raises(Forbidden):
            await invoice_draft_update(invoice_id=invoice, by=ana, lines=[line])


async def test_the_list_travels_from_order_to_invoice(shop):
    order = await document_draft_create(
        doc_type=DocType.order, company_id=shop["company"], partner_id=shop["client"],
        by=SYSTEM, header={"issue_date": date(2026, 3, 2)},
        lines=[{"article": shop["laptop"], "quantity": 3}],
    )  # fmt: skip
    line = await DocumentLine.select().where(DocumentLine.document == order).first()
    assert (Decimal(str(line["unit_price"])), line["price_list"]) == (90, shop["vip"])
    await document_issue(document_id=order, by=SYSTEM)
    invoice = await document_convert(document_id=order, target=DocType.invoice, by=SYSTEM)
    assert await lines_of(invoice) == [(90, shop["vip"])]
