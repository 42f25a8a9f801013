"""Pure price rules: rounding, derived prices, VAT modes, access levels, item choice."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.org.permissions import Actor
from domain.pricing.rules import (
    AccessRow,
    Item,
    access_level,
    derived_price,
    pick_item,
    round_price,
    rounding_error,
    with_and_without_vat,
)
from tables.choices import PriceAccess, Role

prices = st.decimals(min_value=Decimal("0.01"), max_value=Decimal(100000), places=4)
steps = st.sampled_from(["0.01", "0.05", "0.10", "0.50", "1", "5", "10"])


@given(prices, steps)
def test_a_step_rounds_to_its_nearest_multiple(value, step):
    rounded = round_price(value, step)
    assert rounded % Decimal(step) == 0
    assert abs(rounded - value) <= Decimal(step) / 2


@given(st.decimals(min_value=Decimal(1), max_value=Decimal(100000), places=4),
       st.sampled_from(["x.99", "x.90", "x.49"]))  # fmt: skip
def test_an_ending_gives_that_ending_within_one_unit(value, rule):
    rounded = round_price(value, rule)
    assert str(rounded).endswith(rule[1:])
    assert abs(rounded - value) <= Decimal("0.5")  # the nearest such price


@pytest.mark.parametrize(
    ("value", "rule", "expected"),
    [("11.20", "x.99", "10.99"), ("11.60", "x.99", "11.99"), ("0.30", "x.99", "0.30"),
     ("108.636", "0.05", "108.65"), ("108.624", "0.05", "108.60"), ("2816.4", "1", "2816.00"),
     ("12.345", "", "12.35")],
)  # fmt: skip
def test_rounding_examples(value, rule, expected):
    assert round_price(Decimal(value), rule) == Decimal(expected)


@pytest.mark.parametrize("rule", ["x.9", "x.999", "0", "-1", "0.001", "abc", "1e9", "NaN"])
def test_bad_rounding_rules_are_named(rule):
    assert rounding_error(rule)


def test_derived_price():
    assert derived_price(Decimal("3200"), Decimal(-12), "1") == Decimal("2816.00")
    assert derived_price(Decimal("10"), None, "") == Decimal("10.00")


@given(prices, st.sampled_from([Decimal(0), Decimal(5), Decimal(9), Decimal(11), Decimal(19),
                                Decimal(21)]))  # fmt: skip
def test_net_and_gross_agree_within_rounding(price, rate):
    net, gross = with_and_without_vat(price, False, rate)
    assert net == price
    assert abs(gross - price * (100 + rate) / 100) <= Decimal("0.005")
    gross_price = price.quantize(Decimal("0.01"))
    net2, gross2 = with_and_without_vat(gross_price, True, rate)
    assert gross2 == gross_price
    assert abs(net2 * (100 + rate) / 100 - gross_price) <= Decimal("0.0001") * 2


def actor(role: Role, user_id: int = 7) -> Actor:
    return Actor(role=role, name="x", user_id=user_id)


def test_access_levels():
    sales, accountant = actor(Role.sales), actor(Role.accountant)
    assert access_level(sales, None, []) is PriceAccess.use  # open list
    assert access_level(accountant, None, []) is PriceAccess.edit
    assert access_level(actor(Role.admin), None, [AccessRow(1, None, None, PriceAccess.see)]) \
        is PriceAccess.edit  # fmt: skip
    rows = [AccessRow(None, "sales", None, PriceAccess.see), AccessRow(None, None, 3,
            PriceAccess.edit)]  # fmt: skip
    assert access_level(sales, None, rows) is PriceAccess.see
    assert access_level(sales, 3, rows) is PriceAccess.use  # edit needs the right to write
    assert access_level(accountant, 3, rows) is PriceAccess.edit
    assert access_level(accountant, None, rows) is None
    token = Actor(role=Role.viewer, name="pos", token_id=1, scopes=frozenset({"pricing:read"}))
    assert access_level(token, None, []) is PriceAccess.use
    assert access_level(token, None, rows) is None
    assert access_level(Actor(role=Role.viewer, name="t", token_id=2), None, []) is None


def test_pick_item_by_tier_then_latest_start_then_latest_entry():
    def item(i, tier, start, end=None, price="1"):
        return Item(i, 1, 1, Decimal(tier), Decimal(price), start, end)

    items = [
        item(1, 0, date(2025, 1, 1)),
        item(2, 0, date(2026, 1, 1)),
        item(3, 0, date(2026, 1, 1)),
        item(4, 10, date(2025, 1, 1), date(2025, 12, 31)),
    ]
    assert pick_item(items, Decimal(1), date(2025, 6, 1)).id == 1
    assert pick_item(items, Decimal(10), date(2025, 12, 31)).id == 4
    assert pick_item(items, Decimal(10), date(2026, 1, 1)).id == 3
    assert pick_item(items, Decimal(1), date(2024, 12, 31)) is None
