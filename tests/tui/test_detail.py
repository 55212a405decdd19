"""Open a risk: its scores, history, controls, actions, reviews, escalations and audit trail."""

from __future__ import annotations

from textual.widgets import Static

from bct_risk.tui.app import RiskApp
from bct_risk.tui.screens.detail import DetailScreen
from bct_risk.tui.screens.register import RegisterScreen
from bct_risk.tui.widgets.risk_table import RiskTable
from tests.tui.conftest import notices, press, screen_text, settle


async def test_enter_opens_the_risk_under_the_cursor(app: RiskApp) -> None:
    async with app.run_test(size=(120, 200)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(RiskTable)
        table.table.move_cursor(row=table.references.index("SR9"))
        await press(pilot, "enter")
        assert isinstance(app.screen, DetailScreen)
        summary = screen_text(app)
        assert "SR9  Financial Pressure" in summary
        assert "Director of Finance and Resources" in summary
        assert "25 Extreme (Almost certain 5 x Catastrophic 5)" in summary
        assert "Direction of travel: ▲ worse" in summary
        assert "(overdue)" in summary
        # Current scorings of 20, 20 then 25, drawn in order along dated axis.
        chart = app.screen.query_one("#history-chart", Static)
        lines = [s.text.rstrip() for s in chart.render_lines(chart.region.reset_offset)]
        assert lines[0].startswith("Extreme 15-25 ┤20") and lines[0].endswith("25")
        assert lines[-1].split() == ["Apr", "2025", "May", "2026", "Aug", "2026"]
        body = summary
        for heading in (
            "Controls",
            "Further actions",
            "Action tracker items",
            "Committee reviews",
            "Escalations",
            "Linked risks",
            "Audit trail",
        ):
            assert heading in body
        assert "Finance and Resources 10 Sep 2026" in body
        await press(pilot, "escape")
        assert isinstance(app.screen, RegisterScreen)


async def test_an_unknown_reference_says_so(app: RiskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(DetailScreen(app.ctx, "SR99"))
        await settle(pilot)
        assert any("No risk has the reference 'SR99'" in m for m in notices(app))


async def test_the_audit_trail_shows_old_and_new(app: RiskApp) -> None:
    from bct_risk.domain.models import RiskUpdate
    from bct_risk.services.risks import update_risk

    update_risk(app.ctx, "SR9", RiskUpdate(title="Financial pressure 2027"))
    async with app.run_test(size=(120, 300)) as pilot:
        await settle(pilot)
        app.push_screen(DetailScreen(app.ctx, "SR9"))
        await settle(pilot)
        assert "title: Financial Pressure → Financial pressure 2027" in screen_text(app)
