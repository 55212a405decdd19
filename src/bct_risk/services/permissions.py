"""Who may change what. Roles are enforced once any person in the register has a login.

A register nobody has given logins to (one person's embedded SQLite file) lets its user do
everything. Once an administrator gives people logins, each actor (``--as``, ``BCT_RISK_USER`` or
the operating-system login) is matched to a person by login, key or name, and acts with that
person's role:

- viewer: reads only;
- risk owner: rescores and updates their own risks, their controls and further actions, and the
  actions they own;
- secretariat: records committee reviews, raises and updates tracker actions, manages meetings;
- administrator: everything, including adding, closing and reopening strategic risks, changing
  appetite, and giving people roles.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import func
from sqlmodel import Session, col, select

from bct_risk.domain.enums import ActionKind, Role, Tier
from bct_risk.domain.errors import PermissionDeniedError
from bct_risk.domain.models import Action, Person, Risk
from bct_risk.services.context import Context
from bct_risk.services.identity import acts_as_dba


class Change(StrEnum):
    """The kinds of change a role is checked for."""

    ADD_RISK = "add risks"
    EDIT_RISK = "edit risks"
    CHANGE_APPETITE = "change risk appetite"
    SCORE = "score risks"
    MOVE = "escalate or de-escalate risks"
    CLOSE = "close or reopen risks"
    MITIGATE = "add controls and further actions"
    UPDATE_ACTION = "update actions"
    RAISE_ACTION = "raise tracker actions"
    REVIEW = "record committee reviews"
    MEETINGS = "manage meetings"
    PEOPLE = "manage people and roles"
    IMPORT = "import registers"
    RESTORE = "restore a backup over the register"
    ASSURANCE = "record assurance on controls"
    OBJECTIVES = "manage strategic objectives and scenarios"
    INDICATORS = "record key risk indicator values, targets and links"
    ACKNOWLEDGE_BREACH = "acknowledge indicator breaches"


SECRETARIAT = {
    Change.REVIEW,
    Change.MEETINGS,
    Change.RAISE_ACTION,
    Change.ASSURANCE,
    Change.INDICATORS,
}
OWN_RISK = {
    Change.EDIT_RISK,
    Change.SCORE,
    Change.MOVE,
    Change.MITIGATE,
    Change.ASSURANCE,
    Change.ACKNOWLEDGE_BREACH,
}


def roles_enforced(session: Session) -> bool:
    """Whether any person has a login, which turns role checks on."""
    return session.exec(select(Person.id).where(col(Person.login).is_not(None))).first() is not None


def acting_person(session: Session, actor: str) -> Person | None:
    """The person an actor name stands for: by login, then key, then name (any case)."""
    wanted = actor.strip().lower()
    for column in (Person.login, Person.key, Person.name):
        found = session.exec(select(Person).where(func.lower(column) == wanted)).first()
        if found is not None:
            return found
    return None


def authorize(
    session: Session,
    ctx: Context,
    change: Change,
    *,
    risk: Risk | None = None,
    action: Action | None = None,
) -> None:
    """Refuse a change the acting person's role does not allow, saying why."""
    if not roles_enforced(session):
        return
    person = acting_person(session, ctx.actor)
    if person is None and acts_as_dba(session.connection(), ctx.actor):
        return  # the DBA's own login on PostgreSQL (services.identity)
    if person is None:
        raise PermissionDeniedError(
            f"'{ctx.actor}' is not a person of this register, so may only read it; "
            "ask an administrator to add you (bct-risk people add)"
        )
    role = Role(person.role)
    if role == Role.ADMINISTRATOR:
        return
    who = f"{person.name} ({role.label.lower()})"
    if role == Role.SECRETARIAT:
        if change in SECRETARIAT:
            return
        if (
            change == Change.UPDATE_ACTION
            and action is not None
            and action.kind == ActionKind.TRACKER
        ):
            return
    if role == Role.RISK_OWNER:
        owns_risk = risk is not None and risk.owner_id == person.id
        if change in OWN_RISK and owns_risk:
            return
        if change == Change.CLOSE and owns_risk and risk is not None:
            if Tier(risk.tier) == Tier.OPERATIONAL:
                return
            raise PermissionDeniedError(
                f"{who} may close only operational risks; {risk.reference} is on the "
                f"{Tier(risk.tier).value} register, which an administrator closes"
            )
        if (
            change == Change.UPDATE_ACTION
            and action is not None
            and (action.owner_id == person.id or owns_risk)
        ):
            return
        if change in OWN_RISK | {Change.CLOSE, Change.UPDATE_ACTION} and risk is not None:
            owner = session.get(Person, risk.owner_id) if risk.owner_id else None
            whose = f"belongs to {owner.name}" if owner else "has no risk owner"
            raise PermissionDeniedError(
                f"{who} may {change.value} only on their own risks; {risk.reference} {whose}"
            )
    raise PermissionDeniedError(f"{who} may not {change.value}")


def acting_label(ctx: Context) -> str | None:
    """Who the register acts as, with their role, for the app's header; None while roles are
    off (nobody has a login yet, so whoever uses the register may do everything)."""
    with ctx.read() as session:
        if not roles_enforced(session):
            return None
        person = acting_person(session, ctx.actor)
        if person is None:
            if acts_as_dba(session.connection(), ctx.actor):
                return f"{ctx.actor} (the DBA)"
            return f"{ctx.actor} (not a person of this register: reads only)"
        return f"{person.name} ({Role(person.role).label.lower()})"
