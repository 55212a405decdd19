"""The tracker holds further actions and tracker actions: status (in progress, cancelled,
reopened), new due date and new owner, each audited; the committee filter; who may change
what; a conflict reloads what someone else changed."""

from __future__ import annotations

from datetime import date

from textual.widgets import Input, OptionList, Select, Static

from bct_risk.domain.enums import ActionKind, ActionStatus, Role
from bct_risk.services import actions, people, queries
from bct_risk.services.context import Context
from bct_risk.services.queries import ActionFilter
from bct_risk.tui.app import RiskApp, make_app
from bct_risk.tui.screens.action_forms import (
    DueDateScreen,
    FilterScreen,
    OwnerScreen,
    StatusScreen,
)
from bct_risk.tui.screens.tracker import TrackerScreen
from tests.helpers import fingerprint
from tests.tui.conftest import press, screen_text, settle, type_text
from tests.unit.test_action_status import changes_of

FR_ACTION = 64
"""In progress, overdue: raised at the Finance and Resources meeting of 10 Sep 2026."""
OPEN_FR_ACTION = 63
"""Open, overdue: the capital programme paper (F&R, 11 Jun 2026), linked to SR9."""
FURTHER_SR9 = 22
"""A further action on SR9 (led by Finance and Resources), in progress, overdue."""
FURTHER_SR6 = 15
"""A further action on SR6 (led by Performance and Quality Assurance)."""


def listed(app: RiskApp) -> list[int]:
    listing = app.screen.query_one("#tracker-list", OptionList)
    ids = [listing.get_option_at_index(i).id for i in range(listing.option_count)]
    return [int(i.split("-")[1]) for i in ids if i]


async def choose(app: RiskApp, pilot: object, action_id: int) -> None:
    listing = app.screen.query_one("#tracker-list", OptionList)
    ids = [listing.get_option_at_index(i).id for i in range(listing.option_count)]
    listing.highlighted = ids.index(f"action-{action_id}")
    await settle(pilot)  # type: ignore[arg-type]


async def open_tracker(app: RiskApp, pilot: object, action_id: int | None = None) -> None:
    await settle(pilot)  # type: ignore[arg-type]
    await press(pilot, "3")  # type: ignore[arg-type]
    assert isinstance(app.screen, TrackerScreen)
    if action_id is not None:
        await choose(app, pilot, action_id)


def state(app: RiskApp) -> str:
    return str(app.screen.query_one("#tracker-state", Static).render())


def form_error(app: RiskApp) -> str:
    return str(app.screen.query_one("#form-error", Static).render())


async def test_both_kinds_are_listed_and_counted_by_one_rule(
    app: RiskApp, app_ctx: Context
) -> None:
    live = queries.list_actions(app_ctx, ActionFilter())
    async with app.run_test(size=(120, 40)) as pilot:
        await open_tracker(app, pilot)
        assert sorted(listed(app)) == sorted(a.id for a in live)
        overdue = sum(a.overdue for a in live)
        assert state(app).startswith(f"{len(live)} shown · {overdue} overdue · live")
        further = app.screen.query_one("#tracker-list", OptionList).get_option(
            f"action-{FURTHER_SR9}"
        )
        assert str(further.prompt).startswith(f"#{FURTHER_SR9} SR9 OVERDUE · due 31 Oct 2026\n")
        # The list opens on the newest meeting's actions (not the 2020 scrutiny leftovers);
        # the further actions on risks follow the meetings.
        views = {a.id: a for a in live}
        first = views[listed(app)[0]]
        assert app.screen.current == first.id and first.kind == ActionKind.TRACKER
        newest = max(a.meeting_date for a in live if a.meeting_date is not None)
        assert first.meeting_date == newest
        assert views[listed(app)[-1]].kind == ActionKind.FURTHER_ACTION
        await choose(app, pilot, FURTHER_SR9)
        assert "Kind    Further action on a risk" in screen_text(app)
        await press(pilot, "g")
        assert "grouped by owner" in state(app)
        await press(pilot, "g")
        assert "grouped by risk" in state(app)
        await press(pilot, "v")
        assert state(app).startswith(f"{overdue} shown · {overdue} overdue · overdue")


async def test_start_an_open_action(app: RiskApp, app_ctx: Context) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await open_tracker(app, pilot, OPEN_FR_ACTION)
        await press(pilot, "s")
        assert isinstance(app.screen, StatusScreen)
        assert app.screen.query_one("#status", Select).value == "in_progress"
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, TrackerScreen)
    assert queries.action_view(app_ctx, OPEN_FR_ACTION).status == ActionStatus.IN_PROGRESS
    assert changes_of(app_ctx, OPEN_FR_ACTION)[-1] == (
        "update",
        {"status": ["open", "in_progress"]},
    )


async def test_cancel_asks_for_a_reason_then_cancels(app: RiskApp, app_ctx: Context) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await open_tracker(app, pilot, FR_ACTION)
        await press(pilot, "s")
        assert isinstance(app.screen, StatusScreen)
        app.screen.query_one("#status", Select).value = "cancelled"
        unchanged = fingerprint(app_ctx)
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, StatusScreen)
        assert form_error(app) == (
            f"Cancelling action #{FR_ACTION} needs a reason: give it as the note"
        )
        assert app.screen.focused is app.screen.query_one("#note", Input)
        assert fingerprint(app_ctx) == unchanged
        await type_text(pilot, "Overtaken by the MTFS")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, TrackerScreen)
        assert FR_ACTION not in listed(app), "a cancelled action leaves the live list"
    view = queries.action_view(app_ctx, FR_ACTION)
    assert view.status == ActionStatus.CANCELLED
    assert view.updates[-1].text == "Overtaken by the MTFS"
    trail = changes_of(app_ctx, FR_ACTION)
    assert trail[-2][0] == "update_note"
    assert trail[-1] == ("update", {"status": ["in_progress", "cancelled"]})


async def test_reopen_a_complete_action(app: RiskApp, app_ctx: Context) -> None:
    actions.complete_action(app_ctx, FR_ACTION, note="Plan circulated")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_tracker(app, pilot)
        assert FR_ACTION not in listed(app)
        await press(pilot, "a")
        assert "every status" in state(app)
        await choose(app, pilot, FR_ACTION)
        await press(pilot, "s")
        assert isinstance(app.screen, StatusScreen)
        assert app.screen.query_one("#status", Select).value == "open"
        app.screen.query_one("#note", Input).focus()
        await type_text(pilot, "Members asked for the annex")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, TrackerScreen)
    view = queries.action_view(app_ctx, FR_ACTION)
    assert (view.status, view.completed_on) == (ActionStatus.OPEN, None)
    assert changes_of(app_ctx, FR_ACTION)[-1] == (
        "update",
        {"status": ["complete", "open"], "completed_on": ["2026-11-23", None]},
    )


async def test_a_new_due_date(app: RiskApp, app_ctx: Context) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await open_tracker(app, pilot, FURTHER_SR9)
        await press(pilot, "d")
        assert isinstance(app.screen, DueDateScreen)
        due = app.screen.query_one("#due", Input)
        assert due.value == "31 Oct 2026"
        due.value = "31 Jan 2027"
        app.screen.query_one("#note", Input).value = "Recovery plan rescheduled"
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, TrackerScreen)
        option = app.screen.query_one("#tracker-list", OptionList).get_option(
            f"action-{FURTHER_SR9}"
        )
        assert "due 31 Jan 2027" in str(option.prompt) and "OVERDUE" not in str(option.prompt)
    view = queries.action_view(app_ctx, FURTHER_SR9)
    assert (view.due_date, view.overdue) == (date(2027, 1, 31), False)
    assert changes_of(app_ctx, FURTHER_SR9)[-1] == (
        "update",
        {"due_date": ["2026-10-31", "2027-01-31"]},
    )


async def test_a_new_owner_chosen_by_name_and_role(app: RiskApp, app_ctx: Context) -> None:
    before = queries.action_view(app_ctx, OPEN_FR_ACTION)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_tracker(app, pilot, OPEN_FR_ACTION)
        await press(pilot, "o")
        screen = app.screen
        assert isinstance(screen, OwnerScreen)
        assert any(" — " in label for label in screen.labels.values()), "roles are shown"
        value, label = next(
            (v, lbl) for v, lbl in screen.labels.items() if not lbl.startswith(before.owner)
        )
        screen.query_one("#owner", Select).value = value
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, TrackerScreen)
    after = queries.action_view(app_ctx, OPEN_FR_ACTION)
    assert after.owner != before.owner and label.startswith(after.owner)
    what, changed = changes_of(app_ctx, OPEN_FR_ACTION)[-1]
    assert what == "update" and list(changed) == ["owner_id"]


async def test_the_committee_filter(app: RiskApp, app_ctx: Context) -> None:
    pqa = queries.list_actions(app_ctx, ActionFilter(committee="pqa"))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_tracker(app, pilot)
        await press(pilot, "f")
        assert isinstance(app.screen, FilterScreen)
        app.screen.query_one("#filter-committee", Select).value = "pqa"
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, TrackerScreen)
        assert sorted(listed(app)) == sorted(a.id for a in pqa)
        assert FURTHER_SR6 in listed(app) and FR_ACTION not in listed(app)
        assert "Performance and Quality Assurance Committee" in state(app)
        # An unknown risk reference is refused in the filter, which stays open.
        await press(pilot, "f")
        app.screen.query_one("#filter-risk", Input).value = "SR99"
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, FilterScreen)
        assert form_error(app) == "No risk has the reference 'SR99'"
        await press(pilot, "ctrl+l")
        assert isinstance(app.screen, TrackerScreen)
        assert "every committee" in state(app)


async def test_a_conflict_reloads_the_other_change(app: RiskApp, app_ctx: Context) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await open_tracker(app, pilot, FR_ACTION)
        await press(pilot, "d")
        assert isinstance(app.screen, DueDateScreen)
        app.screen.query_one("#due", Input).value = "28 Feb 2027"
        # Meanwhile someone else links the action to another risk.
        actions.update_action(app_ctx.acting_as("someone"), FR_ACTION, risk="SR7")
        unchanged = fingerprint(app_ctx)
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, DueDateScreen)
        assert "changed by someone else" in form_error(app)
        assert "ctrl+r" in form_error(app)
        assert fingerprint(app_ctx) == unchanged
        await press(pilot, "ctrl+r")
        assert form_error(app).startswith(f"Reloaded action #{FR_ACTION}")
        assert app.screen.query_one("#due", Input).value == "28 Feb 2027"
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, TrackerScreen)
    view = queries.action_view(app_ctx, FR_ACTION)
    assert (view.due_date, view.risk_reference) == (date(2027, 2, 28), "SR7")


async def test_a_risk_owner_may_change_only_actions_on_their_risks(app_ctx: Context) -> None:
    people.add_person(app_ctx, "Ada Admin", login="ada", role=Role.ADMINISTRATOR)
    people.set_access(app_ctx.acting_as("ada"), "dfr", login="dfr")
    app = make_app(app_ctx.acting_as("dfr"), blink=False)
    changes = ("change_status", "change_due", "change_owner")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_tracker(app, pilot, FURTHER_SR9)
        keys = {a.binding.action: a.enabled for a in app.screen.active_bindings.values()}
        assert all(keys[name] for name in changes), "SR9 is theirs"
        await choose(app, pilot, FURTHER_SR6)
        keys = {a.binding.action: a.enabled for a in app.screen.active_bindings.values()}
        assert not any(keys[name] for name in changes), "SR6 is not"
        assert keys["filter"] and keys["toggle_group"]
        await press(pilot, "s")
        assert isinstance(app.screen, TrackerScreen)
