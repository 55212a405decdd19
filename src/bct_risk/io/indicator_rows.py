"""Importing monthly indicator values from a CSV or spreadsheet (a Power BI or workbook export).

Two shapes are read, told apart by their headers:

- **long**: one row per indicator and month, with columns for the indicator (its key or its
  name), the month, the value, and optionally a comment, the national and statistical neighbour
  averages, and the period kind;
- **wide**: one row per indicator and one column per month (headers such as ``2026-10``,
  ``Oct 2026``, ``Oct-26`` or a spreadsheet date); a blank cell is a month with no value.

All or nothing: every problem is reported with its row and column, and nothing is written while
there is one. Each value goes through the ``record_value`` use case, in one transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from bct_risk.domain.errors import DomainError
from bct_risk.domain.indicators import Indicator, PeriodKind
from bct_risk.io.readers import read_table, use_sheet
from bct_risk.io.values import clean_text, is_blank
from bct_risk.io.workbook import Sheet
from bct_risk.services.context import Context
from bct_risk.services.indicator_views import Breach
from bct_risk.services.indicators import (
    ValueInput,
    authorize_indicator,
    flagged_by,
    record_value_in,
)

HEADERS: dict[str, tuple[str, ...]] = {
    "key": ("key", "indicator key", "indicator", "kpi", "measure", "indicator name", "name"),
    "period": ("period", "month", "date", "period ending", "month ending"),
    "value": ("value", "result", "actual", "performance"),
    "comment": ("comment", "comments", "commentary", "note", "notes"),
    "national": ("national average", "national", "england average", "england"),
    "neighbour": (
        "statistical neighbour average",
        "statistical neighbours",
        "stat neighbours",
        "sn average",
        "sn",
    ),
    "kind": ("period kind", "kind", "period type"),
}
"""Each field and the headers (lower case, spaces collapsed) that name it."""

MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
)}  # fmt: skip
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{1,2})(?:-\d{1,2})?(?:[ t].*)?$")
_NAMED_MONTH = re.compile(r"^([a-z]{3})[a-z]*[ \-/']+(\d{2}|\d{4})$")


@dataclass
class ValueRow:
    """One value read from the file, with where it came from."""

    where: str
    """``row 4, column 'Value'``."""
    key: str
    period: str
    """The month as ``2026-11``."""
    value: float
    kind: PeriodKind = PeriodKind.MONTH
    comment: str = ""
    national: float | None = None
    neighbour: float | None = None


@dataclass
class IndicatorImport:
    """A file read as indicator values: its shape, the values and every problem."""

    path: Path
    shape: str = ""
    """``one row per indicator and month`` or ``one column per month``."""
    rows: list[ValueRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    written: bool = False
    flagged: list[Breach] = field(default_factory=list)
    """The risks the imported values flag, read before the commit."""

    @property
    def ok(self) -> bool:
        """No problems."""
        return not self.problems


def month_of(value: Any) -> str | None:
    """A header or cell as a month ``2026-11``, or None when it is not one."""
    if isinstance(value, datetime | date):
        return f"{value.year:04d}-{value.month:02d}"
    text = clean_text(value).lower()
    match = _ISO_MONTH.match(text)
    if match and 1 <= int(match[2]) <= 12:
        return f"{int(match[1]):04d}-{int(match[2]):02d}"
    match = _NAMED_MONTH.match(text)
    if match and match[1] in MONTHS:
        year = int(match[2]) + (2000 if len(match[2]) == 2 else 0)
        return f"{year:04d}-{MONTHS[match[1]]:02d}"
    return None


def number_of(value: Any) -> float:
    """A cell as a number: ``17``, ``17%``, ``17.5``, ``1,209``; ValueError otherwise."""
    if isinstance(value, bool):
        raise ValueError(f"'{value}' is not a number")
    if isinstance(value, int | float):
        return float(value)
    text = clean_text(value).replace(",", "").rstrip("%").strip()
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"'{clean_text(value)}' is not a number") from None


def _field_of(header: Any) -> str | None:
    name = " ".join(clean_text(header).lower().replace("_", " ").split())
    for wanted, names in HEADERS.items():
        if name in names:
            return wanted
    return None


def read_indicator_values(path: Path, *, sheet: str | None = None) -> IndicatorImport:
    """Read a file of indicator values; problems are collected, not raised (bar an unreadable
    file, which raises ValidationError)."""
    table = read_table(path, sheet=sheet)
    if table.sheets:
        use_sheet(table, _choose_sheet(table.sheets, sheet))
    result = IndicatorImport(path)
    rows = [(n, cells) for n, cells in table.rows if any(not is_blank(c) for c in cells)]
    if not rows:
        result.problems.append(f"{path.name} has no rows to import")
        return result
    header_number, headers = rows[0]
    fields = {i: _field_of(h) for i, h in enumerate(headers)}
    months: dict[int, str] = {}
    for index, header in enumerate(headers):
        month = month_of(header) if fields.get(index) is None else None
        if month is not None:
            months[index] = month
    columns = {name: i for i, name in reversed(list(fields.items())) if name is not None}
    unit = table.unit
    if "key" not in columns:
        result.problems.append(
            f"{unit} {header_number}: no column names the indicator (Key, Indicator or KPI)"
        )
        return result
    if "value" in columns and "period" in columns:
        result.shape = "one row per indicator and month"
        _read_long(result, rows[1:], headers, columns, unit)
    elif months:
        result.shape = "one column per month"
        _read_wide(result, rows[1:], headers, columns, months, unit)
    else:
        result.problems.append(
            f"{unit} {header_number}: give either Period and Value columns (one row per "
            "indicator and month) or one column per month headed like 2026-11 or Nov 2026"
        )
    return result


def _choose_sheet(sheets: list[Sheet], name: str | None) -> Sheet:
    """The sheet named, else the first whose first row names the indicator, else the first
    visible sheet holding anything."""
    if name is not None:
        return next(s for s in sheets if s.name == name)
    filled = [s for s in sheets if s.rows]
    for each in filled:
        if any(_field_of(cell) == "key" for cell in each.rows[0][1]):
            return each
    visible = [s for s in filled if not s.hidden]
    return (visible or filled)[0]


def _cell(cells: list[Any], index: int | None) -> Any:
    if index is None or index >= len(cells):
        return None
    return cells[index]


def _optional_number(
    result: IndicatorImport, cells: list[Any], index: int | None, where: str
) -> float | None:
    value = _cell(cells, index)
    if is_blank(value):
        return None
    try:
        return number_of(value)
    except ValueError as exc:
        result.problems.append(f"{where}: {exc}")
        return None


def _read_long(
    result: IndicatorImport,
    rows: list[tuple[int, list[Any]]],
    headers: list[Any],
    columns: dict[str, int],
    unit: str,
) -> None:
    def at(number: int, name: str) -> str:
        return f"{unit} {number}, column '{clean_text(headers[columns[name]])}'"

    for number, cells in rows:
        key = clean_text(_cell(cells, columns["key"]))
        if not key:
            result.problems.append(f"{at(number, 'key')}: the indicator is blank")
            continue
        period_cell = _cell(cells, columns["period"])
        period = month_of(period_cell)
        if period is None:
            result.problems.append(
                f"{at(number, 'period')}: '{clean_text(period_cell)}' is not a month "
                "(write it as 2026-11 or Nov 2026)"
            )
            continue
        value_cell = _cell(cells, columns["value"])
        if is_blank(value_cell):
            result.problems.append(f"{at(number, 'value')}: the value is blank")
            continue
        try:
            value = number_of(value_cell)
        except ValueError as exc:
            result.problems.append(f"{at(number, 'value')}: {exc}")
            continue
        kind = PeriodKind.MONTH
        if "kind" in columns and not is_blank(_cell(cells, columns["kind"])):
            try:
                kind = PeriodKind.parse(clean_text(_cell(cells, columns["kind"])))
            except ValueError as exc:
                result.problems.append(f"{at(number, 'kind')}: {exc}")
                continue
        result.rows.append(
            ValueRow(
                where=at(number, "value"),
                key=key,
                period=period,
                value=value,
                kind=kind,
                comment=clean_text(_cell(cells, columns.get("comment"))),
                national=_optional_number(
                    result, cells, columns.get("national"), f"{unit} {number}"
                ),
                neighbour=_optional_number(
                    result, cells, columns.get("neighbour"), f"{unit} {number}"
                ),
            )
        )


def _read_wide(
    result: IndicatorImport,
    rows: list[tuple[int, list[Any]]],
    headers: list[Any],
    columns: dict[str, int],
    months: dict[int, str],
    unit: str,
) -> None:
    for number, cells in rows:
        key = clean_text(_cell(cells, columns["key"]))
        if not key:
            result.problems.append(
                f"{unit} {number}, column '{clean_text(headers[columns['key']])}': "
                "the indicator is blank"
            )
            continue
        for index, period in months.items():
            value = _cell(cells, index)
            if is_blank(value):
                continue
            where = f"{unit} {number}, column '{clean_text(headers[index])}'"
            try:
                result.rows.append(ValueRow(where, key, period, number_of(value)))
            except ValueError as exc:
                result.problems.append(f"{where}: {exc}")


class _RollBackError(Exception):
    """Raised inside the transaction to undo a dry run or an import with problems."""


def _find(session: Session, text: str) -> Indicator | None:
    wanted = text.strip().lower()
    for column in (Indicator.key, Indicator.name):
        found = session.exec(select(Indicator).where(func.lower(column) == wanted)).first()
        if found is not None:
            return found
    return None


def import_indicator_values(
    ctx: Context, path: Path, *, dry_run: bool = False, sheet: str | None = None
) -> IndicatorImport:
    """Read a file and record its values, all or nothing (never anything in a dry run)."""
    result = read_indicator_values(path, sheet=sheet)
    if not result.rows:
        if result.ok:
            result.problems.append(f"{path.name} has no values to import")
        return result
    try:
        with ctx.transaction() as session:
            seen: dict[tuple[str, str, PeriodKind], str] = {}
            allowed: set[int] = set()
            for row in result.rows:
                indicator = _find(session, row.key)
                if indicator is None:
                    result.problems.append(f"{row.where}: no indicator has the key '{row.key}'")
                    continue
                duplicate = seen.get((indicator.key, row.period, row.kind))
                if duplicate is not None:
                    result.problems.append(
                        f"{row.where}: {indicator.key} for {row.period} is also at {duplicate}"
                    )
                    continue
                seen[(indicator.key, row.period, row.kind)] = row.where
                row.key = indicator.key
                try:
                    if indicator.id not in allowed:
                        authorize_indicator(session, ctx, indicator)
                        allowed.add(indicator.id or 0)
                    record_value_in(
                        session,
                        ctx,
                        indicator,
                        ValueInput(
                            period=row.period,
                            value=row.value,
                            period_kind=row.kind,
                            comment=row.comment,
                            national_average=row.national,
                            neighbour_average=row.neighbour,
                            source=f"{path.name} {row.where}",
                        ),
                    )
                except DomainError as exc:
                    result.problems.append(f"{row.where}: {exc}")
            if dry_run or result.problems:
                raise _RollBackError
            result.flagged = flagged_by(session, ctx, {row.key for row in result.rows})
    except _RollBackError:
        return result
    result.written = True
    return result
