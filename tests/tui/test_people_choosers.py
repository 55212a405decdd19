"""People are chosen by name and role everywhere: the control forms, the register's owner filter;
someone who has left is not offered for a new assignment, but still shown where they own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import select
from textual.widgets import Input, Select

from bct_risk.domain.models import Control, Person
from bct_risk.services import actions, assurance, queries
from bct_risk.services.context import Context
from bct_risk.services.risks import RiskUpdate, update_risk
from bct_risk.tui.app import RiskApp
from bct_risk.tui.screens.choice import ChoiceScreen
from bct_risk.tui.screens.control import ControlEditScreen, ControlScreen, FurtherActionScreen
from bct_risk.tui.screens.register import RegisterScreen, owner_filter_choices
from bct_risk.tui.screens.risk_form import RiskFormScreen
from bct_risk.tui.widgets.form import person_choices
from bct_risk.tui.widgets.risk_table import RiskTable
from tests.tui.conftest import press, settle

CHAIR = "Andy Couldrick — Chair"
FORMER_CEO = "Andy Couldrick — Chief Executive (2018-2021)"


@dataclass
class Someone:
    id: int
    name: str
    job_title: str = ""
    key: str | None = None
    login: str | None = None
    left_on: date | None = None


def test_someone_who_has_left_is_offered_only_where_they_own_already() -> None:
    everyone = [
        Someone(1, "Andy Couldrick", "Chair", key="chair"),
        Someone(
            2, "Andy Couldrick", "Chief Executive (2018-2021)", "ceo_2018", None, date(2021, 3, 31)
        ),
        Someone(3, "Jo Reed", "Analyst", left_on=date(2026, 12, 1)),
        Someone(4, "Sam Patel", "Head of Finance", left_on=date(2027, 1, 31)),
    ]
    today = date(2026, 11, 23)
    # A new assignment: the Chief Executive who left in 2021 is not offered; Sam Patel, who
    # leaves in January, and Jo Reed, not gone by today, are.
    assert person_choices(everyone, today=today) == [
        (CHAIR, "chair"),
        ("Jo Reed — Analyst", "Jo Reed"),
        ("Sam Patel — Head of Finance", "Sam Patel"),
    ]
    # A record the former Chief Executive owns keeps showing them, chosen by their key; the
    # others who have left (Jo Reed, by 2 Dec) still are not offered.
    assert person_choices(everyone, today=date(2026, 12, 2), keep=2) == [
        (CHAIR, "chair"),
        (FORMER_CEO, "ceo_2018"),
        ("Sam Patel — Head of Finance", "Sam Patel"),
    ]


def test_the_owner_filter_offers_what_matches_each_person_alone() -> None:
    everyone = [
        Someone(1, "Andy Couldrick", "Chair"),
        Someone(2, "Andy Couldrick", "Chief Executive (2018-2021)"),
        Someone(3, "James Thomas", "Chief Executive"),
        Someone(4, "Jo Reed", "Analyst"),
        Someone(5, "Jo Reed", "Analyst"),
        Someone(6, "Ex Member", "Treasurer", left_on=date(2020, 1, 1)),
    ]
    # The filter matches a part of the name or job title: "Chief Executive" would match both
    # chief executives, so James Thomas is chosen by name; the two Jo Reeds by nothing alone.
    assert owner_filter_choices(everyone) == [
        (CHAIR, "Chair"),
        (FORMER_CEO, "Chief Executive (2018-2021)"),
        ("Ex Member — Treasurer", "Ex Member"),
        ("James Thomas — Chief Executive", "James Thomas"),
        ("Jo Reed (2 people)", "Jo Reed"),
    ]


def _person(ctx: Context, key: str) -> Person:
    with ctx.read() as session:
        return session.exec(select(Person).where(Person.key == key)).one()


def _control_owner(ctx: Context, control_id: int) -> int | None:
    with ctx.read() as session:
        control = session.get(Control, control_id)
        assert control is not None
        return control.owner_id


async def test_a_control_owned_by_the_former_chief_executive_of_a_shared_name(
    app: RiskApp,
) -> None:
    ctx = app.ctx
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(ControlScreen(ctx, "SR9"))
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ControlScreen)
        owner = form.query_one("#owner", Select)
        labels = [str(label) for label, _ in owner._options]
        assert CHAIR in labels and FORMER_CEO in labels
        form.query_one("#description", Input).value = "Handover notes kept by the Chief Executive"
        owner.value = dict(owner._options)[FORMER_CEO]  # type: ignore[arg-type]
        await press(pilot, "ctrl+s")
        assert not isinstance(app.screen, ControlScreen), "the control was not saved"
    [added] = [
        c for c in queries.risk_detail(ctx, "SR9").controls if c.description.startswith("Handover")
    ]
    assert _control_owner(ctx, added.id) == _person(ctx, "ceo_2018").id


async def test_a_leaver_keeps_what_they_own_but_is_not_offered_anew(app: RiskApp) -> None:
    ctx = app.ctx
    control = actions.add_control(
        ctx, "SR9", description="Legacy budget sign-off", owner="ceo_2018"
    )
    assurance.mark_left(ctx, "ceo_2018", date(2021, 3, 31))
    [view] = [c for c in queries.risk_detail(ctx, "SR9").controls if c.id == control.id]
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for screen in (ControlScreen(ctx, "SR9"), FurtherActionScreen(ctx, "SR9")):
            app.push_screen(screen)
            await settle(pilot)
            values = [value for _, value in screen.query_one("#owner", Select)._options]
            assert "chair" in values and "ceo_2018" not in values
            await press(pilot, "escape")
        app.push_screen(ControlEditScreen(ctx, "SR9", view))
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ControlEditScreen)
        assert form.query_one("#owner", Select).value == "ceo_2018"
        form.query_one("#line", Select).value = 1
        await press(pilot, "ctrl+s")
        assert not isinstance(app.screen, ControlEditScreen), "the control was not saved"
    assert _control_owner(ctx, control.id) == _person(ctx, "ceo_2018").id


async def test_the_register_owner_filter_tells_the_two_apart(app: RiskApp) -> None:
    ctx = app.ctx
    update_risk(ctx, "SR3", RiskUpdate(owner="chair"))
    update_risk(ctx, "SR4", RiskUpdate(owner="ceo_2018"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for label, wanted in ((CHAIR, ["SR3"]), (FORMER_CEO, ["SR4"])):
            await press(pilot, "o")
            assert isinstance(app.screen, ChoiceScreen)
            labels = [lb for lb, _ in app.screen.choices]
            assert labels.count(CHAIR) == 1 and labels.count(FORMER_CEO) == 1
            await press(pilot, "home", *["down"] * labels.index(label), "enter")
            assert isinstance(app.screen, RegisterScreen)
            assert app.screen.query_one(RiskTable).references == wanted


async def test_a_risk_owned_by_a_leaver_keeps_them_and_a_new_risk_is_not_offered_them(
    app: RiskApp,
) -> None:
    ctx = app.ctx
    assurance.mark_left(ctx, "ceo_2018", date(2021, 3, 31))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(RiskFormScreen(ctx))
        await settle(pilot)
        values = [value for _, value in app.screen.query_one("#owner", Select)._options]
        assert "chair" in values and "ceo_2018" not in values
        await press(pilot, "escape")
        app.push_screen(RiskFormScreen(ctx, queries.risk_detail(ctx, "KR1920-2")))
        await settle(pilot)
        assert app.screen.query_one("#owner", Select).value == "ceo_2018"
