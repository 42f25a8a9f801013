"""The document editor's server side: the live-totals endpoint (VAT rate by delivery date, the
same figures the issued invoice or document gets, refusals pointed at the line's cell) and the
pages of invoices, offers, proformas, orders and avize (session required, drafts editable,
issued documents read-only with their PDF and conversions, unknown ones refused in Romanian)."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal

import pytest

from domain.core.clock import today
from domain.org.fx import rates_import_document
from domain.org.permissions import SYSTEM
from domain.pricing.ops import access_replace, assignment_add, price_list_create, price_set
from domain.sales.invoices import invoice_draft_create
from domain.sales.queries import default_company_id
from tables.choices import DocType, PriceTarget
from tables.org import WorkPoint
from tests.factories import make_article, make_client, make_company, make_series
from tests.shared_data import shared_path

TOTALS = "/editor/api/totals"


@pytest.fixture
async def ids() -> dict[str, int]:
    company = await make_company()
    await make_series(company)
    return {
        "client": await make_client(),
        "laptop": await make_article("LAP", name="Laptop"),
        "coffee": await make_article("CAF", name="Cafea", vat_category="S-REDUSA"),
    }


def lines(ids: dict[str, int]) -> list[dict]:
    return [
        {"article": ids["laptop"], "quantity": "2", "unit_price": "1000"},
        {"article": ids["coffee"], "quantity": "3", "unit_price": "45.50"},
    ]


def groups(answer: dict) -> dict[Decimal, tuple[Decimal, Decimal]]:
    return {
        Decimal(g["vat_rate"]): (Decimal(g["base"]), Decimal(g["vat"])) for g in answer["groups"]
    }


async def test_rates_follow_the_delivery_date(login, ids):
    sales = await login("sales")
    before = await sales.post(
        TOTALS,
        json={"lines": lines(ids), "issue_date": "2025-08-04", "delivery_date": "2025-07-31"},
    )
    assert before.status_code == 200, before.text
    data = before.json()
    assert data["tax_date"] == "2025-07-31"
    assert [(x["vat_category"], Decimal(x["vat_rate"])) for x in data["lines"]] == [
        ("S-STANDARD", Decimal(19)),
        ("S-REDUSA", Decimal(9)),
    ]
    assert groups(data) == {
        Decimal(19): (Decimal("2000.00"), Decimal("380.00")),
        Decimal(9): (Decimal("136.50"), Decimal("12.29")),  # 12.285 rounds half up
    }
    assert Decimal(data["payable"]) == Decimal("2528.79")

    after = (
        await sales.post(TOTALS, json={"lines": lines(ids), "delivery_date": "2025-08-01"})
    ).json()
    assert groups(after) == {
        Decimal(21): (Decimal("2000.00"), Decimal("420.00")),
        Decimal(11): (Decimal("136.50"), Decimal("15.02")),
    }
    assert [Decimal(x["net"]) for x in after["lines"]] == [Decimal("2000.00"), Decimal("136.50")]
    assert Decimal(after["payable"]) == Decimal("2571.52")

    # Without a delivery date the issue date decides, as when the invoice is issued.
    by_issue = (
        await sales.post(TOTALS, json={"lines": lines(ids), "issue_date": "2025-07-15"})
    ).json()
    assert (by_issue["tax_date"], Decimal(by_issue["vat_total"])) == (
        "2025-07-15",
        Decimal("392.29"),
    )

    # A category chosen on the line wins over the article's.
    chosen = [{**lines(ids)[0], "vat_category": "S-REDUSA-5"}]
    reduced = (
        await sales.post(TOTALS, json={"lines": chosen, "delivery_date": "2025-07-01"})
    ).json()
    assert groups(reduced) == {Decimal(5): (Decimal("2000.00"), Decimal("100.00"))}


async def test_live_totals_equal_the_issued_invoice(login, ids):
    """Document discount and a foreign currency: the editor shows what issuing stores."""
    await rates_import_document(
        shared_path("ro", "bnr", "nbrfxrates2024.xml").read_bytes(), source="test", by=SYSTEM
    )
    sales = await login("sales")
    header = {"issue_date": "2024-01-24", "delivery_date": "2024-01-24", "currency": "EUR",
              "discount_percent": "7.5"}  # fmt: skip
    live = (await sales.post(TOTALS, json={"lines": lines(ids), **header})).json()
    assert live["currency"] == "EUR"
    assert live["fx_rate"] is not None
    assert live["fx_message"] is None
    assert Decimal(live["allowance_total"]) == Decimal("160.24")  # 150.00 + 10.24 (7.5 %)

    draft = await sales.post(
        "/api/invoices/", json={"partner": ids["client"], "header": header, "lines": lines(ids)}
    )
    assert draft.status_code == 201, draft.text
    issued = (await sales.post(f"/api/invoices/{draft.json()['id']}/issue")).json()
    assert issued["status"] == "issued"
    for key in ("tax_exclusive", "vat_total", "vat_total_ron", "payable", "allowance_total"):
        assert Decimal(live[key]) == Decimal(issued[key]), key
    assert Decimal(live["fx_rate"]) == Decimal(issued["fx_rate"])
    stored = {
        (Decimal(g["vat_rate"]), Decimal(g["base"]), Decimal(g["vat"]), Decimal(g["vat_ron"]))
        for g in issued["vat_breakdown"]
    }
    shown = {
        (Decimal(g["vat_rate"]), Decimal(g["base"]), Decimal(g["vat"]), Decimal(g["vat_ron"]))
        for g in live["groups"]
    }
    assert shown == stored

    # No BNR rate before the day: the totals in the currency stand, the reason is given.
    missing = (
        await sales.post(TOTALS, json={"lines": lines(ids), "currency": "USD",
                                       "issue_date": "2020-01-06"})
    ).json()  # fmt: skip
    assert missing["fx_rate"] is None
    assert "Nu există un curs BNR pentru USD" in missing["fx_message"]
    assert Decimal(missing["vat_total"]) == Decimal("392.29")  # 19 % and 9 % in 2020


async def test_refusals_point_at_the_line(login, ids):
    sales = await login("sales")
    housing = make_article("LOC", name="Apartament", vat_category="S-LOCUINTE")
    body = {"lines": [*lines(ids), {"article": await housing, "quantity": "1",
                                    "unit_price": "300000"}]}  # fmt: skip

    last_day = await sales.post(TOTALS, json={**body, "delivery_date": "2026-07-31"})
    assert Decimal(last_day.json()["lines"][2]["vat_rate"]) == Decimal(9)

    missing = await sales.post(TOTALS, json={**body, "delivery_date": "2026-08-01"})
    assert missing.status_code == 422
    error = missing.json()
    assert (error["code"], error["field"]) == ("VAT_RATE_MISSING", "lines[2].vat_category")
    assert "nu are o cotă în vigoare la 01.08.2026" in error["message"]

    unknown = await sales.post(
        TOTALS, json={"lines": [{"vat_category": "S-XX", "quantity": "1", "unit_price": "1"}]}
    )
    assert (unknown.status_code, unknown.json()["code"], unknown.json()["field"]) == (
        422, "LINE_VAT_CATEGORY_INVALID", "lines[0].vat_category",
    )  # fmt: skip
    negative = await sales.post(
        TOTALS, json={"lines": [{"article": ids["laptop"], "quantity": "1", "unit_price": "-5"}]}
    )
    assert (negative.json()["code"], negative.json()["field"]) == (
        "LINE_PRICE_NEGATIVE", "lines[0].unit_price",
    )  # fmt: skip
    gone = await sales.post(TOTALS, json={"lines": [{"article": 999999, "quantity": "1"}]})
    assert (gone.json()["code"], gone.json()["field"]) == (
        "LINE_ARTICLE_INVALID",
        "lines[0].article",
    )

    # Nothing typed yet: zeros, not an error; a line still being typed counts as zero.
    empty = await sales.post(TOTALS, json={"lines": []})
    assert (empty.status_code, empty.json()["payable"], empty.json()["groups"]) == (200, "0.00", [])
    typing = (await sales.post(TOTALS, json={"lines": [{"article": ids["laptop"]}]})).json()
    assert [(Decimal(g["vat_rate"]), g["base"]) for g in typing["groups"]] == [
        (Decimal(21), "0.00")
    ]


async def test_session_required(anon, login, ids):
    refused = await anon.post(TOTALS, json={"lines": lines(ids)})
    assert refused.status_code == 401
    assert refused.json()["code"] == "AUTH_REQUIRED"

    page = await anon.get("/editor/invoices/new", follow_redirects=False)
    assert (page.status_code, page.headers["location"]) == (303, "/admin/")

    sales = await login("sales")
    no_csrf = await sales.post(TOTALS, json={"lines": []}, headers={"X-CSRFToken": ""})
    assert no_csrf.status_code == 403

    # The page's files are public, like the admin's own assets.
    script = await anon.get("/static/editor/editor.js")
    assert script.status_code == 200
    assert "/editor/api/totals" in script.text


def embedded(html: str) -> dict:
    found = re.search(
        r'<script type="application/json" id="editor-data">(.*?)</script>', html, re.S
    )
    assert found, "the page embeds its data"
    return json.loads(found.group(1))


async def test_pages_new_draft_and_issued(login, ids):
    sales = await login("sales")
    new = await sales.get("/editor/invoices/new")
    assert new.status_code == 200
    assert new.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in new.headers["content-security-policy"]
    assert "Factură nouă" in new.text
    assert "Emite factura" in new.text
    data = embedded(new.text)
    assert data["draft"] is None
    assert "S-STANDARD" in [c["code"] for c in data["categories"]]
    assert {"value": "reverse_charge", "label": "taxare inversă"} in data["regimes"]

    line = {**lines(ids)[1], "discount": "6.50", "vat_category": "S-REDUSA-5"}
    body = {
        "partner": ids["client"],
        "header": {"notes": "<b>livrare</b> la sediu"},
        "lines": [line],
    }
    draft = (await sales.post("/api/invoices/", json=body)).json()
    opened = await sales.get(f"/editor/invoices/{draft['id']}")
    assert opened.status_code == 200
    assert "<b>livrare</b>" not in opened.text  # escaped inside the embedded JSON
    loaded = embedded(opened.text)["draft"]
    assert loaded["partner"]["name"] == "Alfa Distribuție SRL"
    assert loaded["header"]["notes"] == "<b>livrare</b> la sediu"
    assert loaded["lines"] == [
        {"article": ids["coffee"], "articleCode": "CAF", "description": "Cafea", "uom_code": "H87",
         "vat_category": "S-REDUSA-5", "quantity": "3", "unit_price": "45.5", "discount": "6.5",
         "price_list": None, "priceListName": "", "links": {}}
    ]  # fmt: skip

    issued = (await sales.post(f"/api/invoices/{draft['id']}/issue")).json()
    view = await sales.get(f"/editor/invoices/{draft['id']}?emisa=1")
    assert view.status_code == 200
    assert 'id="editor-data"' not in view.text  # read-only: no editor
    assert f"Factura <strong>{issued['full_number']}</strong> a fost emisă." in view.text
    assert f'href="/api/invoices/{draft["id"]}/pdf"' in view.text
    assert ">Emisă<" in view.text
    assert Decimal(issued["payable"]) == Decimal("144.30")
    assert "144,30 RON" in view.text  # 130.00 + 11 % VAT, written the Romanian way

    # A draft whose lines come from another document is opened with its lines locked.
    linked = await invoice_draft_create(
        company_id=await default_company_id(), partner_id=ids["client"],
        lines=[{"article": ids["coffee"], "quantity": -1, "unit_price": "45.50",
                "source_line": issued["lines"][0]["id"]}],
        by=SYSTEM,
    )  # fmt: skip
    assert embedded((await sales.get(f"/editor/invoices/{linked}")).text)["draft"]["linked"]
    assert not loaded["linked"]

    missing = await sales.get("/editor/invoices/999999")
    assert (missing.status_code, missing.json()["code"]) == (404, "INVOICE_NOT_FOUND")
    page = await sales.get("/editor/invoices/999999", headers={"Accept": "text/html"})
    assert page.status_code == 404
    assert "Factura nr. 999999 nu există." in page.text  # a page for a browser, in Romanian
    too_big = await sales.get("/editor/invoices/99999999999")
    assert too_big.status_code == 400  # refused at the path, never a database overflow


async def test_pages_offer_the_usable_lists_and_name_each_lines_list(login, ids):
    async def new_list(code: str, name: str, **kw: object) -> int:
        values = {"code": code, "name": name, **kw}
        list_id = await price_list_create(values=values, by=SYSTEM)
        await price_set(
            list_id=list_id, article=ids["laptop"],
            values={"price": Decimal(1000), "valid_from": date(2025, 1, 1)}, by=SYSTEM,
        )  # fmt: skip
        return list_id

    base = await new_list("BAZA", "Listă de bază")
    await assignment_add(list_id=base, values={"target": PriceTarget.company}, by=SYSTEM)
    old = await new_list("VECHE", "Listă veche", valid_to=date(2025, 12, 31))
    secret = await new_list("SECRET", "Prețuri confidențiale")
    await access_replace(list_id=secret, rows=[{"role": "admin", "level": "edit"}], by=SYSTEM)
    draft = await invoice_draft_create(
        company_id=await default_company_id(), partner_id=ids["client"],
        header={"delivery_date": date(2025, 6, 1)},
        lines=[{"article": ids["laptop"], "quantity": 2},  # priced by the resolver
               {"article": ids["coffee"], "quantity": 1, "unit_price": "40", "price_list": old},
               {"article": ids["coffee"], "quantity": 1, "unit_price": "45",
                "price_list": secret}],
        by=SYSTEM,
    )  # fmt: skip

    sales = await login("sales")
    new = embedded((await sales.get("/editor/invoices/new")).text)
    assert new["price_day"] == today().isoformat()
    # Today: the old list has ended, the confidential one is not for sales people.
    assert new["price_lists"] == [{"value": base, "label": "Listă de bază", "currency": "RON"}]

    opened = embedded((await sales.get(f"/editor/invoices/{draft}")).text)
    assert opened["price_day"] == "2025-06-01"  # the draft's delivery date
    assert [x["label"] for x in opened["price_lists"]] == ["Listă de bază", "Listă veche"]
    assert [(x["price_list"], x["priceListName"], x["unit_price"])
            for x in opened["draft"]["lines"]] == [
        (base, "Listă de bază", "1000"),
        (old, "Listă veche", "40"),
        (secret, f"Listă nr. {secret} (fără acces)", "45"),  # not named to who may not see it
    ]  # fmt: skip
    admin = await login("admin")
    names = [x["priceListName"] for x in embedded(
        (await admin.get(f"/editor/invoices/{draft}")).text)["draft"]["lines"]]  # fmt: skip
    assert names == ["Listă de bază", "Listă veche", "Prețuri confidențiale"]


# ---------------------------------------------------------------------- other documents


@pytest.fixture
async def docs(ids: dict[str, int]) -> dict[str, int]:
    company = await default_company_id()
    for doc_type in DocType:
        if doc_type is not DocType.invoice:
            await make_series(company, prefix=PREFIX[doc_type], doc_type=doc_type)
    point = WorkPoint(company=company, code="CJ", name="Depozit Cluj")
    await point.save()
    return {**ids, "point": point.id}


PREFIX = {DocType.offer: "OF", DocType.proforma: "PF", DocType.order: "CMD",
          DocType.delivery_note: "AVZ", DocType.warranty: "CG", DocType.receipt: "CH"}  # fmt: skip


async def test_document_pages_need_the_session(anon):
    for url in ("/editor/documents/", "/editor/documents/order/new", "/editor/documents/1"):
        page = await anon.get(url, follow_redirects=False)
        assert (page.status_code, page.headers["location"]) == (303, "/admin/"), url


async def test_chooser_and_new_pages_per_type(login, docs):
    sales = await login("sales")
    chooser = await sales.get("/editor/documents/")
    assert chooser.status_code == 200
    for href, label in [
        ("/editor/invoices/new", "Factură nouă"), ("/editor/documents/offer/new", "Ofertă nouă"),
        ("/editor/documents/proforma/new", "Proformă nouă"),
        ("/editor/documents/order/new", "Comandă nouă"),
        ("/editor/documents/delivery_note/new", "Aviz nou"),
    ]:  # fmt: skip
        assert re.search(rf'href="{href}"[^>]*>.*?{label}</a>', chooser.text), label

    fields = {}
    for doc_type in ("offer", "proforma", "order", "delivery_note"):
        page = await sales.get(f"/editor/documents/{doc_type}/new")
        assert page.status_code == 200, doc_type
        assert "default-src 'self'" in page.headers["content-security-policy"]
        data = embedded(page.text)
        assert data["draft"] is None
        assert (data["doc"]["doc_type"], data["doc"]["api"]) == (doc_type, "/api/documents")
        assert data["work_points"] == [{"value": docs["point"], "label": "Depozit Cluj"}]
        fields[doc_type] = set(re.findall(r'id="([a-z_]+)"[^>]*data-header', page.text))
    common = {"issue_date", "delivery_date", "currency", "work_point", "notes"}
    assert fields["order"] == common
    assert fields["offer"] == fields["proforma"] == common | {"valid_until"}
    assert fields["delivery_note"] == common | {"delegate", "vehicle"}
    order = await sales.get("/editor/documents/order/new")
    assert "Comandă nouă" in order.text
    assert "Emite comanda" in order.text
    assert "Emite avizul" in (await sales.get("/editor/documents/delivery_note/new")).text

    invoice = await sales.get("/editor/documents/invoice/new", follow_redirects=False)
    assert (invoice.status_code, invoice.headers["location"]) == (303, "/editor/invoices/new")
    for unknown in ("warranty", "factura", "1"):
        refused = await sales.get(f"/editor/documents/{unknown}/new")
        assert (refused.status_code, refused.json()["code"]) == (404, "DOCUMENT_TYPE_UNKNOWN")
        assert f"nu cunoaște tipul de document «{unknown}»" in refused.json()["message"]
    page = await sales.get("/editor/documents/nimic/new", headers={"Accept": "text/html"})
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "Editorul nu cunoaște tipul de document «nimic»" in page.text

    missing = await sales.get("/editor/documents/999999")
    assert (missing.status_code, missing.json()["code"]) == (404, "DOCUMENT_NOT_FOUND")
    assert missing.json()["message"] == "Documentul nr. 999999 nu există."


async def test_aviz_draft_opens_in_the_editor(login, docs):
    sales = await login("sales")
    body = {
        "doc_type": "delivery_note", "partner": docs["client"],
        "header": {"delegate": "Ion Pop, CI CJ 123456", "vehicle": "CJ-01-ABC",
                   "work_point": docs["point"], "delivery_date": "2025-07-31"},
        "lines": [{"article": docs["laptop"], "quantity": "2", "unit_price": "1000"}],
    }  # fmt: skip
    draft = (await sales.post("/api/documents/", json=body)).json()
    page = await sales.get(f"/editor/documents/{draft['id']}")
    assert page.status_code == 200
    assert "Aviz – ciorna nr." in page.text
    loaded = embedded(page.text)["draft"]
    assert loaded["partner"]["name"] == "Alfa Distribuție SRL"
    assert loaded["header"] == {
        "issue_date": "", "delivery_date": "2025-07-31", "valid_until": "", "currency": "RON",
        "notes": "", "delegate": "Ion Pop, CI CJ 123456", "vehicle": "CJ-01-ABC",
        "work_point": str(docs["point"]),
    }  # fmt: skip
    assert loaded["lines"] == [
        {"article": docs["laptop"], "articleCode": "LAP", "description": "Laptop",
         "uom_code": "H87", "vat_category": "S-STANDARD", "quantity": "2",
         "unit_price": "1000", "discount": "", "price_list": None, "priceListName": "",
         "links": {}}
    ]  # fmt: skip


async def test_issued_order_is_read_only_and_offers_its_conversions(login, docs):
    sales = await login("sales")
    order_lines = lines(docs)
    header = {"issue_date": "2025-08-04", "delivery_date": "2025-08-04"}
    live = (await sales.post(TOTALS, json={"lines": order_lines, **header})).json()
    order = (await sales.post("/api/documents/", json={
        "doc_type": "order", "partner": docs["client"], "header": header, "lines": order_lines,
    })).json()  # fmt: skip
    issued = (await sales.post(f"/api/documents/{order['id']}/issue")).json()
    assert issued["full_number"] == "CMD-00001"
    # The live totals are the ones the issue stores.
    for key, stored in (("tax_exclusive", "tax_exclusive"), ("vat_total", "vat_total"),
                        ("payable", "tax_inclusive")):  # fmt: skip
        assert Decimal(live[key]) == Decimal(issued[stored]), key

    view = await sales.get(f"/editor/documents/{order['id']}?emis=1")
    assert view.status_code == 200
    assert 'id="editor-data"' not in view.text  # read-only: no editor
    assert "Comanda <strong>CMD-00001</strong> a fost emisă." in view.text
    assert '<span class="badge issued" id="document-status">Emisă</span>' in view.text
    assert f'href="/api/documents/{order["id"]}/pdf"' in view.text
    assert converts(view.text) == ["invoice", "delivery_note"]
    shown = dict(
        re.findall(r'<tr data-rate="([\d.]+)">.*?<td class="base">([^<]+)</td>', view.text)
    )
    assert shown == {"21.00": "2.000,00", "11.00": "136,50"}
    assert "2.571,52 RON" in view.text  # 2000 + 420 + 136.50 + 15.02

    # The whole order delivered: only the invoice is left to make.
    aviz = (await sales.post(f"/api/documents/{order['id']}/convert",
                             json={"target": "delivery_note"})).json()  # fmt: skip
    reopened = embedded((await sales.get(f"/editor/documents/{aviz['id']}")).text)["draft"]
    sources = [x["id"] for x in issued["lines"]]
    assert [x["links"] for x in reopened["lines"]] == [{"source_line": i} for i in sources]
    # The page sends the links back with the lines: the aviz still delivers the order.
    resent = [{**order_lines[i], "quantity": x["quantity"], **x["links"]}
              for i, x in enumerate(reopened["lines"])]  # fmt: skip
    saved = await sales.patch(f"/api/documents/{aviz['id']}", json={"lines": resent})
    assert saved.status_code == 200, saved.text
    assert (await sales.post(f"/api/documents/{aviz['id']}/issue")).status_code == 200
    view = await sales.get(f"/editor/documents/{order['id']}")
    assert converts(view.text) == ["invoice"]
    left = re.findall(r'data-left="left_to_deliver">([^<]+)<', view.text)
    assert left == ["0", "0"]

    aviz_view = await sales.get(f"/editor/documents/{aviz['id']}")
    assert converts(aviz_view.text) == ["invoice"]
    cancelled = await sales.post(f"/api/documents/{aviz['id']}/cancel", json={"reason": "greșit"})
    assert cancelled.status_code == 200, cancelled.text
    aviz_view = await sales.get(f"/editor/documents/{aviz['id']}")
    assert ">Anulat<" in aviz_view.text
    assert "Aviz anulat: greșit." in aviz_view.text
    assert converts(aviz_view.text) == []
    assert f'href="/api/documents/{aviz["id"]}/pdf"' in aviz_view.text


def converts(html: str) -> list[str]:
    return re.findall(r'data-convert="(\w+)"', html)


async def test_a_warranty_certificate_opens_read_only(login, docs):
    """Made from an issued invoice, with serial numbers the grid has no column for."""
    sales = await login("sales")
    phone = await make_article("TEL", name="Telefon", warranty_months=24)
    body = {"partner": docs["client"],
            "lines": [{"article": phone, "quantity": "1", "unit_price": "2000"}]}  # fmt: skip
    invoice = (await sales.post("/api/invoices/", json=body)).json()
    issued = (await sales.post(f"/api/invoices/{invoice['id']}/issue")).json()
    serials = {str(issued["lines"][0]["id"]): "SN-0001"}
    url = f"/api/invoices/{invoice['id']}/warranty"
    warranty = await sales.post(url, json={"serials": serials})
    assert warranty.status_code == 201, warranty.text
    page = await sales.get(f"/editor/documents/{warranty.json()['id']}")
    assert page.status_code == 200
    assert 'id="editor-data"' not in page.text
    assert "SN-0001" in page.text
    assert "24 luni" in page.text
    assert "se completează și se emite din administrare" in page.text
    assert "pdf-link" not in page.text  # a draft has no PDF yet
