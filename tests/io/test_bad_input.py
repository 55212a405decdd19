"""Every bad input a user can give the importer: its clear message, and nothing written."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from bct_risk.domain.errors import ValidationError
from bct_risk.io import ImportOptions, import_file
from bct_risk.services.context import Context
from tests.helpers import fingerprint


def _refused(ctx: Context, path: Path, options: ImportOptions | None = None) -> list[str]:
    """Import a file that must be refused; the problems that stopped it, as the report prints."""
    before = fingerprint(ctx)
    for dry_run in (True, False):
        result = import_file(ctx, path, options, dry_run=dry_run)
        assert not result.ok and not result.written
        assert fingerprint(ctx) == before
    return [str(p) for p in result.plan.errors]


def test_unknown_columns(seeded_ctx: Context, fixtures: Path) -> None:
    errors = _refused(seeded_ctx, fixtures / "unknown_columns.csv")
    assert errors == [
        "no column gives the risk's title (Title, Risk, Risk description…); the columns found "
        "are: 'Colour', 'Shape', 'Weight'. Name the columns in a mapping file (--mapping), or "
        "map them on the import screen (ctrl+e on a column), to import this file"
    ]


def test_a_score_of_seven_on_a_five_point_scale(seeded_ctx: Context, fixtures: Path) -> None:
    errors = _refused(seeded_ctx, fixtures / "score_seven.csv")
    assert len(errors) == 1
    assert errors[0].startswith(
        "row 3, column 'Likelihood': likelihood 7 is outside the 1-5 scale; if this register "
        "scores on a longer scale, give it in the mapping file"
    )


def test_a_date_that_is_not_a_date(seeded_ctx: Context, fixtures: Path) -> None:
    errors = _refused(seeded_ctx, fixtures / "bad_date.csv")
    assert errors == [
        "row 2, column 'Next review date': '31/02/2026' is not a date "
        "(write it as 23/11/2026 or 2026-11-23)"
    ]


def test_an_empty_file(seeded_ctx: Context, fixtures: Path) -> None:
    before = fingerprint(seeded_ctx)
    with pytest.raises(ValidationError, match=r"empty\.csv is empty: there is nothing to import"):
        import_file(seeded_ctx, fixtures / "empty.csv")
    assert fingerprint(seeded_ctx) == before


def test_headers_but_no_rows(seeded_ctx: Context, fixtures: Path) -> None:
    errors = _refused(seeded_ctx, fixtures / "headers_only.csv")
    assert errors == ["headers_only.csv has headers but no rows to import"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("Ref,Title\nA1,Risk\n".encode("utf-16-le"), "is not text in a known encoding"),
        (b"Ref,Title\nA1,Bad \x81\x8d bytes\n", "cannot be read as UTF-8, UTF-16 or Windows-1252"),
        (codecs.BOM_UTF8 + b"Ref,Title\nA1,\xff\xfe broken\n", "cannot be read as UTF-8"),
    ],
)
def test_a_wrong_encoding(
    seeded_ctx: Context, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "register.csv"
    path.write_bytes(content)
    before = fingerprint(seeded_ctx)
    with pytest.raises(ValidationError, match=message):
        import_file(seeded_ctx, path)
    assert fingerprint(seeded_ctx) == before


def test_a_missing_file(seeded_ctx: Context, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="no file at"):
        import_file(seeded_ctx, tmp_path / "nowhere.csv")


def test_not_valid_json(seeded_ctx: Context, tmp_path: Path) -> None:
    path = tmp_path / "register.json"
    path.write_text('[{"title": "A risk",}]', "utf-8")
    with pytest.raises(ValidationError, match=r"register.json is not valid JSON \(line 1"):
        import_file(seeded_ctx, path)


def test_json_records_must_be_objects(seeded_ctx: Context, tmp_path: Path) -> None:
    path = tmp_path / "register.json"
    path.write_text('["A risk", "Another"]', "utf-8")
    with pytest.raises(ValidationError, match="record 1 is not a set of named fields"):
        import_file(seeded_ctx, path)


def test_a_spreadsheet_that_is_not_one(seeded_ctx: Context, tmp_path: Path) -> None:
    path = tmp_path / "register.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(ValidationError, match="is not a readable Excel workbook"):
        import_file(seeded_ctx, path)


def test_one_bad_row_stops_the_whole_import(seeded_ctx: Context, tmp_path: Path) -> None:
    path = tmp_path / "register.csv"
    path.write_text(
        "Ref,Title,Likelihood,Impact,Appetite\nG1,Good,2,2,Cautious\nG2,Bad,2,2,Greedy\n"
        "G1,Twice,1,1,Open\n",
        "utf-8",
    )
    errors = _refused(seeded_ctx, path)
    assert errors == [
        "row 3, column 'Appetite': 'greedy' is not a risk appetite (Orange Book scale); use one "
        "of: averse, minimal, cautious, open, eager",
        "row 4, column 'Ref': the reference G1 is also on row 2; each risk needs its own reference",
    ]


def test_an_action_log_with_a_meeting_date_that_is_not_a_date(
    seeded_ctx: Context, tmp_path: Path
) -> None:
    path = tmp_path / "actions.csv"
    path.write_text(
        "Meeting date,Action,Owner,Due date\n2026-06-11,Chase the audit,Chief Executive,"
        "2026-05-01\n30/02/2026,Another,Chief Executive,\nQ3,Third,,\n",
        "utf-8",
    )
    errors = _refused(seeded_ctx, path, ImportOptions(kind="actions"))
    assert errors == [
        "row 3, column 'Meeting date': '30/02/2026' is not a date (write it as 23/11/2026 or "
        "2026-11-23)",
        "row 4, column 'Meeting date': the meeting date 'Q3' is not a date",
        "row 2, column 'Due date': due date 2026-05-01 is before the meeting of 2026-06-11 that "
        "raised the action",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("columns:\n  Colour: flavour\n", "maps 'Colour' to 'flavour', which is not a field"),
        ("scales:\n  likelihood: 7\n", "gives likelihood a scale of 7"),
        ("colums:\n  Colour: title\n", "unknown settings: colums"),
        ("kind: people\n", "kind must be risks or actions"),
        ("columns: [unclosed\n", "is not valid YAML"),
    ],
)
def test_a_bad_mapping_file(
    seeded_ctx: Context, fixtures: Path, tmp_path: Path, text: str, message: str
) -> None:
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(text, "utf-8")
    before = fingerprint(seeded_ctx)
    with pytest.raises(ValidationError, match=message):
        import_file(seeded_ctx, fixtures / "unknown_columns.csv", ImportOptions(mapping=mapping))
    assert fingerprint(seeded_ctx) == before


def test_a_mapping_file_rescues_unknown_columns(
    ctx: Context, fixtures: Path, tmp_path: Path
) -> None:
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("columns:\n  Colour: title\n  Weight: current_likelihood\n", "utf-8")
    result = import_file(ctx, fixtures / "unknown_columns.csv", ImportOptions(mapping=mapping))
    assert result.ok and len(result.counts.risks) == 2
    # a likelihood without its impact is reported, not guessed
    assert any("without its impact" in p.message for p in result.plan.warnings)


def test_a_bad_kind(seeded_ctx: Context, fixtures: Path) -> None:
    with pytest.raises(ValidationError, match="--kind must be risks or actions, not 'people'"):
        import_file(seeded_ctx, fixtures / "score_seven.csv", ImportOptions(kind="people"))
