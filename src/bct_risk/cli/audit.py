"""``bct-risk audit verify``: walk the audit trail's chain of seals and say where it breaks."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.text import Text

from bct_risk.cli.app import app, console, err, print_json, register
from bct_risk.services import audit_chain

audit_app = typer.Typer(help="The audit trail: check that no event was changed or removed.")
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def audit_verify(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Check every audit event's seal and link, oldest first; exit 1 at the first that fails.

    Prints the number of events and the newest seal: note it down, since events removed from
    the end of the trail leave a shorter chain that still holds.
    """
    report = audit_chain.verify_register(register(ctx))
    if as_json:
        print_json(report.as_json())
    elif report.intact:
        console.print(Text(report.describe()), soft_wrap=True)
        if report.head:
            console.print(Text(f"newest seal: {report.head}"))
    else:
        err.print(Text(f"Error: {report.describe()}"), soft_wrap=True)
    if not report.intact:
        raise typer.Exit(1)
