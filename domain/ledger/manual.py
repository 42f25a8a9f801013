"""What the accountant books by hand: manual journal entries (note contabile) for what no
document covers, closing and reopening months, and moving a client to doubtful (4118).

Everything goes through `entry_post`, so the same invariants hold as for documents:
balanced, accounts that exist and are active, a partner on third-party accounts, no
posting into a closed month.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from piccolo.table import Table

from domain.core.clock import today
from domain.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from domain.core.money import from_minor, input_decimal, q2
from domain.core.tx import is_sqlite, write_tx
from domain.ledger.chart import DEFAULT_ACCOUNTS, check_postable, company_exists, split_code
from domain.ledger.ops import entry_post
from domain.ledger.rules import Dimensions, PostLine, month_of
from domain.org.permissions import Action, Actor, Area, require
from tables.catalog import Article
from tables.choices import EntryKind, PostingRole, Role
from tables.ledger import AccountMapping, ClosedPeriod, JournalEntry, JournalLine
from tables.org import CostCentre, Department, Person, Team, WorkPoint
from tables.partners import Partner, PartnerRole
from tables.pos import PointOfSale

ZERO = Decimal("0.00")

# The dimensions a line may carry, and the table whose row (of the same company) each names.
DIMENSION_TABLES: dict[str, type[Table]] = {
    "work_point": WorkPoint,
    "cost_centre": CostCentre,
    "department": Department,
    "team": Team,
    "person": Person,
    "pos": PointOfSale,
}
DIMENSION_RO = {
    "work_point": "Punctul de lucru",
    "cost_centre": "Centrul de cost",
    "department": "Departamentul",
    "team": "Echipa",
    "person": "Persoana",
    "pos": "Punctul de vânzare",
}


# ------------------------------------------------------------------------------ entries


def _id(value: Any, field: str) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not str(value).strip().isdigit():
        raise ValidationFailed(
            "ID_INVALID", f"«{value}» nu este un număr de înregistrare.", field=field
        )  # fmt: skip
    number = int(str(value).strip())
    if not 1 <= number <= 2_147_483_647:
        raise ValidationFailed("ID_INVALID", f"Numărul {number} nu există.", field=field)
    return number


def _amount(value: Any, field: str) -> Decimal:
    if value in (None, ""):
        return ZERO
    number = input_decimal(value, field)
    if number != q2(number):
        raise ValidationFailed(
            "ENTRY_AMOUNT_PRECISION", "Sumele au cel mult 2 zecimale.", field=field
        )  # fmt: skip
    return q2(number)


def _line(raw: Mapping[str, Any], i: int) -> PostLine:
    """One line as typed (account code, debit or credit, partner, dimensions)."""
    field = f"lines[{i}]"
    code = str(raw.get("account") or "").strip()
    if not code:
        raise ValidationFailed(
            "FIELD_REQUIRED", f"Linia {i + 1}: completați contul.", field=f"{field}.account"
        )  # fmt: skip
    synthetic, _ = split_code(code)
    check_postable(code, field=f"{field}.account")
    if synthetic.startswith("80"):
        raise ValidationFailed(
            "ACCOUNT_OFF_BALANCE",
            f"Linia {i + 1}: contul {code} este în afara bilanțului; se ține în partidă "
            "simplă, nu în note contabile.",
            f"Account {code} is off-balance sheet.",
            field=f"{field}.account",
        )
    currency = str(raw.get("currency") or "RON").strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        raise ValidationFailed(
            "CURRENCY_INVALID", f"Moneda «{currency}» nu este un cod ISO (RON, EUR).",
            field=f"{field}.currency",
        )  # fmt: skip
    dims = {name: _id(raw.get(name), f"{field}.{name}") for name in DIMENSION_TABLES}
    return PostLine(
        account=code,
        debit=_amount(raw.get("debit"), f"{field}.debit"),
        credit=_amount(raw.get("credit"), f"{field}.credit"),
        partner=_id(raw.get("partner"), f"{field}.partner"),
        currency=currency,
        currency_amount=_amount(raw.get("currency_amount"), f"{field}.currency_amount"),
        article=_id(raw.get("article"), f"{field}.article"),
        description=" ".join(str(raw.get("description") or "").split())[:200],
        dims=Dimensions(**dims, contract=_id(raw.get("contract"), f"{field}.contract")),
    )


async def check_references(company_id: int, lines: Sequence[PostLine]) -> None:
    """Partners, articles and dimensions named by the lines exist (dimensions in this
    company): the database would refuse them with an error nobody can read."""
    wanted: list[tuple[str, type[Table], set[int], str]] = [
        ("partner", Partner, {x.partner for x in lines} - {None}, "Partenerul"),
        ("article", Article, {x.article for x in lines} - {None}, "Articolul"),
    ]
    wanted += [
        (name, table, {getattr(x.dims, name) for x in lines} - {None}, DIMENSION_RO[name])
        for name, table in DIMENSION_TABLES.items()
    ]
    for name, table, ids, what in wanted:
        if not ids:
            continue
        key = table._meta.primary_key
        query = table.select(key).where(key.is_in(sorted(ids)))
        if name in DIMENSION_TABLES:  # dimensions belong to a company
            query = query.where(table._meta.get_column_by_name("company") == company_id)
        for missing in sorted(ids - {r["id"] for r in await query}):
            where = " în această firmă" if name in DIMENSION_TABLES else ""
            raise ValidationFailed(
                "REFERENCE_NOT_FOUND",
                f"{what} nr. {missing} nu există{where}.",
                f"{name} {missing} does not exist.",
                field=name,
            )


async def manual_entry_create(
    *,
    company_id: int,
    day: date,
    description: str,
    lines: Sequence[Mapping[str, Any]],
    by: Actor,
    reference: str = "",
) -> int:
    """A manual journal entry (notă contabilă): balanced, into an open month."""
    require(by, Area.ledger, Action.write)
    description = " ".join((description or "").split())
    if not description:
        raise ValidationFailed(
            "ENTRY_DESCRIPTION_REQUIRED",
            "Completați explicația notei contabile (ce se înregistrează și de ce).",
            "An explanation is required.",
            field="description",
        )
    if not lines:
        raise ValidationFailed("ENTRY_EMPTY", "Nota contabilă nu are nicio linie.", field="lines")
    post_lines = [_line(raw, i) for i, raw in enumerate(lines)]
    async with write_tx():
        await company_exists(company_id)
        await check_references(company_id, post_lines)
        return await entry_post(
            company_id=company_id, day=day, kind=EntryKind.manual, lines=post_lines,
            reference=reference.strip(), description=description, by_name=by.name,
        )  # fmt: skip


async def journal_entry_get(entry_id: int, *, by: Actor) -> dict[str, Any]:
    """An entry with its lines (account code and name on each)."""
    require(by, Area.ledger, Action.read)
    entry = await JournalEntry.select().where(JournalEntry.id == entry_id).first()
    if entry is None:
        raise NotFound("ENTRY_NOT_FOUND", f"Nota contabilă nr. {entry_id} nu există.")
    columns = JournalLine.all_columns(
        exclude=[JournalLine.entry, JournalLine.company, JournalLine.day]
    )
    entry["lines"] = (
        await JournalLine.select(
            *columns,
            JournalLine.account.code.as_alias("account_code"),
            JournalLine.account.name.as_alias("account_name"),
        )
        .where(JournalLine.entry == entry_id)
        .order_by(JournalLine.id)
    )
    return entry


# ------------------------------------------------------------------------------ periods


def _month_ro(month: date) -> str:
    return f"{month:%m.%Y}"


async def period_close(*, company_id: int, month: date, by: Actor) -> bool:
    """Close a month: nothing is posted with a date in it any more. False if it was
    closed already. A month that has not begun cannot be closed."""
    require(by, Area.ledger, Action.write)
    month = month_of(month)
    if month > month_of(today()):
        raise ValidationFailed(
            "PERIOD_FUTURE",
            f"Luna {_month_ro(month)} nu a început încă; se închide doar o lună trecută "
            "sau cea curentă.",
            f"{month:%Y-%m} has not begun.",
            field="month",
        )
    async with write_tx():
        await company_exists(company_id)
        if not is_sqlite():
            # Wait for the postings in flight and hold new ones until this commits: a
            # posting writes its entry before it looks for closed months (entry_post),
            # so none can slip into the month being closed. SQLite's writers are serial.
            await ClosedPeriod.raw("LOCK TABLE nota_contabila IN SHARE MODE")
        if await ClosedPeriod.exists().where(
            (ClosedPeriod.company == company_id) & (ClosedPeriod.month == month)
        ):  # fmt: skip
            return False
        await ClosedPeriod(company=company_id, month=month, closed_by=by.name[:150]).save()
    return True


async def period_reopen(*, company_id: int, month: date, by: Actor) -> None:
    """Reopen a closed month: administrators only (the books of that month change)."""
    require(by, Area.ledger, Action.write)
    if by.is_machine or by.role is not Role.admin:
        raise Forbidden(
            "PERIOD_REOPEN_ADMIN_ONLY",
            "Doar un administrator poate redeschide o lună închisă.",
            "Only an administrator may reopen a closed month.",
        )
    month = month_of(month)
    async with write_tx():
        deleted = await ClosedPeriod.delete().where(
            (ClosedPeriod.company == company_id) & (ClosedPeriod.month == month)
        ).returning(ClosedPeriod.id)  # fmt: skip
    if not deleted:
        raise Conflict(
            "PERIOD_NOT_CLOSED",
            f"Luna {_month_ro(month)} nu este închisă.",
            f"{month:%Y-%m} is not closed.",
            field="month",
        )


async def closed_months(*, company_id: int, by: Actor) -> list[date]:
    require(by, Area.ledger, Action.read)
    rows = await ClosedPeriod.select(ClosedPeriod.month).where(
        ClosedPeriod.company == company_id
    ).order_by(ClosedPeriod.month)  # fmt: skip
    return [r["month"] for r in rows]


# ------------------------------------------------------------------------------ doubtful


async def _mapped(company_id: int, role: PostingRole) -> str:
    row = await AccountMapping.select(AccountMapping.account).where(
        (AccountMapping.company == company_id) & (AccountMapping.role == role)
    ).first()  # fmt: skip
    return row["account"] if row else DEFAULT_ACCOUNTS[role]


async def receivable_balances(*, company_id: int, partner_id: int, day: date) -> dict[str, Decimal]:
    """What the client owes on the receivable account (4111) and its analytics at the
    end of `day`, per account code; exact on both engines (sums of bani)."""
    root, _ = split_code(await _mapped(company_id, PostingRole.receivable))
    rows = await JournalLine.raw(
        "SELECT a.code AS code, SUM(CAST(ROUND(l.debit * 100) AS BIGINT)) AS debit, "
        "SUM(CAST(ROUND(l.credit * 100) AS BIGINT)) AS credit "
        "FROM linie_nota l JOIN cont_contabil a ON a.id = l.account "
        "WHERE l.company = {} AND l.partner = {} AND l.day <= {} "
        "AND (a.code = {} OR a.parent = {}) GROUP BY a.code ORDER BY a.code",
        company_id, partner_id, day, root, root,
    )  # fmt: skip
    return {r["code"]: from_minor(int(r["debit"] or 0) - int(r["credit"] or 0)) for r in rows}


async def doubtful_reclassify(
    *,
    partner_id: int,
    amount: Decimal | None,
    day: date | None,
    by: Actor,
    company_id: int,
) -> int:
    """Move what a client owes (all of it, or `amount`) from 4111 to doubtful clients
    (4118): `4118 = 4111`, an entry of its own (reclass), on `day`."""
    require(by, Area.ledger, Action.write)
    day = day or today()
    async with write_tx():
        await company_exists(company_id)
        partner = await Partner.select(Partner.id, Partner.name).where(
            Partner.id == partner_id
        ).first()  # fmt: skip
        if partner is None:
            raise NotFound("PARTNER_NOT_FOUND", f"Partenerul nr. {partner_id} nu există.")
        own = await PartnerRole.select(PartnerRole.account).where(
            (PartnerRole.partner == partner_id) & (PartnerRole.role == "client")
        ).first()  # fmt: skip
        balances = await receivable_balances(company_id=company_id, partner_id=partner_id,
                                             day=day)  # fmt: skip
        # The client's own account first (4111.01), then the others it still owes on.
        first = own["account"] if own else ""
        order = sorted((c for c, v in balances.items() if v > 0), key=lambda c: (c != first, c))
        total = sum((balances[c] for c in order), ZERO)
        if total <= 0:
            raise Conflict(
                "NO_RECEIVABLE",
                f"Clientul «{partner['name']}» nu are de plătit nimic pe contul de clienți "
                f"la {day:%d.%m.%Y}.",
                f"{partner['name']} owes nothing on {day}.",
                field="partner",
            )
        wanted = total if amount is None else _amount(amount, "amount")
        if wanted <= 0 or wanted > total:
            raise ValidationFailed(
                "RECLASS_AMOUNT_INVALID",
                f"Suma trebuie să fie pozitivă și cel mult soldul clientului ({total} lei).",
                f"The amount must be positive and at most the balance ({total}).",
                field="amount",
                details={"balance": str(total)},
            )
        credits: list[PostLine] = []
        left = wanted
        for code in order:
            take = min(left, balances[code])
            credits.append(PostLine(account=code, credit=take, partner=partner_id))
            left -= take
            if left == 0:
                break
        doubtful = await _mapped(company_id, PostingRole.doubtful)
        return await entry_post(
            company_id=company_id, day=day, kind=EntryKind.reclass,
            lines=[PostLine(account=doubtful, debit=wanted, partner=partner_id), *credits],
            reference=partner["name"][:40],
            description=f"Trecere la clienți incerți: {partner['name']}",
            by_name=by.name,
        )  # fmt: skip
