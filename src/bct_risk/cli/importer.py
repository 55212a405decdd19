"""``bct-risk import``: bring in an existing register or action log, with a report to act on."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from bct_risk.cli.app import app, console, err, register
from bct_risk.io import ImportOptions, ImportResult, import_file
from bct_risk.io.records import ERROR, NOTE, WARNING

_STYLE = {ERROR: "bold red", WARNING: "yellow", NOTE: "dim"}


@app.command("import")
def import_command(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Argument(help="The register or action log: .xlsx, .csv, .json or .yaml.")
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be imported and change nothing.")
    ] = False,
    mapping: Annotated[
        Path | None,
        typer.Option(
            "--mapping",
            help="YAML file: 'columns:' maps each header to a field (or ignore); 'scales:' gives "
            "a scale of 3, 4, 6 or 10 (likelihood: 10); also kind, sheet and header_row.",
        ),
    ] = None,
    register_name: Annotated[
        str | None,
        typer.Option(
            "--register",
            help="Risks: the register tier (operational, strategic, committee, board) or lead "
            "committee. Actions: the committee whose meetings raised them (default: Imported).",
        ),
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind", help="What the file holds: risks or actions (default: told from its columns)."
        ),
    ] = None,
    allow_duplicates: Annotated[
        bool,
        typer.Option(
            "--allow-duplicates",
            help="Import rows that match a risk (by reference or title) or action already held.",
        ),
    ] = False,
) -> None:
    """Import a risk register or an action log; all or nothing, with every problem by row."""
    options = ImportOptions(
        kind=kind.strip().lower() if kind else None,
        register=register_name,
        mapping=mapping,
        allow_duplicates=allow_duplicates,
    )
    result = import_file(register(ctx), file, options, dry_run=dry_run)
    print_report(result)
    if not result.ok:
        count = len(result.plan.errors)
        stop = f"{count} problems stop" if count != 1 else "1 problem stops"
        err.print(
            f"Error: {stop} the import; nothing was written. Fix them in the file (or name its "
            "columns with --mapping) and run it again.",
            soft_wrap=True,
        )
        raise typer.Exit(1)


def print_report(result: ImportResult) -> None:
    """The import report: how the file was read, the column mapping, counts, every problem."""
    plan, counts = result.plan, result.counts
    console.print(f"[bold]{plan.path.name}[/]: {plan.description}")
    console.print(f"Read as {plan.kind_reason}.")
    if plan.header_rows:
        console.print(f"Headers in {plan.header_rows}.")
    mapping = Table(title="Column mapping", title_justify="left")
    for name in ("Column", "Imported as", "How"):
        mapping.add_column(name, overflow="fold")
    for column in plan.columns:
        field = column.field.replace("_", " ") if column.used and column.field else "–"
        mapping.add_row(column.header, field, column.how)
    console.print(mapping)
    skipped = f", {plan.rows_skipped} blank or heading rows skipped" if plan.rows_skipped else ""
    console.print(f"{plan.rows_read} {plan.unit}s read{skipped}.")
    verb = "Would add" if result.dry_run or not result.written else "Added"
    if not result.ok and not result.dry_run:
        console.print("[bold red]Nothing was imported.[/]")
    else:
        parts = []
        if plan.kind == "risks":
            parts.append(f"{len(counts.risks)} risks")
            parts.append(f"{counts.assessments} assessments")
            parts.append(f"{counts.controls} controls")
            parts.append(f"{counts.further_actions} further actions")
        else:
            parts.append(f"{counts.tracker_actions} tracker actions")
            parts.append(f"{counts.updates} updates")
            parts.append(_count(len(counts.meetings), "meeting"))
            parts.append(_count(len(counts.committees), "committee"))
        parts.append(_count(len(counts.people), "person", "people"))
        console.print(f"{verb}: " + ", ".join(parts) + ".")
        if counts.people:
            console.print("New people: " + ", ".join(counts.people))
        if counts.committees:
            console.print("New committees: " + ", ".join(counts.committees))
        if counts.matched:
            console.print(f"Already in the register, left out: {len(counts.matched)}.")
    problems = sorted(
        plan.problems,
        key=lambda p: ((ERROR, WARNING, NOTE).index(p.severity), p.row or 0),
    )
    if problems:
        console.print(
            f"[bold]Problems ({_count(len(plan.errors), 'error')}, "
            f"{_count(len(plan.warnings), 'warning')})[/]"
        )
        for problem in problems:
            # One line each, never wrapped by us: a secretariat can search and copy them.
            style = _STYLE[problem.severity]
            console.print(
                f"[{style}]{problem.severity}[/] {escape(problem.where or 'file')}: "
                f"{escape(problem.message)}",
                soft_wrap=True,
            )
    if result.dry_run:
        console.print("[bold]Dry run: nothing was written.[/]")
    elif result.written:
        console.print("[bold green]Imported.[/]")


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"
