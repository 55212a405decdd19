"""The app offers only the changes the acting person's role allows: the others are shown
disabled, do nothing when their key is pressed (no form opens), and a notice says why."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from rich.console import Console
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import OptionList, Static

from bct_risk.domain.enums import Role
from bct_risk.domain.models import RiskUpdate
from bct_risk.services import people, risks
from bct_risk.services.context import Context
from bct_risk.tui.app import RiskApp, make_app
from bct_risk.tui.screens.committees import CommitteesScreen
from bct_risk.tui.screens.detail import DetailScreen
from bct_risk.tui.screens.help import HelpScreen
from bct_risk.tui.screens.indicators import IndicatorsScreen
from bct_risk.tui.screens.register import RegisterScreen
from bct_risk.tui.screens.review import ReviewScreen
from bct_risk.tui.screens.score import ScoreScreen
from bct_risk.tui.screens.tracker import TrackerScreen
from tests.tui.conftest import press, settle

DETAIL_CHANGES = (
    "score",
    "escalate",
    "deescalate",
    "add_control",
    "add_further_action",
    "close_or_reopen",
    "edit",
)


@pytest.fixture
def team(app_ctx: Context) -> Context:
    """The seed register with logins: an administrator, the finance director (risk owner of
    SR9, not of SR2), a viewer."""
    people.add_person(app_ctx, "Ada Admin", login="ada", role=Role.ADMINISTRATOR)
    admin = app_ctx.acting_as("ada")
    people.set_access(admin, "dfr", login="dfr")
    people.add_person(admin, "Vic Viewer", login="vic", role=Role.VIEWER)
    return app_ctx


def offered(screen: Screen[Any]) -> dict[str, bool]:
    """The screen's own keys as the footer offers them: action name to enabled."""
    return {
        active.binding.action: active.enabled
        for active in screen.active_bindings.values()
        if active.node is screen
    }


def notices(app: RiskApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def show(pilot: Pilot[Any], screen: Screen[Any]) -> None:
    """Open a main screen as its key does (the heat map's key is not needed here)."""
    pilot.app.push_screen(screen)
    await settle(pilot)
    assert pilot.app.screen is screen


async def open_detail(pilot: Pilot[Any], reference: str) -> DetailScreen:
    app = pilot.app
    await settle(pilot)
    app.push_screen(DetailScreen(app.ctx, reference))  # type: ignore[attr-defined]
    await settle(pilot)
    assert isinstance(app.screen, DetailScreen)
    assert app.screen.detail is not None
    return app.screen


async def test_a_viewer_is_not_offered_the_score_form(team: Context) -> None:
    app = make_app(team.acting_as("vic"), blink=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_detail(pilot, "SR2")
        keys = offered(screen)
        assert [name for name in DETAIL_CHANGES if keys[name]] == []
        assert keys["back"] and keys["assurance_map"], "reading stays offered"
        await press(pilot, "s")
        assert app.screen is screen, "the score form never opens"
        assert notices(app) == ["Vic Viewer (viewer) may not score risks"]
        await press(pilot, "x")
        assert app.screen is screen
        assert notices(app)[-1] == "Vic Viewer (viewer) may not close or reopen risks"


async def test_a_risk_owner_scores_their_own_risk_only(team: Context) -> None:
    app = make_app(team.acting_as("dfr"), blink=False)
    async with app.run_test(size=(120, 40)) as pilot:
        other = await open_detail(pilot, "SR2")
        keys = offered(other)
        assert [name for name in DETAIL_CHANGES if keys[name]] == []
        await press(pilot, "s")
        assert app.screen is other
        assert len(notices(app)) == 1
        assert "may score risks only on their own risks; SR2 belongs to James" in notices(app)[0]

        await press(pilot, "escape")
        own = await open_detail(pilot, "SR9")
        keys = offered(own)
        # Their own strategic risk: everything but closing it (an administrator closes those).
        assert [name for name in DETAIL_CHANGES if not keys[name]] == ["close_or_reopen"]
        await press(pilot, "s")
        assert isinstance(app.screen, ScoreScreen), "the score form opens on their own risk"


async def test_an_administrator_is_offered_everything(team: Context) -> None:
    app = make_app(team.acting_as("ada"), blink=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        register = app.screen
        assert isinstance(register, RegisterScreen)
        assert offered(register)["new_risk"] and offered(register)["import_file"]
        screen = await open_detail(pilot, "SR2")
        assert all(offered(screen)[name] for name in DETAIL_CHANGES)
        await press(pilot, "s")
        assert isinstance(app.screen, ScoreScreen)


async def test_with_roles_off_everything_stays_offered(app: RiskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_detail(pilot, "SR2")
        assert all(offered(screen)[name] for name in DETAIL_CHANGES)
        assert app.title == "BCT risk register"


async def test_the_help_marks_what_is_not_offered(team: Context) -> None:
    app = make_app(team.acting_as("vic"), blink=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_detail(pilot, "SR2")
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        console = Console(width=200, record=True)
        console.print(app.screen.query(Static).last().content)
        shown = console.export_text()
        lines = [line for line in shown.splitlines() if "Rescore the risk" in line]
        assert len(lines) == 1 and "(not offered: Vic Viewer (viewer) may not" in lines[0]
        lines = [line for line in shown.splitlines() if "assurance map" in line]
        assert len(lines) == 1 and "not offered" not in lines[0]


async def test_the_register_hides_nothing_but_offers_no_changes_to_a_viewer(
    team: Context,
) -> None:
    app = make_app(team.acting_as("vic"), blink=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        register = app.screen
        assert isinstance(register, RegisterScreen)
        keys = offered(register)
        assert not keys["new_risk"] and not keys["import_file"]
        assert keys["sort"] and keys["filter_owner"] and keys["paper"]
        await press(pilot, "n")
        assert app.screen is register
        assert notices(app) == ["Vic Viewer (viewer) may not add risks"]


async def test_the_tracker_committees_and_indicators_offer_a_viewer_no_changes(
    team: Context,
) -> None:
    app = make_app(team.acting_as("vic"), blink=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await show(pilot, TrackerScreen(app.ctx))
        keys = offered(app.screen)
        assert not any(keys[name] for name in ("add_update", "complete", "raise_action"))
        assert keys["toggle_group"]
        tracker = app.screen
        await press(pilot, "n")
        assert app.screen is tracker
        assert notices(app)[-1] == "Vic Viewer (viewer) may not raise tracker actions"

        await press(pilot, "escape")
        await show(pilot, IndicatorsScreen(app.ctx))
        keys = offered(app.screen)
        assert not keys["record"] and not keys["acknowledge"] and keys["risks"]

        await press(pilot, "escape")
        await show(pilot, CommitteesScreen(app.ctx))
        screen = app.screen
        assert isinstance(screen, CommitteesScreen)
        assert not offered(screen)["record_review"]
        committees = screen.query_one("#committee-list", OptionList)
        committees.highlighted = screen.committee_keys.index("fr")
        await settle(pilot)
        meetings = screen.query_one("#meeting-list", OptionList)
        meetings.focus()
        meetings.highlighted = screen.meeting_dates.index(date(2026, 9, 10))
        await press(pilot, "enter")
        # Choosing a risk at the meeting would open the review form: not for a viewer.
        await press(pilot, "enter")
        assert not isinstance(app.screen, ReviewScreen)
        assert notices(app)[-1] == "Vic Viewer (viewer) may not record committee reviews"


async def test_a_secretary_updates_tracker_actions_but_does_not_score(team: Context) -> None:
    people.add_person(team.acting_as("ada"), "Sam Secretary", login="sam", role=Role.SECRETARIAT)
    app = make_app(team.acting_as("sam"), blink=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await show(pilot, TrackerScreen(app.ctx))
        keys = offered(app.screen)
        assert keys["raise_action"] and keys["add_update"] and keys["complete"]
        await press(pilot, "escape")
        screen = await open_detail(pilot, "SR2")
        keys = offered(screen)
        assert not keys["score"] and not keys["edit"]


async def test_the_palette_runs_no_change_the_person_may_not_make(team: Context) -> None:
    app = make_app(team.acting_as("vic"), blink=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_detail(pilot, "SR2")
        await press(pilot, "ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        for key in "rescore":
            await pilot.press(key)
        await pilot.pause(0.5)
        await press(pilot, "down", "enter")
        assert app.screen is screen, "the score form never opens"
        assert notices(app) == ["Vic Viewer (viewer) may not score risks"]


async def test_a_risk_given_to_the_owner_meanwhile_is_offered_on_the_next_screen(
    team: Context,
) -> None:
    app = make_app(team.acting_as("dfr"), blink=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_detail(pilot, "SR2")
        assert not offered(screen)["score"]
        await press(pilot, "escape")
        # An administrator, elsewhere, makes the finance director SR2's risk owner.
        risks.update_risk(team.acting_as("ada"), "SR2", RiskUpdate(owner="dfr"))
        await settle(pilot)
        screen = await open_detail(pilot, "SR2")
        assert offered(screen)["score"]
        await press(pilot, "s")
        assert isinstance(app.screen, ScoreScreen)
