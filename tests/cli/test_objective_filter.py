"""One filter by strategic objective for the list, the list as at a date and the app."""

from __future__ import annotations

import json
from datetime import date

import pytest
from typer.testing import CliRunner

from bct_risk.cli.app import app
from bct_risk.domain.errors import NotFoundError, ValidationError
from bct_risk.services import queries
from bct_risk.services.as_at import register_as_at
from bct_risk.services.assurance import link_objective, objective_choices
from bct_risk.services.context import Context
from bct_risk.services.register_rows import RiskFilter

runner = CliRunner()


def refs(rows: list[queries.RiskRow]) -> list[str]:
    return [r.reference for r in rows]


def test_the_filter_takes_a_key_a_title_or_part_of_one(seeded_ctx: Context) -> None:
    assert refs(queries.list_risks(seeded_ctx, RiskFilter(objective="care_planning"))) == [
        "SR2", "SR3", "SR5",
    ]  # fmt: skip
    assert refs(queries.list_risks(seeded_ctx, RiskFilter(objective="DRIFT and delay"))) == [
        "SR2", "SR3", "SR5",
    ]  # fmt: skip
    both = RiskFilter(objective="care_planning", committee="Workforce")
    assert refs(queries.list_risks(seeded_ctx, both)) == ["SR2"]
    with pytest.raises(NotFoundError, match="no objective is called 'nothing'"):
        queries.list_risks(seeded_ctx, RiskFilter(objective="nothing"))
    with pytest.raises(ValidationError, match="could mean"):
        queries.list_risks(seeded_ctx, RiskFilter(objective="children"))
    assert objective_choices(seeded_ctx)[2] == (
        "Improved care planning and reducing drift and delay", "care_planning",
    )  # fmt: skip


def test_a_new_link_shows_at_once_and_in_the_list_as_at_a_date(seeded_ctx: Context) -> None:
    link_objective(seeded_ctx, "SR9", "care_planning")
    flt = RiskFilter(objective="care_planning")
    assert refs(queries.list_risks(seeded_ctx, flt)) == ["SR2", "SR3", "SR5", "SR9"]
    assert refs(register_as_at(seeded_ctx, date(2026, 8, 1), flt)) == ["SR2", "SR3", "SR5", "SR9"]
    assert refs(register_as_at(seeded_ctx, date(2026, 8, 1), RiskFilter())) != refs(
        register_as_at(seeded_ctx, date(2026, 8, 1), flt)
    )


def run(db: str, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--database", db, "--as", "tester", *args])
    return result.exit_code, result.stdout, result.stderr


def test_list_by_objective(seeded_database: str) -> None:
    code, out, err = run(seeded_database, "list", "--objective", "care_planning", "--json")
    assert code == 0, err
    assert [r["reference"] for r in json.loads(out)] == ["SR2", "SR3", "SR5"]
    code, out, _ = run(
        seeded_database, "list", "--objective", "recruitment", "--as-at", "2026-08-01",
        "--format", "tsv",
    )  # fmt: skip
    assert code == 0 and [line.split("\t")[0] for line in out.splitlines()[1:]] == ["SR2", "SR9"]
    code, out, err = run(seeded_database, "list", "--objective", "workforce")
    assert code == 1 and out == ""
    assert "no objective is called 'workforce' (objectives: earlier_support," in err
    assert len(err.strip().splitlines()) == 1


def test_the_register_paper_by_objective(seeded_database: str) -> None:
    code, out, err = run(
        seeded_database, "export", "register", "--objective", "care_planning", "--as-at",
        "2026-11-23",
    )  # fmt: skip
    assert code == 0, err
    assert "3 risks; threatening the objective: care\\_planning; open risks." in out
    assert [line.split(" | ")[0] for line in out.splitlines() if line.startswith("| SR")] == [
        "| SR2", "| SR3", "| SR5",
    ]  # fmt: skip
    code, out, err = run(seeded_database, "export", "register", "--objective", "zz", "-f", "csv")
    assert code == 1 and out == "" and "no objective is called 'zz'" in err
