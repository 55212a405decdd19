"""The Board Assurance Framework paper in Word and HTML, made from its Markdown by pandoc."""

from __future__ import annotations

from pathlib import Path

import docx
from typer.testing import CliRunner

from bct_risk.cli.app import app

runner = CliRunner()


def run(db: str, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--database", db, "--as", "tester", *args])
    return result.exit_code, result.stdout, result.stderr


def test_the_baf_in_word_has_its_headings_and_tables(seeded_database: str, tmp_path: Path) -> None:
    paper = tmp_path / "baf.docx"
    code, out, err = run(
        seeded_database, "export", "baf", "--as-at", "2026-11-23", "-o", str(paper)
    )
    assert code == 0, err
    assert "Wrote the Board Assurance Framework as at 23 Nov 2026" in out
    document = docx.Document(str(paper))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[0] == "Board Assurance Framework"
    assert "Summary by objective" in headings
    assert "Risks that could strike together" in headings
    assert any(h.startswith("1. ") for h in headings)
    summary = next(t for t in document.tables if t.rows[0].cells[0].text == "Objective")
    assert len(summary.rows) > 2
    assert summary.style.name == "Table"
    # The same paper made again is the same bytes (pandoc's date is the paper's).
    again = tmp_path / "again.docx"
    assert run(seeded_database, "export", "baf", "--as-at", "2026-11-23", "-o", str(again))[0] == 0
    assert again.read_bytes() == paper.read_bytes()


def test_the_baf_in_html_has_its_headings(seeded_database: str, tmp_path: Path) -> None:
    page = tmp_path / "baf.html"
    code, _, err = run(seeded_database, "export", "baf", "--as-at", "2026-11-23", "-o", str(page))
    assert code == 0, err
    text = page.read_text("utf-8")
    assert "<title>Board Assurance Framework as at 23 Nov 2026</title>" in text
    assert "Board Assurance Framework</h1>" in text
    assert "Summary by objective</h2>" in text
    assert text.count("<table") >= 2 and "\\|" not in text and "| ---" not in text
    code, out, _ = run(seeded_database, "export", "baf", "--format", "html")
    assert code == 0 and out.lstrip().startswith("<!DOCTYPE html>")
