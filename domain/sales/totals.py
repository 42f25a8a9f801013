"""Document totals, EN 16931 style: the one pure function behind invoices, POS and e-Factura.

`document_totals` turns lines and document-level allowances/charges into the figures of an
invoice: line nets (BT-131), the VAT breakdown per (category, rate) (BG-23) and the document
totals BT-106..BT-115, with the VAT also stated in RON (BT-111) for foreign-currency invoices.

Rounding (half-up to the cent, `domain.core.money.q2`, everywhere):
- line amount = q2(quantity x unit price - line discount); a percentage discount is first
  turned into an amount, q2(quantity x price x percent / 100);
- VAT is computed once per group, never per line: group VAT = q2(group base x rate / 100),
  so BR-CO-17 and BR-S-08/BR-AE-08... hold exactly and every total is an exact sum of cents;
- RON figures are converted per group: base_ron = q2(base x fx), vat_ron = q2(vat x fx),
  BT-111 = sum of the groups' vat_ron (VAT stated in RON per rate, Cod fiscal art. 319).

Signs: Decimal's ROUND_HALF_UP rounds halves away from zero, so negating every quantity (and
every adjustment amount, and the prepaid amount) negates every figure exactly: a storno is
the exact mirror of its original. A line discount is taken literally (net = amount - discount)
and must have the sign of the line amount: a storno line negates its discount too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext

from domain.core.errors import ValidationFailed
from domain.core.money import CENT, q2, to_decimal

VAT_CODES: frozenset[str] = frozenset({"S", "Z", "E", "AE", "K", "G", "O"})
"""UNTDID 5305 categories used in Romania (ro-fiscal notes; L, M, B are not relevant here)."""

ZERO_RATE_CODES: frozenset[str] = VAT_CODES - {"S"}
"""Categories whose rate is always 0 % (BR-Z/E/AE/IC/G/O-05)."""

_ZERO = Decimal("0.00")
_HUNDRED = Decimal(100)
# Precision for the intermediate products and quotients: Numeric(18,3) x Numeric(18,4) needs
# 36 digits, and a quotient by (100 + rate) must not be rounded by the context before q2.
_PREC = 60


@dataclass(frozen=True, slots=True)
class LineIn:
    """One document line. A negative quantity makes a storno or advance-deduction line."""

    quantity: Decimal
    unit_price: Decimal
    vat_code: str
    vat_rate: Decimal
    discount: Decimal = Decimal(0)
    discount_percent: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Adjustment:
    """A document-level allowance (`is_charge=False`) or charge, in one VAT group.

    `amount` is normally positive; a storno of a document with adjustments negates it.
    """

    amount: Decimal
    is_charge: bool
    vat_code: str
    vat_rate: Decimal
    reason: str = ""


@dataclass(frozen=True, slots=True)
class LineTotal:
    """A line's figures, in input order.

    `net` is BT-131. With prices including VAT, `gross` is the line amount with VAT and
    `net` its share of the group base (see `document_totals`); otherwise `gross` is None.
    `discount` is the line discount amount actually applied (from the amount or percentage),
    with VAT when prices include VAT.
    """

    net: Decimal
    gross: Decimal | None
    vat_code: str
    vat_rate: Decimal
    discount: Decimal


@dataclass(frozen=True, slots=True)
class AdjustmentTotal:
    """An allowance/charge as it goes on the document: `amount` without VAT (BT-92/BT-99).

    With prices including VAT, `gross` is the amount as given (with VAT), else None.
    """

    amount: Decimal
    gross: Decimal | None
    is_charge: bool
    vat_code: str
    vat_rate: Decimal
    reason: str


@dataclass(frozen=True, slots=True)
class VatGroup:
    """One VAT breakdown (BG-23): BT-116 base, BT-117 VAT, BT-118 code, BT-119 rate.

    `base_ron`/`vat_ron` are the same in RON at the document's fx rate (equal to base/vat
    when there is no fx rate).
    """

    vat_code: str
    vat_rate: Decimal
    base: Decimal
    vat: Decimal
    base_ron: Decimal
    vat_ron: Decimal


@dataclass(frozen=True, slots=True)
class Totals:
    lines: tuple[LineTotal, ...]
    adjustments: tuple[AdjustmentTotal, ...]
    groups: tuple[VatGroup, ...]
    line_net_total: Decimal  # BT-106
    allowance_total: Decimal  # BT-107
    charge_total: Decimal  # BT-108
    tax_exclusive: Decimal  # BT-109 = 106 - 107 + 108
    vat_total: Decimal  # BT-110 = sum of group VAT
    vat_total_ron: Decimal  # BT-111 = sum of group VAT in RON
    tax_inclusive: Decimal  # BT-112 = 109 + 110
    prepaid: Decimal  # BT-113
    payable: Decimal  # BT-115 = 112 - 113


# --- helpers -----------------------------------------------------------------------------------


def _money(value: Decimal) -> Decimal:
    """q2, with -0.00 shown as 0.00."""
    out = q2(value)
    return out if out else abs(out)


def _rate_key(rate: Decimal) -> Decimal:
    return rate.quantize(CENT)


def _fail(code: str, ro: str, en: str, field: str, **details: object) -> ValidationFailed:
    return ValidationFailed(code, ro, en, field=field, details=dict(details) or None)


def _check_category(code: str, rate: Decimal, where: str) -> None:
    if code not in VAT_CODES:
        raise _fail(
            "LINE_VAT_CODE_INVALID",
            f"Categoria de TVA „{code}” nu există; folosiți una dintre: S, Z, E, AE, K, G, O.",
            f"Unknown VAT category '{code}'; use one of S, Z, E, AE, K, G, O.",
            f"{where}.vat_code",
            vat_code=code,
        )
    if not rate.is_finite() or rate < 0 or rate >= _HUNDRED or rate != _rate_key(rate):
        raise _fail(
            "VAT_RATE_INVALID",
            f"Cota de TVA {rate}% nu este validă (între 0 și 100, cel mult două zecimale).",
            f"VAT rate {rate}% is not valid (0 to 100, at most two decimals).",
            f"{where}.vat_rate",
        )
    if code in ZERO_RATE_CODES and rate != 0:
        raise _fail(
            "VAT_RATE_NOT_ZERO",
            f"Categoria de TVA {code} are cota 0%, nu {rate}%.",
            f"VAT category {code} has a 0% rate, not {rate}%.",
            f"{where}.vat_rate",
            vat_code=code,
        )
    if code == "S" and rate == 0:
        raise _fail(
            "VAT_RATE_ZERO_STANDARD",
            "Categoria de TVA S (cota standard sau redusă) nu poate avea cota 0%; "
            "pentru operațiuni scutite sau cu cota zero folosiți E, Z, AE, K, G sau O.",
            "VAT category S (standard or reduced rate) cannot have a 0% rate.",
            f"{where}.vat_rate",
        )


def _line_amount(line: LineIn, i: int) -> tuple[Decimal, Decimal, tuple[str, Decimal]]:
    """Validate one line; return (amount after discount, discount, group key)."""
    where = f"lines[{i}]"
    code = line.vat_code
    rate = to_decimal(line.vat_rate)
    _check_category(code, rate, where)
    qty = to_decimal(line.quantity)
    price = to_decimal(line.unit_price)
    if price < 0:
        raise _fail(
            "LINE_PRICE_NEGATIVE",
            "Prețul unitar nu poate fi negativ; pentru stornare, retur sau deducerea unui "
            "avans folosiți o cantitate negativă.",
            "The unit price cannot be negative; use a negative quantity instead.",
            f"{where}.unit_price",
        )
    discount = to_decimal(line.discount)
    pct = None if line.discount_percent is None else to_decimal(line.discount_percent)
    if discount != 0 and pct is not None:
        raise _fail(
            "LINE_DISCOUNT_BOTH",
            "Linia are atât o reducere în valoare, cât și una procentuală; alegeți una.",
            "The line has both a discount amount and a discount percentage; choose one.",
            f"{where}.discount",
        )
    undiscounted = qty * price
    if pct is not None:
        if not 0 <= pct <= _HUNDRED:
            raise _fail(
                "LINE_DISCOUNT_INVALID",
                f"Reducerea de {pct}% nu este validă (între 0 și 100%).",
                f"A {pct}% discount is not valid (0 to 100%).",
                f"{where}.discount_percent",
            )
        discount = q2(undiscounted * pct / _HUNDRED)
    else:
        discount = q2(discount)
        whole = q2(undiscounted)
        if discount != 0 and (discount * whole <= 0 or abs(discount) > abs(whole)):
            raise _fail(
                "LINE_DISCOUNT_INVALID",
                f"Reducerea de {discount} trebuie să aibă semnul valorii liniei ({whole}) și "
                "să nu o depășească (la stornare se stornează și reducerea).",
                f"The discount {discount} must have the sign of the line amount ({whole}) and "
                "not exceed it.",
                f"{where}.discount",
            )
    return _money(undiscounted - discount), _money(discount), (code, _rate_key(rate))


def _allocate(values: list[Decimal], rate: Decimal, target: Decimal) -> list[Decimal]:
    """Split gross amounts into nets that are each within a cent of exact and sum to `target`.

    Largest remainder: every value gets q2(value x 100 / (100 + rate)); the few cents left
    between their sum and `target` go one each to the values rounded furthest the other way.
    Ties go by position: the lines come first in `values`, so a tie between a line and an
    adjustment goes to the line, and the line/adjustment split of the cents (BT-106 against
    BT-107/108) does not depend on the order of the lines.
    """
    divisor = _HUNDRED + rate
    exact = [v * _HUNDRED / divisor for v in values]
    nets = [_money(e) for e in exact]
    cents = int((target - sum(nets, _ZERO)) / CENT)
    if cents:
        step = CENT if cents > 0 else -CENT
        sign = 1 if cents > 0 else -1
        order = sorted(
            range(len(values)),
            key=lambda k: (-sign * (exact[k] - nets[k]), k),
        )
        # |cents| <= (len(values) + 1) / 2: each q2 is off by at most half a cent, and so is
        # the group VAT, so one cent per value is always enough.
        for k in order[: abs(cents)]:
            nets[k] = _money(nets[k] + step)
    return nets


# --- the totals ------------------------------------------------------------------------------


def document_totals(
    lines: Sequence[LineIn],
    adjustments: Sequence[Adjustment] = (),
    *,
    prices_include_vat: bool = False,
    fx_rate: Decimal | None = None,
    prepaid: Decimal = Decimal(0),
) -> Totals:
    """Totals of one document (invoice, credit note, receipt), EN 16931 calculation model.

    Prices without VAT (the default, B2B invoices): line net = q2(qty x price - discount);
    group base = lines' nets + charges - allowances of the group (BR-S-08, BR-AE-08, ...);
    group VAT = q2(base x rate / 100) (BR-CO-17).

    Prices with VAT (`prices_include_vat`, POS and retail): line amounts, discounts and
    adjustment amounts are gross. Per group: gross = lines + charges - allowances,
    VAT = q2(gross x rate / (100 + rate)), base = gross - VAT, so base + VAT is exactly what the
    customer pays. The base is then split back over the lines and adjustments (each net within
    a cent of q2(gross x 100 / (100 + rate)), largest remainder) so that the nets add up to the
    base exactly: BT-106/107/108 are the sums of those nets and the document still satisfies
    BR-CO-10..16 and BR-S-08 to the cent, e.g. when exported to e-Factura.

    `fx_rate` (RON per unit of the document currency, BNR) adds the RON base and VAT per group
    and BT-111; without it the RON figures equal the document ones. `prepaid` is BT-113.
    """
    if not lines:
        raise _fail(
            "DOCUMENT_EMPTY",
            "Documentul nu are nicio linie.",
            "The document has no lines.",
            "lines",
        )
    fx = None if fx_rate is None else to_decimal(fx_rate)
    if fx is not None and not (fx.is_finite() and fx > 0):
        raise _fail(
            "FX_RATE_INVALID",
            f"Cursul de schimb {fx} nu este valid; trebuie să fie mai mare decât zero.",
            f"Exchange rate {fx} is not valid; it must be greater than zero.",
            "fx_rate",
        )

    with localcontext() as ctx:
        ctx.prec = _PREC
        amounts: list[Decimal] = []
        discounts: list[Decimal] = []
        members: dict[tuple[str, Decimal], tuple[list[int], list[int]]] = {}
        for i, line in enumerate(lines):
            amount, discount, key = _line_amount(line, i)
            amounts.append(amount)
            discounts.append(discount)
            members.setdefault(key, ([], []))[0].append(i)

        signed_adj: list[Decimal] = []
        for j, adj in enumerate(adjustments):
            where = f"adjustments[{j}]"
            rate = to_decimal(adj.vat_rate)
            _check_category(adj.vat_code, rate, where)
            key = (adj.vat_code, _rate_key(rate))
            if key not in members:
                raise _fail(
                    "ADJUSTMENT_GROUP_UNKNOWN",
                    f"Reducerea sau majorarea nr. {j + 1} ({adj.reason or 'fără motiv'}) este pe "
                    f"categoria de TVA {adj.vat_code} cu cota {rate}%, pe care nu o are nicio "
                    "linie a documentului.",
                    f"Allowance/charge no. {j + 1} ({adj.reason}) is in VAT group "
                    f"{adj.vat_code} {rate}%, which no line of the document has.",
                    where,
                    vat_code=adj.vat_code,
                    vat_rate=str(rate),
                )
            members[key][1].append(j)
            amount = _money(to_decimal(adj.amount))
            signed_adj.append(amount if adj.is_charge else -amount)

        nets = list(amounts)
        adj_nets = list(signed_adj)  # signed: + charge, - allowance
        groups: list[VatGroup] = []
        for key in sorted(members, key=lambda k: (-k[1], k[0])):
            code, rate = key
            line_ix, adj_ix = members[key]
            lines_sum = sum((amounts[i] for i in line_ix), _ZERO)
            adj_sum = sum((signed_adj[j] for j in adj_ix), _ZERO)
            if prices_include_vat:
                gross = lines_sum + adj_sum
                vat = _money(gross * rate / (_HUNDRED + rate))
                base = gross - vat
                split = _allocate(
                    [amounts[i] for i in line_ix] + [signed_adj[j] for j in adj_ix],
                    rate,
                    base,
                )
                for i, net in zip(line_ix, split[: len(line_ix)], strict=True):
                    nets[i] = net
                for j, net in zip(adj_ix, split[len(line_ix) :], strict=True):
                    adj_nets[j] = net
            else:
                base = lines_sum + adj_sum
                vat = _money(base * rate / _HUNDRED)
            base = _money(base)
            groups.append(
                VatGroup(
                    vat_code=code,
                    vat_rate=rate,
                    base=base,
                    vat=vat,
                    base_ron=base if fx is None else _money(base * fx),
                    vat_ron=vat if fx is None else _money(vat * fx),
                )
            )

        line_totals = tuple(
            LineTotal(
                net=nets[i],
                gross=amounts[i] if prices_include_vat else None,
                vat_code=line.vat_code,
                vat_rate=_rate_key(to_decimal(line.vat_rate)),
                discount=discounts[i],
            )
            for i, line in enumerate(lines)
        )
        adj_totals = tuple(
            AdjustmentTotal(
                amount=_money(adj_nets[j] if adj.is_charge else -adj_nets[j]),
                gross=_money(signed_adj[j] if adj.is_charge else -signed_adj[j])
                if prices_include_vat
                else None,
                is_charge=adj.is_charge,
                vat_code=adj.vat_code,
                vat_rate=_rate_key(to_decimal(adj.vat_rate)),
                reason=adj.reason,
            )
            for j, adj in enumerate(adjustments)
        )

        line_net_total = _money(sum(nets, _ZERO))
        allowance_total = _money(sum((a.amount for a in adj_totals if not a.is_charge), _ZERO))
        charge_total = _money(sum((a.amount for a in adj_totals if a.is_charge), _ZERO))
        tax_exclusive = _money(line_net_total - allowance_total + charge_total)
        # Holds by construction in both modes (BR-CO-13 against the breakdown).
        assert tax_exclusive == sum((g.base for g in groups), _ZERO)
        vat_total = _money(sum((g.vat for g in groups), _ZERO))
        vat_total_ron = _money(sum((g.vat_ron for g in groups), _ZERO))
        tax_inclusive = _money(tax_exclusive + vat_total)
        prepaid_amount = _money(to_decimal(prepaid))
        return Totals(
            lines=line_totals,
            adjustments=adj_totals,
            groups=tuple(groups),
            line_net_total=line_net_total,
            allowance_total=allowance_total,
            charge_total=charge_total,
            tax_exclusive=tax_exclusive,
            vat_total=vat_total,
            vat_total_ron=vat_total_ron,
            tax_inclusive=tax_inclusive,
            prepaid=prepaid_amount,
            payable=_money(tax_inclusive - prepaid_amount),
        )


def percent_discount(lines: Sequence[LineIn], percent: Decimal, reason: str) -> list[Adjustment]:
    """A document discount of `percent` % as one allowance per VAT group, in group order.

    Each allowance is q2(percent % of the group's line amounts), in the document's own price
    basis (nets, or gross amounts when prices include VAT), so the VAT stays right per group.
    Groups whose lines add up to zero get no allowance.
    """
    pct = to_decimal(percent)
    if not (pct.is_finite() and 0 < pct <= _HUNDRED):
        raise _fail(
            "DISCOUNT_PERCENT_INVALID",
            f"Reducerea de {pct}% nu este validă (mai mare decât 0, cel mult 100%).",
            f"A {pct}% discount is not valid (above 0, at most 100%).",
            "percent",
        )
    if not lines:
        raise _fail(
            "DOCUMENT_EMPTY",
            "Documentul nu are nicio linie.",
            "The document has no lines.",
            "lines",
        )
    with localcontext() as ctx:
        ctx.prec = _PREC
        sums: dict[tuple[str, Decimal], Decimal] = {}
        for i, line in enumerate(lines):
            amount, _, key = _line_amount(line, i)
            sums[key] = sums.get(key, _ZERO) + amount
        out: list[Adjustment] = []
        for code, rate in sorted(sums, key=lambda k: (-k[1], k[0])):
            amount = _money(sums[code, rate] * pct / _HUNDRED)
            if amount:
                out.append(Adjustment(amount, False, code, rate, reason))
        return out


# --- amount in words -------------------------------------------------------------------------

_UNITS = ("", "unu", "doi", "trei", "patru", "cinci", "șase", "șapte", "opt", "nouă")
_TEENS = (
    "zece",
    "unsprezece",
    "doisprezece",
    "treisprezece",
    "paisprezece",
    "cincisprezece",
    "șaisprezece",
    "șaptesprezece",
    "optsprezece",
    "nouăsprezece",
)
_TENS = (
    "",
    "",
    "douăzeci",
    "treizeci",
    "patruzeci",
    "cincizeci",
    "șaizeci",
    "șaptezeci",
    "optzeci",
    "nouăzeci",
)

# (value, singular with its article, plural, gender of the plural for the numeral)
# Neuter nouns (milion) take the masculine "unu" and the feminine "două" in the plural.
_SCALES = (
    (10**15, "un biliard", "biliarde", "n"),
    (10**12, "un bilion", "bilioane", "n"),
    (10**9, "un miliard", "miliarde", "n"),
    (10**6, "un milion", "milioane", "n"),
    (10**3, "o mie", "mii", "f"),
)

# currency -> (gender, one, many, minor gender, minor one, minor many)
_CURRENCY_WORDS: dict[str, tuple[str, str, str, str, str, str]] = {
    "RON": ("m", "leu", "lei", "m", "ban", "bani"),
    "EUR": ("m", "euro", "euro", "m", "cent", "cenți"),
    "USD": ("m", "dolar", "dolari", "m", "cent", "cenți"),
    "GBP": ("f", "liră", "lire", "m", "penny", "pence"),
    "CHF": ("m", "franc", "franci", "m", "centim", "centimi"),
}


def _unit(n: int, gender: str) -> str:
    if n == 1:
        return "una" if gender == "f" else "unu"
    if n == 2:
        return "doi" if gender == "m" else "două"
    return _UNITS[n]


def _below_100(n: int, gender: str) -> str:
    if n < 10:
        return _unit(n, gender)
    if n < 20:
        return "douăsprezece" if n == 12 and gender != "m" else _TEENS[n - 10]
    tens, units = divmod(n, 10)
    return _TENS[tens] + (f" și {_unit(units, gender)}" if units else "")


def _below_1000(n: int, gender: str) -> list[str]:
    hundreds, rest = divmod(n, 100)
    parts = []
    if hundreds:
        parts.append("o sută" if hundreds == 1 else f"{_unit(hundreds, 'f')} sute")
    if rest:
        parts.append(_below_100(rest, gender))
    return parts


def _needs_de(n: int) -> bool:
    """'douăzeci de lei', 'o sută de lei', but 'nouăsprezece lei', 'o sută unu lei'."""
    return n % 100 == 0 or n % 100 >= 20


def _counted(n: int, gender: str, one: str, many: str) -> str:
    """`n` (>= 1) things: 'un leu', 'două mii', 'douăzeci și unu de lei'."""
    if n == 1:
        return f"{'o' if gender == 'f' else 'un'} {one}"
    return f"{_cardinal(n, gender)}{' de' if _needs_de(n) else ''} {many}"


def _cardinal(n: int, gender: str) -> str:
    parts: list[str] = []
    for value, one, many, scale_gender in _SCALES:
        count, n = divmod(n, value)
        if count == 1:
            parts.append(one)
        elif count:
            parts.append(_counted(count, scale_gender, one, many))
    if n:
        parts.extend(_below_1000(n, gender))
    return " ".join(parts)


def amount_in_words_ro(amount: Decimal, currency: str = "RON") -> str:
    """The amount in Romanian words, as written on receipts: 'o sută douăzeci și trei de lei
    și cincizeci de bani'. Rounded to the cent first; 'minus ...' when negative.

    Known currencies: RON, EUR, USD, GBP, CHF; any other code is used as an invariable noun
    with 'cenți' for the hundredths. A zero whole part is left out when there are bani
    ('cincizeci de bani'); zero itself is 'zero lei'.
    """
    value = q2(to_decimal(amount))
    code = currency.upper()
    gender, one, many, minor_gender, minor_one, minor_many = _CURRENCY_WORDS.get(
        code, ("m", code, code, "m", "cent", "cenți")
    )
    whole, minor = divmod(int(abs(value) * 100), 100)
    parts = []
    if whole:
        parts.append(_counted(whole, gender, one, many))
    if minor:
        parts.append(_counted(minor, minor_gender, minor_one, minor_many))
    if not parts:
        return f"zero {many}"
    text = " și ".join(parts)
    return f"minus {text}" if value < 0 else text
