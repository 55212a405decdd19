"""Command-line lists written line by line, in a form that reads wherever it goes.

``bct-risk list`` (and the other lists) print through :func:`write_rows`, a plain writer that
writes each row as it comes, rather than building one Rich table of the whole register (which
measures every cell first: ten thousand rows took 18 s to print). Formats:

- ``table``: aligned columns for people. On a terminal the columns are chosen for its width (the
  ones that matter most kept at 80 columns) and the widest text column wraps at word boundaries,
  never inside a word. Piped or redirected, every column is written in full on one line.
- ``tsv``: tab-separated, one row a line, with a header (tabs and line breaks in text become
  spaces), for ``cut``, ``awk`` and spreadsheets.
- ``md``: a GitHub-flavoured Markdown table (``|`` escaped, line breaks as ``<br>``).
- ``csv``: RFC 4180 CSV with a header; a cell that a spreadsheet would run as a formula is
  prefixed with an apostrophe.

User text is written as text: nothing here is Rich markup.
"""

from __future__ import annotations

import csv
import shutil
import sys
import textwrap
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import IO, Any

from bct_risk.domain.errors import ValidationError

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet reads as the start of a formula."""


class ListFormat(StrEnum):
    """The forms a list can be written in (``--format``, the same words as ``export``)."""

    TABLE = "table"
    TSV = "tsv"
    MD = "md"
    CSV = "csv"
    JSON = "json"


def parse_format(text: str) -> ListFormat:
    """A list format as typed (any case), or a clear refusal naming the formats."""
    try:
        return ListFormat(text.strip().lower())
    except ValueError:
        names = ", ".join(f.value for f in ListFormat)
        raise ValidationError(f"'{text}' is not a list format; use one of {names}") from None


@dataclass(frozen=True)
class Column:
    """One column of a list."""

    name: str
    """Its heading."""
    value: Callable[[Any], str]
    """The cell's text for a row."""
    width: int
    """The width it takes in a table on a terminal (the flexible column takes what is left)."""
    keep: int
    """How much it matters at narrow widths: columns are dropped from the highest ``keep``."""
    flexible: bool = False
    """The column that takes the spare width and wraps (the title)."""
    align_right: bool = False
    grow: bool = False
    """Widened to its longest value (a reference is never wrapped)."""


def terminal_width(stream: IO[str]) -> int | None:
    """The width of the terminal the stream writes to, or None when it is piped or redirected."""
    if not stream.isatty():
        return None
    return shutil.get_terminal_size((100, 24)).columns


def least_title(width: int) -> int:
    """The narrowest the title may be: wide terminals keep it wide enough to read whole."""
    return 38 if width >= 110 else 18


def choose_columns(
    columns: Sequence[Column], width: int | None, rows: Iterable[Any] = ()
) -> list[Column]:
    """The columns that fit a terminal ``width`` (all of them when it is None).

    The flexible column needs at least :func:`least_title` characters; columns are dropped in
    order of ``keep``,
    the highest first, until the rest fit.
    """
    chosen = list(columns)
    if width is None:
        return chosen

    grown = {
        c.name: max((len(c.value(r)) for r in rows), default=0)
        for c in columns
        if c.grow and isinstance(rows, Sequence)
    }

    def needed(cols: Sequence[Column]) -> int:
        fixed = sum(max(c.width, len(c.name), grown.get(c.name, 0)) for c in cols if not c.flexible)
        flexible = least_title(width) if any(c.flexible for c in cols) else 0
        return fixed + flexible + 2 * (len(cols) - 1)

    for column in sorted(columns, key=lambda c: -c.keep):
        if needed(chosen) <= width or column.keep <= 1:
            break
        chosen.remove(column)
    return chosen


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _md_cell(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines()]
    return "<br>".join(line.replace("\\", "\\\\").replace("|", "\\|") for line in lines if line)


def _csv_cell(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_START) else text


def write_rows(
    rows: Iterable[Any],
    columns: Sequence[Column],
    form: ListFormat = ListFormat.TABLE,
    *,
    stream: IO[str] | None = None,
    width: int | None = None,
    title: str | None = None,
) -> int:
    """Write rows in a format as they come; the number of rows written.

    ``width`` is the terminal's (None when piped: every column written in full).
    """
    out = stream or sys.stdout
    if form == ListFormat.TSV:
        return _write_tsv(out, rows, columns)
    if form == ListFormat.MD:
        return _write_md(out, rows, columns)
    if form == ListFormat.CSV:
        return _write_csv(out, rows, columns)
    if form == ListFormat.JSON:
        raise ValueError("JSON lists are written by the command's own JSON writer")
    return _write_table(out, rows, choose_columns(columns, width, rows), width, title)


def _write_tsv(out: IO[str], rows: Iterable[Any], columns: Sequence[Column]) -> int:
    out.write("\t".join(c.name for c in columns) + "\n")
    count = 0
    for row in rows:
        out.write("\t".join(_one_line(c.value(row)) for c in columns) + "\n")
        count += 1
    return count


def _write_md(out: IO[str], rows: Iterable[Any], columns: Sequence[Column]) -> int:
    out.write("| " + " | ".join(c.name for c in columns) + " |\n")
    out.write("|" + "|".join("---:" if c.align_right else "---" for c in columns) + "|\n")
    count = 0
    for row in rows:
        out.write("| " + " | ".join(_md_cell(c.value(row)) for c in columns) + " |\n")
        count += 1
    return count


def _write_csv(out: IO[str], rows: Iterable[Any], columns: Sequence[Column]) -> int:
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.name for c in columns])
    count = 0
    for row in rows:
        writer.writerow([_csv_cell(c.value(row)) for c in columns])
        count += 1
    return count


def _write_table(
    out: IO[str],
    rows: Iterable[Any],
    columns: Sequence[Column],
    width: int | None,
    title: str | None,
) -> int:
    gap = "  "
    if title:
        out.write(title + "\n\n")
    if width is None:
        return _write_full(out, rows, columns, gap)
    sizes = _sizes(rows, columns, width, gap)

    def line(values: dict[str, str]) -> str:
        return gap.join(_fit(c, values[c.name], sizes[c.name]) for c in columns).rstrip()

    out.write(line({c.name: c.name for c in columns}) + "\n")
    out.write(line({c.name: "─" * sizes[c.name] for c in columns}) + "\n")
    count = 0
    for row in rows:
        values = {c.name: _one_line(c.value(row)) for c in columns}
        _write_wrapped(out, values, columns, sizes, line)
        count += 1
    return count


SHORT_TEXT = 18
"""Other text columns grow to this width (owners, committees) before the title grows."""

WIDEST_TEXT = 34
"""The widest another text column grows once the title is whole."""


def _sizes(rows: Iterable[Any], columns: Sequence[Column], width: int, gap: str) -> dict[str, int]:
    """Each column's width on a terminal: the least each needs, then the spare shared out.

    The spare goes to the other text columns up to :data:`SHORT_TEXT`, then to the title up to
    its longest value, then to the other columns up to :data:`WIDEST_TEXT`: a wide terminal shows
    titles whole, then owners and committees whole.
    """
    sizes = {
        c.name: least_title(width) if c.flexible else max(c.width, len(c.name)) for c in columns
    }
    longest: dict[str, int] = {}
    if isinstance(rows, Sequence):
        for column in columns:
            longest[column.name] = max((len(column.value(r)) for r in rows), default=0)
            if column.grow:
                sizes[column.name] = max(sizes[column.name], longest[column.name])
    spare = width - sum(sizes.values()) - len(gap) * (len(columns) - 1)

    def grow(column: Column, limit: int) -> None:
        nonlocal spare
        wanted = min(longest.get(column.name, limit), limit) - sizes[column.name]
        if spare > 0 and wanted > 0:
            sizes[column.name] += min(wanted, spare)
            spare -= min(wanted, spare)

    others = [c for c in columns if not (c.flexible or c.grow) and c.name in longest]
    titles = [c for c in columns if c.flexible]
    for group, limit in ((others, SHORT_TEXT), (titles, 10**6), (others, WIDEST_TEXT)):
        for column in group:
            grow(column, limit)
    for column in titles:
        sizes[column.name] += max(spare, 0)
        spare = 0
    return sizes


def _fit(column: Column, text: str, size: int) -> str:
    return text.rjust(size) if column.align_right else text.ljust(size)


def _write_full(out: IO[str], rows: Iterable[Any], columns: Sequence[Column], gap: str) -> int:
    """Piped or redirected: each column as wide as its widest value, every value on one line."""
    texts = [[_one_line(c.value(row)) for c in columns] for row in rows]
    sizes = [max([len(c.name), *(len(t[i]) for t in texts)]) for i, c in enumerate(columns)]

    def line(values: Sequence[str]) -> str:
        return gap.join(_fit(c, v, n) for c, v, n in zip(columns, values, sizes, strict=True))

    out.write(line([c.name for c in columns]).rstrip() + "\n")
    out.write(line(["─" * n for n in sizes]).rstrip() + "\n")
    for values in texts:
        out.write(line(values).rstrip() + "\n")
    return len(texts)


def _write_wrapped(
    out: IO[str],
    values: dict[str, str],
    columns: Sequence[Column],
    sizes: dict[str, int],
    line: Callable[[dict[str, str]], str],
) -> None:
    """One row on a terminal: each cell wrapped at word boundaries (a word is never split)."""
    wrapped = {
        c.name: textwrap.wrap(
            values[c.name], width=sizes[c.name], break_long_words=False, break_on_hyphens=False
        )
        or [""]
        for c in columns
    }
    height = max(len(parts) for parts in wrapped.values())
    for index in range(height):
        part = {name: parts[index] if index < len(parts) else "" for name, parts in wrapped.items()}
        out.write(line(part) + "\n")


# A register's cells take few values (25 scores, a few words, a few hundred dates): each text
# is made once and looked up after, which is most of the time of listing a large register.


@cache
def _date(value: Any) -> str:
    return value.strftime("%d %b %Y").lstrip("0") if value else ""


@cache
def _score(score: Any) -> str:
    return "–" if score is None else str(score.value)


@cache
def _label(word: Any) -> str:
    return str(word.label)


def register_columns() -> list[Column]:
    """The register's line as the command line lists it.

    At 80 columns: reference, title, risk owner, current score and band, direction of travel and
    next review; wider terminals add the lead committee, appetite, inherent and target scores
    and status.
    """

    @cache
    def current_text(score: Any, band: str) -> str:
        return f"{score.value} {band}" if score is not None else "–"

    def current(row: Any) -> str:
        return current_text(row.current, row.band)

    @cache
    def direction_text(travel: Any) -> str:
        return "NEW" if travel.value == "NEW" else f"{travel.value} {travel.label}"

    def direction(row: Any) -> str:
        return direction_text(row.direction)

    @cache
    def appetite_text(level: Any, above: bool) -> str:
        if level is None:
            return ""
        return f"{level.label}, above" if above else str(level.label)

    def appetite(row: Any) -> str:
        return appetite_text(row.appetite, row.above_appetite)

    @cache
    def review_text(day: Any, overdue: bool) -> str:
        return f"{_date(day)} overdue" if overdue else _date(day)

    def review(row: Any) -> str:
        return review_text(row.next_review_date, row.review_overdue)

    return [
        Column("Ref", lambda r: r.reference, 4, keep=1, grow=True),
        Column("Title", lambda r: r.title, 0, keep=1, flexible=True),
        Column("Risk owner", lambda r: r.owner, 12, keep=2),
        Column("Lead committee", lambda r: r.lead_committee, 16, keep=5),
        Column("Inh", lambda r: _score(r.inherent), 3, keep=7, align_right=True),
        Column("Current", current, 10, keep=1),
        Column("Tgt", lambda r: _score(r.target), 3, keep=6, align_right=True),
        Column("Direction", direction, 7, keep=1),
        Column("Appetite", appetite, 10, keep=4),
        Column("Next review", review, 11, keep=1),
        Column("Status", lambda r: _label(r.status), 6, keep=8),
    ]
