"""Commands of the Board Assurance Framework: checks, objectives, assurance, scenarios, leavers.

``bct-risk check`` runs the data-quality checks and exits 1 when a check marked blocking in the
matrix file finds anything; ``objectives``, ``assurance`` and ``scenario`` manage the framework;
``people left`` records the day someone left; ``exempt`` records why a risk is exempt.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from bct_risk.cli.app import (
    app,
    cells,
    console,
    err,
    fmt_date,
    parse_choice,
    print_json,
    register,
    to_date,
)
from bct_risk.domain.assurance import LINES
from bct_risk.domain.enums import Assurance
from bct_risk.domain.errors import NotFoundError, ValidationError
from bct_risk.services import assurance
from bct_risk.services.queries import ControlView

objectives_app = typer.Typer(help="Strategic objectives and the risks that threaten them.")
app.add_typer(objectives_app, name="objectives")
assurance_app = typer.Typer(help="Sources of assurance on controls, and their assurance level.")
app.add_typer(assurance_app, name="assurance")
scenario_app = typer.Typer(help="Scenarios: risks that could materialise together.")
app.add_typer(scenario_app, name="scenario")

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
AsAtOption = Annotated[
    str | None, typer.Option("--as-at", help="Cut-off date (default today), e.g. 2026-11-30.")
]


def assurance_cell(control: ControlView) -> Text:
    """A control's assurance in a table cell: its level and its sources by line, + or −."""
    parts = [control.assurance_level] if control.assurance_level else []
    for s in control.assurance:
        parts.append(f"L{s.line}{'+' if s.positive else '−'} {fmt_date(s.received_on)}")
    if not control.key_control:
        parts.append("not key")
    return Text("; ".join(parts) or "none recorded")


# -- check ---------------------------------------------------------------------------------------


@app.command("check")
def check_command(
    ctx: typer.Context, as_json: JsonOption = False, as_at: AsAtOption = None
) -> None:
    """Run the data-quality checks; exit 1 when a check marked blocking finds anything."""
    from bct_risk.services.checks import run_checks

    when = to_date(as_at, "as-at date")
    report = run_checks(register(ctx), when)
    if as_json:
        print_json(
            {
                "as_at": report.as_at,
                "counts": report.counts(),
                "blocking_failed": [r.name for r in report.blocking_failures],
                "checks": [
                    {
                        "name": r.name, "title": r.title, "enabled": r.enabled,
                        "blocking": r.blocking, "note": r.note,
                        "findings": [
                            {"subject": f.subject, "reference": f.reference,
                             "message": f.message, "fix": f.fix}
                            for f in r.findings
                        ],
                    }
                    for r in report.results
                ],
            }
        )  # fmt: skip
    else:
        summary = Table(title=Text(f"Register health as at {fmt_date(report.as_at)}"))
        for name in ("Check", "Findings", "Blocking"):
            summary.add_column(name, overflow="fold")
        for r in report.results:
            count = "off" if not r.enabled else (r.note or str(len(r.findings)))
            summary.add_row(*cells(r.title, count, "yes" if r.blocking else "no"))
        console.print(summary)
        for r in report.results:
            if not r.findings:
                continue
            table = Table(title=Text(f"{r.title} ({len(r.findings)})"), title_justify="left")
            table.add_column("Concerns", overflow="fold")
            table.add_column("Finding", overflow="fold")
            for f in r.findings:
                table.add_row(*cells(f.subject, f.message))
            console.print(table)
            console.print(Text(f"To fix: {r.findings[0].fix}", style="dim"))
    if report.blocking_failures:
        names = ", ".join(r.name for r in report.blocking_failures)
        err.print(f"blocking checks found problems: {names}", markup=False)
        raise typer.Exit(1)


# -- objectives ----------------------------------------------------------------------------------


@objectives_app.command("list")
def objectives_list(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """List the strategic objectives with the risks that threaten each."""
    from bct_risk.services.baf import load_register

    objectives = load_register(register(ctx)).objectives
    if as_json:
        print_json(objectives)
        return
    table = Table(title="Strategic objectives")
    for name in ("Key", "Objective", "Theme", "Risks", "Source"):
        table.add_column(name, overflow="fold")
    for o in objectives:
        table.add_row(*cells(o.key, o.title, o.theme, ", ".join(o.risks) or "–", o.source))
    console.print(table)


@objectives_app.command("link")
def objectives_link(
    ctx: typer.Context,
    reference: Annotated[str, typer.Argument(help="Risk reference, e.g. SR3.")],
    objective: Annotated[str, typer.Argument(help="Objective key or title.")],
    unlink: Annotated[bool, typer.Option("--unlink", help="Remove the link instead.")] = False,
) -> None:
    """Record that a risk threatens an objective (or, with --unlink, that it no longer does)."""
    risk = assurance.link_objective(register(ctx), reference, objective, unlink=unlink)
    verb = "no longer linked to" if unlink else "linked to"
    done_text(f"{risk.reference} {verb} {objective.strip()}")


# -- assurance -----------------------------------------------------------------------------------


@assurance_app.command("add")
def assurance_add(
    ctx: typer.Context,
    control: Annotated[int, typer.Argument(help="Control number (shown by bct-risk show).")],
    evidence: Annotated[str, typer.Option(help="What the evidence is.")],
    line: Annotated[int, typer.Option(help="1 management, 2 oversight, 3 independent.")],
    received: Annotated[str, typer.Option("--date", help="When it was received.")],
    provider: Annotated[str, typer.Option("--from", help="Who gave it.")] = "",
    negative: Annotated[
        bool, typer.Option("--negative", help="It showed the control is not working.")
    ] = False,
    file: Annotated[
        Path | None, typer.Option(help="Evidence file: its path and SHA-256 are kept.")
    ] = None,
    link: Annotated[str, typer.Option(help="A link to the evidence.")] = "",
) -> None:
    """Record a source of assurance on a control."""
    when = to_date(received, "date")
    assert when is not None
    item = assurance.add_assurance_source(
        register(ctx), control, evidence=evidence, line=line, received_on=when,
        provider=provider, positive=not negative, link=link, file=file,
    )  # fmt: skip
    verdict = "negative" if negative else "positive"
    done_text(f"Recorded {verdict} {LINES[line]} assurance {item.id} on control {control}")


@assurance_app.command("remove")
def assurance_remove(
    ctx: typer.Context,
    source: Annotated[int, typer.Argument(help="Number of the source of assurance.")],
) -> None:
    """Remove a source of assurance recorded in error (the audit trail keeps it)."""
    item = assurance.remove_assurance_source(register(ctx), source)
    done_text(f"Removed assurance {source} from control {item.control_id}")


@assurance_app.command("level")
def assurance_level(
    ctx: typer.Context,
    control: Annotated[int, typer.Argument(help="Control number.")],
    level: Annotated[
        str | None,
        typer.Argument(help="substantial, reasonable, limited or none; 'clear' to remove it."),
    ] = None,
    key: Annotated[
        bool | None, typer.Option("--key/--not-key", help="Whether it is a key control.")
    ] = None,
) -> None:
    """Record a control's assurance level, and whether it is a key control."""
    clear = level is not None and level.strip().lower() == "clear"
    chosen = None if clear else parse_choice(Assurance, level)
    if chosen is None and not clear and key is None:
        raise ValidationError("give an assurance level, 'clear', --key or --not-key")
    control_row = assurance.set_control_assurance(
        register(ctx), control, level=chosen, clear_level=clear, key_control=key
    )
    shown = control_row.assurance_level.label if control_row.assurance_level else "not judged"
    key_text = "key control" if control_row.key_control else "not a key control"
    done_text(f"Control {control}: assurance {shown.lower()}, {key_text}")


@assurance_app.command("list")
def assurance_list(
    ctx: typer.Context,
    reference: Annotated[str, typer.Argument(help="Risk reference: its controls' assurance.")],
    as_json: JsonOption = False,
    as_at: AsAtOption = None,
) -> None:
    """The assurance map of a risk: each control, its assurance by line, and the gaps."""
    from bct_risk.services.baf import load_register
    from bct_risk.services.checks import assurance_days

    reg = register(ctx)
    when = to_date(as_at, "as-at date")
    state = load_register(reg, when).risk(reference)
    if state is None:
        raise NotFoundError(f"no risk has the reference '{reference.strip()}'")
    days = assurance_days(reg.matrix)
    found = state.gaps(when or reg.today(), days)
    if as_json:
        print_json(
            {
                "reference": state.reference,
                "controls": state.controls,
                "gap_in_control": found.control.reason if found.control else None,
                "gaps_in_assurance": [
                    {"control": g.control_id, "reason": g.reason} for g in found.assurance
                ],
            }
        )
        return
    table = Table(title=Text(f"Assurance map of {state.reference} {state.title}"))
    for name in ("#", "Control", "Effectiveness", "Level", "1st line", "2nd line", "3rd line"):
        table.add_column(name, overflow="fold")
    for c in state.controls:
        by_line = [
            "; ".join(
                f"{'+' if s.positive else '−'} {s.evidence} ({s.provider or '–'}, "
                f"{fmt_date(s.received_on)}) #{s.id}"
                for s in c.sources
                if s.line == line
            )
            or "–"
            for line in (1, 2, 3)
        ]
        level = c.assurance_level.label if c.assurance_level else "–"
        table.add_row(*cells(str(c.id), c.description, c.effectiveness.label, level, *by_line))
    console.print(table)
    if found.control:
        console.print(Text(f"Gap in control: {found.control.reason}"))
    for g in found.assurance:
        console.print(Text(f"Gap in assurance, control {g.control_id}: {g.reason}"))
    if not found.any:
        console.print("No gaps in control or assurance.")


# -- scenarios -----------------------------------------------------------------------------------


def _references(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


@scenario_app.command("add")
def scenario_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The scenario's name.")],
    risks: Annotated[str, typer.Option(help="Member risks, comma-separated: SR2,SR3.")] = "",
    narrative: Annotated[str, typer.Option(help="How they could strike together.")] = "",
    likelihood: Annotated[
        int | None, typer.Option(help="Likelihood of them coinciding, 1-5.")
    ] = None,
    impact: Annotated[int | None, typer.Option(help="Combined impact, 1-5.")] = None,
) -> None:
    """Name risks that could materialise together, with a combined judgement."""
    group = assurance.create_scenario(
        register(ctx), name, narrative=narrative, likelihood=likelihood, impact=impact,
        members=_references(risks),
    )  # fmt: skip
    done_text(f"Added the scenario {group.name}")


@scenario_app.command("edit")
def scenario_edit(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The scenario's name.")],
    new_name: Annotated[str | None, typer.Option("--name", help="A new name.")] = None,
    narrative: Annotated[str | None, typer.Option(help="A new narrative.")] = None,
    likelihood: Annotated[int | None, typer.Option(help="Likelihood, 1-5.")] = None,
    impact: Annotated[int | None, typer.Option(help="Combined impact, 1-5.")] = None,
) -> None:
    """Change a scenario's name, narrative or combined judgement."""
    changes: dict[str, Any] = {}
    if likelihood is not None:
        changes["likelihood"] = likelihood
    if impact is not None:
        changes["impact"] = impact
    group = assurance.edit_scenario(
        register(ctx), name, new_name=new_name, narrative=narrative, **changes
    )
    done_text(f"Scenario {group.name} (version {group.version})")


@scenario_app.command("member")
def scenario_member(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The scenario's name.")],
    reference: Annotated[str, typer.Argument(help="Risk reference.")],
    remove: Annotated[bool, typer.Option("--remove", help="Take the risk out.")] = False,
) -> None:
    """Add a risk to a scenario (or take it out with --remove)."""
    group = assurance.set_scenario_member(register(ctx), name, reference, remove=remove)
    verb = "Removed" if remove else "Added"
    where = "from" if remove else "to"
    done_text(f"{verb} {reference.strip().upper()} {where} {group.name}")


@scenario_app.command("list")
def scenario_list(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """List the scenarios with their members and combined judgement."""
    from bct_risk.services.baf import load_register

    scenarios = load_register(register(ctx)).scenarios
    if as_json:
        print_json(scenarios)
        return
    table = Table(title="Scenarios")
    for name in ("Scenario", "Members", "Combined", "Illustrative"):
        table.add_column(name, overflow="fold")
    for s in scenarios:
        combined = str(s.combined) if s.combined else "not judged"
        table.add_row(
            *cells(s.name, ", ".join(s.members), combined, "yes" if s.illustrative else "")
        )
    console.print(table)


@scenario_app.command("show")
def scenario_show(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The scenario's name.")],
    as_json: JsonOption = False,
    as_at: AsAtOption = None,
) -> None:
    """Show a scenario: its members' scores and what they share (single points of failure)."""
    from bct_risk.services.baf import find_scenario_state, load_register, scenario_detail

    reg = register(ctx)
    state = load_register(reg, to_date(as_at, "as-at date"))
    scenario = find_scenario_state(state, name)
    if scenario is None:
        raise NotFoundError(f"no scenario is called '{name.strip()}'")
    detail = scenario_detail(state, scenario)
    if as_json:
        print_json(
            {
                "scenario": scenario,
                "members": [
                    {"reference": r.reference, "title": r.title, "current": r.current,
                     "target": r.target, "owner": r.owner.name if r.owner else None}
                    for r in detail.members
                ],
                "shared": detail.shared,
                "single_points_of_failure": detail.single_points_of_failure,
            }
        )  # fmt: skip
        return
    console.print(Text(scenario.name, style="bold"))
    if scenario.narrative:
        console.print(Text(scenario.narrative))
    combined = str(scenario.combined) if scenario.combined else "not judged"
    console.print(Text(f"Combined: {combined}   Source: {scenario.source or '–'}"))
    members = Table(title="Members", title_justify="left")
    for column in ("Risk", "Title", "Current", "Target", "Risk owner"):
        members.add_column(column, overflow="fold")
    for r in detail.members:
        members.add_row(
            *cells(
                r.reference, r.title, str(r.current.value) if r.current else "–",
                str(r.target.value) if r.target else "–", r.owner.name if r.owner else "–",
            )
        )  # fmt: skip
    console.print(members)
    shared = Table(title="What they share", title_justify="left")
    for column in ("Kind", "Shared", "Risks"):
        shared.add_column(column, overflow="fold")
    for s in detail.shared:
        shared.add_row(*cells(s.what, s.name, ", ".join(s.risks)))
    console.print(shared)


# -- people and exemptions -----------------------------------------------------------------------


@app.command("exempt")
def exempt_command(
    ctx: typer.Context,
    reference: Annotated[str, typer.Argument(help="Risk reference.")],
    reason: Annotated[str, typer.Option(help="Why the risk is left out of public papers.")],
) -> None:
    """Record why an exempt (confidential) risk is left out of public papers."""
    risk = assurance.set_exempt_reason(register(ctx), reference, reason)
    done_text(f"Recorded why {risk.reference} is exempt")


def done_text(message: str) -> None:
    """Confirm a change whose words include user text: printed as plain text, never markup."""
    console.print(Text(message))
