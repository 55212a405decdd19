"""Commands for papers as issued and meetings' papers: ``bct-risk papers list``, ``papers
verify FILE`` and ``papers set``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from bct_risk.cli.app import app, cells, console, done, fmt_date, print_json, register, to_date
from bct_risk.domain.errors import ValidationError
from bct_risk.services.issued import find_issued, issued_papers, set_meeting_papers

papers_app = typer.Typer(help="Papers as issued (their SHA-256) and meetings' papers.")
app.add_typer(papers_app, name="papers")


@papers_app.command("list")
def list_papers(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The papers issued, oldest first."""
    found = issued_papers(register(ctx))
    if as_json:
        print_json([vars(p) for p in found])
        return
    if not found:
        console.print("No papers have been issued.")
        return
    table = Table(title="Papers issued")
    for column in ("Issued", "By", "Paper", "Meeting", "As at", "Format", "SHA-256"):
        table.add_column(column)
    for p in found:
        table.add_row(
            *cells(
                fmt_date(p.issued_on), p.issued_by, p.title, fmt_date(p.meeting_date),
                fmt_date(p.as_at), p.format, p.sha256[:16],
            )
        )  # fmt: skip
    console.print(table)


@papers_app.command("verify")
def verify(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The paper to check.")],
) -> None:
    """Say whether a file is an issued paper, unchanged (exit 1 if it is not)."""
    if not file.is_file():
        raise ValidationError(f"{file} is not a file", field="file")
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise ValidationError(f"cannot read {file}: {exc.strerror}", field="file") from exc
    found = find_issued(register(ctx), data)
    if not found:
        console.print(
            f"{file} is not an issued paper: no paper was issued with its SHA-256 (it may have "
            "been changed since it was issued)."
        )
        raise typer.Exit(1)
    for p in found:
        console.print(
            f"{file} is {p.title} ({p.format}) as issued on {fmt_date(p.issued_on)} by "
            f"{p.issued_by}, unchanged (SHA-256 {p.sha256})."
        )


@papers_app.command("set")
def set_papers(
    ctx: typer.Context,
    committee: Annotated[str, typer.Option(help='Committee, e.g. "Finance and Resources".')],
    meeting: Annotated[str, typer.Option(help="Date of the meeting.")],
    cut_off: Annotated[
        str | None, typer.Option("--cut-off", help="The day the pack is built as at.")
    ] = None,
    agenda_item: Annotated[
        str | None, typer.Option("--agenda-item", help="The pack's agenda item, e.g. 6.")
    ] = None,
    report_of: Annotated[
        str | None, typer.Option("--report-of", help="Whose report it is, e.g. the Director.")
    ] = None,
    author: Annotated[str | None, typer.Option("--author", help="Who wrote the paper.")] = None,
    purpose: Annotated[
        str | None, typer.Option("--purpose", help="What the paper is for, in a sentence.")
    ] = None,
    recommendation: Annotated[
        list[str] | None,
        typer.Option("--recommendation", help="What the committee is asked to do (repeat)."),
    ] = None,
) -> None:
    """Set a meeting's pack cut-off and front matter (empty text restores the default)."""
    day = to_date(meeting, "meeting date")
    if day is None:
        raise ValidationError("give the date of the meeting", field="meeting")
    changed = set_meeting_papers(
        register(ctx), committee, day, cut_off=to_date(cut_off, "cut-off date"),
        agenda_item=agenda_item, report_of=report_of, author=author, purpose=purpose,
        recommendations=recommendation,
    )  # fmt: skip
    done(
        f"Set {', '.join(changed).replace('_', ' ')} for the meeting of {fmt_date(day)}"
        if changed
        else "Nothing to change"
    )
