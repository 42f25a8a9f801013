"""What a printed chitanță says (OMFP 2634/2015, form 14-4-1): the unit (name, CUI, trade
register number, address), series and number, date, «Am primit de la» the payer (name,
CUI or CNP, address), the amount in figures and in words, «reprezentând» (the invoices it
pays, with numbers and dates, or an advance) and the cashier.

`receipt_context` is pure: the receipt row, the company and the partner as stored, and
the invoices the receipt paid when it was recorded (its own allocations: a later use of an
advance or an unallocation has its own entry and does not rewrite a chitanță already
handed over). `receipt_context_load` reads them. The company and the partner are read as
they are at the first print; the PDF is then kept as printed (one file per status).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from domain.core.errors import Conflict, NotFound
from domain.core.money import q2, to_decimal
from domain.sales.totals import amount_in_words_ro
from printing.invoice_context import _series_and_number, address, day, money
from tables.choices import DocStatus, ReceiptKind
from tables.org import Company
from tables.partners import Partner
from tables.payments import Allocation, Receipt

TITLE = "CHITANȚĂ"
COPIES = ("Exemplarul 1 – pentru plătitor", "Exemplarul 2 – rămâne în chitanțier")


def _identity(party: Mapping[str, Any]) -> str:
    if party.get("cui"):
        return f"CUI {party['cui']}"
    if party.get("cnp"):
        return f"CNP {party['cnp']}"
    if party.get("foreign_vat_id"):
        return f"Cod fiscal {party['foreign_vat_id']}"
    return ""


def _advance_ron(receipt: Mapping[str, Any], paid: Sequence[Mapping[str, Any]]) -> Decimal:
    """What the invoices did not take (it went to 419), in lei."""
    taken = sum((to_decimal(a["paid_ron"]) for a in paid), Decimal(0))
    return q2(to_decimal(receipt["amount_ron"]) - taken)


def receipt_context(
    receipt: Mapping[str, Any],
    *,
    company: Mapping[str, Any],
    partner: Mapping[str, Any],
    paid: Sequence[Mapping[str, Any]],
) -> dict[str, Any]:
    """The template context. `paid`: the invoices the receipt paid when recorded, each
    {full_number, issue_date, currency, amount, paid_ron}."""
    currency = receipt.get("currency") or "RON"
    amount = q2(to_decimal(receipt["amount"]))
    advance_ron = _advance_ron(receipt, paid)
    if currency == "RON":
        advance = advance_ron
    else:  # the receipt's own rate turns the lei left back into its currency
        rate = to_decimal(receipt.get("fx_rate") or 1)
        advance = q2(advance_ron / rate) if paid else amount
    what = [
        {"what": f"Factura {x['full_number']}", "date": day(x["issue_date"]),
         "amount": money(x["amount"]), "currency": x["currency"]}
        for x in paid
    ]  # fmt: skip
    if advance > 0:
        what.append({"what": "Avans", "date": day(receipt["day"]), "amount": money(advance),
                     "currency": currency})  # fmt: skip
    series, number = _series_and_number(receipt)
    status = receipt.get("status") or DocStatus.issued
    cancelled = status == DocStatus.cancelled
    full_number = receipt.get("full_number") or ""
    return {
        "title": TITLE,
        "document_name": f"{TITLE} {full_number}".strip(),
        "full_number": full_number,
        "series": series,
        "number": number,
        "date": day(receipt["day"]),
        "cancelled": cancelled,
        "cancelled_on": day(receipt.get("cancelled_at")) if cancelled else "",
        "cancel_reason": (receipt.get("cancel_reason") or "") if cancelled else "",
        "unit": {
            "name": company.get("name") or "",
            "cui": company.get("cui") or "",
            "reg_com": company.get("reg_com") or "",
            "address": address(company),
        },
        "payer": {
            "name": receipt.get("payer_name") or partner.get("name") or "",
            "company": partner.get("name") or "",
            "identity": _identity(partner),
            "address": address(partner),
        },
        "amount": money(amount),
        "currency": currency,
        "amount_words": amount_in_words_ro(amount, currency),
        "description": receipt.get("description") or "",
        "paid_for": what,
        "cashier": receipt.get("created_by") or "",
        "copies": COPIES,
    }


async def receipt_for_print(receipt_id: int) -> dict[str, Any]:
    """The receipt row, refusing what has no chitanță (a bank transfer, a card payment)."""
    row = await Receipt.select(*Receipt._meta.columns).where(Receipt.id == receipt_id).first()
    if row is None:
        raise NotFound(
            "RECEIPT_NOT_FOUND", f"Încasarea nr. {receipt_id} nu există.",
            f"Receipt {receipt_id} not found.", field="receipt",
        )  # fmt: skip
    if row["kind"] != ReceiptKind.cash:
        raise Conflict(
            "RECEIPT_NOT_CASH",
            "Doar o încasare în numerar are chitanță; transferul bancar și plata cu cardul "
            "se dovedesc cu extrasul de cont sau cu chitanța POS.",
            "Only a cash receipt has a chitanță to print.",
            details={"receipt_id": receipt_id, "kind": row["kind"]},
        )
    return row


async def receipt_context_load(receipt: Mapping[str, Any]) -> dict[str, Any]:
    """`receipt_context` with the company, the partner and the invoices paid read."""
    company = await Company.select().where(Company.id == receipt["company"]).first()
    partner = await Partner.select().where(Partner.id == receipt["partner"]).first()
    # Its own allocations (no entry of their own): those recorded with the receipt.
    paid = await Allocation.select(
        Allocation.invoice.full_number.as_alias("full_number"),
        Allocation.invoice.issue_date.as_alias("issue_date"),
        Allocation.invoice.currency.as_alias("currency"),
        Allocation.amount,
        Allocation.paid_ron,
    ).where(
        (Allocation.receipt == receipt["id"]) & Allocation.entry.is_null()
        & Allocation.reverses.is_null()
    ).order_by(Allocation.id)  # fmt: skip
    return receipt_context(receipt, company=company or {}, partner=partner or {}, paid=paid)
