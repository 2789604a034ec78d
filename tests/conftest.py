"""Shared fixtures. The environment is set before core is imported, because the
database engine is chosen once per process.

The same suite runs on SQLite (default) and on PostgreSQL when DATABASE_URL is
set (CI's second leg); on PostgreSQL the schema is emptied first, so a run
always starts from migrations.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

TEST_DATA_DIR = Path(tempfile.mkdtemp(prefix="sanshe-test-"))
os.environ["SANSHE_DATA_DIR"] = str(TEST_DATA_DIR)
os.environ["TZ"] = "CST-8"  # Beijing's civil date in the tests and every server they start, as in production
time.tzset()
os.environ["SANSHE_SECRET_KEY"] = "test-secret-key-0123456789abcdef-0123456789"
os.environ["SANSHE_ARGON2_FAST"] = "1"
os.environ["SANSHE_DB_POOL"] = "0"
os.environ["SANSHE_EXTRA_PLUGINS"] = "tests.example_plugin"
os.environ["PICCOLO_CONF"] = "core.piccolo_conf"
os.environ["SANSHE_SEARCH_CACHE_SECONDS"] = "0"  # tests read their own writes; the cache has its own test
os.environ.pop("SANSHE_CONFIG_DIR", None)
os.environ.pop("SANSHE_TRACE_HOOKS", None)

from litestar.testing import TestClient  # noqa: E402

from core import db  # noqa: E402
from core.app import create_app  # noqa: E402
from core.context import AppContext, build_context  # noqa: E402
from core.settings import load_settings  # noqa: E402

PASSWORD = "test-pass-123"
OWN, OTHER = "430702", "430703"
ROLE_USERS = {
    "platform_admin": "admin",
    "city_admin": "city-admin",
    "district_admin": f"{OWN}-admin",
    "supervisor": f"{OWN}-supervisor",
    "org_staff": f"{OWN}-org",
    "social_worker": f"{OWN}-worker",
    "resident": f"{OWN}-resident",
}


def run(awaitable):
    """Await a coroutine or a Piccolo query from a sync test (each call gets its own loop)."""

    async def wait():
        return await awaitable

    return asyncio.run(wait())


async def _reset_postgres() -> None:
    await db.engine().run_ddl("DROP SCHEMA public CASCADE")
    await db.engine().run_ddl("CREATE SCHEMA public")


@pytest.fixture(scope="session")
def ctx() -> AppContext:
    """Migrated database with the demo registry and one user per role."""
    from core.demo import load_demo

    context = build_context(load_settings())
    if db.is_postgres():
        run(_reset_postgres())
    run(db.migrate())
    run(load_demo(context, PASSWORD, fast_hash=True))
    index_now(context)
    return context


def index_now(context: AppContext) -> int:
    """Apply the search outbox now (the app's worker would do it within seconds)."""
    from core.search import get_backend
    from core.indexer import drain, ensure_indexes

    backend = get_backend(context.settings)
    run(ensure_indexes(context.contributions, backend))
    return run(drain(context.contributions, backend))


@pytest.fixture(scope="session")
def app(ctx):
    """The app, with every answer checked against its OpenAPI document (tests/contract.py);
    SANSHE_CONTRACT=0 turns the check off while a contract is being changed."""
    application = create_app(ctx=ctx)
    mode = os.environ.get("SANSHE_CONTRACT", "1")
    if mode != "0":
        from tests.contract import check_contract

        check_contract(application, collect=mode if mode not in ("1", "on") else None)
    return application


@pytest.fixture
def client(app) -> Iterator[TestClient]:
    with TestClient(app=app) as c:
        yield c


def login(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Log in with the session cookie; set the CSRF header for later writes; return the token."""
    response = client.post("/api/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    csrf = response.json()["csrf_token"]
    client.headers["X-CSRF-Token"] = csrf
    return csrf


@pytest.fixture(scope="session")
def tokens(app) -> dict[str, str]:
    """A bearer token per role (created once through the API)."""
    result = {}
    with TestClient(app=app) as c:
        for role, username in ROLE_USERS.items():
            login(c, username)
            result[role] = c.post("/api/me/tokens", json={"name": "tests"}).json()["token"]
            c.post("/api/auth/logout")
            c.cookies.clear()
            c.headers.pop("X-CSRF-Token", None)
    return result


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def bearer_for(client: TestClient, username: str) -> dict[str, str]:
    """Bearer headers for any demo user (a new API token, made through a logged-in session)."""
    login(client, username)
    token = client.post("/api/me/tokens", json={"name": "tests"}).json()["token"]
    client.post("/api/auth/logout")
    client.cookies.clear()
    client.headers.pop("X-CSRF-Token", None)
    return bearer(token)


@pytest.fixture
def as_role(client, tokens):
    """as_role('district_admin') → headers for that role's bearer token."""
    return lambda role: bearer(tokens[role])


def table_counts() -> dict[str, int]:
    from core.tables import AuditEvent, Community, Organization, Person, User

    async def count():
        return {t.__name__: await t.count() for t in (AuditEvent, Community, Organization, Person, User)}

    return run(count())
