"""Consistent copies of a SQLite register while it is in use, and restoring one without harm.

SQLite's online backup copies the database under a read lock, so a copy taken while the app is
open is consistent. Every file this module writes (a backup, the copy of a register a restore
replaces) is written under a temporary name in the target's folder, flushed to the disk, and only
then given its name: a backup that is killed, or that runs out of disk space, leaves nothing under
the backup's name.

A restore checks the backup on a private copy first (a SQLite database, whole by
``PRAGMA integrity_check``, a register of a schema this version knows, with the triggers that keep
its audit trail append-only), brings that copy up to date, and records the restore in it. Only
then does it keep a dated copy of the register it replaces and put the checked copy in its place,
in one step through SQLite's backup, so a refused or failed restore changes nothing.

PostgreSQL registers are backed up with ``pg_dump`` and restored with ``pg_restore`` (README).
"""

from __future__ import annotations

import hashlib
import os
import re
import socket
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from bct_risk.domain.errors import ValidationError
from bct_risk.services import audit, audit_chain
from bct_risk.services.context import Context
from bct_risk.services.permissions import Change, authorize
from bct_risk.storage import migrate
from bct_risk.storage.errors import StorageError

PG_DUMP_HINT = (
    "backup and restore copy SQLite registers only, and this register is on PostgreSQL: back it "
    "up with pg_dump -Fc and restore it with pg_restore --clean (see the README, 'Backups')"
)

SQLITE_HEADER = b"SQLite format 3\x00"
"""The first 16 bytes of every SQLite database file."""

PARTIAL_SUFFIX = ".partial"
"""The end of the hidden temporary file a copy is written to before it is given its name."""

REGISTER_TABLES = frozenset({"alembic_version", "risk", "auditevent"})
"""Tables any bct-risk register has, whatever its schema's revision."""

_SIDECARS = ("-journal", "-wal", "-shm")
"""Files SQLite may keep beside a database while it writes it."""


class BackupWriteError(StorageError):
    """A copy could not be written (full disk, no permission); nothing has its name."""


@dataclass(frozen=True)
class Restored:
    """What a restore did: where the register came from and where the one it replaced went."""

    source: Path
    """The backup file restored."""
    sha256: str
    """The SHA-256 of the backup file, as read."""
    replaced_copy: Path
    """The dated copy kept of the register the backup replaced."""
    backup_revision: str
    """The schema revision the backup was at."""
    migrated: bool
    """Whether the backup was brought up to this version's schema."""


def backup_register(ctx: Context, target: Path, *, replace: bool = False) -> Path:
    """Copy the register to a SQLite file, which is refused when it exists unless ``replace``."""
    live = _register_file(ctx)
    target = Path(target)
    if target.is_dir():
        raise ValidationError(f"{target} is a folder; give the backup a file name")
    if target.exists() and not replace:
        raise ValidationError(
            f"{target} already exists; give the backup a new file name (or --replace to "
            "replace that file)"
        )
    if not target.parent.is_dir():
        raise ValidationError(f"the folder {target.parent} does not exist")
    if target.exists() and target.resolve() == live.resolve():
        raise ValidationError(f"{target} is the register itself; give the backup another name")
    with _raw(ctx) as source:
        _write_copy(target, source.backup, like=live, replace=replace, what="the backup")
    return target


def restore_register(
    ctx: Context,
    source: Path,
    *,
    confirm: Callable[[], bool] | None = None,
) -> Restored | None:
    """Replace the register with a backup, once the backup has passed every check.

    ``confirm`` is asked after the checks, before anything is written; when it answers no,
    nothing is written and None is returned. Any refusal raises :class:`ValidationError` with the
    backup's file name and why, and leaves the register and its folder as they were.
    """
    live = _register_file(ctx)
    with ctx.transaction() as session:
        authorize(session, ctx, Change.RESTORE)
    source = Path(source)
    _check_source_file(source, live)
    with _staged(live) as staged:
        digest = _copy_hashing(source, staged)
        revisions = _check_database(staged, source)
        _check_triggers(staged, source, revisions)
        migrated = _bring_up_to_date(staged, source, revisions)
        if migrated:
            _check_triggers(staged, source, migrate.head_revisions())
        _check_audit_chain(staged, source)
        if confirm is not None and not confirm():
            return None
        kept = _keep_dated_copy(ctx, live)
        try:
            _record_restore(ctx, staged, source, digest, kept, revisions)
            _put_in_place(ctx, staged)
        except BaseException:
            kept.unlink(missing_ok=True)
            raise
    return Restored(
        source=source,
        sha256=digest,
        replaced_copy=kept,
        backup_revision=", ".join(revisions),
        migrated=migrated,
    )


def _register_file(ctx: Context) -> Path:
    """The register's SQLite file; PostgreSQL registers are refused with the pg_dump hint."""
    if ctx.engine.dialect.name != "sqlite":
        raise ValidationError(PG_DUMP_HINT)
    database = ctx.engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise ValidationError("this register is not kept in a file, so it has no backup")
    return Path(database)


@contextmanager
def _raw(ctx: Context) -> Iterator[Any]:
    """The driver connection of the register's engine, returned to the pool afterwards."""
    connection = ctx.engine.raw_connection()
    try:
        yield connection.driver_connection
    finally:
        connection.close()


# Writing a copy: a temporary file, flushed, then named.


def _write_copy(
    target: Path,
    fill: Callable[[sqlite3.Connection], object],
    *,
    like: Path,
    replace: bool,
    what: str,
) -> None:
    """Write a SQLite file under a temporary name beside ``target``, then give it its name.

    ``fill`` copies the database into the connection it is given. The file gets the access
    rights of ``like`` (the register: a backup is as private as what it copies), is switched
    from write-ahead logging to a single self-contained file, flushed to the disk, and named
    ``target`` only when complete; on any failure the temporary file is removed.
    """
    with _temporary_beside(target) as temp:
        try:
            with suppress(OSError):
                os.chmod(temp, like.stat().st_mode & 0o777)
            destination = sqlite3.connect(temp)
            try:
                fill(destination)
                destination.execute("PRAGMA journal_mode=DELETE").fetchall()
            finally:
                destination.close()
            _fsync(temp)
            _give_name(temp, target, replace=replace)
            _fsync(target.parent)
        except sqlite3.Error as exc:
            raise BackupWriteError(
                f"could not write {what} {target}{_disk_hint(exc)}: {exc}; nothing was written "
                "under that name"
            ) from exc
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise BackupWriteError(
                f"could not write {what} {target}: {reason}; nothing was written under that name"
            ) from exc


def _disk_hint(exc: sqlite3.Error) -> str:
    # A write refused by the system reads "disk I/O error"; SQLite names a full disk itself.
    name = str(getattr(exc, "sqlite_errorname", ""))
    return " (is the disk full?)" if name.startswith("SQLITE_IOERR") else ""


@contextmanager
def _temporary_beside(target: Path) -> Iterator[Path]:
    """A new, empty, hidden file in the target's folder (so renaming it is atomic), removed
    afterwards with any file SQLite kept beside it.

    Its name holds this machine's name and this process's id, so that a later copy to the same
    name can remove the temporary files of copies that were killed (their process gone).
    """
    _remove_abandoned(target)
    try:
        handle, name = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.{_writer()}.", suffix=PARTIAL_SUFFIX
        )
    except OSError as exc:
        raise BackupWriteError(
            f"cannot write in the folder {target.parent}: {exc.strerror or exc}"
        ) from exc
    os.close(handle)
    temp = Path(name)
    try:
        yield temp
    finally:
        _remove_with_sidecars(temp)


def _writer() -> str:
    """This machine and process, as a temporary file's name holds them."""
    host = re.sub(r"[^A-Za-z0-9-]", "-", socket.gethostname())[:40] or "host"
    return f"{host}-{os.getpid()}"


def _remove_abandoned(target: Path) -> None:
    """Remove the temporary files of earlier copies to this name, on this machine, whose
    process has gone (killed part-way); those of copies still running are left alone."""
    if os.name != "posix":
        return
    host, _, _ = _writer().rpartition("-")
    named = re.compile(
        rf"\.{re.escape(target.name)}\.{re.escape(host)}-(\d+)\.[^.]+{re.escape(PARTIAL_SUFFIX)}"
    )
    try:
        entries = list(target.parent.iterdir())
    except OSError:
        return
    for path in entries:
        found = named.fullmatch(path.name)
        if found is not None and not _running(int(found.group(1))):
            _remove_with_sidecars(path)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # another user's process: running
    return True


def _fsync(path: Path) -> None:
    """Flush a file (or a folder's entries) to the disk."""
    flags = os.O_RDONLY
    if path.is_dir():
        flags |= getattr(os, "O_DIRECTORY", 0)
    handle = os.open(path, flags)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _give_name(temp: Path, target: Path, *, replace: bool) -> None:
    """Name a finished file: replacing what has that name only when asked."""
    if replace:
        os.replace(temp, target)
        return
    try:
        # A hard link never replaces a file, even one made since the checks.
        os.link(temp, target)
    except FileExistsError as exc:
        raise ValidationError(
            f"{target} already exists; give the backup a new file name (or --replace to "
            "replace that file)"
        ) from exc
    except OSError:
        # A file system without hard links: check, then rename.
        if target.exists():
            raise ValidationError(
                f"{target} already exists; give the backup a new file name"
            ) from None
        os.replace(temp, target)


def _remove_with_sidecars(path: Path) -> None:
    for name in (str(path), *(f"{path}{suffix}" for suffix in _SIDECARS)):
        with suppress(OSError):
            os.unlink(name)


# Checking a backup before it replaces anything.


def _check_source_file(source: Path, live: Path) -> None:
    if not source.exists():
        raise ValidationError(f"there is no backup file {source}")
    if not source.is_file():
        raise ValidationError(f"{source} is not a file, so not a backup")
    if source.resolve() == live.resolve():
        raise ValidationError(f"{source} is the register itself, not a backup of it")
    wal = Path(f"{source}-wal")
    if wal.is_file() and wal.stat().st_size > 0:
        raise ValidationError(
            f"{source} has changes not yet written into it ({wal.name} beside it): open it with "
            "bct-risk once, or copy it with 'bct-risk backup', and restore that file"
        )


@contextmanager
def _staged(live: Path) -> Iterator[Path]:
    """A private file beside the register to check and prepare the backup in; removed after."""
    with _temporary_beside(live) as temp:
        yield temp


def _copy_hashing(source: Path, staged: Path) -> str:
    """Copy the backup's bytes to the staged file; the SHA-256 of exactly what was copied."""
    digest = hashlib.sha256()
    try:
        with source.open("rb") as reader, staged.open("wb") as writer:
            while chunk := reader.read(1 << 20):
                digest.update(chunk)
                writer.write(chunk)
    except OSError as exc:
        if exc.filename and Path(exc.filename) == source:
            raise ValidationError(f"cannot read {source}: {exc.strerror or exc}") from exc
        raise BackupWriteError(
            f"could not copy {source} beside the register to check it: {exc.strerror or exc}; "
            "the register was not changed"
        ) from exc
    return digest.hexdigest()


def _check_database(staged: Path, source: Path) -> tuple[str, ...]:
    """Refuse what is not a whole bct-risk register of a schema this version knows.

    Returns the schema revisions the backup is at.
    """
    with staged.open("rb") as reader:
        if reader.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise ValidationError(
                f"{source} is not a SQLite database (it does not begin as one), so not a backup; "
                "the register was not changed"
            )
    try:
        connection = sqlite3.connect(staged)
        try:
            problems = [row[0] for row in connection.execute("PRAGMA integrity_check")]
            if problems != ["ok"]:
                more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
                raise ValidationError(
                    f"{source} fails SQLite's integrity check: {problems[0]}{more}; it is "
                    "damaged, so it was not restored"
                )
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
            if not tables >= REGISTER_TABLES:
                raise ValidationError(
                    f"{source} is a SQLite database but not a bct-risk register (it has no "
                    f"{', '.join(sorted(REGISTER_TABLES - tables))} table); it was not restored"
                )
            rows = connection.execute("SELECT version_num FROM alembic_version").fetchall()
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        raise ValidationError(
            f"{source} is damaged or not a SQLite database ({exc}); it was not restored"
        ) from exc
    revisions = tuple(sorted(str(row[0]) for row in rows))
    if not revisions:
        raise ValidationError(
            f"{source} records no schema revision, so it is not a bct-risk backup; "
            "it was not restored"
        )
    unknown = sorted(set(revisions) - set(migrate.revision_graph()))
    if unknown:
        raise ValidationError(
            f"{source} comes from a newer version of bct-risk: its schema is at revision "
            f"{', '.join(unknown)}, which this version does not know (its newest is "
            f"{migrate.head_revision()}); restore it with that version, or upgrade bct-risk"
        )
    return revisions


def _bring_up_to_date(staged: Path, source: Path, revisions: tuple[str, ...]) -> bool:
    """Migrate the staged copy to the newest schema; whether it needed it."""
    if revisions == migrate.head_revisions():
        return False
    from bct_risk.storage.engine import make_engine

    engine = make_engine(f"sqlite:///{staged}")
    try:
        migrate.upgrade(engine)
    except Exception as exc:  # any failure of a migration on this file refuses the backup
        cause = getattr(exc, "orig", None) or exc
        reason = (str(cause).strip().splitlines() or [type(cause).__name__])[0]
        raise ValidationError(
            f"{source} is at schema revision {', '.join(revisions)} and could not be brought up "
            f"to this version's schema ({reason}); it was not restored"
        ) from exc
    finally:
        engine.dispose()
    return True


def _check_triggers(staged: Path, source: Path, revisions: tuple[str, ...]) -> None:
    """Refuse a backup missing (or with altered) triggers its schema's revision has.

    Checked as the backup was made (a later migration may make a trigger again) and, once it
    is brought up to date, against the newest schema.
    """
    expected = schema_triggers(revisions)
    connection = sqlite3.connect(staged)
    try:
        found = dict(
            connection.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        )
    finally:
        connection.close()
    missing = sorted(set(expected) - set(found))
    if missing:
        raise ValidationError(
            f"{source} is missing the triggers that keep its audit trail append-only "
            f"({', '.join(missing)}): its audit trail may have been altered, so it was not "
            "restored"
        )
    altered = sorted(name for name, sql in expected.items() if _words(found[name]) != _words(sql))
    if altered:
        raise ValidationError(
            f"{source} has altered the triggers that keep its audit trail append-only "
            f"({', '.join(altered)}): its audit trail may have been altered, so it was not "
            "restored"
        )


def _words(sql: str | None) -> list[str]:
    return (sql or "").split()


def _check_audit_chain(staged: Path, source: Path) -> None:
    """Refuse a backup whose sealed audit trail does not hold (an event changed, removed or
    slipped in: see :mod:`bct_risk.services.audit_chain`)."""
    from bct_risk.storage.engine import make_engine

    engine = make_engine(f"sqlite:///{staged}")
    try:
        with engine.connect() as connection:
            report = audit_chain.verify(connection)
    finally:
        engine.dispose()
    if not report.intact:
        raise ValidationError(f"{source} has an {report.describe()}; it was not restored")


def schema_triggers(revisions: tuple[str, ...] | None = None) -> dict[str, str]:
    """Each trigger (name → SQL) of the schema at some revisions (the newest by default), as
    migrating an empty SQLite file makes them: the append-only audit trail's, and any a later
    migration adds."""
    heads = migrate.head_revisions()
    return _triggers_at(heads if revisions is None else tuple(sorted(revisions)), heads)


@cache
def _triggers_at(revisions: tuple[str, ...], heads: tuple[str, ...]) -> dict[str, str]:
    from bct_risk.storage.engine import make_engine

    with tempfile.TemporaryDirectory(prefix="bct-risk-schema-") as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'schema.sqlite'}")
        try:
            for revision in ["heads"] if revisions == heads else revisions:
                migrate.upgrade(engine, revision)
            with engine.connect() as connection:
                rows = connection.exec_driver_sql(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
                ).all()
        finally:
            engine.dispose()
    return {str(name): str(sql) for name, sql in rows}


# Replacing the register.


def _keep_dated_copy(ctx: Context, live: Path) -> Path:
    """A consistent copy of the register about to be replaced, named by the time (UTC)."""
    stamp = ctx.now().strftime("%Y%m%dT%H%M%SZ")
    base = live.with_name(f"{live.name}.before-restore-{stamp}")
    for attempt in range(1, 100):
        kept = base if attempt == 1 else base.with_name(f"{base.name}-{attempt}")
        if kept.exists():
            continue
        try:
            with _raw(ctx) as register:
                _write_copy(
                    kept, register.backup, like=live, replace=False,
                    what="a copy of the register it replaces",
                )  # fmt: skip
        except ValidationError:
            continue  # made by someone else since the check: take the next name
        return kept
    raise BackupWriteError(f"too many copies named {base.name}-N beside the register")


def _record_restore(
    ctx: Context,
    staged: Path,
    source: Path,
    digest: str,
    kept: Path,
    revisions: tuple[str, ...],
) -> None:
    """The restore's audit event, written into the checked copy before it replaces anything,
    so the register never holds the backup without it."""
    from bct_risk.storage.engine import make_engine

    engine = make_engine(f"sqlite:///{staged}")
    try:
        staged_ctx = Context(engine, ctx.actor, ctx.matrix, ctx.clock)
        with staged_ctx.transaction() as session:
            audit.record(
                session, staged_ctx, entity="register", entity_id=0, action="restore",
                summary=(
                    f"Restored the register from {source.name} (SHA-256 {digest}); the "
                    f"register it replaced was kept at {kept}"
                ),
                changes={
                    "backup": str(source.resolve()),
                    "sha256": digest,
                    "replaced_register_kept_at": str(kept.resolve()),
                    "backup_schema": ", ".join(revisions),
                    "schema": ", ".join(migrate.head_revisions()),
                },
            )  # fmt: skip
    finally:
        engine.dispose()


def _put_in_place(ctx: Context, staged: Path) -> None:
    """Copy the checked file over the register in one step (SQLite's backup, one transaction
    on the register: a failure part-way leaves it as it was)."""
    checked = sqlite3.connect(staged)
    try:
        with _raw(ctx) as register:
            # SQLite copies into a register in write-ahead-log mode only at its own page size.
            (size,) = register.execute("PRAGMA page_size").fetchone()
            if checked.execute("PRAGMA page_size").fetchone()[0] != size:
                checked.execute("PRAGMA journal_mode=DELETE").fetchall()
                checked.execute(f"PRAGMA page_size={int(size)}")
                checked.execute("VACUUM")
            checked.backup(register)
    except sqlite3.Error as exc:
        raise BackupWriteError(
            f"could not write the backup into the register{_disk_hint(exc)}: {exc}; the "
            "register was not changed"
        ) from exc
    finally:
        checked.close()
