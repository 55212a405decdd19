"""Readiness: the data-quality checks, run as at today, with every finding; a finding opens its
risk, so a secretary can put the register right before issuing a pack."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Label

from bct_risk.services.checks import CheckReport, run_checks
from bct_risk.services.context import Context
from bct_risk.tui.actions import UserAction, bindings
from bct_risk.tui.services import call_service


class ReadinessScreen(Screen[None]):
    """Every check with its count of findings, and the findings themselves."""

    ACTIONS: ClassVar[tuple[UserAction, ...]] = (
        UserAction("open_finding", "enter", "Open risk", "Open the risk of the finding"),
        UserAction("rerun", "r", "Run again", "Run the checks again"),
        UserAction("back", "escape", "Back", "Back to the register"),
    )
    BINDINGS = bindings(ACTIONS)

    def __init__(self, ctx: Context) -> None:
        super().__init__()
        self.ctx = ctx
        self.report: CheckReport | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("Running the checks…", id="readiness-title", classes="section-title")
        yield DataTable(id="readiness-checks", cursor_type="row", zebra_stripes=True)
        yield DataTable(id="readiness-findings", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Readiness"
        self.query_one("#readiness-checks", DataTable).add_columns("Check", "Findings", "Blocking")
        self.query_one("#readiness-findings", DataTable).add_columns("Concerns", "Finding")
        self.action_rerun()

    def action_rerun(self) -> None:
        """Run the checks again."""
        call_service(self, lambda: run_checks(self.ctx), self._show, group="readiness")

    def _show(self, report: CheckReport) -> None:
        self.report = report
        found = len(report.findings)
        blocking = report.blocking_failures
        title = f"Register health as at {report.as_at.day} {report.as_at:%b %Y}: {found} finding"
        title += "" if found == 1 else "s"
        if blocking:
            title += f"; {len(blocking)} blocking check(s) failed"
        self.query_one("#readiness-title", Label).update(Text(title))
        checks = self.query_one("#readiness-checks", DataTable)
        checks.clear()
        for r in report.results:
            count = "off" if not r.enabled else (r.note or str(len(r.findings)))
            checks.add_row(Text(r.title), count, "yes" if r.blocking else "no", key=r.name)
        findings = self.query_one("#readiness-findings", DataTable)
        findings.clear()
        for n, f in enumerate(report.findings):
            findings.add_row(Text(f.subject), Text(f.message), key=str(n))
        findings.focus()

    @on(DataTable.RowSelected, "#readiness-findings")
    def _selected(self, _event: DataTable.RowSelected) -> None:
        self.action_open_finding()

    def action_open_finding(self) -> None:
        """Open the risk of the finding under the cursor."""
        table = self.query_one("#readiness-findings", DataTable)
        if self.report is None or not self.report.findings or table.cursor_row < 0:
            return
        finding = self.report.findings[table.cursor_row]
        from bct_risk.tui.screens.detail import DetailScreen

        self.app.push_screen(DetailScreen(self.ctx, finding.reference))

    def action_back(self) -> None:
        """Back to the register."""
        self.app.pop_screen()
