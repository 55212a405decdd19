"""Importing a register or an action log: a dry run first, its report read, then the import.

The dry run goes through the importer's full steps and rolls back, so the report (how the file
was read, the column mapping, the counts, every problem by row and column) is what the real
import will do. Importing is offered only for the file and options just checked, with no errors.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from rich.table import Table
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.markup import escape
from textual.screen import ModalScreen, Screen
from textual.widgets import (
    Checkbox,
    DataTable,
    DirectoryTree,
    Footer,
    Header,
    Input,
    Label,
    OptionList,
    ProgressBar,
    Select,
    Static,
)
from textual.widgets.option_list import Option

from bct_risk.domain.errors import DomainError
from bct_risk.io import ImportOptions, ImportResult, import_file
from bct_risk.io.headers import IGNORE, KEEP, RISKS, MappingFile, field_names, save_mapping
from bct_risk.io.records import ERROR, NOTE, WARNING
from bct_risk.services.context import Context
from bct_risk.tui.actions import UserAction, bindings
from bct_risk.tui.screens.confirm import ConfirmScreen
from bct_risk.tui.services import call_service

READABLE = {".xlsx", ".xlsm", ".csv", ".tsv", ".txt", ".json", ".yaml", ".yml"}
"""The files the importer reads, as the file picker offers them."""

KINDS: tuple[tuple[str, str], ...] = (("Risks", "risks"), ("Action log", "actions"))
"""What a file can hold, as the kind picker offers it."""

_SEVERITY_STYLE = {ERROR: "bold $text-error", WARNING: "$text-warning", NOTE: "$text-muted"}


@dataclass(frozen=True)
class Request:
    """The file and options a dry run was made for: the import must be for the same."""

    path: Path
    options: ImportOptions


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


def counts_text(result: ImportResult) -> str:
    """What the import adds (or would add), in a sentence's words."""
    plan, counts = result.plan, result.counts
    if plan.kind == "risks":
        parts = [
            _count(len(counts.risks), "risk"),
            _count(counts.assessments, "assessment"),
            _count(counts.controls, "control"),
            _count(counts.further_actions, "further action"),
        ]
    else:
        parts = [
            _count(counts.tracker_actions, "tracker action"),
            _count(counts.updates, "update"),
            _count(len(counts.meetings), "meeting"),
            _count(len(counts.committees), "committee"),
        ]
    parts.append(_count(len(counts.people), "new person", "new people"))
    return ", ".join(parts)


def report_summary(result: ImportResult) -> str:
    """How the file was read and what it would add (Textual markup)."""
    plan, counts = result.plan, result.counts
    lines = [
        f"[b]{escape(plan.path.name)}[/b]: {escape(plan.description)}",
        f"Read as {escape(plan.kind_reason)}.",
    ]
    if plan.header_rows:
        lines.append(f"Headers in {escape(plan.header_rows)}.")
    skipped = f", {plan.rows_skipped} blank or heading rows skipped" if plan.rows_skipped else ""
    lines.append(f"{_count(plan.rows_read, plan.unit)} read{skipped}.")
    verb = "Added" if result.written else "Would add"
    if result.ok or result.dry_run:
        lines.append(f"[b]{verb}[/b]: {counts_text(result)}.")
    if counts.people:
        lines.append("New people: " + escape(", ".join(counts.people)))
    if counts.committees:
        lines.append("New committees: " + escape(", ".join(counts.committees)))
    if counts.matched:
        lines.append(f"Already in the register, left out: {len(counts.matched)}.")
    return "\n".join(lines)


def imported_as(column: object) -> str:
    """What a column is imported as, in words: a field, "kept as text" or "–"."""
    field = getattr(column, "field", None)
    how = str(getattr(column, "how", ""))
    if field and field not in (IGNORE, KEEP):
        return str(field).replace("_", " ")
    if field == KEEP or "additional field" in how:
        return "kept as text"
    return "–"


def layout_text(result: ImportResult) -> str:
    """The workbook's sheets and how each score column's scale was read (Textual markup)."""
    plan = result.plan
    lines = []
    if plan.sheets:
        lines.append("[b]Sheets[/b] (choose another above to read it instead)")
        for name, what, read in plan.sheets:
            mark = "[b]read →[/b] " if read else "       "
            lines.append(f"{mark}'{escape(name)}': {escape(what)}")
    if plan.titles:
        lines.append("Titles above the header: " + escape(" | ".join(plan.titles[:3])))
    for line in plan.scales:
        lines.append(f"Scale: {escape(line)}")
    return "\n".join(lines)


def mapping_table(result: ImportResult) -> Table:
    """Each column of the file, the field it is imported as, and how that was decided."""
    table = Table(title="Column mapping", title_justify="left", expand=True)
    for name in ("Column", "Imported as", "How"):
        table.add_column(name, overflow="fold")
    for column in result.plan.columns:
        table.add_row(column.header, imported_as(column), column.how)
    return table


def problems_text(result: ImportResult) -> str:
    """Every problem, errors first, one line each with its row and column (Textual markup)."""
    plan = result.plan
    order = (ERROR, WARNING, NOTE)
    problems = sorted(plan.problems, key=lambda p: (order.index(p.severity), p.row or 0))
    if not problems:
        return "[b]No problems found.[/b]"
    lines = [
        f"[b]Problems ({_count(len(plan.errors), 'error')}, "
        f"{_count(len(plan.warnings), 'warning')})[/b]"
    ]
    for problem in problems:
        style = _SEVERITY_STYLE.get(problem.severity, "")
        lines.append(
            f"[{style}]{problem.severity}[/] {escape(problem.where or 'file')}: "
            f"{escape(problem.message)}"
        )
    return "\n".join(lines)


class ImportScreen(Screen[None]):
    """Name a file, check it (a dry run) and read the report, then import it after confirming."""

    ACTIONS: ClassVar[tuple[UserAction, ...]] = (
        UserAction("check", "ctrl+r", "Check", "Read the file and show what would be imported"),
        UserAction("browse", "ctrl+o", "Browse", "Choose the file to import from a folder tree"),
        UserAction("import_checked", "ctrl+s", "Import", "Import the checked file, after asking"),
        UserAction("map_column", "ctrl+e", "Map column", "Map the chosen column to a field"),
        UserAction("save_mapping", "ctrl+k", "Save mapping", "Save the mapping as a file"),
        UserAction("back", "escape", "Back", "Back to the register without importing"),
    )
    BINDINGS = bindings(ACTIONS)
    AUTO_FOCUS = "#import-path"
    DEFAULT_CSS = """
    #import-layout-options { height: auto; }
    #import-sheet { width: 40; margin-right: 1; }
    #import-header-row { width: 22; margin-right: 1; }
    #import-titles-as-people { width: auto; }
    #import-mapping { height: auto; max-height: 16; margin-top: 1; }
    #import-progress { height: 1; padding: 0 1; }
    #import-layout { margin-top: 1; }
    """

    def __init__(self, ctx: Context) -> None:
        super().__init__()
        self.ctx = ctx
        self.checked: tuple[Request, ImportResult] | None = None
        """The last dry run and what it was for."""
        self.overrides: dict[str, str] = {}
        """Columns the user mapped on this screen: header → field (or keep, ignore)."""
        self._filling = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="import-form"):
            yield Label(
                "File to import (.xlsx, .csv, .json or .yaml): type it and press Enter, "
                "or ctrl+o to browse",
                classes="field-label",
            )
            yield Input(
                placeholder="e.g. registers/corporate-risks.xlsx", id="import-path", compact=True
            )
            with Horizontal(id="import-options"):
                yield Input(
                    placeholder="Register: tier or lead committee (optional)",
                    id="import-register",
                    compact=True,
                )
                yield Select(
                    KINDS, prompt="Kind: told from the columns", id="import-kind", compact=True
                )
            with Horizontal(id="import-layout-options"):
                yield Select(
                    [], prompt="Sheet: the one most like a register", id="import-sheet",
                    compact=True,
                )  # fmt: skip
                yield Input(
                    placeholder="Header row: found",
                    id="import-header-row",
                    type="integer",
                    compact=True,
                )
            yield Checkbox(
                "Owners written as job titles become people",
                id="import-titles-as-people",
                compact=True,
            )
        yield Static(
            "Nothing is written until you check the file and confirm the import.",
            id="import-status",
        )
        yield ProgressBar(id="import-progress", show_eta=False)
        with VerticalScroll(id="import-report"):
            yield Static(id="import-summary")
            yield Static(id="import-layout")
            yield DataTable(id="import-mapping", cursor_type="row", zebra_stripes=True)
            yield Static(id="import-problems")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Import a register or action log"
        table = self.query_one("#import-mapping", DataTable)
        table.add_columns("Column", "Imported as", "How")
        self.query_one("#import-progress", ProgressBar).display = False

    # -- reading what the user asked for --------------------------------------------------------

    def request(self) -> Request | None:
        """The file and options as typed, or None (and a message) when no file is named."""
        name = self.query_one("#import-path", Input).value.strip()
        if not name:
            self._status("Give the file to import.", error=True)
            return None
        path = Path(name).expanduser()
        register = self.query_one("#import-register", Input).value.strip()
        kind = self.query_one("#import-kind", Select).value
        sheet = self.query_one("#import-sheet", Select).value
        typed_row = self.query_one("#import-header-row", Input).value.strip()
        header_row = int(typed_row) if typed_row.isdigit() and int(typed_row) > 0 else None
        mapping = self.mapping()
        options = ImportOptions(
            kind=kind if isinstance(kind, str) else None,
            register=register or None,
            sheet=sheet if isinstance(sheet, str) else None,
            header_row=header_row,
            mapping_file=mapping if mapping.columns or mapping.job_titles_as_people else None,
        )
        return Request(path if path.is_absolute() else Path.cwd() / path, options)

    def mapping(self) -> MappingFile:
        """The mapping as chosen on this screen: sheet, header row, mapped columns, owners."""
        kind = self.query_one("#import-kind", Select).value
        sheet = self.query_one("#import-sheet", Select).value
        typed_row = self.query_one("#import-header-row", Input).value.strip()
        return MappingFile(
            columns=dict(self.overrides),
            kind=kind if isinstance(kind, str) else None,
            sheet=sheet if isinstance(sheet, str) else None,
            header_row=int(typed_row) if typed_row.isdigit() and int(typed_row) > 0 else None,
            job_titles_as_people=self.query_one("#import-titles-as-people", Checkbox).value,
        )

    def _status(self, text: str, *, error: bool = False) -> None:
        status = self.query_one("#import-status", Static)
        status.update(text)
        status.set_class(error, "-error")

    @on(Input.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    def _changed(self, event: Input.Changed | Select.Changed | Checkbox.Changed) -> None:
        # A report is for the file and options it was made with: a change needs a new check.
        sheet_changed = event.control.id == "import-sheet"
        if sheet_changed:
            value = event.value
            read = self.checked[1].plan.sheet if self.checked is not None else None
            if self._filling or not isinstance(value, str) or value == read:
                return  # the sheet list being filled in, or the sheet already read
        if event.control.id == "import-path":
            self.overrides.clear()
        if self.checked is not None:
            self.checked = None
            self._status("Changed since the check: press Enter or ctrl+r to check again.")
        if sheet_changed:
            # Another sheet has other columns: its mapping starts afresh, and is shown at once.
            self.overrides.clear()
            self.query_one("#import-header-row", Input).value = ""
            self.action_check()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_check()

    # -- the dry run and the import -------------------------------------------------------------

    def action_check(self) -> None:
        """Dry run: read the file, go through the import, roll back, show the report."""
        request = self.request()
        if request is None:
            return
        self.checked = None
        self._status(f"Checking {request.path.name}…")
        tell = self._progress_teller()
        call_service(
            self,
            lambda: import_file(
                self.ctx, request.path, request.options, dry_run=True, progress=tell
            ),
            lambda result: self._checked(request, result),
            group="import",
            failed=self._failed,
        )

    def _progress_teller(self) -> Callable[[int, int], None]:
        """A progress callback for the worker thread: the bar shows for long files only."""

        def show(done: int, total: int) -> None:
            bar = self.query_one("#import-progress", ProgressBar)
            bar.display = done < total
            bar.update(total=total, progress=done)

        def tell(done: int, total: int) -> None:
            if total >= 2000 and self.is_attached:
                self.app.call_from_thread(show, done, total)

        return tell

    def _checked(self, request: Request, result: ImportResult) -> None:
        self._show_report(result)
        # The sheet list now shows the sheet read: the same request, with it named.
        now = self.request()
        self.checked = (now if now is not None and now.path == request.path else request, result)
        errors = len(result.plan.errors)
        if errors:
            stop = f"{errors} problems stop" if errors != 1 else "1 problem stops"
            self._status(
                f"{stop} the import; nothing can be written. Fix them in the file, or choose "
                "the sheet, header row or a column's field (ctrl+e) above, and check it again.",
                error=True,
            )
        else:
            self._status(f"Checked: nothing was written. ctrl+s imports {counts_text(result)}.")

    def _show_report(self, result: ImportResult) -> None:
        self.query_one("#import-progress", ProgressBar).display = False
        self.query_one("#import-summary", Static).update(report_summary(result))
        self.query_one("#import-layout", Static).update(layout_text(result))
        table = self.query_one("#import-mapping", DataTable)
        table.clear()
        for column in result.plan.columns:
            table.add_row(column.header, imported_as(column), column.how, key=str(column.index))
        self.query_one("#import-problems", Static).update(problems_text(result))
        self._fill_sheets(result)

    def _fill_sheets(self, result: ImportResult) -> None:
        """Offer the workbook's sheets, the one read chosen; the header row as found."""
        select = self.query_one("#import-sheet", Select)
        self._filling = True
        try:
            names = [(name, name) for name, _, _ in result.plan.sheets]
            select.set_options(names)
            select.disabled = not names
            if result.plan.sheet is not None:
                select.value = result.plan.sheet
            header = self.query_one("#import-header-row", Input)
            if result.plan.header_row and not header.value.strip():
                header.placeholder = f"Header row: {result.plan.header_row} (found)"
        finally:
            self.call_after_refresh(self._filled)

    def _filled(self) -> None:
        self._filling = False

    def _clear_report(self) -> None:
        for name in ("summary", "layout", "problems"):
            self.query_one(f"#import-{name}", Static).update("")
        self.query_one("#import-mapping", DataTable).clear()

    def _chosen_column(self) -> tuple[str, str] | None:
        """(header, what it is imported as) of the column the mapping table's cursor is on."""
        if self.checked is None:
            return None
        table = self.query_one("#import-mapping", DataTable)
        if not table.row_count:
            return None
        index = int(str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value))
        column = next(c for c in self.checked[1].plan.columns if c.index == index)
        return column.header.split(" / ")[-1] if " / " in column.header else column.header, (
            imported_as(column)
        )

    def action_map_column(self) -> None:
        """Map the column under the mapping table's cursor to a field, text, or nothing."""
        chosen = self._chosen_column()
        if chosen is None:
            self.app.notify("Check the file first, then choose a column", severity="warning")
            return
        header, now = chosen
        kind = self.checked[1].plan.kind if self.checked else RISKS

        def picked(field: str | None) -> None:
            if field is None:
                return
            self.overrides[header] = field
            self.action_check()

        self.app.push_screen(FieldPickScreen(header, now, kind), picked)

    def action_save_mapping(self) -> None:
        """Save the sheet, header row and column mapping as a file for --mapping."""
        request = self.request()
        if request is None:
            return
        mapping = self.mapping()
        if self.checked is not None:
            plan = self.checked[1].plan
            mapping.kind = mapping.kind or plan.kind
            mapping.sheet = mapping.sheet or plan.sheet
            mapping.header_row = mapping.header_row or plan.header_row
            for column in plan.columns:
                name = column.header.split(" / ")[-1]
                if name not in mapping.columns and column.field:
                    mapping.columns[name] = column.field
        target = request.path.with_name(f"{request.path.stem}.mapping.yaml")

        def chosen(path: Path | None) -> None:
            if path is None:
                return
            try:
                save_mapping(mapping, path)
            except DomainError as exc:
                self.app.notify(exc.message, title="Not saved", severity="error", timeout=8)
                return
            self.app.notify(
                f"Saved {path.name}: use it with bct-risk import --mapping {path}",
                title="Mapping saved",
            )

        self.app.push_screen(SaveMappingScreen(target), chosen)

    def _failed(self, exc: DomainError) -> None:
        self.checked = None
        self._clear_report()
        message = exc.message[:1].upper() + exc.message[1:]
        self._status(message, error=True)
        self.app.notify(message, title="Not imported", severity="error", timeout=8)

    def action_import_checked(self) -> None:
        """Import the file just checked, once the user confirms."""
        request = self.request()
        if self.checked is None or request is None or self.checked[0] != request:
            self.app.notify("Check the file first (Enter or ctrl+r)", severity="warning")
            return
        checked, result = self.checked
        if not result.ok:
            self.app.notify(
                "The file has errors: fix them and check it again", severity="error", timeout=8
            )
            return

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            self._status(f"Importing {checked.path.name}…")
            tell = self._progress_teller()
            call_service(
                self,
                lambda: import_file(self.ctx, checked.path, checked.options, progress=tell),
                self._imported,
                group="import",
                failed=self._failed,
            )

        self.app.push_screen(
            ConfirmScreen(
                "Import into the register?",
                f"Add {counts_text(result)} from {checked.path.name} to the register? "
                "All of it is added, or none.",
                yes="Import",
            ),
            answered,
        )

    def _imported(self, result: ImportResult) -> None:
        if result.written:
            self.app.notify(
                f"Imported {counts_text(result)} from {result.plan.path.name}", title="Imported"
            )
            # Back to the register, which reloads and so shows what was added.
            self.app.pop_screen()
            return
        # The register changed since the check (a clash): show why nothing was written.
        self.checked = None
        self._show_report(result)
        self._status("Nothing was imported: see the problems below.", error=True)

    def action_browse(self) -> None:
        """Pick the file from a folder tree, then check it."""
        typed = self.query_one("#import-path", Input).value.strip()
        start = Path(typed).expanduser().parent if typed else Path.cwd()

        def picked(path: Path | None) -> None:
            if path is None:
                return
            field = self.query_one("#import-path", Input)
            field.value = str(
                path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path
            )
            field.focus()
            self.action_check()

        self.app.push_screen(FilePickScreen(start if start.is_dir() else Path.cwd()), picked)

    def action_back(self) -> None:
        """Back without importing."""
        self.app.pop_screen()


FIELD_LABELS = {KEEP: "keep as text (an additional field)", IGNORE: "ignore (not imported)"}


class FieldPickScreen(ModalScreen[str | None]):
    """Choose what one column is imported as: a field, kept as text, or ignored."""

    ACTIONS: ClassVar[tuple[UserAction, ...]] = (
        UserAction("cancel", "escape", "Cancel", "Close without changing the column"),
    )
    BINDINGS = bindings(ACTIONS)

    def __init__(self, header: str, now: str, kind: str) -> None:
        super().__init__()
        self.header, self.now, self.kind = header, now, kind

    def compose(self) -> ComposeResult:
        names = [n for n in field_names(self.kind) if n not in (KEEP, IGNORE)]
        options = [Option(FIELD_LABELS[n], id=n) for n in (KEEP, IGNORE)]
        options += [Option(n.replace("_", " "), id=n) for n in names]
        with Vertical(classes="dialog picker"):
            yield Label(
                f"Import the column '{escape(self.header)}' as (now: {escape(self.now)})",
                classes="dialog-title",
            )
            yield OptionList(*options, id="field-list")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        """Close without changing the column."""
        self.dismiss(None)


class SaveMappingScreen(ModalScreen[Path | None]):
    """Name the mapping file to save (a YAML file for ``bct-risk import --mapping``)."""

    ACTIONS: ClassVar[tuple[UserAction, ...]] = (
        UserAction("cancel", "escape", "Cancel", "Close without saving"),
    )
    BINDINGS = bindings(ACTIONS)

    def __init__(self, target: Path) -> None:
        super().__init__()
        self.target = target

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog confirm"):
            yield Label("Save the mapping as (Enter saves):", classes="dialog-title")
            yield Input(str(self.target), id="mapping-path")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        name = event.value.strip()
        self.dismiss(Path(name).expanduser() if name else None)

    def action_cancel(self) -> None:
        """Close without saving."""
        self.dismiss(None)


class ReadableTree(DirectoryTree):
    """Folders, and only the files the importer can read; hidden ones left out."""

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [
            p
            for p in paths
            if not p.name.startswith(".") and (p.is_dir() or p.suffix.lower() in READABLE)
        ]


class FilePickScreen(ModalScreen[Path | None]):
    """A folder tree to choose the file to import from; Enter on a file chooses it."""

    ACTIONS: ClassVar[tuple[UserAction, ...]] = (
        UserAction("up_folder", "backspace", "Up", "Show the folder above"),
        UserAction("cancel", "escape", "Cancel", "Close without choosing a file"),
    )
    BINDINGS = bindings(ACTIONS)

    def __init__(self, start: Path) -> None:
        super().__init__()
        self.start = start.resolve()

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog picker"):
            yield Label(f"Choose the file to import: {self.start}", classes="dialog-title")
            yield ReadableTree(self.start, id="file-tree")

    def on_mount(self) -> None:
        self.query_one(ReadableTree).focus()

    @on(DirectoryTree.FileSelected)
    def _chosen(self, event: DirectoryTree.FileSelected) -> None:
        event.stop()
        self.dismiss(event.path)

    def action_up_folder(self) -> None:
        """Show the folder above this one."""
        tree = self.query_one(ReadableTree)
        self.start = self.start.parent
        tree.path = self.start
        self.query_one(".dialog-title", Label).update(f"Choose the file to import: {self.start}")

    def action_cancel(self) -> None:
        """Close without choosing."""
        self.dismiss(None)
