"""The register list's fast row reader and in-memory search obey the same rules as the rest."""

from __future__ import annotations

import gc
from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bct_risk.domain.enums import Appetite, RiskStatus, Tier
from bct_risk.domain.errors import ValidationError
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
from bct_risk.services.register_rows import (
    RiskFilter,
    RiskRow,
    RowReader,
    collector_paused,
    search_key,
)
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
    target_day=st.one_of(st.none(), st.integers(-400, 400)),
    exempt=st.sampled_from([0, 1, False, True]),
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
    target_day: int | None,
    exempt: int | bool,
    as_text: bool,
) -> None:
    matrix = default_matrix()
    day = TODAY + timedelta(days=review) if review is not None else None
    by = TODAY + timedelta(days=target_day) if target_day is not None else None
    # SQLite gives dates and vocabularies as text and flags as 0 or 1; PostgreSQL dates as
    # dates and flags as booleans: both are read.
    review_cell = day.isoformat() if as_text and day else day
    by_cell = by.isoformat() if as_text and by else by
    appetite_cell = (appetite.value if as_text else appetite) if appetite else None
    raw = (
        7, "SR7", "Title", "Owner", "F&R", Tier.STRATEGIC.value if as_text else Tier.STRATEGIC,
        status.value if as_text else status, "Finance", appetite_cell,
        exempt, review_cell, by_cell, *(inherent or (None, None)), *(current or (None, None)),
        previous, *(target or (None, None)),
    )  # fmt: skip
    row = RowReader(matrix, TODAY)(raw)
    assert len(row) == len(RiskRow._fields)  # every field given, none shifted
    assert (row.exempt, row.target_date) == (bool(exempt), by)
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
    "text",
    ["sr1", "SR", "placement", "  Care ", "director", "%", "_", "r1", "zzz", "\\", "foster"],
)
def test_searching_loaded_rows_finds_what_the_database_finds(
    seeded_ctx: Context, text: str
) -> None:
    from bct_risk.services.search_texts import risk_texts

    everything = RiskFilter(include_closed=True)
    loaded = queries.list_risks(seeded_ctx, everything)
    texts = risk_texts(seeded_ctx)
    needle = replace(everything, text=text).needle
    in_memory = [
        r.reference for r in loaded if needle in search_key(r) or needle in texts.get(r.id, "")
    ]
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
            sql, params = queries.register_query(ctx, session, everything)
            connection = session.connection()
            whole = reader.read_all(connection.exec_driver_sql(sql, params).cursor.fetchall())
            in_parts = reader.read_cursor(connection.exec_driver_sql(sql, params).cursor, size)
        assert len(whole) == 301
        assert in_parts == whole
        assert queries.list_risks(ctx, everything) == whole
    finally:
        ctx.engine.dispose()


@pytest.mark.parametrize(
    ("column", "value"),
    [(14, 6), (15, 0), (13, 9), (17, 3.5), (8, "reckless"), (5, "directorate"), (6, "draft")],
)
def test_a_stored_value_the_register_does_not_know_is_refused_with_the_risk_named(
    column: int, value: object
) -> None:
    # Only a change made outside the app could store these: a current likelihood of 6, an
    # impact of 0, an inherent impact of 9, a target likelihood of 3.5, an appetite, tier or
    # status not on the register's lists.
    good = [7, "SR7", "Title", "Owner", "F&R", "strategic", "open", "Finance", "open", 0,
            None, None, 3, 3, 3, 3, 9, 2, 2]  # fmt: skip
    bad = list(good)
    bad[column] = value
    reader = RowReader(default_matrix(), TODAY)
    with pytest.raises(ValidationError, match=rf"risk SR7 holds {value!r}, which is not"):
        reader.read_all([tuple(good), tuple(bad)])
    assert reader.read_all([tuple(good)])[0].reference == "SR7"


def test_a_pause_begun_while_another_holds_the_collector_leaves_it_on_once_both_end() -> None:
    # Two loads in two threads: the first ends while the second is still under way.
    first, second = collector_paused(), collector_paused()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert not gc.isenabled()  # the second load still has it paused
    second.__exit__(None, None, None)
    assert gc.isenabled()
