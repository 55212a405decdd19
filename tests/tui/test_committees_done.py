"""Committees: "done" is what the register records, every risk at the meeting with a review,
whoever recorded it and in whatever order."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from textual.widgets import Label, OptionList, Select

from bct_risk.domain.enums import ReviewOutcome
from bct_risk.services.committees import record_review
from bct_risk.services.context import Context
from bct_risk.services.meeting_reviews import reviews_at
from bct_risk.tui.app import RiskApp
from bct_risk.tui.screens.committees import CommitteesScreen
from bct_risk.tui.screens.review import ReviewScreen
from tests.conftest import make_context
from tests.tui.conftest import notices, press, settle
from tests.tui.test_committee_review import open_meeting

DECEMBER = date(2026, 12, 10)
DONE = "Every risk at this meeting has a review"


@pytest.fixture
def app_ctx(seeded_db_path: Path) -> Iterator[Context]:
    """The seed register on the day of the December meeting."""
    context = replace(
        make_context(seeded_db_path), clock=lambda: datetime(2026, 12, 10, 15, 0, tzinfo=UTC)
    )
    yield context
    context.engine.dispose()


def title(app: RiskApp) -> str:
    return str(app.screen.query_one("#meeting-title", Label).render())


async def test_reviews_recorded_elsewhere_count_towards_done(
    app: RiskApp, app_ctx: Context
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_meeting(app, pilot, DECEMBER)
        screen = app.screen
        assert isinstance(screen, CommitteesScreen) and screen.pack is not None
        references = [r.reference for r in screen.pack.risks]
        assert "0 of 5 reviewed" in title(app)
        # Another secretary records every review but the first while this screen is open.
        for reference in references[1:]:
            record_review(
                app_ctx,
                reference,
                committee="fr",
                meeting_date=DECEMBER,
                outcome=ReviewOutcome.NOTED,
            )
        risks = screen.query_one("#meeting-risk-list", OptionList)
        risks.highlighted = 0
        await press(pilot, "r")
        assert isinstance(app.screen, ReviewScreen)
        app.screen.query_one("#outcome", Select).value = ReviewOutcome.NOTED.value
        await press(pilot, "ctrl+s")
        # Nothing left to review: done, and the screen shows what is recorded.
        assert app.screen is screen
        assert DONE in notices(app)
        assert "5 of 5 reviewed" in title(app)
    assert set(reviews_at(app_ctx, "fr", DECEMBER)) == set(references)


async def test_the_last_risk_reviewed_first_is_not_done(app: RiskApp, app_ctx: Context) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_meeting(app, pilot, DECEMBER)
        screen = app.screen
        assert isinstance(screen, CommitteesScreen) and screen.pack is not None
        references = [r.reference for r in screen.pack.risks]
        risks = screen.query_one("#meeting-risk-list", OptionList)
        risks.highlighted = len(references) - 1
        await press(pilot, "r")
        app.screen.query_one("#outcome", Select).value = ReviewOutcome.NOTED.value
        await press(pilot, "ctrl+s")
        # Not done: the first risk without a review comes next.
        assert DONE not in notices(app)
        assert isinstance(app.screen, ReviewScreen)
        assert app.screen.row.reference == references[0]
        await press(pilot, "escape")
        assert app.screen is screen
        assert "1 of 5 reviewed" in title(app)
