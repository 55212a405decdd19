"""Commands on risks: list, show, add, edit, score, escalate, de-escalate, close, reopen, link."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from bct_risk.cli.app import (
    app,
    cells,
    console,
    done,
    fmt_date,
    parse_choice,
    print_json,
    register,
    to_date,
    to_score,
)
from bct_risk.cli.filters import (
    AboveAppetiteOption,
    AllOption,
    BandOption,
    CategoryOption,
    CommitteeOption,
    OverdueOption,
    OwnerOption,
    SearchOption,
    StatusOption,
    TierOption,
    risk_filter,
)
from bct_risk.domain.enums import (
    Appetite,
    EscalationDirection,
    ScoreKind,
    Tier,
    Treatment,
)
from bct_risk.domain.errors import ValidationError
from bct_risk.domain.models import RiskCreate, RiskUpdate
from bct_risk.domain.scoring import Matrix, Score
from bct_risk.services import escalation, queries, risks
from bct_risk.services.context import Context
from bct_risk.services.register_rows import RiskFilter, RiskRow
from bct_risk.services.risks import MeetingRef
from bct_risk.services.validation import validate

BAND_STYLE = {
    "green": "bold green",
    "yellow": "bold yellow",
    "amber": "bold dark_orange",
    "red": "bold red",
}
"""How band colour names print in a terminal."""


def score_text(matrix: Matrix, score: Score | None) -> Text:
    """A score cell coloured by its band."""
    if score is None:
        return Text("–")
    return Text(str(score.value), style=BAND_STYLE.get(matrix.band(score.value).colour, ""))


def register_table(ctx: Context, rows: list[RiskRow]) -> Table:
    """The register as a Rich table."""
    table = Table(title=f"Risk register ({len(rows)} risks)", show_lines=False)
    for name in ("Ref", "Title", "Risk owner", "Lead committee", "Inh", "Cur", "Tgt", "DoT", "Band",
                 "Appetite", "Next review", "Status"):  # fmt: skip
        table.add_column(name, overflow="fold")
    for row in rows:
        appetite = Text(row.appetite.label if row.appetite else "")
        if row.above_appetite:
            appetite.append(" ▲above", style="bold red")
        review = Text(
            fmt_date(row.next_review_date), style="bold red" if row.review_overdue else ""
        )
        if row.review_overdue:
            review.append(" overdue")
        table.add_row(
            *cells(
                row.reference,
                row.title,
                row.owner,
                row.lead_committee,
                score_text(ctx.matrix, row.inherent),
                score_text(ctx.matrix, row.current),
                score_text(ctx.matrix, row.target),
                row.direction.value,
                Text(row.band, style=BAND_STYLE.get(row.band_colour, "")),
                appetite,
                review,
                row.status.label,
            )
        )
    return table


def show_register(ctx: Context, flt: RiskFilter | None = None) -> None:
    """Print the register."""
    console.print(register_table(ctx, queries.list_risks(ctx, flt)))


@app.command("list")
def list_command(
    ctx: typer.Context,
    all_: AllOption = False,
    status: StatusOption = None,
    search: SearchOption = "",
    owner: OwnerOption = "",
    committee: CommitteeOption = "",
    band: BandOption = "",
    tier: TierOption = None,
    category: CategoryOption = "",
    above_appetite: AboveAppetiteOption = False,
    overdue: OverdueOption = False,
    objective: Annotated[
        str,
        typer.Option(
            "--objective", help="Only the risks that threaten this objective (key or title)."
        ),
    ] = "",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    as_at: Annotated[
        str | None,
        typer.Option("--as-at", help="The register as recorded by the end of this day."),
    ] = None,
    form: Annotated[
        str,
        typer.Option(
            "--format",
            help="table (for the terminal's width; every column in full when piped), tsv, md, "
            "csv or json.",
        ),
    ] = "table",
) -> None:
    """List the risks on the register (open ones unless --all)."""
    from dataclasses import replace

    from bct_risk.cli.listing import parse_format, register_columns, terminal_width, write_rows

    chosen = parse_format(form)
    reg = register(ctx)
    flt = risk_filter(
        all_=all_, status=status, search=search, owner=owner, committee=committee, band=band,
        tier=tier, category=category, above_appetite=above_appetite, overdue=overdue,
    )  # fmt: skip
    flt = replace(flt, objective=objective)
    day = to_date(as_at, "as-at date") if as_at else None
    if day is not None:
        from bct_risk.services.as_at import register_as_at

        rows = register_as_at(reg, day, flt)
    else:
        rows = queries.list_risks(reg, flt)
    if as_json or chosen == "json":
        from bct_risk.cli.indicators import rows_json

        print_json(rows_json(reg, rows))
        return
    stream = sys.stdout
    write_rows(
        rows,
        register_columns(),
        chosen,
        stream=stream,
        width=terminal_width(stream),
        title=f"Risk register ({len(rows)} risks)",
    )


@app.command("show")
def show_command(
    ctx: typer.Context,
    reference: Annotated[str, typer.Argument(help="Risk reference, e.g. SR3.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show one risk: scores, history, controls, actions, reviews, escalations, audit trail."""
    reg = register(ctx)
    detail = queries.risk_detail(reg, reference)
    if as_json:
        from bct_risk.cli.indicators import detail_json

        print_json(detail_json(reg, detail))
        return
    from bct_risk.cli.detail import print_detail
    from bct_risk.cli.indicators import print_risk_indicators

    print_detail(reg, detail)
    print_risk_indicators(reg, detail.row.reference)


@app.command("history")
def history_command(
    ctx: typer.Context,
    reference: Annotated[str, typer.Argument(help="Risk reference.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show the audit trail of a risk: every change, who made it and when."""
    detail = queries.risk_detail(register(ctx), reference)
    if as_json:
        print_json(detail.audit)
        return
    table = Table(title=Text(f"Audit trail of {detail.row.reference}"))
    for name in ("When (UTC)", "Who", "What"):
        table.add_column(name, overflow="fold")
    for event in detail.audit:
        table.add_row(*cells(f"{event.at:%d %b %Y %H:%M}", event.actor, event.summary))
    console.print(table)


@app.command("add")
def add_command(
    ctx: typer.Context,
    reference: Annotated[str, typer.Argument(help="New reference, e.g. SR10.")],
    title: Annotated[str, typer.Option(help="Title of the risk.")],
    description: Annotated[str, typer.Option(help="Description.")] = "",
    cause: Annotated[str, typer.Option(help="Cause.")] = "",
    effect: Annotated[str, typer.Option(help="Effect.")] = "",
    category: Annotated[str, typer.Option(help="Category.")] = "",
    tier: Annotated[str, typer.Option(help="Register tier.")] = "strategic",
    owner: Annotated[str | None, typer.Option(help="Risk owner.")] = None,
    committee: Annotated[str | None, typer.Option(help="Lead committee.")] = None,
    appetite: Annotated[
        str | None, typer.Option(help="Appetite: averse, minimal, cautious, open, eager.")
    ] = None,
    treatment: Annotated[
        str, typer.Option(help="Treat, tolerate, transfer or terminate.")
    ] = "treat",
    target_date: Annotated[str | None, typer.Option(help="Date to reach the target score.")] = None,
    exempt: Annotated[
        bool, typer.Option("--exempt", help="Confidential: left out of public papers.")
    ] = False,
    likelihood: Annotated[int | None, typer.Option(help="Current likelihood 1-5.")] = None,
    impact: Annotated[int | None, typer.Option(help="Current impact 1-5.")] = None,
    inherent_likelihood: Annotated[
        int | None, typer.Option(help="Inherent likelihood 1-5.")
    ] = None,
    inherent_impact: Annotated[int | None, typer.Option(help="Inherent impact 1-5.")] = None,
    target_likelihood: Annotated[int | None, typer.Option(help="Target likelihood 1-5.")] = None,
    target_impact: Annotated[int | None, typer.Option(help="Target impact 1-5.")] = None,
    rationale: Annotated[
        str, typer.Option(help="Rationale for the first scores.")
    ] = "Initial assessment",
) -> None:
    """Add a risk to the register, with its first scores if given."""
    data = validate(
        RiskCreate,
        {
            "reference": reference,
            "title": title,
            "description": description,
            "cause": cause,
            "effect": effect,
            "category": category,
            "tier": parse_choice(Tier, tier),
            "owner": owner,
            "lead_committee": committee,
            "appetite": parse_choice(Appetite, appetite),
            "treatment": parse_choice(Treatment, treatment),
            "target_date": to_date(target_date, "target date"),
            "exempt": exempt,
        },
    )
    current = to_score(likelihood, impact, "current")
    inherent = to_score(inherent_likelihood, inherent_impact, "inherent")
    target = to_score(target_likelihood, target_impact, "target")
    risk = risks.create_risk(
        register(ctx), data, inherent=inherent, current=current, target=target, rationale=rationale
    )
    done(f"Added {risk.reference}: {risk.title}")


@app.command("edit")
def edit_command(
    ctx: typer.Context,
    reference: Annotated[str, typer.Argument(help="Risk reference.")],
    title: Annotated[str | None, typer.Option(help="Title.")] = None,
    description: Annotated[str | None, typer.Option(help="Description.")] = None,
    cause: Annotated[str | None, typer.Option(help="Cause.")] = None,
    effect: Annotated[str | None, typer.Option(help="Effect.")] = None,
    category: Annotated[str | None, typer.Option(help="Category.")] = None,
    owner: Annotated[str | None, typer.Option(help="Risk owner.")] = None,
    committee: Annotated[str | None, typer.Option(help="Lead committee.")] = None,
    appetite: Annotated[str | None, typer.Option(help="Appetite.")] = None,
    treatment: Annotated[str | None, typer.Option(help="Treatment.")] = None,
    target_date: Annotated[str | None, typer.Option(help="Target date.")] = None,
    next_review: Annotated[str | None, typer.Option(help="Next review date.")] = None,
    review_days: Annotated[int | None, typer.Option(help="Days between reviews.")] = None,
    exempt: Annotated[
        bool | None, typer.Option("--exempt/--public", help="Confidential or public.")
    ] = None,
    version: Annotated[
        int | None, typer.Option(help="Refuse the change if the risk is no longer at this version.")
    ] = None,
) -> None:
    """Change a risk's fields."""
    given = {
        "title": title,
        "description": description,
        "cause": cause,
        "effect": effect,
        "category": category,
        "owner": owner,
        "lead_committee": committee,
        "appetite": parse_choice(Appetite, appetite),
        "treatment": parse_choice(Treatment, treatment),
        "target_date": to_date(target_date, "target date"),
        "next_review_date": to_date(next_review, "next review date"),
        "review_frequency_days": review_days,
        "exempt": exempt,
    }
    changes = validate(RiskUpdate, {k: v for k, v in given.items() if v is not None})
    if not changes.model_fields_set:
        raise ValidationError("nothing to change: give at least one option (see --help)")
    risk = risks.update_risk(register(ctx), reference, changes, expected_version=version)
    done(f"Saved {risk.reference} (version {risk.version})")


@app.command("score")
def score_command(
    ctx: typer.Context,
    reference: Annotated[str, typer.Argument(help="Risk reference.")],
    likelihood: Annotated[int, typer.Option("--likelihood", "-l", help="Likelihood 1-5.")],
    impact: Annotated[int, typer.Option("--impact", "-i", help="Impact 1-5.")],
    rationale: Annotated[str, typer.Option("--rationale", "-r", help="Why this score (required).")],
    kind: Annotated[str, typer.Option(help="current, inherent or target.")] = "current",
    on: Annotated[
        str | None, typer.Option("--date", help="Assessment date (default today).")
    ] = None,
    meeting_committee: Annotated[
        str | None, typer.Option(help="Committee of the meeting that agreed it.")
    ] = None,
    meeting_date: Annotated[str | None, typer.Option(help="Date of that meeting.")] = None,
) -> None:
    """Score a risk: adds an assessment to its history (nothing is overwritten)."""
    reg = register(ctx)
    meeting = _meeting(meeting_committee, meeting_date)
    assessment = risks.score_risk(
        reg,
        reference,
        likelihood=likelihood,
        impact=impact,
        rationale=rationale,
        kind=parse_choice(ScoreKind, kind) or ScoreKind.CURRENT,
        assessed_on=to_date(on, "assessment date"),
        meeting=meeting,
    )
    row = queries.risk_detail(reg, reference).row
    band = reg.matrix.band(assessment.score).name
    done(
        f"Scored {row.reference} {assessment.kind.value} "
        f"{assessment.likelihood}x{assessment.impact}={assessment.score} ({band}); "
        f"direction of travel {row.direction.value} {row.direction.label}"
    )


def _meeting(committee: str | None, when: str | None) -> MeetingRef | None:
    if committee is None and when is None:
        return None
    day = to_date(when, "meeting date")
    if not committee or day is None:
        raise ValidationError("give both the meeting's committee and its date")
    return committee, day


def _move(
    ctx: typer.Context,
    reference: str,
    to: str,
    reason: str,
    on: str | None,
    committee: str | None,
    meeting_date: str | None,
    direction: EscalationDirection,
) -> None:
    reg = register(ctx)
    move = escalation.move_risk(
        reg,
        reference,
        to=to,
        reason=reason,
        direction=direction,
        decided_on=to_date(on, "date"),
        meeting=_meeting(committee, meeting_date),
    )
    verb = "Escalated" if direction == EscalationDirection.ESCALATE else "De-escalated"
    done(f"{verb} {reference.upper()}: {move.from_tier.value} → {move.to_tier.value}")


@app.command("escalate")
def escalate_command(
    ctx: typer.Context,
    reference: Annotated[str, typer.Argument(help="Risk reference.")],
    to: Annotated[str, typer.Option(help="Tier (committee, board) or committee name.")],
    reason: Annotated[str, typer.Option(help="Why (required).")],
    on: Annotated[str | None, typer.Option("--date", help="Date decided (default today).")] = None,
    meeting_committee: Annotated[
        str | None, typer.Option(help="Committee of the deciding meeting.")
    ] = None,
    meeting_date: Annotated[str | None, typer.Option(help="Date of the deciding meeting.")] = None,
) -> None:
    """Escalate a risk up the tiers, to a committee or to the Board."""
    _move(
        ctx,
        reference,
        to,
        reason,
        on,
        meeting_committee,
        meeting_date,
        EscalationDirection.ESCALATE,
    )


@app.command("deescalate")
def deescalate_command(
    ctx: typer.Context,
    reference: Annotated[str, typer.Argument(help="Risk reference.")],
    to: Annotated[str, typer.Option(help="Tier (strategic, operational) or committee name.")],
    reason: Annotated[str, typer.Option(help="Why (required).")],
    on: Annotated[str | None, typer.Option("--date", help="Date decided (default today).")] = None,
    meeting_committee: Annotated[
        str | None, typer.Option(help="Committee of the deciding meeting.")
    ] = None,
    meeting_date: Annotated[str | None, typer.Option(help="Date of the deciding meeting.")] = None,
) -> None:
    """De-escalate a risk down the tiers."""
    _move(
        ctx,
        reference,
        to,
        reason,
        on,
        meeting_committee,
        meeting_date,
        EscalationDirection.DE_ESCALATE,
    )


@app.command("close")
def close_command(
    ctx: typer.Context,
    reference: Annotated[str, typer.Argument(help="Risk reference.")],
    reason: Annotated[str, typer.Option(help="Why the risk is closed (required).")],
) -> None:
    """Close a risk with a reason; its history is kept."""
    risk = risks.close_risk(register(ctx), reference, reason=reason)
    done(f"Closed {risk.reference}")


@app.command("reopen")
def reopen_command(
    ctx: typer.Context,
    reference: Annotated[str, typer.Argument(help="Risk reference.")],
    reason: Annotated[str, typer.Option(help="Why the risk is reopened (required).")],
) -> None:
    """Reopen a closed risk with a reason."""
    risk = risks.reopen_risk(register(ctx), reference, reason=reason)
    done(f"Reopened {risk.reference}")


@app.command("link")
def link_command(
    ctx: typer.Context,
    reference: Annotated[str, typer.Argument(help="Risk reference.")],
    other: Annotated[str, typer.Argument(help="Reference of the related risk.")],
    note: Annotated[str, typer.Option(help="How they relate.")] = "",
) -> None:
    """Link two risks that bear on each other."""
    risks.link_risks(register(ctx), reference, other, note)
    done(f"Linked {reference.upper()} and {other.upper()}")
