"""Two people on one risk: an edit over a newer one is refused, ctrl+r loads it; scores append."""

from __future__ import annotations

from textual.widgets import Input, Static

from bct_risk.domain.models import RiskUpdate
from bct_risk.services import queries
from bct_risk.services.context import Context
from bct_risk.services.risks import score_risk, update_risk
from bct_risk.tui.app import RiskApp
from bct_risk.tui.screens.detail import DetailScreen
from bct_risk.tui.screens.risk_form import RiskFormScreen
from tests.tui.conftest import press, settle
from tests.tui.test_score import choose, open_score_form


async def test_an_edit_over_a_newer_one_is_refused_then_reloaded_and_saved(
    app: RiskApp, app_ctx: Context
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(DetailScreen(app.ctx, "SR9"))
        await settle(pilot)
        await press(pilot, "i")
        assert isinstance(app.screen, RiskFormScreen)
        update_risk(app_ctx.acting_as("colleague"), "SR9", RiskUpdate(category="Council finances"))
        app.screen.query_one("#description", Input).value = "Savings plan agreed"
        await press(pilot, "ctrl+s")
        error = str(app.screen.query_one("#form-error", Static).render())
        assert "SR9 was changed by colleague" in error
        assert "Press ctrl+r to load their change" in error
        await press(pilot, "ctrl+r")
        assert isinstance(app.screen, RiskFormScreen)
        reloaded = str(app.screen.query_one("#form-error", Static).render())
        assert reloaded.startswith("Reloaded SR9")
        assert "last changed by colleague" in reloaded
        assert app.screen.query_one("#description", Input).value == "Savings plan agreed"
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, DetailScreen)
    detail = queries.risk_detail(app_ctx, "SR9")
    assert (detail.description, detail.row.category) == ("Savings plan agreed", "Council finances")


async def test_a_score_saved_after_someone_else_scored_is_kept_not_refused(
    app: RiskApp, app_ctx: Context
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_score_form(app, pilot)
        score_risk(app_ctx.acting_as("colleague"), "SR9", likelihood=3, impact=5, rationale="Mine")
        choose(app, 4, 4)
        app.screen.query_one("#rationale", Input).value = "Savings plan agreed"
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, DetailScreen)
    history = queries.risk_detail(app_ctx, "SR9").history
    assert [(a.assessed_by, a.rationale) for a in history[-2:]] == [
        ("colleague", "Mine"),
        ("tester", "Savings plan agreed"),
    ]
