"""Bank statements read: the proposals for credit lines (the query behind the pure rules of
statements_match.py), statements and lines as the API and the review page show them."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from domain.core.money import from_minor, q2
from domain.core.search import contains_pattern
from domain.ledger.reports import as_date, bani, marks
from domain.org.permissions import Action, Actor, Area, require
from domain.payments.open_items import open_items
from domain.payments.statements_match import (
    LineFacts,
    PartnerFacts,
    Proposal,
    cuis_in,
    invoice_keys,
    name_key,
    number_key,
    propose,
)
from tables.choices import EntryKind, StatementLineStatus
from tables.ledger import JournalEntry
from tables.partners import Partner, PartnerBankAccount
from tables.payments import BankStatement, BankStatementLine

CARD_SETTLEMENT = "card_settlement"  # a card settlement's entry: source type, line id
NAME_CANDIDATES = 50  # partners a payer's name may bring in, per name
PAGE_LIMIT = 500


def _name_pattern(name: str) -> str | None:
    """LIKE pattern for the payer's longest word, each letter that Romanian writes with a
    diacritic (ă â î ș ț, cedilla or comma) left open: «DISTRIBUTIE» finds «Distribuție»."""
    words = sorted(name_key(name), key=len, reverse=True)
    if not words or len(words[0]) < 4:
        return None
    return contains_pattern(re.sub("[AIST]", "_", words[0]))


async def _partners(
    company_lines: Sequence[LineFacts], numbered_partner_ids: set[int]
) -> list[PartnerFacts]:
    ibans = sorted({x.counterparty_iban for x in company_lines if x.counterparty_iban})
    cuis = sorted({c for x in company_lines for c in cuis_in(x.text)})
    ids: set[int] = set(numbered_partner_ids)
    if ibans:
        rows = await PartnerBankAccount.select(PartnerBankAccount.partner).where(
            PartnerBankAccount.iban.is_in(ibans)
        )
        ids |= {r["partner"] for r in rows}
    if cuis:
        rows = await Partner.select(Partner.id).where(Partner.cui.is_in(cuis))
        ids |= {r["id"] for r in rows}
    for pattern in {p for x in company_lines if (p := _name_pattern(x.counterparty_name))}:
        rows = (
            await Partner.select(Partner.id)
            .where(Partner.name.ilike(pattern))
            .limit(NAME_CANDIDATES)
        )
        ids |= {r["id"] for r in rows}
    if not ids:
        return []
    partners = await Partner.select(Partner.id, Partner.name, Partner.cui).where(
        Partner.id.is_in(sorted(ids))
    )
    accounts = await PartnerBankAccount.select(
        PartnerBankAccount.partner, PartnerBankAccount.iban
    ).where(PartnerBankAccount.partner.is_in(sorted(ids)))
    by_partner: dict[int, set[str]] = {}
    for a in accounts:
        by_partner.setdefault(a["partner"], set()).add(a["iban"].replace(" ", "").upper())
    return [
        PartnerFacts(p["id"], p["name"], p["cui"] or "", frozenset(by_partner.get(p["id"], ())))
        for p in partners
    ]


async def proposals_for(*, company_id: int, at: date, lines: Sequence[LineFacts]) -> list[Proposal]:
    """A proposal per line (an empty one for debits), from what is open at `at`."""
    credits = [x for x in lines if x.amount > 0]
    if not credits:
        return [Proposal() for _ in lines]
    items = await open_items(company_id=company_id, at=at)
    keys = {k for x in credits for k in invoice_keys(x.text)}
    numbered = {x.partner_id for x in items if number_key(x.full_number) in keys}
    partners = await _partners(credits, numbered)
    return [propose(x, partners, items) if x.amount > 0 else Proposal() for x in lines]


# ------------------------------------------------------------------------ lists


def proposal_json(raw: Any) -> dict[str, Any]:
    value = (json.loads(raw) if raw.strip() else {}) if isinstance(raw, str) else raw
    return value if isinstance(value, dict) else {}


async def card_settlements_of(line_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """The card settlements booked from these lines (domain/payments/card_settlements.py):
    per line, its entry and gross (what left 5125)."""
    if not line_ids:
        return {}
    rows = await JournalEntry.raw(
        f"SELECT e.source_id AS line, e.id AS entry, SUM({bani('l.credit')}) AS gross "
        "FROM nota_contabila e JOIN linie_nota l ON l.entry = e.id "
        "WHERE e.source_type = {} AND e.kind = {} "
        f"AND e.source_id IN ({marks(list(line_ids))}) "
        "GROUP BY e.source_id, e.id",
        CARD_SETTLEMENT, EntryKind.card_settlement, *line_ids,
    )  # fmt: skip
    return {r["line"]: {"entry": r["entry"], "gross": from_minor(int(r["gross"]))} for r in rows}


async def line_rows(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Lines as the API and the page show them, a card settlement with its fee."""
    settled = await card_settlements_of(
        [r["id"] for r in rows if r["status"] == StatementLineStatus.confirmed and not r["receipt"]]
    )
    out = []
    for r in rows:
        row = line_row(r)
        if (found := settled.get(r["id"])) is not None:
            row["card_settlement"] = {**found, "fee": found["gross"] - row["amount"]}
        out.append(row)
    return out


def line_row(r: dict[str, Any]) -> dict[str, Any]:
    """A line as the API and the page show it (`card_settlement`: see line_rows)."""
    return {
        "id": r["id"],
        "statement": r["statement"],
        "bank_account": r["bank_account"],
        "bank_reference": r["bank_reference"],
        "day": as_date(r["day"]),
        "value_day": as_date(r["value_day"]) if r["value_day"] else None,
        "amount": q2(r["amount"]),
        "currency": r["currency"],
        "counterparty_name": r["counterparty_name"],
        "counterparty_iban": r["counterparty_iban"],
        "text": r["text"],
        "status": r["status"],
        "partner": r["partner"],
        "proposal": proposal_json(r["proposal"]),
        "receipt": r["receipt"],
        "card_settlement": None,
    }


async def statement_lines(
    *,
    company_id: int,
    by: Actor,
    statuses: Sequence[str] = (),
    statement_id: int | None = None,
    credits_only: bool = False,
    limit: int = PAGE_LIMIT,
) -> list[dict[str, Any]]:
    """Lines of the company, newest day first (then as imported)."""
    require(by, Area.payments, Action.read)
    query = BankStatementLine.select().where(BankStatementLine.company == company_id)
    if statuses:
        query = query.where(BankStatementLine.status.is_in(list(statuses)))
    if statement_id is not None:
        query = query.where(BankStatementLine.statement == statement_id)
    if credits_only:
        query = query.where(BankStatementLine.amount > 0)
    rows = (
        await query.order_by(BankStatementLine.day, ascending=False)
        .order_by(BankStatementLine.id)
        .limit(min(limit, PAGE_LIMIT))
    )
    return await line_rows(rows)


async def statement_line_get(line_id: int) -> dict[str, Any] | None:
    row = await BankStatementLine.select().where(BankStatementLine.id == line_id).first()
    return (await line_rows([row]))[0] if row else None


async def statements_list(*, company_id: int, by: Actor, limit: int = 100) -> list[dict[str, Any]]:
    require(by, Area.payments, Action.read)
    rows = (
        await BankStatement.select()
        .where(BankStatement.company == company_id)
        .order_by(BankStatement.id, ascending=False)
        .limit(min(limit, PAGE_LIMIT))
    )
    counts = await BankStatementLine.raw(
        "SELECT statement, status, COUNT(*) AS n FROM linie_extras WHERE company = {} "
        "GROUP BY statement, status",
        company_id,
    )
    per: dict[int, dict[str, int]] = {}
    for c in counts:
        per.setdefault(c["statement"], {})[c["status"]] = int(c["n"])
    return [
        {
            "id": r["id"],
            "bank_account": r["bank_account"],
            "reference": r["reference"],
            "file_format": r["file_format"],
            "file_name": r["file_name"],
            "currency": r["currency"],
            "day_from": as_date(r["day_from"]) if r["day_from"] else None,
            "day_to": as_date(r["day_to"]) if r["day_to"] else None,
            "opening": q2(r["opening"]) if r["opening"] is not None else None,
            "closing": q2(r["closing"]) if r["closing"] is not None else None,
            "lines": {str(s): per.get(r["id"], {}).get(str(s), 0) for s in StatementLineStatus},
        }
        for r in rows
    ]


def line_facts(row: dict[str, Any]) -> LineFacts:
    return LineFacts(
        amount=q2(row["amount"]),
        currency=row["currency"],
        counterparty_name=row["counterparty_name"],
        counterparty_iban=row["counterparty_iban"],
        text=row["text"],
    )
