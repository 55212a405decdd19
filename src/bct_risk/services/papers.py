"""Read models for papers: the register export, a committee's pack, and the register as data.

A committee *oversees* the risks whose lead committee it is; the Trust Board also oversees every
risk on the Board tier. "Changes since the previous meeting" cover what happened from the day of
the committee's previous meeting (so decisions taken at it are reported back) up to the day
before the meeting the pack is for (papers go out before the meeting). The rest of a pack (scores,
reviews due, actions) is the register as it stands today: a pack is prepared for a coming meeting,
and one for a past meeting shows today's register with that meeting's changes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlmodel import Session, col, select

from bct_risk.domain.enums import (
    ActionKind,
    ActionStatus,
    Appetite,
    Assurance,
    CommitteeKind,
    Direction,
    Effectiveness,
    EscalationDirection,
    ReviewOutcome,
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
from bct_risk.domain.scoring import Score, direction
from bct_risk.services.context import Context
from bct_risk.services.lookup import find_committee, find_meeting
from bct_risk.services.queries import (
    ActionView,
    ReviewView,
    UpdateView,
    list_risks,
    register_statement,
)
from bct_risk.services.register_rows import (
    Days,
    RiskFilter,
    RiskRow,
    RowReader,
    collector_paused,
)

CHUNK = 500
"""Risks per query when loading sections: keeps IN lists well inside every database's limits."""

_LIVE = frozenset({ActionStatus.OPEN, ActionStatus.IN_PROGRESS})
# Rows are read as the driver gives them (see _fetch): vocabularies arrive as their stored
# values, and these tables turn them into members or labels. A member equals its value, so a
# driver that gives members is looked up just the same.
_ACTION_STATUSES = {s.value: s for s in ActionStatus}
_ACTION_KINDS = {k.value: k for k in ActionKind}
_TREATMENTS = {t.value: t for t in Treatment}
_EFFECTIVENESS = {e.value: e.label for e in Effectiveness}
_OUTCOMES = {o.value: o.label for o in ReviewOutcome}
_ASSURANCES = {a.value: a.label for a in Assurance}

# -- what a paper prints about each risk ------------------------------------------------------


class SectionControl(NamedTuple):
    """A control as a risk's section prints it."""

    description: str
    owner: str
    effectiveness: str
    """The label: "Partially effective"."""


class LatestUpdate(NamedTuple):
    """The newest progress note on an action."""

    update_date: date
    text: str


class SectionAction(NamedTuple):
    """A further action as a risk's section prints it: its newest update only.

    A plain tuple rather than an :class:`~bct_risk.services.queries.ActionView`: the register
    of a large organisation holds a million of them, and a paper reads each once.
    """

    id: int
    description: str
    owner: str
    due_date: date | None
    status: ActionStatus
    overdue: bool
    latest_update: LatestUpdate | None


@dataclass(slots=True)
class RiskSection:
    """What a paper prints about one risk: its text, scores, controls, actions, last review.

    Not frozen: a frozen dataclass is several times dearer to build, and a paper of a large
    register builds 100,000.
    """

    row: RiskRow
    description: str
    cause: str
    effect: str
    treatment: Treatment
    closed_reason: str | None
    closed_on: date | None
    controls: list[SectionControl]
    further_actions: list[SectionAction]
    last_review: ReviewView | None


@dataclass(frozen=True)
class Lookups:
    """The small tables a paper looks names up in, read once per paper, and the dates it read."""

    people: dict[int | None, str]
    committees: dict[int | None, str]
    """Short name where there is one, else the name."""
    meetings: dict[int | None, tuple[str, date]]
    """A meeting's committee (short name) and date."""
    days: Days

    @classmethod
    def read(cls, session: Session) -> Lookups:
        """Everyone, every committee and every meeting on the register."""
        days = Days()
        people: dict[int | None, str] = dict(
            _fetch(session, sa.select(col(Person.id), col(Person.name)))
        )
        committees: dict[int | None, str] = {
            cid: short or name
            for cid, name, short in _fetch(
                session,
                sa.select(col(Committee.id), col(Committee.name), col(Committee.short_name)),
            )
        }
        meetings: dict[int | None, tuple[str, date]] = {}
        for mid, cid, when in _fetch(
            session,
            sa.select(col(Meeting.id), col(Meeting.committee_id), col(Meeting.meeting_date)),
        ):
            meetings[mid] = (committees.get(cid, ""), days[when] or date.min)
        return cls(people, committees, meetings, days)


def _fetch(session: Session, stmt: Any, params: dict[str, Any] | None = None) -> Sequence[Any]:
    """The driver's own rows for a statement: no result row objects, no type conversion.

    A paper of a large register reads hundreds of thousands of rows, and building a typed
    result row for each costs more than the rest of the work on it; the few typed values
    (vocabularies, dates) are converted by look-up tables instead.
    """
    result = session.connection().execute(stmt, params or {})
    try:
        return result.cursor.fetchall()
    finally:
        result.close()


def _chunks(items: Sequence[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(items), CHUNK):
        yield list(items[start : start + CHUNK])


def _of_ids(column: Any) -> Any:
    """``column IN (:ids)``, the ids given when the statement runs (one statement, made once)."""
    return column.in_(sa.bindparam("ids", expanding=True))


# The statements of a chunk of sections, made once: each chunk only binds its ids.
_TEXT_COLUMNS = (
    col(Risk.description),
    col(Risk.cause),
    col(Risk.effect),
    col(Risk.treatment),
    col(Risk.closed_reason),
    col(Risk.closed_on),
)
"""What a section prints of the risk beyond its register line."""
_RISK_TEXTS = sa.select(col(Risk.id), *_TEXT_COLUMNS).where(_of_ids(col(Risk.id)))
_CONTROLS = (
    sa.select(
        col(Control.risk_id),
        col(Control.description),
        col(Control.owner_id),
        col(Control.effectiveness),
    )
    .where(_of_ids(col(Control.risk_id)))
    .order_by(col(Control.id))
)
# Tracker items are told apart in Python, not in SQL: with "kind = ?" in the WHERE clause,
# SQLite reads the index on kind (most of the table) rather than the one on the risk. The
# updates are found through the index on the risk alone (no column of the action is read), and
# those of tracker items are simply not used. (One query of actions outer-joined to their
# updates was slower than these two.)
_UPDATES = (
    sa.select(
        col(ActionUpdate.action_id),
        col(ActionUpdate.update_date),
        col(ActionUpdate.text),
    )
    .join(Action, col(Action.id) == col(ActionUpdate.action_id))
    .where(_of_ids(col(Action.risk_id)))
    .order_by(col(ActionUpdate.update_date), col(ActionUpdate.id))
)
_ACTIONS = (
    sa.select(
        col(Action.id),
        col(Action.kind),
        col(Action.risk_id),
        col(Action.description),
        col(Action.owner_id),
        col(Action.due_date),
        col(Action.status),
    )
    .where(_of_ids(col(Action.risk_id)))
    .order_by(col(Action.raised_on), col(Action.id))
)
_REVIEWS = sa.select(
    col(CommitteeReview.risk_id),
    col(CommitteeReview.id),
    col(CommitteeReview.meeting_id),
    col(CommitteeReview.outcome),
    col(CommitteeReview.assurance),
    col(CommitteeReview.comments),
    col(CommitteeReview.likelihood),
    col(CommitteeReview.impact),
).where(_of_ids(col(CommitteeReview.risk_id)))


def load_sections(
    session: Session,
    lookups: Lookups,
    today: date,
    rows: Sequence[RiskRow],
    texts: Mapping[int, Sequence[Any]] | None = None,
) -> list[RiskSection]:
    """The sections of up to :data:`CHUNK` risks, in the order of ``rows``: five queries.

    Selected columns, not ORM objects, and the look-ups by the chunk's ids. ``texts`` (each
    risk's :data:`_TEXT_COLUMNS` by id) saves a query where the risks' rows brought them.
    """
    if not rows:
        return []
    ids = {"ids": [r.id for r in rows]}
    people, days = lookups.people, lookups.days
    if texts is None:
        texts = {rid: rest for rid, *rest in _fetch(session, _RISK_TEXTS, ids)}
    controls: dict[int, list[SectionControl]] = {r.id: [] for r in rows}
    for rid, text, owner_id, effectiveness in _fetch(session, _CONTROLS, ids):
        controls[rid].append(
            SectionControl(text, people.get(owner_id, ""), _EFFECTIVENESS[effectiveness])
        )
    further = ActionKind.FURTHER_ACTION.value
    latest: dict[int, LatestUpdate] = {}
    for action_id, day, text in _fetch(session, _UPDATES, ids):
        latest[action_id] = LatestUpdate(days[day] or date.min, text)
    actions: dict[int, list[SectionAction]] = {r.id: [] for r in rows}
    for aid, kind, rid, text, owner_id, due, status in _fetch(session, _ACTIONS, ids):
        if kind != further:
            continue
        due = days[due]
        status = _ACTION_STATUSES[status]
        actions[rid].append(
            SectionAction(
                aid,
                text,
                people.get(owner_id, ""),
                due,
                status,
                due is not None and due < today and status in _LIVE,
                latest.get(aid),
            )
        )
    reviews = _last_reviews(session, lookups, ids)
    sections = []
    for row in rows:
        description, cause, effect, treatment, closed_reason, closed_on = texts[row.id]
        sections.append(
            RiskSection(
                row=row,
                description=description,
                cause=cause,
                effect=effect,
                treatment=_TREATMENTS[treatment],
                closed_reason=closed_reason,
                closed_on=days[closed_on],
                controls=controls[row.id],
                further_actions=actions[row.id],
                last_review=reviews.get(row.id),
            )
        )
    return sections


def _last_reviews(
    session: Session, lookups: Lookups, ids: dict[str, list[int]]
) -> dict[int, ReviewView]:
    """Each risk's newest committee review (by meeting date, then as recorded)."""
    newest: dict[int, tuple[date, int, Any]] = {}
    for review in _fetch(session, _REVIEWS, ids):
        rid, review_id, meeting_id = review[:3]
        when = lookups.meetings[meeting_id][1]
        if rid not in newest or (when, review_id) > newest[rid][:2]:
            newest[rid] = (when, review_id, review)
    views = {}
    for rid, (when, _, review) in newest.items():
        meeting_id, outcome, assurance, comments, likelihood, impact = review[2:]
        views[rid] = ReviewView(
            committee=lookups.meetings[meeting_id][0],
            meeting_date=when,
            outcome=_OUTCOMES[outcome],
            assurance=_ASSURANCES[assurance] if assurance else "",
            comments=comments,
            score=(
                Score(likelihood, impact) if likelihood is not None and impact is not None else None
            ),
        )
    return views


def risk_sections(ctx: Context, rows: Sequence[RiskRow]) -> list[RiskSection]:
    """The sections for many risks at once, in the order of ``rows``.

    A fixed number of queries per 500 risks (not several per risk), so a paper of the whole
    register of a large organisation is written in seconds.
    """
    today = ctx.today()
    sections: list[RiskSection] = []
    with ctx.transaction() as session:
        lookups = Lookups.read(session)
        for chunk in _chunks(rows):
            sections += load_sections(session, lookups, today, chunk)
    return sections


def _further_actions_of(session: Session, ids: Sequence[int]) -> int:
    total = 0
    for chunk in _chunks(ids):
        # The kind is counted, not filtered on: see load_sections on SQLite's choice of index.
        further = sa.case((col(Action.kind) == ActionKind.FURTHER_ACTION, 1), else_=0)
        total += session.execute(
            sa.select(sa.func.coalesce(sa.func.sum(further), 0)).where(
                col(Action.risk_id).in_(chunk)
            )
        ).scalar_one()
    return total


def further_action_count(ctx: Context, rows: Sequence[RiskRow]) -> int:
    """How many further actions (of any status) the risks have: what a public paper withholds."""
    with ctx.transaction() as session:
        return _further_actions_of(session, [r.id for r in rows])


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

    def __add__(self, other: Withheld) -> Withheld:
        return Withheld(self.risks + other.risks, self.actions + other.actions)


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


@dataclass(frozen=True)
class SectionChunk:
    """Consecutive risks of a paper, and the exempt items a public paper left out among them."""

    sections: list[RiskSection]
    withheld: Withheld


@dataclass(frozen=True)
class RegisterStream:
    """The register paper read as it is written: its opening facts, then its risks in chunks.

    ``chunks`` is read once, in reference order, each chunk loaded while the one before is
    written: memory stays the same whatever the size of the register. The number of risks
    and what a public version withholds are known only once every chunk has been read.
    """

    title: str
    today: date
    public: bool
    filters: list[str]
    chunks: Iterator[SectionChunk]


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


def register_stream(
    ctx: Context, flt: RiskFilter | None = None, *, public: bool = False, title: str = ""
) -> RegisterStream:
    """The register for a paper, risk by risk; a public paper leaves exempt risks out.

    The filter is checked here (an unknown committee or band is an error before anything is
    written); the risks are read as ``chunks`` is.
    """
    flt = flt or RiskFilter()
    with ctx.transaction() as session:
        stmt = register_statement(ctx, replace(flt, include_exempt=True), session)
    return RegisterStream(
        title=title or "Risk register",
        today=ctx.today(),
        public=public,
        filters=describe_filter(flt),
        chunks=_register_chunks(ctx, stmt, public),
    )


def _register_chunks(ctx: Context, stmt: Any, public: bool) -> Iterator[SectionChunk]:
    reader = RowReader(ctx.matrix, ctx.today())
    # The register's lines, and what each section prints beyond them, in one statement.
    width = len(stmt.selected_columns)
    stmt = stmt.add_columns(*_TEXT_COLUMNS)
    with ctx.transaction() as session:
        lookups = Lookups.read(session)
        # yield_per: the register's rows arrive as they are read (a server-side cursor where
        # the database has one), never all at once.
        result = session.connection().execute(stmt, execution_options={"yield_per": CHUNK})
        for part in result.partitions():
            with collector_paused():
                rows = reader.read_all([record[:width] for record in part])
                texts = {row.id: record[width:] for row, record in zip(rows, part, strict=True)}
                hidden = [r.id for r in rows if r.exempt] if public else []
                shown = [r for r in rows if not r.exempt] if public else rows
                chunk = SectionChunk(
                    sections=load_sections(session, lookups, reader.today, shown, texts),
                    withheld=Withheld(len(hidden), _further_actions_of(session, hidden)),
                )
            yield chunk


def register_paper(
    ctx: Context, flt: RiskFilter | None = None, *, public: bool = False, title: str = ""
) -> RegisterPaper:
    """The register for a paper, whole; a public paper leaves exempt risks and their actions out.

    For the preview in the app and for tests; a file or standard output is written from
    :func:`register_stream`, which never holds the whole register.
    """
    stream = register_stream(ctx, flt, public=public, title=title)
    sections: list[RiskSection] = []
    withheld = Withheld()
    for chunk in stream.chunks:
        sections += chunk.sections
        withheld += chunk.withheld
    return RegisterPaper(
        title=stream.title,
        today=stream.today,
        public=public,
        filters=stream.filters,
        risks=sections,
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


def _overseen(committee: Committee, *, include_exempt: bool = True) -> Any:
    """The ids of the risks a committee oversees, as a subquery (no parameter list of ids)."""
    stmt = sa.select(col(Risk.id)).where(_oversight(committee))
    if not include_exempt:
        stmt = stmt.where(sa.not_(col(Risk.exempt)))
    return stmt


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
    stmt = (
        sa.select(
            col(Risk.id),
            col(Risk.reference),
            col(Risk.title),
            col(Risk.created_at),
            col(Risk.status),
            col(Risk.closed_on),
            col(Risk.closed_reason),
        )
        .where(_oversight(committee))
        .order_by(col(Risk.reference))
    )
    if not include_exempt:
        stmt = stmt.where(sa.not_(col(Risk.exempt)))
    risks = session.execute(stmt).all()
    scorings: dict[int, list[Any]] = {}
    for a in session.execute(
        sa.select(
            col(Assessment.risk_id),
            col(Assessment.likelihood),
            col(Assessment.impact),
            col(Assessment.score),
            col(Assessment.assessed_on),
            col(Assessment.rationale),
        )
        .where(
            col(Assessment.risk_id).in_(_overseen(committee, include_exempt=include_exempt)),
            col(Assessment.kind) == ScoreKind.CURRENT,
        )
        .order_by(col(Assessment.assessed_on), col(Assessment.id))
    ):
        scorings.setdefault(a.risk_id, []).append(a)

    def in_period(day: date | None) -> bool:
        return day is not None and since <= day < until

    new: list[RiskEvent] = []
    closed: list[RiskEvent] = []
    rescored: list[ScoreChange] = []
    for risk in risks:
        history = scorings.get(risk.id, [])
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
            closed.append(
                RiskEvent(risk.reference, risk.title, risk.closed_on, risk.closed_reason or "")
            )

    escalated: list[RiskEvent] = []
    de_escalated: list[RiskEvent] = []
    names = {
        cid: name
        for cid, name in session.execute(sa.select(col(Committee.id), col(Committee.name)))
    }
    moves = sa.or_(
        col(Escalation.risk_id).in_(_overseen(committee)),
        col(Escalation.from_committee_id) == committee.id,
        col(Escalation.to_committee_id) == committee.id,
    )
    for move in session.execute(
        sa.select(
            col(Escalation.direction),
            col(Escalation.from_tier),
            col(Escalation.to_tier),
            col(Escalation.to_committee_id),
            col(Escalation.reason),
            col(Escalation.decided_on),
            col(Risk.reference),
            col(Risk.title),
            col(Risk.exempt),
        )
        .join(Risk, col(Risk.id) == col(Escalation.risk_id))
        .where(moves, col(Escalation.decided_on) >= since, col(Escalation.decided_on) < until)
        .order_by(col(Escalation.decided_on), col(Risk.reference), col(Escalation.id))
    ):
        if move.exempt and not include_exempt:
            continue
        destination = move.to_tier.label
        if move.to_committee_id is not None:
            destination = f"{destination} ({names.get(move.to_committee_id, '')})"
        detail = f"{move.from_tier.label} → {destination}: {move.reason}"
        event = RiskEvent(move.reference, move.title, move.decided_on, detail)
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
    """The pack for a committee's meeting (the meeting must be on the register).

    Everything is selected for the committee in SQL (its risks, their actions, its tracker),
    never the whole register filtered in Python, so a pack is as quick on a register of
    100,000 risks as the committee's share of it allows.
    """
    today = ctx.today()
    with ctx.transaction() as session:
        body = find_committee(session, committee)
        meeting = find_meeting(session, body, meeting_date)
        previous = session.exec(
            select(col(Meeting.meeting_date))
            .where(col(Meeting.committee_id) == body.id, col(Meeting.meeting_date) < meeting_date)
            .order_by(col(Meeting.meeting_date).desc())
            .limit(1)
        ).first()
        changes = changes_between(session, body, previous, meeting_date, include_exempt=not public)
        name, short, title = body.name, body.short_name or body.name, meeting.title
        lookups = Lookups.read(session)
        # The committee's open risks, exempt ones included (a public pack counts them).
        stmt = register_statement(ctx, RiskFilter(), session).where(_oversight(body))
        reader = RowReader(ctx.matrix, today)
        everything = reader.read_all(_fetch(session, stmt))
        rows = [r for r in everything if not (public and r.exempt)]
        details: list[RiskSection] = []
        for chunk in _chunks(rows):
            details += load_sections(session, lookups, today, chunk)
        open_overseen = sa.select(col(Risk.id)).where(
            _oversight(body), col(Risk.status) == RiskStatus.OPEN
        )
        further = _pack_actions(
            session,
            lookups,
            today,
            col(Action.risk_id).in_(open_overseen),
            ActionKind.FURTHER_ACTION,
            overdue_only=True,
        )
        meetings = sa.select(col(Meeting.id)).where(col(Meeting.committee_id) == body.id)
        tracker_all = [
            a
            for a in _pack_actions(
                session, lookups, today, col(Action.meeting_id).in_(meetings), ActionKind.TRACKER
            )
            if _on_tracker(a.view, meeting_date, previous)
        ]
        hidden = [r for r in everything if r.exempt] if public else []
        hidden_actions = _further_actions_of(session, [r.id for r in hidden])

    def withheld_action(action: _PackAction) -> bool:
        return public and action.exempt

    late = further + [t for t in tracker_all if t.view.overdue]
    overdue = [a.view for a in late if not withheld_action(a)]
    overdue.sort(key=lambda a: (a.due_date or date.min, a.id))
    withheld = Withheld()
    if public:
        hidden_actions += sum(1 for t in tracker_all if withheld_action(t))
        withheld = Withheld(risks=len(hidden), actions=hidden_actions)
    return CommitteePack(
        committee=name,
        short_name=short,
        meeting_date=meeting_date,
        meeting_title=title,
        previous_meeting=previous,
        today=today,
        public=public,
        risks=rows,
        details=details,
        above_appetite=[r for r in rows if r.above_appetite],
        changes=changes,
        reviews_due=[
            r for r in rows if r.next_review_date is not None and r.next_review_date <= meeting_date
        ],
        overdue_actions=overdue,
        tracker=[t.view for t in tracker_all if not withheld_action(t)],
        withheld=withheld,
    )


class _PackAction(NamedTuple):
    view: ActionView
    exempt: bool
    """The action's risk is exempt (a public pack leaves the action out)."""


def _pack_actions(
    session: Session,
    lookups: Lookups,
    today: date,
    where: Any,
    kind: ActionKind,
    *,
    overdue_only: bool = False,
) -> list[_PackAction]:
    """Actions of a kind with their updates and their risk's reference, oldest first.

    ``where`` picks the actions by what an index serves (their risks, or their meetings); the
    kind, and whether an action is overdue, are checked here. With them in SQL, SQLite reads
    the index on kind or on status and due date instead: most of a large register's actions.
    """
    days = lookups.days
    updates: dict[int, list[UpdateView]] = {}
    for action_id, day, text, author in _fetch(
        session,
        sa.select(
            col(ActionUpdate.action_id),
            col(ActionUpdate.update_date),
            col(ActionUpdate.text),
            col(ActionUpdate.author),
        )
        .join(Action, col(Action.id) == col(ActionUpdate.action_id))
        .where(where)
        .order_by(col(ActionUpdate.update_date), col(ActionUpdate.id)),
    ):
        updates.setdefault(action_id, []).append(UpdateView(days[day] or date.min, text, author))
    found = []
    for (aid, found_kind, text, owner_id, raised_on, due, status, completed_on, meeting_id,
         agenda_item, version, reference, exempt) in _fetch(
        session,
        sa.select(
            col(Action.id),
            col(Action.kind),
            col(Action.description),
            col(Action.owner_id),
            col(Action.raised_on),
            col(Action.due_date),
            col(Action.status),
            col(Action.completed_on),
            col(Action.meeting_id),
            col(Action.agenda_item),
            col(Action.version),
            col(Risk.reference),
            col(Risk.exempt),
        )
        .outerjoin(Risk, col(Risk.id) == col(Action.risk_id))
        .where(where)
        .order_by(col(Action.raised_on), col(Action.id)),
    ):  # fmt: skip
        if _ACTION_KINDS[found_kind] is not kind:
            continue
        due, status = days[due], _ACTION_STATUSES[status]
        overdue = due is not None and due < today and status in _LIVE
        if overdue_only and not overdue:
            continue
        meeting = lookups.meetings.get(meeting_id)
        view = ActionView(
            id=aid,
            kind=kind,
            description=text,
            owner=lookups.people.get(owner_id, ""),
            raised_on=days[raised_on] or date.min,
            due_date=due,
            status=status,
            completed_on=days[completed_on],
            overdue=overdue,
            risk_reference=reference or "",
            committee=meeting[0] if meeting else "",
            meeting_date=meeting[1] if meeting else None,
            agenda_item=agenda_item,
            version=version,
            updates=updates.get(aid, []),
        )
        found.append(_PackAction(view, bool(exempt)))
    return found


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


_RECORD_RISKS = sa.select(
    col(Risk.id),
    col(Risk.description),
    col(Risk.cause),
    col(Risk.effect),
    col(Risk.lead_committee_id),
    col(Risk.treatment),
    col(Risk.closed_reason),
    col(Risk.source),
).where(_of_ids(col(Risk.id)))
_RECORD_ACTIONS = (
    sa.select(
        col(Action.kind),
        col(Action.risk_id),
        col(Action.description),
        col(Action.owner_id),
        col(Action.raised_on),
        col(Action.due_date),
        col(Action.status),
    )
    .where(_of_ids(col(Action.risk_id)))
    .order_by(col(Action.raised_on), col(Action.id))
)


def register_records(
    ctx: Context, flt: RiskFilter | None = None, *, public: bool = False
) -> list[RiskRecord]:
    """The register as records, by reference; a public export leaves exempt risks out.

    Read a chunk of risks at a time, as the papers are (no parameter limit on large registers).
    """
    flt = flt or RiskFilter()
    if public:
        flt = replace(flt, include_exempt=False)
    rows = list_risks(ctx, flt)
    records: list[RiskRecord] = []
    with ctx.transaction() as session:
        lookups = Lookups.read(session)
        people, days = lookups.people, lookups.days
        bodies = dict(_fetch(session, sa.select(col(Committee.id), col(Committee.name))))
        further = ActionKind.FURTHER_ACTION.value
        for chunk in _chunks(rows):
            ids = {"ids": [r.id for r in chunk]}
            risks = {rid: rest for rid, *rest in _fetch(session, _RECORD_RISKS, ids)}
            controls: dict[int, list[ControlRecord]] = {}
            for rid, text, owner_id, effectiveness in _fetch(session, _CONTROLS, ids):
                controls.setdefault(rid, []).append(
                    ControlRecord(text, people.get(owner_id, ""), Effectiveness(effectiveness))
                )
            actions: dict[int, list[ActionRecord]] = {}
            for kind, rid, text, owner_id, raised_on, due, status in _fetch(
                session, _RECORD_ACTIONS, ids
            ):
                if kind == further:
                    actions.setdefault(rid, []).append(
                        ActionRecord(
                            text,
                            people.get(owner_id, ""),
                            days[raised_on] or date.min,
                            days[due],
                            _ACTION_STATUSES[status],
                        )
                    )
            for row in chunk:
                description, cause, effect, committee_id, treatment, closed, source = risks[row.id]
                records.append(
                    RiskRecord(
                        reference=row.reference,
                        title=row.title,
                        description=description,
                        cause=cause,
                        effect=effect,
                        category=row.category,
                        tier=row.tier,
                        status=row.status,
                        owner=row.owner,
                        lead_committee=bodies.get(committee_id, ""),
                        appetite=row.appetite,
                        treatment=_TREATMENTS[treatment],
                        inherent=row.inherent,
                        current=row.current,
                        target=row.target,
                        target_date=row.target_date,
                        next_review_date=row.next_review_date,
                        exempt=row.exempt,
                        closed_reason=closed or "",
                        source=source,
                        controls=controls.get(row.id, []),
                        further_actions=actions.get(row.id, []),
                    )
                )
    return records
