"""The stock reports over HTTP, on stock made by the real operations (NIRs, an invoice
that takes goods out of its work point's warehouse): the stock card (fișa de magazie) and
the value of the stock per warehouse at a date, as pages under /reports with the admin's
session, as JSON / CSV / Excel / PDF under /api/reports, and the refusals (no session, a
token without the stock's scope, an unknown warehouse or article, a bad period)."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import pytest

from domain.inventory.receptions import reception_draft_create, reception_issue
from domain.inventory.warehouses import warehouse_create
from domain.org.actors import token_create
from domain.org.permissions import SYSTEM
from domain.sales.invoices import invoice_draft_create, invoice_issue
from tables.org import WorkPoint
from tests.api.test_reports_api import pdf_text
from tests.factories import make_article, make_client, make_company, make_series

MARCH = {"start": "2026-03-01", "end": "2026-03-31"}


async def nir(env: dict[str, Any], warehouse: int, day: date, lines: list[dict]) -> None:
    draft = await reception_draft_create(
        values={"company": env["company"], "warehouse": warehouse, "partner": env["supplier"],
                "day": day, "supplier_doc_number": f"F-{day:%m%d}", "supplier_doc_date": day},
        lines=lines, by=SYSTEM,
    )  # fmt: skip
    await reception_issue(reception_id=draft, by=SYSTEM)


@pytest.fixture
async def stock() -> dict[str, Any]:
    return await make_stock()


async def make_stock() -> dict[str, Any]:
    """Laptops in the shop (10 at 2000 in February, 10 at 2200 in March: CMP 2100), 3 sold
    on 10 March; mice in the central depot."""
    company = await make_company()
    await make_series(company)
    point = WorkPoint(company=company, code="CJ", name="Magazin Cluj")
    await point.save()
    shop = await warehouse_create(
        values={"company": company, "work_point": point.id, "code": "MAG",
                "name": "Magazin Cluj", "is_default": True}, by=SYSTEM,
    )  # fmt: skip
    depot = await warehouse_create(
        values={"company": company, "code": "DEP", "name": "Depozit central"}, by=SYSTEM
    )
    env: dict[str, Any] = {
        "company": company,
        "shop": shop,
        "depot": depot,
        "supplier": await make_client(name="Furnizor SRL", cui="18547290", roles=["supplier"]),
        "laptop": await make_article("LAP", name="Laptop"),
        "mouse": await make_article("MOU", name="Mouse optic"),
        "repair": await make_article("SRV", name="Reparație", kind="service"),
    }
    laptop, mouse = env["laptop"], env["mouse"]
    await nir(env, env["shop"], date(2026, 2, 20),
              [{"article": laptop, "quantity": 10, "unit_price": "2000"}])  # fmt: skip
    await nir(env, env["shop"], date(2026, 3, 5),
              [{"article": laptop, "quantity": 10, "unit_price": "2200"}])  # fmt: skip
    await nir(env, env["depot"], date(2026, 3, 6),
              [{"article": mouse, "quantity": "2.5", "unit_price": "40.10"}])  # fmt: skip
    draft = await invoice_draft_create(
        company_id=company, partner_id=await make_client(), by=SYSTEM,
        header={"issue_date": date(2026, 3, 10), "work_point": point.id},
        lines=[{"article": laptop, "quantity": 3, "unit_price": 3000}],
    )  # fmt: skip
    env["invoice"] = (await invoice_issue(invoice_id=draft, by=SYSTEM)).number
    return env


def card_params(env: dict[str, Any], **kw: Any) -> dict[str, Any]:
    return {"warehouse": env["shop"], "article": env["laptop"], **MARCH, **kw}


async def test_stock_card_as_json_csv_excel_and_pdf(login, stock):
    api = await login("accountant")
    r = await api.get("/api/reports/stock-card", params=card_params(stock))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["opening"] == {"quantity": "10.000", "value": "20000.00"}
    assert [(m["kind"], m["quantity_in"], m["quantity_out"], m["value"], m["balance_qty"],
             m["balance_value"]) for m in body["moves"]] == [
        ("reception", "10.000", "0.000", "22000.00", "20.000", "42000.00"),
        ("sale", "0.000", "3.000", "-6300.00", "17.000", "35700.00"),
    ]  # fmt: skip
    assert body["closing"] == {"quantity": "17.000", "value": "35700.00"}
    # The same JSON as /api/stock/card.
    same = await api.get("/api/stock/card", params={
        "warehouse": stock["shop"], "article": stock["laptop"],
        "date_from": MARCH["start"], "date_to": MARCH["end"],
    })  # fmt: skip
    assert same.json() == body

    r = await api.get("/api/reports/stock-card", params=card_params(stock, format="csv"))
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    assert (
        'filename="stock-card-MAG-LAP-2026-03-01-2026-03-31.csv"'
        in (r.headers["content-disposition"])
    )
    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows[0] == ["data", "operatie", "document", "cantitate_intrata", "cantitate_iesita",
                       "cost_unitar", "valoare_intrata", "valoare_iesita", "stoc_cantitate",
                       "stoc_valoare"]  # fmt: skip
    assert rows[1] == ["2026-03-01", "Stoc inițial", "", "", "", "", "", "", "10.000",
                       "20000.00"]  # fmt: skip
    assert rows[2][:2] == ["2026-03-05", "NIR"]
    assert rows[2][3:] == ["10.000", "0.000", "2200.0000", "22000.00", "0.00", "20.000",
                           "42000.00"]  # fmt: skip
    assert rows[3][:3] == ["2026-03-10", "Factură", stock["invoice"]]
    assert rows[3][3:] == ["0.000", "3.000", "2100.0000", "0.00", "6300.00", "17.000",
                           "35700.00"]  # fmt: skip
    assert rows[4] == ["2026-03-31", "Total și stoc final", "", "10.000", "3.000", "",
                       "22000.00", "6300.00", "17.000", "35700.00"]  # fmt: skip

    r = await api.get("/api/reports/stock-card", params=card_params(stock, format="excel"))
    assert r.text.startswith("\ufeffdata;operatie;document;")
    assert (f"2026-03-10;Factură;{stock['invoice']};0,000;3,000;2100,0000;0,00;6300,00;"
            "17,000;35700,00") in r.text  # fmt: skip

    r = await api.get("/api/reports/stock-card", params=card_params(stock, format="pdf"))
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/pdf"
    text = pdf_text(r.content)
    assert "Fișa de magazie" in text
    assert "Catastif Test SRL" in text
    assert "Gestiunea MAG Magazin Cluj" in text
    assert "LAP Laptop" in text
    assert "01.03.2026 – 31.03.2026" in text
    assert "Stoc inițial" in text
    sale = next(x for x in text.splitlines() if stock["invoice"] in x)
    assert sale.split()[-5:] == ["3", "2.100,00", "6.300,00", "17", "35.700,00"]
    closing = next(x for x in text.splitlines() if "Total și stoc final" in x)
    assert closing.split()[-6:] == ["10", "3", "22.000,00", "6.300,00", "17", "35.700,00"]


async def test_valuation_per_warehouse_at_a_date(login, stock):
    api = await login("viewer")  # reads the stock, like the stock API
    r = await api.get("/api/reports/stock-valuation", params={"on": "2026-03-31"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert [(w["code"], w["value"]) for w in body["warehouses"]] == [
        ("DEP", "100.25"), ("MAG", "35700.00"),
    ]  # fmt: skip
    assert body["warehouses"][0]["items"][0] | {"article": 0} == {
        "article": 0, "code": "MOU", "name": "Mouse optic", "uom": "buc",
        "quantity": "2.500", "value": "100.25", "unit_cost": "40.1000",
    }  # fmt: skip
    assert body["value"] == "35800.25"
    r = await api.get("/api/reports/stock-valuation", params={"on": "2026-02-28"})
    assert [(w["code"], w["value"]) for w in r.json()["warehouses"]] == [("MAG", "20000.00")]

    r = await api.get("/api/reports/stock-valuation", params={"on": "2026-03-31",
                                                              "format": "csv"})  # fmt: skip
    assert 'filename="stock-valuation-2026-03-31.csv"' in r.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows == [
        ["gestiune_cod", "gestiune", "cod_articol", "articol", "um", "cantitate", "cost_mediu",
         "valoare"],
        ["DEP", "Depozit central", "MOU", "Mouse optic", "buc", "2.500", "40.1000", "100.25"],
        ["DEP", "Depozit central", "", "Total gestiune", "", "", "", "100.25"],
        ["MAG", "Magazin Cluj", "LAP", "Laptop", "buc", "17.000", "2100.0000", "35700.00"],
        ["MAG", "Magazin Cluj", "", "Total gestiune", "", "", "", "35700.00"],
        ["", "", "", "Total", "", "", "", "35800.25"],
    ]  # fmt: skip
    r = await api.get(
        "/api/reports/stock-valuation",
        params={"on": "2026-03-31", "warehouse": stock["depot"], "format": "excel"},
    )
    assert 'filename="stock-valuation-2026-03-31-DEP.csv"' in r.headers["content-disposition"]
    assert "DEP;Depozit central;MOU;Mouse optic;buc;2,500;40,1000;100,25" in r.text
    assert "MAG" not in r.text

    r = await api.get("/api/reports/stock-valuation", params={"on": "2026-03-31",
                                                              "format": "pdf"})  # fmt: skip
    text = pdf_text(r.content)
    assert "Valoarea stocului pe gestiuni" in text
    assert "La 31.03.2026" in text
    assert "Total gestiune MAG" in text
    laptop = next(x for x in text.splitlines() if x.strip().startswith("LAP"))
    assert laptop.split()[-3:] == ["17", "2.100,00", "35.700,00"]
    total = [x for x in text.splitlines() if x.strip().startswith("Total ")][-1]
    assert total.split() == ["Total", "35.800,25"]
    assert "Valoare (lei)" in text  # the chart, drawn into the PDF

    page = await api.get("/reports/stock-valuation", params={"on": "2026-03-31"})
    assert page.status_code == 200
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert "<script" not in page.text
    assert page.text.count("<svg") == 1
    assert "Valoarea stocului pe gestiuni la 31.03.2026" in page.text
    assert "Magazin Cluj – Valoare (lei): 35.700,00 lei" in page.text
    assert "35.800,25" in page.text
    assert 'href="?on=2026-03-31&amp;format=pdf"' in page.text
    one = await api.get("/reports/stock-valuation",
                        params={"on": "2026-03-31", "warehouse": stock["shop"]})  # fmt: skip
    assert "<svg" not in one.text  # one bar tells nothing
    assert "Depozit central" not in one.text.split("</form>")[1]


async def test_stock_card_page_from_the_index(login, anon, stock):
    r = await anon.get("/reports/stock-card")
    assert r.status_code == 303
    assert r.headers["location"] == "/admin/"
    api = await login("sales")  # no right to the books, but to the stock
    r = await api.get("/reports/")
    assert r.status_code == 200
    assert 'href="/reports/stock-card"' in r.text
    assert 'href="/reports/stock-valuation"' in r.text
    assert "Fișa de magazie" in r.text

    r = await api.get("/reports/stock-card", params={"q": "lap", "warehouse": stock["shop"]})
    assert r.status_code == 200
    link = (f'href="/reports/stock-card?warehouse={stock["shop"]}&amp;'
            f'article={stock["laptop"]}&amp;start=')  # fmt: skip
    assert link in r.text
    r = await api.get("/reports/stock-card", params={"q": "Repara"})
    assert "Niciun articol cu stoc" in r.text  # a service keeps no stock

    r = await api.get("/reports/stock-card", params=card_params(stock))
    assert r.status_code == 200, r.text
    assert "Content-Security-Policy" in r.headers
    assert "Fișa de magazie: LAP Laptop" in r.text
    assert r.text.count('data-row="move"') == 2
    assert stock["invoice"] in r.text
    assert "35.700,00" in r.text
    assert f'<option value="{stock["shop"]}" selected>MAG — Magazin Cluj</option>' in r.text
    r = await api.get("/reports/stock-card", params=card_params(stock, format="excel"))
    assert r.headers["content-type"].startswith("text/csv")
    assert r.text.startswith("\ufeffdata;operatie;")
    r = await api.get("/reports/stock-card", params=card_params(stock, format="pdf"))
    assert "Fișa de magazie" in pdf_text(r.content)


async def test_refusals(login, anon, stock):
    assert (await anon.get("/api/reports/stock-card", params=card_params(stock))).status_code == 401
    api = await login("accountant")
    r = await api.get("/api/reports/stock-card", params=card_params(stock, warehouse=9999))
    assert (r.status_code, r.json()["code"]) == (404, "WAREHOUSE_NOT_FOUND")
    assert r.json()["message"] == "Gestiunea nr. 9999 nu există."
    r = await api.get("/api/reports/stock-valuation", params={"warehouse": 9999})
    assert (r.status_code, r.json()["code"]) == (404, "WAREHOUSE_NOT_FOUND")
    r = await api.get("/api/reports/stock-card", params=card_params(stock, article=9999))
    assert (r.status_code, r.json()["code"]) == (404, "ARTICLE_NOT_FOUND")
    backwards = card_params(stock, start="2026-03-31", end="2026-03-01")
    r = await api.get("/api/reports/stock-card", params=backwards)
    assert (r.status_code, r.json()["code"]) == (422, "PERIOD_INVALID")
    r = await api.get("/api/reports/stock-card", params={"warehouse": stock["shop"], **MARCH})
    assert r.status_code == 400  # the article is required
    # The pages answer the same refusals in Romanian, with the form to try again.
    page = await api.get("/reports/stock-card", params=card_params(stock, warehouse=9999))
    assert page.status_code == 404
    assert "Gestiunea nr. 9999 nu există." in page.text
    assert "<form" in page.text
    page = await api.get("/reports/stock-card", params={"article": stock["laptop"]})
    assert (page.status_code, "Alegeți gestiunea." in page.text) == (422, True)
    page = await api.get("/reports/stock-valuation", params={"warehouse": "9999"})
    assert page.status_code == 404
    assert "Gestiunea nr. 9999 nu există." in page.text
    page = await api.get("/reports/stock-valuation", params={"on": "2026-02-30"})
    assert (page.status_code, "nu este o dată validă" in page.text) == (422, True)
    # A second company: the valuation must be told which, or a warehouse of that company.
    other = await make_company(name="A doua SRL", cui="18547290")
    r = await api.get("/api/reports/stock-valuation", params={"on": "2026-03-31"})
    assert (r.status_code, r.json()["code"]) == (422, "COMPANY_REQUIRED")
    r = await api.get("/api/reports/stock-valuation",
                      params={"on": "2026-03-31", "warehouse": stock["depot"]})  # fmt: skip
    assert r.json()["value"] == "100.25"
    r = await api.get("/api/reports/stock-valuation",
                      params={"warehouse": stock["depot"], "company": other})  # fmt: skip
    assert (r.status_code, r.json()["code"]) == (422, "WAREHOUSE_OTHER_COMPANY")
    r = await api.get("/api/reports/stock-valuation", params={"company": other})
    assert (r.status_code, r.json()["warehouses"]) == (200, [])
    # Machines: the stock's scope (the sales documents'), not another one.
    _, token = await token_create(name="bi", scopes=["ledger:read"], by=SYSTEM)
    bearer = {"Authorization": f"Bearer {token}"}
    r = await anon.get("/api/reports/stock-card", params=card_params(stock), headers=bearer)
    assert (r.status_code, r.json()["code"]) == (403, "FORBIDDEN")
    assert "documentele de vânzare" in r.json()["message"]
    r = await anon.get("/api/reports/stock-valuation",
                       params={"company": stock["company"]}, headers=bearer)  # fmt: skip
    assert r.status_code == 403
    _, token = await token_create(name="bi-stoc", scopes=["sales:read"], by=SYSTEM)
    r = await anon.get("/api/reports/stock-card", params=card_params(stock, format="csv"),
                       headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    assert r.status_code == 200
    assert "Total și stoc final" in r.text
