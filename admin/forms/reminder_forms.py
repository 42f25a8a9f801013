"""«Reamintire de plată»: see the e-mail a client would get today about its overdue
invoices, or send it now (the daily job's run for that client, queued; whatever the
interval, but never twice at once)."""

from __future__ import annotations

from typing import Literal

from piccolo_admin.endpoints import FormConfig
from pydantic import BaseModel, Field
from starlette.requests import Request

from admin.forms import form_errors
from admin.forms.ledger_forms import partner_by_text
from admin.guards import request_actor
from domain.core.effects import enqueue_now
from domain.core.errors import Unavailable
from domain.org.permissions import Action, Area, require
from domain.payments.reminders import reminder_preview
from domain.sales.queries import default_company_id

GROUP = "Încasări"


class ReminderForm(BaseModel):
    partner: str = Field(title="Clientul", description="CUI, CNP sau numărul partenerului")
    action: Literal["previzualizare", "trimite acum"] = Field(
        default="previzualizare", title="Ce faceți",
        description="Previzualizarea arată e-mailul; «trimite acum» îl pune în coada de trimitere.",
    )  # fmt: skip


def reminder_forms() -> list[FormConfig]:
    @form_errors
    async def reminder(request: Request, data: ReminderForm) -> str:
        actor = await request_actor(request)
        company = await default_company_id()
        partner = await partner_by_text(data.partner)
        draft = await reminder_preview(company_id=company, partner_id=partner, by=actor)
        if draft is None:
            return "Clientul nu are facturi restante peste zilele de grație: nu e nimic de trimis."
        if data.action == "previzualizare":
            return (
                f"Către: {draft.to_email or '(fără adresă de e-mail)'}\n"
                f"Subiect: {draft.subject}\n\n{draft.body}"
            )
        require(actor, Area.payments, Action.write)
        queued = await enqueue_now(
            "payment_reminders", company_id=company, partner_id=partner, force=True
        )
        if queued is None:
            raise Unavailable(
                "JOB_QUEUE_UNAVAILABLE",
                "Coada de lucrări nu răspunde: reamintirea nu a putut fi trimisă. Încercați "
                "din nou peste câteva minute.",
                "The job queue cannot be reached; try again in a few minutes.",
            )
        where = draft.to_email or "(fără adresă: se va înregistra eșecul)"
        return (
            f"Reamintirea către {where} a fost pusă în coada de trimitere; rezultatul apare în "
            "«Reamintiri de plată»."
        )

    return [
        FormConfig(
            name="Reamintire de plată",
            pydantic_model=ReminderForm,
            endpoint=reminder,
            form_group=GROUP,
            description="E-mailul către un client cu facturile lui restante: previzualizare "
            "sau trimitere acum (automat zilnic, dacă reamintirile sunt activate).",
        )
    ]
