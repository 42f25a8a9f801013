"""Article write operations (domain/catalog/ops.py) and reads (articles.py) on the real
database: codes of units and VAT categories resolved to rows, duplicate code or barcode,
unknown references, field rules, update, concurrent creates and permissions."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from domain.catalog.articles import article_get, article_page
from domain.catalog.ops import article_create, article_update
from domain.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from domain.org.permissions import Actor
from tables.catalog import Article, UnitOfMeasure, VatCategory
from tables.choices import Role

ACCOUNTANT = Actor(role=Role.accountant, name="contabil", user_id=2)
SALES = Actor(role=Role.sales, name="vanzari", user_id=3)

LAPTOP = {
    "code": " LAP-001 ",
    "name": ' Laptop 14" business ',
    "uom": "H87",
    "vat_category": "S-STANDARD",
    "barcode": "5941234567899",
    "warranty_months": 24,
    "nc_code": "84713000",
}
COFFEE = {"code": "CAF-500", "name": "Cafea boabe 500 g", "uom": "KGM", "vat_category": "S-REDUSA"}


async def ref_id(table: Any, code: str) -> int:
    return (await table.select(table.id).where(table.code == code).first())["id"]


async def test_create_resolves_codes_and_normalises():
    aid = await article_create(values=LAPTOP, by=ACCOUNTANT)
    row = await Article.select().where(Article.id == aid).first()
    assert (row["code"], row["name"]) == ("LAP-001", 'Laptop 14" business')
    assert row["uom"] == await ref_id(UnitOfMeasure, "H87")
    assert row["vat_category"] == await ref_id(VatCategory, "S-STANDARD")
    assert (row["kind"], row["barcode"], row["warranty_months"]) == ("goods", "5941234567899", 24)

    # By id as well as by code; a blank barcode is stored as NULL (many may have none).
    kgm = await ref_id(UnitOfMeasure, "KGM")
    cid = await article_create(
        values={**COFFEE, "uom": kgm, "kind": "product", "barcode": "  "}, by=ACCOUNTANT
    )
    other = await article_create(
        values={"code": "SRV", "name": "Consultanță", "uom": str(kgm), "vat_category": "Z"},
        by=ACCOUNTANT,
    )
    assert await Article.count().where(Article.barcode.is_null()) == 2
    shown = await article_get(cid, by=SALES)
    assert (shown["uom"], shown["vat_category"], shown["kind"]) == ("KGM", "S-REDUSA", "product")
    assert (await article_get(other, by=SALES))["uom"] == "KGM"


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({**COFFEE, "code": "lap-001 "}, None),  # codes compare exactly: a different code
        ({**COFFEE, "code": "LAP-001"}, "code"),
        ({**COFFEE, "barcode": "5941234567899"}, "barcode"),
    ],
)
async def test_duplicate_code_or_barcode(values: dict[str, Any], field: str | None):
    first = await article_create(values=LAPTOP, by=ACCOUNTANT)
    if field is None:
        await article_create(values=values, by=ACCOUNTANT)
        assert await Article.count() == 2
        return
    with pytest.raises(Conflict) as caught:
        await article_create(values=values, by=ACCOUNTANT)
    error = caught.value
    assert (error.code, error.status, error.field) == ("ARTICLE_DUPLICATE", 409, field)
    assert error.details == {"article_id": first}
    assert '«Laptop 14" business»' in error.message_ro
    assert await Article.count() == 1


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"uom": "XYZ"}, "UOM_INVALID", "uom"),
        ({"uom": 4242}, "UOM_INVALID", "uom"),
        ({"uom": None}, "UOM_INVALID", "uom"),
        ({"vat_category": "S-MARTE"}, "VAT_CATEGORY_INVALID", "vat_category"),
        ({"code": "  "}, "ARTICLE_CODE_REQUIRED", "code"),
        ({"name": ""}, "ARTICLE_NAME_REQUIRED", "name"),
        ({"kind": "magic"}, "ARTICLE_KIND_INVALID", "kind"),
        ({"barcode": "5941234567890"}, "BARCODE_INVALID", "barcode"),
        ({"nc_code": "8471"}, None, None),
        ({"nc_code": "847130"}, None, None),
        ({"nc_code": "84713"}, "NC_CODE_INVALID", "nc_code"),
        ({"warranty_months": -1}, "WARRANTY_NEGATIVE", "warranty_months"),
        ({"warranty_months": "doi ani"}, "WARRANTY_INVALID", "warranty_months"),
    ],
)
async def test_field_rules(change: dict[str, Any], code: str | None, field: str | None):
    if code is None:
        await article_create(values={**LAPTOP, **change}, by=ACCOUNTANT)
        assert await Article.count() == 1
        return
    with pytest.raises(ValidationFailed) as caught:
        await article_create(values={**LAPTOP, **change}, by=ACCOUNTANT)
    assert (caught.value.code, caught.value.field) == (code, field)
    assert caught.value.status == 422
    assert await Article.count() == 0


async def test_update_revalidates_and_keeps_its_own_code():
    aid = await article_create(values=LAPTOP, by=ACCOUNTANT)
    cid = await article_create(values=COFFEE, by=ACCOUNTANT)

    await article_update(
        article_id=aid,
        values={"name": 'Laptop 15"', "vat_category": "S-REDUSA", "uom": "SET"},
        by=ACCOUNTANT,
    )
    row = await article_get(aid, by=ACCOUNTANT)
    assert (row["code"], row["name"], row["vat_category"], row["uom"]) == (
        "LAP-001",
        'Laptop 15"',
        "S-REDUSA",
        "SET",
    )
    assert row["barcode"] == "5941234567899"
    assert row["warranty_months"] == 24

    with pytest.raises(Conflict) as caught:
        await article_update(article_id=cid, values={"barcode": "5941234567899"}, by=ACCOUNTANT)
    assert (caught.value.field, caught.value.details) == ("barcode", {"article_id": aid})
    with pytest.raises(Conflict):
        await article_update(article_id=cid, values={"code": "LAP-001"}, by=ACCOUNTANT)
    with pytest.raises(ValidationFailed):
        await article_update(article_id=cid, values={"uom": "XYZ"}, by=ACCOUNTANT)
    assert (await article_get(cid, by=ACCOUNTANT))["uom"] == "KGM"

    with pytest.raises(NotFound) as caught_nf:
        await article_update(article_id=4242, values={"name": "X"}, by=ACCOUNTANT)
    assert caught_nf.value.code == "ARTICLE_NOT_FOUND"
    with pytest.raises(NotFound):
        await article_get(4242, by=ACCOUNTANT)


async def test_concurrent_creates_of_one_code_leave_one_row():
    results = await asyncio.gather(
        *(article_create(values={**COFFEE, "name": f"Cafea {n}"}, by=ACCOUNTANT) for n in range(4)),
        return_exceptions=True,
    )
    winners = [r for r in results if isinstance(r, int)]
    losers = [r for r in results if not isinstance(r, int)]
    assert len(winners) == 1, results
    assert all(isinstance(e, Conflict) and e.code == "ARTICLE_DUPLICATE" for e in losers), losers
    assert await Article.count() == 1


async def test_sales_reads_the_catalogue_but_does_not_change_it():
    aid = await article_create(values=LAPTOP, by=ACCOUNTANT)
    with pytest.raises(Forbidden) as caught:
        await article_create(values=COFFEE, by=SALES)
    assert "«vânzări»" in caught.value.message_ro
    assert "articolele" in caught.value.message_ro
    with pytest.raises(Forbidden):
        await article_update(article_id=aid, values={"name": "Alt laptop"}, by=SALES)
    assert await Article.count() == 1
    assert (await article_get(aid, by=SALES))["name"] == 'Laptop 14" business'


async def test_page_searches_name_code_and_barcode():
    aid = await article_create(values=LAPTOP, by=ACCOUNTANT)
    cid = await article_create(values=COFFEE, by=ACCOUNTANT)

    async def found(q: str) -> list[int]:
        rows, _ = await article_page(by=SALES, q=q)
        return [r["id"] for r in rows]

    assert await found("laptop") == [aid]
    assert await found("CAF-500") == [cid]
    assert await found("5941234567899") == [aid]
    assert await found("") == [cid, aid]  # "Cafea..." before "Laptop..."
    rows, more = await article_page(by=SALES, limit=1)
    assert [r["id"] for r in rows] == [cid]
    assert more is True
    rows, more = await article_page(by=SALES, after=[rows[0]["name"], rows[0]["id"]], limit=1)
    assert [r["id"] for r in rows] == [aid]
    assert more is False
