"""Which VAT treatment an invoice may have, and what it must then say (pure).

Cod fiscal art. 319 alin. (20) lit. k): exempt supplies cite their legal basis, reverse
charge says "taxare inversă", an issuer under cash-VAT says "TVA la încasare".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from domain.core.errors import ValidationFailed
from domain.org.geo import EU_COUNTRIES
from tables.choices import VatRegime

ALLOWED_CODES: dict[VatRegime, frozenset[str]] = {
    VatRegime.normal: frozenset({"S", "Z", "E", "AE"}),
    VatRegime.cash_vat: frozenset({"S", "Z", "E"}),
    VatRegime.reverse_charge: frozenset({"AE"}),
    VatRegime.intra_eu: frozenset({"K"}),
    VatRegime.export: frozenset({"G"}),
    VatRegime.not_registered: frozenset({"O"}),
}
REGIME_RO = {
    VatRegime.normal: "normal",
    VatRegime.cash_vat: "TVA la încasare",
    VatRegime.reverse_charge: "taxare inversă",
    VatRegime.intra_eu: "livrare intracomunitară",
    VatRegime.export: "export",
    VatRegime.not_registered: "neplătitor de TVA",
}


@dataclass(frozen=True, slots=True)
class Party:
    """What the rules need to know of the issuer or the customer."""

    country: str
    vat_payer: bool
    cash_vat: bool = False
    cui: str | None = None
    foreign_vat_id: str | None = None


@dataclass(frozen=True, slots=True)
class LineCategory:
    code: str  # UNTDID 5305
    exemption_text: str


def _refuse(code: str, ro: str, en: str, field: str = "vat_regime") -> ValidationFailed:
    return ValidationFailed(code, ro, en, field=field)


def check_regime(
    regime: VatRegime, *, issuer: Party, customer: Party, lines: Iterable[LineCategory]
) -> None:
    """Refuse an invoice whose VAT treatment does not fit its parties or its lines."""
    if not issuer.vat_payer and regime is not VatRegime.not_registered:
        raise _refuse(
            "REGIME_ISSUER_NOT_VAT_PAYER",
            "Firma nu este plătitoare de TVA: factura se emite în regimul «neplătitor de TVA».",
            "The issuer is not VAT-registered: use the not_registered regime.",
        )
    if issuer.vat_payer and regime is VatRegime.not_registered:
        raise _refuse(
            "REGIME_ISSUER_IS_VAT_PAYER",
            "Firma este plătitoare de TVA; regimul «neplătitor de TVA» nu se poate folosi.",
            "The issuer is VAT-registered.",
        )
    if regime is VatRegime.cash_vat and not issuer.cash_vat:
        raise _refuse(
            "REGIME_CASH_VAT_NOT_OPTED",
            "Firma nu aplică TVA la încasare (vedeți Organizare › firma).",
            "The issuer has not opted for cash-VAT.",
        )
    if regime is VatRegime.normal and issuer.cash_vat:
        raise _refuse(
            "REGIME_CASH_VAT_REQUIRED",
            "Firma aplică TVA la încasare: facturile interne se emit în regimul «TVA la încasare».",
            "A cash-VAT issuer invoices under cash-VAT.",
        )
    codes = {line.code for line in lines}
    wrong = sorted(codes - ALLOWED_CODES[regime])
    if wrong:
        raise _refuse(
            "REGIME_LINE_CATEGORY",
            f"În regimul «{REGIME_RO[regime]}» nu se pot factura articole cu categoria de TVA "
            f"{', '.join(wrong)}. Categorii permise: {', '.join(sorted(ALLOWED_CODES[regime]))}.",
            f"Regime {regime} does not allow VAT categories {', '.join(wrong)}.",
            field="lines",
        )
    if "AE" in codes and not (customer.country == "RO" and customer.vat_payer and customer.cui):
        raise _refuse(
            "REGIME_REVERSE_CHARGE_CUSTOMER",
            "Taxarea inversă (art. 331) se aplică doar unui client din România, "
            "înregistrat în scopuri de TVA, cu CUI.",
            "Domestic reverse charge needs a Romanian VAT-registered customer.",
            field="partner",
        )
    if regime is VatRegime.intra_eu and not (
        customer.country in EU_COUNTRIES and customer.country != "RO" and customer.foreign_vat_id
    ):
        raise _refuse(
            "REGIME_INTRA_EU_CUSTOMER",
            "Livrarea intracomunitară scutită cere un client dintr-un alt stat UE, "
            "cu cod de TVA valid (art. 294 alin. 2 lit. a).",
            "An intra-EU supply needs a customer in another member state with a VAT id.",
            field="partner",
        )
    if regime is VatRegime.export and (customer.country in EU_COUNTRIES):
        raise _refuse(
            "REGIME_EXPORT_CUSTOMER",
            "Exportul scutit se face către un client din afara Uniunii Europene.",
            "An export goes to a customer outside the EU.",
            field="partner",
        )


def mentions(regime: VatRegime, lines: Iterable[LineCategory], *, self_billed: bool) -> list[str]:
    """The legal mentions printed on the invoice, each once, in a stable order."""
    out: list[str] = []
    if regime is VatRegime.cash_vat:
        out.append("TVA la încasare")
    if self_billed:
        out.append("Autofacturare")
    for line in lines:
        # The AE category's text is the "taxare inversă" mention with its article.
        if line.exemption_text and line.exemption_text not in out:
            out.append(line.exemption_text)
    return out


def cancel_reason(reason: str) -> str:
    """A cancellation states why (it is reported, e.g. in D394 for invoices)."""
    if not reason.strip():
        raise ValidationFailed(
            "CANCEL_REASON_REQUIRED", "Scrieți motivul anulării.", "A reason is required.",
            field="reason",
        )  # fmt: skip
    return reason.strip()[:200]


def customer_snapshot(partner: Mapping[str, Any]) -> dict[str, Any]:
    """The customer as the document states it, frozen at issue."""
    keys = ("kind", "name", "cui", "cnp", "foreign_vat_id", "reg_com", "country", "county",
            "sector", "city", "street", "postal_code", "email", "phone", "vat_payer")  # fmt: skip
    snapshot = {k: partner[k] for k in keys}
    cui = partner["cui"]
    snapshot["vat_code"] = (
        f"RO{cui}" if cui and partner["vat_payer"] else (partner["foreign_vat_id"] or "")
    )
    return snapshot
