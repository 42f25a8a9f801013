"""The reference questions over HTTP: the VAT rate of a category on a delivery date (dated
records, the 2025-08-01 change, the housing rate that ends on 2026-07-31) and the BNR
rate an invoice uses (the last publication before the invoice date), from a real BNR file.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal

import httpx
import pytest

from domain.org.actors import token_create
from domain.org.fx import rates_import_document
from domain.org.permissions import SYSTEM
from tests.shared_data import shared_path

Login = Callable[[str], Awaitable[httpx.AsyncClient]]


@pytest.fixture
async def viewer(login: Login) -> httpx.AsyncClient:
    return await login("viewer")


@pytest.fixture
async def bnr_2024() -> None:
    """BNR's publications of 3-23 January 2024."""
    data = shared_path("ro", "bnr", "nbrfxrates2024.xml").read_bytes()
    assert await rates_import_document(data, source="test", by=SYSTEM) > 0


def amount(value: object) -> Decimal:
    """Decimals may be encoded as JSON strings or numbers."""
    return Decimal(str(value))


def assert_error(response: httpx.Response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["code"] == code, body
    return body


# --------------------------------------------------------------------------- VAT


VAT_ON = [
    ("S-STANDARD", "2025-07-31", "19"),
    ("S-STANDARD", "2025-08-01", "21"),
    ("S-REDUSA", "2025-07-31", "9"),
    ("S-REDUSA", "2025-08-01", "11"),
    ("S-LOCUINTE", "2025-07-31", "5"),
    ("S-LOCUINTE", "2025-08-01", "9"),
    ("S-LOCUINTE", "2026-07-31", "9"),
    ("Z", "2026-08-01", "0"),
]


async def test_vat_rate_in_force_on_the_day(viewer):
    for category, day, rate in VAT_ON:
        response = await viewer.get("/api/vat-rate", params={"category": category, "on": day})
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["category"], body["date"]) == (category, day)
        assert amount(body["rate"]) == Decimal(rate), (category, day)


async def test_no_rate_in_force_is_refused_not_guessed(viewer):
    response = await viewer.get(
        "/api/vat-rate", params={"category": "S-LOCUINTE", "on": "2026-08-01"}
    )
    body = assert_error(response, 422, "VAT_RATE_MISSING")
    assert body["message"].startswith(
        "Categoria de TVA «S-LOCUINTE» nu are o cotă în vigoare la 01.08.2026."
    )
    assert body["details"] == {"category": "S-LOCUINTE", "date": "2026-08-01"}


async def test_unknown_category_or_malformed_question(viewer):
    unknown = await viewer.get("/api/vat-rate", params={"category": "S-LUX", "on": "2025-08-01"})
    body = assert_error(unknown, 404, "VAT_CATEGORY_NOT_FOUND")
    assert body["message"] == "Categoria de TVA «S-LUX» nu există."

    for params in (
        {"category": "S-STANDARD"},  # no date
        {"category": "S-STANDARD", "on": "01.08.2025"},
        {"category": "S-STANDARD", "on": "2025-02-30"},
        {"category": "S\x00STANDARD", "on": "2025-08-01"},
    ):
        response = await viewer.get("/api/vat-rate", params=params)
        assert_error(response, 400, "REQUEST_INVALID")


# --------------------------------------------------------------------------- BNR


async def test_invoice_uses_the_rate_published_the_banking_day_before(viewer, bnr_2024):
    response = await viewer.get(
        "/api/fx-rate", params={"currency": "EUR", "invoice_date": "2024-01-24"}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["currency"] == "EUR"
    assert body["invoice_date"] == "2024-01-24"
    assert body["published_date"] == "2024-01-23"
    assert amount(body["rate"]) == Decimal("4.9767")
    assert body["multiplier"] == 1
    assert amount(body["per_unit"]) == Decimal("4.9767")

    # The rate published on the invoice day itself is not yet the one to use.
    same_day = await viewer.get(
        "/api/fx-rate", params={"currency": "eur", "invoice_date": "2024-01-23"}
    )
    assert same_day.json()["published_date"] == "2024-01-22"


async def test_weekend_and_monday_invoices_use_fridays_rate(viewer, bnr_2024):
    for invoice_date in ("2024-01-20", "2024-01-21", "2024-01-22"):  # Saturday .. Monday
        response = await viewer.get(
            "/api/fx-rate", params={"currency": "EUR", "invoice_date": invoice_date}
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["published_date"] == "2024-01-19", invoice_date  # Friday
        assert amount(body["rate"]) == Decimal("4.9769")


async def test_rate_quoted_per_hundred_units(viewer, bnr_2024):
    response = await viewer.get(
        "/api/fx-rate", params={"currency": "HUF", "invoice_date": "2024-01-24"}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert amount(body["rate"]) == Decimal("1.2936")
    assert body["multiplier"] == 100
    assert amount(body["per_unit"]) == Decimal("0.012936")


async def test_no_rate_published_before_the_invoice_is_404(viewer, bnr_2024):
    # The file starts with the publication of 2024-01-03: nothing comes before it.
    response = await viewer.get(
        "/api/fx-rate", params={"currency": "EUR", "invoice_date": "2024-01-03"}
    )
    body = assert_error(response, 404, "FX_RATE_MISSING")
    assert body["message"].startswith(
        "Nu există un curs BNR pentru EUR publicat înainte de 03.01.2024."
    )
    assert body["details"] == {"currency": "EUR", "date": "2024-01-03"}

    unknown = await viewer.get(
        "/api/fx-rate", params={"currency": "XYZ", "invoice_date": "2024-01-24"}
    )
    assert_error(unknown, 404, "FX_RATE_MISSING")
    malformed = await viewer.get(
        "/api/fx-rate", params={"currency": "EURO", "invoice_date": "2024-01-24"}
    )
    assert_error(malformed, 400, "REQUEST_INVALID")


async def test_reference_answers_follow_token_scopes(anon, bnr_2024):
    _, fx_only = await token_create(name="casa-marcat", scopes=["fx:read"], by=SYSTEM)
    headers = {"Authorization": f"Bearer {fx_only}"}
    fx = await anon.get(
        "/api/fx-rate", params={"currency": "EUR", "invoice_date": "2024-01-24"}, headers=headers
    )
    assert fx.status_code == 200, fx.text
    vat = await anon.get(
        "/api/vat-rate", params={"category": "S-STANDARD", "on": "2025-08-01"}, headers=headers
    )
    body = assert_error(vat, 403, "FORBIDDEN")
    assert body["details"] == {"area": "catalog", "action": "read"}
