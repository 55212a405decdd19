"""Roles of people, and an audit trail the database itself keeps append-only

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLES = ("viewer", "risk_owner", "secretariat", "administrator")


def upgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "role",
                sa.Enum(*ROLES, name="role", native_enum=False, length=17),
                nullable=False,
                server_default="risk_owner",
            )
        )
    # Whatever role the application connects with, no UPDATE or DELETE reaches the audit trail.
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION bct_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'the audit trail is append-only';
            END;
            $$
            """
        )
        op.execute(
            "CREATE TRIGGER auditevent_append_only BEFORE UPDATE OR DELETE ON auditevent "
            "FOR EACH ROW EXECUTE FUNCTION bct_audit_append_only()"
        )
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER auditevent_no_{event.lower()} BEFORE {event} ON auditevent "
                "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER auditevent_append_only ON auditevent")
        op.execute("DROP FUNCTION bct_audit_append_only()")
    else:
        op.execute("DROP TRIGGER auditevent_no_update")
        op.execute("DROP TRIGGER auditevent_no_delete")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_column("role")
