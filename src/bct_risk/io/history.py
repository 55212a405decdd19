"""A risk's history as this product's own JSON export gives it, read back for the import.

The export (``bct_risk.export.data.register_json``) gives each risk the day it was recorded and
closed, its review interval, every assessment (``history``), its ``escalations`` and committee
``reviews``. Each is checked before anything is written: dates are ISO dates not after today,
scores on the 1-5 scales, words from the register's vocabularies, history oldest first, and the
risk's latest scores the last of its history. A problem names the record, the risk's reference and
the field's path (``history[2].likelihood``); any error stops the import.

What the export carries beyond the rows is read here too (:class:`RegisterExtras`): which values
are illustrative, each control's sources of assurance, each risk's closures and reopenings and
its retired controls, and, for the file as a whole (record 0), the committees' short names and
the meetings' titles.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, TypeVar

from bct_risk.domain.enums import (
    Assurance,
    Effectiveness,
    EscalationDirection,
    Labelled,
    ReviewOutcome,
    RiskStatus,
    ScoreKind,
    Tier,
)
from bct_risk.domain.models import MAX_REVIEW_DAYS
from bct_risk.io.records import ERROR, ImportPlan, Problem
from bct_risk.services.bulk import (
    AssessmentIn,
    EscalationIn,
    MeetingIn,
    ReviewIn,
    RiskIn,
)
from bct_risk.services.guard import CONTROL
from bct_risk.services.restore import (
    ClosureIn,
    RegisterExtras,
    RetiredIn,
    RiskExtras,
    SourceIn,
)

LabelledT = TypeVar("LabelledT", bound=Labelled)


class HistoryError(ValueError):
    """A value of a risk's history that cannot be read, with the path of the field."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.path = path


class HistoryReader:
    """Reads one record's history fields into its risk, or raises :class:`HistoryError`."""

    def __init__(self, today: date) -> None:
        self.today = today

    # -- values ----------------------------------------------------------------------------

    def day(self, value: Any, path: str, *, required: bool = True) -> date | None:
        if value is None or value == "":
            if required:
                raise HistoryError(path, "a date is required")
            return None
        if isinstance(value, datetime):
            value = value.date()
        if isinstance(value, date):
            found: date | None = value
        else:
            found = None
            if isinstance(value, str) and len(value) == 10:
                try:
                    found = date.fromisoformat(value)
                except ValueError:
                    found = None
        if found is None:
            raise HistoryError(path, f"'{value}' is not a date (YYYY-MM-DD)")
        if found > self.today:
            raise HistoryError(path, f"{found.isoformat()} is after today")
        return found

    def must_day(self, value: Any, path: str) -> date:
        found = self.day(value, path)
        assert found is not None
        return found

    @staticmethod
    def level(value: Any, path: str, *, required: bool = True) -> int | None:
        if value is None and not required:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            axis = path.rsplit(".", 1)[-1]
            raise HistoryError(path, f"{axis} {value!r} is not on the 1-5 scale")
        return value

    @staticmethod
    def choice(kind: type[LabelledT], value: Any, path: str) -> LabelledT:
        words = ", ".join(m.value for m in kind)
        if not isinstance(value, str):
            raise HistoryError(path, f"{value!r} is not one of: {words}")
        try:
            return kind.parse(value)
        except ValueError:
            what = kind.__doc__ or "value"
            raise HistoryError(path, f"unknown {what} '{value}' ({words})") from None

    @staticmethod
    def text(value: Any, path: str, *, required: bool = False) -> str:
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise HistoryError(path, f"{value!r} is not text")
        text = str(CONTROL.sub("", value))
        if required and not text.strip():
            raise HistoryError(path, "must not be empty")
        return text

    def meeting(self, value: Any, path: str) -> MeetingIn | None:
        if value is None:
            return None
        if not isinstance(value, dict):
            raise HistoryError(path, "a meeting is {'committee': ..., 'date': ...}")
        committee = self.text(value.get("committee"), f"{path}.committee", required=True)
        return committee.strip(), self.must_day(value.get("date"), f"{path}.date")

    @staticmethod
    def flag(value: Any, path: str) -> bool:
        if value is None:
            return False
        if not isinstance(value, bool):
            raise HistoryError(path, f"{value!r} is not true or false")
        return value

    @staticmethod
    def entries(value: Any, path: str) -> list[dict[str, Any]]:
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise HistoryError(path, "must be a list of entries with named fields")
        return value

    # -- the history -----------------------------------------------------------------------

    def read(self, risk: RiskIn, fields: dict[str, Any]) -> None:
        """Fill the risk's history from its record's history fields."""
        risk.created_on = self.day(fields.get("created_on"), "created_on", required=False)
        risk.closed_on = self.day(fields.get("closed_on"), "closed_on", required=False)
        every = fields.get("review_frequency_days")
        if every is not None and (
            isinstance(every, bool)
            or not isinstance(every, int)
            or not 1 <= every <= MAX_REVIEW_DAYS
        ):
            raise HistoryError(
                "review_frequency_days", f"{every!r} is not a number of days (1-{MAX_REVIEW_DAYS})"
            )
        risk.review_frequency_days = every
        risk.history = self.assessments(fields.get("history"))
        risk.escalations = self.escalations(fields.get("escalations"))
        risk.reviews = self.reviews(fields.get("reviews"))
        if risk.history:
            self.agrees(risk)

    # -- what the export carries beyond the rows ---------------------------------------------

    def extras(self, fields: dict[str, Any]) -> RiskExtras:
        """The record's illustrative flags, sources of assurance, closures and reopenings."""
        marked = fields.get("illustrative")
        if marked is None:
            marked = []
        if not isinstance(marked, list) or not all(isinstance(m, str) for m in marked):
            raise HistoryError("illustrative", "must be a list of the illustrative values' names")
        parts = fields.get("parts") or {}
        found = RiskExtras(illustrative=[self.text(m, "illustrative") for m in marked])
        for index, c in enumerate(self.entries(parts.get("controls"), "controls")):
            at = f"controls[{index}]"
            sources = [
                self.source(a, f"{at}.assurance[{i}]")
                for i, a in enumerate(self.entries(c.get("assurance"), f"{at}.assurance"))
            ]
            found.controls.append((self.flag(c.get("illustrative"), f"{at}.illustrative"), sources))
        for name, into in (
            ("further_actions", found.actions),
            ("history", found.assessments),
            ("escalations", found.escalations),
            ("reviews", found.reviews),
        ):
            source = parts.get(name) if name == "further_actions" else fields.get(name)
            for index, entry in enumerate(self.entries(source, name)):
                into.append(self.flag(entry.get("illustrative"), f"{name}[{index}].illustrative"))
        for index, entry in enumerate(self.entries(fields.get("closures"), "closures")):
            found.closures.append(self.closure(entry, f"closures[{index}]"))
        for index, entry in enumerate(
            self.entries(fields.get("retired_controls"), "retired_controls")
        ):
            found.retired.append(self.retired(entry, f"retired_controls[{index}]"))
        return found

    def retired(self, entry: dict[str, Any], at: str) -> RetiredIn:
        """A retired control: its fields as a control in place has them, the day it was
        retired from, why, and the day it was recorded (not before the day it took effect)."""
        line = entry.get("assurance_line")
        if line is not None and (isinstance(line, bool) or line not in (1, 2, 3)):
            raise HistoryError(
                f"{at}.assurance_line", f"line of assurance {line!r} is not 1, 2 or 3"
            )
        level = entry.get("assurance_level")
        retired_on = self.must_day(entry.get("retired_on"), f"{at}.retired_on")
        recorded_on = self.must_day(entry.get("recorded_on"), f"{at}.recorded_on")
        if recorded_on < retired_on:
            raise HistoryError(
                f"{at}.recorded_on",
                f"recorded on {recorded_on.isoformat()}, before the day it was retired "
                f"({retired_on.isoformat()})",
            )
        key = entry.get("key_control", True)
        return RetiredIn(
            description=self.text(
                entry.get("description"), f"{at}.description", required=True
            ).strip(),
            retired_on=retired_on,
            reason=self.text(entry.get("retired_reason"), f"{at}.retired_reason", required=True),
            recorded_on=recorded_on,
            by=self.text(entry.get("retired_by"), f"{at}.retired_by"),
            owner=self.text(entry.get("owner"), f"{at}.owner").strip(),
            effectiveness=self.choice(
                Effectiveness, entry.get("effectiveness") or "not_assessed", f"{at}.effectiveness"
            ),
            assurance_line=line,
            assurance_level=(
                None if level is None else self.choice(Assurance, level, f"{at}.assurance_level")
            ),
            key_control=self.flag(True if key is None else key, f"{at}.key_control"),
            illustrative=self.flag(entry.get("illustrative"), f"{at}.illustrative"),
            sources=[
                self.source(a, f"{at}.assurance[{i}]")
                for i, a in enumerate(self.entries(entry.get("assurance"), f"{at}.assurance"))
            ],
        )

    def source(self, entry: dict[str, Any], at: str) -> SourceIn:
        line = entry.get("line")
        if isinstance(line, bool) or line not in (1, 2, 3):
            raise HistoryError(f"{at}.line", f"line of assurance {line!r} is not 1, 2 or 3")
        sha = entry.get("sha256")
        return SourceIn(
            evidence=self.text(entry.get("evidence"), f"{at}.evidence", required=True),
            received_on=self.must_day(entry.get("received_on"), f"{at}.received_on"),
            line=line,
            provider=self.text(entry.get("provider"), f"{at}.provider"),
            positive=self.flag(entry.get("positive", True), f"{at}.positive"),
            reference=self.text(entry.get("reference"), f"{at}.reference"),
            sha256=self.text(sha, f"{at}.sha256") or None,
            source=self.text(entry.get("source"), f"{at}.source"),
            illustrative=self.flag(entry.get("illustrative"), f"{at}.illustrative"),
        )

    def closure(self, entry: dict[str, Any], at: str) -> ClosureIn:
        action = entry.get("action")
        if action not in ("close", "reopen"):
            raise HistoryError(f"{at}.action", f"{action!r} is not one of: close, reopen")
        return ClosureIn(
            action=action,
            on=self.must_day(entry.get("on"), f"{at}.on"),
            reason=self.text(entry.get("reason"), f"{at}.reason", required=True),
            by=self.text(entry.get("by"), f"{at}.by") or "imported",
            recorded_on=self.must_day(entry.get("recorded_on"), f"{at}.recorded_on"),
            closed_reason=self.text(entry.get("closed_reason"), f"{at}.closed_reason"),
        )

    def names(self, extras: RegisterExtras, fields: dict[str, Any]) -> None:
        """The committees' short names and the meetings' titles of the file as a whole."""
        for index, c in enumerate(self.entries(fields.get("committees"), "committees")):
            at = f"committees[{index}]"
            name = self.text(c.get("name"), f"{at}.name", required=True).strip()
            extras.committees[name] = self.text(c.get("short_name"), f"{at}.short_name").strip()
        for index, m in enumerate(self.entries(fields.get("meetings"), "meetings")):
            at = f"meetings[{index}]"
            meeting = self.meeting(m, at)
            assert meeting is not None
            extras.meetings[meeting] = self.text(m.get("title"), f"{at}.title")

    def assessments(self, value: Any) -> list[AssessmentIn]:
        found: list[AssessmentIn] = []
        for index, entry in enumerate(self.entries(value, "history")):
            at = f"history[{index}]"
            item = AssessmentIn(
                kind=self.choice(ScoreKind, entry.get("kind"), f"{at}.kind"),
                likelihood=self.level(entry.get("likelihood"), f"{at}.likelihood") or 0,
                impact=self.level(entry.get("impact"), f"{at}.impact") or 0,
                assessed_on=self.must_day(entry.get("assessed_on"), f"{at}.assessed_on"),
                rationale=self.text(entry.get("rationale"), f"{at}.rationale", required=True),
                assessed_by=self.text(entry.get("assessed_by"), f"{at}.assessed_by") or "imported",
                meeting=self.meeting(entry.get("meeting"), f"{at}.meeting"),
                recorded_on=self.day(entry.get("recorded_on"), f"{at}.recorded_on", required=False),
            )
            if found and item.assessed_on < found[-1].assessed_on:
                raise HistoryError(
                    f"{at}.assessed_on",
                    f"{item.assessed_on.isoformat()} is before the entry above it "
                    f"({found[-1].assessed_on.isoformat()}): history runs oldest first",
                )
            found.append(item)
        return found

    def escalations(self, value: Any) -> list[EscalationIn]:
        found: list[EscalationIn] = []
        for index, entry in enumerate(self.entries(value, "escalations")):
            at = f"escalations[{index}]"
            item = EscalationIn(
                direction=self.choice(
                    EscalationDirection, entry.get("direction"), f"{at}.direction"
                ),
                decided_on=self.must_day(entry.get("decided_on"), f"{at}.decided_on"),
                from_tier=self.choice(Tier, entry.get("from_tier"), f"{at}.from_tier"),
                to_tier=self.choice(Tier, entry.get("to_tier"), f"{at}.to_tier"),
                reason=self.text(entry.get("reason"), f"{at}.reason", required=True),
                decided_by=self.text(entry.get("decided_by"), f"{at}.decided_by") or "imported",
                decision=self.text(entry.get("decision"), f"{at}.decision") or "agreed",
                from_committee=self.text(entry.get("from_committee"), f"{at}.from_committee")
                or None,
                to_committee=self.text(entry.get("to_committee"), f"{at}.to_committee") or None,
                meeting=self.meeting(entry.get("meeting"), f"{at}.meeting"),
                recorded_on=self.day(entry.get("recorded_on"), f"{at}.recorded_on", required=False),
            )
            if found and item.decided_on < found[-1].decided_on:
                raise HistoryError(
                    f"{at}.decided_on",
                    f"{item.decided_on.isoformat()} is before the escalation above it "
                    f"({found[-1].decided_on.isoformat()}): escalations run oldest first",
                )
            found.append(item)
        return found

    def reviews(self, value: Any) -> list[ReviewIn]:
        found: list[ReviewIn] = []
        seen: set[tuple[str, date]] = set()
        for index, entry in enumerate(self.entries(value, "reviews")):
            at = f"reviews[{index}]"
            likelihood = self.level(entry.get("likelihood"), f"{at}.likelihood", required=False)
            impact = self.level(entry.get("impact"), f"{at}.impact", required=False)
            if (likelihood is None) != (impact is None):
                raise HistoryError(f"{at}.impact", "likelihood and impact go together")
            score = entry.get("score")
            if score is not None and (likelihood is None or score != (likelihood * (impact or 0))):
                raise HistoryError(f"{at}.score", f"score {score!r} is not likelihood x impact")
            assurance = entry.get("assurance")
            item = ReviewIn(
                committee=self.text(entry.get("committee"), f"{at}.committee", required=True),
                meeting_date=self.must_day(entry.get("meeting_date"), f"{at}.meeting_date"),
                outcome=self.choice(ReviewOutcome, entry.get("outcome"), f"{at}.outcome"),
                recorded_by=self.text(entry.get("recorded_by"), f"{at}.recorded_by") or "imported",
                assurance=self.choice(Assurance, assurance, f"{at}.assurance")
                if assurance is not None
                else None,
                comments=self.text(entry.get("comments"), f"{at}.comments"),
                likelihood=likelihood,
                impact=impact,
                recorded_on=self.day(entry.get("recorded_on"), f"{at}.recorded_on", required=False),
            )
            key = (item.committee.strip().lower(), item.meeting_date)
            if key in seen:
                raise HistoryError(
                    f"{at}.meeting_date",
                    f"a second review by {item.committee} on {item.meeting_date.isoformat()}",
                )
            seen.add(key)
            found.append(item)
        return found

    @staticmethod
    def agrees(risk: RiskIn) -> None:
        """The risk's latest scores are the last assessment of each kind in its history."""
        for kind in ScoreKind:
            last = next((a for a in reversed(risk.history) if a.kind == kind), None)
            stated = risk.scores.get(kind)
            given = (stated.likelihood, stated.impact) if stated else None
            latest = (last.likelihood, last.impact) if last else None
            if given != latest:
                shown = f"{given[0]} x {given[1]}" if given else "none"
                had = f"{latest[0]} x {latest[1]}" if latest else "none"
                raise HistoryError(
                    f"{kind.value}_likelihood",
                    f"the {kind.value} score ({shown}) is not the latest {kind.value} "
                    f"assessment in its history ({had})",
                )


def read_history(plan: ImportPlan, history: dict[int, dict[str, Any]], today: date) -> None:
    """Give each risk of the plan the history its record holds; problems join the plan."""
    reader = HistoryReader(today)
    extras = RegisterExtras()
    try:
        reader.names(extras, history.get(0) or {})
    except HistoryError as exc:
        plan.problems.append(Problem(ERROR, str(exc), None, exc.path, plan.unit))
    for risk in plan.risks:
        fields = history.get(risk.row)
        if not fields:
            continue
        try:
            reader.read(risk, fields)
            if risk.reference:
                found = extras.risks[risk.reference] = reader.extras(fields)
                found.no_review = (
                    risk.status == RiskStatus.OPEN
                    and risk.next_review_date is None
                    and ScoreKind.CURRENT in risk.scores
                )
        except HistoryError as exc:
            who = risk.reference or risk.title[:40]
            plan.problems.append(Problem(ERROR, f"{who}: {exc}", risk.row, exc.path, plan.unit))
    plan.extras = extras
