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


def _import_in_a_terminal(db: Path, file: Path, *, terminal: bool) -> tuple[int, str, bytes]:
    """``bct-risk import FILE`` as its own process, standard error on a terminal or a pipe."""
    import os
    import pty
    import threading

    command = [str(Path(sys.executable).with_name("bct-risk")), "--database", str(db),
               "--as", "tester", "import", str(file)]  # fmt: skip
    env = {**os.environ, "COLUMNS": "100", "TERM": "xterm-256color"}
    if not terminal:
        done = subprocess.run(command, capture_output=True, env=env, check=False)
        return done.returncode, done.stdout.decode(), done.stderr
    main, side = pty.openpty()
    drawn = bytearray()

    def drain() -> None:
        while True:
            try:
                chunk = os.read(main, 4096)
            except OSError:
                return
            if not chunk:
                return
            drawn.extend(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    child = subprocess.run(command, stdout=subprocess.PIPE, stderr=side, env=env, check=False)
    os.close(side)
    reader.join(timeout=10)
    os.close(main)
    return child.returncode, child.stdout.decode(), bytes(drawn)


def _long_register(path: Path, rows: int) -> Path:
    lines = ["Ref,Title,Likelihood,Impact"]
    lines.extend(f"L{n},Risk {n},{1 + n % 5},{1 + n * 3 % 5}" for n in range(rows))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_long_file_shows_a_progress_bar_on_a_terminal_only(db_path: Path, tmp_path: Path) -> None:
    register = _long_register(tmp_path / "long.csv", 2100)
    code, out, drawn = _import_in_a_terminal(db_path, register, terminal=True)
    assert code == 0 and "Added: 2100 risks" in out
    assert b"Reading rows" in drawn and b"writing them to the register" in drawn
    assert "Reading rows" not in out and "\x1b" not in out  # the report stays plain
    again = _long_register(tmp_path / "again.csv", 2100)
    code, out, errors = _import_in_a_terminal(db_path, again, terminal=False)
    assert code == 0
    assert errors == b""  # on a pipe: no bar, nothing but what went wrong


def test_a_short_file_shows_no_progress_bar(db_path: Path, tmp_path: Path) -> None:
    code, out, drawn = _import_in_a_terminal(
        db_path, _long_register(tmp_path / "short.csv", 50), terminal=True
    )
    assert code == 0 and "Added: 50 risks" in out
    assert b"Reading rows" not in drawn
