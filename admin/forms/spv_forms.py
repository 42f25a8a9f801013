"""Forms of «SPV»: import a supplier's e-Factura XML pasted by hand (the same operation
as POST /api/supplier-invoices/import and as the daily SPV job), and «Preia acum din SPV»
(read a company's SPV inbox now, with the job the cron runs)."""

from __future__ import annotations

from piccolo_admin.endpoints import FormConfig
from pydantic import BaseModel, Field
from starlette.requests import Request

from admin.forms import form_errors
from admin.guards import request_actor
from domain.core.errors import ValidationFailed
from domain.efactura.receive import supplier_invoice_import
from domain.efactura.spv_fetch import fetch_summary_ro, spv_fetch_now
from domain.partners.identity import normalize_cui
from domain.sales.queries import default_company_id
from tables.efactura import SupplierInvoice
from tables.org import Company

GROUP = "SPV"
TEXTAREA = {"extra": {"widget": "text-area"}}


class SupplierXmlForm(BaseModel):
    xml: str = Field(
        title="XML-ul facturii",
        description="Lipiți aici fișierul XML UBL (factură sau notă de creditare) primit de la "
        "furnizor sau descărcat din SPV.",
        json_schema_extra=TEXTAREA,
    )
    company: str = Field(
        default="", title="Firma", description="CUI-ul firmei; gol dacă aveți o singură firmă"
    )


class FetchNowForm(BaseModel):
    company: str = Field(
        default="", title="Firma", description="CUI-ul firmei; gol dacă aveți o singură firmă"
    )


async def _company(text: str) -> int:
    if not text.strip():
        return await default_company_id()
    value = text.strip()
    row = None
    if value.isdigit():
        row = await Company.select(Company.id).where(Company.id == int(value)).first()
    if row is None:
        cui = normalize_cui(value)
        row = await Company.select(Company.id).where(Company.cui == cui).first()
    if row is None:
        raise ValidationFailed(
            "COMPANY_NOT_FOUND", f"Firma «{value}» nu există.", "No such company.",
            field="company",
        )  # fmt: skip
    return row["id"]


def spv_forms() -> list[FormConfig]:
    @form_errors
    async def import_xml(request: Request, data: SupplierXmlForm) -> str:
        actor = await request_actor(request)
        invoice_id = await supplier_invoice_import(
            company_id=await _company(data.company), xml=data.xml, by=actor
        )
        row = (
            await SupplierInvoice.select(
                SupplierInvoice.number,
                SupplierInvoice.payable,
                SupplierInvoice.currency,
                SupplierInvoice.partner.name.as_alias("partner_name"),
            )
            .where(SupplierInvoice.id == invoice_id)
            .first()
        )
        return (
            f"Factura {row['number']} de la «{row['partner_name']}» a fost importată ca ciornă "
            f"(factura de furnizor nr. {invoice_id}, de plată {row['payable']:.2f} "
            f"{row['currency']}); o găsiți în «Facturi furnizori»."
        )

    @form_errors
    async def fetch_now(request: Request, data: FetchNowForm) -> str:
        answer = await spv_fetch_now(
            company_id=await _company(data.company), by=await request_actor(request)
        )
        if answer["queued"]:
            head = (
                "Preluarea din SPV a pornit: facturile primite apar în «Facturi furnizori», "
                "mesajele în «Mesaje SPV», rezultatul în «Preluări SPV»."
            )
        else:
            head = "O preluare din SPV a acestei firme este deja în coadă sau în curs."
        return f"{head} {fetch_summary_ro(answer['last'])}"

    return [
        FormConfig(
            name="Preia acum din SPV",
            pydantic_model=FetchNowForm,
            endpoint=fetch_now,
            form_group=GROUP,
            description="Citește acum mesajele SPV ale firmei (altfel automat, de două ori pe "
            "zi): facturile primite devin ciorne, mesajele cumpărătorilor se păstrează.",
        ),
        FormConfig(
            name="Importă factură furnizor (XML)",
            pydantic_model=SupplierXmlForm,
            endpoint=import_xml,
            form_group=GROUP,
            description="Factura devine ciornă în «Facturi furnizori»; furnizorul este găsit "
            "după CUI sau creat. Aceeași factură de două ori este refuzată.",
        ),
    ]
