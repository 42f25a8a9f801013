"""e-Factura sending, the files: the XML's keys (document type, number, date), ANAF's
answer ZIP as stored under DATA_DIR, and ANAF's PDF rendering fetched on demand."""

from __future__ import annotations

import asyncio
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from domain.core.errors import Conflict, NotFound
from domain.core.files import write_atomic
from domain.efactura.anaf import AnafClient, AnafUrls
from domain.efactura.status import submission_for
from domain.org.permissions import Action, Actor, Area, require


def answer_file(data_dir: Path, row: dict[str, Any]) -> Path | None:
    return data_dir / row["answer_path"] if row.get("answer_path") else None


async def store_answer_zip(
    data_dir: Path, row: dict[str, Any], download_id: str, data: bytes
) -> str:
    """Keep ANAF's answer ZIP of the submission `row`; its path relative to `data_dir`."""
    relative = f"efactura/{row['company']}/{row['invoice']}-{download_id}.zip"
    await asyncio.to_thread(write_atomic, data_dir / relative, data)
    return relative


def is_credit_note(xml: str) -> bool:
    """CreditNote documents are uploaded with standard=CN (and rendered as FCN)."""
    return xml_keys(xml.encode("utf-8"))[0] == "CreditNote"


def xml_keys(xml: bytes) -> tuple[str, str, str]:
    """(document type, BT-1 number, BT-2 issue date) of a UBL document."""
    try:
        root = ET.fromstring(xml)
    except ET.ParseError:
        return "", "", ""
    cbc = "{urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2}"
    return (
        root.tag.rsplit("}", 1)[-1],
        (root.findtext(f"{cbc}ID") or "").strip(),
        (root.findtext(f"{cbc}IssueDate") or "").strip(),
    )


async def efactura_answer_zip(*, invoice_id: int, by: Actor, data_dir: Path) -> Path:
    """ANAF's answer ZIP (the signed invoice or the error file) as stored."""
    require(by, Area.sales, Action.read)
    row = await submission_for(invoice_id)
    path = answer_file(data_dir, row) if row else None
    if path is None or not await asyncio.to_thread(path.is_file):
        raise NotFound(
            "EFACTURA_NO_ANSWER",
            "Răspunsul ANAF (arhiva ZIP) nu a fost încă descărcat pentru această factură.",
            "ANAF's answer ZIP has not been downloaded for this invoice yet.",
            details={"invoice_id": invoice_id},
        )
    return path


async def efactura_pdf(*, invoice_id: int, by: Actor, settings: Any) -> Path:
    """ANAF's own PDF rendering of the XML as validated / sent (transformare), kept beside
    the answer so that ANAF is asked once per XML."""
    require(by, Area.sales, Action.read)
    row = await submission_for(invoice_id)
    if row is None or not row["xml"]:
        raise Conflict(
            "EFACTURA_NO_XML",
            "Factura nu are încă XML e-Factura: validați-o întâi.",
            "The invoice has no e-Factura XML yet; validate it first.",
            details={"invoice_id": invoice_id},
        )
    path = Path(settings.data_dir) / (
        f"efactura/{row['company']}/{invoice_id}-{row['xml_sha256'][:16]}-anaf.pdf"
    )
    if await asyncio.to_thread(path.is_file):
        return path
    client = AnafClient(AnafUrls.from_settings(settings), row["environment"], None,
                        timeout=settings.anaf_timeout_s)  # fmt: skip
    async with client:
        pdf = await client.to_pdf(
            row["xml"].encode("utf-8"), credit_note=is_credit_note(row["xml"])
        )
    await asyncio.to_thread(write_atomic, path, pdf)
    return path
