"""Receivables and receipts: payment terms, cash desks, receipts and their allocations to
invoices, bank statements, reminders and month-end FX revaluations.

An invoice's open amount is its payable minus its allocations (and minus the credit notes
that correct it); allocations are never edited: undoing one is a new row that `reverses`
it, with its own journal entry. Rules and postings are in domain/payments.
"""

from __future__ import annotations

from decimal import Decimal

from piccolo.columns import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.readable import Readable
from piccolo.table import Table

from tables._columns import CreatedAt, FxRate, Money
from tables._constraints import index_together, unique_together
from tables.choices import (
    CashLimitPolicy,
    DocStatus,
    ReceiptKind,
    ReminderStatus,
    StatementLineStatus,
)
from tables.ledger import JournalEntry
from tables.org import (
    Company,
    CompanyBankAccount,
    CostCentre,
    Department,
    Person,
    Team,
    WorkPoint,
)
from tables.partners import Partner
from tables.pos import PointOfSale
from tables.sales import DocumentSeries, Invoice

ZERO = Decimal("0.00")


class PaymentTerm(Table, tablename="termen_plata"):
    """Payment terms an invoice's due-date schedule is computed from at issue:
    one date ("30 de zile") or instalments ("50% la emitere, 50% la 30 de zile")."""

    company = ForeignKey(Company, null=False, on_delete=OnDelete.restrict)
    name = Varchar(length=100, help_text="Cum apare pe factură, ex. «30 de zile»")
    instalments = JSON(
        default='[{"days": 0, "percent": "100"}]',
        help_text='Rate: zile de la emitere și procent, ex. [{"days": 30, "percent": "100"}]',
    )
    active = Boolean(default=True)

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s", columns=[cls.name])


class PartnerPaymentTerm(Table, tablename="termen_plata_partener"):
    """The terms a partner gets by default on the company's invoices."""

    company = ForeignKey(Company, null=False, on_delete=OnDelete.restrict)
    partner = ForeignKey(Partner, null=False, on_delete=OnDelete.cascade)
    term = ForeignKey(PaymentTerm, null=False, on_delete=OnDelete.restrict)


class PaymentSettings(Table, tablename="setari_incasari"):
    """Per company: Law 70/2015 cash limits and reminders."""

    company = ForeignKey(Company, null=False, unique=True, on_delete=OnDelete.cascade)
    cash_limit_policy = Varchar(length=10, choices=CashLimitPolicy, default=CashLimitPolicy.refuse)
    cash_limit_company = Money(
        default=Decimal("5000.00"), help_text="Încasări în numerar de la o firmă, lei pe zi"
    )
    cash_limit_individual = Money(
        default=Decimal("10000.00"),
        help_text="Încasări în numerar de la o persoană fizică, lei pe zi",
    )
    reminders_enabled = Boolean(default=False)
    reminder_interval_days = Integer(default=7, help_text="Cel mult un e-mail la atâtea zile")
    reminder_grace_days = Integer(default=3, help_text="Zile după scadență până la primul e-mail")
    reminder_from = Varchar(length=200, default="", help_text="Expeditorul e-mailurilor")


class CashDesk(Table, tablename="casierie"):
    """A cash desk (casa): its register book, its account, its chitanță series."""

    company = ForeignKey(Company, null=False, on_delete=OnDelete.restrict)
    code = Varchar(length=20)
    name = Varchar(length=100)
    currency = Varchar(length=3, default="RON")
    account = Varchar(length=20, default="", help_text="Contul, ex. 5311.01; gol = 5311 / 5314")
    work_point = ForeignKey(WorkPoint, null=True, on_delete=OnDelete.restrict)
    pos = ForeignKey(PointOfSale, null=True, on_delete=OnDelete.restrict)
    series = ForeignKey(
        DocumentSeries, null=True, on_delete=OnDelete.restrict, help_text="Seria chitanțelor"
    )
    active = Boolean(default=True)

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s", columns=[cls.name])


class Receipt(Table, tablename="incasare"):
    """Money received from a partner: a chitanță, a card payment, a bank transfer or a
    fiscal receipt. Recorded once (posted in its transaction), then frozen."""

    company = ForeignKey(Company, null=False, on_delete=OnDelete.restrict)
    kind = Varchar(length=16, choices=ReceiptKind)
    status = Varchar(length=10, choices=DocStatus, default=DocStatus.issued)
    series = ForeignKey(DocumentSeries, null=True, on_delete=OnDelete.restrict)
    number = Integer(null=True, default=None)
    full_number = Varchar(length=40, default="", help_text="Chitanța: seria și numărul")
    partner = ForeignKey(Partner, null=False, on_delete=OnDelete.restrict)
    day = Date()
    currency = Varchar(length=3, default="RON")
    amount = Money(help_text="Suma încasată, în moneda încasării")
    fx_rate = FxRate(null=True, default=None, help_text="Cursul BNR al zilei încasării")
    fx_date = Date(null=True, default=None)
    amount_ron = Money(default=ZERO)
    cash_desk = ForeignKey(CashDesk, null=True, on_delete=OnDelete.restrict)
    bank_account = ForeignKey(CompanyBankAccount, null=True, on_delete=OnDelete.restrict)
    bank_reference = Varchar(length=120, default="", help_text="Referința băncii / autorizarea")
    payer_name = Varchar(length=200, default="", help_text="Am primit de la")
    description = Varchar(length=300, default="", help_text="Reprezentând")
    cash_limit_reason = Varchar(
        length=300, default="", help_text="Motivul depășirii plafonului de numerar"
    )
    work_point = ForeignKey(WorkPoint, null=True, on_delete=OnDelete.restrict)
    cost_centre = ForeignKey(CostCentre, null=True, on_delete=OnDelete.restrict)
    department = ForeignKey(Department, null=True, on_delete=OnDelete.restrict)
    team = ForeignKey(Team, null=True, on_delete=OnDelete.restrict)
    person = ForeignKey(Person, null=True, on_delete=OnDelete.restrict)
    created_at = CreatedAt()
    created_by = Varchar(length=150, default="")
    cancelled_at = Timestamptz(null=True, default=None)
    cancel_reason = Varchar(length=200, default="")

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s %s", columns=[cls.full_number, cls.day])


class Allocation(Table, tablename="alocare_incasare"):
    """Part of a receipt paying part of an invoice. `amount` is in the invoice's currency;
    `amount_ron` is what leaves the receivable (at the invoice's rate), `paid_ron` what that
    part of the receipt is worth (at the receipt's rate): the difference is the FX gain or
    loss. Immutable: an unallocation is a row with negative amounts that `reverses` it."""

    company = ForeignKey(Company, null=False, on_delete=OnDelete.restrict)
    receipt = ForeignKey(Receipt, null=False, on_delete=OnDelete.restrict)
    invoice = ForeignKey(Invoice, null=False, on_delete=OnDelete.restrict)
    day = Date()
    amount = Money()
    amount_ron = Money()
    paid_ron = Money()
    reverses = ForeignKey("self", null=True, default=None, on_delete=OnDelete.restrict)
    entry = ForeignKey(
        JournalEntry, null=True, default=None, on_delete=OnDelete.restrict,
        help_text="Nota proprie (gol = în nota încasării)",
    )  # fmt: skip
    created_at = CreatedAt()
    created_by = Varchar(length=150, default="")


class BankStatement(Table, tablename="extras_bancar"):
    """An imported statement (MT940 or CAMT.053) of one of the company's accounts."""

    company = ForeignKey(Company, null=False, on_delete=OnDelete.restrict)
    bank_account = ForeignKey(CompanyBankAccount, null=False, on_delete=OnDelete.restrict)
    reference = Varchar(length=80, help_text="Identificatorul extrasului dat de bancă")
    file_format = Varchar(length=10, help_text="mt940 sau camt053")
    file_name = Varchar(length=200, default="")
    currency = Varchar(length=3, default="RON")
    day_from = Date(null=True, default=None)
    day_to = Date(null=True, default=None)
    opening = Money(null=True, default=None)
    closing = Money(null=True, default=None)
    imported_at = CreatedAt()
    imported_by = Varchar(length=150, default="")

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s", columns=[cls.reference])


class BankStatementLine(Table, tablename="linie_extras"):
    """One movement of a statement; unique per account by the bank's reference, so the
    same line is never imported twice (overlapping statements included)."""

    statement = ForeignKey(BankStatement, null=False, on_delete=OnDelete.restrict)
    company = ForeignKey(Company, null=False, on_delete=OnDelete.restrict)
    bank_account = ForeignKey(CompanyBankAccount, null=False, on_delete=OnDelete.restrict)
    bank_reference = Varchar(length=120)
    day = Date(help_text="Data înregistrării")
    value_day = Date(null=True, default=None)
    amount = Money(help_text="+ încasare, - plată")
    currency = Varchar(length=3, default="RON")
    counterparty_name = Varchar(length=200, default="")
    counterparty_iban = Varchar(length=34, default="")
    text = Text(default="", help_text="Detaliile plății")
    status = Varchar(length=10, choices=StatementLineStatus, default=StatementLineStatus.new)
    partner = ForeignKey(Partner, null=True, default=None, on_delete=OnDelete.restrict)
    proposal = JSON(default="{}", help_text="Potrivirea propusă: facturi, sume, motive")
    receipt = ForeignKey(Receipt, null=True, default=None, on_delete=OnDelete.restrict)
    decided_at = Timestamptz(null=True, default=None)
    decided_by = Varchar(length=150, default="")


class Reminder(Table, tablename="reamintire_plata"):
    """An e-mail sent (or tried) to a partner about its overdue invoices."""

    company = ForeignKey(Company, null=False, on_delete=OnDelete.restrict)
    partner = ForeignKey(Partner, null=False, on_delete=OnDelete.restrict)
    sent_at = Timestamptz()
    to_email = Varchar(length=200)
    subject = Varchar(length=300)
    body = Text(default="")
    invoices = JSON(default="[]", help_text="Facturile restante amintite și sumele lor")
    status = Varchar(length=10, choices=ReminderStatus, default=ReminderStatus.sent)
    error = Varchar(length=500, default="")


class FxRevaluation(Table, tablename="reevaluare_valutara"):
    """A month-end revaluation of open currency receivables at the last banking day's BNR
    rate; reversed (a storno entry) on the first day of the next month. Undone (`undone_at`)
    by the stornos of both entries; the month may then be revalued again (a new row)."""

    company = ForeignKey(Company, null=False, on_delete=OnDelete.restrict)
    month = Date(help_text="Ultima zi a lunii reevaluate")
    rate_day = Date(help_text="Ziua cursului BNR folosit")
    entry = ForeignKey(JournalEntry, null=True, default=None, on_delete=OnDelete.restrict)
    reversal = ForeignKey(JournalEntry, null=True, default=None, on_delete=OnDelete.restrict)
    details = JSON(default="[]", help_text="Pe factură: sold în valută, curs vechi, curs nou")
    created_at = CreatedAt()
    created_by = Varchar(length=150, default="")
    undone_at = Timestamptz(null=True, default=None, help_text="Anulată (stornată) la")
    undone_by = Varchar(length=150, default="")


unique_together(PaymentTerm, "company", "name")
unique_together(PartnerPaymentTerm, "company", "partner")
unique_together(CashDesk, "company", "code")
unique_together(Receipt, "series", "number")
unique_together(BankStatement, "bank_account", "reference")
unique_together(BankStatementLine, "bank_account", "bank_reference")
# One revaluation in force per month; an undone one stays beside the month's new run.
unique_together(FxRevaluation, "company", "month", where="undone_at IS NULL")
index_together(Receipt, "company", "day")  # the cash book, receipts of a period
index_together(Receipt, "partner", "day")  # cash limits per counterparty per day
index_together(Allocation, "invoice")  # an invoice's open amount
index_together(Allocation, "receipt")
index_together(BankStatementLine, "statement")
index_together(Reminder, "partner", "sent_at")
