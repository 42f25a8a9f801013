"""CAMT.053 statements (ISO 20022 BankToCustomerStatement, camt.053.001.02 and later).
Pure; xmltodict, namespace-agnostic (whatever version or prefix, elements are read by
their local names), entity declarations refused.

Only booked entries (Sts BOOK) are lines; pending and informative ones are not money on
the account. The counterparty is the debtor of a credit and the creditor of a debit. An
entry that books several transactions at once (a batch with one TxDtls per payer) becomes
one line per transaction when their amounts add up to the entry's. The line's reference
is the bank's AcctSvcrRef (the transaction's for a split batch); without one it is derived
(statements_parsed.py), with the end-to-end id in the content.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from xml.parsers.expat import ExpatError

import xmltodict

from domain.payments.statements_parsed import (
    ParsedLine,
    ParsedStatement,
    find_iban,
    money,
    statement_invalid,
    with_references,
)

FORMAT = "camt053"
_OPENING = ("OPBD", "PRCD")  # opening booked; previously closed booked (same figure)
_CLOSING = ("CLBD",)
_NOT_053 = {
    "BkToCstmrAcctRpt": "camt.052 (raport intrazilnic)",
    "BkToCstmrDbtCdtNtfctn": "camt.054 (notificare)",
}


def _local(_path: Any, key: str, value: Any) -> tuple[str, Any]:
    return key.rsplit(":", 1)[-1], value


def _list(node: Any, key: str) -> list[Any]:
    if not isinstance(node, dict):
        return []
    value = node.get(key)
    return value if isinstance(value, list) else ([] if value is None else [value])


def _get(node: Any, *path: str) -> Any:
    for key in path:
        found = _list(node, key)
        if not found:
            return None
        node = found[0]
    return node


def _scalar(value: Any) -> Any:
    while isinstance(value, list):  # force_list wraps text and attributes too
        value = value[0] if value else None
    return value


def _text(node: Any, *path: str) -> str:
    value = _get(node, *path) if path else node
    if isinstance(value, dict):
        value = _scalar(value.get("#text"))
    return " ".join(str(value or "").split())


def _currency(amount: Any) -> str:
    return str(_scalar(amount.get("@Ccy")) or "").upper() if isinstance(amount, dict) else ""


def _amount(node: Any, where: str) -> tuple[Decimal, str]:
    """(amount, currency) of an element holding Amt and CdtDbtInd, signed."""
    amt = _get(node, "Amt")
    if amt is None:
        statement_invalid(
            "STATEMENT_CAMT_INVALID",
            f"Lipsește suma (Amt) la {where}.",
            f"The amount (Amt) is missing at {where}.",
        )
    value = money(_text(amt), where)
    sign = _text(node, "CdtDbtInd")
    if sign not in {"CRDT", "DBIT"}:
        statement_invalid(
            "STATEMENT_CAMT_INVALID",
            f"Indicatorul credit/debit (CdtDbtInd) lipsește sau este greșit la {where}.",
            f"The credit/debit indicator (CdtDbtInd) is missing or wrong at {where}.",
        )
    return (value if sign == "CRDT" else -value), _currency(amt)


def _day(node: Any, where: str) -> date | None:
    text = _text(node, "Dt") or _text(node, "DtTm")
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        statement_invalid(
            "STATEMENT_CAMT_INVALID",
            f"Data «{text[:30]}» de la {where} nu este validă.",
            f"The date «{text[:30]}» at {where} is not valid.",
        )


def _tree(data: bytes) -> Any:
    try:
        tree = xmltodict.parse(data, force_list=True, disable_entities=True, postprocessor=_local)
    except ExpatError as exc:
        statement_invalid(
            "STATEMENT_CAMT_INVALID",
            f"Fișierul nu este un XML valid ({exc}).",
            f"The file is not well-formed XML ({exc}).",
        )
    except ValueError:  # an entity declaration
        statement_invalid(
            "STATEMENT_CAMT_INVALID",
            "XML-ul declară entități (DOCTYPE); un extras CAMT nu are așa ceva.",
            "The XML declares entities (DOCTYPE); a CAMT statement has none.",
        )
    document = _get(tree, "Document")
    body = _get(document, "BkToCstmrStmt")
    if body is None:
        other = next((n for k, n in _NOT_053.items() if _get(document, k) is not None), None)
        statement_invalid(
            "STATEMENT_CAMT_UNSUPPORTED",
            f"Fișierul este {other}, nu un extras de cont camt.053."
            if other
            else "Fișierul XML nu este un extras de cont camt.053 (BkToCstmrStmt).",
            "The XML is not a camt.053 statement (BkToCstmrStmt).",
        )
    return body


def _party(details: Any, credit: bool) -> tuple[str, str]:
    parties = _get(details, "RltdPties")
    who, account = ("Dbtr", "DbtrAcct") if credit else ("Cdtr", "CdtrAcct")
    party = _get(parties, who)
    # camt.053.001.08+ wraps the party in Pty; the older versions do not.
    name = _text(party, "Pty", "Nm") or _text(party, "Nm")
    iban = _text(parties, account, "Id", "IBAN") or find_iban(
        _text(parties, account, "Id", "Othr", "Id")
    )
    return name[:200], iban.replace(" ", "").upper()


def _remittance(details: Any) -> list[str]:
    info = _get(details, "RmtInf")
    texts = [_text(x) for x in _list(info, "Ustrd")]
    for structured in _list(info, "Strd"):
        texts.append(_text(structured, "CdtrRefInf", "Ref"))
        texts.extend(_text(x) for x in _list(structured, "AddtlRmtInf"))
    texts.append(_text(details, "AddtlTxInf"))
    return [t for t in texts if t]


def _refs(details: Any) -> tuple[str, str]:
    """(the bank's reference, what else identifies the transaction)."""
    refs = _get(details, "Refs")
    end_to_end = _text(refs, "EndToEndId")
    others = [_text(refs, k) for k in ("TxId", "InstrId", "MsgId", "PmtInfId")]
    if end_to_end.upper() != "NOTPROVIDED":
        others.append(end_to_end)
    return _text(refs, "AcctSvcrRef"), " ".join(x for x in others if x)


def _entry_lines(
    entry: Any, number: int, index: int, currency: str
) -> list[tuple[ParsedLine, str]]:
    where = f"mișcarea {index} a extrasului {number}"
    amount, entry_currency = _amount(entry, where)
    booked = _day(_get(entry, "BookgDt"), where) or _day(_get(entry, "ValDt"), where)
    if booked is None:
        statement_invalid(
            "STATEMENT_CAMT_INVALID",
            f"Lipsește data înregistrării (BookgDt) la {where}.",
            f"The booking date (BookgDt) is missing at {where}.",
        )
    value_day = _day(_get(entry, "ValDt"), where)
    transactions = [t for d in _list(entry, "NtryDtls") for t in _list(d, "TxDtls")]
    entry_reference = _text(entry, "AcctSvcrRef")
    entry_text = " ".join(x for x in (_text(entry, "AddtlNtryInf"),) if x)
    base = ParsedLine(
        day=booked, value_day=value_day, amount=amount, currency=entry_currency or currency
    )
    parts: list[tuple[Any, Decimal]] = []
    if len(transactions) > 1:
        for n, tx in enumerate(transactions, 1):
            if _get(tx, "Amt") is None and _get(tx, "AmtDtls", "TxAmt") is None:
                break
            holder = tx if _get(tx, "Amt") is not None else _get(tx, "AmtDtls", "TxAmt")
            value = money(_text(holder, "Amt"), f"{where}, tranzacția {n}")
            parts.append((tx, value if amount > 0 else -value))
        if sum((v for _, v in parts), Decimal(0)) != amount:
            parts = []
    if not parts:  # one line for the entry, with the details of its transactions
        name, iban = _party(transactions[0], amount > 0) if transactions else ("", "")
        reference, extra = _refs(transactions[0]) if len(transactions) == 1 else ("", "")
        texts = [t for tx in transactions for t in _remittance(tx)] + [entry_text]
        line = ParsedLine(
            day=base.day,
            value_day=base.value_day,
            amount=amount,
            currency=base.currency,
            bank_reference=entry_reference or reference,
            counterparty_name=name,
            counterparty_iban=iban,
            text=" ".join(t for t in texts if t),
        )
        return [(line, f"{_text(entry, 'NtryRef')} {extra}")]
    out = []
    for n, (tx, value) in enumerate(parts, 1):
        name, iban = _party(tx, value > 0)
        reference, extra = _refs(tx)
        if not reference and entry_reference:
            reference = f"{entry_reference}/{n}"
        line = ParsedLine(
            day=base.day,
            value_day=base.value_day,
            amount=value,
            currency=base.currency,
            bank_reference=reference,
            counterparty_name=name,
            counterparty_iban=iban,
            text=" ".join(t for t in [*_remittance(tx), entry_text] if t),
        )
        out.append((line, extra))
    return out


def _balance(statement: Any, codes: tuple[str, ...], number: int) -> Decimal | None:
    for code in codes:
        for balance in _list(statement, "Bal"):
            if _text(_get(balance, "Tp", "CdOrPrtry"), "Cd") == code:
                return _amount(balance, f"soldul {code} al extrasului {number}")[0]
    return None


def _statement(node: Any, number: int) -> ParsedStatement:
    account_node = _get(node, "Acct")
    iban = _text(account_node, "Id", "IBAN").replace(" ", "").upper()
    account = iban or _text(account_node, "Id", "Othr", "Id")
    if not account:
        statement_invalid(
            "STATEMENT_CAMT_INVALID",
            f"Extrasul {number} nu are contul (Acct/Id).",
            f"Statement {number} has no account (Acct/Id).",
            statement=number,
        )
    opening = _balance(node, _OPENING, number)
    closing = _balance(node, _CLOSING, number)
    currency = _text(account_node, "Ccy").upper() or _currency(_get(node, "Bal", "Amt"))
    lines: list[tuple[ParsedLine, str]] = []
    for index, entry in enumerate(_list(node, "Ntry"), 1):
        status = _text(entry, "Sts", "Cd") or _text(entry, "Sts")
        if status and status != "BOOK":
            continue
        lines.extend(_entry_lines(entry, number, index, currency))
    reference = _text(node, "Id") or "/".join(
        x for x in (_text(node, "ElctrncSeqNb"), _text(node, "CreDtTm")) if x
    )
    period = _get(node, "FrToDt")
    days = [x.day for x, _ in lines]
    day_from = _day_text(_text(period, "FrDtTm")) or min(days, default=None)
    day_to = _day_text(_text(period, "ToDtTm")) or max(days, default=None)
    return ParsedStatement(
        file_format=FORMAT,
        reference=(reference or f"{account}/{day_from}/{day_to}")[:80],
        account=account,
        iban=iban or find_iban(account),
        currency=currency or (lines[0][0].currency if lines else ""),
        day_from=day_from,
        day_to=day_to,
        opening=opening,
        closing=closing,
        lines=with_references(account, lines),
    )


def _day_text(text: str) -> date | None:
    try:
        return date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def parse_camt(data: bytes) -> list[ParsedStatement]:
    """Every statement (Stmt) of a camt.053 document; ValidationFailed when unreadable."""
    body = _tree(data)
    nodes = _list(body, "Stmt")
    if not nodes:
        statement_invalid(
            "STATEMENT_CAMT_INVALID",
            "Documentul camt.053 nu conține niciun extras (Stmt).",
            "The camt.053 document holds no statement (Stmt).",
        )
    return [_statement(node, n) for n, node in enumerate(nodes, 1)]
