"""A risk's assurance map: each control, its assurance by line (positive or negative), its level,
and the gaps in control and in assurance that follow."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Label, Static

from bct_risk.domain.gaps import Gaps, day
from bct_risk.services.baf import RiskState, load_register
from bct_risk.services.checks import assurance_days
from bct_risk.services.context import Context
from bct_risk.tui.actions import UserAction, bindings
from bct_risk.tui.services import call_service

LINE_HEADINGS = ("1st line: management", "2nd line: oversight", "3rd line: independent")


class AssuranceMapScreen(Screen[None]):
    """The assurance map of one risk, as at today."""

    ACTIONS: ClassVar[tuple[UserAction, ...]] = (
        UserAction("back", "escape", "Back", "Back to the risk"),
    )
    BINDINGS = bindings(ACTIONS)

    def __init__(self, ctx: Context, reference: str) -> None:
        super().__init__()
        self.ctx = ctx
        self.reference = reference
        self.state: RiskState | None = None
        self.gaps: Gaps | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="assurance-map"):
            yield Label("Loading…", id="assurance-title", classes="section-title")
            yield DataTable(id="assurance-controls", cursor_type="row", zebra_stripes=True)
            yield Label("Gaps", classes="section-title")
            yield Static(id="assurance-gaps")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"Assurance map of {self.reference}"
        table = self.query_one("#assurance-controls", DataTable)
        # Fixed widths, so a long control or source wraps within its cell and every line of
        # assurance stays on screen; what is left after the short columns is shared out.
        spare = max(60, self.app.size.width - 4 - 2 * 7 - (4 + 14 + 11))
        evidence = max(21, spare * 22 // 100)
        table.add_column("#", width=4)
        table.add_column("Control", width=spare - 3 * evidence)
        table.add_column("Effectiveness", width=14)
        table.add_column("Level", width=11)
        for heading in LINE_HEADINGS:
            table.add_column(heading, width=evidence)
        call_service(self, self._load, self._show, group="assurance-map")

    def _load(self) -> tuple[RiskState | None, Gaps | None]:
        register = load_register(self.ctx)
        state = register.risk(self.reference)
        if state is None:
            return None, None
        return state, state.gaps(register.as_at, assurance_days(self.ctx.matrix))

    def _show(self, loaded: tuple[RiskState | None, Gaps | None]) -> None:
        state, gaps = loaded
        title = self.query_one("#assurance-title", Label)
        if state is None or gaps is None:
            title.update(Text(f"No risk has the reference {self.reference}"))
            return
        self.state, self.gaps = state, gaps
        title.update(Text(f"{state.reference}  {state.title}"))
        table = self.query_one("#assurance-controls", DataTable)
        table.clear()
        for c in state.controls:
            lines = []
            for line in (1, 2, 3):
                found = [
                    f"{'+' if s.positive else '−'} {s.evidence} ({s.provider or '–'}, "
                    f"{day(s.received_on)})"
                    for s in c.sources
                    if s.line == line
                ]
                lines.append(Text("; ".join(found) or "–"))
            level = c.assurance_level.label if c.assurance_level else "–"
            key = "" if c.key_control else " (not key)"
            table.add_row(
                str(c.id), Text(c.description + key), c.effectiveness.label, level, *lines,
                key=str(c.id), height=None,
            )  # fmt: skip
        text = Text()
        if gaps.control:
            text.append("Gap in control: ", style="bold")
            text.append(gaps.control.reason + "\n")
        for g in gaps.assurance:
            text.append(f"Gap in assurance, control {g.control_id}: ", style="bold")
            text.append(g.reason + "\n")
        if not gaps.any:
            text.append("No gaps in control or in assurance.")
        self.query_one("#assurance-gaps", Static).update(text)

    def action_back(self) -> None:
        """Back to the risk."""
        self.app.pop_screen()
