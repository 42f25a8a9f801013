"""Romanian column titles and choice names for the admin.

piccolo-admin titles a column after its Python name ("Vat Payer") and a choice after
its enum member; neither goes through the translation table. The schema endpoint is
the one place the UI reads them from, so `RomanianLabels` rewrites its answer.
Column names in the code stay English; only what people read changes.
"""

from __future__ import annotations

import json
import re
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

_COMMON = {
    "name": "Denumire",
    "code": "Cod",
    "company": "Firma",
    "active": "Activ",
    "created_at": "Creat la",
    "country": "Țara",
    "county": "Județ",
    "sector": "Sector",
    "city": "Localitate",
    "street": "Stradă, număr",
    "postal_code": "Cod poștal",
    "email": "E-mail",
    "phone": "Telefon",
    "iban": "IBAN",
    "bank_name": "Banca",
    "currency": "Moneda",
    "partner": "Partener",
    "kind": "Tip",
    "notes": "Observații",
    "description": "Descriere",
    "cui": "CUI",
    "cnp": "CNP",
    "reg_com": "Nr. Reg. Com.",
    "vat_payer": "Plătitor de TVA",
    "cash_vat": "TVA la încasare",
}

LABELS: dict[str, dict[str, str]] = {
    "firma": {"capital": "Capital social"},
    "cont_bancar_firma": {"is_default": "Cont implicit"},
    "punct_de_lucru": {},
    "centru_de_cost": {},
    "departament": {},
    "echipa": {"department": "Departament"},
    "persoana": {
        "name": "Nume și prenume",
        "user": "Utilizator",
        "work_point": "Punct de lucru",
        "department": "Departament",
        "team": "Echipă",
        "cost_centre": "Centru de cost",
    },
    "rol_utilizator": {"user": "Utilizator", "role": "Rol"},
    "token_api": {
        "prefix": "Început token",
        "token_hash": "Amprentă",
        "scopes": "Drepturi",
        "expires_at": "Expiră la",
        "revoked_at": "Revocat la",
        "last_used_at": "Folosit ultima dată",
    },
    "moneda": {"code": "Cod ISO", "decimals": "Zecimale"},
    "curs_bnr": {
        "currency": "Moneda",
        "day": "Data publicării",
        "rate": "Curs (lei)",
        "multiplier": "Pentru (unități)",
        "source": "Sursa",
    },
    "grup_parteneri": {},
    "partener": {
        "foreign_vat_id": "Cod TVA străin",
        "inactive": "Inactiv fiscal",
        "e_invoice_registered": "În Registrul e-Factura",
        "anaf_checked_at": "Verificat la ANAF",
        "group": "Grup",
    },
    "rol_partener": {"role": "Rol", "account": "Cont contabil"},
    "adresa_partener": {"name": "Denumire adresă"},
    "persoana_contact": {
        "name": "Nume și prenume",
        "function": "Funcția",
        "is_primary": "Contact principal",
    },
    "cont_bancar_partener": {},
    "unitate_masura": {"code": "Cod UN/ECE", "symbol": "Simbol"},
    "categorie_tva": {
        "untdid": "Cod e-Factura",
        "exemption_code": "Cod scutire (VATEX)",
        "exemption_text": "Mențiune pe factură",
    },
    "cota_tva": {
        "category": "Categoria",
        "rate": "Cota (%)",
        "valid_from": "Valabilă de la",
        "valid_to": "Valabilă până la",
    },
    "articol": {
        "uom": "U.M.",
        "vat_category": "Categoria TVA",
        "barcode": "Cod de bare",
        "warranty_months": "Garanție (luni)",
        "nc_code": "Cod NC",
    },
    "serie_documente": {
        "doc_type": "Tip document",
        "work_point": "Punct de lucru",
        "prefix": "Serie",
        "first_number": "De la nr.",
        "last_number": "Până la nr.",
        "next_number": "Următorul nr.",
    },
    "factura": {
        "type_code": "Tip",
        "status": "Stare",
        "series": "Serie",
        "number": "Număr",
        "full_number": "Seria și nr.",
        "vat_regime": "Regim TVA",
        "fx_rate": "Curs",
        "fx_date": "Data cursului",
        "fx_note": "Motiv curs",
        "issue_date": "Data emiterii",
        "delivery_date": "Data livrării",
        "due_date": "Scadența",
        "payment_terms": "Condiții de plată",
        "payment_term": "Termen de plată",
        "due_schedule": "Scadențe (rate)",
        "efactura_state": "e-Factura",
        "discount_percent": "Discount (%)",
        "corrects": "Corectează factura",
        "stock_leaves": "Scade stocul",
        "work_point": "Punct de lucru",
        "cost_centre": "Centru de cost",
        "department": "Departament",
        "team": "Echipă",
        "person": "Persoana",
        "supplier_snapshot": "Furnizor (la emitere)",
        "customer_snapshot": "Client (la emitere)",
        "mentions": "Mențiuni",
        "line_net_total": "Total linii",
        "allowance_total": "Reduceri",
        "charge_total": "Majorări",
        "tax_exclusive": "Total fără TVA",
        "vat_total": "TVA",
        "vat_total_ron": "TVA (lei)",
        "tax_inclusive": "Total cu TVA",
        "prepaid": "Avansuri",
        "payable": "De plată",
        "issued_at": "Emisă la",
        "issued_by": "Emisă de",
        "cancelled_at": "Anulată la",
        "cancel_reason": "Motivul anulării",
    },
    "linie_factura": {
        "invoice": "Factura",
        "position": "Nr. crt.",
        "article": "Articol",
        "quantity": "Cantitate",
        "uom_code": "U.M.",
        "unit_price": "Preț unitar",
        "discount": "Discount",
        "vat_category": "Categoria TVA",
        "vat_code": "Cod TVA",
        "vat_rate": "Cota TVA (%)",
        "net": "Valoare",
        "source_line": "Linia corectată",
        "source_document_line": "Linia documentului facturat",
        "value_only": "Doar valoare (rabat)",
        "price_list": "Lista de prețuri",
    },
    "tva_factura": {
        "invoice": "Factura",
        "vat_code": "Cod TVA",
        "vat_rate": "Cota (%)",
        "base": "Baza",
        "vat": "TVA",
        "base_ron": "Baza (lei)",
        "vat_ron": "TVA (lei)",
    },
    "document_vanzare": {
        "doc_type": "Tip document",
        "status": "Stare",
        "series": "Serie",
        "number": "Număr",
        "full_number": "Seria și nr.",
        "issue_date": "Data emiterii",
        "delivery_date": "Data livrării",
        "valid_until": "Valabil până la",
        "delegate": "Delegat",
        "vehicle": "Mijloc de transport",
        "work_point": "Punct de lucru",
        "person": "Persoana",
        "customer_snapshot": "Client (la emitere)",
        "tax_exclusive": "Total fără TVA",
        "vat_total": "TVA",
        "tax_inclusive": "Total cu TVA",
        "issued_at": "Emis la",
        "issued_by": "Emis de",
        "cancelled_at": "Anulat la",
        "cancel_reason": "Motivul anulării",
    },
    "linie_document": {
        "document": "Document",
        "position": "Nr. crt.",
        "article": "Articol",
        "quantity": "Cantitate",
        "uom_code": "U.M.",
        "unit_price": "Preț unitar",
        "discount": "Discount",
        "vat_category": "Categoria TVA",
        "vat_rate": "Cota TVA (%)",
        "net": "Valoare",
        "serial_numbers": "Serii produse",
        "warranty_months": "Garanție (luni)",
        "source_line": "Linia din care provine",
        "source_invoice_line": "Linia facturii",
        "price_list": "Lista de prețuri",
    },
    "contor": {
        "partner": "Client (refacturare)",
        "article": "Utilitate",
        "serial": "Serie contor",
        "location": "Loc / descriere",
        "multiplier": "Constantă",
    },
    "citire_contor": {
        "meter": "Contor",
        "day": "Data citirii",
        "index": "Index",
        "reset": "Înlocuire / resetare",
        "previous_index": "Index final contor vechi",
        "note": "Observații",
        "draft_invoice": "Pe ciorna de factură",
        "draft_line": "Linia din ciornă",
        "invoice_line": "Facturată pe linia",
        "created_by": "Introdusă de",
    },
    # SPV (e-Factura primite)
    "efactura": {
        "invoice": "Factura",
        "state": "Stare e-Factura",
        "environment": "Mediul SPV",
        "upload_kind": "Fel de încărcare",
        "xml": "XML trimis",
        "xml_sha256": "Amprentă XML (SHA-256)",
        "errors": "Erori",
        "send_after": "Se trimite după",
        "upload_index": "Index încărcare",
        "download_id": "Id descărcare",
        "attempts": "Încărcări",
        "polls": "Interogări",
        "next_check_at": "Următoarea verificare",
        "answer_path": "Arhiva ANAF",
        "updated_at": "Modificată la",
        "uploaded_at": "Încărcată la",
        "finished_at": "Răspuns la",
    },
    "efactura_eveniment": {
        "submission": "Trimitere",
        "at": "Momentul",
        "state_from": "Din starea",
        "state_to": "În starea",
        "detail": "Ce s-a întâmplat",
    },
    "anaf_conexiune": {
        "environment": "Mediul SPV",
        "client_id": "Client ID",
        "redirect_uri": "Adresa de întoarcere",
        "access_expires_at": "Tokenul expiră la",
        "refresh_expires_at": "Autorizarea expiră la",
        "auto_send_hours": "Trimitere automată după (ore)",
        "enabled": "Autorizată",
        "updated_at": "Modificată la",
    },
    "spv_mesaj": {
        "message_id": "Id descărcare",
        "cif": "CIF",
        "request_id": "Index încărcare",
        "details": "Detalii",
        "created": "Creat în SPV",
        "downloaded_at": "Descărcat la",
        "zip_path": "Arhiva (ZIP)",
        "processed_at": "Preluat la",
        "error": "Eroare",
    },
    "preluare_spv": {
        "requested_by": "Cerută de",
        "started_at": "Pornită la",
        "finished_at": "Încheiată la",
        "listed": "Mesaje listate",
        "new_messages": "Mesaje noi",
        "downloaded": "Descărcate",
        "imported": "Facturi importate",
        "linked": "Legate de facturi existente",
        "failed": "Refuzate",
        "pdfs": "PDF-uri aduse",
        "error": "Oprită din cauza",
    },
    "factura_furnizor": {
        "spv_message": "Mesaj SPV",
        "status": "Stare",
        "type_code": "Tip",
        "number": "Număr",
        "issue_date": "Data emiterii",
        "due_date": "Scadența",
        "tax_currency_vat": "TVA (lei)",
        "line_net_total": "Total linii",
        "allowance_total": "Reduceri",
        "charge_total": "Majorări",
        "tax_exclusive": "Total fără TVA",
        "vat_total": "TVA",
        "tax_inclusive": "Total cu TVA",
        "prepaid": "Avansuri",
        "payable": "De plată",
        "xml": "XML primit",
        "rounding": "Rotunjire",
        "pdf_path": "PDF ANAF",
    },
    "linie_factura_furnizor": {
        "supplier_invoice": "Factura furnizorului",
        "position": "Nr. crt.",
        "article": "Articol",
        "seller_item_id": "Cod la furnizor",
        "quantity": "Cantitate",
        "uom_code": "U.M.",
        "unit_price": "Preț unitar",
        "net": "Valoare",
        "vat_code": "Cod TVA",
        "vat_rate": "Cota TVA (%)",
    },
    "punct_de_vanzare": {"work_point": "Punct de lucru"},
    "lista_preturi": {
        "prices_include_vat": "Prețuri cu TVA",
        "valid_from": "Valabilă de la",
        "valid_to": "Valabilă până la",
        "base_list": "Lista de bază",
        "base_percent": "Ajustare față de bază (%)",
        "rounding": "Rotunjire",
        "active": "Activă",
    },
    "pret": {
        "price_list": "Lista de prețuri",
        "article": "Articol",
        "min_quantity": "De la cantitatea",
        "price": "Preț",
        "valid_from": "Valabil de la",
        "valid_to": "Valabil până la",
        "created_by": "Introdus de",
    },
    "acces_lista_preturi": {
        "price_list": "Lista de prețuri",
        "user": "Utilizator",
        "role": "Rol",
        "team": "Echipă",
        "level": "Poate",
    },
    "atribuire_lista_preturi": {
        "price_list": "Lista de prețuri",
        "target": "Se aplică pentru",
        "partner_group": "Grup de parteneri",
        "pos": "Punct de vânzare",
        "work_point": "Punct de lucru",
        "team": "Echipă",
        "valid_from": "Valabilă de la",
        "valid_to": "Valabilă până la",
        "priority": "Prioritate",
    },
    "gestiune": {"work_point": "Punct de lucru", "is_default": "Implicită"},
    "setari_stoc": {
        "valuation": "Evaluarea stocului",
        "allow_negative": "Permite stoc negativ",
        "next_reception_number": "Următorul nr. NIR",
    },
    "nir": {
        "warehouse": "Gestiune",
        "partner": "Furnizor",
        "status": "Stare",
        "number": "Nr. NIR",
        "day": "Data recepției",
        "supplier_doc_number": "Document furnizor",
        "supplier_doc_date": "Data documentului",
        "fx_rate": "Curs",
        "net_total_ron": "Valoare fără TVA (lei)",
        "vat_total_ron": "TVA (lei)",
        "total_ron": "Total (lei)",
        "total": "Total în moneda documentului",
        "issued_at": "Emis la",
        "issued_by": "Emis de",
    },
    "linie_nir": {
        "reception": "NIR",
        "position": "Nr. crt.",
        "article": "Articol",
        "quantity": "Cantitate",
        "unit_price": "Preț furnizor",
        "vat_rate": "Cota TVA",
        "net": "Valoare",
        "vat": "TVA",
        "value_ron": "Valoare în stoc (lei)",
        "vat_ron": "TVA (lei)",
        "unit_cost": "Cost unitar (lei)",
    },
    "document_stoc": {
        "day": "Data",
        "warehouse": "Gestiune",
        "to_warehouse": "Spre gestiunea",
        "reason": "Motiv",
        "created_by": "Creat de",
    },
    "miscare_stoc": {
        "warehouse": "Gestiune",
        "article": "Articol",
        "day": "Data",
        "quantity": "Cantitate",
        "unit_cost": "Cost unitar",
        "value": "Valoare (lei)",
        "balance_qty": "Stoc după",
        "balance_value": "Valoare stoc după",
        "in_total": "Intrat cumulat",
        "source_type": "Document sursă",
        "source_id": "Nr. document",
        "source_line": "Linia sursă",
        "origin": "Ieșirea returnată",
    },
    "cont_contabil": {
        "code": "Cont",
        "account_class": "Clasa",
        "kind": "Funcția",
        "parent": "Cont sintetic",
        "third_party": "Cere partener",
    },
    "cont_implicit": {"role": "Folosit pentru", "account": "Cont"},
    "perioada_inchisa": {"month": "Luna", "closed_at": "Închisă la", "closed_by": "Închisă de"},
    "nota_contabila": {
        "day": "Data",
        "kind": "Proveniență",
        "source_type": "Document sursă",
        "source_id": "Nr. intern document",
        "reference": "Număr document",
        "description": "Explicație",
        "reverses": "Stornează nota",
        "created_by": "Înregistrată de",
    },
    "linie_nota": {
        "entry": "Nota contabilă",
        "day": "Data",
        "account": "Cont",
        "debit": "Debit",
        "credit": "Credit",
        "currency_amount": "Suma în valută",
        "work_point": "Punct de lucru",
        "cost_centre": "Centru de cost",
        "department": "Departament",
        "team": "Echipă",
        "person": "Persoana",
        "pos": "Punct de vânzare",
        "contract": "Contract",
        "article": "Articol",
        "description": "Explicație",
    },
    "piccolo_user": {
        "username": "Utilizator",
        "password": "Parolă",
        "first_name": "Prenume",
        "last_name": "Nume",
        "admin": "Acces în administrare",
        "superuser": "Superutilizator",
        "last_login": "Ultima autentificare",
    },
}

CHOICES: dict[str, str] = {
    # PartnerKind
    "company": "Firmă",
    "individual": "Persoană fizică",
    # PartnerRoleKind
    "client": "Client",
    "supplier": "Furnizor",
    "employee": "Angajat",
    "prospect": "Prospect",
    "lead": "Lead",
    "carrier": "Transportator",
    "other": "Altul",
    # AddressKind
    "billing": "Facturare",
    "delivery": "Livrare",
    "work_point": "Punct de lucru",
    # ArticleKind
    "goods": "Mărfuri",
    "product": "Produse finite",
    "service": "Servicii",
    "rent": "Chirie",
    "utility": "Utilități refacturate",
    # DocStatus, DocType, InvoiceTypeCode, VatRegime
    "draft": "Ciornă",
    "issued": "Emisă",
    "cancelled": "Anulată (ANULAT)",
    "offer": "Ofertă",
    "proforma": "Proformă",
    "order": "Comandă",
    "delivery_note": "Aviz de însoțire",
    "invoice": "Factură",
    "warranty": "Certificat de garanție",
    "380": "Factură",
    "381": "Stornare (credit)",
    "386": "Factură de avans",
    "389": "Autofactură",
    "normal": "Normal",
    "cash_vat": "TVA la încasare",
    "reverse_charge": "Taxare inversă",
    "intra_eu": "Livrare intracomunitară",
    "export": "Export",
    "not_registered": "Neplătitor de TVA",
    # PriceAccess (each level includes the ones before it)
    "see": "Vede prețurile",
    "use": "Vede și folosește",
    "edit": "Vede, folosește și modifică",
    # PriceTarget ("company", the company's default list, and "work_point" are above)
    "partner": "Partener",
    "partner_group": "Grup de parteneri",
    "pos": "Punct de vânzare",
    "team": "Echipa utilizatorului",
    # Stock: valuation, move kinds, stock documents ("delivery_note" is above)
    "cmp": "Cost mediu ponderat (CMP)",
    "fifo": "FIFO (primul intrat, primul ieșit)",
    "reception": "Recepție (NIR)",
    "sale": "Vânzare (factură)",
    "transfer": "Transfer",
    "adjustment": "Ajustare inventar",
    "return": "Retur",
    # AccountKind (funcția contabilă)
    "A": "Activ",
    "P": "Pasiv",
    "B": "Bifuncțional (A/P)",
    # PostingRole (the default accounts)
    "receivable": "Clienți",
    "doubtful": "Clienți incerți",
    "advance_received": "Avansuri de la clienți",
    "to_invoice": "Clienți - facturi de întocmit",
    "vat_collected": "TVA colectată",
    "vat_pending": "TVA neexigibilă",
    "revenue_goods": "Venituri din mărfuri",
    "revenue_product": "Venituri din produse finite",
    "revenue_service": "Venituri din servicii",
    "revenue_rent": "Venituri din chirii",
    "revenue_utility": "Venituri din utilități refacturate",
    "revenue_other": "Alte venituri (majorări pe document)",
    "discount_granted": "Reduceri comerciale acordate",
    "cost_goods": "Costul mărfurilor vândute",
    "stock_goods": "Stoc de mărfuri",
    "cost_product": "Costul produselor vândute",
    "stock_product": "Stoc de produse finite",
    "payable": "Furnizori",
    "vat_deductible": "TVA deductibilă",
    "vat_self_invoice": "TVA din autofacturare",
    # EntryKind ("invoice", "delivery_note" are above)
    "stock": "Stoc",
    "manual": "Notă manuală",
    "reclass": "Reclasificare",
    "reversal": "Stornare",
    # EfacturaState (and InvoiceEfacturaState's "not_sent"), UploadKind, AnafEnvironment
    "not_sent": "Netrimisă",
    "invalid": "Nevalidă (erori)",
    "validated": "Validată",
    "queued": "În așteptare",
    "uploading": "Se transmite",
    "uploaded": "Încărcată (ANAF prelucrează)",
    "ok": "Acceptată de ANAF",
    "nok": "Respinsă de ANAF",
    "rejected": "Refuzată la încărcare",
    "standard": "Standard (B2B)",
    "extern": "Client extern (extern=DA)",
    "self_billed": "Autofactură (autofactura=DA)",
    "b2c": "Persoană fizică (B2C)",
    "test": "Test",
    "prod": "Producție",
    # Role
    "admin": "Administrator",
    "accountant": "Contabil",
    "sales": "Vânzări",
    "cashier": "Casier",
    "viewer": "Doar vizualizare",
}

_SCHEMA_PATH = re.compile(r"/api/tables/([a-z_]+)/schema/?$")


def label(tablename: str, column: str) -> str | None:
    return LABELS.get(tablename, {}).get(column) or _COMMON.get(column)


def relabel(tablename: str, schema: dict[str, Any]) -> dict[str, Any]:
    for column, prop in schema.get("properties", {}).items():
        title = label(tablename, column)
        if title:
            prop["title"] = title
        choices = (prop.get("extra") or {}).get("choices") or {}
        for choice in choices.values():
            if isinstance(choice, dict) and choice.get("value") in CHOICES:
                choice["display_name"] = CHOICES[choice["value"]]
    return schema


class RomanianLabels:
    """ASGI wrapper of the admin that rewrites the table schema answers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        match = _SCHEMA_PATH.search(scope["path"]) if scope["type"] == "http" else None
        if match is None:
            await self.app(scope, receive, send)
            return
        tablename = match.group(1)
        start: Message = {}
        chunks: list[bytes] = []

        async def rewrite(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = b"".join(chunks)
            if start.get("status") == 200:
                body = json.dumps(relabel(tablename, json.loads(body))).encode()
            headers = [
                (k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"
            ]
            headers.append((b"content-length", str(len(body)).encode()))
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, rewrite)
