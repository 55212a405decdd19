"""The scrutiny update (the shape of the Dec 2020 report to O&S, 001 L938-1173): golden files,
everything as at the paper's cut-off, and the command line."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

from syrupy.assertion import SnapshotAssertion
from typer.testing import CliRunner

from bct_risk.cli.app import app
from bct_risk.export.scrutiny import render_scrutiny, scrutiny_data
from bct_risk.services.context import Context
from bct_risk.services.indicators import ValueInput, record_value
from tests.export.commonmark import headings, table_after

DECEMBER_2020 = date(2020, 12, 9)
runner = CliRunner()


def _paper(ctx: Context, day: date | None = None) -> str:
    return render_scrutiny(scrutiny_data(ctx, day), ctx.matrix)


def test_december_2020_golden(seeded_ctx: Context, md_snapshot: SnapshotAssertion) -> None:
    paper = _paper(seeded_ctx, DECEMBER_2020)
    # "In October 8 were on or better than target and the remainder were all within the agreed
    # tolerance" (001 L961-962): the seeds note KPI 12 (12 adopted so far of 70) as the exception.
    assert "8 were on or better than target, 6 within the agreed tolerance" in paper
    assert paper == md_snapshot


def test_today_with_a_breach_golden(seeded_ctx: Context, md_snapshot: SnapshotAssertion) -> None:
    record_value(seeded_ctx, "agency-sw", ValueInput("2026-10", 14))
    record_value(seeded_ctx, "agency-sw", ValueInput("2026-11", 17, comment="Two *leavers*"))
    paper = _paper(seeded_ctx)
    assert "17% (Nov 2026) against 12% (tolerance 10-15%); bears on SR2" in paper
    assert paper == md_snapshot


def test_the_paper_is_as_at_its_cut_off(seeded_ctx: Context) -> None:
    before = _paper(seeded_ctx, date(2026, 11, 20))
    later = replace(seeded_ctx, clock=lambda: datetime(2026, 11, 23, 10, 0, tzinfo=UTC))
    record_value(later, "agency-sw", ValueInput("2026-11", 17))
    assert _paper(seeded_ctx, date(2026, 11, 20)) == before
    assert "17%" in _paper(seeded_ctx, date(2026, 11, 23))


def test_sections_and_headline_risks(seeded_ctx: Context) -> None:
    paper = _paper(seeded_ctx, DECEMBER_2020)
    assert [text for _, text in headings(paper)][:4] == [
        "Report for the Education and Children's Social Care Overview and Scrutiny Committee",
        "1. Introduction",
        "2. Trust activity and performance",
        "Key indicators against target and tolerance",
    ]
    indicators = table_after(paper, "Key indicators against target and tolerance")
    assert len(indicators) == 16  # the header row and the 15 contract KPIs
    key_risks = paper.split("## 3\\. Key risks")[1].split("## 4")[0]
    assert 3 <= key_risks.count("\n- ") <= 5


def test_command_line(seeded_database: str, tmp_path: Path) -> None:
    out = tmp_path / "scrutiny.md"
    args = ["--database", seeded_database, "export", "scrutiny", "--as-at", "2020-12-09"]
    result = runner.invoke(app, [*args, "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert out.read_text("utf-8").startswith("# Report for the Education")
    result = runner.invoke(app, [*args, "-o", str(out)])
    assert result.exit_code == 1
    assert "--force" in result.stderr
    result = runner.invoke(app, ["--database", seeded_database, "export", "scrutiny",
                                 "--as-at", "someday"])  # fmt: skip
    assert result.exit_code == 1
    assert "as-at date 'someday' is not a date" in result.stderr
