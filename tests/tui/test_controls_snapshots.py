"""The detail's score history chart at 80x24: bands up the side, dated along the bottom."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot

from bct_risk.services.context import Context
from bct_risk.tui.app import make_app
from bct_risk.tui.screens.detail import DetailScreen
from tests.tui.conftest import settle

Compare = Callable[..., bool]


def test_detail_score_chart_80x24(snap_compare: Compare, app_ctx: Context) -> None:
    async def open_sr9(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        pilot.app.push_screen(DetailScreen(pilot.app.ctx, "SR9"))  # type: ignore[attr-defined]
        await settle(pilot)

    app = make_app(app_ctx, blink=False)
    assert snap_compare(app, terminal_size=(80, 24), run_before=open_sr9)
