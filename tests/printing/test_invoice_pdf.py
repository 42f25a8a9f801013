"""Printed invoices: the legal content (Cod fiscal art. 319) read back from the PDF with
pdftotext, the page as a picture (pdftoppm), the rendering job (idempotent, per status) and
GET /api/invoices/{id}/pdf (202 while rendering, then the file; drafts and rights refused).
"""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path
from typing import Any

from PIL import Image

from domain.org.fx import rates_import_document
from domain.org.permissions import SYSTEM
from domain.sales.invoices import (
    invoice_cancel,
    invoice_draft_create,
    invoice_issue,
    invoice_storno,
)
from domain.sales.queries import invoice_get
from jobs.printing import enqueue_invoice_pdf, render_invoice
from jobs.queue import queue_from_url
from printing.render import invoice_pdf_path
from tables.org import CompanyBankAccount
from tests.factories import make_article, make_client, make_company, make_series
from tests.shared_data import shared_path

IBAN = "RO49AAAA1B31007593840000"


async def make_issuer(**company: Any) -> dict[str, int]:
    company_id = await make_company(**company)
    await CompanyBankAccount(company=company_id, iban=IBAN, bank_name="Banca Transilvania").save()
    await make_series(company_id)
    return {
        "company": company_id,
        "client": await make_client(reg_com="J12/345/2010"),
        "laptop": await make_article("LAP", name="Laptop"),
        "coffee": await make_article("CAF", name="Cafea boabe", uom="KGM", vat_category="S-REDUSA"),
    }


async def issue(ids: dict[str, int], day: date, *, scrap: bool = False, **header: Any) -> int:
    lines: list[dict[str, Any]] = [
        {"article": ids["laptop"], "quantity": "2", "unit_price": "1000.00"},
        {"article": ids["coffee"], "quantity": "3", "unit_price": "45.50", "discount": "1.50"},
    ]
    if scrap:
        lines.append({"description": "Ștanțare și tăiere deșeuri feroase", "quantity": "1",
                      "unit_price": "100", "vat_category": "AE"})  # fmt: skip
    invoice_id = await invoice_draft_create(
        company_id=ids["company"],
        partner_id=ids["client"],
        by=SYSTEM,
        header={"issue_date": day, "delivery_date": day, **header},
        lines=lines,
    )
    await invoice_issue(invoice_id=invoice_id, by=SYSTEM)
    return invoice_id


async def render(settings, invoice_id: int) -> Path:
    result = await render_invoice({"settings": settings}, invoice_id=invoice_id)
    assert "path" in result, result
    return Path(result["path"])


def pdf_text(path: Path, *, page: int | None = None, layout: bool = False) -> str:
    """The PDF's text: in reading order (the default), or with `layout` one printed line
    per text line, blanks squeezed (a table row reads "1 Laptop buc 2 1.000,00 ...")."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    mode = ["-layout"] if layout else []
    run = subprocess.run(
        ["pdftotext", *mode, *pages, str(path), "-"], capture_output=True, check=True
    )
    text = run.stdout.decode()
    if layout:
        return "\n".join(" ".join(line.split()) for line in text.splitlines())
    return " ".join(text.split())


def pdf_fonts(path: Path) -> list[str]:
    run = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True)
    return [line.split()[0] for line in run.stdout.decode().splitlines()[2:]]


def pdf_pages(path: Path) -> int:
    run = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True)
    return int(
        next(x for x in run.stdout.decode().splitlines() if x.startswith("Pages:")).split()[1]
    )


def page_png(pdf: Path, out: Path) -> Image.Image:
    """Page 1 at 50 dpi."""
    subprocess.run(
        ["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(out)],
        check=True,
    )
    return Image.open(out.with_suffix(".png")).convert("RGB")


def dark_share(image: Image.Image, box: tuple[int, int, int, int] | None = None) -> float:
    gray = (image.crop(box) if box else image).convert("L")
    values = gray.getdata()
    return sum(1 for v in values if v < 128) / len(values)


def reddish_pixels(image: Image.Image) -> int:
    """Pixels of the ANULAT stamp (translucent red): nothing else on the page is red."""
    return sum(1 for r, g, b in image.getdata() if r > 200 and r - g > 30 and r - b > 30)


async def test_ron_invoice_has_the_legal_content_and_a_clean_a4_page(settings, tmp_path):
    ids = await make_issuer()
    invoice_id = await issue(
        ids, date(2026, 11, 2), scrap=True, due_date=date(2026, 12, 2),
        payment_terms="Ordin de plată", notes="Comanda <b>45</b> & anexa",
    )  # fmt: skip
    path = await render(settings, invoice_id)
    assert path == settings.data_dir / "documents" / "invoices" / f"{invoice_id}-issued.pdf"
    text, rows = pdf_text(path), pdf_text(path, layout=True)

    assert text.startswith("FACTURĂ ")
    assert "Seria FCT nr. 00001" in text
    assert "Data emiterii" in text
    assert "02.11.2026" in text
    # Both parties: name, CUI, VAT code, Reg. Com., address with county / sector.
    for expected in ("Catastif Test SRL", "CUI 44556670", "Cod TVA RO44556670",
                     "Nr. Reg. Com. J40/1/2024", "Calea Victoriei 1, Sector 1, București",
                     "Capital social 200,00 lei", f"IBAN RON {IBAN} – Banca Transilvania",
                     "Alfa Distribuție SRL", "CUI 12345674", "Cod TVA RO12345674",
                     "Nr. Reg. Com. J12/345/2010",
                     "Str. Memorandumului 10, Cluj-Napoca, jud. Cluj"):  # fmt: skip
        assert expected in text, expected
    # Lines: number, unit symbol, quantity, price, discount, value, rate, display VAT.
    assert "1 Laptop buc 2 1.000,00 2.000,00 21% 420,00" in rows
    assert "2 Cafea boabe kg 3 45,50 1,50 135,00 11% 14,85" in rows
    assert "3 Ștanțare și tăiere deșeuri feroase buc 1 100,00 100,00 0% 0,00" in rows
    # The VAT breakdown per rate and the totals, as stored at issue.
    assert "21% 2.000,00 420,00" in rows
    assert "11% 135,00 14,85" in rows
    assert "0% taxare inversă 100,00 0,00" in rows
    assert "Total fără TVA 2.235,00 RON" in rows
    assert "Total TVA 434,85 RON" in rows
    assert "TOTAL DE PLATĂ 2.669,85 RON" in rows
    assert "două mii șase sute șaizeci și nouă de lei și optzeci și cinci de bani" in text
    assert "Termen de plată 02.12.2026 – Ordin de plată" in rows
    assert "Observații Comanda <b>45</b> & anexa" in rows  # autoescaped, printed as typed
    assert "Taxare inversă conform art. 331 din Codul fiscal" in text
    assert "TVA la încasare" not in text
    assert "ANULAT" not in text
    # Comma-below ș ț round-trip (not the cedilla ş ţ, not a missing glyph).
    assert "Ștanțare și tăiere deșeuri feroase" in text
    assert "ştampilă" not in text
    assert "semnătură și ștampilă" in text
    assert "FACTURĂ FCT-00001" in rows
    assert "Pagina 1 din 1" in rows

    # Every font embedded is DejaVu Sans: the footer's margin boxes too (no serif fallback).
    names = pdf_fonts(path)
    assert names
    assert all("DejaVu-Sans" in name for name in names), names

    # The page as a person sees it: A4, ink where the parts are, nothing red.
    image = page_png(path, tmp_path / "page1")
    width, height = image.size
    assert abs(width - 413) <= 1
    assert abs(height - 585) <= 1
    assert abs(height / width - 297 / 210) < 0.01
    assert 0.03 < dark_share(image) < 0.30
    top = height // 3
    assert dark_share(image, (0, 0, width // 2, top)) > 0.03  # title and supplier
    assert dark_share(image, (width // 2, 0, width, top)) > 0.03  # dates and customer
    assert dark_share(image, (0, 0, width, top)) > dark_share(image, (0, top * 2, width, height))
    assert reddish_pixels(image) == 0


async def test_currency_invoice_states_the_bnr_rate_and_vat_in_lei(settings):
    await rates_import_document(
        shared_path("ro", "bnr", "nbrfxrates2024.xml").read_bytes(), source="test", by=SYSTEM
    )
    ids = await make_issuer(cash_vat=True)
    invoice_id = await issue(ids, date(2024, 1, 24), currency="EUR")
    path = await render(settings, invoice_id)
    text, rows = pdf_text(path), pdf_text(path, layout=True)

    assert "EUR" in text
    assert "24.01.2024" in text
    assert "Curs de schimb BNR: 1 EUR = 4,9767 lei, publicat la 23.01.2024" in text
    # 2024 rates (19 %, 9 %); the VAT per rate in EUR and in lei (380 x 4,9767; 12,15 x ...).
    assert "19% 2.000,00 380,00 1.891,15" in rows
    assert "9% 135,00 12,15 60,47" in rows
    assert "TOTAL DE PLATĂ 2.527,15 EUR" in rows
    assert "Total TVA în lei 1.951,62 lei" in rows
    assert "Total fără TVA în lei 10.625,25 lei" in rows  # 9.953,40 + 671,85, per group
    assert "Total în lei 12.576,87 lei" in rows
    assert "două mii cinci sute douăzeci și șapte de euro și cincisprezece cenți" in text
    assert "TVA la încasare" in text  # the issuer applies cash-VAT


async def test_cancelled_invoice_is_reprinted_with_anulat_and_storno_cites_the_original(
    settings, tmp_path
):
    ids = await make_issuer()
    first = await issue(ids, date(2026, 11, 2))
    second = await issue(ids, date(2026, 11, 2))
    issued_pdf = await render(settings, second)

    await invoice_cancel(invoice_id=second, reason="Client greșit", by=SYSTEM)
    cancelled_pdf = await render(settings, second)
    assert cancelled_pdf.name == f"{second}-cancelled.pdf"
    assert issued_pdf.exists()  # the copy printed while issued stays as it was
    assert "ANULAT" not in pdf_text(issued_pdf)
    text = pdf_text(cancelled_pdf)
    assert "ANULAT la" in text
    assert "motiv: Client greșit" in text
    assert "Seria FCT nr. 00002" in text  # a cancelled invoice keeps its number
    assert "FACTURĂ FCT-00002 – ANULATĂ" in pdf_text(cancelled_pdf, layout=True)
    assert reddish_pixels(page_png(cancelled_pdf, tmp_path / "cancelled")) > 500
    assert reddish_pixels(page_png(issued_pdf, tmp_path / "issued")) == 0

    storno = await invoice_storno(invoice_id=first, by=SYSTEM, issue_date=date(2026, 11, 5))
    path = await render(settings, storno.invoice_id)
    text, rows = pdf_text(path), pdf_text(path, layout=True)
    assert text.startswith("FACTURĂ (STORNARE) ")
    assert "Seria FCT nr. 00003" in text
    assert "Stornează factura FCT-00001 din data 02.11.2026" in text
    assert "1 Laptop buc -2 1.000,00 -2.000,00 21% -420,00" in rows
    assert "2 Cafea boabe kg -3 45,50 -1,50 -135,00 11% -14,85" in rows
    assert "TOTAL DE PLATĂ -2.569,85 RON" in rows
    assert "minus două mii cinci sute șaizeci și nouă de lei" in text


async def test_long_invoice_repeats_the_table_header_and_counts_pages(settings):
    ids = await make_issuer()
    invoice_id = await invoice_draft_create(
        company_id=ids["company"], partner_id=ids["client"], by=SYSTEM,
        header={"issue_date": date(2026, 11, 2)},
        lines=[{"description": f"Serviciu de mentenanță nr. {n}", "quantity": "1",
                "unit_price": "10", "vat_category": "S-STANDARD"} for n in range(1, 71)],
    )  # fmt: skip
    await invoice_issue(invoice_id=invoice_id, by=SYSTEM)
    path = await render(settings, invoice_id)
    pages = pdf_pages(path)
    assert pages >= 2
    for page in range(1, pages + 1):
        rows = pdf_text(path, page=page, layout=True)
        assert f"FACTURĂ FCT-00001 Pagina {page} din {pages}" in rows
    second = pdf_text(path, page=2)
    assert "Denumirea produselor sau a serviciilor" in second  # the thead, repeated
    assert "70 Serviciu de mentenanță nr. 70 buc 1 10,00 10,00 21% 2,10" in pdf_text(
        path, layout=True
    )
    assert "TOTAL DE PLATĂ 847,00 RON" in pdf_text(path, page=pages, layout=True)  # 700 + 21 %


async def test_job_is_idempotent_per_status_and_skips_drafts(settings):
    ids = await make_issuer()
    invoice_id = await issue(ids, date(2026, 11, 2))
    ctx = {"settings": settings}
    first = await render_invoice(ctx, invoice_id=invoice_id)
    assert first["rendered"] is True
    assert first["status"] == "issued"
    assert first["bytes"] > 10_000
    path = Path(first["path"])
    stamp = path.stat().st_mtime_ns
    again = await render_invoice(ctx, invoice_id=invoice_id)
    assert (again["rendered"], again["path"]) == (False, str(path))
    assert path.stat().st_mtime_ns == stamp
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temp file left

    draft = await invoice_draft_create(
        company_id=ids["company"], partner_id=ids["client"], by=SYSTEM,
        lines=[{"article": ids["laptop"], "quantity": "1", "unit_price": "5"}],
    )  # fmt: skip
    assert await render_invoice(ctx, invoice_id=draft) == {"invoice_id": draft, "skipped": "draft"}
    assert await render_invoice(ctx, invoice_id=999_999) == {
        "invoice_id": 999_999,
        "skipped": "not_found",
    }
    # A queue that cannot be reached: reported, not raised (an after-commit hook survives).
    unreachable = queue_from_url("redis://127.0.0.1:1/0")
    assert await enqueue_invoice_pdf(unreachable, invoice_id) is False


async def test_pdf_endpoint_renders_in_a_job_then_serves_the_file(app, login, anon, settings):
    ids = await make_issuer()
    invoice_id = await issue(ids, date(2026, 11, 2))
    url = f"/api/invoices/{invoice_id}/pdf"
    sales = await login("sales")

    in_browser = await sales.get(url, headers={"Accept": "text/html,application/xhtml+xml"})
    assert (in_browser.status_code, in_browser.headers["content-type"][:9]) == (202, "text/html")
    assert 'http-equiv="refresh"' in in_browser.text  # the page reloads until the PDF is there
    pending = await sales.get(url)
    assert pending.status_code == 202, pending.text
    assert pending.json()["code"] == "PDF_RENDERING"
    assert pending.json()["message"] == "PDF-ul se generează; reîncercați în câteva secunde."
    assert pending.headers["retry-after"] == "2"
    queue = app.state.queue
    job = await queue.job(f"print:invoice:{invoice_id}")
    assert job is not None
    assert (job.function, job.kwargs, job.timeout, job.retries) == (
        "render_invoice", {"invoice_id": invoice_id}, 120, 3,
    )  # fmt: skip

    await render_invoice({"settings": settings}, invoice_id=invoice_id)
    ready = await sales.get(url)
    assert ready.status_code == 200
    assert ready.headers["content-type"] == "application/pdf"
    assert ready.headers["content-disposition"] == 'inline; filename="FCT-00001.pdf"'
    assert ready.content.startswith(b"%PDF-")
    stored = invoice_pdf_path(settings, await invoice_get(invoice_id, by=SYSTEM))
    assert ready.content == stored.read_bytes()

    viewer = await login("viewer")  # sales read is enough
    seen = await viewer.get(url)
    assert (seen.status_code, seen.content[:5]) == (200, b"%PDF-")
    refused = await anon.get(url)
    assert (refused.status_code, refused.json()["code"]) == (401, "AUTH_REQUIRED")

    draft = await invoice_draft_create(
        company_id=ids["company"], partner_id=ids["client"], by=SYSTEM,
        lines=[{"article": ids["laptop"], "quantity": "1", "unit_price": "5"}],
    )  # fmt: skip
    conflict = await sales.get(f"/api/invoices/{draft}/pdf")
    assert (conflict.status_code, conflict.json()["code"]) == (409, "INVOICE_DRAFT_NO_PDF")
    missing = await sales.get("/api/invoices/999999/pdf")
    assert (missing.status_code, missing.json()["code"]) == (404, "INVOICE_NOT_FOUND")
    # Leave nothing behind for the in-process worker (it may not know the job yet).
    job = await queue.job(f"print:invoice:{invoice_id}")
    if job is not None and not job.completed:
        await queue.abort(job, "test finished")


async def test_issuing_asks_for_the_pdf_after_commit(app, login, dispatching, settings):
    from domain.core import effects

    asked: list[tuple[str, dict]] = []
    real = effects._dispatcher
    assert real is not None

    async def recording(job: str, **kwargs: Any) -> Any:  # the real dispatcher, observed
        asked.append((job, kwargs))
        return await real(job, **kwargs)

    effects.install_dispatcher(recording)
    ids = await make_issuer()
    sales = await login("sales")
    draft = await sales.post("/api/invoices/", json={
        "partner": ids["client"], "header": {"issue_date": "2026-11-02"},
        "lines": [{"article": ids["laptop"], "quantity": "1", "unit_price": "100"}],
    })  # fmt: skip
    invoice_id = draft.json()["id"]
    assert asked == []  # a draft has nothing to print
    issued = await sales.post(f"/api/invoices/{invoice_id}/issue")
    assert issued.status_code == 200
    assert asked == [("render_invoice", {"invoice_id": invoice_id})]
    job = await app.state.queue.job(f"print:invoice:{invoice_id}")
    assert job is not None
    assert (job.function, job.kwargs) == ("render_invoice", {"invoice_id": invoice_id})
