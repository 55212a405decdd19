"""``bct-risk diff DATE1 DATE2``: what changed on the register between two dates."""

from __future__ import annotations

from typing import Annotated

import typer

from bct_risk.cli.app import app, console, print_json, register, to_date
from bct_risk.domain.errors import ValidationError
from bct_risk.export.pack import changes_section
from bct_risk.services.changes import register_changes


@app.command("diff")
def diff_command(
    ctx: typer.Context,
    since: Annotated[str, typer.Argument(help="From this day (included).")],
    until: Annotated[str, typer.Argument(help="Up to this day (included).")],
    public: Annotated[
        bool, typer.Option("--public", help="Leave exempt risks and their actions out.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """New, closed and reopened risks, every rescoring in order, escalations and
    de-escalations, and actions raised, completed and overdue, from one day to another (as
    recorded by the end of the second)."""
    first, last = to_date(since, "first date"), to_date(until, "second date")
    if first is None or last is None:
        raise ValidationError("give two dates")
    if last < first:
        raise ValidationError(f"{until} is before {since}: give the earlier date first")
    reg = register(ctx)
    changes = register_changes(reg, first, last, include_exempt=not public)
    if as_json:
        print_json(changes)
        return
    text = "\n\n".join(
        changes_section(reg.matrix, changes, actions=True, level=1, title="Changes to the register")
    )
    console.print(text, markup=False, highlight=False)
