"""MT940 statements (SWIFT), as Romanian banks export them. Pure.

The `mt-940` library reads the tags (:20: :25: :28C: :60F: :61: :62F:); what it cannot
know is how each bank fills :86:, the payment details. Romanian banks use the German
layout of numbered sub-fields, each with its own separator and habits:

- `?` (the German original; BT, BCR): `166?00INCASARE?20FACT FCT 12?31RO49...?32ALFA SRL`;
- `~` (ING): fixed-width sub-fields wrapped anywhere, even inside the IBAN, the name in
  ~32 and the IBAN in ~33;
- `+` (BRD): `000+20Plata +30<CUI>+31<IBAN>+32<name>+33/`, details in +23..+27.

So: the lines of :86: are joined, the separator is the character after the optional
3-digit transaction code, ?00 and ?20-?29/?60-?63 are the details, ?30-?33 hold the
counterparty (its IBAN wherever a valid one is, the name in ?32 and ?33 unless that is
the IBAN). A free-text :86: keeps its text, and a valid IBAN in it is the counterparty's.
A :86: after the closing balance (ING, BRD: the account owner, blocked sums) describes
the statement, not the last line, and is dropped. Files come as UTF-8 or Windows-1250.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from mt940.models import Transactions
from mt940.options import Options

from domain.payments.statements_parsed import (
    ParsedLine,
    ParsedStatement,
    find_iban,
    money,
    statement_invalid,
    with_references,
)

FORMAT = "mt940"
_TAG = re.compile(r"^:(?P<tag>\d{2}[A-Z]?|NS|[A-Z]{2}):", re.MULTILINE)
# Tags a statement may carry (anything else, like BRD's :OS:, is dropped).
_KNOWN = {"13D", "20", "21", "25", "28", "28C", "34F", "60F", "60M", "61", "62F", "62M",
          "64", "65", "86", "90C", "90D", "NS"}  # fmt: skip
_LINE_TAGS = {"61", "86"}
_ENVELOPE = re.compile(r"\{[1-35]:[^{}]*\}|\{4:|^-\}?\s*$", re.MULTILINE)
_SUBFIELDS = re.compile(r"^\s*(?P<code>\d{3})?(?P<sep>[?~+])\d{2}")
_DETAIL_CODES = {"00", *(f"2{d}" for d in range(10)), "60", "61", "62", "63"}
_PARTY_CODES = ("30", "31", "32", "33")
_SWIFT_LINE = 65  # a wrapped :86: line is full at 65 characters


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1250, the Romanian banks' code page."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1250", errors="replace")
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _chunks(text: str) -> list[str]:
    """One text per statement (each starts at :20:), the SWIFT envelope removed and each
    statement's tags checked for place: :86: only right after :61: (or another :86:)."""
    text = _ENVELOPE.sub("", text)
    starts = [m.start() for m in re.finditer(r"^:20:", text, re.MULTILINE)]
    out: list[str] = []
    for start, end in zip(starts, [*starts[1:], len(text)], strict=True):
        tags = list(_TAG.finditer(text, start, end))
        kept: list[str] = []
        previous = ""
        for i, match in enumerate(tags):
            tag = match.group("tag")
            stop = tags[i + 1].start() if i + 1 < len(tags) else end
            if tag == "86" and previous not in _LINE_TAGS:
                continue  # statement-level information
            if tag not in _KNOWN:
                if previous == "86":  # a continuation line of :86: that looks like a tag
                    kept[-1] += text[match.start() : stop]
                continue
            kept.append(text[match.start() : stop])
            previous = tag
        out.append("".join(part if part.endswith("\n") else part + "\n" for part in kept))
    return out


def details(raw: str) -> tuple[str, str, str]:
    """(counterparty name, counterparty IBAN, details text) from a :86: field."""
    lines = [x.rstrip() for x in raw.split("\n") if x.strip()]
    joined = "".join(lines)
    structured = _SUBFIELDS.match(joined)
    if not structured:
        text = _wrapped(lines)
        return "", find_iban(text), " ".join(text.split())
    sep = re.escape(structured.group("sep"))
    fields: dict[str, list[str]] = {}
    for match in re.finditer(rf"{sep}(\d{{2}})((?:(?!{sep}\d{{2}}).)*)", joined):
        fields.setdefault(match.group(1), []).append(match.group(2))

    def value(code: str) -> str:
        return " ".join("".join(fields.get(code, [])).strip(structured.group("sep")).split())

    text = " ".join(v for c in sorted(fields) if c in _DETAIL_CODES and (v := value(c)))
    party = {c: value(c) for c in _PARTY_CODES}
    iban = next((i for c in _PARTY_CODES if (i := find_iban(party[c].replace(" ", "")))), "")
    names = [
        party[c]
        for c in ("32", "33")
        if party[c] and party[c] != "/" and not find_iban(party[c].replace(" ", ""))
    ]
    return " ".join(names)[:200], iban, text


def _wrapped(lines: list[str]) -> str:
    out = ""
    previous = ""
    for line in lines:
        out += line if not out or len(previous) >= _SWIFT_LINE else " " + line
        previous = line
    return out


def _parse_chunk(chunk: str, number: int) -> ParsedStatement:
    transactions = Transactions(
        processors={"post_transaction_details": []},  # the raw :86:, read by `details`
        options=Options.all(),
    )
    try:
        transactions.parse(chunk)
    # What the library raises for a tag it cannot read (a bad date is a ValueError).
    except (RuntimeError, ValueError, KeyError, IndexError, TypeError, ArithmeticError) as exc:
        # A tag that does not match its pattern comes as (message, tag, value).
        args = exc.args
        shown = args[2] if len(args) == 3 and isinstance(args[2], str) else str(exc)
        tag = getattr(args[1], "id", "") if len(args) == 3 else ""
        where = f"câmpul :{tag}: " if tag else ""
        statement_invalid(
            "STATEMENT_MT940_INVALID",
            f"Extrasul nr. {number} din fișierul MT940 nu poate fi citit: {where}"
            f"«{shown[:80]}» nu are forma cerută.",
            f"Statement {number} of the MT940 file cannot be read: {where}«{shown[:80]}».",
            statement=number,
        )
    data = transactions.data
    account = str(data.get("account_identification") or "").strip()
    opening = data.get("final_opening_balance") or data.get("intermediate_opening_balance")
    closing = data.get("final_closing_balance") or data.get("intermediate_closing_balance")
    missing = [
        name
        for name, value in ((":25: (contul)", account), (":60F: (soldul inițial)", opening))
        if not value
    ]
    if missing:
        statement_invalid(
            "STATEMENT_MT940_INVALID",
            f"Extrasul nr. {number} din fișierul MT940 nu are {', '.join(missing)}.",
            f"Statement {number} of the MT940 file lacks {', '.join(missing)}.",
            statement=number,
        )
    currency = str(opening.amount.currency or "").upper()
    lines: list[tuple[ParsedLine, str]] = []
    for transaction in transactions:
        lines.append(_line(transaction.data, currency, number))
    reference = "/".join(
        str(x)
        for x in (
            data.get("transaction_reference"),
            data.get("statement_number"),
            data.get("sequence_number"),
            opening.date,
        )
        if x
    )
    days = [x.day for x, _ in lines]
    return ParsedStatement(
        file_format=FORMAT,
        reference=reference[:80],
        account=account,
        iban=find_iban(account.replace(" ", "")),
        currency=currency,
        day_from=min(days, default=_as_date(opening.date)),
        day_to=max(days, default=_as_date(closing.date if closing else opening.date)),
        opening=_amount(opening, "soldul inițial (:60F:)"),
        closing=_amount(closing, "soldul final (:62F:)") if closing else None,
        lines=with_references(account, lines),
    )


def _as_date(value: Any) -> date | None:
    return date(value.year, value.month, value.day) if value else None


def _amount(balance: Any, where: str) -> Decimal:
    return money(str(balance.amount.amount), where)


def _line(data: dict[str, Any], currency: str, number: int) -> tuple[ParsedLine, str]:
    if "amount" not in data or "date" not in data:
        statement_invalid(
            "STATEMENT_MT940_INVALID",
            f"Extrasul nr. {number}: o mișcare (:61:) nu are sumă sau dată.",
            f"Statement {number}: a line (:61:) has no amount or date.",
            statement=number,
        )
    value_day = _as_date(data["date"])
    booked = _as_date(data.get("entry_date")) or value_day
    assert booked is not None
    name, iban, text = details(str(data.get("transaction_details") or ""))
    extra = " ".join(str(data.get("extra_details") or "").split())
    bank_reference = str(data.get("bank_reference") or "").strip()
    customer_reference = str(data.get("customer_reference") or "").strip()
    line = ParsedLine(
        day=booked,
        value_day=value_day,
        amount=money(str(data["amount"].amount), "o mișcare (:61:)"),
        currency=currency,
        bank_reference="" if bank_reference.upper() == "NONREF" else bank_reference,
        counterparty_name=name,
        counterparty_iban=iban,
        text=f"{text} {extra}".strip() if extra not in text else text,
    )
    return line, f"{data.get('id') or ''} {customer_reference}"


def parse_mt940(data: bytes) -> list[ParsedStatement]:
    """Every statement of an MT940 file; ValidationFailed when one cannot be read."""
    chunks = _chunks(decode(data))
    if not chunks:
        statement_invalid(
            "STATEMENT_MT940_INVALID",
            "Fișierul nu conține niciun extras MT940 (lipsește câmpul :20:).",
            "The file holds no MT940 statement (no :20: field).",
        )
    return [_parse_chunk(chunk, n) for n, chunk in enumerate(chunks, 1)]
