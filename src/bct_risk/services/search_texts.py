"""What the app's register search looks in beyond a risk's line: its description, cause and
the descriptions of its controls in place (the line itself gives reference, title and risk
owner). A retired control is no longer in place: a risk is not found by its text."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection

import sqlalchemy as sa
from sqlmodel import col

from bct_risk.domain.models import Control, Risk
from bct_risk.services.context import Context


def risk_texts(ctx: Context, ids: Collection[int] | None = None) -> dict[int, str]:
    """Each risk's description, cause and controls, in lower case, one per line, by risk id
    (only those of ``ids`` when given; a risk with none of them is left out)."""
    found: dict[int, list[str]] = defaultdict(list)
    wanted = set(ids) if ids is not None else None
    with ctx.read() as session:
        connection = session.connection()
        risks = sa.select(col(Risk.id), col(Risk.description), col(Risk.cause))
        for rid, description, cause in connection.execute(risks):
            if rid is not None and (wanted is None or rid in wanted):
                found[rid] += [t for t in (description, cause) if t]
        controls = sa.select(col(Control.risk_id), col(Control.description)).where(
            col(Control.retired_on).is_(None)
        )
        for rid, description in connection.execute(controls):
            if description and (wanted is None or rid in wanted):
                found[rid].append(description)
    return {rid: "\n".join(texts).lower() for rid, texts in found.items() if texts}
