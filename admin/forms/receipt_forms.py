"""Forms of «Încasări»: record a receipt («Încasare nouă»: a chitanță at the cash desk, a
card payment, a bank transfer), list a client's open invoices, cancel a receipt, undo an
allocation, print a chitanță. Each calls the domain (domain/payments/receipts.py); the
form only turns what was typed into ids and amounts.

The invoices a receipt pays are typed one per line, by number, with the amount when it is
not the whole open amount: «FCT-00012; 500». Left empty, the receipt pays the oldest open
invoices first; «avans» records it all as an advance (419).
"""

from __future__ import annotations

import asyncio
import io
import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from piccolo_admin.endpoints import FileResponse, FormConfig
from pydantic import BaseModel, Field
from starlette.requests import Request

from admin.forms import form_errors
from admin.forms.ledger_forms import (
    COMPANY_HELP,
    PARTNER_HELP,
    _amount,
    company_by_text,
    partner_by_text,
)
from admin.forms.print_action import _plain as plain_word
from admin.guards import request_actor
from domain.core.clock import today
from domain.core.errors import NotFound, Unavailable, ValidationFailed
from domain.org.permissions import Action, Area, require
from domain.partners.identity import normalize_iban
from domain.payments.open_items import OpenItem, open_items
from domain.payments.receipts import (
    allocation_reverse,
    receipt_cancel,
    receipt_record,
)
from jobs.receipt_printing import render_receipt
from printing.invoice_context import money
from printing.receipt_context import receipt_for_print
from printing.render import receipt_pdf_filename
from settings import Settings
from tables.choices import ReceiptKind
from tables.org import CompanyBankAccount
from tables.partners import Partner
from tables.payments import CashDesk, Receipt

GROUP = "Încasări"
INVOICES_HELP = (
    "Facturile, despărțite prin «;», cu suma după «=» dacă nu se achită tot restul: "
    "«FCT-00012; FCT-00015 = 500». Gol = cele mai vechi facturi neîncasate ale "
    "partenerului, în ordine; «avans» = nimic alocat, toată suma rămâne avans (419). "
    "Facturile neîncasate: formularul «Facturi neîncasate»."
)
KINDS = {
    "numerar": ReceiptKind.cash, "chitanta": ReceiptKind.cash, "cash": ReceiptKind.cash,
    "card": ReceiptKind.card, "pos": ReceiptKind.card,
    "banca": ReceiptKind.bank, "transfer": ReceiptKind.bank, "op": ReceiptKind.bank,
    "ordin de plata": ReceiptKind.bank, "bank": ReceiptKind.bank,
}  # fmt: skip
KIND_RO = {ReceiptKind.cash: "Chitanța", ReceiptKind.card: "Încasarea cu cardul",
           ReceiptKind.bank: "Încasarea prin bancă"}  # fmt: skip
ADVANCE_WORDS = {"avans", "-", "nimic"}


def _plain(text: str) -> str:
    """Lower case without diacritics, single spaces: «Bancă» is «banca»."""
    return " ".join(plain_word(text).split())


# ------------------------------------------------------------------------------ look-ups


def receipt_kind(text: str) -> ReceiptKind:
    kind = KINDS.get(_plain(text or "numerar"))
    if kind is None:
        raise ValidationFailed(
            "RECEIPT_KIND_INVALID",
            f"Felul încasării «{text}» nu este cunoscut: scrieți numerar, card sau bancă.",
            "Kind: numerar, card or bancă.",
            field="kind",
        )
    return kind


async def cash_desk_by_text(company_id: int, text: str, currency: str) -> int | None:
    """A desk by its code; empty: the only active desk in that currency (none: the
    company's default cash account, the domain decides)."""
    rows = await CashDesk.select(CashDesk.id, CashDesk.code, CashDesk.currency,
                                 CashDesk.active).where(CashDesk.company == company_id)  # fmt: skip
    code = text.strip().upper()
    if code:
        found = next((r for r in rows if r["code"] == code), None)
        if found is None:
            known = ", ".join(r["code"] for r in rows if r["active"]) or "niciuna"
            raise ValidationFailed(
                "CASH_DESK_NOT_FOUND",
                f"Nu există casieria «{code}» (casieriile active: {known}).",
                f"No cash desk {code}.",
                field="cash_desk",
            )
        return found["id"]
    usable = [r for r in rows if r["active"] and r["currency"] == currency]
    if len(usable) > 1:
        raise ValidationFailed(
            "CASH_DESK_REQUIRED",
            f"Alegeți casieria: {', '.join(r['code'] for r in usable)}.",
            "Choose the cash desk.",
            field="cash_desk",
        )
    return usable[0]["id"] if usable else None


async def bank_account_by_text(company_id: int, text: str) -> int | None:
    """A company bank account by IBAN (or internal number); empty: the domain's default."""
    text = text.strip()
    if not text:
        return None
    if text.isdigit() and len(text) <= 9:
        where = CompanyBankAccount.id == int(text)
    else:
        where = CompanyBankAccount.iban == normalize_iban(text)
    row = await CompanyBankAccount.select(CompanyBankAccount.id).where(
        where & (CompanyBankAccount.company == company_id)
    ).first()  # fmt: skip
    if row is None:
        raise ValidationFailed(
            "BANK_ACCOUNT_NOT_FOUND",
            f"Firma nu are contul bancar «{text}».",
            f"No company bank account {text}.",
            field="bank_account",
        )
    return row["id"]


async def receipt_by_text(text: str) -> int:
    """A receipt by its chitanță number (CH-00012) or its internal number."""
    text = " ".join(text.split())
    if "\x00" in text:  # PostgreSQL refuses it in a query (a 500 otherwise)
        rows = []
    elif text.isdigit() and len(text) <= 9:  # an internal number (an id is an INTEGER)
        rows = await Receipt.select(Receipt.id).where(Receipt.id == int(text))
    else:
        rows = await Receipt.select(Receipt.id).where(Receipt.full_number.ilike(text))
    if not rows:
        raise NotFound(
            "RECEIPT_NOT_FOUND",
            f"Nu există nicio încasare cu numărul «{text}».",
            f"No receipt {text}.",
            field="receipt",
        )
    if len(rows) > 1:
        raise ValidationFailed(
            "RECEIPT_REFERENCE_AMBIGUOUS",
            f"«{text}» este numărul mai multor chitanțe (firme diferite); scrieți numărul "
            "intern, din coloana «ID».",
            "Several receipts have this number; give the internal id.",
            field="receipt",
        )
    return rows[0]["id"]


def open_list(items: Sequence[OpenItem]) -> str:
    return "; ".join(
        f"{x.full_number} din {x.issue_date:%d.%m.%Y}, rest {money(x.open)} {x.currency}"
        for x in items
    )


_ENTRY = re.compile(r"^(?P<ref>[^=:]+?)\s*(?:[=:]\s*(?P<amount>.*))?$")


def parse_invoices(text: str) -> list[tuple[str, str]] | None:
    """The typed invoices as (number, amount as typed or ""); None: pay the oldest first;
    []: an advance. Entries are split by «;» or new lines (the admin's field is one line)."""
    entries = [e.strip() for e in re.split(r"[;\n]", text) if e.strip()]
    if not entries:
        return None
    if len(entries) == 1 and _plain(entries[0]) in ADVANCE_WORDS:
        return []
    out = []
    for entry in entries:
        match = _ENTRY.match(entry)
        if match is None:  # «= 500» without a number
            raise ValidationFailed(
                "INVOICE_REFERENCE_INVALID",
                f"«{entry}»: scrieți numărul facturii, apoi «= sumă» dacă e cazul.",
                "Write the invoice number, then «= amount».",
                field="invoices",
            )
        out.append((match["ref"].strip(), (match["amount"] or "").strip()))
    return out


def allocations_for(
    typed: list[tuple[str, str]], items: Sequence[OpenItem]
) -> list[dict[str, Any]]:
    """The receipt's allocations from what was typed: an invoice without an amount takes
    what the receipt still pays of it (the domain works it out, also for lei paying an
    invoice in a currency)."""
    by_number = {x.full_number.casefold(): x for x in items}
    out: list[dict[str, Any]] = []
    for ref, typed_amount in typed:
        item = by_number.get(ref.casefold())
        if item is None:
            raise ValidationFailed(
                "INVOICE_NOT_OPEN",
                f"Factura «{ref}» nu este o factură neîncasată a partenerului. "
                f"Neîncasate: {open_list(items) or 'niciuna'}.",
                f"{ref} is not an open invoice of the partner.",
                field="invoices",
            )
        value = _amount(typed_amount, f"Factura {ref}") if typed_amount else None
        out.append({"invoice": item.invoice_id, "amount": value})
    return out


# ------------------------------------------------------------------------------ forms


class ReceiptForm(BaseModel):
    partner: str = Field(title="Partenerul", description=PARTNER_HELP)
    amount: str = Field(title="Suma", description="Ex. 1250,50")
    kind: str = Field(default="numerar", title="Felul", description="numerar, card sau bancă")
    cash_desk: str = Field(
        default="", title="Casieria", description="Codul casieriei; gol = singura casierie activă"
    )
    bank_account: str = Field(
        default="",
        title="Contul bancar",
        description="IBAN-ul firmei, pentru «bancă»; gol = implicit",
    )
    bank_reference: str = Field(default="", title="Referința băncii / autorizarea cardului")
    day: date | None = Field(default=None, title="Data (gol = azi)")
    currency: str = Field(default="RON", title="Moneda")
    payer_name: str = Field(
        default="", title="Am primit de la", description="Gol = denumirea partenerului"
    )
    description: str = Field(
        default="", title="Reprezentând", description="Gol = facturile achitate"
    )
    invoices: str = Field(default="", title="Facturile achitate", description=INVOICES_HELP)
    cash_limit_reason: str = Field(
        default="",
        title="Motivul depășirii plafonului de numerar",
        description="Doar dacă setările permit depășirea cu motiv (Legea 70/2015)",
    )
    company: str = Field(default="", title="Firma", description=COMPANY_HELP)


class OpenInvoicesForm(BaseModel):
    partner: str = Field(title="Partenerul", description=PARTNER_HELP)
    company: str = Field(default="", title="Firma", description=COMPANY_HELP)


class CancelReceiptForm(BaseModel):
    receipt: str = Field(
        title="Încasarea", description="Numărul chitanței (CH-00012) sau nr. intern"
    )
    reason: str = Field(title="Motivul anulării")
    day: date | None = Field(default=None, title="Data stornării (gol = azi)")


class ReverseAllocationForm(BaseModel):
    allocation_id: int = Field(title="Nr. intern alocare", description="Coloana «ID» din Alocări")
    reason: str = Field(title="Motivul")
    day: date | None = Field(default=None, title="Data (gol = azi)")


class PrintReceiptForm(BaseModel):
    receipt: str = Field(title="Chitanța", description="Seria și numărul (CH-00012) sau nr. intern")


async def _record(request: Request, data: ReceiptForm) -> str:
    by = await request_actor(request)
    company = await company_by_text(data.company)
    partner = await partner_by_text(data.partner)
    kind = receipt_kind(data.kind)
    currency = (data.currency or "RON").strip().upper()
    amount = _amount(data.amount, "Suma")
    day = data.day or today()
    items = await open_items(company_id=company, at=day, partner_ids=[partner])
    typed = parse_invoices(data.invoices)
    allocations = None if typed is None else allocations_for(typed, items)
    result = await receipt_record(
        company_id=company, kind=kind, partner_id=partner, day=day, amount=amount,
        currency=currency,
        cash_desk_id=await cash_desk_by_text(company, data.cash_desk, currency)
        if kind == ReceiptKind.cash else None,
        bank_account_id=await bank_account_by_text(company, data.bank_account)
        if kind == ReceiptKind.bank else None,
        bank_reference=data.bank_reference.strip(), payer_name=data.payer_name.strip(),
        description=data.description.strip(), allocations=allocations,
        cash_limit_reason=data.cash_limit_reason.strip(), by=by,
    )  # fmt: skip
    return await _recorded_text(result, kind, currency, company, partner, day)


async def _recorded_text(
    result: Any, kind: ReceiptKind, currency: str, company: int, partner: int, day: date
) -> str:
    paid = {x.invoice_id: x for x in await open_items(
        company_id=company, at=day, partner_ids=[partner], include_settled=True)}  # fmt: skip
    parts = []
    for _allocation, invoice, amount in result.allocated:
        item = paid.get(invoice)
        name = item.full_number if item else f"nr. {invoice}"
        rest = f", rămân {money(item.open)}" if item and item.open else ", achitată"
        parts.append(f"{name}: {money(amount)}{rest}")
    what = KIND_RO.get(kind, "Încasarea")
    number = f" {result.full_number}" if result.full_number else f" nr. {result.receipt_id}"
    text = f"{what}{number} a fost înregistrată."
    if parts:
        text += " Achită " + "; ".join(parts) + "."
    if result.advance:
        text += f" Avans (419): {money(result.advance)} {currency}."
    if kind == ReceiptKind.cash:
        text += " Tipăriți-o din «Tipărire chitanță (PDF)»."
    return text


async def _receipt_pdf(
    settings: Settings, request: Request, data: PrintReceiptForm
) -> FileResponse:
    require(await request_actor(request), Area.payments, Action.read)
    receipt = await receipt_for_print(await receipt_by_text(data.receipt))
    try:
        result = await render_receipt({"settings": settings}, receipt_id=receipt["id"])
    except Exception as exc:  # a rendering fault: the endpoint and the job try again
        raise Unavailable(
            "PDF_RENDER_FAILED",
            "PDF-ul nu a putut fi generat acum. Încercați din nou peste câteva minute sau "
            f"deschideți /api/receipts/{receipt['id']}/pdf.",
            "The PDF could not be rendered now; try again later.",
        ) from exc
    pdf = await asyncio.to_thread(Path(result["path"]).read_bytes)
    return FileResponse(
        contents=io.BytesIO(pdf),
        file_name=receipt_pdf_filename(receipt),
        media_type="application/pdf",
    )


def receipt_forms(settings: Settings) -> list[FormConfig]:
    @form_errors
    async def record(request: Request, data: ReceiptForm) -> str:
        return await _record(request, data)

    @form_errors
    async def open_invoices(request: Request, data: OpenInvoicesForm) -> str:
        require(await request_actor(request), Area.payments, Action.read)
        company = await company_by_text(data.company)
        partner = await partner_by_text(data.partner)
        items = await open_items(company_id=company, at=today(), partner_ids=[partner])
        name = await Partner.select(Partner.name).where(Partner.id == partner).first()
        who = name["name"] if name else f"nr. {partner}"
        if not items:
            return f"{who} nu are facturi neîncasate."
        return f"Facturile neîncasate ale {who}, cele mai vechi întâi: {open_list(items)}."

    @form_errors
    async def cancel(request: Request, data: CancelReceiptForm) -> str:
        receipt_id = await receipt_by_text(data.receipt)
        await receipt_cancel(receipt_id=receipt_id, reason=data.reason,
                             day=data.day or today(), by=await request_actor(request))  # fmt: skip
        return (
            "Încasarea a fost anulată: nota ei și ale alocărilor au fost stornate, facturile "
            "sunt din nou de încasat. Chitanța își păstrează numărul, marcată ANULAT."
        )

    @form_errors
    async def reverse(request: Request, data: ReverseAllocationForm) -> str:
        new_id = await allocation_reverse(
            allocation_id=data.allocation_id, day=data.day or today(), reason=data.reason,
            by=await request_actor(request),
        )  # fmt: skip
        return (
            f"Alocarea {data.allocation_id} a fost anulată (alocarea {new_id}, cu nota ei de "
            "stornare): suma a trecut înapoi la avansuri (419), factura este din nou de încasat."
        )

    @form_errors
    async def print_receipt(request: Request, data: PrintReceiptForm) -> FileResponse:
        return await _receipt_pdf(settings, request, data)

    return [
        FormConfig(name="Încasare nouă", pydantic_model=ReceiptForm, endpoint=record,
                   form_group=GROUP,
                   description="Chitanță în numerar, plată cu cardul sau transfer bancar, de la "
                               "un client; se înregistrează contabil pe loc."),
        FormConfig(name="Facturi neîncasate", pydantic_model=OpenInvoicesForm,
                   endpoint=open_invoices, form_group=GROUP,
                   description="Facturile unui partener care mai au rest de încasat, cu sumele."),
        FormConfig(name="Anulează încasarea", pydantic_model=CancelReceiptForm, endpoint=cancel,
                   form_group=GROUP,
                   description="Stornează încasarea și alocările ei; chitanța rămâne ANULAT."),
        FormConfig(name="Anulează o alocare", pydantic_model=ReverseAllocationForm,
                   endpoint=reverse, form_group=GROUP,
                   description="Desface plata unei facturi; suma rămâne avans al clientului."),
        FormConfig(name="Tipărire chitanță (PDF)", pydantic_model=PrintReceiptForm,
                   endpoint=print_receipt, form_group=GROUP,
                   description="Descarcă chitanța (două exemplare pe pagină); cea anulată "
                               "poartă ștampila ANULAT."),
    ]  # fmt: skip
