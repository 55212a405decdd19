"""Snapshots of the action tracker holding further actions and tracker actions: the whole
register at 120x40 and 80x24, and the Finance and Resources Committee's actions, by meeting
(its further actions after its meetings) and by risk.

Run ``pytest tests/tui/test_tracker_snapshots.py --snapshot-update`` after a deliberate change,
and look at the SVGs' text before committing.
"""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import OptionList

from bct_risk.services.context import Context
from bct_risk.tui.app import make_app
from bct_risk.tui.screens.tracker import TrackerFilter, TrackerScreen
from tests.tui.test_snapshots import Compare, steps


async def fr_by_risk(pilot: Pilot[Any]) -> None:
    screen = pilot.app.screen
    assert isinstance(screen, TrackerScreen)
    screen.apply(
        TrackerFilter(
            committee="fr", committee_label="Finance and Resources Committee", group="risk"
        )
    )


async def fr_by_meeting(pilot: Pilot[Any]) -> None:
    screen = pilot.app.screen
    assert isinstance(screen, TrackerScreen)
    screen.apply(TrackerFilter(committee="fr", committee_label="Finance and Resources Committee"))


async def further_action_on_sr9(pilot: Pilot[Any]) -> None:
    listing = pilot.app.screen.query_one("#tracker-list", OptionList)
    ids = [listing.get_option_at_index(i).id for i in range(listing.option_count)]
    listing.highlighted = ids.index("action-22")


def test_tracker_opens_on_the_newest_meeting(snap_compare: Compare, app_ctx: Context) -> None:
    app = make_app(app_ctx, blink=False)
    assert snap_compare(app, terminal_size=(120, 40), run_before=steps("3"))


def test_tracker_with_further_actions(snap_compare: Compare, app_ctx: Context) -> None:
    app = make_app(app_ctx, blink=False)
    assert snap_compare(
        app, terminal_size=(120, 40), run_before=steps("3", fr_by_meeting, further_action_on_sr9)
    )


def test_tracker_committee_by_risk(snap_compare: Compare, app_ctx: Context) -> None:
    app = make_app(app_ctx, blink=False)
    assert snap_compare(
        app, terminal_size=(120, 40), run_before=steps("3", fr_by_risk, further_action_on_sr9)
    )


def test_tracker_at_80x24(snap_compare: Compare, app_ctx: Context) -> None:
    app = make_app(app_ctx, blink=False)
    assert snap_compare(app, terminal_size=(80, 24), run_before=steps("3"))
