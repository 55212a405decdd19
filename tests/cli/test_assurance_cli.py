"""The Board Assurance Framework on the command line: check, objectives, assurance, scenarios."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bct_risk.cli.app import app
from tests.conftest import make_context
from tests.helpers import fingerprint

runner = CliRunner()


def run(db: str, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    wide = {"COLUMNS": "300", **(env or {})}  # a row of the assurance map on one line
    result = runner.invoke(app, ["--database", str(db), "--as", "tester", *args], env=wide)
    return result.exit_code, result.stdout, result.stderr


def control_of(db: str, reference: str, start: str) -> int:
    _, out, _ = run(db, "show", reference, "--json")
    return next(c["id"] for c in json.loads(out)["controls"] if c["description"].startswith(start))


def test_check_lists_the_findings_and_exits_zero_when_nothing_blocks(seeded_database: str) -> None:
    code, out, _ = run(seeded_database, "check", "--json", "--as-at", "2026-11-23")
    assert code == 0
    data = json.loads(out)
    assert data["as_at"] == "2026-11-23" and data["blocking_failed"] == []
    assert data["counts"]["review_overdue"] == 2
    overdue = next(c for c in data["checks"] if c["name"] == "review_overdue")
    assert {f["reference"] for f in overdue["findings"]} == {"SR1", "SR9"}
    assert overdue["findings"][0]["fix"].startswith("review and rescore")
    code, out, _ = run(seeded_database, "check")
    assert code == 0 and "Review overdue" in out


def test_check_exits_one_when_a_blocking_check_fails(seeded_database: str, tmp_path: Path) -> None:
    default = Path(__file__).parents[2] / "src/bct_risk/domain/default_matrix.toml"
    matrix = tmp_path / "matrix.toml"
    matrix.write_text(default.read_text() + "\n[checks.review_overdue]\nblocking = true\n")
    code, _, err = run(seeded_database, "check", env={"BCT_RISK_MATRIX": str(matrix)})
    assert code == 1
    assert err.strip() == "blocking checks found problems: review_overdue"
    # the same check, given a grace long enough, passes
    matrix.write_text(matrix.read_text() + "grace_days = 100\n")
    code, _, _ = run(seeded_database, "check", env={"BCT_RISK_MATRIX": str(matrix)})
    assert code == 0


def test_a_bad_checks_table_is_one_line_and_exit_one(seeded_database: str, tmp_path: Path) -> None:
    default = Path(__file__).parents[2] / "src/bct_risk/domain/default_matrix.toml"
    matrix = tmp_path / "matrix.toml"
    matrix.write_text(default.read_text() + '\n[checks.review_overdue]\nblocking = "yes"\n')
    code, out, err = run(seeded_database, "check", env={"BCT_RISK_MATRIX": str(matrix)})
    assert code == 1 and out == ""
    assert "checks.review_overdue.blocking: give true or false, not 'yes'" in err
    assert len(err.strip().splitlines()) == 1


def test_objectives_list_and_link(seeded_database: str) -> None:
    code, out, _ = run(seeded_database, "objectives", "list", "--json")
    assert code == 0
    objectives = {o["key"]: o for o in json.loads(out)}
    assert objectives["participation"]["risks"] == []
    assert run(seeded_database, "objectives", "link", "SR5", "participation")[0] == 0
    _, out, _ = run(seeded_database, "objectives", "list", "--json")
    assert {o["key"]: o for o in json.loads(out)}["participation"]["risks"] == ["SR5"]
    _, out, _ = run(seeded_database, "show", "SR5", "--json")
    assert "Participation and Co-production" in json.loads(out)["objectives"]


def test_assurance_add_list_level_and_show(seeded_database: str, tmp_path: Path) -> None:
    control = control_of(seeded_database, "SR9", "Trust 2025 transformation")
    evidence = tmp_path / "[audit] report.txt"
    evidence.write_text("benefits tracking reviewed")
    code, out, _ = run(
        seeded_database, "assurance", "add", str(control),
        "--evidence", "Benefits [bold]tracking[/bold]", "--line", "3", "--date", "2026-11-01",
        "--from", "Internal audit", "--file", str(evidence),
    )  # fmt: skip
    assert code == 0 and "Recorded positive third line assurance" in out
    assert run(seeded_database, "assurance", "level", str(control), "substantial")[0] == 0
    code, out, _ = run(seeded_database, "assurance", "list", "SR9")
    # As typed, never markup (the table may wrap the cell, so its two halves are looked for).
    # As typed, never markup; at a narrow width the table folds the cell, so only the opening
    # tag is looked for here (the whole text is checked in the JSON below).
    assert code == 0 and "[bold]" in out
    _, out, _ = run(seeded_database, "assurance", "list", "SR9", "--json")
    data = json.loads(out)
    [source] = next(c for c in data["controls"] if c["id"] == control)["sources"]
    assert source["line"] == 3 and len(source["sha256"]) == 64
    assert source["evidence"] == "Benefits [bold]tracking[/bold]"
    _, out, _ = run(seeded_database, "show", "SR9", "--json")
    shown = next(c for c in json.loads(out)["controls"] if c["id"] == control)
    assert shown["assurance_level"] == "Substantial" and shown["assurance"][0]["line"] == 3
    code, out, _ = run(seeded_database, "show", "SR9")
    # The table may fold the cell at a narrow width: its parts are looked for.
    assert code == 0 and "Substantial;" in out and "L3+" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["assurance", "add", "{c}", "--evidence", "x", "--line", "5", "--date", "2026-11-01"],
         "the line of assurance must be 1 (management), 2 (oversight) or 3 (independent), not 5"),
        (["assurance", "add", "{c}", "--evidence", "x", "--line", "1", "--date", "2026-13-01"],
         "date '2026-13-01' is not a date"),
        (["assurance", "add", "{c}", "--evidence", "x", "--line", "1", "--date", "2026-11-01",
          "--file", "/nonexistent/evidence.pdf"], "cannot read the evidence file"),
        (["assurance", "level", "{c}", "middling"], "'middling' is not an assurance level"),
        (["assurance", "level", "99999", "limited"], "no control has the number 99999"),
        (["objectives", "link", "SR1", "world peace"], "no objective is called 'world peace'"),
        (["scenario", "add", "X", "--risks", "SR1,SR404"], "no risk has the reference 'SR404'"),
        (["scenario", "add", "X", "--risks", "SR1", "--impact", "9"], "impact must be a whole"),
        (["scenario", "show", "Nothing"], "no scenario is called 'Nothing'"),
        (["people", "left", "dfr", "--on", "2027-01-01"], "is in the future"),
        (["exempt", "SR1", "--reason", "Sensitive"], "SR1 is not exempt"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_exit_one_and_nothing_written(
    seeded_database: str, args: list[str], message: str
) -> None:
    control = control_of(seeded_database, "SR9", "Trust 2025 transformation")
    before = fingerprint(make_context(seeded_database))
    code, out, err = run(seeded_database, *[a.replace("{c}", str(control)) for a in args])
    assert code == 1, (out, err)
    assert message in err and len(err.strip().splitlines()) == 1
    assert fingerprint(make_context(seeded_database)) == before


def test_scenarios_add_show_member_and_list(seeded_database: str) -> None:
    code, _, _ = run(
        seeded_database, "scenario", "add", "Council [red]and[/red] data", "--risks", "SR1,SR6",
        "--narrative", "Both at once", "--likelihood", "2", "--impact", "4",
    )  # fmt: skip
    assert code == 0
    assert run(seeded_database, "scenario", "member", "Council [red]and[/red] data", "SR8")[0] == 0
    code, out, _ = run(seeded_database, "scenario", "show", "council [red]and[/red] data")
    assert code == 0 and "Council [red]and[/red] data" in out and "SR8" in out
    _, out, _ = run(seeded_database, "scenario", "show", "Council [red]and[/red] data", "--json")
    data = json.loads(out)
    assert [m["reference"] for m in data["members"]] == ["SR1", "SR6", "SR8"]
    _, out, _ = run(seeded_database, "scenario", "list", "--json")
    assert len(json.loads(out)) == 2


def test_the_seeded_scenario_shows_what_its_risks_share(seeded_database: str) -> None:
    _, out, _ = run(seeded_database, "scenario", "list", "--json")
    [seeded] = json.loads(out)
    code, out, _ = run(seeded_database, "scenario", "show", seeded["name"], "--json")
    data = json.loads(out)
    assert code == 0 and {m["reference"] for m in data["members"]} == {"SR2", "SR3", "SR7", "SR9"}
    owners = {(s["what"], s["name"]) for s in data["single_points_of_failure"]}
    assert ("control owner", "Director of Finance and Resources") in owners or owners


def test_people_left_then_the_check_flags_their_risks(seeded_database: str) -> None:
    code, out, _ = run(seeded_database, "people", "left", "dfr", "--on", "2026-10-31")
    assert code == 0 and "left on 31 Oct 2026" in out
    _, out, _ = run(seeded_database, "check", "--json")
    owners = next(c for c in json.loads(out)["checks"] if c["name"] == "owner_missing_or_left")
    assert {"SR8", "SR9"} <= {f["reference"] for f in owners["findings"]}
    assert run(seeded_database, "people", "left", "dfr", "--undo")[0] == 0


def test_exempt_reason_clears_the_check(seeded_database: str) -> None:
    _, out, _ = run(seeded_database, "check", "--json")
    [finding] = next(c for c in json.loads(out)["checks"] if c["name"] == "exempt_without_reason")[
        "findings"
    ]
    code, _, _ = run(
        seeded_database, "exempt", finding["reference"], "--reason", "Contract dispute"
    )
    assert code == 0
    _, out, _ = run(seeded_database, "check", "--json")
    assert json.loads(out)["counts"]["exempt_without_reason"] == 0


def test_export_baf_to_a_file_refuses_to_overwrite(seeded_database: str, tmp_path: Path) -> None:
    target = tmp_path / "baf.md"
    code, out, _ = run(seeded_database, "export", "baf", "--as-at", "2026-11-23", "-o", str(target))
    assert code == 0 and "Wrote the Board Assurance Framework as at 23 Nov 2026" in out
    assert target.read_text().startswith("# Board Assurance Framework")
    code, _, err = run(seeded_database, "export", "baf", "-o", str(target))
    assert code == 1 and "--force" in err
    code, _, err = run(seeded_database, "export", "baf", "--format", "docx")
    assert code == 1 and "a Word paper is written to a file: give -o FILE.docx" in err
    code, _, err = run(seeded_database, "export", "baf", "--format", "pdf")
    assert code == 1 and "'pdf' is not a format; use one of: md, docx, html" in err
