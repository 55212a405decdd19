"""Reading data rows cell by cell, each problem noted with its row and column."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from bct_risk.domain.errors import ValidationError
from bct_risk.domain.scoring import Matrix
from bct_risk.io import values
from bct_risk.io.headers import KEEP
from bct_risk.io.layout import SECTION
from bct_risk.io.records import ERROR, NOTE, WARNING, ImportOptions, ImportPlan, Problem
from bct_risk.io.values import CellError
from bct_risk.services.guard import CONTROL

NEUTRALISED = ("=", "+", "-", "@", "\t")
"""What follows the apostrophe of a CSV cell this product's export kept from running."""


class RowReader:
    """Reads data rows into records, noting each problem with its row and column."""

    def __init__(
        self,
        plan: ImportPlan,
        matrix: Matrix,
        options: ImportOptions,
        name: str,
        native: bool,
        today: date,
    ) -> None:
        self.plan, self.matrix, self.options, self.name = plan, matrix, options, name
        self.native = native
        self.by_field = {c.field: c for c in plan.columns if c.used and c.field}
        self.extra_columns = [
            c
            for c in plan.columns
            if (c.field is None and not c.how.startswith("not imported: the register works"))
            or c.field == KEEP
        ]
        """Columns with no field of their own, kept on each risk as additional fields."""
        self.row = 0
        self.cells: list[Any] = []
        self.assessed_on: date | None = None
        self.today = today
        self.section = ""
        """The section heading the rows below it fall under ("Design stage")."""
        self.errors = 0
        """How many errors the rows read so far gave."""
        self.levels: dict[str, dict[Any, Any]] = {}
        """Each score column's values read so far, with what each was read as."""
        self.scored: dict[Any, Any] = {}
        """Score cells read so far with nothing to say: their likelihood, impact and text."""

    # -- cells -----------------------------------------------------------------------------

    def raw(self, name: str) -> Any:
        column = self.by_field.get(name)
        if column is None:
            return None
        index, cells = column.index, self.cells
        if index >= len(cells):
            return None
        value = cells[index]
        # This product's CSV keeps a cell a spreadsheet would run as a formula as text by a
        # leading apostrophe (``export.data.csv_cell``): read back as it was written.
        if (
            self.native
            and isinstance(value, str)
            and value[:1] == "'"
            and value[1:2] in NEUTRALISED
            and self.plan.unit == "row"
        ):
            return value[1:]
        return value

    def text(self, name: str) -> str:
        return values.clean_text(self.raw(name))

    def long_text(self, name: str) -> str:
        """A cell as text with its paragraphs and bullet lists kept.

        This product's own export is read as written, line breaks and all (only control
        characters dropped): its text is the register's, not a PDF's wrapped lines.
        """
        raw = self.raw(name)
        if self.native and isinstance(raw, str):
            return str(CONTROL.sub("", raw))
        return values.keep_text(raw)

    def problem(self, severity: str, message: str, name: str | None = None) -> None:
        if severity == ERROR:
            self.errors += 1
        column = self.by_field[name].header if name and name in self.by_field else None
        self.plan.problems.append(Problem(severity, message, self.row, column, self.plan.unit))

    def read_rows(self, rows: Iterable[tuple[int, list[Any]]]) -> None:
        """Read every data row into the plan."""
        raise NotImplementedError

    def read(self, name: str, reader: Callable[[Any], Any]) -> Any:
        """A cell through a value reader; a CellError becomes an error on this row and column."""
        try:
            return reader(self.raw(name))
        except (CellError, ValidationError, ValueError) as exc:
            self.problem(ERROR, str(exc), name)
            return None

    def date_of(self, name: str, notes: list[str]) -> date | None:
        value = self.read(name, values.parse_date_cell)
        if isinstance(value, str):
            label = self.by_field[name].header
            notes.append(f"{label} as written: {value}")
            self.problem(WARNING, f"'{value}' is not a date; kept as text", name)
            return None
        return value if isinstance(value, date) else None

    def skip(self, cells: list[Any]) -> bool:
        """Blank rows, divider rows, and section headings (one cell filled) are skipped."""
        if cells and cells[0] == SECTION:
            self.plan.rows_skipped += 1
            self.plan.sections += 1
            self.section = values.clean_text(cells[1])[:100]
            self.plan.problems.append(
                Problem(
                    NOTE,
                    f"a merged section heading ('{self.section[:60]}'): not a risk; the risks "
                    "below it take it as their category",
                    self.row,
                    unit=self.plan.unit,
                )
            )
            return True
        filled = []  # the first two cells with a value: none, one alone, or more
        for cell in cells:
            if not values.is_blank(cell):
                filled.append(cell)
                if len(filled) == 2:
                    break
        if not filled:
            self.plan.rows_skipped += 1
            return True
        records = self.plan.unit == "record"
        if len(filled) == 1 and len(self.by_field) >= 4 and not self.native and not records:
            self.plan.rows_skipped += 1
            self.plan.sections += 1
            self.section = values.clean_text(filled[0])[:100]
            self.plan.problems.append(
                Problem(
                    NOTE,
                    f"only one cell filled ('{self.section[:60]}'): read as a section "
                    "heading; the risks below it take it as their category",
                    self.row,
                    unit=self.plan.unit,
                )
            )
            return True
        return False

    # -- risks -----------------------------------------------------------------------------
