"""Adding a batch of risks or tracker actions in one transaction: the importer's write door.

A register arrives as thousands of rows, so its risks, scores, controls and actions are added in a
few statements rather than one use case call per record, applying the same rules as the use cases
one at a time: permission checked once (``Change.IMPORT``), scores on the 1-5 scales, required
text, due dates not before the date raised, people matched by name or login, and an audit event
for every record added, sealed onto the audit chain in order. It runs inside the caller's unit of
work when there is one (:meth:`Context.unit_of_work`), so an import is all or nothing. Problems met
while writing (an ambiguous name, a due date before the date raised) are added to the batch; the
caller rolls back when any is an error.

A risk may come with its history (this product's own JSON export gives it): every assessment,
escalation, committee review and action update is then written with its own dates, and recorded
on the day it was recorded, so the register as at a past date (``services.as_at``) reads the same
as the register it came from. Risks without history (CSV and spreadsheet imports) are written as
before: their latest scores, assessed on the day the file gives or today.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import func
from sqlmodel import Session, select

from bct_risk.domain.enums import (
    ActionKind,
    ActionStatus,
    Appetite,
    Assurance,
    CommitteeKind,
    Effectiveness,
    EscalationDirection,
    ReviewOutcome,
    RiskStatus,
    ScoreKind,
    Tier,
    Treatment,
)
from bct_risk.domain.errors import DomainError, NotFoundError, ValidationError
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
)
from bct_risk.domain.scoring import Score
from bct_risk.services import audit, audit_chain
from bct_risk.services.audit import id_of
from bct_risk.services.context import Context
from bct_risk.services.latest import refresh_latest_scores
from bct_risk.services.lookup import People, find_committee, find_risk, normalise_reference
from bct_risk.services.permissions import Change, authorize

ERROR, WARNING, NOTE = "error", "warning", "note"
"""How serious a problem is: an error means the batch must not be kept."""

_ROLE_WORDS = re.compile(
    r"\b(?:director|head|manager|officer|chief|executive|lead|leader|chair|secretary|"
    r"controller|coordinator|co-ordinator|team|board|committee|group|department|service|"
    r"services|assistant|deputy|principal|senior|commissioner|advisor|adviser|administrator|"
    r"treasurer|solicitor|monitoring|portfolio|holder|cabinet|member|members|partner|"
    r"partnership|governance|finance|operations|resources|programme|project|sponsor)\b",
    re.I,
)


def looks_like_role(text: str) -> bool:
    """Whether an owner cell names a job title ("Director of Finance") rather than a person."""
    words = text.split()
    if len(words) == 1 and words[0].isupper():
        return False  # "CMT", "SLT": a named group as registers use it, kept as written
    return bool(_ROLE_WORDS.search(text)) or " of " in f" {text.lower()} "


@dataclass
class ScoreIn:
    """A likelihood x impact read from a row, and how the register wrote it."""

    likelihood: int
    impact: int
    written: str


@dataclass
class ControlIn:
    """A control read from a row (one per bullet)."""

    description: str
    owner: str | None = None
    effectiveness: Effectiveness = Effectiveness.NOT_ASSESSED
    assurance_line: int | None = None
    assurance_level: Assurance | None = None
    key_control: bool = True


@dataclass
class UpdateIn:
    """A dated progress note on a further action, with who gave it."""

    update_date: date
    text: str
    author: str
    recorded_on: date | None = None
    """The day it was recorded (default: its own date)."""


@dataclass
class FurtherActionIn:
    """A further action read from a row (one per bullet)."""

    description: str
    owner: str | None = None
    raised_on: date | None = None
    due_date: date | None = None
    status: ActionStatus = ActionStatus.OPEN
    completed_on: date | None = None
    """When it was completed (default: today, for a completed action)."""
    recorded_on: date | None = None
    """The day it was recorded (default: today)."""
    updates: list[UpdateIn] = field(default_factory=list)


MeetingIn = tuple[str, date]
"""A meeting named by its committee and date (added when the register has none)."""


@dataclass
class AssessmentIn:
    """One scoring from a risk's history, with the day it took effect and was recorded."""

    kind: ScoreKind
    likelihood: int
    impact: int
    assessed_on: date
    rationale: str
    assessed_by: str
    meeting: MeetingIn | None = None
    recorded_on: date | None = None
    """The day it was recorded (default: ``assessed_on``)."""


@dataclass
class EscalationIn:
    """A move of the risk between tiers (or committees), from its history."""

    direction: EscalationDirection
    decided_on: date
    from_tier: Tier
    to_tier: Tier
    reason: str
    decided_by: str
    decision: str = "agreed"
    from_committee: str | None = None
    to_committee: str | None = None
    meeting: MeetingIn | None = None
    recorded_on: date | None = None


@dataclass
class ReviewIn:
    """A committee's review of the risk at a meeting, with the score it reviewed."""

    committee: str
    meeting_date: date
    outcome: ReviewOutcome
    recorded_by: str
    assurance: Assurance | None = None
    comments: str = ""
    likelihood: int | None = None
    impact: int | None = None
    recorded_on: date | None = None


@dataclass
class RiskIn:
    """A risk as read from one row, ready to be written."""

    row: int
    source: str
    title: str
    reference: str | None = None
    description: str = ""
    cause: str = ""
    effect: str = ""
    category: str = ""
    tier: Tier = Tier.OPERATIONAL
    status: RiskStatus = RiskStatus.OPEN
    closed_reason: str | None = None
    owner: str | None = None
    lead_committee: str | None = None
    appetite: Appetite | None = None
    treatment: Treatment = Treatment.TREAT
    scores: dict[ScoreKind, ScoreIn] = field(default_factory=dict)
    assessed_on: date | None = None
    target_date: date | None = None
    next_review_date: date | None = None
    exempt: bool = False
    source_reference: str | None = None
    """The reference as the file gives it (kept when the risk is imported under another)."""
    title_derived: bool = False
    """The title was taken from the description, the file having none."""
    owner_role: str = ""
    """The risk owner as a job title, where the file names a role rather than a person."""
    extra: dict[str, str] = field(default_factory=dict)
    """Columns with no field of their own, kept as written: header → text."""
    controls: list[ControlIn] = field(default_factory=list)
    further_actions: list[FurtherActionIn] = field(default_factory=list)
    created_on: date | None = None
    """The day the risk was recorded on its register (default: today)."""
    closed_on: date | None = None
    """The day a closed risk was closed (default: today)."""
    review_frequency_days: int | None = None
    history: list[AssessmentIn] = field(default_factory=list)
    """Every assessment, oldest first; when given, written instead of ``scores``."""
    escalations: list[EscalationIn] = field(default_factory=list)
    reviews: list[ReviewIn] = field(default_factory=list)


@dataclass
class TrackerIn:
    """An action from the log: one per distinct action, however many meetings carried it."""

    rows: list[int]
    source: str
    committee: str
    meeting_date: date
    description: str
    agenda_item: str = ""
    owner: str | None = None
    due_date: date | None = None
    status: ActionStatus = ActionStatus.OPEN
    completed_on: date | None = None
    risk: str | None = None
    updates: list[tuple[date, str]] = field(default_factory=list)


GENERATED_PREFIX = "IMP-"
"""References given to imported risks whose register has none."""


@dataclass
class ImportCounts:
    """What an import added (or, in a dry run, would add)."""

    risks: list[str] = field(default_factory=list)
    """References of the risks added."""
    matched: list[str] = field(default_factory=list)
    prefixed: list[str] = field(default_factory=list)
    """References of risks imported under a prefix, their own being taken."""
    """Rows left out because the register already holds them."""
    assessments: int = 0
    controls: int = 0
    further_actions: int = 0
    tracker_actions: int = 0
    updates: int = 0
    escalations: int = 0
    reviews: int = 0
    people: list[str] = field(default_factory=list)
    committees: list[str] = field(default_factory=list)
    meetings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class BatchProblem:
    """Something met while writing a batch, with the row it came from."""

    severity: str
    message: str
    row: int | None = None
    column: str | None = None


@dataclass
class Batch:
    """What to add: the risks (or tracker actions) read from one file, and how."""

    name: str
    """The file's name: sources name it, and the same file imported again is recognised."""
    unit: str
    """What a row is called in sources: "row" or "record"."""
    risks: list[RiskIn] = field(default_factory=list)
    actions: list[TrackerIn] = field(default_factory=list)
    register: str | None = None
    """The register the risks go on, as the user named it: the prefix of clashing references."""
    allow_duplicates: bool = False
    native: bool = False
    """The file is this product's own export: its owners are people, whatever they are called."""
    problems: list[BatchProblem] = field(default_factory=list)
    prefix: str = ""
    """The prefix given to references the register already holds."""
    illustrative: bool = False
    """Every record is illustrative (a demonstration register): each risk's every value, each
    assessment, control, action and review is marked so, and the papers say so."""


def add_batch(ctx: Context, batch: Batch, *, check_permission: bool = True) -> ImportCounts:
    """Add a batch of risks (or tracker actions) in one transaction; the use case of an import.

    Joins the caller's unit of work when there is one. Problems met are added to the batch.
    """
    with ctx.transaction() as session:
        if check_permission:
            authorize(session, ctx, Change.IMPORT)
        writer = _Writer(ctx, session, batch)
        if batch.actions:
            writer.actions()
        else:
            writer.risks()
        session.flush()
        return writer.counts


class _Writer:
    def __init__(self, ctx: Context, session: Session, batch: Batch) -> None:
        self.ctx, self.session, self.batch = ctx, session, batch
        self.now, self.today = ctx.now(), ctx.today()
        self.counts = ImportCounts()
        self.people: dict[str, Person] = {}
        """Each name met (stripped, lower case) → the person it was taken to mean."""
        self._everyone: People | None = None
        self.committees: dict[str, Committee] = {}
        self.meetings: dict[tuple[int, date], int] = {}
        self.waiting: list[tuple[str, Any, str]] | None = None
        """What the batch adds before its risks (entity, record, summary): its audit events
        are written with the risks' own."""

    def problem(self, severity: str, message: str, row: int, column: str | None = None) -> None:
        self.batch.problems.append(BatchProblem(severity, message, row, column))

    # -- people and committees -------------------------------------------------------------

    @property
    def everyone(self) -> People:
        """The register's people, read once for the batch (with those it adds)."""
        if self._everyone is None:
            self._everyone = People.of(self.session)
        return self._everyone

    def person_id(self, name: str | None, row: int) -> int | None:
        """The id of the person a name means (see :meth:`person`)."""
        person = self.person(name, row)
        if person is None:
            return None
        if person.id is None:
            self.session.flush()
        return id_of(person)

    def person(self, name: str | None, row: int) -> Person | None:
        """The person a name means (:func:`~bct_risk.services.lookup.find_person`'s rules);
        someone new where nobody has that name.

        While risks are written, the people added are inserted together at the next flush
        (their ids are taken in the order they were added), not one statement each.
        """
        if not name:
            return None
        key = name.strip().lower()
        if key in self.people:
            return self.people[key]
        try:
            person = self.everyone.find(name)
        except NotFoundError:
            person = Person(
                name=name.strip(),
                created_at=self.now,
                source=f"{self.batch.name} {self.batch.unit} {row}",
            )
            self.session.add(person)
            if self.waiting is None:
                self.session.flush()
            self.everyone.add(person)
            self.record("person", person, f"Added {person.name} (named in an import)")
            self.counts.people.append(person.name)
        self.people[key] = person
        return person

    def record(self, entity: str, record: Any, summary: str) -> None:
        """The audit event of a person, committee or meeting the batch adds.

        While risks are written it waits, in order, to be sealed onto the chain with the risks'
        own events (see :meth:`write_events`); otherwise it is recorded at once.
        """
        if self.waiting is not None:
            self.waiting.append((entity, record, summary))
            return
        audit.record(
            self.session, self.ctx, entity=entity, entity_id=id_of(record), action="import",
            summary=summary,
        )  # fmt: skip

    def write_events(self, events: list[dict[str, Any]]) -> None:
        """Seal and insert the events waiting (:meth:`record`), then ``events``, in order."""
        waiting, self.waiting = self.waiting or [], None
        self.session.flush()
        rows = [
            self.event(entity, id_of(record), None, summary, {})
            for entity, record, summary in waiting
        ]
        rows.extend(events)
        if rows:
            self.session.connection().execute(
                _table(AuditEvent).insert(), seal_batch(self.session, rows)
            )

    def committee(self, name: str) -> Committee:
        """A committee by name; one the register does not know yet is added."""
        key = name.strip().lower()
        if key in self.committees:
            return self.committees[key]
        try:
            found = find_committee(self.session, name)
        except NotFoundError:
            lowered = key
            kind = (
                CommitteeKind.BOARD
                if "board" in lowered and "committee" not in lowered
                else CommitteeKind.BOARD_COMMITTEE
            )
            found = Committee(
                name=name.strip(), kind=kind, created_at=self.now, source=f"{self.batch.name}"
            )
            self.session.add(found)
            self.session.flush()
            self.record("committee", found, f"Added the {found.name} (for an import)")
            self.counts.committees.append(found.name)
        self.committees[key] = found
        return found

    def meeting_id(self, committee: Committee, when: date) -> int:
        key = (id_of(committee), when)
        if key in self.meetings:
            return self.meetings[key]
        meeting = self.session.exec(
            select(Meeting).where(Meeting.committee_id == key[0], Meeting.meeting_date == when)
        ).first()
        if meeting is None:
            meeting = Meeting(
                committee_id=key[0],
                meeting_date=when,
                title=committee.name,
                source=self.batch.name,
                created_at=self.now,
            )
            self.session.add(meeting)
            self.session.flush()
            self.record(
                "meeting",
                meeting,
                f"Added the meeting of the {committee.name} on {when.isoformat()} (for an import)",
            )
            self.counts.meetings.append(f"{committee.name} {when.isoformat()}")
        self.meetings[key] = id_of(meeting)
        return self.meetings[key]

    # -- risks -----------------------------------------------------------------------------

    def risks(self) -> None:
        existing = list(
            self.session.exec(
                select(Risk.reference, Risk.title, Risk.source, Risk.source_reference)
            )
        )
        references = {ref.upper() for ref, _, _, _ in existing}
        imported = {
            (_file_of(source), (source_ref or ref).upper(), _title_key(title))
            for ref, title, source, source_ref in existing
        }
        untitled = {(_file_of(source), _title_key(title)) for _, title, source, _ in existing}
        sources = {(source, _title_key(title)) for _, title, source, _ in existing}
        name = Path(self.batch.name).stem
        prefix = self.batch.prefix = reference_prefix(self.batch.register, self.batch.name)
        counter = 0
        chosen: list[tuple[RiskIn, dict[str, Any]]] = []
        self.waiting = []
        for item in self.batch.risks:
            key = _title_key(item.title)
            same = (item.source, key) in sources or (
                (name, item.reference, key) in imported
                if item.reference
                else (name, key) in untitled
            )
            if same and not self.batch.allow_duplicates:
                self.problem(
                    NOTE,
                    f"already imported from {self.batch.name} (same reference and title); "
                    "not imported "
                    "again (--allow-duplicates imports it anyway)",
                    item.row,
                )
                self.counts.matched.append(item.reference or item.title)
                continue
            clash = item.reference if item.reference and item.reference in references else None
            reference = item.reference if item.reference and not clash else None
            if clash:
                reference = f"{prefix}-{clash}"[:40]
                number = 1
                while reference.upper() in references:
                    number += 1
                    reference = f"{prefix}{number}-{clash}"[:40]
                self.counts.prefixed.append(reference)
                self.problem(
                    NOTE,
                    f"the reference {clash} is already used in the register; imported as "
                    f"{reference} (its own reference kept as the source reference)",
                    item.row,
                )
            if reference is None:
                counter += 1
                while f"{GENERATED_PREFIX}{counter}" in references:
                    counter += 1
                reference = f"{GENERATED_PREFIX}{counter}"
            references.add(reference.upper())
            try:
                chosen.append((item, self.risk_row(item, reference)))
            except DomainError as exc:
                self.problem(ERROR, exc.message, item.row)
        if chosen:
            self.insert_risks(chosen)
        self.write_events([])

    def owner(self, item: RiskIn) -> tuple[Person | None, str]:
        """The risk owner (matched by name or login only) and the owner's role as written.

        An owner cell that matches nobody and reads as a job title ("Director of Finance") is
        kept as the owner's role, never linked to whoever holds that title.
        """
        name = item.owner
        if not name:
            return None, ""
        key = name.strip().lower()
        if key in self.people:
            return self.people[key], ""
        found = self.everyone.named(name)
        if len(found) == 1:
            self.people[key] = found[0]
            return found[0], ""
        if len(found) > 1:
            names = ", ".join(p.name for p in found)
            raise ValidationError(f"the risk owner '{name}' could mean {names}; give the name")
        if looks_like_role(name) and not self.batch.native:
            self.problem(
                NOTE,
                f"risk owner '{name}' reads as a job title, not a person: kept as the owner's "
                "role; name the person to link one",
                item.row,
                "owner",
            )
            return None, name.strip()[:200]
        return self.person(name, item.row), ""

    def risk_row(self, item: RiskIn, reference: str) -> dict[str, Any]:
        """The risk's columns, its people and committee found (or added) first."""
        committee = self.committee(item.lead_committee) if item.lead_committee else None
        owner, owner_role = self.owner(item)
        next_review = item.next_review_date
        current = item.scores.get(ScoreKind.CURRENT)
        if current and next_review is None and item.status == RiskStatus.OPEN:
            next_review = self.ctx.matrix.next_review(
                item.assessed_on or self.today, current.likelihood * current.impact
            )
        return {
            "reference": reference, "title": item.title, "description": item.description,
            "cause": item.cause, "effect": item.effect, "category": item.category,
            "tier": item.tier, "status": item.status, "closed_reason": item.closed_reason,
            "closed_on": item.closed_on
            or (self.today if item.status == RiskStatus.CLOSED else None),
            "owner_id": owner, "owner_role": owner_role,
            "source_reference": item.source_reference, "title_derived": item.title_derived,
            "additional_fields": dict(item.extra),
            "lead_committee_id": committee.id if committee else None,
            "appetite": item.appetite, "treatment": item.treatment,
            "target_date": item.target_date,
            "review_frequency_days": item.review_frequency_days,
            "next_review_date": next_review, "exempt": item.exempt, "source": item.source,
            "illustrative": ["all"] if self.marked else [], "version": 1,
            "created_at": self.on(item.created_on),
            "updated_at": self.now,
        }  # fmt: skip

    def insert_risks(self, chosen: list[tuple[RiskIn, dict[str, Any]]]) -> None:
        """Insert the risks and what hangs off them in a few statements, not one per record.

        A 10,000-row register would otherwise cost tens of thousands of round trips; the rows
        are the same the services would write.
        """
        # The tables themselves (not the ORM's bulk path): the rows are complete and checked.
        self.session.flush()  # the people the risks name, added together
        connection = self.session.connection()
        risk_table = _table(Risk)
        rows = [row for _, row in chosen]
        _people_to_ids(rows)
        connection.execute(risk_table.insert(), rows)
        # References are unique: the new ids are read back by them, a chunk at a time.
        by_reference: dict[str, int] = {}
        references = [row["reference"] for row in rows]
        for start in range(0, len(references), 500):
            chunk = references[start : start + 500]
            found = connection.execute(
                sa.select(risk_table.c.reference, risk_table.c.id).where(
                    risk_table.c.reference.in_(chunk)
                )
            )
            by_reference.update((str(ref), int(rid)) for ref, rid in found)
        ids = [by_reference[reference] for reference in references]
        assessments: list[dict[str, Any]] = []
        controls: list[dict[str, Any]] = []
        actions: list[dict[str, Any]] = []
        updates: list[list[UpdateIn]] = []
        """Each action's updates, in the order of ``actions``."""
        past = _Past()
        events: list[dict[str, Any]] = []
        for (item, row), rid in zip(chosen, ids, strict=True):
            reference = row["reference"]
            self.counts.risks.append(reference)
            told = {"reference": reference, "title": item.title, "source": item.source}
            if item.history or item.escalations or item.reviews:
                told.update(history=len(item.history), escalations=len(item.escalations),
                            reviews=len(item.reviews))  # fmt: skip
                self.history_rows(item, rid, past)
            events.append(self.event("risk", rid, rid, f"Imported {reference}: {item.title} "
                          f"from {item.source}", told))  # fmt: skip
            for kind in () if item.history else (ScoreKind.INHERENT, ScoreKind.CURRENT,
                                                 ScoreKind.TARGET):  # fmt: skip
                given = item.scores.get(kind)
                if given is None:
                    continue
                score = Score(given.likelihood, given.impact)
                why = f"Imported from {item.source}" + (
                    f" ({given.written})" if given.written else ""
                )
                assessments.append({
                    "risk_id": rid, "kind": kind, "likelihood": score.likelihood,
                    "impact": score.impact, "score": score.value,
                    "assessed_on": item.assessed_on or self.today, "rationale": why,
                    "assessed_by": self.ctx.actor, "meeting_id": None, "illustrative": self.marked,
                    "created_at": self.now,
                })  # fmt: skip
            for control in item.controls:
                controls.append({
                    "risk_id": rid, "description": control.description,
                    "owner_id": self.person(control.owner, item.row),
                    "effectiveness": control.effectiveness,
                    "assurance_line": control.assurance_line,
                    "assurance_level": control.assurance_level,
                    "key_control": control.key_control,
                    "source": item.source, "illustrative": self.marked, "version": 1,
                    "created_at": self.now, "updated_at": self.now,
                })  # fmt: skip
            for further in item.further_actions:
                raised = further.raised_on or self.today
                if further.due_date and further.due_date < raised:
                    self.problem(
                        ERROR,
                        f"further action '{further.description[:40]}': due date "
                        f"{further.due_date.isoformat()} is before the date raised",
                        item.row,
                    )
                    continue
                actions.append({
                    "kind": ActionKind.FURTHER_ACTION, "risk_id": rid, "meeting_id": None,
                    "agenda_item": "", "description": further.description,
                    "owner_id": self.person(further.owner, item.row), "raised_on": raised,
                    "due_date": further.due_date, "status": further.status,
                    "completed_on": further.completed_on
                    or (self.today if further.status == ActionStatus.COMPLETE else None),
                    "source": item.source, "illustrative": self.marked, "version": 1,
                    "created_at": self.on(further.recorded_on), "updated_at": self.now,
                })  # fmt: skip
                updates.append(further.updates)
        assessments.extend(past.assessments)
        self.session.flush()  # the people the controls and actions name, added together
        _people_to_ids(controls)
        _people_to_ids(actions)
        for model, rows in (
            (Assessment, assessments),
            (Control, controls),
            (Action, actions),
            (Escalation, past.escalations),
            (CommitteeReview, past.reviews),
        ):
            if rows:
                connection.execute(_table(model).insert(), rows)
        if any(updates):
            self.insert_updates(ids, updates)
        self.write_events(events)
        refresh_latest_scores(self.session, ids)
        self.counts.assessments += len(assessments)
        self.counts.controls += len(controls)
        self.counts.further_actions += len(actions)
        self.counts.escalations += len(past.escalations)
        self.counts.reviews += len(past.reviews)

    def on(self, day: date | None) -> datetime:
        """When history dated ``day`` was recorded: on that day (09:00 UTC), never after now;
        now when it has no date (see :mod:`bct_risk.services.as_at`)."""
        if day is None:
            return self.now
        return min(self.now, datetime.combine(day, time(9), tzinfo=UTC))

    @property
    def marked(self) -> bool:
        """Whether the batch's records are marked illustrative (:attr:`Batch.illustrative`)."""
        return self.batch.illustrative

    def history_rows(self, item: RiskIn, rid: int, past: _Past) -> None:
        """The rows of a risk's history: assessments, escalations and committee reviews."""
        for a in item.history:
            past.assessments.append({
                "risk_id": rid, "kind": a.kind, "likelihood": a.likelihood,
                "impact": a.impact, "score": a.likelihood * a.impact,
                "assessed_on": a.assessed_on, "rationale": a.rationale,
                "assessed_by": a.assessed_by, "meeting_id": self.meeting_of(a.meeting),
                "illustrative": self.marked, "created_at": self.on(a.recorded_on or a.assessed_on),
            })  # fmt: skip
        for e in item.escalations:
            past.escalations.append({
                "risk_id": rid, "direction": e.direction, "from_tier": e.from_tier,
                "to_tier": e.to_tier,
                "from_committee_id": self.committee_id(e.from_committee),
                "to_committee_id": self.committee_id(e.to_committee),
                "reason": e.reason, "decision": e.decision, "decided_on": e.decided_on,
                "decided_by": e.decided_by, "meeting_id": self.meeting_of(e.meeting),
                "illustrative": self.marked, "created_at": self.on(e.recorded_on or e.decided_on),
            })  # fmt: skip
        for r in item.reviews:
            scored = r.likelihood is not None and r.impact is not None
            past.reviews.append({
                "meeting_id": self.meeting_of((r.committee, r.meeting_date)), "risk_id": rid,
                "outcome": r.outcome, "assurance": r.assurance, "comments": r.comments,
                "likelihood": r.likelihood, "impact": r.impact,
                "score": (r.likelihood or 0) * (r.impact or 0) if scored else None,
                "recorded_by": r.recorded_by, "illustrative": self.marked, "version": 1,
                "created_at": self.on(r.recorded_on or r.meeting_date), "updated_at": self.now,
            })  # fmt: skip

    def committee_id(self, name: str | None) -> int | None:
        return id_of(self.committee(name)) if name else None

    def meeting_of(self, meeting: MeetingIn | None) -> int | None:
        if meeting is None:
            return None
        return self.meeting_id(self.committee(meeting[0]), meeting[1])

    def insert_updates(self, ids: list[int], updates: list[list[UpdateIn]]) -> None:
        """The further actions' updates, once the actions have their ids.

        The new risks had no actions before this batch, so theirs, by id, are the batch's
        actions in the order they were inserted.
        """
        connection = self.session.connection()
        table = _table(Action)
        action_ids: list[int] = []
        for start in range(0, len(ids), 500):
            action_ids.extend(
                int(aid)
                for (aid,) in connection.execute(
                    sa.select(table.c.id)
                    .where(table.c.risk_id.in_(ids[start : start + 500]))
                    .order_by(table.c.id)
                )
            )
        action_ids.sort()
        rows = [
            {
                "action_id": aid,
                "update_date": u.update_date,
                "text": u.text,
                "author": u.author,
                "created_at": self.on(u.recorded_on or u.update_date),
            }
            for aid, notes in zip(action_ids, updates, strict=True)
            for u in notes
        ]
        connection.execute(_table(ActionUpdate).insert(), rows)
        self.counts.updates += len(rows)

    def event(
        self,
        entity: str,
        entity_id: int,
        risk_id: int | None,
        summary: str,
        changes: dict[str, Any],
    ) -> dict[str, Any]:
        """An audit event as :func:`bct_risk.services.audit.record` writes one."""
        return {
            "at": self.now, "actor": self.ctx.actor, "entity": entity, "entity_id": entity_id,
            "risk_id": risk_id, "action": "import", "summary": summary,
            "changes": {k: audit.plain(v) for k, v in changes.items()},
        }  # fmt: skip

    # -- action logs -----------------------------------------------------------------------

    def actions(self) -> None:
        """The batch's tracker actions: each one checked, then all written a chunk at a time.

        Each chunk is one INSERT of the actions (their ids read back in order), one of their
        updates and one of their audit events, sealed onto the chain in order: the same rows
        and events as one action at a time, without a round trip for each.
        """
        risks = self.risk_ids([item.risk for item in self.batch.actions if item.risk])
        chosen: list[tuple[TrackerIn, dict[str, Any]]] = []
        again: list[tuple[TrackerIn, int]] = []
        """Actions the batch holds twice (same meeting, same words): the first one's index."""
        first: dict[tuple[int, str], int] = {}
        for item in self.batch.actions:
            try:
                row = self.action_row(item, risks)
            except DomainError as exc:
                self.problem(ERROR, exc.message, item.rows[0])
                continue
            if row is None:
                continue
            key = (int(row["meeting_id"]), item.description.lower())
            if not self.batch.allow_duplicates and key in first:
                again.append((item, first[key]))
                continue
            first[key] = len(chosen)
            chosen.append((item, row))
        ids: list[int] = []
        for start in range(0, len(chosen), ACTIONS_PER_INSERT):
            ids.extend(self.insert_actions(chosen[start : start + ACTIONS_PER_INSERT]))
        for item, index in again:
            self.matched_action(item, ids[index])

    def risk_ids(self, references: list[str]) -> dict[str, int]:
        """The ids of the risks named, by normalised reference, read a chunk at a time: as
        written first (the reference's index), then without case for those not found."""
        wanted = {normalise_reference(r): r.strip() for r in references if r.strip()}
        table = _table(Risk)
        found: dict[str, int] = {}
        as_written = sorted(set(wanted.values()))
        self.read_risk_ids(table.c.reference, as_written, found)
        self.read_risk_ids(func.upper(table.c.reference), sorted(set(wanted) - set(found)), found)
        return found

    def read_risk_ids(self, column: Any, keys: list[str], found: dict[str, int]) -> None:
        table = _table(Risk)
        connection = self.session.connection()
        for start in range(0, len(keys), 500):
            rows = connection.execute(
                sa.select(table.c.reference, table.c.id).where(
                    column.in_(keys[start : start + 500])
                )
            )
            found.update((normalise_reference(str(ref)), int(rid)) for ref, rid in rows)

    def action_row(self, item: TrackerIn, risks: dict[str, int]) -> dict[str, Any] | None:
        """The action's columns, its committee, meeting, risk and owner found (or added) first;
        None when the register already holds it (a note says so)."""
        committee = self.committee(item.committee)
        meeting_id = self.meeting_id(committee, item.meeting_date)
        if not self.batch.allow_duplicates:
            same = self.session.exec(
                select(Action.id).where(
                    Action.meeting_id == meeting_id,
                    func.lower(Action.description) == item.description.lower(),
                )
            ).first()
            if same is not None:
                self.matched_action(item, int(same))
                return None
        if item.due_date is not None and item.due_date < item.meeting_date:
            raise ValidationError(
                f"due date {item.due_date.isoformat()} is before the meeting of "
                f"{item.meeting_date.isoformat()} that raised the action",
                field="due_date",
            )
        risk_id = None
        if item.risk:
            risk_id = risks.get(normalise_reference(item.risk))
            if risk_id is None:  # not found: the lookup's own words say so
                risk_id = id_of(find_risk(self.session, item.risk))
        return {
            "kind": ActionKind.TRACKER, "risk_id": risk_id, "meeting_id": meeting_id,
            "agenda_item": item.agenda_item, "description": item.description,
            "owner_id": self.person_id(item.owner, item.rows[0]),
            "raised_on": item.meeting_date, "due_date": item.due_date, "status": item.status,
            "completed_on": item.completed_on, "source": item.source,
            "illustrative": self.marked, "version": 1, "created_at": self.now,
            "updated_at": self.now,
        }  # fmt: skip

    def matched_action(self, item: TrackerIn, same: int) -> None:
        self.problem(
            NOTE,
            f"already in the register (action #{same} at the same meeting); not imported again",
            item.rows[0],
        )
        self.counts.matched.append(f"#{same}")

    def insert_actions(self, chosen: list[tuple[TrackerIn, dict[str, Any]]]) -> list[int]:
        """Insert tracker actions, their updates and their audit events; their new ids
        (:func:`new_ids`)."""
        if not chosen:
            return []
        self.session.flush()
        connection = self.session.connection()
        table = _table(Action)
        ids = new_ids(connection, table, len(chosen))
        for (_, row), aid in zip(chosen, ids, strict=True):
            row["id"] = aid
        connection.execute(table.insert(), [row for _, row in chosen])
        updates: list[dict[str, Any]] = []
        events: list[dict[str, Any]] = []
        for (item, row), aid in zip(chosen, ids, strict=True):
            events.append(
                self.event(
                    "action", aid, row["risk_id"], f"Imported tracker action #{aid} from "
                    f"{item.source}", {},
                )
            )  # fmt: skip
            updates.extend(
                {"action_id": aid, "update_date": when, "text": text, "author": self.ctx.actor,
                 "created_at": self.now}
                for when, text in item.updates
            )  # fmt: skip
        if updates:
            connection.execute(_table(ActionUpdate).insert(), updates)
        connection.execute(_table(AuditEvent).insert(), seal_batch(self.session, events))
        self.counts.tracker_actions += len(ids)
        self.counts.updates += len(updates)
        return ids


ACTIONS_PER_INSERT = 10_000
"""Tracker actions per INSERT: few statements, and memory flat for a large log."""


def new_ids(connection: sa.Connection, table: sa.Table, count: int) -> list[int]:
    """Ids for ``count`` new rows of a table, the ones the database would give them.

    On PostgreSQL they are taken from the table's sequence; on SQLite the transaction holds the
    write lock, so the next ids are those after the largest (as SQLite itself numbers new rows).
    Rows inserted with them need no ids read back: one plain many-row INSERT.
    """
    if count <= 0:
        return []
    if connection.dialect.name == "postgresql":
        return [
            int(value)
            for value in connection.execute(
                sa.text(
                    "SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                    "FROM generate_series(1, :n)"
                ),
                {"table": table.name, "n": count},
            ).scalars()
        ]
    start = int(connection.execute(sa.select(func.max(table.c.id))).scalar_one() or 0) + 1
    return list(range(start, start + count))


@dataclass
class _Past:
    """The history rows of a batch's risks, inserted together."""

    assessments: list[dict[str, Any]] = field(default_factory=list)
    escalations: list[dict[str, Any]] = field(default_factory=list)
    reviews: list[dict[str, Any]] = field(default_factory=list)


def seal_batch(session: Session, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Audit events appended in order, each sealed onto the chain as ``audit.record`` seals one.

    See :func:`bct_risk.services.audit_chain.seal_events`.
    """
    return audit_chain.seal_events(session, rows)


def _people_to_ids(rows: list[dict[str, Any]]) -> None:
    """Each row's owner (a person, saved by now) as the person's id."""
    for row in rows:
        owner = row["owner_id"]
        if owner is not None:
            row["owner_id"] = id_of(owner)


def _table(model: type[Any]) -> sa.Table:
    table: sa.Table = model.__table__
    return table


def _file_of(source: str | None) -> str:
    """The file a risk was imported from, as its source names it ("register.xlsx row 4")."""
    text = source or ""
    for unit in (" row ", " record "):
        if unit in text:
            return Path(text.split(unit, 1)[0]).stem
    return ""


def reference_prefix(register: str | None, name: str) -> str:
    """The prefix for references the register already holds: --register, else the file's name."""
    basis = register or Path(name).stem
    words = re.sub(r"[^A-Za-z0-9]+", "-", basis).strip("-").upper()
    return words[:24].rstrip("-") or "IMP"


def _title_key(title: str) -> str:
    return " ".join(title.lower().split()).rstrip(".")
