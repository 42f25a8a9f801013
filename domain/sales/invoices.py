"""Invoice operations: draft, lines, issue, cancel, storno, copy.

Issuing freezes the document: VAT rates by delivery date, the BNR rate, the parties'
data, the legal mentions, the totals; the number is taken last, in the same transaction.
After that nothing changes but the status (cancelled); corrections are new invoices.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from piccolo.table import Table

from domain.catalog.queries import rates_by_category
from domain.catalog.vat import rate_on
from domain.core.bulk import update_many
from domain.core.clock import today
from domain.core.effects import enqueue_after_commit
from domain.core.errors import Conflict, NotFound, ValidationFailed
from domain.core.money import input_decimal, q2, to_decimal
from domain.core.tx import for_update, for_update_sql, write_tx
from domain.efactura.status import efactura_blocks_cancel
from domain.inventory.ops import StockLine, stock_out, stock_revert
from domain.ledger.posting_ops import INVOICE, document_dims, invoice_post, source_reverse
from domain.org.permissions import Action, Actor, Area, require
from domain.payments.queries import invoice_collected
from domain.payments.term_ops import draft_payment_term, term_check
from domain.payments.terms import due_schedule, parse_term, schedule_json
from domain.sales.lines import (
    fx_for_invoice,
    prepare_lines,
    price_context,
    priced_lines,
    totals_with_discount,
)
from domain.sales.numbering import number_allocate, series_for
from domain.sales.progress import check_left
from domain.sales.rules import (
    LineCategory,
    Party,
    cancel_reason,
    check_regime,
    customer_snapshot,
    mentions,
)
from domain.sales.totals import LineIn, Totals
from tables.choices import DocStatus, DocType, EntryKind, InvoiceTypeCode, VatRegime
from tables.org import Company
from tables.partners import Partner
from tables.sales import Invoice, InvoiceLine, InvoiceVat

INVOICE_LINKS = ("source_line", "source_document_line", "value_only")
HEADER_FIELDS = (
    "vat_regime",
    "currency",
    "fx_rate",
    "fx_note",
    "issue_date",
    "delivery_date",
    "due_date",
    "payment_terms",
    "payment_term",
    "notes",
    "discount_percent",
    "stock_leaves",
    "work_point",
    "cost_centre",
    "department",
    "team",
    "person",
    "series",
)


@dataclass(frozen=True, slots=True)
class Issued:
    invoice_id: int
    number: str
    totals: Totals


def _not_found(invoice_id: int) -> NotFound:
    return NotFound(
        "INVOICE_NOT_FOUND",
        f"Factura nr. {invoice_id} nu există.",
        f"Invoice {invoice_id} not found.",
    )


async def _locked(invoice_id: int) -> dict[str, Any]:
    row = await for_update(
        Invoice.select(*Invoice._meta.columns).where(Invoice.id == invoice_id)
    ).first()
    if row is None:
        raise _not_found(invoice_id)
    return row


def _frozen(row: Mapping[str, Any]) -> Conflict:
    return Conflict(
        "INVOICE_FROZEN",
        f"Factura {row['full_number'] or row['id']} este emisă și nu se mai modifică. "
        "Corectarea se face prin stornare și o factură nouă.",
        "An issued invoice cannot be changed; issue a credit note.",
        details={"invoice_id": row["id"], "status": row["status"]},
    )


# ---------------------------------------------------------------------------- drafts


async def invoice_draft_create(
    *,
    company_id: int,
    partner_id: int,
    lines: Sequence[Mapping[str, Any]],
    by: Actor,
    header: Mapping[str, Any] | None = None,
    type_code: InvoiceTypeCode = InvoiceTypeCode.commercial,
    corrects: int | None = None,
) -> int:
    require(by, Area.sales, Action.write)
    values = _header(header or {})
    async with write_tx():
        if not await Partner.exists().where(Partner.id == partner_id):
            raise ValidationFailed(
                "PARTNER_INVALID", "Alegeți clientul facturii.", "Unknown partner.",
                field="partner",
            )  # fmt: skip
        if type_code != InvoiceTypeCode.credit_note:  # a credit note owes on its issue date
            values["payment_term"] = await draft_payment_term(
                company_id=company_id, partner_id=partner_id, chosen=values.get("payment_term")
            )
        priced = await priced_lines(lines, price_context(values, partner_id), by=by)
        prepared = await prepare_lines(priced, INVOICE_LINKS)
        if "vat_regime" not in values:
            values["vat_regime"] = await _default_regime(company_id)
        invoice = Invoice(
            company=company_id, partner=partner_id, type_code=type_code, corrects=corrects,
            **values,
        )  # fmt: skip
        await invoice.save()
        await InvoiceLine.insert(*(InvoiceLine(invoice=invoice.id, **x) for x in prepared))
    return invoice.id


async def invoice_draft_update(
    *,
    invoice_id: int,
    by: Actor,
    header: Mapping[str, Any] | None = None,
    lines: Sequence[Mapping[str, Any]] | None = None,
    partner_id: int | None = None,
) -> None:
    """Change a draft's header fields and/or replace all its lines."""
    require(by, Area.sales, Action.write)
    async with write_tx():
        row = await _locked(invoice_id)
        if row["status"] != DocStatus.draft:
            raise _frozen(row)
        changes: dict[Any, Any] = {getattr(Invoice, k): v for k, v in _header(header or {}).items()}
        if changes.get(Invoice.payment_term) is not None:
            await term_check(company_id=row["company"], term_id=changes[Invoice.payment_term])
        if partner_id is not None:
            changes[Invoice.partner] = partner_id
        if changes:
            await Invoice.update(changes).where(Invoice.id == invoice_id)
        if lines is not None:
            merged = {**row, **_header(header or {})}
            context = price_context(merged, partner_id or row["partner"])
            prepared = await prepare_lines(await priced_lines(lines, context, by=by), INVOICE_LINKS)
            await InvoiceLine.delete().where(InvoiceLine.invoice == invoice_id)
            await InvoiceLine.insert(*(InvoiceLine(invoice=invoice_id, **x) for x in prepared))


def _header(values: Mapping[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(values) - set(HEADER_FIELDS))
    if unknown:
        raise ValidationFailed(
            "INVOICE_FIELD_UNKNOWN",
            f"Câmpuri necunoscute pe factură: {', '.join(unknown)}.",
            f"Unknown invoice fields: {', '.join(unknown)}.",
        )
    out = dict(values)
    if "vat_regime" in out:
        try:
            out["vat_regime"] = VatRegime(out["vat_regime"])
        except ValueError:
            raise ValidationFailed(
                "VAT_REGIME_INVALID", f"Regimul de TVA «{out['vat_regime']}» nu există.",
                "Unknown VAT regime.", field="vat_regime",
            ) from None  # fmt: skip
    if "currency" in out:
        out["currency"] = str(out["currency"]).upper()
    if out.get("fx_rate") is not None:
        out["fx_rate"] = input_decimal(out["fx_rate"], "fx_rate", limit=Decimal(10) ** 6)
        if out["fx_rate"] <= 0 or not (out.get("fx_note") or "").strip():
            raise ValidationFailed(
                "FX_RATE_OVERRIDE_INVALID",
                "Un curs ales de mână trebuie să fie pozitiv și să aibă motivul completat.",
                "A manual exchange rate must be positive and give its reason.",
                field="fx_rate",
            )
    discount = input_decimal(out.get("discount_percent") or 0, "discount_percent")
    if not Decimal(0) <= discount < Decimal(100):
        raise ValidationFailed(
            "DISCOUNT_PERCENT_INVALID", "Discountul pe document este între 0 și 100 %.",
            "The document discount must be between 0 and 100 %.", field="discount_percent",
        )  # fmt: skip
    if "discount_percent" in out:
        out["discount_percent"] = discount
    return out


async def _default_regime(company_id: int) -> VatRegime:
    company = (
        await Company.select(Company.vat_payer, Company.cash_vat)
        .where(Company.id == company_id)
        .first()
    )
    if company is None:
        raise ValidationFailed("COMPANY_INVALID", "Firma nu există.", "Unknown company.")
    if not company["vat_payer"]:
        return VatRegime.not_registered
    return VatRegime.cash_vat if company["cash_vat"] else VatRegime.normal


# ---------------------------------------------------------------------------- issue


def _party(row: Mapping[str, Any]) -> Party:
    return Party(
        country=row["country"],
        vat_payer=bool(row["vat_payer"]),
        cash_vat=bool(row.get("cash_vat")),
        cui=row.get("cui"),
        foreign_vat_id=row.get("foreign_vat_id"),
    )


def _supplier_snapshot(company: Mapping[str, Any], banks: list[dict[str, Any]]) -> dict[str, Any]:
    keys = ("name", "cui", "reg_com", "country", "county", "sector", "city", "street",
            "postal_code", "email", "phone", "vat_payer", "cash_vat")  # fmt: skip
    snapshot = {k: company[k] for k in keys}
    snapshot["vat_code"] = f"RO{company['cui']}" if company["vat_payer"] else ""
    snapshot["capital"] = str(q2(company["capital"]))
    snapshot["bank_accounts"] = banks
    return snapshot


def _prefixed(alias: str, table: type[Table], prefix: str) -> str:
    return ", ".join(
        f'{alias}."{c._meta.db_column_name}" AS "{prefix}__{c._meta.db_column_name}"'
        for c in table._meta.columns
    )


# The draft (locked), its company, its customer and the company's bank accounts, default
# first: one row per bank account (one with no bank if there is none). The lock is taken
# in the subquery, so that after waiting for a concurrent writer (e.g. a draft update that
# changed the customer) the joins are made with the row as it now is.
_ISSUE_HEADER_SELECT = (
    f"SELECT f.*, {_prefixed('c', Company, 'company')}, {_prefixed('p', Partner, 'partner')}, "
    'b.iban AS "bank__iban", b.bank_name AS "bank__bank_name", '
    'b.currency AS "bank__currency", t.instalments AS "term__instalments" '
    "FROM (SELECT * FROM factura WHERE id = {}"
)
_ISSUE_HEADER_JOINS = (
    ") AS f JOIN firma c ON c.id = f.company JOIN partener p ON p.id = f.partner "
    "LEFT JOIN termen_plata t ON t.id = f.payment_term "
    "LEFT JOIN cont_bancar_firma b ON b.company = f.company ORDER BY b.is_default DESC, b.id"
)


async def _issue_header(
    invoice_id: int,
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any], list[dict[str, Any]]]:
    """The draft, its company, its customer and the company's bank accounts: one
    statement on the hot path instead of four (docs/benchmarks.md)."""
    rows = await Invoice.raw(
        _ISSUE_HEADER_SELECT + for_update_sql() + _ISSUE_HEADER_JOINS, invoice_id
    )
    if not rows:
        raise _not_found(invoice_id)
    parts: dict[str, dict[str, Any]] = {
        "": {}, "company": {}, "partner": {}, "bank": {}, "term": {}
    }  # fmt: skip
    for key, value in rows[0].items():
        prefix, _, name = key.rpartition("__")
        parts[prefix][name] = value
    banks = [
        {k: r[f"bank__{k}"] for k in ("iban", "bank_name", "currency")}
        for r in rows
        if r["bank__iban"] is not None
    ]
    # The payment term's instalments travel with the draft (its schedule is set at issue).
    parts[""]["term_instalments"] = parts["term"]["instalments"]
    return parts[""], parts["company"], parts["partner"], banks


_ISSUE_LINES_SQL = """
SELECT l.*, c.code AS category_code, c.untdid AS category_untdid,
       c.exemption_text AS exemption_text,
       s.vat_code AS source_vat_code, s.vat_rate AS source_vat_rate,
       a.kind AS article_kind, si.type_code AS source_type_code, d.doc_type AS source_doc_type
FROM linie_factura l
JOIN categorie_tva c ON c.id = l.vat_category
LEFT JOIN articol a ON a.id = l.article
LEFT JOIN linie_factura s ON s.id = l.source_line
LEFT JOIN factura si ON si.id = s.invoice
LEFT JOIN linie_document dl ON dl.id = l.source_document_line
LEFT JOIN document_vanzare d ON d.id = dl.document
WHERE l.invoice = {}
ORDER BY l.position
"""


def _stock_lines(lines: Sequence[Mapping[str, Any]]) -> list[StockLine]:
    """The lines whose goods leave with the invoice: not value corrections, not goods
    already gone on a delivery note; a storno line brings back what its line took."""
    return [
        StockLine(x["article"], to_decimal(x["quantity"]), x["id"], x["article_kind"],
                  returns_of=x["source_line"])
        for x in lines
        if x["article"] is not None and not x["value_only"]
        and x["source_doc_type"] != DocType.delivery_note
    ]  # fmt: skip


async def invoice_issue(*, invoice_id: int, by: Actor) -> Issued:
    """Freeze the draft and give it its number (the last statement before commit)."""
    require(by, Area.sales, Action.write)
    async with write_tx():
        # Hand-written reads on the hot path: Piccolo spends milliseconds building wide
        # SELECTs in Python (docs/benchmarks.md); the SQL is plain and the same on both.
        row, company, partner, banks = await _issue_header(invoice_id)
        if row["status"] != DocStatus.draft:
            raise _frozen(row)
        lines = await InvoiceLine.raw(_ISSUE_LINES_SQL, invoice_id)
        if not lines:
            raise ValidationFailed(
                "DOCUMENT_EMPTY", "Factura nu are linii.", "The invoice has no lines.",
                field="lines",
            )  # fmt: skip
        issue_date = row["issue_date"] or today()
        delivery_date = row["delivery_date"] or issue_date
        # Lines taken from orders/avize: still that much left to invoice (under lock).
        await check_left(
            DocType.invoice, [(x["source_document_line"], x) for x in lines], row["partner"]
        )
        await _check_corrections(row, lines)
        rates = await rates_by_category({x["vat_category"] for x in lines})
        priced: list[LineIn] = []
        categories: list[LineCategory] = []
        for line in lines:
            if line["source_line"] is not None:
                # A storno or deduction keeps the rate of the line it corrects (art. 330).
                code, rate = line["source_vat_code"], to_decimal(line["source_vat_rate"])
            else:
                code = line["category_untdid"]
                rate = rate_on(line["category_code"], delivery_date, rates[line["vat_category"]])
            priced.append(
                LineIn(to_decimal(line["quantity"]), to_decimal(line["unit_price"]), code, rate,
                       to_decimal(line["discount"]))
            )  # fmt: skip
            categories.append(LineCategory(code, line["exemption_text"]))
        regime = VatRegime(row["vat_regime"])
        check_regime(regime, issuer=_party(company), customer=_party(partner), lines=categories)
        fx_rate, fx_date = await fx_for_invoice(
            row["currency"], issue_date, row["fx_rate"], row["fx_date"]
        )
        totals = totals_with_discount(priced, row["discount_percent"], fx_rate)
        schedule = due_schedule(
            payable=totals.payable, issue_date=issue_date, due_date=row["due_date"],
            term=parse_term(row["term_instalments"]) if row["term_instalments"] else None,
        )  # fmt: skip
        await update_many(InvoiceLine, {
            line["id"]: {"vat_code": total.vat_code, "vat_rate": total.vat_rate,
                         "net": total.net}
            for line, total in zip(lines, totals.lines, strict=True)
        })  # fmt: skip
        # Plain SQL: Piccolo's insert of two rows costs ~0.15 ms of Python (table objects,
        # value conversion); these are numbers and a code, bound as they are.
        await InvoiceVat.raw(
            "INSERT INTO tva_factura (invoice, vat_code, vat_rate, base, vat, base_ron, "
            "vat_ron) VALUES " + ", ".join("({}, {}, {}, {}, {}, {}, {})" for _ in totals.groups),
            *(x for g in totals.groups
              for x in (invoice_id, g.vat_code, g.vat_rate, g.base, g.vat, g.base_ron, g.vat_ron)),
        )  # fmt: skip
        series_id = await series_for(
            company_id=row["company"], doc_type=DocType.invoice,
            work_point_id=row["work_point"], series_id=row["series"],
        )  # fmt: skip
        header = {
            Invoice.status: DocStatus.issued,
            Invoice.issue_date: issue_date,
            Invoice.delivery_date: delivery_date,
            Invoice.due_date: schedule[-1].due,
            Invoice.due_schedule: schedule_json(schedule),
            Invoice.fx_rate: fx_rate,
            Invoice.fx_date: fx_date,
            Invoice.supplier_snapshot: _supplier_snapshot(company, banks),
            Invoice.customer_snapshot: customer_snapshot(partner),
            Invoice.mentions: mentions(
                regime, categories, self_billed=row["type_code"] == InvoiceTypeCode.self_billed
            ),
            Invoice.line_net_total: totals.line_net_total,
            Invoice.allowance_total: totals.allowance_total,
            Invoice.charge_total: totals.charge_total,
            Invoice.tax_exclusive: totals.tax_exclusive,
            Invoice.vat_total: totals.vat_total,
            Invoice.vat_total_ron: totals.vat_total_ron,
            Invoice.tax_inclusive: totals.tax_inclusive,
            Invoice.prepaid: totals.prepaid,
            Invoice.payable: totals.payable,
            Invoice.issued_at: datetime.now(UTC),
            Invoice.issued_by: by.name,
        }
        # Way 8: the invoice ships the goods itself (not those already gone on an aviz).
        costs = await stock_out(
            company_id=row["company"], work_point_id=row["work_point"], day=delivery_date,
            lines=_stock_lines(lines), source_type=INVOICE, source_id=invoice_id,
            dims=document_dims(row),
        ) if row["stock_leaves"] else []  # fmt: skip
        await invoice_post(row, lines, totals, fx_rate, issue_date, by=by, costs=costs)
        # Last: the number, then the one write that records it with everything else.
        # Whatever could fail has been checked; a failure still rolls the number back.
        number, full_number = await number_allocate(series_id)
        header |= {Invoice.series: series_id, Invoice.number: number,
                   Invoice.full_number: full_number}  # fmt: skip
        await Invoice.update(header).where(Invoice.id == invoice_id)
        enqueue_after_commit("render_invoice", invoice_id=invoice_id)
    return Issued(invoice_id, full_number, totals)


# ---------------------------------------------------------------------------- corrections


async def invoice_cancel(*, invoice_id: int, reason: str, by: Actor) -> None:
    """Cancel an issued invoice that never reached the customer or ANAF (it keeps its
    number, marked ANULAT, and is reported in D394 as cancelled)."""
    require(by, Area.sales, Action.write)
    reason = cancel_reason(reason)
    async with write_tx():
        row = await _locked(invoice_id)
        if row["status"] != DocStatus.issued:
            raise Conflict(
                "INVOICE_NOT_ISSUED",
                "Se pot anula doar facturile emise (o ciornă se șterge).",
                "Only an issued invoice can be cancelled.",
            )
        if why := await efactura_blocks_cancel(invoice_id):
            raise Conflict("INVOICE_SENT_TO_ANAF", why, "The invoice reached ANAF: credit it.")
        if await Invoice.exists().where(Invoice.corrects == invoice_id):
            raise Conflict(
                "INVOICE_HAS_CORRECTIONS",
                "Factura a fost deja stornată; nu mai poate fi anulată.",
                "The invoice has credit notes; it cannot be cancelled.",
            )
        if await invoice_collected(invoice_id):
            raise Conflict(
                "INVOICE_HAS_RECEIPTS",
                "Factura are încasări alocate; anulați întâi alocările (Încasări) sau stornați-o.",
                "The invoice has receipts allocated to it; undo them first or credit it.",
            )
        await Invoice.update(
            {Invoice.status: DocStatus.cancelled, Invoice.cancelled_at: datetime.now(UTC),
             Invoice.cancel_reason: reason}
        ).where(Invoice.id == invoice_id)  # fmt: skip
        # The books and the stock as if it had never been issued, in the invoice's month
        # (the storno of its entry takes back its cost lines too).
        await stock_revert(company_id=row["company"], source_type=INVOICE,
                           source_id=invoice_id, day=row["issue_date"])  # fmt: skip
        await source_reverse(source_type=INVOICE, source_id=invoice_id,
                             kind=EntryKind.invoice, day=row["issue_date"], by=by)  # fmt: skip
        enqueue_after_commit("render_invoice", invoice_id=invoice_id)  # stamped ANULAT


async def invoice_storno(
    *,
    invoice_id: int,
    by: Actor,
    returns: Mapping[int, Decimal] | None = None,
    issue_date: date | None = None,
) -> Issued:
    """Issue a credit note for the whole invoice, or for `returns` {line id: quantity}.

    What was already credited is taken off: a line can never be credited twice.
    """
    require(by, Area.sales, Action.write)
    async with write_tx():
        row = await _locked(invoice_id)
        if row["status"] != DocStatus.issued or row["type_code"] == InvoiceTypeCode.credit_note:
            raise Conflict(
                "INVOICE_NOT_STORNABLE",
                "Se stornează doar o factură emisă (nu o ciornă, o factură anulată sau o "
                "stornare).",
                "Only an issued, non-credit-note invoice can be credited.",
            )
        lines = (
            await InvoiceLine.select(*InvoiceLine._meta.columns)
            .where(InvoiceLine.invoice == invoice_id)
            .order_by(InvoiceLine.position)
        )
        credited = await _credited_quantities([x["id"] for x in lines])
        wanted = returns or {x["id"]: to_decimal(x["quantity"]) for x in lines}
        by_id = {x["id"]: x for x in lines}
        new_lines = []
        for line_id, quantity in wanted.items():
            line = by_id.get(int(line_id))
            if line is None:
                raise ValidationFailed(
                    "STORNO_LINE_INVALID", f"Linia {line_id} nu este pe factura stornată.",
                    "The line is not on the invoice.", field="returns",
                )  # fmt: skip
            left = to_decimal(line["quantity"]) - credited.get(line["id"], Decimal(0))
            quantity = input_decimal(quantity, "returns")
            if quantity <= 0 or quantity > left:
                raise ValidationFailed(
                    "STORNO_QUANTITY_INVALID",
                    f"Linia «{line['description']}»: se pot storna cel mult {left} "
                    f"(cerut: {quantity}).",
                    f"At most {left} can be credited on this line.", field="returns",
                )  # fmt: skip
            share = quantity / to_decimal(line["quantity"])
            new_lines.append(
                {"article": line["article"], "description": line["description"],
                 "quantity": -quantity, "uom_code": line["uom_code"],
                 "unit_price": to_decimal(line["unit_price"]),
                 "discount": -q2(to_decimal(line["discount"]) * share),
                 "vat_category": line["vat_category"], "source_line": line["id"]}
            )  # fmt: skip
        header = {k: row[k] for k in HEADER_FIELDS
                  if k not in {"series", "fx_rate", "fx_note", "payment_term"}}  # fmt: skip
        header |= {"issue_date": issue_date, "delivery_date": row["delivery_date"],
                   "due_date": None, "series": row["series"]}  # fmt: skip
        if row["currency"] != "RON":
            # The credit note reverses at the original rate, so the RON figures mirror it.
            header |= {
                "fx_rate": row["fx_rate"],
                "fx_note": f"cursul facturii {row['full_number']}",
            }
        storno_id = await invoice_draft_create(
            company_id=row["company"], partner_id=row["partner"], lines=new_lines, by=by,
            header=header, type_code=InvoiceTypeCode.credit_note, corrects=invoice_id,
        )  # fmt: skip
        await Invoice.update({Invoice.fx_date: row["fx_date"]}).where(Invoice.id == storno_id)
        return await invoice_issue(invoice_id=storno_id, by=by)


async def _check_corrections(invoice: Mapping[str, Any], lines: list[dict[str, Any]]) -> None:
    """Storno, return and advance-deduction lines correct an issued invoice of the same
    customer, with the opposite sign, never more than is left of the corrected line."""
    corrections = [x for x in lines if x["source_line"] is not None and not x["value_only"]]
    if not corrections:
        return
    ids = sorted({x["source_line"] for x in corrections})
    sources = {
        r["id"]: r
        for r in await InvoiceLine.select(
            InvoiceLine.id, InvoiceLine.quantity, InvoiceLine.description,
            InvoiceLine.invoice.partner.as_alias("partner"),
            InvoiceLine.invoice.status.as_alias("status"),
        ).where(InvoiceLine.id.is_in(ids))
    }  # fmt: skip
    credited = await _credited_quantities(ids)
    for line in corrections:
        source = sources.get(line["source_line"])
        if (
            source is None
            or source["partner"] != invoice["partner"]
            or source["status"] != DocStatus.issued
        ):
            raise Conflict(
                "CORRECTION_SOURCE_INVALID",
                f"Linia «{line['description']}» corectează o linie care nu este pe o factură "
                "emisă a aceluiași client.",
                "A correction must refer to an issued invoice of the same customer.",
            )
        quantity = to_decimal(line["quantity"])
        left = to_decimal(source["quantity"]) - credited.get(source["id"], Decimal(0))
        if quantity >= 0 or -quantity > left:
            raise Conflict(
                "CORRECTION_QUANTITY_INVALID",
                f"«{source['description']}»: se pot corecta cel mult {left} (negativ), "
                f"nu {quantity}.",
                f"At most -{left} can be corrected on this line.",
            )


async def _credited_quantities(line_ids: list[int]) -> dict[int, Decimal]:
    """Quantities already credited per original line, by issued credit notes."""
    out: dict[int, Decimal] = {}
    if not line_ids:
        return out
    for r in await InvoiceLine.select(InvoiceLine.source_line, InvoiceLine.quantity).where(
        InvoiceLine.source_line.is_in(line_ids)
        & (InvoiceLine.invoice.status == DocStatus.issued)
        & (InvoiceLine.value_only == False)  # noqa: E712 - a later discount returns nothing
    ):
        out[r["source_line"]] = out.get(r["source_line"], Decimal(0)) - to_decimal(r["quantity"])
    return out


async def invoice_copy(*, invoice_id: int, by: Actor) -> int:
    """A new draft with the same customer, header and lines (not linked to the original)."""
    require(by, Area.sales, Action.write)
    row = await Invoice.select(*Invoice._meta.columns).where(Invoice.id == invoice_id).first()
    if row is None:
        raise _not_found(invoice_id)
    lines = (
        await InvoiceLine.select(*InvoiceLine._meta.columns)
        .where(InvoiceLine.invoice == invoice_id)
        .order_by(InvoiceLine.position)
    )
    keep = (
        "vat_regime", "currency", "payment_terms", "notes", "discount_percent",
        "stock_leaves", "work_point", "cost_centre", "department", "team", "person",
    )  # fmt: skip
    header = {k: row[k] for k in keep}
    copied = [
        {k: x[k] for k in ("article", "description", "quantity", "uom_code", "unit_price",
                           "discount", "vat_category", "price_list")}
        for x in lines
    ]  # fmt: skip
    return await invoice_draft_create(
        company_id=row["company"], partner_id=row["partner"], lines=copied, by=by, header=header
    )


async def invoice_discount_later(
    *, invoice_ids: Sequence[int], percent: Decimal, by: Actor, issue_date: date | None = None
) -> Issued:
    """A later discount (rabat ulterior) of `percent` on earlier invoices of one customer:
    one negative line per invoiced line, at that line's own VAT rate (Cod fiscal art. 287
    lit. d): the base and the VAT are reduced as they were charged."""
    require(by, Area.sales, Action.write)
    percent = input_decimal(percent, "percent")
    if not Decimal(0) < percent <= Decimal(100):
        raise ValidationFailed(
            "DISCOUNT_PERCENT_INVALID", "Rabatul este un procent între 0 și 100.",
            "The discount is a percentage between 0 and 100.", field="percent",
        )  # fmt: skip
    invoices = await Invoice.select(
        Invoice.id, Invoice.company, Invoice.partner, Invoice.status, Invoice.type_code,
        Invoice.full_number, Invoice.currency, Invoice.vat_regime,
    ).where(Invoice.id.is_in(list(invoice_ids) or [0]))  # fmt: skip
    if len(invoices) != len(set(invoice_ids)) or not invoices:
        raise NotFound("INVOICE_NOT_FOUND", "Una dintre facturi nu există.", "Not found.")
    if len({(x["partner"], x["currency"], x["vat_regime"]) for x in invoices}) > 1 or any(
        x["status"] != DocStatus.issued or x["type_code"] == InvoiceTypeCode.credit_note
        for x in invoices
    ):
        raise Conflict(
            "DISCOUNT_INVOICES_INVALID",
            "Rabatul se acordă pe facturi emise ale aceluiași client, în aceeași monedă.",
            "A later discount covers issued invoices of one customer and currency.",
        )
    numbers = {x["id"]: x["full_number"] for x in invoices}
    lines = []
    for line in await InvoiceLine.select(
        InvoiceLine.id, InvoiceLine.invoice, InvoiceLine.net, InvoiceLine.vat_category,
        InvoiceLine.description,
    ).where(
        InvoiceLine.invoice.is_in(list(numbers)) & (InvoiceLine.source_line.is_null())
    ).order_by(InvoiceLine.invoice).order_by(InvoiceLine.position):  # fmt: skip
        amount = q2(to_decimal(line["net"]) * percent / 100)
        if amount > 0:
            lines.append(
                {"description": f"Rabat {percent} % – {line['description']} "
                                f"(factura {numbers[line['invoice']]})",
                 "quantity": Decimal(-1), "unit_price": amount, "uom_code": "C62",
                 "vat_category": line["vat_category"], "source_line": line["id"],
                 "value_only": True}
            )  # fmt: skip
    first = invoices[0]
    draft = await invoice_draft_create(
        company_id=first["company"], partner_id=first["partner"], lines=lines, by=by,
        header={"currency": first["currency"], "vat_regime": first["vat_regime"],
                "issue_date": issue_date},
    )  # fmt: skip
    return await invoice_issue(invoice_id=draft, by=by)
