"""Where the project's files live: the default SQLite database, migrations and seeds."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[3]
"""The checkout this package runs from (installed in editable mode by the README's commands)."""

DB_DIR = PROJECT_ROOT / "db"
MIGRATIONS_DIR = DB_DIR / "migrations"
ALEMBIC_INI = DB_DIR / "alembic.ini"
SEEDS_DIR = PROJECT_ROOT / "seeds"
DEFAULT_SQLITE_PATH = DB_DIR / "bct_risk.sqlite"


def default_database_url() -> str:
    """The embedded SQLite database under ``db/``."""
    return f"sqlite:///{DEFAULT_SQLITE_PATH}"
