"""Commands that write papers: ``bct-risk export register`` and ``bct-risk pack``.

A paper goes to standard output, or to a file with ``-o``. A file is written whole or not at all
(a temporary file beside it, renamed into place), and an existing file is only replaced with
``--force``. The Markdown register is written as it is read, a chunk of risks at a time, to the
file or to standard output alike: a register of 100,000 risks never sits whole in memory.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TextIO, TypeVar

import typer

from bct_risk.cli.app import app, done, fmt_date, register, to_date
from bct_risk.cli.filters import (
    AboveAppetiteOption,
    AllOption,
    BandOption,
    CategoryOption,
    CommitteeOption,
    OverdueOption,
    OwnerOption,
    SearchOption,
    StatusOption,
    TierOption,
    risk_filter,
)
from bct_risk.domain.errors import ValidationError
from bct_risk.export.data import register_csv, register_json
from bct_risk.export.files import check_target, save_stream
from bct_risk.export.pack import render_pack
from bct_risk.export.register import write_register
from bct_risk.services.papers import committee_pack, register_records, register_stream

export_app = typer.Typer(help="Export the register as Markdown, CSV or JSON.")
app.add_typer(export_app, name="export")

FORMATS = ("md", "csv", "json")
T = TypeVar("T")
FORCE_HINT = "use --force to replace it"

OutputOption = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="File to write (default: standard output)."),
]
ForceOption = Annotated[
    bool, typer.Option("--force", help="Replace the output file if it already exists.")
]
PublicOption = Annotated[
    bool,
    typer.Option("--public", help="Public version: exempt risks and their actions left out."),
]


def check_output(path: Path | None, force: bool) -> None:
    """Refuse, before any work, a file that exists (without --force) or a folder that does not."""
    if path is not None:
        check_target(path, overwrite=force, hint=FORCE_HINT)


def write_output(write: Callable[[TextIO], T], path: Path | None, force: bool) -> T:
    """Let ``write`` print the paper as it goes, or write it to a file: never a partial file."""
    if path is None:
        return write(sys.stdout)
    return save_stream(write, path, overwrite=force, hint=FORCE_HINT)


def _format(given: str | None, path: Path | None) -> str:
    if given is None:
        suffix = path.suffix.lower().lstrip(".") if path else ""
        return suffix if suffix in FORMATS else "md"
    wanted = given.strip().lower()
    if wanted == "markdown":
        wanted = "md"
    if wanted not in FORMATS:
        raise ValidationError(f"'{given}' is not a format; use one of: md, csv, json")
    return wanted


@export_app.command("register")
def export_register(
    ctx: typer.Context,
    all_: AllOption = False,
    status: StatusOption = None,
    search: SearchOption = "",
    owner: OwnerOption = "",
    committee: CommitteeOption = "",
    band: BandOption = "",
    tier: TierOption = None,
    category: CategoryOption = "",
    above_appetite: AboveAppetiteOption = False,
    overdue: OverdueOption = False,
    fmt: Annotated[
        str | None,
        typer.Option("--format", "-f", help="md, csv or json (default: from -o, else md)."),
    ] = None,
    public: PublicOption = False,
    output: OutputOption = None,
    force: ForceOption = False,
) -> None:
    """Export the register, or a filtered part of it, as a Markdown paper, CSV or JSON."""
    kind = _format(fmt, output)
    check_output(output, force)
    reg = register(ctx)
    flt = risk_filter(
        all_=all_, status=status, search=search, owner=owner, committee=committee, band=band,
        tier=tier, category=category, above_appetite=above_appetite, overdue=overdue,
    )  # fmt: skip
    if kind == "md":
        paper = register_stream(reg, flt, public=public)
        count = write_output(lambda out: write_register(reg.matrix, paper, out), output, force)
    else:
        records = register_records(reg, flt, public=public)
        text = (register_csv if kind == "csv" else register_json)(records)
        count = len(records)
        write_output(lambda out: out.write(text), output, force)
    if output is not None:
        done(f"Wrote {count} risk{'' if count == 1 else 's'} to {output}")


@app.command("pack")
def pack_command(
    ctx: typer.Context,
    committee: Annotated[str, typer.Option(help='Committee, e.g. "Finance and Resources".')],
    meeting: Annotated[str, typer.Option(help="Date of the meeting the pack is for.")],
    public: PublicOption = False,
    output: OutputOption = None,
    force: ForceOption = False,
) -> None:
    """Write a committee's pack for a meeting as Markdown: changes, actions and its risks."""
    day = to_date(meeting, "meeting date")
    if day is None:
        raise ValidationError("give the date of the meeting", field="meeting")
    check_output(output, force)
    reg = register(ctx)
    pack = committee_pack(reg, committee, day, public=public)
    text = render_pack(reg.matrix, pack)
    write_output(lambda out: out.write(text), output, force)
    if output is not None:
        done(f"Wrote the {pack.committee} pack for {fmt_date(pack.meeting_date)} to {output}")


from bct_risk.cli import assurance as _assurance  # noqa: E402, F401  (export baf)
from bct_risk.cli import scrutiny as _scrutiny  # noqa: E402, F401  (export scrutiny)
