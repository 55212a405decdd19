"""Commands that write papers: ``bct-risk export register`` and ``bct-risk pack``.

Papers come as Markdown, Word (``--format docx``) or HTML, the register also as CSV or JSON;
``--as-at DATE`` gives the register as recorded by the end of that day, and ``--issue`` records
the paper as issued (its SHA-256, see ``bct-risk papers``). A paper goes to standard output, or
to a file with ``-o`` (a Word paper only to a file). A file is written whole or not at all
(a temporary file beside it, renamed into place), and an existing file is only replaced with
``--force``. The Markdown register is written as it is read, a chunk of risks at a time, to the
file or to standard output alike: a register of 100,000 risks never sits whole in memory.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import date
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
from bct_risk.export.files import check_target, save_bytes, save_stream
from bct_risk.export.formats import render
from bct_risk.export.pack import render_pack
from bct_risk.export.register import render_register, write_register
from bct_risk.services.issued import issue_paper
from bct_risk.services.papers import (
    committee_pack,
    register_paper,
    register_records,
    register_stream,
)

export_app = typer.Typer(help="Export the register as Markdown, Word, HTML, CSV or JSON.")
app.add_typer(export_app, name="export")

FORMATS = ("md", "docx", "html", "csv", "json")
PAPER_FORMATS = ("md", "docx", "html")
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
AsAtOption = Annotated[
    str | None,
    typer.Option("--as-at", help="The register as recorded by the end of this day."),
]
IssueOption = Annotated[
    bool,
    typer.Option("--issue", help="Record the paper as issued (its SHA-256), audited."),
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


def _format(given: str | None, path: Path | None, formats: tuple[str, ...] = FORMATS) -> str:
    if given is None:
        suffix = path.suffix.lower().lstrip(".") if path else ""
        return suffix if suffix in formats else "md"
    wanted = given.strip().lower()
    wanted = {"markdown": "md", "word": "docx", "htm": "html"}.get(wanted, wanted)
    if wanted not in formats:
        raise ValidationError(f"'{given}' is not a format; use one of: {', '.join(formats)}")
    if wanted == "docx" and path is None:
        raise ValidationError("a Word paper is written to a file: give -o FILE.docx")
    return wanted


def _as_at(value: str | None) -> date | None:
    return to_date(value, "as-at date") if value else None


def write_paper(data: bytes, path: Path | None, force: bool) -> None:
    """A paper's bytes to standard output or, whole or not at all, to a file."""
    if path is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    save_bytes(data, path, overwrite=force, hint=FORCE_HINT)


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
    objective: Annotated[
        str,
        typer.Option(
            "--objective", help="Only the risks that threaten this objective (key or title)."
        ),
    ] = "",
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="md, docx, html, csv or json (default: from -o, else md).",
        ),
    ] = None,
    public: PublicOption = False,
    as_at: AsAtOption = None,
    issue: IssueOption = False,
    output: OutputOption = None,
    force: ForceOption = False,
) -> None:
    """Export the register, or a filtered part of it, as a paper (Markdown, Word, HTML), CSV or
    JSON; as it stands, or as at a past date."""
    kind = _format(fmt, output)
    day = _as_at(as_at)
    if day is not None and kind in ("csv", "json"):
        raise ValidationError("--as-at gives a paper (md, docx or html), not CSV or JSON")
    if issue and kind not in PAPER_FORMATS:
        raise ValidationError("only a paper (md, docx or html) is issued, not CSV or JSON")
    check_output(output, force)
    reg = register(ctx)
    flt = risk_filter(
        all_=all_, status=status, search=search, owner=owner, committee=committee, band=band,
        tier=tier, category=category, above_appetite=above_appetite, overdue=overdue,
    )  # fmt: skip
    flt = replace(flt, objective=objective)
    title = "Risk register" + (f" as at {fmt_date(day)}" if day else "")
    if kind == "md" and not issue:
        paper = register_stream(reg, flt, public=public, as_at=day)
        count = write_output(lambda out: write_register(reg.matrix, paper, out), output, force)
    elif kind in PAPER_FORMATS:
        whole = register_paper(reg, flt, public=public, as_at=day)
        data = render(render_register(reg.matrix, whole), kind, title=title, day=day or reg.today())
        count = len(whole.risks)
        write_paper(data, output, force)
        if issue:
            # Recorded once the paper is written (nothing that could fail follows the commit).
            issued = issue_paper(
                reg, data, kind="register", title=title, fmt=kind, as_at=day or reg.today(),
                public=public, file_name=output.name if output else "",
            )  # fmt: skip
            done(f"Issued {title} ({kind}); SHA-256 {issued.sha256}")
    else:
        records = register_records(reg, flt, public=public, history=kind == "json")
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
    as_at: Annotated[
        str | None,
        typer.Option(
            "--as-at",
            help="Build the pack as at this day (default: the meeting's cut-off, else the day "
            "before the meeting).",
        ),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option("--format", "-f", help="md, docx or html (default: from -o, else md)."),
    ] = None,
    issue: IssueOption = False,
    output: OutputOption = None,
    force: ForceOption = False,
) -> None:
    """Write a committee's pack for a meeting: the register as at its cut-off, changes since the
    previous meeting, actions and the committee's risks."""
    day = to_date(meeting, "meeting date")
    if day is None:
        raise ValidationError("give the date of the meeting", field="meeting")
    kind = _format(fmt, output, PAPER_FORMATS)
    cut = _as_at(as_at)
    if cut is not None and cut >= day:
        raise ValidationError(
            f"the pack's as-at date {cut.isoformat()} must be before the meeting", field="as_at"
        )
    check_output(output, force)
    reg = register(ctx)
    pack = committee_pack(reg, committee, day, public=public, as_at=cut)
    title = f"{pack.committee}: risk report, {fmt_date(pack.meeting_date)}" + (
        " (public)" if public else ""
    )
    data = render(render_pack(reg.matrix, pack), kind, title=title, day=pack.as_at)
    write_paper(data, output, force)
    if issue:
        # Recorded once the paper is written (nothing that could fail follows the commit).
        issued = issue_paper(
            reg, data, kind="pack", title=title, fmt=kind, committee=pack.committee,
            meeting_date=pack.meeting_date, as_at=pack.as_at, public=public,
            file_name=output.name if output else "",
        )  # fmt: skip
    if output is not None:
        done(f"Wrote the {pack.committee} pack for {fmt_date(pack.meeting_date)} to {output}")
    if issue:
        done(f"Issued {title} ({kind}); SHA-256 {issued.sha256}")


# -- the BAF paper ------------------------------------------------------------------------------


@export_app.command("baf")
def export_baf(
    ctx: typer.Context,
    as_at: Annotated[
        str | None,
        typer.Option("--as-at", help="As recorded by the end of this day (default today)."),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option("--format", "-f", help="md, docx or html (default: from -o, else md)."),
    ] = None,
    output: OutputOption = None,
    force: ForceOption = False,
) -> None:
    """The Board Assurance Framework: per objective its risks, controls, assurance and gaps."""
    from bct_risk.export.baf import baf_paper
    from bct_risk.services.checks import assurance_days, register_with_checks

    kind = _format(fmt, output, PAPER_FORMATS)
    day = _as_at(as_at)
    check_output(output, force)
    reg = register(ctx)
    state, report = register_with_checks(reg, day)
    title = f"Board Assurance Framework as at {fmt_date(state.as_at)}"
    data = render(
        baf_paper(state, report, assurance_days(reg.matrix)), kind, title=title, day=state.as_at
    )
    write_paper(data, output, force)
    if output is not None:
        done(f"Wrote the Board Assurance Framework as at {fmt_date(state.as_at)} to {output}")


from bct_risk.cli import scrutiny as _scrutiny  # noqa: E402, F401  (export scrutiny)
