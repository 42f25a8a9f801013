"""The ledger over HTTP: a manual journal entry and its read-back, refusals with their
codes and Romanian messages (unbalanced, closed month, unknown account, partner
required), account search and analytic accounts, closing and reopening a month (the
administrator only), a client moved to 4118, machine tokens with the `ledger` scopes."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx

from domain.org.actors import token_create
from domain.org.permissions import SYSTEM
from tables.ledger import Account, JournalEntry
from tests.factories import make_client, make_company

D = "2026-03-10"


def line(account: str, debit: str = "0", credit: str = "0", **kw: Any) -> dict[str, Any]:
    return {"account": account, "debit": debit, "credit": credit, **kw}


def assert_error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["code"] == code, body
    assert body["message"]
    return body


async def test_an_accountant_posts_a_manual_entry_and_reads_it_back(login):
    company = await make_company()
    client = await make_client()
    accountant = await login("accountant")
    body = {
        "day": D,
        "description": "Factură de la furnizor fără document în program",
        "reference": "NC 7",
        "lines": [
            line("4111", "121", partner=client, description="Refacturare"),
            line("704", credit="100"),
            line("4427", credit=21),  # numbers are accepted too
        ],
    }
    response = await accountant.post("/api/journal-entries/", json=body)
    assert response.status_code == 201, response.text
    entry = response.json()
    assert {k: entry[k] for k in ("company", "day", "kind", "reference", "created_by")} == {
        "company": company, "day": D, "kind": "manual", "reference": "NC 7",
        "created_by": entry["created_by"],
    }  # fmt: skip
    assert entry["created_by"].startswith("accountant-")
    assert [(x["account"], x["debit"], x["credit"], x["partner"]) for x in entry["lines"]] == [
        ("4111", "121.00", "0.00", client),
        ("704", "0.00", "100.00", None),
        ("4427", "0.00", "21.00", None),
    ]
    assert entry["lines"][1]["account_name"] == "Venituri din servicii prestate"

    again = await accountant.get(f"/api/journal-entries/{entry['id']}")
    assert again.status_code == 200
    assert again.json() == entry
    viewer = await login("viewer")
    assert (await viewer.get(f"/api/journal-entries/{entry['id']}")).json() == entry
    assert_error(await viewer.post("/api/journal-entries/", json=body), 403, "FORBIDDEN")
    sales = await login("sales")
    refused = assert_error(await sales.get(f"/api/journal-entries/{entry['id']}"), 403,
                           "FORBIDDEN")  # fmt: skip
    assert refused["message"] == "Rolul «vânzări» nu are dreptul să vadă contabilitatea."
    assert_error(await accountant.get("/api/journal-entries/999999"), 404, "ENTRY_NOT_FOUND")


async def test_refusals_name_the_problem_in_romanian(login):
    await make_company()
    client = await make_client()
    accountant = await login("accountant")

    async def post(*lines: dict[str, Any], **kw: Any) -> httpx.Response:
        body = {"day": D, "description": "Test", "lines": list(lines)} | kw
        return await accountant.post("/api/journal-entries/", json=body)

    error = assert_error(await post(line("6588", "10"), line("5311", credit="9")), 422,
                         "ENTRY_UNBALANCED")  # fmt: skip
    assert error["message"] == "Nota nu este echilibrată: debit 10.00 ≠ credit 9.00."
    assert error["details"] == {"debit": "10.00", "credit": "9.00"}
    error = assert_error(await post(line("6599", "10"), line("5311", credit="10")), 422,
                         "ACCOUNT_UNKNOWN")  # fmt: skip
    assert error["field"] == "lines[0].account"
    error = assert_error(await post(line("5311", "10"), line("4111", credit="10")), 422,
                         "ACCOUNT_PARTNER_REQUIRED")  # fmt: skip
    assert error["message"] == "Linia 2: contul 4111 cere partenerul."
    assert_error(await post(line("6588", "10"), line("5311", credit="10"), day="2026-13-01"),
                 400, "REQUEST_INVALID")  # fmt: skip
    assert_error(await post(line("6588", "10", extra=1)), 400, "REQUEST_INVALID")
    error = assert_error(await post(line("6588", "1e400"), line("5311", credit="10")), 422,
                         "NUMBER_INVALID")  # fmt: skip
    assert error["field"] == "lines[0].debit"

    # A closed month: 409 with the month and what to do.
    closed = await accountant.post("/api/periods/close", json={"month": "2026-03-31"})
    assert closed.status_code == 200, closed.text
    assert closed.json() == {"company": closed.json()["company"], "month": "2026-03-01",
                             "closed": True, "changed": True,
                             "closed_months": ["2026-03-01"]}  # fmt: skip
    again = await accountant.post("/api/periods/close", json={"month": "2026-03-01"})
    assert again.json()["changed"] is False
    error = assert_error(
        await post(line("4111", "10", partner=client), line("707", credit="10")), 409,
        "PERIOD_CLOSED",
    )  # fmt: skip
    assert error["message"] == (
        "Luna 03.2026 este închisă: nu se mai înregistrează nimic în ea. Redeschideți luna "
        "(Contabilitate › Perioade închise) sau alegeți altă dată."
    )
    error = assert_error(await accountant.post("/api/periods/reopen", json={"month": D}), 403,
                         "PERIOD_REOPEN_ADMIN_ONLY")  # fmt: skip
    admin = await login("admin")
    reopened = await admin.post("/api/periods/reopen", json={"month": D})
    assert reopened.status_code == 200, reopened.text
    assert (reopened.json()["closed"], reopened.json()["closed_months"]) == (False, [])
    assert_error(await admin.post("/api/periods/reopen", json={"month": D}), 409,
                 "PERIOD_NOT_CLOSED")  # fmt: skip
    assert (await post(line("4111", "10", partner=client), line("707", credit="10"))
            ).status_code == 201  # fmt: skip
    assert await JournalEntry.count() == 1


async def test_accounts_are_searched_and_analytic_ones_added(login):
    company = await make_company()
    accountant = await login("accountant")
    found = await accountant.get("/api/accounts/", params={"q": "4111"})
    assert found.status_code == 200, found.text
    assert [a["code"] for a in found.json()["items"]] == ["4111"]

    made = await accountant.post("/api/accounts/", json={"code": "4111.01", "name": "Alfa"})
    assert made.status_code == 201, made.text
    account = made.json()
    assert {k: account[k] for k in ("company", "code", "name", "account_class", "kind",
                                    "parent", "third_party", "active")} == {
        "company": company, "code": "4111.01", "name": "Alfa", "account_class": 4,
        "kind": "A", "parent": "4111", "third_party": True, "active": True,
    }  # fmt: skip
    assert (await accountant.get(f"/api/accounts/{account['id']}")).json() == account
    assert_error(await accountant.post("/api/accounts/", json={"code": "4111.01", "name": "B"}),
                 409, "ACCOUNT_DUPLICATE")  # fmt: skip
    assert_error(await accountant.post("/api/accounts/", json={"code": "411.01", "name": "B"}),
                 422, "ACCOUNT_IS_GROUP")  # fmt: skip
    assert_error(await accountant.post("/api/accounts/", json={"code": "4111.01",
                                                                 "name": "B", "company": 99}),
                 404, "COMPANY_NOT_FOUND")  # fmt: skip

    # Keyset pages through the whole chart, each account once.
    codes: list[str] = []
    after = None
    while True:
        params = {"limit": "200", **({"after": after} if after else {})}
        page = (await accountant.get("/api/accounts/", params=params)).json()
        codes += [a["code"] for a in page["items"]]
        after = page["next"]
        if after is None:
            break
    assert codes == sorted(codes)
    assert len(codes) == await Account.count()
    assert_error(await accountant.get("/api/accounts/", params={"after": "x"}), 422,
                 "CURSOR_INVALID")  # fmt: skip
    sales = await login("sales")
    assert_error(await sales.get("/api/accounts/"), 403, "FORBIDDEN")


async def test_a_client_is_moved_to_doubtful_clients(login):
    await make_company()
    client = await make_client()
    accountant = await login("accountant")
    sale = {"day": D, "description": "Factură veche", "lines": [
        line("4111", "242", partner=client), line("707", credit="200"),
        line("4427", credit="42")]}  # fmt: skip
    assert (await accountant.post("/api/journal-entries/", json=sale)).status_code == 201

    moved = await accountant.post(f"/api/partners/{client}/doubtful",
                                  json={"amount": "42", "day": "2026-03-31"})  # fmt: skip
    assert moved.status_code == 201, moved.text
    assert moved.json()["kind"] == "reclass"
    assert [(x["account"], x["debit"], x["credit"]) for x in moved.json()["lines"]] == [
        ("4118", "42.00", "0.00"), ("4111", "0.00", "42.00")]  # fmt: skip
    rest = await accountant.post(f"/api/partners/{client}/doubtful", json={"day": "2026-03-31"})
    assert [x["debit"] for x in rest.json()["lines"]] == ["200.00", "0.00"]
    assert_error(await accountant.post(f"/api/partners/{client}/doubtful", json={}), 409,
                 "NO_RECEIVABLE")  # fmt: skip
    assert_error(await accountant.post("/api/partners/999999/doubtful", json={}), 404,
                 "PARTNER_NOT_FOUND")  # fmt: skip


async def test_machine_tokens_need_the_ledger_scope(app, anon):
    await make_company()
    _, reader = await token_create(name="bi", scopes=["ledger:read"], by=SYSTEM)
    _, other = await token_create(name="casa", scopes=["sales:write"], by=SYSTEM)
    ok = await anon.get("/api/accounts/", params={"q": "5121"},
                        headers={"Authorization": f"Bearer {reader}"})  # fmt: skip
    assert ok.status_code == 200, ok.text
    assert [a["code"] for a in ok.json()["items"]] == ["5121"]
    body = {"month": date(2026, 3, 1).isoformat()}
    assert_error(await anon.post("/api/periods/close", json=body,
                                 headers={"Authorization": f"Bearer {reader}"}),
                 403, "FORBIDDEN")  # fmt: skip
    assert_error(await anon.get("/api/accounts/", headers={"Authorization": f"Bearer {other}"}),
                 403, "FORBIDDEN")  # fmt: skip
