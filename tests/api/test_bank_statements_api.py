"""/api/bank-statements over HTTP and the review page: a file posted is imported (again:
nothing new), a bad file is 422 with a Romanian message and stores nothing, a line is
confirmed once (then 409), debits are ignored and brought back, bad input is 400/404/422,
viewers read but do not write, and the page lists the proposals for a logged-in user."""

from __future__ import annotations

from tables.payments import BankStatement, BankStatementLine, Receipt
from tests.api.test_ledger_api import assert_error
from tests.ops.test_bank_statements import env as env
from tests.ops.test_bank_statements import file

RAW = {"Content-Type": "application/octet-stream"}


async def test_import_twice_then_confirm_once(login, env):
    api = await login("accountant")
    url = f"/api/bank-statements/import?company={env['company']}&file_name=bt.sta"
    first = await api.post(url, content=file("bt_ron_2zile.sta"), headers=RAW)
    assert first.status_code == 200, first.text
    assert (first.json()["new_lines"], first.json()["existing_lines"]) == (6, 0)
    again = await api.post(url, content=file("bt_ron_2zile.sta"), headers=RAW)
    assert (again.json()["new_lines"], again.json()["existing_lines"]) == (0, 6)

    listed = await api.get(
        "/api/bank-statements/lines",
        params={"company": env["company"], "status": ["proposed"], "credits_only": "true"},
    )
    assert listed.status_code == 200, listed.text
    proposed = listed.json()
    assert {x["status"] for x in proposed} == {"proposed"}
    assert len(proposed) == 3
    line = next(x for x in proposed if x["bank_reference"] == "BT26031600041")
    assert line["proposal"]["invoices"][0]["number"] == "FCT-00001"

    confirmed = await api.post(f"/api/bank-statements/lines/{line['id']}/confirm", json={})
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["partner"] == env["alfa"]
    twice = await api.post(f"/api/bank-statements/lines/{line['id']}/confirm", json={})
    assert_error(twice, 409, "STATEMENT_LINE_CONFIRMED")
    assert await Receipt.count() == 1

    statements = await api.get("/api/bank-statements/", params={"company": env["company"]})
    assert [s["lines"]["confirmed"] for s in statements.json()] == [0, 1]  # newest first


async def test_bad_files_and_bad_input(login, env):
    api = await login("accountant")
    url = f"/api/bank-statements/import?company={env['company']}"
    for name, code in (
        ("mt940_neechilibrat.sta", "STATEMENT_BALANCE_MISMATCH"),
        ("camt_entitati.xml", "STATEMENT_CAMT_INVALID"),
        ("nu_e_extras.csv", "STATEMENT_FORMAT_UNKNOWN"),
    ):
        body = assert_error(await api.post(url, content=file(name), headers=RAW), 422, code)
        assert "ă" in body["message"] or "ț" in body["message"] or "î" in body["message"]
    assert_error(await api.post(url, content=b"", headers=RAW), 422, "STATEMENT_FORMAT_UNKNOWN")
    wrong = await api.post(
        f"{url}&bank_account={env['accounts']['ing']}", content=file("bt_ron_2zile.sta"),
        headers=RAW,
    )  # fmt: skip
    assert_error(wrong, 422, "STATEMENT_IBAN_MISMATCH")
    missing = await api.post(f"{url}&bank_account=999999", content=file("bt_ron_2zile.sta"))
    assert_error(missing, 404, "BANK_ACCOUNT_NOT_FOUND")
    assert await BankStatement.count() == 0
    assert await BankStatementLine.count() == 0

    await api.post(url, content=file("bt_ron_2zile.sta"), headers=RAW)
    line_id = (await BankStatementLine.select(BankStatementLine.id).first())["id"]
    confirm = f"/api/bank-statements/lines/{line_id}/confirm"
    for body in ({"partner": "Alfa"}, {"surprise": 1}, {"allocations": [{"invoice": 0}]}):
        assert (await api.post(confirm, json=body)).status_code == 400, body
    bad_amount = await api.post(
        confirm, json={"allocations": [{"invoice": env["invoices"][0], "amount": "1e30"}]}
    )
    assert bad_amount.status_code in (400, 422), bad_amount.text
    assert await Receipt.count() == 0
    assert_error(
        await api.post("/api/bank-statements/lines/999999/confirm", json={}),
        404,
        "STATEMENT_LINE_NOT_FOUND",
    )
    assert_error(
        await api.post("/api/bank-statements/lines/999999/ignore"), 404, "STATEMENT_LINE_NOT_FOUND"
    )


async def test_ignore_a_fee_and_bring_it_back(login, env):
    api = await login("cashier")
    url = f"/api/bank-statements/import?company={env['company']}"
    await api.post(url, content=file("bt_ron_2zile.sta"), headers=RAW)
    lines = (await api.get("/api/bank-statements/lines", params={"company": env["company"]})).json()
    fee = next(x for x in lines if x["amount"] == "-2.50")
    not_credit = await api.post(
        f"/api/bank-statements/lines/{fee['id']}/confirm", json={"partner": env["alfa"]}
    )
    assert_error(not_credit, 422, "STATEMENT_LINE_NOT_CREDIT")
    ignored = await api.post(f"/api/bank-statements/lines/{fee['id']}/ignore")
    assert ignored.json()["status"] == "ignored"
    back = await api.post(f"/api/bank-statements/lines/{fee['id']}/unignore")
    assert back.json()["status"] == "new"
    assert_error(
        await api.post(f"/api/bank-statements/lines/{fee['id']}/unignore"),
        409,
        "STATEMENT_LINE_NOT_IGNORED",
    )


async def test_viewers_read_but_do_not_import(login, env):
    viewer = await login("viewer")
    refused = await viewer.post(
        f"/api/bank-statements/import?company={env['company']}",
        content=file("bt_ron_2zile.sta"),
        headers=RAW,
    )
    assert_error(refused, 403, "FORBIDDEN")
    listed = await viewer.get("/api/bank-statements/lines", params={"company": env["company"]})
    assert listed.status_code == 200
    assert listed.json() == []


async def test_the_review_page(login, anon, env):
    api = await login("accountant")
    await api.post(
        f"/api/bank-statements/import?company={env['company']}",
        content=file("bt_ron_2zile.sta"),
        headers=RAW,
    )
    page = await api.get("/bank-statements/", params={"company": env["company"]})
    assert page.status_code == 200, page.text
    assert page.headers["content-type"].startswith("text/html")
    html = page.text
    assert "Încasări de confirmat (4)" in html  # three proposed, one payer not found
    assert "FCT-00001" in html
    assert "ALFA DISTRIBUŢIE SRL" in html
    assert 'data-action="confirm"' in html
    assert "Plăți, comisioane și alte ieșiri (2)" in html
    viewer = await login("viewer")
    read_only = (await viewer.get("/bank-statements/", params={"company": env["company"]})).text
    assert "FCT-00001" in read_only
    assert 'data-action="confirm"' not in read_only
    assert (await anon.get("/bank-statements/")).status_code == 303
