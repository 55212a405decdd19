"""The register as data (CSV and JSON): records the importer reads back.

A record carries the risk's latest fields (the CSV's columns) and, for JSON, everything needed to
rebuild the risk with its history: when it was recorded and closed, every assessment, escalation
and committee review, its controls with their line of assurance, and its further actions with
their updates. Each history entry keeps the day it took effect and the day it was recorded, so a
register rebuilt from the export reads the same as at any past date. It also carries which values
are illustrative, each control's sources of assurance, the risk's closures and reopenings (from
the audit trail), and the short names and titles of the committees and meetings it names, and its
retired controls (kept apart from those in place) with the day, the reason and when the
retirement was recorded.

The further actions, their updates and the committee reviews are read by the papers' own
statements (``sections._ACTIONS``, ``_UPDATES``, ``_REVIEWS``): one definition of each.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import UTC, date
from typing import Any

import sqlalchemy as sa
from sqlmodel import col

from bct_risk.domain.assurance import AssuranceSource
from bct_risk.domain.enums import (
    ActionKind,
    ActionStatus,
    Appetite,
    Assurance,
    Effectiveness,
    EscalationDirection,
    ReviewOutcome,
    RiskStatus,
    ScoreKind,
    Tier,
    Treatment,
)
from bct_risk.domain.models import (
    Assessment,
    AuditEvent,
    Committee,
    Control,
    Escalation,
    Meeting,
    Risk,
)
from bct_risk.domain.scoring import Score
from bct_risk.services.as_at import stamp
from bct_risk.services.context import Context
from bct_risk.services.queries import (
    list_risks,
)
from bct_risk.services.register_rows import (
    Days,
    RiskFilter,
)
from bct_risk.services.sections import (
    _ACTION_STATUSES,
    _ACTIONS,
    _REVIEWS,
    _TREATMENTS,
    _UPDATES,
    Lookups,
    _chunks,
    _fetch,
    _of_ids,
    flags,
)

# -- the register as data (CSV and JSON) -----------------------------------------------------

MeetingRef = tuple[str, date]
"""A meeting as the export names it: its committee's name and its date."""


@dataclass(frozen=True)
class SourceRecord:
    """A source of assurance on a control: what evidence, from whom, when, which line."""

    evidence: str
    provider: str
    received_on: date
    line: int
    positive: bool
    reference: str
    sha256: str | None
    source: str
    illustrative: bool


@dataclass(frozen=True)
class ClosureRecord:
    """A closure or a reopening of the risk, from its audit trail: ``close`` counts from its
    closing date (``on``), ``reopen`` from the day it was recorded."""

    action: str
    """``close`` or ``reopen``."""
    on: date
    reason: str
    closed_reason: str
    """For a reopening, the closing reason it undid."""
    by: str
    recorded_on: date


@dataclass(frozen=True)
class ControlRecord:
    """A control as the importer reads it."""

    description: str
    owner: str
    effectiveness: Effectiveness
    assurance_line: int | None = None
    """1 management, 2 oversight, 3 independent; None when not said."""
    assurance_level: Assurance | None = None
    key_control: bool = True
    illustrative: bool = False
    assurance: list[SourceRecord] = field(default_factory=list)
    """Its sources of assurance, oldest first."""
    retired_on: date | None = None
    """A retired control (no longer in place): the day it was retired from."""
    retired_reason: str = ""
    retired_by: str = ""
    """Who recorded the retirement (its audit event)."""
    retired_recorded_on: date | None = None
    """The day the retirement was recorded (its audit event): the papers count it from then."""


@dataclass(frozen=True)
class UpdateRecord:
    """A dated progress note on a further action."""

    update_date: date
    text: str
    author: str
    recorded_on: date


@dataclass(frozen=True)
class ActionRecord:
    """A further action as the importer reads it."""

    description: str
    owner: str
    raised_on: date
    due_date: date | None
    status: ActionStatus
    completed_on: date | None = None
    recorded_on: date | None = None
    updates: list[UpdateRecord] = field(default_factory=list)
    illustrative: bool = False


@dataclass(frozen=True)
class AssessmentRecord:
    """One scoring in a risk's history: the day it took effect and the day it was recorded."""

    kind: ScoreKind
    likelihood: int
    impact: int
    assessed_on: date
    rationale: str
    assessed_by: str
    meeting: MeetingRef | None
    recorded_on: date
    illustrative: bool = False


@dataclass(frozen=True)
class EscalationRecord:
    """A move of the risk between tiers (or committees)."""

    direction: EscalationDirection
    decided_on: date
    from_tier: Tier
    to_tier: Tier
    from_committee: str
    to_committee: str
    reason: str
    decision: str
    decided_by: str
    meeting: MeetingRef | None
    recorded_on: date
    illustrative: bool = False


@dataclass(frozen=True)
class ReviewRecord:
    """A committee's review of the risk at a meeting, with the score it reviewed."""

    committee: str
    meeting_date: date
    outcome: ReviewOutcome
    assurance: Assurance | None
    comments: str
    likelihood: int | None
    impact: int | None
    recorded_by: str
    recorded_on: date
    illustrative: bool = False


@dataclass(frozen=True)
class RiskRecord:
    """One risk with the values the importer reads back: names, not ids; latest scores, and
    the history they came from."""

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
    created_on: date | None = None
    """The day the risk was recorded on the register."""
    closed_on: date | None = None
    review_frequency_days: int | None = None
    history: list[AssessmentRecord] = field(default_factory=list)
    """Every assessment (inherent, current, target), oldest first."""
    escalations: list[EscalationRecord] = field(default_factory=list)
    reviews: list[ReviewRecord] = field(default_factory=list)
    illustrative: list[str] = field(default_factory=list)
    """Which of the risk's values are illustrative (``scores``, ``owner``…, or ``all``)."""
    closures: list[ClosureRecord] = field(default_factory=list)
    """Its closures and reopenings in the audit trail, in the order recorded."""
    retired_controls: list[ControlRecord] = field(default_factory=list)
    """Its controls no longer in place, with the day, the reason and when it was recorded."""
    committees: dict[str, str] = field(default_factory=dict)
    """The committees it names (lead, escalations, meetings): full name → short name."""
    meetings: dict[MeetingRef, str] = field(default_factory=dict)
    """The meetings it names: (committee, date) → title."""


_RECORD_RISKS = sa.select(
    col(Risk.id),
    col(Risk.description),
    col(Risk.cause),
    col(Risk.effect),
    col(Risk.lead_committee_id),
    col(Risk.treatment),
    col(Risk.closed_reason),
    col(Risk.source),
    col(Risk.created_at),
    col(Risk.closed_on),
    col(Risk.review_frequency_days),
    col(Risk.illustrative),
).where(_of_ids(col(Risk.id)))
_RECORD_CONTROLS = (
    sa.select(
        col(Control.risk_id),
        col(Control.description),
        col(Control.owner_id),
        col(Control.effectiveness),
        col(Control.assurance_line),
        col(Control.assurance_level),
        col(Control.key_control),
        col(Control.illustrative),
        col(Control.id),
        col(Control.retired_on),
        col(Control.retired_reason),
    )
    .where(_of_ids(col(Control.risk_id)))
    .order_by(col(Control.id))
)
# Who retired each retired control and when it was recorded: its latest retirement.
_RECORD_RETIREMENTS = (
    sa.select(col(AuditEvent.entity_id), col(AuditEvent.actor), col(AuditEvent.at))
    .where(
        col(AuditEvent.entity) == "control",
        col(AuditEvent.action) == "retire",
        _of_ids(col(AuditEvent.risk_id)),
    )
    .order_by(col(AuditEvent.at), col(AuditEvent.id))
)
# In the order the register reads them: the latest scores are the last of each kind.
_RECORD_ASSESSMENTS = (
    sa.select(
        col(Assessment.risk_id),
        col(Assessment.kind),
        col(Assessment.likelihood),
        col(Assessment.impact),
        col(Assessment.assessed_on),
        col(Assessment.rationale),
        col(Assessment.assessed_by),
        col(Assessment.meeting_id),
        col(Assessment.created_at),
        col(Assessment.illustrative),
    )
    .where(_of_ids(col(Assessment.risk_id)))
    .order_by(col(Assessment.assessed_on), col(Assessment.id))
)
_RECORD_ESCALATIONS = (
    sa.select(
        col(Escalation.risk_id),
        col(Escalation.direction),
        col(Escalation.decided_on),
        col(Escalation.from_tier),
        col(Escalation.to_tier),
        col(Escalation.from_committee_id),
        col(Escalation.to_committee_id),
        col(Escalation.reason),
        col(Escalation.decision),
        col(Escalation.decided_by),
        col(Escalation.meeting_id),
        col(Escalation.created_at),
        col(Escalation.illustrative),
    )
    .where(_of_ids(col(Escalation.risk_id)))
    .order_by(col(Escalation.decided_on), col(Escalation.id))
)
_RECORD_SOURCES = (
    sa.select(
        col(AssuranceSource.control_id),
        col(AssuranceSource.evidence),
        col(AssuranceSource.provider),
        col(AssuranceSource.received_on),
        col(AssuranceSource.line),
        col(AssuranceSource.positive),
        col(AssuranceSource.reference),
        col(AssuranceSource.sha256),
        col(AssuranceSource.source),
        col(AssuranceSource.illustrative),
    )
    .join(Control, col(Control.id) == col(AssuranceSource.control_id))
    .where(_of_ids(col(Control.risk_id)))
    .order_by(col(AssuranceSource.received_on), col(AssuranceSource.id))
)
_RECORD_CLOSURES = (
    sa.select(
        col(AuditEvent.entity_id),
        col(AuditEvent.action),
        col(AuditEvent.changes),
        col(AuditEvent.actor),
        col(AuditEvent.at),
    )
    .where(
        col(AuditEvent.entity) == "risk",
        _of_ids(col(AuditEvent.entity_id)),
        col(AuditEvent.action).in_(["close", "reopen"]),
    )
    .order_by(col(AuditEvent.at), col(AuditEvent.id))
)


class _Recorded(dict[Any, date]):
    """The day (UTC) a stored time falls on, as the driver gives it (SQLite: ISO text in UTC),
    each day read once."""

    def __init__(self, days: Days) -> None:
        super().__init__()
        self._days = days

    def __missing__(self, value: Any) -> date:
        if isinstance(value, str):
            return self._days[value[:10]] or date.min
        return stamp(value).astimezone(UTC).date()


class _History:
    """A chunk of risks' controls and further actions and, for the JSON, their history: read
    in one statement per table."""

    def __init__(
        self,
        session: Any,
        ids: dict[str, list[int]],
        lookups: Lookups,
        names: tuple[dict[int | None, str], dict[int | None, MeetingRef]],
        *,
        full: bool,
    ) -> None:
        days, people = lookups.days, lookups.people
        bodies, self.meetings = names
        _recorded = _Recorded(days)
        sources: dict[int, list[SourceRecord]] = {}
        for cid, evidence, provider, received, line, positive, link, sha, source, marked in (
            _fetch(session, _RECORD_SOURCES, ids) if full else ()
        ):
            sources.setdefault(cid, []).append(
                SourceRecord(evidence, provider, days[received] or date.min, line,
                             bool(positive), link, sha, source, bool(marked))
            )  # fmt: skip
        retirements: dict[int, tuple[str, date]] = {}
        for cid, actor, at in _fetch(session, _RECORD_RETIREMENTS, ids) if full else ():
            retirements[cid] = (actor, _recorded[at])  # the latest last
        self.controls: dict[int, list[ControlRecord]] = {}
        self.retired: dict[int, list[ControlRecord]] = {}
        for (rid, text, owner_id, effectiveness, line, level, key, marked, cid, retired_on,
             retired_reason) in _fetch(session, _RECORD_CONTROLS, ids):  # fmt: skip
            record = ControlRecord(
                text,
                people.get(owner_id, ""),
                Effectiveness(effectiveness),
                line,
                Assurance(level) if level else None,
                bool(key),
                bool(marked),
                sources.get(cid, []),
            )
            retired = days[retired_on]
            if retired is None:
                self.controls.setdefault(rid, []).append(record)
                continue
            # Retired with no retirement in the trail: recorded on the day it took effect.
            by, recorded = retirements.get(cid, ("", retired))
            self.retired.setdefault(rid, []).append(
                replace(
                    record,
                    retired_on=retired,
                    retired_reason=retired_reason or "",
                    retired_by=by,
                    retired_recorded_on=recorded,
                )
            )
        updates: dict[int, list[UpdateRecord]] = {}
        for aid, day, text, created, author in _fetch(session, _UPDATES, ids) if full else ():
            updates.setdefault(aid, []).append(
                UpdateRecord(days[day] or date.min, text, author, _recorded[created])
            )
        further = ActionKind.FURTHER_ACTION.value
        self.actions: dict[int, list[ActionRecord]] = {}
        for (aid, kind, rid, text, owner_id, due, status, marked, raised_on, created,
             done) in _fetch(session, _ACTIONS, ids):  # fmt: skip
            if kind == further:
                self.actions.setdefault(rid, []).append(
                    ActionRecord(
                        text,
                        people.get(owner_id, ""),
                        days[raised_on] or date.min,
                        days[due],
                        _ACTION_STATUSES[status],
                        days[done],
                        _recorded[created],
                        updates.get(aid, []),
                        bool(marked),
                    )
                )
        self.history: dict[int, list[AssessmentRecord]] = {}
        self.escalations: dict[int, list[EscalationRecord]] = {}
        self.reviews: dict[int, list[ReviewRecord]] = {}
        self.closures: dict[int, list[ClosureRecord]] = {}
        if full:
            self.past(session, ids, days, bodies, _recorded)

    def past(
        self,
        session: Any,
        ids: dict[str, list[int]],
        days: Days,
        bodies: dict[int | None, str],
        _recorded: _Recorded,
    ) -> None:
        """Every assessment, escalation, committee review, closure and reopening of the
        chunk's risks."""
        for rid, kind, lk, im, on, why, by, mid, created, marked in _fetch(
            session, _RECORD_ASSESSMENTS, ids
        ):
            self.history.setdefault(rid, []).append(
                AssessmentRecord(
                    ScoreKind(kind),
                    lk,
                    im,
                    days[on] or date.min,
                    why,
                    by,
                    self.meetings.get(mid),
                    _recorded[created],
                    bool(marked),
                )
            )
        for (rid, direction, on, from_tier, to_tier, from_body, to_body, reason, decision, by,
             mid, created, marked) in _fetch(session, _RECORD_ESCALATIONS, ids):  # fmt: skip
            self.escalations.setdefault(rid, []).append(
                EscalationRecord(
                    EscalationDirection(direction),
                    days[on] or date.min,
                    Tier(from_tier),
                    Tier(to_tier),
                    bodies.get(from_body, ""),
                    bodies.get(to_body, ""),
                    reason,
                    decision,
                    by,
                    self.meetings.get(mid),
                    _recorded[created],
                    bool(marked),
                )
            )
        found: list[tuple[date, int, int, ReviewRecord]] = []
        for (rid, review_id, mid, outcome, assurance, comments, lk, im, created, by,
             marked) in _fetch(session, _REVIEWS, ids):  # fmt: skip
            body, when = self.meetings[mid]
            record = ReviewRecord(
                body,
                when,
                ReviewOutcome(outcome),
                Assurance(assurance) if assurance else None,
                comments,
                lk,
                im,
                by,
                _recorded[created],
                bool(marked),
            )
            found.append((when, review_id, rid, record))
        for _, _, rid, record in sorted(found, key=lambda f: f[:2]):
            self.reviews.setdefault(rid, []).append(record)
        for rid, action, changes, actor, at in _fetch(session, _RECORD_CLOSURES, ids):
            told = json.loads(changes) if isinstance(changes, str) else dict(changes or {})
            recorded = _recorded[at]
            on = days[told.get("closed_on")] if action == "close" else None
            self.closures.setdefault(rid, []).append(
                ClosureRecord(
                    action,
                    on or recorded,
                    str(told.get("reason") or ""),
                    str(told.get("closed_reason") or "") if action == "reopen" else "",
                    actor,
                    recorded,
                )
            )


def _bodies(session: Any) -> dict[int | None, tuple[str, str]]:
    """Every committee by id: its full name, as the importer finds it, and its short name."""
    return {
        cid: (name, short or "")
        for cid, name, short in _fetch(
            session, sa.select(col(Committee.id), col(Committee.name), col(Committee.short_name))
        )
    }


def _meetings(
    session: Any, lookups: Lookups, bodies: dict[int | None, tuple[str, str]]
) -> tuple[dict[int | None, MeetingRef], dict[MeetingRef, str]]:
    """Every meeting by id as the export names it, and each one's title."""
    refs: dict[int | None, MeetingRef] = {}
    titles: dict[MeetingRef, str] = {}
    for mid, cid, when, title in _fetch(
        session,
        sa.select(
            col(Meeting.id),
            col(Meeting.committee_id),
            col(Meeting.meeting_date),
            col(Meeting.title),
        ),
    ):
        ref = (bodies.get(cid, ("", ""))[0], lookups.days[when] or date.min)
        refs[mid] = ref
        titles[ref] = title or ""
    return refs, titles


def _named(record: RiskRecord, shorts: dict[str, str], titles: dict[MeetingRef, str]) -> RiskRecord:
    """The record with the committees and meetings it names, for the JSON to carry."""
    meetings: set[MeetingRef] = set()
    meetings.update(a.meeting for a in record.history if a.meeting)
    meetings.update(e.meeting for e in record.escalations if e.meeting)
    meetings.update((r.committee, r.meeting_date) for r in record.reviews)
    bodies = {record.lead_committee, *(body for body, _ in meetings)}
    for e in record.escalations:
        bodies.update((e.from_committee, e.to_committee))
    return replace(
        record,
        committees={b: shorts.get(b, "") for b in sorted(bodies) if b},
        meetings={m: titles.get(m, "") for m in sorted(meetings)},
    )


def register_records(
    ctx: Context, flt: RiskFilter | None = None, *, public: bool = False, history: bool = True
) -> list[RiskRecord]:
    """The register as records, by reference; a public export leaves exempt risks out.

    Read a chunk of risks at a time, as the papers are (no parameter limit on large registers).
    ``history=False`` leaves out what only the JSON carries (assessments, escalations, reviews,
    closures, action updates, sources of assurance, the committees' short names and the
    meetings' titles): the CSV's records, read faster.
    """
    flt = flt or RiskFilter()
    if public:
        flt = replace(flt, include_exempt=False)
    rows = list_risks(ctx, flt)
    records: list[RiskRecord] = []
    with ctx.read() as session:
        lookups = Lookups.read(session)
        days = lookups.days
        named = _bodies(session)
        bodies = {cid: name for cid, (name, _) in named.items()}
        shorts = dict(named.values())
        refs, titles = _meetings(session, lookups, named)
        names = (bodies, refs)
        recorded = _Recorded(days)
        for chunk in _chunks(rows):
            ids = {"ids": [r.id for r in chunk]}
            risks = {rid: rest for rid, *rest in _fetch(session, _RECORD_RISKS, ids)}
            past = _History(session, ids, lookups, names, full=history)
            for row in chunk:
                (description, cause, effect, committee_id, treatment, closed, source, created,
                 closed_on, every, marked) = risks[row.id]  # fmt: skip
                record = RiskRecord(
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
                    controls=past.controls.get(row.id, []),
                    further_actions=past.actions.get(row.id, []),
                    created_on=recorded[created],
                    closed_on=days[closed_on],
                    review_frequency_days=every,
                    history=past.history.get(row.id, []),
                    escalations=past.escalations.get(row.id, []),
                    reviews=past.reviews.get(row.id, []),
                    illustrative=flags(marked),
                    closures=past.closures.get(row.id, []),
                    retired_controls=past.retired.get(row.id, []),
                )
                records.append(_named(record, shorts, titles) if history else record)
    return records
