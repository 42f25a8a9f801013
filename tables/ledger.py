"""The ledger: chart of accounts per company, the accounts posting rules use, journal
entries and their lines, closed periods. Rules and postings are in domain/ledger."""

from __future__ import annotations

from decimal import Decimal

from piccolo.columns import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    OnDelete,
    Varchar,
)
from piccolo.columns.readable import Readable
from piccolo.table import Table

from tables._columns import CreatedAt, Money
from tables._constraints import index_together, unique_together
from tables.catalog import Article
from tables.choices import AccountKind, EntryKind, PostingRole
from tables.org import Company, CostCentre, Department, Person, Team, WorkPoint
from tables.partners import Partner
from tables.pos import PointOfSale

ZERO = Decimal("0.00")


class Account(Table, tablename="cont_contabil"):
    """A synthetic account of OMFP 1802/2014 (401, 4111) or a company's analytic one
    (4111.01). Analytic accounts name their synthetic parent."""

    company = ForeignKey(Company, null=False, on_delete=OnDelete.restrict)
    code = Varchar(length=20)
    name = Varchar(length=200)
    account_class = Integer(help_text="Clasa 1-9")
    kind = Varchar(length=1, choices=AccountKind, default=AccountKind.both)
    parent = Varchar(length=20, default="", help_text="Contul sintetic, pentru analitice")
    third_party = Boolean(default=False, help_text="Cere partener pe fiecare înregistrare")
    active = Boolean(default=True)

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s %s", columns=[cls.code, cls.name])


class AccountMapping(Table, tablename="cont_implicit"):
    """The account a posting rule uses for a role, per company (defaults at set-up)."""

    company = ForeignKey(Company, null=False, on_delete=OnDelete.restrict)
    role = Varchar(length=30, choices=PostingRole)
    account = Varchar(length=20, help_text="Codul contului, ex. 707 sau 4111.01")


class ClosedPeriod(Table, tablename="perioada_inchisa"):
    """A closed month: nothing is posted with a date in it until it is reopened."""

    company = ForeignKey(Company, null=False, on_delete=OnDelete.restrict)
    month = Date(help_text="Prima zi a lunii")
    closed_at = CreatedAt()
    closed_by = Varchar(length=150, default="")


class JournalEntry(Table, tablename="nota_contabila"):
    """One entry per source document and purpose (its posting, its reversal); immutable."""

    company = ForeignKey(Company, null=False, on_delete=OnDelete.restrict)
    day = Date()
    kind = Varchar(length=20, choices=EntryKind)
    source_type = Varchar(length=20, default="", help_text="invoice, document, ...")
    source_id = Integer(null=True, default=None)
    reference = Varchar(length=40, default="", help_text="Numărul documentului sursă")
    description = Varchar(length=300, default="")
    reverses = ForeignKey("self", null=True, default=None, on_delete=OnDelete.restrict)
    created_at = CreatedAt()
    created_by = Varchar(length=150, default="")


class JournalLine(Table, tablename="linie_nota"):
    """Debit or credit of one account, in RON (and in the document's currency), with the
    analytic dimensions. Storno entries carry negative amounts on the same side."""

    entry = ForeignKey(JournalEntry, null=False, on_delete=OnDelete.restrict)
    company = ForeignKey(Company, null=False, on_delete=OnDelete.restrict)
    day = Date()
    account = ForeignKey(Account, null=False, on_delete=OnDelete.restrict)
    debit = Money(default=ZERO)
    credit = Money(default=ZERO)
    currency = Varchar(length=3, default="RON")
    currency_amount = Money(default=ZERO, help_text="În moneda documentului; + debit, - credit")
    partner = ForeignKey(Partner, null=True, default=None, on_delete=OnDelete.restrict)
    work_point = ForeignKey(WorkPoint, null=True, default=None, on_delete=OnDelete.restrict)
    cost_centre = ForeignKey(CostCentre, null=True, default=None, on_delete=OnDelete.restrict)
    department = ForeignKey(Department, null=True, default=None, on_delete=OnDelete.restrict)
    team = ForeignKey(Team, null=True, default=None, on_delete=OnDelete.restrict)
    person = ForeignKey(Person, null=True, default=None, on_delete=OnDelete.restrict)
    pos = ForeignKey(PointOfSale, null=True, default=None, on_delete=OnDelete.restrict)
    contract = Integer(null=True, default=None, help_text="Contractul (vine cu contractele)")
    article = ForeignKey(Article, null=True, default=None, on_delete=OnDelete.restrict)
    description = Varchar(length=200, default="")


unique_together(Account, "company", "code")
unique_together(AccountMapping, "company", "role")
unique_together(ClosedPeriod, "company", "month")
unique_together(JournalEntry, "source_type", "source_id", "kind")
index_together(JournalLine, "account", "day")
index_together(JournalLine, "partner", "account", "day")
index_together(JournalLine, "company", "day")
index_together(JournalLine, "entry")  # an entry's lines: storno, counter-accounts in reports
