"""ANAF PlatitorTvaRest look-up against a real local HTTP server fed from the real sample."""

from __future__ import annotations

import copy
import itertools
import socket
import time
from collections.abc import Iterator
from datetime import date

import httpx
import pytest

from domain.core.errors import NotFound, Unavailable, ValidationFailed
from domain.partners.anaf import ANAF_VAT_URL, AnafCompany, anaf_company_lookup, parse_found_item
from tests.peers.fake_anaf import FakeAnaf, load_sample, running_fake_anaf, sample_found_items

ON = date(2024, 5, 2)
SAMPLE = sample_found_items()


@pytest.fixture
def fake() -> Iterator[FakeAnaf]:
    with FakeAnaf() as server:
        yield server


async def lookup(cui: str, url: str, **kwargs) -> AnafCompany:
    kwargs.setdefault("min_interval", 0.0)
    return await anaf_company_lookup(cui, on=ON, base_url=url, **kwargs)


def test_sample_is_what_we_think() -> None:
    assert sorted(SAMPLE) == ["27193515", "30834857", "42078234", "4264242", "8235738"]
    # the sample also holds an error-only entry (twice in the file; JSON keeps the last)
    assert load_sample()["3083485711"] == {"error": "Nu exista date pentru CUI-ul introdus"}
    assert ANAF_VAT_URL == "https://webservicesp.anaf.ro/api/PlatitorTvaRest/v9/tva"


# --------------------------------------------------------------------------- found


@pytest.mark.asyncio
@pytest.mark.parametrize("cui", sorted(SAMPLE))
async def test_every_sample_cui_parses(fake: FakeAnaf, cui: str) -> None:
    item = SAMPLE[cui]
    general = item["date_generale"]
    company = await lookup(cui, fake.url)

    assert company.cui == cui
    assert company.name == general["denumire"]
    assert company.county_code == "RO-" + item["adresa_sediu_social"]["scod_JudetAuto"]
    assert company.vat_payer is item["inregistrare_scop_Tva"]["scpTVA"]
    assert company.cash_vat is item["inregistrare_RTVAI"]["statusTvaIncasare"]
    assert company.inactive is item["stare_inactiv"]["statusInactivi"]
    assert company.e_invoice_registered is general["statusRO_e_Factura"]
    assert company.reg_com == general["nrRegCom"]
    assert company.address_line == " ".join(general["adresa"].split())
    assert company.city == " ".join(item["adresa_sediu_social"]["sdenumire_Localitate"].split())
    assert company.deregistered is False  # no dataRadiere anywhere in the sample
    assert company == parse_found_item(item)  # the HTTP path adds nothing


@pytest.mark.asyncio
async def test_bucharest_company(fake: FakeAnaf) -> None:
    company = await lookup("RO 4264242", fake.url)
    assert company == AnafCompany(
        cui="4264242",
        name="CUMPANA 1993 SRL",
        address_line=(
            "MUNICIPIUL BUCUREŞTI, SECTOR 3, STR. ALEXANDER VON HUMBOLDT, NR.10, ET.PARTER"
        ),
        street="Str. Alexander Von Humboldt, nr. 10, PARTER",
        city="Sector 3 Mun. Bucureşti",
        county_code="RO-B",
        sector="SECTOR3",
        postal_code="031472",  # ANAF sends 31472: the leading 0 is restored
        reg_com="J40/16655/1993",
        phone="0219224",
        vat_payer=True,
        cash_vat=False,
        inactive=False,
        e_invoice_registered=True,
        caen="1107",
        deregistered=False,
    )


@pytest.mark.asyncio
async def test_request_body_has_int_cui_and_date(fake: FakeAnaf) -> None:
    await lookup("ro4264242", fake.url)
    assert fake.requests == [[{"cui": 4264242, "data": "2024-05-02"}]]
    (entry,) = fake.request_log
    assert entry["path"] == "/api/PlatitorTvaRest/v9/tva"
    assert entry["content_type"] == "application/json"


@pytest.mark.asyncio
async def test_county_flags_and_odd_fields(fake: FakeAnaf) -> None:
    holz = await lookup("8235738", fake.url)
    assert (holz.county_code, holz.sector, holz.cash_vat, holz.vat_payer) == (
        "RO-TM",
        None,
        True,
        True,
    )
    assert holz.street == "nr. 69/A"  # sdenumire_Strada is a lone space
    assert holz.phone is None
    assert holz.postal_code == "307416"

    forest = await lookup("30834857", fake.url)
    assert forest.caen == "0119"  # ANAF sends "119"
    assert forest.street == "FERMA 5-6"
    assert forest.city == "Sat Giulvăz Com. Giulvăz"
    assert forest.cash_vat is False  # was in RTVAI 2013-02..2013-08, not any more

    pfa = await lookup("42078234", fake.url)
    assert pfa.reg_com == "F35/11/2020"
    assert pfa.vat_payer is False
    assert pfa.postal_code is None

    gone = await lookup("27193515", fake.url)
    assert gone.vat_payer is False
    assert gone.postal_code == "300699"


@pytest.mark.asyncio
async def test_caller_supplied_client(fake: FakeAnaf) -> None:
    async with httpx.AsyncClient() as client:
        company = await lookup("4264242", fake.url, client=client)
    assert company.name == "CUMPANA 1993 SRL"


@pytest.mark.asyncio
async def test_running_fake_anaf_yields_url() -> None:
    with running_fake_anaf() as url:
        assert url.startswith("http://127.0.0.1:")
        assert (await lookup("8235738", url)).cui == "8235738"


# --------------------------------------------------------------------------- not found / bad


@pytest.mark.asyncio
@pytest.mark.parametrize("cui", ["3083485711", "12345674"])
async def test_not_found(fake: FakeAnaf, cui: str) -> None:
    with pytest.raises(NotFound) as info:
        await lookup(cui, fake.url)
    err = info.value
    assert err.code == "ANAF_CUI_NOT_FOUND"
    assert err.status == 404
    assert f"ANAF nu are niciun contribuabil cu CUI {cui}" in err.message_ro
    assert fake.requests == [[{"cui": int(cui), "data": "2024-05-02"}]]


@pytest.mark.asyncio
@pytest.mark.parametrize("cui", ["", "RO", "12A45", "RO-123", "12345678901"])
async def test_bad_shape_is_rejected_before_asking(fake: FakeAnaf, cui: str) -> None:
    with pytest.raises(ValidationFailed) as info:
        await lookup(cui, fake.url)
    assert info.value.field == "cui"
    assert fake.requests == []


# --------------------------------------------------------------------------- unavailable


def assert_unavailable(err: Unavailable) -> None:
    assert err.code == "ANAF_UNAVAILABLE"
    assert err.status == 503
    assert err.message_ro.startswith("Serviciul ANAF nu răspunde acum (")
    assert "Completați datele manual sau încercați mai târziu." in err.message_ro


@pytest.mark.asyncio
@pytest.mark.parametrize("mode", ["http500", "html", "cod500", "empty"])
async def test_misbehaviour_is_unavailable(fake: FakeAnaf, mode: str) -> None:
    fake.mode = mode
    with pytest.raises(Unavailable) as info:
        await lookup("4264242", fake.url)
    assert_unavailable(info.value)
    assert len(fake.requests) == 1


@pytest.mark.asyncio
async def test_slow_answer_is_unavailable() -> None:
    with FakeAnaf("slow", slow_seconds=5) as fake:
        started = time.monotonic()
        with pytest.raises(Unavailable) as info:
            await lookup("4264242", fake.url, timeout=0.3)
        assert time.monotonic() - started < 3
    assert_unavailable(info.value)
    assert "timp de așteptare" in info.value.message_ro


@pytest.mark.asyncio
async def test_closed_port_is_unavailable() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(Unavailable) as info:
        await lookup("4264242", f"http://127.0.0.1:{port}/api/PlatitorTvaRest/v9/tva")
    assert_unavailable(info.value)


@pytest.mark.asyncio
async def test_bad_url_is_unavailable() -> None:
    with pytest.raises(Unavailable) as info:
        await lookup("4264242", "notaurl")
    assert_unavailable(info.value)


# --------------------------------------------------------------------------- rate limit


@pytest.mark.asyncio
async def test_consecutive_calls_are_spaced(fake: FakeAnaf) -> None:
    for cui in ("4264242", "8235738", "42078234"):
        await lookup(cui, fake.url, min_interval=0.25)
    arrivals = [entry["received_at"] for entry in fake.request_log]
    gaps = [b - a for a, b in itertools.pairwise(arrivals)]
    assert all(gap >= 0.24 for gap in gaps), gaps


# --------------------------------------------------------------------------- pure parsing


def test_parse_falls_back_to_fiscal_domicile_and_numeric_county() -> None:
    item = copy.deepcopy(SAMPLE["4264242"])
    item["adresa_sediu_social"] = {key: "" for key in item["adresa_sediu_social"]}
    item["adresa_domiciliu_fiscal"]["dcod_JudetAuto"] = ""
    company = parse_found_item(item)
    assert company.county_code == "RO-B"
    assert company.sector == "SECTOR3"
    assert company.street == "Str. Alexander Von Humboldt, nr. 10"
    assert company.postal_code == "031472"


def test_parse_deregistered_and_inactive() -> None:
    item = copy.deepcopy(SAMPLE["27193515"])
    item["stare_inactiv"].update(dataRadiere="2016-08-22", statusInactivi=True)
    company = parse_found_item(item)
    assert company.deregistered is True
    assert company.inactive is True
    assert company.county_code == "RO-TM"
    assert company.sector is None
