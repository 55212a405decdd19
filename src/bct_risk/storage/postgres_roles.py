"""PostgreSQL roles of a register: a NOLOGIN owner, one group role per application role.

PostgreSQL roles are shared by every database on a server, so a register's role names begin
with a prefix taken from its database's name when it was set up (``bct_risk`` gives
``bct_risk_owner``, ``bct_risk_viewer``, ``bct_risk_risk_owner``, ``bct_risk_secretariat``,
``bct_risk_administrator``); the database keeps the prefix in ``bct_role_prefix()``.

- The **owner** owns every table and function. Nobody logs in as it: the DBA (a superuser, or a
  role granted the owner) runs ``bct-risk upgrade``, which runs the migrations as the owner
  (``SET ROLE``). It may create logins (CREATEROLE), which it does only through
  ``bct_grant_role``, a SECURITY DEFINER function that grants nothing but the groups below.
- Each person's **login** is a member of exactly one group: viewer (reads), risk owner, secretariat
  or administrator (reads and appends; row-level security limits a risk owner to their own
  risks). No group owns a table, so none can ALTER, DROP, TRUNCATE or disable a trigger; none may
  UPDATE or DELETE an audit event, nor UPDATE a person's role.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import partial

from sqlalchemy import Connection, Engine, event, text

APP_ROLES = ("viewer", "risk_owner", "secretariat", "administrator")
"""The application's roles, in the order they gain rights (``domain.enums.Role`` values)."""

WRITERS = ("risk_owner", "secretariat", "administrator")


@dataclass(frozen=True)
class RoleNames:
    """A register's PostgreSQL role names."""

    prefix: str

    @property
    def owner(self) -> str:
        """The NOLOGIN role that owns the tables."""
        return f"{self.prefix}_owner"

    def group(self, app_role: str) -> str:
        """The group role of an application role."""
        return f"{self.prefix}_{app_role}"

    @property
    def groups(self) -> list[str]:
        """Every group role."""
        return [self.group(role) for role in APP_ROLES]


def prefix_for(database: str) -> str:
    """A role prefix from a database name: lower case letters, digits and underscores."""
    cleaned = re.sub(r"[^a-z0-9_]", "_", database.lower()).strip("_") or "bct_risk"
    if not cleaned[0].isalpha():
        cleaned = f"r_{cleaned}"
    return cleaned[:40]


def names(connection: Connection) -> RoleNames:
    """The register's role names: those it was set up with, else from its database's name."""
    has_function = connection.execute(
        text("SELECT to_regprocedure('bct_role_prefix()') IS NOT NULL")
    ).scalar_one()
    if has_function:
        return RoleNames(connection.execute(text("SELECT bct_role_prefix()")).scalar_one())
    return RoleNames(prefix_for(connection.execute(text("SELECT current_database()")).scalar_one()))


def _run(connection: Connection, sql: str) -> None:
    # Statements without parameters: the driver would read each % as a placeholder.
    connection.exec_driver_sql(sql.replace("%", "%%"))


def role_exists(connection: Connection, role: str) -> bool:
    """Whether a role exists on the server."""
    found = connection.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role})
    return found.first() is not None


def can_act_as_owner(connection: Connection, roles: RoleNames | None = None) -> bool:
    """Whether the session's login is the DBA: a superuser, or a member of the owner role."""
    roles = roles or names(connection)
    row = connection.execute(
        text(
            "SELECT r.rolsuper OR (o.oid IS NOT NULL AND pg_has_role(session_user, o.oid, "
            "'MEMBER')) FROM pg_roles r LEFT JOIN pg_roles o ON o.rolname = :owner "
            "WHERE r.rolname = session_user"
        ),
        {"owner": roles.owner},
    ).first()
    return bool(row and row[0])


def member_of_a_group(connection: Connection, roles: RoleNames) -> bool:
    """Whether the session's login belongs to one of the register's group roles."""
    return bool(
        connection.execute(
            text(
                "SELECT bool_or(pg_has_role(session_user, rolname, 'MEMBER')) FROM pg_roles "
                "WHERE rolname = ANY(:groups)"
            ),
            {"groups": roles.groups},
        ).scalar_one()
    )


def prepare(connection: Connection) -> RoleNames:
    """Create the owner and group roles when missing, and give the owner the schema.

    Run by the DBA (a superuser, or a role with CREATEROLE that owns the database) before the
    migrations; a no-op for roles that exist already.
    """
    roles = names(connection)
    is_super = connection.execute(
        text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    ).scalar_one()
    if not role_exists(connection, roles.owner):
        connection.execute(text(f'CREATE ROLE "{roles.owner}" NOLOGIN CREATEROLE'))
    for group in roles.groups:
        if not role_exists(connection, group):
            connection.execute(text(f'CREATE ROLE "{group}" NOLOGIN'))
    if (
        not is_super
        and not connection.execute(
            text("SELECT pg_has_role(current_user, :o, 'MEMBER')"), {"o": roles.owner}
        ).scalar_one()
    ):
        # A DBA that is not a superuser keeps the right to run upgrades as the owner.
        connection.execute(text(f'GRANT "{roles.owner}" TO current_user'))
    if not connection.execute(
        text("SELECT has_schema_privilege(:o, 'public', 'CREATE')"), {"o": roles.owner}
    ).scalar_one():
        connection.execute(text(f'GRANT USAGE, CREATE ON SCHEMA public TO "{roles.owner}"'))
    return roles


def adopt(connection: Connection, roles: RoleNames) -> None:
    """Give the owner role the register's tables and functions made by anyone else."""
    tables = connection.execute(
        text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tableowner <> :o"),
        {"o": roles.owner},
    ).scalars()
    for table in list(tables):
        _run(connection, f'ALTER TABLE "{table}" OWNER TO "{roles.owner}"')
    functions = connection.execute(
        text(
            "SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n "
            "ON n.oid = p.pronamespace WHERE n.nspname = 'public' AND p.proname LIKE 'bct%' "
            "AND pg_get_userbyid(p.proowner) <> :o"
        ),
        {"o": roles.owner},
    ).scalars()
    for function in list(functions):
        _run(connection, f'ALTER FUNCTION {function} OWNER TO "{roles.owner}"')


def owner_engine(engine: Engine, roles: RoleNames) -> Engine:
    """An engine on the same database whose sessions act as the owner role (``SET ROLE``)."""
    from bct_risk.storage.engine import make_engine

    owned = make_engine(engine.url.render_as_string(hide_password=False))

    @event.listens_for(owned, "connect")
    def _set_role(dbapi_connection: object, _record: object) -> None:
        cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
        cursor.execute(f'SET ROLE "{roles.owner}"')
        cursor.close()
        dbapi_connection.commit()  # type: ignore[attr-defined]

    return owned


def upgrade_as_owner(engine: Engine) -> None:
    """Bring a PostgreSQL register's schema up to date, as its owner role.

    Only the DBA can: the roles are created first when missing (see :func:`prepare`).
    """
    from bct_risk.storage import migrate

    with engine.begin() as connection:
        roles = prepare(connection)
        adopt(connection, roles)
    owned = owner_engine(engine, roles)
    try:
        migrate.upgrade(owned)
        with owned.begin() as connection:
            grant_columns(connection)  # the columns any migration added
    finally:
        owned.dispose()


# -- what the migration installs ----------------------------------------------------------------


def install(connection: Connection) -> None:
    """Hand every table to the owner, grant the groups their rights, install the triggers and
    row-level security, and the functions that map logins to people and manage logins.

    Run by migration ``0005`` (as the owner, or as a superuser on an older database).
    """
    roles = prepare(connection)
    adopt(connection, roles)
    run = partial(_run, connection)
    run(f'SET LOCAL ROLE "{roles.owner}"')
    prefix = roles.prefix.replace("'", "''")
    run(
        "CREATE OR REPLACE FUNCTION bct_role_prefix() RETURNS text LANGUAGE sql IMMUTABLE "
        f"AS $$ SELECT '{prefix}'::text $$"
    )
    _identity_functions(connection, roles)
    _grants(connection, roles)
    _row_security(connection, roles)
    _audit_triggers(connection)
    _grant_role_function(connection, roles)


def _identity_functions(connection: Connection, roles: RoleNames) -> None:
    owner = roles.owner.replace("'", "''")
    _run(
        connection,
        """
        CREATE OR REPLACE FUNCTION bct_person_id() RETURNS integer
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
        AS $$ SELECT id FROM person WHERE login = session_user $$
        """,
    )
    _run(
        connection,
        f"""
        CREATE OR REPLACE FUNCTION bct_is_dba() RETURNS boolean
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
        AS $$ SELECT r.rolsuper OR pg_has_role(session_user, '{owner}', 'MEMBER')
              FROM pg_roles r WHERE r.rolname = session_user $$
        """,
    )
    # The person the session's login stands for, NULL for the DBA (who may act for anyone,
    # as a superuser can anyway), or a refusal.
    _run(
        connection,
        """
        CREATE OR REPLACE FUNCTION bct_audit_actor() RETURNS text
        LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
        AS $$
        DECLARE who text;
        BEGIN
            SELECT name INTO who FROM person WHERE login = session_user;
            IF who IS NOT NULL THEN
                RETURN who;
            END IF;
            IF bct_is_dba() THEN
                RETURN NULL;
            END IF;
            RAISE EXCEPTION 'the login % is not a person of this register', session_user
                USING ERRCODE = '42501',
                HINT = 'an administrator adds you: bct-risk people add NAME --login LOGIN';
        END;
        $$
        """,
    )


def _grants(connection: Connection, roles: RoleNames) -> None:
    run = partial(_run, connection)
    everyone = ", ".join(f'"{g}"' for g in roles.groups)
    writers = ", ".join(f'"{roles.group(r)}"' for r in WRITERS)
    admin = f'"{roles.group("administrator")}"'
    run(f"GRANT USAGE ON SCHEMA public TO {everyone}")
    run(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC, {everyone}")
    run(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {everyone}")
    run(f"GRANT INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO {writers}")
    run(f"GRANT DELETE ON ALL TABLES IN SCHEMA public TO {admin}")
    run(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {writers}")
    # The audit trail: read and append only. The people: an administrator adds people and
    # edits their details; roles change only through bct_grant_role. The schema's revision:
    # read only.
    run(f"REVOKE INSERT, UPDATE, DELETE ON auditevent, person, alembic_version FROM {everyone}")
    run(f"GRANT INSERT ON auditevent TO {writers}")
    run(f"GRANT INSERT ON person TO {admin}")
    # An administrator updates a person's columns but the role (column by column: see
    # _column_grants).
    # Tables later migrations add, created by the owner, get the same rights.
    for statement in (
        f"GRANT SELECT ON TABLES TO {everyone}",
        f"GRANT INSERT, UPDATE ON TABLES TO {writers}",
        f"GRANT DELETE ON TABLES TO {admin}",
        f"GRANT USAGE ON SEQUENCES TO {writers}",
    ):
        run(f'ALTER DEFAULT PRIVILEGES FOR ROLE "{roles.owner}" IN SCHEMA public {statement}')
    run("REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA public FROM PUBLIC")
    run(f"GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO {everyone}")
    run("GRANT EXECUTE ON FUNCTION bct_role_prefix() TO PUBLIC")


def _row_security(connection: Connection, roles: RoleNames) -> None:
    """Only their own: a risk owner updates and rescores only the risks they own.

    Every group sees every risk for update (the app locks a risk's row before it checks the
    role, so that it can say why a change is refused); what each may then write is narrowed by
    restrictive policies and column grants: a viewer writes nothing, a risk owner writes only
    rows they own and cannot change a risk's owner.
    """
    run = partial(_run, connection)
    viewer = f'"{roles.group("viewer")}"'
    owner_group = f'"{roles.group("risk_owner")}"'
    others = ", ".join(f'"{roles.group(r)}"' for r in ("secretariat", "administrator"))
    for table in ("risk", "assessment"):
        run(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        run(f"CREATE POLICY {table}_read ON {table} FOR SELECT USING (true)")
        run(f"CREATE POLICY {table}_insert ON {table} FOR INSERT TO {others} WITH CHECK (true)")
    run("CREATE POLICY risk_update ON risk FOR UPDATE USING (true)")
    run(f"CREATE POLICY assessment_update ON assessment FOR UPDATE TO {others} USING (true)")
    run(
        f"CREATE POLICY risk_update_own ON risk AS RESTRICTIVE FOR UPDATE TO {owner_group} "
        "USING (true) WITH CHECK (owner_id = bct_person_id())"
    )
    run(
        f"CREATE POLICY risk_update_none ON risk AS RESTRICTIVE FOR UPDATE TO {viewer} "
        "USING (true) WITH CHECK (false)"
    )
    run(
        f"CREATE POLICY assessment_insert_own ON assessment FOR INSERT TO {owner_group} "
        "WITH CHECK (risk_id IN (SELECT id FROM risk WHERE owner_id = bct_person_id()))"
    )
    # A lock needs the right to update a column: a viewer may lock (and then write nothing); a
    # risk owner may write any column of their own risks but the owner (see _column_grants).
    run(f"GRANT UPDATE (version) ON risk TO {viewer}")
    run(f"REVOKE UPDATE ON risk FROM {owner_group}")
    _column_grants(connection, roles)


COLUMN_GRANTS = (
    # (table, group, the columns it may not update: it may update every other)
    ("person", "administrator", ("id", "role")),
    ("risk", "risk_owner", ("id", "owner_id")),
)
"""The rights given column by column. A grant on a table's columns covers only the columns
there when it is made: :func:`grant_columns` gives those a later migration adds."""


def _column_grants(connection: Connection, roles: RoleNames) -> None:
    for table, group, withheld in COLUMN_GRANTS:
        columns = connection.execute(
            text(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' "
                "AND table_name = :table AND NOT column_name = ANY(:withheld) "
                "ORDER BY ordinal_position"
            ),
            {"table": table, "withheld": list(withheld)},
        ).scalars()
        quoted = ", ".join(f'"{c}"' for c in columns)
        _run(connection, f'GRANT UPDATE ({quoted}) ON "{table}" TO "{roles.group(group)}"')


DELETE_GRANTS = (
    # (table, the groups whose commands delete its rows, besides administrators)
    ("assurancesource", ("risk_owner", "secretariat")),  # a source recorded in error
    ("indicatorrisk", ("risk_owner", "secretariat")),  # an indicator unlinked from a risk
)
"""Rows removed by commands roles other than administrators may run (the audit trail keeps
what each said); tables later migrations add, so granted by :func:`grant_columns`."""


def grant_columns(connection: Connection) -> None:
    """Give the groups their column rights on the columns added since they were granted, and
    the deletes of :data:`DELETE_GRANTS` (as the owner; idempotent). Run by migration ``0010``
    and after every upgrade, so a migration that adds a column to ``person`` or ``risk`` need
    not remember to."""
    roles = names(connection)
    _run(connection, f'SET LOCAL ROLE "{roles.owner}"')
    _column_grants(connection, roles)
    for table, groups in DELETE_GRANTS:
        exists = connection.execute(text("SELECT to_regclass(:t)"), {"t": table}).scalar()
        if exists is not None:
            to = ", ".join(f'"{roles.group(g)}"' for g in groups)
            _run(connection, f'GRANT DELETE ON "{table}" TO {to}')


def _audit_triggers(connection: Connection) -> None:
    """The database writes the who and the when; TRUNCATE refused."""
    run = partial(_run, connection)
    run(
        """
        CREATE OR REPLACE FUNCTION bct_audit_stamp() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
        AS $$
        DECLARE who text;
        BEGIN
            who := bct_audit_actor();
            IF who IS NOT NULL THEN
                NEW.actor := who;
                NEW.at := now();
            END IF;
            RETURN NEW;
        END;
        $$
        """
    )
    run(
        "CREATE TRIGGER auditevent_stamp BEFORE INSERT ON auditevent "
        "FOR EACH ROW EXECUTE FUNCTION bct_audit_stamp()"
    )
    run(
        "CREATE TRIGGER auditevent_no_truncate BEFORE TRUNCATE ON auditevent "
        "FOR EACH STATEMENT EXECUTE FUNCTION bct_audit_append_only()"
    )


def _grant_role_function(connection: Connection, roles: RoleNames) -> None:
    """``bct_grant_role(person, role, password)`` and ``bct_forget_login(login)``.

    The first sets a person's role and makes their login (created when missing, with the
    password when one is given) a member of that group only; the second takes every group from
    a login that is no longer anyone's. Only an administrator of the register (or the DBA) may
    call them; they refuse a login that is a superuser, may create roles or databases, bypasses
    row security or belongs to the owner, so no one is given more than an application role.
    """
    prefix = roles.prefix.replace("'", "''")
    owner = roles.owner.replace("'", "''")
    groups = "ARRAY['viewer', 'risk_owner', 'secretariat', 'administrator']"
    checks = """
            IF NOT (bct_is_dba() OR EXISTS (SELECT 1 FROM person
                    WHERE login = session_user AND role = 'administrator')) THEN
                RAISE EXCEPTION 'only an administrator of the register manages logins'
                    USING ERRCODE = '42501';
            END IF;"""
    guard = f"""
            IF who LIKE 'pg\\_%' OR who LIKE '{prefix}\\_%' THEN
                RAISE EXCEPTION 'the login % cannot be given a role of the register', who
                    USING ERRCODE = '42501';
            END IF;
            SELECT * INTO target FROM pg_roles WHERE rolname = who;
            IF FOUND AND (pg_has_role(who, '{owner}', 'MEMBER') OR EXISTS (
                    SELECT 1 FROM pg_roles r WHERE pg_has_role(who, r.oid, 'MEMBER')
                    AND (r.rolsuper OR r.rolcreaterole OR r.rolbypassrls OR r.rolcreatedb
                         OR r.rolreplication))) THEN
                RAISE EXCEPTION 'the login % holds rights beyond the register''s roles: '
                    'the DBA manages it', who USING ERRCODE = '42501';
            END IF;"""
    _run(
        connection,
        f"""
        CREATE OR REPLACE FUNCTION bct_grant_role(person_id integer, app_role text, secret text)
        RETURNS void
        LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
        AS $$
        DECLARE
            target pg_roles%ROWTYPE;
            who text;
            r text;
        BEGIN{checks}
            IF app_role IS NULL OR NOT app_role = ANY ({groups}) THEN
                RAISE EXCEPTION '% is not a role of the register', app_role;
            END IF;
            SELECT login INTO who FROM person WHERE id = person_id;
            IF NOT FOUND THEN
                RAISE EXCEPTION 'no person with id %', person_id;
            END IF;
            UPDATE person SET role = app_role WHERE id = person_id;
            IF who IS NULL THEN
                RETURN;
            END IF;{guard}
            IF target.rolname IS NULL THEN
                EXECUTE format('CREATE ROLE %I LOGIN', who);
            END IF;
            IF secret IS NOT NULL AND target.rolname IS NOT NULL AND NOT bct_is_dba() AND EXISTS (
                    SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
                    WHERE m.member = target.oid AND g.rolname NOT LIKE '{prefix}\\_%') THEN
                RAISE EXCEPTION 'the login % belongs to roles beyond this register: '
                    'only the DBA sets its password', who USING ERRCODE = '42501';
            END IF;
            IF secret IS NOT NULL THEN
                EXECUTE format('ALTER ROLE %I LOGIN PASSWORD %L', who, secret);
            END IF;
            FOREACH r IN ARRAY {groups} LOOP
                IF r <> app_role THEN
                    EXECUTE format('REVOKE %I FROM %I', '{prefix}_' || r, who);
                END IF;
            END LOOP;
            EXECUTE format('GRANT %I TO %I', '{prefix}_' || app_role, who);
        END;
        $$
        """,
    )
    _run(
        connection,
        f"""
        CREATE OR REPLACE FUNCTION bct_forget_login(who text) RETURNS void
        LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
        AS $$
        DECLARE
            target pg_roles%ROWTYPE;
            r text;
        BEGIN{checks}
            IF EXISTS (SELECT 1 FROM person WHERE login = who) THEN
                RETURN;
            END IF;{guard}
            IF target.rolname IS NULL THEN
                RETURN;
            END IF;
            FOREACH r IN ARRAY {groups} LOOP
                EXECUTE format('REVOKE %I FROM %I', '{prefix}_' || r, who);
            END LOOP;
        END;
        $$
        """,
    )
    admin = f'"{roles.group("administrator")}"'
    for signature in ("bct_grant_role(integer, text, text)", "bct_forget_login(text)"):
        _run(connection, f"REVOKE EXECUTE ON FUNCTION {signature} FROM PUBLIC")
        _run(connection, f"GRANT EXECUTE ON FUNCTION {signature} TO {admin}")


def grant_role(connection: Connection, person_id: int, app_role: str, password: str | None) -> None:
    """Set a person's role, and make their login a member of its group only."""
    connection.execute(
        text("SELECT bct_grant_role(:id, :role, :secret)"),
        {"id": person_id, "role": app_role, "secret": password},
    )


def forget_login(connection: Connection, login: str) -> None:
    """Take every group role from a login that is no longer a person's."""
    connection.execute(text("SELECT bct_forget_login(:who)"), {"who": login})
