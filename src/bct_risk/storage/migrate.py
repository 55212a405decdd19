"""Alembic glue: bring a database to the newest schema, or to a given revision.

Whether a database is current is answered without Alembic: the revisions stored in its
``alembic_version`` table are compared with the newest revision among the migration files, read
from their ``revision`` and ``down_revision`` lines. Importing Alembic costs a noticeable part of
a second, so it is imported only to upgrade; nor is SQLAlchemy needed to read the newest
revision (the app's first screenful checks a SQLite register with ``sqlite3`` alone).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import TYPE_CHECKING

from bct_risk.domain.errors import DomainError
from bct_risk.storage.paths import ALEMBIC_INI, MIGRATIONS_DIR

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import Engine

VERSION_TABLE = "alembic_version"
"""Where Alembic records the revision a database is at (its default name)."""

_IDENTIFIER_LINE = re.compile(r"^(?:revision|down_revision)\b.*$", re.MULTILINE)
"""A line of a migration file naming its revision or the revision(s) it follows."""


class SchemaNewerError(DomainError):
    """The database was migrated by a newer version of the code than this one."""


def alembic_config(engine: Engine) -> Config:
    """An Alembic configuration that runs on the given engine's connection."""
    from alembic.config import Config

    config = Config(str(ALEMBIC_INI))
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "heads") -> None:
    """Apply migrations up to a revision (every newest one by default).

    Migrations may branch from one revision (parts of the schema changed independently); the
    default brings every branch to its newest revision.

    A database at a revision the code does not know is refused with a clear message.
    """
    unknown = set(stored_revisions(engine)) - set(revision_graph())
    if unknown:
        raise SchemaNewerError(
            f"the database's schema is at revision {', '.join(sorted(unknown))}, which this "
            f"version of bct-risk does not know (its newest is {head_revision()}); "
            "use a newer version of bct-risk"
        )
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


def stored_revisions(engine: Engine) -> tuple[str, ...]:
    """The revisions recorded in the database (none for an empty database)."""
    from sqlalchemy import inspect, text

    with engine.connect() as connection:
        if not inspect(connection).has_table(VERSION_TABLE):
            return ()
        rows = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}"))
        return tuple(sorted(row[0] for row in rows))


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None for an empty database."""
    revisions = stored_revisions(engine)
    return ", ".join(revisions) if revisions else None


def revision_graph(versions: Path = MIGRATIONS_DIR / "versions") -> dict[str, tuple[str, ...]]:
    """Each revision among the migration files, with the revisions it follows."""
    graph: dict[str, tuple[str, ...]] = {}
    for path in sorted(versions.glob("*.py")):
        if path.name.startswith("__init__"):
            continue
        lines = _IDENTIFIER_LINE.findall(path.read_text("utf-8"))
        found = dict(_assignment(line) for line in lines)
        revision, follows = found.get("revision"), found.get("down_revision")
        if revision is not None and len(revision) == 1:
            graph[revision[0]] = follows or ()
    return graph


def _assignment(line: str) -> tuple[str, tuple[str, ...] | None]:
    # Only this line is parsed, the module never imported: `name[: type] = literal`, the
    # literal a revision id, a tuple of them, or None.
    statement = ast.parse(line).body[0]
    assert isinstance(statement, ast.Assign | ast.AnnAssign) and statement.value is not None
    target = statement.targets[0] if isinstance(statement, ast.Assign) else statement.target
    assert isinstance(target, ast.Name)
    value = ast.literal_eval(statement.value)
    if value is None:
        return target.id, None
    return target.id, (value,) if isinstance(value, str) else tuple(str(v) for v in value)


def head_revisions(versions: Path = MIGRATIONS_DIR / "versions") -> tuple[str, ...]:
    """The newest revisions among the migration files: those no other revision follows."""
    graph = revision_graph(versions)
    followed = {down for downs in graph.values() for down in downs}
    return tuple(sorted(set(graph) - followed))


def head_revision(versions: Path = MIGRATIONS_DIR / "versions") -> str | None:
    """The newest revision the code knows (None when there are no migrations)."""
    heads = head_revisions(versions)
    return ", ".join(heads) if heads else None


def is_current(engine: Engine) -> bool:
    """Whether the database is at the newest schema."""
    return stored_revisions(engine) == head_revisions()
