"""From a table of cells to the risks or tracker actions it describes, with every problem found.

Nothing here writes: :func:`build_plan` reads the file, recognises its columns and reads each row
into a :class:`RiskIn` or :class:`TrackerIn`, noting each problem with its row and column. The
writer (``io.write``) turns a plan into records in one transaction.
"""

from __future__ import annotations

from datetime import date
from itertools import zip_longest
from pathlib import Path
from typing import Any

from bct_risk.domain.errors import ValidationError
from bct_risk.domain.scoring import Matrix
from bct_risk.io import values
from bct_risk.io.action_rows import ActionRowReader
from bct_risk.io.headers import (
    ACTIONS,
    RISKS,
    MappingFile,
    group_of,
    header_score,
    is_score_part,
    load_mapping,
    map_columns,
)
from bct_risk.io.readers import Table, read_table
from bct_risk.io.records import (
    ERROR,
    NOTE,
    WARNING,
    ImportOptions,
    ImportPlan,
    Problem,
)
from bct_risk.io.risk_rows import RiskRowReader

HEADER_SEARCH_ROWS = 15
"""Title blocks above a register's header row are common; look this far down for the header."""


def build_plan(
    path: Path,
    matrix: Matrix,
    options: ImportOptions | None = None,
    today: date | None = None,
) -> ImportPlan:
    """Read a file and everything in it; raises ValidationError only when the file is unreadable.

    ``today`` (the register's clock) dates what the file leaves undated.
    """
    options = options or ImportOptions()
    mapping = load_mapping(options.mapping) if options.mapping else None
    table = read_table(path, sheet=mapping.sheet if mapping else None)
    header_row, groups, headers = _find_header(table, mapping)
    kind, reason = _choose_kind(options, mapping, headers, groups)
    columns = map_columns(headers, groups, kind, mapping)
    plan = ImportPlan(
        path,
        kind,
        reason,
        table.description,
        table.unit,
        header_row,
        columns,
        native=table.native,
    )
    if header_row:
        top = header_row - 1 if groups is not None else header_row
        plan.header_rows = f"rows {top}-{header_row}" if top != header_row else f"row {header_row}"
    plan.problems.extend(Problem(WARNING, w) for w in table.warnings)
    for column in columns:
        if column.field is None:
            derived = column.how.startswith("not imported: the register works")
            plan.problems.append(
                Problem(
                    NOTE if derived else WARNING,
                    f"{column.how}; not imported (name it in a mapping file to import it)"
                    if column.how == "not recognised"
                    else column.how,
                    column=column.header,
                )
            )
    used = {c.field for c in columns if c.used}
    required = (
        ("title", "cause_and_effect", "description", "cause") if kind == RISKS else ("action",)
    )
    if not used & set(required):
        found = ", ".join(f"'{c.header}'" for c in columns) or "none"
        need = (
            "the risk's title (Title, Risk, Risk description…)"
            if kind == RISKS
            else ("the action (Action, Action agreed, Task…)")
        )
        plan.problems.append(
            Problem(
                ERROR,
                f"no column gives {need}; the columns found are: {found}. Name the columns in "
                "a mapping file (--mapping) to import this file",
            )
        )
        return plan
    native_fields = {
        "reference",
        "title",
        "inherent_likelihood",
        "closed_reason",
        "exempt",
        "source",
    }
    if kind == RISKS and native_fields <= used:
        plan.native = True
    data_rows = [(n, cells) for n, cells in table.rows if header_row is None or n > header_row]
    reader_class = RiskRowReader if kind == RISKS else ActionRowReader
    reader = reader_class(plan, matrix, options, path.name, plan.native, today or date.today())
    reader.read_rows(data_rows)
    if plan.rows_read == 0 and not plan.errors:
        plan.problems.append(Problem(ERROR, f"{path.name} has headers but no rows to import"))
    return plan


def _find_header(
    table: Table, mapping: MappingFile | None
) -> tuple[int | None, list[Any] | None, list[Any]]:
    """The header row, the group row above it (two-row headers), and the header cells."""
    rows = table.rows
    if table.header_row is not None:
        return table.header_row, None, list(rows[0][1])
    wanted = mapping.header_row if mapping and mapping.header_row else None
    if wanted is not None:
        index = next((i for i, (n, _) in enumerate(rows) if n == wanted), None)
        if index is None:
            raise ValidationError(f"the mapping file's header_row {wanted} is past the end")
    else:
        scored = [
            (max(header_score(cells, RISKS), header_score(cells, ACTIONS)), -i)
            for i, (_, cells) in enumerate(rows[:HEADER_SEARCH_ROWS])
        ]
        best, negative_index = max(scored)
        index = -negative_index
        if best == 0:
            index = next(i for i, (_, cells) in enumerate(rows) if not _blank_row(cells))
    number, headers = rows[index]
    groups = None
    below = rows[index + 1][1] if index + 1 < len(rows) else []
    if _is_score_subheader(below):
        # The group headers ("Gross Risk") sit in this row and their L / I / Total columns in
        # the row below: the lower row names the score columns, the upper one their block.
        merged = [
            sub if not values.is_blank(sub) else top
            for top, sub in zip_longest(headers, below, fillvalue=None)
        ]
        filled = _fill_right(list(headers))
        groups = [
            filled[i] if i < len(below) and not values.is_blank(below[i]) else None
            for i in range(len(merged))
        ]
        return rows[index + 1][0], groups, merged
    if index > 0 and not _blank_row(rows[index - 1][1]):
        above = list(rows[index - 1][1])
        if any(group_of(v) for v in above):
            groups = _fill_right(above)
    return number, groups, list(headers)


def _is_score_subheader(cells: list[Any]) -> bool:
    """A row holding only score part headers (L, I, Total) under group headers."""
    filled = [c for c in cells if not values.is_blank(c)]
    return len(filled) >= 2 and all(is_score_part(c) for c in filled)


def _fill_right(cells: list[Any]) -> list[Any]:
    """A group header exported from merged cells sits in the first column only: carry it right."""
    filled: list[Any] = []
    last: Any = None
    for cell in cells:
        if not values.is_blank(cell):
            last = cell
        filled.append(last)
    return filled


def _blank_row(cells: list[Any]) -> bool:
    return all(values.is_blank(c) for c in cells)


def _choose_kind(
    options: ImportOptions, mapping: MappingFile | None, headers: list[Any], groups: Any
) -> tuple[str, str]:
    if options.kind:
        if options.kind not in (RISKS, ACTIONS):
            raise ValidationError(f"--kind must be risks or actions, not '{options.kind}'")
        return options.kind, "as asked (--kind)"
    if mapping and mapping.kind:
        return mapping.kind, "as the mapping file says"
    risk_columns = map_columns(headers, groups, RISKS, mapping)
    action_columns = map_columns(headers, groups, ACTIONS, mapping)
    risk_fields = {c.field for c in risk_columns if c.used}
    action_fields = {c.field for c in action_columns if c.used}
    scores = {f for f in risk_fields if f and f.endswith(("likelihood", "impact", "score"))}
    if (
        not scores
        and not risk_fields & {"controls", "cause", "effect", "cause_and_effect"}
        and ({"action", "meeting_date"} <= action_fields)
    ):
        return ACTIONS, "an action log: it has action and meeting date columns and no scores"
    return RISKS, "a risk register" + (": it has score columns" if scores else "")
