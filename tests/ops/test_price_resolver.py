"""The price resolver against a real database: precedence, validity edges, tiers, derived
lists and rounding, with/without VAT at 19 % and 21 %, access, currency, history."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from domain.org.actors import actor_for_user
from domain.org.permissions import SYSTEM, Actor
from domain.org.users import user_create
from domain.pricing.csvio import prices_export, prices_import
from domain.pricing.ops import (
    access_replace,
    assignment_add,
    price_end,
    price_list_create,
    price_list_update,
    price_set,
)
from domain.pricing.queries import list_items, price_lists_for
from domain.pricing.resolver import PriceAsk, PriceContext, resolve_prices
from tables.choices import PriceTarget
from tables.org import ExchangeRate, Person, Team, WorkPoint
from tables.partners import PartnerGroup
from tables.pos import PointOfSale
from tables.pricing import PriceItem
from tests.factories import make_article, make_client, make_company

D = date(2026, 3, 10)


@pytest.fixture
async def world() -> dict[str, int]:
    company = await make_company()
    group = PartnerGroup(name="Revânzători")
    await group.save()
    work_point = WorkPoint(company=company, code="CJ", name="Magazin Cluj")
    await work_point.save()
    pos = PointOfSale(company=company, work_point=work_point.id, code="POS1", name="Casa 1")
    await pos.save()
    team = Team(company=company, code="V1", name="Vânzări Nord")
    await team.save()
    return {
        "company": company,
        "group": group.id,
        "work_point": work_point.id,
        "pos": pos.id,
        "team": team.id,
        "client": await make_client(group=group.id),
        "other": await make_client(name="Beta SRL", cui="18547290"),
        "laptop": await make_article("LAP", name="Laptop"),
        "coffee": await make_article("CAF", name="Cafea", vat_category="S-REDUSA"),
    }


async def staff(role: str, name: str, team: int | None = None, company: int = 0) -> Actor:
    user_id = await user_create(username=name, password="parola-lunga-1", role=role, by=SYSTEM)
    if team is not None:
        await Person(company=company, name=name, user=user_id, team=team).save()
    actor = await actor_for_user(user_id)
    assert actor is not None
    return actor


async def new_list(code: str, **kw: object) -> int:
    return await price_list_create(values={"code": code, "name": f"Lista {code}", **kw}, by=SYSTEM)


async def price(list_id: int, article: int, value: str, **kw: object) -> None:
    await price_set(
        list_id=list_id, article=article,
        values={"price": Decimal(value), "valid_from": date(2025, 1, 1), **kw}, by=SYSTEM,
    )  # fmt: skip


async def assign(list_id: int, target: PriceTarget, target_id: int | None, **kw: object) -> None:
    values: dict[str, object] = {"target": target, **kw}
    if target is not PriceTarget.company:
        values[str(target)] = target_id
    await assignment_add(list_id=list_id, values=values, by=SYSTEM)


async def one(world: dict[str, int], article: str = "laptop", by: Actor = SYSTEM,
              qty: str = "1", day: date = D, **ctx: object):  # fmt: skip
    context = PriceContext(day=day, **ctx)  # type: ignore[arg-type]
    [answer] = await resolve_prices([PriceAsk(world[article], Decimal(qty))], context, by=by)
    return answer


async def test_precedence_partner_group_pos_work_point_team_company(world):
    lists = {}
    for n, target in enumerate(PriceTarget):
        lists[target] = await new_list(f"L{n}")
        await price(lists[target], world["laptop"], f"{100 + n}")
    seller = await staff("sales", "ana", team=world["team"], company=world["company"])
    targets = {
        PriceTarget.partner: world["client"], PriceTarget.partner_group: world["group"],
        PriceTarget.pos: world["pos"], PriceTarget.work_point: world["work_point"],
        PriceTarget.team: world["team"], PriceTarget.company: None,
    }  # fmt: skip
    for target, target_id in targets.items():
        await assign(lists[target], target, target_id)
    ctx = {"partner": world["client"], "pos": world["pos"], "work_point": world["work_point"]}
    expected = list(PriceTarget)
    while expected:
        answer = await one(world, by=seller, **ctx)
        assert answer.level is expected[0]
        assert answer.price_list == lists[expected[0]]
        assert answer.net == Decimal(100 + list(PriceTarget).index(expected[0]))
        # Take the winner's price away: the next level answers, and says why.
        await PriceItem.delete().where(PriceItem.price_list == lists[expected[0]])
        expected.pop(0)
    answer = await one(world, by=seller, **ctx)
    assert not answer.found
    assert answer.net is None
    assert len(answer.why) == len(PriceTarget)
    assert all("nu are preț" in why for why in answer.why)


async def test_partner_of_another_group_gets_the_company_default(world):
    resellers, base = await new_list("RVZ"), await new_list("BAZA")
    await price(resellers, world["laptop"], "90")
    await price(base, world["laptop"], "100")
    await assign(resellers, PriceTarget.partner_group, world["group"])
    await assign(base, PriceTarget.company, None)
    assert (await one(world, partner=world["client"])).net == Decimal(90)
    assert (await one(world, partner=world["other"])).net == Decimal(100)


async def test_priority_breaks_ties_within_a_level(world):
    low, high = await new_list("LOW"), await new_list("HIGH")
    await price(low, world["laptop"], "10")
    await price(high, world["laptop"], "20")
    await assign(low, PriceTarget.company, None, priority=1)
    await assign(high, PriceTarget.company, None, priority=5)
    assert (await one(world)).price_list == high


async def test_validity_edges_of_list_item_and_assignment(world):
    promo = await new_list("PROMO", valid_from=date(2026, 3, 1), valid_to=date(2026, 3, 31))
    base = await new_list("BAZA")
    await price(promo, world["laptop"], "80")
    await price(base, world["laptop"], "100")
    await assign(promo, PriceTarget.partner, world["client"])
    await assign(base, PriceTarget.company, None)
    days = (date(2026, 2, 28), date(2026, 3, 1), date(2026, 3, 31), date(2026, 4, 1))
    at = {d: (await one(world, partner=world["client"], day=d)).net for d in days}
    assert at == {date(2026, 2, 28): 100, date(2026, 3, 1): 80,
                  date(2026, 3, 31): 80, date(2026, 4, 1): 100}  # fmt: skip
    # An item's own dates: a weekend price on top of the list's normal one.
    await price(base, world["laptop"], "95", valid_from=date(2026, 5, 2), valid_to=date(2026, 5, 3))
    for day, expected in ((date(2026, 5, 1), 100), (date(2026, 5, 2), 95),
                          (date(2026, 5, 3), 95), (date(2026, 5, 4), 100)):  # fmt: skip
        assert (await one(world, day=day)).net == expected, day
    # An assignment's dates.
    other = await new_list("X")
    await price(other, world["laptop"], "70")
    await assign(other, PriceTarget.partner, world["other"], valid_from=date(2026, 6, 1),
                 valid_to=date(2026, 6, 30))  # fmt: skip
    assert (await one(world, partner=world["other"], day=date(2026, 5, 31))).net == 100
    assert (await one(world, partner=world["other"], day=date(2026, 6, 1))).net == 70
    assert (await one(world, partner=world["other"], day=date(2026, 6, 30))).net == 70
    assert (await one(world, partner=world["other"], day=date(2026, 7, 1))).net == 100


async def test_history_a_new_price_is_a_new_item(world):
    base = await new_list("BAZA")
    await assign(base, PriceTarget.company, None)
    await price(base, world["laptop"], "100", valid_from=date(2025, 1, 1))
    await price(base, world["laptop"], "110", valid_from=date(2026, 1, 1))
    assert (await one(world, day=date(2025, 12, 31))).net == 100
    assert (await one(world, day=date(2026, 1, 1))).net == 110
    # A correction the same day wins over the first entry of that day; both are kept.
    await price(base, world["laptop"], "109", valid_from=date(2026, 1, 1))
    assert (await one(world, day=date(2026, 1, 1))).net == 109
    assert len(await list_items(base, by=SYSTEM)) == 3
    # The same price again adds nothing.
    await price(base, world["laptop"], "109", valid_from=date(2026, 1, 1))
    assert await PriceItem.count().where(PriceItem.price_list == base) == 3


async def test_quantity_tiers(world):
    base = await new_list("BAZA")
    await assign(base, PriceTarget.company, None)
    await price(base, world["laptop"], "100")
    await price(base, world["laptop"], "95", min_quantity=Decimal(10))
    await price(base, world["laptop"], "90", min_quantity=Decimal(50))
    for qty, expected in (("1", 100), ("9.999", 100), ("10", 95), ("49", 95), ("50", 90),
                          ("500", 90), ("-10", 95)):  # fmt: skip
        assert (await one(world, qty=qty)).net == expected, qty


@pytest.mark.parametrize(
    ("day", "rate", "gross_in", "net_out"),
    [(date(2025, 7, 31), Decimal(19), "119.00", Decimal("100.0000")),
     (date(2025, 8, 1), Decimal(21), "121.00", Decimal("100.0000")),
     (date(2025, 8, 1), Decimal(21), "99.99", Decimal("82.6364"))],
)  # fmt: skip
async def test_prices_with_vat_give_the_net_at_the_rate_of_the_day(
    world, day, rate, gross_in, net_out
):
    retail = await new_list("RETAIL", prices_include_vat=True)
    await assign(retail, PriceTarget.company, None)
    await price(retail, world["laptop"], gross_in, valid_from=date(2025, 1, 1))
    answer = await one(world, day=day)
    assert (answer.vat_rate, answer.gross, answer.net) == (rate, Decimal(gross_in), net_out)


async def test_prices_without_vat_give_the_gross_at_the_rate_of_the_day(world):
    base = await new_list("BAZA")
    await assign(base, PriceTarget.company, None)
    await price(base, world["coffee"], "10", valid_from=date(2025, 1, 1))
    before = await one(world, "coffee", day=date(2025, 7, 31))
    after = await one(world, "coffee", day=date(2025, 8, 1))
    assert (before.vat_rate, before.gross) == (Decimal(9), Decimal("10.90"))
    assert (after.vat_rate, after.gross) == (Decimal(11), Decimal("11.10"))


async def test_derived_list_with_rounding_and_own_overrides(world):
    base = await new_list("BAZA")
    dist = await new_list("DIST", base_list=base, base_percent=Decimal(-12), rounding="0.05")
    await assign(dist, PriceTarget.partner, world["client"])
    await price(base, world["laptop"], "123.45")
    await price(base, world["coffee"], "10")
    answer = await one(world, partner=world["client"])
    assert answer.net == Decimal("108.65")  # 123.45 x 0.88 = 108.636 -> step 0.05
    assert answer.price_list == dist
    assert "derivat din «Lista BAZA» -12 %, rotunjit 0.05" in answer.why[-1]
    await price(dist, world["laptop"], "99")  # its own price wins over the derived one
    assert (await one(world, partner=world["client"])).net == Decimal(99)
    # x.99 endings on a retail list derived from a net list: the VAT comes in first.
    shop = await new_list("SHOP", base_list=base, base_percent=Decimal(0), rounding="x.99",
                          prices_include_vat=True)  # fmt: skip
    await assign(shop, PriceTarget.pos, world["pos"])
    answer = await one(world, "coffee", pos=world["pos"])
    assert answer.gross == Decimal("10.99")  # 10 x 1.11 = 11.10 -> nearest 11 -> 10.99
    assert answer.net == Decimal("9.9009")
    # The derived list follows its base's new price.
    await price(base, world["coffee"], "20", valid_from=date(2026, 3, 1))
    assert (await one(world, "coffee", pos=world["pos"])).gross == Decimal("21.99")


async def test_derived_list_rules_are_checked(world):
    base = await new_list("BAZA")
    eur = await new_list("EUR", currency="EUR")
    with pytest.raises(ValidationFailed) as err:
        await new_list("D1", base_list=eur)
    assert err.value.code == "PRICE_LIST_BASE_CURRENCY"
    with pytest.raises(ValidationFailed) as err:
        await new_list("D2", base_list=base, base_percent=Decimal(-12), rounding="x.9")
    assert err.value.code == "PRICE_LIST_ROUNDING"
    with pytest.raises(ValidationFailed) as err:
        await new_list("D3", base_percent=Decimal(5))
    assert err.value.code == "PRICE_LIST_BASE_REQUIRED"
    child = await new_list("D4", base_list=base, base_percent=Decimal(5))
    with pytest.raises(ValidationFailed) as err:
        await price_list_update(list_id=base, values={"base_list": child}, by=SYSTEM)
    assert err.value.code == "PRICE_LIST_BASE_CYCLE"
    with pytest.raises(Conflict) as dup:
        await new_list("baza")
    assert dup.value.code == "PRICE_LIST_DUPLICATE"


async def test_access_rights_decide_who_gets_a_list(world):
    secret = await new_list("VIP")
    base = await new_list("BAZA")
    await price(secret, world["laptop"], "50")
    await price(base, world["laptop"], "100")
    await assign(secret, PriceTarget.partner, world["client"])
    await assign(base, PriceTarget.company, None)
    ana = await staff("sales", "ana", team=world["team"], company=world["company"])
    dan = await staff("sales", "dan")
    await access_replace(list_id=secret, rows=[{"team": world["team"], "level": "use"}],
                         by=SYSTEM)  # fmt: skip
    assert (await one(world, by=ana, partner=world["client"])).net == 50
    refused = await one(world, by=dan, partner=world["client"])
    assert refused.net == 100
    assert refused.why[0] == "O listă atribuită partenerului: nu aveți acces la ea."
    with pytest.raises(Forbidden) as err:  # chosen on a line by someone who may not
        await resolve_prices([PriceAsk(world["laptop"], Decimal(1), price_list=secret)],
                             PriceContext(day=D), by=dan)  # fmt: skip
    assert err.value.code == "PRICE_LIST_FORBIDDEN"
    assert secret not in {r["id"] for r in await price_lists_for(by=dan)}
    with pytest.raises(NotFound):  # a list one may not see does not exist for them
        await list_items(secret, by=dan)
    # "see" shows the prices but does not price documents.
    await access_replace(list_id=secret, rows=[{"user": dan.user_id, "level": "see"}],
                         by=SYSTEM)  # fmt: skip
    assert len(await list_items(secret, by=dan, on=D)) == 1
    assert (await one(world, by=dan, partner=world["client"])).net == 100
    # Selling is not editing; an accountant named with "edit" may.
    with pytest.raises(Forbidden):
        await price_set(list_id=secret, article=world["laptop"], values={"price": 1}, by=dan)
    carmen = await staff("accountant", "carmen")
    await access_replace(list_id=secret, rows=[{"role": "accountant", "level": "edit"}],
                         by=SYSTEM)  # fmt: skip
    await price_set(list_id=secret, article=world["laptop"], values={"price": 49}, by=carmen)
    with pytest.raises(Conflict) as lockout:
        await access_replace(list_id=secret, rows=[{"role": "sales", "level": "use"}], by=carmen)
    assert lockout.value.code == "PRICE_ACCESS_LOCKOUT"


async def test_currency_lists_convert_at_the_bnr_rate(world):
    eur = await new_list("EUR", currency="EUR")
    await price(eur, world["laptop"], "100")
    await assign(eur, PriceTarget.company, None)
    await ExchangeRate(currency="EUR", day=date(2026, 3, 9), rate=Decimal("5.0900")).save()
    in_eur = await one(world, currency="EUR")
    in_ron = await one(world, currency="RON")
    assert (in_eur.net, in_eur.fx_rate) == (Decimal(100), None)
    assert (in_ron.net, in_ron.fx_rate) == (Decimal("509.0000"), Decimal("5.09"))
    no_rate = await one(world, currency="RON", day=date(2026, 3, 9))
    assert not no_rate.found
    assert "fără curs BNR" in no_rate.why[0]


async def test_price_end_keeps_the_past(world):
    base = await new_list("BAZA")
    await assign(base, PriceTarget.company, None)
    await price(base, world["laptop"], "100")
    await price(base, world["laptop"], "90", min_quantity=Decimal(10))
    tier = await PriceItem.select(PriceItem.id).where(PriceItem.min_quantity == 10).first()
    with pytest.raises(ValidationFailed) as err:
        await price_end(item_id=tier["id"], last_day=date(2020, 1, 1), by=SYSTEM)
    assert err.value.code == "PRICE_END_IN_PAST"
    await price_end(item_id=tier["id"], last_day=date(2099, 12, 31), by=SYSTEM)
    assert (await one(world, qty="20", day=date(2099, 12, 31))).net == 90
    assert (await one(world, qty="20", day=date(2100, 1, 1))).net == 100
    with pytest.raises(Conflict):
        await price_end(item_id=tier["id"], last_day=date(2099, 6, 30), by=SYSTEM)


async def test_csv_import_is_all_or_nothing_and_exports_back(world):
    base = await new_list("BAZA")
    bad = (
        "cod_articol;denumire;pret;valabil_de_la;valabil_pana_la\n"
        "LAP;Laptop;1.234,50;01.01.2026;\n"
        "NU-EXISTA;?;10;2026-01-01;\n"
        "CAF;Cafea;abc;2026-01-01;\n"
        "CAF;Cafea;-3;2026-01-01;\n"
        "CAF;Cafea;12;2026-02-01;2026-01-01\n"
    )
    with pytest.raises(ValidationFailed) as err:
        await prices_import(list_id=base, text=bad, by=SYSTEM)
    lines = [(e["line"], e["field"]) for e in err.value.details["errors"]]
    assert [line for line, _ in lines] == [3, 4, 5, 6]
    assert await PriceItem.count().where(PriceItem.price_list == base) == 0
    good = "\ufeffcod_articol;pret;valabil_de_la\nLAP;1.234,50;01.01.2026\nCAF;12,5;2026-01-01\n"
    assert await prices_import(list_id=base, text=good, by=SYSTEM) == (2, 0)
    assert await prices_import(list_id=base, text=good, by=SYSTEM) == (0, 2)
    exported = await prices_export(list_id=base, by=SYSTEM, on=D)
    assert exported.splitlines()[1].startswith("CAF,Cafea,12.50,0,2026-01-01,,12.50,13.88")
    assert "LAP,Laptop,1234.50,0,2026-01-01,,1234.50,1493.75" in exported
    # What was exported imports back into another list unchanged.
    copy = await new_list("COPIE")
    assert await prices_import(list_id=copy, text=exported, by=SYSTEM) == (2, 0)
    excel = await prices_export(list_id=base, by=SYSTEM, on=D, excel=True)
    assert excel.startswith("\ufeffcod_articol;")
    assert "1234,50" in excel


async def test_a_derived_list_needs_a_base_one_may_see(world):
    secret = await new_list("VIP")
    await access_replace(list_id=secret, rows=[{"role": "admin", "level": "edit"}], by=SYSTEM)
    carmen = await staff("accountant", "carmen")
    with pytest.raises(ValidationFailed) as err:
        await price_list_create(
            values={"code": "D", "name": "Derivată", "base_list": secret, "base_percent": 5},
            by=carmen,
        )
    assert err.value.code == "PRICE_LIST_BASE_INVALID"
