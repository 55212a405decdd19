"""Keys typed while a screen still shows "Loading…" are applied, in order, once it has loaded;
leaving the screen (Esc) is applied at once and drops them."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, OptionList

import bct_risk.tui.screens.committees as committees
import bct_risk.tui.screens.register as register
from bct_risk.services import queries
from bct_risk.tui.app import RiskApp
from bct_risk.tui.screens.close import CloseScreen
from bct_risk.tui.screens.committees import CommitteesScreen
from bct_risk.tui.screens.detail import DetailScreen
from bct_risk.tui.screens.heatmap import HeatMapScreen
from bct_risk.tui.screens.register import RegisterScreen
from bct_risk.tui.screens.review import ReviewScreen
from tests.tui.conftest import press, settle
from tests.tui.test_opening import first_rows_shown, opening_slowly

T = TypeVar("T")


def held_back(work: Callable[..., T]) -> tuple[Callable[..., T], threading.Event, threading.Event]:
    """``work`` made to wait (in its worker thread) until released; and an event set once it
    has started waiting."""
    release, waiting = threading.Event(), threading.Event()

    def slow(*args: Any, **kwargs: Any) -> T:
        waiting.set()
        release.wait(10)
        return work(*args, **kwargs)

    return slow, release, waiting


async def until(pilot: Pilot[None], started: threading.Event) -> None:
    for _ in range(200):
        if started.is_set():
            return
        await pilot.pause(0.05)
    raise AssertionError("the load never started")


async def test_a_key_typed_while_a_risk_loads_is_applied_once_it_has(
    app: RiskApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow, release, waiting = held_back(queries.risk_detail)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        monkeypatch.setattr(queries, "risk_detail", slow)
        app.push_screen(DetailScreen(app.ctx, "SR9"))
        await until(pilot, waiting)
        detail = app.screen
        assert isinstance(detail, DetailScreen) and app.loading()
        await pilot.press("x")  # close the risk: typed before the risk is on screen
        await pilot.pause(0.1)
        assert app.screen is detail  # nothing to close yet: the key waits
        release.set()
        await settle(pilot)
        assert isinstance(app.screen, CloseScreen)
        assert app.screen.detail.row.reference == "SR9"


async def test_escape_while_loading_leaves_at_once_and_drops_the_keys_held(
    app: RiskApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow, release, waiting = held_back(queries.risk_detail)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        register_screen = app.screen
        monkeypatch.setattr(queries, "risk_detail", slow)
        app.push_screen(DetailScreen(app.ctx, "SR9"))
        await until(pilot, waiting)
        await pilot.press("x", "escape")
        await pilot.pause(0.1)
        assert app.screen is register_screen
        release.set()
        await settle(pilot)
        assert app.screen is register_screen


async def test_keys_typed_as_a_meeting_loads_review_its_first_risk(
    app: RiskApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow, release, waiting = held_back(committees.read_pack)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "4")
        screen = app.screen
        assert isinstance(screen, CommitteesScreen)
        screen.query_one("#committee-list", OptionList).highlighted = screen.committee_keys.index(
            "fr"
        )
        await settle(pilot)
        meetings = screen.query_one("#meeting-list", OptionList)
        meetings.focus()
        meetings.highlighted = screen.meeting_dates.index(date(2026, 12, 10))
        monkeypatch.setattr(committees, "read_pack", slow)
        await pilot.press("enter", "r")  # choose the meeting, and review before it is shown
        await until(pilot, waiting)
        await pilot.pause(0.1)
        assert app.screen is screen
        release.set()
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        assert app.screen.row.reference == "OR2026-01"
        assert app.screen.meeting_date == date(2026, 12, 10)


async def test_keys_typed_while_the_register_reloads_move_in_the_new_rows(
    app: RiskApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow, release, waiting = held_back(register.load_rows)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RegisterScreen)
        monkeypatch.setattr(register, "load_rows", slow)
        await pilot.press("a")  # only the risks above appetite: the register reloads
        await until(pilot, waiting)
        await pilot.press("end", "enter")
        await pilot.pause(0.1)
        assert app.screen is screen
        release.set()
        await settle(pilot)
        # The last of the risks above appetite is opened, not the last of every risk.
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.reference == screen.rows[-1].reference
        assert all(r.above_appetite for r in screen.rows)


async def test_typing_in_the_search_box_is_not_held(
    app: RiskApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow, release, waiting = held_back(register.load_rows)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "slash")
        monkeypatch.setattr(register, "load_rows", slow)
        app.screen.reload()  # type: ignore[attr-defined]
        await until(pilot, waiting)
        await pilot.press("f", "i", "n")
        await pilot.pause(0.1)
        assert app.screen.query_one("#search", Input).value == "fin"
        release.set()
        await settle(pilot)
        assert app.screen.query_one("#search", Input).value == "fin"


async def test_a_screen_key_typed_as_the_app_opens_is_applied_once_it_is_open(
    seeded_db_path: Any,
) -> None:
    app, release = opening_slowly(seeded_db_path)
    async with app.run_test(size=(120, 30)) as pilot:
        await first_rows_shown(pilot, app)
        await pilot.press("2")  # the heat map, before the register is open
        await pilot.pause(0.1)
        assert isinstance(app.screen, RegisterScreen)
        release.set()
        await settle(pilot)
        assert isinstance(app.screen, HeatMapScreen)
    app.ctx.engine.dispose()
