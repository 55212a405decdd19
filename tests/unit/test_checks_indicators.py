"""The unchanged-score check reads the key risk indicators: which linked ones moved, and when."""

from __future__ import annotations

from datetime import date

from bct_risk.domain.indicators import Basket, Unit
from bct_risk.domain.kpi_rules import Polarity
from bct_risk.services import indicators
from bct_risk.services.baf import load_register
from bct_risk.services.checks import indicator_moves
from bct_risk.services.context import Context


def test_a_linked_indicator_that_took_another_value_has_moved(seeded_ctx: Context) -> None:
    spec = indicators.IndicatorSpec(
        key="test-placements", name="Children placed out of area", basket=Basket.CHILDREN_IN_CARE,
        unit=Unit.COUNT, polarity=Polarity.LOW,
    )  # fmt: skip
    indicators.add_indicator(seeded_ctx, spec)
    indicators.link_risk(seeded_ctx, "test-placements", "SR8")
    for month, value in (("2026-05", 40), ("2026-07", 40), ("2026-09", 52)):
        indicators.record_value(
            seeded_ctx, "test-placements",
            indicators.ValueInput(month, value, reported_on=date(2026, 10, 15)),
        )  # fmt: skip
    sr8 = load_register(seeded_ctx).risk("SR8")
    assert sr8 is not None
    with seeded_ctx.transaction() as session:
        moves = indicator_moves(session, date(2026, 11, 23))
        before_reported = indicator_moves(session, date(2026, 10, 1))
    assert moves is not None
    assert moves(sr8.id, date(2026, 6, 1), date(2026, 11, 23)) == ["Children placed out of area"]
    # steady over the period: 40 before it and 40 within it
    assert moves(sr8.id, date(2026, 6, 1), date(2026, 8, 1)) == []
    # values not yet reported at the cut-off do not count
    assert (
        before_reported is None
        or before_reported(sr8.id, date(2026, 6, 1), date(2026, 10, 1)) == []
    )
