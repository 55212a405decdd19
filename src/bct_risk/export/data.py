"""The register as data: CSV (one row per risk) and JSON (the risks with their history).

Both are the form the importer reads back: dates in ISO form, vocabularies as their lower-case
values, the risk owner and lead committee by name, and the latest inherent, current and target
scores as likelihood and impact. The JSON adds (fields only added, the format's version
unchanged) what rebuilds the register as it stood on any day: when each risk was recorded and
closed, every assessment, escalation and committee review, controls with their line and level of
assurance, and further actions with their updates; each history entry keeps the day it took
effect and the day it was recorded (``recorded_on``). Since then, also added: which values are
illustrative, each control's sources of assurance, each risk's closures and reopenings, and at
the top, the committees named with their short names and the meetings named with their titles;
and each risk's retired controls, in a list of their own.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from enum import Enum
from typing import Any

from bct_risk.domain.scoring import Score
from bct_risk.services.papers import RiskRecord
from bct_risk.services.register_data import (
    ActionRecord,
    AssessmentRecord,
    ClosureRecord,
    ControlRecord,
    EscalationRecord,
    MeetingRef,
    ReviewRecord,
    SourceRecord,
)

CSV_COLUMNS = (
    "reference",
    "title",
    "description",
    "cause",
    "effect",
    "category",
    "tier",
    "status",
    "owner",
    "lead_committee",
    "appetite",
    "treatment",
    "inherent_likelihood",
    "inherent_impact",
    "current_likelihood",
    "current_impact",
    "target_likelihood",
    "target_impact",
    "target_date",
    "next_review_date",
    "exempt",
    "closed_reason",
    "source",
)
"""The CSV header, in order; the JSON risks have these keys too."""

JSON_FORMAT = "bct-risk register"
JSON_VERSION = 1


def _value(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    return value


def _scores(prefix: str, score: Score | None) -> dict[str, int | None]:
    return {
        f"{prefix}_likelihood": score.likelihood if score else None,
        f"{prefix}_impact": score.impact if score else None,
    }


def record_fields(record: RiskRecord) -> dict[str, Any]:
    """A risk's CSV columns as JSON-ready values (None where there is no value)."""
    values: dict[str, Any] = {
        "reference": record.reference,
        "title": record.title,
        "description": record.description,
        "cause": record.cause,
        "effect": record.effect,
        "category": record.category,
        "tier": record.tier.value,
        "status": record.status.value,
        "owner": record.owner or None,
        "lead_committee": record.lead_committee or None,
        "appetite": _value(record.appetite),
        "treatment": record.treatment.value,
        **_scores("inherent", record.inherent),
        **_scores("current", record.current),
        **_scores("target", record.target),
        "target_date": _value(record.target_date),
        "next_review_date": _value(record.next_review_date),
        "exempt": record.exempt,
        "closed_reason": record.closed_reason or None,
        "source": record.source,
    }
    return {name: values[name] for name in CSV_COLUMNS}


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet reads as the start of a formula (or a cell it may run)."""


def csv_cell(value: Any) -> Any:
    """A cell as CSV holds it: text with its line breaks as ``\n`` (a lone carriage return
    too), and text a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``) kept as
    text by a leading apostrophe, as spreadsheets themselves write it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if not isinstance(value, str):
        return value
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    return "'" + text if text.startswith(FORMULA_START) else text


def register_csv(records: list[RiskRecord]) -> str:
    """The register as CSV with :data:`CSV_COLUMNS`; empty cells where there is no value."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for record in records:
        writer.writerow([csv_cell(v) for v in record_fields(record).values()])
    return out.getvalue()


def _meeting(meeting: MeetingRef | None) -> dict[str, str] | None:
    if meeting is None:
        return None
    return {"committee": meeting[0], "date": meeting[1].isoformat()}


def _control(c: ControlRecord) -> dict[str, Any]:
    return {
        "description": c.description,
        "owner": c.owner or None,
        "effectiveness": c.effectiveness.value,
        "assurance_line": c.assurance_line,
        "assurance_level": _value(c.assurance_level),
        "key_control": c.key_control,
        "illustrative": c.illustrative,
        "assurance": [_source(a) for a in c.assurance],
    }


def _retired(c: ControlRecord) -> dict[str, Any]:
    return {
        **_control(c),
        "retired_on": _value(c.retired_on),
        "retired_reason": c.retired_reason,
        "retired_by": c.retired_by or None,
        "recorded_on": _value(c.retired_recorded_on),
    }


def _source(a: SourceRecord) -> dict[str, Any]:
    return {
        "evidence": a.evidence,
        "provider": a.provider,
        "received_on": a.received_on.isoformat(),
        "line": a.line,
        "positive": a.positive,
        "reference": a.reference,
        "sha256": a.sha256,
        "source": a.source,
        "illustrative": a.illustrative,
    }


def _closure(c: ClosureRecord) -> dict[str, Any]:
    return {
        "action": c.action,
        "on": c.on.isoformat(),
        "reason": c.reason,
        "closed_reason": c.closed_reason or None,
        "by": c.by,
        "recorded_on": c.recorded_on.isoformat(),
    }


def _action(a: ActionRecord) -> dict[str, Any]:
    return {
        "description": a.description,
        "owner": a.owner or None,
        "raised_on": a.raised_on.isoformat(),
        "due_date": _value(a.due_date),
        "status": a.status.value,
        "completed_on": _value(a.completed_on),
        "recorded_on": _value(a.recorded_on),
        "updates": [
            {
                "date": u.update_date.isoformat(),
                "note": u.text,
                "by": u.author,
                "recorded_on": u.recorded_on.isoformat(),
            }
            for u in a.updates
        ],
        "illustrative": a.illustrative,
    }


def _assessment(a: AssessmentRecord) -> dict[str, Any]:
    return {
        "kind": a.kind.value,
        "likelihood": a.likelihood,
        "impact": a.impact,
        "assessed_on": a.assessed_on.isoformat(),
        "rationale": a.rationale,
        "assessed_by": a.assessed_by,
        "meeting": _meeting(a.meeting),
        "recorded_on": a.recorded_on.isoformat(),
        "illustrative": a.illustrative,
    }


def _escalation(e: EscalationRecord) -> dict[str, Any]:
    return {
        "direction": e.direction.value,
        "decided_on": e.decided_on.isoformat(),
        "from_tier": e.from_tier.value,
        "to_tier": e.to_tier.value,
        "from_committee": e.from_committee or None,
        "to_committee": e.to_committee or None,
        "reason": e.reason,
        "decision": e.decision,
        "decided_by": e.decided_by,
        "meeting": _meeting(e.meeting),
        "recorded_on": e.recorded_on.isoformat(),
        "illustrative": e.illustrative,
    }


def _review(r: ReviewRecord) -> dict[str, Any]:
    scored = r.likelihood is not None and r.impact is not None
    return {
        "committee": r.committee,
        "meeting_date": r.meeting_date.isoformat(),
        "outcome": r.outcome.value,
        "assurance": _value(r.assurance),
        "comments": r.comments,
        "likelihood": r.likelihood,
        "impact": r.impact,
        "score": (r.likelihood or 0) * (r.impact or 0) if scored else None,
        "recorded_by": r.recorded_by,
        "recorded_on": r.recorded_on.isoformat(),
        "illustrative": r.illustrative,
    }


def register_json(records: list[RiskRecord]) -> str:
    """The register as JSON: ``{"format", "version", "risks": [...]}``, ending with a newline.

    Each risk has the CSV's columns, its ``controls`` and ``further_actions`` (with their
    ``updates``), and, added since version 1 was first written (readers of the earlier fields are
    unaffected): ``created_on``, ``closed_on``, ``review_frequency_days``, ``history`` (every
    assessment, oldest first), ``escalations``, ``reviews``, ``illustrative`` (the risk's
    illustrative values) and ``closures`` (closures and reopenings in the order recorded); each
    control, action, assessment, escalation and review its ``illustrative`` flag, each control its
    ``assurance`` sources; each risk its ``retired_controls`` (controls no longer in place, kept
    apart from ``controls`` so that a reader of the earlier fields never takes one for a control in
    place: a control's fields with ``retired_on``, ``retired_reason``, ``retired_by`` and
    ``recorded_on``, the day the retirement was recorded). At the top, ``committees`` (name and
    short name) and ``meetings`` (committee, date and title): those the risks name.
    """
    risks = []
    committees: dict[str, str] = {}
    meetings: dict[MeetingRef, str] = {}
    for record in records:
        committees.update(record.committees)
        meetings.update(record.meetings)
        item = record_fields(record)
        item["controls"] = [_control(c) for c in record.controls]
        item["further_actions"] = [_action(a) for a in record.further_actions]
        item["created_on"] = _value(record.created_on)
        item["closed_on"] = _value(record.closed_on)
        item["review_frequency_days"] = record.review_frequency_days
        item["history"] = [_assessment(a) for a in record.history]
        item["escalations"] = [_escalation(e) for e in record.escalations]
        item["reviews"] = [_review(r) for r in record.reviews]
        item["illustrative"] = list(record.illustrative)
        item["closures"] = [_closure(c) for c in record.closures]
        item["retired_controls"] = [_retired(c) for c in record.retired_controls]
        risks.append(item)
    document = {
        "format": JSON_FORMAT,
        "version": JSON_VERSION,
        "risks": risks,
        "committees": [
            {"name": name, "short_name": committees[name] or None} for name in sorted(committees)
        ],
        "meetings": [
            {"committee": body, "date": when.isoformat(), "title": meetings[(body, when)] or None}
            for body, when in sorted(meetings)
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
