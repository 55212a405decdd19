"""The register's SQL text (services.register_sql), which the register list runs on SQLite and
PostgreSQL, lists the same lines in the same order as the register's SQLAlchemy statement (which
the register paper extends), for every filter."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bct_risk.domain.enums import RiskStatus, Tier
from bct_risk.services import queries
from bct_risk.services.context import Context
from bct_risk.services.register_rows import RiskFilter, RowReader
from bct_risk.services.register_sql import like_pattern, register_sql

FILTERS = [
    RiskFilter(),
    RiskFilter(include_closed=True),
    RiskFilter(status=RiskStatus.CLOSED),
    RiskFilter(text="care"),
    RiskFilter(text="%", include_closed=True),
    RiskFilter(text="_"),
    RiskFilter(owner="director"),
    RiskFilter(committee="Finance and Resources"),
    RiskFilter(committee="fr", include_closed=True),
    RiskFilter(tier=Tier.BOARD),
    RiskFilter(category="finance"),
    RiskFilter(band="High"),
    RiskFilter(band="extreme", include_closed=True),
    RiskFilter(above_appetite=True),
    RiskFilter(review_overdue=True, include_closed=True),
    RiskFilter(include_exempt=False),
    RiskFilter(objective="care_planning"),
    RiskFilter(text="a", above_appetite=True, review_overdue=True, include_closed=True),
]


@pytest.mark.parametrize("flt", FILTERS, ids=repr)
def test_the_sql_text_lists_what_the_statement_lists(seeded_ctx: Context, flt: RiskFilter) -> None:
    reader = RowReader(seeded_ctx.matrix, seeded_ctx.today())
    with seeded_ctx.read() as session:
        stmt = queries.register_statement(seeded_ctx, flt, session)
        expected = reader.read_all(session.connection().execute(stmt).cursor.fetchall())
    assert queries.list_risks(seeded_ctx, flt) == expected
    if flt == RiskFilter(include_closed=True):
        some = [line.id for line in expected[::3]]
        chosen = queries.list_risks(seeded_ctx, flt, ids=some)
        assert chosen == [line for line in expected if line.id in some]
        assert queries.list_risks(seeded_ctx, flt, ids=[]) == []


def test_a_filter_naming_a_committee_or_objective_needs_its_id(seeded_ctx: Context) -> None:
    for flt in (RiskFilter(committee="fr"), RiskFilter(objective="care_planning")):
        with pytest.raises(ValueError, match="give its id"):
            register_sql(flt, seeded_ctx.matrix, seeded_ctx.today())
    sql, params = register_sql(
        replace(RiskFilter(text="x"), committee="fr"),
        seeded_ctx.matrix,
        seeded_ctx.today(),
        committee_id=4,
        style="pyformat",
    )
    assert "%(committee_id)s" in sql and params["committee_id"] == 4


def test_like_patterns_read_percent_and_underscore_as_themselves() -> None:
    assert like_pattern("50%_a/b") == "%50/%/_a//b%"
