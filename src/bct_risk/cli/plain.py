"""``bct-risk list`` without Typer, SQLAlchemy or pydantic: the plain read.

Importing SQLAlchemy and SQLModel alone takes longer than reading and writing a register of
10,000 risks. So :func:`run_plain` reads the command line first: when it asks for ``list`` with
options written as ``list`` takes them, on a SQLite file already at the newest schema, the lines
are read with the standard library's ``sqlite3`` (:mod:`bct_risk.services.plain_read`, the
register's own SQL and line reader) and written by the same writers as ``list`` itself, the same
bytes. Anything else answers None and the command line goes to Typer as always: another command,
``--help``, an option written another way or not known here, a bad value (so the usual path
gives the usual message), ``--as-at``, a lead committee or objective to find, the JSON of a
register with key risk indicators (whose breaches it adds), a server, a file not at the newest
schema.

Lines are written as they are read (``--json``, tsv, md and csv), so memory stays flat on any
size of register; the table reads them all first, as it sizes its columns to them.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import IO, Any

from bct_risk.cli.launch import failure_of, global_options
from bct_risk.cli.values import LineJson, risk_filter, write_json_texts
from bct_risk.config import Settings
from bct_risk.domain.errors import ValidationError
from bct_risk.services.register_rows import RiskRow

LIST_FLAGS = {"--all": "all_", "--above-appetite": "above_appetite", "--overdue": "overdue"}
LIST_FLAGS["--json"] = "as_json"
"""``list``'s options that take no value (see ``list_command`` in :mod:`bct_risk.cli.risks`)."""

LIST_VALUES = {
    "--status": "status",
    "--search": "search",
    "-s": "search",
    "--owner": "owner",
    "--committee": "committee",
    "--band": "band",
    "--tier": "tier",
    "--category": "category",
    "--objective": "objective",
    "--as-at": "as_at",
    "--format": "form",
}
"""``list``'s options that take a value, and the parameter each sets."""


TEXTS = ("reference", "title", "owner", "lead_committee", "category", "band", "band_colour")
"""The fields of a register line that hold text (many values: escaped as written, not looked
up)."""


@dataclass
class ListArgs:
    """A ``list`` command line as Typer would read it."""

    settings: dict[str, str] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)


def read_list_args(args: Sequence[str]) -> ListArgs | None:
    """The global options and ``list``'s options, when the command line is ``list`` with
    options written in the plain forms (``--name VALUE``, ``--name=VALUE``, ``-s VALUE``, a
    flag); None for anything else, which Typer reads."""
    head = global_options(args)
    if head is None or not head[1] or head[1][0] != "list":
        return None
    read = ListArgs(settings=head[0])
    rest = head[1]
    rest.pop(0)
    while rest:
        arg = rest.pop(0)
        if arg in LIST_FLAGS:
            read.options[LIST_FLAGS[arg]] = True
            continue
        name, equals, value = arg.partition("=")
        if name not in LIST_VALUES or (equals and name == "-s"):
            return None
        if not equals:
            if not rest or rest[0].startswith("-"):
                return None
            value = rest.pop(0)
        read.options[LIST_VALUES[name]] = value
    return read


def run_plain(args: Sequence[str], stream: IO[str] | None = None) -> int | None:
    """Run the command line by the plain read when it can (its exit code), else None."""
    read = read_list_args(args)
    if read is None:
        return None
    return plain_list(read, stream or sys.stdout)


def plain_list(read: ListArgs, out: IO[str]) -> int | None:
    """``list`` by the plain read: 0 once written, or None when the usual path must run."""
    from bct_risk.cli.listing import ListFormat, parse_format
    from bct_risk.services.plain_read import open_plain

    given = read.options
    if given.get("as_at") is not None or given.get("committee", "").strip():
        return None
    if given.get("objective", "").strip():
        return None
    try:
        chosen = parse_format(given.get("form", "table"))
        flt = risk_filter(
            all_=given.get("all_", False), status=given.get("status"),
            search=given.get("search", ""), owner=given.get("owner", ""),
            committee=given.get("committee", ""), band=given.get("band", ""),
            tier=given.get("tier"), category=given.get("category", ""),
            above_appetite=given.get("above_appetite", False),
            overdue=given.get("overdue", False),
        )  # fmt: skip
        flt = replace(flt, objective=given.get("objective", ""))
    except ValidationError:
        return None  # the usual path says what is wrong, in its own words and order
    settings = Settings.from_env(**read.settings)
    register = open_plain(settings)
    if register is None:
        return None
    parts = register.lines(flt)
    try:
        as_json = given.get("as_json", False) or chosen == ListFormat.JSON
        try:
            if as_json and register.has_indicator_links():
                return None
            # A bad band, a stored value the register does not know, a lock held too long:
            # before anything is written, the usual path reports it in its own words.
            first = next(parts, [])
        except (ValidationError, sqlite3.Error):
            return None
        lines = _chained(first, parts)
        if as_json:
            # ``rows_json`` in bct_risk.cli.indicators: each line and its open indicator
            # breaches, of which a register with no key risk indicators has none.
            line_json = LineJson(
                RiskRow._fields, {"indicator_breaches": []}, texts=TEXTS, numbers=("id",)
            )
            write_json_texts(out, (line_json(line) for line in lines))
        else:
            _write_list(out, lines, chosen)
        out.flush()
    except BrokenPipeError:
        # The reader stopped reading (`bct-risk list | head`): stop quietly, as the usual path.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except Exception as exc:
        # Found once lines were written (a later part): one line and its exit code, as ever.
        line, code = failure_of(exc, settings.database_url)
        print(line, file=sys.stderr)
        return code
    finally:
        parts.close()  # its cursor first, then the connection
        register.close()
    return 0


def _chained(first: list[RiskRow], parts: Iterator[list[RiskRow]]) -> Iterator[RiskRow]:
    yield from first
    for part in parts:
        yield from part


def _write_list(out: IO[str], lines: Iterator[RiskRow], chosen: str) -> None:
    from bct_risk.cli.listing import ListFormat, register_columns, terminal_width, write_rows

    if chosen != ListFormat.TABLE:
        write_rows(lines, register_columns(), ListFormat(chosen), stream=out)
        return
    rows = list(lines)
    write_rows(
        rows,
        register_columns(),
        ListFormat.TABLE,
        stream=out,
        width=terminal_width(out),
        title=f"Risk register ({len(rows)} risks)",
    )
