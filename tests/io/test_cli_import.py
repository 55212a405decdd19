"""``bct-risk import``: the report a secretariat reads, exit codes, and nothing written on error."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from bct_risk.cli.app import app
from tests.conftest import make_context
from tests.helpers import fingerprint

runner = CliRunner()


def run(db: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(
        app, ["--database", str(db), "--as", "tester", *args], env={"COLUMNS": "200"}
    )
    return result.exit_code, result.stdout, result.stderr


def test_dry_run_prints_the_mapping_counts_and_problems(db_path: Path, fixtures: Path) -> None:
    before = fingerprint(make_context(db_path))
    code, out, _ = run(db_path, "import", str(fixtures / "council_register.csv"), "--dry-run")
    assert code == 0
    assert "council_register.csv: CSV, UTF-8 with BOM, semicolons between columns" in out
    assert "Headers in rows 4-5." in out
    assert "Residual risk / Likelihood" in out and "current likelihood" in out
    assert "Would add: 5 risks, 9 assessments, 6 controls, 3 further actions, 3 people." in out
    assert "row 6, column 'Target date'" in out and "'Q3 2024' is not a date; kept as text" in out
    assert "Dry run: nothing was written." in out
    assert fingerprint(make_context(db_path)) == before


def test_a_real_import_then_a_second_one(db_path: Path, fixtures: Path) -> None:
    code, out, _ = run(db_path, "import", str(fixtures / "council_register.csv"))
    assert code == 0 and "Added: 5 risks" in out and "Imported." in out
    code, out, _ = run(db_path, "show", "CR1")
    assert code == 0 and "Cyber attack" in out
    code, out, _ = run(db_path, "import", str(fixtures / "council_register.csv"))
    assert code == 0 and "Added: 0 risks" in out
    assert "Already imported from this file, left out: 5." in out


def test_errors_exit_non_zero_and_write_nothing(db_path: Path, fixtures: Path) -> None:
    before = fingerprint(make_context(db_path))
    code, out, err = run(db_path, "import", str(fixtures / "score_seven.csv"))
    assert code == 1
    assert "Nothing was imported." in out
    assert "row 3, column 'Likelihood'" in out and "likelihood 7 is outside the 1-5 scale" in out
    assert "Error: 1 problem stops the import; nothing was written." in err
    code, out, _ = run(db_path, "import", str(fixtures / "score_seven.csv"), "--dry-run")
    assert code == 1 and "Dry run: nothing was written." in out
    assert fingerprint(make_context(db_path)) == before


def test_an_unreadable_file_is_one_clear_line(db_path: Path, fixtures: Path) -> None:
    code, out, err = run(db_path, "import", str(fixtures / "empty.csv"))
    assert code == 1 and out == ""
    assert err.strip() == "Error: empty.csv is empty: there is nothing to import"


def test_action_log_into_a_named_committee(db_path: Path, fixtures: Path) -> None:
    code, out, _ = run(
        db_path, "import", str(fixtures / "action_log.yaml"), "--register", "Finance",
        "--kind", "actions",
    )  # fmt: skip
    assert code == 0
    assert "Added: 3 tracker actions, 4 updates, 2 meetings, 1 committee, 3 people." in out
    assert "New committees: Finance" in out


def test_mapping_file_on_the_command_line(db_path: Path, fixtures: Path) -> None:
    code, out, _ = run(
        db_path, "import", str(fixtures / "scale_ten.csv"),
        "--mapping", str(fixtures / "scale_ten_mapping.yaml"),
    )  # fmt: skip
    assert code == 0
    assert "mapping file; scale 1-10 mapped to 1-5" in out
    assert "likelihood '8' on a 1-10 scale read as 4 of 5" in out


def test_the_importer_needs_no_terminal_libraries() -> None:
    """The importer sits below the CLI and the TUI: it must not pull in Rich or Textual."""
    code = (
        "import sys, bct_risk.io; "
        "print(sorted(m for m in ('rich', 'textual', 'typer') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
