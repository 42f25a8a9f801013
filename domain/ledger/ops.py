"""Writing the ledger: an entry is posted inside the transaction of the document it
books (never from a hook), balanced, into an open period, to accounts that exist; then it
never changes. A correction is a new entry (a storno, `entry_reverse`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from domain.core.errors import Conflict, NotFound, ValidationFailed
from domain.core.money import q2
from domain.core.tx import require_tx
from domain.ledger.rules import (
    Dimensions,
    PostLine,
    check_balanced,
    mirror,
    month_of,
    without_zero,
)
from tables.choices import EntryKind, PostingRole
from tables.ledger import JournalEntry, JournalLine

# A role whose account may be the partner's own analytic (Parteneri › roluri › cont).
PARTNER_ROLE_OF = {PostingRole.receivable: "client", PostingRole.payable: "supplier"}


def _marks(values: Sequence[Any]) -> str:
    return ", ".join("{}" for _ in values) or "NULL"


async def _accounts(
    company_id: int, day: date, lines: Sequence[PostLine]
) -> tuple[dict[tuple[str, str], dict[str, Any]], bool]:
    """Every account the lines need, and whether the month is closed: one query."""
    roles = sorted({str(x.account) for x in lines if isinstance(x.account, PostingRole)})
    codes = sorted({x.account for x in lines if not isinstance(x.account, PostingRole)})
    partners = sorted(
        {x.partner for x in lines if x.partner is not None and x.account in PARTNER_ROLE_OF}
    )
    columns = "a.id, a.code, a.active, a.third_party"
    rows = await JournalEntry.raw(
        f"SELECT 'role' AS k, m.role AS key, {columns} FROM cont_implicit m "
        "JOIN cont_contabil a ON a.company = m.company AND a.code = m.account "
        f"WHERE m.company = {{}} AND m.role IN ({_marks(roles)}) "
        f"UNION ALL SELECT 'code', a.code, {columns} FROM cont_contabil a "
        f"WHERE a.company = {{}} AND a.code IN ({_marks(codes)}) "
        f"UNION ALL SELECT r.role, CAST(r.partner AS VARCHAR(20)), {columns} "
        "FROM rol_partener r JOIN cont_contabil a ON a.company = {} AND a.code = r.account "
        f"WHERE r.partner IN ({_marks(partners)}) AND r.role IN ('client', 'supplier') "
        "UNION ALL SELECT 'closed', '', COUNT(*), '', MIN(company) = 0, MIN(company) = 0 "
        "FROM perioada_inchisa WHERE company = {} AND month = {}",
        company_id, *roles, company_id, *codes, company_id, *partners, company_id,
        month_of(day),
    )  # fmt: skip
    found = {(r["k"], r["key"]): r for r in rows if r["k"] != "closed"}
    closed = next(r["id"] for r in rows if r["k"] == "closed") > 0
    return found, closed


def _resolve(
    line: PostLine, i: int, found: dict[tuple[str, str], dict[str, Any]]
) -> dict[str, Any]:
    if isinstance(line.account, PostingRole):
        own = PARTNER_ROLE_OF.get(line.account)
        account = own and line.partner is not None and found.get((own, str(line.partner)))
        account = account or found.get(("role", str(line.account)))
        if account is None:
            raise ValidationFailed(
                "ACCOUNT_MAPPING_MISSING",
                f"Nu este ales contul pentru «{line.account}» (Contabilitate › Conturi implicite).",
                f"No account mapped for role {line.account}.",
                details={"role": str(line.account)},
            )
    else:
        account = found.get(("code", line.account))
        if account is None:
            raise ValidationFailed(
                "ACCOUNT_UNKNOWN",
                f"Linia {i + 1}: contul {line.account} nu există în planul de conturi.",
                f"Account {line.account} does not exist.",
                field=f"lines[{i}].account",
            )
    if not account["active"]:
        raise ValidationFailed(
            "ACCOUNT_INACTIVE", f"Contul {account['code']} este inactiv.",
            field=f"lines[{i}].account",
        )  # fmt: skip
    if account["third_party"] and line.partner is None:
        raise ValidationFailed(
            "ACCOUNT_PARTNER_REQUIRED",
            f"Linia {i + 1}: contul {account['code']} cere partenerul.",
            field=f"lines[{i}].partner",
        )
    return account


async def entry_post(
    *,
    company_id: int,
    day: date,
    kind: EntryKind,
    lines: Sequence[PostLine],
    source_type: str = "",
    source_id: int | None = None,
    reference: str = "",
    description: str = "",
    reverses: int | None = None,
    by_name: str = "",
) -> int:
    """Write one balanced entry; inside the caller's transaction (three statements)."""
    require_tx()
    lines = without_zero(lines)
    check_balanced(lines)
    # The entry first, then the look for a closed month: on PostgreSQL closing a month
    # locks the entries' table, so a posting either waits for the close (and then sees
    # it) or is waited for (domain/ledger/manual.period_close).
    (entry,) = await JournalEntry.raw(
        _ENTRY_INSERT, company_id, day, kind, source_type, source_id, reference[:40],
        description[:300], reverses, datetime.now(UTC), by_name[:150],
    )  # fmt: skip
    entry_id = entry["id"]
    found, closed = await _accounts(company_id, day, lines)
    if closed:
        raise Conflict(
            "PERIOD_CLOSED",
            f"Luna {day:%m.%Y} este închisă: nu se mai înregistrează nimic în ea. "
            "Redeschideți luna (Contabilitate › Perioade închise) sau alegeți altă dată.",
            f"{day:%Y-%m} is closed.",
            details={"month": f"{day:%Y-%m}"},
        )
    accounts = [_resolve(line, i, found)["id"] for i, line in enumerate(lines)]
    await JournalLine.raw(
        _LINE_INSERT + ", ".join(_LINE_ROW for _ in lines),
        *(v for x, a in zip(lines, accounts, strict=True)
          for v in _row(entry_id, company_id, day, x, a)),
    )  # fmt: skip
    return entry_id


async def entry_lines(entry_id: int) -> tuple[dict[str, Any], list[PostLine]]:
    """An entry as it was posted, its lines back as PostLines (by account code)."""
    entry = await JournalEntry.select().where(JournalEntry.id == entry_id).first()
    if entry is None:
        raise NotFound("ENTRY_NOT_FOUND", f"Nota contabilă nr. {entry_id} nu există.")
    rows = (
        await JournalLine.select(
            JournalLine.all_columns(), JournalLine.account.code.as_alias("account_code")
        )
        .where(JournalLine.entry == entry_id)
        .order_by(JournalLine.id)
    )
    return entry, [_post_line(r) for r in rows]


# Plain INSERTs, not Piccolo's table objects and their insert: for the 15 lines of a
# 5-line invoice those cost ~3.4 ms of Python (15 JournalLine objects, then compiling
# their INSERT), as much as all the statements of the issue together; now ~0.9 ms
# (docs/benchmarks.md, issuing an invoice). Same columns, same values.
_ENTRY_INSERT = (
    "INSERT INTO nota_contabila (company, day, kind, source_type, source_id, reference, "
    "description, reverses, created_at, created_by) "
    "VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}) RETURNING id"
)
_LINE_INSERT = (
    "INSERT INTO linie_nota (entry, company, day, account, debit, credit, currency, "
    "currency_amount, partner, article, description, work_point, cost_centre, department, "
    "team, person, pos, contract) VALUES "
)
_LINE_ROW = "(" + ", ".join("{}" for _ in range(18)) + ")"


def _row(entry: int, company: int, day: date, x: PostLine, account: int) -> tuple[Any, ...]:
    """The values of one line, in _LINE_INSERT's order."""
    return (
        entry, company, day, account, x.debit, x.credit, x.currency, x.currency_amount,
        x.partner, x.article, x.description[:200], x.dims.work_point, x.dims.cost_centre,
        x.dims.department, x.dims.team, x.dims.person, x.dims.pos, x.dims.contract,
    )  # fmt: skip


def _post_line(r: dict[str, Any]) -> PostLine:
    return PostLine(
        account=r["account_code"], debit=q2(r["debit"]), credit=q2(r["credit"]),
        partner=r["partner"], currency=r["currency"],
        currency_amount=q2(r["currency_amount"]), article=r["article"],
        description=r["description"],
        dims=Dimensions(r["work_point"], r["cost_centre"], r["department"], r["team"],
                        r["person"], r["pos"], r["contract"]),
    )  # fmt: skip


async def entry_reverse(
    *, entry_id: int, day: date, description: str = "", by_name: str = ""
) -> int:
    """The storno of an entry: same accounts and sides, negative amounts, on `day`."""
    require_tx()
    entry, lines = await entry_lines(entry_id)
    return await entry_post(
        company_id=entry["company"], day=day, kind=EntryKind.reversal,
        lines=mirror(lines), source_type=entry["source_type"], source_id=entry["source_id"],
        reference=entry["reference"], reverses=entry_id, by_name=by_name,
        description=description or f"Stornare: {entry['description']}",
    )  # fmt: skip
