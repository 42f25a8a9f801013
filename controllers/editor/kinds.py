"""What the editor edits: invoices and the other sales documents, each with its words and
the header fields that matter for it.

One page, one script: the differences between an invoice and an aviz are data (the API the
page saves through, the Romanian words of its messages, the header fields) handed to the
page, never a second copy of the grid.
"""

from __future__ import annotations

from dataclasses import dataclass

from tables.choices import DocStatus, DocType


@dataclass(frozen=True, slots=True)
class Field:
    """A header field of the page. `kind`: date, text, textarea, decimal or select;
    `options`: the reference list that fills a select (currencies, regimes, work_points);
    `empty`: the label of the select's blank option (none = no blank option), offered
    only until the first save when `empty_once` (the server then fills the value in);
    `totals`: a change recomputes the live totals; `title`: a tooltip."""

    name: str
    label: str
    kind: str = "text"
    options: str = ""
    empty: str | None = None
    empty_once: bool = False
    hint: str = ""
    totals: bool = False
    size: str = ""
    max_length: int | None = None
    title: str = ""


@dataclass(frozen=True, slots=True)
class Kind:
    """A document type as the editor shows it. `noun` ("Comandă"), `the` ("comanda",
    with the article), `of` ("comenzii", genitive), `new` ("Comandă nouă"), `feminine`
    (emisă / emis), `grand` (the label of the total)."""

    key: str
    noun: str
    the: str
    of: str
    new: str
    feminine: bool
    grand: str
    fields: tuple[Field, ...]
    api: str = "/api/documents"
    page: str = "/editor/documents"
    fx: bool = False  # the page shows the BNR rate and the VAT in lei (invoices keep both)
    partner_fixed: bool = True  # /api/documents cannot change a saved draft's partner

    @property
    def issued(self) -> str:
        return "emisă" if self.feminine else "emis"

    def status_ro(self, status: str) -> str:
        ending = "ă" if self.feminine else ""
        return {
            DocStatus.draft: "Ciornă",
            DocStatus.issued: f"Emis{ending}",
            DocStatus.cancelled: f"Anulat{ending}",
        }.get(DocStatus(status), status)

    def page_data(self) -> dict[str, object]:
        """What the script needs of the kind (its words and where it saves)."""
        return {
            "key": self.key, "noun": self.noun, "the": self.the, "of": self.of,
            "new": self.new, "issued": self.issued, "grand": self.grand, "api": self.api,
            "page": self.page, "fx": self.fx, "partner_fixed": self.partner_fixed,
            "doc_type": None if self.key == "invoice" else self.key,
        }  # fmt: skip


DELIVERY_HINT = "Cota TVA se aplică după această dată."

ISSUE_DATE = Field("issue_date", "Data emiterii", "date")
DELIVERY_DATE = Field("delivery_date", "Data livrării", "date", hint=DELIVERY_HINT, totals=True)
CURRENCY = Field("currency", "Moneda", "select", options="currencies", totals=True, size="narrow")
WORK_POINT = Field("work_point", "Punct de lucru", "select", options="work_points", empty="—")
VALID_UNTIL = Field("valid_until", "Valabilă până la", "date")


def _notes(label: str = "Observații") -> Field:
    return Field("notes", label, "textarea", size="notes-field")


INVOICE = Kind(
    key="invoice", noun="Factură", the="factura", of="facturii", new="Factură nouă",
    feminine=True, grand="Total de plată", api="/api/invoices", page="/editor/invoices",
    fx=True, partner_fixed=False,
    fields=(
        ISSUE_DATE,
        DELIVERY_DATE,
        Field("due_date", "Scadența", "date"),
        # Blank on a new draft: the client's default term; later: none (the due date).
        Field("payment_term", "Termen de plată", "select", options="payment_terms",
              empty="— (al clientului, dacă are)"),
        Field("currency", "Moneda", "select", options="currencies", totals=True,
              size="narrow"),
        Field("vat_regime", "Regim TVA", "select", options="regimes",
              empty="după firmă (implicit)", empty_once=True),
        Field("discount_percent", "Discount %", "decimal", totals=True, size="narrow",
              title="Discount pe toată factura, în procente"),
        _notes(),
    ),
)  # fmt: skip

DOCUMENT_KINDS: dict[DocType, Kind] = {
    DocType.offer: Kind(
        key="offer", noun="Ofertă", the="oferta", of="ofertei", new="Ofertă nouă",
        feminine=True, grand="Total ofertă",
        fields=(Field("issue_date", "Data ofertei", "date"), VALID_UNTIL, DELIVERY_DATE,
                CURRENCY, WORK_POINT, _notes("Texte pentru client")),
    ),
    DocType.proforma: Kind(
        key="proforma", noun="Proformă", the="proforma", of="proformei", new="Proformă nouă",
        feminine=True, grand="Total de plată",
        fields=(ISSUE_DATE, VALID_UNTIL, DELIVERY_DATE, CURRENCY, WORK_POINT, _notes()),
    ),
    DocType.order: Kind(
        key="order", noun="Comandă", the="comanda", of="comenzii", new="Comandă nouă",
        feminine=True, grand="Total comandă",
        fields=(Field("issue_date", "Data comenzii", "date"), DELIVERY_DATE, CURRENCY,
                WORK_POINT, _notes()),
    ),
    DocType.delivery_note: Kind(
        key="delivery_note", noun="Aviz", the="avizul", of="avizului", new="Aviz nou",
        feminine=False, grand="Total aviz",
        fields=(Field("issue_date", "Data avizului", "date"),
                Field("delivery_date", "Data expedierii", "date", hint=DELIVERY_HINT,
                      totals=True),
                Field("delegate", "Delegat (nume, act de identitate)", max_length=200,
                      size="wide"),
                Field("vehicle", "Mijloc de transport", max_length=40),
                CURRENCY, WORK_POINT, _notes()),
    ),
    # Shown read-only (made from an issued invoice, with serial numbers the grid lacks).
    DocType.warranty: Kind(
        key="warranty", noun="Certificat de garanție", the="certificatul de garanție",
        of="certificatului de garanție", new="Certificat de garanție nou", feminine=False,
        grand="Total", fields=(),
    ),
}  # fmt: skip

EDITABLE = (DocType.offer, DocType.proforma, DocType.order, DocType.delivery_note)
"""The document types the editor creates and edits, in the chooser's order."""

CONVERT_LABELS = {
    DocType.invoice: "Facturează",
    DocType.delivery_note: "Generează aviz",
    DocType.order: "Generează comandă",
    DocType.proforma: "Generează proformă",
}
