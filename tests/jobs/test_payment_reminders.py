"""Payment reminders (jobs/reminders.py, domain/payments/reminders.py) against a real local
SMTP server: the e-mail arrives with the overdue instalments, the total and the company's
accounts; at most one per interval; failures recorded and tried again the next day; a run
that crashed after recording its intent, a retried job or two runs at once never send twice."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Iterator
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from litestar import Litestar

from domain.core.clock import today
from domain.org.permissions import SYSTEM
from domain.payments.reminders import (
    NO_ADDRESS,
    NOT_CONFIGURED,
    SENDING_FRESH,
    _record_intent,
    reminder_drafts,
    reminder_settings,
    reminders_send,
)
from domain.payments.term_ops import payment_term_create
from domain.sales.invoices import invoice_draft_create, invoice_issue
from jobs.reminders import (
    REMINDERS_RETRIES,
    REMINDERS_TIMEOUT_S,
    payment_reminders,
    payment_reminders_daily,
    reminders_key,
)
from settings import Settings
from tables.org import CompanyBankAccount
from tables.partners import PartnerContact
from tables.payments import PaymentSettings, Reminder
from tests.factories import make_article, make_client, make_company, make_series
from tests.peers.smtp_server import Mailbox, smtp_server

TODAY = today()


@pytest.fixture
def smtp(settings: Settings) -> Iterator[tuple[Mailbox, Settings]]:
    with smtp_server() as (mailbox, port):
        yield (
            mailbox,
            dataclasses.replace(
                settings, smtp_host="127.0.0.1", smtp_port=port, smtp_from="incasari@catastif.ro"
            ),
        )


async def setup(email: str = "plati@alfa.ro") -> dict[str, int]:
    company = await make_company(email="office@catastif.ro", phone="021 000 0000")
    await make_series(company)
    await CompanyBankAccount(
        company=company, iban="RO49AAAA1B31007593840000", bank_name="Banca Transilvania",
        is_default=True,
    ).save()  # fmt: skip
    await PaymentSettings(
        company=company, reminders_enabled=True, reminder_interval_days=7, reminder_grace_days=3
    ).save()
    client = await make_client(email=email)
    article = await make_article(kind="service")
    term = await payment_term_create(
        values={"company": company, "name": "Două rate",
                "instalments": [{"days": 0, "percent": "50"}, {"days": 30, "percent": "50"}]},
        by=SYSTEM,
    )  # fmt: skip
    return {"company": company, "client": client, "article": article, "term": term}


async def issue(ids: dict[str, int], days_ago: int, price: str = "100.01", **header: Any) -> str:
    draft = await invoice_draft_create(
        company_id=ids["company"], partner_id=ids["client"], by=SYSTEM,
        lines=[{"article": ids["article"], "quantity": 1, "unit_price": price}],
        header={"issue_date": TODAY - timedelta(days=days_ago), **header},
    )  # fmt: skip
    return (await invoice_issue(invoice_id=draft, by=SYSTEM)).number


async def reminders() -> list[dict[str, Any]]:
    return await Reminder.select().order_by(Reminder.id).output(load_json=True)


async def test_the_overdue_client_gets_one_email_per_interval(smtp: tuple[Mailbox, Settings]):
    mailbox, settings = smtp
    ids = await setup()
    # 40 days ago in two instalments: 60.51 due 40 days ago, 60.50 due 10 days ago.
    overdue = await issue(ids, 40, payment_term=ids["term"])
    # Due 2 days ago: within the 3 days of grace; due later: not due.
    await issue(ids, 2, price="50")
    await issue(ids, 0, price="70", due_date=TODAY + timedelta(days=30))
    ctx = {"settings": settings}
    result = await payment_reminders(ctx, company_id=ids["company"])
    assert (result["sent"], result["failed"], result["skipped"]) == (1, 0, 0)
    (message,) = mailbox.messages
    assert message["To"] == "plati@alfa.ro"
    assert message["From"] == "incasari@catastif.ro"
    assert message["Reply-To"] == "office@catastif.ro"
    assert message["Subject"] == "Catastif Test SRL: o factură restantă"
    body = message.get_content()
    first, second = TODAY - timedelta(days=40), TODAY - timedelta(days=10)
    assert f"Factura {overdue} din {first:%d.%m.%Y}, rata scadentă la {first:%d.%m.%Y} " in body
    assert "(40 de zile de întârziere): 60,51 RON" in body
    assert f"scadentă la {second:%d.%m.%Y} (10 zile de întârziere): 60,50 RON" in body
    assert "Total restant: 121,01 RON" in body
    assert "RO49AAAA1B31007593840000, Banca Transilvania (RON)" in body
    assert "50,00" not in body  # in its days of grace
    assert "70,00" not in body  # not due
    (row,) = await reminders()
    assert (row["status"], row["error"], row["to_email"]) == ("sent", "", "plati@alfa.ro")
    assert [x["amount"] for x in row["invoices"]] == ["60.51", "60.50"]
    assert row["body"] == body.replace("\r\n", "\n")  # what was sent is what is kept

    # The same day, and six days later: nothing; the seventh day: again.
    again = await payment_reminders(ctx, company_id=ids["company"])
    assert (again["sent"], again["skipped"]) == (0, 1)
    later = await reminders_send(company_id=ids["company"], settings=settings,
                                 at=TODAY + timedelta(days=6))  # fmt: skip
    assert later.skipped == [ids["client"]]
    week = await reminders_send(company_id=ids["company"], settings=settings,
                                at=TODAY + timedelta(days=7))  # fmt: skip
    assert len(week.sent) == 1
    assert len(mailbox.messages) == 2


async def test_failures_are_recorded_and_tried_again_the_next_day(
    smtp: tuple[Mailbox, Settings], settings: Settings
):
    mailbox, with_smtp = smtp
    ids = await setup(email="refuza@alfa.ro")
    await issue(ids, 20)
    run = await reminders_send(company_id=ids["company"], settings=with_smtp)
    assert len(run.failed) == 1
    (row,) = await reminders()
    assert row["status"] == "failed"
    assert "550" in row["error"]
    assert mailbox.messages == []
    # Not again the same day; the next day it is tried again.
    assert (await reminders_send(company_id=ids["company"], settings=with_smtp)).skipped
    tomorrow = await reminders_send(
        company_id=ids["company"], settings=with_smtp, at=TODAY + timedelta(days=1)
    )
    assert len(tomorrow.failed) == 1
    # A billing contact wins over the partner's address.
    await PartnerContact(partner=ids["client"], name="Ioana Pop", function="Contabilitate",
                         email="contabil@alfa.ro").save()  # fmt: skip
    fixed = await reminders_send(
        company_id=ids["company"], settings=with_smtp, at=TODAY + timedelta(days=2)
    )
    assert len(fixed.sent) == 1
    assert mailbox.messages[0]["To"] == "contabil@alfa.ro"
    # Without SMTP settings nothing is sent and the record says why.
    await issue(ids, 30)
    idle = await reminders_send(
        company_id=ids["company"], settings=settings, at=TODAY + timedelta(days=10)
    )
    assert len(idle.failed) == 1
    assert (await reminders())[-1]["error"] == NOT_CONFIGURED
    assert len(mailbox.messages) == 1


async def test_a_client_without_an_address_is_recorded(smtp: tuple[Mailbox, Settings]):
    _, settings = smtp
    ids = await setup(email="")
    await issue(ids, 20)
    run = await reminders_send(company_id=ids["company"], settings=settings)
    assert len(run.failed) == 1
    assert (await reminders())[0]["error"] == NO_ADDRESS


async def test_a_run_that_crashed_after_its_intent_is_not_sent_again(
    smtp: tuple[Mailbox, Settings],
):
    mailbox, settings = smtp
    ids = await setup()
    await issue(ids, 20)
    # A run that recorded its intent and died before the answer: the retry sends nothing
    # within the interval (the e-mail may have left).
    config = await reminder_settings(ids["company"])
    (draft,) = await reminder_drafts(company_id=ids["company"], at=TODAY,
                                     grace_days=config.grace_days)  # fmt: skip
    assert await _record_intent(ids["company"], draft, TODAY, config, "", False)
    (row,) = await reminders()
    assert (row["status"], row["error"]) == ("sending", "")
    retry = await payment_reminders({"settings": settings}, company_id=ids["company"])
    assert (retry["sent"], retry["skipped"]) == (0, 1)
    # «Send now» waits for a sending still in progress too; one that is long dead (the
    # run crashed) no longer stops it.
    now = await payment_reminders(
        {"settings": settings}, company_id=ids["company"], partner_id=ids["client"], force=True
    )
    assert (now["sent"], now["skipped"]) == (0, 1)
    assert mailbox.messages == []
    await Reminder.update({Reminder.sent_at: row["sent_at"] - SENDING_FRESH}).where(
        Reminder.id == row["id"]
    )
    now = await payment_reminders(
        {"settings": settings}, company_id=ids["company"], partner_id=ids["client"], force=True
    )
    assert now["sent"] == 1
    assert len(mailbox.messages) == 1
    assert [r["status"] for r in await reminders()] == ["sending", "sent"]


async def test_two_runs_at_once_send_one_email(smtp: tuple[Mailbox, Settings]):
    mailbox, settings = smtp
    ids = await setup()
    await issue(ids, 20)
    # The cron and «send now», or a retried job beside a slow one: one e-mail.
    runs = await asyncio.gather(
        reminders_send(company_id=ids["company"], settings=settings),
        reminders_send(company_id=ids["company"], settings=settings),
    )
    assert sorted(len(r.sent) for r in runs) == [0, 1]
    assert len(mailbox.messages) == 1


async def test_disabled_companies_get_nothing_but_send_now_works(smtp: tuple[Mailbox, Settings]):
    mailbox, settings = smtp
    ids = await setup()
    await PaymentSettings.update({PaymentSettings.reminders_enabled: False}).where(
        PaymentSettings.company == ids["company"]
    )
    await issue(ids, 20)
    assert (await reminders_send(company_id=ids["company"], settings=settings)).disabled
    now = await payment_reminders(
        {"settings": settings}, company_id=ids["company"], partner_id=ids["client"], force=True
    )
    assert now["sent"] == 1
    assert len(mailbox.messages) == 1


async def test_the_daily_cron_queues_one_run_per_enabled_company(app: Litestar):
    ids = await setup()
    await make_company(name="Fără reamintiri SRL", cui="18547290")
    queue = app.state.queue
    key = reminders_key(ids["company"])
    # With REDIS_URL no worker runs here: a job an earlier run left queued would dedupe.
    if (left := await queue.job(key)) is not None:
        await queue.abort(left, "left by an earlier test run")
    result = await payment_reminders_daily({"worker": SimpleNamespace(queue=queue)})
    assert result == {"companies": 1, "enqueued": 1}
    job = await queue.job(key)
    assert job is not None
    assert (job.timeout, job.retries, job.retry_backoff) == (
        REMINDERS_TIMEOUT_S, REMINDERS_RETRIES, True
    )  # fmt: skip
    assert job.kwargs["company_id"] == ids["company"]
    await queue.abort(job, "test over")
