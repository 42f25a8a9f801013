"""/api/articles, and the reference questions: VAT rate on a day, BNR rate for an invoice."""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec
from litestar import Controller, Request, get, patch, post
from litestar.params import Parameter

from controllers.paging import check_limit, decode_cursor, encode_cursor
from controllers.schemas import NO_NUL, RowId
from controllers.schemas.catalog import (
    ArticleIn,
    ArticleOut,
    ArticlePage,
    ArticlePatch,
    FxRateOut,
    VatRateOut,
)
from domain.catalog.articles import article_get, article_page
from domain.catalog.ops import article_create, article_update
from domain.catalog.queries import vat_rate_for
from domain.org.fx import rate_for_invoice
from domain.org.permissions import Action, Area, require

CODE = r"^[A-Za-z0-9._-]{1,20}$"
"""A reference code: VAT category, unit of measure."""


def _out(row: dict[str, Any]) -> ArticleOut:
    return msgspec.convert(row, ArticleOut)


class ArticleController(Controller):
    path = "/api/articles"
    tags = ["Articole"]

    @get("/", operation_id="ListArticles")
    async def list_articles(
        self,
        request: Request,
        q: str = Parameter(
            default="",
            description="Denumire (parțial), cod sau cod de bare",
            max_length=200,
            pattern=NO_NUL,
        ),
        after: str | None = Parameter(default=None, description="Cursorul «next» primit"),
        limit: int = 50,
    ) -> ArticlePage:
        key = decode_cursor(after, str, int)
        rows, more = await article_page(by=request.user, q=q, after=key, limit=check_limit(limit))
        cursor = encode_cursor(rows[-1]["name"], rows[-1]["id"]) if more else None
        return ArticlePage(items=[_out(r) for r in rows], next=cursor)

    @get("/{article_id:int}", operation_id="GetArticle")
    async def get_article(self, request: Request, article_id: RowId) -> ArticleOut:
        return _out(await article_get(article_id, by=request.user))

    @post("/", operation_id="CreateArticle")
    async def create_article(self, request: Request, data: ArticleIn) -> ArticleOut:
        article_id = await article_create(values=msgspec.structs.asdict(data), by=request.user)
        return _out(await article_get(article_id, by=request.user))

    @patch("/{article_id:int}", operation_id="UpdateArticle")
    async def update_article(
        self, request: Request, article_id: RowId, data: ArticlePatch
    ) -> ArticleOut:
        values = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}
        await article_update(article_id=article_id, values=values, by=request.user)
        return _out(await article_get(article_id, by=request.user))


class ReferenceController(Controller):
    path = "/api"
    tags = ["Referințe"]

    @get("/vat-rate", operation_id="VatRateOn")
    async def vat_rate(
        self,
        request: Request,
        on: date,
        category: str = Parameter(description="Codul categoriei, ex. S-STANDARD", pattern=CODE),
    ) -> VatRateOut:
        """The rate of a VAT category in force on a day (the delivery date)."""
        require(request.user, Area.catalog, Action.read)
        return VatRateOut(category=category, date=on, rate=await vat_rate_for(category, on))

    @get("/fx-rate", operation_id="FxRateForInvoice")
    async def fx_rate(
        self,
        request: Request,
        invoice_date: date,
        currency: str = Parameter(description="Cod ISO 4217, ex. EUR", pattern=r"^[A-Za-z]{3}$"),
    ) -> FxRateOut:
        """The BNR rate an invoice dated `invoice_date` uses (previous banking day)."""
        require(request.user, Area.fx, Action.read)
        quote = await rate_for_invoice(currency, invoice_date)
        return FxRateOut(
            currency=quote.currency,
            invoice_date=quote.invoice_day,
            published_date=quote.published_day,
            rate=quote.rate,
            multiplier=quote.multiplier,
            per_unit=quote.per_unit,
        )
