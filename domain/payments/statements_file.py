"""Which format a statement file is in, and its statements. Pure.

An XML document is read as CAMT.053, a text with SWIFT tags as MT940; anything else is
refused with a Romanian message (nothing is stored from a file that cannot be read). Every
statement must add up: opening + lines = closing.
"""

from __future__ import annotations

import re

from domain.payments.statements_camt import parse_camt
from domain.payments.statements_mt940 import parse_mt940
from domain.payments.statements_parsed import ParsedStatement, check_balance, statement_invalid

MAX_FILE_BYTES = 20 * 1024 * 1024  # a year of a busy account is a few MB


def statements_parse(data: bytes) -> list[ParsedStatement]:
    if len(data) > MAX_FILE_BYTES:
        statement_invalid(
            "STATEMENT_FILE_TOO_LARGE",
            f"Fișierul are {len(data) // 1024 // 1024} MB; se primesc cel mult "
            f"{MAX_FILE_BYTES // 1024 // 1024} MB. Împărțiți perioada în mai multe extrase.",
            f"The file is over {MAX_FILE_BYTES // 1024 // 1024} MB.",
        )
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if head == b"<":
        statements = parse_camt(data)
    elif re.search(rb"^:20:", data, re.MULTILINE) and re.search(rb"^:6[01]", data, re.MULTILINE):
        statements = parse_mt940(data)
    else:
        statement_invalid(
            "STATEMENT_FORMAT_UNKNOWN",
            "Fișierul nu este un extras de cont MT940 sau CAMT.053. Descărcați din internet "
            "banking extrasul în unul dintre aceste formate.",
            "The file is neither an MT940 nor a CAMT.053 statement.",
        )
    for statement in statements:
        check_balance(statement)
    return statements
