"""Stock valuation rules (pure): value conservation, CMP is value / quantity, FIFO
consumes the oldest receipts first, returns come back at what left."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.core.money import q2
from domain.inventory.rules import (
    CMP,
    FIFO,
    Layer,
    Position,
    ReceptionLine,
    position_of,
    reception_amounts,
    return_value,
)

D = Decimal
quantities = st.integers(1, 500_000).map(lambda n: D(n) / 1000)
costs = st.integers(1, 999_900).map(lambda n: D(n) / 100)
fractions = st.integers(1, 100).map(lambda n: D(n) / 100)
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# A receipt (+, with its unit cost) or an exit (-, a fraction of what is there).
steps = st.lists(
    st.one_of(
        st.tuples(st.just("in"), quantities, costs),
        st.tuples(st.just("out"), fractions, st.just(D(0))),
    ),
    min_size=1,
    max_size=30,
)


def run(method: str, script: list[tuple[str, Decimal, Decimal]]) -> tuple[Position, D, D, list]:
    """Plays receipts and exits (never below zero); returns the position, the values
    that came in and went out, and the exits as (quantity, value)."""
    pos = Position(method)
    came = went = D("0.00")
    exits = []
    for kind, amount, cost in script:
        if kind == "in":
            value = q2(amount * cost)
            pos.put(amount, value)
            came += value
        elif pos.quantity > 0:
            quantity = max(D("0.001"), (pos.quantity * amount).quantize(D("0.001")))
            quantity = min(quantity, pos.quantity)
            value = pos.take(quantity)
            went += value
            exits.append((quantity, value))
    return pos, came, went, exits


@FAST
@given(st.sampled_from([CMP, FIFO]), steps)
def test_value_is_conserved(method, script):
    pos, came, went, _ = run(method, script)
    assert pos.value == came - went
    assert pos.quantity >= 0
    if pos.quantity == 0:
        assert pos.value == 0  # the last unit took exactly what was left


@FAST
@given(steps)
def test_cmp_exit_is_at_the_average(script):
    pos, *_ = run(CMP, script)
    if pos.quantity > 0:
        before = pos.value / pos.quantity
        part = (pos.quantity / 3).quantize(D("0.001"))
        if part > 0:
            value = pos.take(part)
            assert value == q2(before * part)


@FAST
@given(st.lists(st.tuples(quantities, costs), min_size=1, max_size=10), st.data())
def test_fifo_consumes_the_oldest_layers(receipts, data):
    pos = Position(FIFO)
    for qty, cost in receipts:
        pos.put(qty, q2(qty * cost))
    # Take exactly the first k receipts: their values, to the ban.
    k = data.draw(st.integers(min_value=1, max_value=len(receipts)))
    taken = sum((qty for qty, _ in receipts[:k]), D(0))
    expected = sum((q2(qty * cost) for qty, cost in receipts[:k]), D(0))
    assert pos.take(taken) == expected
    assert pos.value == sum((q2(qty * cost) for qty, cost in receipts[k:]), D(0))


@FAST
@given(st.lists(st.tuples(quantities, costs), min_size=1, max_size=8), st.data())
def test_fifo_in_pieces_equals_in_one_go(receipts, data):
    whole, pieces = Position(FIFO), Position(FIFO)
    for qty, cost in receipts:
        whole.put(qty, q2(qty * cost))
        pieces.put(qty, q2(qty * cost))
    total = whole.quantity
    cut = data.draw(st.decimals(min_value=D("0.001"), max_value=total, places=3))
    one = whole.take(total)
    two = pieces.take(cut) + (pieces.take(total - cut) if total > cut else D(0))
    assert one == two == sum((q2(q * c) for q, c in receipts), D(0))


def test_fifo_position_rebuilt_from_moves_continues_the_same():
    # Receipts 10 @ 5 and 10 @ 7; 12 left (in_total 20, balance 8): the rebuilt
    # position only knows the receipts not yet consumed.
    live = Position(FIFO)
    live.put(D(10), D("50.00"))
    live.put(D(10), D("70.00"))
    live.take(D(12))
    rebuilt = position_of(
        FIFO,
        quantity=live.quantity,
        value=live.value,
        in_total=live.in_total,
        receipts=[(D(20), D(10), D("70.00"))],
    )
    assert rebuilt.take(D(8)) == live.take(D(8)) == D("56.00")


def test_negative_stock_is_valued_at_the_last_cost():
    pos = Position(CMP)
    pos.put(D(2), D("20.00"))
    assert pos.take(D(5)) == D("50.00")  # 2 at 10 from stock, 3 at the last cost 10
    assert pos.quantity == -3
    assert pos.value == D("-30.00")
    fifo = Position(FIFO)
    fifo.put(D(2), D("20.00"))
    assert fifo.take(D(5)) == D("50.00")
    fifo.put(D(10), D("120.00"))  # covers the 3 missing: 7 left, worth 120 - 30
    assert fifo.quantity == 7
    assert fifo.value == D("90.00")


@FAST
@given(quantities, costs, st.data())
def test_returns_in_pieces_bring_back_exactly_what_left(sold, cost, data):
    value = q2(sold * cost)
    first = data.draw(st.decimals(min_value=D("0.001"), max_value=sold, places=3))
    back = return_value(sold, value, D(0), first)
    back += return_value(sold, value, first, sold - first) if sold > first else D(0)
    assert back == value


def test_layer_worth_is_exact_at_the_end():
    layer = Layer(D(0), D(3), D("10.00"))
    assert layer.worth(D(1)) + (layer.worth(D(3)) - layer.worth(D(1))) == D("10.00")


def test_reception_amounts_in_currency_and_for_non_vat_payers():
    line = ReceptionLine(D(10), D("12.3456"), D(21))
    eur = reception_amounts(line, D("4.9750"))
    assert (eur.net, eur.vat) == (D("123.46"), D("25.93"))
    assert (eur.value_ron, eur.vat_ron) == (D("614.21"), D("129.00"))
    assert eur.unit_cost == D("61.4210")
    ron = reception_amounts(line, D(1), vat_deductible=False)
    assert (ron.value_ron, ron.vat_ron) == (D("149.39"), D(0))
