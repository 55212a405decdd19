"""The register's first screenful, read from a SQLite file with the standard library's
``sqlite3``: what the app shows while SQLAlchemy, the models and the rest of the register load.

Only the register as it opens (open risks, in reference order) is read this way, and only from
a SQLite file already at the newest schema. Anything else (a server, a file not made yet, an
older schema, a matrix file with a mistake, a file that cannot be read) answers None, and the
app opens the register the usual way, which creates, upgrades or reports as it always does.

The SQL selects the columns of :func:`~bct_risk.services.queries.register_statement` in the same
order, so :class:`~bct_risk.services.register_rows.RowReader` reads both; tests hold the two to
the same lines.
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
from bct_risk.storage.migrate import VERSION_TABLE, head_revisions

FIRST_IDS_SQL = """
SELECT id FROM (
    SELECT id, reference, rtrim(reference, '0123456789') AS head FROM risk WHERE status = :status
)
ORDER BY head,
         length(reference) > length(head),
         length(ltrim(substr(reference, length(head) + 1), '0')),
         ltrim(substr(reference, length(head) + 1), '0'),
         reference
LIMIT :limit
"""
"""The ids of the first ``limit`` risks of a status in the order of
:func:`~bct_risk.services.register_rows.reference_key`, written out in SQL: the letters, then a
reference with no number before those with one, then the number (its digits less leading zeros,
shorter first, so that numbers of any length compare as numbers), then the reference."""

FIRST_ROWS_SQL = f"""
SELECT risk.id, risk.reference, risk.title, coalesce(person.name, '') AS owner,
       coalesce(nullif(committee.short_name, ''), committee.name, '') AS committee,
       risk.tier, risk.status, risk.category, risk.appetite, risk.exempt,
       risk.next_review_date, risk.target_date,
       risk.inherent_likelihood, risk.inherent_impact,
       risk.current_likelihood, risk.current_impact, risk.previous_score,
       risk.target_likelihood, risk.target_impact
FROM risk
LEFT OUTER JOIN person ON person.id = risk.owner_id
LEFT OUTER JOIN committee ON committee.id = risk.lead_committee_id
WHERE risk.id IN ({FIRST_IDS_SQL})
"""
"""The register's lines for those risks, as ``register_statement`` selects them."""


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
    path = sqlite_file(settings.database_url)
    if path is None or not path.is_file():
        return None
    try:
        matrix = load_matrix(settings.matrix_path)
    except ValidationError:
        return None
    try:
        # Read-only: a file that is not there is not made, and nothing is ever written.
        with closing(sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True)) as db:
            stored = db.execute(f"SELECT version_num FROM {VERSION_TABLE}").fetchall()
            if tuple(sorted(v for (v,) in stored)) != head_revisions():
                return None
            found = db.execute(
                FIRST_ROWS_SQL, {"status": RiskStatus.OPEN.value, "limit": limit + 1}
            ).fetchall()
    except sqlite3.Error:
        return None
    rows = RowReader(matrix, today or datetime.now(UTC).date()).read_all(found)
    rows.sort(key=lambda r: reference_key(r.reference))
    return FirstRows(matrix, rows[:limit], complete=len(rows) <= limit)


def sqlite_file(url: str) -> Path | None:
    """The file of a ``sqlite:///`` URL as :func:`bct_risk.config.database_url_from` writes
    them; None for any other URL, or one with options or escaped characters."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or any(c in url for c in "?%#"):
        return None
    file = url.removeprefix(prefix)
    return Path(file) if file and file != ":memory:" else None
