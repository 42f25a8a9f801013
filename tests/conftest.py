"""Test fixtures: a real database (SQLite by default, PostgreSQL when DATABASE_URL says
so), migrated once per session; real Redis (REDIS_URL, or the embedded one, with the
worker in-process as `make run` has it); the app behind httpx's ASGI transport, sharing
the test's event loop.

Each test starts from a clean database holding only the reference data.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

_TMP = Path(tempfile.mkdtemp(prefix="catastif-tests-"))
# piccolo_conf reads DATABASE_URL when first imported: decide before any import of it.
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_TMP / 'test.sqlite'}")
os.environ.setdefault("DATA_DIR", str(_TMP / "data"))

import httpx  # noqa: E402
import pytest  # noqa: E402
from litestar import Litestar  # noqa: E402

from domain.catalog.reference import reference_data_load  # noqa: E402
from domain.core.effects import install_dispatcher  # noqa: E402
from domain.core.tx import engine, is_sqlite  # noqa: E402
from domain.org.permissions import SYSTEM  # noqa: E402
from domain.org.setup import database_init  # noqa: E402
from domain.org.users import user_create  # noqa: E402
from settings import Settings  # noqa: E402
from tests.peers.fake_anaf_spv import TEST_TIMEOUT_S, FakeAnafSpv, shared_fake_spv  # noqa: E402
from tests.shared_data import shared_path  # noqa: E402

PASSWORD = "parola-de-test-1"
_KEEP = {"migration"}  # Piccolo's record of applied migrations


@pytest.fixture(scope="session")
async def database() -> AsyncIterator[None]:
    if not is_sqlite():
        await engine().start_connection_pool()
    # Replaying the migrations is itself a test of them, on each engine.
    await database_init()
    yield
    if not is_sqlite():
        await engine().close_connection_pool()


async def _run(sql: str) -> list[dict]:
    from tables.org import Company

    return await Company.raw(sql)


async def _table_names() -> list[str]:
    if is_sqlite():
        sql = "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
    else:
        sql = "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'"
    return [r["name"] for r in await _run(sql) if r["name"] not in _KEEP]


async def wipe_database() -> None:
    names = await _table_names()
    if is_sqlite():
        async with engine().transaction():
            # Checked at commit, when every table is empty: no delete order to get right.
            await _run("PRAGMA defer_foreign_keys = ON")
            for name in names:
                await _run(f'DELETE FROM "{name}"')
            if await _run("SELECT name FROM sqlite_master WHERE name = 'sqlite_sequence'"):
                await _run("DELETE FROM sqlite_sequence")  # ids restart, as on PostgreSQL
    else:
        quoted = ", ".join(f'"{n}"' for n in names)
        await _run(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")


PURE = Path(__file__).parent / "domain"  # tests of pure rules: no database


@pytest.fixture(autouse=True)
def clean_db(request: pytest.FixtureRequest) -> None:
    # Synchronous on purpose: an async autouse fixture asking for the async `database`
    # fixture would start a second event loop inside the running one.
    if PURE not in Path(request.node.path).parents:
        request.getfixturevalue("fresh_db")


@pytest.fixture
async def fresh_db(database: None, settings: Settings) -> None:
    await wipe_database()
    await reference_data_load()
    # Ids restart with every clean database: a printed file named by id (DATA_DIR/documents)
    # left by an earlier test would be served as this test's.
    shutil.rmtree(settings.data_dir / "documents", ignore_errors=True)


@pytest.fixture(scope="session", autouse=True)
def spv_server() -> Iterator[FakeAnafSpv]:
    """The session's fake ANAF SPV, with the environment pointed at it (and the official
    e-Factura rules at ../shared/efactura, unless EFACTURA_RULES_DIR says otherwise) before
    any settings are built: the app, its in-process worker, the sweeper's cron and any
    worker process a test starts talk to it, never to the real ANAF."""
    server = shared_fake_spv()
    with pytest.MonkeyPatch.context() as env:
        for name, value in server.environment(TEST_TIMEOUT_S).items():
            env.setenv(name, value)
        env.setenv(
            "EFACTURA_RULES_DIR",
            os.environ.get("EFACTURA_RULES_DIR") or str(shared_path("efactura")),
        )
        yield server


@pytest.fixture
def fake_spv(spv_server: FakeAnafSpv) -> Iterator[FakeAnafSpv]:
    """The fake SPV, forgetting every upload, token and fault before and after the test."""
    spv_server.reset()
    yield spv_server
    spv_server.reset()


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory, spv_server: FakeAnafSpv) -> Settings:
    env = dict(os.environ)
    env["DATA_DIR"] = str(tmp_path_factory.mktemp("data"))
    env.setdefault("SECRET", "test-secret")
    return Settings.from_env(env)


@pytest.fixture(scope="session")
async def app(database: None, settings: Settings) -> AsyncIterator[Litestar]:
    from app import app_services, create_app

    application = create_app(settings)
    # The services the lifespan would start, entered here directly: Litestar's lifespan
    # runs in an anyio task group that a session fixture cannot leave from another task.
    async with app_services(application.state, settings):
        # Tests issue thousands of invoices; only the tests that ask for `dispatching`
        # have their after-commit jobs (PDFs...) sent to the queue.
        install_dispatcher(None)
        yield application


@pytest.fixture
def dispatching(app: Litestar) -> Iterator[None]:
    from jobs.dispatch import queue_dispatcher

    install_dispatcher(queue_dispatcher(app.state.queue))
    yield
    install_dispatcher(None)


@pytest.fixture
async def anon(app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


Login = Callable[[str], Awaitable[httpx.AsyncClient]]
# One client address per login: the admin limits login attempts per address.
_ADDRESSES = (f"10.0.{n // 250}.{n % 250 + 1}" for n in itertools.count())


@contextlib.asynccontextmanager
async def logins(app: Litestar) -> AsyncIterator[Login]:
    """login(role) -> a client of `app` with a real admin session (cookie + CSRF header)."""
    clients: list[httpx.AsyncClient] = []

    async def _login(role: str) -> httpx.AsyncClient:
        address = next(_ADDRESSES)
        username = f"{role}-{address}"
        await user_create(username=username, password=PASSWORD, role=role, by=SYSTEM)
        transport = httpx.ASGITransport(app=app, client=(address, 40000))
        client = httpx.AsyncClient(transport=transport, base_url="http://test")
        clients.append(client)
        await client.get("/admin/")
        csrf = client.cookies.get("csrftoken")
        response = await client.post(
            "/admin/public/login/",
            json={"username": username, "password": PASSWORD},
            headers={"X-CSRFToken": csrf},
        )
        assert response.status_code == 200, response.text
        client.headers["X-CSRFToken"] = csrf
        return client

    try:
        yield _login
    finally:
        for client in clients:
            await client.aclose()


@pytest.fixture
async def login(app: Litestar) -> AsyncIterator[Login]:
    async with logins(app) as login_:
        yield login_
