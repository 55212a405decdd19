"""A register with no risk at all opens on a welcome with the three ways in: the example
register, a file to import, a first risk added by hand."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bct_risk.services import queries
from bct_risk.services.context import Context
from bct_risk.tui.app import RiskApp, make_app
from bct_risk.tui.screens.import_screen import ImportScreen
from bct_risk.tui.screens.register import RegisterScreen
from bct_risk.tui.screens.risk_form import RiskFormScreen
from bct_risk.tui.screens.welcome import WelcomeScreen
from tests.conftest import make_context
from tests.tui.conftest import press, screen_text, settle
from tests.tui.test_snapshots import steps

Compare = Callable[..., bool]


@pytest.fixture
def empty_ctx(db_path: Path) -> Iterator[Context]:
    """A new register: migrated, not a single risk in it."""
    context = make_context(db_path)
    yield context
    context.engine.dispose()


@pytest.fixture
def empty_app(empty_ctx: Context) -> RiskApp:
    return make_app(empty_ctx, blink=False)


async def test_an_empty_register_opens_on_the_ways_in(empty_app: RiskApp) -> None:
    async with empty_app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(empty_app.screen, WelcomeScreen)
        assert isinstance(empty_app.screen_stack[-2], RegisterScreen)
        text = screen_text(empty_app)
        for words in ("this register has no risks yet", "Load the example register",
                      "Import a file", "Add a risk"):  # fmt: skip
            assert words in text


async def test_the_example_register_is_loaded_as_bct_risk_seed_loads_it(
    empty_app: RiskApp, empty_ctx: Context
) -> None:
    async with empty_app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "s")
        await settle(pilot)
        register = empty_app.screen
        assert isinstance(register, RegisterScreen)
        assert [r.reference for r in register.rows][:3] == ["OR2026-01", "SR1", "SR2"]
        assert "10 shown" in screen_text(empty_app)
    assert len(queries.list_risks(empty_ctx)) == 10
    assert {c.key for c in queries.committees(empty_ctx)} >= {"board", "fr"}


async def test_import_and_add_a_risk_open_their_screens(empty_app: RiskApp) -> None:
    async with empty_app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "i")
        assert isinstance(empty_app.screen, ImportScreen)
        # Back without importing: the register is still empty, so the welcome is back too.
        await press(pilot, "escape")
        await settle(pilot)
        assert isinstance(empty_app.screen, WelcomeScreen)
        await press(pilot, "n")
        assert isinstance(empty_app.screen, RiskFormScreen)


async def test_leaving_the_welcome_shows_the_empty_register_and_it_stays_away(
    empty_app: RiskApp,
) -> None:
    async with empty_app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "escape")
        assert isinstance(empty_app.screen, RegisterScreen)
        assert "0 shown" in screen_text(empty_app)
        await press(pilot, "x")  # another filter: the register reloads, still empty
        await settle(pilot)
        assert isinstance(empty_app.screen, RegisterScreen)


async def test_a_register_of_closed_risks_is_not_welcomed(seeded_db_path: Path) -> None:
    with sqlite3.connect(seeded_db_path) as db:
        db.execute("UPDATE risk SET status = 'closed'")
    ctx = make_context(seeded_db_path)
    try:
        app = make_app(ctx, blink=False)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, RegisterScreen)
            assert "0 shown" in screen_text(app)
    finally:
        ctx.engine.dispose()


def test_welcome_120x40(snap_compare: Compare, empty_ctx: Context) -> None:
    app = make_app(empty_ctx, blink=False)
    assert snap_compare(app, terminal_size=(120, 40), run_before=steps())


def test_welcome_80x24(snap_compare: Compare, empty_ctx: Context) -> None:
    app = make_app(empty_ctx, blink=False)
    assert snap_compare(app, terminal_size=(80, 24), run_before=steps())
