"""VAT rates from the database (domain/catalog/queries.vat_rate_for) for every reference
category at its edges, and the checks on a new or edited dated rate
(domain/catalog/ops.vat_rate_prepare): range, period, overlap, permissions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from domain.catalog.ops import vat_rate_prepare
from domain.catalog.queries import vat_rate_for
from domain.core.errors import Forbidden, NotFound, ValidationFailed
from domain.org.permissions import SYSTEM, Actor
from tables.catalog import VatCategory, VatRate
from tables.choices import Role

ACCOUNTANT = Actor(role=Role.accountant, name="contabil", user_id=2)
LAST_OLD, FIRST_NEW = date(2025, 7, 31), date(2025, 8, 1)


@pytest.mark.parametrize(
    ("category", "day", "expected"),
    [
        ("S-STANDARD", date(2017, 1, 1), "19"),
        ("S-STANDARD", LAST_OLD, "19"),
        ("S-STANDARD", FIRST_NEW, "21"),
        ("S-STANDARD", date(2040, 1, 1), "21"),
        ("S-REDUSA", LAST_OLD, "9"),
        ("S-REDUSA", FIRST_NEW, "11"),
        ("S-REDUSA-5", LAST_OLD, "5"),
        ("S-REDUSA-5", FIRST_NEW, "11"),
        ("S-LOCUINTE", LAST_OLD, "5"),
        ("S-LOCUINTE", FIRST_NEW, "9"),
        ("S-LOCUINTE", date(2026, 7, 31), "9"),
        ("Z", FIRST_NEW, "0"),
        ("E", LAST_OLD, "0"),
        ("AE", FIRST_NEW, "0"),
        ("K", FIRST_NEW, "0"),
        ("G", FIRST_NEW, "0"),
        ("O", FIRST_NEW, "0"),
    ],
)
async def test_reference_rates_at_their_edges(category: str, day: date, expected: str):
    rate = await vat_rate_for(category, day)
    assert isinstance(rate, Decimal)
    assert rate == Decimal(expected)


async def test_housing_rate_ends_and_nothing_follows():
    with pytest.raises(ValidationFailed) as caught:
        await vat_rate_for("S-LOCUINTE", date(2026, 8, 1))
    error = caught.value
    assert (error.code, error.field) == ("VAT_RATE_MISSING", "vat_category")
    assert error.details == {"category": "S-LOCUINTE", "date": "2026-08-01"}
    assert "01.08.2026" in error.message_ro
    with pytest.raises(ValidationFailed):
        await vat_rate_for("S-STANDARD", date(2016, 12, 31))


async def test_unknown_category_is_not_found():
    with pytest.raises(NotFound) as caught:
        await vat_rate_for("S-MARTE", FIRST_NEW)
    assert caught.value.code == "VAT_CATEGORY_NOT_FOUND"
    assert "«S-MARTE»" in caught.value.message_ro


async def category_id(code: str = "S-STANDARD") -> int:
    return (await VatCategory.select(VatCategory.id).where(VatCategory.code == code).first())["id"]


async def rate_id(code: str, valid_from: date) -> int:
    row = (
        await VatRate.select(VatRate.id)
        .where((VatRate.category == await category_id(code)) & (VatRate.valid_from == valid_from))
        .first()
    )
    return row["id"]


async def refused(values: dict[str, Any], code: str, field: str, **kwargs: Any) -> str:
    with pytest.raises(ValidationFailed) as caught:
        await vat_rate_prepare(values, by=ACCOUNTANT, **kwargs)
    assert (caught.value.code, caught.value.field) == (code, field)
    return caught.value.message_ro


async def test_new_rate_overlapping_the_open_one_is_refused():
    cid = await category_id()
    message = await refused(
        {"category": cid, "rate": Decimal("23"), "valid_from": date(2027, 1, 1)},
        "VAT_RATE_OVERLAP",
        "valid_to",
    )
    assert "«S-STANDARD»" in message
    assert "01.01.2027" in message
    # Also inside the closed 19 % period, and starting the same day as the 21 %.
    await refused(
        {
            "category": cid,
            "rate": 20,
            "valid_from": date(2020, 1, 1),
            "valid_to": date(2020, 12, 31),
        },
        "VAT_RATE_OVERLAP",
        "valid_to",
    )
    await refused(
        {"category": cid, "rate": 20, "valid_from": FIRST_NEW, "valid_to": FIRST_NEW},
        "VAT_RATE_OVERLAP",
        "valid_to",
    )


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"rate": Decimal("120")}, "VAT_RATE_INVALID", "rate"),
        ({"rate": Decimal("-1")}, "VAT_RATE_INVALID", "rate"),
        ({"rate": "nouăsprezece"}, "VAT_RATE_INVALID", "rate"),
        ({"valid_to": date(2029, 12, 31)}, "VAT_RATE_PERIOD_INVALID", "valid_to"),
        ({"valid_from": None}, "VAT_RATE_PERIOD_INVALID", "valid_from"),
        ({"category": 4242}, "VAT_CATEGORY_INVALID", "category"),
        ({"category": None}, "VAT_CATEGORY_INVALID", "category"),
    ],
)
async def test_invalid_rate_records(change: dict[str, Any], code: str, field: str):
    values = {
        "category": await category_id(),
        "rate": Decimal("23"),
        "valid_from": date(2030, 1, 1),
    }
    await refused(values | change, code, field)


async def test_closing_the_open_rate_then_adding_a_later_one():
    cid = await category_id()
    open_id = await rate_id("S-STANDARD", FIRST_NEW)
    # Editing a record is not an overlap with itself.
    closed = await vat_rate_prepare(
        {"category": cid, "rate": "21", "valid_from": FIRST_NEW, "valid_to": date(2026, 12, 31)},
        by=ACCOUNTANT,
        rate_id=open_id,
    )
    assert closed["rate"] == Decimal("21")
    await VatRate.update({VatRate.valid_to: closed["valid_to"]}).where(VatRate.id == open_id)

    new = await vat_rate_prepare(
        {"category": cid, "rate": "23.5", "valid_from": date(2027, 1, 1), "valid_to": None},
        by=ACCOUNTANT,
    )
    assert new["rate"] == Decimal("23.5")
    await VatRate(**new).save()

    assert await vat_rate_for("S-STANDARD", date(2026, 12, 31)) == Decimal("21")
    assert await vat_rate_for("S-STANDARD", date(2027, 1, 1)) == Decimal("23.5")
    assert await vat_rate_for("S-STANDARD", LAST_OLD) == Decimal("19")

    # A record for the whole new year of another category does not collide with this one.
    await vat_rate_prepare(
        {"category": await category_id("S-LOCUINTE"), "rate": 11, "valid_from": date(2026, 8, 1)},
        by=SYSTEM,
    )


async def test_only_catalog_writers_change_rates():
    values = {"category": await category_id(), "rate": 23, "valid_from": date(2030, 1, 1)}
    for role in (Role.sales, Role.cashier, Role.viewer):
        with pytest.raises(Forbidden):
            await vat_rate_prepare(values, by=Actor(role=role, name=str(role)))
