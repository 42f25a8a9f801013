"""What a printed invoice says, built from `invoice_get`'s dict (Cod fiscal art. 319 alin. 20).

`invoice_context` is pure: it takes the invoice as `domain.sales.queries.invoice_get` returns
it (header, lines, VAT breakdown; Decimals at their scale, the frozen JSON snapshots loaded),
the unit symbols and the corrected invoice (for a storno), and returns plain strings ready for
the template, formatted the Romanian way (1.234,56; dd.mm.yyyy). `invoice_context_load`
fetches those two extras and calls it.

Every figure printed comes from what was stored at issue: the totals and the VAT per rate from
the invoice and its VAT breakdown. Only the per-line VAT column is computed here, for display,
as q2(net x rate / 100); the legal VAT is the breakdown's (VAT per group, never per line).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from domain.core.clock import BUCHAREST
from domain.core.money import q2, to_decimal
from domain.org.geo import BUCHAREST as BUCHAREST_COUNTY
from domain.org.geo import country_name, county_name, sector_name
from domain.sales.totals import amount_in_words_ro
from tables.catalog import UnitOfMeasure
from tables.choices import DocStatus, InvoiceTypeCode
from tables.sales import Invoice

TITLES = {
    InvoiceTypeCode.commercial: "FACTURĂ",
    InvoiceTypeCode.credit_note: "FACTURĂ (STORNARE)",
    InvoiceTypeCode.advance: "FACTURĂ DE AVANS",
    InvoiceTypeCode.self_billed: "AUTOFACTURĂ",
}

# How a 0 % group is named in the VAT breakdown (UNTDID 5305).
CATEGORY_RO = {
    "S": "",
    "Z": "cota zero",
    "E": "scutit",
    "AE": "taxare inversă",
    "K": "livrare intracomunitară scutită",
    "G": "export scutit",
    "O": "neimpozabil",
}

_HUNDRED = Decimal(100)


# --- formatting ------------------------------------------------------------------------------


def _group(digits: str) -> str:
    """'1234567' -> '1.234.567'."""
    out = []
    while len(digits) > 3:
        out.insert(0, digits[-3:])
        digits = digits[:-3]
    out.insert(0, digits)
    return ".".join(out)


def _number(value: Decimal, decimals: int, *, keep: int | None = None) -> str:
    """Romanian notation: dot for thousands, comma for decimals; -0 prints as 0.

    `keep`: trailing zeros are dropped down to `keep` decimals (None keeps them all).
    """
    quant = Decimal(1).scaleb(-decimals)
    value = to_decimal(value).quantize(quant)
    if not value:
        value = abs(value)
    sign = "-" if value < 0 else ""
    text = f"{abs(value):.{decimals}f}"
    whole, _, frac = text.partition(".")
    if keep is not None:
        while len(frac) > keep and frac.endswith("0"):
            frac = frac[:-1]
    return f"{sign}{_group(whole)}" + (f",{frac}" if frac else "")


def money(value: Any) -> str:
    """1.234,56 (two decimals, half-up)."""
    return _number(q2(value), 2)


def quantity(value: Any) -> str:
    """Up to three decimals, without trailing zeros: 2, 1,5, 0,125."""
    return _number(to_decimal(value), 3, keep=0)


def unit_price(value: Any) -> str:
    """Two to four decimals: 45,50, 0,1275."""
    return _number(to_decimal(value), 4, keep=2)


def percent(value: Any) -> str:
    """A VAT rate without its trailing zeros: 21, 9,5."""
    return _number(to_decimal(value), 2, keep=0)


def fx_rate(value: Any) -> str:
    return _number(to_decimal(value), 4)


def _as_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(BUCHAREST)
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value)
    if len(text) > 10:
        return _as_date(datetime.fromisoformat(text))
    return date.fromisoformat(text)


def day(value: Any) -> str:
    """dd.mm.yyyy, or '' for no date."""
    found = _as_date(value)
    return f"{found:%d.%m.%Y}" if found else ""


# --- parties ---------------------------------------------------------------------------------


def _place(snapshot: Mapping[str, Any]) -> list[str]:
    """City, sector / county, country: what follows the street on an address line."""
    country = (snapshot.get("country") or "RO").upper()
    county = snapshot.get("county") or ""
    sector = snapshot.get("sector") or ""
    city = (snapshot.get("city") or "").strip()
    parts = []
    if country == "RO":
        if county == BUCHAREST_COUNTY:
            if sector:
                parts.append(_safe(sector_name, sector))
            parts.append(city or "București")
        else:
            if city:
                parts.append(city)
            if county:
                parts.append(f"jud. {_safe(county_name, county)}")
    else:
        if city:
            parts.append(city)
        if county:
            parts.append(county)
        parts.append(_safe(country_name, country))
    return parts


def _safe(lookup: Any, code: str) -> str:
    """A name from the reference lists; the stored code itself if it is not in them."""
    try:
        return lookup(code)
    except Exception:  # noqa: BLE001 - a frozen snapshot prints as it was stored
        return code


def address(snapshot: Mapping[str, Any]) -> str:
    parts = [(snapshot.get("street") or "").strip(), *_place(snapshot)]
    postal = (snapshot.get("postal_code") or "").strip()
    if postal:
        parts.append(f"cod poștal {postal}")
    return ", ".join(p for p in parts if p)


def _party(snapshot: Mapping[str, Any], *, supplier: bool) -> dict[str, Any]:
    """Name and the labelled rows of one party block."""
    rows: list[tuple[str, str]] = []
    if snapshot.get("reg_com"):
        rows.append(("Nr. Reg. Com.", snapshot["reg_com"]))
    cui = snapshot.get("cui") or ""
    vat_code = snapshot.get("vat_code") or ""
    if cui:
        rows.append(("CUI", cui))
    elif snapshot.get("cnp"):
        rows.append(("CNP", snapshot["cnp"]))
    if vat_code:
        rows.append(("Cod TVA", vat_code))
    elif supplier or cui:
        rows.append(("Cod TVA", "neplătitor de TVA"))
    rows.append(("Adresa", address(snapshot) or "—"))
    banks: list[tuple[str, str]] = []
    if supplier:
        capital = snapshot.get("capital")
        if capital not in (None, ""):
            rows.append(("Capital social", f"{money(capital)} lei"))
        for account in snapshot.get("bank_accounts") or []:
            iban = account.get("iban") or ""
            bank = account.get("bank_name") or ""
            currency = account.get("currency") or ""
            label = f"IBAN {currency}".strip()
            banks.append((label, f"{iban} – {bank}" if bank else iban))
    contact = " · ".join(x for x in (snapshot.get("phone"), snapshot.get("email")) if x)
    if contact:
        rows.append(("Contact", contact))
    return {"name": snapshot.get("name") or "", "rows": rows, "banks": banks}


# --- the context -----------------------------------------------------------------------------


def _series_and_number(invoice: Mapping[str, Any]) -> tuple[str, str]:
    """("FCT", "00012") from "FCT-00012" (numbering writes prefix-number)."""
    full = invoice.get("full_number") or ""
    prefix, sep, number = full.rpartition("-")
    if not sep or not number.isdigit():
        return full, ""
    return prefix, number


def _line(line: Mapping[str, Any], units: Mapping[str, str]) -> dict[str, Any]:
    net = to_decimal(line["net"])
    rate = to_decimal(line["vat_rate"] if line.get("vat_rate") is not None else 0)
    discount = to_decimal(line.get("discount") or 0)
    return {
        "position": line["position"],
        "description": line["description"],
        "uom": units.get(line["uom_code"], line["uom_code"]),
        "quantity": quantity(line["quantity"]),
        "unit_price": unit_price(line["unit_price"]),
        "discount": money(discount) if discount else "",
        "value": money(net),
        "vat_rate": f"{percent(rate)}%",
        # Display only: the invoice's VAT is computed per group (see the breakdown).
        "vat": money(q2(net * rate / _HUNDRED)),
    }


def invoice_context(
    invoice: Mapping[str, Any],
    *,
    units: Mapping[str, str] | None = None,
    corrected: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The template context of one invoice.

    `units`: UN/ECE unit code -> printed symbol ("H87" -> "buc"); `corrected`: the invoice a
    storno corrects, with at least `full_number` and `issue_date`.
    """
    units = units or {}
    currency = invoice.get("currency") or "RON"
    foreign = currency != "RON"
    type_code = str(invoice.get("type_code") or InvoiceTypeCode.commercial)
    title = TITLES.get(type_code, "FACTURĂ")  # type: ignore[call-overload]
    series, number = _series_and_number(invoice)
    status = invoice.get("status") or DocStatus.draft
    supplier = invoice.get("supplier_snapshot") or {}
    customer = invoice.get("customer_snapshot") or {}

    issue_date = _as_date(invoice.get("issue_date"))
    delivery_date = _as_date(invoice.get("delivery_date"))
    dates = [("Data emiterii", day(issue_date))]
    if delivery_date and delivery_date != issue_date:
        dates.append(("Data livrării", day(delivery_date)))
    if invoice.get("due_date"):
        dates.append(("Data scadenței", day(invoice["due_date"])))
    dates.append(("Moneda", currency))

    lines = [_line(x, units) for x in invoice.get("lines") or []]
    breakdown = []
    base_ron_total = Decimal(0)
    for group in invoice.get("vat_breakdown") or []:
        code = group.get("vat_code") or "S"
        base_ron_total += to_decimal(group["base_ron"])
        breakdown.append(
            {
                "rate": f"{percent(group['vat_rate'])}%",
                "category": CATEGORY_RO.get(code, code),
                "base": money(group["base"]),
                "vat": money(group["vat"]),
                "base_ron": money(group["base_ron"]),
                "vat_ron": money(group["vat_ron"]),
            }
        )

    def amount(key: str) -> Decimal:
        return to_decimal(invoice.get(key) or 0)

    totals: list[tuple[str, str]] = []
    if amount("allowance_total") or amount("charge_total"):
        totals.append(("Total valoare linii", money(amount("line_net_total"))))
        if amount("allowance_total"):
            pct = amount("discount_percent")
            label = f"Reducere ({percent(pct)}%)" if pct else "Reduceri"
            totals.append((label, money(-amount("allowance_total"))))
        if amount("charge_total"):
            totals.append(("Majorări", money(amount("charge_total"))))
    totals.append(("Total fără TVA", money(amount("tax_exclusive"))))
    totals.append(("Total TVA", money(amount("vat_total"))))
    if amount("prepaid"):
        totals.append(("Total cu TVA", money(amount("tax_inclusive"))))
        totals.append(("Avans încasat", money(-amount("prepaid"))))

    fx = None
    if foreign:
        fx = {
            "currency": currency,
            "rate": fx_rate(invoice["fx_rate"]) if invoice.get("fx_rate") is not None else "",
            "date": day(invoice.get("fx_date")),
            "note": invoice.get("fx_note") or "",
            # The RON figures are the stored ones (per group, then summed), never re-converted.
            "base_ron": money(base_ron_total),
            "vat_ron": money(amount("vat_total_ron")),
            "total_ron": money(base_ron_total + amount("vat_total_ron")),
        }

    reference = ""
    if corrected:
        verb = "Stornează" if type_code == InvoiceTypeCode.credit_note else "Se referă la"
        number_ref = corrected.get("full_number") or f"nr. {corrected.get('id', '')}"
        reference = f"{verb} factura {number_ref} din data {day(corrected.get('issue_date'))}"

    cancelled = status == DocStatus.cancelled
    full_number = invoice.get("full_number") or ""
    return {
        "title": title,
        "document_name": f"{title} {full_number}".strip(),
        "full_number": full_number,
        "series": series,
        "number": number,
        "status": status,
        "draft": status == DocStatus.draft,
        "cancelled": cancelled,
        "cancelled_on": day(invoice.get("cancelled_at")) if cancelled else "",
        "cancel_reason": (invoice.get("cancel_reason") or "") if cancelled else "",
        "dates": dates,
        "supplier": _party(supplier, supplier=True),
        "customer": _party(customer, supplier=False),
        "reference": reference,
        "currency": currency,
        "foreign": foreign,
        "fx": fx,
        "lines": lines,
        "has_discounts": any(x["discount"] for x in lines),
        "vat_breakdown": breakdown,
        "totals": totals,
        "payable": money(amount("payable")),
        "payable_words": amount_in_words_ro(amount("payable"), currency),
        "mentions": list(invoice.get("mentions") or []),
        "due_date": day(invoice.get("due_date")),
        # Instalments (frozen at issue) are printed when there are several.
        "instalments": [
            (day(x["due"]), money(x["amount"])) for x in invoice.get("due_schedule") or []
        ],
        "payment_terms": invoice.get("payment_terms") or "",
        "notes": invoice.get("notes") or "",
        "issued_by": invoice.get("issued_by") or "",
    }


async def invoice_context_load(invoice: Mapping[str, Any]) -> dict[str, Any]:
    """`invoice_context` with the unit symbols and the corrected invoice read from the
    database. `invoice` is what `invoice_get` returned (its caller checked the rights)."""
    codes = sorted({x["uom_code"] for x in invoice.get("lines") or []})
    units = {
        r["code"]: r["symbol"] or r["code"]
        for r in await UnitOfMeasure.select(UnitOfMeasure.code, UnitOfMeasure.symbol).where(
            UnitOfMeasure.code.is_in(codes or [""])
        )
    }
    corrected = None
    if invoice.get("corrects"):
        corrected = (
            await Invoice.select(Invoice.id, Invoice.full_number, Invoice.issue_date)
            .where(Invoice.id == invoice["corrects"])
            .first()
        )
    return invoice_context(invoice, units=units, corrected=corrected)
