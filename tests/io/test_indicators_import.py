"""Importing monthly indicator values: both shapes, CSV and XLSX, all or nothing."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from bct_risk.cli.app import app
from bct_risk.io.indicator_rows import import_indicator_values, month_of, read_indicator_values
from bct_risk.services.context import Context
from bct_risk.services.indicator_views import indicator_detail, risk_breaches
from tests.conftest import make_context
from tests.helpers import fingerprint

runner = CliRunner()


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


@pytest.mark.parametrize(
    ("header", "month"),
    [("2026-11", "2026-11"), ("Nov 2026", "2026-11"), ("Oct-26", "2026-10"),
     ("November 2026", "2026-11"), ("2026-11-30", "2026-11"), (datetime(2026, 9, 1), "2026-09"),
     ("Value", None), ("Nov", None), ("2026-13", None)],
)  # fmt: skip
def test_month_headers(header: object, month: str | None) -> None:
    assert month_of(header) == month


def test_long_shape_by_key_or_name(seeded_ctx: Context, tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "values.csv",
        "Indicator,Month,Value,Comment,National average\n"
        "agency-sw,2026-10,14,,15\n"
        "agency-sw,Nov 2026,17%,Two leavers,\n"
        "Average caseload of qualified social workers,2026-11,19,,\n",
    )
    result = import_indicator_values(seeded_ctx, path)
    assert result.ok and result.written, result.problems
    assert result.shape == "one row per indicator and month"
    values = indicator_detail(seeded_ctx, "agency-sw").values
    assert [(v.period_label, v.value, v.comment) for v in values[-2:]] == [
        ("Oct 2026", 14, ""),
        ("Nov 2026", 17, "Two leavers"),
    ]
    assert values[-2].national_average == 15
    assert indicator_detail(seeded_ctx, "caseload").values[-1].value == 19
    assert [b.key for b in risk_breaches(seeded_ctx, "SR2")] == ["agency-sw"]


def test_wide_shape_from_a_workbook_with_date_headers(seeded_ctx: Context, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["KPI", datetime(2026, 9, 1), datetime(2026, 10, 1), datetime(2026, 11, 1)])
    sheet.append(["caseload", 16, None, 18])
    sheet.append(["supervision", 85, 84, 83])
    path = tmp_path / "values.xlsx"
    book.save(path)
    result = import_indicator_values(seeded_ctx, path)
    assert result.ok and result.written, result.problems
    assert result.shape == "one column per month"
    caseload = indicator_detail(seeded_ctx, "caseload")
    assert [v.period_label for v in caseload.values[-2:]] == ["Sep 2026", "Nov 2026"]
    assert caseload.line.months.reported == 2  # October left blank is a missing month
    assert len(indicator_detail(seeded_ctx, "supervision").values) == 6


def test_every_bad_row_and_column_is_reported_and_nothing_written(
    seeded_ctx: Context, tmp_path: Path
) -> None:
    path = _write(
        tmp_path,
        "wide.csv",
        "KPI,Sep-26,Oct-26,Nov-26\ncaseload,16,,18\nsupervision,85,84,abc\nnope,1,,\n"
        "agency-sw,200,,\n",
    )
    before = fingerprint(seeded_ctx)
    result = import_indicator_values(seeded_ctx, path)
    assert not result.written
    assert result.problems == [
        "row 3, column 'Nov-26': 'abc' is not a number",
        "row 4, column 'Sep-26': no indicator has the key 'nope'",
        "row 5, column 'Sep-26': the value 200% is above 100%",
    ]
    assert fingerprint(seeded_ctx) == before


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("Month,Value\n2026-11,3\n", "row 1: no column names the indicator"),
        ("Indicator,Owner\ncaseload,x\n", "row 1: give either Period and Value columns"),
        ("Indicator,Month,Value\ncaseload,soon,3\n",
         "row 2, column 'Month': 'soon' is not a month"),
        ("Indicator,Month,Value\ncaseload,2026-11,\n", "row 2, column 'Value': the value is blank"),
        ("Indicator,Month,Value\ncaseload,2026-11,3\ncaseload,Nov 2026,4\n",
         "row 3, column 'Value': caseload for 2026-11 is also at row 2, column 'Value'"),
        ("Indicator,Month,Value\ncaseload,2031-01,3\n",
         "row 2, column 'Value': the period 2031-01 has not started yet"),
        ("Indicator,Month,Value,Period kind\ncaseload,2026-11,3,weekly\n",
         "row 2, column 'Period kind': 'weekly' is not a period kind"),
    ],
)  # fmt: skip
def test_bad_files(seeded_ctx: Context, tmp_path: Path, text: str, problem: str) -> None:
    before = fingerprint(seeded_ctx)
    result = import_indicator_values(seeded_ctx, _write(tmp_path, "bad.csv", text))
    assert any(p.startswith(problem) for p in result.problems), result.problems
    assert fingerprint(seeded_ctx) == before


def test_a_dry_run_writes_nothing(seeded_ctx: Context, tmp_path: Path) -> None:
    path = _write(tmp_path, "v.csv", "Indicator,Month,Value\ncaseload,2026-11,3\n")
    before = fingerprint(seeded_ctx)
    result = import_indicator_values(seeded_ctx, path, dry_run=True)
    assert result.ok and not result.written
    assert fingerprint(seeded_ctx) == before
    assert len(read_indicator_values(path).rows) == 1


def test_the_command_line(seeded_database: str, tmp_path: Path) -> None:
    good = _write(tmp_path, "v.csv", "Indicator,Month,Value\nagency-sw,2026-11,17\n")
    bad = _write(tmp_path, "b.csv", "Indicator,Month,Value\nagency-sw,2026-11,x\n")
    ctx = make_context(seeded_database)
    before = fingerprint(ctx)
    args = ["--database", seeded_database, "--as", "tester", "import"]
    result = runner.invoke(app, [*args, str(bad), "--kind", "indicators"])
    assert result.exit_code == 1
    assert "Problem: row 2, column 'Value': 'x' is not a number" in result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        "Error: 1 problem stops the import; nothing was written"
    )
    assert fingerprint(ctx) == before
    result = runner.invoke(app, [*args, str(good), "--kind", "indicators"])
    assert result.exit_code == 0, result.stderr
    assert "Recorded 1 values of 1 indicators" in result.stdout
    assert "Indicator breach on SR2" in result.stdout
    ctx.engine.dispose()
