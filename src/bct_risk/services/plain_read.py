"""The register's lines read with the standard library's ``sqlite3`` alone: the plain read of
``bct-risk list`` (:mod:`bct_risk.cli.plain`), which never loads SQLAlchemy, SQLModel or
pydantic.

It runs the register's own SQL (:func:`~bct_risk.services.register_sql.register_sql`) and reads
each row with the same :class:`~bct_risk.services.register_rows.RowReader` as the register list
(:func:`~bct_risk.services.queries.list_risks`), a part at a time, so a caller can write the
lines as they come. It answers only for a SQLite file at the newest schema
(:func:`~bct_risk.services.first_rows.open_at_head`), read-only; anything else is None, and the
command runs the usual way (which creates, upgrades or reports as it always does).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Generator
from datetime import UTC, date, datetime

from bct_risk.config import Settings
from bct_risk.domain.scoring import Matrix
from bct_risk.services.first_rows import open_at_head
from bct_risk.services.register_rows import RiskFilter, RiskRow, RowReader, collector_paused
from bct_risk.services.register_sql import register_sql

PART = 1000
"""Rows fetched and read at a time: a part's rows are let go once its lines are written."""


class PlainRegister:
    """A read-only connection to a register at the newest schema, and its matrix."""

    def __init__(self, db: sqlite3.Connection, matrix: Matrix, today: date) -> None:
        self.db = db
        self.matrix = matrix
        self.today = today
        """The day reviews are overdue against: today by the register's clock (UTC)."""

    def close(self) -> None:
        self.db.close()

    def has_indicator_links(self) -> bool:
        """Whether any risk has a key risk indicator (whose open breaches ``list --json``
        adds, by rules this plain read does not hold)."""
        return self.db.execute("SELECT 1 FROM indicatorrisk LIMIT 1").fetchone() is not None

    def lines(self, flt: RiskFilter) -> Generator[list[RiskRow], None, None]:
        """The register's lines for a filter naming no committee or objective, in the
        register's order, a part at a time. A bad band is refused (a ValidationError) before
        any is read; a stored value the register does not know is refused as the part holding
        it is read."""
        sql, params = register_sql(flt, self.matrix, self.today)
        reader = RowReader(self.matrix, self.today)
        cursor = self.db.execute(sql, params)
        try:
            while True:
                with collector_paused():
                    part = cursor.fetchmany(PART)
                    if not part:
                        return
                    lines = reader.read_all(part)
                yield lines
        finally:
            cursor.close()


def open_plain(settings: Settings, today: date | None = None) -> PlainRegister | None:
    """The register the settings name, for reading with ``sqlite3`` alone; None when it is not
    a SQLite file at the newest schema (see the module's notes)."""
    opened = open_at_head(settings)
    if opened is None:
        return None
    db, matrix = opened
    return PlainRegister(db, matrix, today or datetime.now(UTC).date())
