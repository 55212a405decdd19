"""Controls in place after they are added: edit, re-grade, retire and restore.

Each use case checks the acting person may change the risk's controls (a risk owner their own
risks', an administrator any: ``Change.MITIGATE``, as :func:`~bct_risk.services.actions.add_control`
does), validates every input before anything is written, updates the control naming the
version it replaces, and records an audit event with each changed field's old → new value, in
one transaction.

A **retired** control is one no longer in place. It is kept, never deleted: its row, its
sources of assurance and its audit trail stay, and the detail of its risk lists it under
"Retired controls" with the day and the reason. From the day it was retired it leaves the
register's current controls (``show``, the register's search, the papers, the JSON export's
``controls``: it travels in the risk's ``retired_controls``) and the gap checks, so a risk that
relied on it shows its gap in control. A control retired in error, or brought back into use, is
**restored** with a reason; both moves stay in the trail. A retired control is not edited or
re-graded: it is restored first.

A paper or check as at a day judges retirements *as recorded*: by the retire and restore
events of the audit trail recorded by the end of that day
(:meth:`bct_risk.services.as_at.Recorded.retired_controls`), so a retirement back-dated after a
paper went out, or a restoring since, leaves a rebuilt copy of the paper as it was.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session

from bct_risk.domain.enums import Assurance, Effectiveness
from bct_risk.domain.errors import ConflictError, NotFoundError, ValidationError
from bct_risk.domain.models import Control, Person, Risk
from bct_risk.services import audit
from bct_risk.services.context import Context
from bct_risk.services.lookup import MAX_ID, find_person
from bct_risk.services.permissions import Change, authorize
from bct_risk.services.validation import bounded_text, required_text

SOURCE_LIMIT = 300
"""The length of a control's ``source`` column."""

KEEP: Any = object()
"""An argument of :func:`edit_control` not given: the field is left as it is (None clears the
fields that may be empty)."""


def _find(session: Session, ctx: Context, control_id: int) -> tuple[Control, Risk]:
    """A control by its number, with its risk, once the acting person may change it: then
    locked until the transaction ends (asked first, so that someone who may not is told why,
    not refused the lock by a database that grants them no write on controls)."""
    if not 1 <= control_id <= MAX_ID:
        raise NotFoundError(f"no control has the number {control_id}", field="control")
    control = session.get(Control, control_id)
    if control is None:
        raise NotFoundError(f"no control has the number {control_id}", field="control")
    risk = session.get(Risk, control.risk_id)
    assert risk is not None
    authorize(session, ctx, Change.MITIGATE, risk=risk)
    locked = session.get(Control, control_id, with_for_update=True, populate_existing=True)
    assert locked is not None
    return locked, risk


def _check_version(control: Control, expected: int | None) -> None:
    if expected is None or control.version == expected:
        return
    if not 1 <= expected <= control.version:
        raise ValidationError(
            f"control {control.id} has never been at version {expected} (it is at version "
            f"{control.version})",
            field="version",
        )
    raise ConflictError(
        f"control {control.id} was changed by someone else after you opened it "
        f"(version {control.version}, yours {expected}); reload it and make your change again"
    )


def _check_line(line: int | None) -> None:
    if line is not None and line not in (1, 2, 3):
        raise ValidationError(
            f"line of assurance must be 1, 2 or 3, not {line}", field="assurance_line"
        )


def _owner_name(session: Session, owner_id: int | None) -> str | None:
    person = session.get(Person, owner_id) if owner_id is not None else None
    return person.name if person is not None else None


def _snapshot(session: Session, control: Control) -> dict[str, Any]:
    return {
        "description": control.description,
        "owner": _owner_name(session, control.owner_id),
        "key_control": control.key_control,
        "assurance_line": control.assurance_line,
        "assurance_level": control.assurance_level,
        "source": control.source,
        "effectiveness": control.effectiveness,
        "retired_on": control.retired_on,
        "retired_reason": control.retired_reason,
    }


def _save(
    session: Session,
    ctx: Context,
    control: Control,
    risk: Risk,
    before: dict[str, Any],
    *,
    action: str,
    summary: str,
    extra: dict[str, Any] | None = None,
) -> dict[str, list[Any]]:
    """Write the control at its next version and audit what changed (nothing if nothing did)."""
    changed = audit.diff(before, _snapshot(session, control))
    if not changed:
        return changed
    control.version += 1
    control.updated_at = ctx.now()
    session.add(control)
    session.flush()  # UPDATE ... WHERE version = the version read
    audit.record(
        session,
        ctx,
        entity="control",
        entity_id=audit.id_of(control),
        risk_id=risk.id,
        action=action,
        summary=summary,
        changes={**changed, **(extra or {})},
    )
    return changed


def _not_retired(control: Control, doing: str) -> None:
    if control.retired_on is not None:
        raise ValidationError(
            f"control {control.id} was retired on {control.retired_on.isoformat()}; restore it "
            f"before you {doing} it",
            field="control",
        )


def edit_control(
    ctx: Context,
    control_id: int,
    *,
    description: str | None = None,
    owner: str | None = KEEP,
    key_control: bool | None = None,
    assurance_line: int | None = KEEP,
    assurance_level: Assurance | None = KEEP,
    source: str | None = None,
    expected_version: int | None = None,
) -> Control:
    """Change what a control is: its text, owner, whether it is a key control, its line and
    level of assurance, and the document it comes from. Fields not given are left as they are;
    ``owner``, ``assurance_line`` and ``assurance_level`` given as None (or an empty owner)
    clear them."""
    text = required_text(description, "description") if description is not None else None
    if assurance_line is not KEEP:
        _check_line(assurance_line)
    where = bounded_text(source.strip(), "source", SOURCE_LIMIT) if source is not None else None
    with ctx.transaction() as session:
        control, risk = _find(session, ctx, control_id)
        _check_version(control, expected_version)
        _not_retired(control, "edit")
        owner_id = control.owner_id
        if owner is not KEEP:
            owner_id = find_person(session, owner).id if owner and owner.strip() else None
        before = _snapshot(session, control)
        if text is not None:
            control.description = text
        control.owner_id = owner_id
        if key_control is not None:
            control.key_control = key_control
        if assurance_line is not KEEP:
            control.assurance_line = assurance_line
        if assurance_level is not KEEP:
            control.assurance_level = assurance_level
        if where is not None:
            control.source = where
        changed = _save(
            session, ctx, control, risk, before, action="update",
            summary=f"Edited control {control.id} of {risk.reference}",
        )  # fmt: skip
        if not changed:
            raise ValidationError(f"control {control.id} already reads so: nothing to change")
        return control


def grade_control(
    ctx: Context,
    control_id: int,
    *,
    effectiveness: Effectiveness,
    note: str,
    expected_version: int | None = None,
) -> Control:
    """Re-grade a control's effectiveness, saying why (the note is kept in the audit trail)."""
    why = required_text(note, "note")
    with ctx.transaction() as session:
        control, risk = _find(session, ctx, control_id)
        _check_version(control, expected_version)
        _not_retired(control, "re-grade")
        if control.effectiveness == effectiveness:
            raise ValidationError(
                f"control {control.id} is already graded {effectiveness.label.lower()}",
                field="effectiveness",
            )
        before = _snapshot(session, control)
        control.effectiveness = effectiveness
        _save(
            session, ctx, control, risk, before, action="grade",
            summary=f"Re-graded control {control.id} of {risk.reference}: {why}",
            extra={"note": why},
        )  # fmt: skip
        return control


def retire_control(
    ctx: Context,
    control_id: int,
    *,
    reason: str,
    on: date | None = None,
    expected_version: int | None = None,
) -> Control:
    """Retire a control no longer in place, from ``on`` (today if not given; never a day to
    come), with a reason."""
    why = required_text(reason, "reason")
    day = on or ctx.today()
    if day > ctx.today():
        raise ValidationError(
            f"the retirement date {day.isoformat()} is in the future", field="retired_on"
        )
    with ctx.transaction() as session:
        control, risk = _find(session, ctx, control_id)
        _check_version(control, expected_version)
        if control.retired_on is not None:
            raise ValidationError(
                f"control {control.id} was already retired on {control.retired_on.isoformat()}",
                field="control",
            )
        before = _snapshot(session, control)
        control.retired_on, control.retired_reason = day, why
        _save(
            session, ctx, control, risk, before, action="retire",
            summary=f"Retired control {control.id} of {risk.reference}: {control.description}",
        )  # fmt: skip
        return control


def restore_control(
    ctx: Context, control_id: int, *, reason: str, expected_version: int | None = None
) -> Control:
    """Bring a retired control back into the register's current controls, saying why (the
    retirement stays in the audit trail)."""
    why = required_text(reason, "reason")
    with ctx.transaction() as session:
        control, risk = _find(session, ctx, control_id)
        _check_version(control, expected_version)
        if control.retired_on is None:
            raise ValidationError(f"control {control.id} is not retired", field="control")
        before = _snapshot(session, control)
        control.retired_on, control.retired_reason = None, ""
        _save(
            session, ctx, control, risk, before, action="restore",
            summary=f"Restored control {control.id} of {risk.reference}: {why}",
            extra={"reason": why},
        )  # fmt: skip
        return control
