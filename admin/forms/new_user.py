"""Form «Utilizator nou»: a login with its role in one step (the users table alone
cannot give the role, nor the admin's door)."""

from __future__ import annotations

from typing import Literal

from piccolo_admin.endpoints import FormConfig
from pydantic import BaseModel, Field
from starlette.requests import Request

from admin.forms import form_errors
from admin.guards import request_actor
from domain.org.users import user_create

ROLES_RO = "administrator, contabil, vânzări, casier, vizualizare"


class NewUserForm(BaseModel):
    username: str = Field(title="Utilizator")
    password: str = Field(title="Parolă", json_schema_extra={"format": "password"})
    email: str = Field(default="", title="E-mail")
    role: Literal["admin", "accountant", "sales", "cashier", "viewer"] = Field(
        default="viewer", title="Rol", description=ROLES_RO
    )


def new_user_form() -> FormConfig:
    @form_errors
    async def endpoint(request: Request, data: NewUserForm) -> str:
        user_id = await user_create(
            username=data.username, password=data.password, role=data.role,
            email=data.email.strip(), by=await request_actor(request),
        )  # fmt: skip
        return f"Utilizatorul «{data.username.strip()}» (nr. {user_id}) poate intra în aplicație."

    return FormConfig(
        name="Utilizator nou",
        pydantic_model=NewUserForm,
        endpoint=endpoint,
        description="Creează contul și îi dă rolul; persoana se leagă în Organizare › persoana.",
        form_group="Utilizatori",
    )
