"""The register list's fast row reader and in-memory search obey the same rules as the rest."""

from __future__ import annotations

import gc
from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bct_risk.domain.enums import Appetite, RiskStatus, Tier
from bct_risk.domain.scoring import (
    Score,
    default_matrix,
    direction,
    gap,
    review_overdue,
)
from bct_risk.services import queries
from bct_risk.services.context import Context
from bct_risk.services.demo import DemoSize, generate
from bct_risk.services.register_rows import RiskFilter, RowReader, collector_paused, search_key
from tests.conftest import make_context

TODAY = date(2026, 11, 23)
scale = st.integers(1, 5)
maybe_score = st.one_of(st.none(), st.tuples(scale, scale))


@given(
    inherent=maybe_score,
    current=maybe_score,
    target=maybe_score,
    previous=st.one_of(st.none(), st.integers(1, 25)),
    appetite=st.one_of(st.none(), st.sampled_from(Appetite)),
    status=st.sampled_from(RiskStatus),
    review=st.one_of(st.none(), st.integers(-400, 400)),
    as_text=st.booleans(),
)
def test_each_line_agrees_with_the_scoring_rules(
    inherent: tuple[int, int] | None,
    current: tuple[int, int] | None,
    target: tuple[int, int] | None,
    previous: int | None,
    appetite: Appetite | None,
    status: RiskStatus,
    review: int | None,
    as_text: bool,
) -> None:
    matrix = default_matrix()
    day = TODAY + timedelta(days=review) if review is not None else None
    # SQLite gives dates and vocabularies as text, PostgreSQL dates as dates: both are read.
    review_cell = day.isoformat() if as_text and day else day
    raw = (
        7, "SR7", "Title", "Owner", "F&R", Tier.STRATEGIC.value if as_text else Tier.STRATEGIC,
        status.value if as_text else status, "Finance", appetite.value if appetite else None,
        0, review_cell, None, *(inherent or (None, None)), *(current or (None, None)), previous,
        *(target or (None, None)),
    )  # fmt: skip
    row = RowReader(matrix, TODAY)(raw)
    cur = Score(*current) if current else None
    tgt = Score(*target) if target else None
    value = cur.value if cur else None
    band = matrix.band(value) if value is not None else None
    assert (row.tier, row.status, row.appetite, row.next_review_date) == (
        Tier.STRATEGIC,
        status,
        appetite,
        day,
    )
    assert (row.inherent, row.current, row.target) == (
        Score(*inherent) if inherent else None,
        cur,
        tgt,
    )
    assert (row.band, row.band_colour) == ((band.name, band.colour) if band else ("", ""))
    assert row.direction == direction(previous, value)
    assert row.above_appetite == matrix.above_appetite(value, appetite)
    assert row.review_overdue == review_overdue(day, TODAY, status)
    assert row.gap_to_target == gap(value, tgt.value if tgt else None)
    assert row.gap_to_appetite == gap(value, matrix.ceiling(appetite))


@pytest.mark.parametrize(
    "text", ["sr1", "SR", "placement", "  Care ", "director", "%", "_", "r1", "zzz", "\\"]
)
def test_searching_loaded_rows_finds_what_the_database_finds(
    seeded_ctx: Context, text: str
) -> None:
    everything = RiskFilter(include_closed=True)
    loaded = queries.list_risks(seeded_ctx, everything)
    needle = replace(everything, text=text).needle
    in_memory = [r.reference for r in loaded if needle in search_key(r)]
    in_sql = [r.reference for r in queries.list_risks(seeded_ctx, replace(everything, text=text))]
    assert in_memory == in_sql


def test_the_collector_runs_again_after_a_load_however_it_ends() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("the register went away")
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # left off, as it was found
    finally:
        gc.enable()


@pytest.mark.parametrize("size", [1, 7, 300, 1000])
def test_reading_a_cursor_in_parts_gives_the_lines_of_every_row_at_once(
    database: str, size: int
) -> None:
    # A demonstration register: closed risks, risks without scores, every appetite and tier;
    # 301 risks, so that no size but 1 divides them evenly. On PostgreSQL too (its own cursor).
    ctx = make_context(database)
    try:
        generate(ctx, DemoSize(risks=301, actions=301, assessments=903, reviews=10), seed=5)
        reader = RowReader(ctx.matrix, TODAY)
        everything = RiskFilter(include_closed=True)
        with ctx.transaction() as session:
            stmt = queries.register_statement(ctx, everything, session)
            whole = reader.read_all(session.connection().execute(stmt).cursor.fetchall())
            in_parts = reader.read_cursor(session.connection().execute(stmt).cursor, size)
        assert len(whole) == 301
        assert in_parts == whole
        assert queries.list_risks(ctx, everything) == whole
    finally:
        ctx.engine.dispose()
