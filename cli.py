"""Project commands, under Litestar's CLI: `litestar --app app:create_app catastif ...`."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

import click
from litestar.plugins import CLIPluginProtocol


def _run(coro: Coroutine[Any, Any, Any]) -> Any:
    from domain.core.errors import DomainError

    try:
        return asyncio.run(coro)
    except DomainError as exc:
        raise click.ClickException(f"{exc.message_ro} (cod {exc.code})") from exc


async def _with_pool(coro: Coroutine[Any, Any, Any]) -> Any:
    from domain.core.tx import engine, is_sqlite

    if not is_sqlite():
        await engine().start_connection_pool()
    try:
        return await coro
    finally:
        if not is_sqlite():
            await engine().close_connection_pool()


@click.group(name="catastif", help="Comenzile Catastif (migrare, date demo, import BNR...).")
def catastif() -> None:
    pass


@catastif.command(name="init", help="Migrează baza de date și încarcă datele de referință.")
def init() -> None:
    from domain.ledger.chart import chart_setup_all
    from domain.org.setup import database_init

    async def work() -> tuple[dict[str, int], int]:
        # A company made before the ledger existed gets its chart of accounts here.
        return await database_init(), await chart_setup_all()

    added, accounts = _run(_with_pool(work()))
    click.echo(f"Baza de date este la zi; date de referință adăugate: {added}")
    if accounts:
        click.echo(f"Conturi adăugate în planurile de conturi ale firmelor: {accounts}")


@catastif.command(name="seed-demo", help="Încarcă firma demo (o singură dată).")
@click.option("--password", default="catastif-demo", show_default=True)
def seed_demo(password: str) -> None:
    from domain.org.demo import demo_load

    created = _run(_with_pool(demo_load(password=password)))
    click.echo("Firma demo a fost încărcată." if created else "Firma demo exista deja.")


@catastif.command(name="create-user", help="Creează un utilizator cu un rol.")
@click.argument("username")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option(
    "--role",
    type=click.Choice(["admin", "accountant", "sales", "cashier", "viewer"]),
    default="viewer",
    show_default=True,
)
@click.option("--email", default="")
def create_user(username: str, password: str, role: str, email: str) -> None:
    from domain.org.permissions import SYSTEM
    from domain.org.users import user_create

    user_id = _run(
        _with_pool(
            user_create(username=username, password=password, role=role, email=email, by=SYSTEM)
        )
    )
    click.echo(f"Utilizatorul {username} (nr. {user_id}) are rolul {role}.")


@catastif.command(name="create-token", help="Creează un token API (afișat o singură dată).")
@click.argument("name")
@click.argument("scopes", nargs=-1, required=True)
def create_token(name: str, scopes: tuple[str, ...]) -> None:
    from domain.org.actors import token_create
    from domain.org.permissions import SYSTEM

    token_id, raw = _run(_with_pool(token_create(name=name, scopes=list(scopes), by=SYSTEM)))
    click.echo(f"Token nr. {token_id}: {raw}")


@catastif.command(name="import-bnr", help="Importă cursuri BNR dintr-un fișier XML sau URL.")
@click.argument("source")
def import_bnr(source: str) -> None:
    from domain.org.fx import rates_fetch, rates_import_document
    from domain.org.permissions import SYSTEM

    async def work() -> int:
        if source.startswith(("http://", "https://")):
            data = await rates_fetch(source)
        else:
            data = Path(source).read_bytes()
        return await rates_import_document(data, source=source, by=SYSTEM)

    click.echo(f"Cursuri noi importate: {_run(_with_pool(work()))}")


@catastif.command(
    name="efactura-rules",
    help="Descarcă regulile oficiale e-Factura (ANAF CIUS-RO, schemele UBL 2.1 OASIS).",
)
@click.option(
    "--dir", "target", type=click.Path(path_type=Path), default=None,
    help="Dosarul regulilor (implicit EFACTURA_RULES_DIR sau DATA_DIR/efactura-rules).",
)  # fmt: skip
@click.option("--anaf-url", default=None, help="Altă adresă a arhivei ANAF (aceiași octeți).")
@click.option("--xslt-url", default=None, help="Altă adresă a regulilor compilate (XSLT).")
@click.option("--ubl-url", default=None, help="Altă adresă a arhivei UBL 2.1 (OASIS).")
def efactura_rules(
    target: Path | None, anaf_url: str | None, xslt_url: str | None, ubl_url: str | None
) -> None:
    from domain.core.errors import DomainError
    from domain.efactura.validate import OFFICIAL_SOURCES, RuleSource, rules_install
    from settings import Settings

    folder = target or Settings.from_env().efactura_rules_dir
    # A mirror must serve the same bytes: the pinned checksums still apply.
    urls = {"anaf": anaf_url, "xslt": xslt_url, "ubl": ubl_url}
    sources = {k: RuleSource(u, OFFICIAL_SOURCES[k].sha256) for k, u in urls.items() if u}
    try:
        manifest = rules_install(folder, sources=sources)
    except DomainError as exc:
        raise click.ClickException(f"{exc.message_ro} (cod {exc.code})") from exc
    click.echo(f"Regulile e-Factura {manifest['rules_version']} sunt în {folder}.")


class CatastifCLI(CLIPluginProtocol):
    def on_cli_init(self, cli: click.Group) -> None:
        cli.add_command(catastif)
