"""The app survives errors: an unexpected failure in background work opens a dialog and the app
stays open with what was typed; a bad stored value shows its risk flagged, and the register
opens."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError
from textual.widgets import Input, Static

from bct_risk.services import queries
from bct_risk.services.context import Context
from bct_risk.tui.app import RiskApp, make_app
from bct_risk.tui.screens import score as score_screen
from bct_risk.tui.screens.detail import DetailScreen
from bct_risk.tui.screens.failure import FailureScreen
from bct_risk.tui.screens.register import RegisterScreen
from bct_risk.tui.screens.score import ScoreScreen
from tests.conftest import make_context
from tests.tui.conftest import press, screen_text, settle
from tests.tui.test_score import choose, open_score_form


async def test_a_dropped_connection_while_saving_shows_a_dialog_and_keeps_the_form(
    app: RiskApp, app_ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = score_screen.score_risk
    calls: list[int] = []

    def flaky(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("UPDATE risk", {}, Exception("server closed the connection"))
        return real(*args, **kwargs)

    monkeypatch.setattr(score_screen, "score_risk", flaky)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_score_form(app, pilot)
        choose(app, 4, 4)
        app.screen.query_one("#rationale", Input).value = "Savings plan agreed"
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, FailureScreen)
        assert "Saving failed" in screen_text(app)
        why = str(app.screen.query_one("#failure-reason", Static).render())
        assert why == "OperationalError: server closed the connection"
        assert "Press r to try again" in str(
            app.screen.query_one("#failure-advice", Static).render()
        )
        # Closed: the form is still there with what was typed.
        await press(pilot, "escape")
        assert isinstance(app.screen, ScoreScreen)
        assert app.screen.query_one("#rationale", Input).value == "Savings plan agreed"
        # Saved again: the second attempt goes through.
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, FailureScreen) is False
        assert isinstance(app.screen, DetailScreen)
        assert app.is_running
    assert queries.risk_detail(app_ctx, "SR9").history[-1].rationale == "Savings plan agreed"


async def test_retry_runs_the_failed_load_again(
    app: RiskApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = queries.risk_detail
    calls: list[int] = []

    def flaky(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("disk I/O error")
        return real(*args, **kwargs)

    monkeypatch.setattr(queries, "risk_detail", flaky)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(DetailScreen(app.ctx, "SR9"))
        await settle(pilot)
        assert isinstance(app.screen, FailureScreen)
        assert "Loading the risk failed" in screen_text(app)
        await press(pilot, "r")
        assert isinstance(app.screen, DetailScreen)
        assert "Financial Pressure" in screen_text(app)
        assert len(calls) == 2


async def test_a_bad_stored_value_flags_its_risk_and_the_register_opens(
    seeded_db_path: Path,
) -> None:
    with sqlite3.connect(seeded_db_path) as db:
        db.execute("UPDATE risk SET current_likelihood = 7 WHERE reference = 'SR3'")
    ctx = make_context(seeded_db_path)
    try:
        app = make_app(ctx, blink=False)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, RegisterScreen)
            flagged = {r.reference: r for r in screen.rows}
            assert flagged["SR3"].band == "needs correction"
            assert flagged["SR3"].current is None
            assert flagged["SR9"].band != "needs correction"
            assert len(screen.rows) > 5
    finally:
        ctx.engine.dispose()
