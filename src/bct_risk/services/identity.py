"""Who is acting: on PostgreSQL the server says (the session's login), on SQLite the user does.

On a SQLite file the actor is whatever ``--as``, ``BCT_RISK_USER`` or the operating-system login
says: the file is one person's, and its permissions are the only boundary.

On PostgreSQL the actor is the person whose login is the session's (``session_user``), whatever
the client claims: ``--as`` and ``BCT_RISK_USER`` are refused unless they name that person. A
login that is no person of the register is refused, except the DBA's (a superuser, or a member of
the register's owner role), who sets the register up, adds the first administrator and runs the
upgrades; the DBA may act under a name given with ``--as`` (they could write the tables directly
anyway), and the trail records that name.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, text

from bct_risk.domain.errors import DomainError, PermissionDeniedError
from bct_risk.storage import migrate, postgres_roles


class SchemaBehindError(DomainError):
    """The register's schema is older than the code, and this login may not upgrade it."""


def _os_login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


@dataclass(frozen=True)
class ServerIdentity:
    """Who the PostgreSQL server says the session is."""

    login: str
    """``session_user``."""
    person: str | None
    """The name of the person with that login, if any."""
    role: str | None
    """That person's role."""
    dba: bool
    """A superuser, or a member of the register's owner role."""


def server_identity(connection: Connection) -> ServerIdentity:
    """The session's login, the person it stands for, and whether it is the DBA's."""
    login = connection.execute(text("SELECT session_user")).scalar_one()
    row = connection.execute(
        text("SELECT name, role FROM person WHERE login = :login"), {"login": login}
    ).first()
    dba = postgres_roles.can_act_as_owner(connection)
    return ServerIdentity(login, row[0] if row else None, row[1] if row else None, dba)


def _names(claim: str, identity: ServerIdentity) -> bool:
    wanted = claim.strip().lower()
    return wanted in {identity.login.lower(), (identity.person or "").lower()}


def actor_for(connection: Connection, claimed: str) -> str:
    """The actor a PostgreSQL session acts as, given the name the client claims.

    A claim that is only the operating-system login is no claim. Raises
    :class:`PermissionDeniedError` for an impersonation or a login that is no person.
    """
    identity = server_identity(connection)
    explicit = claimed.strip() and claimed.strip() != _os_login()
    if identity.person is not None and (not explicit or _names(claimed, identity)):
        return identity.login
    if identity.dba:
        return claimed.strip() if explicit else identity.login
    if identity.person is not None:
        raise PermissionDeniedError(
            f"you are connected as {identity.login} ({identity.person}); on a shared register "
            f"--as and BCT_RISK_USER may name only you, not '{claimed.strip()}'"
        )
    raise PermissionDeniedError(
        f"the login {identity.login} is not a person of this register; ask an administrator "
        f"to add you: bct-risk people add NAME --login {identity.login} --role ROLE"
    )


def open_postgres(engine: Engine, claimed: str) -> str:
    """Check a PostgreSQL register's schema (the DBA brings it up to date) and who is acting.

    Runtime logins cannot change the schema: when it is behind, they are told to ask the DBA to
    run ``bct-risk upgrade``. The DBA's commands upgrade it, as the owner role.
    """
    with engine.connect() as connection:
        roles = postgres_roles.names(connection)
        dba = postgres_roles.can_act_as_owner(connection, roles)
        if not dba and not postgres_roles.member_of_a_group(connection, roles):
            login = connection.execute(text("SELECT session_user")).scalar_one()
            raise PermissionDeniedError(
                f"the login {login} is not a person of this register; ask an administrator to "
                f"add you: bct-risk people add NAME --login {login} --role ROLE"
            )
    if not migrate.is_current(engine):
        owner = roles.owner
        if not dba:
            current = migrate.current_revision(engine) or "empty"
            raise SchemaBehindError(
                f"the register's schema is at revision {current} and this version of bct-risk "
                f"needs {migrate.head_revision()}: the DBA runs 'bct-risk upgrade' (as a "
                f"superuser or a member of {owner})"
            )
        postgres_roles.upgrade_as_owner(engine)
    with engine.connect() as connection:
        return actor_for(connection, claimed)


def acts_as_dba(connection: Connection, actor: str) -> bool:
    """Whether a PostgreSQL session is the DBA's own, under its own login (not a person)."""
    if connection.dialect.name != "postgresql":
        return False
    identity = server_identity(connection)
    return identity.dba and identity.person is None and actor == identity.login
