"""From a table of cells to the risks or tracker actions it describes, with every problem found.

Nothing here writes: :func:`build_plan` reads the file, recognises its columns and reads each row
into a :class:`RiskIn` or :class:`TrackerIn`, noting each problem with its row and column. The
writer (``io.write``) turns a plan into records in one transaction.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from itertools import zip_longest
from pathlib import Path
from typing import Any, TypeVar

from bct_risk.domain.enums import (
    ActionStatus,
    Appetite,
    Effectiveness,
    Labelled,
    RiskStatus,
    ScoreKind,
    Tier,
    Treatment,
)
from bct_risk.domain.errors import ValidationError
from bct_risk.domain.scoring import Matrix
from bct_risk.io import values
from bct_risk.io.headers import (
    ACTIONS,
    RISKS,
    ColumnMap,
    MappingFile,
    group_of,
    header_score,
    is_score_part,
    load_mapping,
    map_columns,
)
from bct_risk.io.readers import Table, read_table
from bct_risk.io.values import CellError, Level

ERROR, WARNING, NOTE = "error", "warning", "note"
"""How serious a problem is: an error stops the import; warnings and notes are for reading."""

HEADER_SEARCH_ROWS = 15
"""Title blocks above a register's header row are common; look this far down for the header."""

LabelledT = TypeVar("LabelledT", bound=Labelled)


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


@dataclass
class ScoreIn:
    """A likelihood x impact read from a row, and how the register wrote it."""

    likelihood: int
    impact: int
    written: str


@dataclass
class ControlIn:
    """A control read from a row (one per bullet)."""

    description: str
    owner: str | None = None
    effectiveness: Effectiveness = Effectiveness.NOT_ASSESSED


@dataclass
class FurtherActionIn:
    """A further action read from a row (one per bullet)."""

    description: str
    owner: str | None = None
    raised_on: date | None = None
    due_date: date | None = None
    status: ActionStatus = ActionStatus.OPEN


@dataclass
class RiskIn:
    """A risk as read from one row, ready to be written."""

    row: int
    source: str
    title: str
    reference: str | None = None
    description: str = ""
    cause: str = ""
    effect: str = ""
    category: str = ""
    tier: Tier = Tier.OPERATIONAL
    status: RiskStatus = RiskStatus.OPEN
    closed_reason: str | None = None
    owner: str | None = None
    lead_committee: str | None = None
    appetite: Appetite | None = None
    treatment: Treatment = Treatment.TREAT
    scores: dict[ScoreKind, ScoreIn] = field(default_factory=dict)
    assessed_on: date | None = None
    target_date: date | None = None
    next_review_date: date | None = None
    exempt: bool = False
    controls: list[ControlIn] = field(default_factory=list)
    further_actions: list[FurtherActionIn] = field(default_factory=list)


@dataclass
class TrackerIn:
    """An action from the log: one per distinct action, however many meetings carried it."""

    rows: list[int]
    source: str
    committee: str
    meeting_date: date
    description: str
    agenda_item: str = ""
    owner: str | None = None
    due_date: date | None = None
    status: ActionStatus = ActionStatus.OPEN
    completed_on: date | None = None
    risk: str | None = None
    updates: list[tuple[date, str]] = field(default_factory=list)


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
    reader = _RowReader(plan, matrix, options, path.name, plan.native, today or date.today())
    if kind == RISKS:
        reader.read_risks(data_rows)
    else:
        reader.read_actions(data_rows)
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


def _parse_choice(kind: type[LabelledT], text: str, extra: dict[str, str]) -> LabelledT:
    key = values.clean_text(text).lower()
    return kind.parse(extra.get(key, key))


_TREATMENTS = {
    "reduce": "treat",
    "mitigate": "treat",
    "accept": "tolerate",
    "avoid": "terminate",
    "share": "transfer",
    "insure": "transfer",
    "manage": "treat",
}
_TIERS = {
    "corporate": "strategic",
    "strategic risk register": "strategic",
    "directorate": "operational",
    "service": "operational",
    "departmental": "operational",
    "project": "operational",
    "trust board": "board",
}
_EFFECTIVENESS = {
    "partial": "partially_effective",
    "partially": "partially_effective",
    "adequate": "effective",
    "strong": "effective",
    "weak": "ineffective",
    "": "not_assessed",
    "not assessed": "not_assessed",
}


class _RowReader:
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
        self.row = 0
        self.cells: list[Any] = []
        self.assessed_on: date | None = None
        self.today = today

    # -- cells -----------------------------------------------------------------------------

    def raw(self, name: str) -> Any:
        column = self.by_field.get(name)
        if column is None or column.index >= len(self.cells):
            return None
        return self.cells[column.index]

    def text(self, name: str) -> str:
        return values.clean_text(self.raw(name))

    def problem(self, severity: str, message: str, name: str | None = None) -> None:
        column = self.by_field[name].header if name and name in self.by_field else None
        self.plan.problems.append(Problem(severity, message, self.row, column, self.plan.unit))

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

    def _skip(self, cells: list[Any]) -> bool:
        """Blank rows, divider rows, and section headings (one cell filled) are skipped."""
        filled = [c for c in cells if not values.is_blank(c)]
        if not filled:
            self.plan.rows_skipped += 1
            return True
        records = self.plan.unit == "record"
        if len(filled) == 1 and len(self.by_field) >= 4 and not self.native and not records:
            self.plan.rows_skipped += 1
            self.plan.problems.append(
                Problem(
                    NOTE,
                    f"only one cell filled ('{values.clean_text(filled[0])[:60]}'): "
                    "read as a section heading and skipped",
                    self.row,
                    unit=self.plan.unit,
                )
            )
            return True
        return False

    # -- risks -----------------------------------------------------------------------------

    def read_risks(self, rows: list[tuple[int, list[Any]]]) -> None:
        seen_refs: dict[str, int] = {}
        for number, cells in rows:
            self.row, self.cells = number, cells
            if self._skip(cells):
                continue
            self.plan.rows_read += 1
            risk = self.risk()
            if risk is None:
                continue
            if risk.reference:
                first = seen_refs.get(risk.reference)
                if first is not None:
                    self.problem(
                        ERROR,
                        f"the reference {risk.reference} is also on {self.plan.unit} {first}; "
                        "each risk needs its own reference",
                        "reference",
                    )
                    continue
                seen_refs[risk.reference] = number
            self.plan.risks.append(risk)

    def risk(self) -> RiskIn | None:
        notes: list[str] = []
        reference = self.text("reference").upper() or None
        if reference and len(reference) > 40:
            self.problem(
                ERROR, f"the reference '{reference}' is longer than 40 characters", "reference"
            )
        cause, effect = self.text("cause"), self.text("effect")
        combined = self.raw("cause_and_effect")
        description = self.text("description")
        if combined is not None:
            split = values.split_cause_effect(combined)
            if split is None:
                description = description or values.clean_text(combined)
            else:
                cause, effect = cause or split[0], effect or split[1]
        title = self.text("title")
        labelled = values.split_cause_effect(self.raw("title")) if title else None
        if labelled is not None and labelled[1]:
            # The only risk column holds "Risk:- … Effects:- …": it is cause and effect.
            cause, effect, title = cause or labelled[0], effect or labelled[1], ""
        if not title:
            basis = description or cause
            if not basis:
                self.problem(ERROR, "no title, description or cause: nothing says what the risk is")
                return None
            title = values.title_from(basis)
        if len(title) > 300:
            self.problem(WARNING, "title longer than 300 characters; cut to fit", "title")
            title = title[:299] + "…"
        source = f"{self.name} {self.plan.unit} {self.row}"
        written_source = self.text("source")
        if written_source:
            source = written_source if self.native else f"{source}; {written_source}"
        risk = RiskIn(
            row=self.row,
            source=source[:300],
            title=title,
            reference=reference,
            cause=cause,
            effect=effect,
        )
        category = self.text("category")
        if len(category) > 100:
            self.problem(WARNING, "category longer than 100 characters; cut to fit", "category")
        risk.category = category[:100]
        self.people(risk, notes)
        self.choices(risk)
        self.scores(risk)
        risk.assessed_on = self.assessed_on = self.date_of("assessed_on", notes)
        risk.target_date = self.date_of("target_date", notes)
        risk.next_review_date = self.date_of("next_review_date", notes)
        risk.exempt = values.truthy(self.raw("exempt"))
        risk.controls = self.controls()
        risk.further_actions = self.further_actions(notes)
        comments = self.raw("comments")
        parts = [description]
        if not values.is_blank(comments):
            header = self.by_field["comments"].header
            parts.append(f"{header}: {values.clean_text(comments)}")
        parts.extend(notes)
        risk.description = "\n\n".join(p for p in parts if p)
        return risk

    def people(self, risk: RiskIn, notes: list[str]) -> None:
        raw_owner = self.raw("owner")
        # This product's own export names one risk owner per risk, whatever the name holds.
        names = [self.text("owner")] if self.native and raw_owner else values.owners(raw_owner)
        if names:
            risk.owner = names[0]
            if len(names) > 1:
                joint = " / ".join(names)
                notes.append(f"Risk owners as written: {joint}")
                self.problem(
                    NOTE,
                    f"{len(names)} owners ({joint}): {names[0]} is the risk owner, "
                    "all are named in the description",
                    "owner",
                )
        committee = self.text("lead_committee")
        risk.lead_committee = committee or None

    def choices(self, risk: RiskIn) -> None:
        tier_text = self.text("tier")
        if tier_text:
            risk.tier = self.read("tier", lambda v: _parse_choice(Tier, v, _TIERS)) or risk.tier
        elif self.options.register:
            try:
                risk.tier = _parse_choice(Tier, self.options.register, _TIERS)
            except ValueError:
                risk.lead_committee = risk.lead_committee or self.options.register
        status_text = self.text("status")
        status = values.risk_status(status_text)
        if status is None:
            self.problem(
                WARNING,
                f"status '{status_text}' is neither open nor closed; imported as open",
                "status",
            )
            status = RiskStatus.OPEN
        risk.status = status
        if status == RiskStatus.CLOSED:
            risk.closed_reason = self.text("closed_reason") or (
                f"Closed on the imported register ({self.name} {self.plan.unit} {self.row})"
            )
        if self.text("appetite"):
            risk.appetite = self.read("appetite", lambda v: _parse_choice(Appetite, v, {}))
        if self.text("treatment"):
            treatment = self.read("treatment", lambda v: _parse_choice(Treatment, v, _TREATMENTS))
            risk.treatment = treatment or risk.treatment

    def scores(self, risk: RiskIn) -> None:
        for kind in ScoreKind:
            found = self.score(kind.value)
            if found is not None:
                risk.scores[kind] = found

    def level(self, name: str) -> Level | None:
        column = self.by_field.get(name)
        if column is None:
            return None
        axis = name.split("_")[-1]
        return self.read(name, lambda v: values.parse_level(v, axis, self.matrix, column.scale))  # type: ignore[no-any-return]

    def score(self, kind: str) -> ScoreIn | None:
        names = {p: f"{kind}_{p}" for p in ("likelihood", "impact", "score")}
        if not any(n in self.by_field for n in names.values()):
            return None
        before = len(self.plan.errors)
        likelihood, impact = self.level(names["likelihood"]), self.level(names["impact"])
        stated = self.read(names["score"], values.parse_score)
        if len(self.plan.errors) > before:
            return None
        written_parts = []
        for part in ("likelihood", "impact", "score"):
            column = self.by_field.get(names[part])
            cell = values.clean_text(self.raw(names[part])) if column else ""
            if column and cell:
                written_parts.append(f"{column.header}: {cell}")
        written = "; ".join(written_parts)
        if (
            likelihood is None
            and impact is None
            and stated is not None
            and (stated.likelihood is not None and stated.impact is not None)
        ):
            # "4x5=20": likelihood first, as the matrix is written (likelihood x impact).
            try:
                likelihood = values.parse_level(stated.likelihood, "likelihood", self.matrix)
                impact = values.parse_level(stated.impact, "impact", self.matrix)
            except CellError as exc:
                self.problem(ERROR, str(exc), names["score"])
                return None
            self.problem(
                NOTE,
                f"'{stated.written}' read as likelihood {stated.likelihood} x "
                f"impact {stated.impact}",
                names["score"],
            )
        if likelihood is None or impact is None:
            given = [p for p, v in (("likelihood", likelihood), ("impact", impact)) if v]
            if given or stated is not None:
                if given:
                    missing = "impact" if given[0] == "likelihood" else "likelihood"
                    what = f"{_a(kind)} {given[0]} without its {missing}"
                else:
                    shown = stated.written if stated else ""
                    what = f"{_a(kind)} score ('{shown}') without likelihood and impact"
                self.problem(
                    WARNING,
                    f"{what}: no {kind} assessment imported",
                    names["score"] if not given else names[given[0]],
                )
            return None
        assert likelihood is not None and impact is not None
        if stated is not None:
            original = _original_product(likelihood, impact)
            if stated.value is None:
                self.problem(
                    NOTE,
                    f"score '{stated.written}' is not a number; "
                    f"likelihood x impact = {likelihood.value * impact.value} used",
                    names["score"],
                )
            elif stated.value not in (original, likelihood.value * impact.value):
                self.problem(
                    WARNING,
                    f"the stated {kind} score {stated.value} is not likelihood x impact "
                    f"({_product_text(likelihood, impact)}); imported as "
                    f"{likelihood.value} x {impact.value} = {likelihood.value * impact.value}",
                    names["score"],
                )
        for level, axis in ((likelihood, "likelihood"), (impact, "impact")):
            if level.converted and level.scale != 5:
                self.problem(
                    NOTE,
                    f"{axis} '{level.written}' on a 1-{level.scale} scale read as "
                    f"{level.value} of 5",
                    names[axis],
                )
        return ScoreIn(likelihood.value, impact.value, written)

    def controls(self) -> list[ControlIn]:
        raw = self.raw("controls")
        if isinstance(raw, list) and any(isinstance(i, dict) for i in raw):
            found = []
            for item in raw:
                if not isinstance(item, dict) or not values.clean_text(item.get("description")):
                    self.problem(ERROR, "a control with no description", "controls")
                    continue
                try:
                    effectiveness: Effectiveness | None = _parse_choice(
                        Effectiveness, str(item.get("effectiveness") or ""), _EFFECTIVENESS
                    )
                except ValueError as exc:
                    self.problem(ERROR, str(exc), "controls")
                    effectiveness = None
                found.append(
                    ControlIn(
                        values.clean_text(item["description"]),
                        values.clean_text(item.get("owner")) or None,
                        effectiveness or Effectiveness.NOT_ASSESSED,
                    )
                )
            return found
        return [ControlIn(text) for text in values.bullet_items(raw)]

    def further_actions(self, notes: list[str]) -> list[FurtherActionIn]:
        raw = self.raw("further_actions")
        if isinstance(raw, list) and any(isinstance(i, dict) for i in raw):
            found = []
            for item in raw:
                text = values.clean_text(item.get("description")) if isinstance(item, dict) else ""
                if not text:
                    self.problem(ERROR, "a further action with no description", "further_actions")
                    continue
                assert isinstance(item, dict)
                try:
                    raised = values.parse_date_cell(item.get("raised_on"))
                    due = values.parse_date_cell(item.get("due_date"))
                    status, _ = values.action_status(item.get("status"))
                    if item.get("status"):
                        status = ActionStatus.parse(str(item["status"]))
                except (CellError, ValueError) as exc:
                    self.problem(ERROR, f"further action '{text[:40]}': {exc}", "further_actions")
                    continue
                found.append(
                    FurtherActionIn(
                        text,
                        values.clean_text(item.get("owner")) or None,
                        raised if isinstance(raised, date) else None,
                        due if isinstance(due, date) else None,
                        status,
                    )
                )
            return found
        items = [FurtherActionIn(text) for text in values.bullet_items(raw)]
        due = self.date_of("action_due_date", notes) if "action_due_date" in self.by_field else None
        for item in items:
            item.due_date = due
            # The register does not say when the action was raised: no later than it was due.
            if due is not None:
                item.raised_on = min(due, self.assessed_on or self.today)
        return items

    # -- action logs -----------------------------------------------------------------------

    def read_actions(self, rows: list[tuple[int, list[Any]]]) -> None:
        committee_default = self.options.register or DEFAULT_COMMITTEE
        carried: date | None = None
        carried_note = False
        merged: dict[tuple[str, str, str], TrackerIn] = {}
        latest: dict[tuple[str, str, str], date] = {}
        for number, cells in rows:
            self.row, self.cells = number, cells
            if self._skip(cells):
                continue
            self.plan.rows_read += 1
            text = self.text("action")
            if not text:
                self.problem(ERROR, "no action text", "action")
                continue
            when = self.read("meeting_date", values.parse_date_cell)
            if when is None and "meeting_date" in self.by_field and carried is not None:
                when = carried
                if not carried_note:
                    self.problem(
                        NOTE,
                        "no meeting date: the date of the row above is used "
                        "(and for later rows like it)",
                        "meeting_date",
                    )
                    carried_note = True
            if isinstance(when, str):
                self.problem(ERROR, f"the meeting date '{when}' is not a date", "meeting_date")
                continue
            if not isinstance(when, date):
                if "meeting_date" not in self.by_field:
                    self.problem(
                        ERROR,
                        "no meeting date column: an action log needs the date "
                        "of the meeting each action was raised at",
                    )
                elif not any(p.severity == ERROR and p.row == number for p in self.plan.problems):
                    self.problem(ERROR, "no meeting date", "meeting_date")
                continue
            carried = when
            committee = self.text("committee") or committee_default
            names = values.owners(self.raw("owner"))
            owner = names[0] if names else None
            if len(names) > 1:
                self.problem(
                    NOTE,
                    f"several owners ({', '.join(names)}); {owner} owns the "
                    "action, the others are named in its first update",
                    "owner",
                )
            notes: list[str] = []
            due = self.date_of("due_date", notes)
            status_text = self.text("status")
            status, recognised = values.action_status(status_text)
            update_text = self.text("update")
            key = (committee.lower(), _key(text), (owner or "").lower())
            item = merged.get(key)
            if item is None:
                reference = self.text("reference")
                source = f"{self.name} {self.plan.unit} {number}" + (
                    f" (item {reference})" if reference else ""
                )
                item = TrackerIn(
                    rows=[],
                    source=source[:300],
                    committee=committee,
                    meeting_date=when,
                    description=text,
                    agenda_item=self.text("agenda_item")[:300],
                    owner=owner,
                    risk=self.text("risk").upper() or None,
                )
                merged[key] = item
                self.plan.actions.append(item)
            else:
                self.problem(
                    NOTE,
                    f"the same action as {self.plan.unit} {item.rows[0]} "
                    "(carried forward): its status here is added as an update",
                )
            item.rows.append(number)
            item.meeting_date = min(item.meeting_date, when)
            if due is not None:
                item.due_date = due
            if key not in latest or when >= latest[key]:
                latest[key] = when
                item.status = status
                if status == ActionStatus.COMPLETE and item.completed_on is None:
                    item.completed_on = when
                elif status != ActionStatus.COMPLETE:
                    item.completed_on = None
            extra = [f"Other owners: {', '.join(names[1:])}"] if len(names) > 1 else []
            said = [f"Status: {status_text}" if status_text else "", update_text, *notes, *extra]
            said = [s for s in said if s]
            if said:
                item.updates.append((when, " ".join(said)))
            if status_text and not recognised:
                self.problem(
                    NOTE,
                    f"status '{status_text[:60]}' read as {status.label.lower()}; "
                    "the words are kept as an update",
                    "status",
                )
        for item in self.plan.actions:
            item.updates.sort(key=lambda u: u[0])
            if item.due_date is not None and item.due_date < item.meeting_date:
                self.plan.problems.append(
                    Problem(
                        ERROR,
                        f"due date {item.due_date.isoformat()} is before the meeting of "
                        f"{item.meeting_date.isoformat()} that raised the action",
                        item.rows[0],
                        self.by_field["due_date"].header,
                        self.plan.unit,
                    )
                )


def _a(word: str) -> str:
    return f"an {word}" if word[:1] in "aeiou" else f"a {word}"


def _key(text: str) -> str:
    """Action text compared without case, spacing or closing punctuation."""
    return re.sub(r"[\s.]+$", "", " ".join(text.lower().split()))


def _original_product(likelihood: Level, impact: Level) -> int | None:
    first, second = values.number_in(likelihood.written), values.number_in(impact.written)
    if first is None or second is None:
        return None
    return int(first * second)


def _product_text(likelihood: Level, impact: Level) -> str:
    if likelihood.converted or impact.converted:
        return (
            f"{likelihood.written} x {impact.written}, read as {likelihood.value} x "
            f"{impact.value} = {likelihood.value * impact.value}"
        )
    return f"{likelihood.value} x {impact.value} = {likelihood.value * impact.value}"
