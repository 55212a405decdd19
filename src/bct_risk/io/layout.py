"""Finding the register in a workbook: which sheet, which row is the header, what is a title.

Registers arrive with a cover, instructions or a summary first, banners and merged titles above
the header, merged section rows ("Design stage") between the risks, and template rows holding
only formulas below them. This module surveys every sheet (hidden ones included), scores each
candidate header row by how many of its cells name a register's fields, and turns the chosen
sheet into numbered rows: section rows marked, template rows dropped and counted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bct_risk.io import values
from bct_risk.io.headers import ACTIONS, RISKS, recognise
from bct_risk.io.workbook import Merge, Sheet

HEADER_SEARCH_ROWS = 30
"""How far down a sheet the header row is looked for."""

SECTION = "\x00section"
"""Marks a row that is a section heading (a merged cell across the table), not a risk."""


@dataclass
class SheetSurvey:
    """What one sheet seems to hold, for choosing the register and for the dry run."""

    sheet: Sheet
    header_index: int | None
    """Index into ``sheet.rows`` of the best header row, or None."""
    fields: int
    """How many of the header row's cells name a field of the kind below."""
    kind: str
    data_rows: int
    what: str

    @property
    def rank(self) -> tuple[int, int, int]:
        """Larger is more like the register: fields named, then rows, then visible first."""
        return (self.fields, self.data_rows, 0 if self.sheet.hidden else 1)


def header_cell(value: Any) -> bool:
    """Whether a cell could be a column header: short text, not a banner ("Reviewed: May")."""
    if not isinstance(value, str):
        return False
    text = " ".join(value.split())
    if not text or len(text) > 80:
        return False
    head, colon, rest = text.partition(":")
    return not (colon and rest.strip() and len(head) < 40)


def row_fields(cells: list[Any], kind: str) -> int:
    """How many cells of a row name a field of this kind of file."""
    found = 0
    for cell in cells:
        if header_cell(cell) and recognise(cell, kind):
            found += 1
    return found


def best_header(rows: list[tuple[int, list[Any]]], merges: list[Merge]) -> tuple[int, int, str]:
    """(index into rows, fields named, kind) of the row most like a header; index -1 if none."""
    wide = _wide_rows(merges)
    best = (-1, 0, RISKS)
    for index, (number, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if number in wide:
            continue
        filled = sum(1 for c in cells if not values.is_blank(c))
        if filled < 2:
            continue
        for kind in (RISKS, ACTIONS):
            score = row_fields(cells, kind)
            if score > best[1]:
                best = (index, score, kind)
    return best


def _wide_rows(merges: list[Merge]) -> set[int]:
    """Rows holding a merged cell four or more columns wide: titles and banners, not headers."""
    return {m.min_row for m in merges if m.width >= 4 and m.min_row == m.max_row}


def survey(sheets: list[Sheet]) -> list[SheetSurvey]:
    """Each sheet, with its best header row and what it seems to hold."""
    found = []
    for sheet in sheets:
        index, fields_named, kind = best_header(sheet.rows, sheet.merges)
        data_rows = 0
        if index >= 0:
            data_rows = sum(
                1
                for _, cells in sheet.rows[index + 1 :]
                if sum(1 for c in cells if not values.is_blank(c)) >= 2
            )
        found.append(
            SheetSurvey(
                sheet,
                index if index >= 0 else None,
                fields_named,
                kind,
                data_rows,
                _what(sheet, fields_named, kind, data_rows),
            )
        )
    return found


def _what(sheet: Sheet, fields_named: int, kind: str, data_rows: int) -> str:
    hidden = "hidden; " if sheet.hidden else ""
    if not sheet.rows:
        return f"{hidden}empty"
    if fields_named >= 3:
        thing = "an action log" if kind == ACTIONS else "a register table"
        return f"{hidden}{thing}: {fields_named} columns named, {data_rows} rows below"
    if legend_pairs(sheet.rows):
        return f"{hidden}a key or legend ({len(sheet.rows)} rows)"
    return f"{hidden}text or notes, no register table ({len(sheet.rows)} rows)"


def choose(surveys: list[SheetSurvey]) -> SheetSurvey:
    """The sheet most like a register: the most fields named, then the most rows."""
    return max(surveys, key=lambda s: s.rank)


def legend_pairs(rows: list[tuple[int, list[Any]]]) -> dict[str, int]:
    """Words a key table sets beside a number: "1 | Minor", "Serious | 3" → {minor: 1, …}."""
    pairs: dict[str, int] = {}
    for _, cells in rows:
        numbers = [
            int(c)
            for c in cells
            if isinstance(c, int | float) and not isinstance(c, bool) and float(c).is_integer()
        ]
        numbers = [n for n in numbers if 1 <= n <= 10]
        words = [
            word_key(c)
            for c in cells
            if isinstance(c, str) and 0 < len(c.split()) <= 3 and len(c) <= 30
        ]
        words = [w for w in words if w]
        if len(numbers) == 1 and words:
            for word in words:
                pairs.setdefault(word, numbers[0])
    return pairs


def word_key(value: Any) -> str:
    """A scale word as compared: lower case letters and single spaces."""
    return " ".join(re.sub(r"[^a-z ]", " ", str(value).lower()).split())


@dataclass
class Prepared:
    """The rows below the header, ready to read, and what was set aside."""

    rows: list[tuple[int, list[Any]]]
    template_rows: int = 0
    sections: list[int] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    """Banner and title rows above the header, as written."""


def prepare(sheet: Sheet, header_number: int, width: int) -> Prepared:
    """The data rows of a sheet below its header row.

    Merged cells spanning rows are carried down (one owner over two risks); a merged cell across
    most of the table is a section heading, marked so the reader keeps it as the category;
    rows holding nothing but formula results are dropped and counted.
    """
    by_number = {n: cells for n, cells in sheet.rows}
    prepared = Prepared([])
    for number, cells in sheet.rows:
        if number >= header_number:
            break
        text = " ".join(values.clean_text(c) for c in cells if not values.is_blank(c))
        if text:
            prepared.titles.append(text)
    section_rows: set[int] = set()
    for merge in sheet.merges:
        if merge.min_row <= header_number:
            continue
        if merge.width >= max(3, (width + 1) // 2):
            section_rows.add(merge.min_row)
            continue
        if merge.max_row > merge.min_row:
            top = by_number.get(merge.min_row)
            if top is None or merge.min_col > len(top):
                continue
            value = top[merge.min_col - 1]
            for number in range(merge.min_row + 1, merge.max_row + 1):
                below = by_number.get(number)
                if below is None:
                    continue  # a row with no value of its own is no risk
                while len(below) < merge.min_col:
                    below.append(None)
                if below[merge.min_col - 1] is None:
                    below[merge.min_col - 1] = value
    prepared.template_rows = sum(
        1 for number in sheet.formulas if number > header_number and number not in by_number
    )
    for number, cells in sheet.rows:
        if number <= header_number:
            continue
        formulas = sheet.formulas.get(number, set())
        if formulas and all(i in formulas for i, c in enumerate(cells) if not values.is_blank(c)):
            prepared.template_rows += 1
            continue
        if number in section_rows:
            filled = [c for c in cells if not values.is_blank(c)]
            if len(filled) == 1:
                prepared.sections.append(number)
                prepared.rows.append((number, [SECTION, filled[0]]))
                continue
        prepared.rows.append((number, cells))
    return prepared


def spread_group_row(cells: list[Any], number: int, merges: list[Merge]) -> list[Any]:
    """A group header row ("Current risk" merged over three columns) spread over its span."""
    spread = list(cells)
    for merge in merges:
        if merge.min_row <= number <= merge.max_row and merge.min_col <= len(cells):
            value = cells[merge.min_col - 1] if merge.min_row == number else None
            if value is None:
                continue
            while len(spread) < merge.max_col:
                spread.append(None)
            for column in range(merge.min_col, merge.max_col + 1):
                spread[column - 1] = value
    return spread
