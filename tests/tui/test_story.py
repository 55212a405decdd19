"""The issue's walk-through, as one user session: filter to the Finance and Resources
Committee's risks, open SR9, rescore it, see the direction of travel change, escalate it to the
Board, update an overdue action, and record a committee review."""

from __future__ import annotations

from datetime import date

from textual.widgets import Input, OptionList, Select

from bct_risk.domain.enums import Direction, Tier
from bct_risk.services import queries
from bct_risk.services.context import Context
from bct_risk.services.meeting_reviews import reviews_at
from bct_risk.tui.app import RiskApp
from bct_risk.tui.screens.committees import CommitteesScreen
from bct_risk.tui.screens.confirm import ConfirmScreen
from bct_risk.tui.screens.detail import DetailScreen
from bct_risk.tui.screens.escalate import EscalateScreen
from bct_risk.tui.screens.review import ReviewScreen
from bct_risk.tui.screens.score import ScoreScreen
from bct_risk.tui.screens.tracker import TrackerScreen
from bct_risk.tui.widgets.risk_table import RiskTable
from tests.tui.conftest import notices, press, screen_text, settle, type_text

SEPTEMBER = date(2026, 9, 10)
"""The Finance and Resources Committee's last meeting before the frozen today."""


async def test_the_secretariat_session(app: RiskApp, app_ctx: Context) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        # Filter to the Finance and Resources Committee's risks.
        await press(pilot, "c")
        labels = [label for label, _ in app.screen.choices]  # type: ignore[attr-defined]
        await press(pilot, *["down"] * labels.index("Finance and Resources Committee"), "enter")
        table = app.screen.query_one(RiskTable)
        assert table.references == ["OR2026-01", "SR1", "SR7", "SR8", "SR9"]
        # Open SR9.
        await press(pilot, *["down"] * table.references.index("SR9"), "enter")
        assert isinstance(app.screen, DetailScreen) and app.screen.reference == "SR9"
        assert "Direction of travel: ▲ worse" in screen_text(app)
        # Rescore it with a rationale.
        await press(pilot, "s")
        assert isinstance(app.screen, ScoreScreen)
        app.screen.query_one("#likelihood", Select).value = 4
        app.screen.query_one("#rationale", Input).focus()
        await type_text(pilot, "Council agreed in-year support")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, DetailScreen)
        assert "Direction of travel: ▼ better" in screen_text(app)
        # Escalate it to the Board.
        await press(pilot, "e")
        assert isinstance(app.screen, EscalateScreen)
        app.screen.query_one("#tier", Select).value = "board"
        app.screen.query_one("#reason", Input).focus()
        await type_text(pilot, "Deficit still beyond reserves")
        await press(pilot, "enter")
        assert isinstance(app.screen, DetailScreen)
        # Update an overdue action on the tracker.
        await press(pilot, "3")
        assert isinstance(app.screen, TrackerScreen)
        listing = app.screen.query_one("#tracker-list", OptionList)
        ids = [listing.get_option_at_index(i).id for i in range(listing.option_count)]
        listing.highlighted = ids.index("action-64")
        await press(pilot, "u")
        await type_text(pilot, "Recovery plan circulated to members")
        await press(pilot, "enter")
        assert isinstance(app.screen, TrackerScreen)
        # Record the committee's review at its December meeting.
        await press(pilot, "4")
        assert isinstance(app.screen, CommitteesScreen)
        screen = app.screen
        screen.query_one("#committee-list", OptionList).highlighted = screen.committee_keys.index(
            "fr"
        )
        await settle(pilot)
        meetings = screen.query_one("#meeting-list", OptionList)
        meetings.focus()
        # The September meeting has met (December's is still to come): its review is amended.
        meetings.highlighted = screen.meeting_dates.index(SEPTEMBER)
        await press(pilot, "enter")
        assert screen.pack is not None
        at = [r.reference for r in screen.pack.risks].index("SR9")
        await press(pilot, *["down"] * at, "r")
        assert isinstance(app.screen, ReviewScreen) and app.screen.row.reference == "SR9"
        app.screen.query_one("#outcome", Select).value = "escalated_to_board"
        app.screen.query_one("#assurance", Select).value = "limited"
        await press(pilot, "ctrl+s")
        # Already escalated above: no second escalation. Every risk the committee held at
        # its September cut-off now has a review, so the meeting is done.
        assert isinstance(app.screen, ConfirmScreen)
        await press(pilot, "n")
        assert isinstance(app.screen, CommitteesScreen)
        assert "Every risk at this meeting has a review" in notices(app)

    sr9 = queries.risk_detail(app_ctx, "SR9")
    assert sr9.row.current is not None and sr9.row.current.value == 20
    assert sr9.row.direction == Direction.BETTER
    assert sr9.row.tier == Tier.BOARD
    assert sr9.escalations[-1].reason == "Deficit still beyond reserves"
    action = next(a for a in sr9.tracker_items + queries.list_actions(app_ctx) if a.id == 64)
    assert action.updates[-1].text == "Recovery plan circulated to members"
    review = reviews_at(app_ctx, "fr", SEPTEMBER)["SR9"]
    # The score the committee saw at that meeting, not the one given since.
    assert (review.outcome, review.assurance, review.score) == ("Escalated to board", "Limited", 25)
