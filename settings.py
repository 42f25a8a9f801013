"""Settings from the environment, read when asked (no import-time cache).

Every variable is documented in the README's configuration table.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent
ANAF_OAUTH_URL = "https://logincert.anaf.ro/anaf-oauth2/v1"
ANAF_API_URL = "https://api.anaf.ro"  # + /{test|prod}/FCTEL/rest/...
ANAF_PUBLIC_URL = "https://webservicesp.anaf.ro"  # transformare (XML -> PDF), no token


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str
    redis_url: str | None
    data_dir: Path
    secret: str
    production: bool
    allowed_hosts: tuple[str, ...]
    anaf_vat_url: str
    bnr_daily_url: str
    run_worker_in_process: bool
    efactura_rules_dir: Path  # UBL 2.1 XSD + ANAF's CIUS-RO rules (`catastif efactura-rules`)
    # e-Factura (SPV): OAuth host, the API host (`/{test|prod}/FCTEL/rest/...` under it),
    # the public host of `transformare`, and the timeout of one call to them.
    anaf_oauth_url: str
    anaf_api_url: str
    anaf_public_url: str
    anaf_timeout_s: float
    # Outgoing mail (payment reminders): without a host nothing is sent.
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_from: str = ""

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        data_dir = Path(env.get("DATA_DIR", REPO / "data")).resolve()
        production = env.get("PRODUCTION", "") in {"1", "true", "yes"}
        secret = env.get("SECRET", "")
        if not secret:
            if production:
                raise RuntimeError("SECRET must be set in production (a long random string).")
            secret = _dev_secret(data_dir)
        redis_url = env.get("REDIS_URL") or None
        hosts = tuple(h.strip() for h in env.get("ALLOWED_HOSTS", "").split(",") if h.strip())
        return cls(
            database_url=env.get("DATABASE_URL", f"sqlite:///{data_dir / 'catastif.sqlite'}"),
            redis_url=redis_url,
            data_dir=data_dir,
            secret=secret,
            production=production,
            allowed_hosts=hosts,
            anaf_vat_url=env.get(
                "ANAF_VAT_URL", "https://webservicesp.anaf.ro/api/PlatitorTvaRest/v9/tva"
            ),
            bnr_daily_url=env.get("BNR_URL", "https://www.bnr.ro/nbrfxrates.xml"),
            # Without REDIS_URL the app starts its own Redis and runs the worker itself;
            # with it, workers are separate `saq jobs.worker.settings` processes unless
            # RUN_WORKER=1 asks for one inside the web process as well.
            run_worker_in_process=redis_url is None or env.get("RUN_WORKER", "") == "1",
            efactura_rules_dir=Path(
                env.get("EFACTURA_RULES_DIR") or data_dir / "efactura-rules"
            ).resolve(),
            anaf_oauth_url=env.get("ANAF_OAUTH_URL", ANAF_OAUTH_URL).rstrip("/"),
            anaf_api_url=env.get("ANAF_API_URL", ANAF_API_URL).rstrip("/"),
            anaf_public_url=env.get("ANAF_PUBLIC_URL", ANAF_PUBLIC_URL).rstrip("/"),
            anaf_timeout_s=float(env.get("ANAF_TIMEOUT_S", "") or 60),
            smtp_host=env.get("SMTP_HOST", "").strip(),
            smtp_port=int(env.get("SMTP_PORT", "") or 587),
            smtp_user=env.get("SMTP_USER", ""),
            smtp_password=env.get("SMTP_PASSWORD", ""),
            smtp_from=env.get("SMTP_FROM", "").strip(),
        )


def _dev_secret(data_dir: Path) -> str:
    """A per-installation secret for development, kept in the data folder."""
    path = data_dir / "secret.key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    path.write_text(value)
    path.chmod(0o600)
    return value
