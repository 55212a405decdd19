"""Snapshots of the paper preview and the import screen: fixed sizes, the frozen clock.

Run ``pytest tests/tui/test_snapshots_papers.py --snapshot-update`` after a deliberate change,
and look at ``snapshot_report.html`` before committing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, OptionList

from bct_risk.services.context import Context
from bct_risk.tui.app import make_app
from bct_risk.tui.settings import AppSettings, save_settings
from tests.tui.conftest import settle
from tests.tui.test_snapshots import steps

Compare = Callable[..., bool]
FIXTURES = Path(__file__).parent.parent / "io" / "fixtures"


async def fr_meeting(pilot: Pilot[Any]) -> None:
    """The Finance and Resources Committee's meeting of 10 Dec 2026, highlighted."""
    screen = pilot.app.screen
    screen.query_one("#committee-list", OptionList).highlighted = (
        screen.committee_keys.index("fr")  # type: ignore[attr-defined]
    )
    await settle(pilot)
    meetings = screen.query_one("#meeting-list", OptionList)
    meetings.focus()
    meetings.highlighted = screen.meeting_dates.index(date(2026, 12, 10))  # type: ignore[attr-defined]


def typed(widget_id: str, text: str) -> Callable[[Pilot[Any]], Any]:
    async def run(pilot: Pilot[Any]) -> None:
        pilot.app.screen.query_one(f"#{widget_id}", Input).value = text

    return run


def test_pack_preview(snap_compare: Compare, app_ctx: Context) -> None:
    app = make_app(app_ctx, blink=False)
    assert snap_compare(app, terminal_size=(120, 40), run_before=steps("4", fr_meeting, "p"))


def test_pack_preview_public_80x24(snap_compare: Compare, app_ctx: Context) -> None:
    app = make_app(app_ctx, blink=False)
    run = steps("4", fr_meeting, "p", "p")
    assert snap_compare(app, terminal_size=(80, 24), run_before=run)


def test_save_paper_dialog(snap_compare: Compare, app_ctx: Context, own_settings: Path) -> None:
    # The dialog names the folder a paper was saved in last: one every machine has, so the
    # snapshot is stable.
    save_settings(AppSettings(paper_folder="/tmp"), own_settings)
    app = make_app(app_ctx, blink=False)
    assert snap_compare(app, terminal_size=(100, 30), run_before=steps("4", fr_meeting, "p", "s"))


def test_import_dry_run_with_a_bad_score(
    snap_compare: Compare, app_ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(FIXTURES)
    app = make_app(app_ctx, blink=False)
    run = steps("i", typed("import-path", "score_seven.csv"), "enter")
    assert snap_compare(app, terminal_size=(120, 36), run_before=run)


def test_import_clean_file_80x24(
    snap_compare: Compare, app_ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(FIXTURES)
    app = make_app(app_ctx, blink=False)
    run = steps("i", typed("import-path", "council_register.csv"), "enter")
    assert snap_compare(app, terminal_size=(80, 24), run_before=run)


def test_import_confirm(
    snap_compare: Compare, app_ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(FIXTURES)
    app = make_app(app_ctx, blink=False)
    run = steps("i", typed("import-path", "council_register.csv"), "enter", "ctrl+s")
    assert snap_compare(app, terminal_size=(100, 30), run_before=run)
