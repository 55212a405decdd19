"""A sealed audit trail (a hash chain); on PostgreSQL, roles, grants and a server-stamped trail

Revision ID: 0005
Revises: 0003
Create Date: 2026-12-02

Every audit event gains ``prev_hash`` and ``hash`` (see ``bct_risk.services.audit_chain``); the
events already there are sealed in id order. On PostgreSQL the tables go to a NOLOGIN owner
role, group roles per application role get only the rights they need, row-level security limits
a risk owner to their own risks, and triggers set each event's actor and time from the server
and refuse TRUNCATE (see ``bct_risk.storage.postgres_roles``).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from bct_risk.services.audit_chain import FIELDS, GENESIS, seal_of

revision: str = "0005"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EVENTS = sa.table(
    "auditevent",
    sa.column("id", sa.Integer()),
    sa.column("at", sqlmodel.sql.sqltypes.UTCDateTime()),
    sa.column("actor", sa.String()),
    sa.column("entity", sa.String()),
    sa.column("entity_id", sa.Integer()),
    sa.column("risk_id", sa.Integer()),
    sa.column("action", sa.String()),
    sa.column("summary", sa.String()),
    sa.column("changes", sa.JSON()),
    sa.column("prev_hash", sa.String()),
    sa.column("hash", sa.String()),
)

SQLITE_TRIGGERS = ("UPDATE", "DELETE")


def upgrade() -> None:
    bind = op.get_bind()
    postgres = bind.dialect.name == "postgresql"
    with op.batch_alter_table("auditevent", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("prev_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )
        batch_op.add_column(
            sa.Column("hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )
    # Seal the events already there, in id order; the append-only triggers are lifted meanwhile
    # (batch mode on SQLite copies the table, which drops its triggers: made again below).
    if postgres:
        op.execute("ALTER TABLE auditevent DISABLE TRIGGER auditevent_append_only")
    else:
        for event in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS auditevent_no_{event.lower()}")
    previous = GENESIS
    rows = bind.execute(sa.select(EVENTS).order_by(EVENTS.c.id)).mappings().all()
    for row in rows:
        content = {name: row[name] for name in FIELDS if name != "prev_hash"}
        content["prev_hash"] = previous
        sealed = seal_of(content)
        bind.execute(
            EVENTS.update().where(EVENTS.c.id == row["id"]).values(prev_hash=previous, hash=sealed)
        )
        previous = sealed
    if postgres:
        op.execute("ALTER TABLE auditevent ENABLE TRIGGER auditevent_append_only")
        from bct_risk.storage import postgres_roles

        postgres_roles.install(bind)
    else:
        for event in SQLITE_TRIGGERS:
            op.execute(
                f"CREATE TRIGGER auditevent_no_{event.lower()} BEFORE {event} ON auditevent "
                "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in (
            "DROP TRIGGER IF EXISTS auditevent_stamp ON auditevent",
            "DROP TRIGGER IF EXISTS auditevent_no_truncate ON auditevent",
            "DROP POLICY IF EXISTS risk_read ON risk",
            "DROP POLICY IF EXISTS risk_insert ON risk",
            "DROP POLICY IF EXISTS risk_update ON risk",
            "DROP POLICY IF EXISTS risk_update_own ON risk",
            "DROP POLICY IF EXISTS assessment_read ON assessment",
            "DROP POLICY IF EXISTS assessment_insert ON assessment",
            "DROP POLICY IF EXISTS assessment_update ON assessment",
            "DROP POLICY IF EXISTS assessment_insert_own ON assessment",
            "ALTER TABLE risk DISABLE ROW LEVEL SECURITY",
            "ALTER TABLE assessment DISABLE ROW LEVEL SECURITY",
            "DROP FUNCTION IF EXISTS bct_audit_stamp()",
            "DROP FUNCTION IF EXISTS bct_grant_role(text, text, text)",
            "DROP FUNCTION IF EXISTS bct_audit_actor()",
            "DROP FUNCTION IF EXISTS bct_is_dba()",
            "DROP FUNCTION IF EXISTS bct_person_id()",
            "DROP FUNCTION IF EXISTS bct_role_prefix()",
        ):
            op.execute(statement)
    else:
        for event in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS auditevent_no_{event.lower()}")
    with op.batch_alter_table("auditevent", schema=None) as batch_op:
        batch_op.drop_column("hash")
        batch_op.drop_column("prev_hash")
    if op.get_bind().dialect.name != "postgresql":
        for event in SQLITE_TRIGGERS:
            op.execute(
                f"CREATE TRIGGER auditevent_no_{event.lower()} BEFORE {event} ON auditevent "
                "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END"
            )
