"""Committees: a meeting's risks, and the committee's review of each recorded in sequence."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from textual.widgets import Input, Label, OptionList, Select, Static

from bct_risk.domain.enums import Assurance, ReviewOutcome
from bct_risk.services.committees import record_review
from bct_risk.services.context import Context
from bct_risk.services.meeting_reviews import reviews_at
from bct_risk.tui.app import RiskApp
from bct_risk.tui.screens.committees import CommitteesScreen
from bct_risk.tui.screens.confirm import ConfirmScreen
from bct_risk.tui.screens.escalate import EscalateScreen
from bct_risk.tui.screens.review import ReviewScreen
from tests.conftest import make_context
from tests.helpers import fingerprint
from tests.tui.conftest import notices, press, settle

DECEMBER = date(2026, 12, 10)


@pytest.fixture
def app_ctx(seeded_db_path: Path) -> Iterator[Context]:
    """The seed register on the day of the December meeting (its reviews are recorded on the
    day: a meeting still to come has none)."""
    context = replace(
        make_context(seeded_db_path), clock=lambda: datetime(2026, 12, 10, 15, 0, tzinfo=UTC)
    )
    yield context
    context.engine.dispose()


async def open_meeting(app: RiskApp, pilot: object, held: date) -> None:
    await press(pilot, "4")  # type: ignore[arg-type]
    assert isinstance(app.screen, CommitteesScreen)
    committees = app.screen.query_one("#committee-list", OptionList)
    committees.highlighted = app.screen.committee_keys.index("fr")
    await settle(pilot)  # type: ignore[arg-type]
    meetings = app.screen.query_one("#meeting-list", OptionList)
    meetings.focus()
    meetings.highlighted = app.screen.meeting_dates.index(held)
    await press(pilot, "enter")  # type: ignore[arg-type]


async def test_the_latest_meeting_shows_its_reviews(app: RiskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_meeting(app, pilot, date(2026, 9, 10))
        title = str(app.screen.query_one("#meeting-title", Label).render())
        # The risks as they stood at the meeting's cut-off, as its pack lists them: OR2026-01,
        # first scored on 13 Oct, was not yet on the register.
        assert title == "Finance and Resources Committee, 10 Sep 2026: 4 of 4 reviewed"
        risks = app.screen.query_one("#meeting-risk-list", OptionList)
        assert risks.option_count == 4
        assert app.screen.pack is not None
        assert [r.reference for r in app.screen.pack.risks] == ["SR1", "SR7", "SR8", "SR9"]
        assert "Challenged, limited assurance" in str(risks.get_option_at_index(3).prompt)


async def test_record_reviews_in_sequence(app: RiskApp, app_ctx: Context) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_meeting(app, pilot, DECEMBER)
        assert "0 of 5 reviewed" in str(app.screen.query_one("#meeting-title", Label).render())
        await press(pilot, "r")
        assert isinstance(app.screen, ReviewScreen)
        assert app.screen.row.reference == "OR2026-01"
        app.screen.query_one("#outcome", Select).value = ReviewOutcome.NOTED.value
        app.screen.query_one("#assurance", Select).value = Assurance.REASONABLE.value
        app.screen.query_one("#comments", Input).value = "Legal advice awaited"
        await press(pilot, "ctrl+s")
        # Saving moves straight on to the next risk at the meeting.
        assert isinstance(app.screen, ReviewScreen)
        assert app.screen.row.reference == "SR1"
        app.screen.query_one("#outcome", Select).value = ReviewOutcome.ESCALATED_TO_BOARD.value
        await press(pilot, "ctrl+s")
        # An outcome of "escalated" offers to record the move; not now.
        assert isinstance(app.screen, ConfirmScreen)
        await press(pilot, "n")
        assert isinstance(app.screen, ReviewScreen)
        assert app.screen.row.reference == "SR7"
        await press(pilot, "escape")
        assert isinstance(app.screen, CommitteesScreen)
        await settle(pilot)
        assert "2 of 5 reviewed" in str(app.screen.query_one("#meeting-title", Label).render())
    recorded = reviews_at(app_ctx, "fr", DECEMBER)
    assert set(recorded) == {"OR2026-01", "SR1"}
    first = recorded["OR2026-01"]
    assert (first.outcome, first.assurance, first.comments, first.score) == (
        "Noted",
        "Reasonable",
        "Legal advice awaited",
        12,
    )
    assert recorded["SR1"].outcome == "Escalated to board"


async def test_an_outcome_is_required(app: RiskApp, app_ctx: Context) -> None:
    unchanged = fingerprint(app_ctx)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_meeting(app, pilot, DECEMBER)
        await press(pilot, "r", "ctrl+s")
        assert isinstance(app.screen, ReviewScreen)
        assert str(app.screen.query_one("#form-error", Static).render()) == (
            "Choose the outcome of the review"
        )
    assert fingerprint(app_ctx) == unchanged


async def test_done_only_when_every_risk_has_a_review(app: RiskApp, app_ctx: Context) -> None:
    for reference in ("OR2026-01", "SR1", "SR7", "SR9"):  # all but SR8 reviewed already
        record_review(
            app_ctx, reference, committee="fr", meeting_date=DECEMBER,
            outcome=ReviewOutcome.NOTED,
        )  # fmt: skip
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_meeting(app, pilot, DECEMBER)
        screen = app.screen
        assert isinstance(screen, CommitteesScreen) and screen.pack is not None
        waiting = [r.reference for r in screen.pack.risks if r.reference not in screen.pack.reviews]
        assert len(waiting) == 1
        # The last risk's review amended first: not done; the one without a review comes next.
        risks = screen.query_one("#meeting-risk-list", OptionList)
        risks.highlighted = risks.option_count - 1
        await press(pilot, "r", "ctrl+s")
        assert "Every risk at this meeting has a review" not in notices(app)
        assert isinstance(app.screen, ReviewScreen)
        assert app.screen.row.reference == waiting[0]
        app.screen.query_one("#outcome", Select).value = ReviewOutcome.NOTED.value
        await press(pilot, "ctrl+s")
        assert "Every risk at this meeting has a review" in notices(app)
        assert isinstance(app.screen, CommitteesScreen)


async def test_an_outcome_of_escalated_offers_to_escalate(app: RiskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_meeting(app, pilot, date(2026, 9, 10))
        screen = app.screen
        assert isinstance(screen, CommitteesScreen) and screen.pack is not None
        risks = screen.query_one("#meeting-risk-list", OptionList)
        risks.highlighted = [r.reference for r in screen.pack.risks].index("SR9")
        await press(pilot, "r")
        assert isinstance(app.screen, ReviewScreen)
        app.screen.query_one("#outcome", Select).value = ReviewOutcome.ESCALATED_TO_BOARD.value
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ConfirmScreen)
        assert "escalated SR9" in str(app.screen.query_one("#confirm-question", Static).render())
        await press(pilot, "y")
        assert isinstance(app.screen, EscalateScreen)
        assert app.screen.detail.row.reference == "SR9"
