"""On PostgreSQL, the groups' column rights cover the columns added after they were granted

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02

Migration ``0005`` gave a risk owner the right to update each column of ``risk`` but its owner,
and an administrator each column of ``person`` but its role, column by column: such a grant
covers only the columns there when it is made. The columns ``0008`` and ``0009`` added
(``risk.exempt_reason``, the import fields, ``person.left_on``) were left out, so a risk owner
could not record why their exempt risk stays out of public papers, nor an administrator the day
someone left. They are granted now, with the deletes the later tables' commands need (a risk
owner or the secretariat removing a source of assurance recorded in error, or unlinking an
indicator from a risk): see ``bct_risk.storage.postgres_roles.grant_columns``, also run after
every upgrade. SQLite has no grants: nothing to do.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        from bct_risk.storage import postgres_roles

        postgres_roles.grant_columns(bind)


def downgrade() -> None:
    # Taking the rights back would refuse commands the schema at 0009 offers: nothing to undo.
    pass
