"""Each risk's latest scores, kept on the risk so the register list needs no ranking.

Scores are history in the assessment table. After assessments are added, whoever added them
calls :func:`refresh_latest_scores` in the same transaction; it copies the latest inherent,
current and target likelihood and impact (newest ``assessed_on``, then newest id) and the
current score before the latest onto each risk. It is the only writer of those columns.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlmodel import Session, col

from bct_risk.domain.enums import ScoreKind
from bct_risk.domain.models import Assessment, Risk

BATCH = 500
"""Risk ids per UPDATE, well under every database's limit on bound parameters."""


def _latest(kind: ScoreKind, column: Any, offset: int = 0) -> Any:
    """The column of the risk's ``offset``-th newest assessment of a kind."""
    return (
        sa.select(column)
        .where(col(Assessment.risk_id) == col(Risk.id), col(Assessment.kind) == kind)
        .order_by(col(Assessment.assessed_on).desc(), col(Assessment.id).desc())
        .limit(1)
        .offset(offset)
        .scalar_subquery()
    )


def _values() -> dict[str, Any]:
    likelihood, impact, score = (
        col(Assessment.likelihood),
        col(Assessment.impact),
        col(Assessment.score),
    )
    return {
        "inherent_likelihood": _latest(ScoreKind.INHERENT, likelihood),
        "inherent_impact": _latest(ScoreKind.INHERENT, impact),
        "current_likelihood": _latest(ScoreKind.CURRENT, likelihood),
        "current_impact": _latest(ScoreKind.CURRENT, impact),
        "current_score": _latest(ScoreKind.CURRENT, score),
        "previous_score": _latest(ScoreKind.CURRENT, score, offset=1),
        "target_likelihood": _latest(ScoreKind.TARGET, likelihood),
        "target_impact": _latest(ScoreKind.TARGET, impact),
    }


def refresh_latest_scores(
    session: Session | Connection, risk_ids: Iterable[int | None] | None = None
) -> None:
    """Copy the latest scores from the assessments onto these risks (every risk if None).

    Risks already loaded in an ORM session have those attributes expired, so they read the new
    values. The version and updated time are left alone: this is a copy, not a change.
    """
    statement = sa.update(Risk).values(**_values())
    options = {"synchronize_session": "fetch"} if isinstance(session, Session) else {}
    if risk_ids is None:
        session.execute(statement, execution_options=options)
        return
    ids = sorted({i for i in risk_ids if i is not None})
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        session.execute(statement.where(col(Risk.id).in_(chunk)), execution_options=options)
