"""Due dates and the ageing over HTTP: `payment_term` on invoice drafts and the frozen
schedule in the answer; the ageing page from the admin (chart, filters) with its CSV,
Excel, PDF and JSON; the reminder preview (API and the admin's form)."""

from __future__ import annotations

from datetime import timedelta

from domain.core.clock import today
from domain.org.permissions import SYSTEM
from domain.payments.term_ops import payment_term_create
from tests.factories import make_article, make_client, make_company, make_series

ISSUED = today() - timedelta(days=40)


async def setup() -> dict[str, int]:
    company = await make_company()
    await make_series(company)
    term = await payment_term_create(
        values={"company": company, "name": "Două rate",
                "instalments": [{"days": 0, "percent": "50"}, {"days": 30, "percent": "50"}]},
        by=SYSTEM,
    )  # fmt: skip
    return {"company": company, "term": term, "client": await make_client(email="plati@alfa.ro"),
            "article": await make_article(kind="service")}  # fmt: skip


def invoice_body(ids: dict[str, int], **header: object) -> dict[str, object]:
    return {
        "partner": ids["client"],
        "header": {"issue_date": ISSUED.isoformat(), **header},
        "lines": [{"article": ids["article"], "quantity": "1", "unit_price": "100"}],
    }


async def test_a_draft_takes_a_term_and_the_issue_freezes_its_schedule(login):
    ids = await setup()
    sales = await login("sales")
    body = invoice_body(ids, payment_term=ids["term"])
    draft = await sales.post("/api/invoices/", json=body)
    assert draft.status_code == 201, draft.text
    assert (draft.json()["payment_term"], draft.json()["due_schedule"]) == (ids["term"], [])
    issued = (await sales.post(f"/api/invoices/{draft.json()['id']}/issue")).json()
    second = ISSUED + timedelta(days=30)
    assert issued["due_schedule"] == [
        {"due": ISSUED.isoformat(), "amount": "60.50"},
        {"due": second.isoformat(), "amount": "60.50"},
    ]
    assert issued["due_date"] == second.isoformat()
    wrong = await sales.post("/api/invoices/", json={**body, "header": {"payment_term": 999}})
    assert wrong.status_code == 422
    assert wrong.json()["code"] == "PAYMENT_TERM_INVALID"


async def test_the_ageing_page_and_its_files(login):
    ids = await setup()
    sales = await login("sales")
    body = invoice_body(ids, payment_term=ids["term"])
    draft = (await sales.post("/api/invoices/", json=body)).json()
    await sales.post(f"/api/invoices/{draft['id']}/issue")
    viewer = await login("viewer")

    data = (await viewer.get("/api/reports/ageing")).json()
    (partner,) = data["partners"]
    assert partner["ron"]["days_31_60"] == "60.50"  # 40 days overdue
    assert partner["ron"]["days_1_30"] == "60.50"  # 10 days overdue
    assert data["total_ron"]["total"] == "121.00"
    assert data["buckets"][0] == ["not_due", "Nescadent"]

    page = await viewer.get("/reports/ageing")
    assert page.status_code == 200
    assert "Scadențar clienți" in page.text
    assert "<svg" in page.text
    assert "Alfa Distribuție SRL" in page.text
    assert "60,50" in page.text
    index = await viewer.get("/reports/")
    assert 'href="/reports/ageing"' in index.text
    csv = await viewer.get("/reports/ageing", params={"format": "excel"})
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.startswith("\ufeffpartener;cui_cnp;moneda;not_due;")
    assert "Alfa Distribuție SRL;12345674;lei;0,00;60,50;60,50;0,00;0,00;121,00" in csv.text
    pdf = await viewer.get("/api/reports/ageing", params={"format": "pdf"})
    assert pdf.status_code == 200, pdf.text
    assert pdf.content.startswith(b"%PDF")
    # A filter that matches nothing, and a bad date, say so.
    empty = (await viewer.get("/api/reports/ageing", params={"partner": 999})).json()
    assert empty["partners"] == []
    bad = await viewer.get("/reports/ageing", params={"at": "31.02.2026"})
    assert bad.status_code == 422
    assert "DATE_INVALID" in bad.text
    earlier = await viewer.get(
        "/reports/ageing", params={"at": (ISSUED - timedelta(days=1)).isoformat()}
    )
    assert "Nicio sumă de încasat." in earlier.text  # nothing issued yet then


async def test_the_reminder_preview(login):
    ids = await setup()
    sales = await login("sales")
    body = invoice_body(ids)
    draft = (await sales.post("/api/invoices/", json=body)).json()
    number = (await sales.post(f"/api/invoices/{draft['id']}/issue")).json()["full_number"]
    preview = await sales.get("/api/receivables/reminder-preview",
                              params={"partner": ids["client"]})  # fmt: skip
    assert preview.status_code == 200, preview.text
    assert preview.text.startswith("Către: plati@alfa.ro\nSubiect: Catastif Test SRL: o factură")
    assert f"Factura {number}" in preview.text
    assert "121,00 RON" in preview.text
    nothing = await sales.get("/api/receivables/reminder-preview",
                              params={"partner": await make_client(name="Beta SRL",
                                                                   cui="18547290")})  # fmt: skip
    assert nothing.status_code == 404
    # The same from the admin's form.
    cashier = await login("cashier")
    forms = (await cashier.get("/admin/api/forms/")).json()
    (slug,) = [f["slug"] for f in forms if f["name"] == "Reamintire de plată"]
    form = {"partner": "12345674", "action": "previzualizare"}
    answer = await cashier.post(f"/admin/api/forms/{slug}/", json=form)
    assert answer.status_code == 200, answer.text
    assert f"Factura {number}" in answer.text
