"""A control can be retired: the day it stopped and why, kept in its history

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02

A control no longer in place is retired rather than deleted: it keeps its row, its sources of
assurance and its audit trail, and leaves the register's lists, the papers' current controls and
the gap checks from the day it was retired (``bct_risk.services.controls``). A retired control
can be restored. On PostgreSQL the writers' table-wide UPDATE right on ``control`` covers the new
columns (``bct_risk.storage.postgres_roles``): nothing to grant.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN, done in place by SQLite (no rebuild of a table others refer to).
    op.add_column("control", sa.Column("retired_on", sa.Date(), nullable=True))
    op.add_column(
        "control",
        sa.Column(
            "retired_reason",
            sqlmodel.sql.sqltypes.AutoString(),
            nullable=False,
            server_default="",
        ),
    )


def downgrade() -> None:
    with op.batch_alter_table("control", schema=None) as batch_op:
        batch_op.drop_column("retired_reason")
        batch_op.drop_column("retired_on")
