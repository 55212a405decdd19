"""``bct-risk export scrutiny``: the scrutiny update for the Council's Overview and Scrutiny
Committee (see :mod:`bct_risk.export.scrutiny`), as at a day."""

from __future__ import annotations

from typing import Annotated

import typer

from bct_risk.cli.app import register, to_date
from bct_risk.cli.export import ForceOption, OutputOption, check_output, export_app, write_output


@export_app.command("scrutiny")
def export_scrutiny(
    ctx: typer.Context,
    as_at: Annotated[
        str | None,
        typer.Option("--as-at", help="The paper's cut-off: as recorded by the end of this day."),
    ] = None,
    output: OutputOption = None,
    force: ForceOption = False,
) -> None:
    """The scrutiny update: key indicators against target and tolerance, three to five headline
    key risks and their open actions, as at a day (today by default)."""
    from bct_risk.export.scrutiny import render_scrutiny, scrutiny_data

    day = to_date(as_at, "as-at date")
    check_output(output, force)
    reg = register(ctx)
    text = render_scrutiny(scrutiny_data(reg, day), reg.matrix)
    write_output(lambda out: out.write(text), output, force)
