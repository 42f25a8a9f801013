"""e-Factura: generate the UBL and validate it with ANAF's rules, next to raw lxml + Saxon.

    .venv/bin/python -m bench.efactura_validate [--rounds 5] [--n5 100] [--n500 4]

Per invoice of 5 and of 500 lines, in the same process and the same run:
- app: `domain.efactura.ubl.build_ubl(data)` (xmltodict, from the invoice's frozen data as
  `ubl_data` returns it) and `domain.efactura.validate.validate_ubl(xml)` (XSD with lxml,
  then ANAF's CIUS-RO 1.0.9 stylesheet with saxonche, findings as `Finding`s);
- raw: the same XML bytes, generated beforehand, through the bare steps of
  ../shared/tools/efactura-validate: lxml parse + XMLSchema.validate, Saxon parse_xml +
  transform_to_string with its own compiled stylesheet, the SVRL parsed with lxml and
  every failed-assert / successful-report collected.
Both sides must find the same (nothing: the invoices are valid). Budget (ARCHITECTURE §7):
app <= 1.5x raw; about 10 ms for a 5-line invoice. No database: reading the invoice
(`ubl_data`, 5 queries) is not in either side.

The rules come from EFACTURA_RULES_DIR, else ../shared/efactura (CATASTIF_SHARED).
"""

from __future__ import annotations

import argparse
import copy
import gc
import os
import time
from collections.abc import Callable, Sequence
from decimal import Decimal
from importlib.metadata import version
from pathlib import Path
from typing import Any

from bench.common import (
    REPO,
    code_version,
    doc_replace,
    doc_section,
    median,
    table_upsert,
    today,
)

MARK = "efactura_validate"
SIZES = (5, 500)
HEADER = [
    "lines", "date", "invoices × rounds", "XML size", "app ms (generate + validate)",
    "of which generate", "raw lxml + Saxon ms", "app/raw (budget ≤ 1.5)",
]  # fmt: skip
SECTION = f"""## e-Factura: generate + validate (5 and 500 lines)

<!-- {MARK}:about -->
<!-- /{MARK}:about -->

<!-- {MARK}:table -->
<!-- /{MARK}:table -->

<!-- {MARK}:details -->
<!-- /{MARK}:details -->
"""
ABOUT = """Budget: ≤ 1.5× raw lxml + Saxon on the same XML; about 10 ms per 5-line invoice.
Measured, per invoice, in one process: *app* = `build_ubl` (xmltodict, from the frozen
data `ubl_data` reads) + `validate_ubl` (UBL 2.1 XSD with lxml, then ANAF's CIUS-RO 1.0.9
stack compiled to XSLT, run with saxonche; failed asserts and successful reports become
`Finding`s); *raw* = the same XML bytes, generated beforehand, through the bare steps
(lxml parse + `XMLSchema.validate`, Saxon `parse_xml` + `transform_to_string` with its own
compiled stylesheet, the SVRL parsed and every failed-assert / successful-report
collected). Both sides find nothing (valid invoices: two VAT rates, line discounts, a
document discount per VAT group). `python -m bench.efactura_validate`.

- Each round times N app and N raw invoices, alternating one by one so that a burst of
  load from a neighbour hits both sides; ms per invoice is the median of the rounds, the
  ratio the median of the rounds' ratios. Reading the invoice from the database
  (`ubl_data`, 5 queries) is in neither side.
- Compiling the stylesheet (once per process, at the first validation) is reported apart:
  the app builds its validator lazily and keeps it.
- The app skips parsing the SVRL when it holds no finding (a substring test): for a valid
  500-line invoice that report is ~0.5 MB of fired rules."""


def rules_dir() -> Path:
    if os.environ.get("EFACTURA_RULES_DIR"):
        return Path(os.environ["EFACTURA_RULES_DIR"])
    shared = Path(os.environ.get("CATASTIF_SHARED", REPO.parent / "shared"))
    return shared / "efactura"


def invoice_data(lines: int) -> dict[str, Any]:
    """A valid RON invoice of `lines` lines, as `ubl_data` returns one: 21 % and 11 %, a
    line discount on every fourth line, a 3 % document discount split per VAT group."""
    from domain.core.money import q2
    from domain.efactura.validate import SMOKE_INVOICE
    from domain.sales.totals import LineIn, document_totals, percent_discount

    data = copy.deepcopy(SMOKE_INVOICE)
    priced = []
    rows = []
    for i in range(lines):
        rate = Decimal(11) if i % 3 == 0 else Decimal(21)
        quantity = Decimal(1 + i % 7)
        price = Decimal("41.1500") + i % 13
        discount = q2(quantity * price * Decimal("0.05")) if i % 4 == 0 else Decimal(0)
        priced.append(LineIn(quantity, price, "S", rate, discount))
        rows.append({"position": i + 1, "description": f"Articol nr. {i + 1}, ambalat",
                     "quantity": quantity, "uom_code": "H87", "unit_price": price,
                     "discount": discount, "vat_code": "S", "vat_rate": rate,
                     "article": i + 1, "article_code": f"ART-{i + 1:05d}"})  # fmt: skip
    totals = document_totals(priced, percent_discount(priced, Decimal(3), "Discount"))
    for row, line in zip(rows, totals.lines, strict=True):
        row["net"] = line.net
    groups = [
        {"vat_code": g.vat_code, "vat_rate": g.vat_rate, "base": g.base, "vat": g.vat}
        for g in totals.groups
    ]
    data.update(
        lines=rows, vat_breakdown=groups, discount_percent=Decimal(3),
        line_net_total=totals.line_net_total, allowance_total=totals.allowance_total,
        charge_total=totals.charge_total, tax_exclusive=totals.tax_exclusive,
        vat_total=totals.vat_total, vat_total_ron=totals.vat_total_ron,
        tax_inclusive=totals.tax_inclusive, payable=totals.payable,
    )  # fmt: skip
    return data


class Raw:
    """The baseline: the bare lxml + Saxon steps, with its own schemas and stylesheet."""

    def __init__(self, rules: Path) -> None:
        from lxml import etree

        from domain.efactura.validate import XSD, XSLT, _processor

        self.etree = etree
        self.processor = _processor()  # one SaxonC processor per process
        self.executable = self.processor.new_xslt30_processor().compile_stylesheet(
            stylesheet_file=str(rules / XSLT)
        )
        self.schema = etree.XMLSchema(etree.parse(str(rules / XSD["Invoice"])))
        self.svrl = "{http://purl.oclc.org/dsdl/svrl}"

    def __call__(self, xml: bytes) -> list[str]:
        etree = self.etree
        doc = etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True))
        if not self.schema.validate(doc):
            return ["XSD"]
        node = self.processor.parse_xml(xml_text=xml.decode("utf-8-sig"))
        out = etree.fromstring(self.executable.transform_to_string(xdm_node=node).encode())
        return [
            e.get("id") or "?"
            for e in out.iter(f"{self.svrl}failed-assert", f"{self.svrl}successful-report")
        ]


def timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def run(rounds: int, counts: dict[int, int]) -> dict[str, Any]:
    from domain.efactura.ubl import build_ubl
    from domain.efactura.validate import validate_ubl, validator

    rules = rules_dir()
    compile_ms = timed(lambda: validator(rules))
    raw = Raw(rules)
    results: dict[str, Any] = {"compile_ms": compile_ms, "sizes": {}}
    for lines in SIZES:
        data = invoice_data(lines)
        xml = build_ubl(data)
        app_findings = validate_ubl(xml, rules_dir=rules)
        raw_findings = raw(xml)
        if app_findings or raw_findings:  # both sides must find the same: nothing
            raise SystemExit(f"findings on a valid invoice: {app_findings} / {raw_findings}")

        def app_side(data: dict[str, Any] = data) -> None:
            validate_ubl(build_ubl(data), rules_dir=rules)

        def raw_side(xml: bytes = xml) -> None:
            raw(xml)

        def generate(data: dict[str, Any] = data) -> None:
            build_ubl(data)

        for _ in range(3 if lines > 100 else 20):  # warm-up
            app_side()
            raw_side()
        n = counts[lines]
        per_round: dict[str, list[float]] = {"app": [], "raw": [], "generate": []}
        for _ in range(rounds):
            gc.collect()
            app_ms, raw_ms = [], []
            for _ in range(n):
                app_ms.append(timed(app_side))
                raw_ms.append(timed(raw_side))
            per_round["app"].append(median(app_ms))
            per_round["raw"].append(median(raw_ms))
            per_round["generate"].append(median([timed(generate) for _ in range(n)]))
        ratios = [a / r for a, r in zip(per_round["app"], per_round["raw"], strict=True)]
        results["sizes"][lines] = {
            "n": n, "bytes": len(xml), "ratios": ratios, **per_round,
        }  # fmt: skip
    return results


def report(result: dict[str, Any], rounds: int) -> str:
    doc_section(MARK + ":about", SECTION)
    doc_replace(MARK + ":about", ABOUT)
    lines_out = []
    for lines, r in result["sizes"].items():
        ratio = median(r["ratios"])
        ok = "✓" if ratio <= 1.5 else "✗"
        row = [
            str(lines), today(), f"{r['n']} × {rounds}", f"{r['bytes'] / 1024:.0f} KB",
            f"{median(r['app']):.2f}", f"{median(r['generate']):.2f}",
            f"{median(r['raw']):.2f}", f"**{ratio:.2f}** {ok}",
        ]  # fmt: skip
        doc_replace(MARK + ":table", table_upsert(HEADER, str(lines), row))
        lines_out.append(
            f"- {lines} lines, ms per invoice per round: app "
            f"{', '.join(f'{x:.2f}' for x in r['app'])}; raw "
            f"{', '.join(f'{x:.2f}' for x in r['raw'])}; generate alone "
            f"{', '.join(f'{x:.2f}' for x in r['generate'])}; app/raw "
            f"{', '.join(f'{x:.3f}' for x in r['ratios'])}"
        )
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    details = "\n".join(
        [
            f"- run {today()} on code {code_version()}; Python lxml {version('lxml')}, "
            f"saxonche {version('saxonche')}, xmltodict {version('xmltodict')}; load "
            f"average (1 min, 2 CPUs) {load:.1f} at the end",
            f"- first use in a process (compile ANAF's stylesheet, load the two schemas): "
            f"{result['compile_ms']:.0f} ms",
            *lines_out,
        ]
    )
    doc_replace(MARK + ":details", details)
    return details


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--n5", type=int, default=100, help="5-line invoices per side per round")
    parser.add_argument("--n500", type=int, default=4, help="500-line invoices per side per round")
    parser.add_argument("--no-doc", action="store_true", help="print, do not write the doc")
    args = parser.parse_args(argv)
    result = run(args.rounds, {5: args.n5, 500: args.n500})
    if args.no_doc:
        for lines, r in result["sizes"].items():
            print(
                f"{lines} lines: app {median(r['app']):.2f} ms (generate "
                f"{median(r['generate']):.2f}), raw {median(r['raw']):.2f} ms, app/raw "
                f"{median(r['ratios']):.2f}"
            )
        print(f"compile: {result['compile_ms']:.0f} ms")
        return
    print(report(result, args.rounds))


if __name__ == "__main__":
    main()
