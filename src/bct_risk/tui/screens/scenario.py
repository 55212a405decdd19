"""Scenarios: risks that could strike together. A scenario shows as a small heat map of its
members' current scores, with what they share (controls, owners, committees) and its single
points of failure."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, OptionList, Static
from textual.widgets.option_list import Option

from bct_risk.domain.scoring import SCALE
from bct_risk.services.baf import Register, ScenarioDetail, load_register, scenario_detail
from bct_risk.services.context import Context
from bct_risk.tui.actions import UserAction, bindings
from bct_risk.tui.colours import palette
from bct_risk.tui.services import call_service


class ScenarioScreen(Screen[None]):
    """The scenarios on the left; the chosen one's heat map and shared controls on the right."""

    ACTIONS: ClassVar[tuple[UserAction, ...]] = (
        UserAction("back", "escape", "Back", "Back to the register"),
    )
    BINDINGS = bindings(ACTIONS)

    def __init__(self, ctx: Context) -> None:
        super().__init__()
        self.ctx = ctx
        self.register: Register | None = None
        self.detail: ScenarioDetail | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="scenario-body"):
            yield OptionList(id="scenario-list")
            with VerticalScroll(id="scenario-detail"):
                yield Label("Loading…", id="scenario-title", classes="section-title")
                yield Static(id="scenario-narrative")
                yield Static(id="scenario-heat")
                yield Label("What they share", classes="section-title")
                yield Static(id="scenario-shared")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Scenarios"
        call_service(self, lambda: load_register(self.ctx), self._loaded, group="scenarios")

    def _loaded(self, register: Register) -> None:
        self.register = register
        choices = self.query_one("#scenario-list", OptionList)
        choices.clear_options()
        choices.add_options([Option(Text(s.name), id=str(s.id)) for s in register.scenarios])
        if not register.scenarios:
            self.query_one("#scenario-title", Label).update("No scenarios are recorded")
            return
        choices.highlighted = 0
        choices.focus()
        self._show(0)

    @on(OptionList.OptionHighlighted, "#scenario-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show(event.option_index)

    def _show(self, index: int) -> None:
        if self.register is None or not 0 <= index < len(self.register.scenarios):
            return
        scenario = self.register.scenarios[index]
        self.detail = detail = scenario_detail(self.register, scenario)
        combined = str(scenario.combined) if scenario.combined else "not judged"
        self.query_one("#scenario-title", Label).update(
            Text(f"{scenario.name}  (combined {combined})")
        )
        narrative = Text(scenario.narrative or "")
        if scenario.illustrative:
            narrative.append("  (illustrative)", style="italic")
        self.query_one("#scenario-narrative", Static).update(narrative)
        self.query_one("#scenario-heat", Static).update(self._heat_map(detail))
        shared = Table(show_header=True, header_style="bold", expand=True)
        for column in ("Kind", "Shared", "Risks", "Single point of failure"):
            shared.add_column(column, overflow="fold")
        points = {(s.what, s.name) for s in detail.single_points_of_failure}
        for s in detail.shared:
            shared.add_row(
                s.what,
                Text(s.name),
                ", ".join(s.risks),
                "yes" if (s.what, s.name) in points else "",
            )
        self.query_one("#scenario-shared", Static).update(shared)

    def _heat_map(self, detail: ScenarioDetail) -> Table:
        """Likelihood up, impact across; each cell lists the members scored there."""
        matrix, colours = self.ctx.matrix, palette(self.app)
        cells: dict[tuple[int, int], list[str]] = {}
        for r in detail.members:
            if r.current is not None:
                cells.setdefault((r.current.likelihood, r.current.impact), []).append(r.reference)
        table = Table(show_header=True, header_style="bold", title="Members by current score")
        table.add_column("Likelihood \\ Impact")
        for impact in SCALE:
            table.add_column(f"{impact} {matrix.impact_label(impact)}", justify="center")
        for likelihood in reversed(SCALE):
            row: list[Text] = [Text(f"{likelihood} {matrix.likelihood_label(likelihood)}")]
            for impact in SCALE:
                band = matrix.band(likelihood * impact)
                background, text = colours.bands.get(band.colour, (colours.muted, "#000000"))
                refs = " ".join(cells.get((likelihood, impact), [])) or "·"
                row.append(Text(refs, style=f"{text} on {background}"))
            table.add_row(*row)
        return table

    def action_back(self) -> None:
        """Back to the register."""
        self.app.pop_screen()
