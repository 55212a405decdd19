"""The register as a Markdown paper: a summary table, then a section per risk.

The risk section is shared with the committee pack, so a risk reads the same in both papers.
"""

from __future__ import annotations

from bct_risk.domain.scoring import Matrix
from bct_risk.export.markdown import (
    block,
    bullets,
    cell,
    fmt_date,
    fmt_direction,
    fmt_score,
    fmt_score_labels,
    heading,
    inline,
    table,
)
from bct_risk.services.papers import RegisterPaper, RiskSection, Withheld
from bct_risk.services.queries import ActionView, RiskRow

CONFIDENTIAL = "**CONFIDENTIAL**: this paper includes exempt items and is not for publication."

SUMMARY_HEADERS = (
    "Ref",
    "Title",
    "Risk owner",
    "Lead committee",
    "Inherent",
    "Current",
    "Target",
    "Direction of travel",
    "Appetite",
    "Next review",
)


def marking(public: bool, withheld: Withheld) -> str:
    """The line at the top of a paper: confidential, or what a public version leaves out."""
    if not public:
        return CONFIDENTIAL
    if withheld.total == 0:
        return "Public version: no exempt items on this paper."
    risks = f"{withheld.risks} risk" + ("" if withheld.risks == 1 else "s")
    actions = f"{withheld.actions} action" + ("" if withheld.actions == 1 else "s")
    items = "item was" if withheld.total == 1 else "items were"
    return f"Public version: {withheld.total} exempt {items} withheld ({risks}, {actions})."


def appetite_text(matrix: Matrix, row: RiskRow) -> str:
    """Appetite with its ceiling, and how far above it the current score stands."""
    if row.appetite is None:
        return "not set"
    text = f"{row.appetite.label} (up to {matrix.ceiling(row.appetite)})"
    if row.above_appetite and row.gap_to_appetite is not None:
        text += f", above appetite by {row.gap_to_appetite}"
    return text


def review_text(row: RiskRow) -> str:
    """The next review date, marked when it has passed."""
    text = fmt_date(row.next_review_date)
    return f"{text} (overdue)" if row.review_overdue else text


def summary_table(matrix: Matrix, rows: list[RiskRow]) -> str:
    """One line per risk: scores, direction of travel, appetite and next review."""
    return table(
        SUMMARY_HEADERS,
        [
            [
                cell(r.reference),
                cell(r.title),
                cell(r.owner),
                cell(r.lead_committee),
                fmt_score(matrix, r.inherent),
                fmt_score(matrix, r.current),
                fmt_score(matrix, r.target),
                fmt_direction(r.direction),
                cell(appetite_text(matrix, r)),
                review_text(r),
            ]
            for r in rows
        ],
    )


def actions_table(actions: list[ActionView]) -> str:
    """Further actions with owners, due dates, status and the latest update."""
    rows = []
    for a in actions:
        latest = a.updates[-1] if a.updates else None
        status = a.status.label + (" (overdue)" if a.overdue else "")
        update = f"{fmt_date(latest.update_date)}: {inline(latest.text)}" if latest else "–"
        rows.append([cell(a.description), cell(a.owner), fmt_date(a.due_date), status, update])
    return table(("Action", "Owner", "Due", "Status", "Latest update"), rows)


def risk_section(matrix: Matrix, detail: RiskSection, level: int = 3) -> str:
    """Everything a paper says about one risk, under a heading of the given level."""
    row = detail.row
    sub = "#" * (level + 1)
    parts = [heading(level, f"{row.reference} {row.title}")]
    facts = [
        f"**Risk owner:** {cell(row.owner)}",
        f"**Lead committee:** {cell(row.lead_committee)}",
        f"**Tier:** {row.tier.label}",
        f"**Status:** {row.status.label}",
        f"**Category:** {cell(row.category)}",
    ]
    if row.exempt:
        facts.append("**Exempt:** left out of public papers")
    parts.append(" · ".join(facts))
    if detail.closed_reason:
        parts.append(f"Closed on {fmt_date(detail.closed_on)}: {inline(detail.closed_reason)}")
    for title, text in (
        ("Description", detail.description),
        ("Cause", detail.cause),
        ("Effect", detail.effect),
    ):
        parts.append(f"{sub} {title}")
        parts.append(block(text) or "Not recorded.")
    parts.append(f"{sub} Scores")
    target = fmt_score_labels(matrix, row.target)
    if row.target is not None and row.target_date is not None:
        target += f", by {fmt_date(row.target_date)}"
    parts.append(
        bullets(
            [
                f"Inherent: {fmt_score_labels(matrix, row.inherent)}",
                f"Current: {fmt_score_labels(matrix, row.current)}",
                f"Target: {target}",
                "Direction of travel: "
                + fmt_direction(row.direction)
                + (f" (from {row.previous_score})" if row.previous_score is not None else ""),
                f"Appetite: {inline(appetite_text(matrix, row))}",
                f"Treatment: {detail.treatment.label}",
                f"Next review: {review_text(row)}",
            ]
        )
    )
    parts.append(f"{sub} Controls")
    if detail.controls:
        parts.append(
            table(
                ("Control", "Owner", "Effectiveness"),
                [[cell(c.description), cell(c.owner), c.effectiveness] for c in detail.controls],
            )
        )
    else:
        parts.append("No controls recorded.")
    parts.append(f"{sub} Further actions")
    if detail.further_actions:
        parts.append(actions_table(detail.further_actions))
    else:
        parts.append("No further actions recorded.")
    parts.append(f"{sub} Last committee review")
    if detail.last_review is not None:
        r = detail.last_review
        text = f"{inline(r.committee)}, {fmt_date(r.meeting_date)}: {r.outcome}"
        if r.assurance:
            text += f"; assurance {r.assurance.lower()}"
        if r.score is not None:
            text += f"; score at the time {fmt_score(matrix, r.score)}"
        text += "."
        if r.comments.strip():
            text += "\n\n" + block(r.comments)
        parts.append(text)
    else:
        parts.append("Not yet reviewed by a committee.")
    return "\n\n".join(parts)


def render_register(matrix: Matrix, paper: RegisterPaper) -> str:
    """The register paper as Markdown, ending with a newline."""
    count = len(paper.risks)
    parts = [
        marking(paper.public, paper.withheld),
        heading(1, paper.title),
        f"Prepared on {fmt_date(paper.today)}. {count} risk{'' if count == 1 else 's'}; "
        + inline("; ".join(paper.filters))
        + ".",
        "## Summary",
    ]
    if paper.risks:
        parts.append(summary_table(matrix, [d.row for d in paper.risks]))
        parts.append("## Risks")
        parts.extend(risk_section(matrix, d) for d in paper.risks)
    else:
        parts.append("No risks match.")
    return "\n\n".join(parts) + "\n"
