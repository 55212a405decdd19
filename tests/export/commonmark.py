"""Reading papers back with a CommonMark parser: the tables a renderer sees, cell by cell."""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.token import Token

PARSER = MarkdownIt("commonmark").enable("table")
"""CommonMark with GitHub-flavoured tables, as markdown-it-py (shipped with Rich) parses it."""

MARKUP = {
    "em_open",
    "strong_open",
    "code_inline",
    "html_inline",
    "link_open",
    "image",
    "s_open",
}
"""Inline tokens that mean user text was read as markup."""


def rendered_text(token: Token) -> str:
    """The text a reader sees for an inline token (markup dropped, line breaks as newlines)."""
    parts = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
    return "".join(parts)


def markup_in(token: Token) -> set[str]:
    """The kinds of markup found in an inline token."""
    return {c.type for c in token.children or [] if c.type in MARKUP}


def _walk(text: str) -> list[tuple[str, list[list[list[str]]]]]:
    """(heading, tables under it) in document order; "" for tables before the first heading."""
    sections: list[tuple[str, list[list[list[str]]]]] = [("", [])]
    row: list[str] = []
    in_cell = in_heading = False
    for token in PARSER.parse(text):
        if token.type == "heading_open":
            in_heading = True
        elif token.type == "heading_close":
            in_heading = False
        elif token.type == "table_open":
            sections[-1][1].append([])
        elif token.type == "tr_open":
            row = []
        elif token.type == "tr_close":
            sections[-1][1][-1].append(row)
        elif token.type in ("th_open", "td_open"):
            in_cell = True
        elif token.type in ("th_close", "td_close"):
            in_cell = False
        elif token.type == "inline" and in_heading:
            sections.append((rendered_text(token), []))
        elif token.type == "inline" and in_cell:
            row.append(rendered_text(token))
    return sections


def tables(text: str) -> list[list[list[str]]]:
    """Every table in a document: rows (header first) of the cells' rendered text."""
    return [t for _, found in _walk(text) for t in found]


def table_after(text: str, heading: str) -> list[list[str]]:
    """The first table under a heading (before the next heading), as rows of cell text."""
    for title, found in _walk(text):
        if title == heading and found:
            return found[0]
    raise AssertionError(f"no table under the heading {heading!r}")


def headings(text: str) -> list[tuple[int, str]]:
    """(level, text) of every heading."""
    tokens = PARSER.parse(text)
    return [
        (int(t.tag[1]), rendered_text(tokens[i + 1]))
        for i, t in enumerate(tokens)
        if t.type == "heading_open"
    ]
