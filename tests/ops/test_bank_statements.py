"""Bank statements through the real operations: import (idempotent, overlapping files,
derived references), proposals from open invoices, confirmation as a bank receipt with
its entry (5121 = 4111), ignoring, and refusals that write nothing."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from domain.core.errors import Conflict, DomainError, ValidationFailed
from domain.org.permissions import SYSTEM
from domain.payments.open_items import open_items
from domain.payments.statements import (
    line_confirm,
    line_ignore,
    line_unignore,
    lines_propose,
    statement_import,
)
from domain.payments.statements_queries import statement_lines
from domain.sales.invoices import invoice_draft_create, invoice_issue
from tables.choices import StatementLineStatus
from tables.ledger import JournalLine
from tables.org import CompanyBankAccount
from tables.partners import PartnerBankAccount
from tables.payments import BankStatement, BankStatementLine, Receipt
from tests.factories import make_article, make_client, make_company, make_series

D = Decimal
DATA = Path(__file__).parent.parent / "data" / "statements"
MARCH = date(2026, 3, 10)
ALFA_IBAN = "RO89RZBR0000060003480121"
ACCOUNTS = {
    "bt": ("RO12BTRLRONCRT0012345601", "RON"),
    "bt_eur": ("RO32BTRLEURCRT0012345602", "EUR"),
    "ing": ("RO19INGB0000999904621843", "RON"),
    "brd": ("RO56BRDE360SV52474653600", "RON"),
    "bcr_eur": ("RO04RNCB0082044556670001", "EUR"),
}


def file(name: str) -> bytes:
    return (DATA / name).read_bytes()


@pytest.fixture
async def env() -> dict[str, Any]:
    company = await make_company()
    await make_series(company)
    alfa = await make_client()  # Alfa Distribuție SRL, CUI 12345674
    beta = await make_client(name="Beta Construcții S.A.", cui="18547290")
    await PartnerBankAccount(partner=alfa, iban=ALFA_IBAN).save()
    service = await make_article("SRV", name="Servicii", kind="service")
    invoices = []
    for partner, price in ((alfa, "100"), (alfa, "200"), (beta, "500"), (alfa, "300")):
        draft = await invoice_draft_create(
            company_id=company, partner_id=partner, by=SYSTEM,
            header={"issue_date": MARCH, "due_date": MARCH},
            lines=[{"article": service, "quantity": 1, "unit_price": price}],
        )  # fmt: skip
        invoices.append((await invoice_issue(invoice_id=draft, by=SYSTEM)).invoice_id)
    accounts = {}
    for key, (iban, currency) in ACCOUNTS.items():
        row = CompanyBankAccount(company=company, iban=iban, currency=currency)
        await row.save()
        accounts[key] = row.id
    return {"company": company, "alfa": alfa, "beta": beta, "invoices": invoices,
            "accounts": accounts}  # fmt: skip


async def lines(env: dict[str, Any]) -> list[dict[str, Any]]:
    rows = await statement_lines(company_id=env["company"], by=SYSTEM)
    return sorted(rows, key=lambda r: r["id"])


async def books() -> dict[str, D]:
    out: dict[str, D] = defaultdict(D)
    query = JournalLine.select(
        JournalLine.account.code.as_alias("code"), JournalLine.debit, JournalLine.credit
    ).where(JournalLine.entry.source_type == "receipt")
    for r in await query:
        out[r["code"]] += D(str(r["debit"])) - D(str(r["credit"]))
    return {k: v.quantize(D("0.01")) for k, v in out.items() if v}


async def test_import_proposes_matches_and_a_second_import_adds_nothing(env):
    first = await statement_import(
        company_id=env["company"], data=file("bt_ron_2zile.sta"), file_name="bt.sta", by=SYSTEM
    )
    assert (first.new_lines, first.existing_lines) == (6, 0)
    assert [s.bank_account_id for s in first.statements] == [env["accounts"]["bt"]] * 2
    rows = await lines(env)
    one, fee, three, both, supplier, unknown = rows
    inv1, inv2, inv3, inv4 = env["invoices"]
    assert (one["status"], one["partner"]) == (StatementLineStatus.proposed, env["alfa"])
    assert [x["invoice"] for x in one["proposal"]["invoices"]] == [inv1]
    assert one["proposal"]["score"] == 100
    assert (three["partner"], [x["invoice"] for x in three["proposal"]["invoices"]]) == (
        env["beta"], [inv3],
    )  # fmt: skip
    assert sorted(x["invoice"] for x in both["proposal"]["invoices"]) == [inv2, inv4]
    for debit in (fee, supplier):
        assert (debit["status"], debit["proposal"]) == (StatementLineStatus.new, {})
    assert unknown["status"] == StatementLineStatus.new
    assert unknown["partner"] is None
    assert unknown["proposal"]["reasons"]

    again = await statement_import(
        company_id=env["company"], data=file("bt_ron_2zile.sta"), by=SYSTEM
    )
    assert (again.new_lines, again.existing_lines) == (0, 6)
    assert all(s.already_imported for s in again.statements)
    assert await BankStatementLine.count() == 6
    assert await BankStatement.count() == 2


async def test_overlapping_files_import_only_the_new_days(env):
    for name, new, existing in (
        ("ing_ron_0316.sta", 2, 0),
        ("ing_ron_0316_0317.sta", 1, 2),  # the bank's references
        ("brd_ron_0316.sta", 3, 0),
        ("brd_ron_0316_0317.sta", 1, 3),  # derived references (BRD gives none)
    ):
        result = await statement_import(company_id=env["company"], data=file(name), by=SYSTEM)
        assert (result.new_lines, result.existing_lines) == (new, existing), name
    brd = [r for r in await lines(env) if r["bank_account"] == env["accounts"]["brd"]]
    assert len(brd) == 4
    assert len({r["bank_reference"] for r in brd}) == 4


async def test_currency_accounts_and_camt(env):
    eur = await statement_import(
        company_id=env["company"], data=file("camt053_v08_eur.xml"), by=SYSTEM
    )
    assert [s.bank_account_id for s in eur.statements] == [env["accounts"]["bt_eur"]] * 2
    assert eur.new_lines == 3
    bcr = await statement_import(
        company_id=env["company"],
        data=file("bcr_eur_0316.sta"),
        bank_account_id=env["accounts"]["bcr_eur"],
        by=SYSTEM,
    )
    assert bcr.new_lines == 2
    ron = await statement_import(
        company_id=env["company"], data=file("camt053_v02_ron.xml"), by=SYSTEM
    )
    alfa, beta, _water = [r for r in await lines(env) if r["id"] in ron.new_line_ids]
    assert alfa["partner"] == env["alfa"]
    assert beta["partner"] == env["beta"]


@pytest.mark.parametrize(
    ("name", "account", "code"),
    [
        ("bt_ron_2zile.sta", "ing", "STATEMENT_IBAN_MISMATCH"),
        ("camt053_v08_eur.xml", "bt", "STATEMENT_IBAN_MISMATCH"),
        ("mt940_neechilibrat.sta", None, "STATEMENT_BALANCE_MISMATCH"),
        ("camt_stricat.xml", None, "STATEMENT_CAMT_INVALID"),
    ],
)
async def test_refused_imports_write_nothing(env, name, account, code):
    with pytest.raises(ValidationFailed) as refused:
        await statement_import(
            company_id=env["company"],
            data=file(name),
            bank_account_id=env["accounts"][account] if account else None,
            by=SYSTEM,
        )
    assert refused.value.code == code
    assert await BankStatement.count() == 0
    assert await BankStatementLine.count() == 0


async def test_a_file_for_an_account_the_company_does_not_have(env):
    await CompanyBankAccount.delete().where(CompanyBankAccount.id == env["accounts"]["brd"])
    with pytest.raises(ValidationFailed) as refused:
        await statement_import(company_id=env["company"], data=file("brd_ron_0316.sta"), by=SYSTEM)
    assert refused.value.code == "STATEMENT_ACCOUNT_UNKNOWN"


async def test_confirm_posts_a_bank_receipt_once(env):
    await statement_import(company_id=env["company"], data=file("bt_ron_2zile.sta"), by=SYSTEM)
    one = (await lines(env))[0]
    done = await line_confirm(line_id=one["id"], by=SYSTEM)
    receipt = await Receipt.objects().get(Receipt.id == done.receipt_id)
    assert (receipt.kind, receipt.amount, receipt.bank_reference) == (
        "bank", D("121.00"), "BT26031600041",
    )  # fmt: skip
    assert receipt.bank_account == env["accounts"]["bt"]
    assert receipt.day == date(2026, 3, 16)
    assert await books() == {"5121": D("121.00"), "4111": D("-121.00")}
    (paid,) = await open_items(
        company_id=env["company"], at=date(2026, 12, 31), invoice_ids=[env["invoices"][0]],
        include_settled=True,
    )  # fmt: skip
    assert paid.open == D(0)
    line = (await lines(env))[0]
    assert (line["status"], line["receipt"]) == (StatementLineStatus.confirmed, done.receipt_id)
    with pytest.raises(Conflict) as twice:
        await line_confirm(line_id=one["id"], by=SYSTEM)
    assert twice.value.code == "STATEMENT_LINE_CONFIRMED"
    assert await Receipt.count() == 1


async def test_confirm_with_the_users_partner_and_amounts(env):
    await statement_import(company_id=env["company"], data=file("bt_ron_2zile.sta"), by=SYSTEM)
    unknown = (await lines(env))[5]  # ION POPESCU, 50.00, no partner found
    with pytest.raises(ValidationFailed) as no_partner:
        await line_confirm(line_id=unknown["id"], by=SYSTEM)
    assert no_partner.value.code == "PARTNER_REQUIRED"
    inv2 = env["invoices"][1]
    done = await line_confirm(
        line_id=unknown["id"],
        partner_id=env["alfa"],
        allocations=[{"invoice": inv2, "amount": "30.00"}],
        by=SYSTEM,
    )
    (item,) = await open_items(company_id=env["company"], at=date(2026, 12, 31), invoice_ids=[inv2])
    assert item.open == D("212.00")
    # 20.00 left over is an advance (419) of the partner.
    assert await books() == {"5121": D("50.00"), "4111": D("-30.00"), "419": D("-20.00")}
    assert done.partner_id == env["alfa"]


async def test_debits_are_not_receipts_and_can_be_ignored_and_back(env):
    await statement_import(company_id=env["company"], data=file("bt_ron_2zile.sta"), by=SYSTEM)
    fee = (await lines(env))[1]
    with pytest.raises(ValidationFailed) as refused:
        await line_confirm(line_id=fee["id"], partner_id=env["alfa"], by=SYSTEM)
    assert refused.value.code == "STATEMENT_LINE_NOT_CREDIT"
    await line_ignore(line_id=fee["id"], by=SYSTEM)
    assert (await lines(env))[1]["status"] == StatementLineStatus.ignored
    with pytest.raises(Conflict):
        await line_confirm(line_id=fee["id"], partner_id=env["alfa"], by=SYSTEM)
    await line_unignore(line_id=fee["id"], by=SYSTEM)
    assert (await lines(env))[1]["status"] == StatementLineStatus.new
    with pytest.raises(Conflict):
        await line_unignore(line_id=fee["id"], by=SYSTEM)


async def test_proposals_are_worked_out_again_when_a_partners_iban_becomes_known(env):
    await statement_import(company_id=env["company"], data=file("ing_ron_0316.sta"), by=SYSTEM)
    await statement_import(company_id=env["company"], data=file("camt053_v02_ron.xml"), by=SYSTEM)
    beta_line = next(r for r in await lines(env) if r["counterparty_name"].startswith("BETA"))
    assert beta_line["partner"] == env["beta"]  # by its name and the invoice number
    reasons = beta_line["proposal"]["reasons"]
    assert not any("IBAN" in r for r in reasons)
    await PartnerBankAccount(partner=env["beta"], iban="RO66BACX0000001234567890").save()
    assert await lines_propose(company_id=env["company"], by=SYSTEM) >= 2
    again = next(r for r in await lines(env) if r["id"] == beta_line["id"])
    assert any("IBAN" in r for r in again["proposal"]["reasons"])


async def test_only_the_payments_roles_import(env):
    from domain.org.permissions import Actor
    from tables.choices import Role

    with pytest.raises(DomainError) as refused:
        await statement_import(
            company_id=env["company"],
            data=file("bt_ron_2zile.sta"),
            by=Actor(role=Role.viewer, name="v"),
        )
    assert refused.value.code == "FORBIDDEN"
