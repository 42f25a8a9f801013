"""Read models of articles: list with search and keyset paging, one article."""

from __future__ import annotations

from typing import Any

from domain.core.errors import NotFound
from domain.core.search import contains_pattern
from domain.org.permissions import Action, Actor, Area, require
from tables.catalog import Article

_COLUMNS = (
    Article.id,
    Article.code,
    Article.name,
    Article.kind,
    Article.uom.code.as_alias("uom"),
    Article.vat_category.code.as_alias("vat_category"),
    Article.barcode,
    Article.warranty_months,
    Article.nc_code,
    Article.description,
    Article.active,
)


async def article_page(
    *, by: Actor, q: str = "", after: list[Any] | None = None, limit: int = 50
) -> tuple[list[dict[str, Any]], bool]:
    """Articles ordered by (name, id); search by name, code or barcode."""
    require(by, Area.catalog, Action.read)
    query = Article.select(*_COLUMNS)
    if q.strip():
        q = q.strip()
        query = query.where(
            Article.name.ilike(contains_pattern(q)) | (Article.code == q) | (Article.barcode == q)
        )
    if after is not None:
        name, aid = after
        query = query.where((Article.name > name) | ((Article.name == name) & (Article.id > aid)))
    rows = await query.order_by(Article.name, Article.id).limit(limit + 1)
    return rows[:limit], len(rows) > limit


async def article_get(article_id: int, *, by: Actor) -> dict[str, Any]:
    require(by, Area.catalog, Action.read)
    row = await Article.select(*_COLUMNS).where(Article.id == article_id).first()
    if row is None:
        raise NotFound(
            "ARTICLE_NOT_FOUND",
            f"Articolul nr. {article_id} nu există.",
            f"Article {article_id} not found.",
        )
    return row
