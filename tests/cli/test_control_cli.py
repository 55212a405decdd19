"""``bct-risk control edit / grade / retire / restore``: done, or refused with nothing written."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from bct_risk.cli.app import app
from tests.conftest import make_context
from tests.helpers import fingerprint

runner = CliRunner()


def run(db: str, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--database", str(db), "--as", "tester", *args])
    return result.exit_code, result.stdout, result.stderr


def _first_control(db: str) -> int:
    code, out, _ = run(db, "show", "SR9", "--json")
    assert code == 0
    return int(json.loads(out)["controls"][0]["id"])


def test_edit_grade_retire_and_restore_a_control(seeded_database: str) -> None:
    cid = _first_control(seeded_database)
    code, out, err = run(
        seeded_database, "control", "edit", str(cid), "--description", "Budget [bold]watch[/]",
        "--line", "2", "--not-key",
    )  # fmt: skip
    assert (code, err) == (0, "") and f"Edited control {cid}" in out
    code, out, _ = run(
        seeded_database, "control", "grade", str(cid), "--effectiveness", "ineffective",
        "--note", "Overspend not caught in Q2",
    )  # fmt: skip
    assert code == 0 and "graded ineffective" in out
    code, out, _ = run(
        seeded_database, "control", "retire", str(cid), "--reason", "Superseded",
        "--date", "2026-11-01",
    )  # fmt: skip
    assert code == 0 and "Retired control" in out and "1 Nov 2026" in out
    shown = json.loads(run(seeded_database, "show", "SR9", "--json")[1])
    assert cid not in [c["id"] for c in shown["controls"]]
    [retired] = shown["retired_controls"]
    assert retired["description"] == "Budget [bold]watch[/]"
    assert (retired["retired_on"], retired["retired_reason"]) == ("2026-11-01", "Superseded")
    assert (retired["assurance_line"], retired["key_control"]) == (2, False)
    assert retired["effectiveness"] == "Ineffective"
    code, out, _ = run(seeded_database, "show", "SR9")
    assert code == 0
    controls, _, rest = out.partition("Retired controls")
    assert "Budget [bold]watch[/]" not in controls  # not among the controls in place
    assert "Budget [bold]watch[/]" in rest and "1 Nov 2026" in rest and "Superseded" in rest
    code, out, _ = run(seeded_database, "control", "restore", str(cid), "--reason", "In error")
    assert code == 0 and f"Restored control {cid}" in out
    shown = json.loads(run(seeded_database, "show", "SR9", "--json")[1])
    assert cid in [c["id"] for c in shown["controls"]] and shown["retired_controls"] == []
    assert "Retired controls" not in run(seeded_database, "show", "SR9")[1]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["edit", "{cid}"], "give --description"),
        (["edit", "{cid}", "--description", " "], "a description is required"),
        (["edit", "{cid}", "--line", "5"], "must be 1, 2 or 3, not 5"),
        (["edit", "{cid}", "--line", "2", "--no-line"], "not both"),
        (["edit", "{cid}", "--level", "splendid"], "splendid"),
        (["edit", "{cid}", "--owner", "Nobody Known"], "Nobody Known"),
        (["edit", "999999", "--description", "x"], "no control has the number 999999"),
        (["grade", "{cid}", "--effectiveness", "great", "--note", "x"], "great"),
        (["grade", "{cid}", "--effectiveness", "effective", "--note", ""], "a note is required"),
        (["retire", "{cid}", "--reason", ""], "a reason is required"),
        (["retire", "{cid}", "--reason", "x", "--date", "2027-01-01"], "is in the future"),
        (["retire", "{cid}", "--reason", "x", "--date", "31/31/2026"], "31/31/2026"),
        (["restore", "{cid}", "--reason", "x"], "is not retired"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_written(
    seeded_database: str, args: list[str], message: str
) -> None:
    cid = _first_control(seeded_database)
    ctx = make_context(seeded_database)
    before = fingerprint(ctx)
    code, out, err = run(seeded_database, "control", *[a.format(cid=cid) for a in args])
    assert code == 1, (out, err)
    assert message in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert fingerprint(ctx) == before
    ctx.engine.dispose()
