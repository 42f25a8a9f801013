"""What a printed offer, proforma, order, delivery note (aviz) or warranty certificate says.

`document_context` is pure: it takes the document as `domain.sales.queries.document_get`
returns it, the issuing company shaped like an invoice's supplier snapshot (documents keep no
supplier snapshot: the company is read when printing), the unit symbols, the UNTDID code of
each VAT category and, for a warranty certificate, the invoice behind each line; it returns
plain strings for `templates/document.html`, formatted the Romanian way (1.234,56;
dd.mm.yyyy). `document_context_load` reads those extras and calls it.

The VAT per rate and the totals of offers, proformas and orders come from
`domain.sales.totals.document_totals` over the line nets and rates stored at issue (each net
enters as one unit at that price, so the groups are exactly the ones the issue computed).

Legal content: the aviz follows OMFP 2634/2015 form 14-3-6A (issuer, series and number,
date, recipient, goods with U.M. and quantity, price and value when known, delegate and
identity document, vehicle, signatures). The warranty certificate states seller, buyer,
products with serial numbers and months, the invoice, the conditions and the signatures.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from domain.core.money import q2, to_decimal
from domain.sales.totals import LineIn, Totals, amount_in_words_ro, document_totals
from printing.invoice_context import (
    CATEGORY_RO,
    _as_date,
    _party,
    _series_and_number,
    day,
    money,
    percent,
    quantity,
    unit_price,
)
from tables.catalog import UnitOfMeasure, VatCategory
from tables.choices import DocStatus, DocType
from tables.org import Company, CompanyBankAccount
from tables.sales import InvoiceLine

TITLES = {
    DocType.offer: "OFERTĂ",
    DocType.proforma: "FACTURĂ PROFORMĂ",
    DocType.order: "COMANDĂ",
    DocType.delivery_note: "AVIZ DE ÎNSOȚIRE A MĂRFII",
    DocType.warranty: "CERTIFICAT DE GARANȚIE",
}

# Who the two parties are on each document.
ROLES = {
    DocType.offer: ("Furnizor", "Client"),
    DocType.proforma: ("Furnizor", "Cumpărător"),
    DocType.order: ("Furnizor", "Client (beneficiar)"),
    DocType.delivery_note: ("Furnizor (expeditor)", "Cumpărător (destinatar)"),
    DocType.warranty: ("Vânzător", "Cumpărător"),
}

# "... – ANULATĂ" in the page footer: the noun's gender.
CANCELLED_WORD = {
    DocType.offer: "ANULATĂ",
    DocType.proforma: "ANULATĂ",
    DocType.order: "ANULATĂ",
    DocType.delivery_note: "ANULAT",
    DocType.warranty: "ANULAT",
}

GRAND_LABELS = {
    DocType.offer: "TOTAL OFERTĂ",
    DocType.proforma: "TOTAL DE PLATĂ",
    DocType.order: "TOTAL COMANDĂ",
}

# Printed under each document (small print).
FOOTNOTES = {
    DocType.offer: "Oferta nu este document fiscal. Prețurile sunt exprimate fără TVA; "
    "TVA se aplică la cota în vigoare la data livrării.",
    DocType.proforma: "Factura proformă nu este document fiscal și nu ține loc de factură; "
    "factura fiscală se emite la livrare sau la încasare.",
    DocType.order: "Comanda nu este document fiscal; livrarea se face pe bază de aviz "
    "de însoțire a mărfii sau de factură.",
    DocType.delivery_note: "Aviz de însoțire a mărfii (cod 14-3-6A, OMFP nr. 2634/2015).",
    DocType.warranty: "Certificatul de garanție se păstrează împreună cu factura de cumpărare.",
}

# Conditions of warranty: the seller's commercial warranty, stated as the consumer law asks
# (OUG 140/2021 art. 17: the legal rights stay, what is covered, how to claim, for how long).
WARRANTY_CONDITIONS: tuple[str, ...] = (
    "Vânzătorul garantează că produsele înscrise în prezentul certificat sunt conforme cu "
    "contractul de vânzare și cu documentația tehnică a producătorului pe toată durata "
    "termenului de garanție înscris pentru fiecare produs, socotit de la data livrării "
    "(data vânzării de pe factură).",
    "În termenul de garanție, cumpărătorul are dreptul la aducerea gratuită a produsului "
    "în conformitate, prin reparare sau înlocuire; dacă acestea nu sunt posibile ori sunt "
    "disproporționate, la reducerea proporțională a prețului sau la rezoluțiunea contractului, "
    "în condițiile legii.",
    "Remedierea se face în cel mult 15 zile calendaristice de la data la care vânzătorul a "
    "fost informat despre lipsa de conformitate. Termenul de garanție se prelungește cu "
    "timpul scurs de la sesizare până la repunerea produsului în stare de funcționare.",
    "Produsul se prezintă la sediul vânzătorului sau la unitatea de service indicată de "
    "acesta, împreună cu prezentul certificat și cu factura; seriile de pe produs trebuie să "
    "corespundă celor înscrise mai sus.",
    "Garanția nu acoperă defectele cauzate de transport, depozitare, montare sau utilizare "
    "contrare instrucțiunilor producătorului, de intervenții neautorizate, de accidente, "
    "de fenomene naturale ori de variații ale tensiunii de alimentare, nici uzura normală "
    "a pieselor consumabile.",
    "Garanția se pierde dacă etichetele sau sigiliile cu seria produsului sunt deteriorate "
    "ori îndepărtate sau dacă produsul a fost reparat ori modificat de persoane neautorizate.",
    "Pentru consumatori: garanția comercială nu afectează drepturile prevăzute de lege "
    "(garanția legală de conformitate, OUG nr. 140/2021 și OG nr. 21/1992 privind protecția "
    "consumatorilor), pe care consumatorul le exercită gratuit față de vânzător.",
)

PRICED = frozenset({DocType.offer, DocType.proforma, DocType.order})
"""The documents with prices, VAT per rate and totals."""


# --- parties ---------------------------------------------------------------------------------


def company_snapshot(
    company: Mapping[str, Any], banks: Sequence[Mapping[str, Any]] = ()
) -> dict[str, Any]:
    """The company (a `Company` row) shaped like an invoice's supplier snapshot."""
    keys = ("name", "cui", "reg_com", "country", "county", "sector", "city", "street",
            "postal_code", "email", "phone")  # fmt: skip
    snapshot = {k: company.get(k) or "" for k in keys}
    snapshot["vat_code"] = f"RO{company['cui']}" if company.get("vat_payer") else ""
    snapshot["capital"] = str(q2(company.get("capital") or 0))
    snapshot["bank_accounts"] = [dict(b) for b in banks]
    return snapshot


def _customer(snapshot: Mapping[str, Any]) -> dict[str, Any]:
    """The customer block. A document's snapshot may not record whether the customer pays
    VAT: then the block states no VAT status rather than "neplătitor de TVA"."""
    if "vat_payer" in snapshot or snapshot.get("vat_code"):
        return _party(snapshot, supplier=False)
    party = _party(dict(snapshot, vat_code=snapshot.get("foreign_vat_id") or ""), supplier=False)
    party["rows"] = [r for r in party["rows"] if r != ("Cod TVA", "neplătitor de TVA")]
    return party


def _json(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        return json.loads(value or "{}")
    return dict(value or {})


# --- lines and totals ------------------------------------------------------------------------


def _line_in(line: Mapping[str, Any], vat_codes: Mapping[int, str]) -> LineIn:
    """The stored net as one unit at that price (a negative net as minus one unit)."""
    net = to_decimal(line["net"])
    return LineIn(
        Decimal(1) if net >= 0 else Decimal(-1),
        abs(net),
        vat_codes[line["vat_category"]],
        to_decimal(line["vat_rate"]),
    )


def _totals(lines: Sequence[Mapping[str, Any]], vat_codes: Mapping[int, str]) -> Totals | None:
    """The VAT per rate and the totals; None before issue (no rate frozen yet)."""
    if not lines or any(x.get("vat_rate") is None for x in lines):
        return None
    return document_totals([_line_in(x, vat_codes) for x in lines])


def _priced_line(
    line: Mapping[str, Any], units: Mapping[str, str], vat_codes: Mapping[int, str]
) -> dict[str, Any]:
    discount = to_decimal(line.get("discount") or 0)
    rate = line.get("vat_rate")
    vat = ""
    if rate is not None:
        # Display only: the document's VAT is per rate (the breakdown), never summed by line.
        vat = money(document_totals([_line_in(line, vat_codes)]).vat_total)
    return {
        "position": line["position"],
        "description": line["description"],
        "uom": units.get(line["uom_code"], line["uom_code"]),
        "quantity": quantity(line["quantity"]),
        "unit_price": unit_price(line["unit_price"]),
        "discount": money(discount) if discount else "",
        "value": money(line["net"]),
        "vat_rate": f"{percent(rate)}%" if rate is not None else "",
        "vat": vat,
    }


def _aviz_line(line: Mapping[str, Any], units: Mapping[str, str]) -> dict[str, Any]:
    price = to_decimal(line.get("unit_price") or 0)
    return {
        "position": line["position"],
        "description": line["description"],
        "uom": units.get(line["uom_code"], line["uom_code"]),
        "quantity": quantity(line["quantity"]),
        "unit_price": unit_price(price) if price else "",
        "value": money(line["net"]) if price else "",
    }


def _warranty_line(line: Mapping[str, Any], units: Mapping[str, str]) -> dict[str, Any]:
    serials = [s.strip() for s in (line.get("serial_numbers") or "").replace(";", ",").split(",")]
    months = int(line.get("warranty_months") or 0)
    return {
        "position": line["position"],
        "description": line["description"],
        "uom": units.get(line["uom_code"], line["uom_code"]),
        "quantity": quantity(line["quantity"]),
        "serials": ", ".join(s for s in serials if s),
        "months": f"{months} {'lună' if months == 1 else 'luni'}" if months else "—",
    }


def _breakdown(totals: Totals) -> list[dict[str, str]]:
    return [
        {
            "rate": f"{percent(g.vat_rate)}%",
            "category": CATEGORY_RO.get(g.vat_code, g.vat_code),
            "base": money(g.base),
            "vat": money(g.vat),
        }
        for g in totals.groups
    ]


# --- the context -----------------------------------------------------------------------------


def document_context(
    document: Mapping[str, Any],
    *,
    supplier: Mapping[str, Any],
    units: Mapping[str, str] | None = None,
    vat_codes: Mapping[int, str] | None = None,
    invoices: Mapping[int, Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """The template context of one sales document.

    `supplier`: the company as `company_snapshot` shapes it; `units`: UN/ECE unit code ->
    printed symbol; `vat_codes`: VAT category id -> UNTDID code (S, Z, E, AE...);
    `invoices`: for a warranty certificate, invoice line id -> the invoice's `full_number`,
    `issue_date` and `delivery_date`.
    """
    units = units or {}
    vat_codes = vat_codes or {}
    invoices = invoices or {}
    doc_type = DocType(document["doc_type"])
    title = TITLES[doc_type]
    status = document.get("status") or DocStatus.draft
    currency = document.get("currency") or "RON"
    series, number = _series_and_number(document)
    full_number = document.get("full_number") or ""
    raw_lines = list(document.get("lines") or [])

    issue_date = _as_date(document.get("issue_date"))
    delivery_date = _as_date(document.get("delivery_date"))
    valid_until = _as_date(document.get("valid_until"))
    dates = [("Data comenzii" if doc_type is DocType.order else "Data emiterii", day(issue_date))]
    if doc_type in (DocType.offer, DocType.proforma) and valid_until:
        dates.append(("Valabilă până la", day(valid_until)))
    shipped = doc_type in (DocType.order, DocType.delivery_note)
    if shipped and delivery_date and delivery_date != issue_date:
        dates.append(("Data livrării", day(delivery_date)))

    priced = doc_type in PRICED
    aviz_priced = doc_type is DocType.delivery_note and any(
        to_decimal(x.get("unit_price") or 0) for x in raw_lines
    )
    if priced or aviz_priced:
        dates.append(("Moneda", currency))

    if priced:
        lines = [_priced_line(x, units, vat_codes) for x in raw_lines]
    elif doc_type is DocType.delivery_note:
        lines = [_aviz_line(x, units) for x in raw_lines]
    else:
        lines = [_warranty_line(x, units) for x in raw_lines]

    totals: list[tuple[str, str]] = []
    breakdown: list[dict[str, str]] = []
    grand = ""
    words = ""
    computed = _totals(raw_lines, vat_codes) if (priced or aviz_priced) else None
    if computed is not None and priced:
        breakdown = _breakdown(computed)
        totals = [
            ("Total fără TVA", money(computed.tax_exclusive)),
            ("Total TVA", money(computed.vat_total)),
        ]
        grand = money(computed.tax_inclusive)
        words = amount_in_words_ro(computed.tax_inclusive, currency)
    elif computed is not None:
        totals = [("Total valoare fără TVA", money(computed.tax_exclusive))]

    validity = ""
    if valid_until and doc_type is DocType.offer:
        validity = f"Oferta este valabilă până la data de {day(valid_until)} inclusiv."
    elif valid_until and doc_type is DocType.proforma:
        validity = f"Factura proformă este valabilă până la data de {day(valid_until)} inclusiv."

    references = []
    seen: set[str] = set()
    for line in raw_lines:
        invoice = invoices.get(line.get("source_invoice_line") or 0)
        if invoice and invoice.get("full_number") not in seen:
            seen.add(invoice["full_number"])
            text = f"Factura {invoice['full_number']} din data {day(invoice.get('issue_date'))}"
            delivered = day(invoice.get("delivery_date"))
            if delivered and delivered != day(invoice.get("issue_date")):
                text += f" (livrare la {delivered})"
            references.append(text)

    cancelled = status == DocStatus.cancelled
    supplier_role, customer_role = ROLES[doc_type]
    document_name = f"{title} {full_number}".strip()
    return {
        "doc_type": doc_type.value,
        "title": title,
        "document_name": document_name,
        "footer_ref": document_name + (f" – {CANCELLED_WORD[doc_type]}" if cancelled else ""),
        "full_number": full_number,
        "series": series,
        "number": number,
        "status": status,
        "draft": status == DocStatus.draft,
        "cancelled": cancelled,
        "cancelled_on": day(document.get("cancelled_at")) if cancelled else "",
        "cancel_reason": (document.get("cancel_reason") or "") if cancelled else "",
        "dates": dates,
        "supplier_role": supplier_role,
        "customer_role": customer_role,
        "supplier": _party(supplier, supplier=True),
        "customer": _customer(_json(document.get("customer_snapshot"))),
        "currency": currency,
        "priced": priced,
        "aviz_priced": aviz_priced,
        "lines": lines,
        "has_discounts": priced and any(x["discount"] for x in lines),
        "vat_breakdown": breakdown,
        "totals": totals,
        "grand_label": GRAND_LABELS.get(doc_type, ""),
        "grand_total": grand,
        "total_words": words if doc_type is DocType.proforma else "",
        "validity": validity,
        "notes": document.get("notes") or "",
        "notes_label": "Condiții și precizări" if doc_type is DocType.offer else "Observații",
        "delegate": document.get("delegate") or "",
        "vehicle": document.get("vehicle") or "",
        "shipped_on": day(delivery_date or issue_date),
        "invoice_references": references,
        "conditions": list(WARRANTY_CONDITIONS) if doc_type is DocType.warranty else [],
        "footnote": FOOTNOTES[doc_type],
        "issued_by": document.get("issued_by") or "",
    }


async def document_context_load(document: Mapping[str, Any]) -> dict[str, Any]:
    """`document_context` with the company, the unit symbols, the VAT codes and (warranty)
    the invoices read from the database. `document` is what `document_get` returned (its
    caller checked the rights)."""
    lines = list(document.get("lines") or [])
    company = (
        await Company.select(*Company._meta.columns)
        .where(Company.id == document["company"])
        .first()
    )
    banks = (
        await CompanyBankAccount.select(
            CompanyBankAccount.iban, CompanyBankAccount.bank_name, CompanyBankAccount.currency
        )
        .where(CompanyBankAccount.company == document["company"])
        .order_by(CompanyBankAccount.is_default, ascending=False)
        .order_by(CompanyBankAccount.id)
    )
    codes = sorted({x["uom_code"] for x in lines})
    units = {
        r["code"]: r["symbol"] or r["code"]
        for r in await UnitOfMeasure.select(UnitOfMeasure.code, UnitOfMeasure.symbol).where(
            UnitOfMeasure.code.is_in(codes or [""])
        )
    }
    categories = sorted({x["vat_category"] for x in lines})
    vat_codes = {
        r["id"]: r["untdid"]
        for r in await VatCategory.select(VatCategory.id, VatCategory.untdid).where(
            VatCategory.id.is_in(categories or [0])
        )
    }
    sources = sorted({x["source_invoice_line"] for x in lines if x.get("source_invoice_line")})
    invoices: dict[int, dict[str, Any]] = {}
    if sources:
        rows = await InvoiceLine.select(
            InvoiceLine.id,
            InvoiceLine.invoice.full_number.as_alias("full_number"),
            InvoiceLine.invoice.issue_date.as_alias("issue_date"),
            InvoiceLine.invoice.delivery_date.as_alias("delivery_date"),
        ).where(InvoiceLine.id.is_in(sources))
        invoices = {r.pop("id"): r for r in rows}
    return document_context(
        document,
        supplier=company_snapshot(company or {}, banks),
        units=units,
        vat_codes=vat_codes,
        invoices=invoices,
    )
