"""Official validation before anything leaves: UBL 2.1 XSD, then ANAF's CIUS-RO rules.

Two layers, as ANAF checks an upload:
1. the OASIS UBL 2.1 schema (Invoice-2 or CreditNote-2), with lxml; an XML that fails it
   stops here (ANAF rejects at this stage, and the rules on schema-invalid XML are noise);
2. ANAF's rule set (EN 16931 as ANAF bundles it + the BR-RO rules, release 1.0.9) compiled
   to XSLT, run with SaxonC-HE (saxonche). Every `svrl:failed-assert` AND every
   `svrl:successful-report` is a finding: eight county/sector rules (BR-RO-100, 101, 110,
   111, 160, 170, 202, 212) are written as <report>, so counting only failed asserts would
   pass a Bucharest address whose city is "Bucuresti".

The rules live in a folder (`Settings.efactura_rules_dir`, EFACTURA_RULES_DIR) laid out as
ANAF and OASIS ship them, filled by `litestar catastif efactura-rules` (`rules_install`).
The stylesheet is compiled once per process (~0.6 s) and reused; SaxonC is not documented
as thread-safe, so every validation holds a lock. Call it from a thread or a job, not on
the event loop (`efactura_check` does).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import tempfile
import threading
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from io import BytesIO
from pathlib import Path, PurePosixPath
from typing import Any

from lxml import etree

from domain.core.errors import Unavailable
from domain.efactura import codes

XSD = {
    codes.INVOICE: "ubl-2.1/xsd/maindoc/UBL-Invoice-2.1.xsd",
    codes.CREDIT_NOTE: "ubl-2.1/xsd/maindoc/UBL-CreditNote-2.1.xsd",
}
XSLT = f"cius-ro-{codes.RULES_VERSION}/xslt/EN16931-CIUS_RO-UBL-validation.xslt"
ANAF_FOLDER = f"cius-ro-{codes.RULES_VERSION}/anaf-ro16931-ubl-{codes.RULES_VERSION}"
ROOTS = {codes.NS_INVOICE: codes.INVOICE, codes.NS_CREDIT_NOTE: codes.CREDIT_NOTE}

FATAL = "fatal"
WARNING = "warning"
_SVRL = "{http://purl.oclc.org/dsdl/svrl}"
_NS_STEP = re.compile(r"\*:([\w.-]+)\[namespace-uri\(\)='[^']*'\]")


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing the official rules say about the XML.

    `rule`: the rule id (BR-RO-100, BR-CO-15, ...; "XSD" for the schema, "XML" for a file
    that is not XML); `severity`: fatal (ANAF refuses the invoice) or warning; `message`:
    the rule's text (Romanian for the BR-RO rules, as ANAF wrote it; the EN 16931 rules
    keep their English text, labelled with the rule id); `location`: where, as a path.
    """

    rule: str
    severity: str
    message: str
    location: str = ""

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def is_valid(findings: Sequence[Finding]) -> bool:
    """True when nothing would make ANAF refuse the invoice (warnings allowed)."""
    return not any(f.severity != WARNING for f in findings)


# --- the validator, once per process -------------------------------------------------------------


class _Validator:
    """The compiled stylesheet and the two schemas of one rules folder."""

    def __init__(self, rules_dir: Path) -> None:
        missing = [p for p in (XSLT, *XSD.values()) if not (rules_dir / p).is_file()]
        if missing:
            raise Unavailable(
                "EFACTURA_RULES_MISSING",
                f"Regulile oficiale e-Factura lipsesc din {rules_dir} ({', '.join(missing)}). "
                "Rulați «litestar catastif efactura-rules» (sau setați EFACTURA_RULES_DIR).",
                f"The e-Factura rules are missing from {rules_dir}; run "
                "`litestar catastif efactura-rules`.",
            )
        try:
            self.schemas = {
                kind: etree.XMLSchema(etree.parse(str(rules_dir / path)))
                for kind, path in XSD.items()
            }
            processor = _processor()
            self.processor = processor
            self.executable = processor.new_xslt30_processor().compile_stylesheet(
                stylesheet_file=str(rules_dir / XSLT)
            )
        except Exception as exc:  # lxml and Saxon raise their own exception types
            raise Unavailable(
                "EFACTURA_RULES_BROKEN",
                f"Regulile e-Factura din {rules_dir} nu pot fi încărcate: {exc}",
                f"The e-Factura rules in {rules_dir} cannot be loaded: {exc}",
            ) from exc
        self.lock = threading.Lock()

    def svrl(self, text: str) -> etree._Element | None:
        """The SVRL report, or None when it holds no finding at all (most invoices: the
        report of a valid 500-line invoice is ~0.5 MB of fired rules, not worth parsing)."""
        with self.lock:
            node = self.processor.parse_xml(xml_text=text)
            out = self.executable.transform_to_string(xdm_node=node)
        if "failed-assert" not in out and "successful-report" not in out:
            return None
        return etree.fromstring(out.encode("utf-8"))


_LOCK = threading.Lock()
_VALIDATORS: dict[Path, _Validator] = {}
_PROCESSOR: list[Any] = []


def _processor() -> Any:
    """The one SaxonC processor of the process (created on first use)."""
    if not _PROCESSOR:
        from saxonche import PySaxonProcessor

        _PROCESSOR.append(PySaxonProcessor(license=False))
    return _PROCESSOR[0]


def _rules_dir() -> Path:
    from settings import Settings

    return Settings.from_env().efactura_rules_dir


def validator(rules_dir: Path | None = None) -> _Validator:
    """The validator of `rules_dir` (default: the configured folder), built on first use."""
    path = Path(rules_dir or _rules_dir())
    found = _VALIDATORS.get(path)
    if found is None:
        with _LOCK:
            path = path.resolve()
            found = _VALIDATORS.get(path)
            if found is None:
                found = _VALIDATORS[path] = _Validator(path)
            if rules_dir is not None:
                _VALIDATORS[Path(rules_dir)] = found  # as given too: no resolve() per call
    return found


# --- validation ----------------------------------------------------------------------------------


def _location(svrl_path: str) -> str:
    """`/*:Invoice[namespace-uri()='...'][1]/*:Note[...][2]` -> `/Invoice[1]/Note[2]`."""
    return _NS_STEP.sub(r"\1", svrl_path or "")


def _message(rule: str, text: str) -> str:
    text = " ".join(text.split())
    if rule.startswith(("BR-RO", "BR-DEC-RO")) and "#" in text:
        # ANAF's rule texts are "Romanian #English": keep the Romanian half.
        text = text.split("#", 1)[0].strip()
    return text if text.startswith("[") else f"[{rule}]-{text}"


def validate_ubl(xml: bytes, *, rules_dir: Path | None = None) -> list[Finding]:
    """Every finding of the XSD and of ANAF's rules on the exact bytes to be sent."""
    checker = validator(rules_dir)
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        doc = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as exc:
        return [Finding("XML", FATAL, f"Fișierul nu este un XML corect: {exc}", "")]
    name = etree.QName(doc)
    kind = ROOTS.get(name.namespace or "") if name.localname in ROOTS.values() else None
    if kind is None:
        return [
            Finding(
                "XSD", FATAL,
                f"Documentul nu este o factură UBL 2.1 (Invoice sau CreditNote): «{doc.tag}».",
                "/",
            )
        ]  # fmt: skip
    schema = checker.schemas[kind]
    with checker.lock:
        ok = schema.validate(doc)
        errors = list(schema.error_log) if not ok else []
    if errors:
        return [
            Finding("XSD", FATAL, f"Nu respectă schema UBL 2.1: {e.message}", f"linia {e.line}")
            for e in errors
        ]
    svrl = checker.svrl(xml.decode("utf-8-sig"))
    if svrl is None:
        return []
    findings = []
    for element in svrl.iter(f"{_SVRL}failed-assert", f"{_SVRL}successful-report"):
        rule = element.get("id") or "?"
        findings.append(
            Finding(
                rule=rule,
                severity=WARNING if element.get("flag") == WARNING else FATAL,
                message=_message(rule, element.findtext(f"{_SVRL}text") or ""),
                location=_location(element.get("location") or ""),
            )
        )
    return findings


# --- installing the rules (litestar catastif efactura-rules) -------------------------------------


@dataclass(frozen=True, slots=True)
class RuleSource:
    url: str
    sha256: str | None = None  # pinned when the published bytes are known


OFFICIAL_SOURCES: dict[str, RuleSource] = {
    # ANAF's release archive (Schematron sources), linked from
    # mfinante.gov.ro/web/efactura/informatii-tehnice.
    "anaf": RuleSource(
        f"https://mfinante.gov.ro/static/10/eFactura/ro16931-ubl-{codes.RULES_VERSION}.zip",
        "818e7dd77e429f5dbde7c60b43dddbdf1a9a82a1773c359caa80a36ef89ea7f2",
    ),
    # The same release compiled to XSLT 2.0 (phive-rules, Apache-2.0, pinned commit): ANAF
    # publishes Schematron only, and compiling it takes a minute with SchXslt.
    "xslt": RuleSource(
        "https://raw.githubusercontent.com/phax/phive-rules/"
        "432f0e9a8cff5c03d06625abe7a5fd8e7e346a64/phive-rules-cius-ro/src/main/resources/"
        f"external/schematron/{codes.RULES_VERSION}/EN16931-CIUS_RO-UBL-validation.xslt",
        "938ab438dde460e2393198a620e59e2b533fbca7ab5399689ccd52aabb05b6cb",
    ),
    # OASIS UBL 2.1 (OASIS Standard, 4 November 2013): the schemas.
    "ubl": RuleSource("https://docs.oasis-open.org/ubl/os-UBL-2.1/UBL-2.1.zip"),
}


def _fetch(client: Any, name: str, source: RuleSource) -> bytes:
    import httpx

    try:
        response = client.get(source.url)
        response.raise_for_status()
    except httpx.HTTPError as exc:
        raise Unavailable(
            "EFACTURA_RULES_DOWNLOAD",
            f"Descărcarea {source.url} a eșuat: {exc}",
            f"Downloading {source.url} failed: {exc}",
        ) from exc
    body = response.content
    digest = hashlib.sha256(body).hexdigest()
    if source.sha256 and digest != source.sha256:
        raise Unavailable(
            "EFACTURA_RULES_CHECKSUM",
            f"Fișierul {name} descărcat de la {source.url} nu este cel așteptat "
            f"(sha256 {digest}, așteptat {source.sha256}).",
            f"{source.url} has an unexpected checksum {digest}.",
        )
    return body


def _unzip(body: bytes, name: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(BytesIO(body))
    except zipfile.BadZipFile as exc:
        raise Unavailable(
            "EFACTURA_RULES_ARCHIVE", f"Arhiva {name} nu este un ZIP valid.", "Not a ZIP file."
        ) from exc


def _place_anaf(archive: zipfile.ZipFile, target: Path) -> int:
    """ANAF's .sch files under cius-ro-<v>/anaf-ro16931-ubl-<v>/, without the archive's own
    top folder (member names are used as relative paths only, never to leave the folder)."""
    count = 0
    for info in archive.infolist():
        parts = PurePosixPath(info.filename).parts
        if info.is_dir() or len(parts) < 2 or ".." in parts:
            continue
        out = target / ANAF_FOLDER / Path(*parts[1:])
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(archive.read(info))
        count += 1
    return count


def _place_ubl(archive: zipfile.ZipFile, target: Path) -> int:
    """The UBL 2.1 schemas: every xsd/common/*.xsd and the Invoice and CreditNote ones."""
    wanted = {PurePosixPath(p).name for p in XSD.values()}
    count = 0
    for info in archive.infolist():
        path = PurePosixPath(info.filename)
        folder = path.parent.as_posix()
        if info.is_dir() or path.suffix != ".xsd":
            continue
        if folder.endswith("xsd/common"):
            out = target / "ubl-2.1/xsd/common" / path.name
        elif folder.endswith("xsd/maindoc") and path.name in wanted:
            out = target / "ubl-2.1/xsd/maindoc" / path.name
        else:
            continue
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(archive.read(info))
        count += 1
    return count


def _forget(*folders: Path) -> None:
    gone = {f.resolve() for f in folders}
    with _LOCK:
        for key in [k for k in _VALIDATORS if k.resolve() in gone]:
            del _VALIDATORS[key]


def _smoke_test(folder: Path) -> None:
    """The new folder must validate a correct invoice with no error, else it is not used."""
    from domain.efactura.ubl import build_ubl

    findings = validate_ubl(build_ubl(SMOKE_INVOICE), rules_dir=folder)
    bad = [f for f in findings if f.severity != WARNING]
    if bad:
        raise Unavailable(
            "EFACTURA_RULES_BROKEN",
            f"Regulile descărcate resping o factură corectă: {bad[0].rule} {bad[0].message}",
            "The downloaded rules refuse a correct invoice.",
        )


def rules_install(
    target: Path,
    *,
    sources: Mapping[str, RuleSource] | None = None,
    timeout: float = 120.0,
) -> dict[str, Any]:
    """Download the official rules into `target`: fetched, checked (checksums, the schemas
    and the stylesheet load, a correct invoice passes) in a folder beside it, then swapped
    in, so a failed download never leaves a half-written rules folder in use."""
    import httpx

    chosen = {**OFFICIAL_SOURCES, **(sources or {})}
    target = Path(target).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        with httpx.Client(timeout=timeout, follow_redirects=True) as client:
            bodies = {name: _fetch(client, name, chosen[name]) for name in ("anaf", "xslt", "ubl")}
        placed = {
            "anaf": _place_anaf(_unzip(bodies["anaf"], "ANAF"), work),
            "ubl": _place_ubl(_unzip(bodies["ubl"], "UBL 2.1"), work),
        }
        anaf_zip = work / f"cius-ro-{codes.RULES_VERSION}/ro16931-ubl-{codes.RULES_VERSION}.zip"
        anaf_zip.parent.mkdir(parents=True, exist_ok=True)
        anaf_zip.write_bytes(bodies["anaf"])
        (work / XSLT).parent.mkdir(parents=True, exist_ok=True)
        (work / XSLT).write_bytes(bodies["xslt"])
        manifest = {
            "rules_version": codes.RULES_VERSION,
            "sources": {
                name: {"url": chosen[name].url, "sha256": hashlib.sha256(body).hexdigest()}
                for name, body in sorted(bodies.items())
            },
            "files": placed,
        }
        (work / "SOURCES.json").write_text(json.dumps(manifest, indent=2) + "\n")
        _smoke_test(work)
        old = None
        if target.exists():
            old = target.with_name(f".{target.name}-old")
            shutil.rmtree(old, ignore_errors=True)
            target.rename(old)
        try:
            work.rename(target)
        except OSError:
            if old is not None:
                old.rename(target)  # the previous rules stay in use
            raise
        _forget(target, work)  # a validator of the old files must not outlive them
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        return manifest
    finally:
        _forget(work)
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)


# A small, correct invoice: what a fresh rules folder must accept before it is used.
SMOKE_INVOICE: dict[str, Any] = {
    "type_code": "380",
    "full_number": "TEST-00001",
    "issue_date": "2025-09-15",
    "due_date": "2025-10-15",
    "delivery_date": "2025-09-15",
    "currency": "RON",
    "vat_regime": "normal",
    "mentions": [],
    "supplier_snapshot": {
        "name": "Furnizor Test SRL", "cui": "44556670", "vat_code": "RO44556670",
        "vat_payer": True, "country": "RO", "county": "RO-B", "sector": "SECTOR1",
        "city": "București", "street": "Calea Victoriei 1", "bank_accounts": [],
    },
    "customer_snapshot": {
        "kind": "company", "name": "Client Test SRL", "cui": "12345674",
        "vat_code": "RO12345674", "vat_payer": True, "country": "RO", "county": "RO-CJ",
        "city": "Cluj-Napoca", "street": "Str. Memorandumului 10",
    },
    "lines": [
        {"position": 1, "description": "Consultanță", "quantity": "2", "uom_code": "HUR",
         "unit_price": "100", "discount": "0", "vat_code": "S", "vat_rate": "21",
         "net": "200.00"},
    ],
    "vat_breakdown": [
        {"vat_code": "S", "vat_rate": "21", "base": "200.00", "vat": "42.00"},
    ],
    "line_net_total": "200.00", "allowance_total": "0", "charge_total": "0",
    "tax_exclusive": "200.00", "vat_total": "42.00", "vat_total_ron": "42.00",
    "tax_inclusive": "242.00", "prepaid": "0", "payable": "242.00",
}  # fmt: skip
