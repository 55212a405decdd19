"""A risk's linked risks open from its detail: at once when there is one, else from a list."""

from __future__ import annotations

from bct_risk.domain.models import RiskCreate
from bct_risk.services import risks
from bct_risk.services.context import Context
from bct_risk.tui.app import RiskApp
from bct_risk.tui.screens.choice import ChoiceScreen
from bct_risk.tui.screens.detail import DetailScreen
from tests.tui.conftest import notices, press, screen_text, settle


async def test_one_link_opens_at_once_and_back_returns(app: RiskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(DetailScreen(app.ctx, "SR8"))
        await settle(pilot)
        await press(pilot, "l")
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.reference == "SR6"
        await press(pilot, "escape")
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.reference == "SR8"


async def test_several_links_are_chosen_from_a_list(app: RiskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(DetailScreen(app.ctx, "SR9"))
        await settle(pilot)
        await press(pilot, "l")
        assert isinstance(app.screen, ChoiceScreen)
        values = [value for _, value in app.screen.choices]
        assert "SR7" in values and "KR1920-1" in values
        assert "SR7  Placement sufficiency" in screen_text(app)
        await press(pilot, *["down"] * values.index("SR7"), "enter")
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.reference == "SR7"


async def test_a_risk_with_no_links_says_so(app: RiskApp, app_ctx: Context) -> None:
    risks.create_risk(app_ctx, RiskCreate(reference="X1", title="Unlinked"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(DetailScreen(app.ctx, "X1"))
        await settle(pilot)
        await press(pilot, "l")
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.reference == "X1"
        assert "X1 is linked to no other risk" in notices(app)
