"""Consistent copies of a SQLite register while it is in use, and restoring one.

SQLite's online backup copies the database page by page under a read lock, so a copy taken while
the app is open is consistent. PostgreSQL registers are backed up with ``pg_dump`` (README).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bct_risk.domain.errors import ValidationError
from bct_risk.services import audit
from bct_risk.services.context import Context
from bct_risk.services.permissions import Change, authorize

PG_DUMP_HINT = (
    "this register is on PostgreSQL: back it up with pg_dump and restore with pg_restore "
    "(see the README, 'A register for a team')"
)


def backup_register(ctx: Context, target: Path) -> Path:
    """Copy the register to a new SQLite file."""
    _require_sqlite(ctx)
    if target.exists():
        raise ValidationError(f"{target} already exists; give the backup a new file name")
    if not target.parent.is_dir():
        raise ValidationError(f"the folder {target.parent} does not exist")
    destination = sqlite3.connect(target)
    try:
        with _raw(ctx) as source:
            source.backup(destination)
    finally:
        destination.close()
    return target


def restore_register(ctx: Context, source: Path) -> None:
    """Replace the register with a backup, after checking the backup is whole."""
    _require_sqlite(ctx)
    _check_backup(source)
    with ctx.transaction() as session:
        authorize(session, ctx, Change.RESTORE)
    backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        with _raw(ctx) as live:
            backup.backup(live)
    finally:
        backup.close()
    with ctx.transaction() as session:
        audit.record(
            session, ctx, entity="register", entity_id=0, action="restore",
            summary=f"Restored the register from {source.name}",
            changes={"backup": str(source)},
        )  # fmt: skip


def _require_sqlite(ctx: Context) -> None:
    if ctx.engine.dialect.name != "sqlite":
        raise ValidationError(PG_DUMP_HINT)


@contextmanager
def _raw(ctx: Context) -> Iterator[Any]:
    """The driver connection of the register's engine, returned to the pool afterwards."""
    connection = ctx.engine.raw_connection()
    try:
        yield connection.driver_connection
    finally:
        connection.close()


def _check_backup(source: Path) -> None:
    if not source.is_file():
        raise ValidationError(f"there is no backup file {source}")
    try:
        connection = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
            tables = {r[0] for r in connection.execute("SELECT name FROM sqlite_master")}
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        raise ValidationError(f"{source} is not a SQLite database: {exc}") from exc
    if integrity != "ok":
        raise ValidationError(f"{source} is damaged: {integrity}")
    if not {"alembic_version", "risk", "auditevent"} <= tables:
        raise ValidationError(f"{source} is not a bct-risk register")
