"""The risk form offers what ``bct-risk add`` and ``edit`` do: the exempt flag, target score and
date, review interval, first scores; people chosen by name and role; refusals in plain words."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select
from textual.widgets import Checkbox, Input, Select, Static

from bct_risk.domain.enums import ScoreKind
from bct_risk.domain.models import Person, Risk, RiskUpdate
from bct_risk.domain.scoring import Score
from bct_risk.services import queries
from bct_risk.services.context import Context
from bct_risk.services.risks import update_risk
from bct_risk.tui.app import RiskApp
from bct_risk.tui.screens.detail import DetailScreen
from bct_risk.tui.screens.risk_form import RiskFormScreen
from tests.helpers import fingerprint
from tests.tui.conftest import press, settle


def error(app: RiskApp) -> str:
    return str(app.screen.query_one("#form-error", Static).render())


def put(app: RiskApp, **values: object) -> None:
    """Fill fields by id (underscores for dashes): text into inputs, values into selects."""
    for name, value in values.items():
        widget = app.screen.query_one(f"#{name.replace('_', '-')}")
        if isinstance(widget, Input):
            widget.value = str(value)
        elif isinstance(widget, Checkbox):
            widget.value = bool(value)
        else:
            assert isinstance(widget, Select)
            widget.value = value


def owner_key(ctx: Context, reference: str) -> str | None:
    with ctx.read() as session:
        risk = session.exec(select(Risk).where(Risk.reference == reference)).one()
        person = session.get(Person, risk.owner_id)
        return person.key if person else None


async def open_add_form(app: RiskApp, pilot: object) -> None:
    await settle(pilot)  # type: ignore[arg-type]
    await press(pilot, "n")  # type: ignore[arg-type]
    assert isinstance(app.screen, RiskFormScreen)


async def open_edit_form(app: RiskApp, pilot: object, reference: str) -> None:
    await settle(pilot)  # type: ignore[arg-type]
    app.push_screen(DetailScreen(app.ctx, reference))
    await settle(pilot)  # type: ignore[arg-type]
    await press(pilot, "i")  # type: ignore[arg-type]
    assert isinstance(app.screen, RiskFormScreen)


async def test_add_with_first_scores_target_date_interval_and_exempt(
    app: RiskApp, app_ctx: Context
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await open_add_form(app, pilot)
        put(
            app,
            reference="SR10",
            title="Cyber attack on case records",
            exempt=True,
            inherent_likelihood=4,
            inherent_impact=5,
            current_likelihood=4,
            current_impact=4,
            target_likelihood=2,
            target_impact=3,
            target_date="31 Mar 2027",
            review_days="60",
        )
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, DetailScreen), error(app)
    detail = queries.risk_detail(app_ctx, "SR10")
    row = detail.row
    assert (row.inherent, row.current, row.target) == (Score(4, 5), Score(4, 4), Score(2, 3))
    assert (row.exempt, row.target_date, detail.review_frequency_days) == (
        True,
        date(2027, 3, 31),
        60,
    )
    assert [(a.kind, a.rationale) for a in detail.history] == [
        (ScoreKind.INHERENT, "Initial assessment"),
        (ScoreKind.CURRENT, "Initial assessment"),
        (ScoreKind.TARGET, "Initial assessment"),
    ]


async def test_edit_sets_exempt_target_and_interval_and_the_form_shows_them(
    app: RiskApp, app_ctx: Context
) -> None:
    before = queries.risk_detail(app_ctx, "SR9")
    assert not before.row.exempt and before.row.target == Score(3, 4)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_edit_form(app, pilot, "SR9")
        # The form starts from the risk as it is, target score included.
        assert app.screen.query_one("#target-likelihood", Select).value == 3
        assert app.screen.query_one("#exempt", Checkbox).value is False
        put(
            app,
            exempt=True,
            target_likelihood=2,
            target_impact=4,
            rationale="Board agreed a lower target",
            target_date="2027-06-30",
            review_days="45",
            next_review="15 Jan 2027",
        )
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, DetailScreen), error(app)
        await press(pilot, "i")
        assert isinstance(app.screen, RiskFormScreen)
        assert app.screen.query_one("#exempt", Checkbox).value is True
        assert app.screen.query_one("#target-date", Input).value == "30 Jun 2027"
        assert app.screen.query_one("#review-days", Input).value == "45"
        assert app.screen.query_one("#target-impact", Select).value == 4
    after = queries.risk_detail(app_ctx, "SR9")
    assert (after.row.exempt, after.row.target, after.row.target_date) == (
        True,
        Score(2, 4),
        date(2027, 6, 30),
    )
    assert (after.review_frequency_days, after.row.next_review_date) == (45, date(2027, 1, 15))
    newest = after.history[-1]
    assert (newest.kind, newest.rationale) == (ScoreKind.TARGET, "Board agreed a lower target")
    assert len(after.history) == len(before.history) + 1


async def test_an_edit_that_leaves_the_target_alone_adds_no_score(
    app: RiskApp, app_ctx: Context
) -> None:
    before = queries.risk_detail(app_ctx, "SR9")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_edit_form(app, pilot, "SR9")
        put(app, category="Council finances")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, DetailScreen), error(app)
    after = queries.risk_detail(app_ctx, "SR9")
    assert after.row.category == "Council finances"
    assert len(after.history) == len(before.history)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"review_days": "0"}, "Review interval (days): must be more than 0"),
        ({"review_days": "ninety"}, "Review interval (days): must be a whole number"),
        ({"review_days": "5000"}, "Review interval (days): must be at most 3650"),
        (
            {"target_date": "soon"},
            "Target date 'soon' is not a date; write it as 2026-11-23, 23/11/2026 or 23 Nov 2026",
        ),
        (
            {"current_likelihood": 3},
            "Choose both a likelihood and an impact for the current score, or neither",
        ),
        (
            {"current_likelihood": 3, "current_impact": 3, "rationale": " "},
            "A rationale is required",
        ),
        ({"title": " "}, "Title: must not be blank"),
    ],
)
async def test_bad_input_when_adding_is_refused_in_plain_words(
    app: RiskApp, app_ctx: Context, values: dict[str, object], message: str
) -> None:
    unchanged = fingerprint(app_ctx)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_add_form(app, pilot)
        put(app, reference="SR10", title="Cyber attack")
        put(app, **values)
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, RiskFormScreen)
        assert error(app) == message
        assert "should" not in error(app)
    assert fingerprint(app_ctx) == unchanged


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (
            {"target_likelihood": 1, "target_impact": 1},
            "A rationale for the target score is required",
        ),
        (
            {"target_likelihood": Select.NULL},
            "Choose both a likelihood and an impact for the target score, or neither",
        ),
        (
            {"next_review": "31/02/2027"},
            "Next review date '31/02/2027' is not a date; write it as 2026-11-23, 23/11/2026 "
            "or 23 Nov 2026",
        ),
        ({"review_days": "-7"}, "Review interval (days): must be more than 0"),
    ],
)
async def test_bad_input_when_editing_is_refused_in_plain_words(
    app: RiskApp, app_ctx: Context, values: dict[str, object], message: str
) -> None:
    unchanged = fingerprint(app_ctx)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_edit_form(app, pilot, "SR9")
        put(app, **values)
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, RiskFormScreen)
        assert error(app) == message
    assert fingerprint(app_ctx) == unchanged


async def test_two_people_of_one_name_are_told_apart_by_role(
    app: RiskApp, app_ctx: Context
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await open_add_form(app, pilot)
        options = app.screen.query_one("#owner", Select)._options
        andys = [(str(label), value) for label, value in options if str(label).startswith("Andy")]
        assert andys == [
            ("Andy Couldrick — Chair", "chair"),
            ("Andy Couldrick — Chief Executive (2018-2021)", "ceo_2018"),
        ]
        # A person whose name is their role is shown once.
        assert ("Director of Finance and Resources", "Director of Finance and Resources") in [
            (str(label), value) for label, value in options
        ]
        put(app, reference="SR10", title="Cyber attack", owner="ceo_2018")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, DetailScreen), error(app)
    assert owner_key(app_ctx, "SR10") == "ceo_2018"


async def test_editing_a_risk_owned_by_a_shared_name_keeps_the_owner(
    app: RiskApp, app_ctx: Context
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(RiskFormScreen(app_ctx, queries.risk_detail(app_ctx, "KR1920-2")))
        await settle(pilot)
        assert app.screen.query_one("#owner", Select).value == "ceo_2018"
        put(app, description="Held by the Chief Executive of the time")
        await press(pilot, "ctrl+s")
        assert not isinstance(app.screen, RiskFormScreen), error(app)
    assert owner_key(app_ctx, "KR1920-2") == "ceo_2018"
    detail = queries.risk_detail(app_ctx, "KR1920-2")
    assert detail.description == "Held by the Chief Executive of the time"


async def test_a_reload_keeps_their_exempt_flag_target_and_interval(
    app: RiskApp, app_ctx: Context
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await open_edit_form(app, pilot, "SR9")
        update_risk(
            app_ctx.acting_as("colleague"),
            "SR9",
            RiskUpdate(exempt=True, review_frequency_days=30, target_date=date(2027, 9, 30)),
        )
        put(app, description="Savings plan agreed")
        await press(pilot, "ctrl+s")
        assert "Press ctrl+r" in error(app)
        await press(pilot, "ctrl+r")
        # Their values fill the fields the user left alone; what was typed stays.
        assert app.screen.query_one("#exempt", Checkbox).value is True
        assert app.screen.query_one("#review-days", Input).value == "30"
        assert app.screen.query_one("#target-date", Input).value == "30 Sep 2027"
        assert app.screen.query_one("#description", Input).value == "Savings plan agreed"
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, DetailScreen), error(app)
    detail = queries.risk_detail(app_ctx, "SR9")
    assert (detail.description, detail.row.exempt, detail.review_frequency_days) == (
        "Savings plan agreed",
        True,
        30,
    )
    assert detail.row.target_date == date(2027, 9, 30)
