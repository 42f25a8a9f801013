"""Receipts (încasări): record one, allocate it to invoices, undo an allocation, cancel it.

Each runs in one write_tx (joining the caller's, e.g. a bank statement's confirmation) and
posts in it (domain/payments/postings.py). Nothing is edited afterwards: an allocation is
undone by a row with negative amounts that `reverses` it, with its own storno entry; a
cancelled receipt keeps its number and gets the storno of every entry it caused.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, NamedTuple

from domain.core.effects import enqueue_after_commit
from domain.core.errors import Conflict, NotFound, ValidationFailed
from domain.core.money import input_decimal, q2, q4, to_decimal
from domain.core.tx import write_tx
from domain.ledger.chart import company_exists
from domain.ledger.manual import check_references
from domain.ledger.ops import entry_post, entry_reverse
from domain.ledger.posting_ops import source_reverse
from domain.ledger.reports import as_date
from domain.ledger.rules import Dimensions, PostLine, mirror
from domain.org.fx import rate_for_invoice
from domain.org.permissions import Action, Actor, Area, require
from domain.payments.allocating import (
    Funds,
    allocation_insert,
    history_of,
    lock_partner,
    plan,
)
from domain.payments.postings import (
    AllocationPost,
    ReceiptPost,
    advance_use_posting,
    receipt_posting,
)
from domain.payments.queries import receipt_left
from domain.payments.tills import CASH_KINDS, cash_reason, till_of
from domain.sales.numbering import number_allocate, series_for
from domain.sales.rules import cancel_reason
from tables.choices import (
    DocStatus,
    DocType,
    EntryKind,
    ReceiptKind,
    VatRegime,
)
from tables.partners import Partner
from tables.payments import Allocation, Receipt
from tables.sales import Invoice

RECEIPT = "receipt"
ALLOCATION = "allocation"
ZERO = Decimal("0.00")
DIMENSIONS = ("work_point", "cost_centre", "department", "team", "person")


class Allocated(NamedTuple):
    allocation_id: int
    invoice_id: int
    amount: Decimal  # in the invoice's currency


@dataclass(frozen=True, slots=True)
class ReceiptResult:
    receipt_id: int
    full_number: str  # the chitanță's; "" for other kinds
    allocated: list[Allocated]
    advance: Decimal  # left unallocated (419), in the receipt's currency


# ---------------------------------------------------------------------------- checks


def _kind(kind: ReceiptKind | str) -> ReceiptKind:
    try:
        return ReceiptKind(kind)
    except ValueError:
        raise ValidationFailed(
            "RECEIPT_KIND_INVALID",
            f"Felul încasării «{kind}» nu există (numerar, card, bancă, bon fiscal).",
            f"Unknown receipt kind «{kind}».",
            field="kind",
        ) from None


def _currency(code: str) -> str:
    code = (code or "").strip().upper()
    if len(code) != 3 or not code.isascii() or not code.isalpha():
        raise ValidationFailed(
            "CURRENCY_INVALID",
            f"Moneda «{code}» nu este un cod ISO 4217 (ex. RON, EUR).",
            field="currency",
        )
    return code


def _positive(value: object, field: str) -> Decimal:
    amount = input_decimal(value, field)
    if amount <= 0 or amount != q2(amount):
        raise ValidationFailed(
            "RECEIPT_AMOUNT_INVALID",
            "Suma încasată trebuie să fie pozitivă, cu cel mult 2 zecimale.",
            "The amount received must be positive, with 2 decimals at most.",
            field=field,
        )
    return amount


def _text(value: str, field: str, limit: int) -> str:
    """Typed text as stored: PostgreSQL refuses a NUL character (a 500 otherwise)."""
    value = value or ""
    if "\x00" in value:
        raise ValidationFailed(
            "TEXT_INVALID",
            "Textul conține un caracter nepermis (NUL).",
            "The text contains a NUL character.",
            field=field,
        )
    return value.strip()[:limit]


def _wanted(allocations: Sequence[Mapping[str, Any]]) -> list[tuple[int, Decimal | None]]:
    out: list[tuple[int, Decimal | None]] = []
    for i, item in enumerate(allocations):
        invoice = item.get("invoice") if isinstance(item, Mapping) else None
        if type(invoice) is not int:
            raise ValidationFailed(
                "ALLOCATION_INVOICE_REQUIRED",
                f"Alocarea {i + 1}: alegeți factura.",
                field=f"allocations[{i}].invoice",
            )
        amount = item.get("amount")
        out.append(
            (invoice, None if amount is None else input_decimal(amount, f"allocations[{i}].amount"))
        )
    return out


def _dims(dims: Mapping[str, int | None] | None) -> dict[str, int | None]:
    dims = dict(dims or {})
    if unknown := sorted(set(dims) - set(DIMENSIONS)):
        raise ValidationFailed(
            "RECEIPT_DIMENSION_UNKNOWN",
            f"Dimensiuni analitice necunoscute: {', '.join(unknown)}.",
            field="dims",
        )
    return {k: dims.get(k) for k in DIMENSIONS}


# ---------------------------------------------------------------------------- reads


async def _partner(partner_id: int) -> dict[str, Any]:
    row = (
        await Partner.select(Partner.id, Partner.name, Partner.kind, Partner.active)
        .where(Partner.id == partner_id)
        .first()
    )
    if row is None:
        raise NotFound(
            "PARTNER_NOT_FOUND",
            f"Partenerul nr. {partner_id} nu există.",
            f"Partner {partner_id} not found.",
            field="partner",
        )
    if not row["active"]:
        raise ValidationFailed(
            "PARTNER_INACTIVE", f"Partenerul {row['name']} este inactiv.", field="partner"
        )
    return row


def _describe(numbers: Sequence[str], advance: Decimal, currency: str) -> str:
    """The chitanță's «reprezentând» when none is typed."""
    text = ""
    if numbers:
        text = (
            "Contravaloare factura " if len(numbers) == 1 else "Contravaloare facturile "
        ) + ", ".join(numbers)
    if advance > 0:
        text = f"{text}; avans {advance} {currency}" if text else "Avans"
    return text[:300]


def _dimensions(receipt: Mapping[str, Any], pos: int | None = None) -> Dimensions:
    return Dimensions(
        work_point=receipt.get("work_point"),
        cost_centre=receipt.get("cost_centre"),
        department=receipt.get("department"),
        team=receipt.get("team"),
        person=receipt.get("person"),
        pos=pos,
    )


# ---------------------------------------------------------------------------- operations


async def receipt_record(
    *,
    company_id: int,
    kind: ReceiptKind | str,
    partner_id: int,
    day: date,
    amount: Decimal,
    currency: str = "RON",
    cash_desk_id: int | None = None,
    bank_account_id: int | None = None,
    bank_reference: str = "",
    payer_name: str = "",
    description: str = "",
    allocations: Sequence[Mapping[str, Any]] | None = None,
    cash_limit_reason: str = "",
    dims: Mapping[str, int | None] | None = None,
    by: Actor,
) -> ReceiptResult:
    """Record money received and post it. `allocations`: None = oldest due first, [] =
    nothing (all an advance), else [{"invoice": id, "amount": in the invoice's currency
    (None = as much as the receipt pays of it)}]."""
    require(by, Area.payments, Action.write)
    kind = _kind(kind)
    currency = _currency(currency)
    amount = _positive(amount, "amount")
    wanted = None if allocations is None else _wanted(allocations)
    dimensions = _dims(dims)
    bank_reference = _text(bank_reference, "bank_reference", 120)
    payer_name = _text(payer_name, "payer_name", 200)
    description = _text(description, "description", 300)
    cash_limit_reason = _text(cash_limit_reason, "cash_limit_reason", 300)
    async with write_tx():
        await company_exists(company_id)
        partner = await _partner(partner_id)
        # The dimensions exist in this company (the database would refuse them unreadably).
        await check_references(company_id, [PostLine("", dims=Dimensions(**dimensions))])
        till = await till_of(company_id, kind, currency, cash_desk_id, bank_account_id)
        rate, rate_day = Decimal(1), None
        if currency != "RON":
            quote = await rate_for_invoice(currency, day)
            rate, rate_day = q4(quote.per_unit), quote.published_day
        amount_ron = q2(amount * rate)
        await lock_partner(company_id, partner_id)
        reason = ""
        if kind in CASH_KINDS:
            reason = await cash_reason(
                company_id=company_id,
                partner=partner,
                day=day,
                amount_ron=amount_ron,
                reason=cash_limit_reason,
            )
        funds = Funds(currency, rate, day, amount, amount_ron)
        planned = await plan(
            company_id=company_id, partner_id=partner_id, funds=funds, day=day, wanted=wanted
        )
        dimensions["work_point"] = dimensions["work_point"] or till.work_point
        receipt = Receipt(
            company=company_id,
            kind=kind,
            status=DocStatus.issued,
            partner=partner_id,
            day=day,
            currency=currency,
            amount=amount,
            fx_rate=None if currency == "RON" else rate,
            fx_date=rate_day,
            amount_ron=amount_ron,
            cash_desk=cash_desk_id,
            bank_account=bank_account_id,
            bank_reference=bank_reference[:120],
            payer_name=(payer_name or partner["name"])[:200],
            description=(
                description or _describe([a.invoice for _, a in planned], funds.left, currency)
            )[:300],
            cash_limit_reason=reason,
            created_by=by.name[:150],
            **dimensions,
        )
        await receipt.save()
        allocated = [
            Allocated(
                await allocation_insert(
                    company_id=company_id,
                    receipt_id=receipt.id,
                    invoice_id=invoice_id,
                    day=day,
                    a=a,
                    by=by,
                ),
                invoice_id,
                a.amount,
            )
            for invoice_id, a in planned
        ]
        full_number = ""
        if kind == ReceiptKind.cash:
            # The chitanță's number, taken in this transaction (a failure gives it back); the
            # entry then carries it as its reference.
            series = await series_for(
                company_id=company_id,
                doc_type=DocType.receipt,
                work_point_id=dimensions["work_point"],
                series_id=till.series,
            )
            number, full_number = await number_allocate(series)
            await Receipt.update(
                {Receipt.series: series, Receipt.number: number, Receipt.full_number: full_number}
            ).where(Receipt.id == receipt.id)
        posted = ReceiptPost(
            partner_id,
            currency,
            amount,
            amount_ron,
            till.account,
            _dimensions(dimensions, till.pos),
        )
        await entry_post(
            company_id=company_id,
            day=day,
            kind=EntryKind.receipt,
            lines=receipt_posting(posted, [a for _, a in planned]),
            source_type=RECEIPT,
            source_id=receipt.id,
            reference=full_number or bank_reference,
            description=f"Încasare de la {partner['name']}",
            by_name=by.name,
        )
        if full_number:  # a chitanță is printed at once, like an invoice (jobs/receipt_printing)
            enqueue_after_commit("render_receipt", receipt_id=receipt.id)
    return ReceiptResult(receipt.id, full_number, allocated, funds.left)


async def _receipt(receipt_id: int) -> dict[str, Any]:
    row = await Receipt.select().where(Receipt.id == receipt_id).first()
    if row is None:
        raise NotFound(
            "RECEIPT_NOT_FOUND",
            f"Încasarea nr. {receipt_id} nu există.",
            f"Receipt {receipt_id} not found.",
        )
    return row


async def _issued_receipt(receipt_id: int) -> dict[str, Any]:
    """The receipt under its partner's lock, read again after the lock; issued."""
    row = await _receipt(receipt_id)
    await lock_partner(row["company"], row["partner"])
    row = await _receipt(receipt_id)
    if row["status"] != DocStatus.issued:
        raise Conflict(
            "RECEIPT_CANCELLED",
            f"Încasarea {row['full_number'] or receipt_id} este anulată.",
            f"Receipt {receipt_id} is cancelled.",
        )
    return row


def _not_before(day: date, earliest: Any, what: str) -> None:
    if day < as_date(earliest):
        raise ValidationFailed(
            "ALLOCATION_DAY_INVALID",
            f"Data ({day:%d.%m.%Y}) nu poate fi înaintea {what} ({as_date(earliest):%d.%m.%Y}).",
            field="day",
        )


async def _book_allocation(
    receipt: Mapping[str, Any],
    invoice_id: int,
    a: AllocationPost,
    lines: Sequence[PostLine],
    *,
    day: date,
    description: str,
    reverses: int | None = None,
    by: Actor,
) -> int:
    """An allocation made after its receipt (or undone): its row and its own entry."""
    allocation_id = await allocation_insert(
        company_id=receipt["company"], receipt_id=receipt["id"], invoice_id=invoice_id,
        day=day, a=a, reverses=reverses, by=by,
    )  # fmt: skip
    entry = await entry_post(
        company_id=receipt["company"], day=day, kind=EntryKind.allocation, lines=lines,
        source_type=ALLOCATION, source_id=allocation_id,
        reference=receipt["full_number"] or receipt["bank_reference"], description=description,
        by_name=by.name,
    )  # fmt: skip
    await Allocation.update({Allocation.entry: entry}).where(Allocation.id == allocation_id)
    return allocation_id


async def allocation_add(
    *, receipt_id: int, invoice_id: int, amount: Decimal | None = None, day: date, by: Actor
) -> int:
    """Pay an invoice with what is left of a receipt (an advance, 419), on `day`; amount in
    the invoice's currency, None = as much as is left. Returns the allocation."""
    require(by, Area.payments, Action.write)
    if amount is not None:
        amount = input_decimal(amount, "amount")
    async with write_tx():
        row = await _issued_receipt(receipt_id)
        _not_before(day, row["day"], "încasării")
        left, left_ron = (await receipt_left([receipt_id]))[receipt_id]
        rate = to_decimal(row["fx_rate"]) if row["currency"] != "RON" else Decimal(1)
        funds = Funds(row["currency"], rate, as_date(row["day"]), left, left_ron)
        ((_, a),) = await plan(
            company_id=row["company"],
            partner_id=row["partner"],
            funds=funds,
            day=day,
            wanted=[(invoice_id, amount)],
        )
        lines = advance_use_posting(
            partner=row["partner"], receipt_currency=row["currency"], allocation=a,
            dims=_dimensions(row),
        )  # fmt: skip
        allocation_id = await _book_allocation(
            row, invoice_id, a, lines, day=day, description=f"Avans alocat facturii {a.invoice}",
            by=by,
        )  # fmt: skip
    return allocation_id


async def _undo_figures(
    allocation: Mapping[str, Any], receipt_currency: str
) -> tuple[AllocationPost, dict[str, Any]]:
    """An allocation's figures as it posted them (its cash-VAT move read from the books)."""
    (invoice,) = await Invoice.raw(
        "SELECT currency, full_number, vat_regime FROM factura WHERE id = {}",
        allocation["invoice"],
    )
    vat_move = ZERO
    if invoice["vat_regime"] == VatRegime.cash_vat:
        history = (await history_of([allocation["invoice"]]))[allocation["invoice"]]
        vat_move = next(x.moved for x in history if x.id == allocation["id"])
    amount, paid_ron = q2(allocation["amount"]), q2(allocation["paid_ron"])
    consumed = amount if invoice["currency"] == receipt_currency else paid_ron
    return AllocationPost(
        invoice["currency"],
        amount,
        q2(allocation["amount_ron"]),
        paid_ron,
        consumed,
        vat_move,
        invoice["full_number"],
    ), invoice


async def _live(receipt_id: int | None = None, allocation_id: int | None = None) -> list[dict]:
    """Allocations not undone (and not themselves an undoing)."""
    where = "a.receipt = {}" if receipt_id is not None else "a.id = {}"
    return await Allocation.raw(
        f"SELECT a.* FROM alocare_incasare a WHERE {where} AND a.reverses IS NULL "
        "AND NOT EXISTS (SELECT 1 FROM alocare_incasare r WHERE r.reverses = a.id) "
        "ORDER BY a.id",
        receipt_id if receipt_id is not None else allocation_id,
    )


async def allocation_reverse(*, allocation_id: int, day: date, reason: str, by: Actor) -> int:
    """Undo an allocation on `day`: a row with the opposite amounts and the storno of what
    it booked; the money goes back to the partner's advance (419). Returns the new row."""
    require(by, Area.payments, Action.write)
    reason = cancel_reason(_text(reason, "reason", 200))
    async with write_tx():
        original = await Allocation.select().where(Allocation.id == allocation_id).first()
        if original is None:
            raise NotFound(
                "ALLOCATION_NOT_FOUND",
                f"Alocarea nr. {allocation_id} nu există.",
                f"Allocation {allocation_id} not found.",
            )
        if original["reverses"] is not None:
            raise Conflict(
                "ALLOCATION_IS_REVERSAL",
                "Aceasta este anularea unei alocări; nu se anulează la rândul ei.",
            )
        receipt = await _issued_receipt(original["receipt"])
        if not await _live(allocation_id=allocation_id):
            raise Conflict(
                "ALLOCATION_ALREADY_REVERSED",
                "Alocarea este deja anulată.",
                "The allocation is already undone.",
            )
        _not_before(day, original["day"], "alocării")
        figures, invoice = await _undo_figures(original, receipt["currency"])
        undone = AllocationPost(
            figures.invoice_currency, -figures.amount, -figures.amount_ron, -figures.paid_ron,
            -figures.consumed, -figures.vat_move, figures.invoice,
        )  # fmt: skip
        lines = mirror(
            advance_use_posting(
                partner=receipt["partner"], receipt_currency=receipt["currency"],
                allocation=figures, dims=_dimensions(receipt),
            )
        )  # fmt: skip
        new_id = await _book_allocation(
            receipt, original["invoice"], undone, lines, day=day, reverses=allocation_id,
            description=f"Anulare alocare {invoice['full_number']}: {reason}", by=by,
        )  # fmt: skip
    return new_id


async def receipt_cancel(*, receipt_id: int, reason: str, day: date, by: Actor) -> None:
    """Cancel a receipt on `day`: it keeps its number, marked cancelled; its allocations
    still in force are undone by opposite rows, and every entry it caused (its own, those
    of advances used and undone later) gets its storno."""
    require(by, Area.payments, Action.write)
    reason = cancel_reason(_text(reason, "reason", 200))
    async with write_tx():
        receipt = await _issued_receipt(receipt_id)
        _not_before(day, receipt["day"], "încasării")
        # Its stornos take back every allocation and undoing too: none may predate them.
        latest = await Allocation.select(Allocation.day).where(
            Allocation.receipt == receipt_id
        ).order_by(Allocation.day, ascending=False).first()  # fmt: skip
        if latest is not None:
            _not_before(day, latest["day"], "ultimei alocări a încasării")
        for a in await _live(receipt_id=receipt_id):
            # In the storno entries below, not in an entry of their own.
            undone = AllocationPost(
                "",
                -q2(a["amount"]),
                -q2(a["amount_ron"]),
                -q2(a["paid_ron"]),
                ZERO,
            )
            await allocation_insert(
                company_id=a["company"],
                receipt_id=receipt_id,
                invoice_id=a["invoice"],
                day=day,
                a=undone,
                reverses=a["id"],
                by=by,
            )
        await source_reverse(
            source_type=RECEIPT, source_id=receipt_id, kind=EntryKind.receipt, day=day, by=by
        )
        entries = (
            await Allocation.select(Allocation.entry)
            .where((Allocation.receipt == receipt_id) & Allocation.entry.is_not_null())
            .order_by(Allocation.id)
        )
        for e in entries:
            await entry_reverse(
                entry_id=e["entry"],
                day=day,
                description=f"Anulare încasare: {reason}",
                by_name=by.name,
            )
        await Receipt.update(
            {
                Receipt.status: DocStatus.cancelled,
                Receipt.cancelled_at: datetime.now(UTC),
                Receipt.cancel_reason: reason,
            }
        ).where(Receipt.id == receipt_id)
        if receipt["full_number"]:  # the chitanță is printed again, stamped ANULAT
            enqueue_after_commit("render_receipt", receipt_id=receipt_id)
