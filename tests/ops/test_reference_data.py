"""Data every installation loads: the reference data (domain/catalog/reference.py) is
idempotent and never overwrites what someone edited; the demo company
(domain/org/demo.py) is loaded once."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from piccolo.apps.user.tables import BaseUser

from domain.catalog.queries import vat_rate_for
from domain.catalog.reference import CURRENCIES, UNITS, VAT_CATEGORIES, reference_data_load
from domain.org.actors import actor_for_user
from domain.org.demo import DEMO_USERS, demo_load
from tables.catalog import Article, UnitOfMeasure, VatCategory, VatRate
from tables.choices import Role
from tables.org import Company, Currency, Person, UserRole, WorkPoint
from tables.partners import Partner, PartnerRole

NOTHING = {"vat_categories": 0, "vat_rates": 0, "units": 0, "currencies": 0}


async def reference_counts() -> dict[str, int]:
    return {
        "vat_categories": await VatCategory.count(),
        "vat_rates": await VatRate.count(),
        "units": await UnitOfMeasure.count(),
        "currencies": await Currency.count(),
    }


async def test_reference_data_is_complete_and_loads_once():
    # The fixture loaded it into the empty database already.
    assert await reference_counts() == {
        "vat_categories": 10,
        "vat_rates": 14,
        "units": len(UNITS),
        "currencies": len(CURRENCIES),
    }
    assert len(VAT_CATEGORIES) == 10
    assert len(UNITS) == 19
    assert len(CURRENCIES) == 18
    assert await reference_data_load() == NOTHING
    assert await reference_data_load() == NOTHING
    assert await reference_counts() == {
        "vat_categories": 10,
        "vat_rates": 14,
        "units": 19,
        "currencies": 18,
    }


async def test_edited_rows_are_kept_and_missing_ones_restored():
    standard = await VatCategory.objects().get(VatCategory.code == "S-STANDARD")
    await VatCategory.update({VatCategory.name: "Standard (editat)"}).where(
        VatCategory.id == standard.id
    )
    await VatRate.update({VatRate.rate: Decimal("20")}).where(
        (VatRate.category == standard.id) & (VatRate.valid_from == date(2017, 1, 1))
    )
    await UnitOfMeasure.update({UnitOfMeasure.symbol: "bucăți"}).where(UnitOfMeasure.code == "H87")
    await Currency.update({Currency.name: "Euro (editat)"}).where(Currency.code == "EUR")
    # Someone removed a unit and the open 21 % rate.
    await UnitOfMeasure.delete().where(UnitOfMeasure.code == "KWH")
    await VatRate.delete().where(
        (VatRate.category == standard.id) & (VatRate.valid_from == date(2025, 8, 1))
    )

    assert await reference_data_load() == {
        "vat_categories": 0,
        "vat_rates": 1,
        "units": 1,
        "currencies": 0,
    }
    assert (await VatCategory.objects().get(VatCategory.id == standard.id)).name == (
        "Standard (editat)"
    )
    assert await vat_rate_for("S-STANDARD", date(2025, 7, 31)) == Decimal("20")
    assert await vat_rate_for("S-STANDARD", date(2025, 8, 1)) == Decimal("21")
    h87 = await UnitOfMeasure.objects().get(UnitOfMeasure.code == "H87")
    assert h87.symbol == "bucăți"
    assert (await Currency.objects().get(Currency.code == "EUR")).name == "Euro (editat)"
    assert await UnitOfMeasure.exists().where(UnitOfMeasure.code == "KWH")
    assert await reference_data_load() == NOTHING


async def test_demo_company_loaded_once():
    assert await demo_load(password="parola-demo-1") is True
    assert await Company.count() == 1
    assert (await Company.select(Company.cui).first())["cui"] == "44556670"
    assert await WorkPoint.count() == 2
    assert await BaseUser.count() == len(DEMO_USERS) == 5
    assert await Person.count() == 5
    assert await Partner.count() == 5
    assert await PartnerRole.count() == 6  # Beta is client and supplier
    assert await Article.count() == 5
    roles = {r["role"] for r in await UserRole.select(UserRole.role)}
    assert roles == {str(role) for role in Role}

    # The demo logins work with the password given and carry their roles.
    cashier = await BaseUser.objects().get(BaseUser.username == "casier")
    assert await BaseUser.login(username="casier", password="parola-demo-1") == cashier.id
    actor = await actor_for_user(cashier.id)
    assert actor is not None
    assert actor.role is Role.cashier

    # At least one issued document of every type, and invoices and a credit note.
    from tables.sales import Document, Invoice

    issued_types = {
        r["doc_type"]
        for r in await Document.select(Document.doc_type).where(Document.status == "issued")
    }
    assert issued_types == {"offer", "proforma", "order", "delivery_note", "warranty"}
    codes = {r["type_code"] for r in await Invoice.select(Invoice.type_code)}
    assert codes == {"380", "381"}

    # Price lists: the reseller client's laptops were priced by its group's derived list.
    from domain.org.permissions import SYSTEM
    from domain.pricing.queries import price_lists_for
    from tables.sales import InvoiceLine

    lists = {r["code"]: r["id"] for r in await price_lists_for(by=SYSTEM)}
    assert set(lists) == {"BAZA", "RVZ", "MAGAZIN", "EXPORT-EUR", "SPECIAL"}
    priced = await InvoiceLine.select(InvoiceLine.unit_price).where(
        InvoiceLine.price_list == lists["RVZ"]
    )
    assert [float(r["unit_price"]) for r in priced] == [2816.0]  # 3200 - 12 %, to the leu

    # Stock came in on NIRs and left with the invoices and the aviz; everything is booked.
    from domain.core.sums import minor_units_sum
    from tables.ledger import JournalEntry, JournalLine
    from tables.stock import StockMove

    kinds = {r["kind"] for r in await StockMove.select(StockMove.kind)}
    assert {"reception", "sale", "delivery_note", "return"} <= kinds
    assert await JournalEntry.count() >= 8
    [sums] = await JournalLine.select(
        minor_units_sum(JournalLine.debit, "debit"), minor_units_sum(JournalLine.credit, "credit")
    )
    assert sums["debit"] == sums["credit"] > 0

    before = (await Partner.count(), await Article.count(), await BaseUser.count())
    assert await demo_load(password="alta-parola-1") is False
    assert (await Partner.count(), await Article.count(), await BaseUser.count()) == before
    assert await BaseUser.login(username="casier", password="alta-parola-1") is None
