"""Reading a received e-Factura: any EN 16931 UBL 2.1 Invoice or CreditNote, as data.

Pure (no tables): `parse_ubl(xml) -> ParsedInvoice`. The XML is read with xmltodict with
namespace processing, so whatever prefixes the sender chose (`cbc:`, `ns2:`, a default
namespace) the elements are found by their namespace URI. Entities are never expanded.

Values are kept as the document states them: amounts in the document currency with the
XML's own signs. A credit note (a CreditNote document, or type 381) states positive
amounts that mean a credit; `ParsedInvoice.sign` is -1 for it, and the importer stores
such a document "in red" (negative quantities and totals), the way our own stornos are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, NoReturn
from xml.parsers.expat import ExpatError

import xmltodict

from domain.core.errors import ValidationFailed

CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
INVOICE_NS = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CREDIT_NOTE_NS = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
_NAMESPACES = {CBC: "cbc", CAC: "cac", INVOICE_NS: None, CREDIT_NOTE_NS: None}

CREDIT_TYPE_CODES = frozenset({"381"})
"""Type codes whose positive amounts mean a credit (UNTDID 1001; CIUS-RO allows 381)."""

MAX_AMOUNT = Decimal(10) ** 15
"""Larger than anything Numeric(18, x) columns hold is refused, not stored."""

ZERO = Decimal(0)
ONE = Decimal(1)


def _fail(code: str, message_ro: str, message_en: str, **details: Any) -> NoReturn:
    raise ValidationFailed(code, message_ro, message_en, field="xml", details=details)


# ------------------------------------------------------------------ the parsed document


@dataclass(frozen=True, slots=True)
class ParsedAddress:
    street: str = ""  # BT-35
    additional_street: str = ""  # BT-36
    city: str = ""  # BT-37
    postal_code: str = ""  # BT-38
    county: str = ""  # BT-39 CountrySubentity (RO: ISO 3166-2 code, RO-B ...)
    country: str = ""  # BT-40 ISO 3166-1 alpha-2


@dataclass(frozen=True, slots=True)
class ParsedParty:
    name: str  # BT-27/BT-44 RegistrationName, else the trading name
    trade_name: str = ""  # BT-28/BT-45 PartyName
    vat_id: str = ""  # BT-31/BT-48 PartyTaxScheme/CompanyID with TaxScheme VAT
    tax_ids: tuple[str, ...] = ()  # BT-32 other tax registrations (RO: the CUI without RO)
    legal_id: str = ""  # BT-30/BT-47 PartyLegalEntity/CompanyID (RO: often the Reg. Com.)
    identifiers: tuple[str, ...] = ()  # BT-29/BT-46 PartyIdentification/ID
    endpoint: str = ""  # BT-34/BT-49 electronic address
    address: ParsedAddress = field(default_factory=ParsedAddress)
    contact_name: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True, slots=True)
class ParsedAllowance:
    """An allowance (discount) or charge, on the document (BG-20/21) or a line (BG-27/28)."""

    charge: bool
    amount: Decimal
    base_amount: Decimal | None = None
    percent: Decimal | None = None
    reason: str = ""
    reason_code: str = ""
    vat_code: str = ""  # document level only
    vat_rate: Decimal | None = None


@dataclass(frozen=True, slots=True)
class ParsedLine:
    line_id: str  # BT-126
    name: str  # BT-153
    quantity: Decimal  # BT-129
    unit_code: str  # BT-130
    net: Decimal  # BT-131, after the line's allowances and charges
    price: Decimal  # BT-146 net price, for `base_quantity` units
    base_quantity: Decimal = ONE  # BT-149
    gross_price: Decimal | None = None  # BT-148
    price_discount: Decimal = ZERO  # BT-147
    vat_code: str = ""  # BT-151
    vat_rate: Decimal = ZERO  # BT-152
    allowances: tuple[ParsedAllowance, ...] = ()
    description: str = ""  # BT-154
    note: str = ""  # BT-127
    seller_item_id: str = ""  # BT-155
    buyer_item_id: str = ""  # BT-156
    standard_item_id: str = ""  # BT-157 (GTIN when scheme 0160)
    standard_item_scheme: str = ""
    classification: tuple[str, ...] = ()  # BT-158 (e.g. the NC/CPV code)
    origin_country: str = ""  # BT-159
    period_start: date | None = None
    period_end: date | None = None

    @property
    def unit_price(self) -> Decimal:
        """The net price of one unit (BT-146 / BT-149)."""
        return self.price / self.base_quantity if self.base_quantity else self.price


@dataclass(frozen=True, slots=True)
class ParsedVat:
    """One row of the VAT breakdown (BG-23)."""

    vat_code: str  # BT-118
    rate: Decimal  # BT-119
    taxable: Decimal  # BT-116
    amount: Decimal  # BT-117
    exemption_reason: str = ""  # BT-120
    exemption_code: str = ""  # BT-121


@dataclass(frozen=True, slots=True)
class ParsedInvoice:
    document: str  # "Invoice" or "CreditNote"
    number: str  # BT-1
    issue_date: date  # BT-2
    type_code: str  # BT-3
    currency: str  # BT-5
    seller: ParsedParty  # BG-4
    buyer: ParsedParty  # BG-7
    lines: tuple[ParsedLine, ...]
    line_net_total: Decimal  # BT-106
    tax_exclusive: Decimal  # BT-109
    tax_inclusive: Decimal  # BT-112
    payable: Decimal  # BT-115
    allowance_total: Decimal = ZERO  # BT-107
    charge_total: Decimal = ZERO  # BT-108
    vat_total: Decimal = ZERO  # BT-110, in the document currency
    tax_currency: str = ""  # BT-6
    tax_currency_vat: Decimal | None = None  # BT-111, in the tax currency
    prepaid: Decimal = ZERO  # BT-113
    rounding: Decimal = ZERO  # BT-114
    customization_id: str = ""  # BT-24
    due_date: date | None = None  # BT-9
    tax_point_date: date | None = None  # BT-7
    delivery_date: date | None = None  # BT-72
    period_start: date | None = None  # BT-73
    period_end: date | None = None  # BT-74
    notes: tuple[str, ...] = ()  # BT-22
    buyer_reference: str = ""  # BT-10
    order_reference: str = ""  # BT-13
    contract_reference: str = ""  # BT-12
    preceding: tuple[tuple[str, date | None], ...] = ()  # BG-3: (number, date)
    payment_terms: str = ""  # BT-20
    payment_means_code: str = ""  # BT-81
    payment_id: str = ""  # BT-83
    payee_accounts: tuple[str, ...] = ()  # BT-84 (IBAN)
    allowances: tuple[ParsedAllowance, ...] = ()  # BG-20/21
    vat_breakdown: tuple[ParsedVat, ...] = ()  # BG-23

    @property
    def is_credit_note(self) -> bool:
        return self.document == "CreditNote" or self.type_code in CREDIT_TYPE_CODES

    @property
    def sign(self) -> int:
        """-1 for a credit note (its positive amounts are a credit), else 1."""
        return -1 if self.is_credit_note else 1


# ------------------------------------------------------------------ reading the tree
# xmltodict with force_list=True: every child is a list; a leaf is a string, None (empty
# element), or a dict with "#text" (a list too) and "@attribute" keys.


def _children(node: Any, key: str) -> list[Any]:
    if not isinstance(node, dict):
        return []
    value = node.get(key)
    return value if isinstance(value, list) else [] if value is None else [value]


def _nodes(node: Any, *path: str) -> list[Any]:
    """Every element at `path` below `node` (all branches)."""
    found = [node]
    for key in path:
        found = [child for parent in found for child in _children(parent, key)]
    return found


def _node(node: Any, *path: str) -> Any:
    found = _nodes(node, *path)
    return found[0] if found else None


def _leaf_text(leaf: Any) -> str:
    if leaf is None:
        return ""
    if isinstance(leaf, dict):
        text = leaf.get("#text")
        if isinstance(text, list):
            return "".join(t for t in text if isinstance(t, str)).strip()
        return (text or "").strip()
    return str(leaf).strip()


def _text(node: Any, *path: str) -> str:
    return _leaf_text(_node(node, *path))


def _texts(node: Any, *path: str) -> tuple[str, ...]:
    return tuple(t for t in (_leaf_text(n) for n in _nodes(node, *path)) if t)


def _attr(leaf: Any, name: str) -> str:
    if not isinstance(leaf, dict):
        return ""
    value = leaf.get(f"@{name}")
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value or "").strip()


def _where(path: tuple[str, ...]) -> str:
    return "/".join(path)


def _decimal(text: str, where: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or abs(value) >= MAX_AMOUNT:
        _fail(
            "UBL_NUMBER_INVALID",
            f"Valoarea «{text[:40]}» din {where} nu este un număr valid.",
            f"«{text[:40]}» at {where} is not a valid number.",
            path=where,
        )
    return value


def _number(node: Any, *path: str, required: bool = False, default: Decimal = ZERO) -> Decimal:
    text = _text(node, *path)
    if not text:
        if required:
            _missing(path)
        return default
    return _decimal(text, _where(path))


def _optional_number(node: Any, *path: str) -> Decimal | None:
    text = _text(node, *path)
    return _decimal(text, _where(path)) if text else None


def _date(node: Any, *path: str, required: bool = False) -> date | None:
    text = _text(node, *path)
    if not text:
        if required:
            _missing(path)
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        _fail(
            "UBL_DATE_INVALID",
            f"Data «{text[:40]}» din {_where(path)} nu are forma AAAA-LL-ZZ.",
            f"«{text[:40]}» at {_where(path)} is not a YYYY-MM-DD date.",
            path=_where(path),
        )


def _required(node: Any, *path: str) -> str:
    text = _text(node, *path)
    if not text:
        _missing(path)
    return text


def _missing(path: tuple[str, ...]) -> NoReturn:
    _fail(
        "UBL_ELEMENT_MISSING",
        f"Factura nu conține elementul obligatoriu {_where(path)}.",
        f"The invoice lacks the mandatory element {_where(path)}.",
        path=_where(path),
    )


# ------------------------------------------------------------------ the pieces


def _address(node: Any) -> ParsedAddress:
    return ParsedAddress(
        street=_text(node, "cbc:StreetName"),
        additional_street=_text(node, "cbc:AdditionalStreetName"),
        city=_text(node, "cbc:CityName"),
        postal_code=_text(node, "cbc:PostalZone"),
        county=_text(node, "cbc:CountrySubentity"),
        country=_text(node, "cac:Country", "cbc:IdentificationCode").upper(),
    )


def _party(root: Any, role: str) -> ParsedParty:
    party = _node(root, role, "cac:Party")
    if party is None:
        _missing((role, "cac:Party"))
    vat_id, tax_ids = "", []
    for scheme in _nodes(party, "cac:PartyTaxScheme"):
        company_id = _text(scheme, "cbc:CompanyID")
        if not company_id:
            continue
        if _text(scheme, "cac:TaxScheme", "cbc:ID").upper() == "VAT" and not vat_id:
            vat_id = company_id
        else:
            tax_ids.append(company_id)
    legal = _node(party, "cac:PartyLegalEntity")
    trade_name = _text(party, "cac:PartyName", "cbc:Name")
    name = _text(legal, "cbc:RegistrationName") or trade_name
    if not name:
        _missing((role, "cac:Party", "cac:PartyLegalEntity", "cbc:RegistrationName"))
    contact = _node(party, "cac:Contact")
    return ParsedParty(
        name=name,
        trade_name=trade_name,
        vat_id=vat_id,
        tax_ids=tuple(tax_ids),
        legal_id=_text(legal, "cbc:CompanyID"),
        identifiers=_texts(party, "cac:PartyIdentification", "cbc:ID"),
        endpoint=_text(party, "cbc:EndpointID"),
        address=_address(_node(party, "cac:PostalAddress")),
        contact_name=_text(contact, "cbc:Name"),
        phone=_text(contact, "cbc:Telephone"),
        email=_text(contact, "cbc:ElectronicMail"),
    )


def _allowance(node: Any) -> ParsedAllowance:
    return ParsedAllowance(
        charge=_text(node, "cbc:ChargeIndicator").lower() == "true",
        amount=_number(node, "cbc:Amount", required=True),
        base_amount=_optional_number(node, "cbc:BaseAmount"),
        percent=_optional_number(node, "cbc:MultiplierFactorNumeric"),
        reason=_text(node, "cbc:AllowanceChargeReason"),
        reason_code=_text(node, "cbc:AllowanceChargeReasonCode"),
        vat_code=_text(node, "cac:TaxCategory", "cbc:ID"),
        vat_rate=_optional_number(node, "cac:TaxCategory", "cbc:Percent"),
    )


def _line(node: Any, quantity_tag: str) -> ParsedLine:
    item = _node(node, "cac:Item")
    price = _node(node, "cac:Price")
    quantity_leaf = _node(node, quantity_tag)
    if _leaf_text(quantity_leaf) == "":
        _missing((quantity_tag,))
    price_allowances = _nodes(price, "cac:AllowanceCharge")
    standard = _node(item, "cac:StandardItemIdentification", "cbc:ID")
    return ParsedLine(
        line_id=_required(node, "cbc:ID"),
        name=_text(item, "cbc:Name") or _text(item, "cbc:Description"),
        quantity=_decimal(_leaf_text(quantity_leaf), quantity_tag),
        unit_code=_attr(quantity_leaf, "unitCode"),
        net=_number(node, "cbc:LineExtensionAmount", required=True),
        price=_number(price, "cbc:PriceAmount"),
        base_quantity=_number(price, "cbc:BaseQuantity", default=ONE) or ONE,
        gross_price=(
            _optional_number(price_allowances[0], "cbc:BaseAmount") if price_allowances else None
        ),
        price_discount=(_number(price_allowances[0], "cbc:Amount") if price_allowances else ZERO),
        vat_code=_text(item, "cac:ClassifiedTaxCategory", "cbc:ID"),
        vat_rate=_number(item, "cac:ClassifiedTaxCategory", "cbc:Percent"),
        allowances=tuple(_allowance(a) for a in _nodes(node, "cac:AllowanceCharge")),
        description=_text(item, "cbc:Description"),
        note=" ".join(_texts(node, "cbc:Note")),
        seller_item_id=_text(item, "cac:SellersItemIdentification", "cbc:ID"),
        buyer_item_id=_text(item, "cac:BuyersItemIdentification", "cbc:ID"),
        standard_item_id=_leaf_text(standard),
        standard_item_scheme=_attr(standard, "schemeID"),
        classification=_texts(item, "cac:CommodityClassification", "cbc:ItemClassificationCode"),
        origin_country=_text(item, "cac:OriginCountry", "cbc:IdentificationCode"),
        period_start=_date(node, "cac:InvoicePeriod", "cbc:StartDate"),
        period_end=_date(node, "cac:InvoicePeriod", "cbc:EndDate"),
    )


def _vat_totals(
    root: Any, currency: str, tax_currency: str
) -> tuple[Decimal, Decimal | None, tuple[ParsedVat, ...]]:
    """BT-110 (in the document currency), BT-111 (in the tax currency) and BG-23.

    The VAT total in the document currency is the TaxTotal whose amount is in that
    currency (the one with the breakdown); BT-111 is the one in the tax currency.
    """
    vat_total: Decimal | None = None
    tax_currency_vat: Decimal | None = None
    breakdown: list[ParsedVat] = []
    for total in _nodes(root, "cac:TaxTotal"):
        leaf = _node(total, "cbc:TaxAmount")
        amount = _decimal(_leaf_text(leaf) or "0", "cac:TaxTotal/cbc:TaxAmount")
        in_currency = _attr(leaf, "currencyID").upper() or currency
        subtotals = _nodes(total, "cac:TaxSubtotal")
        if subtotals and not breakdown:
            breakdown = [
                ParsedVat(
                    vat_code=_text(s, "cac:TaxCategory", "cbc:ID"),
                    rate=_number(s, "cac:TaxCategory", "cbc:Percent"),
                    taxable=_number(s, "cbc:TaxableAmount"),
                    amount=_number(s, "cbc:TaxAmount"),
                    exemption_reason=_text(s, "cac:TaxCategory", "cbc:TaxExemptionReason"),
                    exemption_code=_text(s, "cac:TaxCategory", "cbc:TaxExemptionReasonCode"),
                )
                for s in subtotals
            ]
        if in_currency == currency and (vat_total is None or subtotals):
            vat_total = amount
        elif tax_currency and in_currency == tax_currency:
            tax_currency_vat = amount
    if tax_currency == currency and tax_currency_vat is None:
        tax_currency_vat = vat_total
    return vat_total or ZERO, tax_currency_vat, tuple(breakdown)


# ------------------------------------------------------------------ the whole document


def _tree(xml: bytes | str) -> tuple[str, Any]:
    data = xml.encode("utf-8") if isinstance(xml, str) else xml
    if not data.strip():
        _fail("UBL_EMPTY", "Fișierul XML este gol.", "The XML is empty.")
    try:
        tree = xmltodict.parse(
            data,
            process_namespaces=True,
            namespaces=_NAMESPACES,
            force_list=True,
            disable_entities=True,
        )
    except ExpatError as exc:
        _fail(
            "UBL_NOT_XML",
            f"Textul primit nu este un XML valid ({exc}).",
            f"The text is not well-formed XML ({exc}).",
        )
    except ValueError:  # xmltodict refuses any entity declaration (XXE, "billion laughs")
        _fail(
            "UBL_ENTITIES",
            "XML-ul declară entități (DOCTYPE); o factură e-Factura nu are așa ceva.",
            "The XML declares entities (DOCTYPE); an e-Factura invoice has none.",
        )
    (tag,) = tree
    if tag not in {"Invoice", "CreditNote"}:
        _fail(
            "UBL_NOT_INVOICE",
            f"XML-ul nu este o factură UBL 2.1 (Invoice sau CreditNote), ci «{tag}». "
            "e-Factura primește doar UBL; formatul CII nu este citit.",
            f"The XML is not a UBL 2.1 Invoice or CreditNote but «{tag}».",
            root=tag,
        )
    return tag, tree[tag][0]


def parse_ubl(xml: bytes | str) -> ParsedInvoice:
    """Everything an EN 16931 invoice or credit note states that a purchase needs.

    Raises ValidationFailed (field "xml") for what is not XML, not UBL, or lacks a
    mandatory element; reads leniently everything else (optional elements default).
    """
    document, root = _tree(xml)
    credit = document == "CreditNote"
    currency = _required(root, "cbc:DocumentCurrencyCode").upper()
    tax_currency = _text(root, "cbc:TaxCurrencyCode").upper()
    vat_total, tax_currency_vat, breakdown = _vat_totals(root, currency, tax_currency)
    totals = _node(root, "cac:LegalMonetaryTotal")
    if totals is None:
        _missing(("cac:LegalMonetaryTotal",))
    line_tag = "cac:CreditNoteLine" if credit else "cac:InvoiceLine"
    quantity_tag = "cbc:CreditedQuantity" if credit else "cbc:InvoicedQuantity"
    lines = tuple(_line(node, quantity_tag) for node in _nodes(root, line_tag))
    if not lines:
        _missing((line_tag,))
    due_date = _date(root, "cbc:DueDate") or _date(root, "cac:PaymentMeans", "cbc:PaymentDueDate")
    return ParsedInvoice(
        document=document,
        number=_required(root, "cbc:ID"),
        issue_date=_date(root, "cbc:IssueDate", required=True),  # type: ignore[arg-type]
        type_code=_text(root, "cbc:CreditNoteTypeCode" if credit else "cbc:InvoiceTypeCode")
        or ("381" if credit else "380"),
        currency=currency,
        seller=_party(root, "cac:AccountingSupplierParty"),
        buyer=_party(root, "cac:AccountingCustomerParty"),
        lines=lines,
        line_net_total=_number(totals, "cbc:LineExtensionAmount", required=True),
        tax_exclusive=_number(totals, "cbc:TaxExclusiveAmount", required=True),
        tax_inclusive=_number(totals, "cbc:TaxInclusiveAmount", required=True),
        payable=_number(totals, "cbc:PayableAmount", required=True),
        allowance_total=_number(totals, "cbc:AllowanceTotalAmount"),
        charge_total=_number(totals, "cbc:ChargeTotalAmount"),
        vat_total=vat_total,
        tax_currency=tax_currency,
        tax_currency_vat=tax_currency_vat,
        prepaid=_number(totals, "cbc:PrepaidAmount"),
        rounding=_number(totals, "cbc:PayableRoundingAmount"),
        customization_id=_text(root, "cbc:CustomizationID"),
        due_date=due_date,
        tax_point_date=_date(root, "cbc:TaxPointDate"),
        delivery_date=_date(root, "cac:Delivery", "cbc:ActualDeliveryDate"),
        period_start=_date(root, "cac:InvoicePeriod", "cbc:StartDate"),
        period_end=_date(root, "cac:InvoicePeriod", "cbc:EndDate"),
        notes=_texts(root, "cbc:Note"),
        buyer_reference=_text(root, "cbc:BuyerReference"),
        order_reference=_text(root, "cac:OrderReference", "cbc:ID"),
        contract_reference=_text(root, "cac:ContractDocumentReference", "cbc:ID"),
        preceding=tuple(
            (_text(ref, "cbc:ID"), _date(ref, "cbc:IssueDate"))
            for ref in _nodes(root, "cac:BillingReference", "cac:InvoiceDocumentReference")
            if _text(ref, "cbc:ID")
        ),
        payment_terms=" ".join(_texts(root, "cac:PaymentTerms", "cbc:Note")),
        payment_means_code=_text(root, "cac:PaymentMeans", "cbc:PaymentMeansCode"),
        payment_id=_text(root, "cac:PaymentMeans", "cbc:PaymentID"),
        payee_accounts=_texts(root, "cac:PaymentMeans", "cac:PayeeFinancialAccount", "cbc:ID"),
        allowances=tuple(_allowance(a) for a in _nodes(root, "cac:AllowanceCharge")),
        vat_breakdown=breakdown,
    )


def consistency_warnings(doc: ParsedInvoice) -> list[str]:
    """The EN 16931 sums (BR-CO-10/13/15/16) the document breaks, in Romanian.

    A received invoice is stored as it is, even when its sums disagree; whoever checks
    the draft should see it.
    """
    out = []
    lines = sum((x.net for x in doc.lines), ZERO)
    if lines != doc.line_net_total:
        out.append(f"suma liniilor ({lines}) diferă de totalul liniilor ({doc.line_net_total})")
    expected = doc.line_net_total - doc.allowance_total + doc.charge_total
    if expected != doc.tax_exclusive:
        out.append(f"totalul fără TVA ({doc.tax_exclusive}) nu este {expected}")
    if doc.tax_exclusive + doc.vat_total != doc.tax_inclusive:
        out.append(
            f"totalul cu TVA ({doc.tax_inclusive}) nu este {doc.tax_exclusive + doc.vat_total}"
        )
    expected = doc.tax_inclusive - doc.prepaid + doc.rounding
    if expected != doc.payable:
        out.append(f"suma de plată ({doc.payable}) nu este {expected}")
    return out
