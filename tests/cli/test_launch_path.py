"""``bct-risk`` with no command: read as Typer reads it, the app's first frame drawn before the
database libraries (or the command modules) are imported, and a bad register still reported in
one line with exit code 1."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bct_risk.cli.app import app
from bct_risk.cli.launch import app_options
from bct_risk.config import Settings

APP_ONLY = [
    [],
    ["-d", "x.sqlite"],
    ["-dx.sqlite"],
    ["-d=x.sqlite"],
    ["--database", "x.sqlite"],
    ["--database=x.sqlite"],
    ["--database=sqlite:///a=b.sqlite"],
    ["--as", "ann"],
    ["--as=ann"],
    ["--as", ""],
    ["-d", "a.sqlite", "--as", "ann", "-d", "b.sqlite"],
    ["--as", "ann", "--database", "postgresql+psycopg://u:p@h/db"],
]
"""Command lines that ask only for the terminal app."""

FOR_TYPER = [
    ["list"],
    ["-d", "x.sqlite", "list"],
    ["--help"],
    ["-d", "x.sqlite", "--help"],
    ["-d"],
    ["--as"],
    ["-d", "--as", "ann"],
    ["--databasex"],
    ["--", "-d", "x"],
    ["-x"],
]
"""Command lines left to Typer: a command, help, a missing value, an option unknown here."""


@pytest.mark.parametrize("args", APP_ONLY, ids=" ".join)
def test_the_app_options_are_read_as_typer_reads_them(
    args: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[Settings] = []
    # The module, not its Typer app (`app` here).
    monkeypatch.setattr(sys.modules["bct_risk.cli.app"], "start_app", started.append)
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    options = app_options(args)
    assert options is not None
    assert started == [Settings.from_env(**options)]


@pytest.mark.parametrize("args", FOR_TYPER, ids=" ".join)
def test_anything_else_is_left_to_typer(args: list[str]) -> None:
    assert app_options(args) is None


FIRST_FRAME = """
import json, sys
from bct_risk.tui.app import RiskApp

def first_frame(self):
    # Called once the first frame is drawn, instead of opening the register.
    print(json.dumps(sorted(m for m in sys.modules if m.startswith(WATCHED))))
    self.exit()

WATCHED = ("sqlalchemy", "sqlmodel", "alembic", "pydantic", "bct_risk.services", "bct_risk.cli.")
RiskApp._start_opening = first_frame
run = RiskApp.run
RiskApp.run = lambda self, **options: run(self, headless=True, **options)
sys.argv = ["bct-risk", *sys.argv[1:]]
import bct_risk.cli
bct_risk.cli.main()
"""


def run_app(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", FIRST_FRAME, *args], capture_output=True, text=True, timeout=120
    )


def test_the_first_frame_needs_no_database_library_and_no_command(tmp_path: Path) -> None:
    result = run_app("-d", str(tmp_path / "register.sqlite"), "--as", "ann")
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert loaded == ["bct_risk.cli.launch"]


def test_a_register_that_cannot_be_opened_is_one_line_and_exit_code_3(tmp_path: Path) -> None:
    junk = tmp_path / "junk.sqlite"
    junk.write_text("not a database\n" * 100)
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            FIRST_FRAME.replace("RiskApp._start_opening = first_frame", ""),
            "-d",
            str(junk),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 3
    assert result.stderr.strip() == f"Error: {junk} is not a SQLite database"
