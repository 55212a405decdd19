"""The action tracker: overdue marked, add an update, complete, link to a risk, raise one
(status, due date, owner and the filter: test_tracker_changes.py)."""

from __future__ import annotations

from textual.widgets import Input, OptionList, Select, Static

from bct_risk.domain.enums import ActionKind, ActionStatus
from bct_risk.services import queries
from bct_risk.services.context import Context
from bct_risk.services.queries import ActionFilter
from bct_risk.tui.app import RiskApp
from bct_risk.tui.screens.action_forms import CompleteScreen, LinkScreen, RaiseScreen, UpdateScreen
from bct_risk.tui.screens.tracker import TrackerScreen
from tests.helpers import fingerprint
from tests.tui.conftest import press, settle, type_text

OVERDUE_FR_ACTION = 64
"""'Trust 2025 placement savings recovery plan to members by the end of October' (F&R, Sep 2026)."""


async def open_tracker_on(app: RiskApp, pilot: object, action_id: int) -> None:
    await press(pilot, "3")  # type: ignore[arg-type]
    assert isinstance(app.screen, TrackerScreen)
    listing = app.screen.query_one("#tracker-list", OptionList)
    ids = [listing.get_option_at_index(i).id for i in range(listing.option_count)]
    listing.highlighted = ids.index(f"action-{action_id}")
    await settle(pilot)  # type: ignore[arg-type]


def tracker_item(ctx: Context, action_id: int) -> queries.ActionView:
    flt = ActionFilter(kind=ActionKind.TRACKER, include_closed=True)
    return next(a for a in queries.list_actions(ctx, flt) if a.id == action_id)


async def test_overdue_actions_are_marked_and_counted(app: RiskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_tracker_on(app, pilot, OVERDUE_FR_ACTION)
        state = str(app.screen.query_one("#tracker-state", Static).render())
        assert state == "47 shown · 16 overdue · live · every committee · grouped by meeting"
        listing = app.screen.query_one("#tracker-list", OptionList)
        option = listing.get_option(f"action-{OVERDUE_FR_ACTION}")
        assert "OVERDUE" in str(option.prompt)
        await press(pilot, "g")
        assert "grouped by owner" in str(app.screen.query_one("#tracker-state", Static).render())
        await press(pilot, "v")
        assert str(app.screen.query_one("#tracker-state", Static).render()).startswith(
            "16 shown · 16 overdue · overdue · every committee"
        )


async def test_add_an_update_to_an_overdue_action(app: RiskApp, app_ctx: Context) -> None:
    before = len(tracker_item(app_ctx, OVERDUE_FR_ACTION).updates)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_tracker_on(app, pilot, OVERDUE_FR_ACTION)
        await press(pilot, "u")
        assert isinstance(app.screen, UpdateScreen)
        await type_text(pilot, "Plan drafted; to members on 10 Dec")
        await press(pilot, "enter")
        assert isinstance(app.screen, TrackerScreen)
        detail = str(app.screen.query_one("#tracker-action", Static).render())
        assert detail
    item = tracker_item(app_ctx, OVERDUE_FR_ACTION)
    assert len(item.updates) == before + 1
    newest = item.updates[-1]
    assert (newest.text, newest.author, newest.update_date.isoformat()) == (
        "Plan drafted; to members on 10 Dec",
        "tester",
        "2026-11-23",
    )


async def test_a_blank_update_is_refused(app: RiskApp, app_ctx: Context) -> None:
    unchanged = fingerprint(app_ctx)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_tracker_on(app, pilot, OVERDUE_FR_ACTION)
        await press(pilot, "u", "ctrl+s")
        assert isinstance(app.screen, UpdateScreen)
        assert str(app.screen.query_one("#form-error", Static).render()) == (
            "An update is required"
        )
    assert fingerprint(app_ctx) == unchanged


async def test_complete_an_action(app: RiskApp, app_ctx: Context) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_tracker_on(app, pilot, OVERDUE_FR_ACTION)
        await press(pilot, "c")
        assert isinstance(app.screen, CompleteScreen)
        await type_text(pilot, "Plan circulated")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, TrackerScreen)
        # A completed action leaves the live list.
        listing = app.screen.query_one("#tracker-list", OptionList)
        ids = [listing.get_option_at_index(i).id for i in range(listing.option_count)]
        assert f"action-{OVERDUE_FR_ACTION}" not in ids
    item = tracker_item(app_ctx, OVERDUE_FR_ACTION)
    assert item.status == ActionStatus.COMPLETE
    assert item.completed_on is not None and item.completed_on.isoformat() == "2026-11-23"
    assert item.updates[-1].text == "Plan circulated"


async def test_link_to_a_risk_and_refuse_an_unknown_one(app: RiskApp, app_ctx: Context) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_tracker_on(app, pilot, OVERDUE_FR_ACTION)
        await press(pilot, "l")
        assert isinstance(app.screen, LinkScreen)
        unchanged = fingerprint(app_ctx)
        app.screen.query_one("#reference", Input).value = "SR99"
        await press(pilot, "ctrl+s")
        assert str(app.screen.query_one("#form-error", Static).render()) == (
            "No risk has the reference 'SR99'"
        )
        assert fingerprint(app_ctx) == unchanged
        app.screen.query_one("#reference", Input).value = "sr7"
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, TrackerScreen)
    assert tracker_item(app_ctx, OVERDUE_FR_ACTION).risk_reference == "SR7"


async def test_raise_an_action_at_a_meeting(app: RiskApp, app_ctx: Context) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "3", "n")
        assert isinstance(app.screen, RaiseScreen)
        app.screen.query_one("#committee", Select).value = "fr"
        await settle(pilot)
        app.screen.query_one("#meeting", Select).value = "2026-09-10"
        app.screen.query_one("#agenda", Input).value = "Finance report"
        app.screen.query_one("#description", Input).value = "Report the deficit forecast monthly"
        app.screen.query_one("#due", Input).value = "31 Jan 2027"
        app.screen.query_one("#risk", Input).value = "SR9"
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, TrackerScreen)
    raised = [
        a
        for a in queries.list_actions(app_ctx, ActionFilter(kind=ActionKind.TRACKER))
        if a.description == "Report the deficit forecast monthly"
    ]
    assert len(raised) == 1
    assert (raised[0].risk_reference, raised[0].agenda_item) == ("SR9", "Finance report")
    assert raised[0].meeting_date is not None and raised[0].meeting_date.isoformat() == "2026-09-10"


async def test_raising_needs_a_meeting(app: RiskApp, app_ctx: Context) -> None:
    unchanged = fingerprint(app_ctx)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "3", "n")
        app.screen.query_one("#committee", Select).value = "fr"
        await settle(pilot)
        app.screen.query_one("#description", Input).value = "Something"
        await press(pilot, "ctrl+s")
        assert str(app.screen.query_one("#form-error", Static).render()) == (
            "Choose the meeting the action was raised at"
        )
    assert fingerprint(app_ctx) == unchanged
