"""The ageing report (scadențarul clienților): what each client still owes at a date, by how
long it is overdue — not due, 1-30, 31-60, 61-90, over 90 days — in lei (at the rate the
invoice was booked at) and in each invoice's currency.

Built on open_items(): an invoice is split into its instalments (Invoice.due_schedule);
what was paid or credited of it pays the oldest instalment first, so what is still open
sits in the latest ones and each piece ages by its own due date. The RON figure of an
invoice (what its receivable still holds) is shared over its pieces in proportion, the
last taking the rest. A net credit (a credit note correcting nothing, an overpayment)
ages as one negative piece at its due date.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from domain.core.money import q2
from domain.ledger.reports import company_exists
from domain.ledger.reports_csv import write_csv
from domain.org.permissions import Action, Actor, Area, require
from domain.payments.open_items import OpenItem, open_items
from domain.sales.queries import default_company_id
from tables.partners import Partner

ZERO = Decimal("0.00")
BUCKETS = ("not_due", "days_1_30", "days_31_60", "days_61_90", "over_90")
BUCKET_RO = {
    "not_due": "Nescadent",
    "days_1_30": "1–30 zile",
    "days_31_60": "31–60 zile",
    "days_61_90": "61–90 zile",
    "over_90": "Peste 90 de zile",
}
FILTERS = ("work_point", "team", "person")


def bucket_of(days_overdue: int) -> str:
    if days_overdue <= 0:
        return "not_due"
    if days_overdue <= 30:
        return "days_1_30"
    if days_overdue <= 60:
        return "days_31_60"
    return "days_61_90" if days_overdue <= 90 else "over_90"


@dataclass(frozen=True, slots=True)
class OpenPiece:
    """What is still open of one instalment of an invoice."""

    invoice_id: int
    full_number: str
    issue_date: date
    due: date
    days_overdue: int
    bucket: str
    currency: str
    amount: Decimal  # in the invoice's currency
    amount_ron: Decimal  # at the booked rate


def open_pieces(item: OpenItem, at: date) -> list[OpenPiece]:
    """The open instalments of an invoice (pure): paid and credited amounts settle the
    oldest instalments first."""
    if item.open <= 0 or not item.schedule:
        parts = [(item.due_date, item.open)]
    else:
        settled = sum((x.amount for x in item.schedule), ZERO) - item.open
        parts = []
        for index, x in enumerate(item.schedule):
            taken = min(max(settled, ZERO), x.amount)
            settled -= taken
            left = x.amount - taken
            if index == len(item.schedule) - 1 and settled < 0:
                left -= settled  # more open than scheduled (an old schedule): the last owes it
            if left != 0:
                parts.append((x.due, left))
    # The RON still booked, shared in proportion (cumulatively, so nothing drifts).
    out: list[OpenPiece] = []
    running = before = ZERO
    for due, amount in parts:
        running += amount
        ron_to_here = q2(item.open_ron * running / item.open) if item.open else item.open_ron
        days = (at - due).days
        out.append(
            OpenPiece(item.invoice_id, item.full_number, item.issue_date, due, days,
                      bucket_of(days), item.currency, amount, ron_to_here - before)
        )  # fmt: skip
        before = ron_to_here
    return out


def _zeros() -> dict[str, Decimal]:
    return {b: ZERO for b in (*BUCKETS, "total")}


def _add(target: dict[str, Decimal], bucket: str, amount: Decimal) -> None:
    target[bucket] += amount
    target["total"] += amount


@dataclass(frozen=True, slots=True)
class PartnerAgeing:
    partner_id: int
    name: str
    code: str  # CUI or CNP
    ron: dict[str, Decimal]  # per bucket and "total", lei at the booked rates
    currencies: dict[str, dict[str, Decimal]]  # per invoice currency, per bucket and "total"
    pieces: list[OpenPiece]


@dataclass(frozen=True, slots=True)
class Ageing:
    company: int
    at: date
    filters: dict[str, int | None]
    buckets: list[tuple[str, str]]  # (key, Romanian label), in order
    partners: list[PartnerAgeing]
    total_ron: dict[str, Decimal]
    total_currencies: dict[str, dict[str, Decimal]]
    invoices: int = 0
    notes: list[str] = field(default_factory=list)


def ageing_build(
    company_id: int,
    at: date,
    items: Iterable[OpenItem],
    names: Mapping[int, tuple[str, str]],
    filters: Mapping[str, int | None],
) -> Ageing:
    """The report from open items (pure): per partner, then the totals."""
    per_partner: dict[int, list[OpenPiece]] = defaultdict(list)
    count = 0
    for item in items:
        count += 1
        per_partner[item.partner_id].extend(open_pieces(item, at))
    total_ron = _zeros()
    total_currencies: dict[str, dict[str, Decimal]] = defaultdict(_zeros)
    partners = []
    for partner_id, pieces in per_partner.items():
        ron = _zeros()
        currencies: dict[str, dict[str, Decimal]] = defaultdict(_zeros)
        for p in pieces:
            _add(ron, p.bucket, p.amount_ron)
            _add(currencies[p.currency], p.bucket, p.amount)
            _add(total_ron, p.bucket, p.amount_ron)
            _add(total_currencies[p.currency], p.bucket, p.amount)
        name, code = names.get(partner_id, (f"Partener {partner_id}", ""))
        pieces.sort(key=lambda p: (p.due, p.full_number))
        partners.append(PartnerAgeing(partner_id, name, code, ron, dict(currencies), pieces))
    partners.sort(key=lambda p: (p.name.casefold(), p.partner_id))
    return Ageing(
        company=company_id, at=at, filters=dict(filters),
        buckets=[(b, BUCKET_RO[b]) for b in BUCKETS], partners=partners, total_ron=total_ron,
        total_currencies=dict(sorted(total_currencies.items())), invoices=count,
    )  # fmt: skip


async def ageing(
    *,
    by: Actor,
    at: date,
    company_id: int | None = None,
    partner_id: int | None = None,
    work_point: int | None = None,
    team: int | None = None,
    person: int | None = None,
) -> Ageing:
    """The ageing of the company's receivables at the end of `at`, filtered by partner and
    by the invoices' work point, team and person."""
    require(by, Area.payments, Action.read)
    if company_id is None:
        company_id = await default_company_id()
    else:
        await company_exists(company_id)
    filters = {"partner": partner_id, "work_point": work_point, "team": team, "person": person}
    items = await open_items(
        company_id=company_id, at=at, partner_ids=None if partner_id is None else [partner_id]
    )
    wanted = [
        x for x in items
        if all(filters[k] is None or getattr(x, k) == filters[k] for k in FILTERS)
    ]  # fmt: skip
    ids = sorted({x.partner_id for x in wanted})
    rows = (
        await Partner.select(Partner.id, Partner.name, Partner.cui, Partner.cnp).where(
            Partner.id.is_in(ids)
        )
        if ids
        else []
    )
    names = {r["id"]: (r["name"], r["cui"] or r["cnp"] or "") for r in rows}
    return ageing_build(company_id, at, wanted, names, filters)


def ageing_csv(report: Ageing, *, excel: bool = False) -> str:
    """Per partner: a row in lei (at the booked rates), then a row per invoice currency;
    the totals last."""
    header = ["partener", "cui_cnp", "moneda", *BUCKETS, "total"]
    rows: list[list[object]] = []

    def add(name: str, code: str, label: str, amounts: Mapping[str, Decimal]) -> None:
        rows.append([name, code, label, *(amounts[b] for b in (*BUCKETS, "total"))])

    for p in report.partners:
        add(p.name, p.code, "lei", p.ron)
        for currency, amounts in sorted(p.currencies.items()):
            add(p.name, p.code, currency, amounts)
    add("TOTAL", "", "lei", report.total_ron)
    for currency, amounts in report.total_currencies.items():
        add("TOTAL", "", currency, amounts)
    return write_csv(header, rows, excel)
