"""The ledger's reports: pages under /reports (the admin's session, like the editor) and the
same reports under /api/reports as JSON, each also as CSV (`?format=csv`, or `excel`) and
PDF (`?format=pdf`).

- trial balance (balanța de verificare), customer / supplier file (fișa partenerului),
  account statement (fișa de cont), general ledger (cartea mare), sales journal (jurnalul
  de vânzări), efficiency per dimension (with a chart drawn on the server);
- the stock card (fișa de magazie) and the stock's value per warehouse at a date (with a
  chart of the value per warehouse).

The reports are read models in domain/ledger/reports*.py and domain/inventory/queries.py;
this module parses, calls them and shapes the answer. A page refused (a bad period, no
right to the books) shows its form again with the reason; a page without a session sends
the browser to the admin's login.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

import anyio
import msgspec
from litestar import Controller, MediaType, Request, Response, get
from litestar.exceptions import NotAuthorizedException
from litestar.params import QueryParameter
from litestar.response import Redirect, Template
from markupsafe import Markup

from controllers.editor.pages import ro_date, ro_number
from controllers.schemas import MAX_INT
from controllers.schemas.reports import (
    AccountCode,
    CompanyId,
    End,
    FormatParam,
    Month,
    PageFormatParam,
    PartnerId,
    Start,
)
from controllers.schemas.stock import StockCardOut, ValuationOut
from domain.catalog.articles import article_page
from domain.core.clock import today
from domain.core.errors import DomainError, ValidationFailed
from domain.inventory.queries import stock_card, stock_valuation, warehouse_get, warehouse_list
from domain.inventory.reports_csv import card_totals, stock_card_csv, stock_valuation_csv
from domain.inventory.warehouses import STOCK_AREA
from domain.ledger.chart import company_exists
from domain.ledger.reports import (
    ROW_LIMIT,
    account_choices,
    company_brief,
    company_choices,
    month_period,
    period_check,
)
from domain.ledger.reports_account import AccountStatement, account_statement
from domain.ledger.reports_balance import (
    CLASS_RO,
    Detail,
    GeneralLedger,
    TrialBalance,
    general_ledger,
    trial_balance,
)
from domain.ledger.reports_chart import Group, Series, bar_chart
from domain.ledger.reports_csv import (
    account_statement_csv,
    efficiency_csv,
    general_ledger_csv,
    partner_file_csv,
    sales_journal_csv,
    trial_balance_csv,
)
from domain.ledger.reports_efficiency import DIMENSIONS, Dimension, Efficiency, efficiency
from domain.ledger.reports_partner import PartnerFile, Side, partner_file
from domain.ledger.reports_sales import ColumnHead, SalesJournal, sales_journal
from domain.org.permissions import Action, Actor, require
from domain.partners.queries import partner_page
from domain.payments.ageing import ageing_csv
from domain.payments.cash_book import cash_book_csv
from domain.sales.queries import default_company_id
from domain.sales.rules import REGIME_RO
from printing.render import _LOCK, TEMPLATES, _environment, _weasy
from tables.choices import ArticleKind

ROOT = Path(__file__).resolve().parent.parent
CSS_FILE = ROOT / "templates" / "reports" / "reports.css"
LOGIN_URL = "/admin/"
TAGS = ["Rapoarte"]

# The pages load only their own files: no script at all, no inline style, no third party.
# The charts are inline SVG with presentation attributes, which need no exception.
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'self'; base-uri 'none'; form-action 'self'",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
}


@dataclass(frozen=True, slots=True)
class ReportInfo:
    key: str
    title: str
    about: str


REPORTS = (
    ReportInfo("trial-balance", "Balanța de verificare",
               "Sold inițial, rulaje, total sume și sold final pe fiecare cont, cu totalurile "
               "conturilor de gradul I, ale claselor și ale balanței."),
    ReportInfo("partner-file", "Fișa clientului / furnizorului",
               "Tot ce are un partener în 4111, 419, 418, 4118 (sau 401, 408, 409), cu soldul "
               "după fiecare operație, în lei și în valută."),
    ReportInfo("account-statement", "Fișa de cont",
               "Operațiile unui cont (și ale analiticelor lui) într-o perioadă, cu conturile "
               "corespondente și soldul după fiecare."),
    ReportInfo("general-ledger", "Cartea mare",
               "Pe fiecare cont: soldul la începutul perioadei, rulajele fiecărei luni și "
               "soldul după ele."),
    ReportInfo("sales-journal", "Jurnalul de vânzări",
               "Facturile unei luni pe coloanele legale: baza și TVA pe cote, scutiri, taxare "
               "inversă, livrări intracomunitare, export, TVA la încasare."),
    ReportInfo("efficiency", "Eficiență: venituri, costuri, marjă",
               "Venituri, costul vânzărilor și marja brută pe centru de cost, punct de lucru, "
               "departament, echipă sau persoană, cu grafic."),
    ReportInfo("stock-card", "Fișa de magazie",
               "Intrările și ieșirile unui articol într-o gestiune, cu stocul cantitativ și "
               "valoric după fiecare operație, de la stocul inițial la cel final."),
    ReportInfo("stock-valuation", "Valoarea stocului pe gestiuni",
               "Cantitatea, costul mediu și valoarea fiecărui articol din fiecare gestiune la "
               "o dată, cu totalul fiecărei gestiuni și grafic."),
    ReportInfo("cash-book", "Registrul de casă",
               "Pe fiecare zi a unei casierii: soldul din ziua precedentă, încasările și "
               "plățile (chitanțe, depuneri la bancă, orice notă pe contul casei), soldul final."),
    ReportInfo("ageing", "Scadențar clienți",
               "Ce au de plătit clienții la o dată, pe vechimea scadenței (nescadent, 1–30, "
               "31–60, 61–90, peste 90 de zile), în lei și în valută, pe punct de lucru, "
               "echipă, persoană; cu grafic."),
)  # fmt: skip
TITLES = {r.key: r.title for r in REPORTS}
SIDE_RO = {"client": "Fișa clientului", "supplier": "Fișa furnizorului"}
DETAIL_RO = {"synthetic": "conturi sintetice", "analytic": "conturi analitice"}
LEVEL_CSS = {"account": "", "group": "group", "class": "class", "total": "total"}
TYPE_RO = {"380": "factură", "381": "stornare", "386": "avans", "389": "autofactură"}
STOCKED = (ArticleKind.goods, ArticleKind.product)


@cache
def css_version() -> str:
    return hashlib.sha256(CSS_FILE.read_bytes()).hexdigest()[:12]


# ------------------------------------------------------------------------------ parsing


def _day(text: str, field: str, default: date) -> date:
    text = text.strip()
    if not text:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(
            "DATE_INVALID",
            f"Data «{text[:20]}» nu este o dată validă (AAAA-LL-ZZ).",
            f"«{text[:20]}» is not a date (YYYY-MM-DD).",
            field=field,
        ) from None


def _id(text: str, field: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isdigit() or not 0 < int(text) < 2**31:
        raise ValidationFailed(
            "NUMBER_INVALID", f"«{text[:20]}» nu este un număr de înregistrare.", field=field
        )
    return int(text)


def _choice(text: str, allowed: Mapping[str, Any] | tuple[str, ...], default: str) -> str:
    return text if text in allowed else default


def _this_month() -> tuple[date, date]:
    period = month_period(f"{today():%Y-%m}")
    return period.start, period.end


# ------------------------------------------------------------------------------ exports


def _filename(kind: str, *parts: object) -> str:
    name = "-".join([kind, *(str(p) for p in parts if p not in (None, ""))])
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name)


CSV_WRITERS: dict[str, Callable[..., str]] = {
    "trial-balance": trial_balance_csv,
    "partner-file": partner_file_csv,
    "account-statement": account_statement_csv,
    "general-ledger": general_ledger_csv,
    "sales-journal": sales_journal_csv,
    "efficiency": efficiency_csv,
    "stock-card": stock_card_csv,
    "stock-valuation": stock_valuation_csv,
    "cash-book": cash_book_csv,
    "ageing": ageing_csv,
}


@cache
def _report_css() -> Any:
    from weasyprint import CSS

    _css, fonts, fetcher = _weasy()
    return CSS(
        filename=str(TEMPLATES / "reports" / "reports.css"), url_fetcher=fetcher, font_config=fonts
    )


def render_report_pdf(template: str, context: Mapping[str, Any]) -> bytes:
    """A report as PDF bytes (A4 landscape, the printing module's fonts and fetcher, its
    lock: WeasyPrint renders one document at a time). Blocking: run it in a thread."""
    from weasyprint import HTML

    html = _environment().get_template(f"reports/{template}").render(**context)
    with _LOCK:
        _css, fonts, fetcher = _weasy()
        document = HTML(string=html, base_url=str(TEMPLATES), url_fetcher=fetcher)
        return document.write_pdf(stylesheets=[_report_css()], font_config=fonts)


def _context(kind: str, report: Any) -> dict[str, Any]:
    """What both the page and the PDF show besides the report."""
    out: dict[str, Any] = {
        "kind": kind,
        "title": TITLES[kind],
        "report": report,
        "num": ro_number,
        "date": ro_date,
        "class_ro": CLASS_RO,
        "level_css": LEVEL_CSS,
        "type_ro": TYPE_RO,
        "regime_ro": REGIME_RO,
        "row_limit": ROW_LIMIT,
        "chart": None,
    }
    if isinstance(report, PartnerFile):
        out["title"] = SIDE_RO[report.side]
    if isinstance(report, SalesJournal):
        out["column_groups"] = column_groups(report.columns)
        out["printed_columns"] = used_columns(report)
        out["printed_groups"] = column_groups(out["printed_columns"])
    if isinstance(report, Efficiency):
        out["chart"] = Markup(efficiency_chart(report))  # our own SVG, its texts escaped
    if kind == "stock-card" and report is not None:
        out["totals"] = card_totals(report)
    if kind == "stock-valuation" and report is not None and len(report["warehouses"]) > 1:
        out["chart"] = Markup(valuation_chart(report))  # one warehouse needs no chart
    return out


def used_columns(report: SalesJournal) -> list[ColumnHead]:
    """The columns with an amount in the month: the printed journal leaves out the empty
    ones (all 22 do not fit an A4 page); the page, the CSV and the JSON keep them all."""
    return [c for c in report.columns if any(c.key in r.amounts for r in report.rows)]


def column_groups(columns: list[ColumnHead]) -> list[tuple[str, int]]:
    """The headings over the journal's columns: (heading, columns under it)."""
    groups: list[tuple[str, int]] = []
    for column in columns:
        if groups and groups[-1][0] == column.group:
            groups[-1] = (column.group, groups[-1][1] + 1)
        else:
            groups.append((column.group, 1))
    return groups


def efficiency_chart(report: Efficiency) -> str:
    series = (
        Series("Venituri", "#1d4ed8"),
        Series("Costul vânzărilor", "#f79009"),
        Series("Marjă brută", "#067647"),
    )
    groups = [
        Group(r.name if not r.code else f"{r.code} {r.name}",
              (r.revenue, r.cost_of_sales, r.gross_margin))
        for r in report.rows
    ]  # fmt: skip
    title = f"Venituri, costul vânzărilor și marja brută pe {report.dimension_label.lower()}"
    return bar_chart(title, series, groups)


def valuation_chart(report: Mapping[str, Any]) -> str:
    groups = [Group(f"{w['code']} {w['name']}", (w["value"],)) for w in report["warehouses"]]
    title = f"Valoarea stocului pe gestiuni la {ro_date(report['on'])}"
    return bar_chart(title, (Series("Valoare (lei)", "#1d4ed8"),), groups)


def _company_of(report: Any) -> int:
    """The company a report is of (the stock reports are the inventory's plain dicts)."""
    return report["company"] if isinstance(report, Mapping) else report.company


async def export(
    kind: str, report: Any, fmt: str, name_parts: tuple[object, ...], extra: Mapping[str, Any]
) -> Response[Any]:
    filename = _filename(kind, *name_parts)
    if fmt in ("csv", "excel"):
        text = CSV_WRITERS[kind](report, excel=fmt == "excel")
        return Response(
            text,
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{filename}.csv"'},
        )
    context = {**_context(kind, report), **extra}
    context["company"] = await company_brief(_company_of(report))
    template = kind.replace("-", "_") + ".html"
    pdf = await anyio.to_thread.run_sync(render_report_pdf, template, context)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="{filename}.pdf"',
            "Cache-Control": "private, no-store",
        },
    )


# ------------------------------------------------------------------------------ pages


def _redirect_to_login(_: Request, __: Exception) -> Response:
    return Redirect(LOGIN_URL, status_code=303)


PAGE = {
    "exception_handlers": {NotAuthorizedException: _redirect_to_login},
    "response_headers": PAGE_HEADERS,
    "include_in_schema": False,
}


def _user(request: Request) -> str:
    return request.user.name if isinstance(request.user, Actor) else ""


def _page(
    request: Request,
    kind: str,
    form: dict[str, Any],
    report: Any = None,
    error: DomainError | None = None,
    **extra: Any,
) -> Template:
    query = {k: v for k, v in form.items() if v not in (None, "")}
    context = {
        "v": css_version(),
        "user": _user(request),
        "reports": REPORTS,
        "form": form,
        "error": error,
        "exports": {
            fmt: f"?{urlencode({**query, 'format': fmt})}" for fmt in ("csv", "excel", "pdf")
        },
        **_context(kind, report),
        **extra,
    }
    if report is None and kind in TITLES:
        context["title"] = TITLES[kind]
    return Template(
        template_name=f"reports/{kind.replace('-', '_')}.html",
        context=context,
        status_code=error.status if error is not None else 200,
        # The handlers answer a page or a file: without this a page would go out as JSON's
        # media type.
        media_type=MediaType.HTML,
    )


Build = Callable[[], Awaitable[Any]]


async def _answer(
    request: Request,
    kind: str,
    form: dict[str, Any],
    fmt: str,
    build: Build | None,
    name_parts: Callable[[Any], tuple[object, ...]],
    **extra: Any,
) -> Response[Any] | Template:
    """The page (or its export) of a report; `build` None: the form is not filled yet."""
    extra = {**extra, "companies": await company_choices()}
    if build is None:
        return _page(request, kind, form, **extra)
    try:
        report = await build()
        if fmt in ("csv", "excel", "pdf"):
            return await export(kind, report, fmt, name_parts(report), extra)
    except DomainError as exc:
        return _page(request, kind, form, error=exc, **extra)
    return _page(request, kind, form, report, **extra)


class ReportPagesController(Controller):
    path = "/reports"
    include_in_schema = False

    @get("/", **PAGE)
    async def index(self, request: Request) -> Template:
        return Template(
            template_name="reports/index.html",
            context={
                "v": css_version(),
                "user": _user(request),
                "reports": REPORTS,
                "title": "Rapoarte",
                "kind": "index",
            },
        )

    @get("/reports.css", exclude_from_auth=True, include_in_schema=False)
    async def stylesheet(self) -> Response[bytes]:
        """The pages' own stylesheet (public, like the admin's assets)."""
        return Response(
            CSS_FILE.read_bytes(),
            media_type="text/css; charset=utf-8",
            headers={"Cache-Control": "public, max-age=86400", "X-Content-Type-Options": "nosniff"},
        )

    @get("/trial-balance", **PAGE)
    async def trial_balance_page(
        self,
        request: Request,
        start: str = "",
        end: str = "",
        detail: str = "synthetic",
        layout: str = "4",
        company: str = "",
        file_format: PageFormatParam = "",
    ) -> Any:
        first, last = _this_month()
        form = {"start": start or first.isoformat(), "end": end or last.isoformat(),
                "detail": _choice(detail, DETAIL_RO, "synthetic"),
                "layout": _choice(layout, ("4", "5"), "4"), "company": company}  # fmt: skip

        async def build() -> TrialBalance:
            return await trial_balance(
                by=request.user, start=_day(start, "start", first), end=_day(end, "end", last),
                company_id=_id(company, "company"), detail=form["detail"],
            )  # fmt: skip

        return await _answer(request, "trial-balance", form, file_format, build,
                             lambda r: (r.start, r.end, r.detail),
                             layout=form["layout"], detail_ro=DETAIL_RO)  # fmt: skip

    @get("/partner-file", **PAGE)
    async def partner_file_page(
        self,
        request: Request,
        partner: str = "",
        q: str = "",
        side: str = "client",
        start: str = "",
        end: str = "",
        company: str = "",
        file_format: PageFormatParam = "",
    ) -> Any:
        first, last = _this_month()
        side = _choice(side, SIDE_RO, "client")
        form = {"partner": partner, "side": side, "start": start or first.isoformat(),
                "end": end or last.isoformat(), "company": company}  # fmt: skip
        found: list[dict[str, Any]] = []
        error: DomainError | None = None
        if not partner.strip() and q.strip():
            try:
                found, _more = await partner_page(by=request.user, q=q[:100], limit=20)
            except DomainError as exc:
                error = exc
        build: Build | None = None
        if partner.strip():

            async def build() -> PartnerFile:
                return await partner_file(
                    by=request.user, partner_id=_id(partner, "partner") or 0, side=side,
                    start=_day(start, "start", first), end=_day(end, "end", last),
                    company_id=_id(company, "company"),
                )  # fmt: skip

        if error is not None:
            return _page(request, "partner-file", form, error=error, q=q, found=found,
                         sides=SIDE_RO)  # fmt: skip
        return await _answer(request, "partner-file", form, file_format, build,
                             lambda r: (r.side, r.partner, r.start, r.end),
                             q=q, found=found, sides=SIDE_RO)  # fmt: skip

    @get("/account-statement", **PAGE)
    async def account_statement_page(
        self,
        request: Request,
        account: str = "",
        start: str = "",
        end: str = "",
        company: str = "",
        file_format: PageFormatParam = "",
    ) -> Any:
        first, last = _this_month()
        form = {"account": account.strip(), "start": start or first.isoformat(),
                "end": end or last.isoformat(), "company": company}  # fmt: skip
        build: Build | None = None
        if account.strip():

            async def build() -> AccountStatement:
                return await account_statement(
                    by=request.user, account=account, start=_day(start, "start", first),
                    end=_day(end, "end", last), company_id=_id(company, "company"),
                )  # fmt: skip

        return await _answer(request, "account-statement", form, file_format, build,
                             lambda r: (r.account, r.start, r.end),
                             accounts=await _accounts(request, company))  # fmt: skip

    @get("/general-ledger", **PAGE)
    async def general_ledger_page(
        self,
        request: Request,
        account: str = "",
        start: str = "",
        end: str = "",
        company: str = "",
        file_format: PageFormatParam = "",
    ) -> Any:
        first, last = _this_month()
        form = {"account": account.strip(), "start": start or first.isoformat(),
                "end": end or last.isoformat(), "company": company}  # fmt: skip

        async def build() -> GeneralLedger:
            return await general_ledger(
                by=request.user, account=account, start=_day(start, "start", first),
                end=_day(end, "end", last), company_id=_id(company, "company"),
            )  # fmt: skip

        return await _answer(request, "general-ledger", form, file_format, build,
                             lambda r: (r.account, r.start, r.end),
                             accounts=await _accounts(request, company))  # fmt: skip

    @get("/sales-journal", **PAGE)
    async def sales_journal_page(
        self,
        request: Request,
        month: str = "",
        company: str = "",
        file_format: PageFormatParam = "",
    ) -> Any:
        form = {"month": month.strip() or f"{today():%Y-%m}", "company": company}

        async def build() -> SalesJournal:
            return await sales_journal(
                by=request.user, month=form["month"], company_id=_id(company, "company")
            )

        return await _answer(request, "sales-journal", form, file_format, build,
                             lambda r: (r.month,))  # fmt: skip

    @get("/efficiency", **PAGE)
    async def efficiency_page(
        self,
        request: Request,
        dimension: str = "cost_centre",
        start: str = "",
        end: str = "",
        company: str = "",
        file_format: PageFormatParam = "",
    ) -> Any:
        first, last = _this_month()
        form = {"dimension": _choice(dimension, DIMENSIONS, "cost_centre"),
                "start": start or first.isoformat(), "end": end or last.isoformat(),
                "company": company}  # fmt: skip

        async def build() -> Efficiency:
            return await efficiency(
                by=request.user, dimension=form["dimension"], start=_day(start, "start", first),
                end=_day(end, "end", last), company_id=_id(company, "company"),
            )  # fmt: skip

        return await _answer(request, "efficiency", form, file_format, build,
                             lambda r: (r.dimension, r.start, r.end),
                             dimensions={k: v[1] for k, v in DIMENSIONS.items()})  # fmt: skip

    @get("/stock-card", **PAGE)
    async def stock_card_page(
        self,
        request: Request,
        warehouse: str = "",
        article: str = "",
        q: str = "",
        start: str = "",
        end: str = "",
        file_format: PageFormatParam = "",
    ) -> Any:
        first, last = _this_month()
        warehouses = await _warehouses(request)
        if not warehouse.strip() and len(warehouses) == 1:
            warehouse = str(warehouses[0]["id"])  # nothing to choose
        form = {"warehouse": warehouse.strip(), "article": article.strip(),
                "start": start or first.isoformat(), "end": end or last.isoformat()}  # fmt: skip
        found: list[dict[str, Any]] = []
        error: DomainError | None = None
        if not form["article"] and q.strip():
            try:
                rows, _more = await article_page(by=request.user, q=q[:100], limit=20)
                found = [r for r in rows if r["kind"] in STOCKED]
            except DomainError as exc:
                error = exc
        build: Build | None = None
        if form["article"]:

            async def build() -> dict[str, Any]:
                return await card_report(
                    by=request.user, warehouse_id=_id(warehouse, "warehouse"),
                    article_id=_id(article, "article") or 0,
                    start=_day(start, "start", first), end=_day(end, "end", last),
                )  # fmt: skip

        extra = {"q": q, "found": found, "warehouses": warehouses}
        if error is not None:
            return _page(request, "stock-card", form, error=error, **extra)
        return await _answer(request, "stock-card", form, file_format, build,
                             lambda r: (r["warehouse"]["code"], r["article"]["code"],
                                        r["date_from"], r["date_to"]), **extra)  # fmt: skip

    @get("/stock-valuation", **PAGE)
    async def stock_valuation_page(
        self,
        request: Request,
        on: str = "",
        warehouse: str = "",
        company: str = "",
        file_format: PageFormatParam = "",
    ) -> Any:
        form = {"on": on.strip() or today().isoformat(), "warehouse": warehouse.strip(),
                "company": company}  # fmt: skip

        async def build() -> dict[str, Any]:
            return await valuation_report(
                by=request.user, on=_day(on, "on", today()),
                warehouse_id=_id(warehouse, "warehouse"), company_id=_id(company, "company"),
            )  # fmt: skip

        return await _answer(request, "stock-valuation", form, file_format, build,
                             lambda r: (r["on"], _only_warehouse(r, form["warehouse"])),
                             warehouses=await _warehouses(request))  # fmt: skip


async def _accounts(request: Request, company: str) -> list[dict[str, Any]]:
    """The account picker's choices; none when the books are not the user's (the report
    itself then says why)."""
    try:
        return await account_choices(by=request.user, company_id=_id(company, "company"))
    except DomainError:
        return []


# ------------------------------------------------------------------------------ stock


async def stock_company(by: Actor, company_id: int | None, warehouse_id: int | None) -> int:
    """Whose stock a report shows: the warehouse's company when one is named (another
    company named beside it is refused), else the company named, else the only one."""
    require(by, STOCK_AREA, Action.read)
    if warehouse_id is not None:
        warehouse = await warehouse_get(warehouse_id, by=by)
        if company_id is not None and company_id != warehouse["company"]:
            raise ValidationFailed(
                "WAREHOUSE_OTHER_COMPANY",
                f"Gestiunea {warehouse['code']} nu este a firmei alese.",
                f"Warehouse {warehouse['code']} belongs to another company.",
                field="warehouse",
            )
        return warehouse["company"]
    if company_id is None:
        return await default_company_id()
    await company_exists(company_id)
    return company_id


async def card_report(
    *, by: Actor, warehouse_id: int | None, article_id: int, start: date, end: date
) -> dict[str, Any]:
    """The stock card (domain/inventory/queries.py) with its company, which the printed
    heading names."""
    if warehouse_id is None:
        raise ValidationFailed(
            "WAREHOUSE_REQUIRED", "Alegeți gestiunea.", "Choose the warehouse.", field="warehouse"
        )
    period_check(start, end)
    company = await stock_company(by, None, warehouse_id)
    card = await stock_card(warehouse_id=warehouse_id, article_id=article_id, date_from=start,
                            date_to=end, by=by)  # fmt: skip
    return {**card, "company": company}


async def valuation_report(
    *, by: Actor, on: date, warehouse_id: int | None, company_id: int | None
) -> dict[str, Any]:
    company = await stock_company(by, company_id, warehouse_id)
    return await stock_valuation(company_id=company, on=on, warehouse_id=warehouse_id, by=by)


def _only_warehouse(report: Mapping[str, Any], chosen: str) -> str | None:
    """The warehouse's code in the file's name when the valuation is of one warehouse."""
    return report["warehouses"][0]["code"] if chosen and report["warehouses"] else None


async def _warehouses(request: Request) -> list[dict[str, Any]]:
    """The warehouse picker's choices (with the company when there are several); none
    when the stock is not the user's (the report itself then says why)."""
    try:
        rows = await warehouse_list(by=request.user)
    except DomainError:
        return []
    companies = {c["id"]: c["name"] for c in await company_choices()}
    out = []
    for w in rows:
        label = f"{w['code']} — {w['name']}"
        if len(companies) > 1:
            label += f" ({companies.get(w['company'], '')})"
        if not w["active"]:
            label += " (inactivă)"
        out.append({"id": w["id"], "label": label})
    return out


# ------------------------------------------------------------------------------ API

WarehouseId = Annotated[int, QueryParameter(ge=1, le=MAX_INT, description="Gestiunea")]
ArticleId = Annotated[int, QueryParameter(ge=1, le=MAX_INT, description="Articolul")]
OptionalWarehouse = Annotated[
    int | None, QueryParameter(ge=1, le=MAX_INT, description="Gestiunea (implicit: toate)")
]
OnDay = Annotated[
    date | None, QueryParameter(description="Data, inclusiv (AAAA-LL-ZZ; implicit: azi)")
]


async def _api(
    kind: str, fmt: str, report: Any, name_parts: tuple[object, ...], **extra: Any
) -> Any:
    if fmt == "json":
        return report
    return await export(kind, report, fmt, name_parts, extra)


class ReportApiController(Controller):
    path = "/api/reports"
    tags = TAGS

    @get("/trial-balance", operation_id="TrialBalance", summary="Balanța de verificare")
    async def trial_balance_api(
        self,
        request: Request,
        start: Start,
        end: End,
        company: CompanyId = None,
        detail: Detail = "synthetic",
        file_format: FormatParam = "json",
    ) -> TrialBalance:
        """Per account: sold inițial (1 January of the period's year), rulaje precedente,
        rulaje perioadă, rulaje cumulate, total sume, sold final; then the totals of the
        grade-I accounts, of the classes and of the balance (`balanced`: all equalities
        hold). `detail=analytic` keeps analytic accounts apart."""
        report = await trial_balance(by=request.user, start=start, end=end, company_id=company,
                                     detail=detail)  # fmt: skip
        return await _api("trial-balance", file_format, report, (start, end, detail),
                          layout="4", detail_ro=DETAIL_RO)  # fmt: skip

    @get("/partner-file", operation_id="PartnerFile", summary="Fișa clientului / furnizorului")
    async def partner_file_api(
        self,
        request: Request,
        partner: PartnerId,
        start: Start,
        end: End,
        side: Side = "client",
        company: CompanyId = None,
        file_format: FormatParam = "json",
    ) -> PartnerFile:
        """Everything the partner has in the client accounts (4111, 419, 418, 4118 as the
        company maps them, with analytics) or, with `side=supplier`, in 401, 408, 409:
        per account, per currency, and the period's lines with the running balance."""
        report = await partner_file(by=request.user, partner_id=partner, start=start, end=end,
                                    side=side, company_id=company)  # fmt: skip
        return await _api("partner-file", file_format, report, (side, partner, start, end))

    @get("/account-statement", operation_id="AccountStatement", summary="Fișa de cont")
    async def account_statement_api(
        self,
        request: Request,
        account: AccountCode,
        start: Start,
        end: End,
        company: CompanyId = None,
        file_format: FormatParam = "json",
    ) -> AccountStatement:
        """The account's lines (and its analytics') in the period with the counter-accounts
        and the running balance; at most ROW_LIMIT lines (`truncated`), totals over all."""
        report = await account_statement(by=request.user, account=account, start=start,
                                         end=end, company_id=company)  # fmt: skip
        return await _api("account-statement", file_format, report, (account, start, end))

    @get("/general-ledger", operation_id="GeneralLedger", summary="Cartea mare")
    async def general_ledger_api(
        self,
        request: Request,
        start: Start,
        end: End,
        account: AccountCode = "",
        company: CompanyId = None,
        file_format: FormatParam = "json",
    ) -> GeneralLedger:
        """Per account: the balance at the start of the period, each month's turnover and
        the balance after it."""
        report = await general_ledger(by=request.user, start=start, end=end, account=account,
                                      company_id=company)  # fmt: skip
        return await _api("general-ledger", file_format, report, (account, start, end))

    @get("/sales-journal", operation_id="SalesJournal", summary="Jurnalul de vânzări")
    async def sales_journal_api(
        self,
        request: Request,
        month: Month,
        company: CompanyId = None,
        file_format: FormatParam = "json",
    ) -> SalesJournal:
        """The month's invoices (by issue date) in the legal columns: base and VAT per rate,
        exempt with / without deduction, reverse charge, intra-EU, export, cash-VAT;
        cancelled invoices with zero amounts. Amounts in RON."""
        report = await sales_journal(by=request.user, month=month, company_id=company)
        return await _api("sales-journal", file_format, report, (report.month,))

    @get("/efficiency", operation_id="Efficiency", summary="Eficiență pe dimensiuni")
    async def efficiency_api(
        self,
        request: Request,
        start: Start,
        end: End,
        dimension: Dimension = "cost_centre",
        company: CompanyId = None,
        file_format: FormatParam = "json",
    ) -> Efficiency:
        """Revenue (class 7), cost of sales (607, 711 as mapped), gross margin, other costs
        and result per cost centre, work point, department, team or person."""
        report = await efficiency(by=request.user, start=start, end=end, dimension=dimension,
                                  company_id=company)  # fmt: skip
        return await _api("efficiency", file_format, report, (dimension, start, end))

    @get("/stock-card", operation_id="StockCardReport", summary="Fișa de magazie")
    async def stock_card_api(
        self,
        request: Request,
        warehouse: WarehouseId,
        article: ArticleId,
        start: Start,
        end: End,
        file_format: FormatParam = "json",
    ) -> StockCardOut:
        """The article's stock in the warehouse at the start of the period, every move of
        the period (by its business date) with the stock and its value after it, and the
        stock at the end; the JSON is /api/stock/card's."""
        report = await card_report(by=request.user, warehouse_id=warehouse, article_id=article,
                                   start=start, end=end)  # fmt: skip
        if file_format == "json":
            return msgspec.convert(report, StockCardOut)
        parts = (report["warehouse"]["code"], report["article"]["code"], start, end)
        return await _api("stock-card", file_format, report, parts)

    @get("/stock-valuation", operation_id="StockValuationReport",
         summary="Valoarea stocului pe gestiuni")  # fmt: skip
    async def stock_valuation_api(
        self,
        request: Request,
        on: OnDay = None,
        warehouse: OptionalWarehouse = None,
        company: CompanyId = None,
        file_format: FormatParam = "json",
    ) -> ValuationOut:
        """Per warehouse and article at the end of `on`: quantity, value and average cost;
        the total of each warehouse and of the company; the JSON is /api/stock/valuation's.
        A warehouse named decides the company."""
        report = await valuation_report(by=request.user, on=on or today(),
                                        warehouse_id=warehouse, company_id=company)  # fmt: skip
        if file_format == "json":
            return msgspec.convert(report, ValuationOut)
        parts = (report["on"], _only_warehouse(report, str(warehouse or "")))
        return await _api("stock-valuation", file_format, report, parts)
