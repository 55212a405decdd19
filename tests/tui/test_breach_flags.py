"""A value outside tolerance flags the risks its indicator warns about, in the register, the
heat map and the risk's detail, until the risk is rescored (or the breach acknowledged)."""

from __future__ import annotations

from textual.widgets import Button, OptionList, Static

from bct_risk.services.context import Context
from bct_risk.services.indicators import ValueInput, record_value
from bct_risk.services.queries import risk_detail
from bct_risk.services.risks import score_risk
from bct_risk.tui.app import RiskApp
from bct_risk.tui.screens.detail import DetailScreen
from bct_risk.tui.screens.heatmap import HeatMapScreen
from bct_risk.tui.widgets.risk_table import RiskTable
from tests.tui.conftest import press, screen_text, settle

NOTE = "agency-sw 17% (Nov 2026) against 12% (tolerance 10-15%)"


def _lines_of(app: RiskApp, reference: str) -> list[str]:
    return [line for line in screen_text(app).splitlines() if f" {reference} " in line]


async def test_a_breach_is_flagged_until_the_risk_is_rescored(
    app: RiskApp, app_ctx: Context
) -> None:
    record_value(app_ctx, "agency-sw", ValueInput("2026-11", 17, comment="Two leavers"))
    workforce = risk_detail(app_ctx, "SR2").row
    assert workforce.current is not None
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        # The register: the reference carries the flag; the preview says what and against what.
        assert _lines_of(app, "SR2 ⚑"), "SR2's line carries the flag"
        assert _lines_of(app, "SR3") and not any("⚑" in line for line in _lines_of(app, "SR3"))
        table = app.screen.query_one(RiskTable)
        table.table.move_cursor(row=table.references.index("SR2"))
        await settle(pilot)
        preview = str(app.screen.query_one("#preview", Static).content)
        assert f"⚑ indicator breach: {NOTE}" in preview

        # The heat map: the risk's cell is flagged, and the cell lists the breach.
        await press(pilot, "2")
        assert isinstance(app.screen, HeatMapScreen)
        cell = (workforce.current.likelihood, workforce.current.impact)
        label = str(app.screen.query_one(f"#cell-{cell[0]}-{cell[1]}", Button).label)
        assert label.endswith(" ⚑")
        assert "⚑ 1 with an indicator outside tolerance" in str(
            app.screen.query_one("#heat-kind", Static).content
        )
        app.screen.query_one(f"#cell-{cell[0]}-{cell[1]}", Button).press()
        await settle(pilot)
        prompts = [str(o.prompt) for o in app.screen.query_one("#cell-risks", OptionList).options]
        assert any(p.startswith("SR2 ") and f"indicator breach: {NOTE}" in p for p in prompts)

        # The detail: flagged above the facts, with what to do about it.
        app.push_screen(DetailScreen(app.ctx, "SR2"))
        await settle(pilot)
        flags = app.screen.query_one("#detail-breaches", Static)
        assert flags.display
        shown = " ".join(screen_text(app).split())
        assert f"⚑ Indicator breach: {NOTE}, reported 23 Nov 2026" in shown
        assert "Rescore the risk (s) or acknowledge the breach (n, then a)." in shown

        # Rescored since the value: the flag goes everywhere.
        score_risk(app_ctx, "SR2", likelihood=4, impact=4, rationale="Agency use up: rescored")
        await press(pilot, "escape")
        app.push_screen(DetailScreen(app.ctx, "SR2"))
        await settle(pilot)
        assert not app.screen.query_one("#detail-breaches", Static).display
        await press(pilot, "escape", "1")
        assert _lines_of(app, "SR2") and not any("⚑" in line for line in _lines_of(app, "SR2"))


async def test_a_detail_without_a_breach_shows_no_flag(app: RiskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(DetailScreen(app.ctx, "SR2"))
        await settle(pilot)
        assert not app.screen.query_one("#detail-breaches", Static).display
        assert "⚑" not in screen_text(app)
