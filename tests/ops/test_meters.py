"""Way 22 through meters: readings, the monthly utilities invoice, resets, and the
readings freed by a deleted draft, a storno or a cancellation."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from domain.core.clock import today
from domain.core.errors import Conflict, ValidationFailed
from domain.org.permissions import SYSTEM
from domain.pricing.ops import assignment_add, price_list_create, price_set
from domain.sales.invoices import (
    invoice_cancel,
    invoice_draft_update,
    invoice_issue,
    invoice_storno,
)
from domain.sales.meters import (
    meter_create,
    meter_delete_check,
    meter_get,
    meter_update,
    reading_delete,
    reading_prepare,
    reading_record,
    utilities_invoice_draft,
)
from tables.meters import MeterReading
from tables.sales import Invoice, InvoiceLine
from tests.factories import make_article, make_client, make_company, make_series

AUG, SEP, OCT, NOV = date(2025, 8, 31), date(2025, 9, 30), date(2025, 10, 31), date(2025, 11, 30)


@pytest.fixture
async def site() -> dict[str, int]:
    company = await make_company()
    await make_series(company)
    client = await make_client()
    water = await make_article("APA", name="Apă", kind="utility", uom="MTQ",
                               vat_category="S-REDUSA")  # fmt: skip
    power = await make_article("CURENT", name="Energie electrică", kind="utility", uom="KWH")
    prices = await price_list_create(values={"code": "UTIL", "name": "Utilități"}, by=SYSTEM)
    await assignment_add(list_id=prices, values={"target": "company"}, by=SYSTEM)
    for article, price in ((water, "8.1234"), (power, "1.3456")):
        values = {"price": Decimal(price), "valid_from": date(2025, 1, 1)}
        await price_set(list_id=prices, article=article, values=values, by=SYSTEM)
    meters = {}
    for name, article, serial, multiplier in (
        ("water", water, "AP-001", "1"), ("power", power, "EL-77", "40"),
    ):  # fmt: skip
        meters[name] = await meter_create(
            values={"partner": client, "article": article, "serial": serial,
                    "location": "Spațiul 2, parter", "multiplier": multiplier},
            by=SYSTEM,
        )  # fmt: skip
    return {"company": company, "client": client, "water_article": water,
            "power_article": power} | meters  # fmt: skip


async def read(site, meter: str, day: date, index: str, **kw) -> int:
    return await reading_record(meter_id=site[meter], day=day, index=index, by=SYSTEM, **kw)


async def draft(site, until: date, **kw) -> int:
    return await utilities_invoice_draft(
        company_id=site["company"], partner_id=site["client"], until=until, by=SYSTEM, **kw
    )


async def lines_of(invoice_id: int) -> list[dict]:
    return (
        await InvoiceLine.select()
        .where(InvoiceLine.invoice == invoice_id)
        .order_by(InvoiceLine.position)
    )


async def issue(invoice_id: int, day: date):
    await Invoice.update({Invoice.issue_date: day}).where(Invoice.id == invoice_id)
    return await invoice_issue(invoice_id=invoice_id, by=SYSTEM)


async def states(site, meter: str) -> list[tuple[date, str]]:
    return [(r["day"], r["state"]) for r in (await meter_get(site[meter], by=SYSTEM))["readings"]]


def quantities(lines: list[dict]) -> list[Decimal]:
    return [Decimal(str(x["quantity"])).quantize(Decimal("0.001")) for x in lines]


async def test_two_months_each_invoiced_from_the_last_billed_index(site):
    await read(site, "water", AUG, "123")
    await read(site, "power", AUG, "1200")
    await read(site, "water", SEP, "150.5")
    await read(site, "power", SEP, "1250")
    september = await draft(site, SEP)
    lines = await lines_of(september)
    assert [x["description"] for x in lines] == [
        "Apă: index vechi 123,000 → index nou 150,500 (contor AP-001)",
        "Energie electrică: index vechi 1.200,000 → index nou 1.250,000 × 40 (contor EL-77)",
    ]
    assert quantities(lines) == [Decimal("27.500"), Decimal("2000.000")]  # 50 x 40
    assert [x["uom_code"] for x in lines] == ["MTQ", "KWH"]
    # Priced by the price list that applies to the client (none typed).
    assert [Decimal(str(x["unit_price"])) for x in lines] == [Decimal("8.1234"), Decimal("1.3456")]
    assert (await Invoice.select(Invoice.delivery_date).where(Invoice.id == september).first())[
        "delivery_date"
    ] == SEP
    # Readings reserved by the draft, billed only when it is issued.
    assert await states(site, "water") == [(AUG, "draft"), (SEP, "draft")]
    issued = await issue(september, date(2025, 10, 1))
    groups = {g.vat_rate: (g.base, g.vat) for g in issued.totals.groups}
    assert groups == {
        Decimal("11.00"): (Decimal("223.39"), Decimal("24.57")),  # 27.5 x 8.1234
        Decimal("21.00"): (Decimal("2691.20"), Decimal("565.15")),  # 2000 x 1.3456
    }
    assert await states(site, "water") == [(AUG, "billed"), (SEP, "billed")]

    await read(site, "water", OCT, "170.25")
    await read(site, "power", OCT, "1262.5")
    october = await draft(site, OCT, prices={site["water_article"]: "9.5"})
    lines = await lines_of(october)
    assert [x["description"] for x in lines] == [
        "Apă: index vechi 150,500 → index nou 170,250 (contor AP-001)",
        "Energie electrică: index vechi 1.250,000 → index nou 1.262,500 × 40 (contor EL-77)",
    ]
    assert quantities(lines) == [Decimal("19.750"), Decimal("500.000")]
    assert Decimal(str(lines[0]["unit_price"])) == Decimal("9.5")  # typed
    assert [x["price_list"] is None for x in lines] == [True, False]
    await issue(october, date(2025, 11, 1))
    water = await meter_get(site["water"], by=SYSTEM)
    assert [r["consumption"] for r in water["readings"]] == [0, Decimal("27.5"), Decimal("19.75")]
    assert water["readings"][-1]["invoice_number"].startswith("FCT-")
    # The stored link is recorded by the meter's next write (here, a new reading).
    await read(site, "water", NOV, "171")
    stored = await MeterReading.select(MeterReading.invoice_line, MeterReading.draft_invoice).where(
        (MeterReading.day == OCT) & (MeterReading.meter == site["water"])
    )
    assert stored == [
        {"invoice_line": water["readings"][-1]["invoice_line"], "draft_invoice": None}
    ]
    with pytest.raises(Conflict) as err:
        await draft(site, OCT)
    assert err.value.code == "METER_NOTHING_TO_INVOICE"


async def test_a_lower_index_is_refused_unless_the_meter_was_replaced(site):
    await read(site, "water", AUG, "100")
    await read(site, "water", SEP, "130")
    with pytest.raises(ValidationFailed) as err:
        await read(site, "water", OCT, "5")
    assert err.value.code == "READING_INDEX_LOWER"
    assert "130,000" in err.value.message_ro
    with pytest.raises(ValidationFailed) as err:  # the old meter's last index goes back
        await read(site, "water", OCT, "5", reset=True, previous_index="120")
    assert err.value.code == "READING_PREVIOUS_INDEX_LOWER"
    with pytest.raises(ValidationFailed) as err:  # an old final index without a reset
        await read(site, "water", OCT, "140", previous_index="140")
    assert err.value.code == "READING_PREVIOUS_INDEX_UNEXPECTED"
    # Replaced on 31 October: the old one stopped at 140, the new one starts at 5.
    await read(site, "water", OCT, "5", reset=True, previous_index="140", note="Contor nou")
    await read(site, "water", NOV, "25")
    with pytest.raises(ValidationFailed) as err:  # between two readings, above the next
        await read(site, "water", date(2025, 11, 15), "30")
    assert err.value.code == "READING_INDEX_ABOVE_NEXT"
    invoice = await draft(site, NOV)
    (line,) = await lines_of(invoice)
    assert quantities([line]) == [Decimal("60.000")]  # 30 + 10 on the old one, 20 on the new
    assert line["description"] == (
        "Apă: index vechi 100,000 → index nou 140,000; "
        "index vechi 5,000 → index nou 25,000 (contor AP-001)"
    )


async def test_readings_of_a_billed_period_and_bad_readings_are_refused(site):
    await read(site, "water", AUG, "100")
    await read(site, "water", OCT, "130")
    await issue(await draft(site, OCT), date(2025, 11, 1))
    with pytest.raises(Conflict) as err:  # would split the billed September-October stretch
        await read(site, "water", SEP, "110")
    assert err.value.code == "READING_INVOICED"
    with pytest.raises(Conflict) as err:
        await read(site, "water", OCT, "131")
    assert err.value.code == "READING_DUPLICATE"
    with pytest.raises(ValidationFailed) as err:
        await read(site, "water", today() + timedelta(days=1), "140")
    assert err.value.code == "READING_DAY_FUTURE"
    with pytest.raises(ValidationFailed) as err:
        await read(site, "water", NOV, "-1", reset=True)
    assert err.value.code == "READING_INDEX_INVALID"
    (first,) = await MeterReading.select(MeterReading.id).where(MeterReading.day == AUG)
    with pytest.raises(Conflict) as err:
        await reading_delete(reading_id=first["id"], by=SYSTEM)
    assert err.value.code == "READING_INVOICED"
    with pytest.raises(Conflict) as err:  # the admin's Edit runs the same checks
        await reading_prepare({"meter": site["water"], "day": AUG, "index": 90}, by=SYSTEM,
                              reading_id=first["id"])  # fmt: skip
    assert err.value.code == "READING_INVOICED"
    with pytest.raises(Conflict) as err:
        await meter_delete_check(site["water"], by=SYSTEM)
    assert err.value.code == "METER_HAS_READINGS"
    # An open reading can be deleted; an inactive meter takes no new readings.
    late = await read(site, "water", NOV, "150")
    await reading_delete(reading_id=late, by=SYSTEM)
    await meter_update(meter_id=site["water"], values={"active": False}, by=SYSTEM)
    with pytest.raises(Conflict) as err:
        await read(site, "water", NOV, "150")
    assert err.value.code == "METER_INACTIVE"


async def test_a_deleted_draft_frees_its_readings(site):
    await read(site, "water", AUG, "100")
    await read(site, "water", SEP, "112")
    first = await draft(site, SEP)
    with pytest.raises(Conflict) as err:  # the same consumption is never on two drafts
        await draft(site, SEP)
    assert (err.value.code, err.value.details["invoice_id"]) == ("METER_READINGS_IN_DRAFT", first)
    await Invoice.delete().where(Invoice.id == first)  # a draft is deleted with its lines
    assert await states(site, "water") == [(AUG, "open"), (SEP, "open")]
    again = await draft(site, SEP)
    assert quantities(await lines_of(again)) == [Decimal("12.000")]


async def test_a_draft_saved_again_still_bills_its_readings(site):
    await read(site, "water", AUG, "100")
    await read(site, "power", AUG, "10")
    await read(site, "water", SEP, "112")
    await read(site, "power", SEP, "20")
    invoice = await draft(site, SEP)
    lines = await lines_of(invoice)
    # Saved from the editor: the lines are replaced (new ids); the power line is dropped.
    kept = [{k: lines[0][k] for k in ("article", "description", "quantity", "unit_price")}]
    await invoice_draft_update(invoice_id=invoice, lines=kept, by=SYSTEM)
    await issue(invoice, date(2025, 10, 1))
    assert await states(site, "water") == [(AUG, "billed"), (SEP, "billed")]
    assert await states(site, "power") == [(AUG, "open"), (SEP, "open")]
    power = await draft(site, SEP)
    assert quantities(await lines_of(power)) == [Decimal("400.000")]  # 10 x 40


async def test_a_storno_or_a_cancellation_frees_the_readings(site):
    await read(site, "water", AUG, "100")
    await read(site, "power", AUG, "10")
    await read(site, "water", SEP, "112")
    await read(site, "power", SEP, "20")
    september = await issue(await draft(site, SEP), date(2025, 10, 1))
    water_line, _ = await lines_of(september.invoice_id)
    # A partial storno of the water line: the consumption stays billed.
    await invoice_storno(invoice_id=september.invoice_id, returns={water_line["id"]: 2},
                         by=SYSTEM)  # fmt: skip
    assert await states(site, "water") == [(AUG, "billed"), (SEP, "billed")]
    # The rest of the water line credited: water is free, power is still billed.
    await invoice_storno(invoice_id=september.invoice_id, returns={water_line["id"]: 10},
                         by=SYSTEM)  # fmt: skip
    assert await states(site, "water") == [(AUG, "open"), (SEP, "open")]
    assert await states(site, "power") == [(AUG, "billed"), (SEP, "billed")]
    corrected = await draft(site, SEP, prices={site["water_article"]: "7"})
    (line,) = await lines_of(corrected)
    assert (quantities([line]), line["article"]) == ([Decimal("12.000")], site["water_article"])
    await issue(corrected, date(2025, 10, 2))
    assert await states(site, "water") == [(AUG, "billed"), (SEP, "billed")]
    # A cancelled invoice bills nothing either.
    await read(site, "power", OCT, "25")
    october = await issue(await draft(site, OCT), date(2025, 11, 1))
    await invoice_cancel(invoice_id=october.invoice_id, reason="Greșeală de citire", by=SYSTEM)
    assert (await states(site, "power"))[-1] == (OCT, "open")


async def test_meters_are_utilities_with_a_unique_serial(site):
    laptop = await make_article("LAP", name="Laptop")
    with pytest.raises(ValidationFailed) as err:
        await meter_create(values={"partner": site["client"], "article": laptop,
                                   "serial": "X-1"}, by=SYSTEM)  # fmt: skip
    assert err.value.code == "METER_ARTICLE_NOT_UTILITY"
    with pytest.raises(Conflict) as err:
        await meter_create(values={"partner": site["client"], "article": site["water_article"],
                                   "serial": "AP-001"}, by=SYSTEM)  # fmt: skip
    assert err.value.code == "METER_DUPLICATE"
    with pytest.raises(ValidationFailed) as err:
        await meter_create(values={"partner": site["client"], "article": site["water_article"],
                                   "serial": "AP-002", "multiplier": "0"}, by=SYSTEM)  # fmt: skip
    assert err.value.code == "METER_MULTIPLIER_INVALID"
    with pytest.raises(Conflict) as err:
        await draft(site, SEP)
    assert err.value.code == "METER_NOTHING_TO_INVOICE"
