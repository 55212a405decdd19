"""What changed on the register between two dates: for a pack's "changes since the previous
meeting" and for ``bct-risk diff``.

A period runs from ``since`` up to (not including) ``until``. Every rescoring in it is listed,
in order, each against the scoring just before it, so a risk rescored 20 → 16 → 20 shows both
moves, and the last move's direction is the direction of travel its section prints. Only what
had been recorded by ``recorded_by`` counts (see :mod:`bct_risk.services.as_at`): a rescoring
back-dated into the period but recorded after a paper went out does not change that paper.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import pairwise
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlmodel import Session, col

from bct_risk.domain.enums import (
    ActionKind,
    ActionStatus,
    CommitteeKind,
    Direction,
    EscalationDirection,
    ScoreKind,
    Tier,
)
from bct_risk.domain.models import (
    Action,
    Assessment,
    Committee,
    Escalation,
    Person,
    Risk,
)
from bct_risk.domain.scoring import Score, direction
from bct_risk.services.as_at import Recorded, end_of
from bct_risk.services.context import Context


def register_changes(
    ctx: Context, since: date, until: date, *, include_exempt: bool = True
) -> Changes:
    """What changed on the whole register from ``since`` to ``until`` (both included), as
    recorded by the end of ``until``: for ``bct-risk diff``."""
    end = until + timedelta(days=1)
    with ctx.read() as session:
        return changes_between(
            session, None, since, end, include_exempt=include_exempt, recorded_by=end_of(until)
        )


class _Risk(NamedTuple):
    id: int
    reference: str
    title: str
    created_at: datetime
    exempt: bool


@dataclass(frozen=True)
class RiskEvent:
    """Something that happened to a risk on a day: it was added, closed, reopened or moved."""

    reference: str
    title: str
    on: date
    detail: str
    """The reason for a closure or a move; empty for a new risk."""
    score: Score | None = None
    """For a new risk, its current score by the end of the period (None if not yet scored)."""
    exempt: bool = False


@dataclass(frozen=True)
class ScoreChange:
    """One rescoring of a risk's current score: the scoring before it, and this one."""

    reference: str
    title: str
    old: Score
    new: Score
    direction: Direction
    assessed_on: date
    """The day of this scoring."""
    rationale: str
    exempt: bool = False
    illustrative: bool = False
    """The scores were chosen for the seed register, not given by the documents."""


@dataclass(frozen=True)
class ActionEvent:
    """An action raised, completed or overdue in a period."""

    reference: str
    """The risk's reference, or empty for a tracker item on no risk."""
    description: str
    owner: str
    on: date | None
    """Raised on, completed on, or due (for an overdue action)."""
    exempt: bool = False


@dataclass(frozen=True)
class Changes:
    """What changed from ``since`` up to (not including) ``until``."""

    since: date | None
    """The committee's previous meeting; None when there was none, and nothing is compared."""
    until: date
    new: list[RiskEvent]
    closed: list[RiskEvent]
    rescored: list[ScoreChange]
    escalated: list[RiskEvent]
    de_escalated: list[RiskEvent]
    reopened: list[RiskEvent] = field(default_factory=list)
    raised: list[ActionEvent] = field(default_factory=list)
    completed: list[ActionEvent] = field(default_factory=list)
    overdue: list[ActionEvent] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        """Nothing changed on the risks (actions are reported in their own sections)."""
        return not (
            self.new
            or self.closed
            or self.reopened
            or self.rescored
            or self.escalated
            or self.de_escalated
        )

    def split(self, exempt: bool) -> Changes:
        """The changes on exempt risks (``exempt``), or on the others."""

        def keep(items: Sequence[Any]) -> list[Any]:
            return [i for i in items if i.exempt == exempt]

        return Changes(
            self.since,
            self.until,
            keep(self.new),
            keep(self.closed),
            keep(self.rescored),
            keep(self.escalated),
            keep(self.de_escalated),
            keep(self.reopened),
            keep(self.raised),
            keep(self.completed),
            keep(self.overdue),
        )


def oversight(committee: Committee) -> sa.ColumnElement[bool]:
    """The risks a committee oversees: those it leads (and, for the Board, the Board tier)."""
    clause = col(Risk.lead_committee_id) == committee.id
    if committee.kind == CommitteeKind.BOARD:
        return sa.or_(clause, col(Risk.tier) == Tier.BOARD)
    return clause


def coverage(committee: Committee) -> sa.ColumnElement[bool]:
    """The risks a committee's pack covers: those it oversees and, where the strategic register
    is routed to it, every risk on the strategic and Board tiers (summarised)."""
    clause = oversight(committee)
    if committee.receives_register:
        return sa.or_(clause, col(Risk.tier).in_([Tier.STRATEGIC, Tier.BOARD]))
    return clause


def changes_between(
    session: Session,
    ids: Sequence[int] | None,
    since: date | None,
    until: date,
    *,
    include_exempt: bool = True,
    recorded_by: datetime | None = None,
    committee: Committee | None = None,
) -> Changes:
    """New, closed, reopened, rescored, escalated and de-escalated risks among ``ids`` (None for
    the whole register), and the further actions on them raised, completed and overdue, as
    recorded by ``recorded_by`` (default: the end of the day before ``until``)."""
    if since is None:
        return Changes(None, until, [], [], [], [], [])
    recorded = Recorded(session, recorded_by or end_of(until, -1))
    cut = recorded.cut
    stmt = sa.select(
        col(Risk.id), col(Risk.reference), col(Risk.title), col(Risk.created_at), col(Risk.exempt)
    ).where(col(Risk.created_at) <= cut)
    risks: dict[int, _Risk] = {}
    for part in _parts(ids):
        chosen = stmt if part is None else stmt.where(col(Risk.id).in_(part))
        risks.update((r.id, _Risk(*r)) for r in session.execute(chosen))
    # Titles and exemption as they stood at the cut.
    for rid, old in recorded.undone("risk", sorted(risks)).items():
        risk = risks[rid]
        risks[rid] = risk._replace(
            title=old.get("title", risk.title), exempt=bool(old.get("exempt", risk.exempt))
        )
    if not include_exempt:
        risks = {rid: r for rid, r in risks.items() if not r.exempt}
    chosen_ids = sorted(risks)
    scorings: dict[int, list[Any]] = {}
    for part in _parts(chosen_ids):
        for a in session.execute(
            sa.select(
                col(Assessment.risk_id),
                col(Assessment.likelihood),
                col(Assessment.impact),
                col(Assessment.score),
                col(Assessment.assessed_on),
                col(Assessment.rationale),
                col(Assessment.illustrative),
            )
            .where(
                col(Assessment.risk_id).in_(part or []),
                col(Assessment.kind) == ScoreKind.CURRENT,
                col(Assessment.created_at) <= cut,
            )
            .order_by(col(Assessment.assessed_on), col(Assessment.id))
        ):
            scorings.setdefault(a.risk_id, []).append(a)

    def in_period(day: date | None) -> bool:
        return day is not None and since <= day < until

    new: list[RiskEvent] = []
    rescored: list[ScoreChange] = []
    for rid, risk in risks.items():
        history = [a for a in scorings.get(rid, []) if a.assessed_on < until]
        first_seen = min([risk.created_at.date(), *(a.assessed_on for a in history)])
        if in_period(first_seen):
            score = Score(history[-1].likelihood, history[-1].impact) if history else None
            new.append(RiskEvent(risk.reference, risk.title, first_seen, "", score, risk.exempt))
        for before, after in pairwise(history):
            if in_period(after.assessed_on):
                rescored.append(
                    ScoreChange(
                        reference=risk.reference,
                        title=risk.title,
                        old=Score(before.likelihood, before.impact),
                        new=Score(after.likelihood, after.impact),
                        direction=direction(before.score, after.score),
                        assessed_on=after.assessed_on,
                        rationale=after.rationale,
                        exempt=risk.exempt,
                        illustrative=bool(before.illustrative or after.illustrative),
                    )
                )

    closed: list[RiskEvent] = []
    reopened: list[RiskEvent] = []
    for rid, day, action, reason in recorded.status_moves(chosen_ids):
        if not in_period(day):
            continue
        risk = risks[rid]
        event = RiskEvent(risk.reference, risk.title, day, reason, None, risk.exempt)
        (closed if action == "close" else reopened).append(event)

    escalated: list[RiskEvent] = []
    de_escalated: list[RiskEvent] = []
    names = {
        cid: name
        for cid, name in session.execute(sa.select(col(Committee.id), col(Committee.name)))
    }
    found: list[_Move] = []
    for part in _parts(chosen_ids):
        found += _moves(
            session,
            _MOVES.where(
                col(Escalation.risk_id).in_(part or []),
                col(Escalation.decided_on) >= since,
                col(Escalation.decided_on) < until,
                col(Escalation.created_at) <= cut,
            ),
        )
    if committee is not None:
        # Moves to or from the committee of risks it no longer covers.
        seen = set(risks)
        found += [
            m
            for m in _moves(
                session,
                _MOVES.where(
                    sa.or_(
                        col(Escalation.from_committee_id) == committee.id,
                        col(Escalation.to_committee_id) == committee.id,
                    ),
                    col(Escalation.decided_on) >= since,
                    col(Escalation.decided_on) < until,
                    col(Escalation.created_at) <= cut,
                ),
            )
            if m.risk_id not in seen
        ]
    found.sort(key=lambda m: (m.decided_on, m.reference, m.id))
    for move in found:
        known = risks.get(move.risk_id)
        if known is not None:
            move = move._replace(title=known.title, exempt=known.exempt)
        if move.exempt and not include_exempt:
            continue
        destination = _value(move.to_tier)
        destination = Tier(destination).label
        if move.to_committee_id is not None:
            destination = f"{destination} ({names.get(move.to_committee_id, '')})"
        detail = f"{Tier(_value(move.from_tier)).label} → {destination}: {move.reason}"
        event = RiskEvent(move.reference, move.title, move.decided_on, detail, None, move.exempt)
        if _value(move.direction) == EscalationDirection.ESCALATE.value:
            escalated.append(event)
        else:
            de_escalated.append(event)

    raised, completed, overdue = _action_events(session, recorded, risks, since, until)
    new.sort(key=lambda e: (e.on, e.reference))
    closed.sort(key=lambda e: (e.on, e.reference))
    reopened.sort(key=lambda e: (e.on, e.reference))
    rescored.sort(key=lambda c: (c.assessed_on, c.reference))
    return Changes(
        since, until, new, closed, rescored, escalated, de_escalated, reopened, raised,
        completed, overdue,
    )  # fmt: skip


def _action_events(
    session: Session,
    recorded: Recorded,
    risks: dict[int, _Risk],
    since: date,
    until: date,
) -> tuple[list[ActionEvent], list[ActionEvent], list[ActionEvent]]:
    """Further actions on the risks raised and completed in the period, and those overdue at
    its end (as recorded)."""
    people = dict(session.execute(sa.select(col(Person.id), col(Person.name))).all())
    rows: list[Any] = []
    for part in _parts(sorted(risks)):
        rows += session.execute(
            sa.select(
                col(Action.id),
                col(Action.description),
                col(Action.owner_id),
                col(Action.raised_on),
                col(Action.due_date),
                col(Action.status),
                col(Action.completed_on),
                col(Action.risk_id),
            )
            .where(
                col(Action.risk_id).in_(part or []),
                col(Action.kind) == ActionKind.FURTHER_ACTION,
                col(Action.created_at) <= recorded.cut,
            )
            .order_by(col(Action.raised_on), col(Action.id))
        ).all()
    rows.sort(key=lambda r: (r.raised_on, r.id))
    statuses = recorded.action_statuses([r.id for r in rows])
    raised: list[ActionEvent] = []
    completed: list[ActionEvent] = []
    overdue: list[ActionEvent] = []
    for r in rows:
        risk = risks[r.risk_id]
        status, completed_on = statuses.get(r.id, (r.status, r.completed_on))
        event = ActionEvent(
            risk.reference, r.description, people.get(r.owner_id, ""), None, risk.exempt
        )
        if since <= r.raised_on < until:
            raised.append(_on(event, r.raised_on))
        if completed_on is not None and since <= completed_on < until:
            completed.append(_on(event, completed_on))
        live = ActionStatus(status).is_live
        if live and r.due_date is not None and r.due_date < until:
            overdue.append(_on(event, r.due_date))
    completed.sort(key=lambda e: (e.on or date.min, e.reference))
    overdue.sort(key=lambda e: (e.on or date.min, e.reference))
    return raised, completed, overdue


def _on(event: ActionEvent, day: date | None) -> ActionEvent:
    return ActionEvent(event.reference, event.description, event.owner, day, event.exempt)


_MOVES = sa.select(
    col(Escalation.id),
    col(Escalation.risk_id),
    col(Escalation.direction),
    col(Escalation.from_tier),
    col(Escalation.to_tier),
    col(Escalation.to_committee_id),
    col(Escalation.reason),
    col(Escalation.decided_on),
    col(Risk.reference),
    col(Risk.title),
    col(Risk.exempt),
).join(Risk, col(Risk.id) == col(Escalation.risk_id))


class _Move(NamedTuple):
    id: int
    risk_id: int
    direction: Any
    from_tier: Any
    to_tier: Any
    to_committee_id: int | None
    reason: str
    decided_on: date
    reference: str
    title: str
    exempt: bool


def _moves(session: Session, stmt: Any) -> list[_Move]:
    return [_Move(*row) for row in session.execute(stmt)]


def _value(value: Any) -> Any:
    return getattr(value, "value", value)


def _parts(ids: Sequence[int] | None) -> list[list[int] | None]:
    """Ids 500 at a time (a list of one None for "every risk")."""
    if ids is None:
        return [None]
    ids = list(ids)
    return [ids[start : start + 500] for start in range(0, len(ids), 500)]
