"""Escalate and de-escalate a risk: destination, required reason, the route travelled."""

from __future__ import annotations

from textual.widgets import Input, Select, Static

from bct_risk.domain.enums import EscalationDirection, Tier
from bct_risk.services import queries
from bct_risk.services.context import Context
from bct_risk.tui.app import RiskApp
from bct_risk.tui.screens.detail import DetailScreen
from bct_risk.tui.screens.escalate import EscalateScreen
from tests.helpers import fingerprint
from tests.tui.conftest import press, screen_text, settle, type_text


async def open_form(app: RiskApp, pilot: object, key: str, reference: str = "SR9") -> None:
    app.push_screen(DetailScreen(app.ctx, reference))
    await settle(pilot)  # type: ignore[arg-type]
    await press(pilot, key)  # type: ignore[arg-type]
    assert isinstance(app.screen, EscalateScreen)


def destinations(app: RiskApp) -> list[str]:
    select = app.screen.query_one("#destination", Select)
    return [str(value) for _, value in select._options if value is not Select.NULL]


async def test_escalate_to_the_board_with_a_reason(app: RiskApp, app_ctx: Context) -> None:
    async with app.run_test(size=(120, 200)) as pilot:
        await settle(pilot)
        await open_form(app, pilot, "e")
        route = str(app.screen.query_one("#route", Static).render())
        assert "Now: Strategic register, lead committee Finance and Resources" in route
        # Up from strategic: the committee and board tiers, and the Trust's bodies.
        assert destinations(app)[:2] == ["committee", "board"]
        assert "Trust Board" in destinations(app)
        assert not any("Scrutiny" in d for d in destinations(app))
        app.screen.query_one("#destination", Select).value = "Trust Board"
        app.screen.query_one("#reason", Input).focus()
        await type_text(pilot, "Deficit beyond the reserves")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, DetailScreen)
        assert "Escalate: Strategic → Board" in screen_text(app)
    detail = queries.risk_detail(app_ctx, "SR9")
    assert detail.row.tier == Tier.BOARD
    move = detail.escalations[-1]
    assert (move.to_committee, move.reason, move.decided_by) == (
        "Board",
        "Deficit beyond the reserves",
        "tester",
    )


async def test_the_route_shows_earlier_moves_when_de_escalating(app: RiskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_form(app, pilot, "d", "SR1")
        route = str(app.screen.query_one("#route", Static).render())
        assert "→" in route and "Now: Board register" in route
        assert destinations(app)[:3] == ["operational", "strategic", "committee"]
        assert app.screen.direction == EscalationDirection.DE_ESCALATE


async def test_a_reason_is_required(app: RiskApp, app_ctx: Context) -> None:
    unchanged = fingerprint(app_ctx)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_form(app, pilot, "e")
        app.screen.query_one("#destination", Select).value = "board"
        await press(pilot, "ctrl+s")
        error = str(app.screen.query_one("#form-error", Static).render())
        assert error == "A reason is required"
        assert isinstance(app.screen, EscalateScreen)
    assert fingerprint(app_ctx) == unchanged


async def test_a_destination_is_required(app: RiskApp, app_ctx: Context) -> None:
    unchanged = fingerprint(app_ctx)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_form(app, pilot, "e")
        app.screen.query_one("#reason", Input).value = "Because"
        await press(pilot, "ctrl+s")
        error = str(app.screen.query_one("#form-error", Static).render())
        assert error == "Choose where the risk goes"
    assert fingerprint(app_ctx) == unchanged
