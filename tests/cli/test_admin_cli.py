"""People, roles, backup and restore from the command line."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from bct_risk.cli.app import app
from tests.conftest import make_context
from tests.helpers import fingerprint

runner = CliRunner()


def run(db: str | Path, actor: str, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--database", str(db), "--as", actor, *args])
    return result.exit_code, result.stdout, result.stderr


def test_roles_from_the_command_line(seeded_database: str) -> None:
    assert run(seeded_database, "me", "people", "add", "Ada Admin", "--login", "ada",
               "--role", "administrator")[0] == 0  # fmt: skip
    assert run(seeded_database, "ada", "people", "add", "Val", "--login", "val",
               "--role", "viewer")[0] == 0  # fmt: skip
    ctx = make_context(seeded_database)
    before = fingerprint(ctx)
    code, _, err = run(seeded_database, "val", "score", "SR9", "-l", "1", "-i", "1", "-r", "x")
    assert code == 1
    assert err.strip() == "Error: Val (viewer) may not score risks"
    assert fingerprint(ctx) == before
    code, out, _ = run(seeded_database, "val", "list", "--json")
    assert code == 0 and "SR9" in out
    code, _, err = run(seeded_database, "ada", "people", "access", "Val", "--role", "boss")
    assert code == 1 and "'boss' is not a role" in err
    ctx.engine.dispose()


def test_backup_and_restore_commands(seeded_db_path: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.sqlite"
    assert run(seeded_db_path, "me", "backup", str(copy))[0] == 0
    assert run(seeded_db_path, "me", "close", "SR8", "--reason", "after backup")[0] == 0
    assert run(seeded_db_path, "me", "restore", str(copy), "--yes")[0] == 0
    code, out, _ = run(seeded_db_path, "me", "list", "--json")
    assert '"SR8"' in out
    code, _, err = run(seeded_db_path, "me", "restore", str(tmp_path / "none.sqlite"), "--yes")
    assert code == 1 and "there is no backup file" in err
