"""/api/price-lists, /api/price-items, /api/price-assignments and /api/prices/resolve over
HTTP, with real sessions and tokens: lists created, changed and listed by access level,
prices on a day and their history, CSV import (all or nothing, errors by line) and
export (round trip, Excel flavour), access rows and assignments, "what price applies?"
with its precedence and its refusals, and bad input answered 4xx in Romanian, never 500.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import httpx
import pytest
from piccolo.apps.user.tables import BaseUser

from controllers.paging import encode_cursor
from domain.core.clock import today
from domain.org.actors import token_create
from domain.org.permissions import SYSTEM
from tables.org import Person, Team, WorkPoint
from tables.partners import PartnerGroup
from tables.pricing import PriceItem, PriceList, PriceListAccess, PriceListAssignment
from tests.factories import make_article, make_client, make_company

D = "2026-03-10"  # VAT 21 % (S-STANDARD) and 11 % (S-REDUSA) on this day


@pytest.fixture
async def world() -> dict[str, int]:
    company = await make_company()
    group = PartnerGroup(name="Revânzători")
    await group.save()
    work_point = WorkPoint(company=company, code="CJ", name="Magazin Cluj")
    await work_point.save()
    team = Team(company=company, code="V1", name="Vânzări Nord")
    await team.save()
    return {
        "company": company,
        "group": group.id,
        "work_point": work_point.id,
        "team": team.id,
        "client": await make_client(group=group.id),
        "other": await make_client(name="Beta SRL", cui="18547290"),
        "laptop": await make_article("LAP", name="Laptop"),
        "coffee": await make_article("CAF", name="Cafea", vat_category="S-REDUSA"),
    }


def assert_error(response: httpx.Response, status: int, code: str, field: str | None = None):
    assert response.status_code == status, response.text
    body = response.json()
    assert body["code"] == code, body
    if field is not None:
        assert body.get("field") == field, body
    assert body["message"], body
    assert body["message_en"], body
    return body


def bearer(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


async def new_list(client: httpx.AsyncClient, code: str, **kw: object) -> dict:
    response = await client.post("/api/price-lists", json={"code": code, "name": f"Lista {code}",
                                                           **kw})  # fmt: skip
    assert response.status_code == 201, response.text
    return response.json()


async def add_price(client: httpx.AsyncClient, list_id: int, **kw: object) -> dict:
    body = {"valid_from": "2025-01-01", **kw}
    response = await client.post(f"/api/price-lists/{list_id}/items", json=body)
    assert response.status_code == 201, response.text
    return response.json()


async def assign(client: httpx.AsyncClient, list_id: int, target: str, target_id=None, **kw):
    body = {"target": target, **kw}
    if target != "company":
        body[target] = target_id
    response = await client.post(f"/api/price-lists/{list_id}/assignments", json=body)
    assert response.status_code == 201, response.text
    return response.json()


async def pages(client: httpx.AsyncClient, url: str, **params: str) -> list[dict]:
    items: list[dict] = []
    after = None
    while True:
        query = {**params, **({"after": after} if after else {})}
        response = await client.get(url, params=query)
        assert response.status_code == 200, response.text
        page = response.json()
        items += page["items"]
        after = page["next"]
        if after is None:
            return items


async def last_user_id() -> int:
    row = await BaseUser.select(BaseUser.id).order_by(BaseUser.id, ascending=False).first()
    return row["id"]


def resolve_body(world: dict[str, int], **kw: object) -> dict:
    return {"date": D, "lines": [{"article": world["laptop"], "quantity": "1"}], **kw}


# --------------------------------------------------------------------------- lists


async def test_lists_created_changed_and_listed_by_name_with_the_callers_level(login, world):
    accountant = await login("accountant")
    base = await new_list(accountant, "baza", name="Listă de bază")
    assert (base["code"], base["name"], base["currency"]) == ("BAZA", "Listă de bază", "RON")
    assert (base["access"], base["access_rows"], base["assignments"]) == ("edit", [], [])
    assert (base["prices_include_vat"], base["active"], base["base_list"]) == (False, True, None)
    dist = await new_list(accountant, "DIST", name="Distribuitori", base_list=base["id"],
                          base_percent="-12", rounding="0.05")  # fmt: skip
    assert (dist["base_list"], dist["base_percent"], dist["rounding"]) == (
        base["id"], "-12.000", "0.05")  # fmt: skip
    await new_list(accountant, "ANG", name="Ângro")

    fetched = await accountant.get(f"/api/price-lists/{dist['id']}")
    assert fetched.status_code == 200
    assert fetched.json() == dist

    patch = {"name": "Distribuitori 2026", "notes": "Contract"}
    changed = await accountant.patch(f"/api/price-lists/{dist['id']}", json=patch)
    assert changed.status_code == 200, changed.text
    assert (changed.json()["name"], changed.json()["notes"]) == ("Distribuitori 2026", "Contract")
    assert changed.json()["base_percent"] == "-12.000"  # the rest is kept

    # Ordered by name, diacritics aside (Â with A), one list per page.
    listed = await pages(accountant, "/api/price-lists", limit="1")
    assert [x["name"] for x in listed] == ["Ângro", "Distribuitori 2026", "Listă de bază"]
    assert {x["access"] for x in listed} == {"edit"}

    # A salesperson sees the open lists and may use them, not change them.
    sales = await login("sales")
    assert {x["access"] for x in await pages(sales, "/api/price-lists")} == {"use"}
    assert_error(await sales.patch(f"/api/price-lists/{base['id']}", json={"name": "X"}),
                 403, "FORBIDDEN")  # fmt: skip

    assert_error(await accountant.post("/api/price-lists", json={"code": "Baza", "name": "B"}),
                 409, "PRICE_LIST_DUPLICATE", "code")  # fmt: skip
    dates = {"valid_from": "2026-02-01", "valid_to": "2026-01-31"}
    assert_error(await accountant.patch(f"/api/price-lists/{base['id']}", json=dates),
                 422, "PRICE_LIST_DATES")  # fmt: skip
    assert_error(await accountant.patch(f"/api/price-lists/{dist['id']}", json={"rounding": "x.9"}),
                 422, "PRICE_LIST_ROUNDING", "rounding")  # fmt: skip
    assert await PriceList.count() == 3


async def test_usable_lists_are_those_in_force_that_day_in_the_currency(login, world):
    accountant = await login("accountant")
    base = await new_list(accountant, "BAZA")
    euro = await new_list(accountant, "EXP", currency="eur")
    promo = await new_list(accountant, "PROMO", valid_from="2026-04-01", valid_to="2026-04-30")
    old = await new_list(accountant, "VECHE", active=False)
    restricted = await new_list(accountant, "VIP")
    rows = [{"role": "accountant", "level": "edit"}]
    put = await accountant.put(f"/api/price-lists/{restricted['id']}/access", json={"rows": rows})
    assert put.status_code == 200, put.text

    sales = await login("sales")

    async def ids(client: httpx.AsyncClient, **params: str) -> set[int]:
        return {x["id"] for x in await pages(client, "/api/price-lists", **params)}

    every = {base["id"], euro["id"], promo["id"], old["id"]}
    assert await ids(sales) == every  # the restricted list does not exist for them
    assert await ids(accountant) == every | {restricted["id"]}
    assert await ids(sales, usable="true", on="2026-03-31") == {base["id"], euro["id"]}
    assert await ids(sales, usable="true", on="2026-04-01") == {base["id"], euro["id"],
                                                                 promo["id"]}  # fmt: skip
    assert await ids(sales, usable="true", on="2026-04-01", currency="RON") == {
        base["id"], promo["id"]}  # fmt: skip
    assert await ids(sales, currency="EUR") == {euro["id"]}
    assert_error(await sales.get("/api/price-lists", params={"currency": "EURO"}),
                 400, "REQUEST_INVALID")  # fmt: skip
    assert_error(await sales.get("/api/price-lists", params={"after": "nu-e-cursor"}),
                 422, "CURSOR_INVALID")  # fmt: skip
    assert_error(await sales.get(f"/api/price-lists/{restricted['id']}"),
                 404, "PRICE_LIST_NOT_FOUND")  # fmt: skip


# --------------------------------------------------------------------------- items


async def test_items_on_a_day_derived_ones_included_and_the_whole_history(login, world):
    accountant = await login("accountant")
    base = (await new_list(accountant, "BAZA"))["id"]
    dist = (await new_list(accountant, "DIST", base_list=base, base_percent="-12",
                           rounding="0.05"))["id"]  # fmt: skip
    assert await add_price(accountant, base, article=world["laptop"], price="123.45") == {
        "added": 1, "unchanged": 0}  # fmt: skip
    await add_price(accountant, base, article_code="LAP", price="130", valid_from="2026-04-01")
    await add_price(accountant, base, article_code="LAP", price="120", min_quantity="10")
    await add_price(accountant, base, article_code="CAF", price="10")
    # The same price again is kept once.
    assert await add_price(accountant, base, article_code="CAF", price="10.00") == {
        "added": 0, "unchanged": 1}  # fmt: skip

    url = f"/api/price-lists/{base}/items"
    day = (await accountant.get(url, params={"on": D})).json()["items"]
    assert [(x["article_code"], x["min_quantity"], x["price"]) for x in day] == [
        ("CAF", "0.000", "10.0000"),
        ("LAP", "0.000", "123.4500"),
        ("LAP", "10.000", "120.0000"),
    ]
    coffee, laptop = day[0], day[1]
    assert (coffee["vat_rate"], coffee["net"], coffee["gross"]) == ("11.00", "10.0000", "11.1000")
    assert (laptop["vat_rate"], laptop["net"], laptop["gross"]) == ("21.00", "123.4500",
                                                                    "149.3700")  # fmt: skip
    assert (laptop["article_name"], laptop["derived"], laptop["valid_to"]) == ("Laptop", False,
                                                                              None)  # fmt: skip
    later = (await accountant.get(url, params={"on": "2026-04-01"})).json()["items"]
    assert [x["price"] for x in later] == ["10.0000", "130.0000", "120.0000"]

    history = await pages(accountant, url, history="true", limit="1")
    assert [(x["article_code"], x["price"], x["valid_from"]) for x in history] == [
        ("CAF", "10.0000", "2025-01-01"), ("LAP", "123.4500", "2025-01-01"),
        ("LAP", "130.0000", "2026-04-01"), ("LAP", "120.0000", "2025-01-01")]  # fmt: skip

    derived = (await accountant.get(f"/api/price-lists/{dist}/items", params={"on": D})).json()
    assert [(x["article_code"], x["price"], x["derived"]) for x in derived["items"]] == [
        ("CAF", "8.8000", True), ("LAP", "108.6500", True), ("LAP", "105.6000", True)]  # fmt: skip

    # A price ends today at the earliest; the past is not rewritten.
    tier = next(x for x in history if x["min_quantity"] == "10.000")
    end = f"/api/price-items/{tier['id']}/end"
    yesterday = (today() - timedelta(days=1)).isoformat()
    assert_error(await accountant.post(end, json={"last_day": yesterday}), 422, "PRICE_END_IN_PAST")
    ended = await accountant.post(end, json={"last_day": today().isoformat()})
    assert ended.status_code == 204, ended.text
    assert_error(await accountant.post(end, json={"last_day": today().isoformat()}),
                 409, "PRICE_ALREADY_ENDED")  # fmt: skip
    again = await pages(accountant, url, history="true")
    assert next(x for x in again if x["id"] == tier["id"])["valid_to"] == today().isoformat()

    assert_error(await accountant.get(url, params={"on": D, "history": "true"}),
                 422, "QUERY_CONFLICT")  # fmt: skip
    for cursor in ("W10", encode_cursor("LAP", "NaN", D, 1), encode_cursor("LAP", "0", "x", 1)):
        assert_error(await accountant.get(url, params={"after": cursor}), 422, "CURSOR_INVALID")
    assert_error(await accountant.post("/api/price-items/99999/end", json={"last_day": D}),
                 404, "PRICE_NOT_FOUND")  # fmt: skip


# --------------------------------------------------------------------------- CSV


async def test_a_bad_file_is_refused_by_line_and_nothing_is_written_then_a_good_one_is(
    login, world
):
    accountant = await login("accountant")
    base = (await new_list(accountant, "BAZA"))["id"]
    url = f"/api/price-lists/{base}/import"
    bad = (
        "cod_articol,pret,valabil_de_la,valabil_pana_la\n"
        "LAP,100,2025-01-01,\n"  # line 2: good
        "NUEXISTA,5,2025-01-01,\n"  # 3: unknown article
        "CAF,-1,2025-01-01,\n"  # 4: negative
        "CAF,7,31.02.2025,\n"  # 5: no such day
        "LAP,NaN,2025-01-01,\n"  # 6: not a number
        "CAF,9,2025-02-01,2025-01-01\n"  # 7: ends before it starts
    )
    refused = await accountant.post(url, content=bad, headers={"Content-Type": "text/csv"})
    body = assert_error(refused, 422, "PRICE_IMPORT_INVALID")
    assert [e["line"] for e in body["details"]["errors"]] == [3, 4, 5, 6, 7]
    assert "articolul «NUEXISTA» nu există" in body["details"]["errors"][0]["message"]
    assert body["message"].startswith("Fișierul are 5 rânduri greșite; nu s-a importat nimic.")
    assert await PriceItem.count() == 0

    good = "cod_articol,pret,cantitate_minima,valabil_de_la\nLAP,100,0,2025-01-01\nCAF,9.5,,\n"
    imported = await accountant.post(url, content=good, headers={"Content-Type": "text/csv"})
    assert imported.status_code == 200, imported.text
    assert imported.json() == {"added": 2, "unchanged": 0}
    again = await accountant.post(url, content=good, headers={"Content-Type": "text/csv"})
    assert again.json() == {"added": 0, "unchanged": 2}

    # What Excel writes on a Romanian Windows: semicolons, decimal comma, Windows-1250.
    excel = (
        "cod_articol;denumire;pret;valabil_de_la\r\nLAP;Laptop ştiinţific;1.234,50;01.03.2026\r\n"
    )
    excel = excel.encode("cp1250")
    imported = await accountant.post(url, content=excel, headers={"Content-Type": "text/csv"})
    assert imported.json() == {"added": 1, "unchanged": 0}, imported.text
    history = await pages(accountant, f"/api/price-lists/{base}/items", history="true")
    assert "1234.5000" in [x["price"] for x in history]

    # UTF-16 (Excel's "Unicode text") is not read as garbage.
    utf16 = "cod_articol\tpret\nLAP\t1\n".encode("utf-16")
    assert_error(await accountant.post(url, content=utf16), 422, "CSV_ENCODING")
    empty = await accountant.post(url, content=b"", headers={"Content-Type": "text/csv"})
    assert_error(empty, 422, "PRICE_IMPORT_INVALID")
    assert await PriceItem.count() == 3


async def test_export_reads_back_into_another_list(login, world):
    accountant = await login("accountant")
    source = (await new_list(accountant, "BAZA 2026"))["id"]
    await add_price(accountant, source, article_code="LAP", price="1234.5")
    await add_price(accountant, source, article_code="LAP", price="1100", min_quantity="10")
    await add_price(accountant, source, article_code="CAF", price="9.9009", valid_to="2026-12-31")
    await add_price(accountant, source, article_code="CAF", price="8", valid_from="2024-01-01",
                    valid_to="2024-12-31")  # fmt: skip
    url = f"/api/price-lists/{source}/export"

    plain = await accountant.get(url, params={"on": D})
    assert plain.status_code == 200, plain.text
    assert plain.headers["content-type"].startswith("text/csv")
    assert plain.headers["content-disposition"] == (
        f'attachment; filename="lista-preturi-BAZA_2026-{D}.csv"')  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(plain.text)))
    assert [(r["cod_articol"], r["pret"], r["cantitate_minima"]) for r in rows] == [
        ("CAF", "9.9009", "0"), ("LAP", "1234.50", "0"), ("LAP", "1100.00", "10")]  # fmt: skip
    assert rows[1]["pret_cu_tva"] == "1493.75"  # 1234.50 x 1.21

    excel = await accountant.get(url, params={"history": "true", "format": "excel"})
    assert excel.status_code == 200, excel.text
    assert excel.content.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel reads the diacritics
    assert "istoric.csv" in excel.headers["content-disposition"]
    lines = excel.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("cod_articol;denumire;pret;")
    assert "LAP;Laptop;1234,50;0;2025-01-01;" in excel.content.decode("utf-8-sig")
    assert len(lines) == 5  # the header and every item, the ended one too

    copy = (await new_list(accountant, "COPIE"))["id"]
    imported = await accountant.post(f"/api/price-lists/{copy}/import", content=excel.content,
                                     headers={"Content-Type": "text/csv"})  # fmt: skip
    assert imported.json() == {"added": 4, "unchanged": 0}, imported.text

    def key(items: list[dict]) -> list[tuple]:
        return sorted((x["article_code"], x["price"], x["min_quantity"], x["valid_from"],
                       x["valid_to"]) for x in items)  # fmt: skip

    assert key(await pages(accountant, f"/api/price-lists/{copy}/items", history="true")) == key(
        await pages(accountant, f"/api/price-lists/{source}/items", history="true"))  # fmt: skip

    assert_error(await accountant.get(url, params={"format": "xml"}), 400, "REQUEST_INVALID")
    viewer = await login("viewer")
    assert (await viewer.get(url)).status_code == 200  # seeing is exporting


# --------------------------------------------------------------------------- access


async def test_access_rows_and_assignments_are_kept_and_removed(login, world):
    accountant = await login("accountant")
    vip = (await new_list(accountant, "VIP"))["id"]
    rows = [{"role": "accountant", "level": "edit"}, {"team": world["team"], "level": "use"}]
    put = await accountant.put(f"/api/price-lists/{vip}/access", json={"rows": rows})
    assert put.status_code == 200, put.text
    assert [(r["role"], r["team"], r["level"]) for r in put.json()["access_rows"]] == [
        ("accountant", None, "edit"), (None, world["team"], "use")]  # fmt: skip

    # Saving rows that leave the one saving them unable to edit is refused, whole.
    lockout = await accountant.put(f"/api/price-lists/{vip}/access",
                                   json={"rows": [{"team": world["team"]}]})  # fmt: skip
    assert_error(lockout, 409, "PRICE_ACCESS_LOCKOUT")
    assert await PriceListAccess.count() == 2
    two = {"rows": [{"role": "sales", "team": world["team"]}]}
    assert_error(await accountant.put(f"/api/price-lists/{vip}/access", json=two),
                 422, "PRICE_ACCESS_SUBJECT")  # fmt: skip
    assert_error(await accountant.put(f"/api/price-lists/{vip}/access", json={
        "rows": [{"role": "boss"}]}), 400, "REQUEST_INVALID")  # fmt: skip

    made = await assign(accountant, vip, "partner_group", world["group"], priority=2,
                        valid_from="2026-01-01")  # fmt: skip
    assert (made["target"], made["partner_group"], made["priority"]) == (
        "partner_group", world["group"], 2)  # fmt: skip
    assert (made["valid_from"], made["partner"]) == ("2026-01-01", None)
    company_wide = await assign(accountant, vip, "company")
    detail = (await accountant.get(f"/api/price-lists/{vip}")).json()
    assert [a["id"] for a in detail["assignments"]] == [made["id"], company_wide["id"]]

    gone = await accountant.delete(f"/api/price-assignments/{made['id']}")
    assert gone.status_code == 204, gone.text
    assert [a["id"] for a in (await accountant.get(f"/api/price-lists/{vip}")).json()[
        "assignments"]] == [company_wide["id"]]  # fmt: skip
    assert_error(await accountant.delete(f"/api/price-assignments/{made['id']}"),
                 404, "PRICE_ASSIGNMENT_NOT_FOUND")  # fmt: skip

    url = f"/api/price-lists/{vip}/assignments"
    assert_error(await accountant.post(url, json={"target": "partner"}),
                 422, "PRICE_TARGET_MISMATCH", "partner")  # fmt: skip
    assert_error(await accountant.post(url, json={"target": "partner", "partner": 99999}),
                 422, "PRICE_TARGET_INVALID", "partner")  # fmt: skip
    assert_error(await accountant.post(url, json={"target": "planet"}), 400, "REQUEST_INVALID")
    assert await PriceListAssignment.count() == 1


async def test_a_viewer_or_a_salesperson_cannot_write(login, world):
    accountant = await login("accountant")
    base = (await new_list(accountant, "BAZA"))["id"]
    item = await add_price(accountant, base, article_code="LAP", price="100")
    assert item["added"] == 1
    assignment = await assign(accountant, base, "company")
    item_id = (await PriceItem.select(PriceItem.id).first())["id"]
    for role in ("viewer", "sales"):
        client = await login(role)
        assert (await client.get(f"/api/price-lists/{base}/items")).status_code == 200
        for response in (
            await client.post("/api/price-lists", json={"code": "X", "name": "X"}),
            await client.patch(f"/api/price-lists/{base}", json={"name": "X"}),
            await client.post(f"/api/price-lists/{base}/items",
                              json={"article_code": "LAP", "price": "1"}),
            await client.post(f"/api/price-lists/{base}/import", content="cod_articol,pret\n"
                              "LAP,1\n", headers={"Content-Type": "text/csv"}),
            await client.put(f"/api/price-lists/{base}/access", json={"rows": []}),
            await client.post(f"/api/price-lists/{base}/assignments", json={"target": "company"}),
            await client.delete(f"/api/price-assignments/{assignment['id']}"),
            await client.post(f"/api/price-items/{item_id}/end", json={"last_day": "2099-01-01"}),
        ):  # fmt: skip
            body = assert_error(response, 403, "FORBIDDEN")
            assert "nu are dreptul să modifice listele de prețuri" in body["message"]
    assert (await PriceList.count(), await PriceItem.count()) == (1, 1)
    assert await PriceListAssignment.count() == 1
    assert (await PriceItem.select(PriceItem.valid_to).first())["valid_to"] is None


async def test_tokens_read_and_write_by_scope(anon, login, world):
    accountant = await login("accountant")
    vip = (await new_list(accountant, "VIP"))["id"]
    await accountant.put(f"/api/price-lists/{vip}/access",
                         json={"rows": [{"role": "accountant", "level": "edit"}]})  # fmt: skip
    _, reader = await token_create(name="pos-citire", scopes=["pricing:read"], by=SYSTEM)
    _, writer = await token_create(name="erp-scriere", scopes=["pricing:write"], by=SYSTEM)

    created = await anon.post("/api/price-lists", json={"code": "WEB", "name": "Magazin online"},
                              headers=bearer(writer))  # fmt: skip
    assert created.status_code == 201, created.text
    web = created.json()["id"]
    added = await anon.post(f"/api/price-lists/{web}/items", headers=bearer(writer),
                            json={"article_code": "LAP", "price": "99.90",
                                  "valid_from": "2025-01-01"})  # fmt: skip
    assert added.status_code == 201, added.text

    listed = await anon.get("/api/price-lists", headers=bearer(reader))
    # A machine is no user, role or team: it reaches the open lists only.
    assert [(x["id"], x["access"]) for x in listed.json()["items"]] == [(web, "use")]
    refused = await anon.post("/api/price-lists", json={"code": "X", "name": "X"},
                              headers=bearer(reader))  # fmt: skip
    assert_error(refused, 403, "FORBIDDEN")
    answer = await anon.post("/api/prices/resolve", headers=bearer(reader), json={
        "date": D, "lines": [{"article_code": "LAP", "price_list": web}]})  # fmt: skip
    assert answer.status_code == 200, answer.text
    assert answer.json()["lines"][0]["net"] == "99.9000"
    assert_error(await anon.get(f"/api/price-lists/{vip}", headers=bearer(reader)),
                 404, "PRICE_LIST_NOT_FOUND")  # fmt: skip


# --------------------------------------------------------------------------- resolve


async def test_resolve_follows_the_precedence_and_never_gives_a_forbidden_price(login, world):
    accountant = await login("accountant")
    base = (await new_list(accountant, "BAZA", name="Listă de bază"))["id"]
    partner = (await new_list(accountant, "PART", name="Alfa contract"))["id"]
    vip = (await new_list(accountant, "VIP", name="Nord VIP"))["id"]
    for list_id, value in ((base, "100"), (partner, "90"), (vip, "70")):
        await add_price(accountant, list_id, article_code="LAP", price=value)
    await add_price(accountant, base, article_code="LAP", price="95", min_quantity="10")
    await add_price(accountant, base, article_code="CAF", price="10")
    await assign(accountant, base, "company")
    await assign(accountant, partner, "partner", world["client"])
    await assign(accountant, vip, "partner", world["client"], priority=9)  # wins on its level
    rows = [{"role": "accountant", "level": "edit"}, {"team": world["team"], "level": "use"}]
    put = await accountant.put(f"/api/price-lists/{vip}/access", json={"rows": rows})
    assert put.status_code == 200, put.text

    sales = await login("sales")  # in no team: may not use the VIP list
    answer = await sales.post("/api/prices/resolve", json=resolve_body(world, partner=world[
        "client"], lines=[{"article": world["laptop"]}, {"article_code": "LAP", "quantity": "12"},
                          {"article_code": "CAF", "quantity": "2"}]))  # fmt: skip
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["date"], body["currency"]) == (D, "RON")
    first, tier, coffee = body["lines"]
    assert (first["found"], first["price_list"], first["price_list_name"]) == (
        True, partner, "Alfa contract")  # fmt: skip
    assert (first["level"], first["net"], first["gross"], first["vat_rate"]) == (
        "partner", "90.0000", "108.9000", "21.00")  # fmt: skip
    assert first["why"] == [
        "O listă atribuită partenerului: nu aveți acces la ea.",  # not even its name
        "Lista «Alfa contract» (atribuită partenerului): preț fără TVA valabil din 01.01.2025.",
    ]
    # The partner's list has no tier: its one price applies to 12 as well.
    assert (tier["price_list"], tier["net"], tier["quantity"]) == (partner, "90.0000", "12")
    # The coffee is in no list of the partner: the company's default answers.
    assert (coffee["price_list"], coffee["level"], coffee["net"]) == (base, "company", "10.0000")
    assert len(coffee["why"]) == 3
    # The restricted price is nowhere in the answer.
    assert "70.0000" not in answer.text
    assert all(x["price_list"] != vip for x in body["lines"])

    # Choosing the restricted list on a line is refused, not quietly replaced.
    chosen = await sales.post("/api/prices/resolve", json=resolve_body(
        world, lines=[{"article": world["laptop"], "price_list": vip}]))  # fmt: skip
    refused = assert_error(chosen, 403, "PRICE_LIST_FORBIDDEN")
    assert refused["message"] == "Nu aveți dreptul să folosiți lista de prețuri «Nord VIP»."
    # A list the user may use, chosen on the line, wins over every assignment.
    base_chosen = await sales.post("/api/prices/resolve", json=resolve_body(
        world, partner=world["client"], lines=[
            {"article": world["laptop"], "quantity": "10", "price_list": base}]))  # fmt: skip
    line = base_chosen.json()["lines"][0]
    assert (line["price_list"], line["level"], line["net"], line["min_quantity"]) == (
        base, None, "95.0000", "10.000")  # fmt: skip

    # A salesperson of the team the list is shared with gets it.
    team_member = await login("sales")
    await Person(company=world["company"], name="Ana Pop", user=await last_user_id(),
                 team=world["team"]).save()  # fmt: skip
    answer = await team_member.post("/api/prices/resolve",
                                    json=resolve_body(world, partner=world["client"]))  # fmt: skip
    line = answer.json()["lines"][0]
    assert (line["price_list"], line["level"], line["net"]) == (vip, "partner", "70.0000")

    # Another partner: nothing assigned to it, the company's default.
    other = await sales.post(
        "/api/prices/resolve", json=resolve_body(world, partner=world["other"])
    )
    assert other.json()["lines"][0]["price_list"] == base


async def test_resolve_tells_when_no_price_applies(login, world):
    sales = await login("sales")
    answer = await sales.post("/api/prices/resolve", json=resolve_body(world))
    assert answer.status_code == 200, answer.text
    line = answer.json()["lines"][0]
    assert (line["found"], line["net"], line["price_list"], line["level"]) == (False, None, None,
                                                                                None)  # fmt: skip
    assert line["why"] == ["Nicio listă de prețuri nu se aplică (nicio atribuire)."]


# --------------------------------------------------------------------------- bad input


async def test_bad_input_is_refused_in_romanian_never_with_a_500(login, world):
    accountant = await login("accountant")
    base = (await new_list(accountant, "BAZA"))["id"]
    items = f"/api/price-lists/{base}/items"
    for body, status, code, field in (
        ({"article": 99999, "price": "1"}, 422, "ARTICLE_INVALID", "article"),
        ({"article_code": "NUEXISTA", "price": "1"}, 422, "ARTICLE_INVALID", "article_code"),
        ({"price": "1"}, 422, "ARTICLE_REQUIRED", "article"),
        ({"article": world["laptop"], "article_code": "LAP", "price": "1"}, 422,
         "ARTICLE_REQUIRED", "article"),
        ({"article_code": "LAP", "price": "-0.01"}, 422, "PRICE_NEGATIVE", "price"),
        ({"article_code": "LAP", "price": "NaN"}, 422, "NUMBER_INVALID", "price"),
        ({"article_code": "LAP", "price": "1e30"}, 422, "NUMBER_INVALID", "price"),
        ({"article_code": "LAP", "price": "1", "min_quantity": "Infinity"}, 422,
         "NUMBER_INVALID", "min_quantity"),
        ({"article_code": "LAP", "price": "1", "min_quantity": "-1"}, 422,
         "PRICE_TIER_NEGATIVE", "min_quantity"),
        ({"article_code": "LAP", "price": "1", "valid_from": "2026-02-30"}, 400,
         "REQUEST_INVALID", None),
        ({"article_code": "LAP", "price": "1", "valid_from": "2026-02-01",
          "valid_to": "2026-01-31"}, 422, "PRICE_DATES", "valid_to"),
        ({"article_code": "LAP", "price": "unu"}, 400, "REQUEST_INVALID", None),
        ({"article_code": "LAP\x00", "price": "1"}, 400, "REQUEST_INVALID", None),
        ({"article_code": "LAP", "price": "1", "pret": "2"}, 400, "REQUEST_INVALID", None),
    ):  # fmt: skip
        assert_error(await accountant.post(items, json=body), status, code, field)
    assert await PriceItem.count() == 0

    for body, code in (
        ({"code": "EUR", "name": "Euro", "currency": "XYZ"}, "CURRENCY_INVALID"),
        ({"code": "D", "name": "D", "base_list": base, "base_percent": "NaN"}, "NUMBER_INVALID"),
        ({"code": "D", "name": "D", "base_list": 99999}, "PRICE_LIST_BASE_INVALID"),
        ({"code": "D", "name": "D", "base_percent": "5"}, "PRICE_LIST_BASE_REQUIRED"),
        ({"code": " ", "name": "D"}, "FIELD_REQUIRED"),
    ):
        assert_error(await accountant.post("/api/price-lists", json=body), 422, code)
    assert await PriceList.count() == 1

    sales = await login("sales")
    resolve = "/api/prices/resolve"
    for body, status, code in (
        (resolve_body(world, lines=[{"article": world["laptop"], "quantity": "NaN"}]), 422,
         "NUMBER_INVALID"),
        (resolve_body(world, lines=[{"article": 99999}]), 422, "ARTICLE_INVALID"),
        (resolve_body(world, lines=[{"article_code": "NUEXISTA"}]), 422, "ARTICLE_INVALID"),
        (resolve_body(world, lines=[{"quantity": "1"}]), 422, "ARTICLE_REQUIRED"),
        (resolve_body(world, partner=99999), 404, "PARTNER_NOT_FOUND"),
        (resolve_body(world, lines=[{"article": world["laptop"], "price_list": 99999}]), 404,
         "PRICE_LIST_NOT_FOUND"),
        (resolve_body(world, date="10.03.2026"), 400, "REQUEST_INVALID"),
        (resolve_body(world, currency="euro"), 400, "REQUEST_INVALID"),
        (resolve_body(world, lines=[]), 400, "REQUEST_INVALID"),
        (resolve_body(world, lines=[{"article": world["laptop"]}] * 2001), 400, "REQUEST_INVALID"),
        (resolve_body(world, lines=[{"article": 2**31}]), 400, "REQUEST_INVALID"),
    ):  # fmt: skip
        assert_error(await sales.post(resolve, json=body), status, code)
    lines = [{"article": world["laptop"]}, {"article": world["laptop"], "quantity": "NaN"}]
    nan = await sales.post(resolve, json=resolve_body(world, lines=lines))
    assert_error(nan, 422, "NUMBER_INVALID", "lines[1].quantity")

    for url, status, code in (
        (f"/api/price-lists/{base}/items?on=2026-13-01", 400, "REQUEST_INVALID"),
        (f"/api/price-lists/{2**31}", 400, "REQUEST_INVALID"),
        ("/api/price-lists/99999", 404, "PRICE_LIST_NOT_FOUND"),
        ("/api/price-lists/99999/items", 404, "PRICE_LIST_NOT_FOUND"),
        ("/api/price-lists/99999/export", 404, "PRICE_LIST_NOT_FOUND"),
        ("/api/price-lists?limit=0", 422, "LIMIT_INVALID"),
    ):
        assert_error(await sales.get(url), status, code)
    missing = await accountant.post("/api/price-lists/99999/import", content="cod_articol,pret\n")
    assert_error(missing, 404, "PRICE_LIST_NOT_FOUND")
    not_json = await accountant.post("/api/prices/resolve", content="{",
                                     headers={"Content-Type": "application/json"})  # fmt: skip
    assert not_json.status_code == 400, not_json.text


async def test_a_user_or_team_that_does_not_exist_is_refused_at_the_field(login, world):
    accountant = await login("accountant")
    vip = (await new_list(accountant, "VIP"))["id"]
    for row in ({"user": 99999}, {"team": 99999}):
        rows = [{"role": "accountant", "level": "edit"}, row]
        response = await accountant.put(f"/api/price-lists/{vip}/access", json={"rows": rows})
        assert response.status_code == 422, response.text
    assert await PriceListAccess.count() == 0


# --------------------------------------------------------------------------- OpenAPI


async def test_openapi_lists_the_price_operations(anon):
    response = await anon.get("/schema/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    operations = {
        op["operationId"]: (method, path, op)
        for path, item in schema["paths"].items()
        for method, op in item.items()
        if "Liste de prețuri" in op.get("tags", [])
    }
    assert set(operations) == {
        "ListPriceLists", "CreatePriceList", "GetPriceList", "UpdatePriceList",
        "ListPriceItems", "AddPriceItem", "EndPriceItem", "ReplacePriceListAccess",
        "AddPriceListAssignment", "DeletePriceListAssignment", "ImportPriceList",
        "ExportPriceList", "ResolvePrices",
    }  # fmt: skip
    method, path, op = operations["ImportPriceList"]
    assert (method, path) == ("post", "/api/price-lists/{list_id}/import")
    assert list(op["requestBody"]["content"]) == ["text/csv"]
    assert operations["ResolvePrices"][:2] == ("post", "/api/prices/resolve")
    lines = schema["components"]["schemas"]["ResolveIn"]["properties"]["lines"]
    assert lines["maxItems"] == 2000
    export = json.dumps(operations["ExportPriceList"][2])
    assert "text/csv" in export
    assert "excel" in export
