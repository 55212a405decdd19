"""Recognising a register's columns by their headers, and the mapping a user can give instead.

Real registers name the same thing many ways (Likelihood / Probability / L), put a group header
above two score blocks with the same three columns ("Risk if no action" and "Current risk"),
and sometimes flatten the two header rows into one ("Current risk - Impact"). This module turns
the header cells into a :class:`ColumnMap` per column, saying how each was recognised.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bct_risk.domain.errors import ValidationError
from bct_risk.io.synonyms import (
    ACTION_FIELDS,
    DERIVED,
    GROUP_SYNONYMS,
    PREFIXABLE,
    RISK_FIELDS,
    SCORE_SYNONYMS,
)

RISKS, ACTIONS = "risks", "actions"
"""What a file holds: a risk register, or an action log (tracker)."""

SCORE_KINDS = ("inherent", "current", "target")
SCORE_PARTS = ("likelihood", "impact", "score")
IGNORE = "ignore"
"""The field a mapping file gives a column to leave it out on purpose."""
KEEP = "keep"
"""The field a mapping file gives a column to keep it on each risk as text (an additional field)."""

_SCALE = re.compile(r"\(?\s*\b1\s*(?:-|–|to)\s*(\d{1,2})\b\s*\)?")


def normalise(text: Any) -> str:
    """A header as plain lower-case words: "Current risk – Impact" → "current risk impact"."""
    value = str(text or "").lower().replace("&", " and ").replace("×", " x ")
    value = _SCALE.sub(" ", value)
    return " ".join(re.sub(r"[^a-z0-9]+", " ", value).split())


def scale_in(text: Any) -> int | None:
    """A scale written in a header: "Likelihood (1-10)" → 10."""
    match = _SCALE.search(str(text or ""))
    if match and int(match.group(1)) in (3, 4, 5, 6, 10):
        return int(match.group(1))
    return None


def fields_for(kind: str) -> dict[str, tuple[str, ...]]:
    """The fields (with their header synonyms) of a risk register or an action log."""
    return RISK_FIELDS if kind == RISKS else ACTION_FIELDS


def field_names(kind: str) -> list[str]:
    """Every field a mapping file may name for a kind of file."""
    names = list(fields_for(kind))
    if kind == RISKS:
        names += [f"{k}_{p}" for k in SCORE_KINDS for p in SCORE_PARTS]
        names += list(SCORE_PARTS)
    return [*names, KEEP, IGNORE]


@dataclass
class ColumnMap:
    """What one column of the file was taken to hold, and why."""

    index: int
    header: str
    """The header as written (with its group header, where there is one)."""
    field: str | None
    how: str
    """recognised, group header, mapping file, order of the score blocks, not recognised…"""
    scale: int = 5
    """The scale of a likelihood or impact column."""
    exact: bool = True
    stretch: tuple[float, int] | None = None
    """A scale stored stretched or as percentages: (its top, its steps, 0 for none)."""
    words: dict[str, int] | None = None
    """Scale words and the level (1-5) each is read as, where the workbook's words set them."""

    @property
    def used(self) -> bool:
        """Whether the column's values are imported into a field of their own."""
        return self.field is not None and self.field not in (IGNORE, KEEP)


@dataclass
class MappingFile:
    """A user's explicit mapping: column header → field, plus scales, sheet and header row."""

    columns: dict[str, str] = field(default_factory=dict)
    scales: dict[str, int] = field(default_factory=dict)
    kind: str | None = None
    sheet: str | None = None
    header_row: int | None = None
    path: Path | None = None
    job_titles_as_people: bool = False
    """Each distinct job title in the owner column becomes a person of that name (the title kept
    as their job title), instead of being kept as the risk owner's role text."""


def load_mapping(path: Path) -> MappingFile:
    """Read a mapping file (YAML); a bad one is refused with what is wrong."""
    import yaml  # imported when a mapping is used, not by every import

    try:
        data = yaml.safe_load(path.read_text("utf-8")) or {}
    except OSError as exc:
        raise ValidationError(f"cannot read the mapping file {path}: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise ValidationError(f"the mapping file {path.name} is not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ValidationError(f"the mapping file {path.name} must hold 'columns:' and options")
    settings = ("columns", "scales", "kind", "sheet", "header_row", "job_titles_as_people")
    unknown = set(data) - set(settings)
    if unknown:
        raise ValidationError(
            f"the mapping file {path.name} has unknown settings: {', '.join(sorted(unknown))} "
            f"(use {', '.join(settings)})"
        )
    as_people = data.get("job_titles_as_people", False)
    if not isinstance(as_people, bool):
        raise ValidationError(
            f"the mapping file {path.name}: job_titles_as_people must be true or false, "
            f"not {as_people!r}"
        )
    kind = data.get("kind")
    if kind is not None and kind not in (RISKS, ACTIONS):
        raise ValidationError(f"the mapping file's kind must be risks or actions, not '{kind}'")
    raw_columns = data.get("columns") or {}
    if not isinstance(raw_columns, dict):
        raise ValidationError(
            f"the mapping file {path.name}: 'columns:' must map each column to a field"
        )
    columns = {str(k): str(v).strip() for k, v in raw_columns.items()}
    allowed = set(field_names(RISKS)) | set(field_names(ACTIONS))
    for header, name in columns.items():
        if name not in allowed:
            raise ValidationError(
                f"the mapping file maps '{header}' to '{name}', which is not a field; "
                f"use one of: {', '.join(sorted(allowed))}"
            )
    scales: dict[str, int] = {}
    for name, value in (data.get("scales") or {}).items():
        if not isinstance(value, int) or value not in (3, 4, 5, 6, 10):
            raise ValidationError(
                f"the mapping file gives {name} a scale of {value!r}; use 3, 4, 5, 6 or 10"
            )
        scales[str(name)] = value
    header_row = data.get("header_row")
    if header_row is not None and (not isinstance(header_row, int) or header_row < 0):
        raise ValidationError("the mapping file's header_row must be a row number")
    return MappingFile(columns, scales, kind, data.get("sheet"), header_row, path, as_people)


_LETTERS = re.compile(r"^[A-Z]{1,3}$")
_POSITION = re.compile(r"^(?:#|col(?:umn)?\s*)?(\d{1,4})$", re.I)


def column_index(key: str, headers: Sequence[Any]) -> int | None:
    """The column a mapping key names by position ("3", "#3", "column 3") or letter ("C").

    Header text comes first: a key that is some column's header is never read as a letter.
    """
    text = key.strip()
    if any(normalise(h) == normalise(text) for h in headers if h is not None):
        return None
    match = _POSITION.match(text)
    if match:
        return int(match.group(1)) - 1 if int(match.group(1)) >= 1 else None
    if _LETTERS.match(text):
        index = 0
        for letter in text:
            index = index * 26 + (ord(letter) - 64)
        return index - 1
    return None


def save_mapping(mapping: MappingFile, path: Path) -> None:
    """Write a mapping file the command line's --mapping reads."""
    data: dict[str, Any] = {}
    if mapping.kind:
        data["kind"] = mapping.kind
    if mapping.sheet:
        data["sheet"] = mapping.sheet
    if mapping.header_row:
        data["header_row"] = mapping.header_row
    data["columns"] = dict(mapping.columns)
    if mapping.scales:
        data["scales"] = dict(mapping.scales)
    if mapping.job_titles_as_people:
        data["job_titles_as_people"] = True
    text = (
        "# A mapping for bct-risk import --mapping: column (header, letter or position) → field.\n"
    )
    import yaml

    text += yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    try:
        path.write_text(text, "utf-8")
    except OSError as exc:
        raise ValidationError(f"cannot write the mapping file {path}: {exc.strerror}") from exc


def _words_start(words: list[str], synonym: str) -> bool:
    parts = synonym.split()
    return words[: len(parts)] == parts


def _match(name: str, kind: str) -> tuple[str, bool] | None:
    """The field a plain header names: exactly, or by its opening words."""
    table = fields_for(kind)
    for field_name, synonyms in table.items():
        if name in synonyms:
            return field_name, True
    if kind == RISKS:
        for part, synonyms in SCORE_SYNONYMS.items():
            if name in synonyms:
                return part, True
    words = name.split()
    best: tuple[int, str] | None = None
    candidates = list(table.items())
    if kind == RISKS:
        candidates += list(SCORE_SYNONYMS.items())
    for field_name, synonyms in candidates:
        for synonym in synonyms:
            if (" " in synonym or synonym in PREFIXABLE) and _words_start(words, synonym):
                length = len(synonym.split())
                if best is None or length > best[0]:
                    best = (length, field_name)
    return (best[1], False) if best else None


def _split_group(name: str) -> tuple[str, str] | None:
    """A score header that carries its group: "current risk score" → (current, score).

    The group may come first, last or both ("Baseline likelihood (before response)").
    """
    words = name.split()
    options: list[tuple[int, str, str]] = []
    for kind, synonyms in GROUP_SYNONYMS.items():
        for synonym in synonyms:
            parts = synonym.split()
            n = len(parts)
            for start in range(len(words) - n + 1):
                if words[start : start + n] != parts:
                    continue
                rest = words[:start] + words[start + n :]
                if not rest:
                    continue
                for other in sorted(synonyms, key=len, reverse=True):
                    other_parts = other.split()
                    m = len(other_parts)
                    for i in range(len(rest) - m + 1):
                        if rest[i : i + m] == other_parts and len(rest) > m:
                            rest = rest[:i] + rest[i + m :]
                            break
                text = " ".join(rest)
                for part, score_synonyms in SCORE_SYNONYMS.items():
                    if text in score_synonyms:
                        options.append((n, kind, part))
    if not options:
        return None
    _, kind, part = max(options)
    return kind, part


def group_of(text: Any) -> str | None:
    """The score block a group header names ("Risk if no action" → inherent)."""
    name = normalise(text)
    if not name:
        return None
    best: tuple[int, str] | None = None
    words = name.split()
    for kind, synonyms in GROUP_SYNONYMS.items():
        for synonym in synonyms:
            parts = synonym.split()
            if _contains(words, parts) and (best is None or len(parts) > best[0]):
                best = (len(parts), kind)
    return best[1] if best else None


def _contains(words: list[str], parts: list[str]) -> bool:
    n = len(parts)
    return any(words[i : i + n] == parts for i in range(len(words) - n + 1))


def recognise(header: Any, kind: str, group: Any = None) -> tuple[str, str, bool] | None:
    """(field, how, exact) for one header cell, with the group header above it if any."""
    name = normalise(header)
    if not name:
        return None
    if kind == RISKS:
        split = _split_group(name)
        if split:
            return f"{split[0]}_{split[1]}", "recognised (group in the header)", True
    found = _match(name, kind)
    if found is None:
        return None
    field_name, exact = found
    if kind == RISKS and field_name in SCORE_PARTS:
        block = group_of(group)
        if block:
            return f"{block}_{field_name}", f"group header '{_plain(group)}'", exact
    return field_name, "recognised" if exact else "recognised by its first words", exact


def _plain(value: Any) -> str:
    return " ".join(str(value or "").split())


def is_score_part(text: Any) -> bool:
    """Whether a header names only a likelihood, impact or score (L, I, Total…)."""
    name = normalise(text)
    return any(name in synonyms for synonyms in SCORE_SYNONYMS.values())


def header_score(cells: Sequence[Any], kind: str) -> int:
    """How many cells of a row read as headers of this kind of file."""
    return sum(1 for cell in cells if isinstance(cell, str) and recognise(cell, kind))


def map_columns(
    headers: Sequence[Any],
    groups: Sequence[Any] | None,
    kind: str,
    mapping: MappingFile | None,
    free_text: set[int] | None = None,
    words_of: dict[int, int] | None = None,
) -> list[ColumnMap]:
    """The column map for a header row (and the group row above it, if any).

    ``free_text`` holds the columns whose cells are sentences, not scores: a free-text "Impact"
    (what would happen) is read as the risk's effect, never as a score. ``words_of`` gives the
    words columns that sit beside a numeric score column (index → the numeric column's index):
    their words are read as that column's key, not as a score of their own.
    """
    columns: list[ColumnMap] = []
    explicit = {normalise(k): v for k, v in (mapping.columns if mapping else {}).items()}
    # A key written exactly as a header names that column alone: "Impact" is not "Impact (1-5)".
    written = {_plain(k).lower(): v for k, v in (mapping.columns if mapping else {}).items()}
    by_index: dict[int, tuple[str, str]] = {}
    for key, name in (mapping.columns if mapping else {}).items():
        position = column_index(key, headers)
        if position is not None:
            by_index[position] = (key, name)
    width = max([len(headers), *(i + 1 for i in by_index)])
    headers = [*headers, *([None] * (width - len(headers)))]
    for index, header in enumerate(headers):
        if index in by_index:
            key, name = by_index[index]
            shown = _plain(header) or f"column {_letter(index)}"
            how = "left out (mapping file)" if name == IGNORE else f"mapping file ({key})"
            columns.append(ColumnMap(index, shown, name, how))
            continue
        group = groups[index] if groups and index < len(groups) else None
        shown = _plain(header)
        if group and _plain(group) and _plain(group) != shown:
            shown = f"{_plain(group)} / {shown}" if shown else _plain(group)
        key = normalise(header)
        grouped_key = normalise(f"{group or ''} {header or ''}")
        exact_key = next(
            (k for k in (_plain(header).lower(), shown.lower()) if k and k in written), None
        )
        if exact_key is not None:
            name = written[exact_key]
            how = "left out (mapping file)" if name == IGNORE else "mapping file"
            columns.append(ColumnMap(index, shown, name, how))
            continue
        if shown and (key in explicit or grouped_key in explicit or normalise(shown) in explicit):
            name = explicit.get(grouped_key) or explicit.get(normalise(shown)) or explicit[key]
            how = "left out (mapping file)" if name == IGNORE else "mapping file"
            columns.append(ColumnMap(index, shown, name, how))
            continue
        if not shown:
            continue
        found = recognise(header, kind, group)
        if (
            found is not None
            and free_text
            and index in free_text
            and found[0].endswith(("likelihood", "impact", "score"))
        ):
            how = "holds sentences, not scores: read as the effect"
            columns.append(ColumnMap(index, _plain(header), "effect", how, exact=False))
            continue
        if found is not None and words_of and index in words_of:
            partner = _plain(headers[words_of[index]]) or f"column {_letter(words_of[index])}"
            how = f"the words of '{partner}': read as its key (the register's own scale)"
            columns.append(ColumnMap(index, _plain(header), None, how, exact=False))
            continue
        if found is None and kind == RISKS and key in DERIVED:
            how = "not imported: the register works this out from the scores and their history"
            columns.append(ColumnMap(index, _plain(header), None, how))
            continue
        if found is None:
            columns.append(ColumnMap(index, _plain(header) or shown, None, "not recognised"))
            continue
        field_name, how, exact = found
        if not how.startswith("group header"):
            # A group header carried right from merged cells names only the score columns.
            shown = _plain(header)
        columns.append(ColumnMap(index, shown, field_name, how, exact=exact))
    _assign_score_blocks(columns)
    _resolve_duplicates(columns)
    _apply_scales(columns, headers, mapping)
    return columns


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _assign_score_blocks(columns: list[ColumnMap]) -> None:
    """Bare Likelihood/Impact/Score columns take their block from their order.

    One block is the current score; two are inherent then current (the order every template
    we have seen uses); three add the target.
    """
    for part in SCORE_PARTS:
        bare = [c for c in columns if c.field == part]
        if not bare:
            continue
        taken = {c.field.split("_")[0] for c in columns if c.field and c.field.endswith(f"_{part}")}
        free = [k for k in SCORE_KINDS if k not in taken]
        single = ["current"] if "current" in free else free
        order = single if len(bare) == 1 else free
        for column, block in zip(bare, order, strict=False):
            column.field = f"{block}_{part}"
            if len(bare) > 1:
                column.how = f"score block {bare.index(column) + 1} of {len(bare)}: {block}"
            else:
                column.how = f"{column.how}; the only score block, read as {block}"
        for column in bare[len(order) :]:
            column.field = None
            column.how = f"a further {part} column with no block left"


def _resolve_duplicates(columns: list[ColumnMap]) -> None:
    """Each field comes from one column: an exact header beats one read by its first words."""
    by_field: dict[str, list[ColumnMap]] = {}
    for column in columns:
        if column.used and column.field is not None:
            by_field.setdefault(column.field, []).append(column)
    for name, claims in by_field.items():
        if len(claims) < 2:
            continue
        winner = next((c for c in claims if c.exact), claims[0])
        for column in claims:
            if column is not winner:
                column.field = None
                column.how = f"not imported: '{winner.header}' already gives the {name}"


def _apply_scales(
    columns: list[ColumnMap], headers: Sequence[Any], mapping: MappingFile | None
) -> None:
    scales = mapping.scales if mapping else {}
    for column in columns:
        if not column.field or not column.field.endswith(("likelihood", "impact")):
            continue
        part = column.field.split("_")[-1]
        written = scale_in(headers[column.index]) if column.index < len(headers) else None
        column.scale = scales.get(column.field) or scales.get(part) or written or 5
        if column.scale != 5:
            column.how += f"; scale 1-{column.scale} mapped to 1-5"
