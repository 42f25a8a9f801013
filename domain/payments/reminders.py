"""Payment reminders: an e-mail to each client with instalments overdue by more than the
company's grace days, at most once per interval, each recorded in `reamintire_plata`.

Decide, record, send, record: the decision and the intent (a row in status `sending`)
are committed together under the partner's row lock, the e-mail goes out after the
commit, and its answer is written on the same row (`sent`, or `failed` with the error).
A retried or concurrent run finds the row and sends nothing more: a row still `sending`
counts as sent (its e-mail may have left before a crash), never sent twice. Failures (the SMTP
server refused, no address, no SMTP configured) are recorded too and retried the next
day, not in the same day.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from domain.core.clock import BUCHAREST, today
from domain.core.errors import NotFound
from domain.core.mail import MAIL_ERRORS, mail_message, mail_send, render_mail, smtp_configured
from domain.core.tx import for_update_sql, write_tx
from domain.org.permissions import Action, Actor, Area, require
from domain.payments.ageing import OpenPiece, open_pieces
from domain.payments.open_items import open_items
from settings import Settings
from tables.choices import ReminderStatus
from tables.org import Company, CompanyBankAccount
from tables.partners import Partner, PartnerContact
from tables.payments import PaymentSettings, Reminder

log = logging.getLogger("catastif")

NOT_CONFIGURED = "SMTP neconfigurat (SMTP_HOST): nu s-a trimis nimic."
NO_ADDRESS = (
    "Partenerul nu are adresă de e-mail (o persoană de contact pentru facturare sau "
    "e-mailul partenerului)."
)
NO_SENDER = "Lipsește expeditorul (Setări încasări › expeditor, SMTP_FROM sau e-mailul firmei)."
# A run that crashed between the intent and the answer leaves a `sending` row: another
# explicit «send now» may go ahead after this long (the cron still waits the interval).
SENDING_FRESH = timedelta(minutes=15)
BILLING_WORDS = ("factur", "contab", "financ", "billing", "account")


@dataclass(frozen=True, slots=True)
class ReminderSettings:
    enabled: bool = False
    interval_days: int = 7
    grace_days: int = 3
    sender: str = ""


@dataclass(frozen=True, slots=True)
class ReminderDraft:
    partner_id: int
    partner: str
    to_email: str
    subject: str
    body: str
    invoices: list[dict[str, str]]


@dataclass(slots=True)
class ReminderRun:
    company_id: int
    at: date
    sent: list[int] = field(default_factory=list)  # reminder ids
    failed: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)  # partner ids, within the interval
    disabled: bool = False

    def summary(self) -> dict[str, Any]:
        return {"company_id": self.company_id, "at": self.at.isoformat(), "sent": len(self.sent),
                "failed": len(self.failed), "skipped": len(self.skipped),
                "disabled": self.disabled}  # fmt: skip


async def reminder_settings(company_id: int) -> ReminderSettings:
    row = await PaymentSettings.select(
        PaymentSettings.reminders_enabled, PaymentSettings.reminder_interval_days,
        PaymentSettings.reminder_grace_days, PaymentSettings.reminder_from,
    ).where(PaymentSettings.company == company_id).first()  # fmt: skip
    if row is None:
        return ReminderSettings()
    return ReminderSettings(
        enabled=bool(row["reminders_enabled"]),
        interval_days=max(int(row["reminder_interval_days"] or 1), 1),
        grace_days=max(int(row["reminder_grace_days"] or 0), 0),
        sender=row["reminder_from"] or "",
    )


def _overdue(pieces: list[OpenPiece], grace_days: int) -> list[OpenPiece]:
    return [p for p in pieces if p.amount > 0 and p.days_overdue > grace_days]


async def _billing_addresses(partner_ids: list[int]) -> dict[int, str]:
    """Where each partner's reminders go: a contact for invoices/accounting with an
    e-mail, else the partner's own e-mail, else its main contact's."""
    if not partner_ids:
        return {}
    partners = await Partner.select(Partner.id, Partner.email).where(Partner.id.is_in(partner_ids))
    contacts = await PartnerContact.select(
        PartnerContact.partner, PartnerContact.function, PartnerContact.email,
        PartnerContact.is_primary,
    ).where(PartnerContact.partner.is_in(partner_ids) & (PartnerContact.email != "")).order_by(
        PartnerContact.id
    )  # fmt: skip
    billing: dict[int, str] = {}
    primary: dict[int, str] = {}
    for c in contacts:
        if any(w in (c["function"] or "").casefold() for w in BILLING_WORDS):
            billing.setdefault(c["partner"], c["email"].strip())
        if c["is_primary"]:
            primary.setdefault(c["partner"], c["email"].strip())
    return {
        p["id"]: billing.get(p["id"]) or (p["email"] or "").strip() or primary.get(p["id"], "")
        for p in partners
    }


async def reminder_drafts(
    *, company_id: int, at: date, grace_days: int, partner_id: int | None = None
) -> list[ReminderDraft]:
    """The e-mails the company's clients would get at `at` (nothing is recorded)."""
    items = await open_items(
        company_id=company_id, at=at, partner_ids=None if partner_id is None else [partner_id]
    )
    overdue: dict[int, list[tuple[OpenPiece, int]]] = defaultdict(list)
    for item in items:
        for piece in _overdue(open_pieces(item, at), grace_days):
            overdue[item.partner_id].append((piece, len(item.schedule)))
    if not overdue:
        return []
    company = await Company.select(
        Company.name, Company.cui, Company.reg_com, Company.email, Company.phone
    ).where(Company.id == company_id).first()  # fmt: skip
    if company is None:
        raise NotFound("COMPANY_NOT_FOUND", f"Firma nr. {company_id} nu există.")
    banks = await CompanyBankAccount.select(
        CompanyBankAccount.iban, CompanyBankAccount.bank_name, CompanyBankAccount.currency
    ).where(CompanyBankAccount.company == company_id).order_by(
        CompanyBankAccount.is_default, ascending=False
    ).order_by(CompanyBankAccount.id)  # fmt: skip
    ids = sorted(overdue)
    names = {
        r["id"]: r["name"]
        for r in await Partner.select(Partner.id, Partner.name).where(Partner.id.is_in(ids))
    }
    addresses = await _billing_addresses(ids)
    drafts = []
    for pid in ids:
        pieces = sorted(overdue[pid], key=lambda x: (x[0].due, x[0].full_number))
        totals: dict[str, Decimal] = defaultdict(Decimal)
        lines = []
        for piece, instalments in pieces:
            totals[piece.currency] += piece.amount
            lines.append({
                "invoice": piece.invoice_id, "number": piece.full_number,
                "issue_date": piece.issue_date, "due": piece.due, "days": piece.days_overdue,
                "amount": piece.amount, "currency": piece.currency,
                "instalment": instalments > 1,
            })  # fmt: skip
        body = render_mail(
            "payment_reminder.txt",
            {"partner": names.get(pid, ""), "company": company, "at": at, "invoices": lines,
             "totals": sorted(totals.items()), "banks": banks},
        )  # fmt: skip
        count = len({x["invoice"] for x in lines})
        overdue_ro = "o factură restantă" if count == 1 else f"{count} facturi restante"
        subject = f"{company['name']}: {overdue_ro}"
        drafts.append(
            ReminderDraft(
                partner_id=pid, partner=names.get(pid, ""), to_email=addresses.get(pid, ""),
                subject=subject, body=body,
                invoices=[{"invoice": str(x["invoice"]), "number": x["number"],
                           "due": x["due"].isoformat(), "amount": str(x["amount"]),
                           "currency": x["currency"]} for x in lines],
            )
        )  # fmt: skip
    return drafts


async def reminder_preview(*, company_id: int, partner_id: int, by: Actor) -> ReminderDraft | None:
    """What «send now» would send the partner today (None: nothing overdue)."""
    require(by, Area.payments, Action.read)
    config = await reminder_settings(company_id)
    drafts = await reminder_drafts(
        company_id=company_id, at=today(), grace_days=config.grace_days, partner_id=partner_id
    )
    return drafts[0] if drafts else None


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=BUCHAREST)


async def _blocked(company_id: int, partner_id: int, at: date, interval: int, force: bool) -> bool:
    """Whether the partner had its reminder: sent (or being sent) within the interval,
    or tried and failed today. `force` («send now»): only a sending still in progress."""
    now = datetime.now(UTC)
    rows = await Reminder.select(Reminder.sent_at, Reminder.status).where(
        (Reminder.company == company_id) & (Reminder.partner == partner_id)
        & (Reminder.sent_at >= _start_of(at - timedelta(days=interval - 1)))
    )  # fmt: skip
    for r in rows:
        sending = r["status"] == ReminderStatus.sending
        if force:
            if sending and now - r["sent_at"] < SENDING_FRESH:
                return True
        elif r["status"] != ReminderStatus.failed or r["sent_at"] >= _start_of(at):
            return True
    return False


async def _record_intent(
    company_id: int, draft: ReminderDraft, at: date, config: ReminderSettings, problem: str,
    force: bool,
) -> int | None:  # fmt: skip
    """Decide and record in one transaction, under the partner's lock (two runs at once:
    the second waits, then finds the first's row): `sending`, or `failed` with the
    `problem` that keeps it from being sent. None: not now."""
    async with write_tx():
        await Partner.raw("SELECT id FROM partener WHERE id = {}" + for_update_sql(),
                          draft.partner_id)  # fmt: skip
        if await _blocked(company_id, draft.partner_id, at, config.interval_days, force):
            return None
        row = Reminder(
            company=company_id, partner=draft.partner_id, sent_at=datetime.now(UTC),
            to_email=draft.to_email[:200], subject=draft.subject[:300], body=draft.body,
            invoices=draft.invoices, error=problem[:500],
            status=ReminderStatus.failed if problem else ReminderStatus.sending,
        )  # fmt: skip
        await row.save()
    return row.id


async def _record_answer(reminder_id: int, error: str) -> None:
    status = ReminderStatus.failed if error else ReminderStatus.sent
    async with write_tx():
        await Reminder.update({Reminder.status: status, Reminder.error: error[:500]}).where(
            Reminder.id == reminder_id
        )


async def reminders_send(
    *,
    company_id: int,
    settings: Settings,
    at: date | None = None,
    partner_id: int | None = None,
    force: bool = False,
) -> ReminderRun:
    """Send the company's due reminders (the cron: only when the company enabled them).
    `partner_id` with `force`: «send now» for one client, whatever the interval."""
    at = at or today()
    run = ReminderRun(company_id, at)
    config = await reminder_settings(company_id)
    if not config.enabled and not force:
        run.disabled = True
        return run
    drafts = await reminder_drafts(
        company_id=company_id, at=at, grace_days=config.grace_days, partner_id=partner_id
    )
    company_email = await Company.select(Company.email).where(Company.id == company_id).first()
    sender = config.sender or settings.smtp_from or (company_email or {}).get("email", "")
    for draft in drafts:
        if not smtp_configured(settings):
            problem = NOT_CONFIGURED
        elif not draft.to_email:
            problem = NO_ADDRESS
        elif not sender:
            problem = NO_SENDER
        else:
            problem = ""
        reminder_id = await _record_intent(company_id, draft, at, config, problem, force)
        if reminder_id is None:
            run.skipped.append(draft.partner_id)
            continue
        if problem:
            run.failed.append(reminder_id)
            continue
        message = mail_message(
            sender=sender, to=draft.to_email, subject=draft.subject, body=draft.body,
            reply_to=(company_email or {}).get("email", ""),
        )  # fmt: skip
        try:
            await mail_send(settings, message)
        except MAIL_ERRORS as exc:  # refused or unreachable: recorded, tried again next day
            log.warning("reminder %s to %s failed: %s", reminder_id, draft.to_email, exc)
            await _record_answer(reminder_id, f"{type(exc).__name__}: {exc}")
            run.failed.append(reminder_id)
            continue
        await _record_answer(reminder_id, "")
        run.sent.append(reminder_id)
    return run


async def reminder_companies() -> list[int]:
    """The companies whose reminders the daily cron sends."""
    rows = await PaymentSettings.select(PaymentSettings.company).where(
        PaymentSettings.reminders_enabled == True  # noqa: E712 - a SQL comparison
    )
    return sorted(r["company"] for r in rows)
