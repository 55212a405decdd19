"""Controls, further actions and the action tracker: add, update, complete, append updates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session

from bct_risk.domain.enums import ActionKind, ActionStatus, Effectiveness
from bct_risk.domain.errors import ConflictError, ValidationError
from bct_risk.domain.models import Action, ActionUpdate, Control, Risk
from bct_risk.services import audit
from bct_risk.services.audit import id_of
from bct_risk.services.context import Context
from bct_risk.services.lookup import (
    find_action,
    find_committee,
    find_meeting,
    find_person,
    find_risk,
)
from bct_risk.services.permissions import Change, authorize
from bct_risk.services.validation import required_text


@dataclass(frozen=True)
class AsRecorded:
    """How an action entered from a document stands: its status (and, if complete, the day it
    was completed; else the day raised), the document it comes from, and whether it is
    illustrative."""

    status: ActionStatus = ActionStatus.OPEN
    completed_on: date | None = None
    source: str = ""
    illustrative: bool = False


def add_control(
    ctx: Context,
    reference: str,
    *,
    description: str,
    owner: str | None = None,
    effectiveness: Effectiveness = Effectiveness.NOT_ASSESSED,
    assurance_line: int | None = None,
    source: str = "",
    illustrative: bool = False,
) -> Control:
    """Record a control in place on a risk (``source``: the document it comes from)."""
    text = required_text(description, "description")
    if assurance_line is not None and assurance_line not in (1, 2, 3):
        raise ValidationError(
            f"line of assurance must be 1, 2 or 3, not {assurance_line}", field="assurance_line"
        )
    with ctx.transaction() as session:
        risk = find_risk(session, reference)
        authorize(session, ctx, Change.MITIGATE, risk=risk)
        now = ctx.now()
        control = Control(
            risk_id=id_of(risk),
            description=text,
            owner_id=find_person(session, owner).id if owner else None,
            effectiveness=effectiveness,
            assurance_line=assurance_line,
            source=source.strip(),
            illustrative=illustrative,
            created_at=now,
            updated_at=now,
        )
        session.add(control)
        session.flush()
        audit.record(
            session,
            ctx,
            entity="control",
            entity_id=id_of(control),
            risk_id=risk.id,
            action="create",
            summary=f"Added a control to {risk.reference}: {text}",
            changes={"description": text, "effectiveness": effectiveness, "owner": owner},
        )
        return control


def add_further_action(
    ctx: Context,
    reference: str,
    *,
    description: str,
    owner: str | None = None,
    due_date: date | None = None,
    raised_on: date | None = None,
    recorded: AsRecorded | None = None,
) -> Action:
    """Add a further action (a mitigation still to come) to a risk.

    ``recorded`` gives how an action entered from a document stands (its status, source and
    provenance); a new action is open.
    """
    text = required_text(description, "description")
    raised = raised_on or ctx.today()
    _check_due(raised, due_date)
    with ctx.transaction() as session:
        risk = find_risk(session, reference)
        authorize(session, ctx, Change.MITIGATE, risk=risk)
        action = _new_action(
            ctx, session, ActionKind.FURTHER_ACTION, text, owner, raised, due_date, risk=risk,
            recorded=recorded,
        )  # fmt: skip
        return action


def raise_tracker_action(
    ctx: Context,
    *,
    committee: str,
    meeting_date: date,
    agenda_item: str,
    description: str,
    owner: str | None = None,
    due_date: date | None = None,
    risk: str | None = None,
    recorded: AsRecorded | None = None,
) -> Action:
    """Raise an action at a committee meeting, for its action tracker (``recorded``: as for
    :func:`add_further_action`)."""
    text = required_text(description, "action")
    _check_due(meeting_date, due_date)
    with ctx.transaction() as session:
        meeting = find_meeting(session, find_committee(session, committee), meeting_date)
        authorize(session, ctx, Change.RAISE_ACTION)
        linked = find_risk(session, risk) if risk else None
        action = _new_action(
            ctx,
            session,
            ActionKind.TRACKER,
            text,
            owner,
            meeting_date,
            due_date,
            risk=linked,
            meeting_id=meeting.id,
            agenda_item=agenda_item.strip(),
            recorded=recorded,
        )
        return action


def _check_due(raised: date, due: date | None) -> None:
    if due is not None and due < raised:
        raise ValidationError(
            f"the due date {due.isoformat()} is before the date raised {raised.isoformat()}",
            field="due_date",
        )


def _new_action(
    ctx: Context,
    session: Session,
    kind: ActionKind,
    text: str,
    owner: str | None,
    raised: date,
    due: date | None,
    *,
    risk: Risk | None = None,
    meeting_id: int | None = None,
    agenda_item: str = "",
    recorded: AsRecorded | None = None,
) -> Action:
    now = ctx.now()
    given = recorded or AsRecorded()
    if given.completed_on is not None and given.completed_on < raised:
        raise ValidationError(
            f"the completion date {given.completed_on.isoformat()} is before the date raised "
            f"{raised.isoformat()}",
            field="completed_on",
        )
    action = Action(
        kind=kind,
        risk_id=risk.id if risk else None,
        meeting_id=meeting_id,
        agenda_item=agenda_item,
        description=text,
        owner_id=find_person(session, owner).id if owner else None,
        raised_on=raised,
        due_date=due,
        status=given.status,
        completed_on=(given.completed_on or raised)
        if given.status == ActionStatus.COMPLETE
        else None,
        source=given.source.strip(),
        illustrative=given.illustrative,
        created_at=now,
        updated_at=now,
    )
    session.add(action)
    session.flush()
    where = f" on {risk.reference}" if risk else ""
    audit.record(
        session,
        ctx,
        entity="action",
        entity_id=id_of(action),
        risk_id=risk.id if risk else None,
        action="create",
        summary=f"Raised action #{action.id}{where}: {text}",
        changes={"kind": kind, "description": text, "owner": owner, "due_date": due}
        | ({"status": given.status} if given.status != ActionStatus.OPEN else {}),
    )
    return action


def add_update(
    ctx: Context,
    action_id: int,
    *,
    text: str,
    update_date: date | None = None,
    by: str | None = None,
) -> ActionUpdate:
    """Append a dated progress note to an action (``by``: who gave it, where a document says;
    else the person recording it).

    A note is appended, so it never conflicts: the action's row is locked while it is written,
    and concurrent notes all land, in turn.
    """
    note = required_text(text, "update")
    when = _past_or_today(ctx, update_date, "update date")
    with ctx.transaction() as session:
        action = find_action(session, action_id, lock=True)
        _authorize_action(session, ctx, action)
        update = _append_update(session, ctx, action, note, when, by=by)
        _bump(action, ctx, session)
        return update


def _past_or_today(ctx: Context, when: date | None, what: str) -> date:
    day = when or ctx.today()
    if day > ctx.today():
        raise ValidationError(f"the {what} {day.isoformat()} is in the future", field=what)
    return day


def _append_update(
    session: Session, ctx: Context, action: Action, note: str, when: date, by: str | None = None
) -> ActionUpdate:
    update = ActionUpdate(
        action_id=id_of(action),
        update_date=when,
        text=note,
        author=(by or "").strip() or ctx.actor,
        created_at=ctx.now(),
    )
    session.add(update)
    session.flush()
    audit.record(
        session,
        ctx,
        entity="action",
        entity_id=id_of(action),
        risk_id=action.risk_id,
        action="update_note",
        summary=f"Update on action #{action.id}: {note}",
        changes={"update_date": when, "text": note},
    )
    return update


def update_action(
    ctx: Context,
    action_id: int,
    *,
    status: ActionStatus | None = None,
    due_date: date | None = None,
    owner: str | None = None,
    risk: str | None = None,
    note: str | None = None,
    note_date: date | None = None,
    expected_version: int | None = None,
) -> Action:
    """Change an action's status, due date, owner or linked risk (empty text unlinks), and add
    a progress note, all in one transaction.

    Every input is checked before anything is written: a bad owner, risk or due date leaves
    the action as it was, the note included.
    """
    text = required_text(note, "update") if note is not None else None
    when = _past_or_today(ctx, note_date, "update date")
    with ctx.transaction() as session:
        action = find_action(session, action_id, lock=True)
        _authorize_action(session, ctx, action)
        _check_version(action, expected_version)
        if status is not None and text is None:
            _check_reason(action, status)
        if due_date is not None:
            _check_due(action.raised_on, due_date)
        owner_id = action.owner_id
        if owner is not None:
            owner_id = find_person(session, owner).id if owner.strip() else None
        risk_id = action.risk_id
        if risk is not None:
            if action.kind == ActionKind.FURTHER_ACTION and not risk.strip():
                raise ValidationError("a further action must stay on a risk", field="risk")
            risk_id = find_risk(session, risk).id if risk.strip() else None
        before = _snapshot(action)
        if text is not None:
            _append_update(session, ctx, action, text, when)
        if status is not None:
            _set_status(action, status, ctx.today())
        if due_date is not None:
            action.due_date = due_date
        action.owner_id, action.risk_id = owner_id, risk_id
        changed = _record_changes(session, ctx, action, before)
        if text is not None and not changed:
            _bump(action, ctx, session)
        return action


def complete_action(
    ctx: Context, action_id: int, *, note: str | None = None, expected_version: int | None = None
) -> Action:
    """Mark an action complete, with an optional closing update, in one transaction."""
    with ctx.transaction() as session:
        action = find_action(session, action_id, lock=True)
        if action.status == ActionStatus.COMPLETE:
            raise ValidationError(f"action #{action.id} is already complete")
        _authorize_action(session, ctx, action)
        _check_version(action, expected_version)
        if note and note.strip():
            _append_update(session, ctx, action, note.strip(), ctx.today())
        before = _snapshot(action)
        _set_status(action, ActionStatus.COMPLETE, ctx.today())
        _record_changes(session, ctx, action, before)
        return action


def _authorize_action(session: Session, ctx: Context, action: Action) -> None:
    risk = session.get(Risk, action.risk_id) if action.risk_id else None
    authorize(session, ctx, Change.UPDATE_ACTION, risk=risk, action=action)


def _check_version(action: Action, expected: int | None) -> None:
    if expected is not None and not 1 <= expected <= action.version:
        raise ValidationError(
            f"action #{action.id} has never been at version {expected} (it is at version "
            f"{action.version})",
            field="version",
        )
    if expected is not None and action.version != expected:
        raise ConflictError(
            f"action #{action.id} was changed by someone else after you opened it "
            f"(version {action.version}, yours {expected}); reload it and make your change again"
        )


def _check_reason(action: Action, status: ActionStatus) -> None:
    """Cancelling an action, or reopening a complete or cancelled one, needs a reason: the
    note that goes with the change."""
    was = ActionStatus(action.status)
    if status == was:
        return
    if status == ActionStatus.CANCELLED:
        doing = "cancelling"
    elif status.is_live and not was.is_live:
        doing = "reopening"
    else:
        return
    raise ValidationError(
        f"{doing} action #{action.id} needs a reason: give it as the note", field="note"
    )


def _record_changes(session: Session, ctx: Context, action: Action, before: dict[str, Any]) -> bool:
    changed = audit.diff(before, _snapshot(action))
    if not changed:
        return False
    _bump(action, ctx, session)
    audit.record(
        session,
        ctx,
        entity="action",
        entity_id=id_of(action),
        risk_id=action.risk_id or before["risk_id"],
        action="update",
        summary=f"Changed action #{action.id}: {', '.join(changed)}",
        changes=changed,
    )
    return True


def _bump(action: Action, ctx: Context, session: Session) -> None:
    action.version += 1
    action.updated_at = ctx.now()
    session.add(action)
    session.flush()


def _set_status(action: Action, status: ActionStatus, today: date) -> None:
    action.status = status
    action.completed_on = today if status == ActionStatus.COMPLETE else None


def _snapshot(action: Action) -> dict[str, Any]:
    return {
        "status": action.status,
        "due_date": action.due_date,
        "owner_id": action.owner_id,
        "risk_id": action.risk_id,
        "completed_on": action.completed_on,
    }
