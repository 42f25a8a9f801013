"""What the admin shows: one TableConfig per table, grouped by area, with guards and hooks."""

from __future__ import annotations

from piccolo.apps.user.tables import BaseUser
from piccolo_admin.endpoints import OrderBy, TableConfig

from admin.guards import area_guard, read_only_guard
from admin.hooks import field_hooks, record_hooks
from domain.catalog.ops import article_prepare, vat_rate_prepare
from domain.org.geo import normalize_country, normalize_county, normalize_sector
from domain.org.ops import company_prepare
from domain.org.permissions import Area
from domain.partners.identity import normalize_cnp, normalize_iban
from domain.partners.ops import partner_prepare
from domain.partners.rules import normalize_account
from tables.catalog import Article, UnitOfMeasure, VatCategory, VatRate
from tables.choices import PartnerRoleKind
from tables.org import (
    ApiToken,
    Company,
    CompanyBankAccount,
    CostCentre,
    Currency,
    Department,
    ExchangeRate,
    Person,
    Team,
    UserRole,
    WorkPoint,
)
from tables.partners import (
    Partner,
    PartnerAddress,
    PartnerBankAccount,
    PartnerContact,
    PartnerGroup,
    PartnerRole,
)
from tables.sales import (
    Document,
    DocumentLine,
    DocumentSeries,
    Invoice,
    InvoiceLine,
    InvoiceVat,
)

ORG, USERS, PARTNERS, ARTICLES, FX = "Organizare", "Utilizatori", "Parteneri", "Articole", "Valute"
SALES = "Vânzări"
FROZEN = (
    "Facturile se creează și se modifică din API sau din editorul de documente; "
    "cele emise nu se mai modifică. Folosiți formularele Emite / Anulează / Stornează."
)


def _role_account(value: str) -> str:
    # The role is not known to a single-field rule; any role's shape check is the same.
    return normalize_account(value, PartnerRoleKind.other)


PLACE_RULES = {"county": normalize_county, "sector": normalize_sector}


TABLE_CONFIGS = [
    # Organizare
    TableConfig(
        Company,
        menu_group=ORG,
        validators=area_guard(Area.org),
        hooks=record_hooks(Company, company_prepare, "company_id"),
        visible_columns=[Company.name, Company.cui, Company.vat_payer],
    ),
    TableConfig(
        CompanyBankAccount,
        menu_group=ORG,
        validators=area_guard(Area.org),
        hooks=field_hooks(CompanyBankAccount, {"iban": normalize_iban}),
    ),
    TableConfig(
        WorkPoint,
        menu_group=ORG,
        validators=area_guard(Area.org),
        hooks=field_hooks(WorkPoint, PLACE_RULES),
        order_by=[OrderBy(WorkPoint.code)],
    ),
    TableConfig(CostCentre, menu_group=ORG, validators=area_guard(Area.org)),
    TableConfig(Department, menu_group=ORG, validators=area_guard(Area.org)),
    TableConfig(Team, menu_group=ORG, validators=area_guard(Area.org)),
    TableConfig(
        Person,
        menu_group=ORG,
        validators=area_guard(Area.org),
        hooks=field_hooks(Person, {"cnp": normalize_cnp}),
        order_by=[OrderBy(Person.name)],
    ),
    # Utilizatori
    TableConfig(
        BaseUser,
        menu_group=USERS,
        validators=area_guard(Area.users),
        visible_columns=[BaseUser.username, BaseUser.email, BaseUser.active],
    ),
    TableConfig(UserRole, menu_group=USERS, validators=area_guard(Area.users)),
    TableConfig(
        ApiToken,
        menu_group=USERS,
        validators=area_guard(
            Area.users, no_add="Tokenurile se creează din formularul «Token API nou»."
        ),
        exclude_visible_columns=[ApiToken.token_hash],
    ),
    # Parteneri
    TableConfig(
        Partner,
        menu_group=PARTNERS,
        validators=area_guard(Area.partners),
        hooks=record_hooks(Partner, partner_prepare, "partner_id"),
        visible_columns=[
            Partner.name,
            Partner.kind,
            Partner.cui,
            Partner.city,
            Partner.county,
            Partner.vat_payer,
            Partner.e_invoice_registered,
        ],
        visible_filters=[
            Partner.name,
            Partner.cui,
            Partner.kind,
            Partner.county,
            Partner.vat_payer,
            Partner.group,
            Partner.active,
        ],
        order_by=[OrderBy(Partner.name)],
        link_column=Partner.name,
    ),
    TableConfig(
        PartnerRole,
        menu_group=PARTNERS,
        validators=area_guard(Area.partners),
        hooks=field_hooks(PartnerRole, {"account": _role_account}),
    ),
    TableConfig(
        PartnerAddress,
        menu_group=PARTNERS,
        validators=area_guard(Area.partners),
        hooks=field_hooks(PartnerAddress, {**PLACE_RULES, "country": normalize_country}),
    ),
    TableConfig(PartnerContact, menu_group=PARTNERS, validators=area_guard(Area.partners)),
    TableConfig(
        PartnerBankAccount,
        menu_group=PARTNERS,
        validators=area_guard(Area.partners),
        hooks=field_hooks(PartnerBankAccount, {"iban": normalize_iban}),
    ),
    TableConfig(PartnerGroup, menu_group=PARTNERS, validators=area_guard(Area.partners)),
    # Articole
    TableConfig(
        Article,
        menu_group=ARTICLES,
        validators=area_guard(Area.catalog),
        hooks=record_hooks(Article, article_prepare, "article_id"),
        visible_columns=[
            Article.code,
            Article.name,
            Article.kind,
            Article.uom,
            Article.vat_category,
            Article.active,
        ],
        order_by=[OrderBy(Article.name)],
        link_column=Article.name,
    ),
    TableConfig(UnitOfMeasure, menu_group=ARTICLES, validators=area_guard(Area.catalog)),
    TableConfig(VatCategory, menu_group=ARTICLES, validators=area_guard(Area.catalog)),
    TableConfig(
        VatRate,
        menu_group=ARTICLES,
        validators=area_guard(Area.catalog),
        hooks=record_hooks(VatRate, vat_rate_prepare, "rate_id"),
        order_by=[OrderBy(VatRate.category), OrderBy(VatRate.valid_from)],
    ),
    # Valute
    TableConfig(Currency, menu_group=FX, validators=area_guard(Area.fx)),
    TableConfig(
        ExchangeRate,
        menu_group=FX,
        validators=area_guard(Area.fx),
        order_by=[OrderBy(ExchangeRate.day, ascending=False)],
    ),
    # Vânzări
    TableConfig(
        Invoice,
        menu_group=SALES,
        validators=read_only_guard(Area.sales, FROZEN),
        visible_columns=[
            Invoice.full_number,
            Invoice.type_code,
            Invoice.status,
            Invoice.partner,
            Invoice.issue_date,
            Invoice.currency,
            Invoice.payable,
        ],
        visible_filters=[
            Invoice.partner,
            Invoice.status,
            Invoice.type_code,
            Invoice.issue_date,
            Invoice.work_point,
            Invoice.series,
        ],
        order_by=[OrderBy(Invoice.id, ascending=False)],
        link_column=Invoice.full_number,
    ),
    TableConfig(InvoiceLine, menu_group=SALES, validators=read_only_guard(Area.sales, FROZEN)),
    TableConfig(InvoiceVat, menu_group=SALES, validators=read_only_guard(Area.sales, FROZEN)),
    TableConfig(
        Document,
        menu_group=SALES,
        validators=read_only_guard(Area.sales, FROZEN),
        visible_columns=[
            Document.full_number,
            Document.doc_type,
            Document.status,
            Document.partner,
            Document.issue_date,
            Document.tax_inclusive,
        ],
        visible_filters=[Document.doc_type, Document.status, Document.partner, Document.issue_date],
        order_by=[OrderBy(Document.id, ascending=False)],
        link_column=Document.full_number,
    ),
    TableConfig(DocumentLine, menu_group=SALES, validators=read_only_guard(Area.sales, FROZEN)),
    TableConfig(DocumentSeries, menu_group=SALES, validators=area_guard(Area.sales)),
]
