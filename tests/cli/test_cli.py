"""The command line: help everywhere, the examples of the issue, clear errors with no traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from bct_risk.cli.app import app
from tests.conftest import make_context
from tests.helpers import fingerprint

runner = CliRunner()


def run(db: str, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--database", str(db), "--as", "tester", *args])
    return result.exit_code, result.stdout, result.stderr


def _commands() -> list[tuple[str, object]]:
    root = get_command(app)
    found: list[tuple[str, object]] = []

    def walk(prefix: str, command: object) -> None:
        found.append((prefix, command))
        for name, sub in getattr(command, "commands", {}).items():
            walk(f"{prefix} {name}".strip(), sub)

    walk("", root)
    return found


@pytest.mark.parametrize(
    ("name", "command"), _commands(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_every_command_has_help_text(name: str, command: object) -> None:
    assert (getattr(command, "help", None) or "").strip(), f"'bct-risk {name}' has no help text"
    for param in getattr(command, "params", []):
        if getattr(param, "param_type_name", "") == "option" and param.name != "help":
            assert (param.help or "").strip(), f"'bct-risk {name}' option {param.name} has no help"


def test_list_shows_the_nine_strategic_risks(seeded_database: str) -> None:
    code, out, _ = run(seeded_database, "list", "--json")
    assert code == 0
    rows = {r["reference"]: r for r in json.loads(out)}
    assert {f"SR{n}" for n in range(1, 10)} <= set(rows)
    sr9 = rows["SR9"]
    assert sr9["owner"] and sr9["lead_committee"] == "Finance and Resources"
    assert sr9["band"] and sr9["direction"] in {"▲", "▼", "►", "NEW"}


def test_list_filters(seeded_database: str) -> None:
    _, out, _ = run(seeded_database, "list", "--committee", "Finance and Resources", "--json")
    assert {r["lead_committee"] for r in json.loads(out)} == {"Finance and Resources"}
    _, out, _ = run(seeded_database, "list", "--above-appetite", "--json")
    assert all(r["above_appetite"] for r in json.loads(out))
    _, out, _ = run(seeded_database, "list", "--band", "extreme", "--json")
    assert {r["band"] for r in json.loads(out)} == {"Extreme"}
    _, out, _ = run(seeded_database, "list", "--overdue", "--json")
    assert all(r["review_overdue"] for r in json.loads(out))
    _, all_out, _ = run(seeded_database, "list", "--all", "--json")
    assert len(json.loads(all_out)) > len(json.loads(run(seeded_database, "list", "--json")[1]))


def test_score_adds_history_and_an_audit_event(seeded_database: str) -> None:
    before = len(json.loads(run(seeded_database, "show", "SR3", "--json")[1])["history"])
    code, out, _ = run(
        seeded_database, "score", "SR3", "--likelihood", "4", "--impact", "5", "--rationale",
        "Contacts up 12% on last year",
    )  # fmt: skip
    assert code == 0
    assert "Scored SR3 current 4x5=20 (Extreme)" in out
    detail = json.loads(run(seeded_database, "show", "SR3", "--json")[1])
    assert len(detail["history"]) == before + 1
    assert detail["audit"][-1]["actor"] == "tester"
    assert detail["audit"][-1]["changes"]["rationale"] == "Contacts up 12% on last year"
    code, out, _ = run(seeded_database, "history", "SR3")
    assert code == 0 and "Scored SR3" in out


def test_escalate_close_reopen_and_actions(seeded_database: str) -> None:
    assert run(seeded_database, "escalate", "SR3", "--to", "board", "--reason", "Demand")[0] == 0
    assert run(seeded_database, "close", "SR8", "--reason", "Oracle stabilised")[0] == 0
    assert run(seeded_database, "reopen", "SR8", "--reason", "New release")[0] == 0
    code, out, _ = run(seeded_database, "actions", "add", "SR9", "--description", "Savings plan",
                       "--owner", "dfr", "--due", "2026-12-31")  # fmt: skip
    assert code == 0
    number = out.split("#")[1].split()[0]
    assert run(seeded_database, "actions", "update", number, "--note", "Drafted")[0] == 0
    assert run(seeded_database, "actions", "complete", number)[0] == 0
    code, out, _ = run(seeded_database, "actions", "overdue", "--json")
    assert code == 0 and all(a["overdue"] for a in json.loads(out))
    code, out, _ = run(
        seeded_database, "review", "SR9", "--committee", "Finance and Resources", "--meeting",
        "10 Sep 2026", "--outcome", "noted", "--assurance", "reasonable",
    )  # fmt: skip
    assert code == 0 and "Recorded the review of SR9: Noted" in out


BAD_INPUTS = [
    (
        ["score", "SR3", "-l", "7", "-i", "5", "-r", "x"],
        "likelihood must be a whole number from 1 to 5, not 7",
    ),
    (
        ["score", "SR3", "-l", "3", "-i", "0", "-r", "x"],
        "impact must be a whole number from 1 to 5, not 0",
    ),
    (["score", "SR3", "-l", "3", "-i", "3", "-r", " "], "a rationale is required"),
    (["score", "SR99", "-l", "3", "-i", "3", "-r", "x"], "no risk has the reference 'SR99'"),
    (["score", "SR3", "-l", "3", "-i", "3", "-r", "x", "--date", "31/02/2026"], "is not a date"),
    (
        ["score", "SR3", "-l", "3", "-i", "3", "-r", "x", "--kind", "residual"],
        "'residual' is not a score kind",
    ),
    (["close", "SR8", "--reason", ""], "a reason for closing is required"),
    (["escalate", "SR3", "--to", "Cabinet", "--reason", "x"], "neither a register tier"),
    (["escalate", "SR3", "--to", "operational", "--reason", "x"], "is a de-escalation"),
    (
        ["actions", "add", "SR9", "--description", "x", "--due", "2026-01-01"],
        "is before the date raised",
    ),
    (["actions", "complete", "99999"], "no action has the number 99999"),
    (
        [
            "review",
            "SR9",
            "--committee",
            "Finance and Resources",
            "--meeting",
            "2026-12-11",
            "--outcome",
            "noted",
        ],
        "has no meeting on 2026-12-11",
    ),
    (
        ["review", "SR9", "--committee", "Audit", "--meeting", "2026-12-10", "--outcome", "noted"],
        "no committee is called 'Audit'",
    ),
    (
        ["review", "SR9", "--committee", "fr", "--meeting", "2026-12-10", "--outcome", "happy"],
        "'happy' is not a review outcome",
    ),
    (["add", "SR1", "--title", "Again"], "the reference SR1 is already in use"),
    (["add", "SR10", "--title", "New", "--likelihood", "3"], "give both likelihood and impact"),
    (["edit", "SR1"], "nothing to change"),
    (["list", "--band", "purple"], "'purple' is not a band"),
    (["list", "--status", "shut"], "'shut' is not a risk status; use one of: open, closed"),
]


@pytest.mark.parametrize(
    ("args", "message"), BAD_INPUTS, ids=lambda v: " ".join(v) if isinstance(v, list) else ""
)
def test_bad_input_gives_a_one_line_error_and_changes_nothing(
    seeded_database: str, args: list[str], message: str
) -> None:
    ctx = make_context(seeded_database)
    before = fingerprint(ctx)
    code, out, err = run(seeded_database, *args)
    assert code == 1
    assert message in err
    assert err.startswith("Error: ") and "Traceback" not in err + out
    assert fingerprint(ctx) == before
    ctx.engine.dispose()


def test_the_installed_script_exits_non_zero_without_a_traceback(seeded_database: str) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bct_risk",
            "-d",
            str(seeded_database),
            "score",
            "SR3",
            "-l",
            "9",
            "-i",
            "1",
            "-r",
            "x",
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert result.stderr.strip() == "Error: likelihood must be a whole number from 1 to 5, not 9"


def test_database_option_and_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "env.sqlite"
    monkeypatch.setenv("BCT_RISK_DATABASE_URL", f"sqlite:///{target}")
    result = runner.invoke(app, ["init", "--no-seed"])
    assert result.exit_code == 0 and target.exists()


def test_a_bad_matrix_file_is_reported_as_written(
    seeded_db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    matrix = tmp_path / "matrix.toml"
    matrix.write_text(
        'likelihood = ["a", "b", "c", "d", "e"]\nimpact = ["a", "b", "c", "d", "e"]\n'
    )
    monkeypatch.setenv("BCT_RISK_MATRIX", str(matrix))
    result = runner.invoke(app, ["-d", str(seeded_db_path), "list"])
    assert result.exit_code == 1
    # The file's own [[bands]] and [appetite], not read as markup and dropped.
    assert "bands: give at least one [[bands]] table" in result.output
    assert "appetite: give an [appetite] table" in result.output


@pytest.mark.parametrize("command", [["list"], ["show", "SR3"], ["export", "register"]])
def test_a_stored_score_outside_the_scale_is_named_not_shown_as_unscored(
    seeded_database: str, command: list[str]
) -> None:
    # Only a change made outside the app could store a current likelihood of 6.
    ctx = make_context(seeded_database)
    with ctx.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE risk SET current_likelihood = 6 WHERE reference = 'SR3'")
    before = fingerprint(ctx)
    code, out, err = run(seeded_database, *command)
    assert code == 1
    assert err.startswith("Error: risk SR3 holds 6, which is not a score of 1 to 5")
    assert "Traceback" not in err + out
    assert fingerprint(ctx) == before
    ctx.engine.dispose()
