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

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import func
from sqlmodel import Session, col, select

from bct_risk.domain.enums import ActionKind, Role, Tier
from bct_risk.domain.errors import PermissionDeniedError
from bct_risk.domain.indicators import Indicator
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


@dataclass(frozen=True)
class Acting:
    """Who the register acts as once roles apply, as :func:`refusal` weighs them."""

    name: str
    """The person's name (or, for someone who is not a person of the register, the actor)."""
    role: Role | None
    """Their role; None for someone who is not a person of the register (reads only)."""
    dba: bool = False
    """The DBA's own login on PostgreSQL, which may do everything (services.identity)."""
    own_risks: frozenset[str] = frozenset()
    """The references of the risks they own (for a risk owner; empty otherwise)."""
    own_actions: frozenset[int] = frozenset()
    """The ids of the actions they own (for a risk owner; empty otherwise)."""
    own_indicators: frozenset[str] = frozenset()
    """The keys of the key risk indicators they own, whose values and links they record
    whatever their role (:func:`indicator_refusal`)."""

    @property
    def label(self) -> str:
        """The person and their role, as the app's header names them."""
        if self.dba:
            return f"{self.name} (the DBA)"
        if self.role is None:
            return f"{self.name} (not a person of this register: reads only)"
        return f"{self.name} ({self.role.label.lower()})"


@dataclass(frozen=True)
class RiskFacts:
    """What the rules need to know of the risk a change is on."""

    reference: str
    owned: bool
    """The acting person is its risk owner."""
    owner: str | None
    """Its risk owner's name ("" for none; None where the caller does not know it)."""
    tier: Tier | None = None
    """Its tier (closing is by tier); None where the caller does not know it."""


@dataclass(frozen=True)
class ActionFacts:
    """What the rules need to know of the action a change is on."""

    kind: ActionKind
    owned: bool
    """The acting person owns the action."""


def refusal(
    who: Acting,
    change: Change,
    *,
    risk: RiskFacts | None = None,
    action: ActionFacts | None = None,
) -> str | None:
    """Why ``who`` may not make ``change`` (on ``risk`` or ``action`` where "only their own"
    applies), or None when they may. The one rule: :func:`authorize` refuses with these words,
    and the app offers only the changes this allows."""
    if who.dba:
        return None
    if who.role is None:
        return (
            f"'{who.name}' is not a person of this register, so may only read it; "
            "ask an administrator to add you (bct-risk people add)"
        )
    role = who.role
    if role == Role.ADMINISTRATOR:
        return None
    me = f"{who.name} ({role.label.lower()})"
    if role == Role.SECRETARIAT:
        if change in SECRETARIAT:
            return None
        tracker = action is not None and action.kind == ActionKind.TRACKER
        if change == Change.UPDATE_ACTION and tracker:
            return None
    if role == Role.RISK_OWNER:
        owns_risk = risk is not None and risk.owned
        if change in OWN_RISK and owns_risk:
            return None
        if change == Change.CLOSE and owns_risk and risk is not None:
            if risk.tier == Tier.OPERATIONAL:
                return None
            where = f"the {risk.tier.value} register" if risk.tier else "another register"
            return (
                f"{me} may close only operational risks; {risk.reference} is on "
                f"{where}, which an administrator closes"
            )
        if change == Change.UPDATE_ACTION and action is not None and (action.owned or owns_risk):
            return None
        if change in OWN_RISK | {Change.CLOSE, Change.UPDATE_ACTION} and risk is not None:
            if risk.owner is None:
                whose = "is someone else's"
            else:
                whose = f"belongs to {risk.owner}" if risk.owner else "has no risk owner"
            return f"{me} may {change.value} only on their own risks; {risk.reference} {whose}"
    return f"{me} may not {change.value}"


def indicator_refusal(who: Acting, owned: bool) -> str | None:
    """Why ``who`` may not record a key risk indicator's values and links, or None: its owner
    may, whatever their role; anyone else as :func:`refusal` says (``Change.INDICATORS``)."""
    if owned and who.role is not None:
        return None
    return refusal(who, Change.INDICATORS)


def authorize(
    session: Session,
    ctx: Context,
    change: Change,
    *,
    risk: Risk | None = None,
    action: Action | None = None,
) -> None:
    """Refuse a change the acting person's role does not allow, saying why (:func:`refusal`)."""
    if not roles_enforced(session):
        return
    person, who = _acting_now(session, ctx)
    facts = None
    if risk is not None:
        owner: str | None = ""
        if who.role == Role.RISK_OWNER and risk.owner_id is not None:
            # Only a risk owner's refusal names the owner: the others need no look-up.
            found = session.get(Person, risk.owner_id)
            owner = found.name if found else ""
        owned = person is not None and risk.owner_id == person.id
        facts = RiskFacts(risk.reference, owned, owner, Tier(risk.tier))
    done = None
    if action is not None:
        owned = person is not None and action.owner_id == person.id
        done = ActionFacts(ActionKind(action.kind), owned)
    why = refusal(who, change, risk=facts, action=done)
    if why is not None:
        raise PermissionDeniedError(why)


def _acting_now(session: Session, ctx: Context) -> tuple[Person | None, Acting]:
    """The person the register acts as (if on it), and who that is for :func:`refusal`."""
    person = acting_person(session, ctx.actor)
    if person is None:
        return None, Acting(ctx.actor, None, dba=acts_as_dba(session.connection(), ctx.actor))
    return person, Acting(person.name, Role(person.role))


def authorize_indicator(session: Session, ctx: Context, owner_id: int | None) -> None:
    """Refuse recording a key risk indicator's values or links to someone who may not, saying
    why (:func:`indicator_refusal`: its owner may, whatever their role)."""
    if not roles_enforced(session):
        return
    person, who = _acting_now(session, ctx)
    owned = person is not None and owner_id is not None and person.id == owner_id
    why = indicator_refusal(who, owned)
    if why is not None:
        raise PermissionDeniedError(why)


def acting(ctx: Context) -> Acting | None:
    """Who the register acts as, with what they own, for the app to offer only what they may
    do; None while roles are off (nobody has a login yet, so whoever uses it may do everything).
    """
    with ctx.read() as session:
        if not roles_enforced(session):
            return None
        person = acting_person(session, ctx.actor)
        if person is None:
            return Acting(ctx.actor, None, dba=acts_as_dba(session.connection(), ctx.actor))
        role = Role(person.role)
        if role == Role.ADMINISTRATOR:
            return Acting(person.name, role)
        indicators = frozenset(
            session.exec(select(Indicator.key).where(col(Indicator.owner_id) == person.id))
        )
        if role != Role.RISK_OWNER:
            return Acting(person.name, role, own_indicators=indicators)
        risks = session.exec(select(Risk.reference).where(col(Risk.owner_id) == person.id))
        actions = session.exec(select(Action.id).where(col(Action.owner_id) == person.id))
        return Acting(
            person.name,
            role,
            own_risks=frozenset(risks),
            own_actions=frozenset(a for a in actions if a is not None),
            own_indicators=indicators,
        )


def acting_label(ctx: Context) -> str | None:
    """Who the register acts as, with their role, for the app's header; None while roles are
    off (nobody has a login yet, so whoever uses the register may do everything)."""
    who = acting(ctx)
    return None if who is None else who.label
