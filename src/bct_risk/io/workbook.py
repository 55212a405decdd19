"""Reading an Excel workbook sheet by sheet, with memory bounded by the cells that hold values.

A workbook's stated size is never trusted: a sheet whose used range runs to the last row and
column (one stray cell at XFD1048576) is read as the few cells it holds. Each sheet is streamed
once (openpyxl's read-only parser), keeping only the cells with a value, which cells hold
formulas (template rows), and the merged ranges (banners, group headers, section rows).
Library warnings are caught and reported in the user's words.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bct_risk.domain.errors import ValidationError

MAX_COLUMNS = 1024
"""Columns past this one are never a register's: a value there is reported, not read."""

MAX_ROWS = 200_000
"""Rows holding values that one sheet may have; a larger sheet is refused."""

MAX_SHEET_BYTES = 512 * 1024 * 1024
"""A sheet's stated uncompressed size past this is refused before it is read."""

EXCEL_ROWS, EXCEL_COLUMNS = 1_048_576, 16_384
"""Excel's own limits: a sheet stating a larger size is not a real sheet."""


@dataclass
class Merge:
    """A merged range, 1-based and inclusive, as the sheet states it."""

    min_row: int
    min_col: int
    max_row: int
    max_col: int

    @property
    def width(self) -> int:
        """How many columns the range spans."""
        return self.max_col - self.min_col + 1


@dataclass
class Sheet:
    """One sheet: its rows holding values, its merged ranges and where its formulas are."""

    name: str
    hidden: bool
    rows: list[tuple[int, list[Any]]]
    """(row number, cells from column A to the row's last value); rows with no value left out."""
    merges: list[Merge] = field(default_factory=list)
    formulas: dict[int, set[int]] = field(default_factory=dict)
    """Row number → 0-based columns whose cell is a formula."""
    warnings: list[str] = field(default_factory=list)

    @property
    def cells(self) -> int:
        """How many cells hold a value."""
        return sum(sum(1 for c in cells if c is not None) for _, cells in self.rows)


def read_workbook(path: Path, data: bytes) -> list[Sheet]:
    """Every sheet of a workbook, hidden ones included; raises ValidationError when unreadable."""
    from openpyxl import load_workbook

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        sizes = {info.filename: info.file_size for info in archive.infolist()}
    except zipfile.BadZipFile as exc:
        raise ValidationError(
            f"{path.name} is not a readable Excel workbook (.xlsx): {exc}"
        ) from exc
    with warnings.catch_warnings(record=True) as caught, _no_size_scan():
        warnings.simplefilter("always")
        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
            raise ValidationError(
                f"{path.name} is not a readable Excel workbook (.xlsx): {exc}"
            ) from exc
        sheets: list[Sheet] = []
        try:
            for worksheet in workbook.worksheets:
                if not hasattr(worksheet, "_get_source"):
                    continue  # a chart sheet: nothing to read
                sheet_path = str(worksheet._worksheet_path).lstrip("/")
                size = sizes.get(sheet_path, 0)
                if size > MAX_SHEET_BYTES:
                    raise ValidationError(
                        f"{path.name}: sheet '{worksheet.title}' states {size // 2**20} MB of "
                        f"cells, past the {MAX_SHEET_BYTES // 2**20} MB the importer reads; "
                        "copy the register to a new workbook and import that"
                    )
                sheets.append(_read_sheet(path, worksheet))
        except (KeyError, ValueError, TypeError, SyntaxError) as exc:
            raise ValidationError(
                f"{path.name} is not a readable Excel workbook (.xlsx): {exc}"
            ) from exc
        finally:
            workbook.close()
    notes = [_warning_text(str(w.message)) for w in caught]
    if sheets:
        sheets[0].warnings.extend(n for n in notes if n)
    if not sheets:
        raise ValidationError(f"{path.name} has no sheets to read")
    return sheets


_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]+)?(\d+)?(?::([A-Z]+)(\d+))?"')


@contextmanager
def _no_size_scan() -> Iterator[None]:
    """Open sheets without openpyxl reading each one whole to find its stated size.

    A sheet's size is read from its first bytes instead (:func:`_stated_size`); a sheet that
    states none is simply read.
    """
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    original = ReadOnlyWorksheet._get_size
    ReadOnlyWorksheet._get_size = lambda self: None
    try:
        yield
    finally:
        ReadOnlyWorksheet._get_size = original


def _stated_size(worksheet: Any) -> tuple[int, int]:
    """(rows, columns) a sheet states in its ``<dimension>``, from its first few kilobytes."""
    from openpyxl.utils import column_index_from_string

    with worksheet._get_source() as source:
        head = source.read(4096)
    match = _DIMENSION.search(head)
    if match is None:
        return 0, 0
    letters = match.group(3) or match.group(1)
    digits = match.group(4) or match.group(2)
    try:
        columns = column_index_from_string(letters.decode()) if letters else 0
    except ValueError:
        columns = EXCEL_COLUMNS + 1
    return (int(digits) if digits else 0), columns


def _warning_text(message: str) -> str:
    if "outside the limits for dates" in message:
        cell = message.split()[1] if message.startswith("Cell ") else "a cell"
        return f"cell {cell} is formatted as a date but holds no real date; read as an error"
    if "extension is not supported" in message or "Data Validation" in message:
        return ""
    return f"the workbook: {message.splitlines()[0][:200]}"


def _read_sheet(path: Path, worksheet: Any) -> Sheet:
    from openpyxl.utils import coordinate_to_tuple, range_boundaries
    from openpyxl.worksheet._reader import FORMULA_TAG, INLINE_STRING, WorkSheetParser

    class _Parser(WorkSheetParser):  # type: ignore[misc]
        def parse_cell(self, element: Any) -> dict[str, Any]:
            inline = element.find(INLINE_STRING) if element.get("t") == "inlineStr" else None
            if inline is not None and not self.rich_text:
                cell = self.inline_cell(element, inline)
            else:
                cell = super().parse_cell(element)
            cell["formula"] = element.find(FORMULA_TAG) is not None
            return cell

        def inline_cell(self, element: Any, inline: Any) -> dict[str, Any]:
            """A cell holding its own text (as openpyxl and other tools write strings): the
            cell openpyxl makes of it, without building its rich-text objects (a tenth of the
            time for a sheet of text)."""
            coordinate = element.get("r")
            if coordinate:
                row, column = coordinate_to_tuple(coordinate)
                self.col_counter = column
            else:
                self.col_counter += 1
                row, column = self.row_counter, self.col_counter
            style_id = element.get("s", 0)
            return {
                "row": row,
                "column": column,
                "value": _inline_text(inline),
                "data_type": "s",
                "style_id": int(style_id) if style_id else style_id,
            }

    name = str(worksheet.title)
    state = str(getattr(worksheet, "sheet_state", "visible") or "visible")
    dimensions = _stated_size(worksheet)
    if dimensions[0] > EXCEL_ROWS or dimensions[1] > EXCEL_COLUMNS:
        raise ValidationError(
            f"{path.name}: sheet '{name}' states a size of {dimensions[0]:,} rows by "
            f"{dimensions[1]:,} columns, past what Excel allows; the file is damaged"
        )
    parent = worksheet.parent
    rows: list[tuple[int, list[Any]]] = []
    formulas: dict[int, set[int]] = {}
    far: list[str] = []
    with worksheet._get_source() as source:
        parser = _Parser(
            source,
            worksheet._shared_strings,
            data_only=True,
            epoch=parent.epoch,
            date_formats=parent._date_formats,
            timedelta_formats=parent._timedelta_formats,
        )
        for number, cells in parser.parse():
            values: dict[int, Any] = {}
            for cell in cells:
                column = int(cell["column"])
                if cell.get("formula"):
                    formulas.setdefault(number, set()).add(column - 1)
                value = cell["value"]
                if value is None or (isinstance(value, str) and not value.strip()):
                    continue
                if column > MAX_COLUMNS:
                    if len(far) < 3:
                        far.append(f"{_letter(column)}{number}")
                    continue
                values[column] = value
            if not values:
                continue
            if len(rows) >= MAX_ROWS:
                raise ValidationError(
                    f"{path.name}: sheet '{name}' holds values on more than {MAX_ROWS:,} rows, "
                    "more than the importer reads in one go; split the register and import "
                    "each part"
                )
            width = max(values)
            line: list[Any] = [None] * width
            for column, value in values.items():
                line[column - 1] = value
            rows.append((int(number), line))
        merged = parser.merged_cells
    merges: list[Merge] = []
    if merged is not None:
        for item in merged.mergeCell:
            try:
                min_col, min_row, max_col, max_row = range_boundaries(item.ref)
            except (TypeError, ValueError):
                continue
            if min_col is None or min_row is None or max_col is None or max_row is None:
                continue
            merges.append(Merge(min_row, min_col, max_row, min(max_col, MAX_COLUMNS)))
    sheet = Sheet(name, state != "visible", rows, merges, formulas)
    if far:
        sheet.warnings.append(
            f"sheet '{name}' has values past column {MAX_COLUMNS} (at {', '.join(far)}), far "
            "outside any register's columns; they are not read"
        )
    return sheet


def _inline_text(inline: Any) -> str:
    """An inline string's text as openpyxl's ``Text.content`` gives it: its plain text (the
    last ``t``), then each rich-text run's, phonetic runs left out."""
    plain: str | None = None
    runs: list[str] = []
    for child in inline:
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "t":
            plain = child.text
        elif tag == "r":
            text = None
            for part in child:
                if part.tag.rsplit("}", 1)[-1] == "t":
                    text = part.text
            if text is not None:
                runs.append(text)
    return "".join([plain, *runs] if plain is not None else runs)


def _letter(column: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(column))
