"""Word and HTML papers, issued papers and their verification, diff and the list as at a date."""

from __future__ import annotations

import json
from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner

from bct_risk.cli.app import app
from tests.conftest import make_context
from tests.helpers import fingerprint

runner = CliRunner()
PACK = ("pack", "--committee", "Finance and Resources", "--meeting", "2026-12-10")


def run(db: str, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--database", db, "--as", "tester", *args])
    return result.exit_code, result.stdout, result.stderr


def _state(db: str) -> dict[str, object]:
    ctx = make_context(db)
    try:
        return fingerprint(ctx)
    finally:
        ctx.engine.dispose()


def test_an_issued_word_pack_verifies_until_it_is_changed(
    seeded_database: str, tmp_path: Path
) -> None:
    paper = tmp_path / "pack.docx"
    code, out, err = run(seeded_database, *PACK, "-o", str(paper), "--issue")
    assert code == 0, err
    assert "Issued Finance and Resources Committee: risk report, 10 Dec 2026 (docx)" in out
    document = docx.Document(str(paper))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:3] == ["Finance and Resources Committee: risk report", "Purpose",
                            "Recommendations"]  # fmt: skip
    for title in ("The strategic risk register", "Combined exposure", "The committee's risks",
                  "Implications", "Part B: exempt items (not for publication)"):  # fmt: skip
        assert title in headings
    assert len(document.tables) > 10
    heat_map = next(
        t for t in document.tables if t.rows[0].cells[0].text == "Likelihood ↓ / Impact →"
    )
    assert heat_map.rows[1].cells[0].text == "5 Almost certain"
    assert heat_map.style.name == "Table"
    # The style the papers' tables take has borders (made by scripts/make_reference_docx.py).
    assert heat_map.style.element.find(".//{*}tblBorders") is not None

    code, out, _ = run(seeded_database, "papers", "verify", str(paper))
    assert code == 0 and "unchanged" in out
    code, out, _ = run(seeded_database, "papers", "list", "--json")
    issued = json.loads(out)
    assert [(p["kind"], p["format"], p["meeting_date"], p["as_at"]) for p in issued] == [
        ("pack", "docx", "2026-12-10", "2026-12-09")
    ]
    # The same pack made again is the same bytes: it verifies too.
    again = tmp_path / "again.docx"
    assert run(seeded_database, *PACK, "-o", str(again))[0] == 0
    assert again.read_bytes() == paper.read_bytes()

    paper.write_bytes(paper.read_bytes() + b"\0")
    code, out, _ = run(seeded_database, "papers", "verify", str(paper))
    assert code == 1 and "is not an issued paper" in " ".join(out.split())


def test_html_pack_and_register(seeded_database: str, tmp_path: Path) -> None:
    page = tmp_path / "pack.html"
    assert run(seeded_database, *PACK, "-o", str(page))[0] == 0
    text = page.read_text("utf-8")
    assert "<h1" in text and "Finance and Resources Committee: risk report" in text
    assert text.count("<table") > 10 and "border" in text
    assert "\\|" not in text and "| ---" not in text
    register = tmp_path / "register.html"
    code, _, err = run(seeded_database, "export", "register", "-o", str(register))
    assert code == 0, err
    assert "<h2" in register.read_text("utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((*PACK, "--format", "docx"), "a Word paper is written to a file: give -o FILE.docx"),
        ((*PACK, "--as-at", "2026-12-10"), "must be before the meeting"),
        ((*PACK, "--format", "pdf"), "'pdf' is not a format; use one of: md, docx, html"),
        (("export", "register", "--as-at", "2026-09-09", "-f", "csv"), "not CSV or JSON"),
        (("export", "register", "-f", "json", "--issue"), "only a paper"),
        (("papers", "verify", "no-such-file.docx"), "no-such-file.docx is not a file"),
        (
            (
                "papers",
                "set",
                "--committee",
                "fr",
                "--meeting",
                "2026-12-10",
                "--cut-off",
                "2026-12-10",
            ),
            "must be before the meeting on 2026-12-10",
        ),
        (("diff", "2026-11-01", "2026-10-01"), "give the earlier date first"),
    ],
)
def test_bad_input_is_one_clear_line_and_writes_nothing(
    seeded_database: str, args: tuple[str, ...], message: str
) -> None:
    before = _state(seeded_database)
    code, _, err = run(seeded_database, *args)
    assert code == 1
    assert message in err.replace("\n", " ")
    assert _state(seeded_database) == before


def test_front_matter_set_per_meeting(seeded_database: str) -> None:
    code, _, err = run(
        seeded_database, "papers", "set", "--committee", "fr", "--meeting", "2026-12-10",
        "--cut-off", "2026-12-01", "--agenda-item", "7", "--author", "Company Secretary",
        "--recommendation", "note the register;", "--recommendation", "agree the tracker.",
    )  # fmt: skip
    assert code == 0, err
    code, out, _ = run(seeded_database, *PACK)
    assert "**Agenda item:** 7" in out and "**Author:** Company Secretary" in out
    assert "**Register as at:** 1 Dec 2026" in out
    assert "- note the register;\n- agree the tracker." in out


def test_diff_and_the_list_as_at_a_date(seeded_database: str) -> None:
    code, out, err = run(seeded_database, "diff", "2026-09-10", "2026-11-23")
    assert code == 0, err
    flat = " ".join(out.split())
    for heading in ("New risks", "Rescored", "Escalated", "Actions raised", "Actions completed",
                    "Actions overdue"):  # fmt: skip
        assert heading in flat
    assert flat.index("| SR5 |") < flat.index("| SR7 |")  # by date: 17 Sep, then 10 Nov
    code, out, _ = run(seeded_database, "list", "--as-at", "2026-09-09", "--format", "tsv")
    assert code == 0
    refs = [line.split("\t")[0] for line in out.splitlines()[1:]]
    assert refs[:2] == ["SR1", "SR2"] and "OR2026-01" not in refs
    code, out, _ = run(seeded_database, "export", "register", "--as-at", "2026-09-09")
    assert code == 0
    assert "The register as at 9 Sep 2026." in out
    assert "OR2026-01" not in out
