"""Test helpers shared by every tier."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import SQLModel

from bct_risk.services.context import Context


def fingerprint(ctx: Context) -> dict[str, object]:
    """Every table's full contents: equal fingerprints mean the database did not change."""
    contents: dict[str, object] = {}
    with ctx.engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            rows = connection.execute(sa.select(table).order_by(*table.primary_key.columns)).all()
            contents[table.name] = [tuple(row) for row in rows]
    return contents
