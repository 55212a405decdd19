"""An action's status: started, completed, cancelled with a reason, reopened with a reason;
each change version-checked and audited; a committee's actions are those its pack counts."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import col, select

from bct_risk.domain.enums import ActionKind, ActionStatus
from bct_risk.domain.errors import ConflictError, ValidationError
from bct_risk.domain.models import AuditEvent
from bct_risk.services import actions, queries
from bct_risk.services.context import Context
from bct_risk.services.pack import committee_pack
from bct_risk.services.queries import ActionFilter
from tests.helpers import fingerprint

FR_ACTION = 64
"""In progress, overdue: raised at the Finance and Resources meeting of 10 Sep 2026."""


def changes_of(ctx: Context, action_id: int) -> list[tuple[str, dict[str, Any]]]:
    """The audit trail of one action: (what was done, what changed), oldest first."""
    with ctx.read() as session:
        return [
            (e.action, dict(e.changes))
            for e in session.exec(
                select(AuditEvent)
                .where(col(AuditEvent.entity) == "action", col(AuditEvent.entity_id) == action_id)
                .order_by(col(AuditEvent.id))
            )
        ]


def test_cancelling_needs_a_reason_and_is_audited(seeded_ctx: Context) -> None:
    unchanged = fingerprint(seeded_ctx)
    version = queries.action_view(seeded_ctx, FR_ACTION).version
    with pytest.raises(ValidationError, match=f"cancelling action #{FR_ACTION} needs a reason"):
        actions.update_action(seeded_ctx, FR_ACTION, status=ActionStatus.CANCELLED)
    assert fingerprint(seeded_ctx) == unchanged
    actions.update_action(
        seeded_ctx, FR_ACTION, status=ActionStatus.CANCELLED, note="Superseded by the MTFS",
        expected_version=version,
    )  # fmt: skip
    view = queries.action_view(seeded_ctx, FR_ACTION)
    assert (view.status, view.overdue, view.version) == (ActionStatus.CANCELLED, False, version + 1)
    assert view.updates[-1].text == "Superseded by the MTFS"
    trail = changes_of(seeded_ctx, FR_ACTION)
    assert trail[-2] == (
        "update_note",
        {"update_date": "2026-11-23", "text": "Superseded by the MTFS"},
    )
    assert trail[-1] == ("update", {"status": ["in_progress", "cancelled"]})


def test_reopening_needs_a_reason_and_clears_the_completion(seeded_ctx: Context) -> None:
    actions.complete_action(seeded_ctx, FR_ACTION, note="Plan circulated")
    unchanged = fingerprint(seeded_ctx)
    for status in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS):
        with pytest.raises(ValidationError, match=f"reopening action #{FR_ACTION} needs a reason"):
            actions.update_action(seeded_ctx, FR_ACTION, status=status)
    assert fingerprint(seeded_ctx) == unchanged
    actions.update_action(
        seeded_ctx, FR_ACTION, status=ActionStatus.OPEN, note="Members asked for the annex too"
    )
    view = queries.action_view(seeded_ctx, FR_ACTION)
    assert (view.status, view.completed_on, view.overdue) == (ActionStatus.OPEN, None, True)
    assert changes_of(seeded_ctx, FR_ACTION)[-1] == (
        "update",
        {"status": ["complete", "open"], "completed_on": ["2026-11-23", None]},
    )


def test_starting_and_moving_an_action_need_no_reason(seeded_ctx: Context) -> None:
    raised = actions.add_further_action(
        seeded_ctx, "SR9", description="Savings plan", due_date=date(2026, 12, 31)
    )
    assert raised.id is not None
    actions.update_action(seeded_ctx, raised.id, status=ActionStatus.IN_PROGRESS)
    actions.update_action(seeded_ctx, raised.id, due_date=date(2027, 1, 31), owner="dfr")
    view = queries.action_view(seeded_ctx, raised.id)
    assert (view.status, view.due_date, view.owner) == (
        ActionStatus.IN_PROGRESS,
        date(2027, 1, 31),
        "Director of Finance and Resources",
    )
    kinds = [what for what, _ in changes_of(seeded_ctx, raised.id)]
    assert kinds == ["create", "update", "update"]
    assert changes_of(seeded_ctx, raised.id)[-1][1]["due_date"] == ["2026-12-31", "2027-01-31"]


def test_a_status_change_over_someone_elses_is_a_conflict(seeded_ctx: Context) -> None:
    version = queries.action_view(seeded_ctx, FR_ACTION).version
    actions.update_action(seeded_ctx, FR_ACTION, due_date=date(2026, 12, 31))
    unchanged = fingerprint(seeded_ctx)
    with pytest.raises(ConflictError, match="changed by someone else"):
        actions.update_action(
            seeded_ctx, FR_ACTION, status=ActionStatus.CANCELLED, note="Not needed",
            expected_version=version,
        )  # fmt: skip
    assert fingerprint(seeded_ctx) == unchanged


@pytest.mark.parametrize(
    ("committee", "meeting"),
    [("fr", date(2026, 12, 10)), ("pqa", date(2026, 11, 26)), ("exec", date(2026, 12, 8)),
     ("board", date(2027, 1, 21)), ("workforce", date(2026, 10, 8))],
)  # fmt: skip
def test_a_committees_overdue_actions_are_those_its_pack_counts(
    seeded_ctx: Context, committee: str, meeting: date
) -> None:
    listed = queries.list_actions(seeded_ctx, ActionFilter(committee=committee, overdue_only=True))
    pack = committee_pack(seeded_ctx, committee, meeting, as_at=seeded_ctx.today())
    counted = {a.id for a in pack.overdue_actions} | {
        a.id for a in pack.exempt.actions if a.overdue
    }
    assert {a.id for a in listed} == counted
    assert all(a.overdue for a in listed)


def test_a_committees_actions_include_further_actions_on_its_risks(seeded_ctx: Context) -> None:
    fr = queries.list_actions(seeded_ctx, ActionFilter(committee="fr"))
    further = {a.risk_reference for a in fr if a.kind == ActionKind.FURTHER_ACTION}
    assert {"SR1", "SR9"} <= further
    assert all(a.committee == "Finance and Resources" for a in fr if a.kind == ActionKind.TRACKER)
    with seeded_ctx.read() as session:
        lead = dict(
            session.execute(
                sa.text(
                    "SELECT r.reference, c.key FROM risk r JOIN committee c "
                    "ON c.id = r.lead_committee_id"
                )
            ).all()
        )
    assert all(lead.get(ref) == "fr" for ref in further)


def test_overdue_with_every_status_is_still_only_live_actions(seeded_ctx: Context) -> None:
    live = queries.list_actions(seeded_ctx, ActionFilter(overdue_only=True))
    every = queries.list_actions(seeded_ctx, ActionFilter(overdue_only=True, include_closed=True))
    assert [a.id for a in every] == [a.id for a in live]
    cancelled = queries.list_actions(seeded_ctx, ActionFilter(status=ActionStatus.CANCELLED))
    assert all(a.status == ActionStatus.CANCELLED for a in cancelled)
