"""Price lists in the admin («Prețuri»), through its HTTP API with real sessions.

A salesperson never gets the prices of a list they may not see — not the rows, not one
row, not a count, not the CSV export (the rows endpoint page by page); prices are never
edited (a new price is a new item); lists, access rows and assignments are saved through
the domain's checks and the list-level `edit` right; the forms call the same operations
and refuse bad input in Romanian.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from domain.core.clock import today
from domain.org.permissions import SYSTEM
from domain.pricing.ops import access_replace, assignment_add, price_list_create, price_set
from tables.choices import PriceTarget
from tables.pricing import PriceItem, PriceList, PriceListAccess, PriceListAssignment
from tests.admin.test_sales_forms import post_form
from tests.factories import make_article, make_client, make_company

API = "/admin/api"
PRICES = f"{API}/tables/pret"
LISTS = f"{API}/tables/lista_preturi"
D = date(2026, 3, 10)  # VAT 21 %


async def _new_row(client: httpx.AsyncClient, table: str, **values: Any) -> dict[str, Any]:
    """What the SPA posts on «Add»: the defaults from /new/, typed over."""
    response = await client.get(f"{API}/tables/{table}/new/")
    assert response.status_code == 200, response.text
    return {k: v for k, v in response.json().items() if k != "id"} | values


async def _list(code: str, **kw: Any) -> int:
    return await price_list_create(values={"code": code, "name": f"Lista {code}", **kw}, by=SYSTEM)


async def _price(list_id: int, article: int, value: str, **kw: Any) -> int:
    await price_set(list_id=list_id, article=article,
                    values={"price": Decimal(value), "valid_from": date(2025, 1, 1), **kw},
                    by=SYSTEM)  # fmt: skip
    row = await PriceItem.select(PriceItem.id).order_by(PriceItem.id, ascending=False).first()
    return row["id"]


@pytest.fixture
async def world() -> dict[str, int]:
    """BAZA: open to everyone; VIP: only accountants (edit) may reach it."""
    await make_company()
    laptop = await make_article("LAP", name="Laptop")
    mouse = await make_article("MOU", name="Mouse")
    base, vip = await _list("BAZA"), await _list("VIP")
    await access_replace(list_id=vip, rows=[{"role": "accountant", "level": "edit"}], by=SYSTEM)
    return {
        "laptop": laptop,
        "mouse": mouse,
        "base": base,
        "vip": vip,
        "base_item": await _price(base, laptop, "100"),
        "vip_item": await _price(vip, laptop, "80"),
        "client": await make_client(),
    }


async def _user_id(client: httpx.AsyncClient) -> int:
    return int((await client.get(f"{API}/user/")).json()["user_id"])


def _ids(response: httpx.Response) -> set[int]:
    assert response.status_code == 200, response.text
    return {r["id"] for r in response.json()["rows"]}


async def test_a_salesperson_never_gets_the_prices_of_a_list_they_may_not_see(login, world):
    sales = await login("sales")
    base, vip = world["base"], world["vip"]

    # Unfiltered: the rows and the ids are refused, saying what to do instead.
    for url in (f"{PRICES}/", f"{PRICES}/ids/"):
        response = await sales.get(url)
        assert response.status_code == 403, (url, response.text)
        assert response.text.endswith("(cod PRICE_LIST_FILTER_REQUIRED)"), response.text
    assert (await sales.get(f"{PRICES}/")).text.startswith("Alegeți întâi lista de prețuri")
    # The bare count says only how many prices exist (the SPA shows nothing, not even
    # its filter, when it fails); any other filter needs the list, or counts per price
    # range would tell the hidden prices.
    assert (await sales.get(f"{PRICES}/count/")).json()["count"] == 2
    for params in (
        {"article": world["laptop"]},
        {"price": 90, "price__operator": "gt"},
        {"price__operator": "not_null"},
    ):
        response = await sales.get(f"{PRICES}/count/", params=params)
        assert response.status_code == 403, (params, response.text)

    # The list they may not see does not exist for them, whatever way it is asked.
    for params in (
        {"price_list": vip},
        {"price_list[]": vip},
        [("price_list", base), ("price_list", vip)],
    ):
        for url in (f"{PRICES}/", f"{PRICES}/count/"):
            response = await sales.get(url, params=params)
            assert response.status_code == 404, (params, response.text)
            assert "PRICE_LIST_NOT_FOUND" in response.text
    # An operator other than "equals" would reach the other lists' rows.
    for operator in ("ne", "gt", "lt", "not_null"):
        response = await sales.get(
            f"{PRICES}/", params={"price_list": base, "price_list__operator": operator}
        )
        assert response.status_code == 403, (operator, response.text)
    response = await sales.get(f"{PRICES}/", params={"price_list": "null"})
    assert response.status_code in (403, 422), response.text  # 422: FastAPI's int check
    one = await sales.get(f"{PRICES}/{world['vip_item']}/")
    assert one.status_code == 404
    assert one.text == f"Prețul nr. {world['vip_item']} nu există. (cod PRICE_NOT_FOUND)"
    assert (await sales.get(f"{LISTS}/{vip}/")).status_code == 404

    # Their own list: as the SPA asks for it (and as its CSV export pages through it).
    listed = await sales.get(f"{PRICES}/", params={"__readable": "true", "price_list": base,
                                                   "__page_size": 1000, "__page": 1})  # fmt: skip
    assert _ids(listed) == {world["base_item"]}
    assert listed.json()["rows"][0]["price_list_readable"] == "Lista BAZA"
    count = await sales.get(f"{PRICES}/count/", params={"price_list": base})
    assert count.json()["count"] == 1
    assert (await sales.get(f"{PRICES}/{world['base_item']}/")).status_code == 200
    assert (await sales.get(f"{LISTS}/{base}/")).status_code == 200

    # Once the list is opened to their role, they see it.
    await access_replace(
        list_id=vip,
        rows=[{"role": "accountant", "level": "edit"}, {"role": "sales", "level": "see"}],
        by=SYSTEM,
    )
    assert _ids(await sales.get(f"{PRICES}/", params={"price_list": vip})) == {world["vip_item"]}
    assert (await sales.get(f"{PRICES}/{world['vip_item']}/")).status_code == 200
    # Now every list is visible to them: no filter needed any more.
    assert _ids(await sales.get(f"{PRICES}/")) == {world["base_item"], world["vip_item"]}

    # An administrator reaches every list.
    admin = await login("admin")
    assert _ids(await admin.get(f"{PRICES}/")) == {world["base_item"], world["vip_item"]}
    assert (await admin.get(f"{PRICES}/ids/")).status_code == 200


async def test_a_price_is_never_edited_in_the_admin(login, world):
    accountant = await login("accountant")
    item = world["base_item"]
    edit = await accountant.patch(f"{PRICES}/{item}/", json={"price": "1"})
    delete = await accountant.delete(f"{PRICES}/{item}/")
    add = await accountant.post(
        f"{PRICES}/",
        json=await _new_row(accountant, "pret", price_list=world["base"],
                            article=world["mouse"], price="5", valid_from="2025-01-01"),
    )  # fmt: skip
    for response in (edit, delete, add):
        assert response.status_code == 422, response.text
        assert response.json()["code"] == "ADMIN_READ_ONLY"
        assert "un preț nou este un rând nou" in response.json()["custom_form_error"]
    assert await PriceItem.count() == 2
    row = await PriceItem.select(PriceItem.price).where(PriceItem.id == item).first()
    assert Decimal(str(row["price"])) == 100


async def test_price_lists_are_saved_through_the_domain_and_the_list_right(login, world):
    accountant = await login("accountant")

    bad = await accountant.post(
        f"{LISTS}/", json=await _new_row(accountant, "lista_preturi", code="dist",
                                         name="Distribuitori", rounding="x.9")
    )  # fmt: skip
    assert bad.status_code == 422, bad.text
    assert bad.json() == {
        "custom_form_error": "Rotunjirea «x.9» nu este validă: o terminație are forma x.99 "
        "(două cifre după punct). (cod PRICE_LIST_ROUNDING)",
        "code": "PRICE_LIST_ROUNDING",
    }
    good = await accountant.post(
        f"{LISTS}/", json=await _new_row(accountant, "lista_preturi", code=" dist ",
                                         name="Distribuitori", rounding="x.99",
                                         base_list=world["base"], base_percent="-12")
    )  # fmt: skip
    assert good.status_code == 201, good.text
    (created,) = good.json()
    row = await PriceList.select().where(PriceList.id == created["id"]).first()
    assert (row["code"], row["base_list"], row["rounding"]) == ("DIST", world["base"], "x.99")

    # Edit: checked as a whole (a duplicate code names the other list).
    dup = await accountant.patch(f"{LISTS}/{created['id']}/", json={"code": "baza"})
    assert dup.status_code == 422
    assert dup.json()["code"] == "PRICE_LIST_DUPLICATE"
    assert "«Lista BAZA»" in dup.json()["custom_form_error"]

    # A list where accountants only `use`: neither edited nor deleted by one.
    await access_replace(list_id=world["vip"], rows=[{"role": "accountant", "level": "use"}],
                         by=SYSTEM)  # fmt: skip
    for response in (
        await accountant.patch(f"{LISTS}/{world['vip']}/", json={"name": "Altfel"}),
        await accountant.delete(f"{LISTS}/{world['vip']}/"),
    ):
        assert response.status_code == 403, response.text
        assert response.text == (
            "Nu aveți dreptul să modifice lista de prețuri «Lista VIP». (cod PRICE_LIST_FORBIDDEN)"
        )
    # A list they may not even see does not exist for them.
    await access_replace(list_id=world["vip"], rows=[{"role": "sales", "level": "edit"}],
                         by=SYSTEM)  # fmt: skip
    derived = await accountant.post(
        f"{LISTS}/", json=await _new_row(accountant, "lista_preturi", code="COPIE",
                                         name="Copie", base_list=world["vip"])
    )  # fmt: skip
    assert derived.status_code == 422, derived.text  # it would show the hidden prices
    assert derived.json()["code"] == "PRICE_LIST_BASE_INVALID"
    hidden = await accountant.patch(f"{LISTS}/{world['vip']}/", json={"name": "Altfel"})
    assert hidden.status_code == 404
    assert "PRICE_LIST_NOT_FOUND" in hidden.text
    assert (await PriceList.select(PriceList.name).where(PriceList.id == world["vip"]).first())[
        "name"
    ] == "Lista VIP"

    # Deleting: a list with prices keeps its history; a base list keeps its derived ones.
    has_prices = await accountant.delete(f"{LISTS}/{world['base']}/")
    assert has_prices.status_code == 422, has_prices.text
    assert has_prices.json()["code"] == "PRICE_LIST_HAS_PRICES"
    assert "Dezactivați-o" in has_prices.json()["custom_form_error"]
    await PriceItem.delete().where(PriceItem.price_list == world["base"])
    is_base = await accountant.delete(f"{LISTS}/{world['base']}/")
    assert is_base.status_code == 422
    assert is_base.json()["code"] == "PRICE_LIST_IS_BASE"
    assert (await accountant.delete(f"{LISTS}/{created['id']}/")).status_code == 204
    assert (await accountant.delete(f"{LISTS}/{world['base']}/")).status_code == 204

    sales = await login("sales")
    refused = await sales.post(
        f"{LISTS}/", json=await _new_row(sales, "lista_preturi", code="X", name="X")
    )
    assert refused.status_code == 403
    assert "(cod FORBIDDEN)" in refused.text


async def test_access_rows_go_through_the_domain_and_keep_the_editor_in(login, world):
    accountant = await login("accountant")
    base = world["base"]
    url = f"{API}/tables/acces_lista_preturi"

    async def add(**values: Any) -> httpx.Response:
        body = await _new_row(accountant, "acces_lista_preturi", price_list=base, **values)
        return await accountant.post(f"{url}/", json=body)

    both = await add(role="sales", team=None, user=await _user_id(accountant), level="see")
    assert both.status_code == 422, both.text
    assert both.json()["code"] == "PRICE_ACCESS_SUBJECT"
    # BAZA is open; naming only salespeople would shut the accountant out of it.
    lockout = await add(role="sales", level="see")
    assert lockout.status_code == 422, lockout.text
    assert lockout.json()["code"] == "PRICE_ACCESS_LOCKOUT"
    assert await PriceListAccess.count().where(PriceListAccess.price_list == base) == 0

    mine = await add(role="accountant", level="edit")
    assert mine.status_code == 201, mine.text
    assert (await add(role="sales", level="see")).status_code == 201
    (own,) = mine.json()
    for response in (
        await accountant.patch(f"{url}/{own['id']}/", json={"level": "use"}),
        await accountant.delete(f"{url}/{own['id']}/"),
    ):
        assert response.status_code == 422, response.text
        assert response.json()["code"] == "PRICE_ACCESS_LOCKOUT"
    assert await PriceListAccess.count().where(PriceListAccess.price_list == base) == 2

    # Rows of a list the accountant may not see: neither added nor changed.
    await access_replace(list_id=world["vip"], rows=[{"role": "sales", "level": "edit"}],
                         by=SYSTEM)  # fmt: skip
    hidden = await accountant.post(f"{url}/", json=await _new_row(
        accountant, "acces_lista_preturi", price_list=world["vip"], role="accountant",
        level="edit"))  # fmt: skip
    assert hidden.status_code == 404, hidden.text
    (vip_row,) = await PriceListAccess.select(PriceListAccess.id).where(
        PriceListAccess.price_list == world["vip"]
    )
    changed = await accountant.patch(f"{url}/{vip_row['id']}/", json={"role": "accountant"})
    assert changed.status_code == 404, changed.text

    sales = await login("sales")
    refused = await sales.delete(f"{url}/{own['id']}/")
    assert refused.status_code == 403
    assert "(cod FORBIDDEN)" in refused.text


async def test_assignments_name_one_existing_target(login, world):
    accountant = await login("accountant")
    url = f"{API}/tables/atribuire_lista_preturi"

    async def add(**values: Any) -> httpx.Response:
        body = await _new_row(accountant, "atribuire_lista_preturi", price_list=world["base"],
                              **values)  # fmt: skip
        return await accountant.post(f"{url}/", json=body)

    missing = await add(target="partner")
    assert missing.status_code == 422
    assert missing.json()["code"] == "PRICE_TARGET_MISMATCH"
    extra = await add(target="company", partner=world["client"])
    assert extra.json()["code"] == "PRICE_TARGET_MISMATCH"
    ghost = await add(target="pos", pos=9999)
    assert ghost.status_code == 422
    assert ghost.json()["custom_form_error"] == (
        "Punctul de vânzare nr. 9999 nu există. (cod PRICE_TARGET_INVALID)"
    )
    good = await add(target="partner", partner=world["client"], priority=5)
    assert good.status_code == 201, good.text
    (row,) = good.json()
    dates = await accountant.patch(
        f"{url}/{row['id']}/", json={"valid_from": "2026-02-01", "valid_to": "2026-01-31"}
    )
    assert dates.status_code == 422
    assert dates.json()["code"] == "PRICE_TARGET_DATES"
    stored = await PriceListAssignment.select().first()
    assert (stored["target"], stored["partner"], stored["priority"], stored["valid_to"]) == (
        "partner", world["client"], 5, None,
    )  # fmt: skip

    sales = await login("sales")
    body = await _new_row(sales, "atribuire_lista_preturi", price_list=world["base"],
                          target="company")  # fmt: skip
    assert (await sales.post(f"{url}/", json=body)).status_code == 403


async def test_forms_new_price_import_what_applies_and_end(login, world):
    accountant = await login("accountant")

    made = await post_form(accountant, "Preț nou", {
        "price_list": "baza", "article": "MOU", "price": "12,5", "min_quantity": "",
        "valid_from": "2025-06-01", "valid_to": None,
    })  # fmt: skip
    assert made.status_code == 200, made.text
    assert made.json()["custom_form_success"] == (
        "Lista «Lista BAZA», articolul MOU: 12.50 RON fără TVA, valabil din 01.06.2025."
    )
    item = await PriceItem.select().where(PriceItem.article == world["mouse"]).first()
    who = (await accountant.get(f"{API}/user/")).json()["username"]
    assert (Decimal(str(item["price"])), item["valid_from"], item["created_by"]) == (
        Decimal("12.5"), date(2025, 6, 1), who,
    )  # fmt: skip
    for body, code, text in (
        ({"price": "doisprezece"}, "NUMBER_INVALID", "Valoarea «doisprezece» nu este un număr"),
        ({"price": "-1"}, "PRICE_NEGATIVE", "Prețul nu poate fi negativ."),
        ({"article": "NUEXISTA"}, "ARTICLE_INVALID", "Articolul cu codul «NUEXISTA» nu există."),
        ({"price_list": "NICIUNA"}, "PRICE_LIST_NOT_FOUND", "Lista de prețuri «NICIUNA» nu"),
        ({"valid_to": "2024-01-01"}, "PRICE_DATES", "Prețul se termină înainte să înceapă."),
    ):
        bad = await post_form(accountant, "Preț nou", {
            "price_list": "BAZA", "article": "MOU", "price": "3", "valid_from": "2025-01-01",
        } | body)  # fmt: skip
        assert bad.status_code == 422, bad.text
        error = bad.json()["custom_form_error"]
        assert error.startswith(text), error
        assert error.endswith(f"(cod {code})"), error
    sales = await login("sales")
    refused = await post_form(sales, "Preț nou", {"price_list": "BAZA", "article": "MOU",
                                                  "price": "1"})  # fmt: skip
    assert refused.status_code == 422
    assert "(cod FORBIDDEN)" in refused.json()["custom_form_error"]

    # Import: all or nothing, every bad row by line number; a second import adds nothing.
    # The admin's form field is one line: a browser pastes the file with spaces for its
    # line breaks (checked in Chromium); the form puts the rows back.
    csv = "cod_articol,pret,valabil_de_la\nLAP,110,2026-01-01\nMOU,13.00,2026-01-01\n"
    pasted = csv.replace("\n", " ")
    first = await post_form(
        accountant, "Import prețuri (CSV)", {"price_list": "BAZA", "content": pasted}
    )
    assert first.json() == {"custom_form_success": "2 prețuri adăugate, 0 existau deja."}
    again = await post_form(
        accountant, "Import prețuri (CSV)", {"price_list": "BAZA", "content": csv}
    )
    assert again.json() == {"custom_form_success": "0 prețuri adăugate, 2 existau deja."}
    bad_csv = "cod;pret;valabil_de_la\nLAP;99,5;01.02.2026\nXYZ;5;2026-01-01\nMOU;abc;\n"
    before = await PriceItem.count()
    for content in (bad_csv, bad_csv.replace("\n", " ")):
        refused = await post_form(
            accountant, "Import prețuri (CSV)", {"price_list": "BAZA", "content": content}
        )
        assert refused.status_code == 422
        assert refused.json()["custom_form_error"] == (
            "Nu s-a importat nimic: 2 rânduri greșite. Rândul 3: articolul «XYZ» nu există; "
            "rândul 4: «abc» nu este un număr. (cod PRICE_IMPORT_INVALID)"
        )
    assert await PriceItem.count() == before

    # What applies: BAZA is the company's list; VIP (the partner's) is not the seller's.
    await assignment_add(list_id=world["base"], values={"target": PriceTarget.company},
                         by=SYSTEM)  # fmt: skip
    await assignment_add(list_id=world["vip"],
                         values={"target": PriceTarget.partner, "partner": world["client"]},
                         by=SYSTEM)  # fmt: skip
    ask = {"article": "LAP", "quantity": "2", "partner": "RO12345674", "day": D.isoformat(),
           "currency": "ron"}  # fmt: skip
    answer = await post_form(sales, "Ce preț se aplică?", ask)
    assert answer.status_code == 200, answer.text
    text = answer.json()["custom_form_success"]
    assert text.startswith(
        "LAP × 2 la 10.03.2026: 110.00 RON fără TVA, 133.10 RON cu TVA (21 %), din lista "
        "«Lista BAZA». De ce: "
    ), text
    # The resolver's reasons, in order: the partner's list first (not the seller's).
    assert text.endswith(
        ". Lista «Lista BAZA» (atribuită firmei (lista implicită)): preț fără TVA "
        "valabil din 01.01.2026."
    ), text
    assert "partenerului" in text
    boss = await post_form(
        accountant, "Ce preț se aplică?", ask | {"partner": str(world["client"])}
    )
    assert "80.00 RON fără TVA, 96.80 RON cu TVA (21 %), din lista «Lista VIP»" in boss.text
    nothing = await post_form(sales, "Ce preț se aplică?", ask | {"day": "2024-12-31"})
    assert nothing.json()["custom_form_success"].startswith(
        "Niciun preț pentru LAP × 2 la 31.12.2024. De ce: "
    )
    for body, code in (({"partner": "999999"}, "PARTNER_NOT_FOUND"),
                       ({"quantity": "două"}, "NUMBER_INVALID"),
                       ({"pos": "CASA9"}, "NOT_FOUND")):  # fmt: skip
        bad = await post_form(sales, "Ce preț se aplică?", ask | body)
        assert bad.status_code == 422
        assert bad.json()["custom_form_error"].endswith(f"(cod {code})"), bad.text

    # End a price: from today at the earliest; once.
    last = today() + timedelta(days=30)
    item_id = world["base_item"]
    ended = await post_form(accountant, "Încheie un preț",
                            {"item_id": item_id, "last_day": last.isoformat()})  # fmt: skip
    assert ended.json() == {
        "custom_form_success": f"Prețul nr. {item_id} se aplică până la {last:%d.%m.%Y} inclusiv."
    }
    twice = await post_form(accountant, "Încheie un preț",
                            {"item_id": item_id, "last_day": last.isoformat()})  # fmt: skip
    assert twice.json()["custom_form_error"].endswith("(cod PRICE_ALREADY_ENDED)")
    empty = await post_form(accountant, "Încheie un preț", {"item_id": None, "last_day": None})
    assert empty.json()["custom_form_error"] == (
        "Completați numărul prețului și ultima lui zi. (cod FIELD_REQUIRED)"
    )
    hidden = await post_form(sales, "Încheie un preț", {"item_id": world["vip_item"],
                                                         "last_day": last.isoformat()})  # fmt: skip
    assert hidden.status_code == 422
    assert "(cod FORBIDDEN)" in hidden.json()["custom_form_error"]


async def test_price_tables_speak_romanian(login):
    viewer = await login("viewer")
    schema = (await viewer.get(f"{API}/tables/pret/schema/")).json()["properties"]
    assert schema["price_list"]["title"] == "Lista de prețuri"
    assert schema["min_quantity"]["title"] == "De la cantitatea"
    access = (await viewer.get(f"{API}/tables/acces_lista_preturi/schema/")).json()
    levels = access["properties"]["level"]["extra"]["choices"]
    assert {c["value"]: c["display_name"] for c in levels.values()} == {
        "see": "Vede prețurile", "use": "Vede și folosește", "edit": "Vede, folosește și modifică",
    }  # fmt: skip
    assignment = (await viewer.get(f"{API}/tables/atribuire_lista_preturi/schema/")).json()
    targets = assignment["properties"]["target"]["extra"]["choices"]
    assert {c["display_name"] for c in targets.values()} == {
        "Partener", "Grup de parteneri", "Punct de vânzare", "Punct de lucru",
        "Echipa utilizatorului", "Firmă",
    }  # fmt: skip
    assert (await viewer.get(f"{API}/tables/lista_preturi/schema/")).json()["properties"][
        "prices_include_vat"
    ]["title"] == "Prețuri cu TVA"
