"""Committees: a meeting added from the app, as ``bct-risk meetings add`` adds it."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select
from textual.widgets import Input, OptionList, Select, Static

from bct_risk.domain.enums import Role
from bct_risk.domain.models import AuditEvent
from bct_risk.services import people, queries
from bct_risk.services.context import Context
from bct_risk.tui.app import RiskApp, make_app
from bct_risk.tui.screens.committees import CommitteesScreen, MeetingFormScreen
from tests.helpers import fingerprint
from tests.tui.conftest import notices, press, settle


async def open_form(app: RiskApp, pilot: object, committee: str = "fr") -> MeetingFormScreen:
    await press(pilot, "4")  # type: ignore[arg-type]
    screen = app.screen
    assert isinstance(screen, CommitteesScreen)
    screen.query_one("#committee-list", OptionList).highlighted = screen.committee_keys.index(
        committee
    )
    await settle(pilot)  # type: ignore[arg-type]
    await press(pilot, "m")  # type: ignore[arg-type]
    assert isinstance(app.screen, MeetingFormScreen)
    return app.screen


async def test_a_meeting_added_in_the_app_is_listed_and_audited(
    app: RiskApp, app_ctx: Context
) -> None:
    march = date(2027, 3, 11)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        form = await open_form(app, pilot)
        # The highlighted committee is chosen already; the date has the focus.
        assert form.query_one("#meeting-committee", Select).value == "fr"
        assert app.focused is form.query_one("#meeting-date", Input)
        form.query_one("#meeting-date", Input).value = "11 Mar 2027"
        form.query_one("#meeting-title-field", Input).value = "F&R [budget] meeting"
        await press(pilot, "ctrl+s")
        screen = app.screen
        assert isinstance(screen, CommitteesScreen)
        assert "Meeting of the Finance and Resources Committee on 11 Mar 2027 added" in notices(app)
        # The new meeting is listed, highlighted and focused, ready to be chosen.
        meetings = screen.query_one("#meeting-list", OptionList)
        assert meetings.highlighted is not None
        assert screen.meeting_dates[meetings.highlighted] == march
        assert app.focused is meetings
    added = [m for m in queries.meetings_of(app_ctx, "fr") if m.meeting_date == march]
    assert [m.title for m in added] == ["F&R [budget] meeting"]
    with app_ctx.read() as session:
        events = session.exec(select(AuditEvent).where(AuditEvent.entity == "meeting")).all()
        assert any(e.action == "create" and "2027-03-11" in e.summary for e in events)


async def test_another_committee_can_be_chosen_on_the_form(app: RiskApp, app_ctx: Context) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        form = await open_form(app, pilot)
        form.query_one("#meeting-committee", Select).value = "board"
        form.query_one("#meeting-date", Input).value = "2027-01-28"
        await press(pilot, "ctrl+s")
        screen = app.screen
        assert isinstance(screen, CommitteesScreen)
        assert screen.committee == "board"
        meetings = screen.query_one("#meeting-list", OptionList)
        assert meetings.highlighted is not None
        assert screen.meeting_dates[meetings.highlighted] == date(2027, 1, 28)
    added = [
        m for m in queries.meetings_of(app_ctx, "board") if m.meeting_date == date(2027, 1, 28)
    ]
    assert [m.title for m in added] == ["Trust Board"]  # a blank title: the committee's name


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Give the date of the meeting"),
        (
            "31/02/2027",
            "Meeting date '31/02/2027' is not a date; write it as 2026-11-23, "
            "23/11/2026 or 23 Nov 2026",
        ),
        ("2026-12-10", "The Finance and Resources Committee already has a meeting on 2026-12-10"),
    ],
)
async def test_a_bad_meeting_is_refused_with_what_is_wrong(
    app: RiskApp, app_ctx: Context, typed: str, message: str
) -> None:
    unchanged = fingerprint(app_ctx)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        form = await open_form(app, pilot)
        form.query_one("#meeting-date", Input).value = typed
        await press(pilot, "ctrl+s")
        # The form stays open with the message, what was typed kept.
        assert app.screen is form
        assert str(form.query_one("#form-error", Static).render()) == message
        assert form.query_one("#meeting-date", Input).value == typed
    assert fingerprint(app_ctx) == unchanged


async def test_a_viewer_is_not_offered_adding_a_meeting(app_ctx: Context) -> None:
    people.add_person(app_ctx, "Ada Admin", login="ada", role=Role.ADMINISTRATOR)
    people.add_person(app_ctx.acting_as("ada"), "Vic Viewer", login="vic", role=Role.VIEWER)
    viewer = app_ctx.acting_as("vic")
    unchanged = fingerprint(viewer)
    app = make_app(viewer, blink=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "4")
        screen = app.screen
        assert isinstance(screen, CommitteesScreen)
        await press(pilot, "m")
        assert app.screen is screen  # no form: the key says why instead
        assert any("may not" in n for n in notices(app))
    assert fingerprint(viewer) == unchanged
