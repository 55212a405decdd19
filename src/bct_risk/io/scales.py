"""Reading each score column's scale as its author meant, and its words in their own order.

A column's scale comes from (first to last) the mapping file, its header ("Impact (1-10)"), and
its values: whole numbers past 5 are a 1-10 scale, values such as 3.33 / 6.67 / 10 a shorter
scale stored stretched, and percentages a proportion. Each is mapped proportionally onto the
register's 1-5 matrix, and the report shows how.

Scale words ("Serious", "Very likely") are read by the workbook's own key when it has one (a
legend sheet or key table: "3 | Serious"), else by the default orderings below, ranked among the
words the workbook uses; words placed by the default ordering are reported as guessed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bct_risk.domain.scoring import Matrix
from bct_risk.io import values
from bct_risk.io.headers import ColumnMap
from bct_risk.io.layout import SECTION, word_key

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
    for column in columns:
        axis = _axis(column)
        if axis is None or not column.used:
            continue
        cells = _cells(column, rows)
        numbers = [n for n in (_number(c) for c in cells) if n is not None]
        for cell in cells:
            if _number(cell) is None:
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
