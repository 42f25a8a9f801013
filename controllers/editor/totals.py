"""POST /editor/api/totals: the live totals of the lines being typed.

The VAT rate of each line is the one its category (chosen, or the article's) has on the
delivery date, and the figures come from the one totals function,
`domain.sales.totals.document_totals`, exactly as the issue will compute them: the page
never does VAT arithmetic itself. Offers, orders and avize are issued with the same rates
and no document discount, so one endpoint serves every kind the editor edits.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Annotated

import msgspec

from controllers.schemas import Int32, Str10, Str20, Str200
from domain.sales.preview import DraftLine, invoice_preview
from domain.sales.totals import Totals

MAX_LINES = 2000


class TotalsLine(msgspec.Struct, forbid_unknown_fields=True):
    """A line as the grid holds it: the same fields the invoice API takes.

    An empty quantity, price or discount counts as zero while the user is still typing.
    """

    article: Int32 | None = None
    vat_category: Str20 | None = None
    quantity: Decimal | None = None
    unit_price: Decimal | None = None
    discount: Decimal | None = None
    description: Str200 = ""
    uom_code: Str10 = ""


class TotalsIn(msgspec.Struct, forbid_unknown_fields=True):
    lines: Annotated[list[TotalsLine], msgspec.Meta(max_length=MAX_LINES)]
    issue_date: date | None = None
    delivery_date: date | None = None
    currency: Str10 = "RON"
    fx_rate: Decimal | None = None
    discount_percent: Decimal | None = None


class LineTotalOut(msgspec.Struct):
    vat_category: str
    vat_code: str
    vat_rate: Decimal
    net: Decimal
    discount: Decimal


class GroupOut(msgspec.Struct):
    vat_code: str
    vat_rate: Decimal
    base: Decimal
    vat: Decimal
    base_ron: Decimal
    vat_ron: Decimal


class TotalsOut(msgspec.Struct):
    """`tax_date` is the day whose VAT rates apply (delivery date, else issue date, else
    today); `fx_rate` is the BNR rate used for the RON figures (None for RON, or when the
    rate is missing: `fx_message` says why)."""

    tax_date: date
    currency: str
    fx_rate: Decimal | None
    fx_date: date | None
    fx_message: str | None
    lines: list[LineTotalOut]
    groups: list[GroupOut]
    line_net_total: Decimal
    allowance_total: Decimal
    charge_total: Decimal
    tax_exclusive: Decimal
    vat_total: Decimal
    vat_total_ron: Decimal
    tax_inclusive: Decimal
    payable: Decimal


_SUMS = (  # the document figures TotalsOut repeats from Totals
    "line_net_total", "allowance_total", "charge_total", "tax_exclusive", "vat_total",
    "vat_total_ron", "tax_inclusive", "payable",
)  # fmt: skip


async def draft_totals(data: TotalsIn) -> TotalsOut:
    """The totals the draft will have once issued (domain/sales/preview.py)."""
    preview = await invoice_preview(
        lines=[
            DraftLine(
                quantity=x.quantity or Decimal(0),
                unit_price=x.unit_price or Decimal(0),
                discount=x.discount or Decimal(0),
                article=x.article,
                vat_category=x.vat_category,
            )
            for x in data.lines
        ],
        issue_date=data.issue_date,
        delivery_date=data.delivery_date,
        currency=data.currency,
        fx_rate=data.fx_rate,
        discount_percent=data.discount_percent,
    )
    if preview.totals is None:  # nothing typed yet: zeros, not DOCUMENT_EMPTY
        zero = Decimal("0.00")
        return TotalsOut(
            tax_date=preview.tax_day, currency=preview.currency, fx_rate=preview.fx_rate,
            fx_date=preview.fx_date, fx_message=preview.fx_message, lines=[], groups=[],
            **dict.fromkeys(_SUMS, zero),
        )  # fmt: skip
    return _out(
        preview.totals, preview.categories, preview.tax_day, preview.currency,
        preview.fx_rate, preview.fx_date, preview.fx_message,
    )  # fmt: skip


def _out(
    totals: Totals,
    categories: Sequence[str],
    tax_day: date,
    currency: str,
    fx_rate: Decimal | None,
    fx_date: date | None,
    fx_message: str | None,
) -> TotalsOut:
    lines = [
        LineTotalOut(code, x.vat_code, x.vat_rate, x.net, x.discount)
        for x, code in zip(totals.lines, categories, strict=True)
    ]
    groups = [msgspec.convert(g, GroupOut, from_attributes=True) for g in totals.groups]
    return TotalsOut(
        tax_date=tax_day, currency=currency, fx_rate=fx_rate, fx_date=fx_date,
        fx_message=fx_message, lines=lines, groups=groups,
        **{k: getattr(totals, k) for k in _SUMS},
    )  # fmt: skip
