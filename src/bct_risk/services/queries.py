"""Read models: the register list, a risk's detail, the action tracker and the heat map.

Lists select only the columns they show (no ORM objects), so they stay fast on large registers.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from bct_risk.domain.enums import (
    ActionKind,
    ActionStatus,
    RiskStatus,
    ScoreKind,
)
from bct_risk.domain.models import (
    Action,
    ActionUpdate,
    Assessment,
    AuditEvent,
    Committee,
    CommitteeReview,
    Control,
    Escalation,
    Meeting,
    Person,
    Risk,
    RiskLink,
)
from bct_risk.domain.scoring import (
    Score,
    action_overdue,
)
from bct_risk.services.audit import events_for_risk
from bct_risk.services.baf import SourceView, objectives_of, sources_of
from bct_risk.services.context import Context
from bct_risk.services.lookup import find_action, find_committee, find_risk
from bct_risk.services.register_rows import (
    SCORES,
    RiskFilter,
    RiskRow,
    RowReader,
    collector_paused,
)
from bct_risk.services.register_sql import Style, register_sql

# -- the register list ----------------------------------------------------------------------


def register_query(
    ctx: Context, session: Session, flt: RiskFilter, *, ids: Collection[int] | None = None
) -> tuple[str, dict[str, Any]]:
    """The register's SQL (:func:`~bct_risk.services.register_sql.register_sql`, the one text
    every reader of the register's lines runs) for a filter, marked in this connection's style,
    with the lead committee and objective the filter names found by the register's look-ups.

    Each risk carries its latest scores (see :mod:`bct_risk.services.latest`), so this is a
    plain fetch of the risks with their owner and lead committee. An unknown committee,
    objective or band is an error here, before anything is read.
    """
    style: Style = "named" if session.connection().dialect.name == "sqlite" else "pyformat"
    committee = find_committee(session, flt.committee) if flt.committee.strip() else None
    return register_sql(
        flt, ctx.matrix, ctx.today(), ids=ids, style=style,
        committee_id=committee.id if committee else None,
        objective_id=_objective_id(session, flt.objective),
    )  # fmt: skip


def list_risks(
    ctx: Context,
    flt: RiskFilter | None = None,
    *,
    ids: Collection[int] | None = None,
    flag_unknown: bool = False,
) -> list[RiskRow]:
    """The register, filtered; open risks only unless the filter says otherwise.

    With ``ids``, only those of the filtered risks (a first screenful, say). With
    ``flag_unknown``, a risk holding a stored value the register does not know is listed with
    the band "needs correction" rather than refused (the app, so the register still opens).
    """
    flt = flt or RiskFilter()
    reader = RowReader(ctx.matrix, ctx.today(), flag_unknown=flag_unknown)
    with collector_paused(), ctx.read() as session:
        connection = session.connection()
        lines: list[RiskRow] = []
        for part in [None] if ids is None else _batches(sorted(ids)):
            sql, params = register_query(ctx, session, flt, ids=part)
            result = connection.exec_driver_sql(sql, params)
            # The driver's own tuples, a part at a time: RowReader converts the few typed
            # values itself, which costs a fraction of building a result row per risk.
            lines += reader.read_cursor(result.cursor)
            result.close()
        return lines


def _objective_id(session: Session, text: str) -> int | None:
    if not text.strip():
        return None
    from bct_risk.services.assurance import find_objective

    return find_objective(session, text).id


def risk_references(ctx: Context, flt: RiskFilter | None = None) -> list[tuple[int, str]]:
    """The id and reference of each risk the filter lists: enough to choose which to load."""
    with ctx.read() as session:
        sql, params = register_query(ctx, session, flt or RiskFilter())
        return [(row[0], row[1]) for row in session.connection().exec_driver_sql(sql, params)]


# -- one risk -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AssessmentView:
    """One scoring in a risk's history."""

    kind: ScoreKind
    score: Score
    band: str
    assessed_on: date
    rationale: str
    assessed_by: str
    meeting: str


@dataclass(frozen=True)
class ControlView:
    """A control in place."""

    id: int
    description: str
    owner: str
    effectiveness: str
    assurance_line: int | None
    assurance_level: str = ""
    """The control's assurance level (Substantial … None), or empty when not judged."""
    key_control: bool = True
    assurance: list[SourceView] = field(default_factory=list)
    """Its sources of assurance (evidence, from whom, when, line, positive), oldest first."""
    version: int = 1
    retired_on: date | None = None
    """The day it was retired (services.controls): no longer in place."""
    retired_reason: str = ""


@dataclass(frozen=True)
class UpdateView:
    """A dated progress note."""

    update_date: date
    text: str
    author: str


@dataclass(frozen=True)
class ActionView:
    """A further action or tracker item, with its updates."""

    id: int
    kind: ActionKind
    description: str
    owner: str
    raised_on: date
    due_date: date | None
    status: ActionStatus
    completed_on: date | None
    overdue: bool
    risk_reference: str
    committee: str
    meeting_date: date | None
    agenda_item: str
    version: int
    updates: list[UpdateView] = field(default_factory=list)
    illustrative: bool = False
    """Its wording, owner or dates were chosen for the seed register, not given by the source."""


@dataclass(frozen=True)
class ReviewView:
    """A committee's review of the risk at a meeting."""

    committee: str
    meeting_date: date
    outcome: str
    assurance: str
    comments: str
    score: Score | None


@dataclass(frozen=True)
class EscalationView:
    """One move between tiers."""

    direction: str
    from_tier: str
    to_tier: str
    to_committee: str
    reason: str
    decision: str
    decided_on: date
    decided_by: str


@dataclass(frozen=True)
class AuditView:
    """One event in the audit trail."""

    at: datetime
    actor: str
    action: str
    summary: str
    changes: dict[str, Any]


@dataclass(frozen=True)
class RiskDetail:
    """Everything about one risk, for the detail screen and ``bct-risk show``."""

    row: RiskRow
    description: str
    cause: str
    effect: str
    treatment: str
    review_frequency_days: int | None
    closed_reason: str | None
    closed_on: date | None
    source: str
    illustrative: list[str]
    version: int
    history: list[AssessmentView]
    controls: list[ControlView]
    further_actions: list[ActionView]
    tracker_items: list[ActionView]
    reviews: list[ReviewView]
    escalations: list[EscalationView]
    links: list[tuple[str, str]]
    audit: list[AuditView]
    objectives: list[str] = field(default_factory=list)
    """The strategic objectives the risk threatens."""
    retired_controls: list[ControlView] = field(default_factory=list)
    """Controls no longer in place, kept with the day and the reason they were retired."""
    source_reference: str | None = None
    """The reference an imported register gave the risk, where it is held under another."""
    title_derived: bool = False
    """The title was taken from the description (the imported register gave none)."""
    owner_role: str = ""
    """The risk owner as a job title, where the imported register named a role."""
    additional_fields: dict[str, str] = field(default_factory=dict)
    """Columns of an imported register with no field of their own, as written."""


def risk_detail(ctx: Context, reference: str) -> RiskDetail:
    """Everything about one risk."""
    with ctx.read() as session:
        risk = find_risk(session, reference)
        rid = risk.id
        assert rid is not None
        sql, params = register_query(ctx, session, RiskFilter(include_closed=True), ids=[rid])
        line = session.connection().exec_driver_sql(sql, params).one()
        row = RowReader(ctx.matrix, ctx.today())(line)
        people = {p.id: p.name for p in session.exec(select(Person))}
        committees = {c.id: (c.short_name or c.name) for c in session.exec(select(Committee))}
        meetings = {
            m.id: (committees.get(m.committee_id, ""), m.meeting_date)
            for m in session.exec(select(Meeting))
        }
        history = [
            AssessmentView(
                kind=ScoreKind(a.kind),
                score=Score(a.likelihood, a.impact),
                band=ctx.matrix.band(a.score).name,
                assessed_on=a.assessed_on,
                rationale=a.rationale,
                assessed_by=a.assessed_by,
                meeting=_meeting_label(meetings, a.meeting_id),
            )
            for a in session.exec(
                select(Assessment)
                .where(col(Assessment.risk_id) == rid)
                .order_by(col(Assessment.assessed_on), col(Assessment.id))
            )
        ]
        rows_of_controls = list(
            session.exec(
                select(Control).where(col(Control.risk_id) == rid).order_by(col(Control.id))
            )
        )
        sources = sources_of(session, [c.id or 0 for c in rows_of_controls])
        controls = [
            ControlView(
                id=c.id or 0,
                description=c.description,
                owner=people.get(c.owner_id, ""),
                effectiveness=c.effectiveness.label,
                assurance_line=c.assurance_line,
                assurance_level=c.assurance_level.label if c.assurance_level else "",
                key_control=c.key_control,
                assurance=sources.get(c.id or 0, []),
                version=c.version,
                retired_on=c.retired_on,
                retired_reason=c.retired_reason,
            )
            for c in rows_of_controls
        ]
        retired = [c for c in controls if c.retired_on is not None]
        controls = [c for c in controls if c.retired_on is None]
        actions = _actions(ctx, session, people, meetings, [col(Action.risk_id) == rid])
        reviews = [
            ReviewView(
                committee=meetings[r.meeting_id][0],
                meeting_date=meetings[r.meeting_id][1],
                outcome=r.outcome.label,
                assurance=r.assurance.label if r.assurance else "",
                comments=r.comments,
                score=(
                    SCORES[r.likelihood, r.impact]
                    if r.likelihood is not None and r.impact is not None
                    else None  # the risk was not yet scored when it was reviewed
                ),
            )
            for r in session.exec(
                select(CommitteeReview).where(col(CommitteeReview.risk_id) == rid)
            )
        ]
        reviews.sort(key=lambda r: r.meeting_date)
        escalations = [
            EscalationView(
                direction=e.direction.label,
                from_tier=e.from_tier.label,
                to_tier=e.to_tier.label,
                to_committee=committees.get(e.to_committee_id, ""),
                reason=e.reason,
                decision=e.decision,
                decided_on=e.decided_on,
                decided_by=e.decided_by,
            )
            for e in session.exec(
                select(Escalation)
                .where(col(Escalation.risk_id) == rid)
                .order_by(col(Escalation.decided_on), col(Escalation.id))
            )
        ]
        links = _links(session, rid or 0)
        trail = [
            AuditView(at=e.at, actor=e.actor, action=e.action, summary=e.summary, changes=e.changes)
            for e in events_for_risk(session, rid or 0)
        ]
        return RiskDetail(
            row=row,
            description=risk.description,
            cause=risk.cause,
            effect=risk.effect,
            treatment=risk.treatment.label,
            review_frequency_days=risk.review_frequency_days,
            closed_reason=risk.closed_reason,
            closed_on=risk.closed_on,
            source=risk.source,
            illustrative=list(risk.illustrative or []),
            version=risk.version,
            history=history,
            controls=controls,
            retired_controls=retired,
            further_actions=[a for a in actions if a.kind == ActionKind.FURTHER_ACTION],
            tracker_items=[a for a in actions if a.kind == ActionKind.TRACKER],
            reviews=reviews,
            escalations=escalations,
            links=links,
            audit=trail,
            objectives=objectives_of(session, rid or 0),
            source_reference=risk.source_reference,
            title_derived=risk.title_derived,
            owner_role=risk.owner_role,
            additional_fields=dict(risk.additional_fields or {}),
        )


def _meeting_label(meetings: dict[int | None, tuple[str, date]], meeting_id: int | None) -> str:
    if meeting_id is None or meeting_id not in meetings:
        return ""
    name, when = meetings[meeting_id]
    return f"{name} {when:%d %b %Y}"


def _links(session: Session, rid: int) -> list[tuple[str, str]]:
    other = sa.case(
        (col(RiskLink.risk_id) == rid, col(RiskLink.linked_risk_id)), else_=col(RiskLink.risk_id)
    )
    rows = session.execute(
        sa.select(col(Risk.reference), col(Risk.title))
        .join(RiskLink, col(Risk.id) == other)
        .where(sa.or_(col(RiskLink.risk_id) == rid, col(RiskLink.linked_risk_id) == rid))
        .order_by(col(Risk.reference))
    ).all()
    return [(r[0], r[1]) for r in rows]


# -- actions --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionFilter:
    """Which actions a list shows."""

    kind: ActionKind | None = None
    committee: str = ""
    meeting_date: date | None = None
    owner: str = ""
    risk: str = ""
    overdue_only: bool = False
    """Only overdue actions (:func:`~bct_risk.domain.scoring.action_overdue`: still to be
    done, past their due date), the rule the app and the committee pack count by."""
    include_closed: bool = False
    """Complete and cancelled actions too."""
    status: ActionStatus | None = None
    """Only actions at this status (whatever ``include_closed`` says)."""


def committee_risks(session: Session, committee: Committee) -> set[str]:
    """The references of the risks whose further actions are a committee's: its open risks as
    its pack counts them (those it oversees, and exempt risks routed to it), by the pack's
    own rule."""
    from bct_risk.services.pack import _covers

    found: set[str] = set()
    for reference, tier, lead, exempt in session.execute(
        sa.select(
            col(Risk.reference), col(Risk.tier), col(Risk.lead_committee_id), col(Risk.exempt)
        ).where(col(Risk.status) == RiskStatus.OPEN)
    ):
        inside, own = _covers(committee, tier, lead)
        if own or (inside and exempt):
            found.add(reference)
    return found


def list_actions(ctx: Context, flt: ActionFilter | None = None) -> list[ActionView]:
    """Actions with their updates, oldest meeting first.

    A committee's actions are the tracker actions raised at its meetings and the further
    actions on the risks it oversees (:func:`committee_risks`): those its pack lists, so
    the two count the same overdue.
    """
    flt = flt or ActionFilter()
    with ctx.read() as session:
        people = {p.id: p.name for p in session.exec(select(Person))}
        committees = {c.id: (c.short_name or c.name) for c in session.exec(select(Committee))}
        meetings = {
            m.id: (committees.get(m.committee_id, ""), m.meeting_date)
            for m in session.exec(select(Meeting))
        }
        where: list[Any] = []
        overseen: set[str] | None = None
        if flt.kind is not None:
            where.append(col(Action.kind) == flt.kind)
        live = [ActionStatus.OPEN, ActionStatus.IN_PROGRESS]
        if flt.status is not None:
            where.append(col(Action.status) == flt.status)
        elif not flt.include_closed:
            where.append(col(Action.status).in_(live))
        if flt.overdue_only:
            where.append(col(Action.due_date) < ctx.today())
            where.append(col(Action.status).in_(live))
        if flt.committee.strip():
            body = find_committee(session, flt.committee)
            ids = [
                m.id
                for m in session.exec(select(Meeting).where(col(Meeting.committee_id) == body.id))
            ]
            overseen = committee_risks(session, body)
            further = col(Action.kind) == ActionKind.FURTHER_ACTION
            where.append(sa.or_(col(Action.meeting_id).in_(ids), further))
        if flt.meeting_date is not None:
            ids = [k for k, (_, d) in meetings.items() if d == flt.meeting_date]
            where.append(col(Action.meeting_id).in_(ids))
        if flt.risk.strip():
            where.append(col(Action.risk_id) == find_risk(session, flt.risk).id)
        actions = _actions(ctx, session, people, meetings, where)
    if overseen is not None:
        # Of the further actions, those on the committee's risks (a register's worth of
        # references would pass a database's limit on parameters, so this is done here).
        actions = [
            a for a in actions if a.kind == ActionKind.TRACKER or a.risk_reference in overseen
        ]
    if flt.owner.strip():
        wanted = flt.owner.strip().lower()
        actions = [a for a in actions if wanted in a.owner.lower()]
    return actions


def action_view(ctx: Context, action_id: int) -> ActionView:
    """One action as the lists show it (its newest version), by its number."""
    with ctx.read() as session:
        find_action(session, action_id)
        people = {p.id: p.name for p in session.exec(select(Person))}
        committees = {c.id: (c.short_name or c.name) for c in session.exec(select(Committee))}
        meetings = {
            m.id: (committees.get(m.committee_id, ""), m.meeting_date)
            for m in session.exec(select(Meeting))
        }
        return _actions(ctx, session, people, meetings, [col(Action.id) == action_id])[0]


def _batches(ids: list[int], size: int = 500) -> list[list[int]]:
    """Ids in groups small enough for one statement's parameters on any database."""
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def _actions(
    ctx: Context,
    session: Session,
    people: dict[int | None, str],
    meetings: dict[int | None, tuple[str, date]],
    where: list[Any],
) -> list[ActionView]:
    records = list(
        session.exec(select(Action).where(*where).order_by(col(Action.raised_on), col(Action.id)))
    )
    updates: dict[int, list[UpdateView]] = {}
    # In batches: a register of 100,000 actions would pass SQLite's limit on parameters.
    for batch in _batches([a.id for a in records if a.id is not None]):
        for u in session.exec(
            select(ActionUpdate)
            .where(col(ActionUpdate.action_id).in_(batch))
            .order_by(col(ActionUpdate.update_date), col(ActionUpdate.id))
        ):
            updates.setdefault(u.action_id, []).append(
                UpdateView(update_date=u.update_date, text=u.text, author=u.author)
            )
    refs: dict[int, str] = {}
    for batch in _batches(sorted({a.risk_id for a in records if a.risk_id})):
        refs.update(
            session.execute(
                sa.select(col(Risk.id), col(Risk.reference)).where(col(Risk.id).in_(batch))
            ).all()
        )
    today = ctx.today()
    return [
        ActionView(
            id=a.id or 0,
            kind=ActionKind(a.kind),
            description=a.description,
            owner=people.get(a.owner_id, ""),
            raised_on=a.raised_on,
            due_date=a.due_date,
            status=ActionStatus(a.status),
            completed_on=a.completed_on,
            overdue=action_overdue(a.due_date, a.status, today),
            risk_reference=refs.get(a.risk_id, "") if a.risk_id else "",
            committee=meetings[a.meeting_id][0] if a.meeting_id in meetings else "",
            meeting_date=meetings[a.meeting_id][1] if a.meeting_id in meetings else None,
            agenda_item=a.agenda_item,
            version=a.version,
            updates=updates.get(a.id or 0, []),
        )
        for a in records
    ]


# -- heat map -------------------------------------------------------------------------------


def heat_map(
    rows: list[RiskRow], kind: ScoreKind = ScoreKind.CURRENT
) -> dict[tuple[int, int], list[str]]:
    """(likelihood, impact) → the references of the risks in that cell."""
    cells: dict[tuple[int, int], list[str]] = {}
    for row in rows:
        score = {ScoreKind.INHERENT: row.inherent, ScoreKind.CURRENT: row.current,
                 ScoreKind.TARGET: row.target}[kind]  # fmt: skip
        if score is not None:
            cells.setdefault((score.likelihood, score.impact), []).append(row.reference)
    return cells


def audit_events(ctx: Context, limit: int = 200) -> list[AuditEvent]:
    """The newest events across the register."""
    with ctx.read() as session:
        return list(
            session.exec(
                select(AuditEvent)
                .order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc())
                .limit(limit)
            )
        )


def meetings_of(ctx: Context, committee: str) -> list[Meeting]:
    """A committee's meetings, oldest first."""
    with ctx.read() as session:
        body = find_committee(session, committee)
        return list(
            session.exec(
                select(Meeting)
                .where(col(Meeting.committee_id) == body.id)
                .order_by(col(Meeting.meeting_date))
            )
        )


def committees(ctx: Context) -> list[Committee]:
    """Every committee, by name."""
    with ctx.read() as session:
        return list(session.exec(select(Committee).order_by(col(Committee.name))))


def people(ctx: Context) -> list[Person]:
    """Everyone, by name."""
    with ctx.read() as session:
        return list(session.exec(select(Person).order_by(col(Person.name))))
