"""Importing a register or an action log: a dry run first, its report read, then the import.

The dry run goes through the importer's full steps and rolls back, so the report (how the file
was read, the column mapping, the counts, every problem by row and column) is what the real
import will do. Importing is offered only for the file and options just checked, with no errors.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from rich.table import Table
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.markup import escape
from textual.screen import ModalScreen, Screen
from textual.widgets import DirectoryTree, Footer, Header, Input, Label, Select, Static

from bct_risk.domain.errors import DomainError
from bct_risk.io import ImportOptions, ImportResult, import_file
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


def mapping_table(result: ImportResult) -> Table:
    """Each column of the file, the field it is imported as, and how that was decided."""
    table = Table(title="Column mapping", title_justify="left", expand=True)
    for name in ("Column", "Imported as", "How"):
        table.add_column(name, overflow="fold")
    for column in result.plan.columns:
        used = column.field.replace("_", " ") if column.used and column.field else "–"
        table.add_row(column.header, used, column.how)
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
        UserAction("back", "escape", "Back", "Back to the register without importing"),
    )
    BINDINGS = bindings(ACTIONS)
    AUTO_FOCUS = "#import-path"

    def __init__(self, ctx: Context) -> None:
        super().__init__()
        self.ctx = ctx
        self.checked: tuple[Request, ImportResult] | None = None
        """The last dry run and what it was for."""

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
        yield Static(
            "Nothing is written until you check the file and confirm the import.",
            id="import-status",
        )
        with VerticalScroll(id="import-report"):
            yield Static(id="import-summary")
            yield Static(id="import-columns")
            yield Static(id="import-problems")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Import a register or action log"

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
        options = ImportOptions(
            kind=kind if isinstance(kind, str) else None, register=register or None
        )
        return Request(path if path.is_absolute() else Path.cwd() / path, options)

    def _status(self, text: str, *, error: bool = False) -> None:
        status = self.query_one("#import-status", Static)
        status.update(text)
        status.set_class(error, "-error")

    @on(Input.Changed)
    @on(Select.Changed)
    def _changed(self) -> None:
        # A report is for the file and options it was made with: a change needs a new check.
        if self.checked is not None:
            self.checked = None
            self._status("Changed since the check: press Enter or ctrl+r to check again.")

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
        call_service(
            self,
            lambda: import_file(self.ctx, request.path, request.options, dry_run=True),
            lambda result: self._checked(request, result),
            group="import",
            failed=self._failed,
        )

    def _checked(self, request: Request, result: ImportResult) -> None:
        self.checked = (request, result)
        self._show_report(result)
        errors = len(result.plan.errors)
        if errors:
            stop = f"{errors} problems stop" if errors != 1 else "1 problem stops"
            self._status(
                f"{stop} the import; nothing can be written. Fix them in the file and check "
                "it again.",
                error=True,
            )
        else:
            self._status(f"Checked: nothing was written. ctrl+s imports {counts_text(result)}.")

    def _show_report(self, result: ImportResult) -> None:
        self.query_one("#import-summary", Static).update(report_summary(result))
        self.query_one("#import-columns", Static).update(mapping_table(result))
        self.query_one("#import-problems", Static).update(problems_text(result))

    def _clear_report(self) -> None:
        for name in ("summary", "columns", "problems"):
            self.query_one(f"#import-{name}", Static).update("")

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
            call_service(
                self,
                lambda: import_file(self.ctx, checked.path, checked.options),
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
