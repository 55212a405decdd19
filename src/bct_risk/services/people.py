"""People of the register: add someone, give them a login and a role.

On PostgreSQL a login is a login of the database server: adding a person with a login creates it
(or grants the role to one that exists), with a password when one is given, and changing a role
changes the grant; both go through ``bct_grant_role`` (see ``storage.postgres_roles``), which
gives nothing but the register's group roles. On SQLite a login is the name ``--as`` matches.
"""

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
from bct_risk.storage import postgres_roles


def add_person(
    ctx: Context,
    name: str,
    *,
    job_title: str = "",
    login: str | None = None,
    role: Role = Role.RISK_OWNER,
    password: str | None = None,
    key: str | None = None,
    source: str = "",
    illustrative: bool = False,
) -> Person:
    """Add a person (a risk owner by default); on PostgreSQL, with a server login.

    ``key`` is the short key a seed file names the person by; ``source`` the document the
    person comes from.
    """
    text = required_text(name, "name", limit=200)
    bounded_text(job_title.strip(), "job title", 200)
    with ctx.transaction() as session:
        authorize(session, ctx, Change.PEOPLE)
        _check_password(session, login, password)
        short = (key or "").strip() or None
        if short is not None and session.exec(select(Person.id).where(Person.key == short)).first():
            raise ValidationError(f"the key '{short}' is already someone's", field="key")
        person = Person(
            name=text,
            job_title=job_title.strip(),
            role=role,
            key=short,
            source=source.strip(),
            illustrative=illustrative,
            created_at=ctx.now(),
        )
        _set_login(session, person, login)
        session.add(person)
        session.flush()
        _check_an_administrator_can_log_in(session)
        changes: dict[str, object] = {"name": text, "login": person.login, "role": role}
        if _grant(session, person, role, password):
            changes["server_login"] = "password set" if password else "granted"
        audit.record(
            session, ctx, entity="person", entity_id=id_of(person), action="create",
            summary=f"Added {person.name} as {role.label.lower()}", changes=changes,
        )  # fmt: skip
        return person


def set_access(
    ctx: Context,
    who: str,
    *,
    login: str | None = None,
    role: Role | None = None,
    password: str | None = None,
) -> Person:
    """Give a person a login (empty text removes it) or a role; on PostgreSQL, the grant too."""
    with ctx.transaction() as session:
        authorize(session, ctx, Change.PEOPLE)
        person = find_person(session, who)
        _check_password(session, login if login is not None else person.login, password)
        before = {"login": person.login, "role": person.role}
        new_role = Role(role if role is not None else person.role)
        if login is not None:
            _set_login(session, person, login)
        postgres = _on_postgres(session)
        if role is not None and not postgres:
            person.role = role
        changed = audit.diff(before, {"login": person.login, "role": new_role})
        if not changed and password is None:
            return person
        session.add(person)
        session.flush()
        if postgres:
            # The role is set with the grant (nobody may UPDATE a person's role directly).
            _grant(session, person, new_role, password)
            if before["login"] and before["login"] != person.login:
                postgres_roles.forget_login(session.connection(), str(before["login"]))
            session.refresh(person)
        _check_an_administrator_can_log_in(session)
        if password is not None:
            changed["password"] = ["", "set"]
        audit.record(
            session, ctx, entity="person", entity_id=id_of(person), action="update",
            summary=f"Changed access of {person.name}: {', '.join(changed)}", changes=changed,
        )  # fmt: skip
        return person


def _on_postgres(session: Session) -> bool:
    return session.connection().dialect.name == "postgresql"


def _check_password(session: Session, login: str | None, password: str | None) -> None:
    if password is None:
        return
    if not _on_postgres(session):
        raise ValidationError(
            "a password is for a PostgreSQL login; on a SQLite register a login is only a name",
            field="password",
        )
    if not (login or "").strip():
        raise ValidationError("a password needs a login to go with it", field="password")
    if len(password) < 8:
        raise ValidationError(
            "the password is too short: give at least 8 characters", field="password"
        )


def _grant(session: Session, person: Person, role: Role, password: str | None) -> bool:
    """On PostgreSQL, set the person's role and their login's group role; whether it did."""
    if not _on_postgres(session):
        return False
    postgres_roles.grant_role(session.connection(), id_of(person), role.value, password)
    return person.login is not None


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
