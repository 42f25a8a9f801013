"""Confirming one statement line from several places at once gives one receipt: the line is
locked before its status is read (PostgreSQL FOR UPDATE; SQLite's IMMEDIATE transaction),
so every confirmation but the first finds it confirmed. Two lines of the same partner
confirmed at once both go through."""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path

from domain.core.errors import Conflict
from domain.org.permissions import SYSTEM
from domain.payments.statements import line_confirm, statement_import
from domain.sales.invoices import invoice_draft_create, invoice_issue
from tables.org import CompanyBankAccount
from tables.partners import PartnerBankAccount
from tables.payments import BankStatementLine, Receipt
from tests.factories import make_article, make_client, make_company, make_series

DATA = Path(__file__).parent.parent / "data" / "statements"
CONFIRMERS = 6


async def _setup() -> list[int]:
    company = await make_company()
    await make_series(company)
    alfa = await make_client()
    await make_client(name="Beta Construcții S.A.", cui="18547290")
    await PartnerBankAccount(partner=alfa, iban="RO89RZBR0000060003480121").save()
    service = await make_article("SRV", name="Servicii", kind="service")
    for price in ("100", "200", "300"):
        draft = await invoice_draft_create(
            company_id=company, partner_id=alfa, by=SYSTEM,
            header={"issue_date": date(2026, 3, 10)},
            lines=[{"article": service, "quantity": 1, "unit_price": price}],
        )  # fmt: skip
        await invoice_issue(invoice_id=draft, by=SYSTEM)
    await CompanyBankAccount(company=company, iban="RO12BTRLRONCRT0012345601").save()
    imported = await statement_import(
        company_id=company, data=(DATA / "bt_ron_2zile.sta").read_bytes(), by=SYSTEM
    )
    return imported.new_line_ids


async def test_concurrent_confirmations_of_one_line_make_one_receipt():
    first = (await _setup())[0]
    results = await asyncio.gather(
        *(line_confirm(line_id=first, by=SYSTEM) for _ in range(CONFIRMERS)),
        return_exceptions=True,
    )
    done = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, BaseException)]
    assert len(done) == 1
    assert all(isinstance(r, Conflict) and r.code == "STATEMENT_LINE_CONFIRMED" for r in refused)
    assert await Receipt.count() == 1
    line = await BankStatementLine.objects().get(BankStatementLine.id == first)
    assert line.receipt == done[0].receipt_id


async def test_two_lines_of_one_partner_confirmed_at_once():
    ids = await _setup()
    alfa_lines = [ids[0], ids[3]]  # 121.00 for FCT-00001, 605.00 for FCT-00002 + FCT-00003
    results = await asyncio.gather(*(line_confirm(line_id=i, by=SYSTEM) for i in alfa_lines))
    assert len({r.receipt_id for r in results}) == 2
    assert await Receipt.count() == 2
