"""A received UBL becomes a supplier invoice draft, its supplier found or created once.

`supplier_invoice_import` is the one write path, for SPV (the daily job) and for an XML
someone pastes or posts. What it decides:

- The supplier is found by its identity: a valid Romanian CUI (the VAT id without RO,
  the tax registration id, the legal id, or the CIF ANAF names as the issuer), else a
  foreign VAT id; only when the XML carries no valid identifier, by its exact name and
  country. A new supplier is created from the XML with the supplier role; an existing one
  only gains the role when it lacks it (its data and accounts are never overwritten).
  Address details our partner rules refuse (a county that is not an ISO code, a bad
  e-mail) are left out rather than refusing the invoice; a Romanian supplier without a
  valid CUI is refused (SUPPLIER_CUI_INVALID): ANAF would not have delivered it, and our
  partner registry holds no Romanian company without one.
- One SPV message gives at most one supplier invoice (unique `spv_message`; refused with
  SPV_MESSAGE_ALREADY_IMPORTED), and the same supplier's number on the same date is
  refused too (SUPPLIER_INVOICE_DUPLICATE, naming the first): the same invoice arriving
  by SPV and pasted by hand must not become two bills. The SPV job links its message to
  the hand-imported draft instead (`supplier_invoice_link_spv`).
- Amounts are stored as the document states them, except that a credit note is stored in
  red (negative quantities, nets and totals, as our own stornos are), so that sums over
  supplier invoices are what is owed. Totals are the XML's own (BT-106..BT-115), never
  recomputed; sums the XML gets wrong are noted on the draft.
- Lines are matched to our articles by barcode (StandardItemIdentification), by our own
  code (BuyersItemIdentification), else by the supplier's item code on an earlier line of
  the same supplier that someone linked to an article.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from stdnum.ro import cui as ro_cui

from domain.core.errors import Conflict, NotFound, ValidationFailed
from domain.core.money import q2
from domain.core.tx import for_update, is_unique_violation, write_tx
from domain.efactura.receive_ubl import (
    ParsedInvoice,
    ParsedLine,
    ParsedParty,
    consistency_warnings,
    parse_ubl,
)
from domain.org.geo import BUCHAREST, normalize_county, normalize_sector
from domain.org.permissions import Action, Actor, Area, require
from domain.partners.ops import partner_create, partner_role_set
from domain.partners.rules import normalize_partner
from tables.catalog import Article
from tables.choices import PartnerKind, PartnerRoleKind
from tables.efactura import SpvMessage, SupplierInvoice, SupplierInvoiceLine
from tables.org import Company
from tables.partners import Partner, PartnerRole

RECEIVE_AREA = Area.ledger
"""Supplier invoices are the accountants' (and the administrator's) to import and check;
viewers read them. Until the role matrix has an area for purchases."""

DRAFT = "draft"
_QTY = Decimal("0.001")
_PRICE = Decimal("0.0001")
_RATE = Decimal("0.01")
_ISSUER = re.compile(r"cif_emitent\s*=\s*(?:RO)?\s*(\d{2,10})", re.IGNORECASE)
# Partner fields an XML may fill with values our rules refuse; they are dropped, not fatal.
_DROPPABLE = ("county", "sector", "email", "postal_code", "phone", "reg_com", "city", "street")


def _cut(text: str, length: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


def _digits_cui(value: str) -> str | None:
    """The CUI in `value` ("RO 123", "123") when it is a valid one, else None."""
    compact = "".join(value.split()).upper().removeprefix("RO")
    if compact.isdigit() and ro_cui.is_valid(compact):
        return compact
    return None


def issuer_cif(details: str) -> str:
    """The issuer's CIF in an SPV message's «detalii» (cif_emitent=...), or ""."""
    match = _ISSUER.search(details or "")
    return match.group(1) if match else ""


# ------------------------------------------------------------------ the supplier


def _country(party: ParsedParty) -> str:
    if party.address.country:
        return party.address.country
    prefix = party.vat_id[:2].upper()
    if prefix.isalpha():
        return "GR" if prefix == "EL" else prefix
    return "RO"


def _romanian_cui(party: ParsedParty, known_cif: str) -> str | None:
    for candidate in (known_cif, party.vat_id, *party.tax_ids, party.legal_id, *party.identifiers):
        if candidate and (found := _digits_cui(candidate)):
            return found
    return None


def _foreign_vat_id(party: ParsedParty, country: str) -> str | None:
    if not party.vat_id:
        return None
    try:
        return normalize_partner(
            {"kind": PartnerKind.company, "name": party.name, "country": country,
             "foreign_vat_id": party.vat_id}
        )["foreign_vat_id"]  # fmt: skip
    except ValidationFailed:
        return None


def _place(party: ParsedParty) -> dict[str, str]:
    """County, sector and city of a Romanian address as our partner rules want them."""
    address = party.address
    try:
        county = normalize_county(address.county) if address.county else ""
    except ValidationFailed:
        county = ""
    city, sector = address.city, ""
    if county == BUCHAREST and city:
        with contextlib.suppress(ValidationFailed):  # a city that is no sector stays
            sector, city = normalize_sector(city), "București"
    return {"county": county, "sector": sector, "city": city}


def _partner_values(doc: ParsedInvoice, cui: str | None, vat_id: str | None) -> dict[str, Any]:
    party = doc.seller
    address = party.address
    country = _country(party)
    street = ", ".join(x for x in (address.street, address.additional_street) if x)
    values: dict[str, Any] = {
        "kind": PartnerKind.company,
        "name": _cut(party.name, 200),
        "country": country,
        "cui": cui,
        "foreign_vat_id": vat_id if country != "RO" or not cui else None,
        "street": _cut(street, 200),
        "city": _cut(address.city, 100),
        "postal_code": address.postal_code[:10],
        "email": party.email[:200],
        "phone": party.phone[:40],
        "vat_payer": bool(party.vat_id),
        "notes": f"Creat din e-Factura: factura {doc.number} din {doc.issue_date:%d.%m.%Y}.",
    }
    if country == "RO":
        place = _place(party)
        values |= place | {"city": _cut(place["city"], 100)}
        legal = party.legal_id
        if legal and not _digits_cui(legal):
            values["reg_com"] = legal[:40]  # J40/123/2020: the trade register number
        values["vat_payer"] = party.vat_id.upper().startswith("RO")
    unverified = [x for x in (party.vat_id, *party.tax_ids, party.legal_id) if x]
    if not (cui or vat_id) and unverified:
        values["notes"] += " Identificatori din factură, neverificați: " + ", ".join(unverified)
    return values


async def _create_supplier(values: dict[str, Any], by: Actor) -> int:
    """partner_create, leaving out the address details our rules refuse."""
    values = dict(values)
    for _ in range(len(_DROPPABLE) + 2):
        try:
            return await partner_create(values=values, roles=[PartnerRoleKind.supplier], by=by)
        except ValidationFailed as exc:
            if exc.field in _DROPPABLE and values.get(exc.field):
                values[exc.field] = ""
                continue
            if exc.field == "foreign_vat_id" and values.get("foreign_vat_id"):
                values["foreign_vat_id"] = None
                continue
            raise
    raise AssertionError("unreachable: every droppable field was dropped")


async def supplier_partner(doc: ParsedInvoice, *, by: Actor, known_cif: str = "") -> int:
    """The supplier of `doc`: found by identity (or name, without one), else created."""
    party = doc.seller
    country = _country(party)
    cui = _romanian_cui(party, known_cif) if country == "RO" or known_cif else None
    vat_id = _foreign_vat_id(party, country) if not cui else None
    found = None
    if cui:
        found = await Partner.select(Partner.id).where(Partner.cui == cui).first()
    elif vat_id:
        found = await Partner.select(Partner.id).where(Partner.foreign_vat_id == vat_id).first()
    else:
        found = (
            await Partner.select(Partner.id)
            .where((Partner.name == _cut(party.name, 200)) & (Partner.country == country))
            .order_by(Partner.id)
            .first()
        )
        if found is None and country == "RO":
            shown = ", ".join(x for x in (party.vat_id, *party.tax_ids, party.legal_id) if x)
            raise ValidationFailed(
                "SUPPLIER_CUI_INVALID",
                f"Furnizorul «{party.name}» nu are în factură un CUI valid"
                f"{f' (găsit: {shown})' if shown else ''}. Adăugați-l în «Parteneri» cu "
                "CUI-ul corect și cu aceeași denumire, apoi importați factura din nou.",
                f"The supplier «{party.name}» has no valid CUI in the invoice.",
                field="xml",
                details={"name": party.name, "ids": shown},
            )
    if found is None:
        if cui and country != "RO":
            country = "RO"  # a Romanian CUI (ANAF named the issuer): a Romanian company
        values = _partner_values(doc, cui, vat_id) | {"country": country}
        return await _create_supplier(values, by)
    has_role = await PartnerRole.exists().where(
        (PartnerRole.partner == found["id"]) & (PartnerRole.role == PartnerRoleKind.supplier)
    )
    if not has_role:  # only then: a custom account (401.07) of the role stays
        await partner_role_set(partner_id=found["id"], role=PartnerRoleKind.supplier, by=by)
    return found["id"]


# ------------------------------------------------------------------ articles


async def _articles(partner_id: int, lines: Iterable[ParsedLine]) -> list[int | None]:
    """Our article for each line, or None; three queries at most, whatever the lines."""
    lines = list(lines)
    barcodes = sorted({x.standard_item_id for x in lines if x.standard_item_id})
    codes = sorted({x.buyer_item_id for x in lines if x.buyer_item_id})
    seller_ids = sorted({x.seller_item_id[:100] for x in lines if x.seller_item_id})
    by_barcode: dict[str, int] = {}
    by_code: dict[str, int] = {}
    learned: dict[str, int] = {}
    if barcodes:
        rows = await Article.select(Article.id, Article.barcode).where(
            Article.barcode.is_in(barcodes)
        )
        by_barcode = {r["barcode"]: r["id"] for r in rows}
    if codes:
        rows = await Article.select(Article.id, Article.code).where(Article.code.is_in(codes))
        by_code = {r["code"]: r["id"] for r in rows}
    if seller_ids:
        # The latest line of this supplier with that item code someone linked to an article.
        rows = (
            await SupplierInvoiceLine.select(
                SupplierInvoiceLine.seller_item_id, SupplierInvoiceLine.article
            )
            .where(
                (SupplierInvoiceLine.supplier_invoice.partner == partner_id)
                & SupplierInvoiceLine.seller_item_id.is_in(seller_ids)
                & SupplierInvoiceLine.article.is_not_null()
            )
            .order_by(SupplierInvoiceLine.id)
        )
        learned = {r["seller_item_id"]: r["article"] for r in rows}
    return [
        by_barcode.get(x.standard_item_id)
        or by_code.get(x.buyer_item_id)
        or learned.get(x.seller_item_id[:100])
        for x in lines
    ]


# ------------------------------------------------------------------ the draft


def _notes(doc: ParsedInvoice, extra: Iterable[str]) -> str:
    parts = list(doc.notes)
    for number, day in doc.preceding:
        parts.append(f"Corectează factura {number}" + (f" din {day:%d.%m.%Y}" if day else ""))
    if doc.payment_terms:
        parts.append(f"Condiții de plată: {doc.payment_terms}")
    if doc.payee_accounts:
        parts.append("Cont furnizor: " + ", ".join(doc.payee_accounts))
    parts.extend(extra)
    parts.extend(f"Atenție: {w}." for w in consistency_warnings(doc))
    return "\n".join(parts)


def _vat_in_ron(doc: ParsedInvoice) -> Decimal | None:
    if doc.currency == "RON":
        return doc.vat_total
    if doc.tax_currency == "RON":
        return doc.tax_currency_vat
    return None


def draft_values(doc: ParsedInvoice, extra_notes: Iterable[str] = ()) -> dict[str, Any]:
    """The supplier invoice columns for `doc` (credit notes in red); pure."""
    sign = doc.sign
    notes = list(extra_notes)
    if len(doc.number) > 60:
        notes.append(f"Numărul complet al facturii: {doc.number}")
    ron_vat = _vat_in_ron(doc)
    if ron_vat is None:
        notes.append(f"Factura în {doc.currency} nu declară TVA în lei (BT-111).")
    return {
        "status": DRAFT,
        "type_code": doc.type_code[:3],
        "number": doc.number[:60],
        "issue_date": doc.issue_date,
        "due_date": doc.due_date,
        "currency": doc.currency[:3],
        "tax_currency_vat": q2(sign * (ron_vat or 0)),
        "line_net_total": q2(sign * doc.line_net_total),
        "allowance_total": q2(sign * doc.allowance_total),
        "charge_total": q2(sign * doc.charge_total),
        "tax_exclusive": q2(sign * doc.tax_exclusive),
        "vat_total": q2(sign * doc.vat_total),
        "tax_inclusive": q2(sign * doc.tax_inclusive),
        "prepaid": q2(sign * doc.prepaid),
        "rounding": q2(sign * doc.rounding),
        "payable": q2(sign * doc.payable),
        "notes": _notes(doc, notes),
    }


def line_values(doc: ParsedInvoice, articles: list[int | None]) -> list[dict[str, Any]]:
    sign = doc.sign
    return [
        {
            "position": n,
            "article": article,
            "seller_item_id": x.seller_item_id[:100],
            "description": _cut(x.name, 300) or f"Linia {x.line_id}",
            "quantity": (sign * x.quantity).quantize(_QTY, ROUND_HALF_UP),
            "uom_code": (x.unit_code or "H87")[:3],
            "unit_price": x.unit_price.quantize(_PRICE, ROUND_HALF_UP),
            "net": q2(sign * x.net),
            "vat_code": x.vat_code[:2],
            "vat_rate": x.vat_rate.quantize(_RATE, ROUND_HALF_UP),
        }
        for n, (x, article) in enumerate(zip(doc.lines, articles, strict=True), start=1)
    ]


def xml_text(xml: bytes | str) -> str:
    """The XML as stored: UTF-8 text without a BOM (ANAF requires UTF-8)."""
    if isinstance(xml, str):
        return xml.removeprefix("\ufeff")
    try:
        return xml.decode("utf-8-sig")
    except UnicodeDecodeError:
        return xml.decode("latin-1")  # parsed already by its declared encoding


# ------------------------------------------------------------------ checks


async def _company(company_id: int) -> Mapping[str, Any]:
    row = (
        await Company.select(Company.id, Company.cui, Company.name)
        .where(Company.id == company_id)
        .first()
    )
    if row is None:
        raise NotFound(
            "COMPANY_NOT_FOUND", f"Firma nr. {company_id} nu există.", "No such company."
        )
    return row


def _party_cui(party: ParsedParty) -> str | None:
    """The CUI of a Romanian party (a foreign id may pass the CUI check by chance)."""
    if _country(party) == "RO" or party.vat_id.upper().startswith("RO"):
        return _romanian_cui(party, "")
    return None


def _parties(doc: ParsedInvoice, company: Mapping[str, Any], manual: bool) -> list[str]:
    """Refuse our own invoice (we are the seller) and, when pasted by hand, one addressed
    to another Romanian company; note a buyer that cannot be told to be us."""
    ours = _digits_cui(str(company["cui"] or ""))
    seller = _party_cui(doc.seller)
    if ours and seller == ours:
        raise ValidationFailed(
            "SUPPLIER_INVOICE_OWN",
            f"Factura {doc.number} este emisă de firma noastră ({company['name']}): "
            "nu este o factură de furnizor.",
            "The invoice is issued by our own company.",
            field="xml",
        )
    buyer = _party_cui(doc.buyer)
    if buyer == ours:
        return []
    if manual and buyer and ours:
        raise ValidationFailed(
            "SUPPLIER_INVOICE_OTHER_BUYER",
            f"Factura {doc.number} este adresată altei firme ({doc.buyer.name}, CUI {buyer}), "
            f"nu firmei {company['name']} (CUI {ours}).",
            "The invoice is addressed to another company.",
            field="xml",
            details={"buyer_cui": buyer},
        )
    shown = doc.buyer.vat_id or doc.buyer.legal_id or "fără cod"
    return [f"Cumpărătorul din factură este «{doc.buyer.name}» ({shown})."]


async def _refuse_duplicates(
    company_id: int, partner_id: int, doc: ParsedInvoice, spv_message_id: int | None
) -> None:
    if spv_message_id is not None:
        message = (
            await SpvMessage.select(SpvMessage.company, SpvMessage.message_id)
            .where(SpvMessage.id == spv_message_id)
            .first()
        )
        if message is None or message["company"] != company_id:
            raise NotFound(
                "SPV_MESSAGE_NOT_FOUND",
                f"Mesajul SPV nr. {spv_message_id} nu există la această firmă.",
                "No such SPV message for this company.",
            )
        taken = (
            await SupplierInvoice.select(SupplierInvoice.id)
            .where(SupplierInvoice.spv_message == spv_message_id)
            .first()
        )
        if taken is not None:
            raise Conflict(
                "SPV_MESSAGE_ALREADY_IMPORTED",
                f"Mesajul SPV {message['message_id']} a fost deja preluat ca factura de "
                f"furnizor nr. {taken['id']}.",
                "This SPV message was already imported.",
                details={"supplier_invoice_id": taken["id"]},
            )
    twin = (
        await SupplierInvoice.select(SupplierInvoice.id)
        .where(
            (SupplierInvoice.company == company_id)
            & (SupplierInvoice.partner == partner_id)
            & (SupplierInvoice.number == doc.number[:60])
            & (SupplierInvoice.issue_date == doc.issue_date)
        )
        .first()
    )
    if twin is not None:
        raise Conflict(
            "SUPPLIER_INVOICE_DUPLICATE",
            f"Factura {doc.number} din {doc.issue_date:%d.%m.%Y} a furnizorului "
            f"«{doc.seller.name}» există deja (factura de furnizor nr. {twin['id']}).",
            "This supplier invoice was already imported.",
            details={"supplier_invoice_id": twin["id"]},
        )


# ------------------------------------------------------------------ the operations


def _lost_race(exc: BaseException) -> bool:
    """A race lost on a unique index (the supplier or the SPV message stored by a
    concurrent import): the second attempt finds what the winner stored. On PostgreSQL
    partner_create's own look-up after the violation fails in the aborted transaction."""
    return is_unique_violation(exc) or type(exc).__name__ == "InFailedSQLTransactionError"


async def supplier_invoice_import(
    *,
    company_id: int,
    xml: bytes | str,
    spv_message_id: int | None = None,
    pdf_path: str = "",
    by: Actor,
    issuer: str = "",
) -> int:
    """The received UBL `xml` as a supplier invoice draft of `company_id`; its id.

    `spv_message_id`: the SpvMessage it came from (None when pasted or posted by hand);
    `issuer`: the issuer's CIF as ANAF states it, used when the XML's own id is unusable.
    """
    require(by, RECEIVE_AREA, Action.write)
    doc = parse_ubl(xml)
    company = await _company(company_id)
    extra = _parties(doc, company, manual=spv_message_id is None)
    head = draft_values(doc, extra)
    text = xml_text(xml)
    for attempt in range(2):
        try:
            async with write_tx():
                partner_id = await supplier_partner(doc, by=by, known_cif=issuer)
                # Two imports of one invoice at once: the second waits here for the first.
                await for_update(Partner.select(Partner.id).where(Partner.id == partner_id))
                await _refuse_duplicates(company_id, partner_id, doc, spv_message_id)
                invoice = SupplierInvoice(
                    company=company_id, partner=partner_id, spv_message=spv_message_id,
                    xml=text, pdf_path=pdf_path, **head,
                )  # fmt: skip
                await invoice.save()
                lines = line_values(doc, await _articles(partner_id, doc.lines))
                await SupplierInvoiceLine.insert(
                    *(SupplierInvoiceLine(supplier_invoice=invoice.id, **x) for x in lines)
                )
                return invoice.id
        except Exception as exc:
            if attempt == 0 and _lost_race(exc):
                continue
            raise
    raise AssertionError("unreachable")


async def supplier_invoice_link_spv(
    *, supplier_invoice_id: int, spv_message_id: int, pdf_path: str = "", by: Actor
) -> bool:
    """Attach an SPV message (and ANAF's PDF) to a draft imported by hand before it came.

    False when the draft already has a message of its own (then the new message is a
    second copy and nothing is linked).
    """
    require(by, RECEIVE_AREA, Action.write)
    async with write_tx():
        row = await for_update(
            SupplierInvoice.select(SupplierInvoice.spv_message, SupplierInvoice.pdf_path).where(
                SupplierInvoice.id == supplier_invoice_id
            )
        ).first()
        if row is None or row["spv_message"] is not None:
            return False
        changes: dict[Any, Any] = {SupplierInvoice.spv_message: spv_message_id}
        if pdf_path and not row["pdf_path"]:
            changes[SupplierInvoice.pdf_path] = pdf_path
        await SupplierInvoice.update(changes).where(SupplierInvoice.id == supplier_invoice_id)
        return True
