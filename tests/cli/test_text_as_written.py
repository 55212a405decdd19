"""User text is never markup on the command line: square brackets, ``[/]``, ``[bold]``,
``[in care]``, backticks and ``:emoji:`` codes in every text field print exactly as typed, through
every command that stores or prints them, with no traceback (SQLite and PostgreSQL)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import bct_risk.cli.app as cli_app
from bct_risk.cli.app import app

runner = CliRunner()

TEXTS = (
    "[/] Budget [2026/27] overspend [/]",
    "Children [in care] [bold]loud[/bold] `code` :warning: [red]x[link=http://a]y",
)


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tables as wide as their text, so a cell is never folded across lines."""
    monkeypatch.setattr(cli_app.console, "width", 3000)


def run(db: str, *args: str) -> str:
    """Run a command that must succeed; its standard output."""
    result = runner.invoke(app, ["--database", db, "--as", "tester", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.stderr
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("text", TEXTS, ids=("closing-tags", "styles-and-emoji"))
def test_text_with_markup_prints_as_typed_everywhere(seeded_database: str, text: str) -> None:
    db = seeded_database
    out = run(
        db, "add", "SR77", "--title", text, "--description", f"D {text}", "--cause", f"C {text}",
        "--effect", f"E {text}", "--category", f"K {text}", "--likelihood", "3", "--impact", "4",
        "--rationale", f"R {text}", "--owner", "dfr", "--committee", "fr",
    )  # fmt: skip
    assert out.strip() == f"Added SR77: {text}"
    show = run(db, "show", "SR77")
    for part in (text, f"D {text}", f"C {text}", f"E {text}", f"K {text}", f"R {text}"):
        assert part in show, part
    assert text in run(db, "list")
    assert text in run(db, "list", "--search", "SR77")

    assert "Saved SR77" in run(db, "edit", "SR77", "--title", f"T {text}")
    assert f"T {text}" in run(db, "show", "SR77")
    run(db, "score", "SR77", "-l", "4", "-i", "4", "-r", f"S {text}")
    assert f"S {text}" in run(db, "show", "SR77")
    run(db, "escalate", "SR77", "--to", "board", "--reason", f"U {text}")
    run(db, "deescalate", "SR77", "--to", "strategic", "--reason", f"W {text}")
    shown = run(db, "show", "SR77")
    assert f"U {text}" in shown and f"W {text}" in shown
    run(db, "link", "SR77", "SR1", "--note", f"L {text}")
    assert f"T {text}" in run(db, "show", "SR1")  # the linked risk's title

    out = run(db, "actions", "add", "SR77", "--description", f"A {text}", "--owner", "dfr")
    number = out.split("#")[1].split()[0]
    run(db, "actions", "update", number, "--note", f"N {text}")
    listed = run(db, "actions", "list", "--risk", "SR77")
    assert f"A {text}" in listed and f"N {text}" in listed
    assert f"A {text}" in run(db, "show", "SR77")
    run(db, "actions", "complete", number, "--note", f"Z {text}")
    assert f"Z {text}" in run(db, "actions", "list", "--all", "--risk", "SR77")

    out = run(
        db, "actions", "raise", "--committee", "fr", "--meeting", "2026-09-10", "--action",
        f"M {text}", "--item", f"I {text}", "--risk", "SR77",
    )  # fmt: skip
    tracker = run(db, "actions", "list", "--committee", "fr")
    assert f"M {text}" in tracker and f"I {text}" in tracker
    run(db, "control", "add", "SR77", "--description", f"Q {text}", "--owner", "dfr")
    assert f"Q {text}" in run(db, "show", "SR77")
    run(
        db, "review", "SR77", "--committee", "fr", "--meeting", "2026-09-10", "--outcome",
        "noted", "--comments", f"V {text}",
    )  # fmt: skip
    assert f"V {text}" in run(db, "show", "SR77")

    run(db, "meetings", "add", "--committee", "fr", "--date", "2026-10-01", "--title", f"G {text}")
    assert f"G {text}" in run(db, "meetings", "list", "--committee", "fr")
    run(db, "people", "add", f"P {text}", "--job-title", f"J {text}")
    people_out = run(db, "people", "list")
    assert f"P {text}" in people_out and f"J {text}" in people_out

    run(db, "close", "SR77", "--reason", f"X {text}")
    assert f"X {text}" in run(db, "show", "SR77")
    run(db, "reopen", "SR77", "--reason", f"Y {text}")
    history = run(db, "history", "SR77")
    assert "Traceback" not in history and "SR77" in history
    trail = json.loads(run(db, "history", "SR77", "--json"))
    for event in trail:
        assert event["summary"] in history, event["summary"]

    for fmt in ("csv", "json"):
        exported = run(db, "export", "register", "--all", "--format", fmt, "--search", "SR77")
        assert f"T {text}" in exported, fmt
    assert "SR77" in run(db, "export", "register", "--all")  # Markdown, escaped as Markdown
    for command in ("list", "show", "history"):
        assert run(db, command, *(["SR77"] if command != "list" else []), "--json")
