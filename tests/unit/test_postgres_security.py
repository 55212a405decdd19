"""A shared register on PostgreSQL, set up as the README says: who did what, provably.

The DBA's one-time set-up (create the database, ``bct-risk init``, add the first administrator),
then each person connects as their own login: the server says who they are, the grants and
row-level security say what they may do, and the audit trail's who and when are the server's.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from bct_risk.cli.app import app
from tests.conftest import POSTGRES_URL

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not POSTGRES_URL, reason="runs on the PostgreSQL pass"),
]

runner = CliRunner()
PASSWORDS = {"ada": "ada-Secret-2026", "vic": "vic-Secret-2026", "rita": "rita-Secret-2026"}
LOGINS: dict[str, str] = {}
"""The test's logins: ada, vic and rita, with a suffix (PostgreSQL logins are server-wide and
registers are tested side by side)."""


def url_as(url: str, login: str) -> str:
    """The register's URL for one of the test's logins, with its password."""
    return (
        make_url(url)
        .set(username=LOGINS[login], password=PASSWORDS[login])
        .render_as_string(hide_password=False)
    )


def bct(url: str, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--database", url, *args], input=stdin)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def shared_register() -> Iterator[str]:
    """Step 1: the README's one-time set-up as the database superuser (the database, init, Ada),
    then Ada adds Vic."""
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
    suffix = uuid.uuid4().hex[:10]
    name = f"bct_team_{suffix}"
    LOGINS.update({person: f"{person}_{suffix}" for person in PASSWORDS})
    with admin.connect() as c:
        c.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    try:
        code, _, err = bct(url, "init")
        assert code == 0, err
        code, _, err = bct(url, "people", "add", "Ada Admin", "--login", LOGINS["ada"],
                             "--role", "administrator", "--password-stdin",
                             stdin=PASSWORDS["ada"] + "\n")  # fmt: skip
        assert code == 0, err
        # From then on the administrator adds people from her own login.
        code, _, err = bct(url_as(url, "ada"), "people", "add", "Vic Viewer",
                             "--login", LOGINS["vic"], "--role", "viewer", "--password-stdin",
                             stdin=PASSWORDS["vic"] + "\n")  # fmt: skip
        assert code == 0, err
        yield url
    finally:
        with admin.connect() as c:
            c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            for login in LOGINS.values():
                c.exec_driver_sql(f'DROP ROLE IF EXISTS "{login}"')
        admin.dispose()


def refused_in_sql(url: str, statement: str) -> str:
    """Run a statement as a login in its own transaction; the error it must raise."""
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    try:
        with pytest.raises(sa.exc.DBAPIError) as raised, engine.begin() as c:
            c.exec_driver_sql(statement)
        return str(raised.value.orig)
    finally:
        engine.dispose()


def test_who_did_what_provably(shared_register: str) -> None:
    url = shared_register
    vic, ada = url_as(url, "vic"), url_as(url, "ada")

    # 2. Connected as vic: the app refuses, impersonation is refused, and so is direct SQL.
    score = ("score", "SR2", "-l", "3", "-i", "3", "-r", "Agency use steady")
    code, _, err = bct(vic, *score)
    assert (code, err.strip()) == (1, "Error: Vic Viewer (viewer) may not score risks"), err
    result = runner.invoke(app, ["--database", vic, "--as", LOGINS["ada"], *score])
    assert result.exit_code == 1
    assert f"connected as {LOGINS['vic']} (Vic Viewer)" in result.stderr
    assert f"may name only you, not '{LOGINS['ada']}'" in result.stderr
    assert "permission denied" in refused_in_sql(
        vic, f"UPDATE person SET role = 'administrator' WHERE login = '{LOGINS['vic']}'"
    )
    assert "permission denied" in refused_in_sql(vic, "TRUNCATE auditevent")
    assert "must be owner" in refused_in_sql(vic, "ALTER TABLE auditevent DISABLE TRIGGER ALL")
    assert "permission denied" in refused_in_sql(vic, "DELETE FROM auditevent")
    assert "permission denied" in refused_in_sql(
        vic, "SELECT bct_grant_role(id, 'administrator', NULL) FROM person WHERE role = 'viewer'"
    )
    code, out, _ = bct(vic, "list", "--json")
    assert code == 0 and '"SR2"' in out, "a viewer still reads the register"

    # 3. Connected as ada: the change is hers, at the server's time.
    code, out, err = bct(ada, *score)
    assert code == 0, err
    superuser = sa.create_engine(url, poolclass=sa.NullPool)
    with superuser.connect() as c:
        at, actor = c.exec_driver_sql(
            "SELECT at, actor FROM auditevent ORDER BY id DESC LIMIT 1"
        ).one()
        server_now = c.exec_driver_sql("SELECT now()").scalar_one()
    assert actor == "Ada Admin"
    assert abs(server_now - at) < timedelta(minutes=2)
    code, out, _ = bct(ada, "history", "SR2")
    assert code == 0 and "Ada Admin" in out
    assert f"{at.astimezone(UTC):%d %b %Y %H:%M}" in out
    # Ada cannot give herself the owner's keys, nor rewrite the trail either.
    assert "permission denied" in refused_in_sql(ada, "TRUNCATE auditevent")
    assert "must be owner" in refused_in_sql(ada, "ALTER TABLE auditevent DISABLE TRIGGER ALL")
    assert "permission denied" in refused_in_sql(ada, "DELETE FROM auditevent")
    assert "permission denied" in refused_in_sql(ada, "UPDATE person SET role = 'viewer'")
    assert "permission denied" in refused_in_sql(ada, "SET ROLE " + _owner(url))
    # A forged event, backdated and in someone else's name, is stamped as Ada's, now.
    engine = sa.create_engine(ada, poolclass=sa.NullPool)
    with engine.connect() as c:
        forged = c.exec_driver_sql(
            "INSERT INTO auditevent (at, actor, entity, entity_id, action, summary, changes) "
            "VALUES ('2020-01-01 09:00+00', 'Vic Viewer', 'risk', 1, 'update', 'forged', '{}') "
            "RETURNING actor, at"
        ).one()
        c.rollback()
    engine.dispose()
    assert forged[0] == "Ada Admin"
    assert forged[1] > datetime(2026, 1, 1, tzinfo=UTC)

    # A risk owner rescores their own risks only, in the app and in SQL (row-level security).
    code, _, err = bct(ada, "people", "access", "dfr", "--login", LOGINS["rita"],
                       "--password-stdin", stdin=PASSWORDS["rita"] + "\n")  # fmt: skip
    assert code == 0, err
    rita = url_as(url, "rita")
    code, _, err = bct(rita, "score", "SR9", "-l", "4", "-i", "4", "-r", "Savings plan agreed")
    assert code == 0, err
    code, _, err = bct(rita, *score)
    assert code == 1 and "only on their own risks; SR2 belongs to" in err
    assert "row-level security" in refused_in_sql(
        rita, "UPDATE risk SET title = 'Mine now' WHERE reference = 'SR2'"
    )
    assert "permission denied" in refused_in_sql(
        rita, "UPDATE risk SET owner_id = bct_person_id() WHERE reference = 'SR2'"
    )
    engine = sa.create_engine(rita, poolclass=sa.NullPool)
    with engine.begin() as c:
        own = c.exec_driver_sql("UPDATE risk SET title = title WHERE reference = 'SR9'")
        assert own.rowcount == 1
    engine.dispose()
    assert "row-level security" in refused_in_sql(
        rita,
        "INSERT INTO assessment (risk_id, kind, likelihood, impact, score, assessed_on, "
        "rationale, assessed_by, illustrative, created_at) SELECT id, 'current', 1, 1, 1, "
        "current_date, 'x', 'rita', false, now() FROM risk WHERE reference = 'SR2'",
    )

    # 4. The chain holds; after the superuser removes an event behind everyone's back, it breaks.
    code, out, err = bct(ada, "audit", "verify")
    assert code == 0, err
    assert out.startswith("audit trail intact: ")
    # Even the superuser's TRUNCATE meets the statement trigger (short of switching triggers off).
    assert "append-only" in refused_in_sql(url, "TRUNCATE auditevent")
    with superuser.begin() as c:
        ids = list(c.exec_driver_sql("SELECT id FROM auditevent ORDER BY id").scalars())
        c.exec_driver_sql("SET LOCAL session_replication_role = replica")
        c.exec_driver_sql(f"DELETE FROM auditevent WHERE id = {ids[20]}")
    superuser.dispose()
    code, out, err = bct(ada, "audit", "verify")
    assert code == 1
    assert err.strip().startswith(f"Error: audit trail broken at event {ids[21]}: it does not "
                                  f"follow event {ids[19]}")  # fmt: skip


def _owner(url: str) -> str:
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    with engine.connect() as c:
        prefix = c.exec_driver_sql("SELECT bct_role_prefix()").scalar_one()
    engine.dispose()
    return f'"{prefix}_owner"'


def test_a_login_that_is_no_person_is_refused(shared_register: str) -> None:
    login = f"mallory_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(shared_register, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
    with admin.connect() as c:
        c.exec_driver_sql(f"CREATE ROLE {login} LOGIN PASSWORD 'mallory-Secret-1'")
    admin.dispose()
    mallory = make_url(shared_register).set(username=login, password="mallory-Secret-1")
    code, _, err = bct(mallory.render_as_string(hide_password=False), "list")
    assert code == 1
    assert f"the login {login} is not a person of this register" in err


def test_commands_do_not_migrate_for_a_runtime_login(shared_register: str) -> None:
    admin = sa.create_engine(shared_register, poolclass=sa.NullPool)
    with admin.begin() as c:
        c.exec_driver_sql("UPDATE alembic_version SET version_num = '0003'")
    admin.dispose()
    code, _, err = bct(url_as(shared_register, "ada"), "list")
    assert code == 1
    assert "the DBA runs 'bct-risk upgrade'" in err


def test_an_administrator_cannot_grant_or_reset_more_than_the_register_has(
    shared_register: str,
) -> None:
    ada = url_as(shared_register, "ada")
    superuser = make_url(shared_register).username or ""
    code, _, err = bct(ada, "people", "add", "The DBA", "--login", superuser, "--role", "viewer")
    assert code == 1 and f"the login {superuser} holds rights beyond the register's roles" in err
    # A login of someone who also uses another register: its password is the DBA's to set.
    other = f"other_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(shared_register, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
    with admin.connect() as c:
        c.exec_driver_sql(f"CREATE ROLE {other}_group NOLOGIN")
        c.exec_driver_sql(f"CREATE ROLE {other} LOGIN IN ROLE {other}_group")
    admin.dispose()
    code, _, err = bct(ada, "people", "add", "Olive Other", "--login", other, "--role", "viewer",
                       "--password-stdin", stdin="new-Secret-2026\n")  # fmt: skip
    assert code == 1 and "belongs to roles beyond this register" in err
    code, _, err = bct(ada, "people", "add", "Olive Other", "--login", other, "--role", "viewer")
    assert code == 0, err
