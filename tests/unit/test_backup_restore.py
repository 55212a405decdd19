"""Backups that leave nothing half-written, and restores that refuse what would hurt the register.

Backups are of SQLite files, so these tests use the ``*_path`` fixtures (SQLite on every pass);
the PostgreSQL pass checks that both commands point to pg_dump instead.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from bct_risk.domain.enums import Role
from bct_risk.domain.errors import PermissionDeniedError, ValidationError
from bct_risk.services import backup, people, risks
from bct_risk.services.backup import Restored, backup_register, restore_register
from bct_risk.services.context import Context
from bct_risk.storage import migrate
from bct_risk.storage.engine import make_engine
from tests.conftest import make_context
from tests.helpers import fingerprint

STAMP = "20261123T100000Z"
"""The frozen clock's time, as the copy of a replaced register is named."""


@pytest.fixture
def register(seeded_db_path: Path) -> Context:
    """The seed register in a SQLite file, in a folder of its own."""
    folder = seeded_db_path.parent / "db"
    folder.mkdir()
    live = seeded_db_path.rename(folder / "bct_risk.sqlite")
    return make_context(live)


@pytest.fixture
def backups(tmp_path: Path) -> Path:
    """A folder for backups, apart from the register's."""
    folder = tmp_path / "backups"
    folder.mkdir()
    return folder


def live_file(ctx: Context) -> Path:
    assert ctx.engine.url.database
    return Path(ctx.engine.url.database)


def dump(path: Path) -> list[str]:
    """Every statement that rebuilds a SQLite file: its schema, triggers and rows."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


def edit(path: Path, *statements: str) -> None:
    """Change a backup file behind bct-risk's back."""
    connection = sqlite3.connect(path)
    try:
        for statement in statements:
            connection.execute(statement)
        connection.commit()
    finally:
        connection.close()


def register_folder(ctx: Context) -> list[str]:
    """The names in the register's folder, but SQLite's own files beside the register."""
    live = live_file(ctx)
    return sorted(
        p.name
        for p in live.parent.iterdir()
        if p.name not in {f"{live.name}-wal", f"{live.name}-shm"}
    )


# Backup


def test_a_backup_is_a_whole_self_contained_register_and_leaves_no_temporary_file(
    register: Context, backups: Path
) -> None:
    target = backups / "copy.sqlite"
    assert backup_register(register, target) == target
    assert sorted(p.name for p in backups.iterdir()) == ["copy.sqlite"]
    header = target.read_bytes()[:20]
    assert header.startswith(b"SQLite format 3\x00")
    assert header[18:20] == b"\x01\x01", "one file, not one waiting on a write-ahead log"
    assert dump(target) == dump(live_file(register))


def test_a_backup_refuses_an_existing_file_unless_told_to_replace_it(
    register: Context, backups: Path
) -> None:
    target = backups / "copy.sqlite"
    target.write_bytes(b"last week's notes")
    with pytest.raises(ValidationError, match=r"copy\.sqlite already exists; .*--replace"):
        backup_register(register, target)
    assert target.read_bytes() == b"last week's notes"
    assert sorted(p.name for p in backups.iterdir()) == ["copy.sqlite"]
    backup_register(register, target, replace=True)
    assert dump(target) == dump(live_file(register))
    assert sorted(p.name for p in backups.iterdir()) == ["copy.sqlite"]


def test_a_backup_into_a_missing_folder_or_onto_the_register_is_refused(
    register: Context, backups: Path
) -> None:
    with pytest.raises(ValidationError, match=r"the folder .*nowhere does not exist"):
        backup_register(register, backups / "nowhere" / "copy.sqlite")
    with pytest.raises(ValidationError, match="is a folder"):
        backup_register(register, backups)
    with pytest.raises(ValidationError, match="is the register itself"):
        backup_register(register, live_file(register), replace=True)
    assert list(backups.iterdir()) == []


def test_a_backup_that_fails_before_it_is_complete_leaves_nothing_under_its_name(
    register: Context, backups: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The copy is written; flushing it to the disk then fails as a full disk would.
    def full(path: Path) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backup, "_fsync", full)
    target = backups / "copy.sqlite"
    with pytest.raises(backup.BackupWriteError) as raised:
        backup_register(register, target)
    assert str(raised.value) == (
        f"could not write the backup {target}: No space left on device; nothing was written "
        "under that name"
    )
    assert list(backups.iterdir()) == [], "no backup, and its temporary file cleaned"


def test_replacing_a_backup_that_fails_keeps_the_old_backup(
    register: Context, backups: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = backups / "copy.sqlite"
    backup_register(register, target)
    before = target.read_bytes()
    risks.score_risk(register, "SR2", likelihood=5, impact=5, rationale="after the backup")

    def full(path: Path) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backup, "_fsync", full)
    with pytest.raises(backup.BackupWriteError, match="No space left on device"):
        backup_register(register, target, replace=True)
    assert target.read_bytes() == before
    assert sorted(p.name for p in backups.iterdir()) == ["copy.sqlite"]


def test_a_backup_removes_the_temporary_files_of_killed_backups_to_its_name(
    register: Context, backups: Path
) -> None:
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    host = backup._writer().rpartition("-")[0]
    killed = backups / f".copy.sqlite.{host}-{gone.stdout.strip()}.k1ll3d.partial"
    running = backups / f".copy.sqlite.{backup._writer()}.st1ll0n.partial"
    elsewhere = backups / f".copy.sqlite.another-machine-{gone.stdout.strip()}.th3r3.partial"
    other_name = backups / f".other.sqlite.{host}-{gone.stdout.strip()}.k1ll3d.partial"
    for path in (killed, Path(f"{killed}-journal"), running, elsewhere, other_name):
        path.write_bytes(b"part of a copy")
    backup_register(register, backups / "copy.sqlite")
    assert names_in(backups) == sorted(
        ["copy.sqlite", running.name, elsewhere.name, other_name.name]
    )


def names_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# Restore: what it refuses


def newer_schema(path: Path) -> None:
    # One branch of the schema moved on by a version this one does not know.
    edit(
        path,
        "UPDATE alembic_version SET version_num = '9999_from_the_future' "
        "WHERE rowid = (SELECT max(rowid) FROM alembic_version)",
    )


def no_update_trigger(path: Path) -> None:
    edit(path, "DROP TRIGGER auditevent_no_update")


def no_audit_triggers(path: Path) -> None:
    edit(path, "DROP TRIGGER auditevent_no_update", "DROP TRIGGER auditevent_no_delete")


def harmless_trigger(path: Path) -> None:
    # The name kept, the refusal taken out.
    edit(
        path,
        "DROP TRIGGER auditevent_no_delete",
        "CREATE TRIGGER auditevent_no_delete BEFORE DELETE ON auditevent BEGIN SELECT 1; END",
    )


def audit_event_rewritten(path: Path) -> None:
    # The append-only triggers lifted, an event rewritten, the triggers put back as they were.
    connection = sqlite3.connect(path)
    triggers = connection.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'auditevent'"
    ).fetchall()
    for name, _ in triggers:
        connection.execute(f"DROP TRIGGER {name}")
    connection.execute(
        "UPDATE auditevent SET summary = 'Nothing to see here' "
        "WHERE id = (SELECT min(id) FROM auditevent) + 2"
    )
    for _, sql in triggers:
        connection.execute(sql)
    connection.commit()
    connection.close()


def index_out_of_step(path: Path) -> None:
    # The index's definition no longer matches its entries: integrity_check lists the rows.
    connection = sqlite3.connect(path)
    (name,) = connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'risk' "
        "AND sql IS NOT NULL ORDER BY name LIMIT 1"
    ).fetchone()
    connection.execute("PRAGMA writable_schema = ON")
    connection.execute(
        "UPDATE sqlite_master SET sql = ? WHERE name = ?",
        (f"CREATE INDEX {name} ON risk (title)", name),
    )
    connection.commit()
    connection.close()


def cut_in_half(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def not_sqlite(path: Path) -> None:
    path.write_bytes(b"Risk register minutes, November\n" * 200)


def empty(path: Path) -> None:
    path.write_bytes(b"")


def another_database(path: Path) -> None:
    path.unlink()
    edit(path, "CREATE TABLE shopping (item TEXT)", "INSERT INTO shopping VALUES ('milk')")


def unsaved_changes_beside(path: Path) -> None:
    Path(f"{path}-wal").write_bytes(b"\x37\x7f\x06\x82" + bytes(28))


REFUSALS: list[tuple[str, Callable[[Path], None], str]] = [
    (
        "newer schema",
        newer_schema,
        r"comes from a newer version of bct-risk: its schema is at revision "
        r"9999_from_the_future, which this version does not know \(its newest is [^)]+\); "
        r"restore it with that version, or upgrade bct-risk",
    ),
    (
        "one audit trigger dropped",
        no_update_trigger,
        r"is missing the triggers that keep its audit trail append-only "
        r"\(auditevent_no_update\): its audit trail may have been altered, so it was not restored",
    ),
    (
        "both audit triggers dropped",
        no_audit_triggers,
        r"missing the triggers .* \(auditevent_no_delete, auditevent_no_update\)",
    ),
    (
        "an audit trigger emptied",
        harmless_trigger,
        r"has altered the triggers that keep its audit trail append-only "
        r"\(auditevent_no_delete\)",
    ),
    (
        "an audit event rewritten",
        audit_event_rewritten,
        r"has an audit trail broken at event \d+: its content no longer matches its seal: it "
        r"was changed after it was written; it was not restored",
    ),
    (
        "integrity check fails",
        index_out_of_step,
        r"fails SQLite's integrity check: row \d+ missing from index ix_risk_\w+ "
        r"\(and \d+ more problems\); it is damaged, so it was not restored",
    ),
    ("cut in half", cut_in_half, r"damaged"),
    (
        "not a SQLite database",
        not_sqlite,
        r"is not a SQLite database \(it does not begin as one\), so not a backup",
    ),
    ("an empty file", empty, r"is not a SQLite database"),
    (
        "another SQLite database",
        another_database,
        r"is a SQLite database but not a bct-risk register \(it has no alembic_version, "
        r"auditevent, risk table\)",
    ),
    (
        "changes left in a write-ahead log",
        unsaved_changes_beside,
        r"has changes not yet written into it \(copy\.sqlite-wal beside it\)",
    ),
]


@pytest.mark.parametrize(
    ("spoil", "message"),
    [pytest.param(spoil, message, id=name) for name, spoil, message in REFUSALS],
)
def test_restore_refuses_a_backup_that_would_hurt_and_changes_nothing(
    register: Context, backups: Path, spoil: Callable[[Path], None], message: str
) -> None:
    copy = backups / "copy.sqlite"
    backup_register(register, copy)
    spoil(copy)
    risks.score_risk(register, "SR2", likelihood=5, impact=5, rationale="after the backup")
    before, folder, spoilt = fingerprint(register), register_folder(register), copy.read_bytes()
    with pytest.raises(ValidationError) as raised:
        restore_register(register, copy)
    assert str(copy) in str(raised.value)
    assert re.search(message, str(raised.value)), str(raised.value)
    assert "\n" not in str(raised.value)
    assert fingerprint(register) == before
    assert register_folder(register) == folder, "no copy kept, no temporary file left"
    assert copy.read_bytes() == spoilt, "the backup itself is only read"
    register.engine.dispose()


def test_restore_refuses_a_missing_file_and_the_register_itself(register: Context) -> None:
    before = fingerprint(register)
    with pytest.raises(ValidationError, match=r"there is no backup file .*none\.sqlite"):
        restore_register(register, live_file(register).parent / "none.sqlite")
    with pytest.raises(ValidationError, match="is the register itself, not a backup of it"):
        restore_register(register, live_file(register))
    with pytest.raises(ValidationError, match="is not a file"):
        restore_register(register, live_file(register).parent)
    assert fingerprint(register) == before


def test_an_older_backup_whose_triggers_were_dropped_is_refused_once_brought_up_to_date(
    register: Context, backups: Path
) -> None:
    old = backups / "old.sqlite"
    engine = make_engine(f"sqlite:///{old}")
    migrate.upgrade(engine, "0002")
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP TRIGGER auditevent_no_delete")
    engine.dispose()
    before, folder = fingerprint(register), register_folder(register)
    with pytest.raises(ValidationError, match=r"missing .* \(auditevent_no_delete\)"):
        restore_register(register, old)
    assert fingerprint(register) == before
    assert register_folder(register) == folder


def test_only_an_administrator_restores_once_roles_are_on(register: Context, backups: Path) -> None:
    copy = backups / "copy.sqlite"
    backup_register(register, copy)
    people.add_person(register, "Ada Admin", login="ada", role=Role.ADMINISTRATOR)
    admin = register.acting_as("ada")
    people.add_person(admin, "Sam Secretary", login="sam", role=Role.SECRETARIAT)
    before, folder = fingerprint(register), register_folder(register)
    with pytest.raises(
        PermissionDeniedError,
        match=r"Sam Secretary \(secretariat\) may not restore a backup over the register",
    ):
        restore_register(register.acting_as("sam"), copy)
    with pytest.raises(PermissionDeniedError, match="'nobody' is not a person of this register"):
        restore_register(register.acting_as("nobody"), copy)
    assert fingerprint(register) == before
    assert register_folder(register) == folder
    assert restore_register(admin, copy) is not None


# Restore: what it does


def test_restore_keeps_a_dated_copy_of_what_it_replaces_and_records_itself(
    register: Context, backups: Path
) -> None:
    live = live_file(register)
    copy = backups / "copy.sqlite"
    backup_register(register, copy)
    backed_up = dump(copy)
    risks.score_risk(register, "SR2", likelihood=5, impact=5, rationale="after the backup")
    replaced = dump(live)

    restored = restore_register(register.acting_as("ada"), copy)

    kept = live.with_name(f"bct_risk.sqlite.before-restore-{STAMP}")
    digest = hashlib.sha256(copy.read_bytes()).hexdigest()
    assert restored == Restored(
        source=copy,
        sha256=digest,
        replaced_copy=kept,
        backup_revision=", ".join(migrate.head_revisions()),
        migrated=False,
    )
    assert dump(kept) == replaced, "the copy is the register as it was replaced"
    assert dump(copy) == backed_up, "the backup is only read"
    assert register_folder(register) == sorted(["bct_risk.sqlite", kept.name])
    # The register is the backup plus one audit event: the restore, with who, when and what.
    now = dump(live)
    added = [line for line in now if line not in backed_up]
    assert len(added) == 1 and added[0].startswith('INSERT INTO "auditevent"')
    assert len(now) == len(backed_up) + 1
    with sqlite3.connect(live) as connection:
        at, actor, entity, action, summary, changes = connection.execute(
            "SELECT at, actor, entity, action, summary, changes FROM auditevent "
            "ORDER BY id DESC LIMIT 1"
        ).fetchone()
    assert (actor, entity, action) == ("ada", "register", "restore")
    assert at.startswith("2026-11-23 10:00:00")
    assert summary == (
        f"Restored the register from copy.sqlite (SHA-256 {digest}); the register it replaced "
        f"was kept at {kept}"
    )
    assert json.loads(changes) == {
        "backup": str(copy.resolve()),
        "sha256": digest,
        "replaced_register_kept_at": str(kept.resolve()),
        "backup_schema": ", ".join(migrate.head_revisions()),
        "schema": ", ".join(migrate.head_revisions()),
    }
    register.engine.dispose()


def test_a_restore_that_cannot_keep_its_copy_or_replace_the_register_changes_nothing(
    register: Context, backups: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = backups / "copy.sqlite"
    backup_register(register, copy)
    risks.score_risk(register, "SR2", likelihood=5, impact=5, rationale="after the backup")
    before, folder = fingerprint(register), register_folder(register)

    def full(path: Path) -> None:
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patched:
        patched.setattr(backup, "_fsync", full)
        with pytest.raises(
            backup.BackupWriteError,
            match=r"could not write a copy of the register it replaces .*before-restore-"
            r"20261123T100000Z: No space left on device; nothing was written under that name",
        ):
            restore_register(register, copy)
    assert fingerprint(register) == before
    assert register_folder(register) == folder

    def fails(ctx: Context, staged: Path) -> None:
        raise backup.BackupWriteError("could not write the backup into the register")

    with monkeypatch.context() as patched:
        patched.setattr(backup, "_put_in_place", fails)
        with pytest.raises(backup.BackupWriteError):
            restore_register(register, copy)
    assert fingerprint(register) == before
    assert register_folder(register) == folder, "the copy kept for it removed again"


def test_a_second_restore_in_the_same_second_keeps_its_own_copy(
    register: Context, backups: Path
) -> None:
    copy = backups / "copy.sqlite"
    backup_register(register, copy)
    first = restore_register(register, copy)
    second = restore_register(register, copy)
    assert first is not None and second is not None
    assert first.replaced_copy.name == f"bct_risk.sqlite.before-restore-{STAMP}"
    assert second.replaced_copy.name == f"bct_risk.sqlite.before-restore-{STAMP}-2"
    # The second copy holds the first restore's audit event; the first does not.
    restores = [line for line in dump(second.replaced_copy) if "'restore'" in line]
    assert len(restores) == 1
    assert not [line for line in dump(first.replaced_copy) if "'restore'" in line]


def test_restore_asks_after_its_checks_and_a_no_changes_nothing(
    register: Context, backups: Path
) -> None:
    copy = backups / "copy.sqlite"
    backup_register(register, copy)
    risks.score_risk(register, "SR2", likelihood=5, impact=5, rationale="after the backup")
    before, folder = fingerprint(register), register_folder(register)
    asked: list[bool] = []

    def no() -> bool:
        asked.append(True)
        return False

    assert restore_register(register, copy, confirm=no) is None
    assert asked == [True]
    assert fingerprint(register) == before
    assert register_folder(register) == folder

    newer_schema(copy)
    with pytest.raises(ValidationError, match="newer version"):
        restore_register(register, copy, confirm=no)
    assert asked == [True], "a refused backup is refused before asking"


def test_an_older_schema_backup_is_restored_and_brought_up_to_date(
    register: Context, backups: Path
) -> None:
    old = backups / "old.sqlite"
    engine = make_engine(f"sqlite:///{old}")
    migrate.upgrade(engine, "0001")
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO person (id, name, job_title, source, illustrative, created_at) "
            "VALUES (1, 'Ann Owner', 'Director', '', false, '2026-01-01 09:00:00+00:00')"
        )
    engine.dispose()

    restored = restore_register(register, old)

    assert restored is not None and restored.migrated and restored.backup_revision == "0001"
    assert migrate.stored_revisions(register.engine) == migrate.head_revisions()
    with register.engine.connect() as connection:
        names = [r[0] for r in connection.exec_driver_sql("SELECT name FROM person")]
        triggers = {
            r[0]
            for r in connection.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'"
            )
        }
        events = connection.exec_driver_sql(
            "SELECT action, changes FROM auditevent ORDER BY id"
        ).all()
    assert names == ["Ann Owner"]
    assert set(backup.schema_triggers()) <= triggers
    assert {"auditevent_no_update", "auditevent_no_delete"} <= triggers
    assert [e[0] for e in events] == ["restore"]
    assert '"backup_schema": "0001"' in events[0][1]
    register.engine.dispose()


def test_the_restored_register_keeps_its_audit_trail_append_only(
    register: Context, backups: Path
) -> None:
    copy = backups / "copy.sqlite"
    backup_register(register, copy)
    restore_register(register, copy)
    with (
        pytest.raises(sqlite3.IntegrityError, match="append-only"),
        sqlite3.connect(live_file(register)) as connection,
    ):
        connection.execute("DELETE FROM auditevent")


def test_backup_and_restore_on_postgresql_point_to_pg_dump(ctx: Context, tmp_path: Path) -> None:
    if ctx.engine.dialect.name != "postgresql":
        pytest.skip("runs on the PostgreSQL pass")
    before = fingerprint(ctx)
    message = r"copy SQLite registers only, and this register is on PostgreSQL: .*pg_dump"
    with pytest.raises(ValidationError, match=message):
        backup_register(ctx, tmp_path / "x.sqlite")
    with pytest.raises(ValidationError, match=message):
        restore_register(ctx, tmp_path / "x.sqlite")
    assert fingerprint(ctx) == before
    assert list(tmp_path.iterdir()) == []
