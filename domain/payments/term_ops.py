"""Payment terms: creating them, a partner's default one, and which term a new invoice
draft gets (the one chosen, else the partner's default)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domain.core.errors import Conflict, ValidationFailed
from domain.core.tx import write_tx
from domain.org.permissions import Action, Actor, Area, require
from domain.payments.terms import parse_term, term_json
from domain.sales.queries import default_company_id
from tables.partners import Partner
from tables.payments import PartnerPaymentTerm, PaymentTerm

TERM_FIELDS = ("company", "name", "instalments", "active")


async def payment_term_prepare(
    values: Mapping[str, Any], *, by: Actor, term_id: int | None = None
) -> dict[str, Any]:
    """A whole term, checked: a name unique in the company and valid instalments."""
    require(by, Area.payments, Action.write)
    out = {k: values[k] for k in TERM_FIELDS if k in values}
    out["company"] = int(out.get("company") or await default_company_id())
    out["name"] = str(out.get("name") or "").strip()
    if not out["name"]:
        raise ValidationFailed(
            "FIELD_REQUIRED", "Completați denumirea termenului de plată.",
            "The payment term needs a name.", field="name",
        )  # fmt: skip
    out["instalments"] = term_json(parse_term(out.get("instalments")))
    out["active"] = bool(out.get("active", True))
    same = PaymentTerm.select(PaymentTerm.id).where(
        (PaymentTerm.company == out["company"]) & (PaymentTerm.name == out["name"])
    )
    if term_id is not None:
        same = same.where(PaymentTerm.id != term_id)
    if await same.first() is not None:
        raise Conflict(
            "PAYMENT_TERM_DUPLICATE", f"Există deja termenul de plată «{out['name']}».",
            f"The payment term «{out['name']}» exists.", field="name",
        )  # fmt: skip
    return out


async def payment_term_create(*, values: Mapping[str, Any], by: Actor) -> int:
    async with write_tx():
        row = PaymentTerm(**await payment_term_prepare(values, by=by))
        await row.save()
    return row.id


async def term_check(*, company_id: int, term_id: int) -> None:
    """A term an invoice of `company_id` may take: the company's own and active."""
    row = await PaymentTerm.select(PaymentTerm.company, PaymentTerm.active).where(
        PaymentTerm.id == term_id
    ).first()  # fmt: skip
    if row is None or row["company"] != company_id or not row["active"]:
        raise ValidationFailed(
            "PAYMENT_TERM_INVALID",
            "Termenul de plată nu există, este al altei firme sau nu mai este folosit.",
            "The payment term does not exist, belongs to another company or is inactive.",
            field="payment_term",
        )


async def partner_term_prepare(
    values: Mapping[str, Any], *, by: Actor, link_id: int | None = None
) -> dict[str, Any]:
    """A partner's default term: one per partner and company, a term of that company."""
    require(by, Area.payments, Action.write)
    out = {k: values.get(k) for k in ("company", "partner", "term")}
    out["company"] = int(out["company"] or await default_company_id())
    if not out["partner"] or not await Partner.exists().where(Partner.id == out["partner"]):
        raise ValidationFailed(
            "PARTNER_INVALID", "Alegeți partenerul.", "Unknown partner.", field="partner"
        )
    if not out["term"]:
        raise ValidationFailed(
            "FIELD_REQUIRED", "Alegeți termenul de plată.", "Choose the term.", field="term"
        )
    await term_check(company_id=out["company"], term_id=out["term"])
    same = PartnerPaymentTerm.select(PartnerPaymentTerm.id).where(
        (PartnerPaymentTerm.company == out["company"])
        & (PartnerPaymentTerm.partner == out["partner"])
    )
    if link_id is not None:
        same = same.where(PartnerPaymentTerm.id != link_id)
    if await same.first() is not None:
        raise Conflict(
            "PARTNER_TERM_DUPLICATE",
            "Partenerul are deja un termen de plată implicit: modificați-l pe acela.",
            "The partner already has a default payment term.", field="partner",
        )  # fmt: skip
    return out


async def partner_term_set(
    *, company_id: int, partner_id: int, term_id: int | None, by: Actor
) -> None:
    """Give a partner its default term (None: no default any more)."""
    require(by, Area.payments, Action.write)
    async with write_tx():
        await PartnerPaymentTerm.delete().where(
            (PartnerPaymentTerm.company == company_id) & (PartnerPaymentTerm.partner == partner_id)
        )
        if term_id is not None:
            values = {"company": company_id, "partner": partner_id, "term": term_id}
            await PartnerPaymentTerm(**await partner_term_prepare(values, by=by)).save()


async def draft_payment_term(*, company_id: int, partner_id: int, chosen: int | None) -> int | None:
    """The term a new invoice draft gets: the chosen one (checked), else the partner's."""
    if chosen is not None:
        await term_check(company_id=company_id, term_id=chosen)
        return chosen
    row = await PartnerPaymentTerm.raw(
        "SELECT l.term FROM termen_plata_partener l JOIN termen_plata t ON t.id = l.term "
        "WHERE l.company = {} AND l.partner = {} AND t.active",
        company_id,
        partner_id,
    )
    return row[0]["term"] if row else None
