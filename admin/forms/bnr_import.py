"""Form «Import curs BNR»: today's feed, a year's file, or any feed URL."""

from __future__ import annotations

from piccolo_admin.endpoints import FormConfig
from pydantic import BaseModel, Field
from starlette.requests import Request

from admin.forms import form_errors
from admin.guards import request_actor
from domain.org.bnr import feed_urls
from domain.org.fx import rates_fetch, rates_import_document


class BnrImportForm(BaseModel):
    year: int | None = Field(
        default=None, title="An", description="Gol = cursul zilei; un an = tot fișierul anual"
    )
    url: str = Field(default="", title="Adresă", description="Opțional, alt fișier XML BNR")


def bnr_import_form() -> FormConfig:
    @form_errors
    async def endpoint(request: Request, data: BnrImportForm) -> str:
        actor = await request_actor(request)
        url = data.url.strip() or feed_urls(data.year)
        added = await rates_import_document(await rates_fetch(url), source=url, by=actor)
        return f"Au fost importate {added} cursuri noi din {url}."

    return FormConfig(
        name="Import curs BNR",
        pydantic_model=BnrImportForm,
        endpoint=endpoint,
        description="Cursurile se importă automat în fiecare zi bancară la 13:30; "
        "folosiți formularul pentru zile trecute.",
        form_group="Valute",
    )
