"""A committee's pack for a meeting, as Markdown: cover, heat map, changes, actions, risks."""

from __future__ import annotations

from bct_risk.domain.scoring import SCALE, Matrix
from bct_risk.export.markdown import (
    bullets,
    cell,
    fmt_date,
    fmt_direction,
    fmt_score,
    heading,
    inline,
    table,
)
from bct_risk.export.register import Phrases, appetite_text, marking, review_text
from bct_risk.services.papers import Changes, CommitteePack, RiskEvent
from bct_risk.services.queries import ActionView, heat_map
from bct_risk.services.register_rows import RiskRow


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def heat_map_table(matrix: Matrix, rows: list[RiskRow]) -> str:
    """Counts of risks per cell of the matrix by current score: likelihood rows, impact columns."""
    cells = heat_map(rows)
    headers = ["Likelihood ↓ / Impact →"] + [f"{i} {matrix.impact_label(i)}" for i in SCALE]
    body = []
    for likelihood in reversed(SCALE):
        line = [f"{likelihood} {matrix.likelihood_label(likelihood)}"]
        for impact in SCALE:
            count = len(cells.get((likelihood, impact), []))
            band = matrix.band(likelihood * impact).name
            line.append(f"**{count}** {band}" if count else f"0 {band}")
        body.append(line)
    return table(headers, body)


def _cover(matrix: Matrix, pack: CommitteePack) -> list[str]:
    since = (
        f"its previous meeting on {fmt_date(pack.previous_meeting)}"
        if pack.previous_meeting
        else "no earlier meeting (none is recorded)"
    )
    facts = [
        f"**Committee:** {inline(pack.committee)}",
        f"**Meeting:** {fmt_date(pack.meeting_date)}",
        f"**Previous meeting:** {fmt_date(pack.previous_meeting)}",
        f"**Prepared on:** {fmt_date(pack.today)}",
    ]
    # An ask with nothing in it is left out: no "review the 0 risks due for review".
    asks = [
        f"note the register extract and the heat map of the {_plural(len(pack.risks), 'risk')} "
        "it oversees;",
        *(
            [
                f"consider the {_plural(len(pack.above_appetite), 'risk')} above appetite and "
                "whether their further actions will bring them within it;"
            ]
            if pack.above_appetite
            else []
        ),
        f"note the changes since {since}, and confirm the escalations and de-escalations;",
        *(
            [f"review the {_plural(len(pack.reviews_due), 'risk')} due or overdue for review;"]
            if pack.reviews_due
            else []
        ),
        *(
            [f"challenge the owners of the {_plural(len(pack.overdue_actions), 'overdue action')};"]
            if pack.overdue_actions
            else []
        ),
        "agree the updates to the action tracker and close the actions that are complete.",
    ]
    return [
        marking(pack.public, pack.withheld),
        heading(1, f"{pack.committee}: risk report"),
        " · ".join(facts),
        "## Purpose",
        f"This paper gives the {inline(pack.committee)} the risks it oversees as lead "
        f"committee, what has changed on them since {since}, the risks due for review, overdue "
        "actions, and the committee's action tracker, for its meeting on "
        f"{fmt_date(pack.meeting_date)}.",
        "## The committee is asked to",
        bullets(asks),
    ]


def _events(events: list[RiskEvent], detail: str = "Reason") -> str:
    if not events:
        return "None."
    return table(
        ("Ref", "Title", "Date", detail),
        [[cell(e.reference), cell(e.title), fmt_date(e.on), cell(e.detail)] for e in events],
    )


def _new_risks(matrix: Matrix, events: list[RiskEvent]) -> str:
    if not events:
        return "None."
    return table(
        ("Ref", "Title", "Added", "Current score"),
        [
            [cell(e.reference), cell(e.title), fmt_date(e.on), fmt_score(matrix, e.score)]
            for e in events
        ],
    )


def changes_section(matrix: Matrix, changes: Changes) -> list[str]:
    """New, closed, rescored, escalated and de-escalated risks since the previous meeting."""
    if changes.since is None:
        return [
            "## Changes since the previous meeting",
            "No earlier meeting of the committee is recorded, so there is nothing to compare.",
        ]
    title = f"## Changes since the meeting of {fmt_date(changes.since)}"
    intro = f"From {fmt_date(changes.since)} up to {fmt_date(changes.until)} (not included)." + (
        " Nothing changed on the committee's risks." if changes.is_empty else ""
    )
    rescored = (
        table(
            ("Ref", "Title", "Was", "Now", "Direction of travel", "Rescored on", "Rationale"),
            [
                [
                    cell(c.reference),
                    cell(c.title),
                    fmt_score(matrix, c.old),
                    fmt_score(matrix, c.new),
                    fmt_direction(c.direction),
                    fmt_date(c.assessed_on),
                    cell(c.rationale),
                ]
                for c in changes.rescored
            ],
        )
        if changes.rescored
        else "None."
    )
    return [
        title,
        intro,
        "### New risks",
        _new_risks(matrix, changes.new),
        "### Closed risks",
        _events(changes.closed),
        "### Rescored",
        rescored,
        "### Escalated",
        _events(changes.escalated, "Move and reason"),
        "### De-escalated",
        _events(changes.de_escalated, "Move and reason"),
    ]


def _latest_update(action: ActionView) -> str:
    latest = action.updates[-1] if action.updates else None
    return f"{fmt_date(latest.update_date)}: {inline(latest.text)}" if latest else "–"


def _status(action: ActionView) -> str:
    return action.status.label + (" (overdue)" if action.overdue else "")


def _action_text(action: ActionView) -> str:
    text = cell(action.description)
    return f"{text} (risk {inline(action.risk_reference)})" if action.risk_reference else text


def _where(action: ActionView) -> str:
    if action.meeting_date is not None:
        return f"{inline(action.committee)} {fmt_date(action.meeting_date)}"
    return "Further action on the risk"


def render_pack(matrix: Matrix, pack: CommitteePack) -> str:
    """The committee pack as Markdown, ending with a newline."""
    parts = _cover(matrix, pack)
    parts += ["## Heat map of current scores", heat_map_table(matrix, pack.risks)]
    parts.append("## Risks above appetite")
    parts.append(
        table(
            ("Ref", "Title", "Risk owner", "Current", "Appetite", "Direction of travel", "Target"),
            [
                [
                    cell(r.reference),
                    cell(r.title),
                    cell(r.owner),
                    fmt_score(matrix, r.current),
                    cell(appetite_text(matrix, r)),
                    fmt_direction(r.direction),
                    fmt_score(matrix, r.target),
                ]
                for r in pack.above_appetite
            ],
        )
        if pack.above_appetite
        else "None."
    )
    parts += changes_section(matrix, pack.changes)
    parts.append("## Risks due or overdue for review")
    parts.append(
        table(
            ("Ref", "Title", "Risk owner", "Current", "Next review"),
            [
                [
                    cell(r.reference),
                    cell(r.title),
                    cell(r.owner),
                    fmt_score(matrix, r.current),
                    review_text(r),
                ]
                for r in pack.reviews_due
            ],
        )
        if pack.reviews_due
        else f"None due by {fmt_date(pack.meeting_date)}."
    )
    parts.append("## Overdue actions")
    parts.append(
        table(
            ("Action", "Risk", "Raised at", "Owner", "Due", "Status", "Latest update"),
            [
                [
                    cell(a.description),
                    cell(a.risk_reference),
                    _where(a),
                    cell(a.owner),
                    fmt_date(a.due_date),
                    _status(a),
                    _latest_update(a),
                ]
                for a in pack.overdue_actions
            ],
        )
        if pack.overdue_actions
        else "None."
    )
    parts.append("## Action tracker")
    parts.append(
        table(
            ("Date", "Agenda item", "Action", "Owner", "Due", "Status", "Update"),
            [
                [
                    fmt_date(a.meeting_date or a.raised_on),
                    cell(a.agenda_item),
                    _action_text(a),
                    cell(a.owner),
                    fmt_date(a.due_date),
                    _status(a),
                    _latest_update(a),
                ]
                for a in pack.tracker
            ],
        )
        if pack.tracker
        else "No actions on the tracker."
    )
    parts.append("## The risks")
    if pack.details:
        parts.extend(map(Phrases(matrix).section, pack.details))
    else:
        parts.append("The committee oversees no open risks.")
    return "\n\n".join(parts) + "\n"
