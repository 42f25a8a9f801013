"""The admin's form «Tipărire document (PDF)»: an issued or cancelled invoice or document,
named by its series and number (or internal id and kind), comes back as the stored PDF
(rendered on the spot when the job has not done it yet); drafts, unknown and ambiguous
numbers are refused in Romanian."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import httpx
import pytest

from domain.org.permissions import SYSTEM
from domain.sales.documents import document_draft_create, document_issue
from domain.sales.invoices import invoice_cancel, invoice_draft_create, invoice_issue
from domain.sales.queries import invoice_get
from printing.render import invoice_pdf_path
from tables.choices import DocType
from tests.admin.test_sales_forms import post_form
from tests.factories import make_article, make_client, make_company, make_series
from tests.printing.test_invoice_pdf import pdf_text

FORM = "Tipărire document (PDF)"
DAY = date(2026, 11, 2)


async def draft_invoice(company: int, client: int, article: int) -> int:
    return await invoice_draft_create(
        company_id=company, partner_id=client, by=SYSTEM,
        header={"issue_date": DAY, "delivery_date": DAY},
        lines=[{"article": article, "quantity": "2", "unit_price": "1000.00"}],
    )  # fmt: skip


@pytest.fixture
async def ids() -> dict[str, int]:
    company = await make_company()
    await make_series(company, prefix="FCT")
    await make_series(company, prefix="OF", doc_type=DocType.offer)
    return {
        "company": company,
        "client": await make_client(),
        "laptop": await make_article("LAP", name="Laptop"),
    }


async def issued_invoice(ids: dict[str, int]) -> int:
    invoice_id = await draft_invoice(ids["company"], ids["client"], ids["laptop"])
    await invoice_issue(invoice_id=invoice_id, by=SYSTEM)
    return invoice_id


def saved(response: httpx.Response, tmp_path: Path, name: str) -> Path:
    """The answer is a PDF attachment the admin's page saves under `name`."""
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == f'attachment; filename="{name}"'
    assert response.content.startswith(b"%PDF-")
    path = tmp_path / name
    path.write_bytes(response.content)
    return path


def refusal(response: httpx.Response) -> str:
    assert response.status_code == 422, response.text
    return response.json()["custom_form_error"]


async def test_a_viewer_downloads_the_stored_pdf_of_an_issued_invoice(
    ids, login, settings, tmp_path
):
    invoice_id = await issued_invoice(ids)
    viewer = await login("viewer")  # printing needs only sales read, which every role has
    forms = (await viewer.get("/admin/api/forms/grouped/")).json()
    assert FORM in [f["name"] for f in forms["grouped"]["Vânzări"]]

    # No job has run (tests dispatch none): the form renders it and stores it for the job.
    pdf = saved(
        await post_form(viewer, FORM, {"reference": "FCT-00001"}),
        tmp_path, "FCT-00001.pdf",
    )  # fmt: skip
    text = pdf_text(pdf)
    for expected in ("FACTURĂ", "Seria FCT nr. 00001", "Catastif Test SRL",
                     "Alfa Distribuție SRL", "Laptop", "TOTAL DE PLATĂ"):  # fmt: skip
        assert expected in text, expected
    assert "ANULAT" not in text
    stored = invoice_pdf_path(settings, await invoice_get(invoice_id, by=SYSTEM))
    assert stored.read_bytes() == pdf.read_bytes()

    # Asked again, however the number is typed: the same stored file, not a new render.
    before = stored.stat().st_mtime_ns
    asked = (
        {"reference": "fct 1"},
        {"reference": " FCT-1 ", "kind": "document"},  # the kind matters only for an id
        {"reference": str(invoice_id)},
        {"reference": str(invoice_id), "kind": "Factura"},
    )
    for body in asked:
        again = await post_form(viewer, FORM, body)
        assert again.content == pdf.read_bytes(), body
    assert stored.stat().st_mtime_ns == before


async def test_a_cancelled_invoice_prints_with_the_annulment(ids, login, tmp_path):
    invoice_id = await issued_invoice(ids)
    await invoice_cancel(invoice_id=invoice_id, reason="Client greșit", by=SYSTEM)
    sales = await login("sales")
    pdf = saved(
        await post_form(sales, FORM, {"reference": "FCT-00001"}),
        tmp_path, "FCT-00001.pdf",
    )  # fmt: skip
    text = pdf_text(pdf)
    assert "Seria FCT nr. 00001" in text
    assert "ANULAT" in text
    assert "motiv: Client greșit" in text


async def test_an_issued_offer_prints_by_its_number(ids, login, tmp_path):
    offer = await document_draft_create(
        doc_type=DocType.offer, company_id=ids["company"], partner_id=ids["client"], by=SYSTEM,
        header={"issue_date": DAY, "valid_until": date(2026, 11, 30)},
        lines=[{"article": ids["laptop"], "quantity": "1", "unit_price": "500"}],
    )  # fmt: skip
    await document_issue(document_id=offer, by=SYSTEM)
    accountant = await login("accountant")
    for body in ({"reference": "OF-00001"}, {"reference": str(offer), "kind": "document"}):
        pdf = saved(await post_form(accountant, FORM, body), tmp_path, "OF-00001.pdf")
        text = pdf_text(pdf)
        assert "OFERTĂ" in text
        assert "Seria OF nr. 00001" in text
    # The offer's internal id among invoices: there is no such invoice.
    text = refusal(await post_form(accountant, FORM, {"reference": str(offer)}))
    assert f"Factura cu nr. intern {offer} nu există." in text
    assert "PRINT_NOT_FOUND" in text


async def test_drafts_unknown_and_ambiguous_numbers_are_refused_in_romanian(
    ids, login, anon, tmp_path
):
    sales = await login("sales")

    async def answer(reference: str, kind: str = "factură") -> str:
        return refusal(await post_form(sales, FORM, {"reference": reference, "kind": kind}))

    draft = await draft_invoice(ids["company"], ids["client"], ids["laptop"])
    text = await answer(str(draft))
    assert "Factura este o ciornă: se poate tipări după emitere" in text
    assert "INVOICE_DRAFT_NO_PDF" in text
    offer = await document_draft_create(
        doc_type=DocType.offer, company_id=ids["company"], partner_id=ids["client"], by=SYSTEM,
        lines=[{"article": ids["laptop"], "quantity": "1", "unit_price": "500"}],
    )  # fmt: skip
    text = await answer(str(offer), "document")
    assert "Oferta este o ciornă" in text
    assert "DOCUMENT_DRAFT_NO_PDF" in text

    text = await answer("FCT-00099")
    assert "Nu există nicio factură și niciun document cu numărul «FCT-00099»" in text
    assert "PRINT_NOT_FOUND" in text
    assert "Documentul cu nr. intern 999 nu există." in await answer("999", "document")
    assert "PRINT_REFERENCE_INVALID" in await answer("FCT")
    assert "seria și numărul" in await answer("  ")
    text = await answer(str(draft), "ofertă")
    assert "scrieți «factură» sau «document», nu «ofertă»" in text
    assert "PRINT_KIND_INVALID" in text

    # Two companies, each with its series FCT and its invoice FCT-00001: ask for the id.
    other = await make_company(name="Altă Firmă SRL", cui="18594291")
    await make_series(other, prefix="FCT")
    mine = await issued_invoice(ids)
    theirs = await issued_invoice(ids | {"company": other})
    text = await answer("FCT-00001")
    assert "PRINT_REFERENCE_AMBIGUOUS" in text
    assert f"(factura {mine}, factura {theirs}); scrieți numărul intern" in text
    pdf = saved(await post_form(sales, FORM, {"reference": str(theirs)}), tmp_path, "FCT-00001.pdf")
    assert "Altă Firmă SRL" in pdf_text(pdf)

    forms = await anon.get("/admin/api/forms/")
    assert forms.status_code == 401  # no session, no form
