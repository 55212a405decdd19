"""What the importer reads a file into: risks and tracker actions, problems, options, the plan.

Plain data, no database: built by :func:`bct_risk.io.plan.build_plan`, written by
:func:`bct_risk.io.write.write_plan`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bct_risk.io.headers import ColumnMap, MappingFile
from bct_risk.services.bulk import (
    RiskIn,
    TrackerIn,
)
from bct_risk.services.restore import RegisterExtras

Progress = Callable[[int, int], None]
"""Told (rows read, rows in all) as a long file is read, for a progress bar."""

ERROR, WARNING, NOTE = "error", "warning", "note"
"""How serious a problem is: an error stops the import; warnings and notes are for reading."""


@dataclass(frozen=True)
class Problem:
    """Something the importer could not read as written, with where it is."""

    severity: str
    message: str
    row: int | None = None
    column: str | None = None
    unit: str = "row"

    @property
    def where(self) -> str:
        """ "row 4, column 'Likelihood'", or "" for the file as a whole."""
        parts = []
        if self.row is not None:
            parts.append(f"{self.unit} {self.row}")
        if self.column:
            parts.append(f"column '{self.column}'")
        return ", ".join(parts)

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


@dataclass(frozen=True)
class ImportOptions:
    """What the user asked for: kind of file, register, mapping file, duplicates."""

    kind: str | None = None
    """risks or actions; None to tell from the columns."""
    register: str | None = None
    """For risks, the tier (or lead committee) they go on; for actions, the committee."""
    mapping: Path | None = None
    allow_duplicates: bool = False
    """Import rows that match a risk or action already in the register."""
    sheet: str | None = None
    """The workbook's sheet to read (default: the one most like a register)."""
    header_row: int | None = None
    """The header row's number (default: found by its content)."""
    mapping_file: MappingFile | None = None
    """A mapping made in the app, used as a mapping file would be (and before it)."""


@dataclass
class ImportPlan:
    """What a file holds and how it was read: the columns, the records, the problems."""

    path: Path
    kind: str
    kind_reason: str
    description: str
    unit: str
    header_row: int | None
    """The last header row: data starts below it."""
    columns: list[ColumnMap]
    problems: list[Problem] = field(default_factory=list)
    risks: list[RiskIn] = field(default_factory=list)
    actions: list[TrackerIn] = field(default_factory=list)
    rows_read: int = 0
    rows_skipped: int = 0
    native: bool = False

    header_rows: str = ""
    """Where the headers are, as the report says it: "row 5", or "rows 4-5" for two rows."""
    sheets: list[tuple[str, str, bool]] = field(default_factory=list)
    """Each sheet of a workbook: (name, what it seems to hold, whether it was read)."""
    sheet: str | None = None
    """The sheet read, for a workbook."""
    template_rows: int = 0
    """Rows holding nothing but formula results, left out."""
    sections: int = 0
    """Section heading rows, kept as the category of the risks below them."""
    titles: list[str] = field(default_factory=list)
    """Title and banner rows above the header."""
    scales: list[str] = field(default_factory=list)
    """How each score column's scale was read and mapped, for the report."""
    prefix: str = ""
    """The prefix given to references the register already holds."""
    extras: RegisterExtras | None = None
    """This product's own JSON: what it carries beyond the rows (see ``io.history``)."""

    @property
    def errors(self) -> list[Problem]:
        """The problems that stop the import."""
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        """The problems to read before importing."""
        return [p for p in self.problems if p.severity == WARNING]


DEFAULT_COMMITTEE = "Imported"
"""The committee an action log's meetings belong to when the user names none."""
