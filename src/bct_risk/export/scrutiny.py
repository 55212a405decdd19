"""The scrutiny update: the Trust's report to the Council's Overview and Scrutiny Committee, in
the shape of the Dec 2020 report (001 L938-1173): performance against the contract indicators,
the key indicators against target and tolerance, three to five headline key risks and their
open actions. Everything in it is as at the paper's cut-off.

:func:`scrutiny_data` reads the paper's content (a plain read model); :func:`render_scrutiny`
writes it as Markdown, every user text escaped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import col, select

from bct_risk.domain.enums import ActionKind, ActionStatus, RiskStatus, Tier
from bct_risk.domain.kpi_rules import Status
from bct_risk.domain.models import Action, Person, Risk
from bct_risk.domain.scoring import Matrix
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
from bct_risk.services.context import Context
from bct_risk.services.indicator_views import Breach, IndicatorLine, breaches_for_risks
from bct_risk.services.indicator_views import indicator_lines as read_indicator_lines
from bct_risk.services.register_rows import RiskFilter, RiskRow

HEADLINE_RISKS = 5
"""At most this many headline key risks (at least three where the register has them)."""


@dataclass(frozen=True)
class OpenAction:
    """A further action on a headline risk, open at the cut-off."""

    reference: str
    description: str
    owner: str
    due_date: date | None
    status: ActionStatus


@dataclass(frozen=True)
class ScrutinyData:
    """The scrutiny update's content, as at its cut-off."""

    as_at: date
    indicators: tuple[IndicatorLine, ...]
    """Indicators with a target, whose latest value was reported by the cut-off."""
    risks: tuple[RiskRow, ...]
    breaches: dict[int, list[Breach]]
    actions: tuple[OpenAction, ...]


def scrutiny_data(ctx: Context, as_at: date | None = None) -> ScrutinyData:
    """Read the paper's content as at a day (today by default)."""
    from bct_risk.services.as_at import register_as_at

    day = as_at or ctx.today()
    rows = register_as_at(ctx, day, RiskFilter(include_closed=True, include_exempt=False))
    with ctx.read() as session:
        # A risk closed after the cut-off was open at it (a seeded risk has no closing event).
        closed_on = dict(session.exec(select(col(Risk.id), col(Risk.closed_on))).all())
        strategic = [
            r
            for r in rows
            if r.tier in (Tier.STRATEGIC, Tier.COMMITTEE, Tier.BOARD)
            and (r.status is RiskStatus.OPEN or (closed_on.get(r.id) or day) > day)
        ]
        breaches = breaches_for_risks(session, [r.id for r in strategic], day)
        ranked = sorted(
            strategic,
            key=lambda r: (
                -(r.current.value if r.current else 0),
                -len(breaches.get(r.id, [])),
                r.reference,
            ),
        )
        headline = tuple(r for r in ranked if r.current is not None)[:HEADLINE_RISKS]
        lines = tuple(
            line
            for line in read_indicator_lines(session, day)
            if line.band is not None and line.latest is not None
        )
        ids = [r.id for r in headline]
        owners = dict(session.exec(select(Person.id, Person.name)).all())
        references = {r.id: r.reference for r in headline}
        actions = tuple(
            OpenAction(
                references[a.risk_id or 0],
                a.description,
                owners.get(a.owner_id or 0, ""),
                a.due_date,
                ActionStatus(a.status),
            )
            for a in session.exec(
                select(Action)
                .where(col(Action.risk_id).in_(ids))
                .where(Action.kind == ActionKind.FURTHER_ACTION)
                .where(Action.raised_on <= day)
                .order_by(col(Action.due_date), col(Action.id))
            )
            if _open_at(a, day)
        )
    return ScrutinyData(
        day, lines, headline, {r.id: breaches.get(r.id, []) for r in headline}, actions
    )


def _open_at(action: Action, day: date) -> bool:
    """Open at the end of a day: not cancelled, and completed only after it (if at all)."""
    status = ActionStatus(action.status)
    if status is ActionStatus.CANCELLED:
        return False
    if action.completed_on is not None:
        return action.completed_on > day
    return status is not ActionStatus.COMPLETE


def _suffix(line: IndicatorLine) -> str:
    return {"percent": "%", "days": " days"}.get(line.unit.value, "")


def render_scrutiny(data: ScrutinyData, matrix: Matrix) -> str:
    """The scrutiny update as Markdown."""
    parts = [
        heading(
            1, "Report for the Education and Children's Social Care Overview and Scrutiny Committee"
        ),
        f"Birmingham Children's Trust: update as at {fmt_date(data.as_at)}",
        heading(2, "1. Introduction"),
        "This report updates the Committee on the Trust's performance against the contract "
        "performance indicators, the key risks the Trust faces and the actions in hand on them. "
        f"Everything in it is as recorded by {fmt_date(data.as_at)}.",
        heading(2, "2. Trust activity and performance"),
    ]
    counts = {s: sum(1 for line in data.indicators if line.status is s) for s in Status}
    if data.indicators:
        parts.append(
            f"Of the {len(data.indicators)} indicators with a target, "
            f"{counts[Status.ON_TARGET]} were on or better than target, "
            f"{counts[Status.WITHIN_TOLERANCE]} within the agreed tolerance and "
            f"{counts[Status.OUTSIDE_TOLERANCE]} outside tolerance at their latest report."
        )
        rows = []
        for line in data.indicators:
            latest = line.latest
            assert latest is not None and line.band is not None
            suffix = _suffix(line)
            edges = (line.band.low, line.band.high)
            tolerance = "–"
            if edges != (None, None):
                tolerance = "-".join("" if e is None else f"{e:g}" for e in edges) + suffix
            rows.append(
                [
                    cell(line.number),
                    cell(line.name),
                    "High" if line.polarity.value == "high" else "Low",
                    cell(f"{line.band.target:g}{suffix}"),
                    cell(tolerance),
                    cell(latest.value_text),
                    cell(latest.period_label),
                    cell(line.status.label),
                    cell(
                        f"{line.months.met}/{line.months.reported}" if line.months.reported else ""
                    ),
                    cell("" if latest.national_average is None else f"{latest.national_average:g}"),
                    cell(
                        "" if latest.neighbour_average is None else f"{latest.neighbour_average:g}"
                    ),
                ]
            )
        parts.append(heading(3, "Key indicators against target and tolerance"))
        parts.append(
            table(
                [
                    "No.",
                    "Indicator",
                    "Good =",
                    "Target",
                    "Tolerance",
                    "Latest",
                    "Period",
                    "Status",
                    "Months on target (last 12)",
                    "National",
                    "Stat. neighbours",
                ],
                rows,
            )
        )
        outside = [line for line in data.indicators if line.status is Status.OUTSIDE_TOLERANCE]
        if outside:
            parts.append(heading(3, "Indicators outside tolerance"))
            items = []
            for line in outside:
                latest = line.latest
                assert latest is not None and line.band is not None
                risks = ", ".join(line.risks) or "no risk linked"
                items.append(
                    inline(
                        f"{line.name}: {latest.value_text} ({latest.period_label}) against "
                        f"{line.band.describe(_suffix(line))}; bears on {risks}"
                    )
                )
            parts.append(bullets(items))
    else:
        parts.append(f"No indicator with a target had been reported by {fmt_date(data.as_at)}.")
    parts.append(heading(2, "3. Key risks"))
    if data.risks:
        parts.append("The key risks faced by the Trust presently are as follows:")
        items = []
        for row in data.risks:
            text = (
                f"**{inline(row.reference)} {inline(row.title)}**: current score "
                f"{fmt_score(matrix, row.current)}, {fmt_direction(row.direction)}; risk owner "
                f"{inline(row.owner) or '–'}."
            )
            for breach in data.breaches.get(row.id, []):
                text += inline(
                    f" Indicator breach: {breach.name} {breach.value_text} "
                    f"({breach.period_label}) against {breach.target}."
                )
            items.append(text)
        parts.append(bullets(items))
    else:
        parts.append(f"No strategic risk had been scored by {fmt_date(data.as_at)}.")
    parts.append(heading(2, "4. Open actions on the key risks"))
    if data.actions:
        parts.append(
            table(
                ["Risk", "Action", "Owner", "Due", "Status"],
                [
                    [
                        cell(a.reference),
                        cell(a.description),
                        cell(a.owner),
                        cell(fmt_date(a.due_date)),
                        cell(a.status.label),
                    ]
                    for a in data.actions
                ],
            )
        )
    else:
        parts.append("No further action on the key risks was open.")
    return "\n\n".join(parts) + "\n"
