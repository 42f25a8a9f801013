"""Gapless document numbers: taken inside the issuing transaction, as its last step.

`UPDATE ... SET next_number = next_number + 1 ... RETURNING` is one atomic statement: on
PostgreSQL it locks the series row until commit (concurrent issuers queue behind it), on
SQLite the IMMEDIATE transaction already holds the write lock. A rolled-back issue gives
its number back, so the series has no gaps; the unique (series, number) index is the
backstop against duplicates.
"""

from __future__ import annotations

from datetime import date

from domain.core.errors import Conflict, NotFound
from domain.core.tx import require_tx
from tables.choices import DocType
from tables.sales import DocumentSeries


def format_number(prefix: str, number: int) -> str:
    """How the number is printed and sent to ANAF: CTF-00012."""
    return f"{prefix}-{number:05d}"


async def number_allocate(series_id: int) -> tuple[int, str]:
    """The next number of the series (and its printed form); only inside write_tx()."""
    require_tx()
    rows = await DocumentSeries.raw(
        "UPDATE serie_documente SET next_number = next_number + 1 WHERE id = {} "
        "RETURNING next_number - 1 AS number, last_number, prefix, active",
        series_id,
    )
    if not rows:
        raise NotFound(
            "SERIES_NOT_FOUND",
            f"Seria de numerotare nr. {series_id} nu există.",
            f"Series {series_id} not found.",
        )
    row = rows[0]
    if not row["active"]:
        raise Conflict(
            "SERIES_INACTIVE",
            f"Seria {row['prefix']} este inactivă; alegeți altă serie.",
            f"Series {row['prefix']} is inactive.",
            field="series",
        )
    if row["last_number"] is not None and row["number"] > row["last_number"]:
        # Raising rolls the whole issue back, the increment included: no gap.
        raise Conflict(
            "SERIES_EXHAUSTED",
            f"Plaja seriei {row['prefix']} s-a terminat la numărul {row['last_number']}. "
            "Alocați o plajă nouă (Vânzări › serie documente).",
            f"Series {row['prefix']} is exhausted at {row['last_number']}.",
            field="series",
        )
    return row["number"], format_number(row["prefix"], row["number"])


async def series_for(
    *, company_id: int, doc_type: DocType, work_point_id: int | None, series_id: int | None
) -> int:
    """The series to number a document with: the one asked for, else the work point's
    active series of that type, else the company's (no work point)."""
    # On every issue: plain SQL, see docs/benchmarks.md.
    rows = await DocumentSeries.raw(
        "SELECT id, work_point FROM serie_documente WHERE company = {} AND doc_type = {} "
        "AND active = {} ORDER BY id",
        company_id,
        str(doc_type),
        True,
    )
    if series_id is not None:
        if not any(r["id"] == series_id for r in rows):
            raise Conflict(
                "SERIES_INVALID",
                "Seria aleasă nu există, nu este activă sau nu este pentru acest tip de document.",
                "The chosen series is missing, inactive or of another document type.",
                field="series",
            )
        return series_id
    for wanted in (work_point_id, None):
        for row in rows:
            if row["work_point"] == wanted:
                return row["id"]
    raise Conflict(
        "SERIES_MISSING",
        "Nu există o serie activă pentru acest tip de document. "
        "Creați una în Vânzări › serie documente.",
        "No active numbering series for this document type.",
        field="series",
    )


def default_prefix(doc_type: DocType, day: date) -> str:
    """A sensible first series for a new company, e.g. FCT-2026."""
    short = {
        DocType.offer: "OF",
        DocType.proforma: "PF",
        DocType.order: "CMD",
        DocType.delivery_note: "AV",
        DocType.invoice: "FCT",
        DocType.warranty: "CG",
        DocType.receipt: "CH",
    }[doc_type]
    return f"{short}-{day.year}"
