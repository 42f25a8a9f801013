"""Price lists as CSV files (import, export) and "what price applies?" (/api/prices/resolve),
the one question the document editor, the POS and other programs ask."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import date
from typing import Annotated, Literal

import msgspec
from litestar import Controller, Request, get, post
from litestar.openapi.spec import OpenAPIMediaType, Operation, RequestBody, Schema
from litestar.openapi.spec.enums import OpenAPIType
from litestar.params import Parameter
from litestar.response import Response

from controllers.pricing import TAGS, article_ids_by_code, items_day, scaled
from controllers.schemas import RowId
from controllers.schemas.pricing import PricesAddedOut, ResolvedLineOut, ResolveIn, ResolveOut
from domain.core.clock import today
from domain.core.errors import ValidationFailed
from domain.core.money import input_decimal
from domain.pricing.csvio import prices_export, prices_import
from domain.pricing.queries import price_list_get
from domain.pricing.resolver import PriceAsk, PriceContext, resolve_prices


@dataclass
class CsvUpload(Operation):
    """The import's body is the file itself (text/csv), which Litestar cannot infer from
    a raw `body: bytes` parameter: documented here for the OpenAPI schema."""

    def __post_init__(self) -> None:
        self.request_body = RequestBody(
            content={"text/csv": OpenAPIMediaType(schema=Schema(type=OpenAPIType.STRING))},
            description="Fișierul CSV: cod_articol, pret, cantitate_minima, valabil_de_la, "
            "valabil_pana_la (virgulă și punct zecimal, sau punct și virgulă și virgulă "
            "zecimală ca în Excel); UTF-8 (cu sau fără BOM) sau Windows-1250.",
            required=True,
        )


def csv_text(body: bytes) -> str:
    """The file's text: UTF-8 (Excel's "CSV UTF-8" adds a BOM, the parser drops it), else
    Windows-1250, what Excel's plain "CSV" writes on a Romanian Windows."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = body.decode("cp1250")
        except UnicodeDecodeError:
            text = "\x00"
    if "\x00" in text:  # UTF-16, a spreadsheet's binary file, an image ...
        raise ValidationFailed(
            "CSV_ENCODING",
            "Fișierul nu este un CSV text: salvați-l din Excel ca «CSV UTF-8» (sau CSV).",
            "Not a CSV text file: save it as «CSV UTF-8».",
            field="file",
        )
    return text


def _filename_part(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("_") or "lista"


class PriceFileController(Controller):
    path = "/api/price-lists"
    tags = TAGS

    @post(
        "/{list_id:int}/import",
        operation_id="ImportPriceList",
        summary="Importă prețuri din CSV",
        status_code=200,
        operation_class=CsvUpload,
    )
    async def import_prices(self, request: Request, list_id: RowId, body: bytes) -> PricesAddedOut:
        """New dated prices from a CSV file (the body, `Content-Type: text/csv`). All or
        nothing: any bad row refuses the whole file with 422 PRICE_IMPORT_INVALID and
        `details.errors` = [{line, field, message}]. Prices already in the list are not
        added twice (`unchanged`), so importing a file again changes nothing."""
        text = csv_text(body)
        added, unchanged = await prices_import(list_id=list_id, text=text, by=request.user)
        return PricesAddedOut(added=added, unchanged=unchanged)

    @get(
        "/{list_id:int}/export",
        operation_id="ExportPriceList",
        summary="Exportă prețurile în CSV",
        media_type="text/csv",
    )
    async def export_prices(
        self,
        request: Request,
        list_id: RowId,
        on: Annotated[date | None, Parameter(description="Prețurile în vigoare în ziua")] = None,
        history: bool = Parameter(default=False, description="Toate prețurile (istoricul)"),
        file_format: Literal["csv", "excel"] = Parameter(
            query="format",
            default="csv",
            description="csv: virgulă, punct zecimal; excel: punct și virgulă, virgulă "
            "zecimală, UTF-8 cu BOM (se deschide direct în Excel)",
        ),
    ) -> Response[str]:
        """The list's prices in force on a day (today by default), or its whole history,
        as a CSV the import reads back."""
        day = items_day(on, history)
        row = await price_list_get(list_id, by=request.user)
        text = await prices_export(
            list_id=list_id, by=request.user, on=day, history=history,
            excel=file_format == "excel",
        )  # fmt: skip
        when = "istoric" if day is None else day.isoformat()
        filename = f"lista-preturi-{_filename_part(row['code'])}-{when}.csv"
        return Response(
            text,
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )


class PriceResolveController(Controller):
    path = "/api/prices"
    tags = TAGS

    @post(
        "/resolve",
        operation_id="ResolvePrices",
        summary="Ce preț se aplică?",
        status_code=200,
    )
    async def resolve(self, request: Request, data: ResolveIn) -> ResolveOut:
        """The price of each line (article by id or `article_code`, quantity, optionally the
        list chosen on the line) for a partner, work point or POS, a day and a currency:
        without and with VAT, the list and the level it came from, and why (the lists
        passed over, in order). Precedence: a list chosen on the line, else the lists
        assigned to the partner, its group, the POS, the work point, the user's team, the
        company. A list chosen on the line that the caller may not use: 403
        PRICE_LIST_FORBIDDEN."""
        codes = await article_ids_by_code(
            line.article_code for line in data.lines if line.article_code is not None
        )
        asks = []
        for n, line in enumerate(data.lines):
            where = f"lines[{n}]."
            if (line.article is None) == (line.article_code is None):
                raise ValidationFailed(
                    "ARTICLE_REQUIRED",
                    f"Linia {n + 1}: trimiteți fie «article» (numărul), fie «article_code».",
                    f"Line {n + 1}: send either «article» (id) or «article_code».",
                    field=f"{where}article",
                )
            article = line.article
            if line.article_code is not None:
                article = codes.get(line.article_code)
                if article is None:
                    raise ValidationFailed(
                        "ARTICLE_INVALID",
                        f"Linia {n + 1}: articolul cu codul «{line.article_code}» nu există.",
                        f"Line {n + 1}: no article with code «{line.article_code}».",
                        field=f"{where}article_code",
                    )
            quantity = input_decimal(line.quantity, f"{where}quantity")
            asks.append(PriceAsk(article, quantity, line.price_list))  # type: ignore[arg-type]
        day = data.date or today()
        context = PriceContext(
            day=day, currency=data.currency.upper(), partner=data.partner,
            work_point=data.work_point, pos=data.pos,
        )  # fmt: skip
        answers = await resolve_prices(asks, context, by=request.user)
        return ResolveOut(
            date=day,
            currency=context.currency,
            lines=[msgspec.convert(scaled(asdict(a)), ResolvedLineOut) for a in answers],
        )
