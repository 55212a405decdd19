"""Commands for committee work: committees, meetings and reviews of risks."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from bct_risk.cli.app import (
    app,
    cells,
    console,
    done,
    fmt_date,
    parse_choice,
    print_json,
    register,
    to_date,
)
from bct_risk.domain.enums import Assurance, ReviewOutcome
from bct_risk.domain.errors import ValidationError
from bct_risk.services import committees, queries

meetings_app = typer.Typer(help="Committee meetings: list and add.")
app.add_typer(meetings_app, name="meetings")


@app.command("committees")
def committees_command(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List the committees."""
    rows = queries.committees(register(ctx))
    if as_json:
        print_json(
            [{"name": c.name, "short_name": c.short_name, "kind": c.kind.value} for c in rows]
        )
        return
    table = Table(title="Committees")
    for name in ("Committee", "Short name", "Kind"):
        table.add_column(name)
    for c in rows:
        table.add_row(*cells(c.name, c.short_name, c.kind.label))
    console.print(table)


@meetings_app.command("list")
def meetings_list(
    ctx: typer.Context,
    committee: Annotated[str, typer.Option(help="Committee name.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List a committee's meetings."""
    rows = queries.meetings_of(register(ctx), committee)
    if as_json:
        print_json([{"date": m.meeting_date.isoformat(), "title": m.title} for m in rows])
        return
    table = Table(title="Meetings")
    table.add_column("Date")
    table.add_column("Title")
    for m in rows:
        table.add_row(*cells(fmt_date(m.meeting_date), m.title))
    console.print(table)


@meetings_app.command("add")
def meetings_add(
    ctx: typer.Context,
    committee: Annotated[str, typer.Option(help="Committee name.")],
    on: Annotated[str, typer.Option("--date", help="Meeting date.")],
    title: Annotated[str, typer.Option(help="Title (default: the committee's name).")] = "",
) -> None:
    """Add a meeting of a committee."""
    day = to_date(on, "meeting date")
    assert day is not None
    meeting = committees.add_meeting(register(ctx), committee, day, title)
    done(f"Added the meeting of {fmt_date(meeting.meeting_date)}")


@app.command("review")
def review_command(
    ctx: typer.Context,
    reference: Annotated[str, typer.Argument(help="Risk reference.")],
    committee: Annotated[str, typer.Option(help="Committee that reviewed the risk.")],
    meeting: Annotated[str, typer.Option(help="Date of the meeting.")],
    outcome: Annotated[
        str | None,
        typer.Option(
            help="noted, challenged, deep_dive_requested, escalated_to_board, "
            "de_escalated, closure_agreed (required for a first review; kept when amending)."
        ),
    ] = None,
    assurance: Annotated[
        str | None, typer.Option(help="substantial, reasonable, limited or none.")
    ] = None,
    comments: Annotated[str | None, typer.Option(help="The committee's comments.")] = None,
) -> None:
    """Record a committee's review of a risk at a meeting (the score at the time is kept).

    Run again for the same meeting, it amends the review: what you give replaces what was
    recorded, the rest is kept, and the history shows the earlier values.
    """
    day = to_date(meeting, "meeting date")
    result = parse_choice(ReviewOutcome, outcome)
    if day is None:
        raise ValidationError("give the meeting date")
    review = committees.record_review(
        register(ctx),
        reference,
        committee=committee,
        meeting_date=day,
        outcome=result,
        assurance=parse_choice(Assurance, assurance),
        comments=comments,
    )
    score = f" at score {review.score}" if review.score is not None else ""
    done(f"Recorded the review of {reference.upper()}: {review.outcome.label}{score}")
