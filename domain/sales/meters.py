"""Way 22: utilities re-invoiced by consumption, from meter readings.

A meter (contor) is a metering point re-invoiced to one client: a utility article (its
VAT category gives the rate: water 11 %, electricity and gas 21 %) and a multiplier.
Readings are dated indexes that never go down, except at a reset (the meter was replaced
or turned over): that reading starts a new series, and the old meter's final index, when
known, closes the previous one.

Each reading carries the consumption since the reading before it (its "segment"); the
first reading of a meter carries none. A reading is billed when its invoice line is on an
issued invoice and has not been credited in full (a storno or a cancellation frees it),
so an invoice bills its readings' segments and nothing is billed twice, whatever order
invoices and stornos come in.

Readings are tied to an invoice only when it is issued, without a hook in invoice_issue:
the draft reserves them (`draft_invoice`, `draft_line`, both set to NULL by the database
when the draft or its line is deleted), every read here derives the state from the
invoice's status, and every write here first records that state (`_settle`: the line
goes into `invoice_line` once the invoice has left the draft state).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from domain.core.bulk import update_many
from domain.core.clock import today
from domain.core.errors import Conflict, NotFound, ValidationFailed
from domain.core.money import input_decimal, to_decimal
from domain.core.tx import for_update, is_unique_violation, write_tx
from domain.org.permissions import Action, Actor, Area, require
from domain.sales.invoices import invoice_draft_create
from tables.catalog import Article
from tables.choices import ArticleKind, DocStatus
from tables.meters import Meter, MeterReading
from tables.org import Company
from tables.partners import Partner
from tables.sales import InvoiceLine

THOUSANDTH = Decimal("0.001")
METER_FIELDS = ("company", "partner", "article", "serial", "location", "multiplier", "active")
READING_FIELDS = ("meter", "day", "index", "reset", "previous_index", "note")


def q3(value: object) -> Decimal:
    return to_decimal(value).quantize(THOUSANDTH)


def fmt3(value: Decimal) -> str:
    """12.345,500: the Romanian way, three decimals as the index is read."""
    return f"{value:,.3f}".replace(",", " ").replace(".", ",").replace(" ", ".")


# ----------------------------------------------------------------------------- pure


@dataclass(frozen=True, slots=True)
class Reading:
    id: int
    meter: int
    day: date
    index: Decimal
    reset: bool
    previous_index: Decimal | None
    note: str
    created_by: str
    draft: int | None  # the draft invoice that reserves it (while it is a draft)
    line: int | None  # the invoice line that billed it (last one, perhaps credited since)
    billed: bool  # that line is on an issued invoice and not credited in full
    invoice: int | None
    invoice_number: str
    stale: bool = False  # its draft has been issued: the link is to be recorded (_settle)

    @property
    def state(self) -> str:
        return "billed" if self.billed else "draft" if self.draft else "open"

    @property
    def locked(self) -> bool:
        """Billed or on a draft: its segment must not change."""
        return self.billed or self.draft is not None


def segment(reading: Reading, before: Reading | None) -> Decimal:
    """The index units consumed since the reading `before` it."""
    if before is None:
        return Decimal(0)  # the start of the meter
    if reading.reset:  # a new meter: what the old one counted until it left, if known
        end = reading.previous_index
        return Decimal(0) if end is None else end - before.index
    return reading.index - before.index


def billable(readings: Sequence[Reading], until: date) -> list[Reading]:
    """The readings (by day) whose segments are not billed, up to `until`."""
    return [r for r in readings if not r.billed and r.day <= until]


def consumption(readings: Sequence[Reading], chosen: Iterable[Reading]) -> Decimal:
    """Index units consumed over the segments of `chosen` (readings of one meter, by day)."""
    before = {r.id: p for p, r in zip([None, *readings], readings, strict=False)}
    return sum((segment(r, before[r.id]) for r in chosen), Decimal(0))


def describe(
    name: str, serial: str, multiplier: Decimal, readings: Sequence[Reading],
    chosen: Sequence[Reading],
) -> str:  # fmt: skip
    """«Apă: index vechi 123,000 → index nou 150,500 (contor SN)»; a replaced meter or a
    gap (a stretch billed earlier) shows each stretch of indexes."""
    ids = {r.id for r in chosen}
    stretches: list[list[Decimal]] = []  # [old, new]
    joined = False  # the last stretch ends at the reading just before this one
    before: Reading | None = None
    for reading in readings:
        if reading.id not in ids:
            joined, before = False, reading
            continue
        if before is None:  # the meter's first reading: where it starts
            pieces = [(reading.index, reading.index)]
        elif reading.reset:  # the old meter until it left, then the new one from its start
            end = before.index if reading.previous_index is None else reading.previous_index
            pieces = [(before.index, end), (reading.index, reading.index)]
        else:
            pieces = [(before.index, reading.index)]
        for k, (old, new) in enumerate(pieces):
            if k == 0 and joined and stretches[-1][1] == old:
                stretches[-1][1] = new
            else:
                stretches.append([old, new])
        joined, before = True, reading
    shown = [s for s in stretches if s[0] != s[1]] or stretches[-1:]
    text = "; ".join(f"index vechi {fmt3(a)} → index nou {fmt3(b)}" for a, b in shown)
    factor = f" × {fmt3(multiplier).rstrip('0').rstrip(',')}" if multiplier != 1 else ""
    return f"{name}: {text}{factor} (contor {serial})"


# ----------------------------------------------------------------------------- state


async def _readings(
    meter_ids: Sequence[int], meters: Mapping[int, Mapping[str, Any]]
) -> dict[int, list[Reading]]:
    """Each meter's readings by day, with their state derived from the invoices."""
    out: dict[int, list[Reading]] = {m: [] for m in meter_ids}
    if not meter_ids:
        return out
    rows = (
        await MeterReading.select(
            *MeterReading._meta.columns,
            MeterReading.draft_invoice.status.as_alias("draft_status"),
        )
        .where(MeterReading.meter.is_in(list(meter_ids)))
        .order_by(MeterReading.meter)
        .order_by(MeterReading.day)
    )
    lines = await _issued_lines(rows, meters)
    line_ids = {x for x in lines.values() if x is not None} | {
        r["invoice_line"] for r in rows if r["invoice_line"] is not None
    }
    facts = await _line_facts(sorted(line_ids))
    for r in rows:
        draft = r["draft_invoice"] if r["draft_status"] == DocStatus.draft else None
        line = lines.get(r["id"]) or r["invoice_line"]
        fact = facts.get(line) if line is not None else None
        out[r["meter"]].append(
            Reading(
                id=r["id"], meter=r["meter"], day=_day(r["day"]), index=q3(r["index"]),
                reset=bool(r["reset"]),
                previous_index=None if r["previous_index"] is None else q3(r["previous_index"]),
                note=r["note"], created_by=r["created_by"], draft=draft, line=line,
                billed=bool(fact and fact["billed"]),
                invoice=fact["invoice"] if fact else None,
                invoice_number=fact["full_number"] if fact else "",
                stale=r["draft_invoice"] is not None and draft is None,
            )
        )  # fmt: skip
    return out


def _day(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


async def _issued_lines(
    rows: Sequence[Mapping[str, Any]], meters: Mapping[int, Mapping[str, Any]]
) -> dict[int, int | None]:
    """reading id -> its line, for readings whose draft has been issued (or issued and
    cancelled). A draft edited and saved again got new lines: the meter's line is then
    found by article and serial; when it was taken out, the reading was not billed."""
    left = [r for r in rows if r["draft_invoice"] and r["draft_status"] != DocStatus.draft]
    out = {r["id"]: r["draft_line"] for r in left}
    lost = sorted({r["draft_invoice"] for r in left if r["draft_line"] is None})
    if lost:
        found = await InvoiceLine.select(
            InvoiceLine.id, InvoiceLine.invoice, InvoiceLine.article, InvoiceLine.description
        ).where(InvoiceLine.invoice.is_in(lost)).order_by(InvoiceLine.position)  # fmt: skip
        for r in left:
            if r["draft_line"] is None:
                meter = meters[r["meter"]]
                out[r["id"]] = next(
                    (x["id"] for x in found
                     if x["invoice"] == r["draft_invoice"] and x["article"] == meter["article"]
                     and f"(contor {meter['serial']})" in x["description"]),
                    None,
                )  # fmt: skip
    return out


async def _line_facts(line_ids: list[int]) -> dict[int, dict[str, Any]]:
    """For each invoice line: its invoice, and whether it still bills (issued, not
    credited in full by issued credit notes)."""
    if not line_ids:
        return {}
    lines = await InvoiceLine.select(
        InvoiceLine.id, InvoiceLine.quantity, InvoiceLine.invoice,
        InvoiceLine.invoice.status.as_alias("status"),
        InvoiceLine.invoice.full_number.as_alias("full_number"),
    ).where(InvoiceLine.id.is_in(line_ids))  # fmt: skip
    credited: dict[int, Decimal] = {}
    for c in await InvoiceLine.select(InvoiceLine.source_line, InvoiceLine.quantity).where(
        InvoiceLine.source_line.is_in(line_ids)
        & (InvoiceLine.invoice.status == DocStatus.issued)
        & (InvoiceLine.value_only == False)  # noqa: E712 - a later discount returns nothing
    ):
        credited[c["source_line"]] = credited.get(c["source_line"], Decimal(0)) + q3(c["quantity"])
    return {
        x["id"]: {
            "invoice": x["invoice"],
            "full_number": x["full_number"],
            "billed": x["status"] == DocStatus.issued
            and q3(x["quantity"]) + credited.get(x["id"], Decimal(0)) > 0,
        }
        for x in lines
    }


async def _settle(readings: Mapping[int, Sequence[Reading]]) -> None:
    """Record what the invoices decided: readings whose draft is no longer a draft take
    its line as `invoice_line` (or keep the one they had, when the draft no longer billed
    them) and lose their reservation. Inside the caller's transaction."""
    stale = [r for rs in readings.values() for r in rs if r.stale]
    await update_many(
        MeterReading,
        {r.id: {"invoice_line": r.line, "draft_invoice": None, "draft_line": None}
         for r in stale},
    )  # fmt: skip


# ----------------------------------------------------------------------------- meters


def _not_found(meter_id: int) -> NotFound:
    return NotFound(
        "METER_NOT_FOUND", f"Contorul nr. {meter_id} nu există.", f"Meter {meter_id} not found."
    )


async def meter_prepare(
    values: Mapping[str, Any], *, by: Actor, meter_id: int | None = None
) -> dict[str, Any]:
    """A whole meter, checked (the API and the admin's save hooks)."""
    require(by, Area.sales, Action.write)
    out = {k: values[k] for k in METER_FIELDS if k in values}
    out["company"] = await _company(out.get("company"))
    out["serial"] = str(out.get("serial") or "").strip()
    out["location"] = str(out.get("location") or "").strip()
    out["active"] = bool(out.get("active", True))
    if not out["serial"]:
        raise ValidationFailed(
            "METER_SERIAL_REQUIRED", "Completați seria contorului.", "The serial is required.",
            field="serial",
        )  # fmt: skip
    multiplier = input_decimal(out.get("multiplier") or 1, "multiplier", limit=Decimal(10) ** 9)
    if multiplier <= 0 or multiplier != multiplier.quantize(THOUSANDTH):
        raise ValidationFailed(
            "METER_MULTIPLIER_INVALID",
            "Constanta contorului este un număr pozitiv, cu cel mult 3 zecimale.",
            "The multiplier is a positive number with at most 3 decimals.", field="multiplier",
        )  # fmt: skip
    out["multiplier"] = q3(multiplier)
    if not out.get("partner") or not await Partner.exists().where(
        Partner.id == int(out["partner"])
    ):
        raise ValidationFailed(
            "PARTNER_INVALID", "Alegeți clientul căruia i se refacturează consumul.",
            "Unknown partner.", field="partner",
        )  # fmt: skip
    out["partner"] = int(out["partner"])
    article = (
        await Article.select(Article.id, Article.name, Article.kind)
        .where(Article.id == int(out.get("article") or 0))
        .first()
    )
    if article is None or article["kind"] != ArticleKind.utility:
        raise ValidationFailed(
            "METER_ARTICLE_NOT_UTILITY",
            "Alegeți un articol de tip «Utilități refacturate» (apă, energie, gaz): "
            "categoria lui de TVA dă cota facturii."
            + (f" «{article['name']}» nu este o utilitate." if article else ""),
            "The article must be a utility.", field="article",
        )  # fmt: skip
    out["article"] = article["id"]
    clash = Meter.exists().where(
        (Meter.company == out["company"])
        & (Meter.article == out["article"])
        & (Meter.serial == out["serial"])
    )
    if meter_id is not None:
        clash = clash.where(Meter.id != meter_id)
    if await clash:
        raise Conflict(
            "METER_DUPLICATE",
            f"Există deja contorul cu seria «{out['serial']}» pentru «{article['name']}».",
            "A meter with this serial exists for this utility.", field="serial",
        )  # fmt: skip
    return out


async def _company(company_id: Any) -> int:
    """The company named, else the first one (most installations have one)."""
    query = Company.select(Company.id).order_by(Company.id)
    if company_id:
        query = query.where(Company.id == int(company_id))
    row = await query.first()
    if row is None:
        raise ValidationFailed(
            "COMPANY_MISSING", "Completați întâi datele firmei (Organizare › Firma).",
            "Set up the company first.", field="company",
        )  # fmt: skip
    return row["id"]


async def meter_create(*, values: Mapping[str, Any], by: Actor) -> int:
    try:
        async with write_tx():
            meter = Meter(**await meter_prepare(values, by=by))
            await meter.save()
    except Exception as exc:
        if is_unique_violation(exc):  # the same serial saved meanwhile: say so, as above
            await meter_prepare(values, by=by)
        raise
    return meter.id


async def meter_update(*, meter_id: int, values: Mapping[str, Any], by: Actor) -> None:
    """Change some fields (a new serial after a replacement, a new tenant, inactive...)."""
    require(by, Area.sales, Action.write)
    async with write_tx():
        current = await for_update(Meter.select().where(Meter.id == meter_id)).first()
        if current is None:
            raise _not_found(meter_id)
        merged = {k: current[k] for k in METER_FIELDS} | dict(values)
        prepared = await meter_prepare(merged, by=by, meter_id=meter_id)
        await Meter.update({getattr(Meter, k): v for k, v in prepared.items()}).where(
            Meter.id == meter_id
        )


async def meter_delete_check(meter_id: int, *, by: Actor) -> None:
    """A meter with readings stays (its history bills); it is made inactive instead."""
    require(by, Area.sales, Action.write)
    if await MeterReading.exists().where(MeterReading.meter == meter_id):
        raise Conflict(
            "METER_HAS_READINGS",
            "Contorul are citiri și nu se șterge; debifați «Activ» ca să nu mai primească citiri.",
            "A meter with readings is not deleted; make it inactive.",
        )


# ----------------------------------------------------------------------------- readings


async def _meter_locked(meter_id: int) -> dict[str, Any]:
    meter = await for_update(Meter.select().where(Meter.id == meter_id)).first()
    if meter is None:
        raise _not_found(meter_id)
    return meter


def _reading_values(values: Mapping[str, Any]) -> dict[str, Any]:
    day = values.get("day")
    if isinstance(day, str):
        try:
            day = date.fromisoformat(day)
        except ValueError:
            day = None
    if not isinstance(day, date):
        raise ValidationFailed(
            "READING_DAY_REQUIRED", "Completați data citirii.", "The day is required.",
            field="day",
        )  # fmt: skip
    if values.get("index") is None:
        raise ValidationFailed(
            "READING_INDEX_REQUIRED", "Completați indexul citit.", "The index is required.",
            field="index",
        )  # fmt: skip
    previous = values.get("previous_index")
    return {
        "day": day,
        "index": input_decimal(values["index"], "index"),
        "reset": bool(values.get("reset")),
        "previous_index": None if previous is None else input_decimal(previous, "previous_index"),
        "note": str(values.get("note") or "").strip()[:200],
    }


def _check_reading(
    values: dict[str, Any], readings: Sequence[Reading], reading_id: int | None = None
) -> None:
    """Where the reading falls among the meter's others: never into a billed (or drafted)
    segment, never below the reading before it unless it is a reset, never above the
    one after it."""
    day, index, reset, final = (values[k] for k in ("day", "index", "reset", "previous_index"))
    for name, value in (("index", index), ("previous_index", final)):
        if value is not None and (value < 0 or value != value.quantize(THOUSANDTH)):
            raise ValidationFailed(
                "READING_INDEX_INVALID", "Indexul este un număr pozitiv, cu cel mult 3 zecimale.",
                "The index is a positive number with at most 3 decimals.", field=name,
            )  # fmt: skip
    if day > today():
        raise ValidationFailed(
            "READING_DAY_FUTURE", f"Data citirii ({day:%d.%m.%Y}) este în viitor.",
            "The reading is dated in the future.", field="day",
        )  # fmt: skip
    if final is not None and not reset:
        raise ValidationFailed(
            "READING_PREVIOUS_INDEX_UNEXPECTED",
            "Indexul final al contorului vechi se completează doar la înlocuire (bifați "
            "«Înlocuire / resetare»).",
            "The old meter's final index is only given with a reset.", field="previous_index",
        )  # fmt: skip
    this = next((r for r in readings if r.id == reading_id), None)
    if this is not None and this.locked:
        raise _locked_error(this)
    others = [r for r in readings if r.id != reading_id]
    if any(r.day == day for r in others):
        raise Conflict(
            "READING_DUPLICATE", f"Contorul are deja o citire din {day:%d.%m.%Y}.",
            "The meter already has a reading that day.", field="day",
        )  # fmt: skip
    before = next((r for r in reversed(others) if r.day < day), None)
    after = next((r for r in others if r.day > day), None)
    if after is not None and after.locked:
        raise _locked_error(after, day)
    if before is not None and not reset and index < before.index:
        raise ValidationFailed(
            "READING_INDEX_LOWER",
            f"Indexul {fmt3(index)} este mai mic decât cel din {before.day:%d.%m.%Y} "
            f"({fmt3(before.index)}). Dacă s-a înlocuit sau s-a resetat contorul, bifați "
            "«Înlocuire / resetare».",
            "The index is lower than the previous reading's; mark a meter replacement.",
            field="index", details={"previous_day": before.day.isoformat(),
                                    "previous_index": str(before.index)},
        )  # fmt: skip
    if before is not None and final is not None and final < before.index:
        raise ValidationFailed(
            "READING_PREVIOUS_INDEX_LOWER",
            f"Indexul final al contorului vechi ({fmt3(final)}) este mai mic decât citirea "
            f"din {before.day:%d.%m.%Y} ({fmt3(before.index)}).",
            "The old meter's final index is lower than its last reading.",
            field="previous_index",
        )  # fmt: skip
    ceiling = None if after is None else after.previous_index if after.reset else after.index
    if ceiling is not None and index > ceiling:
        raise ValidationFailed(
            "READING_INDEX_ABOVE_NEXT",
            f"Indexul {fmt3(index)} este mai mare decât citirea următoare "
            f"({fmt3(ceiling)}).",
            "The index is higher than the next reading's.", field="index",
        )  # fmt: skip


def _locked_error(reading: Reading, day: date | None = None) -> Conflict:
    where = (
        f"factura {reading.invoice_number}" if reading.billed
        else f"ciorna de factură nr. {reading.draft}"
    )  # fmt: skip
    what = (
        f"o citire din {day:%d.%m.%Y} ar schimba consumul facturat până la "
        f"{reading.day:%d.%m.%Y} ({where})" if day
        else f"citirea din {reading.day:%d.%m.%Y} este pe {where}"
    )  # fmt: skip
    return Conflict(
        "READING_INVOICED",
        f"Nu se poate: {what}. Stornați factura sau ștergeți ciorna întâi.",
        "The reading is billed (or on a draft invoice); credit or delete it first.",
        details={"reading_id": reading.id, "invoice_id": reading.invoice or reading.draft},
    )


async def reading_record(
    *,
    meter_id: int,
    day: date,
    index: Decimal | str | int,
    by: Actor,
    reset: bool = False,
    previous_index: Decimal | str | int | None = None,
    note: str = "",
) -> int:
    """A new reading. A lower index than the reading before is refused unless `reset`
    (the meter was replaced or turned over): then the series starts again at `index`,
    and `previous_index` is the old meter's final index (its consumption until then)."""
    require(by, Area.sales, Action.write)
    values = _reading_values(
        {"day": day, "index": index, "reset": reset, "previous_index": previous_index,
         "note": note}
    )  # fmt: skip
    async with write_tx():
        meter = await _meter_locked(meter_id)
        if not meter["active"]:
            raise Conflict(
                "METER_INACTIVE", f"Contorul «{meter['serial']}» este inactiv.",
                "The meter is inactive.", field="meter",
            )  # fmt: skip
        readings = await _readings([meter_id], {meter_id: meter})
        await _settle(readings)
        _check_reading(values, readings[meter_id])
        reading = MeterReading(meter=meter_id, created_by=by.name, **values)
        await reading.save()
    return reading.id


async def reading_prepare(
    values: Mapping[str, Any], *, by: Actor, reading_id: int | None = None
) -> dict[str, Any]:
    """The admin's Add and Edit of a reading: the same checks as reading_record; the
    invoice links are not typed, they come from the invoices."""
    require(by, Area.sales, Action.write)
    meter_id = int(values.get("meter") or 0)
    meter = await Meter.select().where(Meter.id == meter_id).first()
    if meter is None:
        raise ValidationFailed("METER_REQUIRED", "Alegeți contorul.", field="meter")
    stored = None
    if reading_id is not None:
        stored = await MeterReading.select().where(MeterReading.id == reading_id).first()
        if stored is not None and stored["meter"] != meter_id:
            raise ValidationFailed(
                "READING_METER_FIXED", "Citirea rămâne la contorul ei; adăugați una nouă.",
                "A reading stays with its meter.", field="meter",
            )  # fmt: skip
    elif not meter["active"]:
        raise Conflict("METER_INACTIVE", f"Contorul «{meter['serial']}» este inactiv.")
    out = _reading_values(values)
    readings = await _readings([meter_id], {meter_id: meter})
    _check_reading(out, readings[meter_id], reading_id)
    kept = ("draft_invoice", "draft_line", "invoice_line", "created_by")
    fresh = {"draft_invoice": None, "draft_line": None, "invoice_line": None,
             "created_by": by.name}  # fmt: skip
    return {"meter": meter_id, **out, **{k: stored[k] if stored else fresh[k] for k in kept}}


async def reading_delete_check(reading_id: int, *, by: Actor) -> None:
    """A reading is deleted only while neither it nor the one after it is billed or on a
    draft (removing it would change that segment)."""
    require(by, Area.sales, Action.write)
    row = await MeterReading.select(MeterReading.meter).where(MeterReading.id == reading_id)
    if not row:
        raise NotFound("READING_NOT_FOUND", f"Citirea nr. {reading_id} nu există.")
    meter = await Meter.select().where(Meter.id == row[0]["meter"]).first()
    readings = (await _readings([meter["id"]], {meter["id"]: meter}))[meter["id"]]
    at = next(i for i, r in enumerate(readings) if r.id == reading_id)
    for reading in readings[at : at + 2]:
        if reading.locked:
            raise _locked_error(reading, readings[at].day if reading.id != reading_id else None)


async def reading_delete(*, reading_id: int, by: Actor, meter_id: int | None = None) -> None:
    """Delete a reading typed by mistake (of `meter_id`, when given)."""
    async with write_tx():
        row = await MeterReading.select(MeterReading.meter).where(MeterReading.id == reading_id)
        if row and meter_id is not None and row[0]["meter"] != meter_id:
            row = []
        if not row:
            raise NotFound("READING_NOT_FOUND", f"Citirea nr. {reading_id} nu există.")
        await _meter_locked(row[0]["meter"])
        await reading_delete_check(reading_id, by=by)
        await MeterReading.delete().where(MeterReading.id == reading_id)


# ----------------------------------------------------------------------------- invoice


async def utilities_invoice_draft(
    *,
    company_id: int,
    partner_id: int,
    until: date,
    by: Actor,
    prices: Mapping[int, Decimal | str] | None = None,
    header: Mapping[str, Any] | None = None,
) -> int:
    """One draft invoice for a client's unbilled consumption up to `until`: a line per
    meter, (last index - last billed index) x multiplier, at the price of the price list
    that applies (or `prices` {article id: unit price without VAT}); the VAT rate is the
    article's at the delivery date (the last reading's day, unless `header` says).

    The readings are reserved for the draft; issuing it bills them, deleting it frees
    them. Readings already on another draft are refused: that one is issued or deleted
    first, so the same consumption cannot be on two invoices.
    """
    require(by, Area.sales, Action.write)
    typed = {int(k): input_decimal(v, "prices") for k, v in (prices or {}).items()}
    async with write_tx():
        # Locked without the join: PostgreSQL locks no row of an outer join's other side.
        meters = await for_update(
            Meter.select()
            .where((Meter.company == company_id) & (Meter.partner == partner_id))
            .order_by(Meter.id)
        )
        by_id = {m["id"]: m for m in meters}
        names = {
            a["id"]: a["name"]
            for a in await Article.select(Article.id, Article.name).where(
                Article.id.is_in([m["article"] for m in meters] or [0])
            )
        }
        readings = await _readings(list(by_id), by_id)
        await _settle(readings)
        held = next((r for rs in readings.values() for r in rs if r.draft), None)
        if held is not None:
            raise Conflict(
                "METER_READINGS_IN_DRAFT",
                f"Citirile contorului «{by_id[held.meter]['serial']}» sunt pe ciorna de "
                f"factură nr. {held.draft}: emiteți-o sau ștergeți-o întâi.",
                "Readings are on another draft invoice; issue or delete it first.",
                details={"invoice_id": held.draft},
            )  # fmt: skip
        lines: list[dict[str, Any]] = []
        taken: list[list[int]] = []
        last_day: date | None = None
        for meter in meters:
            series = readings[meter["id"]]
            chosen = billable(series, until)
            quantity = q3(consumption(series, chosen) * to_decimal(meter["multiplier"]))
            if quantity <= 0:
                continue  # nothing consumed yet: its readings wait for the next invoice
            multiplier = q3(meter["multiplier"])
            lines.append({
                "article": meter["article"], "quantity": quantity,
                "unit_price": typed.get(meter["article"]),
                "description": describe(names[meter["article"]], meter["serial"], multiplier,
                                        series, chosen),
            })  # fmt: skip
            taken.append([r.id for r in chosen])
            last_day = max(last_day or chosen[-1].day, chosen[-1].day)
        if not lines:
            raise Conflict(
                "METER_NOTHING_TO_INVOICE",
                f"Clientul nu are consum nefacturat până la {until:%d.%m.%Y} (adăugați "
                "citirile contoarelor întâi).",
                "No unbilled consumption up to that day.",
            )  # fmt: skip
        invoice_id = await invoice_draft_create(
            company_id=company_id, partner_id=partner_id, lines=lines, by=by,
            header={"delivery_date": last_day, **(header or {})},
        )  # fmt: skip
        line_ids = [
            x["id"]
            for x in await InvoiceLine.select(InvoiceLine.id)
            .where(InvoiceLine.invoice == invoice_id)
            .order_by(InvoiceLine.position)
        ]
        for line_id, ids in zip(line_ids, taken, strict=True):
            await MeterReading.update(
                {MeterReading.draft_invoice: invoice_id, MeterReading.draft_line: line_id}
            ).where(MeterReading.id.is_in(ids))
    return invoice_id


# ----------------------------------------------------------------------------- queries


async def meter_list(
    *, by: Actor, partner_id: int | None = None, active: bool | None = None
) -> list[dict[str, Any]]:
    require(by, Area.sales, Action.read)
    query = Meter.select(
        *Meter._meta.columns,
        Meter.partner.name.as_alias("partner_name"),
        Meter.article.name.as_alias("article_name"),
    ).order_by(Meter.id)
    if partner_id is not None:
        query = query.where(Meter.partner == partner_id)
    if active is not None:
        query = query.where(Meter.active == active)
    rows = await query
    last = {
        r["meter"]: r
        for r in await MeterReading.select(MeterReading.meter, MeterReading.day,
                                           MeterReading.index)
        .where(MeterReading.meter.is_in([m["id"] for m in rows] or [0]))
        .order_by(MeterReading.day)
    }  # fmt: skip
    return [_meter_out(m, last.get(m["id"])) for m in rows]


def _meter_out(row: Mapping[str, Any], last: Mapping[str, Any] | None) -> dict[str, Any]:
    out = {k: row[k] for k in ("id", "company", "partner", "partner_name", "article",
                               "article_name", "serial", "location", "active")}  # fmt: skip
    out["multiplier"] = q3(row["multiplier"])
    out["last_day"] = _day(last["day"]) if last else None
    out["last_index"] = q3(last["index"]) if last else None
    return out


async def meter_get(meter_id: int, *, by: Actor) -> dict[str, Any]:
    """One meter and its readings, each with its state (open, draft, billed) and the
    consumption it carries."""
    require(by, Area.sales, Action.read)
    meter = await Meter.select(
        *Meter._meta.columns,
        Meter.partner.name.as_alias("partner_name"),
        Meter.article.name.as_alias("article_name"),
    ).where(Meter.id == meter_id).first()  # fmt: skip
    if meter is None:
        raise _not_found(meter_id)
    series = (await _readings([meter_id], {meter_id: meter}))[meter_id]
    multiplier = q3(meter["multiplier"])
    out = _meter_out(meter, {"day": series[-1].day, "index": series[-1].index} if series else None)
    before: Reading | None = None
    out["readings"] = []
    for r in series:
        out["readings"].append({
            "id": r.id, "day": r.day, "index": r.index, "reset": r.reset,
            "previous_index": r.previous_index, "note": r.note, "state": r.state,
            "consumption": q3(segment(r, before) * multiplier),
            "draft_invoice": r.draft, "invoice_line": r.line if r.billed else None,
            "invoice": r.invoice if r.billed else None,
            "invoice_number": r.invoice_number if r.billed else "",
            "created_by": r.created_by,
        })  # fmt: skip
        before = r
    return out
