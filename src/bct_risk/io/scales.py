"""Reading each score column's scale as its author meant, and its words in their own order.

A column's scale comes from (first to last) the mapping file, its header ("Impact (1-10)"), and
its values: whole numbers past 5 are a 1-10 scale, values such as 3.33 / 6.67 / 10 a shorter
scale stored stretched, and percentages a proportion. Each is mapped proportionally onto the
register's 1-5 matrix, and the report shows how.

Scale words ("Serious", "Very likely") are read by the workbook's own key when it has one (a
numeric score column beside the words: "Impact" = "Serious" with "Impact (1-5)" = 3 on the same
row; a legend sheet or key table: "3 | Serious"), else by the default orderings below, ranked
among the words the workbook uses; words placed by the default ordering are reported as guessed.
A column of text beside a numeric score column of the same name is what would happen, never a
score.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from bct_risk.domain.scoring import Matrix
from bct_risk.io import values
from bct_risk.io.headers import RISKS, ColumnMap, recognise
from bct_risk.io.layout import SECTION, word_key
from bct_risk.io.records import ERROR, NOTE, WARNING, Problem

IMPACT_ORDER = (
    "negligible", "insignificant", "minor", "moderate", "serious", "major", "severe", "critical",
    "catastrophic",
)  # fmt: skip
"""The default ordering of impact words, lowest first."""

LIKELIHOOD_ORDER = (
    "rare", "very unlikely", "unlikely", "possible", "likely", "very likely", "almost certain",
)  # fmt: skip
"""The default ordering of likelihood words, lowest first."""

_THREE = {"low", "medium", "med", "moderate", "high"}
_FIXED = values.FIVE_POINT_WORDS


def _axis(column: ColumnMap) -> str | None:
    name = column.field or ""
    if name.endswith("likelihood"):
        return "likelihood"
    if name.endswith("impact"):
        return "impact"
    return None


def _cells(column: ColumnMap, rows: Iterable[tuple[int, list[Any]]]) -> list[Any]:
    found = []
    for _, cells in rows:
        if cells and cells[0] == SECTION:
            continue
        if column.index < len(cells) and not values.is_blank(cells[column.index]):
            found.append(cells[column.index])
    return found


def detect(
    columns: list[ColumnMap],
    rows: list[tuple[int, list[Any]]],
    matrix: Matrix,
    legend: dict[str, int],
    fixed: set[int],
) -> list[str]:
    """Set each score column's scale and words from its values; the report's lines on them.

    ``fixed`` holds the columns whose scale the mapping file or header gives.
    """
    lines: list[str] = []
    words_by_axis: dict[str, set[str]] = {"likelihood": set(), "impact": set()}
    numbers_of: dict[tuple[type, Any], float | None] = {}
    """Each distinct cell's number: a score column holds few distinct values."""
    for column in columns:
        axis = _axis(column)
        if axis is None or not column.used:
            continue
        cells = _cells(column, rows)
        read = [_number_of(c, numbers_of) for c in cells]
        numbers = [n for n in read if n is not None]
        for cell, number in zip(cells, read, strict=True):
            if number is None:
                key = word_key(cell)
                if key:
                    words_by_axis[axis].add(key)
        line = _numeric_scale(column, cells, numbers, column.index in fixed)
        if line:
            lines.append(line)
    for axis, used in words_by_axis.items():
        if not used:
            continue
        levels, line = word_levels(axis, used, matrix, legend)
        if line:
            lines.append(line)
        if levels is None:
            continue
        for column in columns:
            if _axis(column) == axis and column.used:
                column.words = levels
    return lines


def _number_of(cell: Any, known: dict[tuple[type, Any], float | None]) -> float | None:
    """:func:`_number`, each distinct value worked out once."""
    try:
        key = (type(cell), cell)
        if key in known:
            return known[key]
    except TypeError:  # a cell that cannot be a key (a list)
        return _number(cell)
    found = known[key] = _number(cell)
    return found


def _number(cell: Any) -> float | None:
    if isinstance(cell, str) and cell.strip().endswith("%"):
        return values.number_in(cell.strip()[:-1].strip())
    return values.number_in(cell)


def _numeric_scale(
    column: ColumnMap, cells: list[Any], numbers: list[float], fixed: bool
) -> str | None:
    if not numbers:
        if column.scale != 5:
            return f"'{column.header}': a 1-{column.scale} scale, {_map_text(column.scale)}"
        return None
    percent = any(isinstance(c, str) and c.strip().endswith("%") for c in cells) or (
        "%" in column.header
    )
    fractional = [n for n in numbers if not n.is_integer()]
    top = max(numbers)
    if percent or (fractional and top <= 1):
        scale_top = 1.0 if top <= 1 and not percent else 100.0
        column.stretch = (scale_top, 0)
        return (
            f"'{column.header}': percentages, read proportionally "
            "(up to 20% → 1, 40% → 2, 60% → 3, 80% → 4, above → 5)"
        )
    if fractional and not fixed:
        scale_top = 5.0 if top <= 5 else 10.0
        steps = next(
            (
                n
                for n in (3, 4, 5)
                if all(
                    abs(v / (scale_top / n) - round(v / (scale_top / n))) < 0.03 for v in numbers
                )
            ),
            0,
        )
        column.stretch = (scale_top, steps)
        if steps:
            shown = ", ".join(
                f"{scale_top / steps * k:.2f}".rstrip("0").rstrip(".")
                + f" → {values.to_five(k, steps)}"
                for k in range(1, steps + 1)
            )
            return (
                f"'{column.header}': a 1-{steps} scale stored stretched to 1-{scale_top:g} "
                f"({shown})"
            )
        return (
            f"'{column.header}': values up to {scale_top:g} with fractions, read "
            f"proportionally onto 1-5"
        )
    if not fixed and column.scale == 5 and top > 5:
        above = sum(1 for n in numbers if n > 5)
        if top <= 10 and (above >= 2 or top == 10):
            column.scale = 10
            column.how += "; values past 5: scale 1-10 mapped to 1-5"
        elif 10 < top <= 100 and sum(1 for n in numbers if n > 10) >= 2:
            column.stretch = (100.0, 0)
            return (
                f"'{column.header}': values up to 100, read as percentages "
                "(up to 20 → 1, 40 → 2, 60 → 3, 80 → 4, above → 5)"
            )
    if column.scale != 5:
        return f"'{column.header}': a 1-{column.scale} scale, {_map_text(column.scale)}"
    return None


def _map_text(scale: int) -> str:
    groups: dict[int, list[int]] = {}
    for value in range(1, scale + 1):
        groups.setdefault(values.to_five(value, scale), []).append(value)
    parts = []
    for level, found in groups.items():
        shown = str(found[0]) if len(found) == 1 else f"{found[0]}-{found[-1]}"
        parts.append(f"{shown} → {level}")
    return "mapped " + ", ".join(parts)


def word_levels(
    axis: str, used: set[str], matrix: Matrix, legend: dict[str, int]
) -> tuple[dict[str, int] | None, str | None]:
    """The level of each scale word the workbook uses, and a line saying how they were read."""
    labels = [
        label.lower() for label in (matrix.likelihood if axis == "likelihood" else matrix.impact)
    ]
    if used <= set(labels) or used <= _THREE:
        return None, None
    if used <= set(legend):
        numbers = [legend[w] for w in used]
        order = IMPACT_ORDER if axis == "impact" else LIKELIHOOD_ORDER
        related = [n for w, n in legend.items() if w in used or w in order or w in labels]
        top = max([*related, *numbers])
        scale = 3 if top <= 3 else 4 if top == 4 else 5 if top <= 5 else 10
        levels = {w: values.to_five(min(legend[w], scale), scale) for w in used}
        shown = ", ".join(
            f"{w.title()} = {legend[w]}" for w in sorted(used, key=legend.__getitem__)
        )
        return levels, (
            f"{axis} words read by the workbook's own key (1-{scale}): {shown}"
            + ("" if scale == 5 else ", mapped proportionally onto 1-5")
        )
    order = IMPACT_ORDER if axis == "impact" else LIKELIHOOD_ORDER
    ranked = [w for w in order if w in used]
    if len(ranked) < 3:
        guessed = sorted(w for w in used if w not in labels and w not in _THREE and w in _FIXED)
        if not guessed:
            return None, None
        shown = ", ".join(f"{w.title()} = {_FIXED[w]}" for w in guessed)
        return None, (
            f"guessed: the workbook has no key for its {axis} words; read as the usual "
            f"five-point words: {shown}; check them (or name them in a mapping file)"
        )
    if len(ranked) == len(used) and len(ranked) >= 3:
        count = len(ranked)
        levels = {w: round(1 + i * 4 / (count - 1) + 1e-9) for i, w in enumerate(ranked)}
        shown = ", ".join(f"{w.title()} = {levels[w]}" for w in ranked)
        return levels, (
            f"guessed: the workbook has no key for its {axis} words, so they were put in the "
            f"usual order and spread over 1-5: {shown}; check them (or name them in a mapping "
            "file)"
        )
    return None, None


# -- a numeric score column beside a words column: the register's own key ------------------

WORDS_OF = "the words of"
"""How a words column paired with a numeric score column is described in the column mapping."""

NEAR = 3
"""How many columns apart a words column and its numeric score column may be."""

_KNOWN_WORDS = (
    set(IMPACT_ORDER) | set(LIKELIHOOD_ORDER) | _THREE | set(_FIXED)
    | {"very low", "very high", "extreme", "significant", "remote", "certain", "probable"}
)  # fmt: skip


@dataclass
class Pairs:
    """Score columns read together: words beside numbers, and free text beside numbers."""

    words_of: dict[int, int] = field(default_factory=dict)
    """A words column's index → the index of the numeric score column beside it."""
    free_text: set[int] = field(default_factory=set)
    """Columns of text (what would happen) beside a numeric score column of the same name."""


def _part_of(header: Any, group: Any) -> str | None:
    found = recognise(header, RISKS, group) if header is not None else None
    if found and found[0].endswith(("likelihood", "impact")):
        return found[0]
    return None


def _data(rows: list[tuple[int, list[Any]]]) -> list[tuple[int, list[Any]]]:
    return [(n, cells) for n, cells in rows if not (cells and cells[0] == SECTION)]


def pair_columns(
    headers: list[Any], groups: list[Any] | None, rows: list[tuple[int, list[Any]]]
) -> Pairs:
    """Find each words or free-text score column with a numeric one of the same name nearby.

    "Impact" (Minor, Serious…) beside "Impact (1-5)" (1, 3…) is the numeric column's words: the
    pairs the sheet holds are its own key. "Impact" holding what would happen beside a numeric
    "Impact" is free text, never a score.
    """
    sample = _data(rows)[:500]
    numeric: dict[int, str] = {}
    text: dict[int, tuple[str, list[str]]] = {}
    for index, header in enumerate(headers):
        part = _part_of(header, groups[index] if groups and index < len(groups) else None)
        if part is None:
            continue
        cells = [c[index] for _, c in sample if index < len(c) and not values.is_blank(c[index])]
        numbers = sum(1 for c in cells if _number(c) is not None)
        words = [str(c) for c in cells if _number(c) is None]
        if numbers and numbers > len(words):
            numeric[index] = part
        elif words:
            text[index] = (part, words)
    parts = [
        _part_of(h, groups[i] if groups and i < len(groups) else None)
        for i, h in enumerate(headers)
    ]
    pairs = Pairs()
    for index, (part, words) in text.items():
        axis = "impact" if part.endswith("impact") else "likelihood"
        other = part.replace(axis, "likelihood" if axis == "impact" else "impact")
        if parts.count(other) >= parts.count(part):
            # As many likelihood columns as impact ones: two score blocks side by side
            # ("Likelihood | Impact | Likelihood | Impact"), not one score and its words.
            continue
        near = [n for n, p in numeric.items() if p == part and abs(n - index) <= NEAR]
        if not near:
            continue
        partner = min(near, key=lambda n: (abs(n - index), n))
        if _scale_words(words):
            pairs.words_of[index] = partner
        else:
            pairs.free_text.add(index)
    return pairs


def _scale_words(cells: list[str]) -> bool:
    """Whether text cells read as a scale's words: short, and known words or repeated ones."""
    if any(len(c.split()) > 3 or len(c.strip()) > 30 for c in cells):
        return False
    distinct = {word_key(c) for c in cells} - {""}
    if not distinct:
        return False
    known = sum(1 for w in distinct if w in _KNOWN_WORDS)
    return known * 2 >= len(distinct) or len(distinct) * 2 <= len(cells)


@dataclass
class OwnKey:
    """The word → number pairs a sheet holds, the lines for the report and the problems met."""

    legend: dict[str, int] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def own_key(columns: list[ColumnMap], rows: list[tuple[int, list[Any]]], pairs: Pairs) -> OwnKey:
    """Read each words column's pairs with its numeric column as the register's own scale.

    A word paired with two different numbers is an error at the row and column where it
    differs. A row holding the word but no number takes the number the sheet pairs with that
    word elsewhere (written into the numeric column's place, with a note).
    """
    found = OwnKey()
    by_index = {c.index: c for c in columns}
    for words_col in columns:
        if words_col.field is not None or not words_col.how.startswith(WORDS_OF):
            continue
        numbers_col = by_index.get(pairs.words_of.get(words_col.index, -1))
        if numbers_col is None or not numbers_col.used or numbers_col.field is None:
            continue
        axis = numbers_col.field.split("_")[-1]
        _read_pairs(found, axis, words_col, numbers_col, _data(rows))
    return found


def _read_pairs(
    found: OwnKey,
    axis: str,
    words_col: ColumnMap,
    numbers_col: ColumnMap,
    rows: list[tuple[int, list[Any]]],
) -> None:
    seen: dict[str, tuple[float, int, str]] = {}
    unclear: set[str] = set()
    w, n = words_col.index, numbers_col.index
    for number, cells in rows:
        word = cells[w] if w < len(cells) else None
        value = _number(cells[n]) if n < len(cells) else None
        key = word_key(word) if not values.is_blank(word) else ""
        if not key or value is None:
            continue
        if key not in seen:
            seen[key] = (value, number, str(word).strip())
            continue
        first, first_row, _ = seen[key]
        if abs(first - value) > 0.01:
            unclear.add(key)
            found.problems.append(
                Problem(
                    ERROR,
                    f"{axis} '{str(word).strip()}' is {value:g} here but {first:g} on row "
                    f"{first_row} ('{words_col.header}' beside '{numbers_col.header}'): the "
                    f"register's own {axis} scale is unclear; correct one of them, or map "
                    f"'{words_col.header}' to ignore in a mapping file",
                    number,
                    numbers_col.header,
                )
            )
    for number, cells in rows:
        word = cells[w] if w < len(cells) else None
        if values.is_blank(word) or (n < len(cells) and not values.is_blank(cells[n])):
            continue
        key = word_key(word)
        text = str(word).strip()
        if key in unclear:
            continue
        if key not in seen:
            found.problems.append(
                Problem(
                    WARNING,
                    f"{axis} '{text}' has no number beside it anywhere in "
                    f"'{numbers_col.header}', so this row's {axis} is not known; give it a "
                    "number",
                    number,
                    words_col.header,
                )
            )
            continue
        value, first_row, _ = seen[key]
        cells.extend([None] * (n + 1 - len(cells)))
        cells[n] = int(value) if value.is_integer() else value
        found.problems.append(
            Problem(
                NOTE,
                f"{axis} '{text}' read as {value:g}, the number the register gives "
                f"'{seen[key][2]}' on row {first_row}",
                number,
                numbers_col.header,
            )
        )
    clear = {k: v for k, v in seen.items() if k not in unclear}
    if not clear:
        return
    for key, (value, _, _) in clear.items():
        if value.is_integer() and 1 <= value <= 10:
            found.legend[key] = int(value)
    shown = ", ".join(
        f"{text} = {value:g}"
        for value, _, text in sorted(clear.values(), key=lambda item: (item[0], item[2]))
    )
    found.lines.append(
        f"{axis} words read by the register's own pairs ('{words_col.header}' beside "
        f"'{numbers_col.header}'): {shown}"
    )
