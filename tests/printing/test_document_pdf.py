"""Printed offers, proformas, orders, delivery notes (avize) and warranty certificates: the
legal content read back from the PDF with pdftotext, the page as a picture (pdftoppm), the
rendering job (idempotent, per status), the after-commit request from issue and cancel, and
GET /api/documents/{id}/pdf (202 while rendering, then the file; drafts and rights refused).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from domain.org.permissions import SYSTEM
from domain.sales.documents import (
    document_cancel,
    document_draft_create,
    document_issue,
    warranty_from_invoice,
)
from domain.sales.invoices import invoice_draft_create, invoice_issue
from domain.sales.queries import document_get
from jobs.printing import enqueue_document_pdf, render_document
from jobs.queue import queue_from_url
from printing.render import DOCUMENT_FOLDERS, document_pdf_path
from tables.choices import DocType
from tables.org import CompanyBankAccount
from tables.sales import InvoiceLine
from tests.factories import make_article, make_client, make_company, make_series
from tests.printing.test_invoice_pdf import (
    dark_share,
    page_png,
    pdf_fonts,
    pdf_pages,
    pdf_text,
    reddish_pixels,
)

IBAN = "RO49AAAA1B31007593840000"
DAY = date(2026, 11, 2)
PREFIXES = {
    DocType.offer: "OF",
    DocType.proforma: "PF",
    DocType.order: "CMD",
    DocType.delivery_note: "AVZ",
    DocType.warranty: "CG",
    DocType.invoice: "FCT",
}


@pytest.fixture
async def ids() -> dict[str, int]:
    company = await make_company()
    await CompanyBankAccount(company=company, iban=IBAN, bank_name="Banca Transilvania").save()
    for doc_type, prefix in PREFIXES.items():
        await make_series(company, prefix=prefix, doc_type=doc_type)
    return {
        "company": company,
        "client": await make_client(),
        "laptop": await make_article("LAP", name="Laptop", warranty_months=24),
        "coffee": await make_article("CAF", name="Cafea boabe", uom="KGM", vat_category="S-REDUSA"),
    }


def goods(ids: dict[str, int]) -> list[dict[str, Any]]:
    return [
        {"article": ids["laptop"], "quantity": "2", "unit_price": "1000.00"},
        {"article": ids["coffee"], "quantity": "3", "unit_price": "45.50", "discount": "1.50"},
    ]


async def issued(ids, doc_type: DocType, *, lines=None, **header: Any) -> int:
    document_id = await document_draft_create(
        doc_type=doc_type, company_id=ids["company"], partner_id=ids["client"], by=SYSTEM,
        header={"issue_date": DAY, **header}, lines=lines or goods(ids),
    )  # fmt: skip
    await document_issue(document_id=document_id, by=SYSTEM)
    return document_id


async def render(settings, document_id: int) -> Path:
    result = await render_document({"settings": settings}, document_id=document_id)
    assert result.get("rendered") is True, result
    return Path(result["path"])


def check_page(path: Path, tmp_path: Path, *, red: bool = False) -> None:
    """A clean A4 page: DejaVu only, ink in the top third; the stamp's red only if `red`."""
    names = pdf_fonts(path)
    assert names
    assert all("DejaVu-Sans" in name for name in names), names
    image = page_png(path, tmp_path / path.stem)
    width, height = image.size
    assert abs(width - 413) <= 1
    assert abs(height - 585) <= 1
    assert 0.03 < dark_share(image) < 0.30
    top = height // 3
    assert dark_share(image, (0, 0, width // 2, top)) > 0.03  # title and supplier
    assert dark_share(image, (width // 2, 0, width, top)) > 0.03  # dates and customer
    if red:
        assert reddish_pixels(image) > 500
    else:
        assert reddish_pixels(image) == 0


SUPPLIER_AND_CUSTOMER = (
    "Catastif Test SRL", "CUI 44556670", "Cod TVA RO44556670", "Nr. Reg. Com. J40/1/2024",
    "Calea Victoriei 1, Sector 1, București", "Capital social 200,00 lei",
    f"IBAN RON {IBAN} – Banca Transilvania",
    "Alfa Distribuție SRL", "CUI 12345674", "Str. Memorandumului 10, Cluj-Napoca, jud. Cluj",
)  # fmt: skip

PRICED = {
    DocType.offer: {
        "title": "OFERTĂ", "number": "Seria OF nr. 00001", "roles": ("Furnizor", "Client"),
        "grand": "TOTAL OFERTĂ 2.569,85 RON",
        "dates": ("Data emiterii Valabilă până la Moneda", "02.11.2026 30.11.2026 RON"),
        "extra": ("Oferta este valabilă până la data de 30.11.2026 inclusiv.",
                  "CONDIȚII ȘI PRECIZĂRI", "Termen de livrare: 5 zile lucrătoare.",
                  "Transportul este inclus în preț.", "Oferta nu este document fiscal."),
    },
    DocType.proforma: {
        "title": "FACTURĂ PROFORMĂ", "number": "Seria PF nr. 00001",
        "roles": ("Furnizor", "Cumpărător"), "grand": "TOTAL DE PLATĂ 2.569,85 RON",
        "dates": ("Data emiterii Valabilă până la Moneda", "02.11.2026 30.11.2026 RON"),
        "extra": ("Factura proformă este valabilă până la data de 30.11.2026 inclusiv.",
                  "Total de plată în litere: două mii cinci sute șaizeci și nouă de lei și "
                  "optzeci și cinci de bani",
                  "Factura proformă nu este document fiscal și nu ține loc de factură"),
    },
    DocType.order: {
        "title": "COMANDĂ", "number": "Seria CMD nr. 00001",
        "roles": ("Furnizor", "Client (beneficiar)"), "grand": "TOTAL COMANDĂ 2.569,85 RON",
        "dates": ("Data comenzii Data livrării Moneda", "02.11.2026 09.11.2026 RON"),
        "extra": ("Furnizor (semnătura și ștampila)", "Client (semnătura și ștampila)"),
    },
}  # fmt: skip


@pytest.mark.parametrize("doc_type", list(PRICED))
async def test_offer_proforma_order_state_prices_vat_per_rate_and_totals(
    ids, settings, tmp_path, doc_type
):
    expected = PRICED[doc_type]
    header: dict[str, Any] = {"valid_until": date(2026, 11, 30)}
    if doc_type is DocType.offer:
        header["notes"] = "Termen de livrare: 5 zile lucrătoare.\nTransportul este inclus în preț."
    if doc_type is DocType.order:
        header = {"delivery_date": date(2026, 11, 9)}
    path = await render(settings, await issued(ids, doc_type, **header))
    assert path.parent.name == DOCUMENT_FOLDERS[doc_type]
    text, rows = pdf_text(path), pdf_text(path, layout=True)

    assert text.startswith(expected["title"] + " ")
    assert expected["number"] in text
    labels, values = expected["dates"]  # read as a column of labels, then one of values
    assert labels in text
    assert values in text
    for role in expected["roles"]:
        assert role.upper() in text
    for part in SUPPLIER_AND_CUSTOMER:
        assert part in text, part
    # The snapshot does not say whether the client pays VAT: no VAT status is claimed.
    assert "neplătitor" not in text
    assert "1 Laptop buc 2 1.000,00 2.000,00 21% 420,00" in rows
    assert "2 Cafea boabe kg 3 45,50 1,50 135,00 11% 14,85" in rows
    assert "21% 2.000,00 420,00" in rows
    assert "11% 135,00 14,85" in rows
    assert "Total fără TVA 2.135,00 RON" in rows
    assert "Total TVA 434,85 RON" in rows
    assert expected["grand"] in rows
    for part in expected["extra"]:
        assert part in text or part in rows, part
    assert "ANULAT" not in text
    title_and_number = f"{expected['title']} {PREFIXES[doc_type]}-00001"
    assert f"{title_and_number} Pagina 1 din 1" in rows
    check_page(path, tmp_path)


async def test_aviz_has_the_14_3_6a_content_delegate_vehicle_and_signatures(
    ids, settings, tmp_path
):
    note_id = await issued(
        ids, DocType.delivery_note, delegate="Ion Popescu, CI RX 123456", vehicle="B-123-ABC"
    )
    path = await render(settings, note_id)
    assert path.parent.name == "delivery-notes"
    text, rows = pdf_text(path), pdf_text(path, layout=True)

    assert text.startswith("AVIZ DE ÎNSOȚIRE A MĂRFII ")
    assert "Seria AVZ nr. 00001" in text
    assert "Data emiterii Moneda" in text
    assert "02.11.2026 RON" in text
    assert "FURNIZOR (EXPEDITOR)" in text
    assert "CUMPĂRĂTOR (DESTINATAR)" in text
    for part in SUPPLIER_AND_CUSTOMER:
        assert part in text, part
    # Goods: name, U.M., quantity; price and value, since the lines have them.
    assert "1 Laptop buc 2 1.000,00 2.000,00" in rows
    assert "2 Cafea boabe kg 3 45,50 135,00" in rows
    assert "Total valoare fără TVA 2.135,00" in rows
    assert "Cota TVA" not in text  # an aviz states no VAT
    assert "Numele delegatului, act de identitate Ion Popescu, CI RX 123456" in rows
    assert "Mijlocul de transport nr. B-123-ABC" in rows
    assert "Expedierea s-a efectuat în prezența noastră la data de 02.11.2026, ora" in text
    for box in ("Semnătura și ștampila furnizorului", "Semnătura delegatului",
                "Semnătura de primire (destinatar)"):  # fmt: skip
        assert box in text, box
    assert "cod 14-3-6A, OMFP nr. 2634/2015" in text
    assert "AVIZ DE ÎNSOȚIRE A MĂRFII AVZ-00001 Pagina 1 din 1" in rows
    check_page(path, tmp_path)

    # Goods moved without prices (a transfer, samples): quantities only, no value columns.
    free = await issued(ids, DocType.delivery_note, lines=[
        {"description": "Mostre cafea ambalate", "quantity": "12", "uom_code": "H87",
         "unit_price": "0", "vat_category": "S-REDUSA"}])  # fmt: skip
    free_path = await render(settings, free)
    free_text, free_rows = pdf_text(free_path), pdf_text(free_path, layout=True)
    assert "Seria AVZ nr. 00002" in free_text
    assert "1 Mostre cafea ambalate buc 12" in free_rows
    assert "Preț unitar" not in free_text
    assert "Total valoare" not in free_text
    assert "Numele delegatului, act de identitate" in free_text  # left blank, to fill by hand


async def test_warranty_certificate_names_products_serials_months_invoice_and_conditions(
    ids, settings, tmp_path
):
    invoice_id = await invoice_draft_create(
        company_id=ids["company"], partner_id=ids["client"], by=SYSTEM,
        header={"issue_date": DAY, "delivery_date": date(2026, 10, 30)}, lines=goods(ids),
    )  # fmt: skip
    await invoice_issue(invoice_id=invoice_id, by=SYSTEM)
    laptop_line = (
        await InvoiceLine.select(InvoiceLine.id)
        .where(InvoiceLine.invoice == invoice_id)
        .order_by(InvoiceLine.position)
        .first()
    )
    certificate = await warranty_from_invoice(
        invoice_id=invoice_id, by=SYSTEM, serials={laptop_line["id"]: "SN-LAP-0001, SN-LAP-0002"}
    )
    await document_issue(document_id=certificate, by=SYSTEM)
    path = await render(settings, certificate)
    assert path.parent.name == "warranties"
    text, rows = pdf_text(path), pdf_text(path, layout=True)

    assert text.startswith("CERTIFICAT DE GARANȚIE ")
    assert "Seria CG nr. 00001" in text
    assert "VÂNZĂTOR" in text
    assert "CUMPĂRĂTOR" in text
    for part in SUPPLIER_AND_CUSTOMER:
        assert part in text, part
    assert (
        "Documentul de vânzare: Factura FCT-00001 din data 02.11.2026 (livrare la 30.10.2026)"
        in text
    )
    # Only the laptop carries a warranty; no prices on a certificate.
    assert "1 Laptop buc 2 SN-LAP-0001, SN-LAP-0002 24 luni" in rows
    assert "Cafea" not in text
    assert "Preț" not in text
    assert "CONDIȚII DE GARANȚIE" in text
    for part in ("socotit de la data livrării", "cel mult 15 zile calendaristice",
                 "se prelungește cu timpul scurs", "OUG nr. 140/2021", "OG nr. 21/1992",
                 "Vânzător (semnătura și ștampila)",
                 "am luat la cunoștință condițiile de garanție"):  # fmt: skip
        assert part in text, part
    assert "CERTIFICAT DE GARANȚIE CG-00001 Pagina 1 din 1" in rows
    check_page(path, tmp_path)


async def test_cancelled_document_is_reprinted_with_anulat_and_the_first_copy_stays(
    ids, settings, tmp_path
):
    offer = await issued(ids, DocType.offer)
    issued_pdf = await render(settings, offer)
    await document_cancel(document_id=offer, reason="Clientul a renunțat", by=SYSTEM)
    cancelled_pdf = await render(settings, offer)
    assert cancelled_pdf.name == f"{offer}-cancelled.pdf"
    assert issued_pdf.name == f"{offer}-issued.pdf"
    assert issued_pdf.exists()
    assert "ANULAT" not in pdf_text(issued_pdf)
    text = pdf_text(cancelled_pdf)
    assert "ANULAT la" in text
    assert "motiv: Clientul a renunțat" in text
    assert "Seria OF nr. 00001" in text  # keeps its number
    assert "OFERTĂ OF-00001 – ANULATĂ Pagina 1 din 1" in pdf_text(cancelled_pdf, layout=True)
    check_page(cancelled_pdf, tmp_path, red=True)
    check_page(issued_pdf, tmp_path)

    note = await issued(ids, DocType.delivery_note)
    await document_cancel(document_id=note, reason="Marfă nelivrată", by=SYSTEM)
    rows = pdf_text(await render(settings, note), layout=True)
    assert "AVIZ DE ÎNSOȚIRE A MĂRFII AVZ-00001 – ANULAT Pagina 1 din 1" in rows


async def test_long_order_repeats_the_table_header_and_counts_pages(ids, settings):
    lines = [{"description": f"Piesă de schimb nr. {n}", "quantity": "1", "unit_price": "10.05",
              "vat_category": "S-STANDARD"} for n in range(1, 71)]  # fmt: skip
    path = await render(settings, await issued(ids, DocType.order, lines=lines))
    pages = pdf_pages(path)
    assert pages >= 2
    for page in range(1, pages + 1):
        assert f"COMANDĂ CMD-00001 Pagina {page} din {pages}" in pdf_text(
            path, page=page, layout=True
        )
    assert "Denumirea produselor sau a serviciilor" in pdf_text(path, page=2)
    assert "70 Piesă de schimb nr. 70 buc 1 10,05 10,05 21% 2,11" in pdf_text(path, layout=True)
    last = pdf_text(path, page=pages, layout=True)
    assert "21% 703,50 147,74" in last  # VAT per rate: not 70 x 2,11 = 147,70 summed by line
    assert "TOTAL COMANDĂ 851,24 RON" in last


async def test_job_is_idempotent_per_status_and_skips_drafts(ids, settings):
    offer = await issued(ids, DocType.offer)
    ctx = {"settings": settings}
    first = await render_document(ctx, document_id=offer)
    assert (first["rendered"], first["status"]) == (True, "issued")
    assert first["bytes"] > 10_000
    path = Path(first["path"])
    stamp = path.stat().st_mtime_ns
    again = await render_document(ctx, document_id=offer)
    assert (again["rendered"], again["path"]) == (False, str(path))
    assert path.stat().st_mtime_ns == stamp
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temp file left

    draft = await document_draft_create(
        doc_type=DocType.offer, company_id=ids["company"], partner_id=ids["client"],
        by=SYSTEM, lines=goods(ids),
    )  # fmt: skip
    assert await render_document(ctx, document_id=draft) == {
        "document_id": draft,
        "skipped": "draft",
    }
    assert await render_document(ctx, document_id=999_999) == {
        "document_id": 999_999,
        "skipped": "not_found",
    }
    unreachable = queue_from_url("redis://127.0.0.1:1/0")
    assert await enqueue_document_pdf(unreachable, offer) is False


async def test_pdf_endpoint_renders_in_a_job_then_serves_the_file(app, login, anon, settings, ids):
    proforma = await issued(ids, DocType.proforma)
    url = f"/api/documents/{proforma}/pdf"
    sales = await login("sales")

    pending = await sales.get(url)
    assert pending.status_code == 202, pending.text
    assert pending.json()["code"] == "PDF_RENDERING"
    assert pending.headers["retry-after"] == "2"
    queue = app.state.queue
    job = await queue.job(f"print:document:{proforma}")
    assert job is not None
    assert (job.function, job.kwargs, job.timeout, job.retries) == (
        "render_document", {"document_id": proforma}, 120, 3,
    )  # fmt: skip

    await render_document({"settings": settings}, document_id=proforma)
    ready = await sales.get(url)
    assert ready.status_code == 200
    assert ready.headers["content-type"] == "application/pdf"
    assert ready.headers["content-disposition"] == 'inline; filename="PF-00001.pdf"'
    stored = document_pdf_path(settings, await document_get(proforma, by=SYSTEM))
    assert ready.content == stored.read_bytes()

    viewer = await login("viewer")  # sales read is enough
    seen = await viewer.get(url)
    assert (seen.status_code, seen.content[:5]) == (200, b"%PDF-")
    refused = await anon.get(url)
    assert (refused.status_code, refused.json()["code"]) == (401, "AUTH_REQUIRED")

    draft = await document_draft_create(
        doc_type=DocType.delivery_note, company_id=ids["company"], partner_id=ids["client"],
        by=SYSTEM, lines=goods(ids),
    )  # fmt: skip
    conflict = await sales.get(f"/api/documents/{draft}/pdf")
    assert conflict.status_code == 409
    assert conflict.json()["code"] == "DOCUMENT_DRAFT_NO_PDF"
    assert conflict.json()["message"].startswith("Avizul este o ciornă")
    missing = await sales.get("/api/documents/999999/pdf")
    assert (missing.status_code, missing.json()["code"]) == (404, "DOCUMENT_NOT_FOUND")
    job = await queue.job(f"print:document:{proforma}")
    if job is not None and not job.completed:
        await queue.abort(job, "test finished")


async def test_issue_and_cancel_ask_for_the_pdf_after_commit(
    app, login, dispatching, settings, ids
):
    from domain.core import effects

    asked: list[tuple[str, dict]] = []
    real = effects._dispatcher
    assert real is not None

    async def recording(job: str, **kwargs: Any) -> Any:  # the real dispatcher, observed
        asked.append((job, kwargs))
        return await real(job, **kwargs)

    effects.install_dispatcher(recording)
    sales = await login("sales")
    created = await sales.post("/api/documents/", json={
        "doc_type": "offer", "partner": ids["client"],
        "header": {"issue_date": "2026-11-02", "valid_until": "2026-11-30"},
        "lines": [{"article": ids["laptop"], "quantity": "1", "unit_price": "100"}],
    })  # fmt: skip
    assert created.status_code == 201, created.text
    offer = created.json()["id"]
    assert asked == []  # a draft has nothing to print
    assert (await sales.post(f"/api/documents/{offer}/issue")).status_code == 200
    assert asked == [("render_document", {"document_id": offer})]
    queue = app.state.queue
    job = await queue.job(f"print:document:{offer}")
    assert job is not None
    assert (job.function, job.kwargs) == ("render_document", {"document_id": offer})

    # What the worker runs; then the endpoint serves the file.
    await render_document({"settings": settings}, document_id=offer)
    ready = await sales.get(f"/api/documents/{offer}/pdf")
    assert ready.status_code == 200
    assert ready.headers["content-disposition"] == 'inline; filename="OF-00001.pdf"'

    cancelled = await sales.post(f"/api/documents/{offer}/cancel", json={"reason": "Dublură"})
    assert cancelled.status_code == 200, cancelled.text
    assert asked[1:] == [("render_document", {"document_id": offer})]  # stamped ANULAT
    await render_document({"settings": settings}, document_id=offer)
    again = await sales.get(f"/api/documents/{offer}/pdf")
    assert again.status_code == 200
    stored = settings.data_dir / "documents" / "offers" / f"{offer}-cancelled.pdf"
    assert again.content == stored.read_bytes()
    assert "motiv: Dublură" in pdf_text(stored)
    job = await queue.job(f"print:document:{offer}")
    if job is not None and not job.completed:
        await queue.abort(job, "test finished")
