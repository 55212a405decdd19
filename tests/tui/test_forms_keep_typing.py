"""Nothing typed is lost: leaving a changed form asks first; a search box is left with Esc."""

from __future__ import annotations

from textual.widgets import Input

from bct_risk.services import queries
from bct_risk.services.context import Context
from bct_risk.tui.app import RiskApp
from bct_risk.tui.screens.confirm import ConfirmScreen
from bct_risk.tui.screens.register import RegisterScreen
from bct_risk.tui.screens.risk_form import RiskFormScreen
from bct_risk.tui.widgets.form import plain_words
from bct_risk.tui.widgets.risk_table import RiskTable
from tests.tui.conftest import press, settle, type_text


async def test_esc_on_a_changed_form_asks_before_discarding(app: RiskApp, app_ctx: Context) -> None:
    before = len(queries.list_risks(app_ctx))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "n")
        assert isinstance(app.screen, RiskFormScreen)
        app.screen.query_one("#title", Input).focus()
        await type_text(pilot, "Loss of key data")
        await press(pilot, "escape")
        assert isinstance(app.screen, ConfirmScreen)
        # No (the safe answer): back on the form with what was typed.
        await press(pilot, "n")
        assert isinstance(app.screen, RiskFormScreen)
        assert app.screen.query_one("#title", Input).value == "Loss of key data"
        # Yes: the form closes, nothing saved.
        await press(pilot, "escape", "y")
        assert isinstance(app.screen, RegisterScreen)
    assert len(queries.list_risks(app_ctx)) == before


async def test_esc_on_an_untouched_form_closes_it(app: RiskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "n", "escape")
        assert isinstance(app.screen, RegisterScreen)


async def test_esc_leaves_the_search_and_the_search_finds_controls(app: RiskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "slash")
        await type_text(pilot, "foster")
        await press(pilot, "escape")
        table = app.screen.query_one(RiskTable)
        assert table.table.has_focus
        # SR7's controls speak of foster carers; its title and owner do not.
        assert table.references == ["SR7"]
        # The next key is a command, not more search text.
        await press(pilot, "x")
        assert app.screen.query_one("#search", Input).value == "foster"


def test_pydantic_wording_is_put_in_plain_words() -> None:
    assert plain_words("title: String should have at least 1 character") == (
        "title: cannot be blank"
    )
    assert plain_words("Input should be less than or equal to 3650") == "must be at most 3650"
