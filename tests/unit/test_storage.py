"""The schema comes from Alembic migrations and matches the models exactly."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

import bct_risk.domain.models  # noqa: F401
from bct_risk.storage import migrate
from bct_risk.storage.engine import make_engine


def test_upgrade_head_on_an_empty_database_gives_exactly_the_models_schema(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'fresh.sqlite'}")
    assert migrate.current_revision(engine) is None
    migrate.upgrade(engine)
    assert migrate.is_current(engine)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert differences == []
    engine.dispose()


def test_sqlite_files_use_wal_and_enforce_foreign_keys(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'sub' / 'x.sqlite'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


def test_no_engine_is_created_at_import_time(tmp_path: Path) -> None:
    # Migrations create every table; nothing was created before upgrade was called.
    engine = make_engine(f"sqlite:///{tmp_path / 'y.sqlite'}")
    assert inspect(engine).get_table_names() == []
    engine.dispose()
