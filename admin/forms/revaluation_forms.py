"""«Reevaluare valutară»: the month-end revaluation of currency receivables for a chosen
month (the monthly job's run, by hand), what it booked or would book invoice by invoice,
and its undoing by an administrator (domain/payments/revaluation_ops.py)."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from piccolo_admin.endpoints import FormConfig
from pydantic import BaseModel, Field
from starlette.requests import Request

from admin.forms import form_errors
from admin.forms.ledger_forms import COMPANY_HELP, GROUP, company_by_text
from admin.guards import request_actor
from domain.core.money import q2
from domain.payments.revaluation_ops import (
    RevaluationRun,
    first_of_next,
    fx_revaluation_get,
    fx_revaluation_run,
    fx_revaluation_undo,
)
from printing.invoice_context import money


class RevaluationForm(BaseModel):
    month: date = Field(title="Luna", description="Orice zi din lună")
    action: Literal["reevaluează", "vezi", "anulează"] = Field(
        default="reevaluează", title="Ce faceți",
        description="«vezi» arată reevaluarea înregistrată sau, dacă nu este, ce s-ar "
        "înregistra; «anulează» o stornează (doar administratorul, cu lunile deschise), "
        "după care luna se poate reevalua din nou.",
    )  # fmt: skip
    company: str = Field(default="", title="Firma", description=COMPANY_HELP)


def revaluation_forms() -> list[FormConfig]:
    @form_errors
    async def revaluation(request: Request, data: RevaluationForm) -> str:
        by = await request_actor(request)
        company = await company_by_text(data.company)
        if data.action == "vezi":
            run = await fx_revaluation_get(company_id=company, month=data.month, by=by)
        elif data.action == "anulează":
            run = await fx_revaluation_undo(company_id=company, month=data.month, by=by)
        else:
            run = await fx_revaluation_run(company_id=company, month=data.month, by=by)
            if run.revaluation_id is not None and not run.created:
                return "Luna era deja reevaluată.\n" + describe(run)
        return describe(run)

    return [
        FormConfig(
            name="Reevaluare valutară",
            pydantic_model=RevaluationForm,
            endpoint=revaluation,
            form_group=GROUP,
            description="Creanțele în valută neîncasate la sfârșitul lunii, la cursul BNR "
            "din ultima zi bancară: diferența la 7651 / 6651, stornată pe 1 a lunii următoare "
            "(automat în fiecare lună, pe 1, pentru luna încheiată).",
        )
    ]


def describe(run: RevaluationRun) -> str:
    """The run in Romanian, one line per invoice."""
    head = f"Reevaluarea valutară a lunii {run.month:%m.%Y}"
    if run.rate_day is None:
        return f"{head}: nu există creanțe în valută neîncasate la {run.month:%d.%m.%Y}."
    if run.revaluation_id is None:
        state = "neînregistrată"
    elif run.undone:
        by = f" de {run.undone_by}" if run.undone_by else ""
        state = f"anulată (stornată){by}; «reevaluează» o înregistrează din nou"
    else:
        state = (
            f"nota nr. {run.entry_id} din {run.month:%d.%m.%Y}, stornată prin nota nr. "
            f"{run.reversal_id} din {first_of_next(run.month):%d.%m.%Y}"
        )
    lines = [f"{head} ({state}), curs BNR din {run.rate_day:%d.%m.%Y}:"]
    lines += [_detail_line(d) for d in run.details]
    lines.append(
        f"Total: câștig (7651) {money(run.gain)} lei, pierdere (6651) {money(run.loss)} lei."
    )
    return "\n".join(lines)


def _detail_line(d: dict[str, Any]) -> str:
    difference = q2(d["difference"])
    kind = "câștig" if difference > 0 else "pierdere" if difference < 0 else "fără diferență"
    per = f" / {d['multiplier']}" if d["multiplier"] != 1 else ""
    return (
        f"{d['number']}: {money(d['open'])} {d['currency']}, în evidență {money(d['old_ron'])} "
        f"lei (curs {_rate(d['invoice_rate'])}), la {_rate(d['rate'])}{per} = "
        f"{money(d['new_ron'])} lei: {kind} {money(abs(difference))} lei"
    )


def _rate(text: str) -> str:
    """A BNR rate as published, four decimals: 5,0912."""
    return text.replace(".", ",")
