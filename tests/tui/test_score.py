"""Rescore a risk: labels, live band, required rationale, history kept, direction of travel."""

from __future__ import annotations

from textual.widgets import Input, Select, Static

from bct_risk.domain.enums import Direction, ScoreKind
from bct_risk.domain.scoring import Score
from bct_risk.services import queries
from bct_risk.services.context import Context
from bct_risk.tui.app import RiskApp
from bct_risk.tui.screens.detail import DetailScreen
from bct_risk.tui.screens.register import RegisterScreen
from bct_risk.tui.screens.score import ScoreScreen
from bct_risk.tui.widgets.risk_table import RiskTable
from tests.helpers import fingerprint
from tests.tui.conftest import notices, press, screen_text, settle, type_text


async def open_score_form(app: RiskApp, pilot: object, reference: str = "SR9") -> None:
    app.push_screen(DetailScreen(app.ctx, reference))
    await settle(pilot)  # type: ignore[arg-type]
    await press(pilot, "s")  # type: ignore[arg-type]
    assert isinstance(app.screen, ScoreScreen)


def choose(app: RiskApp, likelihood: int, impact: int) -> None:
    app.screen.query_one("#likelihood", Select).value = likelihood
    app.screen.query_one("#impact", Select).value = impact


async def test_rescore_adds_history_and_turns_the_direction(app: RiskApp, app_ctx: Context) -> None:
    before = queries.risk_detail(app_ctx, "SR9")
    assert before.row.direction == Direction.WORSE
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_score_form(app, pilot)
        # The form starts on the current score, with its labels.
        assert app.screen.query_one("#likelihood", Select).value == 5
        choose(app, 4, 4)
        await settle(pilot)
        preview = str(app.screen.query_one("#score-preview", Static).render())
        assert "16 Extreme (Likely 4 x Major 4)" in preview
        assert "▼ better" in preview
        assert app.screen.query_one("#assessed-on", Input).value == "23 Nov 2026"
        app.screen.query_one("#rationale", Input).focus()
        await type_text(pilot, "Savings plan agreed by the Board")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, DetailScreen)
        assert any("SR9 current score is now 16" in n for n in notices(app))
        assert "Direction of travel: ▼ better" in screen_text(app)
        await press(pilot, "escape")
        assert isinstance(app.screen, RegisterScreen)
        table = app.screen.query_one(RiskTable)
        row = table.references.index("SR9")
        assert any("▼" in str(cell) for cell in table.table.get_row_at(row))

    after = queries.risk_detail(app_ctx, "SR9")
    assert after.row.current == Score(4, 4)
    assert after.row.direction == Direction.BETTER
    assert len(after.history) == len(before.history) + 1
    newest = after.history[-1]
    assert (newest.kind, newest.rationale, newest.assessed_by) == (
        ScoreKind.CURRENT,
        "Savings plan agreed by the Board",
        "tester",
    )


async def test_target_score_can_be_chosen(app: RiskApp, app_ctx: Context) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_score_form(app, pilot)
        app.screen.query_one("#kind", Select).value = ScoreKind.TARGET.value
        await settle(pilot)
        # Switching kind shows that score: SR9's target is 12 (3 x 4).
        assert app.screen.query_one("#likelihood", Select).value == 3
        choose(app, 2, 4)
        app.screen.query_one("#rationale", Input).value = "Recovery plan lowers the aim"
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, DetailScreen)
    assert queries.risk_detail(app_ctx, "SR9").row.target == Score(2, 4)


async def test_a_blank_rationale_is_refused_and_nothing_changes(
    app: RiskApp, app_ctx: Context
) -> None:
    unchanged = fingerprint(app_ctx)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_score_form(app, pilot)
        choose(app, 3, 3)
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ScoreScreen)
        error = str(app.screen.query_one("#form-error", Static).render())
        assert error == "A rationale is required"
        assert app.screen.focused is app.screen.query_one("#rationale")
    assert fingerprint(app_ctx) == unchanged


async def test_a_future_date_or_a_bad_date_is_refused(app: RiskApp, app_ctx: Context) -> None:
    unchanged = fingerprint(app_ctx)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_score_form(app, pilot)
        app.screen.query_one("#rationale", Input).value = "Looking ahead"
        app.screen.query_one("#assessed-on", Input).value = "1 Jan 2027"
        await press(pilot, "ctrl+s")
        error = str(app.screen.query_one("#form-error", Static).render())
        assert "The assessment date 2027-01-01 is in the future" in error
        app.screen.query_one("#assessed-on", Input).value = "next Tuesday"
        await press(pilot, "ctrl+s")
        error = str(app.screen.query_one("#form-error", Static).render())
        assert "is not a date" in error
        assert isinstance(app.screen, ScoreScreen)
        await press(pilot, "escape", "y")  # the form was changed: leaving it asks first
        assert isinstance(app.screen, DetailScreen)
    assert fingerprint(app_ctx) == unchanged


async def test_likelihood_must_be_chosen(app: RiskApp, app_ctx: Context) -> None:
    unchanged = fingerprint(app_ctx)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_score_form(app, pilot)
        app.screen.query_one("#likelihood", Select).clear()
        app.screen.query_one("#rationale", Input).value = "Why"
        await press(pilot, "ctrl+s")
        error = str(app.screen.query_one("#form-error", Static).render())
        assert error == "Choose a likelihood"
    assert fingerprint(app_ctx) == unchanged
