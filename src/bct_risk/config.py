"""Settings from the environment and the command line: database, acting person, matrix file."""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass
from pathlib import Path

from bct_risk.storage.paths import default_database_url

DATABASE_ENV = "BCT_RISK_DATABASE_URL"
USER_ENV = "BCT_RISK_USER"
MATRIX_ENV = "BCT_RISK_MATRIX"


def database_url_from(value: str) -> str:
    """A database URL from what a user typed: a URL as it is, a file path as SQLite."""
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser().resolve()}"


def _os_login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


@dataclass(frozen=True)
class Settings:
    """Where the register is and who is acting on it."""

    database_url: str
    """SQLAlchemy URL; the embedded SQLite file under ``db/`` by default."""
    actor: str
    """Who changes are recorded against: ``--as``, ``BCT_RISK_USER``, else the OS login."""
    matrix_path: Path | None = None
    """A TOML matrix replacing the default labels, bands and appetite ceilings."""

    @property
    def is_default_database(self) -> bool:
        """Whether this is the embedded SQLite database under ``db/``."""
        return self.database_url == default_database_url()

    @classmethod
    def from_env(cls, database: str | None = None, actor: str | None = None) -> Settings:
        """Settings from explicit values, else the environment, else the defaults."""
        url = database or os.environ.get(DATABASE_ENV) or default_database_url()
        matrix = os.environ.get(MATRIX_ENV)
        return cls(
            database_url=database_url_from(url),
            actor=(actor or os.environ.get(USER_ENV) or _os_login()).strip() or "unknown",
            matrix_path=Path(matrix) if matrix else None,
        )
