"""The Board Assurance Framework: objectives, assurance sources, scenarios, people who left

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02

Strategic objectives and the risks that threaten them; sources of assurance on each control (by
line, positive or negative, with a reference to the evidence and its SHA-256); risk groups
(scenarios) and their members. Controls gain an assurance level and a key-control flag (every
existing control counts as key); people gain the date they left; an exempt risk
gains the reason it is exempt.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ASSURANCE = ("substantial", "reasonable", "limited", "none")


def _text(length: int | None = None) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def _stamp(name: str) -> sa.Column[object]:
    return sa.Column(name, sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False)


def upgrade() -> None:
    op.create_table(
        "strategicobjective",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", _text(40), nullable=False),
        sa.Column("title", _text(300), nullable=False),
        sa.Column("theme", _text(100), nullable=False),
        sa.Column("description", _text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("source", _text(300), nullable=False),
        sa.Column("illustrative", sa.Boolean(), nullable=False),
        _stamp("created_at"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    op.create_table(
        "riskobjective",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("risk_id", sa.Integer(), nullable=False),
        sa.Column("objective_id", sa.Integer(), nullable=False),
        sa.Column("source", _text(300), nullable=False),
        sa.Column("illustrative", sa.Boolean(), nullable=False),
        _stamp("created_at"),
        sa.ForeignKeyConstraint(["objective_id"], ["strategicobjective.id"]),
        sa.ForeignKeyConstraint(["risk_id"], ["risk.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("risk_id", "objective_id"),
    )
    with op.batch_alter_table("riskobjective", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_riskobjective_objective_id"), ["objective_id"])
        batch_op.create_index(batch_op.f("ix_riskobjective_risk_id"), ["risk_id"])

    op.create_table(
        "assurancesource",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("control_id", sa.Integer(), nullable=False),
        sa.Column("evidence", _text(), nullable=False),
        sa.Column("provider", _text(200), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("positive", sa.Boolean(), nullable=False),
        sa.Column("reference", _text(1000), nullable=False),
        sa.Column("sha256", _text(64), nullable=True),
        sa.Column("source", _text(300), nullable=False),
        sa.Column("illustrative", sa.Boolean(), nullable=False),
        sa.Column("recorded_by", _text(100), nullable=False),
        _stamp("created_at"),
        sa.CheckConstraint("line BETWEEN 1 AND 3", name="ck_assurancesource_line"),
        sa.ForeignKeyConstraint(["control_id"], ["control.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("assurancesource", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assurancesource_control_id"), ["control_id"])

    op.create_table(
        "riskgroup",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", _text(200), nullable=False),
        sa.Column("narrative", _text(), nullable=False),
        sa.Column("likelihood", sa.Integer(), nullable=True),
        sa.Column("impact", sa.Integer(), nullable=True),
        sa.Column("source", _text(300), nullable=False),
        sa.Column("illustrative", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _stamp("created_at"),
        _stamp("updated_at"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "riskgroupmember",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("risk_id", sa.Integer(), nullable=False),
        _stamp("created_at"),
        sa.ForeignKeyConstraint(["group_id"], ["riskgroup.id"]),
        sa.ForeignKeyConstraint(["risk_id"], ["risk.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("group_id", "risk_id"),
    )
    with op.batch_alter_table("riskgroupmember", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_riskgroupmember_group_id"), ["group_id"])
        batch_op.create_index(batch_op.f("ix_riskgroupmember_risk_id"), ["risk_id"])

    with op.batch_alter_table("control", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "assurance_level",
                sa.Enum(*ASSURANCE, name="assurance", native_enum=False, length=15),
                nullable=True,
            )
        )
        batch_op.add_column(
            sa.Column("key_control", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(sa.Column("left_on", sa.Date(), nullable=True))
    with op.batch_alter_table("risk", schema=None) as batch_op:
        batch_op.add_column(sa.Column("exempt_reason", _text(), server_default="", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("risk", schema=None) as batch_op:
        batch_op.drop_column("exempt_reason")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_column("left_on")
    with op.batch_alter_table("control", schema=None) as batch_op:
        batch_op.drop_column("key_control")
        batch_op.drop_column("assurance_level")
    op.drop_table("riskgroupmember")
    op.drop_table("riskgroup")
    op.drop_table("assurancesource")
    op.drop_table("riskobjective")
    op.drop_table("strategicobjective")
