"""Printing one risk in full for ``bct-risk show``."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from bct_risk.cli.app import cells, console, fmt_date
from bct_risk.cli.assurance import assurance_cell
from bct_risk.cli.risks import BAND_STYLE
from bct_risk.domain.scoring import Score
from bct_risk.services.context import Context
from bct_risk.services.queries import ActionView, RiskDetail


def _score_line(ctx: Context, label: str, score: Score | None) -> Text:
    text = Text(f"{label:<9}")
    if score is None:
        return text.append("not scored")
    band = ctx.matrix.band(score.value)
    text.append(f"{score.value:>2} ", style=BAND_STYLE.get(band.colour, ""))
    text.append(
        f"{band.name} — likelihood {score.likelihood} "
        f"{ctx.matrix.likelihood_label(score.likelihood)}, "
        f"impact {score.impact} {ctx.matrix.impact_label(score.impact)}"
    )
    return text


def _actions_table(title: str, actions: list[ActionView]) -> Table:
    table = Table(title=title, title_justify="left")
    for name in ("#", "Action", "Owner", "Due", "Status", "Latest update"):
        table.add_column(name, overflow="fold")
    for a in actions:
        latest = a.updates[-1] if a.updates else None
        status = Text(a.status.label, style="bold red" if a.overdue else "")
        if a.overdue:
            status.append(" overdue")
        table.add_row(
            *cells(
                str(a.id),
                a.description,
                a.owner,
                fmt_date(a.due_date),
                status,
                f"{fmt_date(latest.update_date)}: {latest.text}" if latest else "",
            )
        )
    return table


def print_detail(ctx: Context, d: RiskDetail) -> None:
    """Print everything about a risk."""
    row = d.row
    console.print(Text(f"{row.reference} {row.title}", style="bold"))
    console.print(
        Text(
            f"Risk owner: {row.owner or '–'}   Lead committee: {row.lead_committee or '–'}   "
            f"Tier: {row.tier.label}   Status: {row.status.label}   "
            f"Category: {row.category or '–'}"
        )
    )
    if d.closed_reason:
        console.print(Text(f"Closed {fmt_date(d.closed_on)}: {d.closed_reason}"))
    if row.exempt:
        console.print(Text("Exempt: left out of public papers", style="bold"))
    for heading, text in (("Description", d.description), ("Cause", d.cause), ("Effect", d.effect)):
        if text:
            console.print()
            console.print(Text(heading, style="bold"))
            console.print(Text(text))
    console.print()
    console.print(_score_line(ctx, "Inherent", row.inherent))
    console.print(_score_line(ctx, "Current", row.current))
    console.print(_score_line(ctx, "Target", row.target))
    appetite = row.appetite.label if row.appetite else "not set"
    above = " — ABOVE APPETITE" if row.above_appetite else ""
    to_target = "–" if row.gap_to_target is None else str(row.gap_to_target)
    console.print(
        Text(
            f"Direction of travel: {row.direction.value} {row.direction.label}   "
            f"Appetite: {appetite}{above}   Gap to target: {to_target}   "
            f"Target date: {fmt_date(row.target_date) or '–'}"
        )
    )
    review = fmt_date(row.next_review_date) or "–"
    overdue = " (OVERDUE)" if row.review_overdue else ""
    console.print(Text(f"Treatment: {d.treatment}   Next review: {review}{overdue}"))
    if d.illustrative:
        console.print(Text(f"Illustrative values: {', '.join(d.illustrative)}", style="italic"))
    if d.source:
        console.print(Text(f"Source: {d.source}", style="dim"))
    if d.source_reference and d.source_reference != row.reference:
        console.print(Text(f"Reference in the source: {d.source_reference}", style="dim"))
    if d.title_derived:
        console.print(Text("Title derived from the description on import", style="dim"))
    if d.owner_role:
        console.print(Text(f"Risk owner's role (as the source names it): {d.owner_role}"))
    if d.additional_fields:
        console.print(Text("Additional fields (from the imported register):", style="bold"))
        for name, text in d.additional_fields.items():
            console.print(Text(f"  {name}: {text}"))

    history = Table(title="Score history", title_justify="left")
    for name in ("Date", "Kind", "Score", "Band", "By", "Rationale"):
        history.add_column(name, overflow="fold")
    for a in d.history:
        history.add_row(
            *cells(
                fmt_date(a.assessed_on), a.kind.label, str(a.score), a.band, a.assessed_by,
                a.rationale,
            )
        )  # fmt: skip
    console.print(history)

    controls = Table(title="Controls", title_justify="left")
    for name in ("#", "Control", "Owner", "Effectiveness", "Line", "Assurance"):
        controls.add_column(name, overflow="fold")
    for c in d.controls:
        controls.add_row(
            *cells(
                str(c.id), c.description, c.owner, c.effectiveness,
                str(c.assurance_line or "–"), assurance_cell(c),
            )
        )  # fmt: skip
    console.print(controls)
    if d.retired_controls:
        # No longer in place: kept with the day and the reason (services.controls).
        retired = Table(title="Retired controls", title_justify="left")
        for name in ("#", "Control", "Retired", "Reason"):
            retired.add_column(name, overflow="fold")
        for c in d.retired_controls:
            retired.add_row(
                *cells(str(c.id), c.description, fmt_date(c.retired_on), c.retired_reason)
            )
        console.print(retired)
    if d.objectives:
        console.print(Text("Threatens objectives: " + "; ".join(d.objectives)))
    console.print(_actions_table("Further actions", d.further_actions))
    if d.tracker_items:
        console.print(_actions_table("Linked action-tracker items", d.tracker_items))

    reviews = Table(title="Committee reviews", title_justify="left")
    for name in ("Meeting", "Committee", "Outcome", "Assurance", "Score", "Comments"):
        reviews.add_column(name, overflow="fold")
    for r in d.reviews:
        reviews.add_row(
            *cells(
                fmt_date(r.meeting_date), r.committee, r.outcome, r.assurance,
                str(r.score.value) if r.score else "", r.comments,
            )
        )  # fmt: skip
    console.print(reviews)
    if d.escalations:
        moves = Table(title="Escalations", title_justify="left")
        for name in ("Date", "Move", "To", "Reason", "Decision", "By"):
            moves.add_column(name, overflow="fold")
        for e in d.escalations:
            moves.add_row(
                *cells(
                    fmt_date(e.decided_on), e.direction, f"{e.from_tier} → {e.to_tier}",
                    e.reason, e.decision, e.decided_by,
                )
            )  # fmt: skip
        console.print(moves)
    if d.links:
        console.print(
            Text("Linked risks: " + "; ".join(f"{ref} {title}" for ref, title in d.links))
        )
    trail = Table(title="Audit trail", title_justify="left")
    for name in ("When (UTC)", "Who", "What"):
        trail.add_column(name, overflow="fold")
    for event in d.audit:
        trail.add_row(*cells(f"{event.at:%d %b %Y %H:%M}", event.actor, event.summary))
    console.print(trail)
