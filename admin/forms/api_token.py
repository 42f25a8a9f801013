"""Form «Token API nou»: the raw token is shown once, only its hash is kept."""

from __future__ import annotations

from piccolo_admin.endpoints import FormConfig
from pydantic import BaseModel, Field
from starlette.requests import Request

from admin.forms import form_errors
from admin.guards import request_actor
from domain.org.actors import token_create
from domain.org.permissions import TOKEN_SCOPES


class ApiTokenForm(BaseModel):
    name: str = Field(title="Nume", description="Cine îl folosește, ex. «Formular site»")
    scopes: str = Field(
        title="Drepturi",
        description="Separate prin spațiu: " + " ".join(sorted(TOKEN_SCOPES)),
    )


def api_token_form() -> FormConfig:
    @form_errors
    async def endpoint(request: Request, data: ApiTokenForm) -> str:
        token_id, raw = await token_create(
            name=data.name.strip(),
            scopes=data.scopes.replace(",", " ").split(),
            by=await request_actor(request),
        )
        return (
            f"Token nr. {token_id}: {raw} — copiați-l acum, nu mai poate fi afișat. "
            "Se trimite în antetul «Authorization: Bearer <token>»."
        )

    return FormConfig(
        name="Token API nou",
        pydantic_model=ApiTokenForm,
        endpoint=endpoint,
        form_group="Utilizatori",
    )
