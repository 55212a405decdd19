"""The app the command line starts: its first frame, then the register opened in a worker."""

from __future__ import annotations

import threading
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from bct_risk.cli.launch import first_rows, open_settings
from bct_risk.config import Settings
from bct_risk.domain.errors import DomainError
from bct_risk.services.context import Context
from bct_risk.services.first_rows import FirstRows
from bct_risk.services.register_rows import RiskFilter
from bct_risk.tui.app import RiskApp, open_app
from bct_risk.tui.colours import palette
from bct_risk.tui.screens.choice import ChoiceScreen
from bct_risk.tui.screens.detail import DetailScreen
from bct_risk.tui.screens.heatmap import HeatMapScreen
from bct_risk.tui.screens.help import HelpScreen
from bct_risk.tui.screens.opening import OPENING, OpeningScreen
from bct_risk.tui.screens.register import RegisterScreen
from bct_risk.tui.screens.welcome import WelcomeScreen
from bct_risk.tui.widgets.risk_table import RiskTable, RowPainter
from tests.conftest import make_context
from tests.tui.conftest import press, screen_text, settle


def opening_slowly(database: Path) -> tuple[RiskApp, threading.Event]:
    """The app as the command line starts it, on a register that opens only once released."""
    settings = Settings.from_env(database=str(database), actor="tester")
    release = threading.Event()

    def slow_open() -> Context:
        release.wait(10)
        return make_context(database)

    return open_app(slow_open, partial(first_rows, settings), blink=False), release


async def first_rows_shown(pilot: Pilot[None], app: RiskApp) -> None:
    """Wait until the register screen shows its first rows (ten seconds at most: CI is slow):
    the rows are given to the screen, and the first of them is drawn."""
    for _ in range(200):
        await pilot.pause(0.05)
        screen = app.screen
        if (
            isinstance(screen, RegisterScreen)
            and screen.rows
            and screen.rows[0].reference in screen_text(app)
        ):
            return
    raise AssertionError("the register's first rows were not shown")


async def test_the_register_opened_by_the_command_lines_path_is_shown(
    seeded_db_path: Path,
) -> None:
    settings = Settings.from_env(database=str(seeded_db_path), actor="tester")
    app = open_app(partial(open_settings, settings), partial(first_rows, settings), blink=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, RegisterScreen)
        assert app.ctx.actor == "tester"
        text = screen_text(app)
        assert "SR9" in text and "shown" in text
        # Main screens sit above the register as they do in an app given an open register.
        await press(pilot, "2")
        assert isinstance(app.screen, HeatMapScreen)
        await press(pilot, "1")
        assert isinstance(app.screen, RegisterScreen)
        assert isinstance(app.screen_stack[0], OpeningScreen)
    assert app.open_error is None
    app.ctx.engine.dispose()


async def test_the_first_frame_comes_before_the_register_and_keys_wait_for_it(
    seeded_db_path: Path,
) -> None:
    release = threading.Event()

    def slow_open() -> Context:
        release.wait(10)
        return make_context(seeded_db_path)

    app = open_app(slow_open, blink=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, OpeningScreen)
        text = screen_text(app)
        assert "BCT risk register" in text and OPENING in text
        await pilot.press("2", "question_mark")  # nothing to show yet: no screen is pushed
        assert len(app.screen_stack) == 1
        release.set()
        await settle(pilot)
        # The keys waited for the register, then were applied in order: heat map, help.
        assert isinstance(app.screen, HelpScreen)
        assert [type(s) for s in app.screen_stack[1:-1]] == [RegisterScreen, HeatMapScreen]
    app.ctx.engine.dispose()


async def test_a_register_that_cannot_be_opened_closes_the_app_with_its_error() -> None:
    def refuse() -> Context:
        raise DomainError("cannot open the register at nowhere.sqlite: file is not a database")

    app = open_app(refuse, blink=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
    assert isinstance(app.open_error, DomainError)
    assert "file is not a database" in str(app.open_error)
    assert app.return_code == 1


async def test_a_large_register_shows_its_first_rows_then_all(
    seeded_db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bct_risk.tui.screens.register as register

    monkeypatch.setattr(register, "FIRST_ROWS", 3)
    ctx = make_context(seeded_db_path)
    first = register.load_first_rows(ctx, RiskFilter(), palette(open_app(lambda: ctx)))
    # The first rows in the register's own order (SR2 before SR10), and word that more follow.
    assert ([r.reference for r in first.rows], first.complete) == (
        ["OR2026-01", "SR1", "SR2"],
        False,
    )

    release = threading.Event()
    load_rows = register.load_rows

    def held(*args: Any) -> register.Loaded:
        release.wait(10)  # the rest of the register, held back until the test has looked
        return load_rows(*args)

    monkeypatch.setattr(register, "load_rows", held)
    app = open_app(lambda: make_context(seeded_db_path), blink=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await first_rows_shown(pilot, app)
        assert [r.reference for r in app.screen.rows] == ["OR2026-01", "SR1", "SR2"]
        assert "loading…" in screen_text(app)
        release.set()
        await settle(pilot)
        assert len(app.screen.rows) == 10
        assert "10 shown" in screen_text(app)
    ctx.engine.dispose()
    app.ctx.engine.dispose()


async def test_rows_shown_as_the_app_opens_fit_the_terminal(seeded_db_path: Path) -> None:
    # The first rows reach the register before its first layout: they are laid out again for
    # the terminal's width, so the last column is still in view at 120 columns.
    app = open_app(lambda: make_context(seeded_db_path), blink=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(RiskTable)
        # The title takes the spare width (the strategic titles whole), the last column shown.
        assert table.table.widths[1] >= 38
        assert "Next review" in screen_text(app)
    app.ctx.engine.dispose()


async def test_the_first_rows_are_shown_before_the_register_is_open(
    seeded_db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bct_risk.tui.screens.register as register

    monkeypatch.setattr(register, "FIRST_ROWS", 3)
    app, release = opening_slowly(seeded_db_path)
    async with app.run_test(size=(120, 30)) as pilot:
        await first_rows_shown(pilot, app)
        screen = app.screen
        assert isinstance(screen, RegisterScreen)
        # Read from the file while the register was still opening, in the register's order.
        assert [r.reference for r in screen.rows] == ["OR2026-01", "SR1", "SR2"]
        assert "loading…" in screen_text(app)
        # Keys wait for the register, then are applied: the cursor moves, the risk is opened.
        await pilot.press("down", "enter")
        await pilot.pause(0.1)
        assert app.screen is screen
        release.set()
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.reference == "SR1"
        await press(pilot, "escape")
        await settle(pilot)
        assert app.screen is screen
        assert len(screen.rows) == 10
        assert "10 shown" in screen_text(app)
    app.ctx.engine.dispose()


async def test_a_register_that_fails_to_open_after_its_first_rows_closes_the_app(
    seeded_db_path: Path,
) -> None:
    settings = Settings.from_env(database=str(seeded_db_path), actor="tester")

    def refuse() -> Context:
        raise DomainError("cannot open the register: the disk is full")

    app = open_app(refuse, partial(first_rows, settings), blink=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
    assert isinstance(app.open_error, DomainError)
    assert app.return_code == 1


async def test_where_the_first_rows_cannot_be_read_the_register_opens_as_usual(
    db_path: Path,
) -> None:
    app = open_app(lambda: make_context(db_path), lambda limit: None, blink=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        # A register without a risk: the welcome over it, and the register below, empty.
        assert isinstance(app.screen, WelcomeScreen)
        await press(pilot, "escape")
        assert isinstance(app.screen, RegisterScreen)
        assert "0 shown" in screen_text(app)
    app.ctx.engine.dispose()


async def test_a_theme_chosen_while_the_register_opens_colours_its_rows(
    seeded_db_path: Path,
) -> None:
    app, release = opening_slowly(seeded_db_path)
    async with app.run_test(size=(120, 30)) as pilot:
        await first_rows_shown(pilot, app)
        table = app.screen.query_one(RiskTable)
        dark = table._painted
        app.theme = "textual-light"
        release.set()
        await settle(pilot)
        # All ten risks came in the first rows: no reload, so they are painted again instead.
        expected = RowPainter(app.ctx.matrix, palette(app)).paint(table.rows)
        assert table._painted is not None and table._painted.equals(expected)
        assert not table._painted.equals(dark)
    app.ctx.engine.dispose()


async def test_the_sort_chosen_as_the_register_opens_is_offered_once_open(
    seeded_db_path: Path,
) -> None:
    app, release = opening_slowly(seeded_db_path)
    async with app.run_test(size=(120, 30)) as pilot:
        await first_rows_shown(pilot, app)
        await pilot.press("s")  # the sort, chosen as the register opens
        await pilot.pause(0.1)
        assert isinstance(app.screen, RegisterScreen)
        release.set()
        await settle(pilot)
        assert isinstance(app.screen, ChoiceScreen)
        assert not any(isinstance(s, DetailScreen) for s in app.screen_stack)
    app.ctx.engine.dispose()


async def test_first_rows_that_fail_to_read_leave_the_usual_opening(seeded_db_path: Path) -> None:
    def broken(limit: int) -> FirstRows | None:
        raise ValueError("a stored date that is not a date")

    app = open_app(lambda: make_context(seeded_db_path), broken, blink=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, RegisterScreen)
        assert "10 shown" in screen_text(app)
    assert app.open_error is None
    app.ctx.engine.dispose()
