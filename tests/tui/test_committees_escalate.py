"""Committees: a review whose outcome is "Escalated to board" offers to escalate the risk, on
the escalate form filled in from the review."""

from __future__ import annotations

from datetime import date

from textual.widgets import Input, OptionList, Select

from bct_risk.domain.enums import ReviewOutcome, Tier
from bct_risk.services.context import Context
from bct_risk.services.queries import risk_detail
from bct_risk.tui.app import RiskApp
from bct_risk.tui.screens.committees import CommitteesScreen
from bct_risk.tui.screens.confirm import ConfirmScreen
from bct_risk.tui.screens.escalate import EscalateScreen
from bct_risk.tui.screens.review import ReviewScreen
from tests.tui.conftest import press, settle
from tests.tui.test_committee_review import open_meeting

SEPTEMBER = date(2026, 9, 10)


async def test_escalated_to_board_opens_the_escalate_form_filled_in(
    app: RiskApp, app_ctx: Context
) -> None:
    before = len(risk_detail(app_ctx, "SR9").escalations)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_meeting(app, pilot, SEPTEMBER)
        screen = app.screen
        assert isinstance(screen, CommitteesScreen) and screen.pack is not None
        risks = screen.query_one("#meeting-risk-list", OptionList)
        risks.highlighted = [r.reference for r in screen.pack.risks].index("SR9")
        await press(pilot, "r")
        assert isinstance(app.screen, ReviewScreen)
        app.screen.query_one("#outcome", Select).value = ReviewOutcome.ESCALATED_TO_BOARD.value
        app.screen.query_one("#comments", Input).value = "Deficit beyond the [reserves]"
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ConfirmScreen)
        await press(pilot, "y")
        form = app.screen
        assert isinstance(form, EscalateScreen)
        # Filled in from the review: the Board's register, the meeting, its date, the words.
        assert form.query_one("#tier", Select).value == Tier.BOARD.value
        assert form.query_one("#meeting", Select).value == "fr|2026-09-10"
        assert form.query_one("#decided-on", Input).value == "10 Sep 2026"
        assert form.query_one("#reason", Input).value == (
            "Escalated to the Board by the Finance and Resources Committee: "
            "Deficit beyond the [reserves]"
        )
        await press(pilot, "ctrl+s")
        assert not isinstance(app.screen, EscalateScreen)
    detail = risk_detail(app_ctx, "SR9")
    assert detail.row.tier == Tier.BOARD
    assert len(detail.escalations) == before + 1
    moved = detail.escalations[-1]
    assert (moved.to_tier, moved.decided_on) == (Tier.BOARD.label, SEPTEMBER)


async def test_the_escalation_can_be_declined_and_nothing_moves(
    app: RiskApp, app_ctx: Context
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_meeting(app, pilot, SEPTEMBER)
        screen = app.screen
        assert isinstance(screen, CommitteesScreen) and screen.pack is not None
        risks = screen.query_one("#meeting-risk-list", OptionList)
        risks.highlighted = [r.reference for r in screen.pack.risks].index("SR9")
        await press(pilot, "r")
        app.screen.query_one("#outcome", Select).value = ReviewOutcome.ESCALATED_TO_BOARD.value
        await press(pilot, "ctrl+s", "y")
        assert isinstance(app.screen, EscalateScreen)
        await press(pilot, "escape")  # the form, filled in by the app, closes without asking
        assert not isinstance(app.screen, EscalateScreen)
    assert risk_detail(app_ctx, "SR9").row.tier != Tier.BOARD
