"""What the app remembers between runs: theme, sort and hidden columns; keys the user remaps."""

from __future__ import annotations

import tomllib
from pathlib import Path

from bct_risk.services.context import Context
from bct_risk.tui.app import make_app
from bct_risk.tui.screens.choice import ChoiceScreen
from bct_risk.tui.screens.register import RegisterScreen
from bct_risk.tui.screens.tracker import TrackerScreen
from bct_risk.tui.settings import load_settings
from bct_risk.tui.widgets.risk_table import RiskTable
from tests.tui.conftest import press, settle


async def test_theme_sort_and_columns_are_remembered(app_ctx: Context, own_settings: Path) -> None:
    app = make_app(app_ctx, blink=False)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        app.theme = "textual-light"
        screen = app.screen
        assert isinstance(screen, RegisterScreen)
        await screen._sort_by("current")
        await press(pilot, "h")
        assert isinstance(app.screen, ChoiceScreen)
        app.screen.dismiss("owner")
        await settle(pilot)
        assert "owner" not in app.screen.query_one(RiskTable).shown_columns
    saved = tomllib.loads(own_settings.read_text(encoding="utf-8"))
    assert saved["theme"] == "textual-light"
    assert (saved["sort_column"], saved["sort_descending"]) == ("current", False)
    assert saved["hidden_columns"] == ["owner"]
    # The next run starts as the last one was left.
    again = make_app(app_ctx, blink=False)
    async with again.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        assert again.theme == "textual-light"
        screen = again.screen
        assert isinstance(screen, RegisterScreen)
        assert screen.sort_column == "current"
        table = screen.query_one(RiskTable)
        assert "owner" not in table.shown_columns
        currents = [r.current.value for r in screen.rows if r.current is not None]
        assert currents == sorted(currents)


async def test_a_key_remapped_in_the_settings_file(app_ctx: Context, own_settings: Path) -> None:
    own_settings.parent.mkdir(parents=True)
    own_settings.write_text('[keys]\n"bct-risk.show_tracker" = "ctrl+t"\n', encoding="utf-8")
    app = make_app(app_ctx, blink=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "3")
        assert isinstance(app.screen, RegisterScreen)
        await press(pilot, "ctrl+t")
        assert isinstance(app.screen, TrackerScreen)


def test_an_unreadable_settings_file_gives_the_defaults_and_says_so(own_settings: Path) -> None:
    own_settings.parent.mkdir(parents=True)
    own_settings.write_text("theme = \n", encoding="utf-8")
    settings = load_settings()
    assert settings.theme == ""
    assert "could not be read" in settings.problem
