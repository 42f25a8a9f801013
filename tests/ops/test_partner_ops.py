"""Partner write operations and the list (domain/partners/ops.py, queries.py) on the real
database: create with roles and default accounts, duplicates by CUI/CNP/foreign VAT id
(also when five sessions create the same partner at once), update, roles, permissions,
keyset paging and search."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from domain.core.errors import Conflict, DomainError, Forbidden, NotFound, ValidationFailed
from domain.org.permissions import SYSTEM, Actor
from domain.partners.ops import partner_create, partner_role_set, partner_update
from domain.partners.queries import partner_get, partner_page
from tables.choices import Role
from tables.partners import Partner, PartnerRole

SALES = Actor(role=Role.sales, name="vanzari", user_id=2)
VIEWER = Actor(role=Role.viewer, name="vizitator", user_id=3)

ALFA = {"name": "Alfa Distribuție SRL", "cui": "12345674", "county": "Cluj", "city": "Cluj"}
BETA = {"name": "Beta Construct SA", "cui": "34567892", "county": "RO-B", "sector": "3"}
ION = {"name": "Ion Popa", "kind": "individual", "cnp": "1850715420011"}
MULLER = {"name": "Müller Handel GmbH", "country": "DE", "foreign_vat_id": "DE136695976"}


async def counts() -> tuple[int, int]:
    return await Partner.count(), await PartnerRole.count()


async def roles_of(partner_id: int) -> dict[str, str]:
    rows = await PartnerRole.select(PartnerRole.role, PartnerRole.account).where(
        PartnerRole.partner == partner_id
    )
    return {r["role"]: r["account"] for r in rows}


async def test_create_with_roles_and_default_accounts():
    pid = await partner_create(
        values=ALFA,
        roles=["client", "supplier", "client"],
        accounts={"client": "4111.01"},
        by=SALES,
    )
    row = await Partner.select().where(Partner.id == pid).first()
    assert row["name"] == "Alfa Distribuție SRL"
    assert (row["kind"], row["cui"], row["country"], row["county"]) == (
        "company",
        "12345674",
        "RO",
        "RO-CJ",
    )
    assert row["cnp"] is None
    assert row["foreign_vat_id"] is None
    assert await roles_of(pid) == {"client": "4111.01", "supplier": "401"}

    # Without roles given a partner is a client on 4111.
    bid = await partner_create(values=BETA, by=SALES)
    assert await roles_of(bid) == {"client": "4111"}
    assert (await Partner.select(Partner.sector).where(Partner.id == bid).first()) == {
        "sector": "SECTOR3"
    }


@pytest.mark.parametrize(
    ("first", "second", "field", "value"),
    [
        (ALFA, {"name": "Alfa Bis SRL", "cui": "RO 12345674"}, "cui", "12345674"),
        (ION, {"name": "Popa Ion", "kind": "individual", "cnp": " 1850715420011"}, "cnp", None),
        (
            MULLER,
            {"name": "Mueller GmbH", "country": "AT", "foreign_vat_id": "de 136 695 976"},
            "foreign_vat_id",
            "DE136695976",
        ),
    ],
)
async def test_duplicate_identifier_names_the_first_and_writes_nothing(
    first: dict[str, Any], second: dict[str, Any], field: str, value: str | None
):
    first_id = await partner_create(values=first, roles=["client", "supplier"], by=SALES)
    before = await counts()
    with pytest.raises(Conflict) as caught:
        await partner_create(values=second, roles=["client", "lead"], by=SALES)
    error = caught.value
    assert (error.code, error.status, error.field) == ("PARTNER_DUPLICATE", 409, field)
    assert error.details == {"partner_id": first_id, "name": first["name"]}
    assert f"«{first['name']}»" in error.message_ro
    assert f"nr. {first_id}" in error.message_ro
    if value is not None:
        assert value in error.message_ro
    else:
        assert "CNP" in error.message_ro
    assert await counts() == before


async def test_refused_creates_write_nothing():
    await partner_create(values=ALFA, by=SALES)
    before = await counts()
    refusals: list[tuple[dict[str, Any], list[str], dict[str, str], str]] = [
        ({**BETA, "county": "Atlantis"}, ["client"], {}, "COUNTY_INVALID"),
        (BETA, ["client", "acționar"], {}, "PARTNER_ROLE_INVALID"),
        (BETA, ["client"], {"client": "41x1"}, "ACCOUNT_INVALID"),
        ({**BETA, "cui": "12345675"}, ["client"], {}, "CUI_INVALID"),
    ]
    for values, roles, accounts, code in refusals:
        with pytest.raises(ValidationFailed) as caught:
            await partner_create(values=values, roles=roles, accounts=accounts, by=SALES)
        assert caught.value.code == code
    assert await counts() == before


@pytest.mark.parametrize(
    "values",
    [
        ALFA,
        ION,
        MULLER,
    ],
    ids=["cui", "cnp", "foreign_vat_id"],
)
async def test_concurrent_creates_of_one_partner_leave_one_row(values: dict[str, Any]):
    """Five sessions save the same partner at once: one wins, four get the duplicate error
    naming it, never a raw database error, on SQLite and PostgreSQL alike."""
    results = await asyncio.gather(
        *(
            partner_create(
                values={**values, "name": f"{values['name']} {n}"},
                roles=["client", "supplier"],
                by=SALES,
            )
            for n in range(5)
        ),
        return_exceptions=True,
    )
    winners = [r for r in results if isinstance(r, int)]
    losers = [r for r in results if not isinstance(r, int)]
    assert len(winners) == 1, results
    assert all(isinstance(e, Conflict) and e.code == "PARTNER_DUPLICATE" for e in losers), losers
    assert all(e.details["partner_id"] == winners[0] for e in losers)
    assert await counts() == (1, 2)
    assert await roles_of(winners[0]) == {"client": "4111", "supplier": "401"}


async def test_update_revalidates_the_whole_record():
    pid = await partner_create(values=ALFA, by=SALES)
    bid = await partner_create(values=BETA, by=SALES)

    await partner_update(partner_id=pid, values={"name": " Alfa Nouă SRL ", "sector": ""}, by=SALES)
    row = await Partner.select().where(Partner.id == pid).first()
    assert (row["name"], row["cui"], row["county"]) == ("Alfa Nouă SRL", "12345674", "RO-CJ")

    refusals: list[tuple[dict[str, Any], type[DomainError], str, str]] = [
        ({"county": "Atlantis"}, ValidationFailed, "COUNTY_INVALID", "county"),
        ({"sector": "2"}, ValidationFailed, "SECTOR_OUTSIDE_BUCHAREST", "sector"),
        ({"kind": "individual"}, ValidationFailed, "PARTNER_CUI_ON_INDIVIDUAL", "cui"),
        ({"cui": None}, ValidationFailed, "PARTNER_CUI_REQUIRED", "cui"),
        ({"cui": "RO34567892"}, Conflict, "PARTNER_DUPLICATE", "cui"),
    ]
    for values, kind, code, field in refusals:
        with pytest.raises(kind) as caught:
            await partner_update(partner_id=pid, values=values, by=SALES)
        assert (caught.value.code, caught.value.field) == (code, field), values
    assert caught.value.details["partner_id"] == bid
    # Nothing of the refused updates was written.
    assert await Partner.select().where(Partner.id == pid).first() == row

    with pytest.raises(NotFound) as caught_nf:
        await partner_update(partner_id=4242, values={"name": "X"}, by=SALES)
    assert caught_nf.value.code == "PARTNER_NOT_FOUND"


async def test_role_set_adds_roles_and_changes_accounts_in_place():
    pid = await partner_create(values=ALFA, by=SALES)
    await partner_role_set(partner_id=pid, role="supplier", by=SALES)
    assert await roles_of(pid) == {"client": "4111", "supplier": "401"}
    await partner_role_set(partner_id=pid, role="client", account="4111.07", by=SALES)
    await partner_role_set(partner_id=pid, role="employee", account=" 421.3 ", by=SALES)
    assert await roles_of(pid) == {"client": "4111.07", "supplier": "401", "employee": "421.3"}
    assert await PartnerRole.count() == 3

    with pytest.raises(ValidationFailed) as caught:
        await partner_role_set(partner_id=pid, role="client", account="abc", by=SALES)
    assert caught.value.code == "ACCOUNT_INVALID"
    with pytest.raises(ValidationFailed) as caught:
        await partner_role_set(partner_id=pid, role="acționar", by=SALES)
    assert caught.value.code == "PARTNER_ROLE_INVALID"
    with pytest.raises(NotFound):
        await partner_role_set(partner_id=4242, role="client", by=SALES)
    assert await roles_of(pid) == {"client": "4111.07", "supplier": "401", "employee": "421.3"}


async def test_viewer_may_read_but_writes_nothing():
    pid = await partner_create(values=ALFA, by=SYSTEM)
    before = await counts()
    attempts = [
        partner_create(values=BETA, by=VIEWER),
        partner_update(partner_id=pid, values={"name": "Altceva SRL"}, by=VIEWER),
        partner_role_set(partner_id=pid, role="supplier", by=VIEWER),
    ]
    for attempt in attempts:
        with pytest.raises(Forbidden) as caught:
            await attempt
        assert caught.value.code == "FORBIDDEN"
        assert "«vizualizare»" in caught.value.message_ro
    assert await counts() == before
    assert (await partner_get(pid, by=VIEWER))["name"] == ALFA["name"]
    assert await roles_of(pid) == {"client": "4111"}

    # A machine token needs the partners scope even to read.
    robot = Actor(role=Role.viewer, name="robot", token_id=1, scopes=frozenset({"fx:read"}))
    with pytest.raises(Forbidden):
        await partner_page(by=robot)


async def test_keyset_pages_return_every_partner_once_in_name_order():
    ids = []
    for n in (5, 3, 7, 1, 3, 6, 2, 3):  # three "Client 3": ties broken by id
        ids.append(
            await partner_create(values={"name": f"Client {n}", "kind": "individual"}, by=SALES)
        )
    expected = sorted(
        ((f"Client {n}", pid) for n, pid in zip((5, 3, 7, 1, 3, 6, 2, 3), ids, strict=True))
    )

    seen: list[tuple[str, int]] = []
    after = None
    pages = 0
    while True:
        rows, more = await partner_page(by=VIEWER, after=after, limit=3)
        pages += 1
        seen += [(r["name"], r["id"]) for r in rows]
        if not more:
            break
        after = [rows[-1]["name"], rows[-1]["id"]]
    assert seen == expected
    assert pages == 3
    assert rows[-1]["roles"] == [{"role": "client", "account": "4111"}]

    rows, more = await partner_page(by=VIEWER, limit=8)
    assert len(rows) == 8
    assert more is False


async def test_search_by_name_and_identifiers():
    alfa = await partner_create(values=ALFA, roles=["client", "supplier"], by=SALES)
    beta = await partner_create(values=BETA, by=SALES)
    ion = await partner_create(values=ION, by=SALES)
    muller = await partner_create(values=MULLER, by=SALES)

    async def found(q: str) -> list[int]:
        rows, _ = await partner_page(by=VIEWER, q=q)
        return [r["id"] for r in rows]

    assert await found("RO12345674") == [alfa]
    assert await found("ro 1234 5674") == [alfa]
    assert await found("12345674") == [alfa]
    assert await found("1850715420011") == [ion]
    assert await found("de136695976") == [muller]
    assert await found("alfa") == [alfa]
    assert await found("CONSTRUCT") == [beta]
    assert await found("") == [alfa, beta, ion, muller]
    assert await found("nimeni") == []
    rows, _ = await partner_page(by=VIEWER, q="RO12345674")
    assert rows[0]["roles"] == [
        {"role": "client", "account": "4111"},
        {"role": "supplier", "account": "401"},
    ]
