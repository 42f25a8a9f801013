"""A company's SPV connection: its OAuth client, the authorisation, tokens ready to use.

- `connection_configure` stores the client registered at ANAF (the secret encrypted);
- `oauth_start` gives the ANAF authorize URL with a signed `state` (company, user, expiry),
  `oauth_callback` checks it, exchanges the code and stores the tokens (encrypted);
- `spv_client(company_id, settings)` is what the jobs (send, poll, download, receive) use:
  an `AnafClient` with an access token refreshed when less than `REFRESH_AHEAD` is left.
  Refreshing returns a new refresh token too; both are stored. Two workers refreshing at
  once: the loser's refresh may be refused (ANAF rotates refresh tokens), so a refused
  refresh re-reads the row and uses what the winner stored;
- `connection_status` says whether sending works and warns `WARN_DAYS` before the refresh
  token dies (then only a person with the company's certificate can authorise again).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets as random
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from domain.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from domain.core.tx import for_update, write_tx
from domain.efactura.anaf import (
    AnafAuthFailed,
    AnafClient,
    AnafUrls,
    authorize_url,
    token_exchange,
    token_refresh,
)
from domain.efactura.secrets import decrypt, encrypt
from domain.org.permissions import Action, Actor, Area, require
from tables.choices import AnafEnvironment
from tables.efactura import AnafConnection
from tables.org import Company

REFRESH_AHEAD = timedelta(days=7)
WARN_DAYS = 30
STATE_TTL_S = 15 * 60
MAX_AUTO_SEND_HOURS = 96  # the law gives 5 working days; keep well inside them


def _now() -> datetime:
    return datetime.now(UTC)


def as_utc(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


async def connection_row(company_id: int) -> dict[str, Any] | None:
    return (
        await AnafConnection.select(*AnafConnection._meta.columns)
        .where(AnafConnection.company == company_id)
        .first()
    )


async def company_cif(company_id: int) -> str:
    row = await Company.select(Company.cui).where(Company.id == company_id).first()
    if row is None:
        raise NotFound("COMPANY_NOT_FOUND", "Firma nu există.", "No such company.")
    return row["cui"]


# --------------------------------------------------------------------------- configure


async def connection_configure(
    *,
    company_id: int,
    client_id: str,
    client_secret: str | None,
    redirect_uri: str,
    environment: str,
    auto_send_hours: int,
    by: Actor,
    secret: str,
) -> int:
    """Store the OAuth client of `company_id` (the secret only when given: empty keeps
    the stored one). Authorisation comes next (`oauth_start`)."""
    require(by, Area.org, Action.write)
    client_id = client_id.strip()
    redirect_uri = redirect_uri.strip()
    if not client_id or len(client_id) > 200:
        raise ValidationFailed(
            "ANAF_CLIENT_ID", "Completați Client ID-ul aplicației înregistrate la ANAF.",
            "The ANAF client id is required.", field="client_id",
        )  # fmt: skip
    if not redirect_uri.startswith(("https://", "http://")) or len(redirect_uri) > 300:
        raise ValidationFailed(
            "ANAF_REDIRECT_URI",
            "Adresa de întoarcere (callback) trebuie să fie cea înregistrată la ANAF, de forma "
            "https://<server>/api/efactura/oauth/callback.",
            "The redirect URI must be the one registered at ANAF.",
            field="redirect_uri",
        )
    if environment not in set(AnafEnvironment):
        raise ValidationFailed(
            "ANAF_ENVIRONMENT", "Mediul SPV este «test» sau «prod».",
            "The environment is test or prod.", field="environment",
        )  # fmt: skip
    if not 0 <= auto_send_hours <= MAX_AUTO_SEND_HOURS:
        raise ValidationFailed(
            "ANAF_AUTO_SEND_HOURS",
            f"Trimiterea automată: între 1 și {MAX_AUTO_SEND_HOURS} de ore după emitere "
            "(0 = doar manual); termenul legal este de 5 zile lucrătoare.",
            f"Automatic sending: 1 to {MAX_AUTO_SEND_HOURS} hours after issue (0 = manual).",
            field="auto_send_hours",
        )
    await company_cif(company_id)  # exists
    values: dict[Any, Any] = {
        AnafConnection.client_id: client_id,
        AnafConnection.redirect_uri: redirect_uri,
        AnafConnection.environment: environment,
        AnafConnection.auto_send_hours: auto_send_hours,
        AnafConnection.updated_at: _now(),
    }
    if client_secret:
        values[AnafConnection.client_secret_enc] = encrypt(client_secret.strip(), secret)
    async with write_tx():
        row = await for_update(
            AnafConnection.select(AnafConnection.id).where(AnafConnection.company == company_id)
        ).first()
        if row is None:
            if not client_secret:
                raise ValidationFailed(
                    "ANAF_CLIENT_SECRET", "Completați Client Secret-ul aplicației.",
                    "The client secret is required.", field="client_secret",
                )  # fmt: skip
            created = AnafConnection({**{c._meta.name: v for c, v in values.items()},
                                      "company": company_id})  # fmt: skip
            await created.save()
            return created.id
        await AnafConnection.update(values).where(AnafConnection.id == row["id"])
        return row["id"]


# --------------------------------------------------------------------------- OAuth


def _sign(payload: str, secret: str) -> str:
    key = hashlib.sha256(f"catastif/oauth-state/{secret}".encode()).digest()
    return base64.urlsafe_b64encode(
        hmac.new(key, payload.encode(), "sha256").digest()[:18]
    ).decode()


def oauth_state_make(company_id: int, user_id: int | None, secret: str) -> str:
    payload = f"{company_id}.{user_id or 0}.{int(time.time()) + STATE_TTL_S}.{random.token_hex(8)}"
    return f"{payload}.{_sign(payload, secret)}"


def oauth_state_read(state: str, secret: str) -> tuple[int, int]:
    """(company id, user id) of a state we signed and that has not expired."""
    invalid = ValidationFailed(
        "ANAF_OAUTH_STATE",
        "Răspunsul ANAF nu corespunde unei autorizări pornite de aici sau a expirat "
        f"(autorizarea trebuie încheiată în {STATE_TTL_S // 60} minute). Porniți-o din nou.",
        "The OAuth state is invalid or expired; start the authorisation again.",
    )
    payload, _, signature = state.rpartition(".")
    if not payload or not hmac.compare_digest(_sign(payload, secret), signature):
        raise invalid
    try:
        company, user, expires, _nonce = payload.split(".")
        if int(expires) < time.time():
            raise invalid
        return int(company), int(user)
    except ValueError:
        raise invalid from None


async def _configured(company_id: int) -> dict[str, Any]:
    row = await connection_row(company_id)
    if row is None or not row["client_id"] or not row["client_secret_enc"]:
        raise Conflict(
            "EFACTURA_CONNECTION_INCOMPLETE",
            "Firma nu are configurată aplicația OAuth ANAF (Client ID, Client Secret, adresa "
            "de întoarcere): completați formularul «e-Factura: conexiune SPV».",
            "The company's ANAF OAuth client is not configured.",
            details={"company_id": company_id},
        )
    return row


async def oauth_start(*, company_id: int, by: Actor, urls: AnafUrls, secret: str) -> str:
    """The ANAF authorize URL the user's browser must open (with their certificate)."""
    require(by, Area.org, Action.write)
    row = await _configured(company_id)
    return authorize_url(
        urls,
        client_id=row["client_id"],
        redirect_uri=row["redirect_uri"],
        state=oauth_state_make(company_id, by.user_id, secret),
    )


async def oauth_callback(
    *, code: str, state: str, by: Actor, urls: AnafUrls, secret: str, timeout: float
) -> dict[str, Any]:
    """Exchange the code (outside any transaction), store the tokens, enable sending."""
    require(by, Area.org, Action.write)
    company_id, user_id = oauth_state_read(state, secret)
    if user_id != (by.user_id or 0):
        raise Forbidden(
            "ANAF_OAUTH_OTHER_USER",
            "Autorizarea a fost pornită de alt utilizator; porniți-o din contul dumneavoastră.",
            "The authorisation was started by another user.",
        )
    row = await _configured(company_id)
    tokens = await token_exchange(
        urls,
        code=code,
        redirect_uri=row["redirect_uri"],
        client_id=row["client_id"],
        client_secret=decrypt(row["client_secret_enc"], secret),
        timeout=timeout,
    )
    async with write_tx():
        await AnafConnection.update(
            {
                AnafConnection.access_token_enc: encrypt(tokens.access_token, secret),
                AnafConnection.refresh_token_enc: encrypt(tokens.refresh_token, secret),
                AnafConnection.access_expires_at: tokens.access_expires_at,
                AnafConnection.refresh_expires_at: tokens.refresh_expires_at,
                AnafConnection.enabled: True,
                AnafConnection.updated_at: _now(),
            }
        ).where(AnafConnection.id == row["id"])
    return connection_status(await connection_row(company_id))


# --------------------------------------------------------------------------- tokens


def _not_connected(company_id: int, why: str) -> Conflict:
    return Conflict(
        "EFACTURA_NOT_CONNECTED",
        f"Firma nu poate trimite în SPV: {why} Autorizați conexiunea SPV (formularul "
        "«e-Factura: conexiune SPV», apoi «Autorizează la ANAF»).",
        f"The company cannot use SPV ({why}); authorise the SPV connection.",
        details={"company_id": company_id},
    )


async def access_token(company_id: int, *, urls: AnafUrls, secret: str, timeout: float) -> str:
    """A usable access token, refreshed first when it is close to its end."""
    row = await connection_row(company_id)
    if row is None or not row["enabled"] or not row["refresh_token_enc"]:
        raise _not_connected(company_id, "conexiunea SPV nu este autorizată.")
    now = _now()
    access_exp = as_utc(row["access_expires_at"])
    if row["access_token_enc"] and access_exp and access_exp - now > REFRESH_AHEAD:
        return decrypt(row["access_token_enc"], secret)
    refresh_exp = as_utc(row["refresh_expires_at"])
    if refresh_exp is not None and refresh_exp <= now:
        raise _not_connected(company_id, "autorizarea SPV a expirat.")
    try:
        tokens = await token_refresh(
            urls,
            refresh_token=decrypt(row["refresh_token_enc"], secret),
            client_id=row["client_id"],
            client_secret=decrypt(row["client_secret_enc"], secret),
            timeout=timeout,
        )
    except AnafAuthFailed:
        again = await connection_row(company_id)
        if again and again["refresh_token_enc"] != row["refresh_token_enc"]:
            return decrypt(again["access_token_enc"], secret)  # another worker refreshed
        if row["access_token_enc"] and access_exp and access_exp > now:
            return decrypt(row["access_token_enc"], secret)  # still valid a while
        raise
    async with write_tx():
        current = await for_update(
            AnafConnection.select(AnafConnection.refresh_token_enc).where(
                AnafConnection.id == row["id"]
            )
        ).first()
        if current and current["refresh_token_enc"] != row["refresh_token_enc"]:
            # Someone stored newer tokens meanwhile; ours are valid too, theirs stay.
            return tokens.access_token
        await AnafConnection.update(
            {
                AnafConnection.access_token_enc: encrypt(tokens.access_token, secret),
                AnafConnection.refresh_token_enc: encrypt(tokens.refresh_token, secret),
                AnafConnection.access_expires_at: tokens.access_expires_at,
                AnafConnection.refresh_expires_at: tokens.refresh_expires_at,
                AnafConnection.updated_at: _now(),
            }
        ).where(AnafConnection.id == row["id"])
    return tokens.access_token


async def access_token_refused(company_id: int) -> None:
    """ANAF refused the stored access token before its end (revoked, or replaced by a new
    authorisation): mark it expired, so that the next call refreshes it instead of sending
    the refused one again until REFRESH_AHEAD before its `exp`."""
    async with write_tx():
        await AnafConnection.update(
            {AnafConnection.access_expires_at: _now(), AnafConnection.updated_at: _now()}
        ).where(AnafConnection.company == company_id)


async def spv_client(company_id: int, settings: Any) -> AnafClient:
    """An AnafClient for the company's environment with a fresh token (use it in `async
    with`: a token ANAF refuses there is marked expired)."""
    urls = AnafUrls.from_settings(settings)
    row = await connection_row(company_id)
    if row is None:
        raise _not_connected(company_id, "nu are o conexiune SPV.")
    token = await access_token(
        company_id, urls=urls, secret=settings.secret, timeout=settings.anaf_timeout_s
    )
    return AnafClient(
        urls, row["environment"], token, timeout=settings.anaf_timeout_s,
        on_auth_failed=lambda: access_token_refused(company_id),
    )  # fmt: skip


def connection_status(row: dict[str, Any] | None) -> dict[str, Any]:
    """Whether the company can send, and a warning in Romanian when it soon cannot."""
    if row is None:
        return {"connected": False, "environment": None, "access_expires_at": None,
                "refresh_expires_at": None, "auto_send_hours": 0,
                "warning": "Firma nu are o conexiune SPV (e-Factura) configurată."}  # fmt: skip
    refresh_exp = as_utc(row["refresh_expires_at"])
    connected = bool(row["enabled"] and row["refresh_token_enc"])
    now = _now()
    warning = None
    if not connected:
        warning = "Conexiunea SPV nu este autorizată: facturile nu pot fi trimise."
    elif refresh_exp is not None and refresh_exp <= now:
        connected = False
        warning = "Autorizarea SPV a expirat: autorizați din nou conexiunea (cu certificatul)."
    elif refresh_exp is not None and refresh_exp - now <= timedelta(days=WARN_DAYS):
        days = max(0, (refresh_exp - now).days)
        warning = (
            f"Autorizarea SPV expiră pe {refresh_exp.astimezone(UTC):%d.%m.%Y} (în {days} zile): "
            "autorizați din nou conexiunea înainte, altfel trimiterea se oprește."
        )
    return {
        "connected": connected,
        "environment": row["environment"],
        "access_expires_at": as_utc(row["access_expires_at"]),
        "refresh_expires_at": refresh_exp,
        "auto_send_hours": row["auto_send_hours"],
        "warning": warning,
    }
