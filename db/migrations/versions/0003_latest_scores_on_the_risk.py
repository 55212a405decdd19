"""Each risk keeps a copy of its latest scores, so the register list needs no ranking

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23

The assessments stay the history; the new columns copy the latest inherent, current and target
likelihood and impact, the latest current score and the one before it. The application keeps
them up to date (``bct_risk.services.latest``); this migration fills them for existing risks.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (
    "inherent_likelihood",
    "inherent_impact",
    "current_likelihood",
    "current_impact",
    "current_score",
    "previous_score",
    "target_likelihood",
    "target_impact",
)

# (column, kind, assessment column, how many newer ones to skip)
SOURCES = (
    ("inherent_likelihood", "inherent", "likelihood", 0),
    ("inherent_impact", "inherent", "impact", 0),
    ("current_likelihood", "current", "likelihood", 0),
    ("current_impact", "current", "impact", 0),
    ("current_score", "current", "score", 0),
    ("previous_score", "current", "score", 1),
    ("target_likelihood", "target", "likelihood", 0),
    ("target_impact", "target", "impact", 0),
)


def upgrade() -> None:
    with op.batch_alter_table("risk", schema=None) as batch_op:
        for name in COLUMNS:
            batch_op.add_column(sa.Column(name, sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_risk_current_score"), ["current_score"], unique=False)
    settings = ",\n".join(
        f"{column} = (SELECT a.{source} FROM assessment a "
        f"WHERE a.risk_id = risk.id AND a.kind = '{kind}' "
        f"ORDER BY a.assessed_on DESC, a.id DESC LIMIT 1 OFFSET {skip})"
        for column, kind, source, skip in SOURCES
    )
    op.execute(f"UPDATE risk SET {settings}")


def downgrade() -> None:
    with op.batch_alter_table("risk", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_risk_current_score"))
        for name in reversed(COLUMNS):
            batch_op.drop_column(name)
