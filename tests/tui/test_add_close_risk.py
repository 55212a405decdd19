"""Add a risk, edit it, add a control and a further action, close it and reopen it."""

from __future__ import annotations

from textual.widgets import Input, Select, Static

from bct_risk.domain.enums import RiskStatus, Tier
from bct_risk.services import queries
from bct_risk.services.context import Context
from bct_risk.tui.app import RiskApp
from bct_risk.tui.screens.close import CloseScreen
from bct_risk.tui.screens.control import ControlScreen, FurtherActionScreen
from bct_risk.tui.screens.detail import DetailScreen
from bct_risk.tui.screens.risk_form import RiskFormScreen
from tests.helpers import fingerprint
from tests.tui.conftest import press, settle, type_text


def error(app: RiskApp) -> str:
    return str(app.screen.query_one("#form-error", Static).render())


async def test_add_a_risk_then_it_opens(app: RiskApp, app_ctx: Context) -> None:
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot)
        await press(pilot, "n")
        assert isinstance(app.screen, RiskFormScreen)
        await type_text(pilot, "SR10")
        app.screen.query_one("#title", Input).value = "Cyber attack on case records"
        app.screen.query_one("#owner", Select).value = "Director of Finance and Resources"
        app.screen.query_one("#committee", Select).value = "Finance and Resources Committee"
        app.screen.query_one("#appetite", Select).value = "minimal"
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.reference == "SR10"
    row = queries.risk_detail(app_ctx, "SR10").row
    assert (row.title, row.owner, row.lead_committee, row.tier) == (
        "Cyber attack on case records",
        "Director of Finance and Resources",
        "Finance and Resources",
        Tier.STRATEGIC,
    )


async def test_a_reference_in_use_or_a_blank_title_is_refused(
    app: RiskApp, app_ctx: Context
) -> None:
    unchanged = fingerprint(app_ctx)
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot)
        await press(pilot, "n")
        app.screen.query_one("#reference", Input).value = "sr9"
        app.screen.query_one("#title", Input).value = "Duplicate"
        await press(pilot, "ctrl+s")
        assert error(app) == "The reference SR9 is already in use"
        app.screen.query_one("#reference", Input).value = "SR11"
        app.screen.query_one("#title", Input).value = "   "
        await press(pilot, "ctrl+s")
        assert error(app) == "Title: must not be blank"
        assert isinstance(app.screen, RiskFormScreen)
    assert fingerprint(app_ctx) == unchanged


async def test_edit_a_risk(app: RiskApp, app_ctx: Context) -> None:
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot)
        app.push_screen(DetailScreen(app.ctx, "SR8"))
        await settle(pilot)
        await press(pilot, "i")
        assert isinstance(app.screen, RiskFormScreen)
        # The form starts from the risk as it is.
        assert app.screen.query_one("#committee", Select).value == "Finance and Resources Committee"
        app.screen.query_one("#title", Input).value = "Oracle finance system"
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, DetailScreen)
    row = queries.risk_detail(app_ctx, "SR8").row
    assert row.title == "Oracle finance system"
    assert row.lead_committee == "Finance and Resources"


async def test_add_a_control_and_a_further_action(app: RiskApp, app_ctx: Context) -> None:
    before = queries.risk_detail(app_ctx, "SR9")
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot)
        app.push_screen(DetailScreen(app.ctx, "SR9"))
        await settle(pilot)
        await press(pilot, "k")
        assert isinstance(app.screen, ControlScreen)
        await type_text(pilot, "Monthly budget monitoring")
        app.screen.query_one("#effectiveness", Select).value = "effective"
        app.screen.query_one("#line", Select).value = 2
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, DetailScreen)
        await press(pilot, "f")
        assert isinstance(app.screen, FurtherActionScreen)
        await type_text(pilot, "Agree savings with the Council")
        app.screen.query_one("#due", Input).value = "1 Jan 2020"
        await press(pilot, "ctrl+s")
        assert "before the date raised" in error(app)
        app.screen.query_one("#due", Input).value = "31 Mar 2027"
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, DetailScreen)
    after = queries.risk_detail(app_ctx, "SR9")
    assert len(after.controls) == len(before.controls) + 1
    control = after.controls[-1]
    assert (control.description, control.effectiveness, control.assurance_line) == (
        "Monthly budget monitoring",
        "Effective",
        2,
    )
    assert len(after.further_actions) == len(before.further_actions) + 1
    assert after.further_actions[-1].due_date is not None
    assert after.further_actions[-1].due_date.isoformat() == "2027-03-31"


async def test_close_and_reopen_with_a_reason(app: RiskApp, app_ctx: Context) -> None:
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot)
        app.push_screen(DetailScreen(app.ctx, "SR8"))
        await settle(pilot)
        await press(pilot, "x")
        assert isinstance(app.screen, CloseScreen)
        unchanged = fingerprint(app_ctx)
        await press(pilot, "ctrl+s")
        assert error(app) == "A reason for closing is required"
        assert fingerprint(app_ctx) == unchanged
        await type_text(pilot, "Oracle is live and stable")
        await press(pilot, "enter")
        assert isinstance(app.screen, DetailScreen)
        detail = queries.risk_detail(app_ctx, "SR8")
        assert detail.row.status == RiskStatus.CLOSED
        assert detail.closed_reason == "Oracle is live and stable"
        await press(pilot, "x")
        assert isinstance(app.screen, CloseScreen) and not app.screen.closing
        await type_text(pilot, "Upgrade due in 2027")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, DetailScreen)
    assert queries.risk_detail(app_ctx, "SR8").row.status == RiskStatus.OPEN
