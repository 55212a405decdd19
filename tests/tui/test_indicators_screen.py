"""The indicators screen: by basket, the latest value by status, the trend chart with target and
tolerance, months on target; from an indicator its risks; record a value and acknowledge."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static

from bct_risk.domain.indicators import PeriodKind
from bct_risk.domain.kpi_rules import Band, Status
from bct_risk.services.context import Context
from bct_risk.services.indicator_views import Point, risk_breaches
from bct_risk.services.indicators import ValueInput, record_value
from bct_risk.tui.app import RiskApp, make_app
from bct_risk.tui.screens.detail import DetailScreen
from bct_risk.tui.screens.indicators import IndicatorsScreen, trend_chart
from tests.tui.conftest import press, settle, type_text

Compare = Callable[..., bool]


def _point(month: int, value: float, status: Status) -> Point:
    end = date(2026, month, 28)
    return Point(
        value_id=month, period_kind=PeriodKind.MONTH, period_start=end.replace(day=1),
        period_end=end, value=value, value_text=f"{value:g}%", band=Band(12, 10, 15),
        status=status, comment="", national_average=None, neighbour_average=None,
        reported_on=end, source="",
    )  # fmt: skip


def test_the_trend_chart_draws_points_target_and_tolerance() -> None:
    points = [
        _point(9, 12, Status.ON_TARGET),
        _point(10, 14, Status.WITHIN_TOLERANCE),
        _point(11, 17, Status.OUTSIDE_TOLERANCE),
    ]
    text = trend_chart(points, Band(12, 10, 15), height=8)
    lines = text.plain.splitlines()
    assert lines[0].strip().startswith("17 ┤")  # the scale reaches the highest value
    assert lines[0].count("●") == 1  # November's 17 on the top row
    assert any("─●─" in line for line in lines)  # September's 12 on the target line
    assert sum("┄" in line for line in lines if "┤" in line) == 2  # the tolerance's edges
    assert "Sep Oct Nov" in text.plain
    assert "── target 12   ┄┄ tolerance 10-15" in text.plain
    styles = {str(span.style) for span in text.spans}
    assert {"green", "yellow", "bold red"} <= styles


def test_no_values_says_so() -> None:
    assert trend_chart([], None).plain == "No values recorded yet."


def _list_text(app: RiskApp) -> list[str]:
    options = app.screen.query_one("#kpi-list", OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_indicators_by_basket_and_their_risks(app: RiskApp) -> None:
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await press(pilot, "5")
        assert isinstance(app.screen, IndicatorsScreen)
        rows = _list_text(app)
        assert rows[0] == "Front door"
        assert "Workforce" in rows
        agency = next(r for r in rows if "% of social worker posts" in r)
        assert "13% (within tolerance)" in agency
        options = app.screen.query_one("#kpi-list", OptionList)
        options.highlighted = options.get_option_index("agency-sw")
        await settle(pilot)
        heading = str(app.screen.query_one("#kpi-heading", Static).content)
        assert "Target 12% (tolerance 10-15%)" in heading
        assert "months on target (last 12): 0/0 (12 missing)" in heading
        chart = str(app.screen.query_one("#kpi-chart", Static).content)
        assert "target 12" in chart
        await press(pilot, "l")
        risks = app.screen.query_one("#kpi-risks", OptionList)
        assert app.screen.focused is risks
        assert "SR2  Workforce  (illustrative link)" in str(risks.get_option_at_index(0).prompt)
        await press(pilot, "enter")
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.reference == "SR2"


async def test_record_a_breach_and_acknowledge_it(app: RiskApp, app_ctx: Context) -> None:
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await press(pilot, "5")
        options = app.screen.query_one("#kpi-list", OptionList)
        options.highlighted = options.get_option_index("agency-sw")
        await settle(pilot)
        await press(pilot, "r")
        await type_text(pilot, "2026-11")
        await press(pilot, "enter")
        await type_text(pilot, "17")
        await press(pilot, "enter")
        await type_text(pilot, "Two leavers")
        await press(pilot, "enter")
        assert isinstance(app.screen, IndicatorsScreen)
        assert "17% (outside tolerance)  BREACH" in next(
            r for r in _list_text(app) if "% of social worker posts" in r
        )
        assert [b.key for b in risk_breaches(app_ctx, "SR2")] == ["agency-sw"]
        risks = app.screen.query_one("#kpi-risks", OptionList)
        assert "INDICATOR BREACH" in str(risks.get_option_at_index(0).prompt)
        await press(pilot, "l", "a")
        assert isinstance(app.screen.focused, Input)
        await type_text(pilot, "Recruitment campaign under way")
        await press(pilot, "enter")
        assert risk_breaches(app_ctx, "SR2") == []


async def test_a_bad_value_is_refused_with_a_message(app: RiskApp, app_ctx: Context) -> None:
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await press(pilot, "5")
        await press(pilot, "r")
        await type_text(pilot, "2026-13")
        await press(pilot, "enter", "1", "enter", "enter")
        assert isinstance(app.screen, IndicatorsScreen)
        assert any("is not a month" in n.message for n in app._notifications)


def _breach(ctx: Context) -> None:
    record_value(ctx, "agency-sw", ValueInput("2026-10", 14))
    record_value(ctx, "agency-sw", ValueInput("2026-11", 17, comment="Two leavers"))


def test_snapshot_indicators_screen(snap_compare: Compare, app_ctx: Context) -> None:
    _breach(app_ctx)

    async def run(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await press(pilot, "5")
        options = pilot.app.screen.query_one("#kpi-list", OptionList)
        options.highlighted = options.get_option_index("agency-sw")
        await settle(pilot)

    assert snap_compare(make_app(app_ctx, blink=False), terminal_size=(140, 45), run_before=run)


async def test_from_a_risk_its_indicators(app: RiskApp) -> None:
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        app.push_screen(DetailScreen(app.ctx, "SR2"))
        await settle(pilot)
        await press(pilot, "n")
        assert isinstance(app.screen, IndicatorsScreen)
        assert app.screen.risk == "SR2"
        keys = [line.key for line in app.screen.lines]
        assert keys == ["agency-sw", "caseload", "supervision"]
        assert "Workforce" not in _list_text(app)  # one risk's indicators, not by basket


async def test_the_score_dialog_shows_the_risks_indicators(app: RiskApp, app_ctx: Context) -> None:
    _breach(app_ctx)
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot)
        app.push_screen(DetailScreen(app.ctx, "SR2"))
        await settle(pilot)
        await press(pilot, "s")
        shown = app.screen.query_one("#score-indicators", Static)
        text = str(shown.content)
        assert shown.display
        assert "Indicator breach: agency-sw 17% (Nov 2026) against 12% (tolerance 10-15%)" in text
        assert "caseload 18 (Oct 2020)" in text
        assert "agency-sw 17% (Nov 2026)" in text
