"""What a paper prints about each risk (its text, scores, controls, actions and last review),
read a chunk of risks at a time; and the small tables a paper looks names up in.

With ``cut`` (see :mod:`bct_risk.services.as_at`), a section is the risk as recorded by then.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlmodel import Session, col

from bct_risk.domain.enums import (
    ActionKind,
    ActionStatus,
    Assurance,
    Effectiveness,
    ReviewOutcome,
    Treatment,
)
from bct_risk.domain.models import (
    Action,
    ActionUpdate,
    Committee,
    CommitteeReview,
    Control,
    Meeting,
    Person,
    Risk,
)
from bct_risk.domain.scoring import Score
from bct_risk.services.as_at import stamp
from bct_risk.services.context import Context
from bct_risk.services.queries import (
    ReviewView,
)
from bct_risk.services.register_rows import (
    Days,
    RiskRow,
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
    illustrative: bool = False
    """Its owner or effectiveness was chosen for the seed register, not given by the source."""


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
    illustrative: bool = False
    """Its wording, owner or dates were chosen for the seed register, not given by the source."""


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
    illustrative: list[str] = field(default_factory=list)
    """Which of the risk's values are illustrative (``scores``, ``owner``...)."""


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
    col(Risk.illustrative),
)
"""What a section prints of the risk beyond its register line."""
_TEXT_NAMES = ("description", "cause", "effect", "treatment", "closed_reason", "closed_on")
_RISK_TEXTS = sa.select(col(Risk.id), *_TEXT_COLUMNS).where(_of_ids(col(Risk.id)))
_CONTROLS = (
    sa.select(
        col(Control.risk_id),
        col(Control.description),
        col(Control.owner_id),
        col(Control.effectiveness),
        col(Control.illustrative),
        col(Control.id),
        col(Control.retired_on),
        col(Control.created_at),
    )
    .where(_of_ids(col(Control.risk_id)))
    .order_by(col(Control.id))
)
# Tracker items are told apart in Python, not in SQL: with "kind = ?" in the WHERE clause,
# SQLite reads the index on kind (most of the table) rather than the one on the risk. The
# updates are found through the index on the risk alone (no column of the action is read), and
# those of tracker items are simply not used. (One query of actions outer-joined to their
# updates was slower than these two.) The register as data (``register_data``) reads the same
# statements, with the columns only it uses at the end.
_UPDATES = (
    sa.select(
        col(ActionUpdate.action_id),
        col(ActionUpdate.update_date),
        col(ActionUpdate.text),
        col(ActionUpdate.created_at),
        col(ActionUpdate.author),
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
        col(Action.illustrative),
        col(Action.raised_on),
        col(Action.created_at),
        col(Action.completed_on),
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
    col(CommitteeReview.created_at),
    col(CommitteeReview.recorded_by),
    col(CommitteeReview.illustrative),
).where(_of_ids(col(CommitteeReview.risk_id)))


def flags(value: Any) -> list[str]:
    """A risk's list of illustrative values as the driver gives it (JSON text or a list)."""
    if isinstance(value, str):
        value = json.loads(value or "[]")
    return [str(v) for v in value or []]


def load_sections(
    session: Session,
    lookups: Lookups,
    today: date,
    rows: Sequence[RiskRow],
    texts: Mapping[int, Sequence[Any]] | None = None,
    *,
    cut: datetime | None = None,
) -> list[RiskSection]:
    """The sections of up to :data:`CHUNK` risks, in the order of ``rows``: five queries.

    Selected columns, not ORM objects, and the look-ups by the chunk's ids. ``texts`` (each
    risk's :data:`_TEXT_COLUMNS` by id) saves a query where the risks' rows brought them. With
    ``cut``, each risk as recorded by then, on ``today`` (see :mod:`bct_risk.services.as_at`):
    later edits undone, later controls, actions, updates and reviews left out.
    """
    if not rows:
        return []
    ids = {"ids": [r.id for r in rows]}
    people, days = lookups.people, lookups.days
    if texts is None:
        texts = {rid: rest for rid, *rest in _fetch(session, _RISK_TEXTS, ids)}
    undone: dict[int, dict[str, Any]] = {}
    statuses: dict[int, tuple[str, date | None]] = {}
    gone: set[int] | None = None
    if cut is not None:
        from bct_risk.services.as_at import Recorded

        recorded = Recorded(session, cut)
        undone = recorded.undone("risk", ids["ids"])
        gone = recorded.retired_controls(today)  # retirements as recorded by the cut
    controls: dict[int, list[SectionControl]] = {r.id: [] for r in rows}
    in_place = _fetch(session, _CONTROLS, ids)
    edited: dict[int, dict[str, Any]] = {}
    if cut is not None:
        # As recorded by the cut: controls added later left out, later edits undone.
        in_place = [c for c in in_place if stamp(c[7]) <= cut]
        edited = recorded.undone("control", [c[5] for c in in_place])
    for rid, text, owner_id, effectiveness, illustrative, cid, retired_on, _ in in_place:
        if gone is not None and cid in gone:
            continue  # no longer in place (services.controls)
        if gone is None and retired_on is not None and (days[retired_on] or date.min) <= today:
            continue
        was = edited.get(cid, {})
        owner = (was["owner"] or "") if "owner" in was else people.get(owner_id, "")
        controls[rid].append(
            SectionControl(
                was.get("description", text),
                owner,
                _EFFECTIVENESS[was.get("effectiveness", effectiveness)],
                bool(illustrative),
            )
        )
    further = ActionKind.FURTHER_ACTION.value
    latest: dict[int, LatestUpdate] = {}
    for action_id, day, text, created, _ in _fetch(session, _UPDATES, ids):
        if cut is not None and (stamp(created) > cut or (days[day] or date.min) > today):
            continue
        latest[action_id] = LatestUpdate(days[day] or date.min, text)
    actions: dict[int, list[SectionAction]] = {r.id: [] for r in rows}
    found = _fetch(session, _ACTIONS, ids)
    if cut is not None:
        found = [a for a in found if stamp(a[9]) <= cut and (days[a[8]] or date.min) <= today]
        statuses = recorded.action_statuses([a[0] for a in found])
    for aid, kind, rid, text, owner_id, due, status, illustrative, *_ in found:
        if kind != further:
            continue
        due = days[due]
        status = _ACTION_STATUSES[statuses[aid][0] if aid in statuses else status]
        actions[rid].append(
            SectionAction(
                aid,
                text,
                people.get(owner_id, ""),
                due,
                status,
                due is not None and due < today and status in _LIVE,
                latest.get(aid),
                bool(illustrative),
            )
        )
    reviews = _last_reviews(session, lookups, ids, today if cut else None, cut)
    sections = []
    for row in rows:
        text = list(texts[row.id])
        old = undone.get(row.id)
        if old:
            for index, name in enumerate(_TEXT_NAMES):
                if name in old:
                    text[index] = old[name]
        description, cause, effect, treatment, closed_reason, closed_on, illustrative = text
        sections.append(
            RiskSection(
                row=row,
                description=description,
                cause=cause,
                effect=effect,
                treatment=_TREATMENTS[getattr(treatment, "value", treatment)],
                closed_reason=closed_reason,
                closed_on=days[closed_on],
                controls=controls[row.id],
                further_actions=actions[row.id],
                last_review=reviews.get(row.id),
                illustrative=flags(illustrative),
            )
        )
    return sections


def _last_reviews(
    session: Session,
    lookups: Lookups,
    ids: dict[str, list[int]],
    day: date | None = None,
    cut: datetime | None = None,
) -> dict[int, ReviewView]:
    """Each risk's newest committee review (by meeting date, then as recorded); with ``day``
    and ``cut``, of the meetings by that day recorded by the cut."""
    newest: dict[int, tuple[date, int, Any]] = {}
    for review in _fetch(session, _REVIEWS, ids):
        rid, review_id, meeting_id = review[:3]
        when = lookups.meetings[meeting_id][1]
        if cut is not None and (when > (day or date.max) or stamp(review[8]) > cut):
            continue
        if rid not in newest or (when, review_id) > newest[rid][:2]:
            newest[rid] = (when, review_id, review)
    views = {}
    for rid, (when, _, review) in newest.items():
        meeting_id, outcome, assurance, comments, likelihood, impact = review[2:8]
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
    with ctx.read() as session:
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
    with ctx.read() as session:
        return _further_actions_of(session, [r.id for r in rows])
