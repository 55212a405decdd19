"""Lists on the command line: columns for the terminal's width, words never split, plain formats."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest

from bct_risk.cli.listing import (
    Column,
    ListFormat,
    choose_columns,
    parse_format,
    register_columns,
    write_rows,
)
from bct_risk.domain.enums import Appetite, Direction, RiskStatus, Tier
from bct_risk.domain.errors import ValidationError
from bct_risk.domain.scoring import Score
from bct_risk.services import queries
from bct_risk.services.register_rows import RiskRow
from tests.conftest import make_context

LONG = "Significant safeguarding incident with a child with whom the Trust is working"


def row(reference: str, title: str, owner: str = "Director of Help and Protection") -> RiskRow:
    return RiskRow(
        id=1, reference=reference, title=title, owner=owner,
        lead_committee="Performance and Quality Assurance", tier=Tier.STRATEGIC,
        status=RiskStatus.OPEN, category="", appetite=Appetite.AVERSE, exempt=False,
        next_review_date=date(2026, 12, 16), target_date=None, inherent=Score(4, 5),
        current=Score(2, 5), previous_score=10, target=Score(1, 5), band="High",
        band_colour="amber", direction=Direction.UNCHANGED, above_appetite=True,
        review_overdue=False, gap_to_target=5, gap_to_appetite=7,
    )  # fmt: skip


ROWS = [
    row("SR4", LONG),
    row("OR2026-01", "Contract dispute with an independent residential provider"),
    row("SR10", "Budget [2026/27] overspend [/] =SUM(A1)", owner="=cmd|' /C calc'!A0"),
]


def table(width: int | None, rows: list[RiskRow] = ROWS) -> str:
    out = io.StringIO()
    write_rows(rows, register_columns(), ListFormat.TABLE, stream=out, width=width)
    return out.getvalue()


@pytest.mark.parametrize("width", [80, 100, 120, 200])
def test_a_terminal_table_fits_its_width_and_never_splits_a_word(width: int) -> None:
    text = table(width)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= width
    words = re.findall(r"\S+", text)
    for title in (r.title for r in ROWS):
        for word in title.split():
            assert word in words, f"'{word}' was split at {width} columns"


def test_at_80_columns_the_columns_that_matter_stay() -> None:
    header = table(80).splitlines()[0].split("  ")
    names = [h.strip() for h in header if h.strip()]
    assert names == ["Ref", "Title", "Risk owner", "Current", "Direction", "Next review"]


def test_at_120_columns_a_strategic_title_of_forty_characters_shows_whole() -> None:
    text = table(120, [row("SR1", "Relationship between Trust and Council")])
    assert "Relationship between Trust and Council" in text


def test_piped_every_value_is_whole_on_one_line() -> None:
    text = table(None)
    body = text.splitlines()[2:]
    assert len(body) == len(ROWS)
    assert LONG in body[0] and "Director of Help and Protection" in body[0]
    assert len({line.index("Director") for line in body if "Director" in line}) == 1


def test_tsv_is_a_row_a_line_with_a_header() -> None:
    out = io.StringIO()
    write_rows(ROWS, register_columns(), ListFormat.TSV, stream=out)
    lines = out.getvalue().splitlines()
    assert lines[0].split("\t")[:3] == ["Ref", "Title", "Risk owner"]
    assert [line.split("\t")[1] for line in lines[1:]] == [r.title for r in ROWS]


def test_markdown_escapes_pipes_and_keeps_brackets() -> None:
    out = io.StringIO()
    write_rows(ROWS, register_columns(), ListFormat.MD, stream=out)
    text = out.getvalue()
    assert "Budget [2026/27] overspend [/] =SUM(A1)" in text
    assert "=cmd\\|' /C calc'!A0" in text
    assert all(line.startswith("| ") or line.startswith("|---") for line in text.splitlines())


def test_csv_neutralises_cells_a_spreadsheet_would_run() -> None:
    out = io.StringIO()
    write_rows(ROWS, register_columns(), ListFormat.CSV, stream=out)
    records = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert records[2]["Risk owner"] == "'=cmd|' /C calc'!A0"
    assert records[2]["Title"] == "Budget [2026/27] overspend [/] =SUM(A1)"


def test_columns_are_dropped_least_important_first() -> None:
    columns = [
        Column("A", str, 10, keep=1),
        Column("T", str, 0, keep=1, flexible=True),
        Column("B", str, 10, keep=3),
        Column("C", str, 10, keep=2),
    ]
    assert [c.name for c in choose_columns(columns, 50)] == ["A", "T", "C"]
    assert [c.name for c in choose_columns(columns, None)] == ["A", "T", "B", "C"]


@pytest.mark.parametrize("text", ["xml", "", "tables"])
def test_an_unknown_format_is_refused_naming_the_formats(text: str) -> None:
    with pytest.raises(ValidationError, match="table, tsv, md, csv, json"):
        parse_format(text)


def test_list_in_each_format_on_the_seed_register(seeded_database: str) -> None:
    from typer.testing import CliRunner

    from bct_risk.cli import app as cli_app

    ctx = make_context(seeded_database)
    open_risks = queries.list_risks(ctx)
    ctx.engine.dispose()
    runner = CliRunner()
    base = ["--database", seeded_database]
    result = runner.invoke(cli_app.app, [*base, "list", "--format", "tsv"])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == len(open_risks) + 1
    assert {line.split("\t")[0] for line in lines[1:]} == {r.reference for r in open_risks}
    result = runner.invoke(cli_app.app, [*base, "list", "--format", "xml"])
    assert result.exit_code == 1
    assert "'xml' is not a list format" in result.stderr


F_SETPIPE_SZ = 1031


def test_a_reader_that_stops_early_gets_no_error(seeded_database: str) -> None:
    """`bct-risk list | head -1`: the list stops quietly when its reader goes away."""
    import fcntl
    import subprocess
    import sys

    command = [sys.executable, "-c", "from bct_risk.cli import main; main()"]
    process = subprocess.Popen(
        [*command, "--database", seeded_database, "list", "--all", "--format", "tsv"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        bufsize=0,
    )
    assert process.stdout is not None and process.stderr is not None
    # A pipe smaller than the list (Linux's F_SETPIPE_SZ), so the reader stops before the end.
    fcntl.fcntl(process.stdout.fileno(), F_SETPIPE_SZ, 4096)
    first = process.stdout.read(10)
    process.stdout.close()
    errors = process.stderr.read().decode()
    assert process.wait(timeout=60) == 0
    assert first.startswith(b"Ref\t")
    assert errors == ""
