"""Each action has one definition: binding (with an id), footer, palette entry and help line."""

from __future__ import annotations

import pytest
from textual.binding import Binding
from textual.command import CommandPalette
from textual.widgets import Input

from bct_risk.tui.actions import APP_ACTIONS, UserAction
from bct_risk.tui.app import RiskApp
from bct_risk.tui.screens.committees import CommitteesScreen
from bct_risk.tui.screens.detail import DetailScreen
from bct_risk.tui.screens.heatmap import HeatMapScreen
from bct_risk.tui.screens.help import HelpScreen
from bct_risk.tui.screens.register import RegisterScreen
from bct_risk.tui.screens.score import ScoreScreen
from bct_risk.tui.screens.tracker import TrackerScreen
from bct_risk.tui.widgets.form import FormScreen
from tests.tui.conftest import press, screen_text, settle, type_text

SCREENS = [
    RiskApp,
    RegisterScreen,
    DetailScreen,
    HeatMapScreen,
    TrackerScreen,
    CommitteesScreen,
    FormScreen,
]


@pytest.mark.parametrize("owner", SCREENS, ids=lambda s: s.__name__)
def test_bindings_come_from_the_action_definitions(owner: type) -> None:
    actions: tuple[UserAction, ...] = owner.ACTIONS
    bindings = [b for b in owner.BINDINGS if isinstance(b, Binding)]
    assert len(bindings) == len(owner.BINDINGS) == len(actions)
    for action, binding in zip(actions, bindings, strict=True):
        assert (binding.key, binding.action, binding.description) == (
            action.key,
            action.name,
            action.label,
        )
        assert binding.id == f"bct-risk.{action.name}"
        assert action.help and action.help[0].isupper()
        assert hasattr(owner, f"action_{action.name}"), f"{owner.__name__} lacks {action.name}"


def test_keys_are_unique_on_each_screen() -> None:
    app_keys = {k for a in APP_ACTIONS for k in a.key.split(",")}
    for owner in SCREENS[1:]:
        keys = [k for a in owner.ACTIONS for k in a.key.split(",")]
        assert len(keys) == len(set(keys)), owner.__name__
        assert not set(keys) & app_keys, owner.__name__


async def test_help_lists_the_screen_and_app_actions(app: RiskApp) -> None:
    async with app.run_test(size=(100, 50)) as pilot:
        await settle(pilot)
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for action in (*RegisterScreen.ACTIONS, *APP_ACTIONS):
            assert action.help in text
        await press(pilot, "escape")
        assert isinstance(app.screen, RegisterScreen)


async def test_the_palette_finds_and_runs_an_action(app: RiskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(DetailScreen(app.ctx, "SR9"))
        await settle(pilot)
        await press(pilot, "ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await type_text(pilot, "rescore")
        await pilot.pause(0.5)
        await press(pilot, "down", "enter")
        assert isinstance(app.screen, ScoreScreen)


async def test_text_cursors_stay_still_when_asked(app: RiskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "slash")
        assert app.screen.query_one("#search", Input).cursor_blink is False
