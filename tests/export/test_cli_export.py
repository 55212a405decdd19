"""``bct-risk export register`` and ``bct-risk pack``: output, files, and clear errors."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bct_risk.cli.app import app
from tests.conftest import make_context
from tests.export.commonmark import table_after, tables
from tests.helpers import fingerprint

runner = CliRunner()


def run(db: str, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--database", db, "--as", "tester", *args])
    return result.exit_code, result.stdout, result.stderr


def _unchanged(db: str) -> dict[str, object]:
    ctx = make_context(db)
    try:
        return fingerprint(ctx)
    finally:
        ctx.engine.dispose()


def test_pack_prints_the_finance_and_resources_pack(seeded_database: str) -> None:
    code, out, err = run(
        seeded_database, "pack", "--committee", "Finance and Resources", "--meeting", "2026-12-10"
    )
    assert code == 0, err
    assert out.startswith("**CONFIDENTIAL**")
    assert "# Finance and Resources Committee: risk report" in out
    assert [r[0] for r in table_after(out, "Escalated")[1:]] == ["SR1"]


def test_pack_takes_dates_as_users_write_them(seeded_database: str) -> None:
    code, out, _ = run(seeded_database, "pack", "--committee", "fr", "--meeting", "10 Dec 2026")
    assert code == 0
    assert "**Meeting:** 10 Dec 2026" in out


def test_public_pack_to_a_file(seeded_database: str, tmp_path: Path) -> None:
    folder = tmp_path / "papers"
    folder.mkdir()
    target = folder / "pack.md"
    code, out, _ = run(
        seeded_database,
        "pack",
        "--committee",
        "Finance and Resources",
        "--meeting",
        "2026-12-10",
        "--public",
        "-o",
        str(target),
    )
    assert code == 0
    assert "Wrote the Finance and Resources Committee pack for 10 Dec 2026" in out
    text = target.read_text("utf-8")
    assert text.startswith("Public version: 3 exempt items were withheld")
    assert "OR2026-01" not in text
    assert [p.name for p in folder.iterdir()] == ["pack.md"]


def test_export_register_markdown_with_filters(seeded_database: str) -> None:
    code, out, _ = run(
        seeded_database,
        "export",
        "register",
        "--committee",
        "Finance and Resources",
        "--above-appetite",
        "--public",
    )
    assert code == 0
    refs = [r[0] for r in table_after(out, "Summary")[1:]]
    assert refs == ["SR1", "SR7", "SR9"]
    assert all(len({len(r) for r in t}) == 1 for t in tables(out))


def test_export_register_csv_and_json(seeded_database: str, tmp_path: Path) -> None:
    code, out, _ = run(seeded_database, "export", "register", "--format", "csv", "--tier", "board")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["reference"] for r in rows] == ["SR1"]
    target = tmp_path / "register.json"
    code, _, _ = run(seeded_database, "export", "register", "--all", "-o", str(target))
    assert code == 0
    document = json.loads(target.read_text("utf-8"))
    assert document["format"] == "bct-risk register"
    statuses = {r["status"] for r in document["risks"]}
    assert statuses == {"open", "closed"}


def test_export_register_closed_only_and_search(seeded_database: str) -> None:
    code, out, _ = run(seeded_database, "export", "register", "--status", "closed", "-f", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows and {r["status"] for r in rows} == {"closed"}
    code, out, _ = run(seeded_database, "export", "register", "--search", "oracle")
    assert code == 0
    assert [r[0] for r in table_after(out, "Summary")[1:]] == ["SR8"]
    assert "text: oracle; open risks." in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["pack", "--committee", "Audit", "--meeting", "2026-12-10"],
            "Error: no committee is called 'Audit'",
        ),
        (
            ["pack", "--committee", "Finance and Resources", "--meeting", "2026-12-11"],
            "Error: the Finance and Resources Committee has no meeting on 2026-12-11",
        ),
        (
            ["pack", "--committee", "Finance and Resources", "--meeting", "31/02/2026"],
            "Error: meeting date '31/02/2026' is not a date",
        ),
        (
            ["pack", "--committee", "Finance and Resources", "--meeting", "next week"],
            "Error: meeting date 'next week' is not a date",
        ),
        (["export", "register", "--format", "pdf"], "Error: 'pdf' is not a format"),
        (["export", "register", "--tier", "national"], "Error: 'national' is not a register tier"),
        (["export", "register", "--band", "Purple"], "Error: 'Purple' is not a band"),
        (["export", "register", "--committee", "Audit"], "Error: no committee is called 'Audit'"),
        (["export", "register", "--status", "shut"], "Error: 'shut' is not a risk status"),
    ],
    ids=[
        "unknown-committee",
        "no-meeting",
        "impossible-date",
        "bad-date",
        "bad-format",
        "bad-tier",
        "bad-band",
        "export-unknown-committee",
        "bad-status",
    ],
)
def test_bad_input_gives_a_clear_message_and_no_file(
    seeded_database: str, tmp_path: Path, args: list[str], message: str
) -> None:
    before = _unchanged(seeded_database)
    target = tmp_path / "out" / "paper.md"
    target.parent.mkdir()
    code, out, err = run(seeded_database, *args, "-o", str(target))
    assert code != 0
    assert message in err
    assert "Traceback" not in err + out
    assert list(target.parent.iterdir()) == []
    assert _unchanged(seeded_database) == before


def test_an_existing_file_is_not_overwritten_without_force(
    seeded_database: str, tmp_path: Path
) -> None:
    folder = tmp_path / "papers"
    folder.mkdir()
    target = folder / "pack.md"
    target.write_text("the secretariat's edited copy", "utf-8")
    args = ["pack", "--committee", "fr", "--meeting", "2026-12-10", "-o", str(target)]
    code, _, err = run(seeded_database, *args)
    assert code == 1
    assert f"Error: {target} already exists; use --force to replace it" in err
    assert target.read_text("utf-8") == "the secretariat's edited copy"
    code, _, _ = run(seeded_database, *args, "--force")
    assert code == 0
    assert target.read_text("utf-8").startswith("**CONFIDENTIAL**")
    assert [p.name for p in folder.iterdir()] == ["pack.md"]


def test_a_missing_folder_is_a_clear_error(seeded_database: str, tmp_path: Path) -> None:
    target = tmp_path / "no" / "such" / "folder" / "register.md"
    code, _, err = run(seeded_database, "export", "register", "-o", str(target))
    assert code == 1
    assert f"cannot write {target}: the folder {target.parent} does not exist" in err
    assert not target.parent.exists()


def test_a_folder_given_as_the_file_is_a_clear_error(seeded_database: str, tmp_path: Path) -> None:
    code, _, err = run(seeded_database, "export", "register", "-o", str(tmp_path))
    assert code == 1
    assert f"Error: {tmp_path} is a folder; give a file name" in err


def _unwritable_folder(tmp_path: Path) -> Path:
    """A folder this process cannot create files in (even as root, /sys refuses new files)."""
    if os.geteuid() != 0:
        folder = tmp_path / "locked"
        folder.mkdir()
        folder.chmod(0o500)
        return folder
    if not Path("/sys").is_dir():
        pytest.skip("no folder refuses root here")
    return Path("/sys")


def test_an_unwritable_folder_is_a_clear_error_and_leaves_no_file(
    seeded_database: str, tmp_path: Path
) -> None:
    folder = _unwritable_folder(tmp_path)
    target = folder / "register.md"
    before = sorted(p.name for p in folder.iterdir())
    try:
        code, _, err = run(seeded_database, "export", "register", "-o", str(target))
        assert code == 1
        assert f"Error: cannot write {target}: Permission denied" in err
        assert sorted(p.name for p in folder.iterdir()) == before
    finally:
        if folder.is_relative_to(tmp_path):
            folder.chmod(0o700)


def test_a_failed_write_leaves_no_partial_file(
    seeded_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A disk that fills up halfway: the rename never happens, and the temporary file is removed.
    folder = tmp_path / "papers"
    folder.mkdir()
    target = folder / "register.md"

    def full_disk(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    code, _, err = run(seeded_database, "export", "register", "-o", str(target))
    assert code == 1
    assert f"Error: cannot write {target}: No space left on device" in err
    assert list(folder.iterdir()) == []
