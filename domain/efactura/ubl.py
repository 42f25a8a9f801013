"""UBL 2.1 Invoice / CreditNote per CIUS-RO 1.0.1, from an issued invoice's frozen data.

`build_ubl(data)` is pure: it takes the invoice as `domain.sales.queries.invoice_get` returns
it (header, frozen supplier/customer snapshots and mentions, lines with their frozen
vat_code/vat_rate/net, the VAT breakdown `tva_factura`, the totals and the fx rate) plus three
extras `invoice_ubl` reads beside it: `references` (the invoices it corrects or deducts:
number and issue date), `exemptions` (VATEX code and legal text per VAT category code) and
an `article_code` per line. It writes nothing computed afresh that the invoice already
states: the totals, the VAT per group and its RON figures are the stored ones, so the XML
says exactly what the printed invoice says.

Deterministic: the same invoice gives the same bytes (no clock, no ids, sets sorted).

Which document (docs/decisions.md «e-Factura»):
- 380 -> Invoice 380; 389 (autofactură) -> Invoice 389; 386 (avans) -> Invoice 380 with the
  note «Factură de avans» (BR-RO-020 has no 386);
- 381 (storno) -> CreditNote 381 referencing the invoice it corrects (BillingReference), its
  amounts with the opposite sign (a credit note states what is credited, positive);
- a later discount (rabat ulterior: every line a value-only correction) -> CreditNote 381
  referencing every discounted invoice;
- advance deductions stay negative lines of the final invoice, at the advance's own rate,
  with the advance invoice in BillingReference.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import xmltodict

from domain.core.errors import Conflict
from domain.core.money import q2, to_decimal
from domain.efactura import codes
from domain.org.geo import BUCHAREST, EU_COUNTRIES
from domain.org.permissions import SYSTEM
from domain.sales.queries import invoice_get
from tables.catalog import Article, VatCategory
from tables.choices import DocStatus, UploadKind, VatRegime
from tables.sales import Invoice, InvoiceLine

Node = dict[str, Any]

_ZERO = Decimal(0)
_HUNDRED = Decimal(100)
_EMAIL = re.compile(codes.EMAIL_PATTERN)
_DIGITS = re.compile(r"\d")
_VAT_SCHEME = {"cbc:ID": "VAT"}


# --- formatting --------------------------------------------------------------------------------


def _amount(value: Any) -> str:
    """An amount: two decimals (BR-DEC-RO-*), -0.00 written as 0.00."""
    out = q2(value)
    return f"{out if out else abs(out):.2f}"


def _plain(value: Any, places: int = 0) -> str:
    """A decimal without trailing zeros beyond `places`, never in exponent form."""
    number = to_decimal(value)
    if not number:
        number = abs(number)
    whole, _, frac = f"{number:f}".partition(".")
    frac = frac.rstrip("0").ljust(places, "0")
    return f"{whole}.{frac}" if frac else whole


def _money(value: Any, currency: str) -> Node:
    return {"@currencyID": currency, "#text": _amount(value)}


def _day(value: Any) -> str:
    """YYYY-MM-DD, exactly ten characters (BR-RO-DT001..006)."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)[:10]


def _ro_day(value: Any) -> str:
    iso = _day(value)
    return f"{iso[8:10]}.{iso[5:7]}.{iso[0:4]}"


def _text(value: Any) -> str:
    return " ".join(str(value or "").split())


def _chunks(text: str, size: int) -> list[str]:
    """Split a long text at spaces into pieces of at most `size` characters (a word longer
    than that is cut). Nothing is lost: CIUS-RO limits each note, not their sum."""
    out: list[str] = []
    for word in text.split():
        while len(word) > size:
            out.append(word[:size])
            word = word[size:]
        if out and len(out[-1]) + 1 + len(word) <= size:
            out[-1] = f"{out[-1]} {word}"
        else:
            out.append(word)
    return out


# --- which document ----------------------------------------------------------------------------


def _later_discount(data: Mapping[str, Any]) -> bool:
    lines = data.get("lines") or []
    return (
        str(data.get("type_code")) == "380"
        and bool(lines)
        and all(bool(x.get("value_only")) and x.get("source_line") for x in lines)
    )


def document_kind(data: Mapping[str, Any]) -> tuple[str, str]:
    """(root element, type code) the invoice goes to ANAF as; see the module docstring."""
    code = str(data.get("type_code") or "380")
    if code == codes.CREDIT or _later_discount(data):
        return codes.CREDIT_NOTE, codes.CREDIT
    # An unknown code is written as it is: BR-RO-020 then says what is wrong.
    return codes.INVOICE, codes.TYPE_CODES.get(code, code)


def upload_kind_for(invoice: Mapping[str, Any]) -> UploadKind:
    """How the invoice is uploaded: `extern=DA` for a buyer outside Romania, the B2C
    endpoint for an individual without a CUI, else the standard upload.

    Our self-invoices (389) are issued by the company itself as the seller, so they go as a
    standard upload with the company's own CIF; `autofactura=DA` is for a buyer uploading in
    the name of its supplier, which the sales documents never do.
    """
    customer = invoice.get("customer_snapshot") or {}
    if (customer.get("country") or "RO").upper() != "RO":
        return UploadKind.extern
    if not customer.get("cui"):
        return UploadKind.b2c
    return UploadKind.standard


# --- parties -----------------------------------------------------------------------------------


def _street(text: str) -> tuple[str, str]:
    """StreetName (BT-35, at most 150) and the rest in AdditionalStreetName (BT-36)."""
    if len(text) <= codes.STREET_MAX:
        return text, ""
    cut = text.rfind(" ", 0, codes.STREET_MAX + 1)
    cut = cut if cut > 0 else codes.STREET_MAX
    return text[:cut].rstrip(), text[cut:].strip()


def _address(party: Mapping[str, Any], *, subentity_required: bool = False) -> Node:
    """A postal address: ISO 3166-2:RO county (BR-RO-110) and, in Bucharest, the sector as
    the city (SECTOR1..6, BR-RO-100). An address without its sector keeps its city name and
    the official rules then say what is missing, before anything is sent."""
    country = (party.get("country") or "RO").upper()
    county = _text(party.get("county"))
    city = _text(party.get("city"))
    if country == "RO" and county == BUCHAREST and party.get("sector"):
        city = _text(party["sector"]).upper()
    street, more = _street(_text(party.get("street")))
    node: Node = {}
    if street:
        node["cbc:StreetName"] = street
    if more:
        node["cbc:AdditionalStreetName"] = more
    if city:
        node["cbc:CityName"] = city
    if _text(party.get("postal_code")):
        node["cbc:PostalZone"] = _text(party["postal_code"])
    # A delivery address needs a subdivision even abroad (BR-RO-211): the country code
    # stands in when a foreign address has no region.
    subentity = county or (country if subentity_required else "")
    if subentity:
        node["cbc:CountrySubentity"] = subentity
    node["cac:Country"] = {"cbc:IdentificationCode": country}
    return node


def _contact(party: Mapping[str, Any]) -> Node | None:
    """Phone and e-mail, only when ANAF's own checks would accept them (they are optional;
    a hyphen in an e-mail's name fails RO-EMAIL-REGEX, so such an address is left out)."""
    node: Node = {}
    phone = _text(party.get("phone"))
    if len(_DIGITS.findall(phone)) >= 3:
        node["cbc:Telephone"] = phone
    email = _text(party.get("email"))
    if email and _EMAIL.match(email):
        node["cbc:ElectronicMail"] = email
    return node or None


def _seller(s: Mapping[str, Any]) -> Node:
    party: Node = {"cac:PostalAddress": _address(s)}
    if s.get("vat_payer") and s.get("vat_code"):
        party["cac:PartyTaxScheme"] = {"cbc:CompanyID": s["vat_code"], "cac:TaxScheme": _VAT_SCHEME}
    # BT-30 is the CUI (how ANAF identifies the seller, with or without VAT); the trade
    # register number and the share capital (art. 319 mentions) are BT-33.
    legal: Node = {"cbc:RegistrationName": _text(s.get("name"))}
    if s.get("cui"):
        legal["cbc:CompanyID"] = _text(s["cui"])
    extra = []
    if _text(s.get("reg_com")):
        extra.append(f"Nr. Reg. Com. {_text(s['reg_com'])}")
    capital = to_decimal(s.get("capital") or 0)
    if capital:
        extra.append(f"Capital social {_amount(capital)} lei")
    if extra:
        legal["cbc:CompanyLegalForm"] = "; ".join(extra)
    party["cac:PartyLegalEntity"] = legal
    contact = _contact(s)
    if contact:
        party["cac:Contact"] = contact
    return party


def _buyer(c: Mapping[str, Any], *, vat_id_allowed: bool) -> Node:
    """The buyer: its VAT id (BT-48) when it has one, and a legal id (BT-47) — the CUI of a
    Romanian company, the CNP of a person or 13 zeros without one, a foreign id otherwise.
    BR-RO-120 wants one of the two; BR-O-02 forbids BT-48 on "not subject to VAT" invoices."""
    country = (c.get("country") or "RO").upper()
    vat_code = _text(c.get("vat_code"))
    tax_id = ""
    if vat_id_allowed and vat_code:
        if country == "RO":
            tax_id = vat_code if c.get("vat_payer") and vat_code.upper().startswith("RO") else ""
        elif country in EU_COUNTRIES:
            tax_id = vat_code
    if country == "RO":
        legal_id = _text(c.get("cui")) or _text(c.get("cnp")) or codes.B2C_ANONYMOUS_ID
    elif tax_id:
        legal_id = ""
    else:
        legal_id = _text(c.get("foreign_vat_id")) or _text(c.get("cui")) or codes.B2C_ANONYMOUS_ID
    party: Node = {"cac:PostalAddress": _address(c)}
    if tax_id:
        party["cac:PartyTaxScheme"] = {"cbc:CompanyID": tax_id, "cac:TaxScheme": _VAT_SCHEME}
    legal: Node = {"cbc:RegistrationName": _text(c.get("name"))}
    if legal_id:
        legal["cbc:CompanyID"] = legal_id
    party["cac:PartyLegalEntity"] = legal
    contact = _contact(c)
    if contact:
        party["cac:Contact"] = contact
    return party


# --- VAT, allowances, lines --------------------------------------------------------------------


def _category(code: str, rate: Any, exemption: tuple[str, str] | None = None) -> Node:
    node: Node = {"cbc:ID": code}
    if code not in codes.NO_PERCENT:
        node["cbc:Percent"] = _plain(rate)
    if exemption is not None:
        vatex, reason = exemption
        if vatex:
            node["cbc:TaxExemptionReasonCode"] = vatex
        if reason:
            node["cbc:TaxExemptionReason"] = reason
    node["cac:TaxScheme"] = _VAT_SCHEME
    return node


def _exemption(code: str, exemptions: Mapping[str, Any]) -> tuple[str, str] | None:
    if code in codes.NO_EXEMPTION:
        return None
    given = exemptions.get(code) or {}
    default = codes.EXEMPTION_DEFAULTS.get(code, ("", ""))
    vatex = _text(given.get("code")) or default[0]
    reason = _text(given.get("text")) or default[1]
    return vatex, reason


def _group_key(code: str, rate: Any) -> tuple[Decimal, str]:
    return (-to_decimal(rate or 0), code)


def _adjustments(data: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """Document allowances and charges per VAT group (BG-20/BG-21).

    Given as `adjustments` (is_charge, amount, vat_code, vat_rate, reason[, base, percent]),
    or else derived from the invoice's document discount exactly as the issue computed it
    (`domain.sales.totals.percent_discount`: per group, q2(group lines x percent / 100)),
    and checked against the stored total so the XML never disagrees with the invoice.
    """
    if data.get("adjustments") is not None:
        return list(data["adjustments"])
    percent = to_decimal(data.get("discount_percent") or 0)
    if not percent:
        return []
    sums: dict[tuple[str, Decimal], Decimal] = {}
    for line in data.get("lines") or []:
        key = (line["vat_code"], q2(to_decimal(line["vat_rate"] or 0)))
        sums[key] = sums.get(key, _ZERO) + to_decimal(line["net"])
    out = []
    for code, rate in sorted(sums, key=lambda k: _group_key(*k)):
        base = sums[code, rate]
        amount = q2(base * percent / _HUNDRED)
        if amount:
            out.append({"is_charge": False, "amount": amount, "vat_code": code, "vat_rate": rate,
                        "reason": f"Discount {_plain(percent)} %", "base": base,
                        "percent": percent})  # fmt: skip
    total = q2(sum((x["amount"] for x in out), _ZERO))
    if total != q2(to_decimal(data.get("allowance_total") or 0)):
        raise Conflict(
            "EFACTURA_TOTALS_MISMATCH",
            f"Reducerea pe document a facturii {data.get('full_number')} ({total}) nu se "
            f"potrivește cu totalul salvat ({data.get('allowance_total')}).",
            "The document allowance does not match the stored total.",
        )
    return out


def _allowance_node(adj: Mapping[str, Any], currency: str, sign: Decimal) -> Node:
    charge = bool(adj.get("is_charge"))
    node: Node = {"cbc:ChargeIndicator": "true" if charge else "false"}
    if not charge:
        node["cbc:AllowanceChargeReasonCode"] = codes.ALLOWANCE_DISCOUNT
    node["cbc:AllowanceChargeReason"] = _text(adj.get("reason")) or (
        "Majorare" if charge else "Discount"
    )
    if adj.get("percent") is not None and adj.get("base") is not None:
        node["cbc:MultiplierFactorNumeric"] = _plain(adj["percent"])
    node["cbc:Amount"] = _money(to_decimal(adj["amount"]) * sign, currency)
    if adj.get("base") is not None:
        node["cbc:BaseAmount"] = _money(to_decimal(adj["base"]) * sign, currency)
    node["cac:TaxCategory"] = _category(adj["vat_code"], adj["vat_rate"])
    return node


def _line(line: Mapping[str, Any], *, kind: str, currency: str, sign: Decimal) -> Node:
    description = _text(line.get("description"))
    name = description
    node: Node = {"cbc:ID": str(line["position"])}
    if len(description) > codes.ITEM_NAME_MAX:
        # BT-153 holds 100 characters; the whole text goes in the line note (BT-127, 300).
        name = description[: codes.ITEM_NAME_MAX].rstrip()
        node["cbc:Note"] = description
    quantity_tag = "cbc:CreditedQuantity" if kind == codes.CREDIT_NOTE else "cbc:InvoicedQuantity"
    node[quantity_tag] = {
        "@unitCode": line.get("uom_code") or "H87",
        "#text": _plain(to_decimal(line["quantity"]) * sign),
    }
    node["cbc:LineExtensionAmount"] = _money(to_decimal(line["net"]) * sign, currency)
    discount = to_decimal(line.get("discount") or 0)
    if discount:
        node["cac:AllowanceCharge"] = {
            "cbc:ChargeIndicator": "false",
            "cbc:AllowanceChargeReasonCode": codes.ALLOWANCE_DISCOUNT,
            "cbc:AllowanceChargeReason": "Discount",
            "cbc:Amount": _money(discount * sign, currency),
        }
    item: Node = {"cbc:Name": name}
    if line.get("article_code"):
        item["cac:SellersItemIdentification"] = {"cbc:ID": _text(line["article_code"])}
    item["cac:ClassifiedTaxCategory"] = _category(line["vat_code"], line.get("vat_rate") or 0)
    node["cac:Item"] = item
    # BT-146 is never negative (BR-27): a storno or deduction has a negative quantity.
    node["cac:Price"] = {
        "cbc:PriceAmount": {"@currencyID": currency, "#text": _plain(line["unit_price"], 2)}
    }
    return node


# --- the document ------------------------------------------------------------------------------


def _notes(data: Mapping[str, Any], currency: str) -> list[str]:
    notes: list[str] = []
    if str(data.get("type_code")) == codes.ADVANCE:
        notes.append("Factură de avans")
    notes.extend(_text(x) for x in data.get("mentions") or [] if _text(x))
    if currency != "RON" and data.get("fx_rate") is not None:
        rate = f"Curs BNR: 1 {currency} = {_plain(data['fx_rate'], 4)} RON"
        if data.get("fx_date"):
            rate += f" din {_ro_day(data['fx_date'])}"
        if _text(data.get("fx_note")):
            rate += f" ({_text(data['fx_note'])})"
        notes.append(rate)
    for text in (data.get("notes") or "").splitlines():
        notes.extend(_chunks(text, codes.NOTE_MAX))
    return [n[: codes.NOTE_MAX] for n in notes]


def _payment_means(data: Mapping[str, Any], currency: str) -> list[Node]:
    """The seller's accounts in the invoice's currency (else all of them), each a credit
    transfer (BT-81 30) with its IBAN (BT-84) and the invoice number as reference."""
    accounts = (data.get("supplier_snapshot") or {}).get("bank_accounts") or []
    usable = [a for a in accounts if _text(a.get("iban"))]
    matching = [a for a in usable if (a.get("currency") or "RON") == currency] or usable
    return [
        {
            "cbc:PaymentMeansCode": codes.PAYMENT_CREDIT_TRANSFER,
            "cbc:PaymentID": _text(data.get("full_number")),
            "cac:PayeeFinancialAccount": {"cbc:ID": _text(a["iban"]).replace(" ", "")},
        }
        for a in matching
    ]


def _references(data: Mapping[str, Any]) -> list[Node]:
    seen = set()
    out = []
    refs = sorted(
        data.get("references") or [], key=lambda r: (_day(r["issue_date"]), str(r["number"]))
    )
    for ref in refs:
        number = _text(ref["number"])
        if not number or number in seen or number == data.get("full_number"):
            continue
        seen.add(number)
        out.append(
            {"cac:InvoiceDocumentReference": {"cbc:ID": number,
                                              "cbc:IssueDate": _day(ref["issue_date"])}}
        )  # fmt: skip
    return out


def _codes_used(data: Mapping[str, Any]) -> set[str]:
    return {str(x["vat_code"]) for x in data.get("lines") or []} | {
        str(g["vat_code"]) for g in data.get("vat_breakdown") or []
    }


def _payment_terms(data: Mapping[str, Any], currency: str) -> str:
    """BT-20: the terms' text and, for an invoice in instalments, each due date and amount
    (BT-9 DueDate is the last one). One note of at most 300 characters (CIUS-RO): the
    instalments that do not fit are counted, the printed invoice lists them all."""
    text = _text(data.get("payment_terms"))
    schedule = data.get("due_schedule") or []
    if len(schedule) < 2:
        return text
    parts = [f"{_ro_day(x['due'])}: {_amount(x['amount']).replace('.', ',')} {currency}"
             for x in schedule]  # fmt: skip
    shown = len(parts)
    while True:  # the terms' text is at most 200 characters: one instalment always fits
        more = len(parts) - shown
        tail = f"; încă {more} rate (lista completă pe factură)" if more else ""
        lead = f"{text} – " if text else ""
        out = _text(f"{lead}Plata în {len(parts)} rate: {'; '.join(parts[:shown])}{tail}.")
        if len(out) <= 300 or shown == 1:
            return out
        shown -= 1


def build_ubl(data: Mapping[str, Any]) -> bytes:
    """The e-Factura XML of one issued invoice (see the module docstring for `data`)."""
    kind, type_code = document_kind(data)
    sign = Decimal(-1) if kind == codes.CREDIT_NOTE else Decimal(1)
    currency = (data.get("currency") or "RON").upper()
    supplier = data.get("supplier_snapshot") or {}
    customer = data.get("customer_snapshot") or {}
    used = _codes_used(data)
    exemptions = data.get("exemptions") or {}

    doc: Node = {
        "@xmlns": codes.NS_CREDIT_NOTE if kind == codes.CREDIT_NOTE else codes.NS_INVOICE,
        "@xmlns:cac": codes.NS_CAC,
        "@xmlns:cbc": codes.NS_CBC,
        "cbc:CustomizationID": codes.CUSTOMIZATION_ID,
        "cbc:ID": _text(data.get("full_number")),
        "cbc:IssueDate": _day(data["issue_date"]),
    }
    if kind == codes.INVOICE:
        if data.get("due_date"):
            doc["cbc:DueDate"] = _day(data["due_date"])
        doc["cbc:InvoiceTypeCode"] = type_code
    else:
        doc["cbc:CreditNoteTypeCode"] = type_code
    notes = _notes(data, currency)
    if notes:
        doc["cbc:Note"] = notes
    doc["cbc:DocumentCurrencyCode"] = currency
    if currency != "RON":
        doc["cbc:TaxCurrencyCode"] = "RON"  # BR-RO-030
    if data.get("vat_regime") == VatRegime.cash_vat:
        # BT-8: VAT becomes due when paid (TVA la încasare); the mention is a note too.
        doc["cac:InvoicePeriod"] = {"cbc:DescriptionCode": codes.VAT_POINT_PAID}
    references = _references(data)
    if references:
        doc["cac:BillingReference"] = references
    doc["cac:AccountingSupplierParty"] = {"cac:Party": _seller(supplier)}
    doc["cac:AccountingCustomerParty"] = {
        "cac:Party": _buyer(customer, vat_id_allowed="O" not in used)
    }
    delivery: Node = {}
    if data.get("delivery_date"):
        delivery["cbc:ActualDeliveryDate"] = _day(data["delivery_date"])
    if "K" in used:
        # An intra-EU supply names the country the goods go to (BR-IC-12).
        delivery["cac:DeliveryLocation"] = {
            "cac:Address": _address(customer, subentity_required=True)
        }
    if delivery:
        doc["cac:Delivery"] = delivery
    if kind == codes.INVOICE:
        means = _payment_means(data, currency)
        if means:
            doc["cac:PaymentMeans"] = means
    terms = _payment_terms(data, currency)
    if terms:
        doc["cac:PaymentTerms"] = {"cbc:Note": terms}

    adjustments = _adjustments(data)
    if adjustments:
        doc["cac:AllowanceCharge"] = [_allowance_node(a, currency, sign) for a in adjustments]

    groups = sorted(
        data.get("vat_breakdown") or [], key=lambda g: _group_key(g["vat_code"], g["vat_rate"])
    )
    tax_totals: list[Node] = [
        {
            "cbc:TaxAmount": _money(to_decimal(data["vat_total"]) * sign, currency),
            "cac:TaxSubtotal": [
                {
                    "cbc:TaxableAmount": _money(to_decimal(g["base"]) * sign, currency),
                    "cbc:TaxAmount": _money(to_decimal(g["vat"]) * sign, currency),
                    "cac:TaxCategory": _category(
                        g["vat_code"], g["vat_rate"], _exemption(g["vat_code"], exemptions)
                    ),
                }
                for g in groups
            ],
        }
    ]
    if currency != "RON":
        # BT-111: the VAT in RON, as stored (per group at the BNR rate, then summed).
        tax_totals.append(
            {"cbc:TaxAmount": _money(to_decimal(data["vat_total_ron"]) * sign, "RON")}
        )
    doc["cac:TaxTotal"] = tax_totals

    totals: Node = {
        "cbc:LineExtensionAmount": _money(to_decimal(data["line_net_total"]) * sign, currency),
        "cbc:TaxExclusiveAmount": _money(to_decimal(data["tax_exclusive"]) * sign, currency),
        "cbc:TaxInclusiveAmount": _money(to_decimal(data["tax_inclusive"]) * sign, currency),
    }
    allowances = [a for a in adjustments if not a.get("is_charge")]
    charges = [a for a in adjustments if a.get("is_charge")]
    if allowances:
        totals["cbc:AllowanceTotalAmount"] = _money(
            to_decimal(data.get("allowance_total") or 0) * sign, currency
        )
    if charges:
        totals["cbc:ChargeTotalAmount"] = _money(
            to_decimal(data.get("charge_total") or 0) * sign, currency
        )
    if to_decimal(data.get("prepaid") or 0):
        totals["cbc:PrepaidAmount"] = _money(to_decimal(data["prepaid"]) * sign, currency)
    totals["cbc:PayableAmount"] = _money(to_decimal(data["payable"]) * sign, currency)
    doc["cac:LegalMonetaryTotal"] = totals

    line_tag = "cac:CreditNoteLine" if kind == codes.CREDIT_NOTE else "cac:InvoiceLine"
    doc[line_tag] = [
        _line(x, kind=kind, currency=currency, sign=sign)
        for x in sorted(data.get("lines") or [], key=lambda x: int(x["position"]))
    ]
    text = xmltodict.unparse({kind: doc}, encoding="utf-8", pretty=True, indent="  ")
    return text.encode("utf-8")


# --- from the database -------------------------------------------------------------------------


async def ubl_data(invoice_id: int) -> dict[str, Any]:
    """What `build_ubl` needs, read from the issued invoice (refused for a draft, which has
    no frozen data, and for a cancelled invoice, which must never reach ANAF)."""
    # The callers (efactura_check, the send job) check the user's rights; this is a read.
    data = await invoice_get(invoice_id, by=SYSTEM)
    if data["status"] != DocStatus.issued:
        raise Conflict(
            "EFACTURA_INVOICE_NOT_ISSUED",
            "Doar o factură emisă (nu o ciornă sau o factură anulată) se trimite în e-Factura.",
            "Only an issued invoice goes to e-Factura.",
            details={"invoice_id": invoice_id, "status": data["status"]},
        )
    lines = data["lines"]
    categories = {
        r["id"]: r
        for r in await VatCategory.select(
            VatCategory.id, VatCategory.untdid, VatCategory.exemption_code,
            VatCategory.exemption_text,
        ).where(VatCategory.id.is_in(sorted({x["vat_category"] for x in lines}) or [0]))
    }  # fmt: skip
    exemptions: dict[str, dict[str, str]] = {}
    for line in lines:
        category = categories.get(line["vat_category"])
        # A deduction or storno keeps its source's code; the reason is that of a category
        # of the same code (else the defaults in codes.py).
        if category and category["untdid"] == line["vat_code"] and line["vat_code"]:
            exemptions.setdefault(
                line["vat_code"],
                {"code": category["exemption_code"], "text": category["exemption_text"]},
            )
    articles = sorted({x["article"] for x in lines if x.get("article")})
    codes_by_id = {
        r["id"]: r["code"]
        for r in await Article.select(Article.id, Article.code).where(
            Article.id.is_in(articles or [0])
        )
    }
    for line in lines:
        line["article_code"] = codes_by_id.get(line.get("article"), "")
    corrected = {data["corrects"]} if data.get("corrects") else set()
    sources = sorted({x["source_line"] for x in lines if x.get("source_line")})
    if sources:
        corrected |= {
            r["invoice"]
            for r in await InvoiceLine.select(InvoiceLine.invoice).where(
                InvoiceLine.id.is_in(sources)
            )
        }
    corrected.discard(invoice_id)
    references = (
        await Invoice.select(Invoice.full_number, Invoice.issue_date).where(
            Invoice.id.is_in(sorted(corrected))
        )
        if corrected
        else []
    )
    data["references"] = [
        {"number": r["full_number"], "issue_date": r["issue_date"]} for r in references
    ]
    data["exemptions"] = exemptions
    return data


async def invoice_ubl(invoice_id: int) -> bytes:
    """The e-Factura XML of an issued invoice: the same invoice, the same bytes."""
    return build_ubl(await ubl_data(invoice_id))
