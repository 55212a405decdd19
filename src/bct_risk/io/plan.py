"""From a table of cells to the risks or tracker actions it describes, with every problem found.

Nothing here writes: :func:`build_plan` reads the file, recognises its columns and reads each row
into a :class:`RiskIn` or :class:`TrackerIn`, noting each problem with its row and column. The
writer (``io.write``) turns a plan into records in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
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
    is_score_part,
    load_mapping,
    map_columns,
    recognise,
)
from bct_risk.io.history import read_history
from bct_risk.io.layout import (
    SECTION,
    best_header,
    choose,
    legend_pairs,
    prepare,
    spread_group_row,
    survey,
)
from bct_risk.io.readers import Table, read_table, use_sheet
from bct_risk.io.records import (
    ERROR,
    NOTE,
    WARNING,
    ImportOptions,
    ImportPlan,
    Problem,
    Progress,
)
from bct_risk.io.risk_rows import RiskRowReader
from bct_risk.io.scales import detect, own_key, pair_columns


def build_plan(
    path: Path,
    matrix: Matrix,
    options: ImportOptions | None = None,
    today: date | None = None,
    *,
    progress: Progress | None = None,
) -> ImportPlan:
    """Read a file and everything in it; raises ValidationError only when the file is unreadable.

    ``today`` (the register's clock) dates what the file leaves undated.
    """
    options = options or ImportOptions()
    mapping = options.mapping_file or (load_mapping(options.mapping) if options.mapping else None)
    wanted_sheet = options.sheet or (mapping.sheet if mapping else None)
    table = read_table(path, sheet=wanted_sheet)
    sheet_lines: list[tuple[str, str, bool]] = []
    legend: dict[str, int] = {}
    if table.sheets:
        surveys = survey(table.sheets)
        if wanted_sheet is not None:
            chosen = next(s for s in surveys if s.sheet.name == wanted_sheet)
        else:
            chosen = choose(surveys)
        use_sheet(table, chosen.sheet)
        for each in surveys:
            sheet_lines.append((each.sheet.name, each.what, each is chosen))
            if each is not chosen:
                legend.update(legend_pairs(each.sheet.rows))
    header_row, groups, headers = _find_header(table, mapping, options.header_row)
    if table.sheet is not None and header_row is not None:
        legend.update(legend_pairs([r for r in table.rows if r[0] < header_row]))
    if table.sheet is not None and header_row is not None:
        prepared = prepare(table.sheet, header_row, len(headers))
        data_rows = prepared.rows
    else:
        prepared = None
        data_rows = [(n, cells) for n, cells in table.rows if header_row is None or n > header_row]
    free_text = _free_text_columns(headers, data_rows)
    pairs = pair_columns(headers, groups, data_rows)
    kind, reason = _choose_kind(options, mapping, headers, groups)
    columns = map_columns(
        headers, groups, kind, mapping, free_text | pairs.free_text, pairs.words_of
    )
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
    plan.sheets = sheet_lines
    plan.sheet = table.sheet.name if table.sheet is not None else None
    if prepared is not None:
        plan.template_rows = prepared.template_rows
        plan.titles = prepared.titles
        if prepared.template_rows:
            plan.problems.append(
                Problem(
                    NOTE,
                    f"{prepared.template_rows} rows hold nothing but formula results (an empty "
                    "template): skipped",
                )
            )
    if header_row:
        top = header_row - 1 if groups is not None else header_row
        plan.header_rows = f"rows {top}-{header_row}" if top != header_row else f"row {header_row}"
    plan.problems.extend(Problem(WARNING, w) for w in table.warnings)
    if kind == RISKS:
        own = own_key(columns, data_rows, pairs)
        plan.problems.extend(own.problems)
        legend.update(own.legend)
        fixed = {c.index for c in columns if c.scale != 5}
        plan.scales = own.lines + detect(columns, data_rows, matrix, legend, fixed)
        plan.problems.extend(
            Problem(WARNING, line) for line in plan.scales if line.startswith("guessed")
        )
    filled = _filled_columns(data_rows)
    for column in columns:
        if column.field is None:
            derived = column.how.startswith("not imported: the register works")
            keeps = kind == RISKS and not derived and column.index in filled
            if keeps:
                column.how = (
                    f"{column.how}; kept on each risk as an additional field"
                    if column.how != "not recognised"
                    else "no field of its own: kept on each risk as an additional field"
                )
            plan.problems.append(
                Problem(
                    NOTE if derived or keeps else WARNING,
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
        where = f" on sheet '{plan.sheet}'" if plan.sheet else ""
        others = [name for name, _, read in plan.sheets if not read]
        hint = (
            f"; or choose another sheet (--sheet, or the sheet list on the import screen; its "
            f"sheets: {', '.join(others)})"
            if others
            else ""
        )
        plan.problems.append(
            Problem(
                ERROR,
                f"no column{where} gives {need}; the columns found are: {found}. Name the "
                f"columns in a mapping file (--mapping), or map them on the import screen "
                f"(ctrl+e on a column), to import this file{hint}",
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
    reader_class = RiskRowReader if kind == RISKS else ActionRowReader
    reader = reader_class(plan, matrix, options, path.name, plan.native, today or date.today())
    reader.read_rows(data_rows if progress is None else _tracked(data_rows, progress))
    if table.history:
        read_history(plan, table.history, today or date.today())
    if plan.rows_read == 0 and not plan.errors:
        plan.problems.append(Problem(ERROR, f"{path.name} has headers but no rows to import"))
    return plan


def _tracked(
    rows: list[tuple[int, list[Any]]], progress: Progress
) -> Iterator[tuple[int, list[Any]]]:
    """The rows, telling ``progress`` every 500 rows and at the end."""
    total = len(rows)
    for done, row in enumerate(rows, start=1):
        yield row
        if done % 500 == 0 or done == total:
            progress(done, total)


def _filled_columns(rows: list[tuple[int, list[Any]]]) -> set[int]:
    """The columns with a value in any row (each looked at down to its first value)."""
    data = [cells for _, cells in rows if not (cells and cells[0] == SECTION)]
    width = max((len(cells) for cells in data), default=0)
    return {
        index
        for index in range(width)
        if any(index < len(cells) and not values.is_blank(cells[index]) for cells in data)
    }


def _free_text_columns(headers: list[Any], rows: list[tuple[int, list[Any]]]) -> set[int]:
    """Columns whose cells are mostly sentences (three words or more, not scale words)."""
    found: set[int] = set()
    for index, header in enumerate(headers):
        if not is_score_part(header) and not _score_header(header):
            continue
        cells = [
            c[index]
            for _, c in rows[:500]
            if index < len(c) and not values.is_blank(c[index]) and c[0] != SECTION
        ]
        if not cells:
            continue
        prose = [
            c
            for c in cells
            if isinstance(c, str) and values.number_in(c) is None and len(c.split()) >= 3
        ]
        if len(prose) * 2 > len(cells):
            found.add(index)
    return found


def _score_header(header: Any) -> bool:
    found = recognise(header, RISKS)
    return bool(found and found[0].endswith(("likelihood", "impact", "score")))


def _find_header(
    table: Table, mapping: MappingFile | None, asked: int | None = None
) -> tuple[int | None, list[Any] | None, list[Any]]:
    """The header row, the group row above it (two-row headers), and the header cells."""
    rows = table.rows
    if table.header_row is not None:
        return table.header_row, None, list(rows[0][1])
    wanted = asked or (mapping.header_row if mapping and mapping.header_row else None)
    merges = table.sheet.merges if table.sheet is not None else []
    if wanted is not None:
        index = next((i for i, (n, _) in enumerate(rows) if n == wanted), None)
        if index is None:
            last = rows[-1][0] if rows else 0
            raise ValidationError(
                f"header row {wanted} holds nothing (the last row with values is {last})"
            )
    else:
        index, best, _ = best_header(rows, merges)
        if best == 0 or index < 0:
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
        spread = spread_group_row(list(headers), number, merges)
        filled = spread if spread != list(headers) else _fill_right(list(headers))
        groups = [
            filled[i]
            if i < len(below) and i < len(filled) and not values.is_blank(below[i])
            else None
            for i in range(len(merged))
        ]
        return rows[index + 1][0], groups, merged
    if index > 0 and not _blank_row(rows[index - 1][1]) and rows[index - 1][0] == number - 1:
        above_number, above = rows[index - 1][0], list(rows[index - 1][1])
        if any(group_of(v) for v in above):
            spread = spread_group_row(above, above_number, merges)
            groups = spread if spread != above else _fill_right(above)
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
