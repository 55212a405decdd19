"""Papers: meetings' front matter and cut-off, committees the register is routed to, issued papers

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02

A meeting gains its pack's cut-off date and front matter (agenda item, report of, author,
purpose, recommendations); a committee gains whether the whole strategic register is routed to
it; each paper recorded as issued keeps the SHA-256 of its bytes.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _text(length: int | None = None) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    with op.batch_alter_table("committee") as batch:
        batch.add_column(
            sa.Column("receives_register", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("meeting") as batch:
        batch.add_column(sa.Column("cut_off", sa.Date(), nullable=True))
        batch.add_column(sa.Column("agenda_item", _text(100), nullable=False, server_default=""))
        batch.add_column(sa.Column("report_of", _text(200), nullable=False, server_default=""))
        batch.add_column(sa.Column("author", _text(200), nullable=False, server_default=""))
        batch.add_column(sa.Column("purpose", _text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("recommendations", _text(), nullable=False, server_default=""))
    op.create_table(
        "issuedpaper",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", _text(40), nullable=False),
        sa.Column("title", _text(300), nullable=False),
        sa.Column("committee_id", sa.Integer(), nullable=True),
        sa.Column("meeting_date", sa.Date(), nullable=True),
        sa.Column("as_at", sa.Date(), nullable=True),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("format", _text(10), nullable=False),
        sa.Column("sha256", _text(64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("file_name", _text(300), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("issued_by", _text(100), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["committee_id"], ["committee.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_issuedpaper_sha256", "issuedpaper", ["sha256"])


def downgrade() -> None:
    op.drop_index("ix_issuedpaper_sha256", table_name="issuedpaper")
    op.drop_table("issuedpaper")
    with op.batch_alter_table("meeting") as batch:
        for name in ("recommendations", "purpose", "author", "report_of", "agenda_item", "cut_off"):
            batch.drop_column(name)
    with op.batch_alter_table("committee") as batch:
        batch.drop_column("receives_register")
