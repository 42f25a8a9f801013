"""The reports over HTTP: JSON under /api/reports, the same as CSV (plain and for Excel)
and PDF (read back with pdftotext), the pages under /reports with the admin's session, and
the refusals (no session, no right to the books, a bad period, an unknown partner)."""

from __future__ import annotations

import csv
import io
import subprocess
from datetime import date

import pytest

from domain.org.actors import token_create
from domain.org.permissions import SYSTEM
from tests.factories import make_article, make_company, make_series
from tests.ops.test_reports import client_story, goods_sale, issued, make_books

FEB = {"start": "2026-02-01", "end": "2026-02-28"}


@pytest.fixture
async def books() -> dict[str, int]:
    return await make_books()


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF")
    out = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    )
    return out.stdout.decode()


async def test_trial_balance_as_json_csv_excel_and_pdf(login, books):
    await goods_sale(books)
    client = await login("accountant")
    r = await client.get("/api/reports/trial-balance", params=FEB)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["balanced"] is True
    row = next(x for x in body["rows"] if x["code"] == "4111")
    assert row["period"] == {"debit": "1210.00", "credit": "1000.00"}
    assert row["closing"] == {"debit": "210.00", "credit": "0.00"}
    assert body["total"]["totals"] == {"debit": "4320.00", "credit": "4320.00"}

    r = await client.get("/api/reports/trial-balance", params={**FEB, "format": "csv"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    assert (
        'filename="trial-balance-2026-02-01-2026-02-28-synthetic.csv"'
        in (r.headers["content-disposition"])
    )
    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows[0][:5] == ["cont", "denumire", "nivel", "sold_initial_debit",
                           "sold_initial_credit"]  # fmt: skip
    by_code = {(x[0], x[2]): x for x in rows[1:]}
    assert by_code[("4111", "cont")][7:9] == ["1210.00", "1000.00"]
    assert by_code[("4111", "cont")][13:15] == ["210.00", "0.00"]
    assert by_code[("442", "total grad I")][13:15] == ["210.00", "210.00"]
    assert rows[-1][2] == "total"
    assert rows[-1][11:13] == ["4320.00", "4320.00"]

    r = await client.get("/api/reports/trial-balance", params={**FEB, "format": "excel"})
    assert r.text.startswith("\ufeffcont;denumire;nivel;")
    assert "4111;Clienți;cont;0,00;0,00;0,00;0,00;1210,00;1000,00" in r.text

    r = await client.get("/api/reports/trial-balance", params={**FEB, "format": "pdf"})
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/pdf"
    text = pdf_text(r.content)
    assert "Balanța de verificare" in text
    assert "Catastif Test SRL" in text
    assert "01.02.2026 – 28.02.2026" in text
    assert "Total clasa 4" in text
    assert "Total balanță" in text
    line_4111 = next(x for x in text.splitlines() if x.strip().startswith("4111"))
    assert line_4111.split()[-5:] == ["1.210,00", "1.000,00", "1.210,00", "1.000,00", "210,00"]
    assert "Balanța este echilibrată" in text


async def test_customer_file_and_account_statement(login, books):
    await client_story(books)
    client = await login("accountant")
    params = {**FEB, "partner": books["client"]}
    r = await client.get("/api/reports/partner-file", params=params)
    assert r.status_code == 200, r.text
    body = r.json()
    assert [a["code"] for a in body["accounts"]] == ["4111", "419", "418", "4118"]
    assert body["closing"] == {"debit": "6575.00", "credit": "0.00"}
    assert body["currencies"] == [{"currency": "EUR", "opening": "0.00", "movement": "710.00",
                                   "closing": "710.00"}]  # fmt: skip
    eur = [x for x in body["lines"] if x["currency"] == "EUR"]
    assert [x["currency_balance"] for x in eur] == ["1210.00", "710.00"]

    r = await client.get("/api/reports/partner-file", params={**params, "format": "csv"})
    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows[1][3] == "Sold inițial"
    assert rows[1][7] == "1210.00"
    assert rows[-1][3] == "Total rulaje și sold final"
    assert rows[-1][7] == "6575.00"
    eur_row = next(x for x in rows if x[2] == "FCT-00004")
    assert (eur_row[0], eur_row[4], eur_row[5]) == ("2026-02-12", "4111", "6050.00")
    assert eur_row[9:] == ["EUR", "1210.00", "1210.00"]

    r = await client.get("/api/reports/partner-file", params={**params, "format": "pdf"})
    text = pdf_text(r.content)
    assert "Fișa clientului" in text
    assert "Alfa Distribuție SRL" in text
    assert "Avansuri încasate" in text
    assert "Clienți incerți" in text
    assert "6.575,00" in text
    assert "710,00" in text

    r = await client.get(
        "/api/reports/account-statement", params={**FEB, "account": "4111", "format": "csv"}
    )
    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows[0][5] == "cont_corespondent"
    first = rows[2]
    assert (first[0], first[2], first[5], first[7]) == ("2026-02-03", "FCT-00002", "418 4427",
                                                        "1210.00")  # fmt: skip

    r = await client.get("/api/reports/general-ledger", params={**FEB, "account": "4111"})
    assert r.status_code == 200
    assert [m["month"] for m in r.json()["accounts"][0]["months"]] == ["2026-02"]


async def test_sales_journal_and_efficiency(login, books):
    company, client_id = books["company"], books["client"]
    await make_series(company)
    hour = await make_article("ORA", name="Consultanță", kind="service", uom="HUR")
    line = {"article": hour, "quantity": 1, "unit_price": "1000"}
    await issued(company, client_id, [line], date(2026, 10, 2))
    await issued(company, client_id, [{**line, "vat_category": "E"}], date(2026, 10, 3))
    client = await login("accountant")
    r = await client.get("/api/reports/sales-journal", params={"month": "2026-10"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert [x["amounts"] for x in body["rows"]] == [
        {"base_21": "1000.00", "vat_21": "210.00"},
        {"exempt": "1000.00"},  # the columns without an amount are left out
    ]
    assert body["totals"]["exempt"] == "1000.00"
    assert body["total"] == "2210.00"
    r = await client.get("/api/reports/sales-journal", params={"month": "2026-10",
                                                               "format": "excel"})  # fmt: skip
    header, first, _second, total = r.text.lstrip("\ufeff").strip().split("\r\n")
    assert header.split(";")[:8] == ["nr_crt", "numar", "data", "client", "cod_fiscal", "tip",
                                     "stare", "total"]  # fmt: skip
    assert first.split(";")[1:3] == ["FCT-00001", "2026-10-02"]
    assert first.split(";")[7:10] == ["1210,00", "1000,00", "210,00"]
    assert total.split(";")[7] == "2210,00"
    r = await client.get("/api/reports/sales-journal", params={"month": "2026-10",
                                                               "format": "pdf"})  # fmt: skip
    text = pdf_text(r.content)
    assert "Jurnalul de vânzări" in text
    assert "FCT-00002" in text
    assert "2.210,00" in text
    assert "Scutite fără drept de deducere" in text

    await goods_sale(books)
    r = await client.get("/api/reports/efficiency", params={**FEB, "format": "pdf"})
    text = pdf_text(r.content)
    assert "Eficiență" in text
    assert "(nealocat)" in text
    assert "Marjă brută" in text
    r = await client.get("/api/reports/efficiency", params={**FEB, "dimension": "person"})
    assert r.json()["rows"][0]["gross_margin"] == "400.00"


async def test_refusals(login, anon, books):
    assert (await anon.get("/api/reports/trial-balance", params=FEB)).status_code == 401
    sales = await login("sales")
    r = await sales.get("/api/reports/trial-balance", params=FEB)
    assert r.status_code == 403
    assert r.json()["code"] == "FORBIDDEN"
    assert "contabilitatea" in r.json()["message"]
    accountant = await login("accountant")
    backwards = {"start": "2026-03-01", "end": "2026-02-01"}
    r = await accountant.get("/api/reports/trial-balance", params=backwards)
    assert (r.status_code, r.json()["code"]) == (422, "PERIOD_INVALID")
    r = await accountant.get("/api/reports/trial-balance", params={"start": "ieri", "end": "x"})
    assert (r.status_code, r.json()["code"]) == (400, "REQUEST_INVALID")
    r = await accountant.get("/api/reports/trial-balance", params={**FEB, "format": "xls"})
    assert r.status_code == 400
    r = await accountant.get("/api/reports/partner-file", params={**FEB, "partner": 9999})
    assert (r.status_code, r.json()["code"]) == (404, "PARTNER_NOT_FOUND")
    r = await accountant.get("/api/reports/sales-journal", params={"month": "2026-1x"})
    assert (r.status_code, r.json()["code"]) == (422, "MONTH_INVALID")
    r = await accountant.get("/api/reports/account-statement", params={**FEB, "account": "999"})
    assert (r.status_code, r.json()["code"]) == (404, "ACCOUNT_NOT_FOUND")
    # Two companies: the report must be told which.
    await make_company(name="A doua SRL", cui="18547290")
    r = await accountant.get("/api/reports/trial-balance", params=FEB)
    assert (r.status_code, r.json()["code"]) == (422, "COMPANY_REQUIRED")
    r = await accountant.get("/api/reports/trial-balance",
                             params={**FEB, "company": books["company"]})  # fmt: skip
    assert r.status_code == 200
    page = await accountant.get("/reports/trial-balance", params=FEB)
    assert page.status_code == 422
    assert "Precizați firma" in page.text
    assert '<select name="company"' in page.text
    page = await accountant.get("/reports/trial-balance",
                                params={**FEB, "company": books["company"]})  # fmt: skip
    assert page.status_code == 200
    assert "Nicio înregistrare până la 28.02.2026" in page.text
    # Machines: the ledger's scope, not another one.
    _, token = await token_create(name="bi", scopes=["partners:read"], by=SYSTEM)
    r = await anon.get("/api/reports/trial-balance", params={**FEB, "company": books["company"]},
                       headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    assert r.status_code == 403
    _, token = await token_create(name="bi-contab", scopes=["ledger:read"], by=SYSTEM)
    r = await anon.get("/api/reports/trial-balance", params={**FEB, "company": books["company"]},
                       headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    assert r.status_code == 200


async def test_pages_with_the_admin_session(login, anon, books):
    await goods_sale(books)
    r = await anon.get("/reports/trial-balance")
    assert r.status_code == 303
    assert r.headers["location"] == "/admin/"
    accountant = await login("accountant")
    r = await accountant.get("/reports/")
    assert r.status_code == 200
    assert "Balanța de verificare" in r.text
    assert 'href="/reports/sales-journal"' in r.text
    r = await accountant.get("/reports/trial-balance", params=FEB)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert 'data-code="4111"' in r.text
    assert "1.210,00" in r.text
    assert "Balanța este echilibrată" in r.text
    assert 'href="?start=2026-02-01&amp;end=2026-02-28&amp;detail=synthetic&amp;layout=4&amp;' \
           'format=pdf"' in r.text  # fmt: skip
    r = await accountant.get("/reports/trial-balance", params={**FEB, "format": "csv"})
    assert r.headers["content-type"].startswith("text/csv")
    r = await accountant.get("/reports/trial-balance", params={"start": "2026-02-31"})
    assert r.status_code == 422
    assert "nu este o dată validă" in r.text
    assert "<form" in r.text
    r = await accountant.get("/reports/partner-file", params={"q": "Alfa"})
    assert f"partner={books['client']}" in r.text
    r = await accountant.get("/reports/partner-file", params={**FEB, "partner": books["client"]})
    assert r.status_code == 200
    assert "Facturi emise" in r.text
    r = await accountant.get("/reports/efficiency", params=FEB)
    assert r.status_code == 200
    assert "<svg" in r.text
    assert "<script" not in r.text
    for page in ("account-statement", "general-ledger", "sales-journal"):
        r = await accountant.get(f"/reports/{page}")
        assert r.status_code == 200, page
    r = await anon.get("/reports/reports.css")  # public, like the admin's assets
    assert r.headers["content-type"].startswith("text/css")
    sales = await login("sales")
    r = await sales.get("/reports/trial-balance", params=FEB)
    assert r.status_code == 403
    assert "nu are dreptul să vadă contabilitatea" in r.text
