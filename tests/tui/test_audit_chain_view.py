"""The risk screen shows whether the audit trail's chain of seals holds."""

from __future__ import annotations

from bct_risk.tui.app import RiskApp
from bct_risk.tui.screens.detail import DetailScreen
from tests.tui.conftest import screen_text, settle
from tests.unit.test_audit_chain import event_ids, tamper


async def test_the_audit_view_shows_the_chain_intact_then_broken(app: RiskApp) -> None:
    async with app.run_test(size=(120, 200)) as pilot:
        await settle(pilot)
        app.push_screen(DetailScreen(app.ctx, "SR9"))
        await settle(pilot)
        events = len(event_ids(app.ctx))
        assert f"Chain of seals intact: {events} events (bct-risk audit verify)" in screen_text(app)
        target = event_ids(app.ctx)[3]
        tamper(app.ctx, f"UPDATE auditevent SET summary = 'edited' WHERE id = {target}")
        screen = app.screen
        assert isinstance(screen, DetailScreen)
        screen.reload()
        await settle(pilot)
        assert f"Chain of seals broken: audit trail broken at event {target}" in screen_text(app)
