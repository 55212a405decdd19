"""What this product's JSON export carries beyond a batch's rows, written back by its import.

The batch door (:mod:`bct_risk.services.bulk`) writes the risks with their history. A register
exported as JSON also says which values are illustrative, each control's sources of assurance,
each risk's closures and reopenings (audit events, so that the register as at any date reads as
it did), the committees' short names and the meetings' titles: these are written here, in the
import's transaction, once the batch has given the records their ids.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from bct_risk.domain.enums import Assurance, Effectiveness
from bct_risk.domain.errors import NotFoundError
from bct_risk.domain.models import (
    Action,
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
from bct_risk.services import audit, audit_chain
from bct_risk.services.assurance import add_assurance_source_in
from bct_risk.services.context import Context
from bct_risk.services.lookup import find_person

MeetingKey = tuple[str, date]
"""A meeting as the export names it: its committee's full name and its date."""


@dataclass(frozen=True)
class SourceIn:
    """A source of assurance on a control, as the export gives it."""

    evidence: str
    received_on: date
    line: int
    provider: str = ""
    positive: bool = True
    reference: str = ""
    sha256: str | None = None
    source: str = ""
    illustrative: bool = False


@dataclass(frozen=True)
class ClosureIn:
    """A closure (``close``, counting from ``on``) or a reopening (``reopen``) of a risk."""

    action: str
    on: date
    reason: str
    by: str
    recorded_on: date
    closed_reason: str = ""


@dataclass(frozen=True)
class RetiredIn:
    """A control no longer in place, as the export gives it: added, then retired from
    ``retired_on``, the retirement recorded on ``recorded_on`` by ``by``."""

    description: str
    retired_on: date
    reason: str
    recorded_on: date
    by: str = ""
    owner: str = ""
    effectiveness: Effectiveness = Effectiveness.NOT_ASSESSED
    assurance_line: int | None = None
    assurance_level: Assurance | None = None
    key_control: bool = True
    illustrative: bool = False
    sources: list[SourceIn] = field(default_factory=list)


@dataclass
class RiskExtras:
    """One risk's values beyond the batch's rows; the lists follow the order of the record's
    controls, further actions, history, escalations and reviews."""

    illustrative: list[str] = field(default_factory=list)
    controls: list[tuple[bool, list[SourceIn]]] = field(default_factory=list)
    actions: list[bool] = field(default_factory=list)
    assessments: list[bool] = field(default_factory=list)
    escalations: list[bool] = field(default_factory=list)
    reviews: list[bool] = field(default_factory=list)
    closures: list[ClosureIn] = field(default_factory=list)
    retired: list[RetiredIn] = field(default_factory=list)
    """Its retired controls, in the export's order."""
    no_review: bool = False
    """Open with a current score and no next review date (a risk reopened after it was seeded
    or imported closed): kept so, not given the date the batch works out."""

    @property
    def anything(self) -> bool:
        """Whether there is anything to write beyond the batch's rows."""
        return bool(
            self.illustrative
            or self.closures
            or self.retired
            or self.no_review
            or any(marked or sources for marked, sources in self.controls)
            or any(self.actions + self.assessments + self.escalations + self.reviews)
        )


@dataclass
class RegisterExtras:
    """What the export carries beyond the rows: per risk (by the file's reference), and the
    committees' short names and meetings' titles."""

    risks: dict[str, RiskExtras] = field(default_factory=dict)
    committees: dict[str, str] = field(default_factory=dict)
    meetings: dict[MeetingKey, str] = field(default_factory=dict)


def _ids(session: Session, column: Any, where: Any) -> list[int]:
    return [int(i) for i in session.exec(select(column).where(where).order_by(column))]


def restore_extras(
    ctx: Context,
    extras: RegisterExtras,
    references: list[str],
    meetings: list[str],
    *,
    sources: bool = True,
) -> None:
    """Write the extras of the risks just imported (``references``, as the batch gave them),
    the short names of committees that have none, and the titles of the meetings the import
    added (``meetings``: "committee date", as :class:`bulk.ImportCounts` names them).

    Sources of assurance go through their use case, which checks the person's permission;
    ``sources=False`` (a dry run, which checks none) leaves them out."""
    with ctx.transaction() as session:
        found: list[tuple[int | None, str, str | None]] = []
        for start in range(0, len(references), 500):
            found += session.exec(
                select(Risk.id, Risk.reference, Risk.source_reference).where(
                    col(Risk.reference).in_(references[start : start + 500])
                )
            ).all()
        events: list[AuditEvent] = []
        for found_id, reference, given in found:
            rid = int(found_id or 0)
            risk = extras.risks.get(given or reference)
            if risk is None or not risk.anything:
                continue
            _flags(session, rid, risk)
            controls = _ids(session, Control.id, col(Control.risk_id) == rid)
            for cid, (_, listed) in zip(controls, risk.controls, strict=False):
                for s in listed if sources else ():
                    add_assurance_source_in(
                        session, ctx, cid, evidence=s.evidence, line=s.line,
                        received_on=s.received_on, provider=s.provider, positive=s.positive,
                        reference=s.reference, sha256=s.sha256, source=s.source,
                        illustrative=s.illustrative,
                    )  # fmt: skip
            events += [_closure(ctx, rid, reference, c) for c in risk.closures]
            for c in risk.retired:
                events += _retired(session, ctx, rid, reference, c, sources=sources)
        for event in events:  # each sealed with its own who and when
            audit_chain.seal(session, event)
            session.add(event)
            session.flush()
        _names(session, ctx, extras, set(meetings))


def _flags(session: Session, rid: int, risk: RiskExtras) -> None:
    """The illustrative flags of the risk and of what hangs off it, in the order written."""
    if risk.illustrative:
        session.execute(
            sa.update(Risk).where(col(Risk.id) == rid).values(illustrative=list(risk.illustrative))
        )
    if risk.no_review:
        session.execute(sa.update(Risk).where(col(Risk.id) == rid).values(next_review_date=None))
    further = col(Action.risk_id) == rid
    for model, where, marks in (
        (Control, col(Control.risk_id) == rid, [c[0] for c in risk.controls]),
        (Action, further, risk.actions),
        (Assessment, col(Assessment.risk_id) == rid, risk.assessments),
        (Escalation, col(Escalation.risk_id) == rid, risk.escalations),
        (CommitteeReview, col(CommitteeReview.risk_id) == rid, risk.reviews),
    ):
        key = col(model.id)
        ids = _ids(session, key, where)
        marked = [i for i, mark in zip(ids, marks, strict=False) if mark]
        if marked:
            session.execute(sa.update(model).where(key.in_(marked)).values(illustrative=True))


def _closure(ctx: Context, rid: int, reference: str, c: ClosureIn) -> AuditEvent:
    """The audit event of a closure or reopening, as the services write it, on its own day."""
    if c.action == "close":
        summary = f"Closed {reference}: {c.reason}"
        changes = {"status": ["open", "closed"], "reason": c.reason, "closed_on": c.on}
    else:
        summary = f"Reopened {reference}: {c.reason}"
        changes = {"status": ["closed", "open"], "reason": c.reason,
                   "closed_reason": c.closed_reason or None}  # fmt: skip
    at = min(ctx.now(), datetime.combine(c.recorded_on, time(9), tzinfo=UTC))
    return AuditEvent(
        at=at, actor=c.by or "imported", entity="risk", entity_id=rid, risk_id=rid,
        action=c.action, summary=summary,
        changes={k: audit.plain(v) for k, v in changes.items()},
    )  # fmt: skip


def _owner(session: Session, ctx: Context, name: str) -> int | None:
    """The person a control names (someone new where nobody has that name, as the batch adds
    the people its rows name)."""
    if not name.strip():
        return None
    try:
        return find_person(session, name).id
    except NotFoundError:
        person = Person(name=name.strip(), created_at=ctx.now(), source="import")
        session.add(person)
        session.flush()
        audit.record(
            session, ctx, entity="person", entity_id=person.id, action="create",
            summary=f"Added {person.name} (named in an import)", changes={"name": person.name},
        )  # fmt: skip
        return person.id


def _retired(
    session: Session, ctx: Context, rid: int, reference: str, c: RetiredIn, *, sources: bool
) -> list[AuditEvent]:
    """Add a retired control as the use cases do, with its sources of assurance, then retire
    it. Its audit events are returned to be sealed with the others: the addition in place by
    the day it was retired from (the export does not say when it was added), the retirement on
    the day it was recorded (see :mod:`bct_risk.services.controls`)."""
    now = ctx.now()
    added = min(now, datetime.combine(c.retired_on, time(9), tzinfo=UTC))
    control = Control(
        risk_id=rid, description=c.description, owner_id=_owner(session, ctx, c.owner),
        effectiveness=c.effectiveness, assurance_line=c.assurance_line,
        assurance_level=c.assurance_level, key_control=c.key_control,
        illustrative=c.illustrative, created_at=added, updated_at=now,
    )  # fmt: skip
    session.add(control)
    session.flush()
    cid = audit.id_of(control)
    create = AuditEvent(
        at=added, actor=c.by or "imported", entity="control", entity_id=cid, risk_id=rid,
        action="create", summary=f"Added a control to {reference}: {c.description}",
        changes={"description": c.description, "effectiveness": c.effectiveness.value,
                 "owner": c.owner or None},
    )  # fmt: skip
    for s in c.sources if sources else ():
        add_assurance_source_in(
            session, ctx, cid, evidence=s.evidence, line=s.line, received_on=s.received_on,
            provider=s.provider, positive=s.positive, reference=s.reference, sha256=s.sha256,
            source=s.source, illustrative=s.illustrative,
        )  # fmt: skip
    control.retired_on, control.retired_reason = c.retired_on, c.reason
    control.version += 1
    session.add(control)
    session.flush()
    at = min(now, datetime.combine(c.recorded_on, time(9), tzinfo=UTC))
    return [create, AuditEvent(
        at=at, actor=c.by or "imported", entity="control", entity_id=cid, risk_id=rid,
        action="retire", summary=f"Retired control {cid} of {reference}: {c.description}",
        changes={"retired_on": [None, c.retired_on.isoformat()],
                 "retired_reason": ["", c.reason]},
    )]  # fmt: skip


def _names(session: Session, ctx: Context, extras: RegisterExtras, added: set[str]) -> None:
    """Short names of committees that have none, titles of the meetings the import added."""
    for name, short in extras.committees.items():
        body = session.exec(select(Committee).where(Committee.name == name)).first()
        if body is None or not short or body.short_name:
            continue
        body.short_name = short
        session.add(body)
        session.flush()
        audit.record(
            session, ctx, entity="committee", entity_id=body.id, action="import",
            summary=f"Short name of the {name}: {short}", changes={"short_name": ["", short]},
        )  # fmt: skip
    if not (extras.meetings and added):
        return
    bodies = {b.id: b.name for b in session.exec(select(Committee))}
    for meeting in session.exec(select(Meeting)):
        key = (bodies.get(meeting.committee_id, ""), meeting.meeting_date)
        title = extras.meetings.get(key)
        if title is None or meeting.title == title or f"{key[0]} {key[1]}" not in added:
            continue
        old, meeting.title = meeting.title, title
        session.add(meeting)
        session.flush()
        audit.record(
            session, ctx, entity="meeting", entity_id=meeting.id, action="import",
            summary=f"Title of the meeting of {key[0]} on {key[1].isoformat()}: {title}",
            changes={"title": [old, title]},
        )  # fmt: skip
