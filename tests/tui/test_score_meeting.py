"""A score agreed at a meeting is tied to it, as ``bct-risk score --meeting-committee`` does."""

from __future__ import annotations

from textual.widgets import Input, Select, Static

from bct_risk.domain.scoring import Score
from bct_risk.services import queries
from bct_risk.services.context import Context
from bct_risk.tui.app import RiskApp
from bct_risk.tui.screens.detail import DetailScreen
from bct_risk.tui.screens.score import ScoreScreen
from tests.helpers import fingerprint
from tests.tui.conftest import press, settle
from tests.tui.test_score import choose, open_score_form


def error(app: RiskApp) -> str:
    return str(app.screen.query_one("#form-error", Static).render())


async def test_a_score_tied_to_a_meeting_is_dated_by_it(app: RiskApp, app_ctx: Context) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_score_form(app, pilot)
        meetings = app.screen.query_one("#meeting", Select)
        offered = [(str(label), value) for label, value in meetings._options]
        assert ("10 Sep 2026 — Finance and Resources", "fr|2026-09-10") in offered
        # Meetings not yet held (the F&R of 10 Dec 2026) are not offered.
        assert not any(value == "fr|2026-12-10" for _, value in offered)
        choose(app, 4, 4)
        meetings.value = "fr|2026-09-10"
        await settle(pilot)
        assert app.screen.query_one("#assessed-on", Input).value == "10 Sep 2026"
        app.screen.query_one("#rationale", Input).value = "Agreed by the committee"
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, DetailScreen), error(app)
    newest = queries.risk_detail(app_ctx, "SR9").history[-1]
    assert (newest.score, newest.meeting, newest.rationale) == (
        Score(4, 4),
        "Finance and Resources 10 Sep 2026",
        "Agreed by the committee",
    )


async def test_a_typed_date_stays_when_a_meeting_is_chosen(app: RiskApp, app_ctx: Context) -> None:
    unchanged = fingerprint(app_ctx)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_score_form(app, pilot)
        choose(app, 4, 4)
        app.screen.query_one("#assessed-on", Input).value = "1 Dec 2026"
        app.screen.query_one("#meeting", Select).value = "fr|2026-09-10"
        app.screen.query_one("#rationale", Input).value = "Agreed"
        await settle(pilot)
        assert app.screen.query_one("#assessed-on", Input).value == "1 Dec 2026"
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ScoreScreen)
        assert error(app) == "The assessment date 2026-12-01 is in the future"
    assert fingerprint(app_ctx) == unchanged
