"""Snapshots of each screen in its main states: fixed sizes, the frozen clock, still cursors.

Run ``pytest tests/tui/test_snapshots.py --snapshot-update`` after a deliberate change, and look
at ``snapshot_report.html`` before committing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Select

from bct_risk.services.context import Context
from bct_risk.tui.app import make_app
from bct_risk.tui.screens.detail import DetailScreen
from tests.tui.conftest import press, settle

Compare = Callable[..., bool]


async def register_open(pilot: Pilot[Any], seconds: float = 30) -> None:
    """Wait until the register has opened (keys pressed while it opens are not for its screen)."""
    from bct_risk.tui.screens.register import RegisterScreen

    for _ in range(int(seconds * 20)):
        screen = pilot.app.screen
        if not isinstance(screen, RegisterScreen) or screen._ctx is not None:
            return
        await pilot.pause(0.05)
        await settle(pilot)


def steps(*actions: Callable[[Pilot[Any]], Awaitable[None]] | str) -> Callable[..., Any]:
    """A run_before doing key presses (strings) and other steps in order, settling after each."""

    async def run(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await register_open(pilot)
        for action in actions:
            if isinstance(action, str):
                await press(pilot, action)
            else:
                await action(pilot)
                await settle(pilot)

    return run


def open_risk(reference: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    async def run(pilot: Pilot[Any]) -> None:
        pilot.app.push_screen(DetailScreen(pilot.app.ctx, reference))  # type: ignore[attr-defined]

    return run


async def choose_fr(pilot: Pilot[Any]) -> None:
    labels = [label for label, _ in pilot.app.screen.choices]  # type: ignore[attr-defined]
    for _ in range(labels.index("Finance and Resources Committee")):
        await pilot.press("down")
    await pilot.press("enter")


def test_register_80x24(snap_compare: Compare, app_ctx: Context) -> None:
    assert snap_compare(make_app(app_ctx, blink=False), terminal_size=(80, 24), run_before=steps())


def test_register_120x40(snap_compare: Compare, app_ctx: Context) -> None:
    # The strategic risks' titles whole, owners as names or short job titles, band in words.
    assert snap_compare(make_app(app_ctx, blink=False), terminal_size=(120, 40), run_before=steps())


def test_register_200x50(snap_compare: Compare, app_ctx: Context) -> None:
    # Every column, committees by name.
    assert snap_compare(make_app(app_ctx, blink=False), terminal_size=(200, 50), run_before=steps())


def test_register_filtered_to_fr_wide(snap_compare: Compare, app_ctx: Context) -> None:
    app = make_app(app_ctx, blink=False)
    assert snap_compare(app, terminal_size=(160, 30), run_before=steps("c", choose_fr, "v"))


def test_register_light_theme(snap_compare: Compare, app_ctx: Context) -> None:
    app = make_app(app_ctx, blink=False)

    app.theme = "textual-light"
    assert snap_compare(app, terminal_size=(120, 24), run_before=steps())


def test_detail_sr9(snap_compare: Compare, app_ctx: Context) -> None:
    app = make_app(app_ctx, blink=False)
    assert snap_compare(app, terminal_size=(120, 60), run_before=steps(open_risk("SR9")))


def test_score_form_preview(snap_compare: Compare, app_ctx: Context) -> None:
    async def choose(pilot: Pilot[Any]) -> None:
        pilot.app.screen.query_one("#likelihood", Select).value = 4
        pilot.app.screen.query_one("#impact", Select).value = 4
        pilot.app.screen.query_one("#rationale", Input).value = "Savings plan agreed"

    app = make_app(app_ctx, blink=False)
    assert snap_compare(
        app, terminal_size=(100, 34), run_before=steps(open_risk("SR9"), "s", choose)
    )


def test_score_form_refuses_a_blank_rationale(snap_compare: Compare, app_ctx: Context) -> None:
    app = make_app(app_ctx, blink=False)
    assert snap_compare(
        app, terminal_size=(100, 34), run_before=steps(open_risk("SR9"), "s", "ctrl+s")
    )


def test_escalate_form(snap_compare: Compare, app_ctx: Context) -> None:
    async def fill(pilot: Pilot[Any]) -> None:
        pilot.app.screen.query_one("#tier", Select).value = "committee"
        pilot.app.screen.query_one("#committee", Select).value = "Workforce Committee"
        pilot.app.screen.query_one("#reason", Input).value = "Recruitment below plan"

    app = make_app(app_ctx, blink=False)
    assert snap_compare(app, terminal_size=(100, 30), run_before=steps(open_risk("SR9"), "e", fill))


def test_heat_map_cell_chosen(snap_compare: Compare, app_ctx: Context) -> None:
    app = make_app(app_ctx, blink=False)
    assert snap_compare(
        app, terminal_size=(100, 30), run_before=steps("2", "down", "left", "enter")
    )


def test_action_tracker(snap_compare: Compare, app_ctx: Context) -> None:
    async def overdue(pilot: Pilot[Any]) -> None:
        listing = pilot.app.screen.query_one("#tracker-list", OptionList)
        ids = [listing.get_option_at_index(i).id for i in range(listing.option_count)]
        listing.highlighted = ids.index("action-64")

    app = make_app(app_ctx, blink=False)
    assert snap_compare(app, terminal_size=(120, 34), run_before=steps("3", overdue))


def test_committee_meeting(snap_compare: Compare, app_ctx: Context) -> None:
    async def meeting(pilot: Pilot[Any]) -> None:
        screen = pilot.app.screen
        screen.query_one("#committee-list", OptionList).highlighted = (
            screen.committee_keys.index("fr")  # type: ignore[attr-defined]
        )
        await settle(pilot)
        meetings = screen.query_one("#meeting-list", OptionList)
        meetings.focus()
        meetings.highlighted = screen.meeting_dates.index(date(2026, 9, 10))  # type: ignore[attr-defined]
        await pilot.press("enter")

    app = make_app(app_ctx, blink=False)
    assert snap_compare(app, terminal_size=(120, 30), run_before=steps("4", meeting))


def test_review_form(snap_compare: Compare, app_ctx: Context) -> None:
    async def meeting(pilot: Pilot[Any]) -> None:
        screen = pilot.app.screen
        screen.query_one("#committee-list", OptionList).highlighted = (
            screen.committee_keys.index("fr")  # type: ignore[attr-defined]
        )
        await settle(pilot)
        meetings = screen.query_one("#meeting-list", OptionList)
        meetings.focus()
        meetings.highlighted = screen.meeting_dates.index(date(2026, 12, 10))  # type: ignore[attr-defined]
        await pilot.press("enter")

    app = make_app(app_ctx, blink=False)
    assert snap_compare(app, terminal_size=(100, 30), run_before=steps("4", meeting, "r"))


def test_help_screen(snap_compare: Compare, app_ctx: Context) -> None:
    app = make_app(app_ctx, blink=False)
    assert snap_compare(app, terminal_size=(100, 40), run_before=steps("question_mark"))


def test_add_risk_form(snap_compare: Compare, app_ctx: Context) -> None:
    app = make_app(app_ctx, blink=False)
    assert snap_compare(app, terminal_size=(100, 50), run_before=steps("n"))
