"""Commands on controls, further actions and the action tracker."""

from __future__ import annotations

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
)
from bct_risk.domain.enums import ActionKind, ActionStatus, Effectiveness
from bct_risk.services import actions
from bct_risk.services.queries import ActionFilter, ActionView, list_actions

actions_app = typer.Typer(
    help="Further actions and the action tracker: list, add, raise, update, complete."
)
control_app = typer.Typer(help="Controls in place on a risk.")
app.add_typer(actions_app, name="actions")
app.add_typer(control_app, name="control")


def actions_table(title: str, rows: list[ActionView]) -> Table:
    """Actions in the tracker's columns: Date, Agenda item, Action, Owner, Due, Status, Update."""
    table = Table(title=title)
    for name in (
        "#",
        "Date",
        "Committee",
        "Agenda item / risk",
        "Action",
        "Owner",
        "Due",
        "Status",
        "Latest update",
    ):
        table.add_column(name, overflow="fold")
    for a in rows:
        latest = a.updates[-1] if a.updates else None
        status = Text(a.status.label, style="bold red" if a.overdue else "")
        if a.overdue:
            status.append(" OVERDUE")
        where = a.agenda_item or ""
        if a.risk_reference:
            where = f"{where} [{a.risk_reference}]".strip()
        table.add_row(
            *cells(
                str(a.id),
                fmt_date(a.meeting_date or a.raised_on),
                a.committee,
                where,
                a.description,
                a.owner,
                fmt_date(a.due_date),
                status,
                f"{fmt_date(latest.update_date)}: {latest.text}" if latest else "",
            )
        )
    return table


@actions_app.command("list")
def list_command(
    ctx: typer.Context,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only overdue actions.")] = False,
    all_: Annotated[
        bool, typer.Option("--all", help="Complete and cancelled actions too.")
    ] = False,
    committee: Annotated[
        str,
        typer.Option(
            help="This committee's actions: raised at its meetings, or further actions on "
            "the risks it oversees."
        ),
    ] = "",
    meeting: Annotated[
        str | None, typer.Option(help="Actions raised at the meeting on this date.")
    ] = None,
    owner: Annotated[str, typer.Option(help="Owner (partial name).")] = "",
    risk: Annotated[str, typer.Option(help="Actions on or linked to this risk.")] = "",
    kind: Annotated[str | None, typer.Option(help="further_action or tracker.")] = None,
    status: Annotated[
        str | None,
        typer.Option(help="Only actions at this status: open, in_progress, complete, cancelled."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List actions still to be done (or all with --all, or those at one --status)."""
    rows = list_actions(
        register(ctx),
        ActionFilter(
            kind=parse_choice(ActionKind, kind),
            committee=committee,
            meeting_date=to_date(meeting, "meeting date"),
            owner=owner,
            risk=risk,
            overdue_only=overdue,
            include_closed=all_,
            status=parse_choice(ActionStatus, status),
        ),
    )
    if as_json:
        print_json(rows)
    else:
        console.print(actions_table(f"Actions ({len(rows)})", rows))


@actions_app.command("overdue")
def overdue_command(
    ctx: typer.Context,
    committee: Annotated[
        str,
        typer.Option(
            help="This committee's actions (as its pack counts them): raised at its meetings, "
            "or further actions on the risks it oversees."
        ),
    ] = "",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List overdue actions: open or in progress, past their due date (the rule the app and
    the committee pack count by)."""
    rows = list_actions(register(ctx), ActionFilter(overdue_only=True, committee=committee))
    if as_json:
        print_json(rows)
    else:
        console.print(actions_table(f"Overdue actions ({len(rows)})", rows))


@actions_app.command("add")
def add_command(
    ctx: typer.Context,
    reference: Annotated[str, typer.Argument(help="Risk reference.")],
    description: Annotated[str, typer.Option(help="What is to be done.")],
    owner: Annotated[str | None, typer.Option(help="Who does it.")] = None,
    due: Annotated[str | None, typer.Option(help="Due date.")] = None,
) -> None:
    """Add a further action (a mitigation still to come) to a risk."""
    action = actions.add_further_action(
        register(ctx),
        reference,
        description=description,
        owner=owner,
        due_date=to_date(due, "due date"),
    )
    done(f"Added action #{action.id} to {reference.upper()}")


@actions_app.command("raise")
def raise_command(
    ctx: typer.Context,
    committee: Annotated[str, typer.Option(help="Committee whose meeting raised it.")],
    meeting: Annotated[str, typer.Option(help="Date of the meeting.")],
    action: Annotated[str, typer.Option(help="The action, as minuted.")],
    item: Annotated[str, typer.Option(help="Agenda item.")] = "",
    owner: Annotated[str | None, typer.Option(help="Who does it.")] = None,
    due: Annotated[str | None, typer.Option(help="Due date.")] = None,
    risk: Annotated[str | None, typer.Option(help="Linked risk reference.")] = None,
) -> None:
    """Raise an action at a committee meeting, for its action tracker."""
    day = to_date(meeting, "meeting date")
    assert day is not None
    raised = actions.raise_tracker_action(
        register(ctx),
        committee=committee,
        meeting_date=day,
        agenda_item=item,
        description=action,
        owner=owner,
        due_date=to_date(due, "due date"),
        risk=risk,
    )
    done(f"Raised action #{raised.id}")


@actions_app.command("update")
def update_command(
    ctx: typer.Context,
    action_id: Annotated[int, typer.Argument(help="Action number.")],
    note: Annotated[str | None, typer.Option(help="A dated progress update to append.")] = None,
    on: Annotated[
        str | None, typer.Option("--date", help="Date of the update (default today).")
    ] = None,
    status: Annotated[
        str | None,
        typer.Option(
            help="in_progress, complete, cancelled, or open (or reopen) to reopen it; "
            "cancelling or reopening needs a --note giving the reason."
        ),
    ] = None,
    due: Annotated[str | None, typer.Option(help="New due date.")] = None,
    owner: Annotated[str | None, typer.Option(help="New owner.")] = None,
    risk: Annotated[str | None, typer.Option(help="Link to this risk ('' to unlink).")] = None,
) -> None:
    """Append a progress update to an action, or change its status (start, complete, cancel,
    reopen), due date, owner or risk."""
    reg = register(ctx)
    reopen = status is not None and status.strip().lower() in ("reopen", "reopened")
    new_status = ActionStatus.OPEN if reopen else parse_choice(ActionStatus, status)
    due_date = to_date(due, "due date")
    if note is None and new_status is None and due_date is None and owner is None and risk is None:
        raise typer.BadParameter("give --note, --status, --due, --owner or --risk")
    actions.update_action(
        reg,
        action_id,
        status=new_status,
        due_date=due_date,
        owner=owner,
        risk=risk,
        note=note,
        note_date=to_date(on, "update date"),
    )
    now = ""
    if new_status is not None:
        now = ": reopened" if reopen else f": {new_status.label.lower()}"
    done(f"Updated action #{action_id}{now}")


@actions_app.command("complete")
def complete_command(
    ctx: typer.Context,
    action_id: Annotated[int, typer.Argument(help="Action number.")],
    note: Annotated[str | None, typer.Option(help="A closing update.")] = None,
) -> None:
    """Mark an action complete."""
    actions.complete_action(register(ctx), action_id, note=note)
    done(f"Completed action #{action_id}")


@control_app.command("add")
def control_add_command(
    ctx: typer.Context,
    reference: Annotated[str, typer.Argument(help="Risk reference.")],
    description: Annotated[str, typer.Option(help="The control in place.")],
    owner: Annotated[str | None, typer.Option(help="Who runs it.")] = None,
    effectiveness: Annotated[
        str, typer.Option(help="effective, partially_effective, ineffective, not_assessed.")
    ] = "not_assessed",
    line: Annotated[int | None, typer.Option(help="Line of assurance 1-3.")] = None,
) -> None:
    """Record a control in place on a risk."""
    control = actions.add_control(
        register(ctx),
        reference,
        description=description,
        owner=owner,
        effectiveness=parse_choice(Effectiveness, effectiveness) or Effectiveness.NOT_ASSESSED,
        assurance_line=line,
    )
    done(f"Added control #{control.id} to {reference.upper()}")


# -- a control after it is added: edit, re-grade, retire, restore (services.controls) ------------


@control_app.command("edit")
def control_edit_command(
    ctx: typer.Context,
    control_id: Annotated[int, typer.Argument(help="Control number (shown by bct-risk show).")],
    description: Annotated[str | None, typer.Option(help="The control, reworded.")] = None,
    owner: Annotated[str | None, typer.Option(help="Who runs it ('' for nobody).")] = None,
    key: Annotated[
        bool | None, typer.Option("--key/--not-key", help="Whether it is a key control.")
    ] = None,
    line: Annotated[int | None, typer.Option(help="Line of assurance 1-3.")] = None,
    no_line: Annotated[
        bool, typer.Option("--no-line", help="Clear the line of assurance.")
    ] = False,
    level: Annotated[
        str | None,
        typer.Option(help="Assurance level: substantial, reasonable, limited, none or 'clear'."),
    ] = None,
    source: Annotated[str | None, typer.Option(help="The document it comes from.")] = None,
) -> None:
    """Change a control: its text, owner, key flag, line and level of assurance, or source."""
    from bct_risk.domain.enums import Assurance
    from bct_risk.domain.errors import ValidationError
    from bct_risk.services import controls

    if line is not None and no_line:
        raise ValidationError("give --line or --no-line, not both")
    chosen_level: Assurance | None = controls.KEEP
    if level is not None and level.strip().lower() != "clear":
        chosen_level = parse_choice(Assurance, level)
        if chosen_level is None:
            raise ValidationError("an assurance level is required (or 'clear')")
    elif level is not None:
        chosen_level = None
    if (description, owner, key, line, level, source) == (None,) * 6 and not no_line:
        raise ValidationError(
            "give --description, --owner, --key/--not-key, --line, --no-line, --level or --source"
        )
    controls.edit_control(
        register(ctx),
        control_id,
        description=description,
        owner=controls.KEEP if owner is None else owner,
        key_control=key,
        assurance_line=None if no_line else (controls.KEEP if line is None else line),
        assurance_level=chosen_level,
        source=source,
    )
    done(f"Edited control {control_id}")


@control_app.command("grade")
def control_grade_command(
    ctx: typer.Context,
    control_id: Annotated[int, typer.Argument(help="Control number.")],
    effectiveness: Annotated[
        str, typer.Option(help="effective, partially_effective, ineffective, not_assessed.")
    ],
    note: Annotated[str, typer.Option(help="Why: the evidence for the new grade.")],
) -> None:
    """Re-grade a control's effectiveness, with the reason (kept in the audit trail)."""
    from bct_risk.domain.errors import ValidationError
    from bct_risk.services import controls

    grade = parse_choice(Effectiveness, effectiveness)
    if grade is None:
        raise ValidationError("an effectiveness is required")
    controls.grade_control(register(ctx), control_id, effectiveness=grade, note=note)
    done(f"Control {control_id} graded {grade.label.lower()}")


@control_app.command("retire")
def control_retire_command(
    ctx: typer.Context,
    control_id: Annotated[int, typer.Argument(help="Control number.")],
    reason: Annotated[str, typer.Option(help="Why it is no longer in place.")],
    on: Annotated[
        str | None, typer.Option("--date", help="The day it stopped (default today).")
    ] = None,
) -> None:
    """Retire a control no longer in place: it stays in the history, leaves the lists."""
    from bct_risk.services import controls

    retired = controls.retire_control(
        register(ctx), control_id, reason=reason, on=to_date(on, "retirement date")
    )
    assert retired.retired_on is not None
    done(f"Retired control {control_id} from {fmt_date(retired.retired_on)}")


@control_app.command("restore")
def control_restore_command(
    ctx: typer.Context,
    control_id: Annotated[int, typer.Argument(help="Control number.")],
    reason: Annotated[str, typer.Option(help="Why it is in place again.")],
) -> None:
    """Bring a retired control back into the register's current controls."""
    from bct_risk.services import controls

    controls.restore_control(register(ctx), control_id, reason=reason)
    done(f"Restored control {control_id}")
