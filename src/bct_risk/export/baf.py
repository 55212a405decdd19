"""The Board Assurance Framework paper in Markdown, in the layout NHS and local-government BAFs use.

For each strategic objective: the risks that threaten it with their current and target scores,
their key controls, the assurance on each control by line (positive or negative), the gaps in
control and in assurance with the further actions that close them. It opens with the register's
health (the data-quality checks) and ends with the scenarios: risks that could strike together.
Everything is as at the paper's cut-off.
"""

from __future__ import annotations

from bct_risk.domain.assurance import LINE_MEANING
from bct_risk.domain.enums import Assurance
from bct_risk.domain.gaps import Gaps
from bct_risk.domain.scoring import Matrix
from bct_risk.export.health import health_summary
from bct_risk.export.markdown import (
    bullets,
    cell,
    fmt_date,
    fmt_score,
    heading,
    inline,
    table,
)
from bct_risk.services.baf import (
    ControlState,
    Register,
    RiskState,
    ScenarioDetail,
    scenario_detail,
)
from bct_risk.services.checks import CheckReport


def baf_paper(register: Register, report: CheckReport, days: int) -> str:
    """The whole paper; ``days`` is how long a source of assurance counts."""
    as_at = register.as_at
    gaps = {r.reference: r.gaps(as_at, days) for r in register.risks if r.open}
    parts = [
        heading(1, "Board Assurance Framework"),
        "",
        f"As at {fmt_date(as_at)}. For each strategic objective, the risks that threaten it, "
        "the key controls on each risk, the assurance that they work and where the Trust cannot "
        "yet be sure: gaps in control (a risk above its target or appetite with no control "
        "judged effective) and gaps in assurance (a key control with no positive assurance in "
        f"the last {days} days, or only first-line assurance for a risk above appetite).",
        "",
        "Lines of assurance: "
        + "; ".join(f"{n} {LINE_MEANING[n]}" for n in (1, 2, 3))
        + ". + positive, − negative assurance.",
        "",
        health_summary(report).rstrip("\n"),
        "",
        heading(2, "Summary by objective"),
        "",
        _summary(register, gaps),
    ]
    for number, objective in enumerate(register.objectives, start=1):
        parts += ["", heading(2, f"{number}. {objective.title}"), ""]
        provenance = f"{objective.theme}. Source: {objective.source or '–'}"
        parts.append(inline(provenance + (" (illustrative)" if objective.illustrative else "")))
        risks = [r for ref in objective.risks if (r := register.risk(ref)) and r.open]
        if not risks:
            parts += ["", "No open risk on the register threatens this objective."]
        for risk in risks:
            parts += ["", _risk(register, risk, gaps[risk.reference])]
    unlinked = [r for r in register.risks if r.open and not r.objectives]
    if unlinked:
        parts += ["", heading(2, "Risks linked to no objective"), ""]
        parts.append(bullets([f"{inline(r.reference)} {inline(r.title)}" for r in unlinked]))
    parts += ["", _scenarios(register)]
    return "\n".join(parts).rstrip("\n") + "\n"


def _summary(register: Register, gaps: dict[str, Gaps]) -> str:
    rows = []
    for objective in register.objectives:
        risks = [r for ref in objective.risks if (r := register.risk(ref)) and r.open]
        scores = [r.current for r in risks if r.current]
        highest = max(scores, key=lambda s: s.value) if scores else None
        in_control = sum(1 for r in risks if gaps[r.reference].control)
        in_assurance = sum(len(gaps[r.reference].assurance) for r in risks)
        rows.append(
            [
                cell(objective.title),
                cell(", ".join(r.reference for r in risks)),
                fmt_score(register.matrix, highest) if highest else "–",
                _lowest_level(risks),
                str(in_control),
                str(in_assurance),
            ]
        )
    headers = ["Objective", "Risks", "Highest current", "Lowest control assurance"]
    return table([*headers, "Gaps in control", "Gaps in assurance"], rows)


def _lowest_level(risks: list[RiskState]) -> str:
    """The weakest assurance level recorded on the key controls of the risks; how many of
    their key controls have none recorded."""
    order = list(Assurance)  # substantial … none
    controls = [c for r in risks for c in r.controls if c.key_control]
    levels = [c.assurance_level for c in controls if c.assurance_level is not None]
    unjudged = len(controls) - len(levels)
    lowest = max(levels, key=order.index).label if levels else "none recorded"
    return (
        f"{lowest} ({unjudged} of {len(controls)} not judged)"
        if unjudged and levels
        else (lowest if controls else "–")
    )


def _risk(register: Register, risk: RiskState, gaps: Gaps) -> str:
    matrix = register.matrix
    appetite = risk.appetite.label if risk.appetite else "not set"
    ceiling = f" (ceiling {risk.ceiling})" if risk.ceiling is not None else ""
    lines = [
        heading(3, f"{risk.reference} {risk.title}"),
        "",
        table(
            ["Risk owner", "Lead committee", "Current", "Target", "Appetite", "Target date"],
            [
                [
                    cell(risk.owner.name if risk.owner else ""),
                    cell(risk.lead_committee),
                    fmt_score(matrix, risk.current),
                    fmt_score(matrix, risk.target),
                    inline(appetite + ceiling) + (" **above**" if risk.above_appetite else ""),
                    fmt_date(risk.target_date),
                ]
            ],
        ),
        "",
    ]
    key = [c for c in risk.controls if c.key_control]
    if key:
        lines += [
            "**Key controls and assurance**",
            "",
            table(
                ["#", "Control", "Effectiveness", "Level", "1st line", "2nd line", "3rd line"],
                [_control_row(c) for c in key],
            ),
        ]
    else:
        lines.append("**Key controls:** none recorded.")
    lines.append("")
    if gaps.control:
        lines.append(f"**Gap in control:** {inline(gaps.control.reason)}.")
    else:
        lines.append("**Gap in control:** none.")
    if gaps.assurance:
        lines += ["", "**Gaps in assurance:**", ""]
        lines.append(
            bullets([f"control {g.control_id}: {inline(g.reason)}" for g in gaps.assurance])
        )
    else:
        lines.append("**Gaps in assurance:** none.")
    if gaps.any:
        live = [a for a in risk.actions if a.live]
        lines += ["", "**Actions to close the gaps:**", ""]
        if live:
            lines.append(
                table(
                    ["#", "Action", "Owner", "Due"],
                    [
                        [str(a.id), cell(a.description), cell(a.owner), fmt_date(a.due_date)]
                        for a in live
                    ],
                )
            )
        else:
            lines.append("None open: the gaps have no action to close them.")
    return "\n".join(lines)


def _control_row(control: ControlState) -> list[str]:
    by_line = []
    for line in (1, 2, 3):
        found = [
            f"{'+' if s.positive else '−'} {inline(s.evidence)} "
            f"({inline(s.provider) or '–'}, {fmt_date(s.received_on)})"
            for s in control.sources
            if s.line == line
        ]
        by_line.append("; ".join(found) or "–")
    return [
        str(control.id),
        cell(control.description),
        control.effectiveness.label,
        control.assurance_level.label if control.assurance_level else "–",
        *by_line,
    ]


def _scenarios(register: Register) -> str:
    lines = [heading(2, "Risks that could strike together"), ""]
    if not register.scenarios:
        lines.append("No scenarios are recorded.")
        return "\n".join(lines)
    for scenario in register.scenarios:
        lines += scenario_parts(register.matrix, scenario_detail(register, scenario))
    return "\n".join(lines).rstrip("\n")


def scenario_parts(matrix: Matrix, detail: ScenarioDetail, level: int = 3) -> list[str]:
    """One scenario: its narrative, combined judgement, members and single points of failure."""
    scenario = detail.scenario
    lines: list[str] = []
    combined = fmt_score(matrix, scenario.combined) if scenario.combined else "not judged"
    lines += [heading(level, scenario.name), ""]
    if scenario.narrative:
        lines += [inline(scenario.narrative), ""]
    # "(illustrative, 002 L523)": a pack drops the line reference and keeps the rest.
    notes = (["illustrative"] if scenario.illustrative else []) + (
        [inline(scenario.source)] if scenario.source else []
    )
    where = f" ({', '.join(notes)})" if notes else ""
    lines += [f"Combined judgement: {combined}{where}.", ""]
    lines.append(
        table(
            ["Risk", "Current", "Target", "Risk owner"],
            [
                [
                    f"{inline(r.reference)} {inline(r.title)}",
                    fmt_score(matrix, r.current),
                    fmt_score(matrix, r.target),
                    cell(r.owner.name if r.owner else ""),
                ]
                for r in detail.members
            ],
        )
    )
    points = detail.single_points_of_failure
    lines += ["", "**Single points of failure:**", ""]
    if points:
        lines.append(bullets([f"{s.what} {inline(s.name)}: {', '.join(s.risks)}" for s in points]))
    else:
        lines.append("None: no control or person is shared by two or more of them.")
    lines.append("")
    return lines
