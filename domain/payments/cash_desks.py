"""Cash desks (casierii): the checks shared by the admin's save hooks and the domain's
writes, and the account a desk's money is booked on.

A desk's account is the one its register book (registrul de casă) reads: every line of
that account is an in or out of that desk. So an account belongs to one active desk at a
time (two desks on 5311 would print each other's money in their books), a lei desk books
on 5311 or an analytic of it, a currency desk on 5314 or one of its analytics, and an
empty account means the company's default (Contabilitate › Conturi implicite: «cash» for
lei, «cash_currency» for other currencies).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domain.core.errors import Conflict, NotFound, ValidationFailed
from domain.core.tx import write_tx
from domain.ledger.chart import DEFAULT_ACCOUNTS, company_exists, default_company, split_code
from domain.org.permissions import Action, Actor, Area, require
from tables.choices import DocType, PostingRole
from tables.ledger import Account, AccountMapping
from tables.org import Currency, WorkPoint
from tables.payments import CashDesk
from tables.pos import PointOfSale
from tables.sales import DocumentSeries

CASH_DESK_FIELDS = (
    "company", "code", "name", "currency", "account", "work_point", "pos", "series", "active",
)  # fmt: skip

# The synthetic account a desk's own account must be (or be an analytic of).
CASH_ROOT = {True: "5311", False: "5314"}  # lei desk?


def cash_role(currency: str) -> PostingRole:
    return PostingRole.cash if currency == "RON" else PostingRole.cash_currency


async def desk_account(company_id: int, currency: str, account: str) -> str:
    """The account code a desk books on: its own, else the company's default for cash in
    that currency."""
    if account:
        return account
    role = cash_role(currency)
    row = await AccountMapping.select(AccountMapping.account).where(
        (AccountMapping.company == company_id) & (AccountMapping.role == role)
    ).first()  # fmt: skip
    return row["account"] if row else DEFAULT_ACCOUNTS[role]


async def _company(values: Mapping[str, Any]) -> int:
    if values.get("company") in (None, ""):
        return await default_company()
    company_id = int(values["company"])
    await company_exists(company_id)
    return company_id


async def _currency(text: Any) -> str:
    code = str(text or "RON").strip().upper()
    if code != "RON" and not await Currency.exists().where(Currency.code == code):
        raise ValidationFailed(
            "CURRENCY_INVALID",
            f"Moneda «{code}» nu există (Valute › monedă); casieria în lei are RON.",
            f"Currency «{code}» does not exist.",
            field="currency",
        )
    return code


async def _own_account(company_id: int, currency: str, text: Any) -> str:
    """The desk's own account, checked: in the company's chart, active, under 5311 for a
    lei desk or 5314 for a currency desk; "" keeps the default."""
    code = str(text or "").strip()
    if not code:
        return ""
    try:
        synthetic, _ = split_code(code)
    except ValidationFailed as exc:
        raise ValidationFailed(exc.code, exc.message_ro, exc.message_en, field="account") from None
    root = CASH_ROOT[currency == "RON"]
    if synthetic != root:
        kind = "în lei" if currency == "RON" else f"în {currency}"
        raise ValidationFailed(
            "CASH_DESK_ACCOUNT_INVALID",
            f"O casierie {kind} ține banii în contul {root} sau într-un analitic al lui "
            f"(ex. {root}.01), nu în {code}.",
            f"A {currency} cash desk books on {root} or one of its analytics, not {code}.",
            field="account",
        )
    row = await Account.select(Account.active).where(
        (Account.company == company_id) & (Account.code == code)
    ).first()  # fmt: skip
    if row is None:
        raise ValidationFailed(
            "ACCOUNT_UNKNOWN",
            f"Contul {code} nu există în planul de conturi al firmei; creați întâi analiticul "
            "(Contabilitate › Conturi).",
            f"Account {code} does not exist in the company's chart.",
            field="account",
        )
    if not row["active"]:
        raise ValidationFailed(
            "ACCOUNT_INACTIVE", f"Contul {code} este inactiv.", f"Account {code} is inactive.",
            field="account",
        )  # fmt: skip
    return code


async def _same_company(table: Any, row_id: Any, company_id: int, field: str, what: str) -> Any:
    if row_id in (None, ""):
        return None
    row = await table.select(table.company).where(table.id == int(row_id)).first()
    if row is None or row["company"] != company_id:
        raise ValidationFailed(
            f"{field.upper()}_INVALID",
            f"{what} nu există sau este al altei firme.",
            f"The {field.replace('_', ' ')} does not exist in this company.",
            field=field,
        )
    return int(row_id)


async def _series(company_id: int, series_id: Any) -> int | None:
    if series_id in (None, ""):
        return None
    row = await DocumentSeries.select(
        DocumentSeries.company, DocumentSeries.doc_type, DocumentSeries.prefix
    ).where(DocumentSeries.id == int(series_id)).first()  # fmt: skip
    if row is None or row["company"] != company_id:
        raise ValidationFailed(
            "SERIES_INVALID", "Seria aleasă nu există sau este a altei firme.",
            "The series does not exist in this company.", field="series",
        )  # fmt: skip
    if row["doc_type"] != DocType.receipt:
        raise ValidationFailed(
            "CASH_DESK_SERIES_NOT_RECEIPT",
            f"Seria {row['prefix']} nu este o serie de chitanțe; alegeți o serie cu tipul "
            "«chitanță» (Vânzări › serie documente).",
            f"Series {row['prefix']} does not number receipts.",
            field="series",
        )
    return int(series_id)


async def cash_desk_prepare(
    values: Mapping[str, Any], *, by: Actor, cash_desk_id: int | None = None
) -> dict[str, Any]:
    """A whole cash desk, checked (see the module's docstring for why the account rules)."""
    require(by, Area.payments, Action.write)
    out = {k: values[k] for k in CASH_DESK_FIELDS if k in values}
    company = await _company(out)
    out["company"] = company
    out["code"] = str(out.get("code") or "").strip().upper()
    out["name"] = " ".join(str(out.get("name") or "").split())
    for name, label in (("code", "codul"), ("name", "denumirea")):
        if not out[name]:
            raise ValidationFailed(
                "FIELD_REQUIRED", f"Completați {label} casieriei.", f"The {name} is required.",
                field=name,
            )  # fmt: skip
    out["currency"] = await _currency(out.get("currency"))
    out["account"] = await _own_account(company, out["currency"], out.get("account"))
    out["work_point"] = await _same_company(
        WorkPoint, out.get("work_point"), company, "work_point", "Punctul de lucru"
    )
    out["pos"] = await _same_company(PointOfSale, out.get("pos"), company, "pos",
                                     "Punctul de vânzare")  # fmt: skip
    out["series"] = await _series(company, out.get("series"))
    out["active"] = bool(out.get("active", True))
    others = CashDesk.select(
        CashDesk.id, CashDesk.code, CashDesk.name, CashDesk.currency, CashDesk.account,
        CashDesk.active,
    ).where(CashDesk.company == company)  # fmt: skip
    if cash_desk_id is not None:
        others = others.where(CashDesk.id != cash_desk_id)
    rows = await others
    if twin := next((r for r in rows if r["code"] == out["code"]), None):
        raise Conflict(
            "CASH_DESK_DUPLICATE",
            f"Codul «{out['code']}» este deja al casieriei «{twin['name']}».",
            f"Code {out['code']} is taken.",
            field="code",
        )
    if out["active"]:
        mine = await desk_account(company, out["currency"], out["account"])
        for other in rows:
            if other["active"] and mine == await desk_account(
                company, other["currency"], other["account"]
            ):
                raise Conflict(
                    "CASH_DESK_ACCOUNT_TAKEN",
                    f"Contul {mine} este deja al casieriei «{other['name']}»: două casierii "
                    "active nu țin banii în același cont (registrele lor de casă s-ar "
                    f"amesteca). Alegeți un analitic, ex. {mine.split('.')[0]}.02.",
                    f"Account {mine} already belongs to cash desk {other['code']}.",
                    field="account",
                    details={"account": mine, "cash_desk_id": other["id"]},
                )
    return out


async def cash_desk_create(*, values: Mapping[str, Any], by: Actor) -> int:
    async with write_tx():
        checked = await cash_desk_prepare(values, by=by)
        desk = CashDesk(**checked)
        await desk.save()
    return desk.id


async def cash_desk_get(cash_desk_id: int, *, by: Actor) -> dict[str, Any]:
    """A desk with the account it books on (`book_account`)."""
    require(by, Area.payments, Action.read)
    row = await CashDesk.select(*CashDesk._meta.columns).where(CashDesk.id == cash_desk_id).first()
    if row is None:
        raise NotFound(
            "CASH_DESK_NOT_FOUND", f"Casieria nr. {cash_desk_id} nu există.",
            f"Cash desk {cash_desk_id} not found.", field="cash_desk",
        )  # fmt: skip
    row["book_account"] = await desk_account(row["company"], row["currency"], row["account"])
    return row


async def cash_desk_choices(*, by: Actor) -> list[dict[str, Any]]:
    """The desks (id, code, name, currency, active, company), for pickers and forms."""
    require(by, Area.payments, Action.read)
    return await CashDesk.select(
        CashDesk.id, CashDesk.code, CashDesk.name, CashDesk.currency, CashDesk.active,
        CashDesk.company,
    ).order_by(CashDesk.code)  # fmt: skip
