"""Read models for papers: the register export, a committee's pack, and the register as data.

A committee *oversees* the risks whose lead committee it is; the Trust Board also oversees every
risk on the Board tier. "Changes since the previous meeting" cover what happened from the day of
the committee's previous meeting (so decisions taken at it are reported back) up to the day
before the meeting the pack is for (papers go out before the meeting). The rest of a pack (scores,
reviews due, actions) is the register as it stands today: a pack is prepared for a coming meeting,
and one for a past meeting shows today's register with that meeting's changes.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, col, select

from bct_risk.domain.enums import (
    ActionKind,
    ActionStatus,
    Appetite,
    CommitteeKind,
    Direction,
    Effectiveness,
    EscalationDirection,
    RiskStatus,
    ScoreKind,
    Tier,
    Treatment,
)
from bct_risk.domain.models import (
    Action,
    ActionUpdate,
    Assessment,
    Committee,
    CommitteeReview,
    Control,
    Escalation,
    Meeting,
    Person,
    Risk,
)
from bct_risk.domain.scoring import Score, action_overdue, direction
from bct_risk.services.context import Context
from bct_risk.services.lookup import find_committee, find_meeting
from bct_risk.services.queries import (
    ActionFilter,
    ActionView,
    ControlView,
    ReviewView,
    RiskFilter,
    RiskRow,
    UpdateView,
    list_actions,
    list_risks,
)

CHUNK = 500
"""Risks per query when loading sections: keeps IN lists well inside every database's limits."""

# -- what a paper prints about each risk ------------------------------------------------------


@dataclass(frozen=True)
class RiskSection:
    """What a paper prints about one risk: its text, scores, controls, actions, last review."""

    row: RiskRow
    description: str
    cause: str
    effect: str
    treatment: Treatment
    closed_reason: str | None
    closed_on: date | None
    controls: list[ControlView]
    further_actions: list[ActionView]
    last_review: ReviewView | None


def _chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield list(ids[start : start + CHUNK])


def risk_sections(ctx: Context, rows: Sequence[RiskRow]) -> list[RiskSection]:
    """The sections for many risks at once, in the order of ``rows``.

    A fixed number of queries per 500 risks (not several per risk), so a paper of the whole
    register of a large organisation is written in seconds.
    """
    today = ctx.today()
    risks: dict[int, Risk] = {}
    controls: dict[int, list[ControlView]] = {}
    actions: dict[int, list[Action]] = {}
    updates: dict[int, list[UpdateView]] = {}
    reviews: dict[int, tuple[date, int, ReviewView]] = {}
    with ctx.transaction() as session:
        people = {p.id: p.name for p in session.exec(select(Person))}
        bodies = {c.id: (c.short_name or c.name) for c in session.exec(select(Committee))}
        meetings = {
            m.id: (bodies.get(m.committee_id, ""), m.meeting_date)
            for m in session.exec(select(Meeting))
        }
        for ids in _chunks([r.id for r in rows]):
            risks.update(
                (r.id or 0, r) for r in session.exec(select(Risk).where(col(Risk.id).in_(ids)))
            )
            for c in session.exec(
                select(Control).where(col(Control.risk_id).in_(ids)).order_by(col(Control.id))
            ):
                controls.setdefault(c.risk_id, []).append(
                    ControlView(
                        id=c.id or 0,
                        description=c.description,
                        owner=people.get(c.owner_id, ""),
                        effectiveness=c.effectiveness.label,
                        assurance_line=c.assurance_line,
                    )
                )
            found = list(
                session.exec(
                    select(Action)
                    .where(
                        col(Action.risk_id).in_(ids),
                        col(Action.kind) == ActionKind.FURTHER_ACTION,
                    )
                    .order_by(col(Action.raised_on), col(Action.id))
                )
            )
            for a in found:
                actions.setdefault(a.risk_id or 0, []).append(a)
            for action_ids in _chunks([a.id or 0 for a in found]):
                for u in session.exec(
                    select(ActionUpdate)
                    .where(col(ActionUpdate.action_id).in_(action_ids))
                    .order_by(col(ActionUpdate.update_date), col(ActionUpdate.id))
                ):
                    updates.setdefault(u.action_id, []).append(
                        UpdateView(update_date=u.update_date, text=u.text, author=u.author)
                    )
            for r in session.exec(
                select(CommitteeReview).where(col(CommitteeReview.risk_id).in_(ids))
            ):
                committee, when = meetings[r.meeting_id]
                key = (when, r.id or 0)
                if r.risk_id not in reviews or key > reviews[r.risk_id][:2]:
                    view = ReviewView(
                        committee=committee,
                        meeting_date=when,
                        outcome=r.outcome.label,
                        assurance=r.assurance.label if r.assurance else "",
                        comments=r.comments,
                        score=(
                            Score(r.likelihood, r.impact)
                            if r.likelihood is not None and r.impact is not None
                            else None
                        ),
                    )
                    reviews[r.risk_id] = (when, r.id or 0, view)
    sections = []
    for row in rows:
        risk = risks[row.id]
        sections.append(
            RiskSection(
                row=row,
                description=risk.description,
                cause=risk.cause,
                effect=risk.effect,
                treatment=Treatment(risk.treatment),
                closed_reason=risk.closed_reason,
                closed_on=risk.closed_on,
                controls=controls.get(row.id, []),
                further_actions=[
                    ActionView(
                        id=a.id or 0,
                        kind=ActionKind.FURTHER_ACTION,
                        description=a.description,
                        owner=people.get(a.owner_id, ""),
                        raised_on=a.raised_on,
                        due_date=a.due_date,
                        status=ActionStatus(a.status),
                        completed_on=a.completed_on,
                        overdue=action_overdue(a.due_date, a.status, today),
                        risk_reference=row.reference,
                        committee="",
                        meeting_date=None,
                        agenda_item=a.agenda_item,
                        version=a.version,
                        updates=updates.get(a.id or 0, []),
                    )
                    for a in actions.get(row.id, [])
                ],
                last_review=reviews[row.id][2] if row.id in reviews else None,
            )
        )
    return sections


def further_action_count(ctx: Context, rows: Sequence[RiskRow]) -> int:
    """How many further actions (of any status) the risks have: what a public paper withholds."""
    total = 0
    with ctx.transaction() as session:
        for ids in _chunks([r.id for r in rows]):
            total += session.exec(
                select(sa.func.count())
                .select_from(Action)
                .where(col(Action.risk_id).in_(ids), col(Action.kind) == ActionKind.FURTHER_ACTION)
            ).one()
    return total


# -- the register export --------------------------------------------------------------------


@dataclass(frozen=True)
class Withheld:
    """Exempt (confidential) items left out of a public paper."""

    risks: int = 0
    actions: int = 0

    @property
    def total(self) -> int:
        """Risks and actions together."""
        return self.risks + self.actions


@dataclass(frozen=True)
class RegisterPaper:
    """The register, or a filtered part of it, with everything a paper prints about each risk."""

    title: str
    today: date
    public: bool
    filters: list[str]
    """The filter in words ("lead committee: Finance and Resources"), empty for everything."""
    risks: list[RiskSection]
    withheld: Withheld


def describe_filter(flt: RiskFilter) -> list[str]:
    """A filter in words, for the paper's opening lines."""
    words: list[str] = []
    if flt.text.strip():
        words.append(f"text: {flt.text.strip()}")
    if flt.committee.strip():
        words.append(f"lead committee: {flt.committee.strip()}")
    if flt.owner.strip():
        words.append(f"risk owner: {flt.owner.strip()}")
    if flt.tier is not None:
        words.append(f"tier: {flt.tier.label}")
    if flt.band.strip():
        words.append(f"band: {flt.band.strip()}")
    if flt.category.strip():
        words.append(f"category: {flt.category.strip()}")
    if flt.above_appetite:
        words.append("above appetite only")
    if flt.review_overdue:
        words.append("review overdue only")
    if flt.status is not None:
        words.append(f"status: {flt.status.label}")
    elif flt.include_closed:
        words.append("open and closed risks")
    else:
        words.append("open risks")
    return words


def register_paper(
    ctx: Context, flt: RiskFilter | None = None, *, public: bool = False, title: str = ""
) -> RegisterPaper:
    """The register for a paper; a public paper leaves exempt risks and their actions out."""
    flt = flt or RiskFilter()
    everything = list_risks(ctx, replace(flt, include_exempt=True))
    shown = [r for r in everything if not (public and r.exempt)]
    withheld = Withheld()
    if public:
        hidden = [r for r in everything if r.exempt]
        withheld = Withheld(risks=len(hidden), actions=further_action_count(ctx, hidden))
    return RegisterPaper(
        title=title or "Risk register",
        today=ctx.today(),
        public=public,
        filters=describe_filter(flt),
        risks=risk_sections(ctx, shown),
        withheld=withheld,
    )


# -- changes since the previous meeting ------------------------------------------------------


@dataclass(frozen=True)
class RiskEvent:
    """Something that happened to a risk on a day: it was added, closed or moved."""

    reference: str
    title: str
    on: date
    detail: str
    """The reason for a closure or a move; empty for a new risk."""
    score: Score | None = None
    """For a new risk, its current score by the end of the period (None if not yet scored)."""


@dataclass(frozen=True)
class ScoreChange:
    """A risk whose current score moved between two dates."""

    reference: str
    title: str
    old: Score
    new: Score
    direction: Direction
    assessed_on: date
    """The day of the newest scoring in the period."""
    rationale: str


@dataclass(frozen=True)
class Changes:
    """What changed on a committee's risks from ``since`` up to (not including) ``until``."""

    since: date | None
    """The committee's previous meeting; None when there was none, and nothing is compared."""
    until: date
    new: list[RiskEvent]
    closed: list[RiskEvent]
    rescored: list[ScoreChange]
    escalated: list[RiskEvent]
    de_escalated: list[RiskEvent]

    @property
    def is_empty(self) -> bool:
        """Nothing changed."""
        return not (self.new or self.closed or self.rescored or self.escalated or self.de_escalated)


def _oversight(committee: Committee) -> sa.ColumnElement[bool]:
    clause = col(Risk.lead_committee_id) == committee.id
    if committee.kind == CommitteeKind.BOARD:
        return sa.or_(clause, col(Risk.tier) == Tier.BOARD)
    return clause


def changes_between(
    session: Session,
    committee: Committee,
    since: date | None,
    until: date,
    *,
    include_exempt: bool = True,
) -> Changes:
    """New, closed, rescored, escalated and de-escalated risks overseen by a committee."""
    if since is None:
        return Changes(None, until, [], [], [], [], [])
    stmt = select(Risk).where(_oversight(committee)).order_by(col(Risk.reference))
    if not include_exempt:
        stmt = stmt.where(sa.not_(col(Risk.exempt)))
    risks = list(session.exec(stmt))
    by_id = {r.id: r for r in risks}
    scorings: dict[int, list[Assessment]] = {}
    for a in session.exec(
        select(Assessment)
        .where(col(Assessment.risk_id).in_(list(by_id)), col(Assessment.kind) == ScoreKind.CURRENT)
        .order_by(col(Assessment.assessed_on), col(Assessment.id))
    ):
        scorings.setdefault(a.risk_id, []).append(a)

    def in_period(day: date | None) -> bool:
        return day is not None and since <= day < until

    new: list[RiskEvent] = []
    closed: list[RiskEvent] = []
    rescored: list[ScoreChange] = []
    for risk in risks:
        history = scorings.get(risk.id or 0, [])
        first_seen = min([risk.created_at.date(), *(a.assessed_on for a in history)])
        before = [a for a in history if a.assessed_on < since]
        by_end = [a for a in history if a.assessed_on < until]
        if in_period(first_seen):
            score = Score(by_end[-1].likelihood, by_end[-1].impact) if by_end else None
            new.append(RiskEvent(risk.reference, risk.title, first_seen, "", score))
        elif before and by_end:
            old, latest = before[-1], by_end[-1]
            if (old.likelihood, old.impact) != (latest.likelihood, latest.impact):
                rescored.append(
                    ScoreChange(
                        reference=risk.reference,
                        title=risk.title,
                        old=Score(old.likelihood, old.impact),
                        new=Score(latest.likelihood, latest.impact),
                        direction=direction(old.score, latest.score),
                        assessed_on=latest.assessed_on,
                        rationale=latest.rationale,
                    )
                )
        if risk.status == RiskStatus.CLOSED and in_period(risk.closed_on):
            assert risk.closed_on is not None
            closed.append(
                RiskEvent(risk.reference, risk.title, risk.closed_on, risk.closed_reason or "")
            )

    escalated: list[RiskEvent] = []
    de_escalated: list[RiskEvent] = []
    names = {c.id: c.name for c in session.exec(select(Committee))}
    moves = sa.or_(
        col(Escalation.risk_id).in_(list(by_id)),
        col(Escalation.from_committee_id) == committee.id,
        col(Escalation.to_committee_id) == committee.id,
    )
    for move, risk in session.exec(
        select(Escalation, Risk)
        .join(Risk, col(Risk.id) == col(Escalation.risk_id))
        .where(moves, col(Escalation.decided_on) >= since, col(Escalation.decided_on) < until)
        .order_by(col(Escalation.decided_on), col(Risk.reference), col(Escalation.id))
    ):
        if risk.exempt and not include_exempt:
            continue
        destination = move.to_tier.label
        if move.to_committee_id is not None:
            destination = f"{destination} ({names.get(move.to_committee_id, '')})"
        detail = f"{move.from_tier.label} → {destination}: {move.reason}"
        event = RiskEvent(risk.reference, risk.title, move.decided_on, detail)
        if move.direction == EscalationDirection.ESCALATE:
            escalated.append(event)
        else:
            de_escalated.append(event)
    new.sort(key=lambda e: (e.on, e.reference))
    closed.sort(key=lambda e: (e.on, e.reference))
    return Changes(since, until, new, closed, rescored, escalated, de_escalated)


# -- the committee pack ----------------------------------------------------------------------


@dataclass(frozen=True)
class CommitteePack:
    """Everything a committee's papers for one meeting hold."""

    committee: str
    """The committee's full name."""
    short_name: str
    meeting_date: date
    meeting_title: str
    previous_meeting: date | None
    today: date
    public: bool
    risks: list[RiskRow]
    """The open risks the committee oversees, by reference."""
    details: list[RiskSection]
    above_appetite: list[RiskRow]
    changes: Changes
    reviews_due: list[RiskRow]
    """Open risks whose next review falls on or before the meeting (overdue ones included)."""
    overdue_actions: list[ActionView]
    tracker: list[ActionView]
    """The committee's action tracker: live items, and items closed since its previous meeting."""
    withheld: Withheld


def committee_pack(
    ctx: Context, committee: str, meeting_date: date, *, public: bool = False
) -> CommitteePack:
    """The pack for a committee's meeting (the meeting must be on the register)."""
    with ctx.transaction() as session:
        body = find_committee(session, committee)
        meeting = find_meeting(session, body, meeting_date)
        previous = session.exec(
            select(col(Meeting.meeting_date))
            .where(col(Meeting.committee_id) == body.id, col(Meeting.meeting_date) < meeting_date)
            .order_by(col(Meeting.meeting_date).desc())
            .limit(1)
        ).first()
        overseen = set(session.exec(select(col(Risk.id)).where(_oversight(body))))
        exempt_refs = set(session.exec(select(col(Risk.reference)).where(col(Risk.exempt))))
        changes = changes_between(session, body, previous, meeting_date, include_exempt=not public)
        name, short, title = body.name, body.short_name or body.name, meeting.title

    everything = [r for r in list_risks(ctx) if r.id in overseen]
    rows = [r for r in everything if not (public and r.exempt)]
    details = risk_sections(ctx, rows)
    refs = {r.reference for r in everything}

    def withheld_action(action: ActionView) -> bool:
        return public and action.risk_reference in exempt_refs

    further = [
        a
        for a in list_actions(ctx, ActionFilter(kind=ActionKind.FURTHER_ACTION, overdue_only=True))
        if a.risk_reference in refs
    ]
    tracker_all = [
        a
        for a in list_actions(
            ctx, ActionFilter(kind=ActionKind.TRACKER, committee=name, include_closed=True)
        )
        if _on_tracker(a, meeting_date, previous)
    ]
    overdue = [a for a in further + [t for t in tracker_all if t.overdue] if not withheld_action(a)]
    overdue.sort(key=lambda a: (a.due_date or date.min, a.id))
    withheld = Withheld()
    if public:
        hidden = [r for r in everything if r.exempt]
        hidden_actions = further_action_count(ctx, hidden)
        hidden_actions += sum(1 for t in tracker_all if withheld_action(t))
        withheld = Withheld(risks=len(hidden), actions=hidden_actions)
    return CommitteePack(
        committee=name,
        short_name=short,
        meeting_date=meeting_date,
        meeting_title=title,
        previous_meeting=previous,
        today=ctx.today(),
        public=public,
        risks=rows,
        details=details,
        above_appetite=[r for r in rows if r.above_appetite],
        changes=changes,
        reviews_due=[
            r for r in rows if r.next_review_date is not None and r.next_review_date <= meeting_date
        ],
        overdue_actions=overdue,
        tracker=[t for t in tracker_all if not withheld_action(t)],
        withheld=withheld,
    )


def _on_tracker(action: ActionView, meeting_date: date, previous: date | None) -> bool:
    """Raised before the meeting, and still live or closed since the previous meeting."""
    raised = action.meeting_date or action.raised_on
    if raised >= meeting_date:
        return False
    if action.status.is_live:
        return True
    closed_on = action.completed_on or raised
    return previous is not None and closed_on >= previous


# -- the register as data (CSV and JSON) -----------------------------------------------------


@dataclass(frozen=True)
class ControlRecord:
    """A control as the importer reads it."""

    description: str
    owner: str
    effectiveness: Effectiveness


@dataclass(frozen=True)
class ActionRecord:
    """A further action as the importer reads it."""

    description: str
    owner: str
    raised_on: date
    due_date: date | None
    status: ActionStatus


@dataclass(frozen=True)
class RiskRecord:
    """One risk with the values the importer reads back: names, not ids; latest scores."""

    reference: str
    title: str
    description: str
    cause: str
    effect: str
    category: str
    tier: Tier
    status: RiskStatus
    owner: str
    lead_committee: str
    appetite: Appetite | None
    treatment: Treatment
    inherent: Score | None
    current: Score | None
    target: Score | None
    target_date: date | None
    next_review_date: date | None
    exempt: bool
    closed_reason: str
    source: str
    controls: list[ControlRecord]
    further_actions: list[ActionRecord]


def register_records(
    ctx: Context, flt: RiskFilter | None = None, *, public: bool = False
) -> list[RiskRecord]:
    """The register as records, by reference; a public export leaves exempt risks out."""
    flt = flt or RiskFilter()
    if public:
        flt = replace(flt, include_exempt=False)
    rows = {r.id: r for r in list_risks(ctx, flt)}
    with ctx.transaction() as session:
        people = {p.id: p.name for p in session.exec(select(Person))}
        bodies = {c.id: c.name for c in session.exec(select(Committee))}
        risks = list(
            session.exec(
                select(Risk).where(col(Risk.id).in_(list(rows))).order_by(col(Risk.reference))
            )
        )
        controls: dict[int, list[ControlRecord]] = {}
        for c in session.exec(
            select(Control).where(col(Control.risk_id).in_(list(rows))).order_by(col(Control.id))
        ):
            controls.setdefault(c.risk_id, []).append(
                ControlRecord(c.description, people.get(c.owner_id, ""), c.effectiveness)
            )
        actions: dict[int, list[ActionRecord]] = {}
        for a in session.exec(
            select(Action)
            .where(
                col(Action.risk_id).in_(list(rows)),
                col(Action.kind) == ActionKind.FURTHER_ACTION,
            )
            .order_by(col(Action.raised_on), col(Action.id))
        ):
            actions.setdefault(a.risk_id or 0, []).append(
                ActionRecord(
                    a.description, people.get(a.owner_id, ""), a.raised_on, a.due_date, a.status
                )
            )
    records: list[RiskRecord] = []
    for risk in risks:
        rid = risk.id or 0
        row = rows[rid]
        records.append(
            RiskRecord(
                reference=risk.reference,
                title=risk.title,
                description=risk.description,
                cause=risk.cause,
                effect=risk.effect,
                category=risk.category,
                tier=Tier(risk.tier),
                status=RiskStatus(risk.status),
                owner=people.get(risk.owner_id, ""),
                lead_committee=bodies.get(risk.lead_committee_id, ""),
                appetite=risk.appetite,
                treatment=Treatment(risk.treatment),
                inherent=row.inherent,
                current=row.current,
                target=row.target,
                target_date=risk.target_date,
                next_review_date=risk.next_review_date,
                exempt=risk.exempt,
                closed_reason=risk.closed_reason or "",
                source=risk.source,
                controls=controls.get(rid, []),
                further_actions=actions.get(rid, []),
            )
        )
    return records
