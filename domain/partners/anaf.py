"""Partner pre-fill from ANAF's public PlatitorTvaRest web service (no auth).

`anaf_company_lookup("RO4264242", on=date.today(), base_url=ANAF_VAT_URL)` (the URL is
configurable; ANAF_VAT_URL is the production v9 endpoint) POSTs
`[{"cui": 4264242, "data": "YYYY-MM-DD"}]` and turns the matching `found[]` item into an
`AnafCompany`. Structured address fields come from `adresa_sediu_social` (registered seat),
falling back to `adresa_domiciliu_fiscal` when the seat block is empty; `address_line` is
ANAF's own one-line `date_generale.adresa` (which in practice follows the fiscal domicile,
so it may differ from the structured seat fields).

Errors are domain errors only: NotFound("ANAF_CUI_NOT_FOUND") when ANAF lists the CUI in
`notFound`, Unavailable("ANAF_UNAVAILABLE") for anything else that goes wrong (network,
timeout, HTTP status, non-JSON, `cod` != 200, an item we cannot read). httpx exceptions
never escape. Calls within one process are spaced by `min_interval` seconds (ANAF asks
for about one request per second).

The CUI check digit is *not* verified here; only the shape (digits, optional RO prefix).
"""

from __future__ import annotations

import asyncio
import re
import time
import weakref
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx

from domain.core.errors import NotFound, Unavailable, ValidationFailed

ANAF_VAT_URL = "https://webservicesp.anaf.ro/api/PlatitorTvaRest/v9/tva"
DEFAULT_MIN_INTERVAL = 1.0

# ISO 3166-2:RO subdivision codes are the car-plate codes ANAF sends as scod_JudetAuto.
_COUNTY_AUTO_CODES = frozenset(
    [
        "AB",
        "AR",
        "AG",
        "BC",
        "BH",
        "BN",
        "BT",
        "BV",
        "BR",
        "B",
        "BZ",
        "CS",
        "CL",
        "CJ",
        "CT",
        "CV",
        "DB",
        "DJ",
        "GL",
        "GR",
        "GJ",
        "HR",
        "HD",
        "IL",
        "IS",
        "IF",
        "MM",
        "MH",
        "MS",
        "NT",
        "OT",
        "PH",
        "SM",
        "SJ",
        "SB",
        "SV",
        "TR",
        "TM",
        "TL",
        "VS",
        "VL",
        "VN",
    ]
)
# Fallback when scod_JudetAuto is missing: ANAF's numeric scod_Judet (same numbering as the
# county part of a CNP: 35 Timiș, 40 București, 51 Călărași, 52 Giurgiu).
_COUNTY_BY_NUMBER = {
    1: "AB", 2: "AR", 3: "AG", 4: "BC", 5: "BH", 6: "BN", 7: "BT", 8: "BV", 9: "BR",
    10: "BZ", 11: "CS", 12: "CJ", 13: "CT", 14: "CV", 15: "DB", 16: "DJ", 17: "GL",
    18: "GJ", 19: "HR", 20: "HD", 21: "IL", 22: "IS", 23: "IF", 24: "MM", 25: "MH",
    26: "MS", 27: "NT", 28: "OT", 29: "PH", 30: "SM", 31: "SJ", 32: "SB", 33: "SV",
    34: "TR", 35: "TM", 36: "TL", 37: "VS", 38: "VL", 39: "VN", 40: "B", 51: "CL",
    52: "GR",
}  # fmt: skip

_SECTOR_RE = re.compile(r"\bSECTOR(?:UL)?\s*([1-6])\b", re.IGNORECASE)
_BUCHAREST_RE = re.compile(r"BUCURE[SŞȘ]TI", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class AnafCompany:
    cui: str  # digits only, no RO prefix
    name: str
    address_line: str  # ANAF's one-line address text (date_generale.adresa)
    street: str  # street, number and details of the registered seat, "" if none
    city: str  # locality as ANAF names it, e.g. "Mun. Timişoara", "Sector 3 Mun. Bucureşti"
    county_code: str | None  # ISO 3166-2, "RO-TM"; "RO-B" for Bucharest
    sector: str | None  # "SECTOR3" for a Bucharest address with a known sector
    postal_code: str | None
    reg_com: str | None  # nrRegCom, "J40/16655/1993"
    phone: str | None
    vat_payer: bool  # scpTVA on the requested date
    cash_vat: bool  # statusTvaIncasare (TVA la încasare)
    inactive: bool  # statusInactivi
    e_invoice_registered: bool  # statusRO_e_Factura
    caen: str | None  # 4 digits
    deregistered: bool  # stare_inactiv.dataRadiere is set


# --------------------------------------------------------------------------- parsing


def _text(value: Any) -> str:
    """ANAF strings are often padded or a lone space; None and non-strings become ""."""
    if value is None:
        return ""
    return " ".join(str(value).split())


def _opt(value: Any) -> str | None:
    return _text(value) or None


def _flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"true", "1", "da"}
    return bool(value)


def _block(item: dict[str, Any], name: str) -> dict[str, Any]:
    value = item.get(name)
    return value if isinstance(value, dict) else {}


def _address(item: dict[str, Any]) -> dict[str, str]:
    """Registered-seat address with prefixes dropped; fiscal domicile if the seat is empty."""
    for block_name, prefix in (("adresa_sediu_social", "s"), ("adresa_domiciliu_fiscal", "d")):
        block = _block(item, block_name)
        fields = {
            key: _text(block.get(prefix + key))
            for key in (
                "denumire_Strada",
                "numar_Strada",
                "denumire_Localitate",
                "cod_Localitate",
                "denumire_Judet",
                "cod_Judet",
                "cod_JudetAuto",
                "detalii_Adresa",
                "cod_Postal",
            )
        }
        if fields["denumire_Localitate"] or fields["denumire_Strada"]:
            return fields
    return {}


def _county_code(addr: dict[str, str], address_line: str) -> str | None:
    auto = addr.get("cod_JudetAuto", "").upper()
    if auto not in _COUNTY_AUTO_CODES:
        auto = ""
        number = addr.get("cod_Judet", "")
        if number.isdigit():
            auto = _COUNTY_BY_NUMBER.get(int(number), "")
    if not auto and _BUCHAREST_RE.search(addr.get("denumire_Judet", "") or address_line):
        auto = "B"
    return f"RO-{auto}" if auto else None


def _sector(addr: dict[str, str], address_line: str) -> str | None:
    for text in (addr.get("denumire_Localitate", ""), address_line):
        match = _SECTOR_RE.search(text)
        if match:
            return f"SECTOR{match.group(1)}"
    return None


def _postal_code(*candidates: str) -> str | None:
    for raw in candidates:
        code = raw.replace(" ", "")
        if not code or code.strip("0") == "":
            continue
        # Romanian postal codes have 6 digits; ANAF stores them as numbers, so Bucharest's
        # leading 0 is lost ("31472" is 031472).
        if code.isdigit() and len(code) < 6:
            code = code.zfill(6)
        return code
    return None


def _street(addr: dict[str, str]) -> str:
    parts = []
    if addr.get("denumire_Strada"):
        parts.append(addr["denumire_Strada"])
    if addr.get("numar_Strada"):
        parts.append(f"nr. {addr['numar_Strada']}")
    if addr.get("detalii_Adresa"):
        parts.append(addr["detalii_Adresa"])
    return ", ".join(parts)


def _caen(value: Any) -> str | None:
    code = _text(value)
    if not code or code.strip("0") == "":
        return None
    # Also a number on ANAF's side: agriculture codes lose their leading 0 ("119" is 0119).
    return code.zfill(4) if code.isdigit() else code


def parse_found_item(item: dict[str, Any]) -> AnafCompany:
    """One element of ANAF's `found[]` → AnafCompany. Raises KeyError/TypeError/ValueError
    when the item has no `date_generale.cui` (the caller turns that into Unavailable)."""
    general = item["date_generale"]
    cui = _text(general["cui"])
    if not cui.isdigit():
        raise ValueError(f"ANAF item has a non-numeric cui: {cui!r}")
    address_line = _text(general.get("adresa"))
    addr = _address(item)
    county_code = _county_code(addr, address_line)
    sector = _sector(addr, address_line) if county_code == "RO-B" else None
    inactive_block = _block(item, "stare_inactiv")
    return AnafCompany(
        cui=cui,
        name=_text(general.get("denumire")),
        address_line=address_line,
        street=_street(addr),
        city=addr.get("denumire_Localitate", ""),
        county_code=county_code,
        sector=sector,
        postal_code=_postal_code(addr.get("cod_Postal", ""), _text(general.get("codPostal"))),
        reg_com=_opt(general.get("nrRegCom")),
        phone=_opt(general.get("telefon")),
        vat_payer=_flag(_block(item, "inregistrare_scop_Tva").get("scpTVA")),
        cash_vat=_flag(_block(item, "inregistrare_RTVAI").get("statusTvaIncasare")),
        inactive=_flag(inactive_block.get("statusInactivi")),
        e_invoice_registered=_flag(general.get("statusRO_e_Factura")),
        caen=_caen(general.get("cod_CAEN")),
        deregistered=bool(_text(inactive_block.get("dataRadiere"))),
    )


def normalize_cui(cui: str) -> str:
    """'RO 4264242' / 'ro4264242' / ' 4264242 ' → '4264242'. Shape only, no check digit."""
    text = "".join(str(cui).split()).upper()
    text = text.removeprefix("RO")
    if not text.isdigit() or not 2 <= len(text) <= 10:
        raise ValidationFailed(
            "CUI_FORMAT",
            f"CUI-ul „{cui}” nu este valid: trebuie să conțină între 2 și 10 cifre "
            "(opțional precedate de RO).",
            f"CUI {cui!r} is not valid: 2 to 10 digits expected (optionally prefixed by RO).",
            field="cui",
        )
    return text.lstrip("0") or "0"


# --------------------------------------------------------------------------- rate limit

_last_call: float | None = None  # monotonic time of the last request start or end
_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
    weakref.WeakKeyDictionary()
)


async def _wait_turn(min_interval: float) -> None:
    """Space request starts in this process at least `min_interval` seconds apart
    (and, via `_finished`, each start at least that long after the previous answer).

    One lock per event loop (an asyncio.Lock must not be shared between loops, and tests run
    one loop each); the timestamp is process-wide.
    """
    global _last_call
    loop = asyncio.get_running_loop()
    lock = _locks.get(loop)
    if lock is None:
        lock = _locks[loop] = asyncio.Lock()
    async with lock:
        if _last_call is not None:
            delay = _last_call + min_interval - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
        _last_call = time.monotonic()


def _finished() -> None:
    """Count the interval from the end of a request too: sequential calls are then spaced
    by `min_interval` even as seen from ANAF's side (connect time varies)."""
    global _last_call
    now = time.monotonic()
    _last_call = now if _last_call is None else max(_last_call, now)


# --------------------------------------------------------------------------- lookup


def _unavailable(reason_ro: str, reason_en: str, **details: Any) -> Unavailable:
    return Unavailable(
        "ANAF_UNAVAILABLE",
        f"Serviciul ANAF nu răspunde acum ({reason_ro}). "
        "Completați datele manual sau încercați mai târziu.",
        f"The ANAF service is not answering right now ({reason_en}). "
        "Fill in the details by hand or try again later.",
        details=details,
    )


def _listed_cui(entry: Any) -> str:
    if isinstance(entry, dict):
        entry = entry.get("cui", (entry.get("date_generale") or {}).get("cui"))
    return _text(entry).lstrip("0")


async def anaf_company_lookup(
    cui: str,
    *,
    on: date,
    base_url: str,
    timeout: float = 10.0,
    client: httpx.AsyncClient | None = None,
    min_interval: float = DEFAULT_MIN_INTERVAL,
) -> AnafCompany:
    """Ask ANAF about one CUI as of date `on`; see the module docstring for errors."""
    digits = normalize_cui(cui)
    payload = [{"cui": int(digits), "data": on.isoformat()}]

    await _wait_turn(min_interval)
    try:
        try:
            if client is None:
                async with httpx.AsyncClient(timeout=timeout) as own_client:
                    response = await own_client.post(base_url, json=payload)
            else:
                response = await client.post(base_url, json=payload, timeout=timeout)
        finally:
            _finished()
    except httpx.TimeoutException as exc:
        raise _unavailable("timp de așteptare depășit", "timed out", cui=digits) from exc
    except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError, OSError) as exc:
        raise _unavailable(
            "eroare de conexiune", "connection error", cui=digits, error=type(exc).__name__
        ) from exc

    if response.status_code != 200:
        raise _unavailable(
            f"HTTP {response.status_code}",
            f"HTTP {response.status_code}",
            cui=digits,
            http_status=response.status_code,
        )
    try:
        body = response.json()
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError
        raise _unavailable("răspuns ilizibil", "unreadable answer", cui=digits) from exc
    if not isinstance(body, dict):
        raise _unavailable("răspuns ilizibil", "unreadable answer", cui=digits)
    if body.get("cod") != 200:
        raise _unavailable(
            f"cod {body.get('cod')}: {_text(body.get('message'))}",
            f"code {body.get('cod')}: {_text(body.get('message'))}",
            cui=digits,
            anaf_code=body.get("cod"),
        )

    found = body.get("found") or []
    not_found = body.get("notFound") or []
    if not isinstance(found, list) or not isinstance(not_found, list):
        raise _unavailable("răspuns ilizibil", "unreadable answer", cui=digits)
    for item in found:
        general = item.get("date_generale") if isinstance(item, dict) else None
        if isinstance(general, dict) and _listed_cui(general.get("cui")) == digits:
            try:
                return parse_found_item(item)
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                raise _unavailable("răspuns ilizibil", "unreadable answer", cui=digits) from exc
    if any(_listed_cui(entry) == digits for entry in not_found):
        raise NotFound(
            "ANAF_CUI_NOT_FOUND",
            f"ANAF nu are niciun contribuabil cu CUI {digits}. Verificați codul.",
            f"ANAF has no taxpayer with CUI {digits}. Check the code.",
            field="cui",
            details={"cui": digits},
        )
    raise _unavailable(
        "răspunsul nu conține CUI-ul cerut", "the answer does not mention the CUI", cui=digits
    )
