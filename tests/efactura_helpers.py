"""What the e-Factura send tests share: an issued invoice, a connected company, and "time
travel" done on the database rows (never on the code).

Importing it changes nothing: the fake SPV and the settings pointed at it are the fixtures
`fake_spv` and `settings` of tests/conftest.py.
"""

from __future__ import annotations

import asyncio
import shutil
from datetime import UTC, date, datetime, timedelta
from typing import Any

from domain.efactura.receive import spv_folder
from domain.efactura.secrets import encrypt
from domain.org.permissions import SYSTEM
from domain.sales.invoices import invoice_draft_create, invoice_issue
from settings import Settings
from tables.efactura import AnafConnection, EfacturaEvent, EfacturaSubmission
from tests.factories import make_article, make_client, make_company, make_series
from tests.peers.fake_anaf_spv import FakeAnafSpv


async def issued_invoice(company: int | None = None, **header: Any) -> dict[str, int]:
    company = company or await make_company()
    series = await make_series(company)
    client = await make_client()
    article = await make_article("SRV", name="Servicii de consultanță", kind="service")
    ids = {"company": company, "client": client, "series": series, "article": article}
    return ids | {"invoice": await another_invoice(ids, **header)}


async def another_invoice(ids: dict[str, int], **header: Any) -> int:
    """One more issued invoice of `issued_invoice`'s company, series, client and article."""
    invoice_id = await invoice_draft_create(
        company_id=ids["company"],
        partner_id=ids["client"],
        by=SYSTEM,
        header={"issue_date": date(2026, 11, 2), "delivery_date": date(2026, 11, 2), **header},
        lines=[{"article": ids["article"], "quantity": "2", "unit_price": "150.00"}],
    )
    await invoice_issue(invoice_id=invoice_id, by=SYSTEM)
    return invoice_id


async def connect(
    company: int,
    settings: Settings,
    fake: FakeAnafSpv,
    *,
    access_ttl: timedelta | None = None,
    auto_send_hours: int = 0,
) -> dict[str, Any]:
    """An authorised SPV connection, as the OAuth callback would have stored it."""
    # The session's DATA_DIR outlives the test database, and the fake numbers its messages
    # from the same start every test: recovery must not read an earlier test's ZIP.
    shutil.rmtree(settings.data_dir / spv_folder(company), ignore_errors=True)
    tokens = fake.issue_tokens(access_ttl=access_ttl)
    now = datetime.now(UTC)
    row = AnafConnection(
        company=company,
        environment="test",
        client_id=fake.client_id,
        client_secret_enc=encrypt(fake.client_secret, settings.secret),
        redirect_uri="http://test/api/efactura/oauth/callback",
        access_token_enc=encrypt(tokens["access_token"], settings.secret),
        refresh_token_enc=encrypt(tokens["refresh_token"], settings.secret),
        access_expires_at=now + (access_ttl or timedelta(days=90)),
        refresh_expires_at=now + timedelta(days=365),
        auto_send_hours=auto_send_hours,
        enabled=True,
    )
    await row.save()
    return tokens


async def submission(invoice_id: int) -> dict[str, Any]:
    row = (
        await EfacturaSubmission.select(*EfacturaSubmission._meta.columns)
        .where(EfacturaSubmission.invoice == invoice_id)
        .first()
    )
    assert row is not None
    return row


async def details(submission_id: int) -> list[str]:
    rows = (
        await EfacturaEvent.select(EfacturaEvent.detail)
        .where(EfacturaEvent.submission == submission_id)
        .order_by(EfacturaEvent.id)
    )
    return [r["detail"] for r in rows]


async def make_due(invoice_id: int) -> None:
    """Time travel: whatever the row waits for is due now."""
    await EfacturaSubmission.update(
        {EfacturaSubmission.next_check_at: datetime.now(UTC) - timedelta(seconds=1)}
    ).where(EfacturaSubmission.invoice == invoice_id)


async def age_upload(invoice_id: int, by: timedelta) -> None:
    """Time travel: the upload(s) started `by` earlier than they did."""
    row = await submission(invoice_id)
    events = await EfacturaEvent.select(EfacturaEvent.id, EfacturaEvent.at).where(
        EfacturaEvent.submission == row["id"]
    )
    for event in events:
        at = event["at"]
        at = datetime.fromisoformat(at) if isinstance(at, str) else at
        await EfacturaEvent.update({EfacturaEvent.at: at - by}).where(
            EfacturaEvent.id == event["id"]
        )


async def wait_state(invoice_id: int, predicate: Any, timeout_s: float = 30.0) -> dict[str, Any]:
    """The submission row once `predicate(row)` holds (jobs run in a worker)."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        row = (
            await EfacturaSubmission.select(*EfacturaSubmission._meta.columns)
            .where(EfacturaSubmission.invoice == invoice_id)
            .first()
        )
        if row is not None and predicate(row):
            return row
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"e-Factura state not reached; last row: {row}")
        await asyncio.sleep(0.05)


async def wait_event(invoice_id: int, text: str, timeout_s: float = 30.0) -> None:
    """Until the submission's trail has an event containing `text` (a job finished)."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        row = (
            await EfacturaSubmission.select(EfacturaSubmission.id)
            .where(EfacturaSubmission.invoice == invoice_id)
            .first()
        )
        if row is not None and any(text in d for d in await details(row["id"])):
            return
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"no event {text!r}")
        await asyncio.sleep(0.05)
