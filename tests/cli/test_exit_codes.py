"""Exit codes and the failures that are not a broken rule: a database that cannot be used, a lock
held past the busy timeout, a full disk, a fault of the program. Each is one line on standard
error, never a traceback, and leaves the register as it was.

| code | meaning |
|---|---|
| 0 | done |
| 1 | refused: bad input, not found, a conflict, not permitted |
| 2 | usage error (unknown option, missing argument) |
| 3 | the register cannot be used: cannot open or reach it, locked, disk full |
| 4 | a fault of the program |
"""

from __future__ import annotations

import os
import resource
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from unittest.mock import patch

import pytest
import typer.testing
from typer.main import get_command
from typer.testing import CliRunner

from bct_risk.cli.app import app

runner = CliRunner()
COMMAND = get_command(app)


def run(database: str, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """Run in-process; an exception escaping the command fails the test."""
    with patch.object(typer.testing, "_get_command", lambda _app: COMMAND):
        result = runner.invoke(app, ["--database", database, "--as", "tester", *args], env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    return result.exit_code, result.stdout, result.stderr


def one_line(err: str) -> str:
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), err
    return lines[0]


def dump(path: Path) -> list[str]:
    connection = sqlite3.connect(path)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


# -- each code ----------------------------------------------------------------------------------


def test_done_is_0_refused_is_1_usage_is_2(seeded_database: str) -> None:
    assert run(seeded_database, "list", "--json")[0] == 0
    code, _, err = run(seeded_database, "score", "SR3", "-l", "6", "-i", "3", "-r", "Why")
    assert code == 1
    assert one_line(err) == "Error: likelihood must be a whole number from 1 to 5, not 6"
    code, _, err = run(seeded_database, "show", "SR999")
    assert code == 1 and "SR999" in one_line(err)
    code, _, err = run(seeded_database, "list", "--no-such-option")
    assert code == 2 and err.strip().splitlines()[-1] == "Error: No such option: --no-such-option"


def test_a_fault_of_the_program_is_one_line_and_exit_code_4(seeded_database: str) -> None:
    def broken(*_args: object, **_kw: object) -> None:
        raise RuntimeError("boom\nsecond line")

    with patch("bct_risk.services.queries.list_risks", broken):
        code, out, err = run(seeded_database, "list")
    assert (code, out) == (4, "")
    assert one_line(err) == (
        "Error: unexpected RuntimeError: boom. This is a fault in bct-risk: please report it "
        "with the command you ran"
    )


# -- a database that cannot be used: exit 3 -----------------------------------------------------

COMMANDS = [
    ("init",), ("upgrade",), ("seed",), ("demo-data",), ("list",), ("show", "SR1"),
    ("score", "SR3", "-l", "3", "-i", "3", "-r", "Why"), ("export", "register"),
    ("actions", "list"), ("people", "list"),
]  # fmt: skip


def _bad_databases(tmp: Path) -> dict[str, tuple[str, str]]:
    (tmp / "a folder").mkdir()
    junk = tmp / "junk.sqlite"
    junk.write_text("not a database\n" * 100)
    return {
        "another kind": ("mysql://user@localhost/bct", "its driver is not installed"),
        "unknown kind": ("foo://somewhere/db", "'foo' is not a kind of database"),
        "a folder": (str(tmp / "a folder"), "it is a folder"),
        "not a database": (str(junk), f"{junk} is not a SQLite database"),
        "inside a file": (str(junk / "inner.sqlite"), "cannot open the register at"),
        "no server": ("postgresql+psycopg://bct@127.0.0.1:1/bct", "connection failed"),
    }


@pytest.mark.parametrize("kind", ["another kind", "unknown kind", "a folder", "not a database",
                                  "inside a file", "no server"])  # fmt: skip
def test_every_command_on_an_unusable_database_is_one_line_and_exit_code_3(
    tmp_path: Path, kind: str
) -> None:
    url, words = _bad_databases(tmp_path)[kind]
    for args in COMMANDS:
        code, out, err = run(url, *args)
        assert code == 3, (args, err)
        assert words in one_line(err), (args, err)
        assert out == ""


@pytest.mark.skipif(os.geteuid() == 0, reason="the superuser reads any file")
def test_an_unreadable_register_is_one_line_and_exit_code_3(seeded_db_path: Path) -> None:
    seeded_db_path.chmod(0)
    try:
        code, _, err = run(str(seeded_db_path), "list")
    finally:
        seeded_db_path.chmod(0o600)
    assert code == 3 and "cannot" in one_line(err)


# -- a lock held past the busy timeout ----------------------------------------------------------


def test_a_register_locked_past_the_busy_timeout_is_one_line_and_exit_code_3(
    seeded_db_path: Path,
) -> None:
    """Another program holds the write lock; BCT_RISK_BUSY_TIMEOUT shortens SQLite's wait."""
    before = dump(seeded_db_path)
    holder = sqlite3.connect(seeded_db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        result = subprocess.run(
            [sys.executable, "-m", "bct_risk", "--database", str(seeded_db_path), "--as",
             "tester", "score", "SR3", "-l", "4", "-i", "4", "-r", "Locked out"],
            capture_output=True, text=True, timeout=120,
            env={**os.environ, "BCT_RISK_BUSY_TIMEOUT": "0.5", "BCT_RISK_MATRIX": ""},
        )  # fmt: skip
    finally:
        holder.rollback()
        holder.close()
    assert result.returncode == 3, result.stderr
    assert one_line(result.stderr) == (
        "Error: the register is locked by another program (it waited 0.5 s); try again when the "
        "other change has finished"
    )
    assert dump(seeded_db_path) == before


# -- a full disk ----------------------------------------------------------------------------------


def _file_size_limit(limit: int) -> None:
    # As on a full disk: writes past the limit fail (EFBIG) instead of killing the process.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def test_an_import_onto_a_full_disk_is_one_line_and_exit_code_3(
    seeded_db_path: Path, tmp_path: Path
) -> None:
    rows = "".join(
        f"IMP{n},Imported risk number {n} about the capacity of placements {'x' * 80},3,4\n"
        for n in range(3000)
    )
    register = tmp_path / "big register.csv"
    register.write_text("Ref,Title,Likelihood,Impact\n" + rows)
    before = dump(seeded_db_path)
    size = seeded_db_path.stat().st_size
    result = subprocess.run(
        [sys.executable, "-m", "bct_risk", "--database", str(seeded_db_path), "--as", "tester",
         "import", str(register)],
        capture_output=True, text=True, timeout=300,
        env={**os.environ, "BCT_RISK_MATRIX": ""},
        preexec_fn=lambda: _file_size_limit(size + 64 * 1024),
    )  # fmt: skip
    assert result.returncode == 3, (result.stdout[-500:], result.stderr)
    assert "the disk is full" in one_line(result.stderr)
    assert dump(seeded_db_path) == before
