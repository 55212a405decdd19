"""Shared fixtures: a real database per test (SQLite files, or PostgreSQL when a server is given),
copied from migrated templates made once per session; a frozen clock.

Set BCT_RISK_TEST_POSTGRES_URL (``scripts/with-postgres`` does) to run the register fixtures
(``database``, ``seeded_database``, ``ctx``, ``seeded_ctx``) on PostgreSQL; the ``*_path`` fixtures
are always SQLite files, for tests about files (backups, the default database).
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from bct_risk.config import Settings
from bct_risk.services.context import Context, open_register
from bct_risk.services.seed import load_seeds

FROZEN_NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
"""Every test runs at 10:00 UTC on 23 Nov 2026."""

SHARED = Path(__file__).resolve().parents[2] / "shared"
"""../shared beside the project: real registers for importer tests (absent on some machines)."""

POSTGRES_URL = os.environ.get("BCT_RISK_TEST_POSTGRES_URL", "")
"""An administrative URL of a PostgreSQL server for the register fixtures, or empty for SQLite."""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On the PostgreSQL pass, keep only the tests a server changes: those that take a register
    fixture (``database``, ``seeded_database``, ``blank_database``, ``ctx``, ``seeded_ctx``, all
    through ``postgres``) or are marked ``postgres``. The others (pure rules, SQLite files, the
    app on its SQLite file) would run the same a second time; the SQLite pass has run them."""
    if not POSTGRES_URL:
        return
    kept: list[pytest.Item] = []
    dropped: list[pytest.Item] = []
    for item in items:
        on_server = "postgres" in getattr(item, "fixturenames", ())
        (kept if on_server or item.get_closest_marker("postgres") else dropped).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture(autouse=True)
def app_settings_of_the_test(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test (nor any app it starts in a subprocess) reads or writes the user's own app
    settings: each gets a file of its own."""
    monkeypatch.setenv("BCT_RISK_APP_CONFIG", str(tmp_path / "app-settings" / "app.toml"))


def frozen_clock() -> datetime:
    """The clock tests run on."""
    return FROZEN_NOW


def make_context(database: str | Path, actor: str = "tester") -> Context:
    """A register on a database (SQLite file path or URL), at the frozen time."""
    return open_register(Settings.from_env(database=str(database), actor=actor), clock=frozen_clock)


def _fill(database: str, seed: bool) -> None:
    ctx = make_context(database, actor="seed")
    if seed:
        load_seeds(ctx)
    if ctx.engine.dialect.name == "sqlite":
        with ctx.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    ctx.engine.dispose()


@pytest.fixture(scope="session")
def template_dbs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """An empty migrated SQLite file and a seeded one, made once per test session."""
    folder = tmp_path_factory.mktemp("templates")
    empty, seeded = folder / "empty.sqlite", folder / "seeded.sqlite"
    _fill(str(empty), seed=False)
    _fill(str(seeded), seed=True)
    return {"empty": empty, "seeded": seeded}


class PostgresServer:
    """Creates databases on a test server from migrated templates, and drops them."""

    def __init__(self, admin_url: str) -> None:
        self.url = make_url(admin_url)
        self.admin = sa.create_engine(self.url, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
        suffix = uuid.uuid4().hex[:8]
        self.templates = {"empty": f"bct_tpl_empty_{suffix}", "seeded": f"bct_tpl_seeded_{suffix}"}
        for kind, name in self.templates.items():
            self._execute(f'CREATE DATABASE "{name}"')
            _fill(self.url_of(name), seed=kind == "seeded")

    def url_of(self, name: str) -> str:
        return self.url.set(database=name).render_as_string(hide_password=False)

    def _execute(self, sql: str) -> None:
        with self.admin.connect() as connection:
            connection.exec_driver_sql(sql)

    def fresh(self, kind: str) -> str:
        name = f"bct_test_{uuid.uuid4().hex[:12]}"
        self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.templates[kind]}"')
        return name

    def blank(self) -> str:
        """A new database with no schema at all."""
        name = f"bct_blank_{uuid.uuid4().hex[:12]}"
        self._execute(f'CREATE DATABASE "{name}"')
        return name

    def drop(self, name: str) -> None:
        self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def close(self) -> None:
        for name in self.templates.values():
            self.drop(name)
        self.admin.dispose()


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer | None]:
    """The PostgreSQL test server, when one is given."""
    if not POSTGRES_URL:
        yield None
        return
    server = PostgresServer(POSTGRES_URL)
    yield server
    server.close()


def _database(
    kind: str, tmp_path: Path, template_dbs: dict[str, Path], postgres: PostgresServer | None
) -> Iterator[str]:
    if postgres is None:
        # Named by kind: a test may hold an empty and a seeded register side by side.
        yield str(_copy(template_dbs[kind], tmp_path / f"{kind}.sqlite"))
        return
    name = postgres.fresh(kind)
    yield postgres.url_of(name)
    postgres.drop(name)


@pytest.fixture
def database(
    tmp_path: Path, template_dbs: dict[str, Path], postgres: PostgresServer | None
) -> Iterator[str]:
    """A fresh, empty, migrated register: a SQLite file path, or a PostgreSQL URL."""
    yield from _database("empty", tmp_path, template_dbs, postgres)


@pytest.fixture
def seeded_database(
    tmp_path: Path, template_dbs: dict[str, Path], postgres: PostgresServer | None
) -> Iterator[str]:
    """A fresh register holding the seed register: a SQLite file path, or a PostgreSQL URL."""
    yield from _database("seeded", tmp_path, template_dbs, postgres)


def _copy(template: Path, target: Path) -> Path:
    shutil.copyfile(template, target)
    return target


@pytest.fixture
def blank_database(tmp_path: Path, postgres: PostgresServer | None) -> Iterator[str]:
    """A database with no schema: a new SQLite file path, or a new PostgreSQL database URL."""
    if postgres is None:
        yield str(tmp_path / "blank.sqlite")
        return
    name = postgres.blank()
    yield postgres.url_of(name)
    postgres.drop(name)


@pytest.fixture
def db_path(tmp_path: Path, template_dbs: dict[str, Path]) -> Path:
    """A fresh, empty, migrated SQLite file."""
    return _copy(template_dbs["empty"], tmp_path / "empty.sqlite")


@pytest.fixture
def seeded_db_path(tmp_path: Path, template_dbs: dict[str, Path]) -> Path:
    """A fresh SQLite file holding the seed register."""
    return _copy(template_dbs["seeded"], tmp_path / "seeded.sqlite")


@pytest.fixture
def ctx(database: str) -> Iterator[Context]:
    """An empty register at the frozen time, acting as 'tester'."""
    context = make_context(database)
    yield context
    context.engine.dispose()


@pytest.fixture
def seeded_ctx(seeded_database: str) -> Iterator[Context]:
    """The seed register at the frozen time, acting as 'tester'."""
    context = make_context(seeded_database)
    yield context
    context.engine.dispose()
