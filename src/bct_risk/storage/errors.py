"""What a failure of the database, the disk or a file means to the person who ran the command.

A driver's error (SQLAlchemy, sqlite3, psycopg) or an operating-system error is turned here into a
one-line message in the user's words and an exit code, in one place, for the command line and
the app alike. Nothing here imports rich, typer or textual.

Exit codes (the README's table):

- 0: done;
- 1: refused: bad input, not found, a conflict, not permitted (nothing was written);
- 2: a usage error (an unknown option, a missing argument), reported by the command-line parser;
- 3: the register could not be used: the database cannot be opened or reached, is locked by
  another program, the disk is full or cannot be written (nothing was written);
- 4: an unexpected error in the program itself (nothing was written; please report it).
"""

from __future__ import annotations

import errno
import sqlite3
from typing import Final

from bct_risk.domain.errors import DomainError

EXIT_DONE: Final = 0
EXIT_REFUSED: Final = 1
EXIT_USAGE: Final = 2
EXIT_UNAVAILABLE: Final = 3
EXIT_INTERNAL: Final = 4

DISK_FULL = (errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC))
"""Operating-system errors that mean no more can be written: no space, file size limit, quota."""

_SQLITE_WORDS: tuple[tuple[str, str], ...] = (
    ("database is locked", "the register is locked by another program (it waited {timeout}); "
     "try again when the other change has finished"),
    ("database table is locked", "the register is locked by another program; try again"),
    ("database or disk is full", "the disk is full: the change could not be written"),
    ("disk i/o error", "the disk is full or could not be written (disk I/O error)"),
    ("unable to open database file", "cannot open the register at {where}: it is a folder, "
     "or its folder does not exist or cannot be written"),
    ("file is not a database", "{where} is not a SQLite database"),
    ("database disk image is malformed", "the register at {where} is damaged "
     "(database disk image is malformed); restore a backup"),
    ("attempt to write a readonly database", "the register at {where} is read-only: "
     "it cannot be changed"),
    ("readonly database", "the register at {where} is read-only: it cannot be changed"),
)  # fmt: skip


class StorageError(DomainError):
    """The register, the disk or a file could not be used; nothing was written."""

    exit_code = EXIT_UNAVAILABLE


def busy_timeout_text(seconds: float) -> str:
    """How long SQLite waits for a lock, as the message about it says it."""
    return f"{seconds:g} s" if seconds < 60 else f"{seconds / 60:g} min"


def shown_url(url: str) -> str:
    """A database URL as a message shows it: a SQLite file's path; any other URL without its
    password."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError:
        return url
    if parsed.get_backend_name() == "sqlite":
        return parsed.database or url
    return parsed.render_as_string(hide_password=True)


def first_line(exc: BaseException) -> str:
    """The driver's own words for an error: its first line only (no SQL, no links)."""
    cause = getattr(exc, "orig", None) or exc
    lines = [line.strip() for line in str(cause).strip().splitlines() if line.strip()]
    return lines[0] if lines else type(cause).__name__


def disk_full(exc: BaseException) -> bool:
    """Whether an error means the disk (or the file size limit) is full."""
    if isinstance(exc, OSError) and exc.errno in DISK_FULL:
        return True
    words = first_line(exc).lower()
    return "disk is full" in words or "no space left" in words or "file too large" in words


def storage_error(
    exc: BaseException, *, url: str | None = None, timeout: float | None = None
) -> StorageError | None:
    """The one-line refusal for a database, disk or file error; None for any other error.

    ``url`` names the register being opened or used; ``timeout`` is SQLite's busy timeout in
    seconds, for the message about a lock.
    """
    from sqlalchemy import exc as sa_exc

    where = shown_url(url) if url else "the given location"
    waited = busy_timeout_text(timeout) if timeout is not None else "its busy timeout"
    if isinstance(exc, StorageError):
        return exc
    if isinstance(exc, sa_exc.NoSuchModuleError | ModuleNotFoundError | sa_exc.ArgumentError):
        return StorageError(
            f"cannot use the database {where}: {_url_problem(exc)}; give a SQLite file path or "
            "a URL such as postgresql+psycopg://user@host/bct_risk"
        )
    if isinstance(exc, OSError):
        return _os_error(exc, where if url else None)
    if isinstance(exc, sa_exc.DBAPIError | sqlite3.Error):
        words = first_line(exc)
        lower = words.lower()
        for needle, message in _SQLITE_WORDS:
            if needle in lower:
                return StorageError(message.format(where=where, timeout=waited))
        if isinstance(exc, sa_exc.OperationalError | sa_exc.InterfaceError | sqlite3.Error):
            return StorageError(f"cannot use the register at {where}: {words}")
    if isinstance(exc, sa_exc.SQLAlchemyError) and not isinstance(exc, sa_exc.DBAPIError):
        return StorageError(f"cannot use the register at {where}: {first_line(exc)}")
    return None


def failure(
    exc: BaseException, *, url: str | None = None, timeout: float | None = None
) -> tuple[str, int]:
    """Any error a command ends with, as its one line for standard error and its exit code.

    A broken rule keeps its own words (exit 1); a file the user named that cannot be read is
    bad input (exit 1); the database, a lock or a full disk is exit 3; anything else is an
    error in the program itself (exit 4), still one line.
    """
    if isinstance(exc, DomainError):
        return f"Error: {one_line(str(exc))}", getattr(exc, "exit_code", EXIT_REFUSED)
    if isinstance(exc, OSError) and not disk_full(exc):
        where = f": {exc.filename}" if exc.filename else ""
        return f"Error: {exc.strerror or first_line(exc)}{where}", EXIT_REFUSED
    refusal = storage_error(exc, url=url, timeout=timeout)
    if refusal is not None:
        return f"Error: {refusal}", EXIT_UNAVAILABLE
    return (
        f"Error: unexpected {type(exc).__name__}: {first_line(exc)}. This is a fault in "
        "bct-risk: please report it with the command you ran",
        EXIT_INTERNAL,
    )


def one_line(message: str) -> str:
    """A message on one line: a parser's quoted source and its ^ pointer lines run together."""
    lines = [line.strip() for line in message.splitlines()]
    return " ".join(line for line in lines if line and set(line) != {"^"})


def _url_problem(exc: BaseException) -> str:
    words = first_line(exc)
    if isinstance(exc, ModuleNotFoundError):
        return f"its driver is not installed ({exc.name or words})"
    if "Can't load plugin" in words:
        kind = words.rsplit(":", 1)[-1].strip()
        return f"'{kind}' is not a kind of database this program knows"
    return words


def _os_error(exc: OSError, register: str | None) -> StorageError:
    where = f": {exc.filename}" if exc.filename else ""
    if disk_full(exc):
        return StorageError(f"the disk is full: nothing more can be written{where}")
    reason = exc.strerror or first_line(exc)
    if register is not None:
        return StorageError(f"cannot open the register at {register}: {reason}{where}")
    return StorageError(f"{reason}{where}")
