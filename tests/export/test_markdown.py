"""Escaping and table building: user text reads as typed in a CommonMark/GFM renderer."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bct_risk.domain.enums import Direction
from bct_risk.domain.scoring import Score, default_matrix
from bct_risk.export.markdown import (
    block,
    cell,
    fmt_date,
    fmt_direction,
    fmt_score,
    heading,
    inline,
    table,
)
from tests.export.commonmark import PARSER, headings, markup_in, rendered_text, tables

NASTY = [
    ("pipe", "Budget | savings | 2026/27"),
    ("leading hash", "# not a heading"),
    ("closing hash", "Placement sufficiency #"),
    ("angle brackets", "<script>alert(1)</script> & <b>bold</b>"),
    ("autolink", "<https://example.org>"),
    ("emphasis", "*very* important __and__ _urgent_"),
    ("backticks", "use `rm -rf` carefully ``twice``"),
    ("link", "[click](https://example.org) ![img](x.png)"),
    ("strikethrough", "~~struck~~ out"),
    ("entity", "&amp; &#163; &copy;"),
    ("backslash", "C:\\Trust\\Risks \\* not escaped"),
    ("list marker", "- looks like a list"),
    ("plus marker", "+ also a list"),
    ("ordered", "1. first"),
    ("ordered paren", "2) second"),
    ("quote", "> quoted"),
    ("setext", "==="),
    ("rule", "---"),
    ("non-ascii", "£24.0m savings – Café résumé é"),
    ("long", "A very long title " * 30),
]


@pytest.mark.parametrize(("name", "text"), NASTY, ids=[n for n, _ in NASTY])
def test_a_table_cell_renders_exactly_the_text_typed(name: str, text: str) -> None:
    document = table(("Ref", "Title"), [["SR1", cell(text)]])
    parsed = tables(document)
    assert len(parsed) == 1, f"{name}: the table broke"
    assert parsed[0] == [["Ref", "Title"], ["SR1", text.strip()]]


@pytest.mark.parametrize(("name", "text"), NASTY, ids=[n for n, _ in NASTY])
def test_a_paragraph_renders_exactly_the_text_typed(name: str, text: str) -> None:
    tokens = PARSER.parse(block(text))
    assert [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"], name
    assert rendered_text(tokens[1]) == text.strip()
    assert not markup_in(tokens[1])


@pytest.mark.parametrize(("name", "text"), NASTY, ids=[n for n, _ in NASTY])
def test_a_heading_renders_exactly_the_text_typed(name: str, text: str) -> None:
    assert headings(heading(3, f"SR1 {text}")) == [(3, f"SR1 {text}".strip())]


def test_line_breaks_in_a_cell_stay_in_the_cell() -> None:
    text = "First line\nsecond line\r\nthird | line\n\n- and a list"
    parsed = tables(table(("Action",), [[cell(text)]]))
    assert parsed == [[["Action"], ["First line second line third | line - and a list"]]]


def test_line_breaks_in_a_paragraph_are_kept_and_blank_lines_split_paragraphs() -> None:
    text = "First line\n# second line\n\n1. new paragraph\n  * indented"
    tokens = PARSER.parse(block(text))
    types = [t.type for t in tokens]
    assert types == ["paragraph_open", "inline", "paragraph_close"] * 2
    assert rendered_text(tokens[1]) == "First line\n# second line"
    assert rendered_text(tokens[4]) == "1. new paragraph\n* indented"


def test_an_empty_cell_shows_a_dash_and_keeps_the_table_shape() -> None:
    assert tables(table(("A", "B"), [[cell(""), cell("  \n ")]])) == [[["A", "B"], ["–", "–"]]]


def test_a_row_with_the_wrong_number_of_cells_is_refused() -> None:
    with pytest.raises(ValueError, match="2 cells for 3 columns"):
        table(("A", "B", "C"), [["1", "2"]])


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=60))
def test_any_text_survives_a_table_cell(text: str) -> None:
    expected = " ".join(text.split()) if text.strip() else "–"
    parsed = tables(table(("Title",), [[cell(text)]]))
    # Renderers collapse no spaces inside a cell, but Unicode spaces other than the ASCII ones
    # are kept; compare on whitespace-normalised text.
    assert " ".join(parsed[0][1][0].split()) == " ".join(expected.split())


def test_inline_text_is_one_line() -> None:
    assert "\n" not in inline("a\nb\r\nc\rd")


def test_paper_formats() -> None:
    matrix = default_matrix()
    from datetime import date

    assert fmt_date(date(2026, 11, 23)) == "23 Nov 2026"
    assert fmt_date(date(2026, 3, 5)) == "5 Mar 2026"
    assert fmt_date(None) == "–"
    assert fmt_score(matrix, Score(4, 4)) == "16 (4×4) Extreme"
    assert fmt_score(matrix, Score(2, 3)) == "6 (2×3) Moderate"
    assert fmt_score(matrix, None) == "not scored"
    assert fmt_direction(Direction.WORSE) == "▲ worse"
    assert fmt_direction(Direction.BETTER) == "▼ better"
    assert fmt_direction(Direction.UNCHANGED) == "► unchanged"
    assert fmt_direction(Direction.NEW) == "NEW"


# The escaping as first written, every pattern applied to every line: the fast paths of
# inline() and block() (a quick search that most text needs nothing) must agree with it.
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#])")
_ENTITY = re.compile(r"&(?=#?\w+;)")
_START = re.compile(r"^([-+=])")
_ORDERED = re.compile(r"^(\d{1,9})([.)])")
_BREAK = re.compile(r"\r\n|\r|\n")


def _escape_in_full(line: str) -> str:
    escaped = _ENTITY.sub(r"\\&", _SPECIAL.sub(r"\\\1", line))
    return _ORDERED.sub(r"\1\\\2", _START.sub(r"\\\1", escaped))


def _inline_in_full(text: str) -> str:
    parts = _BREAK.split(text.strip())
    return _escape_in_full(" ".join(p.strip() for p in parts if p.strip()))


def _block_in_full(text: str) -> str:
    paragraphs = []
    for chunk in re.split(r"(?:\r\n|\r|\n)\s*(?:\r\n|\r|\n)", text.strip()):
        lines = [_escape_in_full(line.strip()) for line in _BREAK.split(chunk) if line.strip()]
        if lines:
            paragraphs.append("\\\n".join(lines))
    return "\n\n".join(paragraphs)


MARKUP_TEXT = st.text(
    alphabet=st.sampled_from(list("ab 19.)-+=#&;*_|<>`[]~\\\n\r\t٣²")) | st.characters(),
    max_size=40,
)


@given(MARKUP_TEXT)
def test_inline_escapes_as_every_pattern_would(text: str) -> None:
    assert inline(text) == _inline_in_full(text)


@given(MARKUP_TEXT)
def test_block_escapes_as_every_pattern_would(text: str) -> None:
    assert block(text) == _block_in_full(text)
