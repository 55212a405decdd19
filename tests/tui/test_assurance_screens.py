"""The app's Board Assurance Framework screens: a risk's assurance map, readiness, a scenario."""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table
from rich.text import Text
from textual.widgets import DataTable, Label, OptionList, Static

from bct_risk.tui.app import RiskApp
from bct_risk.tui.screens.assurance import AssuranceMapScreen
from bct_risk.tui.screens.detail import DetailScreen
from bct_risk.tui.screens.readiness import ReadinessScreen
from bct_risk.tui.screens.scenario import ScenarioScreen
from tests.tui.conftest import press, settle


def cell_text(table: DataTable[object], row: int, column: int) -> str:
    value = table.get_cell_at((row, column))  # type: ignore[arg-type]
    return value.plain if isinstance(value, Text) else str(value)


def static_text(widget: Static) -> str:
    content = widget.render()
    return content.plain if isinstance(content, Text) else str(content)


async def test_the_assurance_map_of_a_risk(app: RiskApp) -> None:
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        app.push_screen(DetailScreen(app.ctx, "SR7"))
        await settle(pilot)
        await press(pilot, "a")
        screen = app.screen
        assert isinstance(screen, AssuranceMapScreen)
        assert str(screen.query_one("#assurance-title", Label).render()) == (
            "SR7  Placement sufficiency"
        )
        table = screen.query_one("#assurance-controls", DataTable)
        assert table.row_count == 4
        rows = {cell_text(table, r, 1)[:20]: r for r in range(table.row_count)}
        commissioning = rows["Greater rigour in th"]
        assert cell_text(table, commissioning, 3) == "Limited"
        assert cell_text(table, commissioning, 6).startswith(
            "− Review of residential commissioning against the sufficiency strategy "
            "(Internal audit, 20 Aug 2026)"
        )
        gaps = static_text(screen.query_one("#assurance-gaps", Static))
        assert gaps.startswith("Gap in control: current score 16 is above its target 12")
        assert "only negative assurance in the last 365 days" in gaps
        await press(pilot, "escape")
        assert isinstance(app.screen, DetailScreen)


async def test_the_readiness_view_lists_checks_and_opens_a_findings_risk(app: RiskApp) -> None:
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "6")
        screen = app.screen
        assert isinstance(screen, ReadinessScreen)
        title = str(screen.query_one("#readiness-title", Label).render())
        assert title.startswith("Register health as at 23 Nov 2026: ")
        checks = screen.query_one("#readiness-checks", DataTable)
        assert checks.row_count == 11
        counts = {cell_text(checks, r, 0): cell_text(checks, r, 1) for r in range(11)}
        assert counts["Review overdue"] == "2"
        findings = screen.query_one("#readiness-findings", DataTable)
        assert findings.row_count == sum(int(c) for c in counts.values() if c.isdigit())
        first = cell_text(findings, 0, 0)
        await press(pilot, "enter")
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.reference == first.split()[0]


async def test_a_scenario_as_a_heat_map_with_shared_controls(app: RiskApp) -> None:
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await press(pilot, "7")
        screen = app.screen
        assert isinstance(screen, ScenarioScreen)
        assert screen.query_one("#scenario-list", OptionList).option_count == 1
        title = str(screen.query_one("#scenario-title", Label).render())
        assert title.startswith("Financial pressure, placement sufficiency, workforce")
        assert title.endswith("(combined 3x5=15)")
        assert screen.detail is not None
        heat = screen._heat_map(screen.detail)
        assert isinstance(heat, Table)
        # SR9 at 5 x 5 (top row, last column); SR3 and SR7 share 4 x 4.
        top = [c.plain for c in heat.columns[5]._cells]  # type: ignore[attr-defined]
        assert top[0] == "SR9"
        four = [c.plain for c in heat.columns[4]._cells]  # type: ignore[attr-defined]
        assert four[1] == "SR3 SR7"
        shared = {(s.what, s.name) for s in screen.detail.single_points_of_failure}
        assert ("control owner", "Director of Finance and Resources") in shared


async def test_the_register_filters_to_one_objective_and_the_detail_lists_them(
    app: RiskApp,
) -> None:
    from bct_risk.tui.screens.choice import ChoiceScreen
    from bct_risk.tui.screens.register import RegisterScreen
    from bct_risk.tui.widgets.risk_table import RiskTable

    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "j")
        assert isinstance(app.screen, ChoiceScreen)
        labels = [label for label, _ in app.screen.choices]
        assert labels[0] == "Any objective"
        wanted = "Improved care planning and reducing drift and delay"
        await press(pilot, *["down"] * labels.index(wanted), "enter")
        screen = app.screen
        assert isinstance(screen, RegisterScreen)
        assert screen.query_one(RiskTable).references == ["SR2", "SR3", "SR5"]
        state = str(screen.query_one("#filter-state", Static).render())
        assert f"objective: {wanted}" in state and "3 shown" in state
        await press(pilot, "0")
        assert len(screen.query_one(RiskTable).references) == 10
        app.push_screen(DetailScreen(app.ctx, "SR3"))
        await settle(pilot)
        console = Console(width=200, record=True, file=io.StringIO())
        console.print(app.screen.query_one("#detail-body", Static).content)
        body = console.export_text()
        assert (
            "Strategic objectives it threatens\n"
            + ("Meeting children's needs through effective earlier support\n" + wanted)
            in body
        )
