"""Markdown building blocks: escaping user text, tables, paragraphs, and the paper formats.

Every piece of text a user typed goes through :func:`inline` (or :func:`cell` inside a table,
:func:`block` for a paragraph), so a title holding ``|``, ``*``, ``<`` or a leading ``#`` reads as
the words typed in CommonMark and GitHub-flavoured renderers alike, never as markup.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from functools import lru_cache

from bct_risk.domain.enums import Direction
from bct_risk.domain.scoring import Matrix, Score

# ASCII punctuation that starts inline markup anywhere in a line: code, emphasis, links, raw
# HTML and autolinks, GFM strikethrough, and table cell boundaries. CommonMark lets a backslash
# escape any ASCII punctuation, so escaping these is always safe.
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#])")
# A renderer decodes an entity reference (&amp; &#163;); escaping its ampersand keeps the text.
_ENTITY = re.compile(r"&(?=#?\w+;)")
# Markers that only mean something at the start of a line: list items, block quotes (escaped
# above), ordered lists, setext underlines and thematic breaks.
_LINE_START = re.compile(r"^([-+=])")
_ORDERED = re.compile(r"^(\d{1,9})([.)])")
_NEWLINES = re.compile(r"\r\n|\r|\n")
# Most text needs no escaping: one search for a character any of the above needs (a character
# class is several times faster than the patterns themselves), and a look at the first
# character, say so. Papers of a large register escape hundreds of thousands of strings.
_MARKUP = re.compile(r"[\\`*_\[\]<>|~#&]")
_MARKUP_OR_BREAK = re.compile(r"[\\`*_\[\]<>|~#&\r\n]")
_LINE_MARKERS = frozenset("-+=")


def inline(text: str) -> str:
    """User text for one line of Markdown: markup characters escaped, line breaks as spaces."""
    flat = text.strip()
    if not _MARKUP_OR_BREAK.search(flat):
        first = flat[:1]
        if first not in _LINE_MARKERS and not first.isdecimal():
            return flat
    if "\n" in flat or "\r" in flat:
        flat = " ".join(part.strip() for part in _NEWLINES.split(flat) if part.strip())
    return _escape_line(flat)


def _escape_line(line: str) -> str:
    if not _MARKUP.search(line):
        first = line[:1]
        if first not in _LINE_MARKERS and not first.isdecimal():
            return line
    escaped = _ENTITY.sub(r"\\&", _INLINE_SPECIAL.sub(r"\\\1", line))
    escaped = _LINE_START.sub(r"\\\1", escaped)
    return _ORDERED.sub(r"\1\\\2", escaped)


def cell(text: str) -> str:
    """User text for a table cell: escaped, on one line, and never empty (an en dash instead)."""
    return inline(text) or "–"


def block(text: str) -> str:
    """User text as paragraphs: blank lines split paragraphs, single line breaks are kept."""
    stripped = text.strip()
    if "\n" not in stripped and "\r" not in stripped:
        return _escape_line(stripped)
    paragraphs: list[str] = []
    for chunk in re.split(r"(?:\r\n|\r|\n)\s*(?:\r\n|\r|\n)", text.strip()):
        lines = [_escape_line(line.strip()) for line in _NEWLINES.split(chunk) if line.strip()]
        if lines:
            # A trailing backslash is CommonMark's hard line break: the reader's line stays a line.
            paragraphs.append("\\\n".join(lines))
    return "\n\n".join(paragraphs)


def heading(level: int, text: str) -> str:
    """A heading whose text is escaped (a closing ``#`` in a title stays part of it)."""
    return f"{'#' * level} {inline(text)}"


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A GitHub-flavoured table; headers and cells must already be escaped Markdown."""
    lines = [
        "| " + " | ".join(headers) + " |",
        "| " + " | ".join("---" for _ in headers) + " |",
    ]
    for row in rows:
        if len(row) != len(headers):
            raise ValueError(f"a row has {len(row)} cells for {len(headers)} columns")
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def bullets(items: Sequence[str]) -> str:
    """A bulleted list of already-escaped items."""
    return "\n".join(f"- {item}" for item in items)


# -- the paper formats --------------------------------------------------------------------


def fmt_date(value: date | None) -> str:
    """A date as papers print it: 23 Nov 2026 (an en dash when there is none)."""
    return _day(value) if value else "–"


@lru_cache(maxsize=8192)
def _day(value: date) -> str:
    # strftime is slow and a register holds a few thousand distinct dates: each is made once.
    return f"{value.day} {value:%b %Y}"


def fmt_score(matrix: Matrix, score: Score | None) -> str:
    """A score as papers print it: 16 (4×4) Extreme."""
    if score is None:
        return "not scored"
    band = matrix.band(score.value)
    return f"{score.value} ({score.likelihood}×{score.impact}) {band.name}"


def fmt_score_labels(matrix: Matrix, score: Score | None) -> str:
    """A score with the words of its scales: 16 (4×4) Extreme: likelihood Likely, impact Major."""
    if score is None:
        return "not scored"
    return (
        f"{fmt_score(matrix, score)}: likelihood {score.likelihood} "
        f"{matrix.likelihood_label(score.likelihood)}, impact {score.impact} "
        f"{matrix.impact_label(score.impact)}"
    )


def fmt_direction(value: Direction) -> str:
    """Direction of travel with its word: ▲ worse, ▼ better, ► unchanged, NEW."""
    return "NEW" if value is Direction.NEW else f"{value.value} {value.label}"
