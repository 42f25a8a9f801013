"""The fixed values of RO e-Factura (CIUS-RO 1.0.1 over EN 16931, UBL 2.1 syntax).

Pure constants: what the generator writes and what the validator checks against. The
rule texts they come from are in ANAF's `RO16931-rules.sch` (rule set 1.0.9).
"""

from __future__ import annotations

CUSTOMIZATION_ID = "urn:cen.eu:en16931:2017#compliant#urn:efactura.mfinante.ro:CIUS-RO:1.0.1"
"""BT-24. BR-RO-001 compares it character for character (1.0.0 is refused)."""

RULES_VERSION = "1.0.9"
"""ANAF's validation artefacts the project checks against (valid since 05.06.2024)."""

NS_INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
NS_CREDIT_NOTE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
NS_CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
NS_CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"

INVOICE = "Invoice"
CREDIT_NOTE = "CreditNote"

# The invoice table's UNTDID 1001 code -> the code e-Factura accepts (BR-RO-020: Invoice
# 380, 384, 389, 751; CreditNote 381). An advance invoice (386) goes as a plain invoice
# (380, ANAF's guidance: 386 is not in the CIUS-RO list); the printed "factură de avans"
# becomes a note. A self-invoice (389) keeps 389. A credit note (381) is a CreditNote.
TYPE_CODES: dict[str, str] = {"380": "380", "381": "381", "386": "380", "389": "389"}
ADVANCE = "386"
CREDIT = "381"

B2C_ANONYMOUS_ID = "0000000000000"
"""BT-47 of an individual buyer without a CNP (ANAF: 13 zeros)."""

VAT_POINT_PAID = "432"
"""BT-8 (UNTDID 2005, BR-RO-040): VAT is due when paid — cash-VAT (TVA la încasare)."""

PAYMENT_CREDIT_TRANSFER = "30"
"""BT-81 (UNTDID 4461): credit transfer to the seller's account (BT-84, BR-61)."""

ALLOWANCE_DISCOUNT = "95"
"""BT-98 / BT-140 (UNTDID 5189): discount."""

NO_PERCENT = frozenset({"O"})
"""Categories that carry no VAT rate at all (BR-O-05: "not subject to VAT")."""

EXEMPTION_DEFAULTS: dict[str, tuple[str, str]] = {
    "E": ("", "Scutit de TVA"),
    "AE": ("VATEX-EU-AE", "Taxare inversă"),
    "K": ("VATEX-EU-IC", "Livrare intracomunitară scutită"),
    "G": ("VATEX-EU-G", "Export scutit"),
    "O": ("VATEX-EU-O", "Operațiune neimpozabilă"),
}
"""BT-121 / BT-120 when the article's VAT category names none: BR-E/AE/IC/G/O-10 want a
reason for every exempt group (the categories in the reference data all have one)."""

NO_EXEMPTION = frozenset({"S", "Z"})
"""Categories that must not carry an exemption reason (BR-S-10, BR-Z-10)."""

EMAIL_PATTERN = r"^[0-9a-zA-Z]([0-9a-zA-Z\.]*)[^\.\s@]@[^\.\s@]([0-9a-zA-Z\.]*)[0-9a-zA-Z]$"
"""ANAF's e-mail check (RO-EMAIL-REGEX): letters, digits and dots only around one @."""

# Lengths CIUS-RO allows (BR-RO-Lxxx); longer text is carried where it fits, never cut.
ITEM_NAME_MAX = 100  # BT-153
NOTE_MAX = 300  # BT-22, BT-127, BT-20
NOTES_MAX = 20  # BR-RO-A020
STREET_MAX = 150  # BT-35 / BT-50
ADDITIONAL_STREET_MAX = 100  # BT-36 / BT-51
