"""Where a receipt's money goes (a cash desk, a bank account, card settlement) and the
Law 70/2015 cash limits a cash receipt must keep."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from domain.core.errors import NotFound, ValidationFailed
from domain.core.money import from_minor, q2
from domain.payments.rules import cash_limit, check_cash_limit
from tables.choices import CashLimitPolicy, DocStatus, PostingRole, ReceiptKind
from tables.org import CompanyBankAccount
from tables.payments import CashDesk, PaymentSettings, Receipt

CASH_KINDS = (ReceiptKind.cash, ReceiptKind.fiscal_receipt)  # Law 70/2015 counts these
DEFAULT_LIMITS = {
    "policy": CashLimitPolicy.refuse,
    "company": Decimal("5000.00"),
    "individual": Decimal("10000.00"),
}


@dataclass(frozen=True, slots=True)
class Till:
    """Where the money went: its account, and what a cash desk brings along."""

    account: PostingRole | str
    series: int | None = None
    work_point: int | None = None
    pos: int | None = None


async def till_of(
    company_id: int,
    kind: ReceiptKind,
    currency: str,
    cash_desk_id: int | None,
    bank_account_id: int | None,
) -> Till:
    lei = currency == "RON"
    if cash_desk_id is not None and kind not in CASH_KINDS:
        raise ValidationFailed(
            "RECEIPT_CASH_DESK_NOT_ALLOWED",
            "Casieria se alege doar pentru încasări în numerar sau cu bon fiscal.",
            field="cash_desk",
        )
    if bank_account_id is not None and kind != ReceiptKind.bank:
        raise ValidationFailed(
            "RECEIPT_BANK_ACCOUNT_NOT_ALLOWED",
            "Contul bancar se alege doar pentru încasări prin bancă.",
            field="bank_account",
        )
    if kind == ReceiptKind.fiscal_receipt and cash_desk_id is None:
        raise ValidationFailed(
            "RECEIPT_CASH_DESK_REQUIRED",
            "Bonul fiscal se încasează la o casierie: alegeți-o.",
            field="cash_desk",
        )
    if cash_desk_id is not None:
        desk = await CashDesk.select().where(CashDesk.id == cash_desk_id).first()
        if desk is None or desk["company"] != company_id:
            raise NotFound(
                "CASH_DESK_NOT_FOUND",
                "Casieria aleasă nu există la această firmă.",
                field="cash_desk",
            )
        if not desk["active"]:
            raise ValidationFailed(
                "CASH_DESK_INACTIVE", f"Casieria {desk['name']} este inactivă.", field="cash_desk"
            )
        if desk["currency"] != currency:
            raise ValidationFailed(
                "CASH_DESK_CURRENCY",
                f"Casieria {desk['name']} ține {desk['currency']}, nu {currency}.",
                field="cash_desk",
            )
        role = PostingRole.cash if lei else PostingRole.cash_currency
        return Till(desk["account"] or role, desk["series"], desk["work_point"], desk["pos"])
    if kind in CASH_KINDS:
        return Till(PostingRole.cash if lei else PostingRole.cash_currency)
    if kind == ReceiptKind.card:
        return Till(PostingRole.card_settlement)
    if bank_account_id is None:
        return Till(PostingRole.bank if lei else PostingRole.bank_currency)
    bank = await CompanyBankAccount.select().where(CompanyBankAccount.id == bank_account_id).first()
    if bank is None or bank["company"] != company_id:
        raise NotFound(
            "BANK_ACCOUNT_NOT_FOUND",
            "Contul bancar ales nu este al acestei firme.",
            field="bank_account",
        )
    if bank["currency"] != currency:
        raise ValidationFailed(
            "BANK_ACCOUNT_CURRENCY",
            f"Contul {bank['iban']} este în {bank['currency']}, nu în {currency}.",
            field="bank_account",
        )
    return Till(bank["account"] or (PostingRole.bank if lei else PostingRole.bank_currency))


async def cash_reason(
    *, company_id: int, partner: Mapping[str, Any], day: date, amount_ron: Decimal, reason: str
) -> str:
    """Law 70/2015 for a cash receipt (under the partner's lock): the reason to record."""
    settings = await PaymentSettings.select().where(PaymentSettings.company == company_id).first()
    limits = (
        DEFAULT_LIMITS
        if settings is None
        else {
            "policy": settings["cash_limit_policy"],
            "company": q2(settings["cash_limit_company"]),
            "individual": q2(settings["cash_limit_individual"]),
        }
    )
    (row,) = await Receipt.raw(
        "SELECT SUM(CAST(ROUND(amount_ron * 100) AS BIGINT)) AS total FROM incasare "
        "WHERE company = {} AND partner = {} AND day = {} AND status = {} AND kind IN ({}, {})",
        company_id,
        partner["id"],
        day,
        DocStatus.issued,
        *CASH_KINDS,
    )
    limit = cash_limit(
        partner["kind"], company_limit=limits["company"], individual_limit=limits["individual"]
    )
    return check_cash_limit(
        day_total=from_minor(int(row["total"] or 0)),
        amount_ron=amount_ron,
        limit=limit,
        policy=limits["policy"],
        reason=reason,
        partner_name=partner["name"],
    )
