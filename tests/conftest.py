"""Shared fixtures: a real SQLite file per test, copied from a migrated template; a frozen clock."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bct_risk.config import Settings
from bct_risk.services.context import Context, open_register
from bct_risk.services.seed import load_seeds

FROZEN_NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
"""Every test runs at 10:00 UTC on 23 Nov 2026."""

SHARED = Path(__file__).resolve().parents[2] / "shared"
"""../shared beside the project: real registers for importer tests (absent on some machines)."""


def frozen_clock() -> datetime:
    """The clock tests run on."""
    return FROZEN_NOW


def make_context(path: Path, actor: str = "tester") -> Context:
    """A register on a SQLite file, at the frozen time."""
    return open_register(Settings.from_env(database=str(path), actor=actor), clock=frozen_clock)


@pytest.fixture(scope="session")
def template_dbs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """An empty migrated database and a seeded one, made once per test session."""
    folder = tmp_path_factory.mktemp("templates")
    empty, seeded = folder / "empty.sqlite", folder / "seeded.sqlite"
    for path, seed in ((empty, False), (seeded, True)):
        ctx = make_context(path, actor="seed")
        if seed:
            load_seeds(ctx)
        with ctx.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        ctx.engine.dispose()
    return {"empty": empty, "seeded": seeded}


def _copy(template: Path, target: Path) -> Path:
    shutil.copyfile(template, target)
    return target


@pytest.fixture
def db_path(tmp_path: Path, template_dbs: dict[str, Path]) -> Path:
    """A fresh, empty, migrated SQLite file."""
    return _copy(template_dbs["empty"], tmp_path / "register.sqlite")


@pytest.fixture
def seeded_db_path(tmp_path: Path, template_dbs: dict[str, Path]) -> Path:
    """A fresh SQLite file holding the seed register."""
    return _copy(template_dbs["seeded"], tmp_path / "register.sqlite")


@pytest.fixture
def ctx(db_path: Path) -> Iterator[Context]:
    """An empty register at the frozen time, acting as 'tester'."""
    context = make_context(db_path)
    yield context
    context.engine.dispose()


@pytest.fixture
def seeded_ctx(seeded_db_path: Path) -> Iterator[Context]:
    """The seed register at the frozen time, acting as 'tester'."""
    context = make_context(seeded_db_path)
    yield context
    context.engine.dispose()
