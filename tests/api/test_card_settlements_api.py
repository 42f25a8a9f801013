"""A bank statement line confirmed as a card settlement over HTTP: POST
/api/bank-statements/lines/{id}/card-settlement with the fee (or the gross, or nothing),
again = the same answer, then 409 for another; bad input 400/404/409/422 with nothing
written; the line and the review page show the settlement; viewers cannot settle."""

from __future__ import annotations

from decimal import Decimal

from tables.choices import EntryKind
from tables.ledger import JournalEntry
from tests.api.test_ledger_api import assert_error
from tests.ops.test_card_settlements import books, line
from tests.ops.test_card_settlements import env as env

D = Decimal


def url(line_id: int) -> str:
    return f"/api/bank-statements/lines/{line_id}/card-settlement"


async def settlements() -> int:
    return await JournalEntry.count().where(JournalEntry.kind == EntryKind.card_settlement)


async def test_settle_a_line_with_its_fee_once(login, env):
    api = await login("cashier")
    line_id = await line(env, "985.00")
    done = await api.post(url(line_id), json={"fee": "15.00"})
    assert done.status_code == 200, done.text
    body = done.json()
    assert (body["gross"], body["fee"], body["net"], body["created"]) == (
        "1000.00", "15.00", "985.00", True)  # fmt: skip
    assert await books() == {"5121": D("985.00"), "627": D("15.00"), "419": D("-1000.00")}
    again = await api.post(url(line_id), json={"gross": "1000.00"})
    assert again.status_code == 200, again.text
    assert (again.json()["entry"], again.json()["created"]) == (body["entry"], False)
    assert_error(await api.post(url(line_id), json={}), 409, "CARD_SETTLEMENT_EXISTS")
    assert_error(
        await api.post(f"/api/bank-statements/lines/{line_id}/confirm", json={"partner": 1}),
        409, "STATEMENT_LINE_CONFIRMED",
    )  # fmt: skip
    listed = await api.get("/api/bank-statements/lines", params={"company": env["company"]})
    (shown,) = [x for x in listed.json() if x["id"] == line_id]
    assert (shown["status"], shown["receipt"]) == ("confirmed", None)
    assert shown["card_settlement"] == {"entry": body["entry"], "gross": "1000.00", "fee": "15.00"}
    assert await settlements() == 1

    page = await api.get("/bank-statements/", params={"company": env["company"]})
    assert page.status_code == 200, page.text
    assert f"decontare card · 1.000,00 lei, comision 15,00 lei · nota nr. {body['entry']}" in (
        page.text)  # fmt: skip


async def test_bad_input_writes_nothing(login, env):
    api = await login("accountant")
    line_id = await line(env, "100.00")
    for payload, status, code in (
        ({"fee": "-1"}, 422, "CARD_SETTLEMENT_AMOUNT_INVALID"),
        ({"fee": "1.001"}, 422, "CARD_SETTLEMENT_AMOUNT_INVALID"),
        ({"gross": "110", "fee": "5"}, 422, "CARD_SETTLEMENT_NET_MISMATCH"),
        ({"fee": "2000"}, 409, "CARD_SETTLEMENT_EXCEEDS_TAKINGS"),
    ):
        body = assert_error(await api.post(url(line_id), json=payload), status, code)
        assert any(c in body["message"] for c in "ăâîșț"), body
    bad = await api.post(url(line_id), json={"fee": "1", "partner": 3})
    assert bad.status_code == 400, bad.text
    assert (await api.post(url(line_id), json={"fee": "abc"})).status_code == 400
    assert_error(await api.post(url(999999), json={}), 404, "STATEMENT_LINE_NOT_FOUND")
    debit = await line(env, "-20.00")
    assert_error(await api.post(url(debit), json={}), 422, "STATEMENT_LINE_NOT_CREDIT")
    viewer = await login("viewer")
    assert (await viewer.post(url(line_id), json={})).status_code == 403
    assert await settlements() == 0

    page = await api.get("/bank-statements/", params={"company": env["company"]})
    assert 'data-action="card"' in page.text
    assert (
        'data-action="card"'
        not in (await viewer.get("/bank-statements/", params={"company": env["company"]})).text
    )
