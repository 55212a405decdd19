"""Engine and session factory for SQLite (embedded) and PostgreSQL (shared)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from os import environ
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.engine import make_url
from sqlmodel import Session, create_engine

BUSY_TIMEOUT_ENV = "BCT_RISK_BUSY_TIMEOUT"
"""Seconds a SQLite writer waits for another's lock before giving up (default 30)."""


def busy_timeout() -> float:
    """How long, in seconds, a SQLite connection waits for a lock: ``BCT_RISK_BUSY_TIMEOUT``,
    else 30 (a value that is not a positive number is ignored)."""
    try:
        seconds = float(environ.get(BUSY_TIMEOUT_ENV, "30"))
    except ValueError:
        return 30.0
    return seconds if 0 < seconds <= 3600 else 30.0


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """An engine for a database URL. SQLite files get foreign keys, WAL and a busy timeout."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
            _create_private(Path(database))
        engine = create_engine(url, echo=echo, connect_args={"timeout": busy_timeout()})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True)


def _create_private(path: Path) -> None:
    """A new register file readable and writable by its owner only (SQLite gives its journal
    files the same mode): on SQLite, file permissions are the only boundary."""
    import os

    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout() * 1000)}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """A session whose work is committed together at the end, or not at all.

    On SQLite the transaction takes the write lock as it begins (``BEGIN IMMEDIATE``), so writers
    queue (for up to the busy timeout) instead of reading a version that another writer is
    about to replace; on PostgreSQL the use cases lock the rows they change
    (``SELECT ... FOR UPDATE``) and every versioned UPDATE names the version it replaces.
    """
    with Session(engine, expire_on_commit=False) as session, session.begin():
        if engine.dialect.name == "sqlite":
            session.connection().exec_driver_sql("BEGIN IMMEDIATE")
        yield session


@contextmanager
def reading(engine: Engine) -> Iterator[Session]:
    """A session for reads: one consistent snapshot, never a write lock."""
    with Session(engine, expire_on_commit=False) as session, session.begin():
        yield session
