"""The register as data: CSV (one row per risk) and JSON (with controls and further actions).

Both are the form the importer reads back: dates in ISO form, vocabularies as their lower-case
values, the risk owner and lead committee by name, and the latest inherent, current and target
scores as likelihood and impact.
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


def register_json(records: list[RiskRecord]) -> str:
    """The register as JSON: ``{"format", "version", "risks": [...]}``, ending with a newline."""
    risks = []
    for record in records:
        item = record_fields(record)
        item["controls"] = [
            {
                "description": c.description,
                "owner": c.owner or None,
                "effectiveness": c.effectiveness.value,
            }
            for c in record.controls
        ]
        item["further_actions"] = [
            {
                "description": a.description,
                "owner": a.owner or None,
                "raised_on": a.raised_on.isoformat(),
                "due_date": _value(a.due_date),
                "status": a.status.value,
            }
            for a in record.further_actions
        ]
        risks.append(item)
    document = {"format": JSON_FORMAT, "version": JSON_VERSION, "risks": risks}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
