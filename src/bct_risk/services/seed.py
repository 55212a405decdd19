"""Load the seed register (``seeds/*.yaml``, format in ``seeds/FORMAT.md``), idempotently.

The whole load is one transaction: a bad file loads nothing and the error names the file and
the record. Records already present (same key, reference or meeting) are left as they are.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import yaml
from sqlmodel import Session, col, select

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
from bct_risk.domain.errors import DomainError, PermissionDeniedError, ValidationError
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
    RiskLink,
)
from bct_risk.domain.scoring import Score
from bct_risk.services import audit
from bct_risk.services.audit import id_of
from bct_risk.services.context import Context
from bct_risk.services.latest import refresh_latest_scores
from bct_risk.services.permissions import Change, authorize
from bct_risk.storage.paths import SEEDS_DIR


@dataclass
class SeedReport:
    """What a seed load added (records already present are not counted)."""

    people: int = 0
    committees: int = 0
    meetings: int = 0
    risks: int = 0
    actions: int = 0

    def __str__(self) -> str:
        return (
            f"{self.risks} risks, {self.actions} tracker actions, {self.people} people, "
            f"{self.committees} committees, {self.meetings} meetings added"
        )


class _Where:
    """Where in the seed files a record is, for error messages."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    @contextmanager
    def at(self, part: str) -> Iterator[None]:
        self.parts.append(part)
        try:
            yield
        except Exception as exc:
            if not getattr(exc, "__notes__", None):
                exc.add_note(str(self))  # the innermost place, before the stack unwinds
            raise
        finally:
            self.parts.pop()

    def __str__(self) -> str:
        return ": ".join(self.parts)


def load_seeds(ctx: Context, folder: Path = SEEDS_DIR) -> SeedReport:
    """Load every ``*.yaml`` in the folder, in name order, in one transaction."""
    files = sorted(folder.glob("*.yaml"))
    if not files:
        raise ValidationError(f"no seed files (*.yaml) in {folder}")
    where = _Where()
    report = SeedReport()
    try:
        with ctx.transaction() as session:
            authorize(session, ctx, Change.IMPORT)  # a viewer may not load the seed register
            loader = _Loader(ctx, session, report, where)
            for path in files:
                with where.at(path.name):
                    try:
                        data = yaml.safe_load(path.read_text("utf-8")) or {}
                    except yaml.YAMLError as exc:
                        raise ValidationError(f"not valid YAML: {exc}") from exc
                    loader.load(data)
            from bct_risk.services.seed_assurance import load_assurance_seeds

            load_assurance_seeds(ctx, session, folder)  # objectives, scenarios, assurance
            from bct_risk.services.seed_indicators import load_indicator_seeds

            load_indicator_seeds(ctx, session, folder)  # key risk indicators
    except PermissionDeniedError:
        raise
    except DomainError as exc:
        raise ValidationError(f"{_place(exc)}: {exc}") from exc
    except KeyError as exc:
        raise ValidationError(f"{_place(exc)}: the field {exc} is missing") from exc
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"{_place(exc)}: {exc!s}") from exc
    return report


def _place(exc: BaseException) -> str:
    notes = getattr(exc, "__notes__", None)
    return str(notes[0]) if notes else "seeds"


class _Loader:
    def __init__(self, ctx: Context, session: Session, report: SeedReport, where: _Where) -> None:
        self.ctx, self.session, self.report, self.where = ctx, session, report, where
        self.now = ctx.now()

    def on(self, day: date | None) -> datetime:
        """When seeded history was recorded: on its own date (09:00 UTC), never after now.

        The register as at a past date (:mod:`bct_risk.services.as_at`) then reads the seeded
        history as the Trust recorded it, not as recorded on the day ``seed`` ran.
        """
        if day is None:
            return self.now
        return min(self.now, datetime.combine(day, time(9), tzinfo=UTC))

    def load(self, data: dict[str, Any]) -> None:
        unknown = set(data) - {"people", "committees", "meetings", "risks", "tracker"}
        unknown -= {"objectives", "scenarios", "assurance"}  # services.seed_assurance
        unknown -= {"indicators"}  # services.seed_indicators
        if unknown:
            raise ValidationError(f"unknown sections: {', '.join(sorted(unknown))}")
        for name, method in (
            ("people", self.person),
            ("committees", self.committee),
            ("meetings", self.meeting),
            ("risks", self.risk),
            ("tracker", self.tracker),
        ):
            for index, record in enumerate(data.get(name) or []):
                label = record.get("reference") or record.get("key") or index
                with self.where.at(f"{name}[{index}] ({label})"):
                    method(record)
        risks = data.get("risks") or []
        for index, record in enumerate(risks):
            with self.where.at(f"risks[{index}] ({record.get('reference')}): links"):
                self.links(record)

    # -- lookups ---------------------------------------------------------------------------

    def person_id(self, key: str | None) -> int | None:
        if not key:
            return None
        found = self.session.exec(select(Person).where(Person.key == key)).first()
        if found is None:
            raise ValidationError(f"no person has the key '{key}'")
        return id_of(found)

    def committee(self, record: dict[str, Any]) -> None:
        key = record["key"]
        if self.session.exec(select(Committee).where(Committee.key == key)).first():
            return
        committee = Committee(
            key=key,
            name=record["name"],
            short_name=record.get("short_name", ""),
            kind=CommitteeKind.parse(record["kind"]),
            source=str(record.get("source", "")),
            receives_register=bool(record.get("receives_register", False)),
            created_at=self.now,
        )
        self._add(committee, "committee", f"Loaded committee {committee.name} from the seeds")
        self.report.committees += 1

    def committee_id(self, key: str) -> int:
        found = self.session.exec(select(Committee).where(Committee.key == key)).first()
        if found is None:
            raise ValidationError(f"no committee has the key '{key}'")
        return id_of(found)

    def meeting_id(self, ref: dict[str, Any] | None) -> int | None:
        if not ref:
            return None
        committee_id = self.committee_id(ref["committee"])
        when = _date(ref["date"], "meeting date")
        found = self.session.exec(
            select(Meeting).where(
                Meeting.committee_id == committee_id, Meeting.meeting_date == when
            )
        ).first()
        if found is None:
            raise ValidationError(f"no meeting of '{ref['committee']}' on {when.isoformat()}")
        return id_of(found)

    # -- sections --------------------------------------------------------------------------

    def person(self, record: dict[str, Any]) -> None:
        key = record["key"]
        if self.session.exec(select(Person).where(Person.key == key)).first():
            return
        person = Person(
            key=key,
            name=record["name"],
            job_title=record.get("job_title", ""),
            source=str(record.get("source", "")),
            illustrative=bool(record.get("illustrative", False)),
            created_at=self.now,
        )
        self._add(person, "person", f"Loaded {person.name} from the seeds")
        self.report.people += 1

    def meeting(self, record: dict[str, Any]) -> None:
        committee_id = self.committee_id(record["committee"])
        when = _date(record["date"], "date")
        exists = self.session.exec(
            select(Meeting).where(
                Meeting.committee_id == committee_id, Meeting.meeting_date == when
            )
        ).first()
        if exists:
            return
        title = str(record.get("title", "") or "")
        if when < self.ctx.today():
            # A meeting that has taken place is no longer the next one.
            title = title.replace(" (next meeting)", "").replace("(next meeting)", "").strip()
        meeting = Meeting(
            committee_id=committee_id,
            meeting_date=when,
            title=title,
            source=str(record.get("source", "")),
            illustrative=bool(record.get("illustrative", False)),
            created_at=self.now,
        )
        self._add(meeting, "meeting", f"Loaded the meeting of {when.isoformat()} from the seeds")
        self.report.meetings += 1

    def risk(self, record: dict[str, Any]) -> None:
        reference = str(record["reference"]).strip().upper()
        if self.session.exec(select(Risk).where(Risk.reference == reference)).first():
            return
        status = RiskStatus.parse(record.get("status", "open"))
        if status == RiskStatus.CLOSED and not (
            record.get("closed_reason") and record.get("closed_on")
        ):
            raise ValidationError("a closed risk needs closed_reason and closed_on")
        illustrative = record.get("illustrative") or []
        risk = Risk(
            reference=reference,
            title=record["title"],
            description=record.get("description", "") or "",
            cause=record.get("cause", "") or "",
            effect=record.get("effect", "") or "",
            category=record.get("category", "") or "",
            tier=Tier.parse(record.get("tier", "strategic")),
            status=status,
            closed_reason=record.get("closed_reason"),
            closed_on=_date(record["closed_on"], "closed_on") if record.get("closed_on") else None,
            owner_id=self.person_id(record.get("owner")),
            lead_committee_id=(
                self.committee_id(record["lead_committee"])
                if record.get("lead_committee")
                else None
            ),
            appetite=Appetite.parse(record["appetite"]) if record.get("appetite") else None,
            treatment=Treatment.parse(record.get("treatment", "treat")),
            target_date=_date(record["target_date"], "target_date")
            if record.get("target_date")
            else None,
            review_frequency_days=record.get("review_frequency_days"),
            next_review_date=(
                _date(record["next_review_date"], "next_review_date")
                if record.get("next_review_date")
                else None
            ),
            exempt=bool(record.get("exempt", False)),
            source=str(record.get("source", "")),
            illustrative=list(illustrative) if isinstance(illustrative, list) else ["all"],
            created_at=self.on(_first_day(record)),
            updated_at=self.now,
        )
        self._add(risk, "risk", f"Loaded {reference}: {risk.title} from the seeds")
        rid = id_of(risk)
        latest_current: Assessment | None = None
        for index, item in enumerate(record.get("assessments") or []):
            with self.where.at(f"assessments[{index}]"):
                assessment = self.assessment(rid, item)
                if assessment.kind == ScoreKind.CURRENT and (
                    latest_current is None or assessment.assessed_on >= latest_current.assessed_on
                ):
                    latest_current = assessment
        refresh_latest_scores(self.session, [rid])
        if (
            latest_current is not None
            and risk.next_review_date is None
            and status == RiskStatus.OPEN
        ):
            risk.next_review_date = self.ctx.matrix.next_review(
                latest_current.assessed_on, latest_current.score, risk.review_frequency_days
            )
            self.session.add(risk)
        for index, item in enumerate(record.get("controls") or []):
            with self.where.at(f"controls[{index}]"):
                self.control(rid, item, risk.created_at)
        for index, item in enumerate(record.get("actions") or []):
            with self.where.at(f"actions[{index}]"):
                self.action(ActionKind.FURTHER_ACTION, item, risk_id=rid)
        for index, item in enumerate(record.get("reviews") or []):
            with self.where.at(f"reviews[{index}]"):
                self.review(rid, item)
        for index, item in enumerate(record.get("escalations") or []):
            with self.where.at(f"escalations[{index}]"):
                self.escalation(risk, item)
        self.report.risks += 1

    def assessment(self, risk_id: int, item: dict[str, Any]) -> Assessment:
        score = Score(item["likelihood"], item["impact"])
        rationale = str(item.get("rationale", "")).strip()
        if not rationale:
            raise ValidationError("a rationale is required")
        assessment = Assessment(
            risk_id=risk_id,
            kind=ScoreKind.parse(item["kind"]),
            likelihood=score.likelihood,
            impact=score.impact,
            score=score.value,
            assessed_on=_date(item["assessed_on"], "assessed_on"),
            rationale=rationale,
            assessed_by=str(item.get("by") or "imported"),
            meeting_id=self.meeting_id(item.get("meeting")),
            illustrative=bool(item.get("illustrative", False)),
            created_at=self.on(_date(item["assessed_on"], "assessed_on")),
        )
        self.session.add(assessment)
        self.session.flush()
        return assessment

    def control(self, risk_id: int, item: dict[str, Any], recorded: datetime) -> None:
        self.session.add(
            Control(
                risk_id=risk_id,
                description=item["description"],
                owner_id=self.person_id(item.get("owner")),
                effectiveness=Effectiveness.parse(item.get("effectiveness", "not_assessed")),
                assurance_line=item.get("assurance_line"),
                source=str(item.get("source", "")),
                illustrative=bool(item.get("illustrative", False)),
                created_at=recorded,
                updated_at=self.now,
            )
        )

    def action(
        self,
        kind: ActionKind,
        item: dict[str, Any],
        *,
        risk_id: int | None = None,
        meeting_id: int | None = None,
        raised_on: date | None = None,
    ) -> Action:
        raised = raised_on or _date(item["raised_on"], "raised_on")
        due = _date(item["due_date"], "due_date") if item.get("due_date") else None
        if due is not None and due < raised:
            raise ValidationError(f"due date {due.isoformat()} is before the date raised")
        status = ActionStatus.parse(item.get("status", "open"))
        updates = item.get("updates") or []
        last_update = max((_date(u["date"], "update date") for u in updates), default=raised)
        action = Action(
            kind=kind,
            risk_id=risk_id,
            meeting_id=meeting_id,
            agenda_item=item.get("agenda_item", "") or "",
            description=str(item.get("description") or item.get("action") or "").strip(),
            owner_id=self.person_id(item.get("owner")),
            raised_on=raised,
            due_date=due,
            status=status,
            completed_on=last_update if status == ActionStatus.COMPLETE else None,
            source=str(item.get("source", "")),
            illustrative=bool(item.get("illustrative", False)),
            created_at=self.on(raised),
            updated_at=self.now,
        )
        if not action.description:
            raise ValidationError("an action needs its text")
        self.session.add(action)
        self.session.flush()
        for update in updates:
            day = _date(update["date"], "update date")
            self.session.add(
                ActionUpdate(
                    action_id=id_of(action),
                    update_date=day,
                    text=str(update["text"]).strip(),
                    # Who gave the update in the document, else "imported": never whoever
                    # happened to run the seed.
                    author=str(update.get("by") or "imported"),
                    created_at=self.on(day),
                )
            )
        return action

    def review(self, risk_id: int, item: dict[str, Any]) -> None:
        meeting_id = self.meeting_id(item["meeting"])
        meeting = self.session.get(Meeting, meeting_id)
        assert meeting is not None
        current = self.session.exec(
            select(Assessment)
            .where(
                Assessment.risk_id == risk_id,
                Assessment.kind == ScoreKind.CURRENT,
                Assessment.assessed_on <= meeting.meeting_date,
            )
            .order_by(col(Assessment.assessed_on).desc(), col(Assessment.id).desc())
        ).first()
        self.session.add(
            CommitteeReview(
                meeting_id=id_of(meeting),
                risk_id=risk_id,
                outcome=ReviewOutcome.parse(item["outcome"]),
                assurance=Assurance.parse(item["assurance"]) if item.get("assurance") else None,
                comments=item.get("comments", "") or "",
                likelihood=current.likelihood if current else None,
                impact=current.impact if current else None,
                score=current.score if current else None,
                recorded_by=str(item.get("by") or "imported"),
                illustrative=bool(item.get("illustrative", False)),
                created_at=self.on(meeting.meeting_date),
                updated_at=self.now,
            )
        )

    def escalation(self, risk: Risk, item: dict[str, Any]) -> None:
        to_tier = Tier.parse(item["to_tier"])
        from_tier = Tier.parse(item["from_tier"]) if item.get("from_tier") else Tier(risk.tier)
        self.session.add(
            Escalation(
                risk_id=id_of(risk),
                direction=EscalationDirection.parse(item.get("direction", "escalate")),
                from_tier=from_tier,
                to_tier=to_tier,
                from_committee_id=risk.lead_committee_id,
                to_committee_id=self.committee_id(item["to_committee"])
                if item.get("to_committee")
                else None,
                reason=str(item["reason"]).strip(),
                decision=str(item.get("decision", "agreed")),
                decided_on=_date(item["decided_on"], "decided_on"),
                decided_by=str(item.get("by") or self.ctx.actor),
                meeting_id=self.meeting_id(item.get("meeting")),
                illustrative=bool(item.get("illustrative", False)),
                created_at=self.on(_date(item["decided_on"], "decided_on")),
            )
        )
        risk.tier = to_tier
        self.session.add(risk)

    def tracker(self, record: dict[str, Any]) -> None:
        meeting_id = self.meeting_id(record["meeting"])
        meeting = self.session.get(Meeting, meeting_id)
        assert meeting is not None
        text = str(record.get("action", "")).strip()
        exists = self.session.exec(
            select(Action.id).where(Action.meeting_id == meeting_id, Action.description == text)
        ).first()
        if exists:
            return
        risk_id = None
        if record.get("risk"):
            found = self.session.exec(
                select(Risk).where(Risk.reference == str(record["risk"]).upper())
            ).first()
            if found is None:
                raise ValidationError(f"no risk has the reference '{record['risk']}'")
            risk_id = found.id
        action = self.action(
            ActionKind.TRACKER, record, risk_id=risk_id, meeting_id=meeting_id,
            raised_on=meeting.meeting_date,
        )  # fmt: skip
        audit.record(
            self.session,
            self.ctx,
            entity="action",
            entity_id=id_of(action),
            risk_id=risk_id,
            action="seed",
            summary=f"Loaded tracker action #{action.id} from the seeds",
        )
        self.report.actions += 1

    def links(self, record: dict[str, Any]) -> None:
        reference = str(record["reference"]).upper()
        for other in record.get("links") or []:
            first = self.session.exec(select(Risk).where(Risk.reference == reference)).one()
            second = self.session.exec(
                select(Risk).where(Risk.reference == str(other).upper())
            ).first()
            if second is None:
                raise ValidationError(f"no risk has the reference '{other}'")
            low, high = sorted((id_of(first), id_of(second)))
            if self.session.exec(
                select(RiskLink).where(RiskLink.risk_id == low, RiskLink.linked_risk_id == high)
            ).first():
                continue
            self.session.add(RiskLink(risk_id=low, linked_risk_id=high, created_at=self.now))
            self.session.flush()

    def _add(self, record: Any, entity: str, summary: str) -> None:
        self.session.add(record)
        self.session.flush()
        audit.record(
            self.session, self.ctx, entity=entity, entity_id=id_of(record), action="seed",
            summary=summary,
        )  # fmt: skip


def _first_day(record: dict[str, Any]) -> date | None:
    """The earliest date a seeded risk's history gives: when it was first on the register."""
    days: list[date] = []
    for item in record.get("assessments") or []:
        days.append(_date(item["assessed_on"], "assessed_on"))
    for item in record.get("actions") or []:
        if item.get("raised_on"):
            days.append(_date(item["raised_on"], "raised_on"))
    for item in record.get("escalations") or []:
        days.append(_date(item["decided_on"], "decided_on"))
    if record.get("recorded_on"):
        days.append(_date(record["recorded_on"], "recorded_on"))
    return min(days, default=None)


def _date(value: Any, what: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise ValidationError(f"{what} '{value}' is not a date (YYYY-MM-DD)") from exc
