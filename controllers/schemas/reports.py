"""Query parameters of the report API (/api/reports/...).

The answers are the reports' own read models (frozen dataclasses in
domain/ledger/reports*.py, amounts as decimal strings): they are the API's shapes, so they
are not copied here.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from litestar.params import QueryParameter

from controllers.schemas import MAX_INT

Format = Literal["json", "csv", "excel", "pdf"]
FORMAT_DOC = (
    "json (implicit); csv: virgulă și punct zecimal; excel: punct și virgulă, virgulă "
    "zecimală, UTF-8 cu BOM (se deschide direct în Excel); pdf: A4 landscape"
)
FormatParam = Annotated[Format, QueryParameter(name="format", description=FORMAT_DOC)]
PageFormat = Literal["", "html", "csv", "excel", "pdf"]
PageFormatParam = Annotated[
    PageFormat,
    QueryParameter(name="format", description="gol: pagina; csv, excel, pdf: fișierul"),
]
CompanyId = Annotated[
    int | None, QueryParameter(ge=1, le=MAX_INT, description="Firma (implicit: singura firmă)")
]
PartnerId = Annotated[int, QueryParameter(ge=1, le=MAX_INT, description="Partenerul")]
Start = Annotated[date, QueryParameter(description="Prima zi a perioadei (AAAA-LL-ZZ)")]
End = Annotated[date, QueryParameter(description="Ultima zi a perioadei (AAAA-LL-ZZ)")]
AccountCode = Annotated[
    str, QueryParameter(max_length=20, description="Contul, ex. 4111 sau 4111.01")
]
Month = Annotated[str, QueryParameter(max_length=7, description="Luna, AAAA-LL (ex. 2026-03)")]
