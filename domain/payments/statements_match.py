"""Who paid and for what: the proposal for a bank statement's credit line. Pure.

Evidence for a partner, each with its weight and a Romanian reason the accountant reads:
the payer's IBAN is one of the partner's accounts (40), an open invoice of the partner is
named in the details (35; series and number, with or without separators and leading
zeros: «FCT-00012», «fct 12», «FCT00012»), the partner's CUI is in the details (30), the
payer's name is the partner's (25, legal forms and diacritics aside; 15 when the partner's
name is only contained in it). The partner with the most evidence wins; a tie proposes no
partner.

What it pays: the invoices named (oldest first), else the one open invoice whose rest is
exactly the amount, else a few open invoices that add up to it exactly, else the oldest
first; an exact amount adds 25 (20 for a combination). What is left becomes an advance.
Only invoices in the line's currency are proposed. Without any partner evidence, an amount
that equals the rest of exactly one open invoice is proposed on its own (20), as a hint.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import combinations

from stdnum.ro import cui as ro_cui

from domain.org.geo import fold
from domain.payments.open_items import OpenItem

ZERO = Decimal("0.00")
W_IBAN, W_NUMBER, W_CUI, W_NAME, W_NAME_PART = 40, 35, 30, 25, 15
W_EXACT, W_COMBINATION, W_AMOUNT_ONLY = 25, 20, 20
COMBINATION_POOL = 12  # the oldest open invoices a combination is searched among
COMBINATION_SIZE = 4
_FILLER = {"NR", "NUMAR", "NO", "NUM"}  # «FCT nr. 12»
_LEGAL_FORMS = {"SRL", "SRLD", "SA", "SC", "PFA", "II", "IF", "SNC", "SCS", "SCA", "RA",
                "GMBH", "LTD", "LLC", "AG", "KFT", "SPA", "SAS", "SARL", "BV", "NV"}  # fmt: skip


@dataclass(frozen=True, slots=True)
class PartnerFacts:
    partner_id: int
    name: str
    cui: str = ""
    ibans: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class LineFacts:
    amount: Decimal
    currency: str
    counterparty_name: str = ""
    counterparty_iban: str = ""
    text: str = ""


@dataclass(frozen=True, slots=True)
class ProposedInvoice:
    invoice_id: int
    full_number: str
    currency: str
    open: Decimal
    amount: Decimal  # what the line pays of it, in its currency


@dataclass(frozen=True, slots=True)
class Proposal:
    partner_id: int | None = None
    partner_name: str = ""
    score: int = 0
    reasons: tuple[str, ...] = ()
    invoices: tuple[ProposedInvoice, ...] = ()
    advance: Decimal = ZERO

    def as_json(self) -> dict[str, object]:
        return {
            "partner": self.partner_id,
            "partner_name": self.partner_name,
            "score": self.score,
            "reasons": list(self.reasons),
            "invoices": [
                {
                    "invoice": x.invoice_id,
                    "number": x.full_number,
                    "currency": x.currency,
                    "open": f"{x.open:f}",
                    "amount": f"{x.amount:f}",
                }
                for x in self.invoices
            ],
            "advance": f"{self.advance:f}",
        }


# ------------------------------------------------------------------------ reading texts


def _tokens(text: str) -> list[str]:
    return re.findall(r"[A-Z]+|\d+", fold(text).upper())


def number_key(full_number: str) -> tuple[str, int] | None:
    """(series letters and digits, number) of «CJ-2026-00012» -> ("CJ2026", 12)."""
    match = re.fullmatch(r"(.*?)[\s\-/.]*(\d+)", full_number.strip())
    if not match:
        return None
    return "".join(_tokens(match.group(1))), int(match.group(2))


def invoice_keys(text: str) -> set[tuple[str, int]]:
    """Every (series, number) the text could name: each number with the one, two or three
    words or numbers written before it."""
    tokens = [t for t in _tokens(text) if t not in _FILLER]
    keys: set[tuple[str, int]] = set()
    for i, token in enumerate(tokens):
        if not token.isdigit() or len(token) > 12:
            continue
        for back in range(1, 4):
            if i - back < 0:
                break
            keys.add(("".join(tokens[i - back : i]), int(token)))
    return keys


def cuis_in(text: str) -> set[str]:
    """Valid Romanian CUIs written in a text (with or without RO)."""
    found = re.findall(r"(?<![0-9])(?:RO)?(\d{2,10})(?![0-9])", fold(text).upper())
    return {x.lstrip("0") for x in found if ro_cui.is_valid(x)}


def name_key(name: str) -> frozenset[str]:
    """A name's words without diacritics, legal forms and single letters (S.R.L.)."""
    return frozenset(t for t in _tokens(name) if len(t) > 1 and t not in _LEGAL_FORMS)


# ------------------------------------------------------------------------ the proposal


@dataclass(slots=True)
class _Evidence:
    score: int = 0
    reasons: list[str] = field(default_factory=list)
    numbered: list[OpenItem] = field(default_factory=list)


def _evidence(
    line: LineFacts, partners: Sequence[PartnerFacts], items: Sequence[OpenItem]
) -> dict[int, _Evidence]:
    out: dict[int, _Evidence] = {}
    keys = invoice_keys(line.text)
    cuis = cuis_in(line.text)
    payer = name_key(line.counterparty_name)
    words = payer | set(_tokens(line.text))
    for p in partners:
        found = _Evidence()
        if line.counterparty_iban and line.counterparty_iban in p.ibans:
            found.score += W_IBAN
            found.reasons.append(
                f"IBAN-ul plătitorului ({line.counterparty_iban}) este în conturile partenerului."
            )
        if p.cui and p.cui.lstrip("0") in cuis:
            found.score += W_CUI
            found.reasons.append(f"CUI-ul partenerului ({p.cui}) apare în detaliile plății.")
        own = name_key(p.name)
        if own and own == payer:
            found.score += W_NAME
            found.reasons.append(
                f"Numele plătitorului («{line.counterparty_name}») este al partenerului."
            )
        elif own and len("".join(own)) >= 4 and own <= words:
            found.score += W_NAME_PART
            found.reasons.append("Numele partenerului apare la plătitor sau în detalii.")
        if found.score:
            out[p.partner_id] = found
    for item in items:
        if item.open > ZERO and number_key(item.full_number) in keys:
            found = out.setdefault(item.partner_id, _Evidence())
            if not found.numbered:
                found.score += W_NUMBER
            found.numbered.append(item)
    for found in out.values():
        if found.numbered:
            numbers = ", ".join(x.full_number for x in found.numbered)
            found.reasons.append(f"Detaliile plății menționează factura {numbers}.")
    return out


def _take(line: LineFacts, items: Iterable[OpenItem]) -> list[ProposedInvoice]:
    """Oldest first, as much of each as the line still pays."""
    left = line.amount
    out: list[ProposedInvoice] = []
    for item in items:
        if left <= ZERO:
            break
        paid = min(item.open, left)
        out.append(
            ProposedInvoice(item.invoice_id, item.full_number, item.currency, item.open, paid)
        )
        left -= paid
    return out


def _exact_combination(amount: Decimal, items: Sequence[OpenItem]) -> list[OpenItem] | None:
    pool = items[:COMBINATION_POOL]
    for size in range(2, min(COMBINATION_SIZE, len(pool)) + 1):
        for combo in combinations(pool, size):
            if sum((x.open for x in combo), ZERO) == amount:
                return list(combo)
    return None


def _allocation(
    line: LineFacts, found: _Evidence, items: Sequence[OpenItem]
) -> tuple[list[ProposedInvoice], int, str]:
    """(invoices, extra score, reason) for the partner's open items in the line's currency."""
    numbered = [x for x in found.numbered if x.currency == line.currency]
    if numbered:
        total = sum((x.open for x in numbered), ZERO)
        if total == line.amount:
            return (
                _take(line, numbered),
                W_EXACT,
                "Suma este exact restul de plată al facturilor menționate.",
            )
        return _take(line, numbered), 0, ""
    exact = [x for x in items if x.open == line.amount]
    if exact:
        return (
            _take(line, exact[:1]),
            W_EXACT,
            f"Suma este exact restul de plată al facturii {exact[0].full_number}.",
        )
    combo = _exact_combination(line.amount, items)
    if combo:
        numbers = ", ".join(x.full_number for x in combo)
        return _take(line, combo), W_COMBINATION, f"Suma acoperă exact facturile {numbers}."
    if items:
        return (
            _take(line, items),
            0,
            "Suma nu se potrivește cu nicio factură: propunem facturile cele mai vechi.",
        )
    return [], 0, ""


def propose(
    line: LineFacts, partners: Sequence[PartnerFacts], items: Sequence[OpenItem]
) -> Proposal:
    """The proposal for a credit line; `items` are the company's open items (oldest due
    first), `partners` those the query found for this line (by IBAN, CUI, name, invoice)."""
    if line.amount <= ZERO:
        return Proposal()
    evidence = _evidence(line, partners, items)
    names = {p.partner_id: p.name for p in partners}
    if not evidence:
        same = [x for x in items if x.open == line.amount and x.currency == line.currency]
        if len(same) != 1:
            return Proposal(reasons=("Nu am găsit plătitorul printre parteneri.",))
        item = same[0]
        return Proposal(
            partner_id=item.partner_id,
            partner_name=names.get(item.partner_id, ""),
            score=W_AMOUNT_ONLY,
            reasons=(
                f"Doar suma se potrivește: este exact restul de plată al facturii "
                f"{item.full_number}. Verificați plătitorul.",
            ),
            invoices=tuple(_take(line, [item])),
        )
    ranked = sorted(evidence.items(), key=lambda kv: -kv[1].score)
    if len(ranked) > 1 and ranked[0][1].score == ranked[1][1].score:
        tied = ", ".join(names.get(pid, f"nr. {pid}") for pid, _ in ranked[:3])
        return Proposal(reasons=(f"Mai mulți parteneri se potrivesc la fel: {tied}. Alegeți.",))
    partner_id, found = ranked[0]
    own = [
        x
        for x in items
        if x.partner_id == partner_id and x.open > ZERO and x.currency == line.currency
    ]
    invoices, extra, reason = _allocation(line, found, own)
    allocated = sum((x.amount for x in invoices), ZERO)
    reasons = [*found.reasons, *([reason] if reason else [])]
    advance = line.amount - allocated
    if advance > ZERO:
        reasons.append(f"Rămân {advance:f} {line.currency} ca avans (419).")
    return Proposal(
        partner_id=partner_id,
        partner_name=names.get(partner_id, ""),
        score=min(100, found.score + extra),
        reasons=tuple(reasons),
        invoices=tuple(invoices),
        advance=advance,
    )
