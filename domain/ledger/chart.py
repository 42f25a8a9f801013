"""The chart of accounts of a company and the accounts its posting rules use.

Every company gets the general chart of OMFP 1802/2014 (synthetic accounts of grade I
and II, from the project's own file `data/plan_conturi.csv`) and a default account for
every posting role, when it is created (`chart_setup`, idempotent). The company then
adds its analytic accounts (4111.01: the synthetic account, a dot, the analytic) and may
choose other default accounts; synthetic accounts are never deleted, only deactivated.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from domain.core.errors import Conflict, NotFound, ValidationFailed
from domain.core.search import contains_pattern
from domain.core.tx import is_sqlite, write_tx
from domain.org.permissions import Action, Actor, Area, require
from tables.choices import AccountKind, PostingRole
from tables.ledger import Account, AccountMapping, JournalLine
from tables.org import Company

CHART_FILE = Path(__file__).parent / "data" / "plan_conturi.csv"
CODE_MAX_LENGTH = 20  # Account.code, PartnerRole.account

# The accounts ARCHITECTURE.md §4 and ro-fiscal.md §3 post to. Products go to 7015, not
# to 701: an account of grade I that has accounts of grade II is not posted to directly.
DEFAULT_ACCOUNTS: dict[PostingRole, str] = {
    PostingRole.receivable: "4111",
    PostingRole.doubtful: "4118",
    PostingRole.advance_received: "419",
    PostingRole.to_invoice: "418",
    PostingRole.vat_collected: "4427",
    PostingRole.vat_pending: "4428",
    PostingRole.revenue_goods: "707",
    PostingRole.revenue_product: "7015",
    PostingRole.revenue_service: "704",
    PostingRole.revenue_rent: "706",
    PostingRole.revenue_utility: "704",
    PostingRole.revenue_other: "708",
    PostingRole.discount_granted: "709",
    PostingRole.cost_goods: "607",
    PostingRole.stock_goods: "371",
    PostingRole.cost_product: "711",
    PostingRole.stock_product: "345",
    PostingRole.payable: "401",
    PostingRole.vat_deductible: "4426",
    PostingRole.vat_self_invoice: "635",
    PostingRole.cash: "5311",
    PostingRole.cash_currency: "5314",
    PostingRole.bank: "5121",
    PostingRole.bank_currency: "5124",
    PostingRole.card_settlement: "5125",
    PostingRole.bank_fees: "627",
    PostingRole.fx_loss: "6651",
    PostingRole.fx_gain: "7651",
}

ROLE_RO: dict[PostingRole, str] = {
    PostingRole.receivable: "Clienți",
    PostingRole.doubtful: "Clienți incerți",
    PostingRole.advance_received: "Avansuri încasate de la clienți",
    PostingRole.to_invoice: "Clienți - facturi de întocmit",
    PostingRole.vat_collected: "TVA colectată",
    PostingRole.vat_pending: "TVA neexigibilă",
    PostingRole.revenue_goods: "Venituri din mărfuri",
    PostingRole.revenue_product: "Venituri din produse finite",
    PostingRole.revenue_service: "Venituri din servicii",
    PostingRole.revenue_rent: "Venituri din chirii",
    PostingRole.revenue_utility: "Venituri din utilități refacturate",
    PostingRole.revenue_other: "Alte venituri (majorări pe document)",
    PostingRole.discount_granted: "Reduceri comerciale acordate",
    PostingRole.cost_goods: "Costul mărfurilor vândute",
    PostingRole.stock_goods: "Stoc de mărfuri",
    PostingRole.cost_product: "Costul produselor vândute",
    PostingRole.stock_product: "Stoc de produse finite",
    PostingRole.payable: "Furnizori",
    PostingRole.vat_deductible: "TVA deductibilă",
    PostingRole.vat_self_invoice: "TVA din autofacturare",
    PostingRole.cash: "Casa în lei",
    PostingRole.cash_currency: "Casa în valută",
    PostingRole.bank: "Bancă, cont în lei",
    PostingRole.bank_currency: "Bancă, cont în valută",
    PostingRole.card_settlement: "Încasări cu cardul în curs de decontare",
    PostingRole.bank_fees: "Comisioane bancare",
    PostingRole.fx_loss: "Diferențe nefavorabile de curs",
    PostingRole.fx_gain: "Diferențe favorabile de curs",
}


@dataclass(frozen=True, slots=True)
class ChartAccount:
    """One synthetic account of the general chart."""

    code: str
    name: str
    account_class: int
    kind: AccountKind
    third_party: bool


@cache
def official_chart() -> tuple[ChartAccount, ...]:
    with CHART_FILE.open(encoding="utf-8", newline="") as f:
        return tuple(
            ChartAccount(
                code=row["code"],
                name=row["name"],
                account_class=int(row["account_class"]),
                kind=AccountKind(row["kind"]),
                third_party=row["third_party"] == "1",
            )
            for row in csv.DictReader(f)
        )


@cache
def official_codes() -> frozenset[str]:
    return frozenset(a.code for a in official_chart())


@cache
def group_accounts() -> dict[str, tuple[str, ...]]:
    """Accounts of grade I divided into grade II (411 -> 4111, 4118): posted to through
    their subdivisions only."""
    groups: dict[str, list[str]] = {}
    for account in official_chart():
        if len(account.code) == 4:
            groups.setdefault(account.code[:3], []).append(account.code)
    return {code: tuple(children) for code, children in groups.items()}


def check_postable(code: str, *, field: str = "account") -> None:
    """Refuses a grade-I account that has grade-II ones (411: use 4111 or 4118)."""
    children = group_accounts().get(code)
    if children:
        raise ValidationFailed(
            "ACCOUNT_IS_GROUP",
            f"Contul {code} se dezvoltă pe conturi de gradul II ({', '.join(children)}); "
            "alegeți unul dintre ele.",
            f"Account {code} is divided into {', '.join(children)}; use one of them.",
            field=field,
        )


# ------------------------------------------------------------------------------ set-up


async def chart_setup(company_id: int) -> tuple[int, int]:
    """The general chart and the default accounts for a company: whatever is missing,
    in one insert each. Returns (accounts added, default accounts added)."""
    async with write_tx():
        have = {
            r["code"]
            for r in await Account.select(Account.code).where(Account.company == company_id)
        }
        accounts = [a for a in official_chart() if a.code not in have]
        if accounts:
            await _insert_accounts(company_id, accounts)
        mapped = {
            r["role"]
            for r in await AccountMapping.select(AccountMapping.role).where(
                AccountMapping.company == company_id
            )
        }
        # A role added to PostingRole without a default here is left for the company to
        # choose (tests/domain/test_chart.py fails until it has one).
        mappings = [
            AccountMapping(company=company_id, role=role, account=DEFAULT_ACCOUNTS[role])
            for role in PostingRole
            if role not in mapped and role in DEFAULT_ACCOUNTS
        ]
        if mappings:
            await AccountMapping.insert(*mappings)
    return len(accounts), len(mappings)


COMPANY = "<company>"  # no name holds "<", nor the "{}" Piccolo's raw() would fill in


def _sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _values(accounts: Sequence[ChartAccount]) -> str:
    """SQLite: the VALUES rows of `accounts`, with COMPANY for the company. Written out as
    literals: the data is our own file, and Piccolo's query building with 3,850
    parameters cost more than the insert itself (0.1 s a company; every test company
    gets the chart)."""
    return ", ".join(
        f"({COMPANY}, {_sql_text(a.code)}, {_sql_text(a.name)}, {a.account_class}, "
        f"{_sql_text(a.kind.value)}, '', {'TRUE' if a.third_party else 'FALSE'}, TRUE)"
        for a in accounts
    )


@cache
def _all_values() -> str:
    return _values(official_chart())


async def _insert_accounts(company_id: int, accounts: Sequence[ChartAccount]) -> None:
    columns = "company, code, name, account_class, kind, parent, third_party, active"
    if not is_sqlite():
        # Five arrays: a short statement to parse, whatever the number of accounts.
        await Account.raw(
            f"INSERT INTO cont_contabil ({columns}) SELECT {{}}, code, name, cls, kind, '', "
            "tp, TRUE FROM unnest({}::text[], {}::text[], {}::int[], {}::text[], {}::bool[]) "
            "AS x(code, name, cls, kind, tp)",
            company_id, [a.code for a in accounts], [a.name for a in accounts],
            [a.account_class for a in accounts], [a.kind.value for a in accounts],
            [a.third_party for a in accounts],
        )  # fmt: skip
        return
    every = len(accounts) == len(official_chart())  # a new company, the usual case
    rows = (_all_values() if every else _values(accounts)).replace(COMPANY, str(int(company_id)))
    await Account.raw(f"INSERT INTO cont_contabil ({columns}) VALUES {rows}")


async def chart_setup_all() -> int:
    """`catastif init`: every company gets what it lacks of the chart; the accounts added."""
    added = 0
    for row in await Company.select(Company.id).order_by(Company.id):
        accounts, _ = await chart_setup(row["id"])
        added += accounts
    return added


async def default_company() -> int:
    """The company, when the installation has exactly one (most do)."""
    rows = await Company.select(Company.id).order_by(Company.id).limit(2)
    if len(rows) != 1:
        raise ValidationFailed(
            "COMPANY_REQUIRED",
            "Precizați firma (company): instalarea are mai multe firme sau niciuna.",
            "Say which company.",
            field="company",
        )
    return rows[0]["id"]


async def company_exists(company_id: int) -> None:
    if not await Company.exists().where(Company.id == company_id):
        raise NotFound("COMPANY_NOT_FOUND", f"Firma nr. {company_id} nu există.", field="company")


# ------------------------------------------------------------------------------ accounts


def split_code(code: str) -> tuple[str, str]:
    """(synthetic, analytic) of a code typed as 4111 or 4111.01; refuses other shapes."""
    synthetic, dot, analytic = code.partition(".")
    if (
        not code.isascii()
        or len(code) > CODE_MAX_LENGTH
        or not (synthetic.isdigit() and 3 <= len(synthetic) <= 4)
        or (dot and not analytic.isalnum())
    ):
        raise ValidationFailed(
            "ACCOUNT_INVALID",
            f"Contul «{code}» nu are forma unui cont din planul de conturi "
            "(ex. 4111 sau analiticul 4111.01).",
            f"«{code}» is not an account code (e.g. 4111 or 4111.01).",
            field="code",
        )
    return synthetic, analytic


def _name(values: Mapping[str, Any]) -> str:
    name = " ".join(str(values.get("name") or "").split())
    if not name:
        raise ValidationFailed(
            "ACCOUNT_NAME_REQUIRED",
            "Completați denumirea contului (ex. numele clientului, pentru 4111.01).",
            "Account name required.",
            field="name",
        )
    return name[:200]


async def _company_of(values: Mapping[str, Any]) -> int:
    company = values.get("company")
    if company in (None, ""):
        return await default_company()
    company_id = int(company)
    await company_exists(company_id)
    return company_id


async def _refuse_if_default(company_id: int, code: str) -> None:
    """A default account must stay usable: refuse to deactivate or delete it."""
    roles = [
        ROLE_RO.get(PostingRole(r["role"]), r["role"])
        for r in await AccountMapping.select(AccountMapping.role).where(
            (AccountMapping.company == company_id) & (AccountMapping.account == code)
        )
    ]
    if roles:
        raise Conflict(
            "ACCOUNT_IN_USE",
            f"Contul {code} este cont implicit pentru: {', '.join(roles)}. Alegeți întâi alt "
            "cont (Contabilitate › Conturi implicite).",
            f"Account {code} is a default account.",
            field="active",
        )


async def account_prepare(
    values: Mapping[str, Any], *, by: Actor, account_id: int | None = None
) -> dict[str, Any]:
    """A new analytic account (class, function and partner rule from its synthetic
    parent), or the changes allowed to an existing account: its name, whether it is
    active and whether it needs a partner. Codes never change once created."""
    require(by, Area.ledger, Action.write)
    if account_id is not None:
        return await _account_change(values, account_id)
    company_id = await _company_of(values)
    code = str(values.get("code") or "").strip()
    synthetic, analytic = split_code(code)
    if not analytic:
        if code in official_codes():
            raise Conflict(
                "ACCOUNT_DUPLICATE", f"Contul {code} există deja în planul de conturi.",
                field="code",
            )  # fmt: skip
        raise ValidationFailed(
            "ACCOUNT_NOT_ANALYTIC",
            f"Contul {code} nu este în planul de conturi general; se adaugă doar conturi "
            "analitice, de forma 4111.01 (contul sintetic, punct, analiticul).",
            f"Only analytic accounts (e.g. 4111.01) can be added; {code} is not in the chart.",
            field="code",
        )
    check_postable(synthetic, field="code")
    parent = await Account.select().where(
        (Account.company == company_id) & (Account.code == synthetic)
    ).first()  # fmt: skip
    if parent is None:
        raise ValidationFailed(
            "ACCOUNT_PARENT_MISSING",
            f"Contul sintetic {synthetic} nu există în planul de conturi al firmei.",
            f"Synthetic account {synthetic} does not exist.",
            field="code",
        )
    if await Account.exists().where((Account.company == company_id) & (Account.code == code)):
        raise Conflict("ACCOUNT_DUPLICATE", f"Contul {code} există deja.", field="code")
    return {
        "company": company_id,
        "code": code,
        "name": _name(values),
        "account_class": parent["account_class"],
        "kind": parent["kind"],
        "parent": synthetic,
        "third_party": parent["third_party"],
        "active": bool(values.get("active", True)),
    }


async def _account_change(values: Mapping[str, Any], account_id: int) -> dict[str, Any]:
    current = await Account.select().where(Account.id == account_id).first()
    if current is None:
        raise NotFound("ACCOUNT_NOT_FOUND", f"Contul nr. {account_id} nu există.")
    for fixed in ("company", "code"):
        if fixed in values and str(values[fixed]) != str(current[fixed]):
            raise Conflict(
                "ACCOUNT_CODE_FIXED",
                f"Codul și firma contului {current['code']} nu se schimbă; adăugați un cont "
                "analitic nou și dezactivați-l pe acesta.",
                f"The code and company of account {current['code']} do not change.",
                field=fixed,
            )
    active = bool(values.get("active", current["active"]))
    if current["active"] and not active:
        await _refuse_if_default(current["company"], current["code"])
    # Class and function stay those of the official chart (or of the parent).
    return {
        **{k: current[k] for k in ("company", "code", "account_class", "kind", "parent")},
        "name": _name(values) if "name" in values else current["name"],
        "third_party": bool(values.get("third_party", current["third_party"])),
        "active": active,
    }


async def account_create(*, values: Mapping[str, Any], by: Actor) -> int:
    async with write_tx():
        prepared = await account_prepare(values, by=by)
        account = Account(**prepared)
        await account.save()
    return account.id


async def account_delete_check(account_id: int, *, by: Actor) -> None:
    """Only an unused analytic account is deleted; the others are deactivated."""
    require(by, Area.ledger, Action.write)
    row = await Account.select().where(Account.id == account_id).first()
    if row is None:
        raise NotFound("ACCOUNT_NOT_FOUND", f"Contul nr. {account_id} nu există.")
    if not row["parent"]:
        raise Conflict(
            "ACCOUNT_OFFICIAL",
            f"Contul {row['code']} face parte din planul de conturi general și nu se șterge; "
            "îl puteți dezactiva.",
            f"Account {row['code']} belongs to the general chart.",
        )
    if await JournalLine.exists().where(JournalLine.account == account_id):
        raise Conflict(
            "ACCOUNT_HAS_ENTRIES",
            f"Contul {row['code']} are înregistrări contabile și nu se șterge; îl puteți "
            "dezactiva.",
            f"Account {row['code']} has journal lines.",
        )
    await _refuse_if_default(row["company"], row["code"])


async def account_get(account_id: int, *, by: Actor) -> dict[str, Any]:
    require(by, Area.ledger, Action.read)
    row = await Account.select().where(Account.id == account_id).first()
    if row is None:
        raise NotFound("ACCOUNT_NOT_FOUND", f"Contul nr. {account_id} nu există.")
    return row


async def account_page(
    *,
    by: Actor,
    company_id: int,
    q: str = "",
    after: str | None = None,
    limit: int = 50,
    active_only: bool = False,
) -> tuple[list[dict[str, Any]], bool]:
    """Accounts of a company by code; `q` matches the start of the code or any part of
    the name ("411", "clienți")."""
    require(by, Area.ledger, Action.read)
    query = Account.select().where(Account.company == company_id)
    q = q.strip()
    if q:
        prefix = q.replace("%", "").replace("_", "") + "%"
        query = query.where(Account.code.like(prefix) | Account.name.ilike(contains_pattern(q)))
    if active_only:
        query = query.where(Account.active == True)  # noqa: E712 - a column comparison
    if after is not None:
        query = query.where(Account.code > after)
    rows = await query.order_by(Account.code).limit(limit + 1)
    return rows[:limit], len(rows) > limit


# ------------------------------------------------------------------------------ defaults


async def mapping_prepare(
    values: Mapping[str, Any], *, by: Actor, mapping_id: int | None = None
) -> dict[str, Any]:
    """A default account: a role, and an active, postable account of the company."""
    require(by, Area.ledger, Action.write)
    company_id = await _company_of(values)
    try:
        role = PostingRole(str(values.get("role") or ""))
    except ValueError:
        raise ValidationFailed(
            "ROLE_INVALID", f"Rolul «{values.get('role')}» nu există.", field="role"
        ) from None
    code = str(values.get("account") or "").strip()
    if not code:
        raise ValidationFailed("FIELD_REQUIRED", "Alegeți contul.", field="account")
    split_code(code)
    check_postable(code)
    row = await Account.select(Account.active).where(
        (Account.company == company_id) & (Account.code == code)
    ).first()  # fmt: skip
    if row is None:
        raise ValidationFailed(
            "ACCOUNT_UNKNOWN",
            f"Contul {code} nu există în planul de conturi al firmei.",
            f"Account {code} does not exist.",
            field="account",
        )
    if not row["active"]:
        raise ValidationFailed(
            "ACCOUNT_INACTIVE", f"Contul {code} este inactiv.", field="account"
        )  # fmt: skip
    return {"company": company_id, "role": role, "account": code}
