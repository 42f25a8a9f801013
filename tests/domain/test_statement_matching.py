"""The proposal for a credit line: invoice numbers however they are written, exact amounts
(one invoice or a few), the payer's IBAN, CUI and name; ties and debits propose nothing."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from domain.payments.open_items import OpenItem
from domain.payments.statements_match import (
    LineFacts,
    PartnerFacts,
    cuis_in,
    invoice_keys,
    name_key,
    number_key,
    propose,
)

D = Decimal
ALFA, BETA = 1, 2
ALFA_IBAN = "RO89RZBR0000060003480121"
PARTNERS = [
    PartnerFacts(ALFA, "Alfa Distribuție SRL", "12345674", frozenset({ALFA_IBAN})),
    PartnerFacts(BETA, "Beta Construcții S.A.", "18547290"),
]


def item(invoice: int, partner: int, number: str, open_: str, currency: str = "RON") -> OpenItem:
    day = date(2026, 3, 1) + timedelta(days=invoice)
    amount = D(open_)
    return OpenItem(
        invoice_id=invoice, partner_id=partner, full_number=number, type_code="380",
        issue_date=day, due_date=day, currency=currency, fx_rate=D(1), vat_regime="normal",
        payable=amount, credited=D(0), paid=D(0), open=amount, receivable_ron=amount,
        paid_ron=D(0), vat_ron=D(0),
    )  # fmt: skip


ITEMS = [
    item(1, ALFA, "FCT-00001", "121.00"),
    item(2, ALFA, "FCT-00002", "242.00"),
    item(3, BETA, "FCT-00003", "605.00"),
    item(4, ALFA, "FCT-00004", "363.00"),
    item(5, ALFA, "CJ-2026-00012", "50.00", currency="EUR"),
]


def line(amount: str, text: str = "", name: str = "", iban: str = "") -> LineFacts:
    return LineFacts(D(amount), "RON", name, iban, text)


def test_invoice_numbers_with_or_without_separators_and_zeros():
    for text in ("FCT-00012", "fct 12", "FCT00012", "Plata fact. FCT nr. 012", "FCT/12"):
        assert ("FCT", 12) in invoice_keys(text), text
    assert number_key("CJ-2026-00012") == ("CJ2026", 12)
    assert ("CJ2026", 12) in invoice_keys("factura CJ 2026 12")


def test_cui_and_name_readings():
    assert cuis_in("CUI RO12345674, cont 2026") == {"12345674"}
    assert cuis_in("tel 0721000000") == set()
    assert name_key("ALFA DISTRIBUŢIE S.R.L.") == name_key("Alfa Distribuție SRL")


def test_number_iban_and_exact_amount_together():
    proposal = propose(line("121.00", "Plata fact. FCT 1", iban=ALFA_IBAN), PARTNERS, ITEMS)
    assert proposal.partner_id == ALFA
    assert [(x.invoice_id, x.amount) for x in proposal.invoices] == [(1, D("121.00"))]
    assert proposal.score == 100  # 40 + 35 + 25, capped
    assert any("IBAN" in r for r in proposal.reasons)
    assert any("FCT-00001" in r for r in proposal.reasons)
    assert proposal.advance == D(0)


def test_a_sum_of_a_few_open_invoices_of_the_partner():
    proposal = propose(line("605.00", "Achitat facturi", iban=ALFA_IBAN), PARTNERS, ITEMS)
    assert proposal.partner_id == ALFA
    assert sorted(x.invoice_id for x in proposal.invoices) == [2, 4]
    assert any("exact facturile" in r for r in proposal.reasons)


def test_cui_in_the_text_finds_a_partner_whose_iban_is_unknown():
    proposal = propose(
        line("605.00", "c/v factura FCT-00003 CUI 18547290", "BETA CONSTRUCŢII S.A."),
        PARTNERS,
        ITEMS,
    )
    assert proposal.partner_id == BETA
    assert [x.invoice_id for x in proposal.invoices] == [3]
    assert len(proposal.reasons) >= 3  # name, CUI, number (+ exact amount)


def test_more_than_open_becomes_an_advance_and_the_oldest_go_first():
    proposal = propose(line("500.00", "avans", iban=ALFA_IBAN), PARTNERS, ITEMS)
    assert [(x.invoice_id, x.amount) for x in proposal.invoices] == [
        (1, D("121.00")),
        (2, D("242.00")),
        (4, D("137.00")),
    ]
    assert proposal.advance == D(0)
    over = propose(line("1000.00", "FCT 1", iban=ALFA_IBAN), PARTNERS, ITEMS)
    assert [x.invoice_id for x in over.invoices] == [1]  # the named invoice only
    assert over.advance == D("879.00")
    assert any("avans" in r for r in over.reasons)


def test_currency_invoices_are_not_proposed_for_a_ron_line():
    proposal = propose(line("50.00", "CJ-2026-12", iban=ALFA_IBAN), PARTNERS, ITEMS)
    assert proposal.partner_id == ALFA  # the number still names the partner
    assert all(x.currency == "RON" for x in proposal.invoices)


def test_amount_alone_is_a_hint_only_when_one_invoice_has_it():
    hint = propose(line("605.00", "plata"), [], ITEMS)
    assert (hint.partner_id, hint.score) == (BETA, 20)
    assert "Verificați" in hint.reasons[0]
    nothing = propose(line("10.00", "plata"), [], ITEMS)
    assert nothing.partner_id is None
    assert nothing.reasons


def test_a_tie_proposes_no_partner_and_a_debit_proposes_nothing():
    twins = [PartnerFacts(7, "Gama SRL"), PartnerFacts(8, "Gama S.R.L.")]
    tied = propose(line("10.00", "", "GAMA SRL"), twins, ITEMS)
    assert tied.partner_id is None
    assert "Mai mulți" in tied.reasons[0]
    assert propose(line("-50.00", "FCT 1", iban=ALFA_IBAN), PARTNERS, ITEMS).reasons == ()
