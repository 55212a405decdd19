"""Controls, further actions, the action tracker, committee reviews and escalation."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from bct_risk.domain.enums import ActionStatus, Assurance, EscalationDirection, ReviewOutcome, Tier
from bct_risk.domain.errors import NotFoundError, ValidationError
from bct_risk.domain.models import RiskCreate
from bct_risk.services import actions, committees, escalation, queries, risks
from bct_risk.services.context import Context
from bct_risk.services.queries import ActionFilter
from tests.helpers import fingerprint


def on_meeting_day(ctx: Context) -> Context:
    """The register on the day of the Finance and Resources meeting of 10 Dec 2026."""
    return replace(ctx, clock=lambda: datetime(2026, 12, 10, 15, 0, tzinfo=UTC))


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
    ctx = on_meeting_day(seeded_ctx)
    review = committees.record_review(
        ctx, "SR9", committee="Finance and Resources", meeting_date=date(2026, 12, 10),
        outcome=ReviewOutcome.CHALLENGED, assurance=Assurance.LIMITED, comments="Savings at risk",
    )  # fmt: skip
    assert review.score == queries.risk_detail(ctx, "SR9").row.current.value  # type: ignore[union-attr]
    again = committees.record_review(
        ctx, "SR9", committee="fr", meeting_date=date(2026, 12, 10),
        outcome=ReviewOutcome.DEEP_DIVE_REQUESTED,
    )  # fmt: skip
    assert again.id == review.id and again.version == 2
    assert (again.assurance, again.comments) == (Assurance.LIMITED, "Savings at risk")
    trail = queries.risk_detail(ctx, "SR9").audit
    assert [e.action for e in trail][-2:] == ["review", "amend_review"]


def test_amending_a_review_keeps_what_is_not_given_and_the_earlier_values(
    seeded_ctx: Context,
) -> None:
    ctx = on_meeting_day(seeded_ctx)
    committees.record_review(
        ctx, "SR9", committee="fr", meeting_date=date(2026, 12, 10),
        outcome=ReviewOutcome.CHALLENGED, assurance=Assurance.LIMITED, comments="Savings at risk",
    )  # fmt: skip
    amended = committees.record_review(
        ctx, "SR9", committee="fr", meeting_date=date(2026, 12, 10), outcome=None,
        comments="Savings plan due in January",
    )  # fmt: skip
    assert (amended.outcome, amended.assurance, amended.comments) == (
        ReviewOutcome.CHALLENGED, Assurance.LIMITED, "Savings plan due in January",
    )  # fmt: skip
    with ctx.read() as session:
        from sqlmodel import col, select

        from bct_risk.domain.models import AuditEvent

        last = session.exec(
            select(AuditEvent).where(AuditEvent.entity == "review").order_by(col(AuditEvent.id))
        ).all()[-1]
    assert last.action == "amend_review"
    assert last.changes == {"comments": ["Savings at risk", "Savings plan due in January"]}


def test_a_review_of_a_meeting_still_to_come_is_refused(seeded_ctx: Context) -> None:
    before = fingerprint(seeded_ctx)
    with pytest.raises(ValidationError, match="2026-12-10 is still to come"):
        committees.record_review(
            seeded_ctx, "SR9", committee="fr", meeting_date=date(2026, 12, 10),
            outcome=ReviewOutcome.NOTED,
        )  # fmt: skip
    assert fingerprint(seeded_ctx) == before


def test_a_risk_reviewed_before_it_was_scored_shows_the_review_without_a_score(
    seeded_ctx: Context,
) -> None:
    ctx = on_meeting_day(seeded_ctx)
    risks.create_risk(ctx, RiskCreate(reference="SR20", title="New risk", lead_committee="fr"))
    review = committees.record_review(
        ctx, "SR20", committee="fr", meeting_date=date(2026, 12, 10),
        outcome=ReviewOutcome.NOTED,
    )  # fmt: skip
    assert review.score is None
    [shown] = queries.risk_detail(ctx, "SR20").reviews
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


@pytest.mark.parametrize(
    ("to", "direction", "message"),
    [
        ("board", EscalationDirection.ESCALATE, "already on the board register"),
        ("board", EscalationDirection.DE_ESCALATE, "already on the board register"),
        ("Trust Board", EscalationDirection.ESCALATE, "already on the board register"),
    ],
)
def test_a_move_within_a_tier_is_refused(
    seeded_ctx: Context, to: str, direction: EscalationDirection, message: str
) -> None:
    escalation.move_risk(
        seeded_ctx, "SR9", to="board", reason="Savings gap", direction=EscalationDirection.ESCALATE
    )
    before = fingerprint(seeded_ctx)
    with pytest.raises(ValidationError, match=message):
        escalation.move_risk(seeded_ctx, "SR9", to=to, reason="x", direction=direction)
    assert fingerprint(seeded_ctx) == before


def test_a_decision_dated_in_the_future_is_refused(seeded_ctx: Context) -> None:
    before = fingerprint(seeded_ctx)
    with pytest.raises(ValidationError, match="decision date 2099-01-01 is in the future"):
        escalation.move_risk(
            seeded_ctx, "SR9", to="board", reason="x", direction=EscalationDirection.ESCALATE,
            decided_on=date(2099, 1, 1),
        )  # fmt: skip
    assert fingerprint(seeded_ctx) == before


@pytest.mark.parametrize(
    ("changes", "error", "message"),
    [
        ({"owner": "nobody"}, NotFoundError, "no person is called 'nobody'"),
        ({"risk": "SR99"}, NotFoundError, "no risk has the reference 'SR99'"),
        ({"due_date": date(2000, 1, 1)}, ValidationError, "before the date raised"),
        ({"note_date": date(2030, 1, 1)}, ValidationError, "2030-01-01 is in the future"),
    ],
)
def test_an_action_update_with_one_bad_value_writes_nothing_not_even_the_note(
    seeded_ctx: Context, changes: dict[str, object], error: type[Exception], message: str
) -> None:
    action = actions.add_further_action(seeded_ctx, "SR9", description="Savings plan")
    assert action.id is not None
    before = fingerprint(seeded_ctx)
    with pytest.raises(error, match=message):
        actions.update_action(seeded_ctx, action.id, note="hello", **changes)  # type: ignore[arg-type]
    assert fingerprint(seeded_ctx) == before
    actions.update_action(seeded_ctx, action.id, note="hello", owner="dfr")
    view = next(
        a for a in queries.risk_detail(seeded_ctx, "SR9").further_actions if a.id == action.id
    )
    assert [u.text for u in view.updates] == ["hello"]


@pytest.mark.parametrize("number", [0, -1, 2**31, 2**63])
def test_an_action_number_out_of_range_is_not_found(seeded_ctx: Context, number: int) -> None:
    with pytest.raises(NotFoundError, match=f"no action has the number {number}"):
        actions.add_update(seeded_ctx, number, text="x")


@pytest.mark.parametrize("text", ["Budget\x00 overspend", "Escape \x1b[31m", "Bell\x07"])
def test_text_with_a_control_character_is_refused_by_every_writer(
    seeded_ctx: Context, text: str
) -> None:
    before = fingerprint(seeded_ctx)
    with pytest.raises(ValidationError, match="control character"):
        risks.create_risk(seeded_ctx, RiskCreate(reference="SR30", title=text))
    with pytest.raises(ValidationError, match="control character"):
        risks.score_risk(seeded_ctx, "SR9", likelihood=2, impact=2, rationale=text)
    assert fingerprint(seeded_ctx) == before


def test_a_first_score_needs_a_rationale(seeded_ctx: Context) -> None:
    from bct_risk.domain.scoring import Score

    before = fingerprint(seeded_ctx)
    with pytest.raises(ValidationError, match="a rationale is required"):
        risks.create_risk(
            seeded_ctx, RiskCreate(reference="SR30", title="New"), current=Score(2, 2),
            rationale=" ",
        )  # fmt: skip
    assert fingerprint(seeded_ctx) == before


def test_a_review_interval_over_ten_years_is_refused(seeded_ctx: Context) -> None:
    from bct_risk.domain.models import RiskUpdate
    from bct_risk.services.validation import validate

    with pytest.raises(ValidationError, match="review_frequency_days"):
        risks.update_risk(
            seeded_ctx, "SR3", validate(RiskUpdate, {"review_frequency_days": 1_000_000_000})
        )


@pytest.mark.parametrize("version", [0, 99, 2**31])
def test_a_version_the_record_never_had_is_refused_as_such(
    seeded_ctx: Context, version: int
) -> None:
    from bct_risk.domain.models import RiskUpdate

    with pytest.raises(ValidationError, match=f"SR3 has never been at version {version}"):
        risks.update_risk(seeded_ctx, "SR3", RiskUpdate(title="x"), expected_version=version)
