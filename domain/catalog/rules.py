"""What makes an article valid (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from stdnum import ean

from domain.core.errors import ValidationFailed
from tables.choices import ArticleKind


def normalize_article(values: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(values)
    for key in ("code", "name", "nc_code", "description"):
        if key in out:
            out[key] = (out[key] or "").strip()
    if not out.get("code"):
        raise ValidationFailed(
            "ARTICLE_CODE_REQUIRED",
            "Completați codul articolului.",
            "The article code is required.",
            field="code",
        )
    if not out.get("name"):
        raise ValidationFailed(
            "ARTICLE_NAME_REQUIRED",
            "Completați denumirea articolului.",
            "The article name is required.",
            field="name",
        )
    try:
        out["kind"] = ArticleKind(out.get("kind") or ArticleKind.goods)
    except ValueError:
        raise ValidationFailed(
            "ARTICLE_KIND_INVALID",
            f"Tipul «{out.get('kind')}» nu există. Tipuri: "
            + ", ".join(k.value for k in ArticleKind),
            "Unknown article kind.",
            field="kind",
        ) from None
    barcode = (out.get("barcode") or "").strip()
    if (
        barcode
        and barcode.isdigit()
        and len(barcode) in (8, 12, 13, 14)
        and not ean.is_valid(barcode)
    ):
        raise ValidationFailed(
            "BARCODE_INVALID",
            f"Codul de bare «{barcode}» are cifra de control greșită (EAN/GTIN).",
            f"Barcode «{barcode}» fails the EAN/GTIN check digit.",
            field="barcode",
        )
    out["barcode"] = barcode or None
    nc = out.get("nc_code", "")
    if nc and not (nc.isdigit() and len(nc) in (4, 6, 8, 10)):
        raise ValidationFailed(
            "NC_CODE_INVALID",
            f"Codul NC «{nc}» trebuie să aibă 4, 6, 8 sau 10 cifre (Nomenclatura Combinată).",
            f"NC code «{nc}» must have 4, 6, 8 or 10 digits.",
            field="nc_code",
        )
    months = out.get("warranty_months")
    if months is not None:
        try:
            months = out["warranty_months"] = int(str(months).strip() or 0)
        except ValueError:
            raise ValidationFailed(
                "WARRANTY_INVALID",
                f"Garanția «{months}» trebuie să fie un număr întreg de luni (ex. 24).",
                f"Warranty «{months}» must be a whole number of months.",
                field="warranty_months",
            ) from None
    if months is not None and months < 0:
        raise ValidationFailed(
            "WARRANTY_NEGATIVE",
            "Garanția nu poate avea un număr negativ de luni.",
            "Warranty months cannot be negative.",
            field="warranty_months",
        )
    return out
