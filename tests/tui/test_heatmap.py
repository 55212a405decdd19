"""The heat map: counts per cell for current, inherent or target scores; a cell opens its risks."""

from __future__ import annotations

from textual.widgets import Button, OptionList, Static

from bct_risk.tui.app import RiskApp
from bct_risk.tui.screens.detail import DetailScreen
from bct_risk.tui.screens.heatmap import HeatMapScreen
from tests.tui.conftest import press, screen_text, settle


def count(app: RiskApp, likelihood: int, impact: int) -> str:
    return str(app.screen.query_one(f"#cell-{likelihood}-{impact}", Button).label)


async def test_drill_down_from_a_cell_to_a_risk(app: RiskApp) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "2")
        assert isinstance(app.screen, HeatMapScreen)
        # Current scores of the ten open risks: SR9 alone at 5 x 5, three at 4 x 4.
        assert count(app, 5, 5) == "1"
        assert count(app, 4, 4) == "3"
        assert count(app, 1, 1) == "·"
        await press(pilot, "enter")  # the focused cell starts at 5 x 5
        risks = app.screen.query_one("#cell-risks", OptionList)
        assert risks.option_count == 1
        assert app.screen.focused is risks
        await press(pilot, "enter")
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.reference == "SR9"


async def test_inherent_and_target_scores(app: RiskApp) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "2", "k")
        assert app.screen.kind.value == "inherent"
        inherent = sum(
            int(count(app, lk, im))
            for lk in range(1, 6)
            for im in range(1, 6)
            if count(app, lk, im) != "·"
        )
        assert inherent == 10
        assert count(app, 5, 5) == "1"
        await press(pilot, "k")
        assert app.screen.kind.value == "target"
        assert count(app, 5, 5) == "·"


async def test_arrow_keys_move_between_cells(app: RiskApp) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "2", "down", "left", "enter")
        assert app.screen.chosen == (4, 4)
        assert app.screen.query_one("#cell-risks", OptionList).option_count == 3


async def test_the_map_follows_the_register_filter(app: RiskApp) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "v", "2")  # only the two risks whose review is overdue
        total = sum(
            int(count(app, lk, im))
            for lk in range(1, 6)
            for im in range(1, 6)
            if count(app, lk, im) != "·"
        )
        assert total == 2
        title = str(app.screen.query_one("#heat-kind", Static).content)
        assert "of 2 risks: open risks · review overdue" in title


async def test_the_legend_and_the_appetite_line(app: RiskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "2")
        legend = " ".join(screen_text(app).split())
        assert "Low 1-3 Moderate 4-6 High 8-12 Extreme 15-25" in legend
        # Seven of the ten open risks are held at a cautious appetite (a ceiling of 9).
        assert "appetite line: Cautious (up to 9), the appetite of 7 of 10 risks shown" in legend
        edges = {
            (lk, im)
            for lk in range(1, 6)
            for im in range(1, 6)
            if app.screen.query_one(f"#cell-{lk}-{im}", Button).has_class("-appetite-edge")
        }
        # Left of the first cell above 9 in each row: 5x2=10, 4x3=12, 3x4=12, 2x5=10; none at 1.
        assert edges == {(5, 2), (4, 3), (3, 4), (2, 5)}
