"""Escalate and de-escalate a risk: destination, required reason, the route travelled."""

from __future__ import annotations

from datetime import date

from sqlmodel import select
from textual.widgets import Input, Select, Static

from bct_risk.domain.enums import EscalationDirection, Tier
from bct_risk.domain.models import Committee, Escalation, Meeting
from bct_risk.services import queries
from bct_risk.services.context import Context
from bct_risk.tui.app import RiskApp
from bct_risk.tui.screens.detail import DetailScreen
from bct_risk.tui.screens.escalate import EscalateScreen
from tests.helpers import fingerprint
from tests.tui.conftest import notices, press, screen_text, settle, type_text


async def open_form(app: RiskApp, pilot: object, key: str, reference: str = "SR9") -> None:
    app.push_screen(DetailScreen(app.ctx, reference))
    await settle(pilot)  # type: ignore[arg-type]
    await press(pilot, key)  # type: ignore[arg-type]
    assert isinstance(app.screen, EscalateScreen)


def options(app: RiskApp, widget: str) -> list[tuple[str, str]]:
    select_ = app.screen.query_one(f"#{widget}", Select)
    return [
        (str(label), str(value)) for label, value in select_._options if value is not Select.NULL
    ]


def tiers(app: RiskApp) -> list[str]:
    return [value for _, value in options(app, "tier")]


def error(app: RiskApp) -> str:
    return str(app.screen.query_one("#form-error", Static).render())


def committee_shown(app: RiskApp) -> bool:
    return bool(app.screen.query_one("#committee-field").display)


async def test_escalate_to_the_board_with_a_reason(app: RiskApp, app_ctx: Context) -> None:
    async with app.run_test(size=(120, 200)) as pilot:
        await settle(pilot)
        await open_form(app, pilot, "e")
        route = str(app.screen.query_one("#route", Static).render())
        assert "Now: Strategic register, lead committee Finance and Resources" in route
        # Up from strategic: the tiers above it, in order, and no bodies among them.
        assert options(app, "tier") == [
            ("Committee register", "committee"),
            ("Board register", "board"),
        ]
        app.screen.query_one("#tier", Select).value = "board"
        await settle(pilot)
        assert not committee_shown(app)
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
        assert tiers(app) == ["operational", "strategic", "committee"]
        assert app.screen.direction == EscalationDirection.DE_ESCALATE


async def test_escalating_from_the_top_tier_offers_no_tier(app: RiskApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_form(app, pilot, "e", "SR1")
        assert tiers(app) == []
        assert "the board register is the top tier" in screen_text(app)


async def test_to_a_committee_chosen_separately_at_a_meeting(
    app: RiskApp, app_ctx: Context
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_form(app, pilot, "e")
        assert not committee_shown(app)
        app.screen.query_one("#tier", Select).value = "committee"
        await settle(pilot)
        assert committee_shown(app)
        # Only the Board's committees lead risks on the committee register.
        assert [label for label, _ in options(app, "committee")] == [
            "Finance and Resources Committee",
            "Nominations and Remuneration Committee",
            "Performance and Quality Assurance Committee",
            "Workforce Committee",
        ]
        app.screen.query_one("#committee", Select).value = "Workforce Committee"
        # The meetings held by today, newest first; choosing one dates the decision by it.
        meetings = options(app, "meeting")
        assert meetings[0] == ("10 Nov 2026 — Executive", "exec|2026-11-10")
        assert all(date.fromisoformat(v.split("|")[1]) <= date(2026, 11, 23) for _, v in meetings)
        app.screen.query_one("#meeting", Select).value = "exec|2026-11-10"
        await settle(pilot)
        assert app.screen.query_one("#decided-on", Input).value == "10 Nov 2026"
        app.screen.query_one("#reason", Input).value = "Recruitment below plan"
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, DetailScreen), error(app)
        assert "SR9 moved to the committee register, led by the Workforce Committee" in notices(app)
    detail = queries.risk_detail(app_ctx, "SR9")
    assert (detail.row.tier, detail.row.lead_committee) == (Tier.COMMITTEE, "Workforce")
    with app_ctx.read() as session:
        moves = session.exec(select(Escalation).where(Escalation.decided_on == date(2026, 11, 10)))
        move = next(iter(moves), None)
        assert move is not None and move.meeting_id is not None
        meeting = session.get(Meeting, move.meeting_id)
        assert meeting is not None
        body = session.get(Committee, meeting.committee_id)
        assert body is not None
        assert (body.key, meeting.meeting_date, move.decided_on) == (
            "exec",
            date(2026, 11, 10),
            date(2026, 11, 10),
        )


async def test_a_decision_in_the_future_is_refused(app: RiskApp, app_ctx: Context) -> None:
    unchanged = fingerprint(app_ctx)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_form(app, pilot, "e")
        app.screen.query_one("#tier", Select).value = "board"
        app.screen.query_one("#reason", Input).value = "Deficit"
        app.screen.query_one("#decided-on", Input).value = "1 Jan 2027"
        await press(pilot, "ctrl+s")
        assert error(app) == (
            "The decision date 2027-01-01 is in the future: record a move once it is decided"
        )
        app.screen.query_one("#decided-on", Input).value = "yesterday"
        await press(pilot, "ctrl+s")
        assert error(app).startswith("Decision date 'yesterday' is not a date")
        assert isinstance(app.screen, EscalateScreen)
    assert fingerprint(app_ctx) == unchanged


async def test_a_reason_is_required(app: RiskApp, app_ctx: Context) -> None:
    unchanged = fingerprint(app_ctx)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_form(app, pilot, "e")
        app.screen.query_one("#tier", Select).value = "board"
        await press(pilot, "ctrl+s")
        assert error(app) == "A reason is required"
        assert isinstance(app.screen, EscalateScreen)
    assert fingerprint(app_ctx) == unchanged


async def test_a_tier_is_required(app: RiskApp, app_ctx: Context) -> None:
    unchanged = fingerprint(app_ctx)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_form(app, pilot, "e")
        app.screen.query_one("#reason", Input).value = "Because"
        await press(pilot, "ctrl+s")
        assert error(app) == "Choose the tier the risk goes to"
        assert app.screen.focused is app.screen.query_one("#tier", Select)
    assert fingerprint(app_ctx) == unchanged
