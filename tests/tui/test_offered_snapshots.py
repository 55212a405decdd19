"""The detail screen as a viewer sees it: the header names them, and the footer's changes are
dimmed (offered to someone else's role, not to theirs)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot

from bct_risk.domain.enums import Role
from bct_risk.services import people
from bct_risk.services.context import Context
from bct_risk.tui.app import make_app
from bct_risk.tui.screens.detail import DetailScreen
from tests.tui.conftest import settle

Compare = Callable[..., bool]


def test_detail_as_a_viewer(snap_compare: Compare, app_ctx: Context) -> None:
    people.add_person(app_ctx, "Ada Admin", login="ada", role=Role.ADMINISTRATOR)
    people.add_person(app_ctx.acting_as("ada"), "Vic Viewer", login="vic", role=Role.VIEWER)

    async def open_sr9(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        pilot.app.push_screen(DetailScreen(pilot.app.ctx, "SR9"))  # type: ignore[attr-defined]
        await settle(pilot)

    app = make_app(app_ctx.acting_as("vic"), blink=False)
    assert snap_compare(app, terminal_size=(120, 40), run_before=open_sr9)
