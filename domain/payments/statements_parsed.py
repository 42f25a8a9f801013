"""A bank statement as read from a file (MT940 or CAMT.053), before anything is stored.

Pure. The parsers (statements_mt940.py, statements_camt.py) build these; the import
(statements.py) stores them. Amounts are signed: + money in (a collection), - money out.

Every line gets a bank reference, the key that keeps a line from being imported twice
(unique per bank account): the bank's own when the file has one; otherwise one derived
from the line's content (day, amount, counterparty, details) and its position among
identical lines of that day, prefixed with "~" so it can be told from a bank's. Overlapping
files that carry whole days derive the same references.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import NoReturn

from stdnum import iban as std_iban

from domain.core.errors import ValidationFailed

DERIVED = "~"  # the prefix of a reference we derived (the bank gave none)
MONEY_LIMIT = Decimal(10) ** 12  # what Numeric(18, 2) holds, with room


@dataclass(frozen=True, slots=True)
class ParsedLine:
    day: date  # booking date
    value_day: date | None
    amount: Decimal  # + credit (money in), - debit
    currency: str
    bank_reference: str = ""  # the bank's; "" until `with_references` derives one
    counterparty_name: str = ""
    counterparty_iban: str = ""
    text: str = ""  # the payment details, as the bank gives them


@dataclass(frozen=True, slots=True)
class ParsedStatement:
    file_format: str  # "mt940" | "camt053"
    reference: str  # the statement's identifier
    account: str  # the account as the file writes it
    iban: str  # the account's IBAN, compact; "" when the file names none
    currency: str
    day_from: date | None
    day_to: date | None
    opening: Decimal | None
    closing: Decimal | None
    lines: tuple[ParsedLine, ...]


def statement_invalid(code: str, message_ro: str, message_en: str, **details: object) -> NoReturn:
    raise ValidationFailed(code, message_ro, message_en, field="file", details=dict(details))


def money(text: str, where: str) -> Decimal:
    """An amount written in a statement (`1234,56` or `1234.56`), checked."""
    cleaned = text.strip().replace(",", ".")
    if not re.fullmatch(r"-?\d{1,15}(\.\d{0,5})?", cleaned):
        statement_invalid(
            "STATEMENT_AMOUNT_INVALID",
            f"Suma «{text.strip()[:30]}» din {where} nu este o sumă validă.",
            f"The amount «{text.strip()[:30]}» in {where} is not a valid amount.",
        )
    value = Decimal(cleaned)
    if abs(value) >= MONEY_LIMIT:
        statement_invalid(
            "STATEMENT_AMOUNT_INVALID",
            f"Suma {cleaned} din {where} este prea mare.",
            f"The amount {cleaned} in {where} is too large.",
        )
    return value


_IBAN_CANDIDATE = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9 ]{11,40}")


def find_iban(text: str) -> str:
    """The first valid IBAN in a text, compact ("" if none). Banks glue a currency or a
    BIC to it ("RO49AAAA1B31007593840000RON", "BTRLRO22/RO49..."): the longest valid
    prefix of a candidate wins."""
    for match in _IBAN_CANDIDATE.finditer(text.upper()):
        compact = match.group(0).replace(" ", "")
        for end in range(min(len(compact), 34), 14, -1):
            if std_iban.is_valid(compact[:end]):
                return compact[:end]
    return ""


def check_balance(statement: ParsedStatement) -> None:
    """Opening + lines = closing: a truncated or edited file does not add up."""
    if statement.opening is None or statement.closing is None:
        return
    total = statement.opening + sum((x.amount for x in statement.lines), Decimal(0))
    if total != statement.closing:
        statement_invalid(
            "STATEMENT_BALANCE_MISMATCH",
            f"Extrasul {statement.reference} nu se închide: soldul inițial {statement.opening} "
            f"plus mișcările dau {total}, dar soldul final din fișier este {statement.closing}. "
            "Fișierul pare incomplet; descărcați-l din nou de la bancă.",
            f"Statement {statement.reference} does not add up: opening {statement.opening} "
            f"plus the lines gives {total}, the file's closing balance is {statement.closing}.",
            statement=statement.reference,
        )


def _content_key(line: ParsedLine, extra: str) -> str:
    parts = (
        line.day.isoformat(),
        f"{line.amount:f}",
        line.currency,
        line.counterparty_iban,
        " ".join(line.counterparty_name.split()),
        " ".join(line.text.split()),
        extra,
    )
    return "\x1f".join(parts)


def with_references(account: str, lines: list[tuple[ParsedLine, str]]) -> tuple[ParsedLine, ...]:
    """Every line with its reference. `lines` pairs a line with what else the file says
    about it (a customer reference, an end-to-end id) for the derived key.

    A reference the bank repeats within the file (some banks reuse one for a transfer
    and its fee) gets "/2", "/3"... in file order, so no line is taken for another."""
    seen: dict[str, int] = {}
    out: list[ParsedLine] = []
    for line, extra in lines:
        reference = line.bank_reference.strip()
        if not reference:
            digest = hashlib.sha256(f"{account}\x1f{_content_key(line, extra)}".encode())
            reference = f"{DERIVED}{line.day:%Y%m%d}-{digest.hexdigest()[:24]}"
        seen[reference] = seen.get(reference, 0) + 1
        if seen[reference] > 1:
            reference = f"{reference}/{seen[reference]}"
        out.append(replace(line, bank_reference=reference[:120]))
    return tuple(out)
