"""Forms of «Contabilitate»: a manual journal entry typed the way accountants write them
("5121 = 4551; 1000; explanation"), closing and reopening a month, moving a client to
doubtful clients (4118). Each calls the domain (domain/ledger/manual.py).

Partners are typed by CUI (with or without RO), CNP or internal number; the company may
be left blank when the installation has one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from piccolo_admin.endpoints import FormConfig
from pydantic import BaseModel, Field
from starlette.requests import Request

from admin.forms import form_errors
from admin.guards import request_actor
from domain.core.clock import today
from domain.core.errors import DomainError, ValidationFailed
from domain.core.money import input_decimal, sum_money
from domain.ledger.chart import company_exists, default_company
from domain.ledger.manual import (
    doubtful_reclassify,
    manual_entry_create,
    period_close,
    period_reopen,
)
from domain.partners.identity import normalize_cnp, normalize_cui
from tables.ledger import JournalLine
from tables.org import Company
from tables.partners import Partner

GROUP = "Contabilitate"
TEXTAREA = {"extra": {"widget": "text-area"}}
COMPANY_HELP = "CUI-ul sau numărul firmei; gol dacă aveți o singură firmă"
PARTNER_HELP = "CUI (cu sau fără RO), CNP sau numărul intern al partenerului"
LINES_HELP = (
    "Câte un rând pentru fiecare «cont debitor = cont creditor; sumă; explicație». "
    "Partenerul, între paranteze după cont: 4111 (RO12345674) = 707; 1000; Factura 12. "
    "O notă compusă are mai multe rânduri (4111 (RO12345674) = 4427; 210). "
    "Merge și «debitor; creditor; sumă; explicație», ori coloane copiate din Excel. "
    "Sume: 1000, 1000.50 sau 1.000,50; negative pentru stornare în roșu."
)


# ------------------------------------------------------------------------------ look-ups


def _amount(text: str, where: str) -> Decimal:
    """«1.000,50», «1000,5», «1 000.50» -> Decimal: of «.» and «,» together, the last one
    is the decimal separator."""
    text = text.strip().replace(" ", "").replace("\u00a0", "")
    if "," in text and "." in text:
        decimal_sep = "," if text.rfind(",") > text.rfind(".") else "."
        text = text.replace("." if decimal_sep == "," else ",", "").replace(",", ".")
    else:
        text = text.replace(",", ".")
    if not text:
        raise ValidationFailed("FIELD_REQUIRED", f"{where}: lipsește suma.", field="lines")
    return input_decimal(text, "lines")


async def partner_by_text(text: str, field: str = "partner") -> int:
    """A partner by CUI, CNP or internal number (a CUI or CNP wins over a number)."""
    text = text.strip()
    for normalize, column in ((normalize_cui, Partner.cui), (normalize_cnp, Partner.cnp)):
        try:
            value = normalize(text)
        except DomainError:
            continue
        row = await Partner.select(Partner.id).where(column == value).first()
        if row is not None:
            return row["id"]
    number = text.removeprefix("#").removeprefix("nr.").strip()
    if (
        number.isdigit()
        and len(number) <= 9
        and await Partner.exists().where(Partner.id == int(number))
    ):
        return int(number)
    raise ValidationFailed(
        "PARTNER_NOT_FOUND",
        f"Nu există un partener cu CUI-ul, CNP-ul sau numărul intern «{text}».",
        field=field,
    )


async def company_by_text(text: str) -> int:
    text = text.strip()
    if not text:
        return await default_company()
    try:
        row = await Company.select(Company.id).where(Company.cui == normalize_cui(text)).first()
    except DomainError:
        row = None
    if row is not None:
        return row["id"]
    if text.isdigit() and len(text) <= 9:
        await company_exists(int(text))
        return int(text)
    raise ValidationFailed(
        "COMPANY_NOT_FOUND", f"Nu există o firmă cu CUI-ul sau numărul «{text}».", field="company"
    )


# ------------------------------------------------------------------------------ the lines


@dataclass(frozen=True, slots=True)
class TypedLine:
    """One side of a typed row: account, partner as typed, amount, explanation."""

    side: str  # "debit" or "credit"
    account: str
    partner: str
    amount: Decimal
    description: str


_ACCOUNT = re.compile(r"^\s*([0-9][0-9A-Za-z.]*)\s*(?:\((?P<partner>[^()]*)\))?\s*$")


def _account(text: str, where: str) -> tuple[str, str]:
    match = _ACCOUNT.match(text)
    if match is None:
        raise ValidationFailed(
            "ENTRY_TEXT_INVALID",
            f"{where}: «{text.strip()}» nu este un cont (ex. 5121, 4111.01 sau "
            "4111 (RO12345674) cu partenerul).",
            field="lines",
        )
    return match.group(1), (match.group("partner") or "").strip()


def parse_lines(text: str) -> list[TypedLine]:
    """The rows typed in the form, as debit and credit lines (pure)."""
    out: list[TypedLine] = []
    for number, row in enumerate(text.splitlines(), start=1):
        row = row.replace("\t", ";").strip()
        if not row or row.startswith("#"):
            continue
        where = f"Rândul {number}"
        parts = [p.strip() for p in row.split(";")]
        if "=" in parts[0]:
            debit, _, credit = parts[0].partition("=")
            rest = parts[1:]
        elif len(parts) >= 3:
            debit, credit, rest = parts[0], parts[1], parts[2:]
        else:
            raise ValidationFailed(
                "ENTRY_TEXT_INVALID",
                f"{where}: scrieți «cont debitor = cont creditor; sumă; explicație».",
                field="lines",
            )
        if not rest:
            raise ValidationFailed("FIELD_REQUIRED", f"{where}: lipsește suma.", field="lines")
        amount = _amount(rest[0], where)
        description = "; ".join(p for p in rest[1:] if p)
        for side, typed in (("debit", debit), ("credit", credit)):
            account, partner = _account(typed, where)
            out.append(TypedLine(side, account, partner, amount, description))
    if not out:
        raise ValidationFailed("ENTRY_EMPTY", "Scrieți cel puțin un rând al notei.", field="lines")
    return out


def merge_lines(lines: list[TypedLine]) -> list[TypedLine]:
    """Rows of a compound entry (4111 = 707 and 4111 = 4427) debit one account once."""
    merged: dict[tuple[str, str, str, str], Decimal] = {}
    for x in lines:
        key = (x.side, x.account, x.partner, x.description)
        merged[key] = merged.get(key, Decimal(0)) + x.amount
    return [TypedLine(s, a, p, amount, d) for (s, a, p, d), amount in merged.items()]


# ------------------------------------------------------------------------------ forms


class ManualEntryForm(BaseModel):
    day: date | None = Field(default=None, title="Data notei (gol = azi)")
    description: str = Field(title="Explicație", description="Ce se înregistrează și de ce")
    lines: str = Field(title="Înregistrări", description=LINES_HELP, json_schema_extra=TEXTAREA)
    reference: str = Field(default="", title="Număr notă", description="Opțional, ex. NC 12")
    company: str = Field(default="", title="Firma", description=COMPANY_HELP)


class PeriodForm(BaseModel):
    month: date = Field(title="Luna", description="Orice zi din lună")
    company: str = Field(default="", title="Firma", description=COMPANY_HELP)


class DoubtfulForm(BaseModel):
    partner: str = Field(title="Clientul", description=PARTNER_HELP)
    amount: str = Field(
        default="", title="Suma", description="Gol = tot ce datorează clientul pe 4111"
    )
    day: date | None = Field(default=None, title="Data (gol = azi)")
    company: str = Field(default="", title="Firma", description=COMPANY_HELP)


def ledger_forms() -> list[FormConfig]:
    @form_errors
    async def manual_entry(request: Request, data: ManualEntryForm) -> str:
        by = await request_actor(request)
        company = await company_by_text(data.company)
        typed = merge_lines(parse_lines(data.lines))
        partners = {x.partner: await partner_by_text(x.partner) for x in typed if x.partner}
        lines = [
            {"account": x.account, "partner": partners.get(x.partner),
             "description": x.description, x.side: x.amount}
            for x in typed
        ]  # fmt: skip
        day = data.day or today()
        entry_id = await manual_entry_create(
            company_id=company, day=day, description=data.description, lines=lines, by=by,
            reference=data.reference,
        )  # fmt: skip
        total = sum_money(x.amount for x in typed if x.side == "debit")
        return (
            f"Nota contabilă nr. {entry_id} din {day:%d.%m.%Y}: {len(lines)} linii, "
            f"total {total} lei."
        )

    @form_errors
    async def close_month(request: Request, data: PeriodForm) -> str:
        company = await company_by_text(data.company)
        closed = await period_close(company_id=company, month=data.month,
                                    by=await request_actor(request))  # fmt: skip
        month = f"{data.month:%m.%Y}"
        if not closed:
            return f"Luna {month} era deja închisă."
        return f"Luna {month} este închisă: nu se mai înregistrează nimic cu o dată din ea."

    @form_errors
    async def reopen_month(request: Request, data: PeriodForm) -> str:
        company = await company_by_text(data.company)
        await period_reopen(company_id=company, month=data.month, by=await request_actor(request))
        return f"Luna {data.month:%m.%Y} este redeschisă."

    @form_errors
    async def doubtful(request: Request, data: DoubtfulForm) -> str:
        by = await request_actor(request)
        company = await company_by_text(data.company)
        partner = await partner_by_text(data.partner)
        amount = _amount(data.amount, "Suma") if data.amount.strip() else None
        entry_id = await doubtful_reclassify(partner_id=partner, amount=amount, day=data.day,
                                             by=by, company_id=company)  # fmt: skip
        moved = await _debit_total(entry_id)
        return (
            f"Nota contabilă nr. {entry_id}: 4118 = 4111, {moved} lei trecuți la clienți incerți."
        )

    return [
        FormConfig(name="Notă contabilă manuală", pydantic_model=ManualEntryForm,
                   endpoint=manual_entry, form_group=GROUP,
                   description="O notă echilibrată, într-o lună deschisă, pentru ce nu vine "
                               "din documente."),
        FormConfig(name="Închide luna", pydantic_model=PeriodForm, endpoint=close_month,
                   form_group=GROUP,
                   description="După închidere nu se mai înregistrează nimic cu o dată din "
                               "acea lună."),
        FormConfig(name="Redeschide luna", pydantic_model=PeriodForm, endpoint=reopen_month,
                   form_group=GROUP, description="Doar un administrator."),
        FormConfig(name="Client incert (4118)", pydantic_model=DoubtfulForm, endpoint=doubtful,
                   form_group=GROUP,
                   description="Trece datoria unui client (toată sau o parte) din 4111 în 4118."),
    ]  # fmt: skip


async def _debit_total(entry_id: int) -> Decimal:
    rows = await JournalLine.select(JournalLine.debit).where(JournalLine.entry == entry_id)
    return sum_money(r["debit"] for r in rows)
