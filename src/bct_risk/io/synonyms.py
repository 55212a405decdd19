"""The words registers use for their columns: field → header synonyms, score blocks, groups.

Headers are compared after :func:`bct_risk.io.headers.normalise` (lower case, words only), so
each synonym is written that way. Add a synonym here when a real register uses a new name.
"""

from __future__ import annotations

# fmt: off

SCORE_SYNONYMS: dict[str, tuple[str, ...]] = {
    "likelihood": (
        "likelihood", "probability", "l", "p", "likelihood score", "likelihood rating",
        "frq", "freq", "frequency", "occ", "occurrence", "probability score",
    ),
    "impact": (
        "impact", "consequence", "severity", "i", "c", "s", "impact score", "impact rating",
        "consequence score", "severity score", "sev", "impact level", "severity rating",
    ),
    "score": (
        "score", "rating", "risk index", "risk score", "risk rating", "index", "total",
        "overall score", "overall", "l x i", "i x l", "lxi", "ixl", "l i", "i l", "rag score",
        "risk", "level", "risk level", "combined score", "product",
    ),
}
"""Likelihood, impact and score, however a register heads them."""

GROUP_SYNONYMS: dict[str, tuple[str, ...]] = {
    "inherent": (
        "inherent", "inherent risk", "gross", "gross risk", "risk if no action", "if no action",
        "before controls", "before mitigation", "pre mitigation", "pre mitigated", "pre control",
        "unmitigated", "uncontrolled", "untreated", "original", "initial", "initial risk", "raw",
        "raw risk", "without controls", "baseline", "baseline risk", "before response",
        "baseline before response", "pre response", "premitigation", "inherent score",
    ),
    "current": (
        "current", "current risk", "residual", "residual risk", "net", "net risk",
        "after controls", "after mitigation", "post mitigation", "mitigated", "controlled",
        "revised", "current position", "with controls", "now", "after response",
        "post response", "postmitigation", "residual score",
    ),
    "target": (
        "target", "target risk", "future", "desired", "tolerable", "planned", "target position",
    ),
}
"""The group headers that tell the inherent, current and target score blocks apart."""

RISK_FIELDS: dict[str, tuple[str, ...]] = {
    "reference": (
        "ref", "reference", "id", "risk id", "risk ref", "risk reference", "risk no",
        "risk number", "no", "number", "ref no", "reference number", "risk ref no",
    ),
    "title": (
        "title", "risk title", "risk name", "name", "risk", "short title", "headline",
    ),
    "description": (
        "description", "risk description", "details", "detail", "risk detail", "summary",
        "risk summary", "description of risk",
    ),
    "cause": (
        "cause", "causes", "cause of risk", "risk cause", "triggers", "trigger", "source of risk",
    ),
    "effect": (
        "effect", "effects", "consequences", "risk effect", "potential effect",
        "potential consequences", "effect of risk", "impact description",
    ),
    "cause_and_effect": (
        "risk and effects", "risk and effect", "cause and effect", "causes and effects",
        "risk cause and effect", "risk description cause and effect", "risk and consequences",
        "risk causes and effects",
    ),
    "category": (
        "category", "risk category", "type", "risk type", "theme", "area", "risk area",
    ),
    "tier": (
        "tier", "register", "register tier", "register level",
    ),
    "status": (
        "status", "risk status", "open closed", "state",
    ),
    "owner": (
        "owner", "risk owner", "lead", "owned by", "responsible officer", "responsible",
        "lead officer", "accountable officer", "officer", "risk lead", "owners", "risk owners",
        "accountable", "lead director", "executive lead",
    ),
    "lead_committee": (
        "lead committee", "committee", "oversight committee", "monitoring committee",
        "assurance committee", "reporting committee", "oversight",
    ),
    "appetite": (
        "appetite", "risk appetite", "appetite level", "tolerance",
    ),
    "treatment": (
        "treatment", "response", "risk response", "risk treatment", "approach",
        "treat tolerate transfer terminate", "4ts", "strategy",
    ),
    "controls": (
        "controls", "control", "mitigation", "mitigations", "existing controls",
        "current controls", "controls in place", "mitigating controls", "existing mitigation",
        "existing mitigations", "key controls", "internal controls", "mitigation in place",
        "controls and mitigations",
    ),
    "further_actions": (
        "actions", "action", "further actions", "further action", "actions being taken",
        "actions being taken to manage risk", "actions being taken to managing risk",
        "planned actions", "additional actions", "mitigating actions", "action plan",
        "further mitigation", "further mitigations", "actions required", "additional controls",
        "further controls", "planned mitigation", "mitigating action", "mitigation action",
        "mitigation actions", "response actions", "risk response actions", "next steps",
    ),
    "comments": (
        "comments", "comment", "progress", "update", "updates", "comments and progress",
        "comments and progress of actions", "commentary", "notes", "progress update",
        "latest update", "progress on actions", "narrative",
    ),
    "target_date": (
        "target date", "date to reach target", "target achievement date",
    ),
    "action_due_date": (
        "action due date", "due date", "due", "action deadline", "actions due", "deadline",
        "completion date", "action target date", "date due", "timescale", "timescales", "by when",
    ),
    "next_review_date": (
        "next review", "next review date", "review date", "review by", "due for review",
    ),
    "assessed_on": (
        "last reviewed", "date reviewed", "date of last review", "last review", "last review date",
        "date last reviewed", "last reviewed date", "date assessed", "assessed on",
        "assessment date", "date updated", "last updated", "updated",
    ),
    "exempt": (
        "exempt", "confidential", "exempt item", "restricted",
    ),
    "closed_reason": (
        "closed reason", "reason for closure", "closure reason", "reason closed",
    ),
    "source": (
        "source", "origin",
    ),
}
"""The fields of a risk register and the headers that name them."""

ACTION_FIELDS: dict[str, tuple[str, ...]] = {
    "meeting_date": (
        "meeting date", "date of meeting", "meeting", "date", "date raised", "raised", "raised on",
        "meeting held", "date agreed", "date of action", "minute date",
    ),
    "committee": (
        "committee", "board", "meeting of", "body", "forum",
    ),
    "agenda_item": (
        "agenda item", "item", "agenda", "minute", "minute ref", "minute reference", "subject",
        "topic", "project", "project tag", "tag", "agenda item title", "heading",
    ),
    "action": (
        "action", "actions", "action required", "action agreed", "description", "task",
        "action point", "action description", "what", "action to be taken",
    ),
    "owner": (
        "owner", "lead", "responsible", "action owner", "by whom", "who", "officer", "assigned to",
        "action by", "responsible officer", "lead officer",
    ),
    "due_date": (
        "due", "due date", "deadline", "by when", "target date", "completion date", "date due",
        "due by", "timescale",
    ),
    "status": (
        "status", "rag status", "rag", "state", "complete", "done", "progress status",
    ),
    "update": (
        "update", "updates", "progress", "comments", "comment", "notes", "latest update",
        "response", "progress update", "commentary",
    ),
    "reference": (
        "ref", "reference", "id", "no", "number", "item no", "action no", "action number",
        "action ref", "action id",
    ),
    "risk": (
        "risk", "risk ref", "linked risk", "risk reference", "related risk",
    ),
}
"""The fields of an action log and the headers that name them."""

PREFIXABLE = {
    "action", "actions", "agenda", "appetite", "category", "cause", "comment", "comments",
    "controls", "deadline", "description", "due", "effect", "effects", "impact", "likelihood",
    "meeting", "mitigation", "owner", "progress", "project", "reference", "score", "status",
    "title", "treatment", "update",
}
"""Single words that still name their field when the header goes on ("Owner as written")."""

DERIVED = (
    "direction of travel", "direction", "trend", "dot", "movement", "travel", "band", "rag",
    "rag rating", "rag status", "risk band", "change since last review",
)
# FMEA's detection and risk priority number (severity x occurrence x detection) have no place on
# the 5x5 matrix: they are kept on each risk as additional fields, as any other such column.
"""Columns the register works out itself (from the scores and their history): not imported."""
# fmt: on
