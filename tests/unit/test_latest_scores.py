"""Each risk's copy of its latest scores always agrees with its assessment history."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import select

from bct_risk.domain.enums import Direction, ScoreKind
from bct_risk.domain.models import Risk, RiskCreate
from bct_risk.domain.scoring import Score
from bct_risk.services import queries, risks
from bct_risk.services.context import Context
from bct_risk.services.latest import refresh_latest_scores

LATEST = (
    "inherent_likelihood",
    "inherent_impact",
    "current_likelihood",
    "current_impact",
    "current_score",
    "previous_score",
    "target_likelihood",
    "target_impact",
)


def _copies(ctx: Context) -> dict[str, tuple[int | None, ...]]:
    with ctx.transaction() as session:
        return {
            r.reference: tuple(getattr(r, name) for name in LATEST)
            for r in session.exec(select(Risk))
        }


def _from_history(ctx: Context, reference: str) -> tuple[int | None, ...]:
    """The latest scores worked out from the history the detail shows (oldest first)."""
    history = reversed(queries.risk_detail(ctx, reference).history)
    newest: dict[ScoreKind, list[Score]] = {kind: [] for kind in ScoreKind}
    for item in history:
        newest[item.kind].append(item.score)
    inh, cur, tgt = (newest[k] for k in (ScoreKind.INHERENT, ScoreKind.CURRENT, ScoreKind.TARGET))
    return (
        inh[0].likelihood if inh else None,
        inh[0].impact if inh else None,
        cur[0].likelihood if cur else None,
        cur[0].impact if cur else None,
        cur[0].value if cur else None,
        cur[1].value if len(cur) > 1 else None,
        tgt[0].likelihood if tgt else None,
        tgt[0].impact if tgt else None,
    )


def test_backdated_scores_do_not_displace_the_latest(ctx: Context) -> None:
    today = ctx.today()
    risks.create_risk(
        ctx,
        RiskCreate(reference="T1", title="Placement sufficiency for children in care"),
        inherent=Score(5, 5),
        current=Score(4, 4),
        target=Score(2, 3),
    )
    risks.score_risk(ctx, "T1", likelihood=3, impact=4, rationale="improving")
    # A score recorded late, for a meeting two months ago: history, not the latest.
    risks.score_risk(
        ctx,
        "T1",
        likelihood=5,
        impact=4,
        rationale="as reported in September",
        assessed_on=today - timedelta(days=60),
    )
    risks.score_risk(
        ctx, "T1", likelihood=2, impact=2, rationale="new target", kind=ScoreKind.TARGET
    )
    row = queries.risk_detail(ctx, "T1").row
    assert (row.current, row.previous_score, row.target, row.inherent) == (
        Score(3, 4),
        16,
        Score(2, 2),
        Score(5, 5),
    )
    assert _copies(ctx)["T1"] == _from_history(ctx, "T1")


def test_the_seeded_register_agrees_with_a_fresh_refresh(seeded_ctx: Context) -> None:
    stored = _copies(seeded_ctx)
    assert any(values[4] is not None for values in stored.values())
    for reference in stored:
        assert stored[reference] == _from_history(seeded_ctx, reference), reference
    with seeded_ctx.transaction() as session:
        session.execute(sa.update(Risk).values(dict.fromkeys(LATEST)))
        refresh_latest_scores(session)
    assert _copies(seeded_ctx) == stored


def test_a_refresh_is_a_copy_not_a_change(seeded_ctx: Context) -> None:
    with seeded_ctx.transaction() as session:
        before = {r.reference: (r.version, r.updated_at) for r in session.exec(select(Risk))}
        refresh_latest_scores(session, [None, *range(1, 2000)])
    with seeded_ctx.transaction() as session:
        after = {r.reference: (r.version, r.updated_at) for r in session.exec(select(Risk))}
    assert after == before


def test_a_risk_with_no_scores_has_none(ctx: Context) -> None:
    risks.create_risk(ctx, RiskCreate(reference="T2", title="Unscored"))
    assert _copies(ctx)["T2"] == (None,) * len(LATEST)
    row = queries.risk_detail(ctx, "T2").row
    assert (row.current, row.band, row.direction) == (None, "", Direction.NEW)
