"""The ageing of receivables (scadențarul clienților): the page /reports/ageing (with its
CSV, Excel and PDF, through the ledger reports' shared pieces) and /api/reports/ageing as
JSON, CSV or PDF; and the preview of a client's payment reminder. The read models are
domain/payments/ageing.py and domain/payments/reminders.py.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from litestar import Request, Response, get
from litestar.params import QueryParameter
from markupsafe import Markup

from controllers.reports import PAGE, TAGS, _answer, _api, _day, _id
from controllers.schemas import MAX_INT
from controllers.schemas.reports import CompanyId, FormatParam, PageFormatParam
from domain.core.clock import today
from domain.core.errors import DomainError
from domain.ledger.reports_chart import Group, Series, stacked_bar_chart
from domain.org.permissions import Action, Actor, Area, require
from domain.payments.ageing import BUCKET_RO, BUCKETS, Ageing, ageing
from domain.payments.reminders import reminder_preview
from domain.sales.queries import default_company_id
from tables.org import Person, Team, WorkPoint
from tables.partners import Partner

KIND = "ageing"
COLOURS = ("#067647", "#f5b800", "#f79009", "#d92d20", "#7a0916")  # not due ... over 90
OptionalId = Annotated[int | None, QueryParameter(ge=1, le=MAX_INT)]
At = Annotated[date | None, QueryParameter(description="La data (AAAA-LL-ZZ); implicit azi")]


def ageing_chart(report: Ageing) -> str:
    """One stacked bar per client (the largest first), a colour per bucket, in lei."""
    series = [Series(BUCKET_RO[b], c) for b, c in zip(BUCKETS, COLOURS, strict=True)]
    partners = sorted(report.partners, key=lambda p: p.ron["total"], reverse=True)
    groups = [Group(p.name, tuple(p.ron[b] for b in BUCKETS)) for p in partners]
    return stacked_bar_chart(
        f"Sume de încasat pe vechimea scadenței la {report.at:%d.%m.%Y} (lei)", series, groups
    )


def _chart(report: Ageing) -> Markup:
    return Markup(ageing_chart(report))  # our own SVG, its texts escaped


def _name_parts(report: Ageing) -> tuple[object, ...]:
    return (report.at, *(f"{k}{v}" for k, v in report.filters.items() if v))


async def _choices(by: Actor) -> dict[str, list[dict[str, Any]]]:
    """The filters' choices: work points, teams, people and the clients with invoices."""
    try:
        require(by, Area.payments, Action.read)
    except DomainError:
        return {"work_points": [], "teams": [], "persons": [], "partners": []}
    partners = await Partner.raw(
        "SELECT p.id, p.name FROM partener p WHERE p.id IN (SELECT partner FROM factura "
        "WHERE status = 'issued') ORDER BY p.name LIMIT 1000"
    )
    return {
        "work_points": await WorkPoint.select(WorkPoint.id, WorkPoint.name).order_by(
            WorkPoint.name
        ),
        "teams": await Team.select(Team.id, Team.name).order_by(Team.name),
        "persons": await Person.select(Person.id, Person.name).order_by(Person.name),
        "partners": partners,
    }


@get("/reports/ageing", **PAGE)
async def ageing_page(
    request: Request,
    at: str = "",
    partner: str = "",
    work_point: str = "",
    team: str = "",
    person: str = "",
    company: str = "",
    file_format: PageFormatParam = "",
) -> Any:
    """The ageing at `at` (default today), filtered by client and by the invoices'
    work point, team and person."""
    day = today()
    form = {"at": at or day.isoformat(), "partner": partner.strip(),
            "work_point": work_point.strip(), "team": team.strip(), "person": person.strip(),
            "company": company}  # fmt: skip

    async def build() -> Ageing:
        return await ageing(
            by=request.user, at=_day(at, "at", day), company_id=_id(company, "company"),
            partner_id=_id(partner, "partner"), work_point=_id(work_point, "work_point"),
            team=_id(team, "team"), person=_id(person, "person"),
        )  # fmt: skip

    return await _answer(
        request, KIND, form, file_format, build, _name_parts, chart_of=_chart,
        **await _choices(request.user),
    )  # fmt: skip


@get("/api/reports/ageing", operation_id="Ageing", summary="Scadențar clienți", tags=TAGS)
async def ageing_api(
    request: Request,
    at: At = None,
    company: CompanyId = None,
    partner: OptionalId = None,
    work_point: OptionalId = None,
    team: OptionalId = None,
    person: OptionalId = None,
    file_format: FormatParam = "json",
) -> Ageing:
    """Per client: what is still open at the end of `at`, in buckets by days past the due
    date of each instalment (not due, 1-30, 31-60, 61-90, over 90; payments settle the
    oldest instalment first), in lei at the booked rates and per invoice currency, with
    each open instalment; the totals. Filters: client, the invoices' work point, team,
    person."""
    report = await ageing(
        by=request.user, at=at or today(), company_id=company, partner_id=partner,
        work_point=work_point, team=team, person=person,
    )  # fmt: skip
    return await _api(KIND, file_format, report, _name_parts(report), chart_of=_chart)


@get(
    "/api/receivables/reminder-preview",
    operation_id="ReminderPreview",
    summary="Previzualizarea reamintirii de plată",
    tags=TAGS,
)
async def reminder_preview_api(
    request: Request,
    partner: Annotated[int, QueryParameter(ge=1, le=MAX_INT, description="Clientul")],
    company: CompanyId = None,
) -> Response[str]:
    """The e-mail the client would get today (text/plain), or 404 when nothing of it is
    overdue past the company's days of grace."""
    draft = await reminder_preview(
        company_id=company or await default_company_id(), partner_id=partner, by=request.user
    )
    if draft is None:
        return Response(
            "Clientul nu are facturi restante peste zilele de grație.",
            status_code=404,
            media_type="text/plain; charset=utf-8",
        )
    text = f"Către: {draft.to_email or '(fără adresă)'}\nSubiect: {draft.subject}\n\n{draft.body}"
    return Response(text, media_type="text/plain; charset=utf-8")
