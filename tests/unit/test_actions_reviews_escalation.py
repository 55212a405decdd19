"""Controls, further actions, the action tracker, committee reviews and escalation."""

from __future__ import annotations

from datetime import date

import pytest

from bct_risk.domain.enums import ActionStatus, Assurance, EscalationDirection, ReviewOutcome, Tier
from bct_risk.domain.errors import NotFoundError, ValidationError
from bct_risk.domain.models import RiskCreate
from bct_risk.services import actions, committees, escalation, queries, risks
from bct_risk.services.context import Context
from bct_risk.services.queries import ActionFilter
from tests.helpers import fingerprint


def test_further_action_update_and_complete(seeded_ctx: Context) -> None:
    action = actions.add_further_action(
        seeded_ctx,
        "SR9",
        description="Savings plan to Board",
        owner="dfr",
        due_date=date(2026, 11, 30),
    )
    assert action.id is not None
    actions.add_update(seeded_ctx, action.id, text="Draft shared with the Executive")
    actions.complete_action(seeded_ctx, action.id, note="Agreed by the Board")
    view = next(
        a for a in queries.risk_detail(seeded_ctx, "SR9").further_actions if a.id == action.id
    )
    assert view.status is ActionStatus.COMPLETE
    assert view.completed_on == date(2026, 11, 23)
    assert [u.text for u in view.updates] == [
        "Draft shared with the Executive",
        "Agreed by the Board",
    ]
    assert view.owner == "Director of Finance and Resources"


def test_overdue_is_derived_from_due_date_and_status(seeded_ctx: Context) -> None:
    overdue = queries.list_actions(seeded_ctx, ActionFilter(overdue_only=True))
    assert overdue, "the seed register has overdue actions"
    assert all(a.overdue and a.due_date and a.due_date < date(2026, 11, 23) for a in overdue)
    first = overdue[0]
    actions.complete_action(seeded_ctx, first.id)
    remaining = queries.list_actions(seeded_ctx, ActionFilter(overdue_only=True))
    assert first.id not in {a.id for a in remaining}


def test_due_before_raised_is_refused(seeded_ctx: Context) -> None:
    before = fingerprint(seeded_ctx)
    with pytest.raises(
        ValidationError, match="due date 2026-11-01 is before the date raised 2026-11-23"
    ):
        actions.add_further_action(seeded_ctx, "SR9", description="x", due_date=date(2026, 11, 1))
    with pytest.raises(ValidationError, match="a description is required"):
        actions.add_further_action(seeded_ctx, "SR9", description=" ")
    with pytest.raises(NotFoundError, match="no action has the number 99999"):
        actions.add_update(seeded_ctx, 99999, text="x")
    with pytest.raises(ValidationError, match="an update is required"):
        actions.add_update(seeded_ctx, 1, text="")
    assert fingerprint(seeded_ctx) == before


def test_raise_a_tracker_action_at_a_meeting(seeded_ctx: Context) -> None:
    action = actions.raise_tracker_action(
        seeded_ctx,
        committee="Finance and Resources",
        meeting_date=date(2026, 9, 10),
        agenda_item="Strategic Risk Register",
        description="Report the savings delivery plan",
        owner="dfr",
        due_date=date(2026, 12, 10),
        risk="SR9",
    )
    listed = queries.list_actions(
        seeded_ctx, ActionFilter(committee="fr", meeting_date=date(2026, 9, 10))
    )
    assert action.id in {a.id for a in listed}
    assert action.id in {a.id for a in queries.risk_detail(seeded_ctx, "SR9").tracker_items}


def test_raising_at_a_meeting_that_does_not_exist_is_refused(seeded_ctx: Context) -> None:
    before = fingerprint(seeded_ctx)
    with pytest.raises(NotFoundError, match="has no meeting on 2026-09-11"):
        actions.raise_tracker_action(
            seeded_ctx, committee="fr", meeting_date=date(2026, 9, 11), agenda_item="x",
            description="y",
        )  # fmt: skip
    assert fingerprint(seeded_ctx) == before


def test_a_review_keeps_the_score_at_the_time_and_can_be_amended(seeded_ctx: Context) -> None:
    review = committees.record_review(
        seeded_ctx, "SR9", committee="Finance and Resources", meeting_date=date(2026, 12, 10),
        outcome=ReviewOutcome.CHALLENGED, assurance=Assurance.LIMITED, comments="Savings at risk",
    )  # fmt: skip
    assert review.score == queries.risk_detail(seeded_ctx, "SR9").row.current.value  # type: ignore[union-attr]
    again = committees.record_review(
        seeded_ctx, "SR9", committee="fr", meeting_date=date(2026, 12, 10),
        outcome=ReviewOutcome.DEEP_DIVE_REQUESTED,
    )  # fmt: skip
    assert again.id == review.id and again.version == 2
    actions_seen = [e.action for e in queries.risk_detail(seeded_ctx, "SR9").audit][-2:]
    assert actions_seen == ["review", "amend_review"]


def test_a_risk_reviewed_before_it_was_scored_shows_the_review_without_a_score(
    seeded_ctx: Context,
) -> None:
    risks.create_risk(
        seeded_ctx, RiskCreate(reference="SR20", title="New risk", lead_committee="fr")
    )
    review = committees.record_review(
        seeded_ctx, "SR20", committee="fr", meeting_date=date(2026, 12, 10),
        outcome=ReviewOutcome.NOTED,
    )  # fmt: skip
    assert review.score is None
    [shown] = queries.risk_detail(seeded_ctx, "SR20").reviews
    assert (shown.outcome, shown.score) == ("Noted", None)


def test_escalate_to_the_board_and_back(seeded_ctx: Context) -> None:
    move = escalation.move_risk(
        seeded_ctx, "SR9", to="board", reason="Savings gap threatens the contract sum",
        direction=EscalationDirection.ESCALATE,
    )  # fmt: skip
    assert (move.from_tier, move.to_tier) == (Tier.STRATEGIC, Tier.BOARD)
    assert queries.risk_detail(seeded_ctx, "SR9").row.tier is Tier.BOARD
    before = fingerprint(seeded_ctx)
    with pytest.raises(ValidationError, match="is a de-escalation"):
        escalation.move_risk(
            seeded_ctx, "SR9", to="strategic", reason="x", direction=EscalationDirection.ESCALATE
        )
    with pytest.raises(ValidationError, match="a reason is required"):
        escalation.move_risk(
            seeded_ctx, "SR9", to="strategic", reason="", direction=EscalationDirection.DE_ESCALATE
        )
    with pytest.raises(NotFoundError, match="neither a register tier"):
        escalation.move_risk(
            seeded_ctx, "SR9", to="Cabinet", reason="x", direction=EscalationDirection.DE_ESCALATE
        )
    assert fingerprint(seeded_ctx) == before
    escalation.move_risk(
        seeded_ctx, "SR9", to="strategic", reason="Settlement agreed",
        direction=EscalationDirection.DE_ESCALATE,
    )  # fmt: skip
    route = queries.risk_detail(seeded_ctx, "SR9").escalations
    assert [(e.from_tier, e.to_tier) for e in route][-2:] == [
        ("Strategic", "Board"),
        ("Board", "Strategic"),
    ]


def test_controls_need_a_description_and_a_valid_line(seeded_ctx: Context) -> None:
    before = fingerprint(seeded_ctx)
    with pytest.raises(ValidationError, match="line of assurance must be 1, 2 or 3, not 4"):
        actions.add_control(seeded_ctx, "SR2", description="Workforce strategy", assurance_line=4)
    with pytest.raises(ValidationError, match="a description is required"):
        actions.add_control(seeded_ctx, "SR2", description="")
    assert fingerprint(seeded_ctx) == before
    actions.add_control(seeded_ctx, "SR2", description="Monthly agency dashboard", assurance_line=2)
    assert queries.risk_detail(seeded_ctx, "SR2").controls[-1].assurance_line == 2


def test_scoring_an_unknown_reference_in_seeded_register(seeded_ctx: Context) -> None:
    with pytest.raises(NotFoundError):
        risks.score_risk(seeded_ctx, "SR10", likelihood=1, impact=1, rationale="x")
