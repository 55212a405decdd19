"""``bct-risk backup`` and ``restore`` as a user runs them: one-line refusals, nothing half-written.

A backup is stopped with SIGKILL part-way, and run out of space with a file-size limit (SIGXFSZ
ignored, so the write fails as it does on a full disk): neither leaves a file under the backup's
name. The SQLite tests use the ``*_path`` fixtures, so they run the same on the PostgreSQL pass.
"""

from __future__ import annotations

import os
import re
import resource
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bct_risk.cli.app import app
from tests.conftest import make_context
from tests.helpers import fingerprint
from tests.unit.test_backup_restore import (
    index_out_of_step,
    newer_schema,
    no_audit_triggers,
    not_sqlite,
)

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def run(db: str | Path, actor: str, *args: str, answer: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--database", str(db), "--as", actor, *args], input=answer)
    return result.exit_code, result.stdout, result.stderr


def command(db: Path, *args: str) -> list[str]:
    """The command line in a process of its own."""
    return [sys.executable, "-m", "bct_risk", "--database", str(db), "--as", "tester", *args]


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture
def backups(tmp_path: Path) -> Path:
    folder = tmp_path / "backups"
    folder.mkdir()
    return folder


def test_backup_writes_a_new_file_and_refuses_to_replace_one_unless_told(
    seeded_db_path: Path, backups: Path
) -> None:
    copy = backups / "copy.sqlite"
    assert run(seeded_db_path, "me", "backup", str(copy)) == (0, f"Backed up to {copy}\n", "")
    code, out, err = run(seeded_db_path, "me", "backup", str(copy))
    assert (code, out) == (1, "")
    assert err == (
        f"Error: {copy} already exists; give the backup a new file name (or --replace to "
        "replace that file)\n"
    )
    code, out, _ = run(seeded_db_path, "me", "backup", str(copy), "--replace")
    assert (code, out) == (0, f"Backed up to {copy}\n")
    assert names(backups) == ["copy.sqlite"]


def test_a_file_name_with_brackets_is_printed_as_it_is(seeded_db_path: Path, backups: Path) -> None:
    copy = backups / "[bold]March[red] copy.sqlite"
    code, out, _ = run(seeded_db_path, "me", "backup", str(copy))
    assert (code, out) == (0, f"Backed up to {copy}\n")
    code, out, err = run(seeded_db_path, "me", "restore", str(copy), "--yes")
    assert code == 0, err
    assert f"Restored the register from {copy};" in out


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        pytest.param(newer_schema, "comes from a newer version of bct-risk", id="newer"),
        pytest.param(no_audit_triggers, "is missing the triggers", id="no triggers"),
        pytest.param(index_out_of_step, "fails SQLite's integrity check", id="damaged"),
        pytest.param(not_sqlite, "is not a SQLite database", id="not SQLite"),
    ],
)
def test_restore_refuses_in_one_line_and_changes_nothing(
    seeded_db_path: Path, backups: Path, spoil: Callable[[Path], None], message: str
) -> None:
    copy = backups / "copy.sqlite"
    assert run(seeded_db_path, "me", "backup", str(copy))[0] == 0
    spoil(copy)
    assert run(seeded_db_path, "me", "close", "SR8", "--reason", "after the backup")[0] == 0
    ctx = make_context(seeded_db_path)
    before, folder = fingerprint(ctx), names(seeded_db_path.parent)
    code, out, err = run(seeded_db_path, "me", "restore", str(copy), "--yes")
    assert (code, out) == (1, "")
    assert err.startswith(f"Error: {copy} ") and message in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert fingerprint(ctx) == before
    assert names(seeded_db_path.parent) == folder
    ctx.engine.dispose()


def test_restore_says_where_the_replaced_register_went(seeded_db_path: Path, backups: Path) -> None:
    copy = backups / "copy.sqlite"
    assert run(seeded_db_path, "me", "backup", str(copy))[0] == 0
    assert run(seeded_db_path, "me", "close", "SR8", "--reason", "after the backup")[0] == 0
    code, out, err = run(seeded_db_path, "me", "restore", str(copy), "--yes")
    assert (code, err) == (0, "")
    kept_line, restored_line = out.splitlines()
    found = re.fullmatch(r"Kept a copy of the register it replaced at (.+)", kept_line)
    assert found is not None
    kept = Path(found.group(1))
    assert re.fullmatch(r"seeded\.sqlite\.before-restore-\d{8}T\d{6}Z", kept.name)
    assert kept.parent == seeded_db_path.parent
    assert re.fullmatch(
        rf"Restored the register from {re.escape(str(copy))}; SHA-256 [0-9a-f]{{64}}",
        restored_line,
    )
    # The copy kept has SR8 closed; the register, restored, has it open again.
    with sqlite3.connect(kept) as connection:
        assert connection.execute("SELECT status FROM risk WHERE reference = 'SR8'").fetchone() == (
            "closed",
        )
    code, out, _ = run(seeded_db_path, "me", "list", "--json")
    assert code == 0 and '"SR8"' in out
    code, out, _ = run(seeded_db_path, "me", "history", "SR8")
    assert code == 0


def test_restore_asks_first_and_a_no_changes_nothing(seeded_db_path: Path, backups: Path) -> None:
    copy = backups / "copy.sqlite"
    assert run(seeded_db_path, "me", "backup", str(copy))[0] == 0
    assert run(seeded_db_path, "me", "close", "SR8", "--reason", "after the backup")[0] == 0
    ctx = make_context(seeded_db_path)
    before, folder = fingerprint(ctx), names(seeded_db_path.parent)
    code, out, err = run(seeded_db_path, "me", "restore", str(copy), answer="n\n")
    assert code == 1
    assert "The backup passed every check. Replace the whole register with it?" in out
    assert err == "Nothing was restored.\n"
    assert fingerprint(ctx) == before
    assert names(seeded_db_path.parent) == folder
    ctx.engine.dispose()


def test_only_an_administrator_restores_once_roles_are_on(
    seeded_db_path: Path, backups: Path
) -> None:
    copy = backups / "copy.sqlite"
    assert run(seeded_db_path, "me", "backup", str(copy))[0] == 0
    assert run(seeded_db_path, "me", "people", "add", "Ada Admin", "--login", "ada",
               "--role", "administrator")[0] == 0  # fmt: skip
    assert run(seeded_db_path, "ada", "people", "add", "Val", "--login", "val",
               "--role", "viewer")[0] == 0  # fmt: skip
    ctx = make_context(seeded_db_path)
    before, folder = fingerprint(ctx), names(seeded_db_path.parent)
    code, out, err = run(seeded_db_path, "val", "restore", str(copy), "--yes")
    assert (code, out) == (1, "")
    assert err == "Error: Val (viewer) may not restore a backup over the register\n"
    assert fingerprint(ctx) == before
    assert names(seeded_db_path.parent) == folder
    code, _, err = run(seeded_db_path, "ada", "restore", str(copy), "--yes")
    assert code == 0, err
    ctx.engine.dispose()


def test_backup_and_restore_on_postgresql_say_to_use_pg_dump(
    seeded_database: str, tmp_path: Path
) -> None:
    if "://" not in seeded_database:
        pytest.skip("runs on the PostgreSQL pass")
    ctx = make_context(seeded_database)
    before = fingerprint(ctx)
    file = str(tmp_path / "x.sqlite")
    for args in (["backup", file], ["restore", file, "--yes"]):
        code, out, err = run(seeded_database, "me", *args)
        assert (code, out) == (1, "")
        assert err.startswith(
            "Error: backup and restore copy SQLite registers only, and this register is on "
            "PostgreSQL: back it up with pg_dump -Fc and restore it with pg_restore --clean"
        )
    assert fingerprint(ctx) == before
    assert list(tmp_path.iterdir()) == []
    ctx.engine.dispose()


# Stopped part-way


def padded(register: Path, megabytes: int) -> Path:
    """The register made big enough that copying it takes a moment (a table of random bytes)."""
    connection = sqlite3.connect(register)
    connection.execute("CREATE TABLE padding (chunk BLOB)")
    connection.executemany("INSERT INTO padding VALUES (randomblob(1048576))", [()] * megabytes)
    connection.commit()
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    return register


def partial_files(folder: Path, name: str) -> list[Path]:
    """The hidden temporary files a backup to ``name`` writes before naming it."""
    return [
        p
        for p in folder.iterdir()
        if p.name.startswith(f".{name}.") and p.name.endswith(".partial")
    ]


def test_a_backup_killed_part_way_leaves_no_file_under_its_name(
    seeded_db_path: Path, backups: Path
) -> None:
    register = padded(seeded_db_path, megabytes=64)
    ctx = make_context(register)
    before = fingerprint(ctx)
    target = backups / "copy.sqlite"
    process = subprocess.Popen(
        command(register, "backup", str(target)),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    # Wait until the copy is being written (a megabyte of it on the disk), then kill it there.
    written = 0
    deadline = time.monotonic() + 120
    while process.poll() is None and time.monotonic() < deadline:
        for partial in partial_files(backups, target.name):
            try:
                written = partial.stat().st_size
            except FileNotFoundError:
                continue
        if written >= 1 << 20:
            break
        time.sleep(0.001)
    process.send_signal(signal.SIGKILL)
    process.wait()
    if process.returncode != -signal.SIGKILL:
        pytest.fail(f"the backup ended (exit {process.returncode}) before it could be killed")
    assert written >= 1 << 20, "killed while the copy was being written"
    assert not target.exists()
    assert len(partial_files(backups, target.name)) == 1, "only the hidden temporary file is left"
    # The register is as it was, and the next backup to that name is whole.
    assert fingerprint(ctx) == before
    done = subprocess.run(
        command(register, "backup", str(target)), cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(target) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert connection.execute("SELECT count(*) FROM padding").fetchone() == (64,)
    assert names(backups) == ["copy.sqlite"], "the killed backup's temporary file removed"
    ctx.engine.dispose()


def _disk_of(size: int) -> Callable[[], None]:
    """Run the child as if the disk held only ``size`` bytes more of any one file."""
    hard = resource.getrlimit(resource.RLIMIT_FSIZE)[1]

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, hard))

    return limit


def test_a_backup_that_runs_out_of_space_says_so_in_one_line_and_leaves_nothing(
    seeded_db_path: Path, backups: Path
) -> None:
    assert seeded_db_path.stat().st_size > 256 * 1024
    ctx = make_context(seeded_db_path)
    before = fingerprint(ctx)
    ctx.engine.dispose()
    target = backups / "copy.sqlite"
    full = subprocess.run(
        command(seeded_db_path, "backup", str(target)),
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        preexec_fn=_disk_of(256 * 1024),
    )
    assert full.returncode == 3, "a full disk is exit 3"
    assert full.stdout == ""
    assert full.stderr == (
        f"Error: could not write the backup {target} (is the disk full?): disk I/O error; "
        "nothing was written under that name\n"
    )
    assert names(backups) == [], "no backup, and its temporary file cleaned"
    # Replacing an earlier backup that way keeps the earlier one whole.
    target.write_bytes(b"an earlier backup")
    full = subprocess.run(
        command(seeded_db_path, "backup", str(target), "--replace"),
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        preexec_fn=_disk_of(256 * 1024),
    )
    assert full.returncode == 3 and "nothing was written under that name" in full.stderr
    assert target.read_bytes() == b"an earlier backup"
    assert names(backups) == ["copy.sqlite"]
    ctx = make_context(seeded_db_path)
    assert fingerprint(ctx) == before
    ctx.engine.dispose()
