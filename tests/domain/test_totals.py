"""Document totals (EN 16931 model, BT-106..BT-115, VAT per group, RON VAT) and amounts in words.

Worked examples with figures computed by hand, hypothesis properties of the calculation model
(the BR-CO/BR-S identities, storno symmetry, order independence, the rounding bound, exact
gross splitting), the validation codes, and Romanian amounts in words.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.core.errors import ValidationFailed
from domain.core.money import q2
from domain.sales.totals import (
    Adjustment,
    LineIn,
    Totals,
    amount_in_words_ro,
    document_totals,
    percent_discount,
)

D = Decimal


def negated(obj: Any) -> Any:
    """Every amount negated; codes, rates and flags kept."""
    if isinstance(obj, Decimal):
        return -obj
    if isinstance(obj, tuple):
        return tuple(negated(x) for x in obj)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        changes = {
            f.name: negated(getattr(obj, f.name))
            for f in dataclasses.fields(obj)
            if f.name != "vat_rate"
        }
        return dataclasses.replace(obj, **changes)
    return obj


def storno(line: LineIn) -> LineIn:
    return dataclasses.replace(line, quantity=-line.quantity, discount=-line.discount)


def groups_of(t: Totals) -> list[tuple[str, Decimal, Decimal, Decimal]]:
    return [(g.vat_code, g.vat_rate, g.base, g.vat) for g in t.groups]


# --- worked examples -----------------------------------------------------------------------

INVOICE = [
    LineIn(D(3), D("125.50"), "S", D(21)),  # 376.50
    LineIn(D("2.5"), D("40.00"), "S", D(21), discount_percent=D(10)),  # 100.00 - 10.00
    LineIn(D(1), D("1999.99"), "S", D(21), discount=D("100.00")),  # 1899.99
    LineIn(D(12), D("4.3333"), "S", D(11)),  # 51.9996 -> 52.00
    LineIn(D(6), D("18.25"), "S", D(11)),  # 109.50
]


def test_invoice_two_rates_with_line_discounts() -> None:
    t = document_totals(INVOICE)
    assert [line.net for line in t.lines] == [
        D("376.50"),
        D("90.00"),
        D("1899.99"),
        D("52.00"),
        D("109.50"),
    ]
    assert [line.discount for line in t.lines] == [D(0), D("10.00"), D("100.00"), D(0), D(0)]
    assert all(line.gross is None for line in t.lines)
    # 2366.49 x 21 % = 496.9629; 161.50 x 11 % = 17.765 -> 17.77 half-up (half-even: 17.76)
    assert groups_of(t) == [
        ("S", D(21), D("2366.49"), D("496.96")),
        ("S", D(11), D("161.50"), D("17.77")),
    ]
    # line by line the 21 % VAT would be 79.07 + 18.90 + 399.00 = 496.97: VAT is per group.
    assert (t.line_net_total, t.allowance_total, t.charge_total) == (D("2527.99"), 0, 0)
    assert (t.tax_exclusive, t.vat_total, t.tax_inclusive) == (
        D("2527.99"),
        D("514.73"),
        D("3042.72"),
    )
    assert t.vat_total_ron == t.vat_total
    assert (t.prepaid, t.payable) == (0, D("3042.72"))


def test_prepaid_amount_reduces_payable() -> None:
    t = document_totals(INVOICE, prepaid=D("1000"))
    assert (t.tax_inclusive, t.prepaid, t.payable) == (D("3042.72"), D("1000.00"), D("2042.72"))


def test_reverse_charge_line_is_its_own_zero_group() -> None:
    t = document_totals(
        [
            LineIn(D(4), D("250"), "S", D(21)),
            LineIn(D(1), D("500"), "AE", D(0)),
            LineIn(D(2), D("10"), "Z", D(0)),
        ]
    )
    assert groups_of(t) == [
        ("S", D(21), D("1000.00"), D("210.00")),
        ("AE", D(0), D("500.00"), D(0)),
        ("Z", D(0), D("20.00"), D(0)),
    ]
    assert (t.tax_exclusive, t.vat_total, t.tax_inclusive) == (
        D("1520.00"),
        D("210.00"),
        D("1730.00"),
    )


def test_eur_invoice_states_vat_in_ron_per_group() -> None:
    t = document_totals(
        [LineIn(D(10), D("99.90"), "S", D(21)), LineIn(D(2), D(50), "S", D(11))],
        fx_rate=D("4.9767"),
    )
    g21, g11 = t.groups
    assert (g21.base, g21.vat, g21.base_ron, g21.vat_ron) == (
        D("999.00"),
        D("209.79"),
        D("4971.72"),  # 4971.7233
        D("1044.06"),  # 1044.061893
    )
    assert (g11.base, g11.vat, g11.base_ron, g11.vat_ron) == (
        D("100.00"),
        D("11.00"),
        D("497.67"),
        D("54.74"),  # 54.7437
    )
    assert t.vat_total == D("220.79")
    # per group 1044.06 + 54.74; converting the total would give q2(1098.8055...) = 1098.81
    assert t.vat_total_ron == D("1098.80")
    assert q2(t.vat_total * D("4.9767")) == D("1098.81")
    assert t.tax_inclusive == D("1319.79")  # the document stays in EUR


def test_retail_price_with_vat() -> None:
    t = document_totals([LineIn(D(1), D("121.00"), "S", D(21))], prices_include_vat=True)
    assert groups_of(t) == [("S", D(21), D("100.00"), D("21.00"))]
    assert (t.lines[0].gross, t.lines[0].net) == (D("121.00"), D("100.00"))
    assert (t.line_net_total, t.tax_exclusive, t.vat_total, t.tax_inclusive) == (
        D("100.00"),
        D("100.00"),
        D("21.00"),
        D("121.00"),
    )


def test_retail_nets_are_split_so_they_add_up_to_the_group_base() -> None:
    lines = [LineIn(D(1), D("9.99"), "S", D(21))] * 3 + [LineIn(D(1), D("5.55"), "S", D(11))]
    t = document_totals(lines, prices_include_vat=True)
    # 29.97 x 21/121 = 5.2014 -> VAT 5.20, base 24.77; each 9.99 alone is 8.2562 -> 8.26,
    # and 3 x 8.26 = 24.78, so one line gives back the cent.
    assert groups_of(t) == [
        ("S", D(21), D("24.77"), D("5.20")),
        ("S", D(11), D("5.00"), D("0.55")),
    ]
    assert [line.net for line in t.lines] == [D("8.25"), D("8.26"), D("8.26"), D("5.00")]
    assert (t.line_net_total, t.vat_total, t.tax_inclusive) == (
        D("29.77"),
        D("5.75"),
        D("35.52"),
    )


def test_retail_allowance_is_gross_and_reported_net() -> None:
    lines = [LineIn(D(2), D("60.50"), "S", D(21))]  # 121.00 gross
    t = document_totals(
        lines, [Adjustment(D("12.10"), False, "S", D(21), "fidelitate")], prices_include_vat=True
    )
    assert groups_of(t) == [("S", D(21), D("90.00"), D("18.90"))]  # 108.90 gross
    assert (t.adjustments[0].amount, t.adjustments[0].gross) == (D("10.00"), D("12.10"))
    assert (t.line_net_total, t.allowance_total, t.tax_exclusive, t.tax_inclusive) == (
        D("100.00"),
        D("10.00"),
        D("90.00"),
        D("108.90"),
    )


def test_credit_note_is_exact_negation_of_the_invoice() -> None:
    original = document_totals(INVOICE, prepaid=D("500"))
    credit = document_totals([storno(line) for line in INVOICE], prepaid=D("-500"))
    assert credit == negated(original)
    assert (credit.tax_exclusive, credit.vat_total, credit.payable) == (
        D("-2527.99"),
        D("-514.73"),
        D("-2542.72"),
    )
    assert credit.lines[1].discount == D("-10.00")  # percentage follows the quantity's sign


def test_advance_deduction_line_with_negative_quantity() -> None:
    t = document_totals(
        [LineIn(D(1), D("5000"), "S", D(21)), LineIn(D(-1), D("2000"), "S", D(21))],
        prepaid=D(0),
    )
    assert groups_of(t) == [("S", D(21), D("3000.00"), D("630.00"))]
    assert t.payable == D("3630.00")


def test_percent_discount_splits_per_vat_group() -> None:
    allowances = percent_discount(INVOICE, D(10), "reducere 10%")
    assert allowances == [
        Adjustment(D("236.65"), False, "S", D(21), "reducere 10%"),  # 236.649
        Adjustment(D("16.15"), False, "S", D(11), "reducere 10%"),
    ]
    t = document_totals(INVOICE, allowances)
    assert groups_of(t) == [
        ("S", D(21), D("2129.84"), D("447.27")),  # 447.2664
        ("S", D(11), D("145.35"), D("15.99")),  # 15.9885
    ]
    assert (t.line_net_total, t.allowance_total, t.tax_exclusive) == (
        D("2527.99"),
        D("252.80"),
        D("2275.19"),
    )
    assert (t.vat_total, t.tax_inclusive, t.payable) == (D("463.26"), D("2738.45"), D("2738.45"))


def test_charge_raises_its_group_base() -> None:
    t = document_totals(INVOICE, [Adjustment(D("50"), True, "S", D(21), "transport")])
    assert groups_of(t)[0] == ("S", D(21), D("2416.49"), D("507.46"))  # 507.4629
    assert (t.charge_total, t.tax_exclusive) == (D("50.00"), D("2577.99"))


# --- validation ----------------------------------------------------------------------------

S21 = LineIn(D(1), D(10), "S", D(21))


@pytest.mark.parametrize(
    ("lines", "adjustments", "kwargs", "code", "field"),
    [
        ([], [], {}, "DOCUMENT_EMPTY", "lines"),
        (
            [S21, LineIn(D(1), D(1), "X", D(0))],
            [],
            {},
            "LINE_VAT_CODE_INVALID",
            "lines[1].vat_code",
        ),
        ([LineIn(D(1), D(1), "Z", D(21))], [], {}, "VAT_RATE_NOT_ZERO", "lines[0].vat_rate"),
        ([LineIn(D(1), D(1), "AE", D(9))], [], {}, "VAT_RATE_NOT_ZERO", "lines[0].vat_rate"),
        ([LineIn(D(1), D(1), "S", D(0))], [], {}, "VAT_RATE_ZERO_STANDARD", "lines[0].vat_rate"),
        ([LineIn(D(1), D(1), "S", D(-5))], [], {}, "VAT_RATE_INVALID", "lines[0].vat_rate"),
        (
            [LineIn(D(1), D(10), "S", D(21), discount=D(1), discount_percent=D(5))],
            [],
            {},
            "LINE_DISCOUNT_BOTH",
            "lines[0].discount",
        ),
        (
            [LineIn(D(-1), D(10), "S", D(21), discount=D(1))],
            [],
            {},
            "LINE_DISCOUNT_INVALID",
            "lines[0].discount",
        ),
        (
            [LineIn(D(1), D(10), "S", D(21), discount=D(11))],
            [],
            {},
            "LINE_DISCOUNT_INVALID",
            "lines[0].discount",
        ),
        (
            [LineIn(D(1), D(10), "S", D(21), discount_percent=D(101))],
            [],
            {},
            "LINE_DISCOUNT_INVALID",
            "lines[0].discount_percent",
        ),
        (
            [S21, LineIn(D(1), D(-10), "S", D(21))],
            [],
            {},
            "LINE_PRICE_NEGATIVE",
            "lines[1].unit_price",
        ),
        (
            [S21],
            [Adjustment(D(1), False, "S", D(11))],
            {},
            "ADJUSTMENT_GROUP_UNKNOWN",
            "adjustments[0]",
        ),
        (
            [S21],
            [Adjustment(D(1), True, "E", D(5))],
            {},
            "VAT_RATE_NOT_ZERO",
            "adjustments[0].vat_rate",
        ),
        ([S21], [], {"fx_rate": D(0)}, "FX_RATE_INVALID", "fx_rate"),
        ([S21], [], {"fx_rate": D("-4.97")}, "FX_RATE_INVALID", "fx_rate"),
    ],
)
def test_invalid_documents_are_refused(
    lines: list[LineIn],
    adjustments: list[Adjustment],
    kwargs: dict[str, Any],
    code: str,
    field: str,
) -> None:
    with pytest.raises(ValidationFailed) as err:
        document_totals(lines, adjustments, **kwargs)
    assert (err.value.code, err.value.field) == (code, field)
    assert err.value.status == 422


def test_error_messages_are_romanian() -> None:
    with pytest.raises(ValidationFailed, match="cantitate negativă"):
        document_totals([LineIn(D(1), D(-1), "S", D(21))])
    with pytest.raises(ValidationFailed, match="nu are nicio linie"):
        document_totals([])
    with pytest.raises(ValidationFailed, match="Categoria de TVA „Q” nu există"):
        document_totals([LineIn(D(1), D(1), "Q", D(0))])


def test_percent_discount_refuses_a_bad_percentage() -> None:
    for bad in (D(0), D(-5), D(120)):
        with pytest.raises(ValidationFailed) as err:
            percent_discount(INVOICE, bad, "x")
        assert (err.value.code, err.value.field) == ("DISCOUNT_PERCENT_INVALID", "percent")


# --- properties ----------------------------------------------------------------------------

CATEGORIES = [
    ("S", D(21)),
    ("S", D(11)),
    ("S", D(9)),
    ("S", D(19)),
    ("S", D(5)),
    ("Z", D(0)),
    ("E", D(0)),
    ("AE", D(0)),
    ("K", D(0)),
]


@st.composite
def line_in(draw: st.DrawFn) -> LineIn:
    code, rate = draw(st.sampled_from(CATEGORIES))
    qty = draw(st.decimals(min_value=-500, max_value=500, places=3))
    price = draw(st.decimals(min_value=0, max_value=20000, places=4))
    kind = draw(st.sampled_from(["none", "amount", "percent"]))
    if kind == "percent":
        pct = draw(st.decimals(min_value=0, max_value=100, places=2))
        return LineIn(qty, price, code, rate, discount_percent=pct)
    if kind == "amount":
        share = draw(st.decimals(min_value=0, max_value=1, places=2))
        return LineIn(qty, price, code, rate, discount=q2(q2(qty * price) * share))
    return LineIn(qty, price, code, rate)


@st.composite
def document(draw: st.DrawFn, with_adjustments: bool = True) -> tuple[list, list]:
    lines = draw(st.lists(line_in(), min_size=1, max_size=12))
    adjustments: list[Adjustment] = []
    if with_adjustments:
        keys = sorted({(line.vat_code, line.vat_rate) for line in lines})
        for _ in range(draw(st.integers(0, 4))):
            code, rate = draw(st.sampled_from(keys))
            amount = draw(st.decimals(min_value=0, max_value=2000, places=2))
            adjustments.append(Adjustment(amount, draw(st.booleans()), code, rate, "p"))
    return lines, adjustments


FX = st.none() | st.decimals(min_value=D("0.0001"), max_value=10, places=4)


def check_identities(t: Totals, fx: Decimal | None) -> None:
    # BR-CO-10..16 and BR-CO-17 / BR-S-08-style group sums, all exact to the cent
    assert t.line_net_total == sum(line.net for line in t.lines)
    assert t.allowance_total == sum(a.amount for a in t.adjustments if not a.is_charge)
    assert t.charge_total == sum(a.amount for a in t.adjustments if a.is_charge)
    assert t.tax_exclusive == t.line_net_total - t.allowance_total + t.charge_total
    assert t.vat_total == sum(g.vat for g in t.groups)
    assert t.tax_inclusive == t.tax_exclusive + t.vat_total
    assert t.payable == t.tax_inclusive - t.prepaid
    assert t.vat_total_ron == sum(g.vat_ron for g in t.groups)
    keys = [(g.vat_code, g.vat_rate) for g in t.groups]
    assert keys == sorted(keys, key=lambda k: (-k[1], k[0]))
    for g in t.groups:
        members = [x for x in t.lines if (x.vat_code, x.vat_rate) == (g.vat_code, g.vat_rate)]
        adjs = [x for x in t.adjustments if (x.vat_code, x.vat_rate) == (g.vat_code, g.vat_rate)]
        assert g.base == sum(x.net for x in members) + sum(
            a.amount if a.is_charge else -a.amount for a in adjs
        )
        if fx is None:
            assert (g.base_ron, g.vat_ron) == (g.base, g.vat)
        else:
            assert (g.base_ron, g.vat_ron) == (q2(g.base * fx), q2(g.vat * fx))
        if g.vat_code != "S":
            assert g.vat == 0


@settings(max_examples=150, deadline=None)
@given(document(), FX)
def test_net_prices_vat_is_per_group_and_totals_add_up(doc: tuple, fx: Decimal | None) -> None:
    lines, adjustments = doc
    t = document_totals(lines, adjustments, fx_rate=fx)
    check_identities(t, fx)
    for g in t.groups:
        assert g.vat == q2(g.base * g.vat_rate / 100)
    for line, lt in zip(lines, t.lines, strict=True):
        assert lt.net == q2(line.quantity * line.unit_price - lt.discount)


@settings(max_examples=150, deadline=None)
@given(document(), FX)
def test_gross_prices_group_base_plus_vat_is_the_gross(doc: tuple, fx: Decimal | None) -> None:
    lines, adjustments = doc
    t = document_totals(lines, adjustments, prices_include_vat=True, fx_rate=fx)
    check_identities(t, fx)
    for g in t.groups:
        key = (g.vat_code, g.vat_rate)
        gross = sum(x.gross for x in t.lines if (x.vat_code, x.vat_rate) == key) + sum(
            a.gross if a.is_charge else -a.gross
            for a in t.adjustments
            if (a.vat_code, a.vat_rate) == key
        )
        assert g.base + g.vat == gross
        assert g.vat == q2(gross * g.vat_rate / (100 + g.vat_rate))
    # each split net is within a cent of its own rounded net
    one_cent = (D("-0.01"), D(0), D("0.01"))
    for line in t.lines:
        assert line.net - q2(line.gross * 100 / (100 + line.vat_rate)) in one_cent
    for a in t.adjustments:
        assert a.amount - q2(a.gross * 100 / (100 + a.vat_rate)) in one_cent
    assert t.tax_inclusive == sum(x.gross for x in t.lines) + sum(
        a.gross if a.is_charge else -a.gross for a in t.adjustments
    )


@settings(max_examples=120, deadline=None)
@given(document(), st.booleans(), st.decimals(min_value=-5000, max_value=5000, places=2))
def test_storno_negates_every_figure(doc: tuple, gross: bool, prepaid: Decimal) -> None:
    lines, adjustments = doc
    t = document_totals(lines, adjustments, prices_include_vat=gross, prepaid=prepaid)
    back = document_totals(
        [storno(line) for line in lines],
        [dataclasses.replace(a, amount=-a.amount) for a in adjustments],
        prices_include_vat=gross,
        prepaid=-prepaid,
    )
    assert back == negated(t)


@settings(max_examples=120, deadline=None)
@given(document(), st.booleans(), st.randoms(use_true_random=False))
def test_line_order_does_not_change_the_totals(doc: tuple, gross: bool, rnd: Any) -> None:
    lines, adjustments = doc
    order = list(range(len(lines)))
    rnd.shuffle(order)
    t = document_totals(lines, adjustments, prices_include_vat=gross)
    u = document_totals([lines[i] for i in order], adjustments, prices_include_vat=gross)
    assert u.groups == t.groups
    assert u.adjustments == t.adjustments
    for name in ("line_net_total", "allowance_total", "tax_exclusive", "vat_total", "payable"):
        assert getattr(u, name) == getattr(t, name)
    if not gross:  # with gross prices, equal remainders may trade a cent between lines
        assert list(u.lines) == [t.lines[i] for i in order]


@settings(max_examples=150, deadline=None)
@given(document(with_adjustments=False))
def test_group_vat_stays_within_the_rounding_bound_of_line_vat(doc: tuple) -> None:
    lines, _ = doc
    t = document_totals(lines)
    for g in t.groups:
        nets = [x.net for x in t.lines if (x.vat_code, x.vat_rate) == (g.vat_code, g.vat_rate)]
        line_vat = sum(q2(n * g.vat_rate / 100) for n in nets)
        assert abs(line_vat - g.vat) <= D("0.005") * len(nets)


@settings(max_examples=120, deadline=None)
@given(document(with_adjustments=False), st.decimals(min_value="0.01", max_value=100, places=2))
def test_percent_discount_is_that_percent_of_each_group(doc: tuple, pct: Decimal) -> None:
    lines, _ = doc
    before = document_totals(lines)
    allowances = percent_discount(lines, pct, "campanie")
    expected = [
        (g.vat_code, g.vat_rate, q2(g.base * pct / 100))
        for g in before.groups
        if q2(g.base * pct / 100)
    ]
    assert [(a.vat_code, a.vat_rate, a.amount) for a in allowances] == expected
    after = document_totals(lines, allowances)
    assert after.allowance_total == sum(e[2] for e in expected)


# --- amounts in words ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("0", "zero lei"),
        ("1", "un leu"),
        ("2", "doi lei"),
        ("12", "doisprezece lei"),
        ("19", "nouăsprezece lei"),
        ("20", "douăzeci de lei"),
        ("21", "douăzeci și unu de lei"),
        ("100", "o sută de lei"),
        ("101", "o sută unu lei"),
        ("120", "o sută douăzeci de lei"),
        ("1000", "o mie de lei"),
        ("1001", "o mie unu lei"),
        ("2000", "două mii de lei"),
        ("12000", "douăsprezece mii de lei"),
        ("20000", "douăzeci de mii de lei"),
        ("22000", "douăzeci și două de mii de lei"),
        ("1000000", "un milion de lei"),
        ("2500000", "două milioane cinci sute de mii de lei"),
        ("123.50", "o sută douăzeci și trei de lei și cincizeci de bani"),
        ("0.01", "un ban"),
        ("0.20", "douăzeci de bani"),
        ("1.01", "un leu și un ban"),
        ("21.21", "douăzeci și unu de lei și douăzeci și unu de bani"),
        ("2.02", "doi lei și doi bani"),
        ("-15.5", "minus cincisprezece lei și cincizeci de bani"),
        (
            "1234567.89",
            "un milion două sute treizeci și patru de mii cinci sute șaizeci și "
            "șapte de lei și optzeci și nouă de bani",
        ),
    ],
)
def test_amount_in_words_lei(amount: str, words: str) -> None:
    assert amount_in_words_ro(D(amount)) == words


@pytest.mark.parametrize(
    ("amount", "currency", "words"),
    [
        ("1", "EUR", "un euro"),
        ("2", "EUR", "doi euro"),
        ("20.01", "EUR", "douăzeci de euro și un cent"),
        ("1500.75", "EUR", "o mie cinci sute de euro și șaptezeci și cinci de cenți"),
        ("0", "EUR", "zero euro"),
        ("1", "USD", "un dolar"),
        ("2", "usd", "doi dolari"),
        ("19.02", "USD", "nouăsprezece dolari și doi cenți"),
        ("100", "USD", "o sută de dolari"),
    ],
)
def test_amount_in_words_other_currencies(amount: str, currency: str, words: str) -> None:
    assert amount_in_words_ro(D(amount), currency) == words
