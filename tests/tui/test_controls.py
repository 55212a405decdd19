"""A risk's controls edited, re-graded, retired and restored from its detail; another risk
linked to it; its score history drawn with bands and dates."""

from __future__ import annotations

from datetime import date

from textual.widgets import Input, Select, Static

from bct_risk.services import controls, queries
from bct_risk.tui.app import RiskApp, make_app
from bct_risk.tui.screens.choice import ChoiceScreen
from bct_risk.tui.screens.confirm import ConfirmScreen
from bct_risk.tui.screens.control import (
    ControlEditScreen,
    ControlGradeScreen,
    ControlRetireScreen,
)
from bct_risk.tui.screens.detail import DetailScreen
from bct_risk.tui.screens.link import LinkRiskScreen
from tests.tui.conftest import notices, press, screen_text, settle, type_text


async def _open(app: RiskApp, pilot: object, reference: str) -> DetailScreen:
    await settle(pilot)  # type: ignore[arg-type]
    app.push_screen(DetailScreen(app.ctx, reference))
    await settle(pilot)  # type: ignore[arg-type]
    assert isinstance(app.screen, DetailScreen) and app.screen.detail is not None
    return app.screen


def _one_control(app: RiskApp) -> int:
    """SR8's one control, reworded with brackets (text, never markup), graded partially
    effective: the keys act on it without asking which."""
    [control] = queries.risk_detail(app.ctx, "SR8").controls
    controls.edit_control(app.ctx, control.id, description="Oracle [bold]stabilisation[/] board")
    return control.id


async def test_several_controls_are_chosen_from_a_list_and_edited(app: RiskApp) -> None:
    async with app.run_test(size=(120, 200)) as pilot:
        screen = await _open(app, pilot, "SR9")
        assert screen.detail is not None
        first = screen.detail.controls[0]
        await press(pilot, "c")
        assert isinstance(app.screen, ChoiceScreen)
        assert [v for _, v in app.screen.choices] == [str(c.id) for c in screen.detail.controls]
        await press(pilot, "enter")
        assert isinstance(app.screen, ControlEditScreen)
        field = app.screen.query_one("#description", Input)
        assert field.value == first.description
        field.value = "Monthly budget monitoring, reported to F&R"
        app.screen.query_one("#line", Select).value = 2
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, DetailScreen)
        edited = next(c for c in queries.risk_detail(app.ctx, "SR9").controls if c.id == first.id)
        assert edited.description == "Monthly budget monitoring, reported to F&R"
        assert edited.assurance_line == 2 and edited.owner == first.owner
        assert "Monthly budget monitoring, reported to F&R" in screen_text(app)


async def test_leaving_a_changed_control_form_asks_first(app: RiskApp) -> None:
    _one_control(app)
    async with app.run_test(size=(120, 200)) as pilot:
        await _open(app, pilot, "SR8")
        await press(pilot, "c")
        assert isinstance(app.screen, ControlEditScreen)
        await type_text(pilot, " weekly")
        await press(pilot, "escape")
        assert isinstance(app.screen, ConfirmScreen)
        await press(pilot, "escape")  # keep typing
        assert isinstance(app.screen, ControlEditScreen)
        assert app.screen.query_one("#description", Input).value.endswith(" weekly")


async def test_regrade_needs_a_reason_then_is_kept_in_the_trail(app: RiskApp) -> None:
    cid = _one_control(app)
    async with app.run_test(size=(120, 200)) as pilot:
        await _open(app, pilot, "SR8")
        await press(pilot, "g")
        assert isinstance(app.screen, ControlGradeScreen)
        assert app.screen.query_one("#effectiveness", Select).value == "partially_effective"
        app.screen.query_one("#effectiveness", Select).value = "effective"
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ControlGradeScreen), "no reason given: not saved"
        assert "A note is required" in str(app.screen.query_one("#form-error", Static).render())
        app.screen.query_one("#note", Input).focus()
        await type_text(pilot, "Audit found it working")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, DetailScreen)
        shown = queries.risk_detail(app.ctx, "SR8")
        assert [c.effectiveness for c in shown.controls if c.id == cid] == ["Effective"]
        [event] = [e for e in shown.audit if e.action == "grade"]
        assert event.changes["note"] == "Audit found it working"


async def test_retire_then_restore_a_control(app: RiskApp) -> None:
    cid = _one_control(app)
    async with app.run_test(size=(120, 200)) as pilot:
        await _open(app, pilot, "SR8")
        await press(pilot, "t")
        assert isinstance(app.screen, ControlRetireScreen)
        await type_text(pilot, "2026-11-20")
        app.screen.query_one("#reason", Input).focus()
        await type_text(pilot, "Replaced by the new ledger")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, DetailScreen)
        shown = queries.risk_detail(app.ctx, "SR8")
        assert not shown.controls
        [retired] = shown.retired_controls
        assert (retired.retired_on, retired.retired_reason) == (
            date(2026, 11, 20),
            "Replaced by the new ledger",
        )
        text = screen_text(app)
        assert "Retired controls" in text and "Replaced by the new ledger" in text
        assert "Oracle [bold]stabilisation[/] board" in text  # as typed, never markup
        # The one control left is retired: t offers to restore it.
        await press(pilot, "t")
        assert isinstance(app.screen, ControlRetireScreen) and app.screen.restoring
        await type_text(pilot, "Retired in error")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, DetailScreen)
        assert [c.id for c in queries.risk_detail(app.ctx, "SR8").controls] == [cid]


async def test_a_risk_without_controls_says_so(app: RiskApp) -> None:
    controls.retire_control(app.ctx, _one_control(app), reason="Superseded")
    async with app.run_test(size=(120, 200)) as pilot:
        await _open(app, pilot, "SR8")
        await press(pilot, "g")
        assert isinstance(app.screen, DetailScreen)
        assert any("SR8 has no controls" in m for m in notices(app))


async def test_link_another_risk_chosen_by_reference_and_title(app: RiskApp) -> None:
    async with app.run_test(size=(120, 200)) as pilot:
        screen = await _open(app, pilot, "SR8")
        assert screen.detail is not None
        before = {ref for ref, _ in screen.detail.links}
        await press(pilot, "L")
        assert isinstance(app.screen, LinkRiskScreen)
        other = app.screen.query_one("#other", Select)
        offered = [value for _, value in other._options if value is not Select.NULL]
        assert "SR8" not in offered and not before & set(offered)
        other.value = "SR2"
        app.screen.query_one("#note", Input).focus()
        await type_text(pilot, "Both hit by the ledger")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, DetailScreen)
        links = dict(queries.risk_detail(app.ctx, "SR8").links)
        assert "SR2" in links
        assert "SR2" in screen_text(app)


async def test_a_link_needs_the_other_risk(app: RiskApp) -> None:
    async with app.run_test(size=(120, 200)) as pilot:
        await _open(app, pilot, "SR8")
        await press(pilot, "L")
        assert isinstance(app.screen, LinkRiskScreen)
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, LinkRiskScreen)
        assert "Choose the other risk" in str(app.screen.query_one("#form-error", Static).render())


async def test_the_score_history_chart_names_bands_and_dates(app: RiskApp) -> None:
    for size in ((80, 24), (120, 40)):
        app = make_app(app.ctx, blink=False)
        async with app.run_test(size=size) as pilot:
            await _open(app, pilot, "SR9")
            chart = app.screen.query_one("#history-chart", Static)
            lines = [strip.text for strip in chart.render_lines(chart.region.reset_offset)]
            text = "\n".join(lines)
            assert "Extreme 15-25 ┤20" in text and "Low 1-3 ┤" in text
            assert "25" in lines[0][-30:], "the latest scoring is at the right"
            assert "└┬" in text
            assert max(len(line.rstrip()) for line in lines) <= size[0]


async def test_a_control_changed_by_someone_else_is_not_saved_over(app: RiskApp) -> None:
    cid = _one_control(app)
    async with app.run_test(size=(120, 200)) as pilot:
        await _open(app, pilot, "SR8")
        await press(pilot, "c")
        assert isinstance(app.screen, ControlEditScreen)
        # Someone else rewords it while the form is open.
        controls.edit_control(app.ctx, cid, description="Oracle recovery board")
        app.screen.query_one("#line", Select).value = 3
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ControlEditScreen), "refused, the form stays"
        error = str(app.screen.query_one("#form-error", Static).render())
        assert "changed by someone else" in error
        [shown] = queries.risk_detail(app.ctx, "SR8").controls
        assert (shown.description, shown.assurance_line) == ("Oracle recovery board", None)
