"""Constrained field types shared by the API shapes.

The limits mirror the columns (Varchar lengths, 32-bit integers on PostgreSQL): a value the
database cannot hold is refused here with 400 REQUEST_INVALID, instead of reaching the
database and failing there (PostgreSQL refuses over-long strings, NUL characters and integers
past 2^31 - 1; SQLite would silently store them).
"""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar.params import Parameter

NO_NUL = r"^[^\x00]*$"
"""PostgreSQL text cannot hold the NUL character."""

MAX_INT = 2_147_483_647
"""Largest PostgreSQL `integer` (ids, counts)."""

Str10 = Annotated[str, msgspec.Meta(max_length=10, pattern=NO_NUL)]
Str20 = Annotated[str, msgspec.Meta(max_length=20, pattern=NO_NUL)]
Str40 = Annotated[str, msgspec.Meta(max_length=40, pattern=NO_NUL)]
Str60 = Annotated[str, msgspec.Meta(max_length=60, pattern=NO_NUL)]
Str100 = Annotated[str, msgspec.Meta(max_length=100, pattern=NO_NUL)]
Str200 = Annotated[str, msgspec.Meta(max_length=200, pattern=NO_NUL)]
Text = Annotated[str, msgspec.Meta(pattern=NO_NUL)]
Int32 = Annotated[int, msgspec.Meta(ge=-MAX_INT - 1, le=MAX_INT)]

RowId = Annotated[int, Parameter(ge=1, le=MAX_INT, description="Numărul înregistrării")]
"""A path id: one past the column's range would make PostgreSQL raise instead of answer."""
