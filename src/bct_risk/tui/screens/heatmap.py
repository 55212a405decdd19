"""The heat map: the 5x5 grid coloured by band, with the count of risks in each cell."""

from __future__ import annotations

from collections import Counter
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.color import Color
from textual.containers import Grid
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Label, OptionList, Static
from textual.widgets.option_list import Option

from bct_risk.domain.enums import Appetite, ScoreKind
from bct_risk.domain.scoring import SCALE
from bct_risk.services import queries
from bct_risk.services.context import Context
from bct_risk.services.register_rows import RiskFilter, RiskRow
from bct_risk.tui.actions import UserAction, bindings
from bct_risk.tui.colours import palette
from bct_risk.tui.format import escape
from bct_risk.tui.screens.register import filter_words
from bct_risk.tui.services import call_service
from bct_risk.tui.widgets.risk_table import BREACH_FLAG

KINDS = (ScoreKind.CURRENT, ScoreKind.INHERENT, ScoreKind.TARGET)


class HeatMapScreen(Screen[None]):
    """Counts per (likelihood, impact) cell of the register as filtered; a cell lists its risks."""

    ACTIONS: ClassVar[tuple[UserAction, ...]] = (
        UserAction("cycle_kind", "k", "Score kind", "Show current, inherent or target scores"),
        UserAction("cell_up", "up", "Up", "Move to the cell above", show=False),
        UserAction("cell_down", "down", "Down", "Move to the cell below", show=False),
        UserAction("cell_left", "left", "Left", "Move to the cell to the left", show=False),
        UserAction("cell_right", "right", "Right", "Move to the cell to the right", show=False),
        UserAction("list_risks", "l", "Risks", "Move to the list of the cell's risks"),
        UserAction("back", "escape", "Back", "Back to the register"),
    )
    BINDINGS = bindings(ACTIONS)

    def __init__(
        self,
        ctx: Context,
        flt: RiskFilter | None = None,
        committee_name: str = "",
        objective_name: str = "",
    ) -> None:
        super().__init__()
        self.ctx = ctx
        self.filter = flt or RiskFilter()
        self.committee_name = committee_name
        """The name of the committee the filter chooses, as the register showed it."""
        self.objective_name = objective_name
        """The title of the objective the filter chooses, as the register showed it."""
        self.kind = ScoreKind.CURRENT
        self.rows: list[RiskRow] = []
        self.breaches: dict[int, list[str]] = {}
        """The open indicator breaches of the risks that have any, by risk id (flagged)."""
        self.cells: dict[tuple[int, int], list[str]] = {}
        self.chosen: tuple[int, int] | None = None

    def compose(self) -> ComposeResult:
        matrix = self.ctx.matrix
        yield Header()
        yield Static(id="heat-kind")
        with Grid(id="heat-grid"):
            for likelihood in reversed(SCALE):
                yield Label(f"{likelihood} {matrix.likelihood_label(likelihood)}", classes="axis")
                for impact in SCALE:
                    yield Button("", id=f"cell-{likelihood}-{impact}", classes="cell")
            yield Label("Likelihood ↑ / Impact →", classes="axis")
            for impact in SCALE:
                yield Label(f"{impact} {matrix.impact_label(impact)}", classes="axis")
        yield Static(id="heat-legend")
        yield OptionList(id="cell-risks")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Heat map"
        colours = palette(self.app)
        for likelihood in SCALE:
            for impact in SCALE:
                band = self.ctx.matrix.band(likelihood * impact)
                background, text = colours.bands.get(band.colour, (colours.muted, "#000000"))
                button = self._button(likelihood, impact)
                button.styles.background = Color.parse(background)
                button.styles.color = Color.parse(text)
                button.tooltip = f"{band.name} ({likelihood * impact})"
        self._button(5, 5).focus()
        self.reload()

    def _legend(self) -> str:
        """The bands in their colours, and where the appetite line runs (markup)."""
        colours, matrix = palette(self.app), self.ctx.matrix
        bands = " ".join(
            f"[{text} on {background}] {escape(b.name)} {b.min}-{b.max} [/]"
            for b in matrix.bands
            for background, text in [colours.bands.get(b.colour, (colours.muted, "#000000"))]
        )
        appetite, ceiling, holders = self._appetite()
        if appetite is None or ceiling is None:
            return f"{bands}   no appetite set for the risks shown"
        scored = len(self.rows)
        return (
            f"{bands}   [b]▌[/b] appetite line: {appetite.label} (up to {ceiling}), the appetite "
            f"of {holders} of {scored} risks shown: cells right of it are above appetite"
        )

    def _appetite(self) -> tuple[Appetite | None, int | None, int]:
        """The appetite most of the risks shown hold, its ceiling, and how many hold it."""
        counts = Counter(r.appetite for r in self.rows if r.appetite is not None)
        if not counts:
            return None, None, 0
        # Most held first; between equals, the more cautious (the lower ceiling).
        appetite, holders = min(
            counts.items(), key=lambda item: (-item[1], self.ctx.matrix.appetite[item[0]])
        )
        return appetite, self.ctx.matrix.ceiling(appetite), holders

    def _button(self, likelihood: int, impact: int) -> Button:
        return self.query_one(f"#cell-{likelihood}-{impact}", Button)

    def reload(self) -> None:
        """Load the register rows for the filter, off the UI thread."""
        flt, ctx = self.filter, self.ctx

        def load() -> tuple[list[RiskRow], dict[int, list[str]]]:
            from bct_risk.services.indicator_views import breach_notes

            return queries.list_risks(ctx, flt), breach_notes(ctx)

        call_service(self, load, self._loaded, group="heat")

    def _loaded(self, loaded: tuple[list[RiskRow], dict[int, list[str]]]) -> None:
        self.rows, self.breaches = loaded
        self._draw()

    def _draw(self) -> None:
        self.cells = queries.heat_map(self.rows, self.kind)
        flagged = {r.reference for r in self.rows if r.id in self.breaches}
        _, ceiling, _ = self._appetite()
        for likelihood in SCALE:
            for impact in SCALE:
                refs = self.cells.get((likelihood, impact), [])
                label = str(len(refs)) if refs else "·"
                if any(ref in flagged for ref in refs):
                    label += f" {BREACH_FLAG}"
                button = self._button(likelihood, impact)
                button.label = label
                # The appetite line runs left of the first cell in each row above the ceiling.
                edge = (
                    ceiling is not None
                    and likelihood * impact > ceiling
                    and likelihood * (impact - 1) <= ceiling
                )
                button.set_class(edge, "-appetite-edge")
        self.query_one("#heat-legend", Static).update(self._legend())
        scored = sum(len(v) for v in self.cells.values())
        note = (
            f" · {BREACH_FLAG} {len(flagged)} with an indicator outside tolerance"
            if flagged
            else ""
        )
        shown = " · ".join(filter_words(self.filter, self.committee_name, self.objective_name))
        # The filter holds the user's search text and names: text, never markup.
        self.query_one("#heat-kind", Static).update(
            Text.assemble(
                (f"{self.kind.label} scores", "bold"),
                f" of {scored} risks: {shown} (k: current, inherent, target){note}",
            )
        )
        if self.chosen:
            self._list(*self.chosen)

    def _list(self, likelihood: int, impact: int) -> None:
        if self.chosen:
            self._button(*self.chosen).remove_class("-chosen")
        self.chosen = (likelihood, impact)
        self._button(likelihood, impact).add_class("-chosen")
        refs = self.cells.get((likelihood, impact), [])
        titles = {r.reference: r.title for r in self.rows}
        notes = {r.reference: self.breaches[r.id] for r in self.rows if r.id in self.breaches}
        options = self.query_one("#cell-risks", OptionList)
        options.clear_options()
        count = f"{len(refs)} risk" + ("" if len(refs) == 1 else "s")
        options.border_title = f"Likelihood {likelihood} x impact {impact}: {count}"
        options.add_options(
            Option(
                f"{escape(r)}  {escape(titles.get(r, ''))}"
                + "".join(
                    f"\n  {BREACH_FLAG} indicator breach: {escape(n)}" for n in notes.get(r, ())
                ),
                id=r,
            )
            for r in refs
        )
        if refs:
            options.highlighted = 0

    @on(Button.Pressed, ".cell")
    def _cell(self, event: Button.Pressed) -> None:
        _, likelihood, impact = (event.button.id or "cell-0-0").split("-")
        self._list(int(likelihood), int(impact))
        if self.cells.get((int(likelihood), int(impact))):
            self.query_one("#cell-risks", OptionList).focus()

    @on(OptionList.OptionSelected, "#cell-risks")
    def _open(self, event: OptionList.OptionSelected) -> None:
        from bct_risk.tui.screens.detail import DetailScreen

        if event.option.id:
            self.app.push_screen(DetailScreen(self.ctx, event.option.id))

    def on_screen_resume(self) -> None:
        if self.rows:
            self.reload()

    # -- actions ----------------------------------------------------------------------------

    def action_cycle_kind(self) -> None:
        """Current, inherent, then target scores."""
        self.kind = KINDS[(KINDS.index(self.kind) + 1) % len(KINDS)]
        self._draw()

    def _move(self, d_likelihood: int, d_impact: int) -> None:
        focused = self.focused
        if not isinstance(focused, Button) or not focused.id:
            return
        _, likelihood, impact = focused.id.split("-")
        new_l = min(5, max(1, int(likelihood) + d_likelihood))
        new_i = min(5, max(1, int(impact) + d_impact))
        self._button(new_l, new_i).focus()

    def action_cell_up(self) -> None:
        """Higher likelihood."""
        self._move(1, 0)

    def action_cell_down(self) -> None:
        """Lower likelihood."""
        self._move(-1, 0)

    def action_cell_left(self) -> None:
        """Lower impact."""
        self._move(0, -1)

    def action_cell_right(self) -> None:
        """Higher impact."""
        self._move(0, 1)

    def action_list_risks(self) -> None:
        """Move to the list of risks in the chosen cell."""
        self.query_one("#cell-risks", OptionList).focus()

    def action_back(self) -> None:
        """Back to the register."""
        self.app.pop_screen()
