"""Browse and filter the register: search, quick filters, sort, and the filter line."""

from __future__ import annotations

from textual.widgets import Static

from bct_risk.tui.app import RiskApp
from bct_risk.tui.screens.choice import ChoiceScreen
from bct_risk.tui.screens.register import RegisterScreen
from bct_risk.tui.widgets.risk_table import RiskTable
from tests.tui.conftest import press, settle, type_text

FR_RISKS = ["OR2026-01", "SR1", "SR7", "SR8", "SR9"]
"""Open risks the Finance and Resources Committee leads on, in the seed register."""


def shown(app: RiskApp) -> list[str]:
    return app.screen.query_one(RiskTable).references


def state(app: RiskApp) -> str:
    return str(app.screen.query_one("#filter-state", Static).render())


async def test_opens_on_the_register_of_open_risks(app: RiskApp) -> None:
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, RegisterScreen)
        assert shown(app) == ["OR2026-01", *(f"SR{n}" for n in range(1, 10))]
        assert "10 shown" in state(app)


async def test_filter_to_a_lead_committee(app: RiskApp) -> None:
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "c")
        assert isinstance(app.screen, ChoiceScreen)
        labels = [label for label, _ in app.screen.choices]
        await press(pilot, *["down"] * labels.index("Finance and Resources Committee"), "enter")
        assert shown(app) == FR_RISKS
        assert "committee: Finance and Resources Committee" in state(app)
        assert "5 shown" in state(app)


async def test_type_to_filter_then_clear(app: RiskApp) -> None:
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "slash")
        await type_text(pilot, "pressure")
        assert shown(app) == ["SR3", "SR9"]
        assert "matching 'pressure'" in state(app)
        await press(pilot, "enter", "0")
        assert len(shown(app)) == 10


async def test_search_text_is_shown_as_typed_never_as_markup(app: RiskApp) -> None:
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "slash")
        await type_text(pilot, "[b]x[/]")
        assert shown(app) == []
        assert "matching '[b]x[/]'" in state(app)


async def test_quick_filters_stack_and_show(app: RiskApp) -> None:
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "v")
        assert shown(app) == ["SR1", "SR9"]
        assert "review overdue" in state(app)
        await press(pilot, "v", "b", "b", "b", "b")
        assert "band: Extreme" in state(app)
        assert shown(app) == ["SR1", "SR3", "SR7", "SR9"]
        await press(pilot, "a")
        assert "above appetite" in state(app)
        assert shown(app) == ["SR1", "SR3", "SR7", "SR9"]
        await press(pilot, "0", "t", "t", "t", "t")
        assert "tier: Board" in state(app)
        assert shown(app) == ["SR1"]


async def test_closed_risks_on_request(app: RiskApp) -> None:
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "x")
        assert "closed risks" in state(app)
        closed = shown(app)
        assert closed and not set(closed) & set(FR_RISKS)
        await press(pilot, "x")
        assert len(shown(app)) == len(closed) + 10


async def test_sort_by_current_score_and_reverse(app: RiskApp) -> None:
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "s")
        assert isinstance(app.screen, ChoiceScreen)
        names = [name for _, name in app.screen.choices]
        await press(pilot, *["down"] * names.index("current"), "enter")
        assert shown(app)[0] == "SR8"  # the lowest current score, 6
        assert "sorted by Cur ▲" in state(app)
        app.screen.query_one(RiskTable).post_message(RiskTable.SortRequested("current"))
        await settle(pilot)
        assert shown(app)[0] == "SR9"  # 25, the highest
        assert "sorted by Cur ▼" in state(app)


async def test_filter_to_a_risk_owner(app: RiskApp) -> None:
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "o")
        assert isinstance(app.screen, ChoiceScreen)
        labels = [label for label, _ in app.screen.choices]
        await press(pilot, *["down"] * labels.index("James Thomas — Chief Executive"), "enter")
        assert shown(app) == ["SR1", "SR2"]
        assert "owner: James Thomas" in state(app)


async def test_a_theme_change_redraws_the_band_colours(app: RiskApp) -> None:
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(RiskTable)
        current = table.shown_columns.index("current")
        dark = str(table.table.get_row_at(0)[current])
        app.theme = "nord"  # a theme whose warning and error colours differ from the default
        await settle(pilot)
        light = str(app.screen.query_one(RiskTable).table.get_row_at(0)[current])
        assert dark != light
        assert "12" in light


async def test_a_click_opens_the_row_clicked_though_its_cells_are_drawn_once(
    app: RiskApp,
) -> None:
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(RiskTable)
        rows = {ref: i for i, ref in enumerate(table.references)}
        # SR8 and SR9 share a lead committee: SR9's committee cell is SR8's, drawn once.
        x = 1 + sum(w + 2 for w in table.table.widths[:3]) + 2
        await pilot.click(table.table, offset=(x, 1 + rows["SR9"]))
        await settle(pilot)
        assert table.current_reference == "SR9"
        await pilot.click(table.table, offset=(x, 1 + rows["SR8"]))
        await settle(pilot)
        assert table.current_reference == "SR8"
