"""``bct-risk import``: bring in an existing register or action log, with a report to act on."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, TextColumn
from rich.progress import Progress as RichProgress
from rich.table import Table
from rich.text import Text

from bct_risk.cli.app import app, console, err, register
from bct_risk.io import ImportOptions, ImportResult, import_file
from bct_risk.io.headers import IGNORE, KEEP, ColumnMap
from bct_risk.io.records import ERROR, NOTE, WARNING, Progress

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
            "--kind",
            help="What the file holds: risks, actions or indicators (monthly indicator values; "
            "default: risks or actions, told from its columns).",
        ),
    ] = None,
    allow_duplicates: Annotated[
        bool,
        typer.Option(
            "--allow-duplicates",
            help="Import rows that were imported from this file before (same reference and "
            "title) again.",
        ),
    ] = False,
    sheet: Annotated[
        str | None,
        typer.Option(
            "--sheet",
            help="The workbook's sheet to read (default: the sheet most like a register; the "
            "dry run lists them all, hidden ones included).",
        ),
    ] = None,
    header_row: Annotated[
        int | None,
        typer.Option(
            "--header-row",
            min=1,
            max=1_048_576,
            help="The row that holds the column headers (default: found by its content).",
        ),
    ] = None,
) -> None:
    """Import a risk register or an action log; all or nothing, with every problem by row."""
    options = ImportOptions(
        kind=kind.strip().lower() if kind else None,
        register=register_name,
        mapping=mapping,
        allow_duplicates=allow_duplicates,
        sheet=sheet,
        header_row=header_row,
    )
    context = register(ctx)
    if options.kind == "indicators":  # monthly indicator values: bct_risk.io.indicator_rows
        from bct_risk.cli.indicators import import_values

        return import_values(context, file, dry_run=dry_run, sheet=sheet)
    with _progress_bar(dry_run) as tell:
        result = import_file(context, file, options, dry_run=dry_run, progress=tell)
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


LONG_FILE = 2000
"""Rows from which a file is long enough for a progress bar."""


@contextmanager
def _progress_bar(dry_run: bool) -> Iterator[Progress]:
    """A progress bar on standard error for a long file (a terminal only; gone when done).

    It counts the rows read, then says what is being done with them, until the report.
    """
    if not err.is_terminal:
        yield lambda done, total: None
        return
    bar = RichProgress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=err,
        transient=True,
    )
    task = None

    def tell(done: int, total: int) -> None:
        nonlocal task
        if total < LONG_FILE:
            return
        if task is None:
            bar.start()
            task = bar.add_task("Reading rows", total=total)
        then = "checking them against" if dry_run else "writing them to"
        doing = f"Rows read; {then} the register" if done >= total else "Reading rows"
        # Drawn at once when the rows are all read: the writing is shown however short.
        bar.update(task, completed=done, description=doing, refresh=done >= total)

    try:
        yield tell
    finally:
        if task is not None:
            bar.stop()


def _line(*parts: tuple[str, str] | str) -> Text:
    """A line of the program's words (styled) and the file's text (never markup)."""
    return Text.assemble(*parts)


def print_report(result: ImportResult) -> None:
    """The import report: how the file was read, the column mapping, counts, every problem."""
    plan, counts = result.plan, result.counts
    console.print(_line((plan.path.name, "bold"), f": {plan.description}"))
    if plan.sheets:
        console.print("Sheets:")
        for name, what, read in plan.sheets:
            mark = "  read → " if read else "         "
            console.print(_line(mark, (f"'{name}'", "bold" if read else ""), f": {what}"))
    console.print(Text(f"Read as {plan.kind_reason}."))
    for title in plan.titles[:5]:
        console.print(Text(f"Title above the header: {title[:120]}"))
    if plan.header_rows:
        console.print(Text(f"Headers in {plan.header_rows}."))
    mapping_table = Table(title="Column mapping", title_justify="left")
    for name in ("Column", "Imported as", "How"):
        mapping_table.add_column(name, overflow="fold")
    for column in plan.columns:
        field = imported_as(column)
        mapping_table.add_row(Text(column.header), Text(field), Text(column.how))
    console.print(mapping_table)
    for line in plan.scales:
        console.print(Text(f"Scale: {line}"))
    skipped = f", {plan.rows_skipped} blank or heading rows skipped" if plan.rows_skipped else ""
    if plan.template_rows:
        skipped += f", {plan.template_rows} template rows (formulas only) skipped"
    console.print(Text(f"{plan.rows_read} {plan.unit}s read{skipped}."))
    verb = "Would add" if result.dry_run or not result.written else "Added"
    if not result.ok and not result.dry_run:
        console.print(Text("Nothing was imported.", style="bold red"))
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
        console.print(Text(f"{verb}: " + ", ".join(parts) + "."))
        if counts.people:
            console.print(Text("New people: " + ", ".join(counts.people)))
        if counts.committees:
            console.print(Text("New committees: " + ", ".join(counts.committees)))
        if counts.prefixed:
            console.print(
                Text(
                    f"References already in the register, imported with the prefix "
                    f"{plan.prefix}-: {len(counts.prefixed)} ("
                    + ", ".join(counts.prefixed[:10])
                    + (", …" if len(counts.prefixed) > 10 else "")
                    + ")"
                )
            )
        if counts.matched:
            console.print(
                Text(f"Already imported from this file, left out: {len(counts.matched)}.")
            )
    problems = sorted(
        plan.problems,
        key=lambda p: ((ERROR, WARNING, NOTE).index(p.severity), p.row or 0),
    )
    if problems:
        console.print(
            Text(
                f"Problems ({_count(len(plan.errors), 'error')}, "
                f"{_count(len(plan.warnings), 'warning')})",
                style="bold",
            )
        )
        for problem in problems:
            # One line each, never wrapped by us: a secretariat can search and copy them.
            console.print(
                _line(
                    (problem.severity, _STYLE[problem.severity]),
                    f" {problem.where or 'file'}: {problem.message}",
                ),
                soft_wrap=True,
            )
    if result.dry_run:
        console.print(Text("Dry run: nothing was written.", style="bold"))
    elif result.written:
        console.print(Text("Imported.", style="bold green"))


def imported_as(column: ColumnMap) -> str:
    """What a column is imported as, in words."""
    if column.used and column.field:
        return column.field.replace("_", " ")
    if column.field == IGNORE:
        return "–"
    if "additional field" in column.how or column.field == KEEP:
        return "kept as text"
    return "–"


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"
