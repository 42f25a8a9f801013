"""Receipts through the real operations, with the books checked account by account:
partial collections, several receipts per invoice and invoices per receipt, an
overpayment becoming an advance and its later use, a EUR invoice collected at another
rate (665/765), a cash-VAT collection, undoing an allocation, cancelling a receipt."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from domain.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from domain.ledger.manual import period_close
from domain.org.permissions import SYSTEM
from domain.payments.open_items import open_items
from domain.payments.queries import advances_available
from domain.payments.receipts import (
    allocation_add,
    allocation_reverse,
    receipt_cancel,
    receipt_record,
)
from domain.sales.invoices import invoice_cancel, invoice_draft_create, invoice_issue
from tables.choices import DocType
from tables.ledger import JournalLine
from tables.org import Company, CompanyBankAccount, ExchangeRate
from tables.payments import CashDesk, PaymentSettings, Receipt
from tests.factories import make_article, make_client, make_company, make_series

D = Decimal
MARCH, APRIL, MAY = date(2026, 3, 10), date(2026, 4, 2), date(2026, 5, 4)


@pytest.fixture
async def env() -> dict[str, Any]:
    company = await make_company()
    await make_series(company)
    await make_series(company, prefix="CHT", doc_type=DocType.receipt)
    return {
        "company": company,
        "client": await make_client(),
        "service": await make_article("SRV", name="Reparație", kind="service"),
    }


async def invoice(env: dict[str, Any], price: str, day: date = MARCH, **header: Any) -> int:
    draft = await invoice_draft_create(
        company_id=env["company"],
        partner_id=header.pop("partner", env["client"]),
        by=SYSTEM,
        header={"issue_date": day, "due_date": header.pop("due", day), **header},
        lines=[{"article": env["service"], "quantity": 1, "unit_price": price}],
    )
    return (await invoice_issue(invoice_id=draft, by=SYSTEM)).invoice_id


async def books(partner: int | None = None) -> dict[str, D]:
    """Balance (debit - credit) per account code, of every entry or of one partner's lines."""
    query = JournalLine.select(
        JournalLine.account.code.as_alias("code"), JournalLine.debit, JournalLine.credit
    )
    if partner is not None:
        query = query.where(JournalLine.partner == partner)
    out: dict[str, D] = defaultdict(D)
    for r in await query:
        out[r["code"]] += D(str(r["debit"])) - D(str(r["credit"]))
    return {k: v.quantize(D("0.01")) for k, v in out.items() if v}


async def open_of(env: dict[str, Any], *invoices: int) -> list[D]:
    items = await open_items(
        company_id=env["company"],
        at=date(2030, 1, 1),
        invoice_ids=list(invoices),
        include_settled=True,
    )
    by_id = {x.invoice_id: x.open for x in items}
    return [by_id[i] for i in invoices]


async def test_partial_collections_oldest_first_and_a_chitanta_number(env):
    old = await invoice(env, "100", due=date(2026, 3, 20))  # 121.00
    new = await invoice(env, "200", due=date(2026, 4, 9))  # 242.00
    first = await receipt_record(
        company_id=env["company"],
        kind="cash",
        partner_id=env["client"],
        day=APRIL,
        amount=D("150.00"),
        by=SYSTEM,
    )
    assert first.full_number == "CHT-00001"
    assert [(a.invoice_id, a.amount) for a in first.allocated] == [(old, D(121)), (new, D(29))]
    assert first.advance == D(0)
    assert await open_of(env, old, new) == [D(0), D(213)]
    second = await receipt_record(
        company_id=env["company"],
        kind="bank",
        partner_id=env["client"],
        day=APRIL,
        amount=D("213.00"),
        by=SYSTEM,
    )
    assert second.full_number == ""
    assert await open_of(env, old, new) == [D(0), D(0)]
    # Two receipts paid the second invoice; the first paid two invoices.
    assert await books() == {"704": D(-300), "4427": D(-63), "5311": D(150), "5121": D(213)}
    stored = await Receipt.select(
        Receipt.series, Receipt.number, Receipt.payer_name, Receipt.description
    ).where(Receipt.id == first.receipt_id)
    assert stored[0]["number"] == 1
    assert stored[0]["payer_name"] == "Alfa Distribuție SRL"
    assert stored[0]["description"].startswith("Contravaloare facturile FCT-")


async def test_overpayment_becomes_an_advance_used_later_undone_and_cancelled(env):
    first = await invoice(env, "100")  # 121.00
    paid = await receipt_record(
        company_id=env["company"],
        kind="cash",
        partner_id=env["client"],
        day=MARCH,
        amount=D("200.00"),
        by=SYSTEM,
    )
    assert paid.advance == D("79.00")
    assert await books(env["client"]) == {"419": D("-79.00")}  # 4111 settled
    (offered,) = await advances_available(env["company"], env["client"])
    assert (offered.receipt_id, offered.left, offered.left_ron) == (paid.receipt_id, D(79), D(79))

    later = await invoice(env, "200", APRIL)  # 242.00, issued after the receipt
    used = await allocation_add(receipt_id=paid.receipt_id, invoice_id=later, day=APRIL, by=SYSTEM)
    assert await advances_available(env["company"], env["client"]) == []
    assert await books(env["client"]) == {"4111": D("163.00")}
    assert await open_of(env, first, later) == [D(0), D(163)]

    undone = await allocation_reverse(allocation_id=used, day=APRIL, reason="Greșit", by=SYSTEM)
    assert undone != used
    assert await books(env["client"]) == {"4111": D("242.00"), "419": D("-79.00")}
    with pytest.raises(Conflict) as twice:
        await allocation_reverse(allocation_id=used, day=APRIL, reason="Iar", by=SYSTEM)
    assert twice.value.code == "ALLOCATION_ALREADY_REVERSED"

    # The invoice paid by the receipt cannot be cancelled while paid.
    with pytest.raises(Conflict) as refused:
        await invoice_cancel(invoice_id=first, reason="Greșeală", by=SYSTEM)
    assert refused.value.code == "INVOICE_HAS_RECEIPTS"

    await receipt_cancel(
        receipt_id=paid.receipt_id, reason="Chitanță greșită", day=APRIL, by=SYSTEM
    )
    # Everything back as before the receipt: both invoices owed in full, no cash, no advance.
    assert await books() == {"4111": D("363.00"), "704": D("-300.00"), "4427": D("-63.00")}
    assert await open_of(env, first, later) == [D(121), D(242)]
    row = await Receipt.select().where(Receipt.id == paid.receipt_id).first()
    assert (row["status"], row["full_number"]) == ("cancelled", "CHT-00001")  # keeps its number
    with pytest.raises(Conflict) as again:
        await receipt_cancel(receipt_id=paid.receipt_id, reason="x", day=APRIL, by=SYSTEM)
    assert again.value.code == "RECEIPT_CANCELLED"
    await invoice_cancel(invoice_id=first, reason="Greșeală", by=SYSTEM)  # nothing paid now


async def test_eur_invoice_collected_at_other_rates_books_765_and_665(env):
    await ExchangeRate.insert(
        ExchangeRate(currency="EUR", day=date(2026, 3, 9), rate=D("5.0912")),
        ExchangeRate(currency="EUR", day=date(2026, 4, 1), rate=D("5.1000")),
        ExchangeRate(currency="EUR", day=date(2026, 4, 20), rate=D("5.0500")),
    )
    eur = await invoice(env, "1000", currency="EUR")  # 1210 EUR at 5.0912 = 6160.35 lei
    euros = await receipt_record(
        company_id=env["company"],
        kind="bank",
        partner_id=env["client"],
        day=APRIL,
        amount=D("500.00"),
        currency="EUR",
        by=SYSTEM,
    )
    # 500 EUR came at 5.1000 (2550.00 lei) and leave the receivable at 5.0912 (2545.60).
    assert await books() == {
        "4111": D("3614.75"),
        "704": D("-5091.20"),
        "4427": D("-1069.15"),
        "5124": D("2550.00"),
        "7651": D("-4.40"),
    }
    lei = await receipt_record(
        company_id=env["company"],
        kind="bank",
        partner_id=env["client"],
        day=date(2026, 4, 21),
        amount=D("3600.00"),
        allocations=[{"invoice": eur, "amount": D("710.00")}],
        by=SYSTEM,
    )
    # 710 EUR in lei at 5.0500 = 3585.50; the receivable had exactly 3614.75 left: 29.25 loss.
    assert lei.advance == D("14.50")
    assert await books() == {
        "704": D("-5091.20"),
        "4427": D("-1069.15"),
        "5124": D("2550.00"),
        "5121": D("3600.00"),
        "7651": D("-4.40"),
        "6651": D("29.25"),
        "419": D("-14.50"),
    }
    assert await open_of(env, eur) == [D(0)]
    line = (
        await JournalLine.select(JournalLine.currency, JournalLine.currency_amount)
        .where(
            (JournalLine.entry.source_id == euros.receipt_id)
            & (JournalLine.debit > 0)
            & (JournalLine.entry.source_type == "receipt")
        )
        .first()
    )
    assert (line["currency"], D(str(line["currency_amount"]))) == ("EUR", D("500"))
    # A receipt in euros pays invoices in euros only.
    ron = await invoice(env, "10", APRIL)
    with pytest.raises(ValidationFailed) as mismatch:
        await receipt_record(
            company_id=env["company"],
            kind="bank",
            partner_id=env["client"],
            day=APRIL,
            amount=D("5.00"),
            currency="EUR",
            allocations=[{"invoice": ron, "amount": 1}],
            by=SYSTEM,
        )
    assert mismatch.value.code == "ALLOCATION_CURRENCY_MISMATCH"


async def test_cash_vat_becomes_due_as_it_is_collected(env):
    await Company.update({Company.cash_vat: True}).where(Company.id == env["company"])
    sale = await invoice(env, "100", vat_regime="cash_vat")  # 121.00, VAT 21.00 in 4428
    assert (await books())["4428"] == D("-21.00")
    await receipt_record(
        company_id=env["company"],
        kind="bank",
        partner_id=env["client"],
        day=MARCH,
        amount=D("50.00"),
        by=SYSTEM,
    )
    assert (await books())["4427"] == D("-8.68")  # 21 x 50 / 121
    second = await receipt_record(
        company_id=env["company"],
        kind="bank",
        partner_id=env["client"],
        day=APRIL,
        amount=D("71.00"),
        by=SYSTEM,
    )
    after = await books()
    assert ("4428" not in after, after["4427"]) == (True, D("-21.00"))  # the rest exactly
    await allocation_reverse(
        allocation_id=second.allocated[0].allocation_id,
        day=APRIL,
        reason="Alocare greșită",
        by=SYSTEM,
    )
    undone = await books()
    assert (undone["4428"], undone["4427"], undone["419"]) == (D("-12.32"), D("-8.68"), D(-71))
    await allocation_add(receipt_id=second.receipt_id, invoice_id=sale, day=APRIL, by=SYSTEM)
    assert "4428" not in await books()


async def test_bad_input_is_refused_with_codes_and_writes_nothing(env):
    sale = await invoice(env, "100")
    other = await make_client(name="Beta SRL", cui="18547290")
    foreign = await invoice(env, "50", partner=other)
    cancelled = await invoice(env, "30")
    await invoice_cancel(invoice_id=cancelled, reason="Greșeală", by=SYSTEM)
    draft = await invoice_draft_create(
        company_id=env["company"],
        partner_id=env["client"],
        by=SYSTEM,
        header={"issue_date": MARCH},
        lines=[{"article": env["service"], "quantity": 1, "unit_price": "5"}],
    )
    base = {
        "company_id": env["company"],
        "kind": "bank",
        "partner_id": env["client"],
        "day": MARCH,
        "amount": D("100.00"),
        "by": SYSTEM,
    }
    cases: list[tuple[dict[str, Any], type[DomainError], str]] = [
        ({"amount": D(0)}, ValidationFailed, "RECEIPT_AMOUNT_INVALID"),
        ({"amount": D("-5")}, ValidationFailed, "RECEIPT_AMOUNT_INVALID"),
        ({"amount": D("1.005")}, ValidationFailed, "RECEIPT_AMOUNT_INVALID"),
        ({"kind": "cec"}, ValidationFailed, "RECEIPT_KIND_INVALID"),
        ({"partner_id": 999_999}, NotFound, "PARTNER_NOT_FOUND"),
        (
            {"allocations": [{"invoice": foreign, "amount": 10}]},
            ValidationFailed,
            "ALLOCATION_OTHER_PARTNER",
        ),
        (
            {"allocations": [{"invoice": sale, "amount": D("121.01")}], "amount": D(200)},
            ValidationFailed,
            "ALLOCATION_EXCEEDS_OPEN",
        ),
        (
            {"allocations": [{"invoice": sale, "amount": D("101")}]},
            ValidationFailed,
            "ALLOCATION_EXCEEDS_RECEIPT",
        ),
        (
            {
                "allocations": [{"invoice": sale, "amount": 60}, {"invoice": sale, "amount": 62}],
                "amount": D(150),
            },
            ValidationFailed,
            "ALLOCATION_EXCEEDS_OPEN",
        ),
        (
            {"allocations": [{"invoice": cancelled, "amount": 10}]},
            Conflict,
            "ALLOCATION_INVOICE_NOT_ISSUED",
        ),
        (
            {"allocations": [{"invoice": draft, "amount": 1}]},
            Conflict,
            "ALLOCATION_INVOICE_NOT_ISSUED",
        ),
        (
            {"allocations": [{"invoice": 999_999, "amount": 1}]},
            NotFound,
            "ALLOCATION_INVOICE_NOT_FOUND",
        ),
        (
            {"allocations": [{"invoice": sale, "amount": 0}]},
            ValidationFailed,
            "ALLOCATION_AMOUNT_INVALID",
        ),
        ({"allocations": [{"amount": 1}]}, ValidationFailed, "ALLOCATION_INVOICE_REQUIRED"),
        (
            {"day": date(2026, 3, 1), "allocations": [{"invoice": sale, "amount": 1}]},
            ValidationFailed,
            "ALLOCATION_INVOICE_LATER",
        ),
        ({"currency": "EUR"}, NotFound, "FX_RATE_MISSING"),
        ({"currency": "EURO"}, ValidationFailed, "CURRENCY_INVALID"),
        ({"kind": "fiscal_receipt"}, ValidationFailed, "RECEIPT_CASH_DESK_REQUIRED"),
        ({"cash_desk_id": 1}, ValidationFailed, "RECEIPT_CASH_DESK_NOT_ALLOWED"),
        ({"kind": "cash", "cash_desk_id": 999}, NotFound, "CASH_DESK_NOT_FOUND"),
        ({"bank_account_id": 999}, NotFound, "BANK_ACCOUNT_NOT_FOUND"),
        ({"dims": {"shop": 1}}, ValidationFailed, "RECEIPT_DIMENSION_UNKNOWN"),
        ({"dims": {"work_point": 999}}, ValidationFailed, "REFERENCE_NOT_FOUND"),
    ]
    for change, error, code in cases:
        with pytest.raises(error) as refused:
            await receipt_record(**(base | change))
        assert refused.value.code == code, change
    assert await Receipt.count() == 0
    assert await books(env["client"]) == {"4111": D("121.00")}

    await period_close(company_id=env["company"], month=MARCH, by=SYSTEM)
    with pytest.raises(Conflict) as closed:
        await receipt_record(**base)
    assert closed.value.code == "PERIOD_CLOSED"
    assert await Receipt.count() == 0


async def test_cash_desk_and_bank_account_must_be_the_companys_and_in_the_currency(env):
    desk = CashDesk(
        company=env["company"], code="C1", name="Casa centrală", currency="RON", account="5311"
    )
    await desk.save()
    euro_desk = CashDesk(company=env["company"], code="C2", name="Casa valută", currency="EUR")
    await euro_desk.save()
    elsewhere = await make_company(name="Altă Firmă SRL", cui="18547290")
    foreign_desk = CashDesk(company=elsewhere, code="C1", name="Casa lor")
    await foreign_desk.save()
    bank = CompanyBankAccount(
        company=env["company"], iban="RO49AAAA1B31007593840000", currency="EUR"
    )
    await bank.save()
    base = {
        "company_id": env["company"],
        "kind": "cash",
        "partner_id": env["client"],
        "day": MARCH,
        "amount": D("10.00"),
        "by": SYSTEM,
    }
    for change, code in [
        ({"cash_desk_id": euro_desk.id}, "CASH_DESK_CURRENCY"),
        ({"cash_desk_id": foreign_desk.id}, "CASH_DESK_NOT_FOUND"),
        ({"kind": "bank", "bank_account_id": bank.id}, "BANK_ACCOUNT_CURRENCY"),
    ]:
        with pytest.raises(DomainError) as refused:
            await receipt_record(**(base | change))
        assert refused.value.code == code
    done = await receipt_record(**base, cash_desk_id=desk.id)
    assert done.full_number == "CHT-00001"
    assert (await books())["5311"] == D("10.00")
    bon = await receipt_record(**(base | {"kind": "fiscal_receipt"}), cash_desk_id=desk.id)
    assert bon.full_number == ""  # the POS links its bon fiscal; no chitanță
    assert (await books())["5311"] == D("20.00")
    card = await receipt_record(**(base | {"kind": "card"}))
    assert card.full_number == ""
    assert (await books())["5125"] == D("10.00")


async def test_cash_limits_refuse_or_need_a_reason(env):
    base = {
        "company_id": env["company"],
        "kind": "cash",
        "partner_id": env["client"],
        "day": MARCH,
        "by": SYSTEM,
    }
    await receipt_record(**base, amount=D("3000.00"))
    with pytest.raises(ValidationFailed) as refused:
        await receipt_record(**base, amount=D("2000.01"))
    assert refused.value.code == "CASH_LIMIT_EXCEEDED"
    await receipt_record(**base, amount=D("2000.00"))  # exactly 5,000 lei that day
    await receipt_record(**(base | {"kind": "card"}), amount=D("9000.00"))  # not cash
    await receipt_record(**(base | {"day": APRIL}), amount=D("5000.00"))  # another day

    await PaymentSettings(company=env["company"], cash_limit_policy="override").save()
    with pytest.raises(ValidationFailed) as reason:
        await receipt_record(**base, amount=D("1.00"))
    assert reason.value.code == "CASH_LIMIT_REASON_REQUIRED"
    done = await receipt_record(**base, amount=D("1.00"), cash_limit_reason="Plată restantă")
    row = await Receipt.select(Receipt.cash_limit_reason).where(Receipt.id == done.receipt_id)
    assert row == [{"cash_limit_reason": "Plată restantă"}]

    person = await make_client(name="Ion Popa", kind="individual", cui=None, cnp="1850715420011")
    await receipt_record(**(base | {"partner_id": person}), amount=D("10000.00"))
    with pytest.raises(ValidationFailed) as individual:
        await receipt_record(**(base | {"partner_id": person}), amount=D("0.01"))
    assert individual.value.details["limit"] == "10000.00"


async def test_lei_pay_currency_invoices_oldest_first_at_the_days_rate(env):
    await ExchangeRate.insert(
        ExchangeRate(currency="EUR", day=date(2026, 3, 9), rate=D("5.0000")),
        ExchangeRate(currency="EUR", day=date(2026, 4, 1), rate=D("5.1000")),
    )
    # A USD invoice at a contract rate: BNR has no USD rate here, so lei cannot pay it
    # oldest first (they would when asked for it: FX_RATE_MISSING).
    usd = await invoice(
        env, "10", currency="USD", fx_rate="4.5", fx_note="Curs contract", due=date(2026, 3, 10)
    )
    eur = await invoice(env, "100", currency="EUR", due=date(2026, 3, 11))  # 121 EUR, 605 lei
    ron = await invoice(env, "100", due=date(2026, 3, 12))  # 121 lei
    paid = await receipt_record(
        company_id=env["company"],
        kind="bank",
        partner_id=env["client"],
        day=APRIL,
        amount=D("760.00"),
        by=SYSTEM,
    )
    # 121 EUR at 5.10 = 617.10 lei (the invoice booked 605.00: 12.10 gain), then 121 lei.
    assert [(a.invoice_id, a.amount) for a in paid.allocated] == [(eur, D(121)), (ron, D(121))]
    assert paid.advance == D("21.90")
    assert (await books())["7651"] == D("-12.10")
    assert await open_of(env, usd, eur, ron) == [D("12.10"), D(0), D(0)]
    with pytest.raises(NotFound) as missing:
        await allocation_add(receipt_id=paid.receipt_id, invoice_id=usd, day=APRIL, by=SYSTEM)
    assert missing.value.code == "FX_RATE_MISSING"
