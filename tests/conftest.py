"""Fixtures: a fresh database per test (copied from a migrated template), fake time, personas.

Set WARROOM_TEST_DATABASE_URL=postgresql://... (an admin connection) to run the suite on PostgreSQL;
otherwise it runs on SQLite files.
"""

from __future__ import annotations

import itertools
import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from sqlalchemy import create_engine, text

from warroom import handlers
from warroom.app import create_app
from warroom.auth import service as auth_service
from warroom.auth.models import User
from warroom.context import Actor, Ctx
from warroom.db import Database, migrate
from warroom.lib.clock import FakeClock
from warroom.settings import Settings

hypothesis_settings.register_profile(
    "ci", derandomize=True, deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.register_profile(
    "dev", deadline=None, max_examples=40, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("ci" if os.environ.get("CI") else "dev")

# Every domain's job handlers and event subscriptions, as the app and CLI register them at start.
handlers.load_all()

# Production argon2id parameters cost ~0.1-0.2 s of CPU per hash, which was half the suite's time (every
# persona hashes a password). Tests keep argon2id and the real code paths with the cheapest parameters.
auth_service._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
auth_service._DUMMY_HASH = auth_service._hasher.hash("not-a-real-password")

PG_ADMIN_URL = os.environ.get("WARROOM_TEST_DATABASE_URL", "")
_counter = itertools.count()


def _pg_url_for(name: str) -> str:
    base, _, query = PG_ADMIN_URL.partition("?")
    head = base.rsplit("/", 1)[0]
    return f"{head}/{name}" + (f"?{query}" if query else "")


def _pg_admin_engine() -> Any:
    return create_engine(Settings(database_url=PG_ADMIN_URL).sqlalchemy_url, isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="session")
def template_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated database that each test copies: a file on SQLite, a TEMPLATE database on PostgreSQL."""
    if PG_ADMIN_URL:
        name = f"warroom_tpl_{os.getpid()}"
        admin = _pg_admin_engine()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        migrate(Settings(database_url=_pg_url_for(name)))
        yield name
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        path = tmp_path_factory.mktemp("template") / "template.db"
        migrate(Settings(database_url=f"sqlite:///{path}"))
        yield str(path)


@pytest.fixture
def database_url(template_database: str, tmp_path: Path) -> Iterator[str]:
    if PG_ADMIN_URL:
        name = f"warroom_t_{os.getpid()}_{next(_counter)}_{uuid.uuid4().hex[:6]}"
        admin = _pg_admin_engine()
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template_database}"'))
        yield _pg_url_for(name)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        path = tmp_path / "warroom.db"
        shutil.copyfile(template_database, path)
        yield f"sqlite:///{path}"


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, mode="dev", secret_key="test-secret-" + "x" * 40)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def db(settings: Settings) -> Iterator[Database]:
    database = Database(settings)
    yield database
    database.dispose()


@pytest.fixture
def app(settings: Settings, clock: FakeClock, db: Database) -> Any:
    return create_app(settings, clock=clock, db=db)


@pytest.fixture
def client(app: Any) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def make_ctx(db: Database, clock: FakeClock, settings: Settings) -> Iterator[Any]:
    """make_ctx() opens a committed unit of work: `with make_ctx(actor=alice) as ctx: ...`."""
    from contextlib import contextmanager

    @contextmanager
    def factory(actor: User | None = None, source: str = "api") -> Iterator[Ctx]:
        with db.transaction() as session:
            ctx = Ctx(session=session, clock=clock, settings=settings, source=source)  # type: ignore[arg-type]
            if actor is not None:
                ctx.actor = Actor(user_id=actor.id, name=actor.name, role=actor.role)
            yield ctx

    yield factory


@dataclass
class Persona:
    user: User
    token: str
    password: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    @property
    def id(self) -> int:
        return self.user.id


def _persona(make_ctx: Any, email: str, name: str, role: str, tz: str = "UTC") -> Persona:
    password = f"{name.lower()}-password"
    with make_ctx() as ctx:
        user = auth_service.create_user(ctx, email=email, name=name, role=role, password=password, timezone=tz)
        issued = auth_service.create_api_token(ctx, user=user, name="tests")
    return Persona(user=user, token=issued.token, password=password)


@pytest.fixture
def alice(make_ctx: Any) -> Persona:
    """The owner."""
    return _persona(make_ctx, "alice@example.com", "Alice", "owner", "Europe/Berlin")


@pytest.fixture
def bob(make_ctx: Any) -> Persona:
    """A responder."""
    return _persona(make_ctx, "bob@example.com", "Bob", "responder", "America/New_York")


@pytest.fixture
def charlie(make_ctx: Any) -> Persona:
    """A viewer: can read, cannot change anything."""
    return _persona(make_ctx, "charlie@example.com", "Charlie", "viewer")


class Api:
    """A TestClient bound to one persona's bearer token."""

    def __init__(self, client: TestClient, persona: Persona) -> None:
        self.client = client
        self.persona = persona

    def request(self, method: str, url: str, **kwargs: Any) -> Any:
        headers = {**self.persona.headers, **kwargs.pop("headers", {})}
        return self.client.request(method, url, headers=headers, **kwargs)

    def get(self, url: str, **kwargs: Any) -> Any:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> Any:
        return self.request("POST", url, **kwargs)

    def patch(self, url: str, **kwargs: Any) -> Any:
        return self.request("PATCH", url, **kwargs)

    def put(self, url: str, **kwargs: Any) -> Any:
        return self.request("PUT", url, **kwargs)

    def delete(self, url: str, **kwargs: Any) -> Any:
        return self.request("DELETE", url, **kwargs)


@pytest.fixture
def alice_api(client: TestClient, alice: Persona) -> Api:
    return Api(client, alice)


@pytest.fixture
def bob_api(client: TestClient, bob: Persona) -> Api:
    return Api(client, bob)


@pytest.fixture
def charlie_api(client: TestClient, charlie: Persona) -> Api:
    return Api(client, charlie)


def ui_login(client: TestClient, persona: Persona) -> str:
    """Log `persona` in through the form; returns the session's CSRF token for later posts."""
    import re

    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    response = client.post(
        "/login",
        data={
            "email": persona.user.email,
            "password": persona.password,
            "csrf_token": token.group(1),
            "next": "/account",
        },
        follow_redirects=True,
    )
    assert response.status_code == 200, response.text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', response.text)
    assert csrf is not None
    return csrf.group(1)
