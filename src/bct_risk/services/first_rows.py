"""The register's first screenful, read from a SQLite file with the standard library's
``sqlite3``: what the app shows while SQLAlchemy, the models and the rest of the register load.

Only the register as it opens (open risks, in reference order) is read this way, and only from
a SQLite file already at the newest schema. Anything else (a server, a file not made yet, an
older schema, a matrix file with a mistake, a file that cannot be read) answers None, and the
app opens the register the usual way, which creates, upgrades or reports as it always does.

The SQL is the register's own (:mod:`bct_risk.services.register_sql`): its columns, joins and
order, read by the same :class:`~bct_risk.services.register_rows.RowReader`.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import quote

from bct_risk.config import Settings
from bct_risk.domain.enums import RiskStatus
from bct_risk.domain.errors import ValidationError
from bct_risk.domain.scoring import Matrix, load_matrix
from bct_risk.services.register_rows import RiskRow, RowReader, reference_key
from bct_risk.services.register_sql import LINE_COLUMNS, LINE_FROM, REFERENCE_ORDER
from bct_risk.storage.migrate import VERSION_TABLE, head_revisions

FIRST_IDS_SQL = f"""
SELECT id FROM risk WHERE status = :status
ORDER BY {REFERENCE_ORDER}
LIMIT :limit
"""
"""The ids of the first ``limit`` risks of a status in the register's order
(:data:`~bct_risk.services.register_sql.REFERENCE_ORDER`)."""

FIRST_ROWS_SQL = f"""
SELECT {LINE_COLUMNS}
FROM {LINE_FROM}
WHERE risk.id IN ({FIRST_IDS_SQL})
"""
"""The register's lines for those risks, as :func:`~bct_risk.services.register_sql.register_sql`
selects them."""


@dataclass(frozen=True)
class FirstRows:
    """The first open risks of a register, in reference order, and the matrix they were read by."""

    matrix: Matrix
    rows: list[RiskRow]
    complete: bool
    """Whether these are all the register's open risks."""


def read_first_rows(settings: Settings, limit: int, today: date | None = None) -> FirstRows | None:
    """The first ``limit`` open risks in reference order, or None when this quick read cannot
    answer for the register (see the module's notes): open it the usual way then.

    ``today`` (for overdue reviews) is by default the date by the register's clock (UTC), as
    :meth:`~bct_risk.services.context.Context.today` gives it.
    """
    opened = open_at_head(settings)
    if opened is None:
        return None
    db, matrix = opened
    try:
        with closing(db):
            found = db.execute(
                FIRST_ROWS_SQL, {"status": RiskStatus.OPEN.value, "limit": limit + 1}
            ).fetchall()
    except sqlite3.Error:
        return None
    rows = RowReader(matrix, today or datetime.now(UTC).date()).read_all(found)
    rows.sort(key=lambda r: reference_key(r.reference))
    return FirstRows(matrix, rows[:limit], complete=len(rows) <= limit)


def open_at_head(settings: Settings) -> tuple[sqlite3.Connection, Matrix] | None:
    """A read-only connection to the register's SQLite file and the matrix it is read by, when
    the file is there and at the newest schema; None otherwise (a server, a file not made yet,
    an older schema, a matrix file with a mistake, a file that cannot be read), and the
    register is opened the usual way."""
    path = sqlite_file(settings.database_url)
    if path is None or not path.is_file():
        return None
    try:
        matrix = load_matrix(settings.matrix_path)
    except ValidationError:
        return None
    try:
        # Read-only: a file that is not there is not made, and nothing is ever written.
        db = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        stored = db.execute(f"SELECT version_num FROM {VERSION_TABLE}").fetchall()
        if tuple(sorted(v for (v,) in stored)) == head_revisions():
            return db, matrix
    except sqlite3.Error:
        pass
    db.close()
    return None


def sqlite_file(url: str) -> Path | None:
    """The file of a ``sqlite:///`` URL as :func:`bct_risk.config.database_url_from` writes
    them; None for any other URL, or one with options or escaped characters."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or any(c in url for c in "?%#"):
        return None
    file = url.removeprefix(prefix)
    return Path(file) if file and file != ":memory:" else None
