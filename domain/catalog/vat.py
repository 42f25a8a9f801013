"""VAT rates as dated records: the rate of a category on a day (pure)."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from domain.core.errors import ValidationFailed


@dataclass(frozen=True, slots=True)
class DatedRate:
    rate: Decimal
    valid_from: date
    valid_to: date | None  # inclusive; None = still in force


def rate_on(category: str, day: date, rates: Iterable[DatedRate]) -> Decimal:
    """The rate in force on `day` (the delivery date decides, Cod fiscal art. 280).

    Refuses a day no record covers rather than guessing: a missing rate is a
    configuration error someone must see (e.g. the transitional 9 % for housing,
    which ended on 2026-07-31).
    """
    for dated in rates:
        if dated.valid_from <= day and (dated.valid_to is None or day <= dated.valid_to):
            return dated.rate
    raise ValidationFailed(
        "VAT_RATE_MISSING",
        f"Categoria de TVA «{category}» nu are o cotă în vigoare la {day:%d.%m.%Y}. "
        "Alegeți altă categorie sau completați cotele în Articole › Cote TVA.",
        f"VAT category «{category}» has no rate in force on {day.isoformat()}.",
        field="vat_category",
        details={"category": category, "date": day.isoformat()},
    )


def check_no_overlap(category: str, rates: Iterable[DatedRate]) -> None:
    """Two records of one category may not both be in force on the same day."""
    ordered = sorted(rates, key=lambda r: r.valid_from)
    for earlier, later in itertools.pairwise(ordered):
        if earlier.valid_to is None or earlier.valid_to >= later.valid_from:
            raise ValidationFailed(
                "VAT_RATE_OVERLAP",
                f"Cotele categoriei «{category}» se suprapun: cota de {earlier.rate} % "
                f"din {earlier.valid_from:%d.%m.%Y} trebuie să se încheie înainte de "
                f"{later.valid_from:%d.%m.%Y}.",
                f"Rates of «{category}» overlap around {later.valid_from.isoformat()}.",
                field="valid_to",
            )
