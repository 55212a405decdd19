"""A committee's pack for a meeting, as Markdown: front matter, heat map, the strategic register,
changes, actions, the committee's risks in full, implications, and exempt items apart.

The pack is a list of section builders (:data:`SECTIONS`), each taking the matrix and the pack
and giving its blocks of Markdown; a new section is one more function in the list (or inserted
before a named one with :func:`add_section`).
"""

from __future__ import annotations

from collections.abc import Callable

from bct_risk.domain.scoring import SCALE, Matrix
from bct_risk.export.baf import scenario_parts
from bct_risk.export.health import pack_health_section
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
from bct_risk.export.pack_indicators import pack_section, risk_indicators_block
from bct_risk.export.provenance import strip_references
from bct_risk.export.register import (
    ILLUSTRATIVE_MARK,
    ILLUSTRATIVE_NOTE,
    Phrases,
    appetite_text,
    marking,
    review_text,
)
from bct_risk.services.changes import ActionEvent, Changes, RiskEvent
from bct_risk.services.pack import CommitteePack
from bct_risk.services.queries import ActionView, heat_map
from bct_risk.services.register_rows import RiskRow

Section = Callable[[Matrix, CommitteePack], list[str]]
"""A part of the pack: blocks of Markdown (joined by blank lines), or none to leave it out."""


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _mark(pack: CommitteePack, row: RiskRow, value: str) -> str:
    """The illustrative mark after a value the seed register chose for this risk."""
    return ILLUSTRATIVE_MARK if value in pack.illustrative.get(row.id, []) else ""


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


def _since(pack: CommitteePack) -> str:
    return (
        f"its previous meeting on {fmt_date(pack.previous_meeting)}"
        if pack.previous_meeting
        else "no earlier meeting (none is recorded)"
    )


def _asks(pack: CommitteePack) -> list[str]:
    if pack.front.recommendations:
        return [inline(r) for r in pack.front.recommendations]
    own = [r for r in pack.risks if r.id in pack.own]
    # An ask with nothing in it is left out: no "review the 0 risks due for review".
    return [
        f"note the strategic register as at {fmt_date(pack.as_at)}, the heat map of its "
        f"{_plural(len(pack.risks), 'open risk')}, and the {_plural(len(own), 'risk')} the "
        "committee leads, set out in full;"
        if len(own) != len(pack.risks)
        else f"note the register extract and the heat map of the "
        f"{_plural(len(pack.risks), 'risk')} it oversees;",
        *(
            [
                f"consider the {_plural(len(pack.above_appetite), 'risk')} above appetite and "
                "whether their further actions will bring them within it;"
            ]
            if pack.above_appetite
            else []
        ),
        *(
            ["consider the combined exposure of the risks that are high together;"]
            if pack.combined
            else []
        ),
        f"note the changes since {_since(pack)}, and confirm the escalations and de-escalations;",
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


def front_matter(matrix: Matrix, pack: CommitteePack) -> list[str]:
    """The marking, title, the paper's particulars, purpose and recommendations."""
    front = pack.front
    facts = [
        f"**Committee:** {inline(pack.committee)}",
        f"**Meeting:** {fmt_date(pack.meeting_date)}",
        *([f"**Agenda item:** {inline(front.agenda_item)}"] if front.agenda_item else []),
        f"**Report of:** {inline(front.report_of)}",
        f"**Author:** {inline(front.author)}",
        f"**Register as at:** {fmt_date(pack.as_at)}",
        f"**Previous meeting:** {fmt_date(pack.previous_meeting)}",
    ]
    purpose = front.purpose and inline(front.purpose)
    if not purpose:
        scope = (
            "the strategic risk register (the risks it leads in full, the rest summarised)"
            if len(pack.own) != len(pack.risks) + len(pack.exempt.risks)
            else "the risks it oversees as lead committee"
        )
        purpose = (
            f"This paper gives the {inline(pack.committee)} {scope}, what has changed since "
            f"{_since(pack)}, the risks due for review, overdue actions, and the committee's "
            f"action tracker, for its meeting on {fmt_date(pack.meeting_date)}."
        )
    blocks = [marking(pack.public, pack.withheld, not pack.exempt.is_empty)]
    return [
        *[b for b in blocks if b],
        heading(1, f"{pack.committee}: risk report"),
        " · ".join(facts),
        "## Purpose",
        purpose,
        "## Recommendations",
        "The committee is asked to:",
        bullets(_asks(pack)),
        *([ILLUSTRATIVE_NOTE] if any(pack.illustrative.values()) else []),
    ]


def heat_map_section(matrix: Matrix, pack: CommitteePack) -> list[str]:
    """The heat map of current scores."""
    return ["## Heat map of current scores", heat_map_table(matrix, pack.risks)]


def register_summary(matrix: Matrix, pack: CommitteePack) -> list[str]:
    """Every risk the pack covers, one line each; the committee's own are marked."""
    if len(pack.own) == len(pack.risks) + len(pack.exempt.risks):
        return []
    phrases = Phrases(matrix)
    lines = [
        [
            cell(r.reference) + (" *" if r.id in pack.own else ""),
            cell(r.title),
            phrases.name(r.owner) + _mark(pack, r, "owner"),
            phrases.name(r.lead_committee) + _mark(pack, r, "lead_committee"),
            phrases.score_of(r.current) + _mark(pack, r, "scores"),
            phrases.direction[r.direction],
            phrases.appetite(r) + _mark(pack, r, "appetite"),
        ]
        for r in pack.risks
    ]
    return [
        "## The strategic risk register",
        f"Every open strategic and Board risk as at {fmt_date(pack.as_at)}. Risks marked * "
        'are led by the committee and set out in full under "The committee\'s risks".',
        table(
            (
                "Ref",
                "Title",
                "Risk owner",
                "Lead committee",
                "Current",
                "Direction of travel",
                "Appetite",
            ),
            lines,
        ),
    ]


def above_appetite(matrix: Matrix, pack: CommitteePack) -> list[str]:
    """Risks whose current score is above the appetite's ceiling."""
    body = (
        table(
            ("Ref", "Title", "Risk owner", "Current", "Appetite", "Direction of travel", "Target"),
            [
                [
                    cell(r.reference),
                    cell(r.title),
                    cell(r.owner) + _mark(pack, r, "owner"),
                    fmt_score(matrix, r.current) + _mark(pack, r, "scores"),
                    cell(appetite_text(matrix, r)) + _mark(pack, r, "appetite"),
                    fmt_direction(r.direction),
                    fmt_score(matrix, r.target) + _mark(pack, r, "scores"),
                ]
                for r in pack.above_appetite
            ],
        )
        if pack.above_appetite
        else "None."
    )
    return ["## Risks above appetite", body]


def combined_exposure(matrix: Matrix, pack: CommitteePack) -> list[str]:
    """The risks high together, and what they share; then the scenarios among its risks."""
    if not pack.combined and not pack.scenarios:
        return []
    parts = [
        "## Combined exposure",
        "The 2025-30 business plan warns that several strategic risks, if they were to impact "
        "in parallel, would be a serious threat to the Trust."
        + (" These risks are high together:" if pack.combined else ""),
    ]
    for group in pack.combined:
        names = [
            f"{inline(ref)} {inline(title)} ({score})"
            for ref, title, score in zip(group.references, group.titles, group.scores, strict=True)
        ]
        shared = [
            f"**Shared risk owners:** {inline('; '.join(group.owners)) or 'none'}",
            f"**Shared lead committees:** {inline('; '.join(group.committees)) or 'none'}",
            f"**Shared controls:** {inline('; '.join(group.controls)) or 'none recorded'}",
        ]
        parts += [bullets(names), bullets(shared)]
    if pack.scenarios:
        parts.append("Scenarios the register names among these risks:")
        parts += ["\n".join(scenario_parts(matrix, d)).strip("\n") for d in pack.scenarios]
    return parts


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


def _action_events(events: list[ActionEvent], when: str) -> str:
    if not events:
        return "None."
    return table(
        ("Risk", "Action", "Owner", when),
        [[cell(e.reference), cell(e.description), cell(e.owner), fmt_date(e.on)] for e in events],
    )


def changes_section(
    matrix: Matrix, changes: Changes, *, actions: bool = False, level: int = 2, title: str = ""
) -> list[str]:
    """New, closed, reopened, rescored (every rescoring, in order), escalated and de-escalated
    risks in a period; with ``actions``, further actions raised, completed and overdue too."""
    top, sub = "#" * level, "#" * (level + 1)
    if changes.since is None:
        return [
            f"{top} Changes since the previous meeting",
            "No earlier meeting of the committee is recorded, so there is nothing to compare.",
        ]
    title = f"{top} {title or 'Changes since the meeting of ' + fmt_date(changes.since)}"
    intro = f"From {fmt_date(changes.since)} up to {fmt_date(changes.until)} (not included)." + (
        " Nothing changed on the risks." if changes.is_empty else ""
    )
    rescored = (
        table(
            ("Ref", "Title", "Was", "Now", "Direction of travel", "Rescored on", "Rationale"),
            [
                [
                    cell(c.reference),
                    cell(c.title),
                    fmt_score(matrix, c.old) + (ILLUSTRATIVE_MARK if c.illustrative else ""),
                    fmt_score(matrix, c.new) + (ILLUSTRATIVE_MARK if c.illustrative else ""),
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
    parts = [
        title,
        intro,
        f"{sub} New risks",
        _new_risks(matrix, changes.new),
        f"{sub} Closed risks",
        _events(changes.closed),
        *([f"{sub} Reopened risks", _events(changes.reopened)] if changes.reopened else []),
        f"{sub} Rescored",
        rescored,
        f"{sub} Escalated",
        _events(changes.escalated, "Move and reason"),
        f"{sub} De-escalated",
        _events(changes.de_escalated, "Move and reason"),
    ]
    if actions:
        parts += [
            f"{sub} Actions raised",
            _action_events(changes.raised, "Raised"),
            f"{sub} Actions completed",
            _action_events(changes.completed, "Completed"),
            f"{sub} Actions overdue",
            _action_events(changes.overdue, "Due"),
        ]
    return parts


def changes(matrix: Matrix, pack: CommitteePack) -> list[str]:
    """What changed since the committee's previous meeting."""
    return changes_section(matrix, pack.changes)


def reviews_due(matrix: Matrix, pack: CommitteePack) -> list[str]:
    """Open risks due or overdue for review by the meeting."""
    body = (
        table(
            ("Ref", "Title", "Risk owner", "Current", "Next review"),
            [
                [
                    cell(r.reference),
                    cell(r.title),
                    cell(r.owner) + _mark(pack, r, "owner"),
                    fmt_score(matrix, r.current) + _mark(pack, r, "scores"),
                    review_text(r),
                ]
                for r in pack.reviews_due
            ],
        )
        if pack.reviews_due
        else f"None due by {fmt_date(pack.meeting_date)}."
    )
    return ["## Risks due or overdue for review", body]


def _latest_update(action: ActionView) -> str:
    latest = action.updates[-1] if action.updates else None
    return f"{fmt_date(latest.update_date)}: {inline(latest.text)}" if latest else "–"


def _updates_since(action: ActionView, since: object) -> str:
    """Every update since the previous meeting, oldest first; else the latest."""
    recent = [u for u in action.updates if since is not None and u.update_date >= since]  # type: ignore[operator]
    if not recent:
        return _latest_update(action)
    return " — ".join(f"{fmt_date(u.update_date)}: {inline(u.text)}" for u in recent)


def _status(action: ActionView) -> str:
    return action.status.label + (" (overdue)" if action.overdue else "")


def _action_text(action: ActionView) -> str:
    text = cell(action.description) + (ILLUSTRATIVE_MARK if action.illustrative else "")
    return f"{text} (risk {inline(action.risk_reference)})" if action.risk_reference else text


def _where(action: ActionView) -> str:
    if action.meeting_date is not None:
        return f"{inline(action.committee)} {fmt_date(action.meeting_date)}"
    return "Further action on the risk"


def _overdue_table(actions: list[ActionView]) -> str:
    return table(
        ("Action", "Risk", "Raised at", "Owner", "Due", "Status", "Latest update"),
        [
            [
                cell(a.description) + (ILLUSTRATIVE_MARK if a.illustrative else ""),
                cell(a.risk_reference),
                _where(a),
                cell(a.owner),
                fmt_date(a.due_date),
                _status(a),
                _latest_update(a),
            ]
            for a in actions
        ],
    )


def overdue_actions(matrix: Matrix, pack: CommitteePack) -> list[str]:
    """Further actions and tracker items past their due date."""
    return [
        "## Overdue actions",
        _overdue_table(pack.overdue_actions) if pack.overdue_actions else "None.",
    ]


def _tracker_table(actions: list[ActionView], since: object) -> str:
    return table(
        (
            "Date",
            "Agenda item",
            "Action",
            "Owner",
            "Due",
            "Status",
            "Updates since the last meeting",
        ),
        [
            [
                fmt_date(a.meeting_date or a.raised_on),
                cell(a.agenda_item),
                _action_text(a),
                cell(a.owner),
                fmt_date(a.due_date),
                _status(a),
                _updates_since(a, since),
            ]
            for a in actions
        ],
    )


def tracker(matrix: Matrix, pack: CommitteePack) -> list[str]:
    """The committee's action tracker, each item with its updates since the previous meeting."""
    return [
        "## Action tracker",
        _tracker_table(pack.tracker, pack.previous_meeting)
        if pack.tracker
        else "No actions on the tracker.",
    ]


def risks_in_full(matrix: Matrix, pack: CommitteePack) -> list[str]:
    """The committee's own risks, each in full."""
    parts = ["## The committee's risks"]
    if pack.details:
        phrases = Phrases(matrix)
        for detail in pack.details:
            parts.append(phrases.section(detail))
            parts += risk_indicators_block(pack.indicators, detail.row.id)
    else:
        parts.append("The committee leads no open risks.")
    return parts


IMPLICATIONS = (
    ("Financial implications", "No decision with a financial effect is asked of the committee; "
     "the financial risks are set out above."),
    ("Legal implications", "None arising directly from this report."),
    ("Risk management implications", "The report is the committee's oversight of the risks it "
     "leads under the Trust's risk management framework."),
    ("Equality, diversity and inclusion implications", "None arising directly from this report."),
    ("Safeguarding implications", "Risks bearing on the safety of children are set out in the "
     "register above."),
)  # fmt: skip
"""The implications headings of the Trust's papers, with what a risk report says under each."""


def implications(matrix: Matrix, pack: CommitteePack) -> list[str]:
    """The implications headings of the Trust's papers."""
    parts = ["## Implications"]
    for title, text in IMPLICATIONS:
        parts += [f"### {title}", text]
    return parts


def exempt_part(matrix: Matrix, pack: CommitteePack) -> list[str]:
    """Exempt items, apart: not for publication."""
    part = pack.exempt
    if pack.public or part.is_empty:
        return []
    parts = [
        "## Part B: exempt items (not for publication)",
        "The items below are exempt and are left out of the public version of this paper.",
    ]
    if part.risks:
        phrases = Phrases(matrix)
        parts += [
            "### Exempt risks",
            table(
                ("Ref", "Title", "Risk owner", "Current", "Direction of travel"),
                [
                    [
                        cell(r.reference),
                        cell(r.title),
                        phrases.name(r.owner),
                        phrases.score_of(r.current),
                        phrases.direction[r.direction],
                    ]
                    for r in part.risks
                ],
            ),
        ]
    if not part.changes.is_empty:
        parts += changes_section(matrix, part.changes, level=3)
    if part.actions:
        parts += ["### Exempt actions", _overdue_table(part.actions)]
    for detail in part.details:
        parts.append(Phrases(matrix).section(detail, level=3))
    return parts


SECTIONS: list[Section] = [
    front_matter,
    pack_health_section,
    heat_map_section,
    register_summary,
    above_appetite,
    pack_section,  # indicators outside tolerance (export.pack_indicators)
    combined_exposure,
    changes,
    reviews_due,
    overdue_actions,
    tracker,
    risks_in_full,
    implications,
    exempt_part,
]
"""The pack's sections in order."""


def add_section(section: Section, *, before: Section | None = None) -> None:
    """Add a section to every pack: before another, or (by default) before the implications."""
    SECTIONS.insert(SECTIONS.index(before or implications), section)


def render_pack(matrix: Matrix, pack: CommitteePack) -> str:
    """The committee pack as Markdown, ending with a newline."""
    parts: list[str] = []
    for section in SECTIONS:
        parts += section(matrix, pack)
    return strip_references("\n\n".join(parts)) + "\n"
