"""Stock valuation, pure: what a quantity leaving a warehouse is worth, by weighted
average (CMP) or first in, first out (FIFO), and the amounts of a reception (NIR).

A `Position` is the stock of one article in one warehouse as the moves left it: the
quantity, its value in RON, all the quantity ever received (`in_total`) and, for FIFO,
the receipts not yet consumed (`layers`). Every move changes it through `take` (out)
or `put` (in), which return the value of the move, so the stock's value is always the
sum of the moves' values (value conservation, tested with hypothesis).

Rounding: a move's value is rounded to the ban, and the last unit out takes exactly
what is left, so nothing remains when the quantity is back to zero. For FIFO, the part
[a, b) of a receipt of quantity Q and value V is worth v(b) - v(a) with
v(x) = round(V * x / Q): a receipt consumed in pieces gives out exactly V.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from domain.core.money import q2

ZERO = Decimal("0.00")
QTY = Decimal("0.001")
COST = Decimal("0.0001")
CMP, FIFO = "cmp", "fifo"


def q3(value: Decimal) -> Decimal:
    return value.quantize(QTY)


def unit_cost(value: Decimal, quantity: Decimal) -> Decimal:
    """Lei per unit, to 4 decimals (what the move shows; its value is what counts)."""
    return (abs(value) / abs(quantity)).quantize(COST) if quantity else ZERO.quantize(COST)


@dataclass(frozen=True, slots=True)
class Layer:
    """A receipt: units [start, start + quantity) of all ever received, worth `value`."""

    start: Decimal
    quantity: Decimal
    value: Decimal

    @property
    def end(self) -> Decimal:
        return self.start + self.quantity

    def worth(self, units: Decimal) -> Decimal:
        """The value of its first `units` (0 <= units <= quantity)."""
        if units <= 0:
            return ZERO
        if units >= self.quantity:
            return self.value
        return q2(self.value * units / self.quantity)


@dataclass(slots=True)
class Position:
    """The stock of one article in one warehouse."""

    method: str = CMP
    quantity: Decimal = ZERO
    value: Decimal = ZERO
    in_total: Decimal = ZERO
    last_cost: Decimal = ZERO  # lei per unit: what stock below zero is valued at
    layers: list[Layer] = field(default_factory=list)

    @property
    def consumed(self) -> Decimal:
        """Units of all ever received that have left (FIFO's frontier)."""
        return self.in_total - self.quantity

    def average(self) -> Decimal:
        """Lei per unit now: the average while there is stock, else the last known cost."""
        if self.quantity > 0 and self.value > 0:
            return self.value / self.quantity
        return self.last_cost

    def take(self, quantity: Decimal) -> Decimal:
        """`quantity` (> 0) leaves; returns its value (> = 0), the stock goes down by it.

        Below zero (when the company allows it) the missing units are valued at the
        last known cost; a later receipt covers them at its own cost.
        """
        assert quantity > 0
        available = max(self.quantity, ZERO)
        covered = min(quantity, available)
        if self.method == FIFO:
            value = self._fifo(covered)
        elif covered == self.quantity:
            value = self.value  # the last units take exactly what is left
        else:
            value = q2(self.value * covered / self.quantity) if covered else ZERO
        cost = self.average()
        if quantity > covered:
            value += q2((quantity - covered) * cost)
        self.quantity -= quantity
        self.value -= value
        self.last_cost = cost if cost else self.last_cost
        return value

    def _fifo(self, units: Decimal) -> Decimal:
        frontier = self.consumed
        value = ZERO
        for layer in self.layers:
            if units <= 0:
                break
            if layer.end <= frontier:
                continue
            begin = max(frontier, layer.start) - layer.start
            part = min(units, layer.quantity - begin)
            value += layer.worth(begin + part) - layer.worth(begin)
            units -= part
            frontier += part
        self.layers = [x for x in self.layers if x.end > frontier]
        if units > 0:  # fewer layers than the stock says: value at the average
            value += q2(units * self.average())
        return value

    def put(self, quantity: Decimal, value: Decimal) -> None:
        """`quantity` (> 0) comes in, worth `value`: a new FIFO layer."""
        assert quantity > 0
        self.layers.append(Layer(self.in_total, quantity, value))
        self.quantity += quantity
        self.value += value
        self.in_total += quantity
        self.last_cost = value / quantity

    def put_at_cost(self, quantity: Decimal, cost: Decimal | None = None) -> Decimal:
        """An inventory surplus: in at `cost` per unit, else at the current average."""
        value = q2(quantity * (self.average() if cost is None else cost))
        self.put(quantity, value)
        return value


def position_of(
    method: str,
    *,
    quantity: Decimal = ZERO,
    value: Decimal = ZERO,
    in_total: Decimal = ZERO,
    last_cost: Decimal = ZERO,
    receipts: Sequence[tuple[Decimal, Decimal, Decimal]] = (),
) -> Position:
    """A position from what the last move stored; `receipts` are the inbound moves not
    yet consumed, as (in_total after the move, quantity, value), oldest first."""
    layers = [Layer(end - qty, qty, val) for end, qty, val in receipts]
    return Position(method, quantity, value, in_total, last_cost, layers)


def return_value(
    sold_qty: Decimal, sold_value: Decimal, returned_before: Decimal, quantity: Decimal
) -> Decimal:
    """A return of `quantity` out of an exit of `sold_qty` worth `sold_value`, after
    `returned_before` units already came back: the exit's own cost, so that returning
    everything (in one go or in pieces) brings back exactly what left."""
    whole = Layer(ZERO, sold_qty, sold_value)
    return whole.worth(returned_before + quantity) - whole.worth(returned_before)


# ---------------------------------------------------------------------------- receptions


@dataclass(frozen=True, slots=True)
class ReceptionLine:
    quantity: Decimal
    unit_price: Decimal  # without VAT, in the document's currency
    vat_rate: Decimal  # percent


@dataclass(frozen=True, slots=True)
class ReceptionAmounts:
    net: Decimal  # document currency
    vat: Decimal
    value_ron: Decimal  # what enters the stock
    vat_ron: Decimal  # deductible VAT (zero when it goes into the cost)
    unit_cost: Decimal


def reception_amounts(
    line: ReceptionLine, fx_rate: Decimal, *, vat_deductible: bool = True
) -> ReceptionAmounts:
    """The amounts of one NIR line: in the document's currency as the supplier wrote
    them, in RON at the reception's rate. A company that is not a VAT payer cannot
    deduct the VAT, so it becomes part of the stock's cost."""
    net = q2(line.quantity * line.unit_price)
    vat = q2(net * line.vat_rate / 100)
    net_ron, vat_ron = q2(net * fx_rate), q2(vat * fx_rate)
    if not vat_deductible:
        net_ron, vat_ron = net_ron + vat_ron, ZERO
    return ReceptionAmounts(net, vat, net_ron, vat_ron, unit_cost(net_ron, line.quantity))
