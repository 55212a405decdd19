"""Load the seed register (``seeds/*.yaml``, format in ``seeds/FORMAT.md``), idempotently.

Every record is added through the register's use cases (people, committees, meetings, risks
and their scores, controls, actions, updates, reviews, escalations and links), so the seed is
one more writer through the one door. The whole load is one transaction: a bad file loads
nothing and the error names the file and the record. Records already present (same key,
reference or meeting) are left as they are.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import yaml
from sqlmodel import Session, select

from bct_risk.domain.enums import (
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
from bct_risk.domain.models import Action, Committee, Meeting, Person, Risk, RiskCreate, RiskLink
from bct_risk.domain.scoring import Score
from bct_risk.services.actions import (
    AsRecorded,
    add_control,
    add_further_action,
    add_update,
    raise_tracker_action,
)
from bct_risk.services.audit import id_of
from bct_risk.services.committees import add_committee, add_meeting, record_review
from bct_risk.services.context import Context
from bct_risk.services.escalation import move_risk
from bct_risk.services.people import add_person
from bct_risk.services.permissions import Change, authorize
from bct_risk.services.risks import close_risk, create_risk, link_risks, score_risk
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
    """Load every ``*.yaml`` in the folder, in name order, in one transaction.

    Every record goes through the register's use cases (the same checks and audit events as
    when a user adds it), all inside one unit of work: all of the seed register, or nothing.
    """
    files = sorted(folder.glob("*.yaml"))
    if not files:
        raise ValidationError(f"no seed files (*.yaml) in {folder}")
    where = _Where()
    report = SeedReport()
    try:
        with ctx.unit_of_work() as work:
            session = work.session
            assert session is not None
            authorize(session, work, Change.IMPORT)  # a viewer may not load the seed register
            loader = _Loader(work, session, report, where)
            for path in files:
                with where.at(path.name):
                    try:
                        data = read_seed_file(path)
                    except yaml.YAMLError as exc:
                        raise ValidationError(f"not valid YAML: {exc}") from exc
                    loader.load(data)
            from bct_risk.services.seed_assurance import load_assurance_seeds

            load_assurance_seeds(work, session, folder)  # objectives, scenarios, assurance
            from bct_risk.services.seed_indicators import load_indicator_seeds

            load_indicator_seeds(work, session, folder)  # key risk indicators
    except PermissionDeniedError:
        raise
    except DomainError as exc:
        raise ValidationError(f"{_place(exc)}: {exc}") from exc
    except KeyError as exc:
        raise ValidationError(f"{_place(exc)}: the field {exc} is missing") from exc
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"{_place(exc)}: {exc!s}") from exc
    return report


def read_seed_file(path: Path) -> dict[str, Any]:
    """A seed file's records (read with libyaml's parser where it is installed: much faster)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(path.read_text("utf-8"), Loader=loader)  # a safe loader, C or Python
    return data or {}


def _place(exc: BaseException) -> str:
    notes = getattr(exc, "__notes__", None)
    return str(notes[0]) if notes else "seeds"


class _Loader:
    """Reads the seed records and adds each through its use case, in the caller's unit of work.

    Seeded history is recorded on its own dates: each use case runs with a clock stopped at the
    day the record took effect (see :meth:`on`), so its ``created_at`` and its audit event say
    when the Trust recorded it, and the register as at a past day
    (:mod:`bct_risk.services.as_at`) reads the seed as the Trust had it then.
    """

    def __init__(self, ctx: Context, session: Session, report: SeedReport, where: _Where) -> None:
        self.ctx, self.session, self.report, self.where = ctx, session, report, where
        self.now = ctx.now()

    def on(self, day: date | None) -> datetime:
        """When seeded history was recorded: on its own date (09:00 UTC), never after now."""
        if day is None:
            return self.now
        return min(self.now, datetime.combine(day, time(9), tzinfo=UTC))

    def at(self, day: date | None) -> Context:
        """The unit of work, its clock stopped at when the history of ``day`` was recorded."""
        when = self.on(day)
        return replace(self.ctx, clock=lambda: when)

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

    # -- lookups (for the seed files' own messages) ----------------------------------------

    def person_key(self, key: str | None) -> str | None:
        if not key:
            return None
        if self.session.exec(select(Person.id).where(Person.key == key)).first() is None:
            raise ValidationError(f"no person has the key '{key}'")
        return str(key)

    def committee_key(self, key: str) -> str:
        if self.session.exec(select(Committee.id).where(Committee.key == key)).first() is None:
            raise ValidationError(f"no committee has the key '{key}'")
        return str(key)

    def committee_id(self, key: str) -> int:
        found = self.session.exec(select(Committee).where(Committee.key == key)).first()
        if found is None:
            raise ValidationError(f"no committee has the key '{key}'")
        return id_of(found)

    def meeting_ref(self, ref: dict[str, Any] | None) -> tuple[str, date] | None:
        """A meeting named in a seed file, as the use cases take it (committee, date)."""
        if not ref:
            return None
        committee_id = self.committee_id(ref["committee"])
        when = _date(ref["date"], "meeting date")
        found = self.session.exec(
            select(Meeting.id).where(
                Meeting.committee_id == committee_id, Meeting.meeting_date == when
            )
        ).first()
        if found is None:
            raise ValidationError(f"no meeting of '{ref['committee']}' on {when.isoformat()}")
        return str(ref["committee"]), when

    # -- sections --------------------------------------------------------------------------

    def person(self, record: dict[str, Any]) -> None:
        key = record["key"]
        if self.session.exec(select(Person.id).where(Person.key == key)).first():
            return
        add_person(
            self.ctx,
            record["name"],
            job_title=record.get("job_title", "") or "",
            key=key,
            source=str(record.get("source", "")),
            illustrative=bool(record.get("illustrative", False)),
        )
        self.report.people += 1

    def committee(self, record: dict[str, Any]) -> None:
        key = record["key"]
        if self.session.exec(select(Committee.id).where(Committee.key == key)).first():
            return
        add_committee(
            self.ctx,
            record["name"],
            kind=CommitteeKind(CommitteeKind.parse(record["kind"])),
            key=key,
            short_name=record.get("short_name", "") or "",
            source=str(record.get("source", "")),
            receives_register=bool(record.get("receives_register", False)),
        )
        self.report.committees += 1

    def meeting(self, record: dict[str, Any]) -> None:
        key = self.committee_key(record["committee"])
        committee_id = self.committee_id(key)
        when = _date(record["date"], "date")
        exists = self.session.exec(
            select(Meeting.id).where(
                Meeting.committee_id == committee_id, Meeting.meeting_date == when
            )
        ).first()
        if exists:
            return
        add_meeting(
            self.ctx,
            key,
            when,
            str(record.get("title", "") or ""),
            source=str(record.get("source", "")),
            illustrative=bool(record.get("illustrative", False)),
        )
        self.report.meetings += 1

    def risk(self, record: dict[str, Any]) -> None:
        reference = str(record["reference"]).strip().upper()
        if self.session.exec(select(Risk.id).where(Risk.reference == reference)).first():
            return
        status = RiskStatus.parse(record.get("status", "open"))
        if status == RiskStatus.CLOSED and not (
            record.get("closed_reason") and record.get("closed_on")
        ):
            raise ValidationError("a closed risk needs closed_reason and closed_on")
        illustrative = record.get("illustrative") or []
        next_review = (
            _date(record["next_review_date"], "next_review_date")
            if record.get("next_review_date")
            else None
        )
        if next_review is None and status == RiskStatus.OPEN:
            next_review = self.next_review(record)
        data = RiskCreate(
            reference=reference,
            title=record["title"],
            description=record.get("description", "") or "",
            cause=record.get("cause", "") or "",
            effect=record.get("effect", "") or "",
            category=record.get("category", "") or "",
            tier=Tier.parse(record.get("tier", "strategic")),
            owner=self.person_key(record.get("owner")),
            lead_committee=(
                self.committee_key(record["lead_committee"])
                if record.get("lead_committee")
                else None
            ),
            appetite=Appetite.parse(record["appetite"]) if record.get("appetite") else None,
            treatment=Treatment.parse(record.get("treatment", "treat")),
            target_date=_date(record["target_date"], "target_date")
            if record.get("target_date")
            else None,
            review_frequency_days=record.get("review_frequency_days"),
            next_review_date=next_review,
            exempt=bool(record.get("exempt", False)),
            source=str(record.get("source", "")),
        )
        create_risk(
            self.at(_first_day(record)),
            data,
            illustrative=list(illustrative) if isinstance(illustrative, list) else ["all"],
        )
        for index, item in enumerate(record.get("assessments") or []):
            with self.where.at(f"assessments[{index}]"):
                self.assessment(reference, item)
        for index, item in enumerate(record.get("controls") or []):
            with self.where.at(f"controls[{index}]"):
                self.control(reference, item, _first_day(record))
        for index, item in enumerate(record.get("actions") or []):
            with self.where.at(f"actions[{index}]"):
                self.further_action(reference, item)
        for index, item in enumerate(record.get("reviews") or []):
            with self.where.at(f"reviews[{index}]"):
                self.review(reference, item)
        for index, item in enumerate(record.get("escalations") or []):
            with self.where.at(f"escalations[{index}]"):
                self.escalation(reference, item)
        if status == RiskStatus.CLOSED:
            closed_on = _date(record["closed_on"], "closed_on")
            close_risk(
                self.at(closed_on),
                reference,
                reason=str(record["closed_reason"]),
                closed_on=closed_on,
            )
        self.report.risks += 1

    def next_review(self, record: dict[str, Any]) -> date | None:
        """The next review date the risk's latest current score sets (as scoring sets it).

        Seeded scores are history entered after the event, so they are recorded without
        moving the review date one by one; the register as at a past day then reads the same
        review date whichever score came first.
        """
        latest: tuple[date, int] | None = None
        for index, item in enumerate(record.get("assessments") or []):
            with self.where.at(f"assessments[{index}]"):
                if ScoreKind.parse(item["kind"]) != ScoreKind.CURRENT:
                    continue
                when = _date(item["assessed_on"], "assessed_on")
                score = Score(item["likelihood"], item["impact"])
                if latest is None or when >= latest[0]:
                    latest = (when, score.value)
        if latest is None:
            return None
        return self.ctx.matrix.next_review(
            latest[0], latest[1], record.get("review_frequency_days")
        )

    def assessment(self, reference: str, item: dict[str, Any]) -> None:
        when = _date(item["assessed_on"], "assessed_on")
        score_risk(
            self.at(when),
            reference,
            likelihood=item["likelihood"],
            impact=item["impact"],
            rationale=str(item.get("rationale", "")),
            kind=ScoreKind(ScoreKind.parse(item["kind"])),
            assessed_on=when,
            meeting=self.meeting_ref(item.get("meeting")),
            by=str(item.get("by") or "imported"),
            illustrative=bool(item.get("illustrative", False)),
            reschedule=False,
        )

    def control(self, reference: str, item: dict[str, Any], recorded: date | None) -> None:
        add_control(
            self.at(recorded),
            reference,
            description=item["description"],
            owner=self.person_key(item.get("owner")),
            effectiveness=Effectiveness(
                Effectiveness.parse(item.get("effectiveness", "not_assessed"))
            ),
            assurance_line=item.get("assurance_line"),
            source=str(item.get("source", "")),
            illustrative=bool(item.get("illustrative", False)),
        )

    def as_recorded(self, item: dict[str, Any], raised: date) -> AsRecorded:
        """How a seeded action stands: complete on its `completed_on`, else its last update."""
        status = ActionStatus(ActionStatus.parse(item.get("status", "open")))
        updates = item.get("updates") or []
        last = max((_date(u["date"], "update date") for u in updates), default=raised)
        if item.get("completed_on"):
            last = _date(item["completed_on"], "completed_on")
        return AsRecorded(
            status=status,
            completed_on=last if status == ActionStatus.COMPLETE else None,
            source=str(item.get("source", "")),
            illustrative=bool(item.get("illustrative", False)),
        )

    def further_action(self, reference: str, item: dict[str, Any]) -> None:
        raised = _date(item["raised_on"], "raised_on")
        action = add_further_action(
            self.at(raised),
            reference,
            description=str(item.get("description") or item.get("action") or ""),
            owner=self.person_key(item.get("owner")),
            due_date=_date(item["due_date"], "due_date") if item.get("due_date") else None,
            raised_on=raised,
            recorded=self.as_recorded(item, raised),
        )
        self.updates(id_of(action), item)

    def updates(self, action_id: int, item: dict[str, Any]) -> None:
        for update in item.get("updates") or []:
            day = _date(update["date"], "update date")
            # Who gave the update in the document, else "imported": never whoever happened
            # to run the seed.
            add_update(
                self.at(day),
                action_id,
                text=str(update["text"]),
                update_date=day,
                by=str(update.get("by") or "imported"),
            )

    def review(self, reference: str, item: dict[str, Any]) -> None:
        ref = self.meeting_ref(item["meeting"])
        assert ref is not None
        record_review(
            self.at(ref[1]),
            reference,
            committee=ref[0],
            meeting_date=ref[1],
            outcome=ReviewOutcome(ReviewOutcome.parse(item["outcome"])),
            assurance=Assurance(Assurance.parse(item["assurance"]))
            if item.get("assurance")
            else None,
            comments=item.get("comments", "") or "",
            by=str(item.get("by") or "imported"),
            illustrative=bool(item.get("illustrative", False)),
        )

    def escalation(self, reference: str, item: dict[str, Any]) -> None:
        to_tier = Tier(Tier.parse(item["to_tier"]))
        risk = self.session.exec(select(Risk).where(Risk.reference == reference)).one()
        if item.get("from_tier") and Tier.parse(item["from_tier"]) != risk.tier:
            raise ValidationError(
                f"{reference} is on the {Tier(risk.tier).value} register, not "
                f"{Tier(Tier.parse(item['from_tier'])).value}"
            )
        to = self.committee_key(item["to_committee"]) if item.get("to_committee") else None
        decided_on = _date(item["decided_on"], "decided_on")
        moved = move_risk(
            self.at(decided_on),
            reference,
            to=to or to_tier.value,
            reason=str(item["reason"]),
            direction=EscalationDirection(
                EscalationDirection.parse(item.get("direction", "escalate"))
            ),
            decided_on=decided_on,
            meeting=self.meeting_ref(item.get("meeting")),
            decision=str(item.get("decision", "agreed")),
            by=str(item.get("by") or "") or None,
            illustrative=bool(item.get("illustrative", False)),
        )
        if moved.to_tier != to_tier:
            raise ValidationError(
                f"the committee '{to}' sits on the {Tier(moved.to_tier).value} register, "
                f"not {to_tier.value}"
            )

    def tracker(self, record: dict[str, Any]) -> None:
        ref = self.meeting_ref(record["meeting"])
        assert ref is not None
        meeting_id = self.session.exec(
            select(Meeting.id).where(
                Meeting.committee_id == self.committee_id(ref[0]), Meeting.meeting_date == ref[1]
            )
        ).one()
        text = str(record.get("action", "")).strip()
        exists = self.session.exec(
            select(Action.id).where(Action.meeting_id == meeting_id, Action.description == text)
        ).first()
        if exists:
            return
        risk = None
        if record.get("risk"):
            risk = str(record["risk"]).upper()
            if self.session.exec(select(Risk.id).where(Risk.reference == risk)).first() is None:
                raise ValidationError(f"no risk has the reference '{record['risk']}'")
        raised = ref[1]
        due = _date(record["due_date"], "due_date") if record.get("due_date") else None
        action = raise_tracker_action(
            self.at(raised),
            committee=ref[0],
            meeting_date=raised,
            agenda_item=str(record.get("agenda_item", "") or ""),
            description=str(record.get("description") or text),
            owner=self.person_key(record.get("owner")),
            due_date=due,
            risk=risk,
            recorded=self.as_recorded(record, raised),
        )
        self.updates(id_of(action), record)
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
                select(RiskLink.id).where(RiskLink.risk_id == low, RiskLink.linked_risk_id == high)
            ).first():
                continue
            link_risks(self.ctx, reference, second.reference)


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
