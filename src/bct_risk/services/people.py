"""People of the register: add someone, give them a login and a role."""

from __future__ import annotations

from sqlmodel import Session, col, select

from bct_risk.domain.enums import Role
from bct_risk.domain.errors import ValidationError
from bct_risk.domain.models import Person
from bct_risk.services import audit
from bct_risk.services.audit import id_of
from bct_risk.services.context import Context
from bct_risk.services.lookup import find_person
from bct_risk.services.permissions import Change, authorize
from bct_risk.services.validation import bounded_text, required_text


def add_person(
    ctx: Context,
    name: str,
    *,
    job_title: str = "",
    login: str | None = None,
    role: Role = Role.RISK_OWNER,
) -> Person:
    """Add a person (a risk owner by default)."""
    text = required_text(name, "name", limit=200)
    bounded_text(job_title.strip(), "job title", 200)
    with ctx.transaction() as session:
        authorize(session, ctx, Change.PEOPLE)
        person = Person(name=text, job_title=job_title.strip(), role=role, created_at=ctx.now())
        _set_login(session, person, login)
        session.add(person)
        session.flush()
        _check_an_administrator_can_log_in(session)
        audit.record(
            session, ctx, entity="person", entity_id=id_of(person), action="create",
            summary=f"Added {person.name} as {role.label.lower()}",
            changes={"name": text, "login": person.login, "role": role},
        )  # fmt: skip
        return person


def set_access(
    ctx: Context, who: str, *, login: str | None = None, role: Role | None = None
) -> Person:
    """Give a person a login (empty text removes it) or a role."""
    with ctx.transaction() as session:
        authorize(session, ctx, Change.PEOPLE)
        person = find_person(session, who)
        before = {"login": person.login, "role": person.role}
        if login is not None:
            _set_login(session, person, login)
        if role is not None:
            person.role = role
        changed = audit.diff(before, {"login": person.login, "role": person.role})
        if not changed:
            return person
        session.add(person)
        session.flush()
        _check_an_administrator_can_log_in(session)
        audit.record(
            session, ctx, entity="person", entity_id=id_of(person), action="update",
            summary=f"Changed access of {person.name}: {', '.join(changed)}", changes=changed,
        )  # fmt: skip
        return person


def _set_login(session: Session, person: Person, login: str | None) -> None:
    value = (login or "").strip() or None
    if value is not None:
        taken = session.exec(select(Person).where(Person.login == value)).first()
        if taken is not None and taken.id != person.id:
            raise ValidationError(f"the login '{value}' is already {taken.name}'s", field="login")
    person.login = value


def _check_an_administrator_can_log_in(session: Session) -> None:
    """Refuse a change that would turn roles on with no administrator able to act."""
    with_logins = list(session.exec(select(Person).where(col(Person.login).is_not(None))))
    if with_logins and not any(p.role == Role.ADMINISTRATOR for p in with_logins):
        raise ValidationError(
            "give an administrator a login first: once anyone has a login, roles apply, "
            "and only an administrator can manage people",
            field="login",
        )
