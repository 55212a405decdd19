"""Imported risks keep their source reference, derived-title flag, owner's role and other columns

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02

A risk imported from another register keeps the reference that register gave it (when it is held
here under a prefixed one), whether its title was derived from its description, the risk
owner's job title where the register names a role rather than a person, and the columns that
have no field of their own, as written.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ALTER TABLE ... ADD COLUMN, which SQLite does in place: rebuilding the risk table
    # (batch mode) would drop it, which its foreign keys refuse once other rows refer to it.
    op.add_column(
        "risk",
        sa.Column("source_reference", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    )
    op.add_column(
        "risk",
        sa.Column("title_derived", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column(
        "risk",
        sa.Column(
            "owner_role",
            sqlmodel.sql.sqltypes.AutoString(length=200),
            nullable=False,
            server_default="",
        ),
    )
    op.add_column(
        "risk", sa.Column("additional_fields", sa.JSON(), nullable=False, server_default="{}")
    )


def downgrade() -> None:
    with op.batch_alter_table("risk") as batch:
        batch.drop_column("additional_fields")
        batch.drop_column("owner_role")
        batch.drop_column("title_derived")
        batch.drop_column("source_reference")
